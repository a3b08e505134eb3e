//! Actions: the methods that run a job and bring a result to the driver.

use crate::codec::Spill;
use crate::error::{RddError, Result};
use crate::rdd::{Data, Rdd};
use std::collections::{BinaryHeap, HashMap};
use std::hash::Hash;
use std::sync::Arc;

impl<T: Data> Rdd<T> {
    /// Every element, in partition order.
    pub fn collect(&self) -> Result<Vec<T>> {
        let parts = self
            .context()
            .run_job(self, None, |_, it| Ok(it.collect::<Vec<T>>()))?;
        Ok(parts.into_iter().flatten().collect())
    }

    /// The number of elements.
    pub fn count(&self) -> Result<u64> {
        let counts = self
            .context()
            .run_job(self, None, |_, it| Ok(it.count() as u64))?;
        Ok(counts.into_iter().sum())
    }

    /// Combines all elements with `f`, which must be commutative and
    /// associative. An error on an empty RDD.
    pub fn reduce(&self, f: impl Fn(T, T) -> T + Send + Sync + 'static) -> Result<T> {
        let f = Arc::new(f);
        let g = f.clone();
        let parts = self
            .context()
            .run_job(self, None, move |_, it| Ok(it.reduce(|a, b| g(a, b))))?;
        parts
            .into_iter()
            .flatten()
            .reduce(|a, b| f(a, b))
            .ok_or(RddError::EmptyCollection("reduce".into()))
    }

    /// Folds each partition from `zero`, then the partition results from
    /// `zero`. `f` must be associative and `zero` its identity.
    pub fn fold(&self, zero: T, f: impl Fn(T, T) -> T + Send + Sync + 'static) -> Result<T> {
        let f = Arc::new(f);
        let (g, z) = (f.clone(), zero.clone());
        let parts = self.context().run_job(self, None, move |_, it| {
            Ok(it.fold(z.clone(), |a, b| g(a, b)))
        })?;
        Ok(parts.into_iter().fold(zero, |a, b| f(a, b)))
    }

    /// Aggregates each partition with `seq` from `zero`, then merges the
    /// partition results with `comb`.
    pub fn aggregate<U: Data>(
        &self,
        zero: U,
        seq: impl Fn(U, T) -> U + Send + Sync + 'static,
        comb: impl Fn(U, U) -> U + Send + Sync + 'static,
    ) -> Result<U> {
        let z = zero.clone();
        let parts =
            self.context()
                .run_job(self, None, move |_, it| Ok(it.fold(z.clone(), &seq)))?;
        Ok(parts.into_iter().fold(zero, comb))
    }

    /// The first `n` elements. Scans one partition first, then more at a
    /// time (up to four times as many) until it has `n`, as Spark's `take`.
    pub fn take(&self, n: usize) -> Result<Vec<T>> {
        let total = self.num_partitions();
        let mut out: Vec<T> = Vec::new();
        let mut scanned = 0usize;
        while out.len() < n && scanned < total {
            let mut to_try = 1usize;
            if scanned > 0 {
                to_try = if out.is_empty() {
                    scanned * 4
                } else {
                    let estimate =
                        (1.5 * n as f64 * scanned as f64 / out.len() as f64).ceil() as usize;
                    estimate.saturating_sub(scanned).clamp(1, scanned * 4)
                };
            }
            let parts: Vec<usize> = (scanned..(scanned + to_try).min(total)).collect();
            let left = n - out.len();
            let results = self.context().run_job(self, Some(&parts), move |_, it| {
                Ok(it.take(left).collect::<Vec<T>>())
            })?;
            for r in results {
                let room = n - out.len();
                out.extend(r.into_iter().take(room));
            }
            scanned += parts.len();
        }
        Ok(out)
    }

    /// The first element; an error on an empty RDD.
    pub fn first(&self) -> Result<T> {
        self.take(1)?
            .into_iter()
            .next()
            .ok_or(RddError::EmptyCollection("first".into()))
    }

