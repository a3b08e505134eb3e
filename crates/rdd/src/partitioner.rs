//! Partitioners decide which reduce partition a key goes to. Two RDDs whose
//! partitioners have the same `PartitionerId` place every key alike, which
//! lets joins and Bagel's supersteps skip a shuffle.

use crate::error::Result;
use crate::hash::hash_key;
use crate::rdd::Rdd;
use crate::Data;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Says when two partitioners are interchangeable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionerId {
    /// Hash partitioning into this many partitions.
    Hash(usize),
    /// Any other partitioner: equal only to itself.
    Unique(u64),
}

/// Maps keys to partitions `0..num_partitions()`.
pub trait Partitioner<K>: Send + Sync + 'static {
    /// How many partitions keys are spread over.
    fn num_partitions(&self) -> usize;
    /// The partition of `key`.
    fn partition_of(&self, key: &K) -> usize;
    /// Identity for co-partitioning checks.
    fn id(&self) -> PartitionerId;
    /// Runs on the driver before the shuffle that uses it (a range
    /// partitioner samples its input here).
    fn prepare(&self) -> Result<()> {
        Ok(())
    }
}

/// Spark's HashPartitioner: the engine's fixed key hash modulo the partition count.
#[derive(Debug, Clone)]
pub struct HashPartitioner {
    partitions: usize,
}

impl HashPartitioner {
    /// A partitioner into `partitions` partitions (at least one).
    pub fn new(partitions: usize) -> Self {
        HashPartitioner {
            partitions: partitions.max(1),
        }
    }
}

impl<K: Hash + 'static> Partitioner<K> for HashPartitioner {
    fn num_partitions(&self) -> usize {
        self.partitions
    }
    fn partition_of(&self, key: &K) -> usize {
        (hash_key(key) % self.partitions as u64) as usize
    }
    fn id(&self) -> PartitionerId {
        PartitionerId::Hash(self.partitions)
    }
}

static NEXT_UNIQUE: AtomicU64 = AtomicU64::new(1);

/// A fresh identity for a partitioner that equals only itself.
pub fn unique_partitioner_id() -> PartitionerId {
    PartitionerId::Unique(NEXT_UNIQUE.fetch_add(1, Ordering::Relaxed))
}

/// Spark's RangePartitioner: sorted key ranges of roughly equal size, with
/// bounds chosen from a sample of the keys. The sample is taken lazily, on
/// the driver, just before the shuffle runs, so `sort_by_key` stays lazy.
pub struct RangePartitioner<K> {
    partitions: usize,
    ascending: bool,
    id: PartitionerId,
    keys: Mutex<Option<Rdd<K>>>,
    bounds: OnceLock<Vec<K>>,
}

impl<K: Data + Ord + serde::Serialize + serde::de::DeserializeOwned> RangePartitioner<K> {
    /// A partitioner into `partitions` ranges of the keys of `keys`.
    pub fn new(partitions: usize, keys: Rdd<K>, ascending: bool) -> Self {
        RangePartitioner {
            partitions: partitions.max(1),
            ascending,
            id: unique_partitioner_id(),
            keys: Mutex::new(Some(keys)),
            bounds: OnceLock::new(),
        }
    }

    /// A partitioner with known bounds (`bounds.len() + 1` partitions).
    pub fn with_bounds(bounds: Vec<K>, ascending: bool) -> Self {
        let lock = OnceLock::new();
        let partitions = bounds.len() + 1;
        let _ = lock.set(bounds);
        RangePartitioner {
            partitions,
            ascending,
            id: unique_partitioner_id(),
            keys: Mutex::new(None),
            bounds: lock,
        }
    }

    /// The upper bounds of all partitions but the last, once known.
    pub fn bounds(&self) -> Option<&[K]> {
        self.bounds.get().map(|b| b.as_slice())
    }

