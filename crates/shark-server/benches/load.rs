//! Load test: N concurrent clients send short queries to an in-process
//! shark-server on a loopback port, in three phases: alone; while a long
//! query made of many short tasks runs (a shuffled self-join of 1.6M rows,
//! resubmitted until the phase ends); and while the four-way cross
//! join of `src` runs (a few tasks that each run for hours). Prints
//! throughput and latency percentiles of each phase; a short query not
//! answered within 2 s counts as over wait_ms (the client then cancels it).
//!
//! `cargo bench -p shark-server --bench load`
//! (`LOAD_CLIENTS`, default 8; `LOAD_REQUESTS` per client, default 50;
//! `LOAD_MASTER`, default local[2]; `LOAD_JOB_WORKER_CAP`, the server's
//! `--job-worker-cap`, default the server's: workers - 1).

use serde_json::{json, Value};
use shark_server::{Config, Server};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The long query: a cross join whose few tasks each run for hours.
const CROSS_JOIN: &str = "SELECT count(*) FROM src a JOIN src b JOIN src c JOIN src d";
/// A long query of many short tasks (32 files, shuffled join).
const BIG_JOIN: &str = "SET hive.auto.convert.join=false; \
    SELECT count(*) FROM big a JOIN big b ON a.k = b.k";
/// How long a short query may take before the client gives up on it.
const WAIT_MS: u64 = 2_000;
/// Longest a phase runs.
const PHASE_SECS: u64 = 15;

fn env_or(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes --bench; a filter argument that does not match skips.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"load".contains(a.as_str()))
    {
        return;
    }
    let clients = env_or("LOAD_CLIENTS", 8);
    let per_client = env_or("LOAD_REQUESTS", 50);
    let master = std::env::var("LOAD_MASTER").unwrap_or_else(|_| "local[2]".into());
    let dir = tempfile::tempdir().expect("temp dir");
    let warehouse = dir.path().join("warehouse");
    let mut config = Config::new(&warehouse);
    config.master = master.clone();
    let cap = std::env::var("LOAD_JOB_WORKER_CAP")
        .ok()
        .and_then(|v| v.parse::<usize>().ok());
    config.job_worker_cap = cap;

    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server_thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let server = Server::new(config).expect("server");
            let ctx = server.context().clone();
            let l = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            addr_tx.send(l.local_addr().expect("addr")).expect("send");
            let _ = server
                .serve(l, async move {
                    let _ = stop_rx.await;
                })
                .await;
            ctx.stop();
        });
        rt.shutdown_timeout(Duration::from_secs(2));
    });
    let base = format!("http://{}", addr_rx.recv().expect("address"));

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let http = reqwest::Client::new();
        load_tables(&http, &base, &warehouse).await;
        println!(
            "shark-server load: {clients} clients x {per_client} short queries, master {master}, \
             job worker cap {cap:?}, wait_ms {WAIT_MS}, at most {PHASE_SECS} s a phase"
        );
        let alone = phase(&http, &base, clients, per_client).await;
        report("alone", &alone);

        // A long query made of many short tasks, resubmitted until the phase ends.
        let done = Arc::new(AtomicBool::new(false));
        let long_runs = tokio::spawn(repeat(http.clone(), base.clone(), BIG_JOIN, done.clone()));
        tokio::time::sleep(Duration::from_millis(300)).await;
        let busy = phase(&http, &base, clients, per_client).await;
        done.store(true, Ordering::SeqCst);
        let (runs, secs) = long_runs.await.expect("long query task");
        report("during big self-join", &busy);
        println!("  (the self-join of 1.6M rows ran {runs} times, {secs:.2} s each)");

        // The cross join: four tasks that each run for hours.
        let r: Value = post(&http, &base, json!({ "sql": CROSS_JOIN, "wait_ms": 0 }))
            .await
            .1;
        let long_id = r["query_id"].as_str().expect("query id").to_string();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let starved = phase(&http, &base, clients, per_client).await;
        report("during 4-way cross join", &starved);
        let cancel_started = Instant::now();
        let r: Value = http
            .delete(format!("{base}/v1/queries/{long_id}"))
            .send()
            .await
            .expect("cancel")
            .json()
            .await
            .expect("json");
        println!(
            "  (cross join {} {:.1} ms after DELETE)",
            r["state"],
            cancel_started.elapsed().as_secs_f64() * 1e3
        );
    });
    let _ = stop_tx.send(());
    let _ = server_thread.join();
}

