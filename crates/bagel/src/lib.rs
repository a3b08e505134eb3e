//! # bagel — Pregel on RDDs
//!
//! Spark's Bagel: a graph computation is a sequence of supersteps. In each,
//! every vertex receives the messages sent to it in the previous superstep
//! (merged by a combiner before the shuffle), the value of a global
//! aggregator computed over all vertices, and produces its new state and
//! messages for the next superstep. The computation halts when no vertex is
//! active and no message is in flight, or after a maximum number of
//! supersteps.
//!
//! ```text
//!  vertices (K, V) ─┐  partitioned once by key; cached between supersteps
//!                   ├─ cogroup ─► compute(v, msgs, agg, step) ─► (V', [(K, M)])
//!  messages (K, M) ─┘  combined per key, shuffled by the same partitioner
//! ```
//!
//! Vertex state never moves between supersteps: the vertex RDD keeps its
//! partitioner, so only messages are shuffled.

#![deny(unsafe_code)]

/// Ranks or distances per vertex, and the supersteps that computed them.
pub type VertexValues = (Rdd<(u64, f64)>, Vec<SuperstepStats>);

pub mod graph;
pub mod pagerank;
pub mod shortest_paths;

use rdd::{Context, HashPartitioner, Partitioner, Rdd, Result, Spill, StorageLevel};
use std::hash::Hash;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A vertex's state; inactive vertices have voted to halt.
pub trait Vertex: Spill {
    /// False once the vertex votes to halt. A halted vertex is still shown
    /// the messages sent to it and may become active again.
    fn active(&self) -> bool;
}

/// Merges the messages bound for one vertex before they are shuffled.
pub trait Combiner<M, C>: Send + Sync + 'static {
    /// A combiner from the first message.
    fn create(&self, msg: M) -> C;
    /// Adds a message.
    fn merge_msg(&self, combined: C, msg: M) -> C;
    /// Merges two combiners.
    fn merge_combiners(&self, a: C, b: C) -> C;
}

/// Keeps every message: the vertex sees them all.
#[derive(Debug, Clone, Copy, Default)]
pub struct CollectAll;

impl<M: Spill> Combiner<M, Vec<M>> for CollectAll {
    fn create(&self, msg: M) -> Vec<M> {
        vec![msg]
    }
    fn merge_msg(&self, mut c: Vec<M>, msg: M) -> Vec<M> {
        c.push(msg);
        c
    }
    fn merge_combiners(&self, mut a: Vec<M>, b: Vec<M>) -> Vec<M> {
        a.extend(b);
        a
    }
}

/// A global value computed over all vertices before each superstep.
pub trait Aggregator<V, A>: Send + Sync + 'static {
    /// One vertex's contribution.
    fn create(&self, vertex: &V) -> A;
    /// Merges two partial aggregates (associative and commutative).
    fn merge(&self, a: A, b: A) -> A;
}

/// How a Bagel run is laid out.
#[derive(Debug, Clone)]
pub struct BagelConfig {
    /// Partitions of the vertex and message RDDs (the default parallelism
    /// when `None`).
    pub partitions: Option<usize>,
    /// Stop after this many supersteps even if vertices are still active.
    pub max_supersteps: usize,
    /// How the vertex state is kept between supersteps.
    pub storage_level: StorageLevel,
}

impl Default for BagelConfig {
    fn default() -> Self {
        BagelConfig {
            partitions: None,
            max_supersteps: 100,
            storage_level: StorageLevel::MEMORY_AND_DISK,
        }
    }
}

/// What one superstep did.
#[derive(Debug, Clone, PartialEq)]
pub struct SuperstepStats {
    /// 0 for the first superstep.
    pub superstep: usize,
    /// Wall time of the superstep.
    pub duration: Duration,
    /// Messages the superstep sent.
    pub messages: u64,
    /// Vertices still active after it.
    pub active: u64,
}

