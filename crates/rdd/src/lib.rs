//! # rdd — Shark's core engine
//!
//! A re-creation of Spark's core in Rust: resilient distributed datasets
//! (RDDs) computed by a DAG scheduler on local worker threads.
//!
//! ```text
//!  Context::new("local[4]")          driver thread              worker threads
//!  parallelize / text_file ──► Rdd ─► transformations (lazy) ─► action
//!                                                                  │ run_job
//!                                   DAG scheduler: stages cut at shuffles
//!                                     map stages ─► shuffle blocks (memory / scratch files)
//!                                     result stage ─► results back to the driver
//! ```
//!
//! ```
//! use rdd::Context;
//! let ctx = Context::new("local[2]", "doc").unwrap();
//! let words = ctx.parallelize(vec!["a b", "b c", "b"], Some(2));
//! let mut counts = words
//!     .flat_map(|line| line.split(' ').map(str::to_string).collect::<Vec<_>>())
//!     .map(|w| (w, 1))
//!     .reduce_by_key(|a, b| a + b, None)
//!     .collect()
//!     .unwrap();
//! counts.sort();
//! assert_eq!(counts, vec![("a".into(), 1), ("b".into(), 3), ("c".into(), 1)]);
//! ```
//!
//! Start at `rdd.rs` for the RDD abstraction, `context.rs` for the entry
//! point and `scheduler/dag.rs` for how jobs run.

#![deny(unsafe_code)]
// Pair-RDD signatures (cogroups, outer joins) are nested tuples by nature.
#![allow(clippy::type_complexity)]

pub mod accumulator;
mod actions;
pub mod broadcast;
pub mod codec;
pub mod conf;
pub mod context;
pub mod error;
pub mod faults;
pub mod glob;
pub mod hash;
mod lineage;
pub mod listener;
mod ordered;
mod output;
pub mod pair;
pub mod partitioner;
pub mod rdd;
pub mod sample;
pub mod scheduler;
pub mod shuffle;
pub mod storage;

pub use accumulator::{Accumulator, AccumulatorParam};
pub use broadcast::Broadcast;
pub use codec::Spill;
pub use conf::Conf;
pub use context::{CancelToken, ClusterMaster, Context, Master, PersistentRdd, WeakContext};
pub use error::{RddError, Result};
pub use listener::{Event, EventLog, Listener, StageInfo, TaskMetricsSnapshot, TaskOutcome};
pub use partitioner::{HashPartitioner, Partitioner, PartitionerId, RangePartitioner};
pub use rdd::shuffled::{MapStageStatistics, ReadSpec, Shuffle};
pub use rdd::text_file::PositionedLine;
pub use rdd::{BoxIter, Data, Rdd};
pub use scheduler::task::{MemoryHolder, TaskContext};
pub use storage::{RddStorageInfo, StorageLevel};
