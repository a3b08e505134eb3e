//! What a running task can see: its identity, its metrics, its cancellation
//! flag, and the accumulator updates it has made so far.

use crate::context::Context;
use crate::error::RddError;
use crate::listener::TaskMetrics;
use std::any::Any;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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
    /// Bytes of the execution budget the pipeline's operators hold now
    /// (the sum over its [`MemoryHolder`]s).
    held: AtomicUsize,
}

/// One operator's share of its task's execution budget. The operators of
/// a pipeline (an aggregation feeding a shuffle writer, a sort feeding a
/// join) run in one task at once: what each holds counts against the
/// budget the others see, so together they stay within the task's budget
/// (Spark's `TaskMemoryManager`). Released when dropped.
pub struct MemoryHolder {
    tc: Arc<TaskContext>,
    held: usize,
}

impl MemoryHolder {
    /// Records that the operator now holds `bytes`.
    pub fn set(&mut self, bytes: usize) {
        if bytes >= self.held {
            self.tc.held.fetch_add(bytes - self.held, Ordering::Relaxed);
        } else {
            self.tc.held.fetch_sub(self.held - bytes, Ordering::Relaxed);
        }
        self.held = bytes;
    }

    /// What the operator holds, as last set.
    pub fn held(&self) -> usize {
        self.held
    }

    /// The bytes this operator may hold: the task's budget less what the
    /// pipeline's other operators hold now — never below an eighth of the
    /// budget, so every operator makes progress (spilling more often).
    pub fn budget(&self) -> usize {
        let total = self.tc.execution_budget();
        let others = self
            .tc
            .held
            .load(Ordering::Relaxed)
            .saturating_sub(self.held);
        total.saturating_sub(others).max(total / 8)
    }
}

impl Drop for MemoryHolder {
    fn drop(&mut self) {
        self.set(0);
    }
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
            held: AtomicUsize::new(0),
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

    /// Runs `f` on this thread as part of task `tc`: for a helper thread a
    /// task starts (feeding a script, say), so that what runs there sees
    /// the task's settings, budget and accumulators through [`TaskContext::get`].
    pub fn run_as<R>(tc: &Arc<TaskContext>, f: impl FnOnce() -> R) -> R {
        let before = TaskContext::get();
        TaskContext::set_current(Some(tc.clone()));
        let out = f();
        TaskContext::set_current(before);
        out
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

    /// A share of the task's execution budget for one operator (see
    /// [`MemoryHolder`]).
    pub fn memory_holder(self: &Arc<Self>) -> MemoryHolder {
        MemoryHolder {
            tc: self.clone(),
            held: 0,
        }
    }

    /// Bytes the pipeline's operators hold now.
    pub fn execution_held(&self) -> usize {
        self.held.load(Ordering::Relaxed)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_of_a_task_share_its_budget() {
        let conf = crate::Conf::new().set(crate::conf::MEMORY_EXECUTION, "800k");
        let ctx = Context::with_conf("local[1]", "holders", conf).unwrap();
        let tc = Arc::new(TaskContext::new(ctx, 0, 0, 0, 0, Arc::default()));
        let budget = tc.execution_budget();
        let mut sort = tc.memory_holder();
        let mut writer = tc.memory_holder();
        assert_eq!(writer.budget(), budget);
        sort.set(budget / 2);
        assert_eq!(
            writer.budget(),
            budget - budget / 2,
            "the sort's share is gone"
        );
        assert_eq!(
            sort.budget(),
            budget,
            "its own holding is not counted against it"
        );
        sort.set(budget);
        assert_eq!(writer.budget(), budget / 8, "never below an eighth");
        writer.set(100);
        assert_eq!(tc.execution_held(), budget + 100);
        drop(sort);
        assert_eq!(tc.execution_held(), 100);
        writer.set(0);
        assert_eq!(tc.execution_held(), 0);
    }
}
