//! What travels for a SQL stage: its payload (the fragment, sent once per
//! executor), each task's few ids and input locations, a map task's
//! summary, and the tickets that name shuffle blocks.

use crate::physical::fragment::Fragment;
use crate::physical::metrics::NodeSnapshot;
use crate::physical::Exchange;
use serde::{Deserialize, Serialize};

/// One stage of a query, as executors need it.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StagePayload {
    /// The stage's share of the plan.
    pub fragment: Fragment,
    /// For a map stage: the exchange it writes (how rows are routed).
    pub writes: Option<Exchange>,
    /// `spark.sql.autoBroadcastJoinThreshold` as planned.
    pub broadcast_threshold: u64,
    /// `shark.sql.shuffle.partitions` as planned.
    pub shuffle_partitions: usize,
    /// Partitions the fragment's RDD has (as the driver counted them).
    pub partitions: usize,
}

/// Where one map task's output is.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct MapLocation {
    /// The executor holding it.
    pub executor: String,
    /// Its Flight address.
    pub address: String,
}

/// The outputs of one exchange a task reads.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ExchangeInput {
    /// The exchange's node id in the plan.
    pub exchange: usize,
    /// The shuffle that carries it (the driver's id).
    pub shuffle: usize,
    /// Per map task, where its output is.
    pub maps: Vec<MapLocation>,
}

/// One task of a stage.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct FragmentTask {
    /// The partition it computes.
    pub partition: usize,
    /// Its attempt.
    pub attempt: usize,
    /// For a map task: the shuffle its output belongs to.
    pub shuffle: Option<usize>,
    /// Where its inputs are.
    pub inputs: Vec<ExchangeInput>,
}

/// A task's summary: for a map task its bytes per reduce partition; for
/// every task what its plan nodes measured (`EXPLAIN ANALYZE`'s numbers).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct TaskSummary {
    pub sizes: Vec<u64>,
    pub metrics: Vec<(usize, NodeSnapshot)>,
}

/// Names one reduce partition of one map task's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct BlockId {
    pub shuffle: usize,
    pub map: usize,
    pub reduce: usize,
}

/// What the driver asks executors to drop.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) enum Cleanup {
    /// A shuffle no query reads any more.
    Shuffle(usize),
    /// A stage payload no task will need.
    Payload(u64),
}
