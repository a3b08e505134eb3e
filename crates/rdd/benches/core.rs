//! Core engine benchmarks (not timed tests).
//!
//! cargo bench -p rdd --bench core -- [wordcount] [pairs] [spill] [iterative]
//!
//! * wordcount: word count over a generated ~200 MB text file, local[1] vs local[2].
//! * pairs: reduce_by_key over 10 million (key, 1) pairs, local[1] vs local[2].
//! * spill: group_by_key over a shuffle at least 5x the memory budget; prints
//!   the process's peak RSS (run it alone: the peak is per process).

use rdd::sample::SplitMix64;
use rdd::{Conf, Context};
use std::io::Write;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let all = args.is_empty();
    let wants = |name: &str| all || args.iter().any(|a| a == name);
    if wants("wordcount") {
        wordcount();
    }
    if wants("pairs") {
        pairs();
    }
    if wants("spill") {
        spill();
    }
}

fn speedup(name: &str, records: u64, run: impl Fn(&Context) -> u64) {
    let mut rates = Vec::new();
    for master in ["local[1]", "local[2]"] {
        let ctx = Context::new(master, name).unwrap();
        run(&ctx); // warm-up: page cache, allocator
                   // Best of three: this machine's timings vary run to run.
        let mut secs = f64::MAX;
        let mut answer = 0;
        for _ in 0..3 {
            let started = Instant::now();
            answer = run(&ctx);
            secs = secs.min(started.elapsed().as_secs_f64());
        }
        let rate = records as f64 / secs;
        println!(
            "{name:>10} {master:>9}: {secs:7.3} s  {:>12.0} records/s  (answer {answer})",
            rate
        );
        rates.push(rate);
        ctx.stop();
    }
    println!(
        "{name:>10} speedup local[2] / local[1]: {:.2}x",
        rates[1] / rates[0]
    );
}

fn wordcount() {
    let path = std::env::temp_dir().join("shark-bench-words.txt");
    let target = 200u64 << 20;
    if std::fs::metadata(&path)
        .map(|m| m.len() < target)
        .unwrap_or(true)
    {
        let vocab: Vec<String> = (0..50_000)
            .map(|i| format!("w{:x}", i * 2654435761u64 % 1_000_003))
            .collect();
        let mut rng = SplitMix64::new(1);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut written = 0u64;
        while written < target {
            let mut line = String::new();
            for _ in 0..12 {
                // Skewed: low indices far more common (roughly Zipf).
                let r = rng.next_f64();
                let idx = ((vocab.len() as f64).powf(r) as usize).min(vocab.len() - 1);
                line.push_str(&vocab[idx]);
                line.push(' ');
            }
            line.push('\n');
            written += line.len() as u64;
            out.write_all(line.as_bytes()).unwrap();
        }
        out.flush().unwrap();
    }
    let lines = std::fs::read_to_string(&path).unwrap().lines().count() as u64;
    let p = path.to_str().unwrap().to_string();
    speedup("wordcount", lines, move |ctx| {
        ctx.text_file(&p, Some(8))
            .flat_map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .map(|w| (w, 1u64))
            .reduce_by_key(|a, b| a + b, Some(8))
            .count()
            .unwrap()
    });
}

fn pairs() {
    let n = 10_000_000i64;
    speedup("pairs", n as u64, move |ctx| {
        ctx.range(0, n, 1, Some(8))
            .unwrap()
            .map(|i| (i % 100_000, 1u64))
            .reduce_by_key(|a, b| a + b, Some(8))
            .count()
            .unwrap()
    });
}

fn spill() {
    let budget = "64m";
    let conf = Conf::new()
        .set(rdd::conf::MEMORY_EXECUTION, budget)
        .set(rdd::conf::SHUFFLE_MEMORY, "32m")
        .set(rdd::conf::MEMORY_STORAGE, "32m");
    let ctx = Context::with_conf("local[2]", "spill", conf).unwrap();
    let log = std::sync::Arc::new(rdd::EventLog::default());
    ctx.add_listener(log.clone());
    let n = 40_000_000i64;
    let started = Instant::now();
    let groups = ctx
        .range(0, n, 1, Some(8))
        .unwrap()
        .map(|i| (i % 1_000_000, i))
        .group_by_key(Some(8))
        .map_values(|v| v.len() as u64)
        .values()
        .reduce(|a, b| a + b)
        .unwrap();
    assert_eq!(groups, n as u64);
    let m = log.total_task_metrics();
    println!(
        "spill: group_by_key of {n} (i64, i64) pairs ({} MB raw, {} MB shuffled) with {budget} execution + 32m shuffle memory: {:.1} s",
        (n * 16) >> 20,
        m.shuffle_write_bytes >> 20,
        started.elapsed().as_secs_f64()
    );
    println!(
        "spill: {} MB spilled to disk, peak RSS {} MB",
        m.disk_bytes_spilled >> 20,
        peak_rss_kb() / 1024
    );
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
