//! The driver's side of a SQL query on a cluster: the plan cut into its
//! stages' fragments, each stage an RDD whose tasks run on executors, each
//! exchange a shuffle dependency whose map outputs live there. The
//! engine's DAG scheduler runs these as it runs any RDD — stages in order,
//! failed tasks retried, lost map outputs recomputed — while each of its
//! task threads only hands a task to an executor and waits for its end.

use super::task::{Cleanup, ExchangeInput, FragmentTask, MapLocation, StagePayload, TaskSummary};
use super::SqlCluster;
use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::physical::fragment::Fragment;
use crate::physical::metrics::OperatorMetricsUpdate;
use crate::physical::{Exchange, JoinMode, Operator, Partitioning, PhysicalPlan};
use crate::table::SourceDescriptor;
use rdd::rdd::{Dependency, RddBase, RddCore, RddImpl};
use rdd::shuffle::dependency::ShuffleDep;
use rdd::shuffle::MapOutput;
use rdd::{BoxIter, Rdd, RddError, TaskContext};
use std::collections::HashMap;
use std::sync::Arc;

/// Settings a stage's tasks run with.
pub(crate) struct StageSettings {
    pub broadcast_threshold: u64,
    pub shuffle_partitions: usize,
    /// The query whose profile the tasks' operator metrics go to.
    pub query: Option<u64>,
}

/// Why a plan must run in the driver's process, if it must: a scan of
/// something only this process holds (a cached table, a local source).
pub(crate) fn runs_only_here(plan: &PhysicalPlan) -> Option<String> {
    if let Operator::Scan(s) = &plan.op {
        if let Some(why) = local_only(&s.source.descriptor) {
            return Some(format!("{} is {why}", s.table));
        }
    }
    plan.inputs.iter().find_map(runs_only_here)
}

/// In-memory tables travel inside the stage's payload; bigger ones stay.
const MAX_SHIPPED_TABLE_BYTES: usize = 16 << 20;

fn local_only(d: &SourceDescriptor) -> Option<&'static str> {
    match d {
        SourceDescriptor::Memory { ipc } if ipc.len() > MAX_SHIPPED_TABLE_BYTES => {
            Some("an in-memory table too big to ship with each stage")
        }
        SourceDescriptor::Cached { .. } => Some("cached in the driver's memory"),
        SourceDescriptor::Local { .. } => Some("held by the driver process"),
        SourceDescriptor::Sampled { inner, .. } => local_only(inner),
        _ => None,
    }
}

/// The RDD that computes `plan` on the cluster's executors.
pub(crate) fn build(
    plan: &mut PhysicalPlan,
    ctx: &rdd::Context,
    cluster: &Arc<SqlCluster>,
    settings: &StageSettings,
) -> Result<Rdd<Batch>> {
    single_for_range(plan);
    let mut exchanges = HashMap::new();
    collect_exchanges(plan, &mut exchanges);
    let fragments = plan.fragments();
    let result = fragments
        .iter()
        .find(|f| f.writes.is_none())
        .ok_or_else(|| SharkError::exec("a plan without a result stage"))?;
    let builder = Builder {
        ctx,
        cluster,
        settings,
        fragments: &fragments,
        exchanges: &exchanges,
    };
    let stage = builder.stage(result, 0)?;
    Ok(Rdd::from_impl(stage))
}

/// A range exchange samples its bounds from its whole input before its
/// map side runs; on a cluster it runs as one partition (the sort above
/// it then orders all rows in one task), noted on the plan.
fn single_for_range(plan: &mut PhysicalPlan) {
    if let Operator::Exchange(e) = &mut plan.op {
        if matches!(e.partitioning, Partitioning::Range(_)) {
            e.partitioning = Partitioning::Single;
            e.partitions = 1;
            plan.adapted = Some("cluster: range exchange -> single partition".into());
        }
    }
    for i in &mut plan.inputs {
        single_for_range(i);
    }
}

fn collect_exchanges(plan: &PhysicalPlan, out: &mut HashMap<usize, Exchange>) {
    if let Operator::Exchange(e) = &plan.op {
        out.insert(plan.id, e.clone());
    }
    for i in &plan.inputs {
        collect_exchanges(i, out);
    }
}

struct Builder<'a> {
    ctx: &'a rdd::Context,
    cluster: &'a Arc<SqlCluster>,
    settings: &'a StageSettings,
    fragments: &'a [Fragment],
    exchanges: &'a HashMap<usize, Exchange>,
}

