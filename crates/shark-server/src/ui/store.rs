//! What the web UI's Jobs, Stages and Executors pages show, kept from the
//! engine's listener bus. Listener callbacks run on scheduler and worker
//! threads, so they only update bounded maps under one short lock: at most
//! `spark.ui.retainedJobs` jobs, `spark.ui.retainedStages` stage attempts
//! and `spark.ui.retainedTasks` tasks per stage attempt (oldest finished
//! dropped first). Totals stay exact: a stage attempt's counters add every
//! task, retained or not, and what was dropped is counted.

use crate::progress;
use chrono::{DateTime, Utc};
use rdd::{Event, Listener, StageInfo, TaskMetricsSnapshot, TaskOutcome};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How much the store keeps.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// Jobs (`spark.ui.retainedJobs`).
    pub jobs: usize,
    /// Stage attempts (`spark.ui.retainedStages`).
    pub stages: usize,
    /// Tasks per stage attempt (`spark.ui.retainedTasks`).
    pub tasks: usize,
}

impl Retention {
    /// The limits set in the engine's configuration (Spark's names), 1000
    /// of each by default.
    pub fn from_conf(conf: &rdd::Conf) -> Result<Retention, String> {
        let get = |k: &str| {
            conf.get_usize(k, 1000)
                .map(|n| n.max(1))
                .map_err(|e| format!("{k}: {e}"))
        };
        Ok(Retention {
            jobs: get("spark.ui.retainedJobs")?,
            stages: get("spark.ui.retainedStages")?,
            tasks: get("spark.ui.retainedTasks")?,
        })
    }
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Running.
    Running,
    /// Ended well.
    Succeeded,
    /// Ended with an error (or was cancelled).
    Failed,
}

/// One engine job.
#[derive(Debug, Clone)]
pub struct JobRecord {
    /// The engine's job id.
    pub id: usize,
    /// The action that started it.
    pub name: String,
    /// The server query whose thread started it.
    pub query: Option<String>,
    /// When it started.
    pub submitted: DateTime<Utc>,
    started: Instant,
    /// How long it ran, once ended.
    pub duration: Option<Duration>,
    /// Its state.
    pub status: JobStatus,
    /// Why it failed.
    pub error: Option<String>,
    /// Its stage attempts, in submission order.
    pub stages: Vec<(usize, usize)>,
    /// Tasks of its submitted stage attempts.
    pub num_tasks: u64,
    /// Tasks running now.
    pub active_tasks: u64,
    /// Tasks that ended well.
    pub completed_tasks: u64,
    /// Task attempts that failed.
    pub failed_tasks: u64,
}

impl JobRecord {
    /// Its run time so far, or in all once ended.
    pub fn elapsed(&self) -> Duration {
        self.duration.unwrap_or_else(|| self.started.elapsed())
    }
}

/// Where a stage attempt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageStatus {
    /// Its tasks are running.
    Active,
    /// Every task ended well.
    Complete,
    /// Its job failed, or it was resubmitted after a fetch failure.
    Failed,
}

/// Where a task attempt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    /// Running.
    Running,
    /// Ended well.
    Success,
    /// Failed (may be retried).
    Failed,
    /// Could not read a parent's shuffle output.
    FetchFailed,
    /// Never reported an end: its job ended first.
    Killed,
}

/// One task attempt.
#[derive(Debug, Clone)]
pub struct TaskRecord {
    /// Unique within the store, in launch order.
    pub task_id: u64,
    /// The partition it computes.
    pub index: usize,
    /// 0 for the first try.
    pub attempt: usize,
    /// Its state.
    pub status: TaskStatus,
    /// When it started.
    pub launched: DateTime<Utc>,
    /// Its run time, once ended.
    pub duration: Option<Duration>,
    /// Why it failed.
    pub error: Option<String>,
    /// What it measured (zero until it ends).
    pub metrics: TaskMetricsSnapshot,
}

