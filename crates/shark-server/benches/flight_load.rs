//! Flight SQL under load: N clients (each its own connection and session)
//! send short queries to an in-process shark-server over Flight SQL, first
//! alone, then while a long query (a four-way cross join of `src` that
//! runs for hours) holds a worker. Prints throughput and latency
//! percentiles of each phase; every query must be answered, correctly.
//!
//! `cargo bench -p shark-server --bench flight_load`
//! (`LOAD_CLIENTS`, default 16; `LOAD_REQUESTS` per client, default 50).

use arrow_flight::sql::client::FlightSqlServiceClient;
use futures_util::TryStreamExt;
use shark_server::{Config, Server};
use std::time::{Duration, Instant};
use tonic::transport::Channel;

type Client = FlightSqlServiceClient<Channel>;

const LONG: &str = "SELECT count(*) FROM src a JOIN src b JOIN src c JOIN src d";

fn env_or(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn connect(addr: &str) -> Client {
    let ch = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .expect("address")
        .connect()
        .await
        .expect("connect");
    let mut c = FlightSqlServiceClient::new(ch);
    c.handshake("bench", "").await.expect("handshake");
    c
}

/// Runs a query; its first column's first value as i64.
async fn scalar(c: &mut Client, sql: &str) -> i64 {
    let info = c.execute(sql.to_string(), None).await.expect("execute");
    let mut out = None;
    for ep in info.endpoint {
        let batches: Vec<_> = c
            .do_get(ep.ticket.expect("ticket"))
            .await
            .expect("do_get")
            .try_collect()
            .await
            .expect("rows");
        for b in batches {
            if b.num_rows() > 0 && out.is_none() {
                let v = arrow::compute::cast(b.column(0), &arrow::datatypes::DataType::Int64)
                    .expect("cast");
                let v = v
                    .as_any()
                    .downcast_ref::<arrow::array::Int64Array>()
                    .expect("i64");
                out = Some(v.value(0));
            }
        }
    }
    out.unwrap_or(-1)
}

async fn phase(name: &str, addr: &str, clients: usize, per_client: usize) {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..clients {
        let addr = addr.to_string();
        tasks.push(tokio::spawn(async move {
            let mut c = connect(&addr).await;
            let mut lat = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let k = ((t * per_client + i) % 500) as i64;
                let q = Instant::now();
                let n = scalar(&mut c, &format!("SELECT count(*) FROM src WHERE key < {k}")).await;
                lat.push(q.elapsed());
                assert_eq!(n, k, "a wrong answer");
            }
            lat
        }));
    }
    let mut all: Vec<Duration> = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client"));
    }
    let wall = started.elapsed();
    all.sort();
    let pct = |p: usize| all[(all.len() * p / 100).min(all.len() - 1)];
    println!(
        "{name:<28} {:>5} queries  {:>8.1} q/s  p50 {:>7.1} ms  p95 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
        all.len(),
        all.len() as f64 / wall.as_secs_f64(),
        pct(50).as_secs_f64() * 1e3,
        pct(95).as_secs_f64() * 1e3,
        pct(99).as_secs_f64() * 1e3,
        all[all.len() - 1].as_secs_f64() * 1e3,
    );
}

fn main() {
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"flight_load".contains(a.as_str()))
    {
        return;
    }
    let clients = env_or("LOAD_CLIENTS", 16);
    let per_client = env_or("LOAD_REQUESTS", 50);
    let dir = tempfile::tempdir().expect("temp dir");
    let warehouse = dir.path().join("warehouse");
    let mut config = Config::new(&warehouse);
    config.master = "local[2]".into();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let server = Server::new(config).expect("server");
        let ctx = server.context().clone();
        let http = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let flight = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = flight.local_addr().expect("addr").to_string();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(server.serve_all(http, Some(flight), async move {
            let _ = stop_rx.await;
        }));

        let mut admin = connect(&addr).await;
        let incoming = warehouse.join("incoming");
        std::fs::create_dir_all(&incoming).expect("dir");
        let file = incoming.join("kv.txt");
        let text: String = (0..500).map(|i| format!("{i}\x01val_{i}\n")).collect();
        std::fs::write(&file, text).expect("write");
        admin
            .execute_update("CREATE TABLE src (key INT, value STRING)".into(), None)
            .await
            .expect("create");
        admin
            .execute_update(
                format!("LOAD DATA LOCAL INPATH '{}' INTO TABLE src", file.display()),
                None,
            )
            .await
            .expect("load");

        println!("Flight SQL, {clients} clients x {per_client} short queries, local[2]");
        phase("alone", &addr, clients, per_client).await;
        let long = admin.execute(LONG.into(), None).await.expect("long query");
        phase("while a long query runs", &addr, clients, per_client).await;
        // Cancel the long query.
        let req = arrow_flight::CancelFlightInfoRequest::new(long);
        let action =
            arrow_flight::Action::new("CancelFlightInfo", prost::Message::encode_to_vec(&req));
        let _ = admin.do_action(action).await;
        let _ = stop_tx.send(());
        let _ = serving.await;
        ctx.stop();
    });
}