impl Builder<'_> {
    fn stage(&self, fragment: &Fragment, depth: usize) -> Result<Arc<StageRdd>> {
        if depth > self.fragments.len() {
            return Err(SharkError::exec("plan fragments form a cycle"));
        }
        let mut reads = Vec::new();
        for &x in &fragment.reads {
            let below = self
                .fragments
                .iter()
                .find(|f| f.writes == Some(x))
                .ok_or_else(|| SharkError::exec(format!("no stage writes exchange #{x}")))?;
            let parent = self.stage(below, depth + 1)?;
            let exchange = self.exchange(x)?;
            reads.push((
                x,
                Arc::new(StageShuffle {
                    id: self.ctx.next_shuffle_id(),
                    reducers: exchange.partitions.max(1),
                    parent,
                    cluster: self.cluster.clone(),
                    ctx: self.ctx.downgrade(),
                }),
            ));
        }
        let partitions = count_partitions(&fragment.plan, self.ctx)?;
        let payload = StagePayload {
            fragment: fragment.clone(),
            writes: match fragment.writes {
                Some(x) => Some(self.exchange(x)?),
                None => None,
            },
            broadcast_threshold: self.settings.broadcast_threshold,
            shuffle_partitions: self.settings.shuffle_partitions,
            partitions,
        };
        let bytes = postcard::to_stdvec(&payload).map_err(|e| {
            SharkError::exec(format!("cannot serialize stage {}: {e}", fragment.stage))
        })?;
        Ok(Arc::new(StageRdd {
            core: RddCore::new(self.ctx, "clusterStage"),
            payload_id: self.cluster.next_payload_id(),
            payload: Arc::new(bytes),
            partitions,
            reads,
            cluster: self.cluster.clone(),
            query: self.settings.query,
        }))
    }

    fn exchange(&self, id: usize) -> Result<Exchange> {
        self.exchanges
            .get(&id)
            .cloned()
            .ok_or_else(|| SharkError::exec(format!("no exchange #{id} in the plan")))
    }
}

/// Partitions the RDD an executor builds for `plan` has (checked there).
fn count_partitions(plan: &PhysicalPlan, ctx: &rdd::Context) -> Result<usize> {
    let input = |i: usize| count_partitions(&plan.inputs[i], ctx);
    Ok(match &plan.op {
        Operator::Scan(s) => {
            let source = s.source.open(ctx)?;
            source
                .scan(ctx, s.projection.as_deref(), &s.filters, s.partitions)?
                .num_partitions()
        }
        Operator::OneRow | Operator::Empty => 1,
        Operator::Exchange(e) if plan.inputs.is_empty() => e.partitions.max(1),
        Operator::Union => {
            let mut n = 0;
            for i in 0..plan.inputs.len() {
                n += input(i)?;
            }
            n.max(1)
        }
        Operator::NestedLoopJoin(_) => input(0)? * input(1)?,
        Operator::HashJoin(j) if j.mode == JoinMode::Broadcast => input(0)?,
        _ if plan.inputs.is_empty() => 1,
        _ => input(0)?,
    })
}

/// One stage: its tasks run the fragment on executors.
struct StageRdd {
    core: RddCore,
    payload_id: u64,
    payload: Arc<Vec<u8>>,
    partitions: usize,
    /// The exchanges it reads, by node id.
    reads: Vec<(usize, Arc<StageShuffle>)>,
    cluster: Arc<SqlCluster>,
    query: Option<u64>,
}

impl Drop for StageRdd {
    fn drop(&mut self) {
        self.cluster.cleanup(Cleanup::Payload(self.payload_id));
    }
}

impl StageRdd {
    /// Starts partition `partition`'s task on an executor.
    fn launch(
        &self,
        partition: usize,
        shuffle: Option<usize>,
        tc: &Arc<TaskContext>,
    ) -> rdd::Result<cluster::RunningTask> {
        let ctx = tc.context();
        let mut inputs = Vec::new();
        for (exchange, dep) in &self.reads {
            let outputs = ctx.map_outputs(dep.id, dep.parent.partitions)?;
            let maps = outputs
                .iter()
                .enumerate()
                .map(|(m, o)| {
                    o.location()
                        .and_then(|l| l.downcast_ref::<MapLocation>())
                        .cloned()
                        .ok_or(RddError::FetchFailed {
                            shuffle_id: dep.id,
                            map_id: m,
                        })
                })
                .collect::<rdd::Result<Vec<_>>>()?;
            inputs.push(ExchangeInput {
                exchange: *exchange,
                shuffle: dep.id,
                maps,
            });
        }
        let task = FragmentTask {
            partition,
            attempt: tc.attempt_number(),
            shuffle,
            inputs,
        };
        let task = postcard::to_stdvec(&task).map_err(|e| RddError::Serde(e.to_string()))?;
        let watched = tc.clone();
        self.cluster.driver().run_task(
            self.payload_id,
            &self.payload,
            task,
            Arc::new(move || watched.is_cancelled()),
        )
    }
}