/// One stage attempt, with exact totals over all its tasks.
#[derive(Debug, Clone)]
pub struct StageRecord {
    /// The stage.
    pub stage_id: usize,
    /// 0 at first submission, +1 per resubmission.
    pub attempt: usize,
    /// The job that submitted it.
    pub job_id: usize,
    /// The lineage name of its last RDD.
    pub name: String,
    /// True when it writes shuffle output.
    pub is_shuffle_map: bool,
    /// Tasks it was submitted with.
    pub num_tasks: u64,
    /// Its state.
    pub status: StageStatus,
    /// When it was submitted.
    pub submitted: DateTime<Utc>,
    started: Instant,
    /// When it ended.
    pub completed: Option<DateTime<Utc>>,
    /// How long it ran, once ended.
    pub duration: Option<Duration>,
    /// Tasks running now.
    pub active_tasks: u64,
    /// Tasks that ended well.
    pub complete_tasks: u64,
    /// Task attempts that failed.
    pub failed_tasks: u64,
    /// Sums of every ended task's metrics (peak memory: the largest).
    pub totals: TaskMetricsSnapshot,
    /// Retained tasks by task id.
    pub tasks: BTreeMap<u64, TaskRecord>,
    /// Tasks no longer retained.
    pub tasks_dropped: u64,
    running: HashMap<(usize, usize), u64>,
}

impl StageRecord {
    /// Its run time so far, or in all once ended.
    pub fn elapsed(&self) -> Duration {
        self.duration.unwrap_or_else(|| self.started.elapsed())
    }
}

/// Totals of the one local executor (the driver's worker threads).
#[derive(Debug, Clone, Default)]
pub struct ExecutorTotals {
    /// Tasks running now.
    pub active_tasks: u64,
    /// Tasks that ended well.
    pub completed_tasks: u64,
    /// Task attempts that failed.
    pub failed_tasks: u64,
    /// Sums of every ended task's metrics.
    pub totals: TaskMetricsSnapshot,
    /// When the last task event arrived.
    pub last_event: Option<DateTime<Utc>>,
}

/// The retained records.
#[derive(Default)]
pub struct Records {
    /// Jobs by id.
    pub jobs: BTreeMap<usize, JobRecord>,
    /// Jobs no longer retained.
    pub jobs_dropped: u64,
    /// Stage attempts by (stage, attempt).
    pub stages: BTreeMap<(usize, usize), StageRecord>,
    /// Stage attempts no longer retained.
    pub stages_dropped: u64,
    /// The executor's totals.
    pub executor: ExecutorTotals,
    current_attempt: HashMap<usize, usize>,
    next_task: u64,
}

/// The listener and its records.
pub struct UiStore {
    records: Mutex<Records>,
    limits: Retention,
    seq: AtomicU64,
}

/// Removes the oldest entries that have `ended` until at most `cap` are
/// left (entries still running stay); how many went.
fn evict<K: Ord + Copy, V>(
    map: &mut BTreeMap<K, V>,
    cap: usize,
    ended: impl Fn(&V) -> bool,
) -> u64 {
    let mut dropped = 0;
    while map.len() > cap {
        let Some(old) = map.iter().find(|(_, v)| ended(v)).map(|(k, _)| *k) else {
            break;
        };
        map.remove(&old);
        dropped += 1;
    }
    dropped
}

impl UiStore {
    /// An empty store keeping at most `limits`.
    pub fn new(limits: Retention) -> UiStore {
        UiStore {
            records: Mutex::new(Records::default()),
            limits,
            seq: AtomicU64::new(0),
        }
    }

    /// The records, locked (hold briefly: tasks wait on it).
    pub fn read(&self) -> MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bumped by every event: the live stream sends an update when it moved.
    pub fn seq(&self) -> u64 {
        self.seq.load(Ordering::Relaxed)
    }

    /// The limits the store keeps to.
    pub fn limits(&self) -> Retention {
        self.limits
    }

    fn job_start(&self, r: &mut Records, job_id: usize, name: &str) {
        r.jobs.insert(
            job_id,
            JobRecord {
                id: job_id,
                name: name.to_string(),
                query: progress::current_query(),
                submitted: Utc::now(),
                started: Instant::now(),
                duration: None,
                status: JobStatus::Running,
                error: None,
                stages: Vec::new(),
                num_tasks: 0,
                active_tasks: 0,
                completed_tasks: 0,
                failed_tasks: 0,
            },
        );
        r.jobs_dropped += evict(&mut r.jobs, self.limits.jobs, |j| {
            j.status != JobStatus::Running
        });
    }

