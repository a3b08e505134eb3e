//! RDDs over data the driver already has: `parallelize` and `range`.

use crate::error::Result;
use crate::listener::TaskMetrics;
use crate::rdd::{BoxIter, Data, Dependency, Rdd, RddBase, RddCore, RddImpl};
use crate::scheduler::task::TaskContext;
use crate::Context;
use std::sync::Arc;

/// Bounds of slice `i` of `n` over `len` elements, as Spark slices them.
pub(crate) fn slice_bounds(len: usize, slices: usize, i: usize) -> (usize, usize) {
    let start = (i as u128 * len as u128 / slices as u128) as usize;
    let end = ((i as u128 + 1) * len as u128 / slices as u128) as usize;
    (start, end)
}

pub(crate) struct ParallelCollectionRdd<T> {
    core: RddCore,
    data: Arc<Vec<T>>,
    slices: usize,
}

impl<T: Data> ParallelCollectionRdd<T> {
    pub fn create(ctx: &Context, data: Vec<T>, slices: usize) -> Rdd<T> {
        Rdd::from_impl(Arc::new(ParallelCollectionRdd {
            core: RddCore::new(ctx, "parallelize"),
            data: Arc::new(data),
            slices,
        }))
    }
}

impl<T: Data> RddBase for ParallelCollectionRdd<T> {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.slices
    }
    fn dependencies(&self) -> Vec<Dependency> {
        Vec::new()
    }
}

impl<T: Data> RddImpl<T> for ParallelCollectionRdd<T> {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<T>> {
        let (start, end) = slice_bounds(self.data.len(), self.slices, split);
        TaskMetrics::add(&tc.metrics.records_read, (end - start) as u64);
        let data = self.data.clone();
        Ok(Box::new((start..end).map(move |i| data[i].clone())))
    }
}

pub(crate) struct RangeRdd {
    core: RddCore,
    start: i64,
    step: i64,
    count: u64,
    slices: usize,
}

impl RangeRdd {
    pub fn create(ctx: &Context, start: i64, end: i64, step: i64, slices: usize) -> Rdd<i64> {
        let span = end as i128 - start as i128;
        let count = if (span > 0 && step > 0) || (span < 0 && step < 0) {
            ((span.abs() + step.unsigned_abs() as i128 - 1) / step.unsigned_abs() as i128) as u64
        } else {
            0
        };
        Rdd::from_impl(Arc::new(RangeRdd {
            core: RddCore::new(ctx, "range"),
            start,
            step,
            count,
            slices: slices.max(1),
        }))
    }
}

impl RddBase for RangeRdd {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.slices
    }
    fn dependencies(&self) -> Vec<Dependency> {
        Vec::new()
    }
}

impl RddImpl<i64> for RangeRdd {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<i64>> {
        let (lo, hi) = slice_bounds(self.count as usize, self.slices, split);
        TaskMetrics::add(&tc.metrics.records_read, (hi - lo) as u64);
        let (start, step) = (self.start, self.step);
        Ok(Box::new((lo as u64..hi as u64).map(move |i| {
            (start as i128 + i as i128 * step as i128) as i64
        })))
    }
}