/// Reads a task's summary, passing what its plan nodes measured to
/// `query`'s profile (on this process's listener bus, as local tasks'
/// counts go).
fn read_summary(bytes: &[u8], query: Option<u64>, tc: &TaskContext) -> rdd::Result<TaskSummary> {
    let summary: TaskSummary = postcard::from_bytes(bytes)
        .map_err(|e| RddError::Serde(format!("a task's summary: {e}")))?;
    if let Some(query) = query {
        for &(node, delta) in &summary.metrics {
            let update = OperatorMetricsUpdate { query, node, delta };
            tc.context().post(rdd::Event::Custom(Arc::new(update)));
        }
    }
    Ok(summary)
}

impl RddBase for StageRdd {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.partitions
    }
    fn dependencies(&self) -> Vec<Dependency> {
        self.reads
            .iter()
            .map(|(_, d)| Dependency::Shuffle(d.clone() as Arc<dyn ShuffleDep>))
            .collect()
    }
}

impl RddImpl<Batch> for StageRdd {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> rdd::Result<BoxIter<Batch>> {
        let running = self.launch(split, None, tc)?;
        Ok(Box::new(ResultBatches {
            running: Some(running),
            tc: tc.clone(),
            query: self.query,
        }))
    }
}

/// A result task's batches, decoded as they arrive.
struct ResultBatches {
    running: Option<cluster::RunningTask>,
    tc: Arc<TaskContext>,
    query: Option<u64>,
}

impl Iterator for ResultBatches {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        let running = self.running.as_mut()?;
        match running.next_output() {
            Some(Ok(cluster::TaskOutput::Data(bytes))) => match super::decode_batch(&bytes) {
                Ok(b) => Some(Batch(b)),
                Err(e) => {
                    self.tc.fail(e.into());
                    self.running = None;
                    None
                }
            },
            Some(Ok(cluster::TaskOutput::Done(summary))) => {
                self.running = None;
                if let Err(e) = read_summary(&summary, self.query, &self.tc) {
                    self.tc.fail(e);
                }
                None
            }
            None => {
                self.running = None;
                None
            }
            Some(Err(e)) => {
                self.tc.fail(e);
                self.running = None;
                None
            }
        }
    }
}

/// An exchange between two stages: its map side runs on executors, which
/// keep the blocks; the driver keeps where they are.
struct StageShuffle {
    id: usize,
    reducers: usize,
    parent: Arc<StageRdd>,
    cluster: Arc<SqlCluster>,
    ctx: rdd::WeakContext,
}

impl Drop for StageShuffle {
    fn drop(&mut self) {
        if let Some(ctx) = self.ctx.upgrade() {
            ctx.forget_shuffle(self.id);
        }
        self.cluster.cleanup(Cleanup::Shuffle(self.id));
    }
}

impl ShuffleDep for StageShuffle {
    fn shuffle_id(&self) -> usize {
        self.id
    }
    fn parent(&self) -> Arc<dyn RddBase> {
        self.parent.clone()
    }
    fn num_reduce_partitions(&self) -> usize {
        self.reducers
    }
    fn prepare(&self) -> rdd::Result<()> {
        Ok(())
    }
    fn run_map_task(&self, map_id: usize, tc: &Arc<TaskContext>) -> rdd::Result<MapOutput> {
        let mut running = self.parent.launch(map_id, Some(self.id), tc)?;
        let location = MapLocation {
            executor: running.executor().to_string(),
            address: running.address().to_string(),
        };
        match running.next_output() {
            Some(Ok(cluster::TaskOutput::Done(_))) if !running.executor_alive() => {
                // Its executor was lost as the task ended: the output went
                // with it.
                Err(RddError::ExecutorLost {
                    executor: location.executor,
                    reason: "lost as its map task ended".into(),
                })
            }
            Some(Ok(cluster::TaskOutput::Done(summary))) => {
                let summary = read_summary(&summary, self.parent.query, tc)?;
                Ok(MapOutput::remote(summary.sizes, Arc::new(location)))
            }
            Some(Ok(cluster::TaskOutput::Data(_))) => {
                Err(RddError::Task("a map task sent result data".into()))
            }
            Some(Err(e)) => Err(e),
            None => Err(RddError::Task("a map task ended without a summary".into())),
        }
    }
}
