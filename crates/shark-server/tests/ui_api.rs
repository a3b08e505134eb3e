//! The web UI's JSON API (`/api/v1/...`) and its files, against in-process
//! servers: every endpoint, paging, the retention caps, redaction, auth,
//! and the live event stream.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

mod common;
use common::*;

async fn get_ok(base: &str, path: &str) -> Value {
    let (status, v) = get(base, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {v}");
    v
}

/// Runs `sql` to its end; the query id.
async fn run_ok(base: &str, sql: &str) -> String {
    let (status, v) = run(base, json!({ "sql": sql })).await;
    assert_eq!(status, StatusCode::OK, "{sql}: {v}");
    v["query_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_page_and_its_files_are_served_without_a_token() {
    let s = start(|c| c.token = Some("sesame".into()));
    let c = client();
    let r = c.get(format!("{}/", s.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
    let page = r.text().await.unwrap();
    assert!(page.contains("/static/app.js"), "{page}");
    let r = c
        .get(format!("{}/static/app.js", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let tag = r.headers()["etag"].to_str().unwrap().to_string();
    let again = c
        .get(format!("{}/static/app.js", s.base))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    for bad in [
        "/static/nothing.js",
        "/static/..%2fCargo.toml",
        "/static/views/..%2f..%2fREADME.md",
    ] {
        let r = c.get(format!("{}{bad}", s.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    // The data behind the pages needs the token.
    let r = c
        .get(format!("{}/api/v1/sql", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c
        .get(format!("{}/api/v1/info", s.base))
        .bearer_auth("sesame")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let info: Value = r.json().await.unwrap();
    assert_eq!(info["auth"], true);
    assert_eq!(info["readOnly"], false);
}

#[tokio::test]
async fn a_query_shows_its_plan_jobs_stages_and_tasks() {
    let s = start(|_| {});
    load_src(&s).await;
    let id = run_ok(
        &s.base,
        "SELECT key % 10 AS k, count(*) AS n FROM src GROUP BY key % 10 ORDER BY k",
    )
    .await;
    let list = get_ok(&s.base, "/api/v1/sql").await;
    assert_eq!(list["queries"][0]["id"], id.as_str());
    assert_eq!(list["queries"][0]["state"], "finished");
    assert_eq!(list["queries"][0]["rows"], 10);
    let q = get_ok(&s.base, &format!("/api/v1/sql/{id}")).await;
    let nodes = q["plan"]["nodes"].as_array().unwrap();
    let text = q["planText"].as_array().unwrap();
    assert!(nodes.len() >= 4, "{q}");
    assert_eq!(nodes.len(), text.len(), "one EXPLAIN line per node");
    assert_eq!(
        q["plan"]["edges"].as_array().unwrap().len(),
        nodes.len() - 1
    );
    let scan = nodes
        .iter()
        .find(|n| n["name"].as_str().unwrap().starts_with("Scan"))
        .expect("a scan");
    assert_eq!(scan["metrics"]["rows"], 500);
    // Its jobs, their stages and the stages' tasks.
    let jobs = q["jobs"].as_array().unwrap();
    assert!(!jobs.is_empty(), "{q}");
    assert_eq!(q["jobIds"].as_array().unwrap().len(), jobs.len());
    let job = &jobs[0];
    assert_eq!(job["sqlId"], id.as_str());
    assert_eq!(job["status"], "SUCCEEDED");
    let stage = &job["stages"][0];
    let (sid, att) = (
        stage["stageId"].as_u64().unwrap(),
        stage["attemptId"].as_u64().unwrap(),
    );
    assert_eq!(stage["status"], "COMPLETE");
    let j = get_ok(&s.base, &format!("/api/v1/jobs/{}", job["jobId"])).await;
    assert_eq!(j["stages"][0]["stageId"], sid);
    let one = get_ok(&s.base, &format!("/api/v1/stages/{sid}/{att}")).await;
    assert_eq!(one["numCompleteTasks"], one["numTasks"]);
    let attempts = get_ok(&s.base, &format!("/api/v1/stages/{sid}")).await;
    assert_eq!(attempts["attempts"][0]["attemptId"], att);
    let tasks = get_ok(&s.base, &format!("/api/v1/stages/{sid}/{att}/taskList")).await;
    assert_eq!(tasks["total"], one["numTasks"]);
    assert_eq!(tasks["tasks"][0]["status"], "SUCCESS");
    let read: u64 = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["recordsRead"].as_u64().unwrap())
        .sum();
    assert_eq!(read, one["inputRecords"].as_u64().unwrap());
    let sum = get_ok(&s.base, &format!("/api/v1/stages/{sid}/{att}/taskSummary")).await;
    assert_eq!(sum["quantiles"], json!([0.0, 0.25, 0.5, 0.75, 1.0]));
    assert_eq!(sum["durationMs"].as_array().unwrap().len(), 5);
    let sum = get_ok(
        &s.base,
        &format!("/api/v1/stages/{sid}/{att}/taskSummary?quantiles=0.5"),
    )
    .await;
    assert_eq!(sum["recordsRead"].as_array().unwrap().len(), 1);
    for bad in [
        format!("/api/v1/stages/{sid}/{att}/taskSummary?quantiles=2"),
        format!("/api/v1/stages/{sid}/{att}/taskList?sortBy=nonsense"),
        format!("/api/v1/stages/{sid}/{att}/taskList?length=5000"),
        "/api/v1/jobs?offset=x".to_string(),
    ] {
        let (status, e) = get(&s.base, &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {e}");
    }
    let (status, _) = get(&s.base, "/api/v1/stages/99999/0").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&s.base, "/api/v1/sql/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Filters.
    let f = get_ok(&s.base, "/api/v1/jobs?status=failed").await;
    assert_eq!(f["total"], 0);
    let f = get_ok(&s.base, "/api/v1/stages?status=complete&length=1").await;
    assert_eq!(f["stages"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn tasks_page_by_100_and_past_the_cap_only_totals_remain() {
    let s = start(|c| {
        c.conf.push("spark.ui.retainedTasks=120".into());
    });
    let ctx = s.ctx.clone();
    let n = tokio::task::spawn_blocking(move || {
        ctx.parallelize((0..3000u64).collect(), Some(300)).count()
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(n, 3000);
    let stages = get_ok(&s.base, "/api/v1/stages").await;
    let st = &stages["stages"][0];
    assert_eq!(st["numTasks"], 300);
    assert_eq!(st["numCompleteTasks"], 300);
    assert_eq!(st["inputRecords"], 3000, "totals count every task");
    assert_eq!(st["tasksRetained"], 120);
    assert_eq!(st["tasksDropped"], 180);
    let (sid, att) = (&st["stageId"], &st["attemptId"]);
    let p1 = get_ok(&s.base, &format!("/api/v1/stages/{sid}/{att}/taskList")).await;
    assert_eq!(p1["total"], 120);
    assert_eq!(p1["dropped"], 180);
    assert_eq!(p1["tasks"].as_array().unwrap().len(), 100);
    let p2 = get_ok(
        &s.base,
        &format!("/api/v1/stages/{sid}/{att}/taskList?offset=100&length=100"),
    )
    .await;
    assert_eq!(p2["tasks"].as_array().unwrap().len(), 20);
    // Sorted by index, across the two pages.
    let idx: Vec<u64> = p1["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p2["tasks"].as_array().unwrap())
        .map(|t| t["index"].as_u64().unwrap())
        .collect();
    assert_eq!(idx.len(), 120);
    assert!(idx.windows(2).all(|w| w[0] < w[1]), "{idx:?}");
    let slow = get_ok(
        &s.base,
        &format!("/api/v1/stages/{sid}/{att}/taskList?sortBy=-duration&length=3"),
    )
    .await;
    let d: Vec<u64> = slow["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["durationMs"].as_u64().unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] >= w[1]), "{d:?}");
    let ex = get_ok(&s.base, "/api/v1/executors").await;
    assert_eq!(ex[0]["id"], "driver");
    assert_eq!(ex[0]["completedTasks"], 300);
    assert_eq!(ex[0]["activeTasks"], 0);
    assert_eq!(ex[0]["totalCores"], 2);
}

#[tokio::test]
async fn retention_caps_hold_under_a_thousand_queries() {
    let s = start(|c| {
        c.max_kept_queries = 40;
        c.max_concurrent = 4;
        c.conf.push("spark.ui.retainedJobs=25".into());
        c.conf.push("spark.ui.retainedStages=30".into());
    });
    load_src(&s).await;
    let base = s.base.clone();
    let mut workers = Vec::new();
    for w in 0..4 {
        let base = base.clone();
        workers.push(tokio::spawn(async move {
            for i in 0..250 {
                let sql = format!("SELECT count(*) FROM src WHERE key > {}", w * 1000 + i);
                let (status, v) = run(&base, json!({ "sql": sql })).await;
                assert_eq!(status, StatusCode::OK, "{v}");
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let sql = get_ok(&base, "/api/v1/sql?length=1000").await;
    // The load_src script and 1,000 queries ran; 40 remain.
    assert_eq!(sql["retained"], 40, "{}", sql["retained"]);
    assert_eq!(sql["total"], 40);
    assert_eq!(sql["dropped"], 961);
    assert_eq!(sql["queries"].as_array().unwrap().len(), 40);
    let page = get_ok(&base, "/api/v1/sql?offset=30&length=20").await;
    assert_eq!(page["queries"].as_array().unwrap().len(), 10);
    let jobs = get_ok(&base, "/api/v1/jobs?length=1000").await;
    assert_eq!(jobs["total"], 25);
    assert!(
        jobs["dropped"].as_u64().unwrap() >= 975,
        "{}",
        jobs["dropped"]
    );
    let stages = get_ok(&base, "/api/v1/stages?length=1000").await;
    assert_eq!(stages["total"], 30);
    // Newest first.
    let ids: Vec<u64> = jobs["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["jobId"].as_u64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]));
    let (status, _) = get(&base, "/api/v1/sql?length=1001").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn storage_shows_cached_tables_and_uncache_removes_them() {
    let s = start(|_| {});
    load_src(&s).await;
    assert_eq!(get_ok(&s.base, "/api/v1/storage/tables").await, json!([]));
    run_ok(&s.base, "CACHE TABLE src").await;
    let tables = get_ok(&s.base, "/api/v1/storage/tables").await;
    let t = &tables[0];
    assert_eq!(t["name"], "default.src");
    assert_eq!(t["numCachedPartitions"], t["numPartitions"]);
    assert!(t["memoryUsed"].as_u64().unwrap() > 0, "{t}");
    let rdds = get_ok(&s.base, "/api/v1/storage/rdd").await;
    let r = rdds
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == t["rddId"])
        .expect("the table's RDD is listed");
    assert_eq!(r["name"], "cached default.src");
    assert!(r["storageLevel"].as_str().unwrap().contains("Memory"));
    let ex = get_ok(&s.base, "/api/v1/executors").await;
    assert_eq!(ex[0]["memoryUsed"], t["memoryUsed"]);
    run_ok(&s.base, "UNCACHE TABLE src").await;
    assert_eq!(get_ok(&s.base, "/api/v1/storage/tables").await, json!([]));
    assert_eq!(get_ok(&s.base, "/api/v1/storage/rdd").await, json!([]));
}

#[tokio::test]
async fn the_environment_hides_secrets() {
    let s = start(|c| {
        c.token = Some("tok-3141".into());
        c.conf.push("fs.s3a.secret.key=very-secret-value".into());
        c.conf.push("shark.memory.storage=64m".into());
    });
    let r = client()
        .get(format!("{}/api/v1/environment", s.base))
        .bearer_auth("tok-3141")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(!text.contains("tok-3141"), "{text}");
    assert!(!text.contains("very-secret-value"), "{text}");
    let env: Value = serde_json::from_str(&text).unwrap();
    let engine = env["engine"].as_array().unwrap();
    assert!(engine.contains(&json!(["shark.memory.storage", "64m"])));
    assert!(engine.contains(&json!(["fs.s3a.secret.key", "*********(redacted)"])));
    assert_eq!(env["runtime"]["master"], "local[2]");
    assert_eq!(env["runtime"]["pid"], std::process::id());
}

/// Reads the event stream until `want` holds for an update; the update.
async fn next_update(
    r: &mut reqwest::Response,
    buf: &mut String,
    want: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        while let Some(end) = buf.find("\n\n") {
            let msg: String = buf.drain(..end + 2).collect();
            if let Some(data) = msg.lines().find_map(|l| l.strip_prefix("data: ")) {
                assert!(msg.contains("event: update"), "{msg}");
                let v: Value = serde_json::from_str(data).unwrap();
                if want(&v) {
                    return v;
                }
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let chunk = tokio::time::timeout(left, r.chunk())
            .await
            .expect("an update in time")
            .unwrap()
            .expect("the stream stays open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn the_event_stream_tells_what_changed() {
    let s = start(|_| {});
    load_src(&s).await;
    let mut r = client()
        .get(format!("{}/api/v1/events", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut buf = String::new();
    let first = next_update(&mut r, &mut buf, |_| true).await;
    assert_eq!(first["seq"], 1);
    let started = Instant::now();
    run_ok(&s.base, "CACHE TABLE src").await;
    let u = next_update(&mut r, &mut buf, |v| {
        v["changed"].as_array().unwrap().contains(&json!("storage"))
    })
    .await;
    assert!(u["seq"].as_u64().unwrap() > 1);
    assert!(
        u["changed"].as_array().unwrap().contains(&json!("sql")),
        "{u}"
    );
    // Coalesced: while queries run back to back (hundreds of engine
    // events a second), a few updates a second at most.
    let base = s.base.clone();
    let burst = tokio::spawn(async move {
        let t = Instant::now();
        let mut n = 0;
        while t.elapsed() < Duration::from_millis(1500) {
            let _ = run(&base, json!({ "sql": "SELECT count(*) FROM src" })).await;
            n += 1;
        }
        n
    });
    let mut updates = buf.matches("event: update").count();
    let until = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < until {
        if let Ok(Ok(Some(c))) = tokio::time::timeout(Duration::from_millis(100), r.chunk()).await {
            updates += String::from_utf8_lossy(&c).matches("event: update").count();
        }
    }
    let n = burst.await.unwrap();
    assert!(n > 3, "queries ran: {n}");
    assert!(
        (2..=7).contains(&updates),
        "{updates} updates in 1.5 s for {n} queries"
    );
    let _ = started;
}

#[tokio::test]
async fn every_ui_endpoint_is_in_the_openapi_document() {
    let s = start(|_| {});
    let doc = get_ok(&s.base, "/openapi.json").await;
    for p in [
        "/api/v1/info",
        "/api/v1/sql",
        "/api/v1/sql/{id}",
        "/api/v1/jobs",
        "/api/v1/jobs/{id}",
        "/api/v1/stages",
        "/api/v1/stages/{id}",
        "/api/v1/stages/{id}/{attempt}",
        "/api/v1/stages/{id}/{attempt}/taskList",
        "/api/v1/stages/{id}/{attempt}/taskSummary",
        "/api/v1/storage/rdd",
        "/api/v1/storage/tables",
        "/api/v1/executors",
        "/api/v1/environment",
        "/api/v1/events",
        "/",
        "/static/{path}",
    ] {
        assert!(doc["paths"][p]["get"].is_object(), "{p} documented");
    }
}
