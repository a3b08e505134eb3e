//! Word count over a text file, directory or glob, the classic MapReduce job.
//!
//! cargo run --release -p rdd --example word_count -- <path> [master] [top-n]

use rdd::Context;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: word_count <path> [master] [top-n]");
        std::process::exit(2);
    };
    let master = args.get(2).map(String::as_str).unwrap_or("local[2]");
    let top: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(20);
    let ctx = Context::new(master, "WordCount")?;
    let counts = ctx
        .text_file(path, None)
        .flat_map(|line| {
            line.split_whitespace()
                .map(|w| w.to_lowercase())
                .collect::<Vec<_>>()
        })
        .map(|w| (w, 1u64))
        .reduce_by_key(|a, b| a + b, None);
    let most = counts.map(|(w, c)| (c, w)).top(top)?;
    for (count, word) in most {
        println!("{word}\t{count}");
    }
    ctx.stop();
    Ok(())
}
