//! Bagel against sequential PageRank and Dijkstra, on small graphs with
//! disconnected components, dangling vertices and self loops.

use bagel::graph::{generate_power_law, load_edge_list, Edge};
use bagel::pagerank::{pagerank, pagerank_sequential, PageRankConfig};
use bagel::shortest_paths::{dijkstra, shortest_paths};
use bagel::{run, BagelConfig, CollectAll, Vertex};
use rdd::Context;

fn graphs() -> Vec<(&'static str, Vec<Edge>)> {
    let e = |v: &[(u64, u64)]| v.iter().map(|&(s, d)| (s, d, 1.0)).collect::<Vec<_>>();
    vec![
        ("cycle", e(&[(1, 2), (2, 3), (3, 1)])),
        (
            "star with dangling leaves",
            e(&[(0, 1), (0, 2), (0, 3), (0, 4)]),
        ),
        (
            "two components",
            e(&[(1, 2), (2, 1), (10, 11), (11, 12), (12, 10), (12, 13)]),
        ),
        ("self loops", e(&[(1, 1), (1, 2), (2, 2), (2, 3)])),
        ("chain", e(&[(1, 2), (2, 3), (3, 4), (4, 5)])),
        (
            "weighted",
            vec![
                (1, 2, 7.0),
                (1, 3, 9.0),
                (1, 6, 14.0),
                (2, 3, 10.0),
                (2, 4, 15.0),
                (3, 4, 11.0),
                (3, 6, 2.0),
                (4, 5, 6.0),
                (5, 6, 9.0),
                (6, 5, 9.0),
            ],
        ),
    ]
}

fn assert_close(got: &[(u64, f64)], want: &[(u64, f64)], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.0, w.0, "{what}");
        let ok = (g.1.is_infinite() && w.1.is_infinite()) || (g.1 - w.1).abs() < 1e-9;
        assert!(ok, "{what}: vertex {} got {} want {}", g.0, g.1, w.1);
    }
}

#[test]
fn pagerank_matches_the_sequential_computation() {
    for master in ["local", "local[2]", "local[4]"] {
        let ctx = Context::new(master, "pr").unwrap();
        for (name, edges) in graphs() {
            let config = PageRankConfig {
                max_iterations: 30,
                tolerance: 1e-12,
                partitions: Some(3),
                ..PageRankConfig::default()
            };
            let (ranks, steps) =
                pagerank(&ctx, &ctx.parallelize(edges.clone(), Some(2)), &config).unwrap();
            let mut got = ranks.collect().unwrap();
            got.sort_by_key(|p| p.0);
            assert_close(&got, &pagerank_sequential(&edges, &config), name);
            let total: f64 = got.iter().map(|p| p.1).sum();
            assert!((total - 1.0).abs() < 1e-9, "{name}: ranks sum to {total}");
            assert!(steps.len() <= 32, "{name}");
        }
    }
}

#[test]
fn pagerank_stops_at_convergence() {
    let ctx = Context::new("local[2]", "converge").unwrap();
    let edges: Vec<Edge> = vec![(1, 2, 1.0), (2, 1, 1.0)];
    let config = PageRankConfig {
        max_iterations: 50,
        tolerance: 1e-6,
        ..PageRankConfig::default()
    };
    let (_, steps) = pagerank(&ctx, &ctx.parallelize(edges, None), &config).unwrap();
    // A symmetric pair is at its fixed point after the first update.
    assert!(steps.len() < 6, "{} supersteps", steps.len());
    assert_eq!(steps.last().unwrap().messages, 0);
    assert_eq!(steps.last().unwrap().active, 0);
}

#[test]
fn pagerank_on_a_generated_graph_matches() {
    let ctx = Context::new("local[2]", "gen").unwrap();
    let graph = generate_power_law(&ctx, 300, 2000, 5, 3).unwrap();
    let edges = graph.collect().unwrap();
    assert_eq!(edges.len(), 2000);
    assert_eq!(
        generate_power_law(&ctx, 300, 2000, 5, 3)
            .unwrap()
            .collect()
            .unwrap(),
        edges
    );
    let config = PageRankConfig {
        max_iterations: 15,
        tolerance: 0.0,
        partitions: Some(4),
        ..PageRankConfig::default()
    };
    let (ranks, _) = pagerank(&ctx, &graph, &config).unwrap();
    let mut got = ranks.collect().unwrap();
    got.sort_by_key(|p| p.0);
    assert_close(&got, &pagerank_sequential(&edges, &config), "generated");
}

#[test]
fn shortest_paths_match_dijkstra() {
    for master in ["local", "local[3]"] {
        let ctx = Context::new(master, "sssp").unwrap();
        for (name, edges) in graphs() {
            for &source in &[1u64, 10, 0] {
                let (dist, _) = shortest_paths(
                    &ctx,
                    &ctx.parallelize(edges.clone(), Some(2)),
                    source,
                    Some(3),
                    100,
                )
                .unwrap();
                let mut got = dist.collect().unwrap();
                got.sort_by_key(|p| p.0);
                assert_close(
                    &got,
                    &dijkstra(&edges, source),
                    &format!("{name} from {source}"),
                );
            }
        }
        let random = generate_power_law(&ctx, 500, 3000, 9, 4).unwrap();
        let edges = random.collect().unwrap();
        let (dist, steps) = shortest_paths(&ctx, &random, edges[0].0, Some(4), 1000).unwrap();
        let mut got = dist.collect().unwrap();
        got.sort_by_key(|p| p.0);
        assert_close(&got, &dijkstra(&edges, edges[0].0), "power law");
        assert_eq!(steps.last().unwrap().messages, 0);
    }
}

