//! shark-server against real servers on ephemeral loopback ports: started
//! in-process (one shared server, and dedicated ones for auth, read-only,
//! limits and cancellation), and once as the binary for start-up and
//! SIGTERM.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

mod common;
use common::*;

#[tokio::test]
async fn health_and_openapi() {
    let base = shared();
    let (status, h) = get(base, "/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h["status"], "ok");
    let (status, doc) = get(base, "/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/v1/statements",
        "/v1/queries/{id}",
        "/v1/queries/{id}/results",
        "/v1/sessions",
        "/v1/catalog/databases/{db}/tables/{table}",
        "/health",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
    let (status, e) = get(base, "/nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(e["error"]["kind"], "not_found");
    let (status, e) = get(base, "/v1/statements").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(e["error"]["kind"], "request");
}

#[tokio::test]
async fn values_are_typed() {
    let sql = "SELECT 1 AS i, cast(9007199254740993 AS BIGINT) AS big, 2.5 AS d, \
               cast('12.34' AS DECIMAL(10,2)) AS dec, true AS b, cast(NULL AS INT) AS n, \
               'x' AS s, cast('2024-01-02' AS DATE) AS dt";
    let (status, r) = run(shared(), json!({ "sql": sql })).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        r["rows"],
        json!([[
            1,
            "9007199254740993",
            2.5,
            "12.34",
            true,
            null,
            "x",
            "2024-01-02"
        ]])
    );
    let types: Vec<&str> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "int",
            "bigint",
            "double",
            "decimal(10,2)",
            "boolean",
            "int",
            "string",
            "date"
        ]
    );
    assert_eq!(r["columns"][0]["name"], "i");
    assert_eq!(r["row_count"], 1);
    assert_eq!(r["truncated"], false);
    assert!(r["elapsed_ms"].is_u64());
    assert!(r["query_id"].is_string());
}

