//! PageRank over an edge-list file, or over a generated power-law graph.
//!
//! cargo run --release -p bagel --example pagerank -- [--edges FILE | --generate EDGES]
//!     [--master local[2]] [--iterations 20] [--top 10]

use bagel::graph::{generate_power_law, load_edge_list};
use bagel::pagerank::{pagerank, PageRankConfig};
use rdd::Context;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let opts = Options::parse(std::env::args().skip(1).collect())?;
    let ctx = Context::new(&opts.master, "PageRank")?;
    let edges = match &opts.edges {
        Some(path) => load_edge_list(&ctx, path, None),
        None => generate_power_law(
            &ctx,
            opts.generate / 10 + 1,
            opts.generate,
            42,
            ctx.default_parallelism() * 2,
        )?,
    }
    .cache();
    let config = PageRankConfig {
        max_iterations: opts.iterations,
        ..PageRankConfig::default()
    };
    let (ranks, steps) = pagerank(&ctx, &edges, &config)?;
    for s in &steps {
        println!(
            "superstep {}: {:.3} s, {} messages",
            s.superstep,
            s.duration.as_secs_f64(),
            s.messages
        );
    }
    for (rank, vertex) in ranks.map(|(v, r)| (OrdF64(r), v)).top(opts.top)? {
        println!("{vertex}\t{:.6}", rank.0);
    }
    ctx.stop();
    Ok(())
}

#[derive(Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
struct OrdF64(f64);
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

struct Options {
    edges: Option<String>,
    generate: u64,
    master: String,
    iterations: usize,
    top: usize,
}

impl Options {
    fn parse(args: Vec<String>) -> Result<Options, String> {
        let mut o = Options {
            edges: None,
            generate: 100_000,
            master: "local[2]".into(),
            iterations: 20,
            top: 10,
        };
        let mut it = args.into_iter();
        while let Some(flag) = it.next() {
            let mut value = || it.next().ok_or(format!("{flag} needs a value"));
            match flag.as_str() {
                "--edges" => o.edges = Some(value()?),
                "--generate" => {
                    o.generate = value()?.parse().map_err(|e| format!("--generate: {e}"))?
                }
                "--master" => o.master = value()?,
                "--iterations" => {
                    o.iterations = value()?.parse().map_err(|e| format!("--iterations: {e}"))?
                }
                "--top" => o.top = value()?.parse().map_err(|e| format!("--top: {e}"))?,
                other => return Err(format!("unknown option {other}")),
            }
        }
        Ok(o)
    }
}
