//! The DAG scheduler, Spark's heart. A job is the final RDD plus a function
//! over some of its partitions. Walking back from that RDD through narrow
//! dependencies finds the shuffle dependencies that end the result stage;
//! each shuffle is a map stage, found the same way from its own RDD. A stage
//! runs once all its parent shuffles have every map output (outputs from
//! earlier jobs count). Failed tasks are retried; a task that cannot read a
//! parent's map output makes the scheduler re-run just that map task.

use crate::context::Context;
use crate::error::{RddError, Result};
use crate::listener::{Event, StageInfo, TaskMetricsSnapshot, TaskOutcome};
use crate::rdd::{Dependency, RddBase};
use crate::scheduler::task::{PendingUpdate, TaskContext};
use crate::shuffle::dependency::ShuffleDep;
use crate::shuffle::MapOutput;
use crossbeam_channel::{unbounded, Receiver, RecvTimeoutError, Sender};
use std::any::Any;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Computes one result partition and returns its (boxed) value.
pub(crate) type ResultFn =
    Arc<dyn Fn(usize, &Arc<TaskContext>) -> Result<Box<dyn Any + Send>> + Send + Sync>;

enum TaskKind {
    Map(Arc<dyn ShuffleDep>),
    Result(ResultFn),
}

enum TaskValue {
    Map(MapOutput),
    Result(Box<dyn Any + Send>),
}

struct TaskEnd {
    stage: usize,
    stage_attempt: usize,
    part: usize,
    attempt: usize,
    result: Result<TaskValue>,
    metrics: TaskMetricsSnapshot,
    updates: Vec<(u64, Box<dyn PendingUpdate>)>,
}

struct Stage {
    id: usize,
    rdd: Arc<dyn RddBase>,
    dep: Option<Arc<dyn ShuffleDep>>,
    attempt: usize,
    fetch_failures: usize,
    in_flight: HashSet<usize>,
    failures: HashMap<usize, usize>,
    /// Times each partition's task lost its executor.
    executors_lost: HashMap<usize, usize>,
}

struct Job<'a> {
    ctx: &'a Context,
    id: usize,
    cancel: Arc<AtomicBool>,
    tx: Sender<TaskEnd>,
    stages: Vec<Stage>,
    by_shuffle: HashMap<usize, usize>,
    waiting: BTreeSet<usize>,
    running: BTreeSet<usize>,
    partitions: Vec<usize>,
    done: Vec<bool>,
    remaining: usize,
    func: ResultFn,
    /// For a map-stage job: the stage whose completion ends the job.
    map_target: Option<usize>,
}

/// Runs a job to completion, handing each result partition's value to
/// `on_result` with its index in `partitions`.
pub(crate) fn run_job(
    ctx: &Context,
    rdd: Arc<dyn RddBase>,
    partitions: Vec<usize>,
    func: ResultFn,
    on_result: &mut dyn FnMut(usize, Box<dyn Any + Send>),
) -> Result<()> {
    ctx.check_running()?;
    let job_id = ctx.new_job_id();
    let started = Instant::now();
    let description = match rdd.core().name() {
        Some(n) => n,
        None => format!("{} [{}]", rdd.core().op(), rdd.core().id()),
    };
    ctx.post(Event::JobStart {
        job_id,
        description,
        num_partitions: partitions.len(),
    });
    let (tx, rx) = unbounded();
    let external_cancel = crate::context::current_cancel_token();
    let remaining = partitions.len();
    let mut job = Job::new(ctx, job_id, tx, partitions, func, remaining);
    let outcome = if job.remaining == 0 {
        Ok(())
    } else {
        job.run(rdd, &rx, on_result, external_cancel)
    };
    job.end(&rx, started, outcome)
}

