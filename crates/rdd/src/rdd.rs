//! The resilient distributed dataset.
//!
//! An RDD is described by five properties, as in the RDD paper and Spark:
//!
//! 1. a list of **partitions** (`num_partitions`);
//! 2. a function to **compute** each partition from its parents, returning a
//!    pull-based iterator, so partitions stream through a pipeline;
//! 3. a list of **dependencies** on parent RDDs: narrow (each parent partition
//!    feeds at most one child partition; pipelined inside one task) or
//!    shuffle (all-to-all; the scheduler ends a stage there);
//! 4. optionally a **partitioner** for key-value RDDs, which lets joins and
//!    aggregations on co-partitioned data skip a shuffle;
//! 5. optionally **preferred locations** per partition (unused in local mode).
//!
//! `Rdd<T>` is a cheap handle (an `Arc`) on an implementation of those
//! properties. Transformations are one-line methods that build the next RDD;
//! nothing runs until an action (`actions.rs`). Key-value operations live in
//! `pair.rs`, sorting in `ordered.rs`.

use crate::codec::Spill;
use crate::context::Context;
use crate::error::Result;
use crate::partitioner::{PartitionerId, PartitionerSlot};
use crate::scheduler::task::TaskContext;
use crate::shuffle::dependency::ShuffleDep;
use crate::storage::{Persistence, StorageLevel};
use std::sync::{Arc, Mutex};

pub(crate) mod cartesian;
pub(crate) mod co_partitioned;
pub(crate) mod coalesced;
pub(crate) mod map_partitions;
pub(crate) mod parallel_collection;
pub mod shuffled;
pub(crate) mod text_file;
pub(crate) mod union;
pub(crate) mod zipped;

/// Elements of an RDD: cloneable and shareable across worker threads.
pub trait Data: Clone + Send + Sync + 'static {}
impl<T: Clone + Send + Sync + 'static> Data for T {}

/// The iterator a partition is computed as.
pub type BoxIter<T> = Box<dyn Iterator<Item = T> + Send>;

/// How an RDD depends on a parent.
#[derive(Clone)]
pub enum Dependency {
    /// Each parent partition feeds at most one child partition.
    Narrow(Arc<dyn RddBase>),
    /// Every child partition reads from every parent partition.
    Shuffle(Arc<dyn ShuffleDep>),
}

/// The type-erased view of an RDD that the scheduler works with.
pub trait RddBase: Send + Sync + 'static {
    /// Identity, context, name, persistence and partitioner.
    fn core(&self) -> &RddCore;
    /// Number of partitions.
    fn num_partitions(&self) -> usize;
    /// Parents, each narrow or shuffle.
    fn dependencies(&self) -> Vec<Dependency>;
}

/// An RDD of `T`: its partitions can be computed.
pub trait RddImpl<T>: RddBase {
    /// Computes partition `split` from the parents' iterators.
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<T>>;
}

/// What every RDD carries besides its data: id, context, the operation that
/// created it (for lineage strings), name, storage level and partitioner.
pub struct RddCore {
    id: usize,
    ctx: Context,
    op: &'static str,
    name: Mutex<Option<String>>,
    pub(crate) persistence: Mutex<Option<Persistence>>,
    pub(crate) partitioner: Option<PartitionerSlot>,
}

impl RddCore {
    /// A fresh core with a new RDD id, made by operation `op`.
    pub fn new(ctx: &Context, op: &'static str) -> Self {
        RddCore {
            id: ctx.new_rdd_id(),
            ctx: ctx.clone(),
            op,
            name: Mutex::new(None),
            persistence: Mutex::new(None),
            partitioner: None,
        }
    }

    pub(crate) fn with_partitioner(mut self, slot: Option<PartitionerSlot>) -> Self {
        self.partitioner = slot;
        self
    }

    /// The RDD's id, unique within its context.
    pub fn id(&self) -> usize {
        self.id
    }

