//! PageRank on Bagel. Each vertex holds its rank and out-edges; each
//! superstep it receives its in-neighbours' rank shares and an aggregate of
//! the rank held by dangling vertices (no out-edges), which is spread evenly
//! so the ranks keep summing to one:
//!
//! `rank' = (1 - d) / N + d * (Σ shares + dangling / N)`
//!
//! The computation stops when the largest change in a superstep is below the
//! tolerance, or after `max_iterations`.

use crate::graph::Edge;
use crate::{Aggregator, BagelConfig, Combiner, Vertex, VertexValues};
use rdd::{Context, Rdd, Result};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A page: its rank, where it links to, and whether it still changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageVertex {
    /// Current rank.
    pub rank: f64,
    /// Out-links (repeated links count repeatedly).
    pub links: Vec<u64>,
    /// Rank change in the last superstep.
    pub delta: f64,
    /// Active until the whole graph has converged.
    pub active: bool,
}

impl Vertex for PageVertex {
    fn active(&self) -> bool {
        self.active
    }
}

struct SumShares;

impl Combiner<f64, f64> for SumShares {
    fn create(&self, msg: f64) -> f64 {
        msg
    }
    fn merge_msg(&self, c: f64, msg: f64) -> f64 {
        c + msg
    }
    fn merge_combiners(&self, a: f64, b: f64) -> f64 {
        a + b
    }
}

/// (rank held by dangling vertices, largest rank change)
struct DanglingAndDelta;

impl Aggregator<PageVertex, (f64, f64)> for DanglingAndDelta {
    fn create(&self, v: &PageVertex) -> (f64, f64) {
        (if v.links.is_empty() { v.rank } else { 0.0 }, v.delta)
    }
    fn merge(&self, a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
        (a.0 + b.0, a.1.max(b.1))
    }
}

/// PageRank settings.
#[derive(Debug, Clone)]
pub struct PageRankConfig {
    /// Probability of following a link (0.85 in the original paper).
    pub damping: f64,
    /// Stop when no rank changes by more than this in one iteration.
    pub tolerance: f64,
    /// Upper bound on rank updates.
    pub max_iterations: usize,
    /// Partitions of the graph.
    pub partitions: Option<usize>,
}

impl Default for PageRankConfig {
    fn default() -> Self {
        PageRankConfig {
            damping: 0.85,
            tolerance: 1e-9,
            max_iterations: 20,
            partitions: None,
        }
    }
}

/// Ranks of every vertex that appears in `edges`, and the supersteps run.
pub fn pagerank(ctx: &Context, edges: &Rdd<Edge>, config: &PageRankConfig) -> Result<VertexValues> {
    let adjacency = edges
        .flat_map(|(s, d, _)| [(s, Some(d)), (d, None)])
        .group_by_key(config.partitions)
        .map_values(|targets| targets.into_iter().flatten().collect::<Vec<u64>>());
    let n = adjacency.count()?;
    if n == 0 {
        return Ok((ctx.parallelize(Vec::new(), Some(1)), Vec::new()));
    }
    let initial = 1.0 / n as f64;
    let vertices = adjacency.map_values(move |links| PageVertex {
        rank: initial,
        links,
        delta: f64::INFINITY,
        active: true,
    });
    let (d, tol, nf) = (config.damping, config.tolerance, n as f64);
    let bagel = BagelConfig {
        partitions: config.partitions,
        // Superstep 0 only sends the initial shares; each later one updates ranks.
        max_supersteps: config.max_iterations + 1,
        ..BagelConfig::default()
    };
    let result = crate::run(
        ctx,
        vertices,
        ctx.parallelize(Vec::<(u64, f64)>::new(), Some(1)),
        SumShares,
        Some(Arc::new(DanglingAndDelta) as Arc<dyn Aggregator<PageVertex, (f64, f64)>>),
        &bagel,
        move |mut v: PageVertex, shares: Option<f64>, agg: Option<&(f64, f64)>, step| {
            let (dangling, max_delta) = agg.copied().unwrap_or((0.0, f64::INFINITY));
            if step > 0 {
                if max_delta < tol {
                    // Converged everywhere: keep the rank, stop sending.
                    v.active = false;
                    v.delta = 0.0;
                    return (v, Vec::new());
                }
                let rank = (1.0 - d) / nf + d * (shares.unwrap_or(0.0) + dangling / nf);
                v.delta = (rank - v.rank).abs();
                v.rank = rank;
            }
            let out = if v.links.is_empty() {
                Vec::new()
            } else {
                let share = v.rank / v.links.len() as f64;
                v.links.iter().map(|&t| (t, share)).collect()
            };
            (v, out)
        },
    )?;
    Ok((result.vertices.map_values(|v| v.rank), result.supersteps))
}

/// The same PageRank, computed sequentially on the driver (for tests and
/// comparisons). Returns `(vertex, rank)` sorted by vertex.
pub fn pagerank_sequential(edges: &[Edge], config: &PageRankConfig) -> Vec<(u64, f64)> {
    use std::collections::BTreeMap;
    let mut links: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for &(s, d, _) in edges {
        links.entry(s).or_default().push(d);
        links.entry(d).or_default();
    }
    let ids: Vec<u64> = links.keys().copied().collect();
    let index: BTreeMap<u64, usize> = ids.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let n = ids.len() as f64;
    let mut rank = vec![1.0 / n; ids.len()];
    for _ in 0..config.max_iterations {
        let mut next = vec![0.0; ids.len()];
        let mut dangling = 0.0;
        for (i, id) in ids.iter().enumerate() {
            let out = &links[id];
            if out.is_empty() {
                dangling += rank[i];
            }
            for t in out {
                next[index[t]] += rank[i] / out.len() as f64;
            }
        }
        let mut max_delta: f64 = 0.0;
        for i in 0..ids.len() {
            let r = (1.0 - config.damping) / n + config.damping * (next[i] + dangling / n);
            max_delta = max_delta.max((r - rank[i]).abs());
            next[i] = r;
        }
        rank = next;
        if max_delta < config.tolerance {
            break;
        }
    }
    ids.into_iter().zip(rank).collect()
}
