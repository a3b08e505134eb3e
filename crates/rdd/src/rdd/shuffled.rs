//! The RDD on the reduce side of a shuffle: partition `r` holds every record
//! whose key the partitioner sends to `r`.

use crate::codec::Spill;
use crate::error::Result;
use crate::partitioner::{Partitioner, PartitionerSlot};
use crate::rdd::{BoxIter, Dependency, Rdd, RddBase, RddCore, RddImpl};
use crate::scheduler::task::TaskContext;
use crate::shuffle::dependency::{ShuffleDep, ShuffleDependency};
use crate::shuffle::reader::ShuffleReader;
use std::sync::Arc;

pub(crate) struct ShuffledRdd<K, V> {
    core: RddCore,
    dep: Arc<ShuffleDependency<K, V>>,
}

impl<K: Spill, V: Spill> ShuffledRdd<K, V> {
    pub fn create(
        parent: Rdd<(K, V)>,
        partitioner: Arc<dyn Partitioner<K>>,
        op: &'static str,
    ) -> Rdd<(K, V)> {
        let core = RddCore::new(parent.context(), op)
            .with_partitioner(Some(PartitionerSlot::new(partitioner.clone())));
        let dep = Arc::new(ShuffleDependency::new(parent, partitioner));
        Rdd::from_impl(Arc::new(ShuffledRdd { core, dep }))
    }
}

impl<K: Spill, V: Spill> RddBase for ShuffledRdd<K, V> {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.dep.num_reduce_partitions()
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![Dependency::Shuffle(self.dep.clone())]
    }
}

impl<K: Spill, V: Spill> RddImpl<(K, V)> for ShuffledRdd<K, V> {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<(K, V)>> {
        let manager = tc.ctx.shuffle_manager();
        let num_maps = self.dep.parent.num_partitions();
        let outputs = manager.outputs(self.dep.shuffle_id(), num_maps)?;
        Ok(Box::new(ShuffleReader::new(
            self.dep.shuffle_id(),
            outputs,
            split,
            tc.clone(),
        )))
    }
}
