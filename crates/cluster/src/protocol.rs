//! The messages driver and executors exchange. Every one travels as a
//! postcard-encoded body of an Arrow Flight `do_action` (gRPC over tonic);
//! shuffle blocks travel as Arrow record batches through `do_get`. A task
//! ends with an [`rdd::RddError`] when it fails, so the driver tells a
//! fetch failure from a failed task by its kind, never from a message.

use rdd::RddError;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// Bumped whenever a message changes shape.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest gRPC message either end sends or accepts. A task carries
/// ids only (its stage's payload goes once per executor) and results
/// travel batch by batch, so this bounds one plan or one batch.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// Action names (Flight `Action::type`).
pub mod action {
    /// Executor → driver: [`super::Registration`].
    pub const REGISTER: &str = "register";
    /// Executor → driver: [`super::Heartbeat`].
    pub const HEARTBEAT: &str = "heartbeat";
    /// Driver → executor: [`super::TaskLaunch`]; answered by a stream of
    /// [`super::TaskReply`].
    pub const RUN_TASK: &str = "run_task";
    /// Driver → executor: [`super::KillTask`].
    pub const KILL_TASK: &str = "kill_task";
    /// Driver → executor: an action of the layer above (dropping a
    /// shuffle's blocks, a payload no longer needed).
    pub const CLEANUP: &str = "cleanup";
}

/// What identifies a build: executors of another build are refused, since
/// plans and blocks they exchange may not mean the same to both. The
/// commit (from `build.rs`) and the target's word size and byte order
/// (rows are routed by hashes of their bytes) are part of it.
pub fn build_fingerprint() -> String {
    let fingerprint = format!(
        "shark {} ({}) protocol {PROTOCOL_VERSION} {}-{}bit-{}",
        env!("CARGO_PKG_VERSION"),
        env!("SHARK_BUILD_ID"),
        std::env::consts::ARCH,
        usize::BITS,
        if cfg!(target_endian = "little") {
            "le"
        } else {
            "be"
        }
    );
    // Lets a test start an executor that claims another build.
    std::env::var("SHARK_CLUSTER_TEST_FINGERPRINT").unwrap_or(fingerprint)
}

/// An executor introducing itself to the driver.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registration {
    /// Unique among the driver's executors.
    pub executor_id: String,
    /// Where its Flight service listens (`http://host:port`).
    pub address: String,
    /// Tasks it runs at once.
    pub cores: usize,
    /// Its memory, in MB.
    pub memory_mb: usize,
    /// [`build_fingerprint`] of its binary.
    pub fingerprint: String,
    /// Its process id, for the executor listing.
    pub pid: u32,
}

/// The driver's answer to a registration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registered {
    /// How often the executor must send a heartbeat, in milliseconds.
    pub heartbeat_ms: u64,
    /// Settings the driver ships to executors (storage configuration...).
    pub settings: Vec<(String, String)>,
}

/// An executor's sign of life, with what it is doing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Heartbeat {
    /// Who sends it.
    pub executor_id: String,
    /// Tasks running on it now.
    pub running: usize,
    /// Tasks it finished since it started.
    pub finished: u64,
}

/// The driver's answer to a heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeartbeatReply {
    /// Carry on.
    Known,
    /// The driver took the executor for lost (or never knew it): it must
    /// exit, since its blocks are no longer counted on.
    Unknown,
}

/// One task for an executor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskLaunch {
    /// Unique per driver; names the task for `KillTask`.
    pub task_id: u64,
    /// The stage's payload (a plan fragment), shared by its tasks.
    pub payload_id: u64,
    /// The payload itself, sent the first time an executor gets a task of
    /// it (and again if the executor has dropped it).
    pub payload: Option<Vec<u8>>,
    /// What this task does within the payload (partition, attempt,
    /// where its inputs are), for the layer above.
    pub task: Vec<u8>,
}

/// Stops a running task.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KillTask {
    /// The task.
    pub task_id: u64,
}

/// One message of a task's answer stream: data while it runs, then its end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TaskReply {
    /// A piece of a result task's output (an Arrow IPC stream message).
    Data(Vec<u8>),
    /// The task ended: its summary for the layer above (a map task's
    /// sizes per reduce partition), or why it failed.
    End(Result<Vec<u8>, RddError>),
    /// The executor does not hold the task's payload: send it again.
    NeedPayload,
}

/// Encodes a message.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_stdvec(value).expect("cluster messages always encode")
}

/// Decodes a message.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, RddError> {
    postcard::from_bytes(bytes).map_err(|e| RddError::Serde(format!("cluster message: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_keep_their_kind_on_the_wire() {
        let reply = TaskReply::End(Err(RddError::FetchFailed {
            shuffle_id: 3,
            map_id: 7,
        }));
        let back: TaskReply = decode(&encode(&reply)).unwrap();
        match back {
            TaskReply::End(Err(RddError::FetchFailed { shuffle_id, map_id })) => {
                assert_eq!((shuffle_id, map_id), (3, 7))
            }
            other => panic!("lost its kind: {other:?}"),
        }
        assert!(decode::<TaskReply>(&[0xff, 0xff]).is_err());
    }
}
