//! Parents that share one partitioner, read side by side: partition `i` is
//! every parent's partition `i`, one after another. The result keeps the
//! partitioner. Joins and cogroups use it so that inputs already partitioned
//! the right way are not shuffled again.

use crate::error::Result;
use crate::partitioner::PartitionerSlot;
use crate::rdd::{BoxIter, Data, Dependency, Rdd, RddBase, RddCore, RddImpl};
use crate::scheduler::task::TaskContext;
use std::sync::Arc;

pub(crate) struct CoPartitionedRdd<T> {
    core: RddCore,
    parents: Vec<Rdd<T>>,
    partitions: usize,
}

impl<T: Data> CoPartitionedRdd<T> {
    pub fn create(parents: Vec<Rdd<T>>, slot: PartitionerSlot, op: &'static str) -> Rdd<T> {
        let partitions = parents[0].num_partitions();
        let core = RddCore::new(parents[0].context(), op).with_partitioner(Some(slot));
        Rdd::from_impl(Arc::new(CoPartitionedRdd {
            core,
            parents,
            partitions,
        }))
    }
}

impl<T: Data> RddBase for CoPartitionedRdd<T> {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.partitions
    }
    fn dependencies(&self) -> Vec<Dependency> {
        self.parents
            .iter()
            .map(|p| Dependency::Narrow(p.base()))
            .collect()
    }
}

impl<T: Data> RddImpl<T> for CoPartitionedRdd<T> {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<T>> {
        let mut iters = Vec::with_capacity(self.parents.len());
        for p in &self.parents {
            iters.push(p.iterator(split, tc)?);
        }
        Ok(Box::new(iters.into_iter().flatten()))
    }
}