#[tokio::test]
async fn errors_have_kinds_and_positions() {
    let base = shared();
    let (status, e) = run(base, json!({ "sql": "SELECT 1;\nSELEC 2" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["kind"], "parse");
    assert_eq!(e["error"]["line"], 2);
    assert!(e["error"]["column"].is_u64());
    assert_eq!(e["state"], "failed");

    let (status, e) = run(base, json!({ "sql": "SELECT nope FROM src" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["kind"], "analysis");
    assert_eq!(
        (&e["error"]["line"], &e["error"]["column"]),
        (&json!(1), &json!(8))
    );

    // In a script, positions count from the script's first line.
    let (status, e) = run(
        base,
        json!({ "sql": "SELECT 1;\n\nSELECT key,\n  nope FROM src" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        (&e["error"]["line"], &e["error"]["column"]),
        (&json!(4), &json!(3)),
        "{e}"
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("[4:3]"),
        "{e}"
    );

    // A query that fails inside the engine fails alone.
    let (status, e) = run(
        base,
        json!({ "sql": "SELECT assert_true(key < 100) FROM src" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["kind"], "execution");
    let id = e["query_id"].as_str().unwrap();
    let (status, s) = get(base, &format!("/v1/queries/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s["state"], "failed");
    assert_eq!(s["error"]["kind"], "execution");
    let (status, _) = get(base, &format!("/v1/queries/{id}/results")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, r) = run(base, json!({ "sql": "SELECT count(*) FROM src" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r["rows"], json!([[500]]));

    let (status, e) = get(base, "/v1/queries/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(e["error"]["kind"], "not_found");
}

/// Panics on the driver thread when a job starts, while armed.
struct PanicOnJob(std::sync::atomic::AtomicBool);

impl rdd::Listener for PanicOnJob {
    fn on_event(&self, e: &rdd::Event) {
        if matches!(e, rdd::Event::JobStart { .. })
            && self.0.load(std::sync::atomic::Ordering::SeqCst)
        {
            panic!("injected engine panic");
        }
    }
}

#[tokio::test]
async fn a_panicking_query_fails_alone() {
    let s = start(|_| {});
    load_src(&s).await;
    let armed = std::sync::Arc::new(PanicOnJob(true.into()));
    s.ctx.add_listener(armed.clone());
    let (status, e) = run(&s.base, json!({ "sql": "SELECT count(*) FROM src" })).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{e}");
    assert_eq!(e["error"]["kind"], "internal");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("injected engine panic"));
    armed.0.store(false, std::sync::atomic::Ordering::SeqCst);
    let (status, r) = run(&s.base, json!({ "sql": "SELECT count(*) FROM src" })).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["rows"], json!([[500]]));
}

#[tokio::test]
async fn bad_requests() {
    let base = shared();
    let c = client();
    for body in [
        "{not json",
        "{}",
        r#"{"sql": "SELECT 1", "bogus": 1}"#,
        r#"{"sql": "  "}"#,
    ] {
        let r = c
            .post(format!("{base}/v1/statements"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["kind"], "request", "{body}");
    }
    let (status, e) = run(base, json!({ "sql": "SELECT 1", "database": "x; DROP" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let (status, e) = run(base, json!({ "sql": "SELECT 1", "session": "s_none" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{e}");
    let (status, e) = get(base, "/v1/queries?limit=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
}

#[tokio::test]
async fn oversized_bodies_and_sql() {
    let base = shared();
    let huge = format!("SELECT '{}'", "x".repeat(2 << 20));
    let (status, e) = run(base, json!({ "sql": huge })).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(e["error"]["kind"], "limit");
    let long = format!("SELECT '{}'", "x".repeat(300 << 10));
    let (status, e) = run(base, json!({ "sql": long })).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(e["error"]["kind"], "limit");
}

#[tokio::test]
async fn pages_and_row_cap() {
    let base = shared();
    let (status, r) = run(
        base,
        json!({ "sql": "SELECT key, value FROM src ORDER BY key", "wait_ms": 0 }),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{r}");
    let id = r["query_id"].as_str().unwrap().to_string();
    assert_eq!(r["status_url"], format!("/v1/queries/{id}"));
    let s = wait_end(base, &id).await;
    assert_eq!(s["state"], "finished", "{s}");
    assert_eq!(s["row_count"], 500);
    assert_eq!(s["progress"]["rows_fetched"], 500);
    assert!(s["progress"]["jobs"].as_u64().unwrap() >= 1, "{s}");
    assert!(s["progress"]["tasks_done"].as_u64().unwrap() >= 1, "{s}");
    // The physical plan with what each node measured: the sort on top,
    // the scan at the bottom having read every row of src.
    let plan = &s["plan"];
    assert_eq!(plan["id"], 0, "{s}");
    assert_eq!(plan["operator"], "Sort", "{s}");
    let mut node = plan;
    while let Some(child) = node["inputs"].get(0) {
        node = child;
    }
    assert!(
        node["operator"].as_str().unwrap().starts_with("Scan"),
        "{s}"
    );
    assert_eq!(node["metrics"]["rows"], 500, "{s}");
    assert!(
        s["plan_text"][0].as_str().unwrap().starts_with("0: Sort"),
        "{s}"
    );

    let mut keys = Vec::new();
    let mut next = Some(format!("/v1/queries/{id}/results?offset=0&limit=200"));
    let mut pages = 0;
    while let Some(uri) = next {
        let (status, p) = get(base, &uri).await;
        assert_eq!(status, StatusCode::OK, "{p}");
        pages += 1;
        for row in p["rows"].as_array().unwrap() {
            keys.push(row[0].as_i64().unwrap());
        }
        next = p["next_uri"].as_str().map(String::from);
    }
    assert_eq!(pages, 3);
    assert_eq!(keys, (0..500).collect::<Vec<i64>>());

    let (_, p) = get(
        base,
        &format!("/v1/queries/{id}/results?offset=495&limit=10"),
    )
    .await;
    assert_eq!(p["row_count"], 5);
    assert_eq!(p["rows"][0], json!([495, "val_495"]));
    assert!(p["next_uri"].is_null());

    let (status, r) = run(
        base,
        json!({ "sql": "SELECT key FROM src ORDER BY key", "max_rows": 100 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r["row_count"], 100);
    assert_eq!(r["total_rows"], 100);
    assert_eq!(r["truncated"], true);
}

#[tokio::test]
async fn arrow_csv_and_ndjson() {
    let base = shared();
    let (_, r) = run(
        base,
        json!({ "sql": "SELECT key, value FROM src WHERE key < 300 ORDER BY key" }),
    )
    .await;
    let id = r["query_id"].as_str().unwrap();
    let c = client();
    let resp = c
        .get(format!("{base}/v1/queries/{id}/results"))
        .header("accept", "application/vnd.apache.arrow.stream")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"],
        "application/vnd.apache.arrow.stream"
    );
    let bytes = resp.bytes().await.unwrap();
    let reader =
        arrow::ipc::reader::StreamReader::try_new(std::io::Cursor::new(bytes), None).unwrap();
    let schema = reader.schema();
    assert_eq!(schema.field(0).name(), "key");
    assert_eq!(schema.field(1).name(), "value");
    let batches: Vec<_> = reader.map(|b| b.unwrap()).collect();
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 300);

    let page = c
        .get(format!(
            "{base}/v1/queries/{id}/results?format=arrow&offset=10&limit=5"
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let reader =
        arrow::ipc::reader::StreamReader::try_new(std::io::Cursor::new(page), None).unwrap();
    let rows: usize = reader.map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(rows, 5);

    let csv = c
        .get(format!("{base}/v1/queries/{id}/results?format=csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 301);
    assert_eq!(lines[0], "key,value");
    assert_eq!(lines[1], "0,val_0");

    let nd = c
        .get(format!(
            "{base}/v1/queries/{id}/results?format=ndjson&limit=3"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let objs: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 3);
    assert_eq!(objs[2], json!({ "key": 2, "value": "val_2" }));

    let (status, e) = get(base, &format!("/v1/queries/{id}/results?format=xml")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
}

#[tokio::test]
async fn sessions_keep_settings_and_database() {
    let base = shared();
    let c = client();
    let r = c
        .post(format!("{base}/v1/sessions"))
        .json(&json!({ "variables": { "t": "src" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let s: Value = r.json().await.unwrap();
    let sid = s["session_id"].as_str().unwrap().to_string();
    assert_eq!(s["database"], "default");

    let script = "CREATE DATABASE IF NOT EXISTS sess_db; USE sess_db; SET hivevar:lim=7";
    let (status, r) = run(base, json!({ "sql": script, "session": sid })).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["database"], "sess_db");
    let (status, r) = run(
        base,
        json!({ "sql": "SELECT count(*) FROM default.${t} WHERE key < ${lim}", "session": sid }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["rows"], json!([[7]]));
    assert_eq!(r["session"], sid.as_str());
    let (_, r) = run(base, json!({ "sql": "SET lim", "session": sid })).await;
    assert_eq!(r["rows"], json!([["lim is undefined"]]));

    let (status, info) = get(base, &format!("/v1/sessions/{sid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["database"], "sess_db");

    // Without the session: the default database, no variables.
    let (_, r) = run(base, json!({ "sql": "SHOW TABLES" })).await;
    assert!(
        r["rows"].as_array().unwrap().contains(&json!(["src"])),
        "{r}"
    );
    let (_, r) = run(base, json!({ "sql": "SHOW TABLES", "database": "sess_db" })).await;
    assert_eq!(r["rows"], json!([]));

    let r = c
        .delete(format!("{base}/v1/sessions/{sid}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, _) = run(base, json!({ "sql": "SELECT 1", "session": sid })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sessions_expire_when_idle() {
    let s = start(|c| c.session_idle_secs = 1);
    let r = client()
        .post(format!("{}/v1/sessions", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let sid = r.json::<Value>().await.unwrap()["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, _) = get(&s.base, &format!("/v1/sessions/{sid}")).await;
        if status == StatusCode::NOT_FOUND {
            break;
        }
        assert!(Instant::now() < deadline, "session never expired");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn catalog_endpoints() {
    let base = shared();
    let (status, r) = run(
        base,
        json!({ "sql": "CREATE TABLE cat_part (v STRING) PARTITIONED BY (ds STRING) STORED AS PARQUET;\
                         ALTER TABLE cat_part ADD PARTITION (ds='2024-01-01')" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let (status, d) = get(base, "/v1/catalog/databases").await;
    assert_eq!(status, StatusCode::OK);
    assert!(d["databases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["name"] == "default"));
    let (status, t) = get(base, "/v1/catalog/databases/default/tables").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = t["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"src") && names.contains(&"cat_part"), "{t}");

    let (status, src) = get(base, "/v1/catalog/databases/default/tables/src").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        src["columns"][0],
        json!({"name": "key", "type": "int", "comment": null})
    );
    assert_eq!(src["type"], "MANAGED_TABLE");
    assert!(src["storage"]["location"]
        .as_str()
        .unwrap()
        .ends_with("src"));

    let (_, p) = get(base, "/v1/catalog/databases/default/tables/cat_part").await;
    assert_eq!(p["partition_keys"][0]["name"], "ds");
    assert_eq!(p["partitions"][0]["name"], "ds=2024-01-01");
    assert!(p["storage"]["serde"].as_str().unwrap().contains("Parquet"));

    let (status, _) = get(base, "/v1/catalog/databases/default/tables/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(base, "/v1/catalog/databases/nope/tables").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn recent_queries() {
    let base = shared();
    let (_, r) = run(base, json!({ "sql": "SELECT 42" })).await;
    let id = r["query_id"].as_str().unwrap();
    let (status, l) = get(base, "/v1/queries?limit=1000").await;
    assert_eq!(status, StatusCode::OK);
    let q = l["queries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["query_id"] == id)
        .expect("listed");
    assert_eq!(q["state"], "finished");
    assert_eq!(q["sql"], "SELECT 42");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients() {
    let base = shared().to_string();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..12 {
        let base = base.clone();
        set.spawn(async move {
            let sql = format!("SELECT count(*) FROM src WHERE key < {}", i * 10);
            let (status, r) = run(&base, json!({ "sql": sql })).await;
            assert_eq!(status, StatusCode::OK, "{r}");
            assert_eq!(r["rows"], json!([[i * 10]]));
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
}

#[tokio::test]
async fn forbidden_paths_and_environment() {
    let base = shared();
    // A file outside that a statement must not delete.
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    let v = victim.display();
    let o = outside.path().display();
    for sql in [
        "LOAD DATA LOCAL INPATH '/etc/passwd' INTO TABLE src".to_string(),
        "LOAD DATA LOCAL INPATH `/etc/passwd` INTO TABLE src".to_string(),
        "LOAD DATA LOCAL INPATH \"/etc/passwd\" INTO TABLE src".to_string(),
        "SET hivevar:p=/etc/passwd; LOAD DATA LOCAL INPATH '${p}' INTO TABLE src".to_string(),
        "CREATE EXTERNAL TABLE ext (a STRING) LOCATION '/etc'".to_string(),
        format!("CREATE EXTERNAL TABLE ext (a STRING) LOCATION `{o}`"),
        format!("ALTER TABLE src SET LOCATION `{o}`"),
        format!("INSERT OVERWRITE LOCAL DIRECTORY `{v}` SELECT 1"),
        "INSERT OVERWRITE LOCAL DIRECTORY '/tmp/shark-out' SELECT * FROM src".to_string(),
        "SELECT '${env:HOME}'".to_string(),
    ] {
        let (status, e) = run(base, json!({ "sql": sql })).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{sql}: {e}");
        assert_eq!(e["error"]["kind"], "forbidden", "{sql}");
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    // The warehouse's own files are never a statement's source or target.
    let (_, t) = run(base, json!({ "sql": "SELECT count(*) FROM src" })).await;
    let wh = std::path::PathBuf::from(
        get(base, "/v1/catalog/databases").await.1["databases"][0]["location"]
            .as_str()
            .unwrap()
            .trim_start_matches("file:"),
    );
    for sql in [
        format!(
            "LOAD DATA INPATH '{}' INTO TABLE src",
            wh.join("metastore.db").display()
        ),
        format!(
            "LOAD DATA INPATH '{}' INTO TABLE src",
            wh.join(".shark-staging").display()
        ),
        format!(
            "CREATE EXTERNAL TABLE ext2 (a STRING) LOCATION '{}'",
            wh.display()
        ),
    ] {
        let (status, e) = run(base, json!({ "sql": sql })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{sql}: {e}");
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("warehouse"),
            "{e}"
        );
    }
    let (_, after) = run(base, json!({ "sql": "SELECT count(*) FROM src" })).await;
    assert_eq!(after["rows"], t["rows"], "the catalog is intact");
}

#[tokio::test]
async fn auth_on_and_off() {
    let s = start(|c| c.token = Some("s3cret".into()));
    let c = client();
    let r = c.get(format!("{}/health", s.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c
        .get(format!("{}/v1/queries", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["kind"], "auth");
    let r = c
        .get(format!("{}/v1/queries", s.base))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(format!("{}/v1/statements", s.base))
        .bearer_auth("s3cret")
        .json(&json!({ "sql": "SELECT 1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c
        .get(format!("{}/openapi.json", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Without a token, the shared server answers everyone.
    let (status, _) = get(shared(), "/v1/queries").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn read_only_rejects_changes() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("warehouse");
    {
        let rw = start_on(Some(wh.clone()), |_| {});
        load_src(&rw).await;
    }
    let s = start_on(Some(wh), |c| c.read_only = true);
    for sql in [
        "SELECT count(*) FROM src",
        "SHOW TABLES",
        "DESCRIBE FORMATTED src",
        "EXPLAIN SELECT * FROM src",
        "SET x=1; USE default",
    ] {
        let (status, r) = run(&s.base, json!({ "sql": sql })).await;
        assert_eq!(status, StatusCode::OK, "{sql}: {r}");
    }
    for sql in [
        "CREATE TABLE t2 (a INT)",
        "INSERT INTO src VALUES (1, 'x')",
        "DROP TABLE src",
        "SELECT 1; DROP TABLE src",
        "SET hivevar:verb=DROP; ${verb} TABLE src",
    ] {
        let (status, e) = run(&s.base, json!({ "sql": sql })).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{sql}: {e}");
        assert_eq!(e["error"]["kind"], "forbidden");
    }
    let (_, r) = run(&s.base, json!({ "sql": "SELECT count(*) FROM src" })).await;
    assert_eq!(r["rows"], json!([[500]]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_queue_and_session_order() {
    let s = start(|c| {
        c.max_concurrent = 1;
        c.max_queued = 1;
    });
    load_src(&s).await;
    let base = &s.base;
    let (status, sess) = {
        let r = client()
            .post(format!("{base}/v1/sessions"))
            .send()
            .await
            .unwrap();
        (r.status(), r.json::<Value>().await.unwrap())
    };
    assert_eq!(status, StatusCode::CREATED);
    let sid = sess["session_id"].as_str().unwrap();

    let (status, r) = run(base, json!({ "sql": LONG, "session": sid, "wait_ms": 0 })).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let long = r["query_id"].as_str().unwrap().to_string();
    wait_state(base, &long, "running").await;

    // Same session: waits for the running statement, queued.
    let (status, r) = run(
        base,
        json!({ "sql": "SELECT 7", "session": sid, "wait_ms": 0 }),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let next = r["query_id"].as_str().unwrap().to_string();
    // One running, one queued: the queue is full.
    let (status, e) = run(base, json!({ "sql": "SELECT 1" })).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{e}");
    assert_eq!(e["error"]["kind"], "limit");
    let (_, st) = get(base, &format!("/v1/queries/{next}")).await;
    assert_eq!(st["state"], "queued");

    // The running query's first job shows in its progress (it may take a
    // moment to be submitted on a busy machine).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, progress) = get(base, &format!("/v1/queries/{long}")).await;
        if progress["progress"]["jobs"].as_u64().unwrap() >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "no job started: {progress}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let started = Instant::now();
    let r = client()
        .delete(format!("{base}/v1/queries/{long}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "cancel took {:?}",
        started.elapsed()
    );
    assert_eq!(body["state"], "cancelled");
    let st = wait_end(base, &long).await;
    assert_eq!(st["state"], "cancelled");
    assert_eq!(st["error"]["kind"], "cancelled");
    let (status, _) = get(base, &format!("/v1/queries/{long}/results")).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let st = wait_end(base, &next).await;
    assert_eq!(st["state"], "finished", "{st}");
    let (_, p) = get(base, &format!("/v1/queries/{next}/results")).await;
    assert_eq!(p["rows"], json!([[7]]));
}

#[tokio::test]
async fn cancel_a_queued_query() {
    let s = start(|c| c.max_concurrent = 1);
    load_src(&s).await;
    let (_, r) = run(&s.base, json!({ "sql": LONG, "wait_ms": 0 })).await;
    let long = r["query_id"].as_str().unwrap().to_string();
    wait_state(&s.base, &long, "running").await;
    let (_, r) = run(&s.base, json!({ "sql": "SELECT 1", "wait_ms": 0 })).await;
    let queued = r["query_id"].as_str().unwrap().to_string();
    let c = client();
    let r: Value = c
        .delete(format!("{}/v1/queries/{queued}", s.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["state"], "cancelled");
    let r: Value = c
        .delete(format!("{}/v1/queries/{long}", s.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["state"], "cancelled");
}

#[tokio::test]
async fn run_time_limit_cancels() {
    let s = start(|c| c.query_timeout_secs = 1);
    load_src(&s).await;
    let started = Instant::now();
    let (status, e) = run(&s.base, json!({ "sql": LONG })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["kind"], "limit");
    assert!(started.elapsed() < Duration::from_secs(8));
}

/// Reads the first stdout line of a spawned server: its address.
fn spawn_binary(warehouse: &Path) -> (std::process::Child, String) {
    spawn_binary_with(warehouse, &[])
}

fn spawn_binary_with(warehouse: &Path, extra: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shark-server"))
        .args(["--warehouse", warehouse.to_str().unwrap()])
        .args(["--bind", "127.0.0.1:0", "--flight-bind", "127.0.0.1:0"])
        .args(["--master", "local[2]"])
        .args(extra)
        .env("SHARK_SERVER_TOKEN", "tok")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().rsplit("http://").next().unwrap().to_string();
    (child, format!("http://{addr}"))
}

#[tokio::test]
async fn binary_starts_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = spawn_binary(&dir.path().join("wh"));
    let (status, h) = get(&base, "/health").await;
    assert_eq!(status, StatusCode::OK, "{h}");
    // The token comes from SHARK_SERVER_TOKEN.
    let r = client()
        .post(format!("{base}/v1/statements"))
        .bearer_auth("tok")
        .json(&json!({ "sql": "SELECT 1 + 1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (status, _) = get(&base, "/v1/queries").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A long query is running when the signal comes: it is cancelled.
    let data = dir.path().join("wh").join("incoming.txt");
    let rows: String = (0..500).map(|i| format!("{i}\x01v\n")).collect();
    std::fs::write(&data, rows).unwrap();
    let setup = format!(
        "CREATE TABLE src (key INT, value STRING); LOAD DATA LOCAL INPATH '{}' INTO TABLE src",
        data.display()
    );
    for (sql, wait) in [(setup.as_str(), 10_000), (LONG, 0)] {
        let r = client()
            .post(format!("{base}/v1/statements"))
            .bearer_auth("tok")
            .json(&json!({ "sql": sql, "wait_ms": wait }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{sql}: {}", r.status());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Tasks are not preempted: without the default job worker cap the cross
/// join's hour-long tasks would hold both workers and this query would wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_queries_answer_while_a_long_query_runs() {
    let s = start(|_| {});
    load_src(&s).await;
    let base = &s.base;
    let (status, r) = run(base, json!({ "sql": LONG, "wait_ms": 0 })).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let long = r["query_id"].as_str().unwrap().to_string();
    wait_state(base, &long, "running").await;
    // Let the cross join reach its long final stage.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for _ in 0..3 {
        let (status, r) = run(
            base,
            json!({ "sql": "SELECT count(*) FROM src WHERE key < 10", "wait_ms": 5000 }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["rows"], json!([[10]]), "{r}");
    }
    let (_, st) = get(base, &format!("/v1/queries/{long}")).await;
    assert_eq!(st["state"], "running", "{st}");
    let r = client()
        .delete(format!("{base}/v1/queries/{long}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn engine_settings_from_conf_flags_reach_the_engine() {
    let s = start(|c| c.conf = vec!["shark.memory.execution=64m".into()]);
    assert_eq!(
        s.ctx
            .conf()
            .get_bytes(rdd::conf::MEMORY_EXECUTION, 0)
            .unwrap(),
        64 << 20
    );
    // A bad value stops the server at start, naming the setting.
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shark-server"))
        .args(["--warehouse", dir.path().join("wh").to_str().unwrap()])
        .args(["--bind", "127.0.0.1:0", "--flight-bind", "off"])
        .args(["--conf", "shark.memory.execution=lots"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shark.memory.execution"), "{err}");
    // A properties file: engine settings (--conf wins) and sessions' defaults.
    let file = dir.path().join("shark-defaults.conf");
    std::fs::write(
        &file,
        "shark.memory.execution 16m\nshark.memory.storage=48m\nmy.setting = from-file\n",
    )
    .unwrap();
    let f = file.clone();
    let s = start(move |c| {
        c.properties_file = Some(f);
        c.conf = vec!["shark.memory.execution=32m".into()];
    });
    let bytes = |k| s.ctx.conf().get_bytes(k, 0).unwrap();
    assert_eq!(bytes(rdd::conf::MEMORY_EXECUTION), 32 << 20);
    assert_eq!(bytes(rdd::conf::MEMORY_STORAGE), 48 << 20);
    let (_, body) = run(&s.base, json!({ "sql": "SET my.setting" })).await;
    assert_eq!(body["rows"][0][0], "my.setting=from-file", "{body}");
    // At run time an engine setting is fixed: an error that says so.
    let (status, body) = run(&s.base, json!({ "sql": "SET shark.memory.execution=1g" })).await;
    assert_ne!(status, StatusCode::OK);
    assert!(
        body.to_string().contains("cannot change at run time"),
        "{body}"
    );
}

/// Statements as deep as a client may send: a clear error or an answer,
/// and the server lives on (before, ~900 terms overflowed a thread's
/// stack and aborted the process).
#[test]
fn deeply_nested_statements_never_kill_the_server() {
    let dir = tempfile::tempdir().unwrap();
    // Room for 100,000-term statements (the default cap is 256 KiB).
    let (mut child, base) = spawn_binary_with(
        &dir.path().join("wh"),
        &["--max-sql-bytes", "8000000", "--max-body-bytes", "9000000"],
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let chain = |n: usize, op: &str, term: &dyn Fn(usize) -> String| {
        (0..n).map(term).collect::<Vec<_>>().join(op)
    };
    let cases: Vec<(String, bool)> = vec![
        (
            format!("SELECT {}", chain(5_000, " + ", &|_| "1".into())),
            true,
        ),
        (
            format!("SELECT {}", chain(100_000, " + ", &|_| "1".into())),
            false,
        ),
        (
            format!(
                "SELECT 1 WHERE {}",
                chain(100_000, " OR ", &|i| format!("{i} = 7"))
            )
            .replace("SELECT 1 WHERE", "SELECT 1 AS x WHERE"),
            false,
        ),
        (
            format!(
                "SELECT 1 WHERE {}",
                chain(100_000, " AND ", &|i| format!("{i} < 1000000"))
            ),
            false,
        ),
        (
            chain(100_000, " UNION ALL ", &|i| format!("SELECT {i} AS x")),
            false,
        ),
        (
            chain(300, " UNION ALL ", &|i| format!("SELECT {i} AS x")),
            true,
        ),
        (
            format!(
                "WITH c0 AS (SELECT 1 AS x), {} SELECT * FROM c{}",
                chain(100_000, ", ", &|i| format!(
                    "c{} AS (SELECT x FROM c{i})",
                    i + 1
                )),
                100_000
            ),
            false,
        ),
        (
            format!("SELECT {}1{}", "abs(".repeat(100_000), ")".repeat(100_000)),
            false,
        ),
        (
            format!("SELECT {}1{}", "(".repeat(100_000), ")".repeat(100_000)),
            false,
        ),
        (
            format!(
                "SELECT CASE {} END",
                chain(100_000, " ", &|i| format!("WHEN {i} = 3 THEN {i}"))
            ),
            false,
        ),
        (
            format!(
                "SELECT * FROM {}(SELECT 1 AS x) t{}",
                "(SELECT * FROM ".repeat(2_000),
                ") t".repeat(2_000)
            ),
            false,
        ),
    ];
    rt.block_on(async {
        let c = common::client();
        for (sql, answers) in cases {
            let r = c
                .post(format!("{base}/v1/statements"))
                .bearer_auth("tok")
                .json(&json!({ "sql": sql, "wait_ms": 120000 }))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{}…: the server went away: {e}", &sql[..60]));
            let status = r.status();
            let body: Value = r.json().await.unwrap();
            if answers {
                assert_eq!(status, StatusCode::OK, "{}…: {body}", &sql[..60]);
            } else {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{}…: {body}", &sql[..60]);
                let m = body["error"]["message"].as_str().unwrap();
                assert!(
                    m.contains("too complex") || m.contains("nested too deeply"),
                    "{m}"
                );
            }
        }
        let (status, h) = get(&base, "/health").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h["status"], "ok");
    });
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test]
async fn scripts_run_only_when_allowed() {
    let sql =
        "SELECT TRANSFORM(key, value) USING 'cat' AS (k INT, v STRING) FROM src WHERE key = 86";
    let (status, e) = run(shared(), json!({ "sql": sql })).await;
    assert_ne!(status, StatusCode::OK, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--allow-scripts"),
        "{e}"
    );
    let s = start(|c| c.allow_scripts = true);
    load_src(&s).await;
    let (status, r) = run(&s.base, json!({ "sql": sql })).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["rows"], json!([[86, "val_86"]]));
}
