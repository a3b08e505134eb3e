//! One narrow RDD kind for every per-partition transformation: map, filter,
//! flat_map, map_partitions, sample, glom, map_values...

use crate::error::Result;
use crate::partitioner::PartitionerSlot;
use crate::rdd::{BoxIter, Data, Dependency, Rdd, RddBase, RddCore, RddImpl};
use crate::scheduler::task::TaskContext;
use std::sync::Arc;

type PartitionFn<T, U> =
    Arc<dyn Fn(usize, &Arc<TaskContext>, BoxIter<T>) -> BoxIter<U> + Send + Sync>;

pub(crate) struct MapPartitionsRdd<T, U> {
    core: RddCore,
    parent: Rdd<T>,
    f: PartitionFn<T, U>,
}

impl<T: Data, U: Data> MapPartitionsRdd<T, U> {
    pub fn create(
        parent: Rdd<T>,
        op: &'static str,
        partitioner: Option<PartitionerSlot>,
        f: PartitionFn<T, U>,
    ) -> Rdd<U> {
        let core = RddCore::new(parent.context(), op).with_partitioner(partitioner);
        Rdd::from_impl(Arc::new(MapPartitionsRdd { core, parent, f }))
    }
}

impl<T: Data, U: Data> RddBase for MapPartitionsRdd<T, U> {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.parent.num_partitions()
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![Dependency::Narrow(self.parent.base())]
    }
}

impl<T: Data, U: Data> RddImpl<U> for MapPartitionsRdd<T, U> {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<U>> {
        let input = self.parent.iterator(split, tc)?;
        Ok((self.f)(split, tc, input))
    }
}