    fn job_end(&self, r: &mut Records, job_id: usize, duration: Duration, error: Option<&str>) {
        let now = Utc::now();
        let Some(job) = r.jobs.get_mut(&job_id) else {
            return;
        };
        job.duration = Some(duration);
        job.status = match error {
            None => JobStatus::Succeeded,
            Some(_) => JobStatus::Failed,
        };
        job.error = error.map(str::to_string);
        job.active_tasks = 0;
        for key in job.stages.clone() {
            let Some(s) = r.stages.get_mut(&key) else {
                continue;
            };
            if s.status == StageStatus::Active {
                // Tasks still out when the job ended were abandoned.
                s.status = if error.is_some() {
                    StageStatus::Failed
                } else {
                    StageStatus::Complete
                };
                s.completed = Some(now);
                s.duration = Some(s.started.elapsed());
                for t in s.tasks.values_mut() {
                    if t.status == TaskStatus::Running {
                        t.status = TaskStatus::Killed;
                    }
                }
                r.executor.active_tasks = r.executor.active_tasks.saturating_sub(s.active_tasks);
                s.active_tasks = 0;
                s.running.clear();
            }
        }
    }

    fn stage_submitted(&self, r: &mut Records, job_id: usize, info: &StageInfo) {
        let now = Utc::now();
        // An older attempt still open was abandoned for this one.
        for a in 0..info.attempt {
            if let Some(s) = r.stages.get_mut(&(info.stage_id, a)) {
                if s.status == StageStatus::Active {
                    s.status = StageStatus::Failed;
                    s.completed = Some(now);
                    s.duration = Some(s.started.elapsed());
                }
            }
        }
        r.current_attempt.insert(info.stage_id, info.attempt);
        let key = (info.stage_id, info.attempt);
        if let Some(job) = r.jobs.get_mut(&job_id) {
            if !job.stages.contains(&key) {
                job.stages.push(key);
            }
            job.num_tasks += info.num_tasks as u64;
        }
        r.stages.insert(
            key,
            StageRecord {
                stage_id: info.stage_id,
                attempt: info.attempt,
                job_id,
                name: info.name.clone(),
                is_shuffle_map: info.is_shuffle_map,
                num_tasks: info.num_tasks as u64,
                status: StageStatus::Active,
                submitted: now,
                started: Instant::now(),
                completed: None,
                duration: None,
                active_tasks: 0,
                complete_tasks: 0,
                failed_tasks: 0,
                totals: TaskMetricsSnapshot::default(),
                tasks: BTreeMap::new(),
                tasks_dropped: 0,
                running: HashMap::new(),
            },
        );
        r.stages_dropped += evict(&mut r.stages, self.limits.stages, |s| {
            s.status != StageStatus::Active
        });
    }

    fn stage_completed(&self, r: &mut Records, info: &StageInfo) {
        if let Some(s) = r.stages.get_mut(&(info.stage_id, info.attempt)) {
            if s.status == StageStatus::Active {
                s.status = StageStatus::Complete;
                s.completed = Some(Utc::now());
                s.duration = Some(s.started.elapsed());
            }
        }
    }

