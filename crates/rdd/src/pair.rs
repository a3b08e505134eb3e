//! Operations on RDDs of key-value pairs (Spark's PairRDDFunctions):
//! aggregation by key, grouping, joins and co-grouping.
//!
//! Every shuffling operation goes through `combine`: values are combined per
//! key on the map side when that shrinks the data, shuffled by a partitioner,
//! and merged on the reduce side in a hash map that spills past the task's
//! memory budget. An input already partitioned by the target partitioner is
//! not shuffled at all.

use crate::codec::Spill;
use crate::error::Result;
use crate::hash::TaskHashMap;
use crate::partitioner::{HashPartitioner, Partitioner, PartitionerSlot};
use crate::rdd::co_partitioned::CoPartitionedRdd;
use crate::rdd::shuffled::ShuffledRdd;
use crate::rdd::{BoxIter, Data, Rdd};
use crate::scheduler::task::TaskContext;
use crate::shuffle::external_map::{ExternalMap, Growth, MergeFn};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// Keys of shuffled pair RDDs: hashable, comparable, and able to leave memory.
pub trait Key: Spill + Hash + Eq {}
impl<T: Spill + Hash + Eq> Key for T {}

type CreateFn<V, C> = Arc<dyn Fn(V) -> C + Send + Sync>;
type MergeValueFn<C, V> = Arc<dyn Fn(C, V) -> C + Send + Sync>;

/// A value tagged with the input it came from, for co-grouping.
#[derive(Clone, Serialize, Deserialize)]
enum Tagged<A, B, C> {
    A(A),
    B(B),
    C(C),
}

impl<K: Data, V: Data> Rdd<(K, V)> {
    /// Applies `f` to every value; keeps keys and the partitioner.
    pub fn map_values<U: Data>(&self, f: impl Fn(V) -> U + Send + Sync + 'static) -> Rdd<(K, U)> {
        let f = Arc::new(f);
        self.pipe("map_values", true, move |_, _, it| {
            let f = f.clone();
            Box::new(it.map(move |(k, v)| (k, f(v))))
        })
    }

    /// Maps every value to zero or more values; keeps the partitioner.
    pub fn flat_map_values<U: Data, I>(
        &self,
        f: impl Fn(V) -> I + Send + Sync + 'static,
    ) -> Rdd<(K, U)>
    where
        I: IntoIterator<Item = U> + 'static,
        I::IntoIter: Send + 'static,
    {
        let f = Arc::new(f);
        self.pipe("flat_map_values", true, move |_, _, it| {
            let f = f.clone();
            Box::new(it.flat_map(move |(k, v)| f(v).into_iter().map(move |u| (k.clone(), u))))
        })
    }

    /// The keys.
    pub fn keys(&self) -> Rdd<K> {
        self.pipe("keys", false, |_, _, it| Box::new(it.map(|(k, _)| k)))
    }

    /// The values.
    pub fn values(&self) -> Rdd<V> {
        self.pipe("values", false, |_, _, it| Box::new(it.map(|(_, v)| v)))
    }
}

impl<K: Key, V: Spill> Rdd<(K, V)> {
    /// Moves every pair to the partition `partitioner` gives its key. A no-op
    /// when the RDD is already partitioned that way.
    pub fn partition_by(&self, partitioner: Arc<dyn Partitioner<K>>) -> Rdd<(K, V)> {
        if self.partitioner_id() == Some(partitioner.id()) {
            return self.clone();
        }
        ShuffledRdd::create(self.clone(), partitioner, "partition_by")
    }

    /// Like `partition_by`, but always a new shuffle, returned as a handle
    /// the driver can run on its own and re-read in other shapes (adaptive
    /// query execution).
    pub fn shuffle(&self, partitioner: Arc<dyn Partitioner<K>>) -> crate::Shuffle<K, V> {
        ShuffledRdd::handle(self.clone(), partitioner, "partition_by", None)
    }

