//! Monte-Carlo estimate of pi, Spark's SparkPi.
//!
//! cargo run --release -p rdd --example spark_pi -- [master] [slices]

use rdd::sample::{partition_seed, SplitMix64};
use rdd::Context;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let master = args.get(1).map(String::as_str).unwrap_or("local[2]");
    let slices: usize = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(4);
    let per_slice = 1_000_000i64;
    let ctx = Context::new(master, "SparkPi")?;
    let inside = ctx
        .range(0, slices as i64, 1, Some(slices))?
        .map(move |slice| {
            let mut rng = SplitMix64::new(partition_seed(42, slice as usize));
            (0..per_slice)
                .filter(|_| {
                    let (x, y) = (rng.next_f64() * 2.0 - 1.0, rng.next_f64() * 2.0 - 1.0);
                    x * x + y * y <= 1.0
                })
                .count() as i64
        })
        .reduce(|a, b| a + b)?;
    println!(
        "Pi is roughly {}",
        4.0 * inside as f64 / (slices as i64 * per_slice) as f64
    );
    ctx.stop();
    Ok(())
}
