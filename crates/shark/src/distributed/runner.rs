//! The executor's side of a SQL stage: a task's fragment built into RDDs
//! on the executor's own engine (its exchanges read over Flight from where
//! other tasks wrote them), one partition of it run, and the rows either
//! written as shuffle blocks (a map task) or sent back to the driver
//! (a result task).

use super::blocks::BlockStore;
use super::remote_read::TaskInputs;
use super::task::{BlockId, Cleanup, FragmentTask, StagePayload, TaskSummary};
use crate::batch::Batch;
use crate::exec::exchange::{hash_partition_fn, single_partition_fn, tagged};
use crate::exec::{AdaptiveSettings, ExecContext};
use crate::physical::metrics::{NodeSnapshot, OperatorMetricsUpdate};
use crate::physical::Partitioning;
use cluster::{BlockIter, TaskRunner};
use rdd::RddError;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex};

/// Runs SQL stages' tasks on an executor.
pub struct SqlTaskRunner {
    ctx: rdd::Context,
    blocks: Arc<BlockStore>,
    payloads: Mutex<HashMap<u64, Arc<StagePayload>>>,
    /// Stages built into RDDs, by payload and inputs: the tasks of a stage
    /// share one (its broadcast sides collected once per executor, its
    /// tables' files opened once).
    built: Mutex<BuiltStages>,
    /// What the stages' nodes measured, not yet reported.
    metrics: Arc<StageMetrics>,
    cores: usize,
}

/// Operator metrics from the executor's listener bus, by stage payload
/// (the query id the executor's stages run under) and node.
#[derive(Default)]
struct StageMetrics(Mutex<HashMap<u64, BTreeMap<usize, NodeSnapshot>>>);

impl StageMetrics {
    fn take(&self, payload_id: u64) -> Vec<(usize, NodeSnapshot)> {
        let taken = self.0.lock().unwrap().remove(&payload_id);
        taken.map(|m| m.into_iter().collect()).unwrap_or_default()
    }
}

impl rdd::Listener for StageMetrics {
    fn on_event(&self, event: &rdd::Event) {
        let rdd::Event::Custom(any) = event else {
            return;
        };
        if let Some(u) = any.downcast_ref::<OperatorMetricsUpdate>() {
            let mut all = self.0.lock().unwrap();
            all.entry(u.query)
                .or_default()
                .entry(u.node)
                .or_default()
                .add(&u.delta);
        }
    }
}

/// Built stages, and their keys oldest first. A slot is filled by the
/// first of a stage's tasks here; the others wait for it (or, if its
/// build failed, build it themselves).
#[derive(Default)]
struct BuiltStages {
    slots: HashMap<(u64, Vec<u8>), BuiltSlot>,
    order: std::collections::VecDeque<(u64, Vec<u8>)>,
}

type BuiltSlot = Arc<Mutex<Option<rdd::Rdd<Batch>>>>;

/// Built stages kept at once (each may hold a collected broadcast side,
/// until its query ends or it is pushed out).
const MAX_BUILT_STAGES: usize = 8;

impl SqlTaskRunner {
    /// A runner with `cores` task threads and `memory_mb` of memory, its
    /// blocks under `local_dir`.
    pub fn new(
        cores: usize,
        memory_mb: usize,
        local_dir: &std::path::Path,
    ) -> crate::error::Result<Self> {
        let mb = |share: usize| format!("{}m", (memory_mb / share).max(16));
        let conf = rdd::Conf::new()
            .set(rdd::conf::MEMORY_EXECUTION, mb(2))
            .set(rdd::conf::MEMORY_STORAGE, mb(8))
            .set(rdd::conf::SHUFFLE_MEMORY, mb(8))
            .set(rdd::conf::LOCAL_DIR, local_dir.display().to_string());
        // One attempt here: the driver retries a failed task, elsewhere
        // if need be.
        let ctx = rdd::Context::with_conf(&format!("local[{cores},1]"), "shark-executor", conf)?;
        let blocks = BlockStore::create(&local_dir.join("shark-blocks"))?;
        let metrics = Arc::new(StageMetrics::default());
        ctx.add_listener(metrics.clone());
        Ok(SqlTaskRunner {
            ctx,
            blocks: Arc::new(blocks),
            payloads: Mutex::default(),
            built: Mutex::default(),
            metrics,
            cores,
        })
    }

