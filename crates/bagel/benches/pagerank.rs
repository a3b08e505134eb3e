//! PageRank on a generated power-law graph: time per superstep in local[1]
//! and local[2].
//!
//! cargo bench -p bagel --bench pagerank -- [edges] [supersteps]

use bagel::graph::generate_power_law;
use bagel::pagerank::{pagerank, PageRankConfig};
use rdd::Context;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let edges: u64 = args
        .first()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let supersteps: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let vertices = edges / 10;
    for master in ["local[1]", "local[2]"] {
        let ctx = Context::new(master, "pagerank-bench").unwrap();
        let graph = generate_power_law(&ctx, vertices, edges, 42, 8)
            .unwrap()
            .cache();
        graph.count().unwrap();
        let config = PageRankConfig {
            max_iterations: supersteps - 1,
            tolerance: 0.0,
            partitions: Some(8),
            ..PageRankConfig::default()
        };
        let started = Instant::now();
        let (ranks, steps) = pagerank(&ctx, &graph, &config).unwrap();
        let total = started.elapsed().as_secs_f64();
        let sum: f64 = ranks.values().reduce(|a, b| a + b).unwrap();
        let per: Vec<String> = steps
            .iter()
            .map(|s| format!("{:.2}", s.duration.as_secs_f64()))
            .collect();
        let mean = steps
            .iter()
            .skip(1)
            .map(|s| s.duration.as_secs_f64())
            .sum::<f64>()
            / (steps.len() - 1).max(1) as f64;
        println!(
            "pagerank {master}: {edges} edges, {} supersteps, {total:.2} s total (incl. graph building), mean superstep after the first {mean:.3} s, rank sum {sum:.6}",
            steps.len()
        );
        println!("pagerank {master}: superstep seconds [{}]", per.join(", "));
        ctx.stop();
    }
}
