//! Shark's cluster plumbing, below the SQL engine and beside the core
//! engine: a driver that executors register with ([`Driver`]), executor
//! processes that run its tasks and serve the blocks those leave behind
//! ([`run_executor`]), and `local-cluster` launching ([`LocalCluster`]).
//!
//! Control and data travel over Arrow Flight on tonic (gRPC): control
//! messages are postcard bodies of `do_action` calls, typed in
//! [`protocol`]; blocks are record batches served by `do_get`. What a task
//! *is* belongs to the layer above: the driver ships an opaque payload
//! once per executor (a plan fragment) and a small task description per
//! task, and an executor hands both to its [`TaskRunner`].

mod driver;
mod executor;
mod launcher;
mod net;
pub mod protocol;
mod server;

pub use driver::{Driver, DriverOptions, ExecutorStatus, RunningTask, TaskOutput};
pub use executor::{run_executor, BlockIter, ExecutorOptions, TaskRunner};
pub use launcher::{executor_binary, LocalCluster};
pub use net::{fetch_batches, runtime, Fetched, RemoteBatches};