    fn payload(&self, id: u64, bytes: &[u8]) -> Result<Arc<StagePayload>, RddError> {
        if let Some(p) = self.payloads.lock().unwrap().get(&id) {
            return Ok(p.clone());
        }
        let payload: StagePayload = postcard::from_bytes(bytes)
            .map_err(|e| RddError::Serde(format!("a stage's plan fragment: {e}")))?;
        let payload = Arc::new(payload);
        self.payloads.lock().unwrap().insert(id, payload.clone());
        Ok(payload)
    }

    fn exec_context(
        &self,
        payload_id: u64,
        payload: &StagePayload,
        task: FragmentTask,
    ) -> ExecContext {
        let settings = BTreeMap::from([(
            "spark.sql.adaptive.enabled".to_string(),
            "false".to_string(),
        )]);
        let inputs = task.inputs.into_iter().map(|i| (i.exchange, i)).collect();
        ExecContext {
            ctx: self.ctx.clone(),
            adaptive: AdaptiveSettings::from_settings(
                &settings,
                self.cores,
                payload.broadcast_threshold,
            ),
            query: Some(payload_id),
            shuffle_partitions: payload.shuffle_partitions,
            dynamic_filters: false,
            next_id: Arc::new(AtomicUsize::new(
                payload.fragment.plan.node_count() + 1_000_000,
            )),
            remote: Some(Arc::new(TaskInputs(inputs))),
        }
    }

    /// The RDD of a stage whose inputs are where `task` says, built once
    /// for all its tasks here.
    fn stage_rdd(
        &self,
        payload_id: u64,
        payload: &StagePayload,
        task: &FragmentTask,
    ) -> Result<rdd::Rdd<Batch>, RddError> {
        let inputs =
            postcard::to_stdvec(&task.inputs).map_err(|e| RddError::Serde(e.to_string()))?;
        let key = (payload_id, inputs);
        let slot = {
            let mut built = self.built.lock().unwrap();
            match built.slots.get(&key) {
                Some(slot) => slot.clone(),
                None => {
                    let slot = BuiltSlot::default();
                    built.slots.insert(key.clone(), slot.clone());
                    built.order.push_back(key);
                    while built.order.len() > MAX_BUILT_STAGES {
                        if let Some(old) = built.order.pop_front() {
                            built.slots.remove(&old);
                        }
                    }
                    slot
                }
            }
        };
        let mut slot = slot.lock().unwrap();
        if let Some(rdd) = slot.as_ref() {
            return Ok(rdd.clone());
        }
        let ex = self.exec_context(payload_id, payload, task.clone());
        let mut plan = payload.fragment.plan.clone();
        let rdd = crate::exec::execute(&mut plan, &ex)?;
        *slot = Some(rdd.clone());
        Ok(rdd)
    }

    /// A task's summary: `sizes`, and what the stage's nodes measured
    /// since the last summary of the stage here. Tasks running at once may
    /// take each other's counts, and a failed task's counts go with the
    /// next summary: the sums are those of all attempts, as Spark's
    /// SQL metrics are. A broadcast side is counted once per executor
    /// that collects it.
    fn summary(&self, payload_id: u64, sizes: Vec<u64>) -> Result<Vec<u8>, RddError> {
        let metrics = self.metrics.take(payload_id);
        postcard::to_stdvec(&TaskSummary { sizes, metrics })
            .map_err(|e| RddError::Serde(e.to_string()))
    }