    /// Like `shuffle`, for records whose memory `record_size` tells: map
    /// outputs that fit the shuffle memory are handed to the reduce tasks
    /// as records, neither encoded nor compressed (they are encoded, and
    /// spill, past the task's budget).
    pub fn shuffle_sized(
        &self,
        partitioner: Arc<dyn Partitioner<K>>,
        record_size: crate::shuffle::dependency::RecordSize<K, V>,
    ) -> crate::Shuffle<K, V> {
        ShuffledRdd::handle(self.clone(), partitioner, "partition_by", Some(record_size))
    }

    /// The partitioner a single-input shuffle uses: `num_partitions` hash
    /// partitions when given, else the RDD's own partitioner, else hash
    /// partitioning into `shark.default.parallelism` if set, or as many
    /// partitions as the input has.
    pub(crate) fn default_partitioner(
        &self,
        num_partitions: Option<usize>,
    ) -> Arc<dyn Partitioner<K>> {
        default_partitioner(
            &[(self.partitioner_slot(), self.num_partitions())],
            num_partitions,
            self.context(),
        )
    }

    /// Spark's `combineByKey`: turns each key's values into one combiner `C`.
    pub fn combine_by_key<C: Spill>(
        &self,
        create: impl Fn(V) -> C + Send + Sync + 'static,
        merge_value: impl Fn(C, V) -> C + Send + Sync + 'static,
        merge_combiners: impl Fn(C, C) -> C + Send + Sync + 'static,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, C)> {
        let p = self.default_partitioner(num_partitions);
        self.combine(
            Arc::new(create),
            Arc::new(merge_value),
            Arc::new(merge_combiners),
            p,
            true,
            Growth::PerValue,
            "combine_by_key",
        )
    }

    /// Merges each key's values with `f` (associative and commutative),
    /// combining on the map side first.
    pub fn reduce_by_key(
        &self,
        f: impl Fn(V, V) -> V + Send + Sync + 'static,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, V)> {
        let f = Arc::new(f);
        let p = self.default_partitioner(num_partitions);
        let (f1, f2) = (f.clone(), f.clone());
        self.combine(
            Arc::new(|v| v),
            Arc::new(move |a, b| f1(a, b)),
            Arc::new(move |a, b| f2(a, b)),
            p,
            true,
            Growth::PerKey,
            "reduce_by_key",
        )
    }

    /// Folds each key's values from `zero` with `f`.
    pub fn fold_by_key(
        &self,
        zero: V,
        f: impl Fn(V, V) -> V + Send + Sync + 'static,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, V)> {
        let f = Arc::new(f);
        let p = self.default_partitioner(num_partitions);
        let (f0, f1, f2) = (f.clone(), f.clone(), f);
        self.combine(
            Arc::new(move |v| f0(zero.clone(), v)),
            Arc::new(move |a, b| f1(a, b)),
            Arc::new(move |a, b| f2(a, b)),
            p,
            true,
            Growth::PerKey,
            "fold_by_key",
        )
    }

    /// Aggregates each key's values into a `U`: `seq` adds a value to a
    /// partial result started from `zero`, `comb` merges partial results.
    pub fn aggregate_by_key<U: Spill>(
        &self,
        zero: U,
        seq: impl Fn(U, V) -> U + Send + Sync + 'static,
        comb: impl Fn(U, U) -> U + Send + Sync + 'static,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, U)> {
        let seq = Arc::new(seq);
        let p = self.default_partitioner(num_partitions);
        let s0 = seq.clone();
        self.combine(
            Arc::new(move |v| s0(zero.clone(), v)),
            Arc::new(move |u, v| seq(u, v)),
            Arc::new(comb),
            p,
            true,
            Growth::PerValue,
            "aggregate_by_key",
        )
    }

    /// Each key with all its values. No map-side combine (it would not
    /// shrink the data); the reduce side spills past its budget.
    pub fn group_by_key(&self, num_partitions: Option<usize>) -> Rdd<(K, Vec<V>)> {
        let p = self.default_partitioner(num_partitions);
        self.combine(
            Arc::new(|v| vec![v]),
            Arc::new(|mut c: Vec<V>, v| {
                c.push(v);
                c
            }),
            Arc::new(|mut a: Vec<V>, b: Vec<V>| {
                a.extend(b);
                a
            }),
            p,
            false,
            Growth::PerValue,
            "group_by_key",
        )
    }