    /// The context the RDD belongs to.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The operation that created the RDD.
    pub fn op(&self) -> &'static str {
        self.op
    }

    /// The user-given name, if any.
    pub fn name(&self) -> Option<String> {
        self.name.lock().unwrap().clone()
    }

    /// The storage level, `StorageLevel::NONE` unless persisted.
    pub fn storage_level(&self) -> StorageLevel {
        self.persistence
            .lock()
            .unwrap()
            .as_ref()
            .map(|p| p.level)
            .unwrap_or(StorageLevel::NONE)
    }
}

impl Drop for RddCore {
    fn drop(&mut self) {
        if self
            .persistence
            .get_mut()
            .map(|p| p.is_some())
            .unwrap_or(false)
        {
            self.ctx.block_store().remove_rdd(self.id);
        }
    }
}

/// A resilient distributed dataset of `T`: a cheap, cloneable handle.
pub struct Rdd<T> {
    pub(crate) inner: Arc<dyn RddImpl<T>>,
}

impl<T> Clone for Rdd<T> {
    fn clone(&self) -> Self {
        Rdd {
            inner: self.inner.clone(),
        }
    }
}

impl<T: Data> Rdd<T> {
    /// Wraps an RDD implementation (for crates that add RDD kinds, such as
    /// the SQL engine's scans).
    pub fn from_impl(inner: Arc<dyn RddImpl<T>>) -> Self {
        Rdd { inner }
    }

    /// The type-erased RDD, as the scheduler sees it.
    pub fn base(&self) -> Arc<dyn RddBase> {
        self.inner.clone()
    }

    /// The RDD's id.
    pub fn id(&self) -> usize {
        self.inner.core().id()
    }

    /// The context that made this RDD.
    pub fn context(&self) -> &Context {
        self.inner.core().context()
    }

    /// Number of partitions.
    pub fn num_partitions(&self) -> usize {
        self.inner.num_partitions()
    }

    /// The RDD's name, if one was given.
    pub fn name(&self) -> Option<String> {
        self.inner.core().name()
    }

    /// Names the RDD (shown in lineage strings and storage status).
    pub fn set_name(&self, name: impl Into<String>) -> Self {
        *self.inner.core().name.lock().unwrap() = Some(name.into());
        self.clone()
    }

    /// The partitioner's identity, if the RDD is partitioned by key.
    pub fn partitioner_id(&self) -> Option<PartitionerId> {
        self.inner.core().partitioner.as_ref().map(|p| p.id.clone())
    }

    pub(crate) fn partitioner_slot(&self) -> Option<PartitionerSlot> {
        self.inner.core().partitioner.clone()
    }

