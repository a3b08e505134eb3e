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
    Rdd::from_impl(Arc::new(UnionRdd {
        core: RddCore::new(&ctx, "union"),
        parents,
    }))
}

struct UnionRdd<T> {
    core: RddCore,
    parents: Vec<Rdd<T>>,
}

impl<T: Data> RddBase for UnionRdd<T> {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.parents.iter().map(|p| p.num_partitions()).sum()
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
        let mut index = split;
        for parent in &self.parents {
            if index < parent.num_partitions() {
                return parent.iterator(index, tc);
            }
            index -= parent.num_partitions();
        }
        Err(crate::RddError::InvalidArgument(format!(
            "union has no partition {split}"
        )))
    }
}