async fn post(http: &reqwest::Client, base: &str, body: Value) -> (u16, Value) {
    let r = http
        .post(format!("{base}/v1/statements"))
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// `src` (500 rows) and `big` (1.6M rows in 32 files, keys 0..200000).
async fn load_tables(http: &reqwest::Client, base: &str, warehouse: &std::path::Path) {
    let file = warehouse.join("incoming.txt");
    let rows: String = (0..500).map(|i| format!("{i}\x01val_{i}\n")).collect();
    std::fs::write(&file, rows).expect("write data");
    let sql = format!(
        "CREATE TABLE src (key INT, value STRING); LOAD DATA LOCAL INPATH '{}' INTO TABLE src;\
         CREATE TABLE big (k INT, v STRING)",
        file.display()
    );
    let (status, body) = post(http, base, json!({ "sql": sql })).await;
    assert_eq!(status, 200, "{body}");
    let dir = warehouse.join("big");
    std::fs::create_dir_all(&dir).expect("big folder");
    for f in 0..32 {
        let rows: String = (0..50_000)
            .map(|i| format!("{}\x01v{i}\n", (f * 50_000 + i) % 200_000))
            .collect();
        std::fs::write(dir.join(format!("part-{f:05}")), rows).expect("write big");
    }
}

/// What clients saw in one phase.
struct Phase {
    /// Latencies of the answered requests, sorted.
    latencies: Vec<Duration>,
    /// Requests not answered within wait_ms (then cancelled by the client).
    timeouts: usize,
    /// Requests answered with an error.
    failures: usize,
    wall: Duration,
}

/// Each client sends short queries one after another until it sent
/// `per_client` or the phase's time is up.
async fn phase(http: &reqwest::Client, base: &str, clients: usize, per_client: usize) -> Phase {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(PHASE_SECS);
    let mut set = tokio::task::JoinSet::new();
    for c in 0..clients {
        let (http, base) = (http.clone(), base.to_string());
        set.spawn(async move {
            let (mut lat, mut timeouts, mut failures) = (Vec::new(), 0, 0);
            for i in 0..per_client {
                if Instant::now() > deadline {
                    break;
                }
                let k = (c * 37 + i * 11) % 500;
                let sql = match i % 3 {
                    0 => format!("SELECT count(*) FROM src WHERE key < {k}"),
                    1 => format!("SELECT key, value FROM src WHERE key = {k}"),
                    _ => format!("SELECT {k} + 1"),
                };
                let t = Instant::now();
                let (status, body) =
                    post(&http, &base, json!({ "sql": sql, "wait_ms": WAIT_MS })).await;
                match status {
                    200 => lat.push(t.elapsed()),
                    202 => {
                        timeouts += 1;
                        let id = body["query_id"].as_str().unwrap_or_default();
                        let _ = http.delete(format!("{base}/v1/queries/{id}")).send().await;
                    }
                    _ => {
                        if failures == 0 {
                            eprintln!("client {c}: HTTP {status} {body}");
                        }
                        failures += 1;
                    }
                }
            }
            (lat, timeouts, failures)
        });
    }
    let mut p = Phase {
        latencies: Vec::new(),
        timeouts: 0,
        failures: 0,
        wall: Duration::ZERO,
    };
    while let Some(r) = set.join_next().await {
        let (l, t, f) = r.expect("client task");
        p.latencies.extend(l);
        p.timeouts += t;
        p.failures += f;
    }
    p.latencies.sort();
    p.wall = started.elapsed();
    p
}

/// Runs `sql` again and again until `done`; how often and the mean time.
async fn repeat(
    http: reqwest::Client,
    base: String,
    sql: &str,
    done: Arc<AtomicBool>,
) -> (usize, f64) {
    let (mut runs, started) = (0, Instant::now());
    while !done.load(Ordering::SeqCst) {
        let (status, body) = post(&http, &base, json!({ "sql": sql, "wait_ms": 300_000 })).await;
        assert_eq!(status, 200, "{body}");
        runs += 1;
    }
    (runs, started.elapsed().as_secs_f64() / runs.max(1) as f64)
}

fn report(name: &str, p: &Phase) {
    let pct = |q: f64| -> f64 {
        if p.latencies.is_empty() {
            return 0.0;
        }
        let i = ((p.latencies.len() as f64 * q).ceil() as usize).clamp(1, p.latencies.len()) - 1;
        p.latencies[i].as_secs_f64() * 1e3
    };
    println!(
        "{name:>24}: {} ok, {} over wait_ms, {} failed in {:.2} s = {:.1} queries/s; \
         latency ms p50 {:.1} p95 {:.1} p99 {:.1} max {:.1}",
        p.latencies.len(),
        p.timeouts,
        p.failures,
        p.wall.as_secs_f64(),
        p.latencies.len() as f64 / p.wall.as_secs_f64(),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        pct(1.0)
    );
}