/// Runs the map stage of `dep` (and whatever it needs) until every map
/// output exists, without reading any of it: Spark's `submitMapStage`, the
/// step adaptive execution measures before it plans what follows.
pub(crate) fn run_map_stage(ctx: &Context, dep: Arc<dyn ShuffleDep>) -> Result<()> {
    ctx.check_running()?;
    let job_id = ctx.new_job_id();
    let started = Instant::now();
    ctx.post(Event::JobStart {
        job_id,
        description: format!("map stage of shuffle {}", dep.shuffle_id()),
        num_partitions: dep.parent().num_partitions(),
    });
    let (tx, rx) = unbounded();
    let external_cancel = crate::context::current_cancel_token();
    let func: ResultFn =
        Arc::new(|_, _| Err(RddError::Task("a map-stage job has no result".into())));
    // `remaining` drops to zero when the target stage completes.
    let mut job = Job::new(ctx, job_id, tx, Vec::new(), func, 1);
    let outcome = (|| {
        let target = job.stage_for(dep);
        job.map_target = Some(target);
        job.submit(target)?;
        job.wait(&rx, &mut |_, _| {}, external_cancel)
    })();
    job.end(&rx, started, outcome)
}

impl<'a> Job<'a> {
    fn new(
        ctx: &'a Context,
        id: usize,
        tx: Sender<TaskEnd>,
        partitions: Vec<usize>,
        func: ResultFn,
        remaining: usize,
    ) -> Job<'a> {
        Job {
            ctx,
            id,
            cancel: Arc::new(AtomicBool::new(false)),
            tx,
            stages: Vec::new(),
            by_shuffle: HashMap::new(),
            waiting: BTreeSet::new(),
            running: BTreeSet::new(),
            done: vec![false; partitions.len()],
            remaining,
            partitions,
            func,
            map_target: None,
        }
    }

    fn run(
        &mut self,
        rdd: Arc<dyn RddBase>,
        rx: &Receiver<TaskEnd>,
        on_result: &mut dyn FnMut(usize, Box<dyn Any + Send>),
        external_cancel: Option<crate::context::CancelToken>,
    ) -> Result<()> {
        let result_stage = self.new_stage(rdd, None);
        self.submit(result_stage)?;
        self.wait(rx, on_result, external_cancel)
    }

    /// Stops the job's remaining tasks, waits for them after a failure, and
    /// reports the end.
    fn end(mut self, rx: &Receiver<TaskEnd>, started: Instant, outcome: Result<()>) -> Result<()> {
        self.cancel.store(true, Ordering::Relaxed);
        if matches!(&outcome, Err(e) if !matches!(e, RddError::Cancelled)) && !self.ctx.is_stopped()
        {
            self.drain(rx);
        }
        self.ctx.post(Event::JobEnd {
            job_id: self.id,
            duration: started.elapsed(),
            error: outcome.as_ref().err().map(|e| e.to_string()),
        });
        outcome
    }

    /// After a failure: waits (a bounded time) for the job's tasks still
    /// running to notice the cancellation and end, so that nothing of the
    /// failed job still writes when the caller cleans up after it. Not
    /// after a cancellation, which must answer at once.
    fn drain(&mut self, rx: &Receiver<TaskEnd>) {
        let mut running: usize = self.stages.iter().map(|s| s.in_flight.len()).sum();
        let deadline = Instant::now() + Duration::from_secs(30);
        while running > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(_) => running -= 1,
                Err(_) => break,
            }
        }
    }

    /// Handles task ends until the job has what it needs.
    fn wait(
        &mut self,
        rx: &Receiver<TaskEnd>,
        on_result: &mut dyn FnMut(usize, Box<dyn Any + Send>),
        external_cancel: Option<crate::context::CancelToken>,
    ) -> Result<()> {
        while self.remaining > 0 {
            let msg = match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    if external_cancel.as_ref().is_some_and(|c| c.is_cancelled()) {
                        return Err(RddError::Cancelled);
                    }
                    self.ctx.check_running()?;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return Err(RddError::ContextStopped),
            };
            if external_cancel.as_ref().is_some_and(|c| c.is_cancelled()) {
                return Err(RddError::Cancelled);
            }
            self.handle(msg, on_result)?;
        }
        Ok(())
    }

    fn new_stage(&mut self, rdd: Arc<dyn RddBase>, dep: Option<Arc<dyn ShuffleDep>>) -> usize {
        let index = self.stages.len();
        if let Some(d) = &dep {
            self.by_shuffle.insert(d.shuffle_id(), index);
        }
        self.stages.push(Stage {
            id: self.ctx.new_stage_id(),
            rdd,
            dep,
            attempt: 0,
            fetch_failures: 0,
            in_flight: HashSet::new(),
            failures: HashMap::new(),
            executors_lost: HashMap::new(),
        });
        index
    }

    fn stage_for(&mut self, dep: Arc<dyn ShuffleDep>) -> usize {
        match self.by_shuffle.get(&dep.shuffle_id()) {
            Some(&s) => s,
            None => self.new_stage(dep.parent(), Some(dep)),
        }
    }

    fn missing_maps(&self, dep: &Arc<dyn ShuffleDep>) -> Vec<usize> {
        self.ctx
            .shuffle_manager()
            .missing(dep.shuffle_id(), dep.parent().num_partitions())
    }

    fn missing_parents(&mut self, s: usize) -> Vec<usize> {
        let deps = shuffle_dependencies(self.ctx, &self.stages[s].rdd);
        let mut parents = Vec::new();
        for dep in deps {
            if !self.missing_maps(&dep).is_empty() {
                parents.push(self.stage_for(dep));
            }
        }
        parents
    }

    fn submit(&mut self, s: usize) -> Result<()> {
        if self.waiting.contains(&s) || self.running.contains(&s) {
            return Ok(());
        }
        let parents = self.missing_parents(s);
        if parents.is_empty() {
            self.launch(s)
        } else {
            self.waiting.insert(s);
            for p in parents {
                self.submit(p)?;
            }
            Ok(())
        }
    }

    fn info(&self, s: usize, num_tasks: usize) -> StageInfo {
        let stage = &self.stages[s];
        StageInfo {
            stage_id: stage.id,
            attempt: stage.attempt,
            name: stage
                .rdd
                .core()
                .name()
                .unwrap_or_else(|| stage.rdd.core().op().to_string()),
            num_tasks,
            is_shuffle_map: stage.dep.is_some(),
        }
    }

    /// Launches tasks for the stage's missing partitions that are not
    /// already in flight.
    fn launch(&mut self, s: usize) -> Result<()> {
        let missing: Vec<usize> = match &self.stages[s].dep {
            Some(dep) => {
                let dep = dep.clone();
                dep.prepare()?;
                self.missing_maps(&dep)
            }
            None => (0..self.partitions.len())
                .filter(|&i| !self.done[i])
                .collect(),
        };
        let to_run: Vec<usize> = missing
            .into_iter()
            .filter(|p| !self.stages[s].in_flight.contains(p))
            .collect();
        if to_run.is_empty() {
            if self.stages[s].in_flight.is_empty() {
                return self.stage_done(s);
            }
            return Ok(());
        }
        if self.running.insert(s) {
            let info = self.info(s, to_run.len());
            self.ctx.post(Event::StageSubmitted {
                job_id: self.id,
                info,
            });
        }
        for part in to_run {
            let attempt = self.stages[s].failures.get(&part).copied().unwrap_or(0);
            self.launch_task(s, part, attempt);
        }
        Ok(())
    }

    fn stage_done(&mut self, s: usize) -> Result<()> {
        if self.map_target == Some(s) {
            self.remaining = 0;
        }
        if self.running.remove(&s) {
            let info = self.info(s, 0);
            self.ctx.post(Event::StageCompleted {
                job_id: self.id,
                info,
            });
        }
        // A waiting stage runs once its parents are all there; a parent
        // whose outputs were lost meanwhile (an executor died) is
        // submitted again, or nothing would ever run it.
        let waiting: Vec<usize> = self.waiting.iter().copied().collect();
        for w in waiting {
            if self.waiting.remove(&w) {
                self.submit(w)?;
            }
        }
        Ok(())
    }

    fn launch_task(&mut self, s: usize, part: usize, attempt: usize) {
        let stage = &mut self.stages[s];
        stage.in_flight.insert(part);
        let (kind, rdd_partition) = match &stage.dep {
            Some(dep) => (TaskKind::Map(dep.clone()), part),
            None => (TaskKind::Result(self.func.clone()), self.partitions[part]),
        };
        let ctx = self.ctx.clone();
        let tx = self.tx.clone();
        let cancel = self.cancel.clone();
        let (job_id, stage_id, stage_attempt) = (self.id, stage.id, stage.attempt);
        let task = move || {
            let tc = Arc::new(TaskContext::new(
                ctx.clone(),
                job_id,
                stage_id,
                rdd_partition,
                attempt,
                cancel,
            ));
            ctx.post(Event::TaskStart {
                job_id,
                stage_id,
                partition: rdd_partition,
                attempt,
            });
            let started = Instant::now();
            TaskContext::set_current(Some(tc.clone()));
            let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<TaskValue> {
                if tc.is_cancelled() {
                    return Err(RddError::Cancelled);
                }
                ctx.faults().check(stage_id, rdd_partition, attempt)?;
                match kind {
                    TaskKind::Map(dep) => dep.run_map_task(rdd_partition, &tc).map(TaskValue::Map),
                    TaskKind::Result(f) => f(rdd_partition, &tc).map(TaskValue::Result),
                }
            }));
            TaskContext::set_current(None);
            let result = match outcome {
                Ok(Ok(v)) => match tc.take_error() {
                    Some(e) => Err(e),
                    None => Ok(v),
                },
                Ok(Err(e)) => Err(e),
                Err(panic) => Err(RddError::Task(format!(
                    "task panicked: {}",
                    panic_message(panic.as_ref())
                ))),
            };
            let mut metrics = tc.metrics.snapshot();
            metrics.duration = started.elapsed();
            let updates = std::mem::take(&mut *tc.accumulators.lock().unwrap());
            let _ = tx.send(TaskEnd {
                stage: s,
                stage_attempt,
                part,
                attempt,
                result,
                metrics,
                updates,
            });
        };
        if !self.ctx.submit_task(self.id, Box::new(task)) {
            // The pool is gone (context stopped); the job loop notices.
        }
    }

    fn handle(
        &mut self,
        msg: TaskEnd,
        on_result: &mut dyn FnMut(usize, Box<dyn Any + Send>),
    ) -> Result<()> {
        let s = msg.stage;
        self.stages[s].in_flight.remove(&msg.part);
        let stage_id = self.stages[s].id;
        let rdd_partition = match self.stages[s].dep {
            Some(_) => msg.part,
            None => self.partitions[msg.part],
        };
        let outcome = match &msg.result {
            Ok(_) => TaskOutcome::Success,
            Err(e @ RddError::FetchFailed { .. }) => TaskOutcome::FetchFailed(e.to_string()),
            Err(e) => TaskOutcome::Failed(e.to_string()),
        };
        self.ctx.post(Event::TaskEnd {
            job_id: self.id,
            stage_id,
            partition: rdd_partition,
            attempt: msg.attempt,
            outcome,
            metrics: msg.metrics,
        });
        match msg.result {
            Ok(TaskValue::Result(value)) => {
                if !self.done[msg.part] {
                    self.done[msg.part] = true;
                    self.remaining -= 1;
                    for (_, u) in msg.updates {
                        u.commit();
                    }
                    on_result(msg.part, value);
                }
                if self.remaining == 0 {
                    self.running.remove(&s);
                    let info = self.info(s, 0);
                    self.ctx.post(Event::StageCompleted {
                        job_id: self.id,
                        info,
                    });
                }
                Ok(())
            }
            Ok(TaskValue::Map(output)) => {
                let dep = self.stages[s].dep.clone().expect("map stage");
                let num_maps = dep.parent().num_partitions();
                let manager = self.ctx.shuffle_manager();
                if manager
                    .missing(dep.shuffle_id(), num_maps)
                    .contains(&msg.part)
                {
                    for (_, u) in msg.updates {
                        u.commit();
                    }
                    manager.register(dep.shuffle_id(), num_maps, msg.part, output);
                }
                if self.stages[s].in_flight.is_empty() && self.missing_maps(&dep).is_empty() {
                    self.stage_done(s)?;
                } else if self.stages[s].in_flight.is_empty() && self.running.contains(&s) {
                    // Outputs were lost while the stage ran: run what is missing.
                    self.launch(s)?;
                }
                Ok(())
            }
            Err(RddError::FetchFailed { shuffle_id, map_id }) => {
                let deps = shuffle_dependencies(self.ctx, &self.stages[s].rdd);
                let Some(dep) = deps.into_iter().find(|d| d.shuffle_id() == shuffle_id) else {
                    // A shuffle this scheduler does not run (an executor's
                    // task reading another process's blocks): whoever runs
                    // that shuffle must hear of it, kind intact.
                    return Err(RddError::FetchFailed { shuffle_id, map_id });
                };
                self.ctx.shuffle_manager().unregister(shuffle_id, map_id);
                let stage = &mut self.stages[s];
                if msg.stage_attempt == stage.attempt {
                    stage.attempt += 1;
                    stage.fetch_failures += 1;
                    if stage.fetch_failures > self.ctx.max_stage_attempts() {
                        return Err(RddError::StageFailed {
                            stage: stage.id,
                            attempts: stage.fetch_failures,
                            cause: RddError::FetchFailed { shuffle_id, map_id }.to_string(),
                        });
                    }
                }
                self.running.remove(&s);
                self.waiting.insert(s);
                let parent = self.stage_for(dep);
                if self.running.contains(&parent) {
                    self.launch(parent)
                } else {
                    self.submit(parent)
                }
            }
            Err(e @ RddError::ExecutorLost { .. }) => {
                // Usually not the task's fault, so counted apart from its
                // failures; but a task that keeps taking its executor down
                // (out of memory, an abort) must not retry forever.
                let stage = &mut self.stages[s];
                let lost = stage.executors_lost.entry(msg.part).or_insert(0);
                *lost += 1;
                if *lost > self.ctx.max_task_failures() {
                    return Err(RddError::JobFailed {
                        stage: stage.id,
                        partition: rdd_partition,
                        attempts: *lost,
                        cause: e.to_string(),
                    });
                }
                // Run again only in a stage still running: one waiting for
                // lost parents runs its missing tasks when it starts again.
                if self.running.contains(&s) && msg.stage_attempt == stage.attempt {
                    let attempt = stage.failures.get(&msg.part).copied().unwrap_or(0);
                    self.launch_task(s, msg.part, attempt);
                } else if self.running.contains(&s) {
                    self.launch(s)?;
                }
                Ok(())
            }
            Err(e) => {
                if !e.is_retryable() {
                    return Err(e);
                }
                let stage = &mut self.stages[s];
                let failures = stage.failures.entry(msg.part).or_insert(0);
                *failures += 1;
                if *failures >= self.ctx.max_task_failures() {
                    return Err(RddError::JobFailed {
                        stage: stage.id,
                        partition: rdd_partition,
                        attempts: *failures,
                        cause: e.to_string(),
                    });
                }
                let attempt = *failures;
                self.launch_task(s, msg.part, attempt);
                Ok(())
            }
        }
    }
}

