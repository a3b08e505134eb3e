//! What the server test files share: in-process servers on ephemeral
//! loopback ports, the `src` table, and small request helpers.

#![allow(dead_code)]

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use shark_server::{Config, Server};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A server running on its own runtime thread, stopped on drop.
pub struct TestServer {
    pub base: String,
    /// The Flight SQL endpoint, as `http://ADDR` for tonic channels.
    pub flight: String,
    pub warehouse: PathBuf,
    pub ctx: rdd::Context,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a server on `warehouse` (a new temporary one when `None`).
pub fn start_on(warehouse: Option<PathBuf>, tweak: impl FnOnce(&mut Config)) -> TestServer {
    let (dir, warehouse) = match warehouse {
        Some(w) => (None, w),
        None => {
            let d = tempfile::tempdir().unwrap();
            let w = d.path().join("warehouse");
            (Some(d), w)
        }
    };
    let mut config = Config::new(&warehouse);
    config.master = "local[2]".into();
    tweak(&mut config);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let server = Server::new(config).unwrap();
            let ctx = server.context().clone();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let flight = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx
                .send((
                    listener.local_addr().unwrap(),
                    flight.local_addr().unwrap(),
                    ctx.clone(),
                ))
                .unwrap();
            let _ = server
                .serve_all(listener, Some(flight), async move {
                    let _ = stop_rx.await;
                })
                .await;
            ctx.stop();
        });
        rt.shutdown_timeout(Duration::from_secs(2));
    });
    let (addr, flight, ctx) = addr_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    TestServer {
        base: format!("http://{addr}"),
        flight: format!("http://{flight}"),
        warehouse,
        ctx,
        stop: Some(stop_tx),
        thread: Some(thread),
        _dir: dir,
    }
}

pub fn start(tweak: impl FnOnce(&mut Config)) -> TestServer {
    start_on(None, tweak)
}

/// The server most tests share, with `src` (500 rows) loaded.
pub fn shared() -> &'static str {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    &SERVER
        .get_or_init(|| {
            let s = start(|_| {});
            // Tests call this inside their runtime: load from another thread.
            std::thread::scope(|sc| sc.spawn(|| load_src_blocking(&s)).join().unwrap());
            s
        })
        .base
}

/// Writes `src`'s 500 rows under the warehouse and loads them through the API.
pub async fn load_src(s: &TestServer) {
    let incoming = s.warehouse.join("incoming");
    std::fs::create_dir_all(&incoming).unwrap();
    let file = incoming.join("kv.txt");
    let text: String = (0..500).map(|i| format!("{i}\x01val_{i}\n")).collect();
    std::fs::write(&file, text).unwrap();
    let sql = format!(
        "CREATE TABLE src (key INT, value STRING);\nLOAD DATA LOCAL INPATH '{}' INTO TABLE src",
        file.display()
    );
    let (status, body) = run(&s.base, json!({ "sql": sql })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

pub fn load_src_blocking(s: &TestServer) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(load_src(s));
}

/// An HTTP client (reqwest needs the TLS provider storage installs).
pub fn client() -> Client {
    storage::install_tls_provider();
    Client::new()
}

/// POSTs a statement request; the status and JSON body.
pub async fn run(base: &str, body: Value) -> (StatusCode, Value) {
    let r = client()
        .post(format!("{base}/v1/statements"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap())
}

pub async fn get(base: &str, path: &str) -> (StatusCode, Value) {
    let r = client().get(format!("{base}{path}")).send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap())
}

/// Polls a query until it ends (or 30 s pass); its status body.
pub async fn wait_end(base: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, s) = get(base, &format!("/v1/queries/{id}")).await;
        let state = s["state"].as_str().unwrap().to_string();
        if ["finished", "failed", "cancelled"].contains(&state.as_str()) {
            return s;
        }
        assert!(Instant::now() < deadline, "query {id} did not end: {s}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn wait_state(base: &str, id: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, s) = get(base, &format!("/v1/queries/{id}")).await;
        if s["state"] == want {
            return;
        }
        assert!(Instant::now() < deadline, "query {id} never {want}: {s}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub const LONG: &str = "SELECT count(*) FROM src a JOIN src b JOIN src c JOIN src d";

/// A users file of `alice` (token `a-token`), `bob` (`b-token`) and the
/// admin `ops` (`o-token`).
pub fn users_file(dir: &std::path::Path) -> std::path::PathBuf {
    let line = |name: &str, token: &str, role: &str| {
        let hex: String = shark_server::users::hash_token(token)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{name}:{hex}{role}\n")
    };
    let path = dir.join("users");
    let text = line("alice", "a-token", "")
        + &line("bob", "b-token", "")
        + &line("ops", "o-token", ":admin");
    std::fs::write(&path, text).unwrap();
    path
}
