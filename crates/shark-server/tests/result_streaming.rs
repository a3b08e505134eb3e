//! Results of any size: spooled to disk, paged and streamed from there
//! (CSV, NDJSON, Arrow IPC), followed while the query runs, streamed
//! straight from `POST /v1/statements`, cut by the byte limits with the cut
//! reported, and removed with their query.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// 100,000 rows: keys 0..200 of `a` paired with every key of `b`.
const WIDE: &str = "SELECT a.key AS k, b.key AS j FROM src a JOIN src b WHERE a.key < 200";

/// Sum of `k` over WIDE's rows.
const WIDE_K_SUM: i64 = 500 * (199 * 200 / 2);

fn spooled_files(s: &TestServer) -> Vec<u64> {
    std::fs::read_dir(s.ctx.scratch_dir().join("results"))
        .map(|d| {
            d.filter_map(|e| e.ok()?.metadata().ok().map(|m| m.len()))
                .collect()
        })
        .unwrap_or_default()
}

/// POSTs a statement request, with an `Accept` header if given.
async fn post(base: &str, body: Value, accept: Option<&str>) -> reqwest::Response {
    let mut r = client().post(format!("{base}/v1/statements")).json(&body);
    if let Some(a) = accept {
        r = r.header("accept", a);
    }
    r.send().await.unwrap()
}

fn query_id(resp: &reqwest::Response) -> String {
    resp.headers()["x-shark-query-id"]
        .to_str()
        .unwrap()
        .to_string()
}

fn csv_k_sum(csv: &str) -> (usize, i64) {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("k,j"));
    let mut n = 0;
    let mut sum = 0;
    for l in lines {
        n += 1;
        sum += l.split(',').next().unwrap().parse::<i64>().unwrap();
    }
    (n, sum)
}