/// The final vertices and per-superstep statistics.
pub struct BagelResult<K, V> {
    /// Every vertex's final state, partitioned by key and cached.
    pub vertices: Rdd<(K, V)>,
    /// One entry per superstep run.
    pub supersteps: Vec<SuperstepStats>,
}

/// Runs a Pregel computation.
///
/// `compute(vertex, messages, aggregate, superstep)` returns the vertex's new
/// state and the messages it sends as `(target, message)` pairs. Messages to
/// ids with no vertex are dropped. `aggregate` is the aggregator's value over
/// the vertices as they were before this superstep.
#[allow(clippy::too_many_arguments)]
pub fn run<K, V, M, C, A>(
    ctx: &Context,
    vertices: Rdd<(K, V)>,
    messages: Rdd<(K, M)>,
    combiner: impl Combiner<M, C>,
    aggregator: Option<Arc<dyn Aggregator<V, A>>>,
    config: &BagelConfig,
    compute: impl Fn(V, Option<C>, Option<&A>, usize) -> (V, Vec<(K, M)>) + Send + Sync + 'static,
) -> Result<BagelResult<K, V>>
where
    K: Spill + Hash + Eq,
    V: Vertex,
    M: Spill,
    C: Spill,
    A: Spill,
{
    let partitions = config
        .partitions
        .unwrap_or(ctx.default_parallelism())
        .max(1);
    let partitioner: Arc<dyn Partitioner<K>> = Arc::new(HashPartitioner::new(partitions));
    let combiner = Arc::new(combiner);
    let compute = Arc::new(compute);

    let mut verts = vertices
        .partition_by(partitioner.clone())
        .persist(config.storage_level);
    let mut msgs = messages;
    type Processed<K, V, M> = Rdd<(K, (V, Vec<(K, M)>))>;
    let mut previous: Option<Processed<K, V, M>> = None;
    let mut stats = Vec::new();

    for superstep in 0..config.max_supersteps {
        let started = Instant::now();
        let aggregate: Option<Arc<A>> = match &aggregator {
            None => None,
            Some(agg) => {
                let (a1, a2) = (agg.clone(), agg.clone());
                let partial = verts
                    .map(move |(_, v)| a1.create(&v))
                    .reduce(move |x, y| a2.merge(x, y));
                match partial {
                    Ok(value) => Some(Arc::new(value)),
                    Err(rdd::RddError::EmptyCollection(_)) => None,
                    Err(e) => return Err(e),
                }
            }
        };
        let (c1, c2, c3) = (combiner.clone(), combiner.clone(), combiner.clone());
        let combined = msgs.combine_by_key(
            move |m| c1.create(m),
            move |c, m| c2.merge_msg(c, m),
            move |a, b| c3.merge_combiners(a, b),
            Some(partitions),
        );
        let f = compute.clone();
        let agg = aggregate.clone();
        let processed = verts
            .cogroup(&combined, None)
            .flat_map_values(move |(vs, mut cs)| {
                let msg = cs.pop();
                let f = f.clone();
                let agg = agg.clone();
                vs.into_iter()
                    .map(move |v| f(v, msg.clone(), agg.as_deref(), superstep))
                    .collect::<Vec<_>>()
            })
            .persist(config.storage_level);
        let (sent, active) = processed
            .map(|(_, (v, out))| (out.len() as u64, v.active() as u64))
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))?;
        // The new state is materialized; the one before it can go, with
        // the shuffles that built it (recomputed from lineage if a cached
        // partition is ever lost).
        if let Some(old) = previous.take() {
            ctx.release_shuffles(&old);
            old.unpersist();
        }
        verts.unpersist();
        verts = processed.map_values(|(v, _)| v);
        msgs = processed.flat_map(|(_, (_, out))| out);
        previous = Some(processed);
        stats.push(SuperstepStats {
            superstep,
            duration: started.elapsed(),
            messages: sent,
            active,
        });
        if sent == 0 && active == 0 {
            break;
        }
    }
    Ok(BagelResult {
        vertices: verts,
        supersteps: stats,
    })
}
