//! Load test: N concurrent clients send short queries to an in-process
//! shark-server on a loopback port, first alone, then while a long query
//! (a four-way cross join of `src`) runs; prints throughput and latency
//! percentiles of each phase.
//!
//! `cargo bench -p shark-server --bench load`
//! (`LOAD_CLIENTS`, default 8; `LOAD_REQUESTS` per client, default 50;
//! `LOAD_MASTER`, default local[2]).

use serde_json::{json, Value};
use shark_server::{Config, Server};
use std::time::{Duration, Instant};

const LONG: &str = "SELECT count(*) FROM src a JOIN src b JOIN src c JOIN src d";

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
        load_src(&http, &base, &warehouse).await;
        println!(
            "shark-server load: {clients} clients x {per_client} short queries, master {master}"
        );
        let alone = phase(&http, &base, clients, per_client).await;
        report("short queries alone", &alone);

        let r: Value = post(&http, &base, json!({ "sql": LONG, "wait_ms": 0 }))
            .await
            .1;
        let long_id = r["query_id"].as_str().expect("query id").to_string();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let busy = phase(&http, &base, clients, per_client).await;
        report("short queries during a long query", &busy);
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
            "long query: {} after cancel in {:.1} ms",
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

async fn load_src(http: &reqwest::Client, base: &str, warehouse: &std::path::Path) {
    let file = warehouse.join("incoming.txt");
    let rows: String = (0..500).map(|i| format!("{i}\x01val_{i}\n")).collect();
    std::fs::write(&file, rows).expect("write data");
    let sql = format!(
        "CREATE TABLE src (key INT, value STRING); LOAD DATA LOCAL INPATH '{}' INTO TABLE src",
        file.display()
    );
    let (status, body) = post(http, base, json!({ "sql": sql })).await;
    assert_eq!(status, 200, "{body}");
}

/// Latencies of the successful requests, failures, and the phase's wall time.
struct Phase {
    latencies: Vec<Duration>,
    failures: usize,
    wall: Duration,
}

async fn phase(http: &reqwest::Client, base: &str, clients: usize, per_client: usize) -> Phase {
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for c in 0..clients {
        let (http, base) = (http.clone(), base.to_string());
        set.spawn(async move {
            let mut lat = Vec::with_capacity(per_client);
            let mut failures = 0;
            for i in 0..per_client {
                let k = (c * 37 + i * 11) % 500;
                let sql = match i % 3 {
                    0 => format!("SELECT count(*) FROM src WHERE key < {k}"),
                    1 => format!("SELECT key, value FROM src WHERE key = {k}"),
                    _ => format!("SELECT {k} + 1"),
                };
                let t = Instant::now();
                let (status, body) = post(&http, &base, json!({ "sql": sql })).await;
                if status == 200 {
                    lat.push(t.elapsed());
                } else {
                    if failures == 0 {
                        eprintln!("client {c}: HTTP {status} {body}");
                    }
                    failures += 1;
                }
            }
            (lat, failures)
        });
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    while let Some(r) = set.join_next().await {
        let (l, f) = r.expect("client task");
        latencies.extend(l);
        failures += f;
    }
    latencies.sort();
    Phase {
        latencies,
        failures,
        wall: started.elapsed(),
    }
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
        "{name}: {} ok, {} failed in {:.2} s = {:.1} queries/s; latency ms p50 {:.1} p95 {:.1} p99 {:.1} max {:.1}",
        p.latencies.len(),
        p.failures,
        p.wall.as_secs_f64(),
        p.latencies.len() as f64 / p.wall.as_secs_f64(),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        pct(1.0)
    );
}
