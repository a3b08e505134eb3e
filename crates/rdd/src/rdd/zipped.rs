//! `zip_partitions`: partition `i` of the result is computed from partition
//! `i` of both parents (Spark's zipPartitions). The SQL engine's shuffle
//! hash join reads both sides of a key range this way.

use crate::error::{RddError, Result};
use crate::rdd::{BoxIter, Data, Dependency, Rdd, RddBase, RddCore, RddImpl};
use crate::scheduler::task::TaskContext;
use std::sync::Arc;

type ZipFn<T, U, V> =
    Arc<dyn Fn(&Arc<TaskContext>, BoxIter<T>, BoxIter<U>) -> BoxIter<V> + Send + Sync>;

pub(crate) struct ZippedRdd<T, U, V> {
    core: RddCore,
    left: Rdd<T>,
    right: Rdd<U>,
    f: ZipFn<T, U, V>,
}

impl<T: Data, U: Data, V: Data> ZippedRdd<T, U, V> {
    pub fn create(left: Rdd<T>, right: Rdd<U>, f: ZipFn<T, U, V>) -> Result<Rdd<V>> {
        if left.num_partitions() != right.num_partitions() {
            return Err(RddError::InvalidArgument(format!(
                "zip_partitions needs equal partition counts, got {} and {}",
                left.num_partitions(),
                right.num_partitions()
            )));
        }
        Ok(Rdd::from_impl(Arc::new(ZippedRdd {
            core: RddCore::new(left.context(), "zip_partitions"),
            left,
            right,
            f,
        })))
    }
}

impl<T: Data, U: Data, V: Data> RddBase for ZippedRdd<T, U, V> {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.left.num_partitions()
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![
            Dependency::Narrow(self.left.base()),
            Dependency::Narrow(self.right.base()),
        ]
    }
}

impl<T: Data, U: Data, V: Data> RddImpl<V> for ZippedRdd<T, U, V> {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<V>> {
        let l = self.left.iterator(split, tc)?;
        let r = self.right.iterator(split, tc)?;
        Ok((self.f)(tc, l, r))
    }
}