    fn run_task(
        &self,
        payload_id: u64,
        payload: &StagePayload,
        task: FragmentTask,
        token: &rdd::CancelToken,
        out: &mut dyn FnMut(Vec<u8>) -> bool,
    ) -> Result<Vec<u8>, RddError> {
        let partition = task.partition;
        let shuffle = task.shuffle;
        let rdd = self.stage_rdd(payload_id, payload, &task)?;
        if rdd.num_partitions() != payload.partitions {
            return Err(RddError::Fatal(format!(
                "stage {} has {} partitions on this executor but {} on the driver",
                payload.fragment.stage,
                rdd.num_partitions(),
                payload.partitions
            )));
        }
        match (&payload.writes, shuffle) {
            (Some(exchange), Some(shuffle)) => {
                let n = exchange.partitions.max(1);
                let route = match &exchange.partitioning {
                    Partitioning::Hash(keys) if !keys.is_empty() => {
                        hash_partition_fn(keys.clone(), n)
                    }
                    Partitioning::Hash(_) | Partitioning::Single | Partitioning::Broadcast => {
                        single_partition_fn()
                    }
                    Partitioning::Range(_) => {
                        return Err(RddError::Fatal(
                            "a range exchange cannot run on an executor".into(),
                        ))
                    }
                };
                let records = tagged(&rdd, n, route);
                let blocks = self.blocks.clone();
                let sizes = self
                    .ctx
                    .run_job(&records, Some(&[partition]), move |_, it| {
                        blocks
                            .write(shuffle, partition, n, it)
                            .map_err(RddError::from)
                    })?;
                let sizes = sizes.into_iter().next().unwrap_or_default();
                self.summary(payload_id, sizes)
            }
            (None, None) => {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
                let ctx = self.ctx.clone();
                let job = std::thread::scope(|scope| {
                    // The job runs on a thread of its own: the task's
                    // cancel token goes with it.
                    let handle = scope.spawn(move || {
                        ctx.run_with_cancel(token, || {
                            ctx.run_job(&rdd, Some(&[partition]), move |_, it| {
                                for Batch(b) in it {
                                    for piece in super::pieces(&b) {
                                        let bytes =
                                            super::encode_batch(&piece).map_err(RddError::from)?;
                                        if tx.send(bytes).is_err() {
                                            return Err(RddError::Cancelled);
                                        }
                                    }
                                }
                                Ok(())
                            })
                        })
                    });
                    for bytes in rx {
                        if !out(bytes) {
                            break;
                        }
                    }
                    handle.join()
                });
                match job {
                    Ok(r) => r.and_then(|_| self.summary(payload_id, Vec::new())),
                    Err(_) => Err(RddError::Task("a result task panicked".into())),
                }
            }
            _ => Err(RddError::Fatal(
                "a task of the wrong kind for its stage".into(),
            )),
        }
    }
}

impl TaskRunner for SqlTaskRunner {
    fn configure(&self, _settings: &[(String, String)]) {}

    fn run(
        &self,
        payload_id: u64,
        payload: Arc<Vec<u8>>,
        task: &[u8],
        cancel: Arc<AtomicBool>,
        out: &mut dyn FnMut(Vec<u8>) -> bool,
    ) -> Result<Vec<u8>, RddError> {
        let payload = self.payload(payload_id, &payload)?;
        let task: FragmentTask = postcard::from_bytes(task)
            .map_err(|e| RddError::Serde(format!("a task description: {e}")))?;
        // The driver's kill sets `cancel`, which cancels the task's jobs.
        let token = rdd::CancelToken::from_flag(cancel);
        self.ctx.run_with_cancel(&token, || {
            self.run_task(payload_id, &payload, task, &token, out)
        })
    }

    fn get(&self, ticket: &[u8]) -> Result<BlockIter, RddError> {
        let id: BlockId = postcard::from_bytes(ticket)
            .map_err(|e| RddError::Serde(format!("a block ticket: {e}")))?;
        let streams = self.blocks.read(id.shuffle, id.map, id.reduce)?;
        Ok(Box::new(streams.into_iter().map(Ok)))
    }

    fn cleanup(&self, body: &[u8]) {
        match postcard::from_bytes::<Cleanup>(body) {
            Ok(Cleanup::Shuffle(s)) => self.blocks.remove_shuffle(s),
            Ok(Cleanup::Payload(p)) => {
                self.payloads.lock().unwrap().remove(&p);
                self.metrics.take(p);
                let mut built = self.built.lock().unwrap();
                built.slots.retain(|(id, _), _| *id != p);
                built.order.retain(|(id, _)| *id != p);
            }
            Err(_) => {}
        }
    }
}