    /// Partition `split`'s elements: from the block store when the RDD is
    /// persisted and the block is there, else computed (and stored).
    pub fn iterator(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<T>> {
        let persistence = self.inner.core().persistence.lock().unwrap().clone();
        match persistence {
            Some(p) => crate::storage::cache::get_or_compute(self, &p, split, tc),
            None => self.inner.compute(split, tc),
        }
    }

    /// Builds a narrow, per-partition transformation.
    pub(crate) fn pipe<U: Data>(
        &self,
        op: &'static str,
        preserves_partitioning: bool,
        f: impl Fn(usize, &Arc<TaskContext>, BoxIter<T>) -> BoxIter<U> + Send + Sync + 'static,
    ) -> Rdd<U> {
        let slot = if preserves_partitioning {
            self.partitioner_slot()
        } else {
            None
        };
        map_partitions::MapPartitionsRdd::create(self.clone(), op, slot, Arc::new(f))
    }

    /// Applies `f` to every element.
    pub fn map<U: Data>(&self, f: impl Fn(T) -> U + Send + Sync + 'static) -> Rdd<U> {
        let f = Arc::new(f);
        self.pipe("map", false, move |_, _, it| {
            let f = f.clone();
            Box::new(it.map(move |x| f(x)))
        })
    }

    /// Keeps the elements for which `f` is true.
    pub fn filter(&self, f: impl Fn(&T) -> bool + Send + Sync + 'static) -> Rdd<T> {
        let f = Arc::new(f);
        self.pipe("filter", true, move |_, _, it| {
            let f = f.clone();
            Box::new(it.filter(move |x| f(x)))
        })
    }

    /// Maps every element to zero or more elements.
    pub fn flat_map<U: Data, I>(&self, f: impl Fn(T) -> I + Send + Sync + 'static) -> Rdd<U>
    where
        I: IntoIterator<Item = U> + 'static,
        I::IntoIter: Send + 'static,
    {
        let f = Arc::new(f);
        self.pipe("flat_map", false, move |_, _, it| {
            let f = f.clone();
            Box::new(it.flat_map(move |x| f(x)))
        })
    }

    /// Transforms each partition's iterator as a whole.
    pub fn map_partitions<U: Data, I>(
        &self,
        f: impl Fn(BoxIter<T>) -> I + Send + Sync + 'static,
    ) -> Rdd<U>
    where
        I: IntoIterator<Item = U> + 'static,
        I::IntoIter: Send + 'static,
    {
        self.pipe("map_partitions", false, move |_, _, it| {
            Box::new(f(it).into_iter())
        })
    }

    /// Like `map_partitions`, also given the partition index.
    pub fn map_partitions_with_index<U: Data, I>(
        &self,
        f: impl Fn(usize, BoxIter<T>) -> I + Send + Sync + 'static,
    ) -> Rdd<U>
    where
        I: IntoIterator<Item = U> + 'static,
        I::IntoIter: Send + 'static,
    {
        self.pipe("map_partitions_with_index", false, move |i, _, it| {
            Box::new(f(i, it).into_iter())
        })
    }

    /// Like `map_partitions`, given the task's context (metrics, budget,
    /// error reporting). For operators built on the engine.
    pub fn map_partitions_with_context<U: Data>(
        &self,
        preserves_partitioning: bool,
        f: impl Fn(usize, &Arc<TaskContext>, BoxIter<T>) -> BoxIter<U> + Send + Sync + 'static,
    ) -> Rdd<U> {
        self.pipe("map_partitions", preserves_partitioning, f)
    }

    /// Each partition as one vector.
    pub fn glom(&self) -> Rdd<Vec<T>> {
        self.pipe("glom", false, |_, _, it| {
            Box::new(std::iter::once(it.collect()))
        })
    }

    /// Pairs every element with a key computed from it.
    pub fn key_by<K: Data>(&self, f: impl Fn(&T) -> K + Send + Sync + 'static) -> Rdd<(K, T)> {
        let f = Arc::new(f);
        self.pipe("key_by", false, move |_, _, it| {
            let f = f.clone();
            Box::new(it.map(move |x| (f(&x), x)))
        })
    }

    /// A random sample: each element kept with probability `fraction`
    /// (Bernoulli), or, with replacement, repeated a Poisson(`fraction`)
    /// number of times. The same seed gives the same sample.
    pub fn sample(&self, with_replacement: bool, fraction: f64, seed: u64) -> Result<Rdd<T>> {
        if fraction.is_nan() || fraction < 0.0 || (!with_replacement && fraction > 1.0) {
            return Err(crate::RddError::InvalidArgument(format!(
                "sample fraction must be in [0, 1] without replacement and >= 0 with it, got {fraction}"
            )));
        }
        Ok(self.pipe("sample", true, move |index, _, it| {
            let mut rng =
                crate::sample::SplitMix64::new(crate::sample::partition_seed(seed, index));
            if with_replacement {
                Box::new(it.flat_map(move |x| {
                    let n = rng.next_poisson(fraction) as usize;
                    std::iter::repeat_n(x, n)
                }))
            } else {
                Box::new(it.filter(move |_| rng.next_f64() < fraction))
            }
        }))
    }

    /// All elements of this RDD and `other` (duplicates kept).
    pub fn union(&self, other: &Rdd<T>) -> Rdd<T> {
        union::union_of(vec![self.clone(), other.clone()])
    }

    /// Every pair `(a, b)` with `a` from this RDD and `b` from `other`.
    pub fn cartesian<U: Data>(&self, other: &Rdd<U>) -> Rdd<(T, U)> {
        cartesian::CartesianRdd::create(self.clone(), other.clone())
    }

    /// Combines partition `i` of this RDD with partition `i` of `other`.
    /// Both must have the same number of partitions.
    pub fn zip_partitions<U: Data, V: Data>(
        &self,
        other: &Rdd<U>,
        f: impl Fn(&Arc<TaskContext>, BoxIter<T>, BoxIter<U>) -> BoxIter<V> + Send + Sync + 'static,
    ) -> Result<Rdd<V>> {
        zipped::ZippedRdd::create(self.clone(), other.clone(), Arc::new(f))
    }

    /// Fewer partitions without a shuffle: adjacent partitions are merged.
    pub fn coalesce(&self, num_partitions: usize) -> Rdd<T> {
        coalesced::CoalescedRdd::create(self.clone(), num_partitions.max(1))
    }

    /// Caches the RDD in memory (`MEMORY_ONLY`).
    pub fn cache(&self) -> Self
    where
        T: Spill,
    {
        self.persist(StorageLevel::MEMORY_ONLY)
    }

    /// Keeps computed partitions at `level` for later jobs. Evicted
    /// memory-only partitions are recomputed from lineage when needed.
    pub fn persist(&self, level: StorageLevel) -> Self
    where
        T: Spill,
    {
        let mut p = self.inner.core().persistence.lock().unwrap();
        if level == StorageLevel::NONE {
            *p = None;
        } else {
            *p = Some(Persistence::new::<T>(level));
        }
        drop(p);
        self.context()
            .note_persisted(&self.base(), level != StorageLevel::NONE);
        self.clone()
    }

    /// Forgets the persisted partitions and stops persisting.
    pub fn unpersist(&self) -> Self {
        *self.inner.core().persistence.lock().unwrap() = None;
        self.context().note_persisted(&self.base(), false);
        self.context().block_store().remove_rdd(self.id());
        self.clone()
    }

    /// The storage level set by `persist`.
    pub fn storage_level(&self) -> StorageLevel {
        self.inner.core().storage_level()
    }

    /// The lineage, one RDD per line, indented at shuffle boundaries, as
    /// Spark's `toDebugString`.
    pub fn to_debug_string(&self) -> String {
        crate::lineage::debug_string(&self.base())
    }
}

impl<T: Spill> Rdd<T> {
    /// The distinct elements (one shuffle).
    pub fn distinct(&self, num_partitions: Option<usize>) -> Rdd<T>
    where
        T: std::hash::Hash + Eq,
    {
        self.map(|x| (x, ()))
            .reduce_by_key(|_, _| (), num_partitions)
            .keys()
    }

    /// Redistributes elements evenly over `num_partitions` with a shuffle.
    pub fn repartition(&self, num_partitions: usize) -> Rdd<T> {
        let n = num_partitions.max(1);
        let positioned = self.map_partitions_with_index(move |index, it| {
            // Spread each partition's elements round-robin from a starting
            // point that depends on the partition, as Spark does.
            let start = crate::hash::mix64(index as u64) as usize;
            it.enumerate()
                .map(move |(i, x)| (((start + i) % n) as u64, x))
        });
        positioned.partition_by(Arc::new(RoundRobin(n))).values()
    }

    /// Pairs each element with its position (partition order, then order
    /// within the partition). Runs a job now to count the partitions, as
    /// Spark's `zipWithIndex` does.
    pub fn zip_with_index(&self) -> Result<Rdd<(T, u64)>> {
        let counts = self
            .context()
            .run_job(self, None, |_, it| Ok(it.count() as u64))?;
        let mut offsets = Vec::with_capacity(counts.len());
        let mut total = 0u64;
        for c in counts {
            offsets.push(total);
            total += c;
        }
        let offsets = Arc::new(offsets);
        Ok(self.pipe("zip_with_index", false, move |index, _, it| {
            let start = offsets[index];
            Box::new(it.enumerate().map(move |(i, x)| (x, start + i as u64)))
        }))
    }
}

/// Sends position `k` to partition `k mod n`, so `repartition` is even.
struct RoundRobin(usize);

impl crate::partitioner::Partitioner<u64> for RoundRobin {
    fn num_partitions(&self) -> usize {
        self.0
    }
    fn partition_of(&self, key: &u64) -> usize {
        (*key % self.0 as u64) as usize
    }
    fn id(&self) -> PartitionerId {
        crate::partitioner::unique_partitioner_id()
    }
}
