//! # shark — HiveQL on the RDD engine
//!
//! ```text
//!  SQL text ─► parse (sqlparser + Hive front) ─► analyze (names, types)
//!          ─► LogicalPlan ─► optimize (fold, push filters, prune columns)
//!          ─► physical: PhysicalPlan (strategies chosen once, serializable)
//!          ─► exec: RDDs of Arrow record batches (re-planned between stages)
//!          ─► results, streamed
//! ```
//!
//! Operators evaluate expressions over whole batches with Arrow kernels;
//! aggregation, joins and sorting shuffle through the core engine, which
//! runs them on its worker threads within its memory budget.

#![deny(unsafe_code)]
#![allow(clippy::type_complexity, clippy::too_many_arguments)]

pub mod analyze;
pub mod avro_table;
pub mod batch;
pub mod cache;
pub mod cast;
pub mod catalog;
pub mod conform;
pub mod distributed;
pub mod error;
pub mod exec;
pub mod expr;
pub mod functions;
pub mod hive_catalog;
pub mod hive_table;
pub mod optimize;
pub mod orc_table;
pub mod parse;
pub mod paths;
pub mod physical;
pub mod plan;
pub mod prune;
pub mod sampled_table;
pub mod scalar;
pub mod script;
pub mod session;
pub mod table;
pub mod types;
pub mod virtual_columns;

pub use batch::Batch;
pub use catalog::{Catalog, MemoryCatalog};
pub use error::{Result, SharkError};
pub use session::{QueryResult, Session, StatementResult};