    fn task_start(
        &self,
        r: &mut Records,
        job_id: usize,
        stage_id: usize,
        index: usize,
        attempt: usize,
    ) {
        // A task a worker picks up after its job ended (cancelled or
        // failed) stops at once and reports no end: it is not counted.
        match r.jobs.get_mut(&job_id) {
            Some(job) if job.status == JobStatus::Running => job.active_tasks += 1,
            _ => return,
        }
        let task_id = r.next_task;
        r.next_task += 1;
        r.executor.active_tasks += 1;
        r.executor.last_event = Some(Utc::now());
        let stage_attempt = r.current_attempt.get(&stage_id).copied().unwrap_or(0);
        let Some(s) = r.stages.get_mut(&(stage_id, stage_attempt)) else {
            return;
        };
        s.active_tasks += 1;
        s.running.insert((index, attempt), task_id);
        if s.tasks.len() >= self.limits.tasks {
            let finished = s
                .tasks
                .iter()
                .find(|(_, t)| t.status != TaskStatus::Running)
                .map(|(id, _)| *id);
            match finished {
                Some(id) => {
                    s.tasks.remove(&id);
                    s.tasks_dropped += 1;
                }
                None => {
                    // Every retained task is running: this one is not kept.
                    s.tasks_dropped += 1;
                    return;
                }
            }
        }
        s.tasks.insert(
            task_id,
            TaskRecord {
                task_id,
                index,
                attempt,
                status: TaskStatus::Running,
                launched: Utc::now(),
                duration: None,
                error: None,
                metrics: TaskMetricsSnapshot::default(),
            },
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn task_end(
        &self,
        r: &mut Records,
        job_id: usize,
        stage_id: usize,
        index: usize,
        attempt: usize,
        outcome: &TaskOutcome,
        metrics: &TaskMetricsSnapshot,
    ) {
        let ok = matches!(outcome, TaskOutcome::Success);
        let ex = &mut r.executor;
        ex.active_tasks = ex.active_tasks.saturating_sub(1);
        ex.last_event = Some(Utc::now());
        if ok {
            ex.completed_tasks += 1;
        } else {
            ex.failed_tasks += 1;
        }
        ex.totals.add(metrics);
        if let Some(job) = r.jobs.get_mut(&job_id) {
            job.active_tasks = job.active_tasks.saturating_sub(1);
            if ok {
                job.completed_tasks += 1;
            } else {
                job.failed_tasks += 1;
            }
        }
        let stage_attempt = r.current_attempt.get(&stage_id).copied().unwrap_or(0);
        let Some(s) = r.stages.get_mut(&(stage_id, stage_attempt)) else {
            return;
        };
        s.active_tasks = s.active_tasks.saturating_sub(1);
        if ok {
            s.complete_tasks += 1;
        } else {
            s.failed_tasks += 1;
        }
        s.totals.add(metrics);
        let Some(task_id) = s.running.remove(&(index, attempt)) else {
            return;
        };
        if let Some(t) = s.tasks.get_mut(&task_id) {
            t.duration = Some(metrics.duration);
            t.metrics = metrics.clone();
            (t.status, t.error) = match outcome {
                TaskOutcome::Success => (TaskStatus::Success, None),
                TaskOutcome::Failed(e) => (TaskStatus::Failed, Some(e.clone())),
                TaskOutcome::FetchFailed(e) => (TaskStatus::FetchFailed, Some(e.clone())),
            };
        }
    }
}

impl Listener for UiStore {
    fn on_event(&self, event: &Event) {
        let mut r = self.read();
        match event {
            Event::JobStart {
                job_id,
                description,
                ..
            } => self.job_start(&mut r, *job_id, description),
            Event::JobEnd {
                job_id,
                duration,
                error,
            } => self.job_end(&mut r, *job_id, *duration, error.as_deref()),
            Event::StageSubmitted { job_id, info } => self.stage_submitted(&mut r, *job_id, info),
            Event::StageCompleted { info, .. } => self.stage_completed(&mut r, info),
            Event::TaskStart {
                job_id,
                stage_id,
                partition,
                attempt,
            } => self.task_start(&mut r, *job_id, *stage_id, *partition, *attempt),
            Event::TaskEnd {
                job_id,
                stage_id,
                partition,
                attempt,
                outcome,
                metrics,
            } => self.task_end(
                &mut r, *job_id, *stage_id, *partition, *attempt, outcome, metrics,
            ),
            Event::Custom(_) => {}
        }
        drop(r);
        self.seq.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(stage_id: usize, attempt: usize, num_tasks: usize) -> StageInfo {
        StageInfo {
            stage_id,
            attempt,
            name: "map".into(),
            num_tasks,
            is_shuffle_map: false,
        }
    }

    fn run_stage(store: &UiStore, job: usize, stage: usize, tasks: usize) {
        store.on_event(&Event::StageSubmitted {
            job_id: job,
            info: info(stage, 0, tasks),
        });
        for p in 0..tasks {
            store.on_event(&Event::TaskStart {
                job_id: job,
                stage_id: stage,
                partition: p,
                attempt: 0,
            });
            store.on_event(&Event::TaskEnd {
                job_id: job,
                stage_id: stage,
                partition: p,
                attempt: 0,
                outcome: TaskOutcome::Success,
                metrics: TaskMetricsSnapshot {
                    duration: Duration::from_millis(p as u64 + 1),
                    records_read: 10,
                    ..Default::default()
                },
            });
        }
        store.on_event(&Event::StageCompleted {
            job_id: job,
            info: info(stage, 0, 0),
        });
    }

    #[test]
    fn tasks_past_the_cap_are_dropped_but_totals_stay_exact() {
        let store = UiStore::new(Retention {
            jobs: 10,
            stages: 10,
            tasks: 5,
        });
        store.on_event(&Event::JobStart {
            job_id: 1,
            description: "collect".into(),
            num_partitions: 12,
        });
        run_stage(&store, 1, 7, 12);
        let r = store.read();
        let s = &r.stages[&(7, 0)];
        assert_eq!(s.tasks.len(), 5);
        assert_eq!(s.tasks_dropped, 7);
        assert_eq!(s.complete_tasks, 12);
        assert_eq!(s.totals.records_read, 120);
        assert_eq!(s.status, StageStatus::Complete);
        // The newest tasks are the ones kept.
        assert_eq!(s.tasks.values().next().unwrap().index, 7);
        assert_eq!(r.executor.completed_tasks, 12);
    }

    #[test]
    fn old_ended_jobs_and_stages_are_dropped_first() {
        let store = UiStore::new(Retention {
            jobs: 3,
            stages: 2,
            tasks: 100,
        });
        for j in 0..5 {
            store.on_event(&Event::JobStart {
                job_id: j,
                description: "count".into(),
                num_partitions: 1,
            });
            run_stage(&store, j, j, 1);
            store.on_event(&Event::JobEnd {
                job_id: j,
                duration: Duration::from_millis(3),
                error: None,
            });
        }
        let r = store.read();
        assert_eq!(r.jobs.keys().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(r.jobs_dropped, 2);
        assert_eq!(r.stages.len(), 2);
        assert_eq!(r.stages_dropped, 3);
        assert_eq!(r.jobs[&4].status, JobStatus::Succeeded);
    }

    #[test]
    fn a_resubmitted_stage_fails_its_older_attempt_and_a_failed_job_its_open_stages() {
        let store = UiStore::new(Retention {
            jobs: 10,
            stages: 10,
            tasks: 10,
        });
        store.on_event(&Event::JobStart {
            job_id: 0,
            description: "collect".into(),
            num_partitions: 2,
        });
        store.on_event(&Event::StageSubmitted {
            job_id: 0,
            info: info(3, 0, 2),
        });
        store.on_event(&Event::TaskStart {
            job_id: 0,
            stage_id: 3,
            partition: 0,
            attempt: 0,
        });
        store.on_event(&Event::TaskEnd {
            job_id: 0,
            stage_id: 3,
            partition: 0,
            attempt: 0,
            outcome: TaskOutcome::FetchFailed("lost".into()),
            metrics: TaskMetricsSnapshot::default(),
        });
        store.on_event(&Event::StageSubmitted {
            job_id: 0,
            info: info(3, 1, 2),
        });
        store.on_event(&Event::TaskStart {
            job_id: 0,
            stage_id: 3,
            partition: 1,
            attempt: 0,
        });
        store.on_event(&Event::JobEnd {
            job_id: 0,
            duration: Duration::from_millis(5),
            error: Some("cancelled".into()),
        });
        let r = store.read();
        assert_eq!(r.stages[&(3, 0)].status, StageStatus::Failed);
        assert_eq!(r.stages[&(3, 0)].failed_tasks, 1);
        let t = r.stages[&(3, 0)].tasks.values().next().unwrap();
        assert_eq!(t.status, TaskStatus::FetchFailed);
        assert_eq!(r.stages[&(3, 1)].status, StageStatus::Failed);
        let t = r.stages[&(3, 1)].tasks.values().next().unwrap();
        assert_eq!(t.status, TaskStatus::Killed);
        assert_eq!(r.jobs[&0].status, JobStatus::Failed);
        assert_eq!(r.jobs[&0].stages, vec![(3, 0), (3, 1)]);
        assert_eq!(r.executor.active_tasks, 0);
        drop(r);
        // A queued task that starts after its job was cancelled.
        store.on_event(&Event::TaskStart {
            job_id: 0,
            stage_id: 3,
            partition: 0,
            attempt: 1,
        });
        let r = store.read();
        assert_eq!(r.executor.active_tasks, 0);
        assert_eq!(r.jobs[&0].active_tasks, 0);
        assert_eq!(r.stages[&(3, 1)].active_tasks, 0);
    }
}
