//! Single-source shortest paths over an edge-list file (`src dst weight`),
//! or over a generated power-law graph.
//!
//! cargo run --release -p bagel --example shortest_paths -- [--edges FILE | --generate EDGES]
//!     [--source 0] [--master local[2]] [--show 10]

use bagel::graph::{generate_power_law, load_edge_list};
use bagel::shortest_paths::shortest_paths;
use rdd::Context;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    for flag in args.iter().filter(|a| a.starts_with("--")) {
        if !["--edges", "--generate", "--source", "--master", "--show"].contains(&flag.as_str()) {
            return Err(format!("unknown option {flag}").into());
        }
    }
    let master = get("--master").unwrap_or_else(|| "local[2]".into());
    let source: u64 = get("--source").map(|s| s.parse()).transpose()?.unwrap_or(0);
    let show: usize = get("--show").map(|s| s.parse()).transpose()?.unwrap_or(10);
    let ctx = Context::new(&master, "ShortestPaths")?;
    let edges = match get("--edges") {
        Some(path) => load_edge_list(&ctx, &path, None),
        None => {
            let n: u64 = get("--generate")
                .map(|s| s.parse())
                .transpose()?
                .unwrap_or(100_000);
            generate_power_law(&ctx, n / 10 + 1, n, 7, ctx.default_parallelism() * 2)?
        }
    };
    let (dist, steps) = shortest_paths(&ctx, &edges.cache(), source, None, 1000)?;
    println!("{} supersteps", steps.len());
    let reached = dist.filter(|(_, d)| d.is_finite());
    println!("{} vertices reachable from {source}", reached.count()?);
    for (v, d) in reached.sort_by_key(true, None).take(show)? {
        println!("{v}\t{d}");
    }
    ctx.stop();
    Ok(())
}
