//! Users and their tokens over HTTP: each user sees and touches only their
//! own sessions and queries (an admin sees all), a session id is no
//! credential; and connections idle past the limit are closed.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

async fn call(
    method: &str,
    base: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let c = client();
    let url = format!("{base}{path}");
    let req = match method {
        "GET" => c.get(url),
        "POST" => c.post(url),
        "DELETE" => c.delete(url),
        other => panic!("{other}"),
    };
    let req = req.bearer_auth(token);
    let req = match body {
        Some(b) => req.json(&b),
        None => req,
    };
    let r = req.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn ids(list: &Value, key: &str, field: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q[field].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_see_and_touch_only_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let users = users_file(dir.path());
    let s = start(move |c| c.users = Some(users));
    let b = s.base.as_str();
    // Alice opens a session, keeps a secret in it and runs a job.
    let (st, session) = call("POST", b, "/v1/sessions", "a-token", None).await;
    assert_eq!(st, StatusCode::CREATED, "{session}");
    assert_eq!(session["user"], "alice");
    let sid = session["session_id"].as_str().unwrap().to_string();
    let script =
        "SET hivevar:apikey=hunter2; CREATE TABLE t AS SELECT 1 AS x; SELECT count(*) FROM t";
    let (st, done) = call(
        "POST",
        b,
        "/v1/statements",
        "a-token",
        Some(json!({ "sql": script, "session": sid })),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{done}");
    let qid = done["query_id"].as_str().unwrap().to_string();
    // Bob: her session and query do not exist for him.
    for (method, path) in [
        ("GET", format!("/v1/sessions/{sid}")),
        ("DELETE", format!("/v1/sessions/{sid}")),
        ("GET", format!("/v1/queries/{qid}")),
        ("GET", format!("/v1/queries/{qid}/results")),
        ("DELETE", format!("/v1/queries/{qid}")),
        ("GET", format!("/api/v1/sql/{qid}")),
    ] {
        let (st, body) = call(method, b, &path, "b-token", None).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "bob {method} {path}: {body}");
    }
    let (st, _) = call(
        "POST",
        b,
        "/v1/statements",
        "b-token",
        Some(json!({ "sql": "SET x", "session": sid })),
    )
    .await;
    assert_eq!(
        st,
        StatusCode::NOT_FOUND,
        "bob may not use alice's session by its id"
    );
    let (_, list) = call("GET", b, "/v1/queries", "b-token", None).await;
    assert!(!ids(&list, "queries", "query_id").contains(&qid), "{list}");
    assert!(!list.to_string().contains("hunter2"));
    let (_, sql) = call("GET", b, "/api/v1/sql", "b-token", None).await;
    assert_eq!(sql["total"], 0, "{sql}");
    let (_, jobs) = call("GET", b, "/api/v1/jobs", "b-token", None).await;
    assert_eq!(jobs["total"], 0, "{jobs}");
    let (_, stages) = call("GET", b, "/api/v1/stages", "b-token", None).await;
    assert_eq!(stages["total"], 0, "{stages}");
    let (_, info) = call("GET", b, "/api/v1/info", "b-token", None).await;
    assert_eq!(info["user"], json!({ "name": "bob", "admin": false }));
    // Bob's own query is his.
    let (st, mine) = call(
        "POST",
        b,
        "/v1/statements",
        "b-token",
        Some(json!({ "sql": "SELECT 2" })),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let bob_q = mine["query_id"].as_str().unwrap().to_string();
    let (_, list) = call("GET", b, "/v1/queries", "b-token", None).await;
    assert_eq!(
        ids(&list, "queries", "query_id"),
        std::slice::from_ref(&bob_q)
    );
    // Alice sees hers, not his; the admin sees both, and her jobs.
    let (_, list) = call("GET", b, "/v1/queries", "a-token", None).await;
    assert_eq!(
        ids(&list, "queries", "query_id"),
        std::slice::from_ref(&qid)
    );
    let (_, list) = call("GET", b, "/v1/queries", "o-token", None).await;
    let all = ids(&list, "queries", "query_id");
    assert!(all.contains(&qid) && all.contains(&bob_q), "{list}");
    let (_, jobs) = call("GET", b, "/api/v1/jobs", "o-token", None).await;
    assert!(ids(&jobs, "jobs", "sqlId").contains(&qid), "{jobs}");
    let (_, jobs) = call("GET", b, "/api/v1/jobs", "a-token", None).await;
    assert!(!jobs["jobs"].as_array().unwrap().is_empty());
    let (st, _) = call("GET", b, &format!("/v1/sessions/{sid}"), "o-token", None).await;
    assert_eq!(st, StatusCode::OK);
    // Wrong and missing tokens.
    let (st, e) = call("GET", b, "/v1/queries", "a-tokenX", None).await;
    assert_eq!(
        (st, e["error"]["kind"].as_str()),
        (StatusCode::FORBIDDEN, Some("auth"))
    );
    let r = client()
        .get(format!("{b}/v1/queries"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // She closes her session; it is gone for the admin too.
    let (st, _) = call("DELETE", b, &format!("/v1/sessions/{sid}"), "a-token", None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
}

/// Reads until the server closes the connection; how long that took.
fn time_to_close(mut s: std::net::TcpStream, trickle: bool) -> Duration {
    let start = Instant::now();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 4096];
    while start.elapsed() < Duration::from_secs(10) {
        if trickle && s.write_all(b"X").is_err() {
            return start.elapsed();
        }
        match s.read(&mut buf) {
            Ok(0) => return start.elapsed(),
            Ok(_) => {}
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return start.elapsed(),
        }
    }
    panic!("the server kept an idle connection open for 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_connections_are_closed() {
    let s = start(|c| c.connection_idle_secs = 1);
    let addr = s.base.trim_start_matches("http://").to_string();
    // Connected, silent.
    let silent = std::net::TcpStream::connect(&addr).unwrap();
    let a = tokio::task::spawn_blocking(move || time_to_close(silent, false));
    // Headers sent a byte every 200 ms, never finished.
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let b = tokio::task::spawn_blocking(move || time_to_close(slow, true));
    // Idle after a request on a kept-alive connection.
    let mut kept = std::net::TcpStream::connect(&addr).unwrap();
    kept.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let c = tokio::task::spawn_blocking(move || time_to_close(kept, false));
    for (what, t) in [("silent", a), ("slow headers", b), ("kept alive", c)] {
        let took = t.await.unwrap();
        assert!(
            took < Duration::from_secs(4),
            "{what}: closed after {took:?}"
        );
    }
    // A request that waits longer than the idle limit is not cut.
    load_src(&s).await;
    let (st, body) = run(&s.base, json!({ "sql": LONG, "wait_ms": 2500 })).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{body}");
    let id = body["query_id"].as_str().unwrap();
    let r = client()
        .delete(format!("{}/v1/queries/{id}", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