#[tokio::test]
async fn a_large_result_is_spooled_paged_and_streamed() {
    let s = start(|_| {});
    load_src(&s).await;
    let base = &s.base;
    let (status, r) = run(base, json!({ "sql": WIDE, "wait_ms": 60_000 })).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    // The answer carries the first page; the rest is on disk.
    assert_eq!(r["total_rows"], 100_000);
    assert_eq!(r["row_count"], 10_000);
    assert_eq!(r["truncated"], false);
    assert!(
        r["next_uri"].as_str().unwrap().contains("offset=10000"),
        "{r}"
    );
    let id = r["query_id"].as_str().unwrap().to_string();
    let files = spooled_files(&s);
    assert_eq!(files.len(), 1, "one spool file: {files:?}");
    assert!(files[0] > 800_000, "100,000 rows of two ints: {files:?}");

    let (_, p) = get(
        base,
        &format!("/v1/queries/{id}/results?offset=99990&limit=50"),
    )
    .await;
    assert_eq!(p["row_count"], 10);
    assert!(p["next_uri"].is_null());

    let c = client();
    let resp = c
        .get(format!("{base}/v1/queries/{id}/results?format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-shark-truncated"], "false");
    let (n, sum) = csv_k_sum(&resp.text().await.unwrap());
    assert_eq!((n, sum), (100_000, WIDE_K_SUM));

    let nd = c
        .get(format!(
            "{base}/v1/queries/{id}/results?format=ndjson&offset=50000&limit=3"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(nd.lines().count(), 3);
    let first: Value = serde_json::from_str(nd.lines().next().unwrap()).unwrap();
    assert!(first["k"].is_i64() && first["j"].is_i64(), "{first}");

    let arrow = c
        .get(format!("{base}/v1/queries/{id}/results"))
        .header("accept", "application/vnd.apache.arrow.stream")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let reader =
        arrow::ipc::reader::StreamReader::try_new(std::io::Cursor::new(arrow), None).unwrap();
    let rows: usize = reader.map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(rows, 100_000);
}

#[tokio::test]
async fn results_go_with_their_query() {
    let s = start(|c| {
        c.result_ttl_secs = 1;
        c.session_idle_secs = 1;
    });
    load_src(&s).await;
    let (_, r) = run(&s.base, json!({ "sql": "SELECT key FROM src" })).await;
    let id = r["query_id"].as_str().unwrap().to_string();
    assert_eq!(r["total_rows"], 500);
    assert_eq!(spooled_files(&s).len(), 1);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !spooled_files(&s).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the spool file outlived its query"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, _) = get(&s.base, &format!("/v1/queries/{id}/results")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn byte_limits_cut_the_result_and_say_so() {
    let s = start(|c| c.max_result_bytes = 100_000);
    load_src(&s).await;
    let (status, r) = run(&s.base, json!({ "sql": WIDE, "wait_ms": 60_000 })).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["truncated"], true);
    assert!(
        r["truncated_by"]
            .as_str()
            .unwrap()
            .contains("max-result-bytes"),
        "{r}"
    );
    let kept = r["total_rows"].as_u64().unwrap() as usize;
    assert!(kept > 0 && kept < 100_000, "{r}");
    let id = r["query_id"].as_str().unwrap();
    let resp = client()
        .get(format!("{}/v1/queries/{id}/results?format=csv", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-shark-truncated"], "true");
    // Cut by a server limit: the stream ends with an error, never looking
    // complete; the JSON pages still serve the rows kept.
    assert!(resp.text().await.is_err());
    let (_, p) = get(
        &s.base,
        &format!("/v1/queries/{id}/results?offset=0&limit=10"),
    )
    .await;
    assert_eq!(p["row_count"], 10);
    assert_eq!(p["total_rows"], kept);
    assert!(spooled_files(&s)[0] <= 100_000);
}

#[tokio::test]
async fn result_streams_are_capped() {
    let s = start(|c| c.max_streams = 1);
    load_src(&s).await;
    let mut first = post(&s.base, json!({ "sql": ENDLESS, "format": "csv" }), None).await;
    assert_eq!(first.status(), StatusCode::OK);
    first.chunk().await.unwrap();
    let second = post(&s.base, json!({ "sql": "SELECT 1", "format": "csv" }), None).await;
    assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
    let e: Value = second.json().await.unwrap();
    assert_eq!(e["error"]["kind"], "limit", "{e}");
    let id = query_id(&first);
    drop(first);
    wait_end(&s.base, &id).await;
    // The place comes back once the first stream ends.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = post(&s.base, json!({ "sql": "SELECT 1", "format": "csv" }), None).await;
        if r.status() == StatusCode::OK {
            assert_eq!(r.text().await.unwrap(), "_c0\r\n1\r\n");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the stream's place never came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn post_streams_the_result_directly() {
    let s = start(|_| {});
    load_src(&s).await;
    let resp = post(&s.base, json!({ "sql": WIDE, "format": "csv" }), None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let id = query_id(&resp);
    assert_eq!(
        csv_k_sum(&resp.text().await.unwrap()),
        (100_000, WIDE_K_SUM)
    );
    let st = wait_end(&s.base, &id).await;
    assert_eq!(st["state"], "finished");
    assert_eq!(st["row_count"], 100_000);

    // The Accept header picks the format too.
    let nd = post(
        &s.base,
        json!({ "sql": "SELECT key, value FROM src WHERE key < 3 ORDER BY key" }),
        Some("application/x-ndjson"),
    )
    .await
    .text()
    .await
    .unwrap();
    let rows: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows[2], json!({ "key": 2, "value": "val_2" }));

    // A statement failing before its rows answers with the JSON error.
    let r = post(
        &s.base,
        json!({ "sql": "SELECT nope FROM src", "format": "ndjson" }),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["kind"], "analysis", "{e}");

    // A script's result may be replaced by a later statement: not streamed.
    let r = post(
        &s.base,
        json!({ "sql": "SELECT 1; SELECT 2", "format": "csv" }),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_stream_follows_a_query_that_has_not_run_yet() {
    let s = start(|c| c.max_concurrent = 1);
    load_src(&s).await;
    let base = s.base.clone();
    let (_, r) = run(&base, json!({ "sql": LONG, "wait_ms": 0 })).await;
    let long = r["query_id"].as_str().unwrap().to_string();
    wait_state(&base, &long, "running").await;
    let (_, r) = run(&base, json!({ "sql": WIDE, "wait_ms": 0 })).await;
    let wide = r["query_id"].as_str().unwrap().to_string();
    let (_, st) = get(&base, &format!("/v1/queries/{wide}")).await;
    assert_eq!(st["state"], "queued");

    let url = format!("{base}/v1/queries/{wide}/results?format=csv");
    let reading = tokio::spawn(async move {
        let resp = client().get(url).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        resp.text().await.unwrap()
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !reading.is_finished(),
        "the stream waits for the queued query"
    );
    client()
        .delete(format!("{base}/v1/queries/{long}"))
        .send()
        .await
        .unwrap();
    let csv = tokio::time::timeout(Duration::from_secs(60), reading)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(csv_k_sum(&csv), (100_000, WIDE_K_SUM));
}

/// Rows without end (125 million), for cancelling mid-stream.
const ENDLESS: &str = "SELECT a.key, b.key, c.key FROM src a JOIN src b JOIN src c";

#[tokio::test]
async fn cancelling_mid_stream_fails_the_body() {
    let s = start(|_| {});
    load_src(&s).await;
    let mut resp = post(&s.base, json!({ "sql": ENDLESS, "format": "csv" }), None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let id = query_id(&resp);
    let head = resp.chunk().await.unwrap().unwrap();
    assert!(head.starts_with(b"key,key,key"), "{head:?}");
    client()
        .delete(format!("{}/v1/queries/{id}", s.base))
        .send()
        .await
        .unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match resp.chunk().await {
                Ok(Some(_)) => continue,
                Ok(None) => return "clean end",
                Err(_) => return "error",
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(ended, "error", "a cancelled stream must not look complete");
    assert_eq!(wait_end(&s.base, &id).await["state"], "cancelled");
}

#[tokio::test]
async fn a_client_leaving_cancels_its_streamed_query() {
    let s = start(|_| {});
    load_src(&s).await;
    let mut resp = post(&s.base, json!({ "sql": ENDLESS, "format": "csv" }), None).await;
    let id = query_id(&resp);
    resp.chunk().await.unwrap();
    drop(resp);
    let st = wait_end(&s.base, &id).await;
    assert_eq!(st["state"], "cancelled", "{st}");
}

#[tokio::test]
async fn nested_values_are_json_arrays_and_objects() {
    let s = start(|_| {});
    let (status, r) = run(
        &s.base,
        json!({ "sql": "SELECT array(1, 2), map('a', 1), named_struct('x', 1, 'y', 'b'), percentile(2, array(0.5))" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        r["rows"][0],
        json!([[1, 2], {"a": 1}, {"x": 1, "y": "b"}, [2.0]])
    );
    assert_eq!(r["columns"][1]["type"], "map<string,int>");
    assert_eq!(r["columns"][2]["type"], "struct<x:int,y:string>");
}

/// Newest query's id and state.
async fn newest(base: &str) -> (String, String) {
    let (_, l) = get(base, "/v1/queries?limit=1").await;
    let q = &l["queries"][0];
    (
        q["query_id"].as_str().unwrap_or_default().to_string(),
        q["state"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test]
async fn a_client_hanging_up_before_the_first_row_cancels_its_query() {
    use std::io::Write;
    let s = start(|_| {});
    load_src(&s).await;
    // An aggregate over 125M rows: no row for a long while.
    let body = json!({
        "sql": "SELECT count(*) FROM src a JOIN src b JOIN src c",
        "format": "csv"
    })
    .to_string();
    let addr = s.base.trim_start_matches("http://").to_string();
    let mut c = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        c,
        "POST /v1/statements HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while newest(&s.base).await.1 != "running" {
        assert!(Instant::now() < deadline, "the query never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(c);
    let (id, _) = newest(&s.base).await;
    let st = wait_end(&s.base, &id).await;
    assert_eq!(st["state"], "cancelled", "{st}");
}

#[tokio::test]
async fn a_client_leaving_while_rows_flow_cancels_its_query() {
    let s = start(|_| {});
    load_src(&s).await;
    let mut resp = post(&s.base, json!({ "sql": ENDLESS, "format": "csv" }), None).await;
    let id = query_id(&resp);
    let mut read = 0;
    while read < 200_000 {
        read += resp.chunk().await.unwrap().expect("rows").len();
    }
    drop(resp);
    let st = wait_end(&s.base, &id).await;
    assert_eq!(st["state"], "cancelled", "{st}");
    assert!(st["row_count"].as_u64().unwrap() < 125_000_000);
}