    /// How many pairs each key has.
    pub fn count_by_key(&self) -> Result<HashMap<K, u64>> {
        Ok(self
            .map_values(|_| 1u64)
            .reduce_by_key(|a, b| a + b, None)
            .collect()?
            .into_iter()
            .collect())
    }

    /// The values of `key`. Scans only the key's partition when the RDD's
    /// partitioner is known.
    pub fn lookup(&self, key: &K) -> Result<Vec<V>> {
        let target = key.clone();
        let typed = self.partitioner_slot().and_then(|s| s.typed::<K>());
        let parts = typed.map(|p| vec![p.partition_of(key)]);
        let found = self
            .context()
            .run_job(self, parts.as_deref(), move |_, it| {
                Ok(it
                    .filter(|(k, _)| *k == target)
                    .map(|(_, v)| v)
                    .collect::<Vec<V>>())
            })?;
        Ok(found.into_iter().flatten().collect())
    }

    /// For each key in either RDD, its values in this RDD and in `other`.
    pub fn cogroup<W: Spill>(
        &self,
        other: &Rdd<(K, W)>,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, (Vec<V>, Vec<W>))> {
        let none: Option<&Rdd<(K, ())>> = None;
        cogroup3(self, other, none, num_partitions).map_values(|(a, b, _)| (a, b))
    }

    /// For each key in any of the three RDDs, its values in each (Spark's `groupWith`).
    pub fn cogroup3<W: Spill, X: Spill>(
        &self,
        other1: &Rdd<(K, W)>,
        other2: &Rdd<(K, X)>,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, (Vec<V>, Vec<W>, Vec<X>))> {
        cogroup3(self, other1, Some(other2), num_partitions)
    }

    /// Pairs of values for keys present in both RDDs.
    pub fn join<W: Spill>(
        &self,
        other: &Rdd<(K, W)>,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, (V, W))> {
        self.cogroup(other, num_partitions)
            .flat_map_values(|(vs, ws)| product(vs, ws))
    }

    /// Every pair of this RDD, with `other`'s matching values or `None`.
    pub fn left_outer_join<W: Spill>(
        &self,
        other: &Rdd<(K, W)>,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, (V, Option<W>))> {
        self.cogroup(other, num_partitions)
            .flat_map_values(|(vs, ws)| {
                let ws: Vec<Option<W>> = if ws.is_empty() {
                    vec![None]
                } else {
                    ws.into_iter().map(Some).collect()
                };
                product(vs, ws)
            })
    }

    /// Every pair of `other`, with this RDD's matching values or `None`.
    pub fn right_outer_join<W: Spill>(
        &self,
        other: &Rdd<(K, W)>,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, (Option<V>, W))> {
        self.cogroup(other, num_partitions)
            .flat_map_values(|(vs, ws)| {
                let vs: Vec<Option<V>> = if vs.is_empty() {
                    vec![None]
                } else {
                    vs.into_iter().map(Some).collect()
                };
                product(vs, ws)
            })
    }

    /// Every pair of both RDDs, matched where keys agree.
    pub fn full_outer_join<W: Spill>(
        &self,
        other: &Rdd<(K, W)>,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, (Option<V>, Option<W>))> {
        self.cogroup(other, num_partitions)
            .flat_map_values(|(vs, ws)| {
                let vs: Vec<Option<V>> = if vs.is_empty() {
                    vec![None]
                } else {
                    vs.into_iter().map(Some).collect()
                };
                let ws: Vec<Option<W>> = if ws.is_empty() {
                    vec![None]
                } else {
                    ws.into_iter().map(Some).collect()
                };
                product(vs, ws)
            })
    }

    /// The pairs whose key does not occur in `other`.
    pub fn subtract_by_key<W: Spill>(
        &self,
        other: &Rdd<(K, W)>,
        num_partitions: Option<usize>,
    ) -> Rdd<(K, V)> {
        let n = num_partitions.or(Some(self.num_partitions()));
        let n = if self.partitioner_slot().is_some() && num_partitions.is_none() {
            None
        } else {
            n
        };
        self.cogroup(other, n)
            .flat_map_values(|(vs, ws)| if ws.is_empty() { vs } else { Vec::new() })
    }