/// The shuffle dependencies that end a stage whose last RDD is `rdd`: found
/// through narrow dependencies, stopping at fully cached RDDs.
pub(crate) fn shuffle_dependencies(
    ctx: &Context,
    rdd: &Arc<dyn RddBase>,
) -> Vec<Arc<dyn ShuffleDep>> {
    let mut found: Vec<Arc<dyn ShuffleDep>> = Vec::new();
    let mut seen_shuffles = HashSet::new();
    let mut visited = HashSet::new();
    let mut stack = vec![rdd.clone()];
    while let Some(r) = stack.pop() {
        if !visited.insert(r.core().id()) {
            continue;
        }
        if ctx.is_fully_cached(&r) {
            continue;
        }
        for dep in r.dependencies() {
            match dep {
                Dependency::Narrow(parent) => stack.push(parent),
                Dependency::Shuffle(d) => {
                    if seen_shuffles.insert(d.shuffle_id()) {
                        found.push(d);
                    }
                }
            }
        }
    }
    found
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(e) = payload.downcast_ref::<RddError>() {
        e.to_string()
    } else {
        "unknown panic payload".into()
    }
}

impl RddError {
    /// Errors worth retrying: a failed task may succeed on another attempt,
    /// but a missing input path or a bad argument will not.
    pub fn is_retryable(&self) -> bool {
        !matches!(
            self,
            RddError::InputNotFound(_)
                | RddError::InvalidArgument(_)
                | RddError::OutputExists(_)
                | RddError::Cancelled
                | RddError::ContextStopped
                | RddError::BroadcastDestroyed(_)
                | RddError::InvalidConf { .. }
                | RddError::Fatal(_)
        )
    }
}
