//! The worker threads of local mode: `local[K]` runs K of them. Each job's
//! tasks wait in their own queue so that, under [`SchedulingMode::Fair`], a
//! long job with thousands of queued tasks cannot starve a short one that
//! arrives later: a free worker serves the job with the fewest running tasks.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

type Task = Box<dyn FnOnce() + Send + 'static>;

/// Stack of a worker thread: 512 MiB of address space.
const WORKER_STACK: usize = 512 << 20;

/// How free workers choose among the queued tasks of concurrent jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchedulingMode {
    /// Oldest job first: later jobs wait until earlier ones have no queued tasks.
    Fifo,
    /// Jobs share workers evenly (Spark's FAIR pools with equal weights): the job
    /// with the fewest running tasks goes next; on a tie, the one served least
    /// recently, so that with one worker jobs take turns task by task.
    Fair,
}

impl SchedulingMode {
    /// Parses `FIFO` or `FAIR` (any case), as `spark.scheduler.mode` does.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "FIFO" => Some(Self::Fifo),
            "FAIR" => Some(Self::Fair),
            _ => None,
        }
    }
}

#[derive(Default)]
struct JobQueue {
    queued: VecDeque<Task>,
    running: usize,
    /// The pick number of this job's latest task; 0 before its first.
    last_served: u64,
}

#[derive(Default)]
struct State {
    jobs: BTreeMap<usize, JobQueue>,
    picks: u64,
    closed: bool,
}

impl State {
    /// The next task to run; a job already running `cap` tasks (0: no cap)
    /// waits even if workers are free, leaving them to jobs that come later.
    fn pick(&mut self, mode: SchedulingMode, cap: usize) -> Option<(usize, Task)> {
        let candidates = self
            .jobs
            .iter()
            .filter(|(_, q)| !q.queued.is_empty() && (cap == 0 || q.running < cap));
        let job = match mode {
            SchedulingMode::Fifo => candidates.map(|(id, _)| *id).next()?,
            SchedulingMode::Fair => candidates
                .min_by_key(|(_, q)| (q.running, q.last_served))
                .map(|(id, _)| *id)?,
        };
        self.picks += 1;
        let q = self.jobs.get_mut(&job)?;
        let task = q.queued.pop_front()?;
        q.running += 1;
        q.last_served = self.picks;
        Some((job, task))
    }

    fn finished(&mut self, job: usize) {
        if let Some(q) = self.jobs.get_mut(&job) {
            q.running -= 1;
            if q.running == 0 && q.queued.is_empty() {
                self.jobs.remove(&job);
            }
        }
    }
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    mode: SchedulingMode,
    max_running_per_job: usize,
}

/// A fixed set of worker threads.
pub(crate) struct WorkerPool {
    shared: Arc<Shared>,
    handles: Vec<JoinHandle<()>>,
}

/// Marks a task finished even if it unwinds, so its job's running count
/// stays true.
struct Running<'a> {
    shared: &'a Shared,
    job: usize,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let mut state = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        state.finished(self.job);
        drop(state);
        // Under a per-job cap, a worker may be idle waiting for this slot.
        if self.shared.max_running_per_job > 0 {
            self.shared.wake.notify_one();
        }
    }
}

fn work(shared: &Shared) {
    loop {
        let (job, task) = {
            let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(next) = state.pick(shared.mode, shared.max_running_per_job) {
                    break next;
                }
                if state.closed {
                    return;
                }
                state = shared.wake.wait(state).unwrap_or_else(|e| e.into_inner());
            }
        };
        let _running = Running { shared, job };
        task();
    }
}

