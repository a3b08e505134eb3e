//! `coalesce` without a shuffle: adjacent parent partitions merged into fewer.

use crate::error::Result;
use crate::rdd::parallel_collection::slice_bounds;
use crate::rdd::{BoxIter, Data, Dependency, Rdd, RddBase, RddCore, RddImpl};
use crate::scheduler::task::TaskContext;
use std::sync::Arc;

pub(crate) struct CoalescedRdd<T> {
    core: RddCore,
    parent: Rdd<T>,
    partitions: usize,
}

impl<T: Data> CoalescedRdd<T> {
    pub fn create(parent: Rdd<T>, partitions: usize) -> Rdd<T> {
        let partitions = partitions.min(parent.num_partitions()).max(1);
        Rdd::from_impl(Arc::new(CoalescedRdd {
            core: RddCore::new(parent.context(), "coalesce"),
            parent,
            partitions,
        }))
    }
}

impl<T: Data> RddBase for CoalescedRdd<T> {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.partitions
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![Dependency::Narrow(self.parent.base())]
    }
}

impl<T: Data> RddImpl<T> for CoalescedRdd<T> {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<T>> {
        let (lo, hi) = slice_bounds(self.parent.num_partitions(), self.partitions, split);
        let parent = self.parent.clone();
        let tc = tc.clone();
        // Parent partitions are opened one at a time, as the iterator reaches them.
        Ok(Box::new((lo..hi).flat_map(
            move |i| match parent.iterator(i, &tc) {
                Ok(it) => it,
                Err(e) => {
                    tc.fail(e);
                    Box::new(std::iter::empty())
                }
            },
        )))
    }
}