#[test]
fn negative_weights_are_refused() {
    let ctx = Context::new("local", "neg").unwrap();
    let err = shortest_paths(
        &ctx,
        &ctx.parallelize(vec![(1, 2, -1.0)], None),
        1,
        None,
        10,
    );
    assert!(err.is_err());
}

#[test]
fn edge_lists_load_with_comments_and_weights() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.txt");
    std::fs::write(&path, "# a comment\n1 2\n\n2\t3\t0.5\n% another\n3,1\n").unwrap();
    let ctx = Context::new("local[2]", "load").unwrap();
    let mut edges = load_edge_list(&ctx, path.to_str().unwrap(), Some(2))
        .collect()
        .unwrap();
    edges.sort_by_key(|e| e.0);
    assert_eq!(edges, vec![(1, 2, 1.0), (2, 3, 0.5), (3, 1, 1.0)]);
    std::fs::write(&path, "1 2\nnot an edge\n").unwrap();
    let err = load_edge_list(&ctx, path.to_str().unwrap(), None)
        .count()
        .unwrap_err();
    assert!(err.to_string().contains("not an edge"), "{err}");
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Counter {
    seen: usize,
    active: bool,
}
impl Vertex for Counter {
    fn active(&self) -> bool {
        self.active
    }
}

#[test]
fn halting_and_max_supersteps() {
    let ctx = Context::new("local[2]", "halt").unwrap();
    let vertices = ctx.parallelize(
        (0..10u64)
            .map(|i| {
                (
                    i,
                    Counter {
                        seen: 0,
                        active: true,
                    },
                )
            })
            .collect(),
        Some(2),
    );
    // Each vertex pings its successor until superstep 3, then halts.
    let result = run(
        &ctx,
        vertices.clone(),
        ctx.parallelize(Vec::<(u64, u32)>::new(), None),
        CollectAll,
        None::<std::sync::Arc<dyn bagel::Aggregator<Counter, u8>>>,
        &BagelConfig::default(),
        |mut v: Counter, msgs: Option<Vec<u32>>, _: Option<&u8>, step| {
            v.seen += msgs.map(|m| m.len()).unwrap_or(0);
            v.active = step < 3;
            let out = if step < 3 {
                vec![(((step as u64) + 1) % 10, 1u32)]
            } else {
                vec![]
            };
            (v, out)
        },
    )
    .unwrap();
    assert_eq!(result.supersteps.len(), 4);
    // Messages to missing vertices vanish; every vertex's state survives.
    assert_eq!(result.vertices.count().unwrap(), 10);
    let seen: usize = result
        .vertices
        .map(|(_, v)| v.seen)
        .reduce(|a, b| a + b)
        .unwrap();
    assert_eq!(seen, 10 * 3);
    let capped = run(
        &ctx,
        vertices,
        ctx.parallelize(Vec::<(u64, u32)>::new(), None),
        CollectAll,
        None::<std::sync::Arc<dyn bagel::Aggregator<Counter, u8>>>,
        &BagelConfig {
            max_supersteps: 2,
            ..BagelConfig::default()
        },
        |v: Counter, _: Option<Vec<u32>>, _: Option<&u8>, _| (v, vec![(0u64, 1u32)]),
    )
    .unwrap();
    assert_eq!(capped.supersteps.len(), 2);
}

#[test]
fn the_vertex_rdd_is_not_reshuffled_between_supersteps() {
    let ctx = Context::new("local[2]", "copart").unwrap();
    let edges: Vec<Edge> = (0..50).map(|i| (i, (i * 7) % 50, 1.0)).collect();
    let config = PageRankConfig {
        max_iterations: 5,
        tolerance: 0.0,
        partitions: Some(4),
        ..PageRankConfig::default()
    };
    let (ranks, steps) = pagerank(&ctx, &ctx.parallelize(edges, Some(2)), &config).unwrap();
    assert_eq!(steps.len(), 6);
    // Final ranks keep the graph's partitioner: no shuffle was needed to
    // line vertices up with their messages.
    assert!(ranks.partitioner_id().is_some());
}

#[test]
fn old_supersteps_release_their_shuffles() {
    let ctx = Context::new("local[2]", "release").unwrap();
    let (_, edges) = graphs().into_iter().next().unwrap();
    let config = PageRankConfig {
        max_iterations: 25,
        tolerance: 0.0,
        partitions: Some(3),
        ..PageRankConfig::default()
    };
    let (ranks, steps) = pagerank(&ctx, &ctx.parallelize(edges.clone(), Some(2)), &config).unwrap();
    assert!(steps.len() >= 20, "{}", steps.len());
    let (shuffles, _) = ctx.shuffle_stats();
    assert!(
        shuffles <= 6,
        "{shuffles} shuffles kept after {} supersteps",
        steps.len()
    );
    // The answer is still right, and still computable from what is kept.
    let mut got = ranks.collect().unwrap();
    got.sort_by_key(|p| p.0);
    assert_close(&got, &pagerank_sequential(&edges, &config), "released");
}
