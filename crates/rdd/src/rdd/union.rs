//! `union`: the partitions of all parents, one after another. When every
//! parent has the same partitioner the result keeps it and partition `i`
//! concatenates every parent's partition `i` (see `co_partitioned.rs`).

use crate::error::Result;
use crate::rdd::co_partitioned::CoPartitionedRdd;
use crate::rdd::{BoxIter, Data, Dependency, Rdd, RddBase, RddCore, RddImpl};
use crate::scheduler::task::TaskContext;
use std::sync::Arc;

pub(crate) fn union_of<T: Data>(parents: Vec<Rdd<T>>) -> Rdd<T> {
    let first = parents[0].partitioner_slot();
    if let Some(slot) = &first {
        if parents
            .iter()
            .all(|p| p.partitioner_id().as_ref() == Some(&slot.id))
        {
            return CoPartitionedRdd::create(parents, slot.clone(), "union");
        }
    }
    let ctx = parents[0].context().clone();
    let mut starts = Vec::with_capacity(parents.len() + 1);
    let mut at = 0;
    for p in &parents {
        starts.push(at);
        at += p.num_partitions();
    }
    starts.push(at);
    Rdd::from_impl(Arc::new(UnionRdd {
        core: RddCore::new(&ctx, "union"),
        parents,
        starts,
    }))
}

struct UnionRdd<T> {
    core: RddCore,
    parents: Vec<Rdd<T>>,
    /// Where each parent's partitions begin, then the total: counted once
    /// (a union of thousands of parents is asked for them per task).
    starts: Vec<usize>,
}

impl<T: Data> RddBase for UnionRdd<T> {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }
    fn dependencies(&self) -> Vec<Dependency> {
        self.parents
            .iter()
            .map(|p| Dependency::Narrow(p.base()))
            .collect()
    }
}

impl<T: Data> RddImpl<T> for UnionRdd<T> {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<T>> {
        // The last parent starting at or before `split` (empty parents
        // share their start with the next one).
        let i = self.starts[..self.parents.len()].partition_point(|&s| s <= split);
        match i.checked_sub(1) {
            Some(i) if split < self.num_partitions() => {
                self.parents[i].iterator(split - self.starts[i], tc)
            }
            _ => Err(crate::RddError::InvalidArgument(format!(
                "union has no partition {split}"
            ))),
        }
    }
}