    /// The shuffle behind every by-key aggregation.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn combine<C: Spill>(
        &self,
        create: CreateFn<V, C>,
        merge_value: MergeValueFn<C, V>,
        merge_combiners: MergeFn<C>,
        partitioner: Arc<dyn Partitioner<K>>,
        map_side_combine: bool,
        growth: Growth,
        op: &'static str,
    ) -> Rdd<(K, C)> {
        if self.partitioner_id() == Some(partitioner.id()) {
            // Already partitioned by key: aggregate in place, no shuffle.
            let mc = merge_combiners;
            return self.pipe(op, true, move |_, tc, it| {
                aggregate(it, tc, mc.clone(), growth, &*create, &*merge_value)
            });
        }
        if map_side_combine {
            let (c1, m1) = (create.clone(), merge_value.clone());
            let local = self.pipe("combine_locally", false, move |_, tc, it| {
                Box::new(PartialCombine::new(it, tc, c1.clone(), m1.clone(), growth))
            });
            let shuffled = ShuffledRdd::create(local, partitioner, op);
            let mc = merge_combiners;
            shuffled.pipe(op, true, move |_, tc, it| {
                let m = mc.clone();
                aggregate(it, tc, mc.clone(), Growth::PerKey, &|c| c, &*m)
            })
        } else {
            let shuffled = ShuffledRdd::create(self.clone(), partitioner, op);
            let mc = merge_combiners;
            shuffled.pipe(op, true, move |_, tc, it| {
                aggregate(it, tc, mc.clone(), growth, &*create, &*merge_value)
            })
        }
    }
}

/// Feeds a partition into an external map and streams out the combined pairs.
fn aggregate<K: Key, V: Spill, C: Spill>(
    it: BoxIter<(K, V)>,
    tc: &Arc<TaskContext>,
    merge_combiners: MergeFn<C>,
    growth: Growth,
    create: &dyn Fn(V) -> C,
    merge_value: &dyn Fn(C, V) -> C,
) -> BoxIter<(K, C)> {
    let mut map = ExternalMap::new(tc, merge_combiners, growth);
    for (k, v) in it {
        if let Err(e) = map.insert(k, v, create, merge_value) {
            tc.fail(e);
            return Box::new(std::iter::empty());
        }
    }
    match map.into_iter() {
        Ok(it) => it,
        Err(e) => {
            tc.fail(e);
            Box::new(std::iter::empty())
        }
    }
}

/// Map-side combining that never spills: when its map outgrows the task's
/// budget it emits what it has and starts over (the reduce side merges).
struct PartialCombine<K, V, C> {
    input: BoxIter<(K, V)>,
    map: TaskHashMap<K, Option<C>>,
    ready: std::collections::hash_map::IntoIter<K, Option<C>>,
    create: CreateFn<V, C>,
    merge: MergeValueFn<C, V>,
    growth: Growth,
    budget: usize,
    tc: Arc<TaskContext>,
    avg: usize,
    inserted: usize,
    done: bool,
}

impl<K: Key, V: Spill, C: Spill> PartialCombine<K, V, C> {
    fn new(
        input: BoxIter<(K, V)>,
        tc: &Arc<TaskContext>,
        create: CreateFn<V, C>,
        merge: MergeValueFn<C, V>,
        growth: Growth,
    ) -> Self {
        PartialCombine {
            input,
            map: TaskHashMap::default(),
            ready: TaskHashMap::default().into_iter(),
            create,
            merge,
            growth,
            budget: tc.execution_budget(),
            tc: tc.clone(),
            avg: 0,
            inserted: 0,
            done: false,
        }
    }

    fn fill(&mut self) {
        let mut scratch = Vec::new();
        self.inserted = 0;
        for (k, v) in self.input.by_ref() {
            if self.inserted.is_multiple_of(64) {
                let s = crate::codec::estimate_size(&(&k, &v), &mut scratch) + 48;
                self.avg = if self.avg == 0 {
                    s
                } else {
                    (self.avg * 7 + s) / 8
                };
            }
            self.inserted += 1;
            let slot = self.map.entry(k).or_insert(None);
            *slot = Some(match slot.take() {
                None => (self.create)(v),
                Some(c) => (self.merge)(c, v),
            });
            if self.inserted.is_multiple_of(256) {
                let units = match self.growth {
                    Growth::PerKey => self.map.len(),
                    Growth::PerValue => self.inserted,
                };
                let bytes = units * self.avg;
                self.tc.metrics.note_memory(bytes as u64);
                if bytes > self.budget {
                    return;
                }
            }
        }
        self.done = true;
    }
}