    fn compute_bounds(&self, keys: &Rdd<K>) -> Result<Vec<K>> {
        if self.partitions <= 1 {
            return Ok(Vec::new());
        }
        // As Spark: about 20 keys per output partition, taken from each input
        // partition by reservoir sampling and weighted by the partition's size.
        let sample_size = (20 * self.partitions).min(1_000_000);
        let per_partition = (3 * sample_size).div_ceil(keys.num_partitions().max(1));
        let samples = keys.map_partitions_with_index(move |index, iter| {
            let mut rng = crate::sample::SplitMix64::new(0x5eed ^ index as u64);
            let mut reservoir: Vec<K> = Vec::with_capacity(per_partition);
            let mut seen = 0u64;
            for key in iter {
                seen += 1;
                if reservoir.len() < per_partition {
                    reservoir.push(key);
                } else {
                    let j = rng.next_below(seen) as usize;
                    if j < per_partition {
                        reservoir[j] = key;
                    }
                }
            }
            std::iter::once((seen, reservoir))
        });
        let mut weighted: Vec<(K, f64)> = Vec::new();
        for (count, sample) in samples.collect()? {
            if sample.is_empty() {
                continue;
            }
            let weight = count as f64 / sample.len() as f64;
            weighted.extend(sample.into_iter().map(|k| (k, weight)));
        }
        weighted.sort_by(|a, b| a.0.cmp(&b.0));
        let total: f64 = weighted.iter().map(|(_, w)| w).sum();
        let step = total / self.partitions as f64;
        let mut bounds: Vec<K> = Vec::with_capacity(self.partitions - 1);
        let (mut cumulative, mut target) = (0.0, step);
        for (key, weight) in weighted {
            cumulative += weight;
            if cumulative >= target {
                if bounds.last().is_none_or(|last| *last < key) {
                    bounds.push(key);
                    target += step;
                }
                if bounds.len() == self.partitions - 1 {
                    break;
                }
            }
        }
        Ok(bounds)
    }
}

impl<K: Data + Ord + serde::Serialize + serde::de::DeserializeOwned> Partitioner<K>
    for RangePartitioner<K>
{
    fn num_partitions(&self) -> usize {
        self.partitions
    }
    fn partition_of(&self, key: &K) -> usize {
        let bounds = self
            .bounds
            .get()
            .expect("range partitioner used before its bounds were sampled");
        let p = bounds.partition_point(|b| b < key);
        if self.ascending {
            p
        } else {
            self.partitions - 1 - p
        }
    }
    fn id(&self) -> PartitionerId {
        self.id.clone()
    }
    fn prepare(&self) -> Result<()> {
        if self.bounds.get().is_some() {
            return Ok(());
        }
        let keys = self.keys.lock().unwrap().clone();
        if let Some(keys) = keys {
            let bounds = self.compute_bounds(&keys)?;
            let _ = self.bounds.set(bounds);
            *self.keys.lock().unwrap() = None;
        }
        Ok(())
    }
}

/// A type-erased partitioner kept on an RDD: the identity for comparisons
/// and the typed partitioner (an `Arc<dyn Partitioner<K>>`) for lookups.
#[derive(Clone)]
pub(crate) struct PartitionerSlot {
    pub id: PartitionerId,
    pub typed: Arc<dyn std::any::Any + Send + Sync>,
}

impl PartitionerSlot {
    pub fn new<K: 'static>(p: Arc<dyn Partitioner<K>>) -> Self {
        PartitionerSlot {
            id: p.id(),
            typed: Arc::new(p),
        }
    }

    pub fn typed<K: 'static>(&self) -> Option<Arc<dyn Partitioner<K>>> {
        self.typed
            .downcast_ref::<Arc<dyn Partitioner<K>>>()
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_partitioner_with_bounds_orders_keys() {
        let p = RangePartitioner::with_bounds(vec![10, 20], true);
        assert_eq!(p.partition_of(&5), 0);
        assert_eq!(p.partition_of(&10), 0);
        assert_eq!(p.partition_of(&11), 1);
        assert_eq!(p.partition_of(&25), 2);
        let d = RangePartitioner::with_bounds(vec![10, 20], false);
        assert_eq!(d.partition_of(&5), 2);
        assert_eq!(d.partition_of(&25), 0);
    }

    #[test]
    fn hash_partitioners_of_equal_size_are_interchangeable() {
        let a: &dyn Partitioner<u32> = &HashPartitioner::new(4);
        let b: &dyn Partitioner<u32> = &HashPartitioner::new(4);
        assert_eq!(a.id(), b.id());
        assert_ne!(unique_partitioner_id(), unique_partitioner_id());
    }
}