impl WorkerPool {
    /// `max_running_per_job` of 0 lets one job use every worker.
    pub fn new(
        workers: usize,
        mode: SchedulingMode,
        max_running_per_job: usize,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            mode,
            max_running_per_job,
        });
        let mut handles = Vec::with_capacity(workers);
        for i in 0..workers {
            let shared = shared.clone();
            let handle = std::thread::Builder::new()
                .name(format!("shark-worker-{i}"))
                // Tasks evaluate expression trees recursively; a deep one
                // (up to the SQL layer's bound) needs room. Only address
                // space is reserved; pages are used as deep as tasks go.
                .stack_size(WORKER_STACK)
                .spawn(move || work(&shared))?;
            handles.push(handle);
        }
        Ok(WorkerPool { shared, handles })
    }

    /// Queues a task of job `job`; false once the pool is shut down.
    pub fn submit(&self, job: usize, task: Task) -> bool {
        let mut state = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.closed {
            return false;
        }
        state.jobs.entry(job).or_default().queued.push_back(task);
        drop(state);
        self.shared.wake.notify_one();
        true
    }

    fn close(&self) {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .closed = true;
        self.shared.wake.notify_all();
    }

    /// Lets workers finish queued tasks, then joins them. Called from a
    /// driver thread, never from a worker.
    pub fn shutdown(&mut self) {
        self.close();
        let me = std::thread::current().id();
        for h in self.handles.drain(..) {
            if h.thread().id() != me {
                let _ = h.join();
            }
        }
    }
}

impl Drop for WorkerPool {
    fn drop(&mut self) {
        // Closing ends the workers once the queues drain; they are not joined
        // here because the last reference may be dropped on a worker itself.
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> Task {
        Box::new(|| {})
    }

    fn order(mode: SchedulingMode) -> Vec<usize> {
        let mut state = State::default();
        for _ in 0..3 {
            state.jobs.entry(1).or_default().queued.push_back(task());
        }
        state.jobs.entry(2).or_default().queued.push_back(task());
        // Job 1 already has a task running, as a long scan would.
        state.jobs.get_mut(&1).unwrap().running = 1;
        (0..4).map(|_| state.pick(mode, 0).unwrap().0).collect()
    }

    #[test]
    fn fair_serves_the_job_with_fewest_running_tasks() {
        // Job 2 (0 running) goes before job 1's backlog.
        assert_eq!(order(SchedulingMode::Fair), vec![2, 1, 1, 1]);
    }

    #[test]
    fn fair_alternates_jobs_when_none_is_running() {
        // One worker: the running count is back to 0 whenever it picks, so
        // the tie-break alone must make the jobs take turns.
        let mut state = State::default();
        for job in [1, 2] {
            for _ in 0..3 {
                state.jobs.entry(job).or_default().queued.push_back(task());
            }
        }
        let mut order = Vec::new();
        while let Some((job, _)) = state.pick(SchedulingMode::Fair, 0) {
            state.finished(job);
            order.push(job);
        }
        assert_eq!(order, vec![1, 2, 1, 2, 1, 2]);
    }

    #[test]
    fn a_capped_job_leaves_workers_to_others() {
        let mut state = State::default();
        for _ in 0..3 {
            state.jobs.entry(1).or_default().queued.push_back(task());
        }
        assert_eq!(state.pick(SchedulingMode::Fifo, 1).map(|p| p.0), Some(1));
        // Job 1 holds its one slot: nothing else may start for it.
        assert!(state.pick(SchedulingMode::Fifo, 1).is_none());
        state.jobs.entry(2).or_default().queued.push_back(task());
        assert_eq!(state.pick(SchedulingMode::Fifo, 1).map(|p| p.0), Some(2));
        state.finished(1);
        assert_eq!(state.pick(SchedulingMode::Fifo, 1).map(|p| p.0), Some(1));
    }

    #[test]
    fn fifo_drains_the_oldest_job_first() {
        assert_eq!(order(SchedulingMode::Fifo), vec![1, 1, 1, 2]);
    }

    #[test]
    fn mode_parses_like_spark() {
        assert_eq!(SchedulingMode::parse("fair"), Some(SchedulingMode::Fair));
        assert_eq!(SchedulingMode::parse("FIFO"), Some(SchedulingMode::Fifo));
        assert_eq!(SchedulingMode::parse("round-robin"), None);
    }
}
