//! Scheduling: the DAG scheduler cuts a job's lineage into stages at shuffle
//! dependencies and runs them parents first; tasks run on the worker pool.

pub(crate) mod dag;
pub(crate) mod pool;
pub mod task;