impl<K: Key, V: Spill, C: Spill> Iterator for PartialCombine<K, V, C> {
    type Item = (K, C);
    fn next(&mut self) -> Option<(K, C)> {
        loop {
            if let Some((k, c)) = self.ready.next() {
                return Some((k, c.expect("combiner present")));
            }
            if self.done {
                return None;
            }
            self.fill();
            self.ready = std::mem::take(&mut self.map).into_iter();
        }
    }
}

fn product<A: Clone + Send + Sync + 'static, B: Clone + Send + Sync + 'static>(
    left: Vec<A>,
    right: Vec<B>,
) -> Vec<(A, B)> {
    let mut out = Vec::with_capacity(left.len() * right.len());
    for a in &left {
        for b in &right {
            out.push((a.clone(), b.clone()));
        }
    }
    out
}

/// Spark's defaultPartitioner for operations over several RDDs.
pub(crate) fn default_partitioner<K: Key>(
    inputs: &[(Option<PartitionerSlot>, usize)],
    num_partitions: Option<usize>,
    ctx: &crate::Context,
) -> Arc<dyn Partitioner<K>> {
    if let Some(n) = num_partitions {
        return Arc::new(HashPartitioner::new(n));
    }
    let existing = inputs
        .iter()
        .filter_map(|(slot, _)| slot.as_ref())
        .filter_map(|s| s.typed::<K>())
        .max_by_key(|p| p.num_partitions());
    if let Some(p) = existing {
        return p;
    }
    let n = match ctx.conf().get(crate::conf::DEFAULT_PARALLELISM) {
        Some(_) => ctx.default_parallelism(),
        None => inputs.iter().map(|(_, n)| *n).max().unwrap_or(1),
    };
    Arc::new(HashPartitioner::new(n))
}

fn cogroup3<K: Key, V: Spill, W: Spill, X: Spill>(
    a: &Rdd<(K, V)>,
    b: &Rdd<(K, W)>,
    c: Option<&Rdd<(K, X)>>,
    num_partitions: Option<usize>,
) -> Rdd<(K, (Vec<V>, Vec<W>, Vec<X>))> {
    let mut inputs = vec![
        (a.partitioner_slot(), a.num_partitions()),
        (b.partitioner_slot(), b.num_partitions()),
    ];
    if let Some(c) = c {
        inputs.push((c.partitioner_slot(), c.num_partitions()));
    }
    let p = default_partitioner::<K>(&inputs, num_partitions, a.context());
    let mut tagged: Vec<Rdd<(K, Tagged<V, W, X>)>> = vec![
        a.map_values(Tagged::A).partition_by(p.clone()),
        b.map_values(Tagged::B).partition_by(p.clone()),
    ];
    if let Some(c) = c {
        tagged.push(c.map_values(Tagged::C).partition_by(p.clone()));
    }
    let together = CoPartitionedRdd::create(tagged, PartitionerSlot::new(p), "cogroup");
    type Groups<V, W, X> = (Vec<V>, Vec<W>, Vec<X>);
    let merge: MergeFn<Groups<V, W, X>> = Arc::new(|mut x, y| {
        x.0.extend(y.0);
        x.1.extend(y.1);
        x.2.extend(y.2);
        x
    });
    fn add<V, W, X>(mut g: Groups<V, W, X>, t: Tagged<V, W, X>) -> Groups<V, W, X> {
        match t {
            Tagged::A(v) => g.0.push(v),
            Tagged::B(w) => g.1.push(w),
            Tagged::C(x) => g.2.push(x),
        }
        g
    }
    together.pipe("cogroup", true, move |_, tc, it| {
        aggregate(
            it,
            tc,
            merge.clone(),
            Growth::PerValue,
            &|t| add((Vec::new(), Vec::new(), Vec::new()), t),
            &add,
        )
    })
}
