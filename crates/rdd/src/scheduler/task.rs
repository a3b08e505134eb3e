//! What a running task can see: its identity, its metrics, its cancellation
//! flag, and the accumulator updates it has made so far.

use crate::context::Context;
use crate::error::RddError;
use crate::listener::TaskMetrics;
use std::any::Any;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The context of one task attempt, shared by the iterators of its pipeline.
/// Spark's `TaskContext`.
pub struct TaskContext {
    pub(crate) ctx: Context,
    pub(crate) job_id: usize,
    pub(crate) stage_id: usize,
    pub(crate) partition: usize,
    pub(crate) attempt: usize,
    cancelled: Arc<AtomicBool>,
    error: Mutex<Option<RddError>>,
    /// Counters the pipeline's operators add to as they run.
    pub metrics: TaskMetrics,
    pub(crate) accumulators: Mutex<Vec<(u64, Box<dyn PendingUpdate>)>>,
    /// Set by a task of an auxiliary job (sampling a range exchange's
    /// bounds) so that operators' own counters skip what it reads twice.
    auxiliary: AtomicBool,
}

/// Accumulator updates a task made, applied on the driver only if the task
/// succeeds and its partition was not already counted.
pub(crate) trait PendingUpdate: Send {
    fn as_any_mut(&mut self) -> &mut dyn Any;
    fn commit(self: Box<Self>);
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<TaskContext>>> = const { RefCell::new(None) };
}

impl TaskContext {
    pub(crate) fn new(
        ctx: Context,
        job_id: usize,
        stage_id: usize,
        partition: usize,
        attempt: usize,
        cancelled: Arc<AtomicBool>,
    ) -> Self {
        TaskContext {
            ctx,
            job_id,
            stage_id,
            partition,
            attempt,
            cancelled,
            error: Mutex::new(None),
            metrics: TaskMetrics::default(),
            accumulators: Mutex::new(Vec::new()),
            auxiliary: AtomicBool::new(false),
        }
    }

    /// The task running on this thread, if any (Spark's `TaskContext.get()`).
    pub fn get() -> Option<Arc<TaskContext>> {
        CURRENT.with(|c| c.borrow().clone())
    }

    pub(crate) fn set_current(tc: Option<Arc<TaskContext>>) {
        CURRENT.with(|c| *c.borrow_mut() = tc);
    }

    /// Marks this task as part of an auxiliary job (see `is_auxiliary`).
    pub fn mark_auxiliary(&self) {
        self.auxiliary.store(true, Ordering::Relaxed);
    }

    /// True for a task of an auxiliary job, whose reads are not the
    /// query's own (metrics per operator leave them out).
    pub fn is_auxiliary(&self) -> bool {
        self.auxiliary.load(Ordering::Relaxed)
    }

    /// The partition this task computes.
    pub fn partition_id(&self) -> usize {
        self.partition
    }

    /// The stage the task belongs to.
    pub fn stage_id(&self) -> usize {
        self.stage_id
    }

    /// The job the task belongs to.
    pub fn job_id(&self) -> usize {
        self.job_id
    }

    /// 0 for the first attempt, 1 for the first retry, and so on.
    pub fn attempt_number(&self) -> usize {
        self.attempt
    }

    /// The context the task runs in.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// True once the job was cancelled or failed; long loops should stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Records an error found while streaming (where an iterator cannot
    /// return it). The task fails with the first such error once its
    /// pipeline stops; iterators should end after calling this.
    pub fn fail(&self, err: RddError) {
        let mut slot = self.error.lock().unwrap();
        if slot.is_none() {
            *slot = Some(err);
        }
    }

    pub(crate) fn take_error(&self) -> Option<RddError> {
        self.error.lock().unwrap().take()
    }

    /// True once `fail` was called.
    pub fn has_failed(&self) -> bool {
        self.error.lock().unwrap().is_some()
    }

    /// Bytes of aggregation or sort buffer this task may hold before spilling.
    pub fn execution_budget(&self) -> usize {
        self.ctx.execution_budget_per_task()
    }
}

/// Wraps a task's input so that it stops soon after cancellation.
pub(crate) struct Cancellable<I> {
    inner: I,
    tc: Arc<TaskContext>,
    countdown: u32,
}

impl<I> Cancellable<I> {
    pub(crate) fn new(inner: I, tc: Arc<TaskContext>) -> Self {
        Cancellable {
            inner,
            tc,
            countdown: 0,
        }
    }
}

impl<I: Iterator> Iterator for Cancellable<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        if self.countdown == 0 {
            self.countdown = 1024;
            if self.tc.is_cancelled() {
                self.tc.fail(RddError::Cancelled);
                return None;
            }
        }
        self.countdown -= 1;
        self.inner.next()
    }
}
