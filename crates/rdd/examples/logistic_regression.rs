//! Logistic regression by gradient descent, the RDD paper's iterative
//! example. The points are parsed from a generated text file and cached, so
//! the first iteration reads and parses the file and the later ones reuse
//! the cached partitions; the per-iteration times show the difference.
//!
//! cargo run --release -p rdd --example logistic_regression -- [master] [points] [iterations]

use rdd::sample::SplitMix64;
use rdd::Context;
use std::io::Write;
use std::time::Instant;

const DIMS: usize = 10;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let master = args.get(1).map(String::as_str).unwrap_or("local[2]");
    let points: usize = args
        .get(2)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(500_000);
    let iterations: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(6);

    let dir = std::env::temp_dir().join(format!("shark-lr-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("points.txt");
    generate(&file, points)?;

    let ctx = Context::new(master, "LogisticRegression")?;
    let data = ctx
        .text_file(file.to_str().unwrap(), Some(ctx.workers() * 2))
        .map(|line| {
            let mut nums = line.split(' ').map(|s| s.parse::<f64>().unwrap_or(0.0));
            let y = nums.next().unwrap_or(0.0);
            let x: Vec<f64> = nums.collect();
            (y, x)
        })
        .cache();

    let mut w = vec![0.0f64; DIMS];
    for i in 1..=iterations {
        let started = Instant::now();
        let wb = ctx.broadcast(w.clone());
        let gradient = data
            .map(move |(y, x)| {
                let w = wb.value();
                let dot: f64 = w.iter().zip(&x).map(|(a, b)| a * b).sum();
                let scale = (1.0 / (1.0 + (-y * dot).exp()) - 1.0) * y;
                x.iter().map(|v| v * scale).collect::<Vec<f64>>()
            })
            .reduce(|a, b| a.iter().zip(&b).map(|(p, q)| p + q).collect())?;
        for (wi, gi) in w.iter_mut().zip(&gradient) {
            *wi -= gi / points as f64;
        }
        println!("iteration {i}: {:.3} s", started.elapsed().as_secs_f64());
    }
    let correct = data
        .map({
            let w = w.clone();
            move |(y, x)| {
                let dot: f64 = w.iter().zip(&x).map(|(a, b)| a * b).sum();
                ((dot > 0.0) == (y > 0.0)) as u64
            }
        })
        .reduce(|a, b| a + b)?;
    println!(
        "final w: {:?}",
        w.iter()
            .map(|v| (v * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>()
    );
    println!("training accuracy: {:.3}", correct as f64 / points as f64);
    ctx.stop();
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Two Gaussian clouds labelled -1 and +1, one point per line: `y x1 .. xD`.
fn generate(path: &std::path::Path, n: usize) -> std::io::Result<()> {
    let mut rng = SplitMix64::new(7);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for i in 0..n {
        let y = if i % 2 == 0 { -1.0 } else { 1.0 };
        write!(out, "{y}")?;
        for _ in 0..DIMS {
            let g = (rng.next_f64() + rng.next_f64() + rng.next_f64() - 1.5) * 2.0;
            write!(out, " {:.5}", g + y * 0.7)?;
        }
        writeln!(out)?;
    }
    out.flush()
}
