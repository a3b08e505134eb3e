//! The shuffle: map tasks bucket their output by reduce partition into
//! compressed blocks kept in memory (within `shark.shuffle.memory`) or in
//! scratch files; reduce tasks stream every map task's block for their
//! partition. `external_map` and `external_sort` let the reduce side
//! aggregate and sort more data than fits in a task's memory budget.

pub mod dependency;
pub(crate) mod external_map;
pub(crate) mod external_sort;
pub(crate) mod manager;
pub(crate) mod reader;
pub(crate) mod spill_file;

pub use manager::MapOutput;
