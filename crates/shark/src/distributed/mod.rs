//! SQL on a cluster. With a cluster master (`local-cluster[N,C,M]`,
//! `shark://host:port`) the driver keeps planning and the DAG scheduler;
//! each stage of a query's physical plan ships once per executor as its
//! fragment, and tasks are just ids (`stages`). Executors build the
//! fragment into RDDs on their own engine, read their inputs from other
//! executors over Arrow Flight and keep their outputs as blocks
//! (`runner`, `remote_read`, `blocks`). Plans that scan what only the
//! driver holds (cached tables) run in the driver's process.

mod blocks;
mod remote_read;
mod runner;
pub(crate) mod stages;
mod task;

pub use runner::SqlTaskRunner;

use crate::error::{Result, SharkError};
use arrow::record_batch::RecordBatch;
use cluster::{Driver, DriverOptions, ExecutorStatus, LocalCluster};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use task::{Cleanup, MapLocation};

/// A context's cluster: the driver's service, and the executor processes
/// it started for `local-cluster`.
pub struct SqlCluster {
    // Dropped first: the processes go before the service they talk to.
    local: Mutex<Option<LocalCluster>>,
    driver: Arc<Driver>,
    next_payload: AtomicU64,
}

#[derive(Default)]
struct ClusterSlot(OnceLock<Arc<SqlCluster>>);

/// `shark.cluster.heartbeatInterval`: how often executors report (ms).
pub const HEARTBEAT_KEY: &str = "shark.cluster.heartbeatInterval";
/// `shark.cluster.executorTimeout`: an executor silent this long is lost (ms).
pub const EXECUTOR_TIMEOUT_KEY: &str = "shark.cluster.executorTimeout";
/// `shark.cluster.executorWait`: how long tasks wait when no executor is
/// alive before the query fails (ms).
pub const EXECUTOR_WAIT_KEY: &str = "shark.cluster.executorWait";
/// `shark.executorEnv.NAME=value` (Spark's `spark.executorEnv.*`): an
/// environment variable of the executor processes a `local-cluster`
/// master starts.
pub const EXECUTOR_ENV_PREFIX: &str = "shark.executorEnv.";

impl SqlCluster {
    /// Starts the cluster a context's master names (nothing for `local`):
    /// the driver's service, and for `local-cluster` its executors, waiting
    /// until they have registered.
    pub fn attach(ctx: &rdd::Context) -> Result<Option<Arc<SqlCluster>>> {
        let Some(master) = ctx.cluster().cloned() else {
            return Ok(None);
        };
        let slot = ctx.extension::<ClusterSlot>();
        if let Some(c) = slot.0.get() {
            return Ok(Some(c.clone()));
        }
        let millis = |key: &str, default: u64| -> Result<Duration> {
            Ok(Duration::from_millis(
                ctx.conf().get_usize(key, default as usize)? as u64,
            ))
        };
        let opts = DriverOptions {
            heartbeat: millis(HEARTBEAT_KEY, 1000)?,
            executor_timeout: millis(EXECUTOR_TIMEOUT_KEY, 10_000)?,
            executor_wait: millis(EXECUTOR_WAIT_KEY, 30_000)?,
            settings: Vec::new(),
        };
        let bind = match &master {
            rdd::ClusterMaster::LocalCluster { .. } => "127.0.0.1:0".to_string(),
            rdd::ClusterMaster::Standalone { address } => address.clone(),
        };
        let driver = Arc::new(Driver::start(&bind, opts)?);
        let weak = ctx.downgrade();
        driver.on_executor_lost(move |executor| {
            if let Some(ctx) = weak.upgrade() {
                ctx.forget_map_outputs(&|o| {
                    o.location()
                        .and_then(|l| l.downcast_ref::<MapLocation>())
                        .is_some_and(|l| l.executor == executor)
                });
            }
        });
        let local = match master {
            rdd::ClusterMaster::LocalCluster {
                executors,
                cores,
                memory_mb,
            } => {
                let env: Vec<(String, String)> = ctx
                    .conf()
                    .iter()
                    .filter_map(|(k, v)| {
                        let name = k.strip_prefix(EXECUTOR_ENV_PREFIX)?;
                        Some((name.to_string(), v.to_string()))
                    })
                    .collect();
                Some(LocalCluster::launch(
                    &driver, executors, cores, memory_mb, &env,
                )?)
            }
            rdd::ClusterMaster::Standalone { .. } => None,
        };
        let cluster = Arc::new(SqlCluster {
            local: Mutex::new(local),
            driver,
            next_payload: AtomicU64::new(0),
        });
        let _ = slot.0.set(cluster.clone());
        Ok(slot.0.get().cloned())
    }