    /// True when the RDD has no elements.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.num_partitions() == 0 || self.take(1)?.is_empty())
    }

    /// Runs `f` on every element, on the workers.
    pub fn foreach(&self, f: impl Fn(T) + Send + Sync + 'static) -> Result<()> {
        self.context().run_job(self, None, move |_, it| {
            it.for_each(&f);
            Ok(())
        })?;
        Ok(())
    }

    /// Runs `f` on every partition's iterator, on the workers.
    pub fn foreach_partition(
        &self,
        f: impl Fn(crate::rdd::BoxIter<T>) + Send + Sync + 'static,
    ) -> Result<()> {
        self.context().run_job(self, None, move |_, it| {
            f(it);
            Ok(())
        })?;
        Ok(())
    }

    /// The `n` largest elements, largest first.
    pub fn top(&self, n: usize) -> Result<Vec<T>>
    where
        T: Ord,
    {
        let mut all = self.bounded(n, true)?;
        all.sort_by(|a, b| b.cmp(a));
        all.truncate(n);
        Ok(all)
    }

    /// The `n` smallest elements, smallest first.
    pub fn take_ordered(&self, n: usize) -> Result<Vec<T>>
    where
        T: Ord,
    {
        let mut all = self.bounded(n, false)?;
        all.sort();
        all.truncate(n);
        Ok(all)
    }

    /// Per partition, the `n` largest (or smallest) elements, kept in a
    /// bounded heap so a partition never holds more than `n`.
    fn bounded(&self, n: usize, largest: bool) -> Result<Vec<T>>
    where
        T: Ord,
    {
        if n == 0 {
            return Ok(Vec::new());
        }
        let parts = self.context().run_job(self, None, move |_, it| {
            if largest {
                let mut heap = BinaryHeap::with_capacity(n + 1);
                for x in it {
                    heap.push(std::cmp::Reverse(x));
                    if heap.len() > n {
                        heap.pop();
                    }
                }
                Ok(heap.into_iter().map(|r| r.0).collect::<Vec<T>>())
            } else {
                let mut heap = BinaryHeap::with_capacity(n + 1);
                for x in it {
                    heap.push(x);
                    if heap.len() > n {
                        heap.pop();
                    }
                }
                Ok(heap.into_vec())
            }
        })?;
        Ok(parts.into_iter().flatten().collect())
    }

    /// The largest element; an error on an empty RDD.
    pub fn max(&self) -> Result<T>
    where
        T: Ord,
    {
        self.reduce(|a, b| if b > a { b } else { a })
            .map_err(|_| RddError::EmptyCollection("max".into()))
    }

    /// The smallest element; an error on an empty RDD.
    pub fn min(&self) -> Result<T>
    where
        T: Ord,
    {
        self.reduce(|a, b| if b < a { b } else { a })
            .map_err(|_| RddError::EmptyCollection("min".into()))
    }

    /// How many times each distinct element occurs.
    pub fn count_by_value(&self) -> Result<HashMap<T, u64>>
    where
        T: Spill + Hash + Eq,
    {
        self.map(|x| (x, 1u64)).count_by_key_sum()
    }

    /// Writes every element's `Display` form as one line, into `part-NNNNN`
    /// files under the directory `path`, plus a `_SUCCESS` marker. The
    /// directory must not exist; it appears, complete, only if the job
    /// succeeds (tasks write to a staging folder committed by rename).
    pub fn save_as_text_file(&self, path: &str) -> Result<()>
    where
        T: std::fmt::Display,
    {
        crate::output::save_as_text_file(self, path)
    }
}

impl<K: Spill + Hash + Eq> Rdd<(K, u64)> {
    fn count_by_key_sum(&self) -> Result<HashMap<K, u64>> {
        Ok(self
            .reduce_by_key(|a, b| a + b, None)
            .collect()?
            .into_iter()
            .collect())
    }
}
