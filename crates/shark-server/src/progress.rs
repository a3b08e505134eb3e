//! Per-query progress from the engine's listener bus. All queries share one
//! `rdd::Context`, so events are told apart by job id: a job belongs to the
//! query whose thread started it (`JobStart` is posted on that thread), and
//! its stage and task events are counted for that query.

use rdd::{Event, Listener};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Live counters of one query.
#[derive(Debug, Default)]
pub struct Progress {
    query: String,
    jobs: AtomicU64,
    stages: AtomicU64,
    tasks_total: AtomicU64,
    tasks_done: AtomicU64,
    records_read: AtomicU64,
    rows_fetched: AtomicU64,
}

/// A copy of the counters, as `GET /v1/queries/{id}` shows them.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct ProgressSnapshot {
    /// Engine jobs started.
    pub jobs: u64,
    /// Stages submitted.
    pub stages: u64,
    /// Tasks of the submitted stages.
    pub tasks_total: u64,
    /// Tasks ended.
    pub tasks_done: u64,
    /// Records the tasks read from tables and shuffles.
    pub records_read: u64,
    /// Result rows fetched so far.
    pub rows_fetched: u64,
}

impl Progress {
    /// Counters of the query with id `query`.
    pub fn for_query(query: &str) -> Progress {
        Progress {
            query: query.to_string(),
            ..Progress::default()
        }
    }

    /// Counts result rows handed to the query's buffer.
    pub fn add_rows(&self, n: u64) {
        self.rows_fetched.fetch_add(n, Ordering::Relaxed);
    }

    /// The counters now.
    pub fn snapshot(&self) -> ProgressSnapshot {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ProgressSnapshot {
            jobs: g(&self.jobs),
            stages: g(&self.stages),
            tasks_total: g(&self.tasks_total),
            tasks_done: g(&self.tasks_done),
            records_read: g(&self.records_read),
            rows_fetched: g(&self.rows_fetched),
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Progress>>> = const { RefCell::new(None) };
}

/// The id of the query whose statements run on this thread, if any.
pub fn current_query() -> Option<String> {
    CURRENT.with(|c| c.borrow().as_ref().map(|p| p.query.clone()))
}

/// Runs `f` with jobs started on this thread counted for `p`.
pub fn track<R>(p: &Arc<Progress>, f: impl FnOnce() -> R) -> R {
    struct Reset(Option<Arc<Progress>>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let prev = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = prev);
        }
    }
    let _reset = Reset(CURRENT.with(|c| c.replace(Some(p.clone()))));
    f()
}

/// The listener registered once on the shared context.
#[derive(Default)]
pub struct QueryProgressListener {
    jobs: RwLock<HashMap<usize, Arc<Progress>>>,
}

impl QueryProgressListener {
    fn of(&self, job_id: usize) -> Option<Arc<Progress>> {
        self.jobs.read().ok()?.get(&job_id).cloned()
    }
}

impl Listener for QueryProgressListener {
    fn on_event(&self, e: &Event) {
        match e {
            Event::JobStart { job_id, .. } => {
                if let Some(p) = CURRENT.with(|c| c.borrow().clone()) {
                    p.jobs.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut m) = self.jobs.write() {
                        m.insert(*job_id, p);
                    }
                }
            }
            Event::JobEnd { job_id, .. } => {
                if let Ok(mut m) = self.jobs.write() {
                    m.remove(job_id);
                }
            }
            Event::StageSubmitted { job_id, info } => {
                if let Some(p) = self.of(*job_id) {
                    p.stages.fetch_add(1, Ordering::Relaxed);
                    p.tasks_total
                        .fetch_add(info.num_tasks as u64, Ordering::Relaxed);
                }
            }
            Event::TaskEnd {
                job_id, metrics, ..
            } => {
                if let Some(p) = self.of(*job_id) {
                    p.tasks_done.fetch_add(1, Ordering::Relaxed);
                    p.records_read.fetch_add(
                        metrics.records_read + metrics.shuffle_read_records,
                        Ordering::Relaxed,
                    );
                }
            }
            _ => {}
        }
    }
}
