//! `cartesian`: partition (i, j) pairs parent one's partition i with parent
//! two's partition j. The right partition is held in memory while the left
//! one streams.

use crate::error::Result;
use crate::rdd::{BoxIter, Data, Dependency, Rdd, RddBase, RddCore, RddImpl};
use crate::scheduler::task::TaskContext;
use std::sync::Arc;

pub(crate) struct CartesianRdd<T, U> {
    core: RddCore,
    left: Rdd<T>,
    right: Rdd<U>,
}

impl<T: Data, U: Data> CartesianRdd<T, U> {
    pub fn create(left: Rdd<T>, right: Rdd<U>) -> Rdd<(T, U)> {
        Rdd::from_impl(Arc::new(CartesianRdd {
            core: RddCore::new(left.context(), "cartesian"),
            left,
            right,
        }))
    }
}

impl<T: Data, U: Data> RddBase for CartesianRdd<T, U> {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.left.num_partitions() * self.right.num_partitions()
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![
            Dependency::Narrow(self.left.base()),
            Dependency::Narrow(self.right.base()),
        ]
    }
}

impl<T: Data, U: Data> RddImpl<(T, U)> for CartesianRdd<T, U> {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<(T, U)>> {
        let n = self.right.num_partitions();
        let right: Arc<Vec<U>> = Arc::new(self.right.iterator(split % n, tc)?.collect());
        let left = self.left.iterator(split / n, tc)?;
        Ok(Box::new(left.flat_map(move |x| {
            let right = right.clone();
            (0..right.len()).map(move |i| (x.clone(), right[i].clone()))
        })))
    }
}
