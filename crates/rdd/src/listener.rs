//! Job, stage and task events, and the metrics tasks report. Progress bars,
//! status APIs and the web UI all read this bus.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Live counters of one task; operators add to them as they run.
#[derive(Debug, Default)]
pub struct TaskMetrics {
    /// Records read from the task's input (a collection, a file).
    pub records_read: AtomicU64,
    /// Bytes read from the task's input files.
    pub bytes_read: AtomicU64,
    /// Records written to output files.
    pub records_written: AtomicU64,
    /// Bytes written to output files.
    pub bytes_written: AtomicU64,
    /// Records read from shuffle blocks.
    pub shuffle_read_records: AtomicU64,
    /// Compressed bytes read from shuffle blocks.
    pub shuffle_read_bytes: AtomicU64,
    /// Records written to shuffle blocks.
    pub shuffle_write_records: AtomicU64,
    /// Compressed bytes written to shuffle blocks.
    pub shuffle_write_bytes: AtomicU64,
    /// Estimated in-memory bytes that were spilled.
    pub memory_bytes_spilled: AtomicU64,
    /// Bytes written to spill files.
    pub disk_bytes_spilled: AtomicU64,
    /// The largest aggregation or sort buffer the task held, in bytes.
    pub peak_execution_memory: AtomicU64,
    /// Input values that did not parse as their column's type (and were
    /// read as NULL, as Hive's text SerDe does).
    pub invalid_values: AtomicU64,
}

impl TaskMetrics {
    /// Adds `n` to a counter.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// Raises the peak memory mark to `bytes` if higher.
    pub fn note_memory(&self, bytes: u64) {
        self.peak_execution_memory
            .fetch_max(bytes, Ordering::Relaxed);
    }

    /// A plain copy of the counters.
    pub fn snapshot(&self) -> TaskMetricsSnapshot {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        TaskMetricsSnapshot {
            duration: Duration::ZERO,
            records_read: g(&self.records_read),
            bytes_read: g(&self.bytes_read),
            records_written: g(&self.records_written),
            bytes_written: g(&self.bytes_written),
            shuffle_read_records: g(&self.shuffle_read_records),
            shuffle_read_bytes: g(&self.shuffle_read_bytes),
            shuffle_write_records: g(&self.shuffle_write_records),
            shuffle_write_bytes: g(&self.shuffle_write_bytes),
            memory_bytes_spilled: g(&self.memory_bytes_spilled),
            disk_bytes_spilled: g(&self.disk_bytes_spilled),
            peak_execution_memory: g(&self.peak_execution_memory),
            invalid_values: g(&self.invalid_values),
        }
    }
}

/// The final metrics of one task attempt.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct TaskMetricsSnapshot {
    pub duration: Duration,
    pub records_read: u64,
    pub bytes_read: u64,
    pub records_written: u64,
    pub bytes_written: u64,
    pub shuffle_read_records: u64,
    pub shuffle_read_bytes: u64,
    pub shuffle_write_records: u64,
    pub shuffle_write_bytes: u64,
    pub memory_bytes_spilled: u64,
    pub disk_bytes_spilled: u64,
    pub peak_execution_memory: u64,
    pub invalid_values: u64,
}

impl TaskMetricsSnapshot {
    /// Adds another task's metrics: sums, but the largest peak memory.
    pub fn add(&mut self, m: &TaskMetricsSnapshot) {
        self.duration += m.duration;
        self.records_read += m.records_read;
        self.bytes_read += m.bytes_read;
        self.records_written += m.records_written;
        self.bytes_written += m.bytes_written;
        self.shuffle_read_records += m.shuffle_read_records;
        self.shuffle_read_bytes += m.shuffle_read_bytes;
        self.shuffle_write_records += m.shuffle_write_records;
        self.shuffle_write_bytes += m.shuffle_write_bytes;
        self.memory_bytes_spilled += m.memory_bytes_spilled;
        self.disk_bytes_spilled += m.disk_bytes_spilled;
        self.peak_execution_memory = self.peak_execution_memory.max(m.peak_execution_memory);
        self.invalid_values += m.invalid_values;
    }
}

/// A stage as listeners see it.
#[derive(Debug, Clone)]
pub struct StageInfo {
    /// Unique within the context.
    pub stage_id: usize,
    /// 0 at first submission, +1 per resubmission after lost shuffle output.
    pub attempt: usize,
    /// The lineage name of the stage's last RDD, e.g. `reduce_by_key`.
    pub name: String,
    /// Tasks this submission runs.
    pub num_tasks: usize,
    /// True for a stage that writes shuffle output, false for the result stage.
    pub is_shuffle_map: bool,
}

/// How a task attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskOutcome {
    /// It finished.
    Success,
    /// It failed with this message and may be retried.
    Failed(String),
    /// It could not read a parent's shuffle output; the parent is re-run.
    FetchFailed(String),
}

/// Scheduler events, in the order they happen for each job.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum Event {
    JobStart {
        job_id: usize,
        description: String,
        num_partitions: usize,
    },
    JobEnd {
        job_id: usize,
        duration: Duration,
        error: Option<String>,
    },
    StageSubmitted {
        job_id: usize,
        info: StageInfo,
    },
    StageCompleted {
        job_id: usize,
        info: StageInfo,
    },
    TaskStart {
        job_id: usize,
        stage_id: usize,
        partition: usize,
        attempt: usize,
    },
    TaskEnd {
        job_id: usize,
        stage_id: usize,
        partition: usize,
        attempt: usize,
        outcome: TaskOutcome,
        metrics: TaskMetricsSnapshot,
    },
    /// An event of a layer above the engine (the SQL engine's per-operator
    /// metrics), carried to every listener like the engine's own; listeners
    /// downcast what they know.
    Custom(Arc<dyn std::any::Any + Send + Sync>),
}

/// Receives events; called synchronously on driver and worker threads, so
/// implementations must be quick and must not run jobs.
pub trait Listener: Send + Sync {
    /// Handles one event.
    fn on_event(&self, event: &Event);
}

/// Fans events out to registered listeners.
#[derive(Default)]
pub(crate) struct ListenerBus {
    listeners: RwLock<Vec<Arc<dyn Listener>>>,
}

impl ListenerBus {
    pub fn add(&self, l: Arc<dyn Listener>) {
        self.listeners.write().unwrap().push(l);
    }

    pub fn remove(&self, l: &Arc<dyn Listener>) {
        self.listeners
            .write()
            .unwrap()
            .retain(|x| !Arc::ptr_eq(x, l));
    }

    pub fn post(&self, event: Event) {
        let listeners = self.listeners.read().unwrap();
        for l in listeners.iter() {
            l.on_event(&event);
        }
    }
}

/// A listener that keeps every event, for tests and simple tools.
#[derive(Default)]
pub struct EventLog {
    events: std::sync::Mutex<Vec<Event>>,
}

impl EventLog {
    /// A copy of the events received so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }

    /// Sum of the metrics of every finished task.
    pub fn total_task_metrics(&self) -> TaskMetricsSnapshot {
        let mut t = TaskMetricsSnapshot::default();
        for e in self.events.lock().unwrap().iter() {
            if let Event::TaskEnd { metrics: m, .. } = e {
                t.add(m);
            }
        }
        t
    }
}

impl Listener for EventLog {
    fn on_event(&self, event: &Event) {
        self.events.lock().unwrap().push(event.clone());
    }
}