    /// The cluster attached to `ctx`, if any.
    pub fn of(ctx: &rdd::Context) -> Option<Arc<SqlCluster>> {
        ctx.cluster()?;
        ctx.extension::<ClusterSlot>().0.get().cloned()
    }

    /// Where executors reach the driver.
    pub fn driver_address(&self) -> &str {
        self.driver.address()
    }

    /// The executors, alive and lost.
    pub fn executors(&self) -> Vec<ExecutorStatus> {
        self.driver.executors()
    }

    /// Kills a `local-cluster` executor's process (SIGKILL): how tests and
    /// demos lose one. False when there is no such process.
    pub fn kill_executor(&self, executor: &str) -> bool {
        match self.local.lock().unwrap().as_ref() {
            Some(l) => l.kill(executor),
            None => false,
        }
    }

    /// Times each `local-cluster` executor was started again after its
    /// process exited.
    pub fn executor_restarts(&self) -> Vec<(String, usize)> {
        match self.local.lock().unwrap().as_ref() {
            Some(l) => l.restarts(),
            None => Vec::new(),
        }
    }

    pub(crate) fn driver(&self) -> &Driver {
        &self.driver
    }

    fn next_payload_id(&self) -> u64 {
        self.next_payload.fetch_add(1, Ordering::Relaxed)
    }

    fn cleanup(&self, what: Cleanup) {
        if let Cleanup::Payload(id) = what {
            self.driver.forget_payload(id);
        }
        if let Ok(body) = postcard::to_stdvec(&what) {
            self.driver.cleanup(body);
        }
    }
}

/// Result messages and shuffle block segments stay well under the gRPC
/// message limit: a batch of more than this many bytes goes in row slices.
const MAX_RESULT_MESSAGE_BYTES: usize = 8 << 20;

/// `b` in slices of at most about `MAX_RESULT_MESSAGE_BYTES` (none if empty).
pub(super) fn pieces(
    b: &arrow::record_batch::RecordBatch,
) -> Vec<arrow::record_batch::RecordBatch> {
    let rows = b.num_rows();
    if rows == 0 {
        return Vec::new();
    }
    let bytes = b.get_array_memory_size();
    let n = bytes.div_ceil(MAX_RESULT_MESSAGE_BYTES).clamp(1, rows);
    let step = rows.div_ceil(n);
    (0..rows)
        .step_by(step)
        .map(|at| b.slice(at, step.min(rows - at)))
        .collect()
}

/// One batch as an Arrow IPC stream (how result rows travel).
pub(crate) fn encode_batch(batch: &RecordBatch) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    {
        let mut w = arrow::ipc::writer::StreamWriter::try_new(&mut bytes, &batch.schema())?;
        w.write(batch)?;
        w.finish()?;
    }
    Ok(bytes)
}

/// The batch `encode_batch` wrote.
pub(crate) fn decode_batch(bytes: &[u8]) -> Result<RecordBatch> {
    let mut reader = arrow::ipc::reader::StreamReader::try_new(std::io::Cursor::new(bytes), None)?;
    match reader.next() {
        Some(b) => Ok(b?),
        None => Err(SharkError::exec("an empty result message")),
    }
}

/// Options of an executor process.
pub struct ExecutorArgs {
    /// The driver's address (`http://host:port` or `host:port`).
    pub driver: String,
    /// Its id (unique among the driver's executors).
    pub executor_id: String,
    /// Interface to listen on.
    pub host: String,
    /// Name peers reach it by.
    pub advertise_host: Option<String>,
    /// Port (0: any free one).
    pub port: u16,
    /// Task slots.
    pub cores: usize,
    /// Memory, in MB.
    pub memory_mb: usize,
    /// Scratch space for blocks and spills.
    pub local_dir: std::path::PathBuf,
}

/// Runs an executor process until its driver goes away.
pub fn run_executor(args: ExecutorArgs) -> Result<()> {
    let runner = SqlTaskRunner::new(args.cores, args.memory_mb, &args.local_dir)?;
    let driver = if args.driver.contains("://") {
        args.driver.replacen("shark://", "http://", 1)
    } else {
        format!("http://{}", args.driver)
    };
    let opts = cluster::ExecutorOptions {
        driver,
        executor_id: args.executor_id,
        bind_host: args.host,
        advertise_host: args.advertise_host,
        port: args.port,
        cores: args.cores,
        memory_mb: args.memory_mb,
        register_timeout: Duration::from_secs(60),
    };
    cluster::run_executor(opts, Arc::new(runner))?;
    Ok(())
}
