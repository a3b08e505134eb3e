//! Sorting (Spark's OrderedRDDFunctions): sample the keys to choose range
//! bounds, shuffle by range, sort each partition (spilling past the budget).
//! Partition `i` holds keys no greater than partition `i + 1`'s.

use crate::codec::Spill;
use crate::partitioner::{Partitioner, RangePartitioner};
use crate::rdd::shuffled::ShuffledRdd;
use crate::rdd::{Data, Rdd};
use crate::shuffle::external_sort;
use std::sync::Arc;

impl<K: Spill + Ord, V: Spill> Rdd<(K, V)> {
    /// Sorts by key, ascending or descending, into `num_partitions` ranges
    /// (as many as the input has when `None`). Lazy: the key sample is taken
    /// when the job runs.
    pub fn sort_by_key(&self, ascending: bool, num_partitions: Option<usize>) -> Rdd<(K, V)> {
        let n = num_partitions.unwrap_or(self.num_partitions()).max(1);
        let partitioner: Arc<dyn Partitioner<K>> =
            Arc::new(RangePartitioner::new(n, self.keys(), ascending));
        let shuffled = ShuffledRdd::create(self.clone(), partitioner, "sort_by_key");
        shuffled.pipe(
            "sort_by_key",
            true,
            move |_, tc, it| match external_sort::sort_by_key(it, ascending, tc) {
                Ok(sorted) => sorted,
                Err(e) => {
                    tc.fail(e);
                    Box::new(std::iter::empty())
                }
            },
        )
    }
}

impl<T: Spill> Rdd<T> {
    /// Sorts by a key computed from each element.
    pub fn sort_by<K: Spill + Ord + Data>(
        &self,
        f: impl Fn(&T) -> K + Send + Sync + 'static,
        ascending: bool,
        num_partitions: Option<usize>,
    ) -> Rdd<T> {
        self.key_by(f)
            .sort_by_key(ascending, num_partitions)
            .values()
    }
}
