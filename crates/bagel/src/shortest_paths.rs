//! Single-source shortest paths on Bagel. A vertex that learns a shorter
//! distance passes `distance + weight` along each out-edge; messages are
//! combined by minimum before the shuffle. Every vertex votes to halt each
//! superstep, so the run ends when no distance improves.

use crate::graph::Edge;
use crate::{BagelConfig, Combiner, Vertex, VertexValues};
use rdd::{Context, Rdd, Result};
use serde::{Deserialize, Serialize};

/// A vertex's best known distance and its weighted out-edges.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PathVertex {
    /// `f64::INFINITY` until reached.
    pub distance: f64,
    /// (target, weight) pairs.
    pub edges: Vec<(u64, f64)>,
}

impl Vertex for PathVertex {
    fn active(&self) -> bool {
        false
    }
}

struct MinDistance;

impl Combiner<f64, f64> for MinDistance {
    fn create(&self, msg: f64) -> f64 {
        msg
    }
    fn merge_msg(&self, c: f64, msg: f64) -> f64 {
        c.min(msg)
    }
    fn merge_combiners(&self, a: f64, b: f64) -> f64 {
        a.min(b)
    }
}

/// Distance from `source` to every vertex of `edges` (`INFINITY` when
/// unreachable). Negative weights are not supported.
pub fn shortest_paths(
    ctx: &Context,
    edges: &Rdd<Edge>,
    source: u64,
    partitions: Option<usize>,
    max_supersteps: usize,
) -> Result<VertexValues> {
    if edges.filter(|e| e.2 < 0.0).count()? > 0 {
        return Err(rdd::RddError::InvalidArgument(
            "shortest paths need non-negative edge weights".into(),
        ));
    }
    let vertices = edges
        .flat_map(|(s, d, w)| [(s, Some((d, w))), (d, None)])
        .group_by_key(partitions)
        .map_values(|out| PathVertex {
            distance: f64::INFINITY,
            edges: out.into_iter().flatten().collect(),
        });
    let start = ctx.parallelize(vec![(source, 0.0f64)], Some(1));
    let config = BagelConfig {
        partitions,
        max_supersteps,
        ..BagelConfig::default()
    };
    let result = crate::run(
        ctx,
        vertices,
        start,
        MinDistance,
        None::<std::sync::Arc<dyn crate::Aggregator<PathVertex, u8>>>,
        &config,
        |mut v: PathVertex, best: Option<f64>, _: Option<&u8>, _| match best {
            Some(d) if d < v.distance => {
                v.distance = d;
                let out = v.edges.iter().map(|&(t, w)| (t, d + w)).collect();
                (v, out)
            }
            _ => (v, Vec::new()),
        },
    )?;
    Ok((
        result.vertices.map_values(|v| v.distance),
        result.supersteps,
    ))
}

/// Dijkstra's algorithm on the driver, for tests and comparisons.
pub fn dijkstra(edges: &[Edge], source: u64) -> Vec<(u64, f64)> {
    use std::cmp::Reverse;
    use std::collections::{BTreeMap, BinaryHeap};
    let mut adj: BTreeMap<u64, Vec<(u64, f64)>> = BTreeMap::new();
    for &(s, d, w) in edges {
        adj.entry(s).or_default().push((d, w));
        adj.entry(d).or_default();
    }
    let mut dist: BTreeMap<u64, f64> = adj.keys().map(|&k| (k, f64::INFINITY)).collect();
    if !dist.contains_key(&source) {
        return dist.into_iter().collect();
    }
    // Distances are non-negative, so their bit patterns order like the values.
    let mut heap = BinaryHeap::new();
    dist.insert(source, 0.0);
    heap.push(Reverse((0.0f64.to_bits(), source)));
    while let Some(Reverse((bits, u))) = heap.pop() {
        let d = f64::from_bits(bits);
        if d > dist[&u] {
            continue;
        }
        for &(v, w) in &adj[&u] {
            let nd = d + w;
            if nd < dist[&v] {
                dist.insert(v, nd);
                heap.push(Reverse((nd.to_bits(), v)));
            }
        }
    }
    dist.into_iter().collect()
}
