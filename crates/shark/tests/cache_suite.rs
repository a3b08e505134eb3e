//! Shark's table cache: CACHE TABLE serves queries from the block store
//! (no file reads), follows writes made by Shark or by anyone else, spills
//! past the storage budget, caches query results under a name, and lets go
//! on UNCACHE TABLE / CLEAR CACHE.

use shark::{Session, StatementResult};
use std::sync::Arc;

mod common;
use common::rows;

fn context(storage: &str) -> (rdd::Context, Arc<rdd::EventLog>) {
    let conf = rdd::Conf::new().set(rdd::conf::MEMORY_STORAGE, storage);
    let ctx = rdd::Context::with_conf("local[2]", "cache-suite", conf).unwrap();
    let log = Arc::new(rdd::EventLog::default());
    ctx.add_listener(log.clone());
    (ctx, log)
}

fn run(s: &mut Session, sql: &str) -> Option<String> {
    match s.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}")) {
        StatementResult::Done(note) => note,
        StatementResult::Rows(r) => {
            r.collect_batches().unwrap();
            None
        }
    }
}

/// Bytes the query's jobs read from table files.
fn bytes_read(s: &mut Session, log: &rdd::EventLog, sql: &str) -> (Vec<String>, u64) {
    let before = log.total_task_metrics().bytes_read;
    let got = rows(s, sql);
    (got, log.total_task_metrics().bytes_read - before)
}

#[test]
fn cached_tables_serve_queries_and_follow_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, log) = context("64m");
    let mut s = Session::with_warehouse(ctx.clone(), dir.path()).unwrap();
    run(&mut s, "CREATE TABLE t (k INT, v STRING)");
    run(&mut s, "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    let q = "SELECT count(*), sum(k) FROM t";
    let (got, read) = bytes_read(&mut s, &log, q);
    assert_eq!(got, vec!["3\t6"]);
    assert!(read > 0, "an uncached scan reads the files");

    let note = run(&mut s, "CACHE TABLE t").unwrap();
    assert_eq!(note, "Cached default.t: 3 rows");
    assert!(!ctx.storage_status().is_empty());
    let (got, read) = bytes_read(&mut s, &log, q);
    assert_eq!(
        (got, read),
        (vec!["3\t6".to_string()], 0),
        "served from the cache"
    );
    let explain = rows(&mut s, &format!("EXPLAIN {q}")).join("\n");
    assert!(explain.contains("cached"), "{explain}");
    // Another session on the same engine shares the cache.
    let mut other = Session::with_warehouse(ctx.clone(), dir.path()).unwrap();
    assert_eq!(
        bytes_read(&mut other, &log, q),
        (vec!["3\t6".to_string()], 0)
    );

    // Written by Shark: the next scan caches the new contents.
    run(&mut s, "INSERT INTO t VALUES (10, 'x')");
    assert_eq!(rows(&mut s, q), vec!["4\t16"]);
    assert_eq!(bytes_read(&mut s, &log, q), (vec!["4\t16".to_string()], 0));
    // Written by someone else, straight into the table's folder.
    std::fs::write(dir.path().join("t").join("extra.txt"), "100\u{1}z\n").unwrap();
    assert_eq!(rows(&mut s, q), vec!["5\t116"]);

    run(&mut s, "UNCACHE TABLE t");
    assert!(
        ctx.storage_status().is_empty(),
        "{:?}",
        ctx.storage_status()
    );
    let (got, read) = bytes_read(&mut s, &log, q);
    assert_eq!(got, vec!["5\t116"]);
    assert!(read > 0);
    run(&mut s, "UNCACHE TABLE IF EXISTS nothing");
    assert!(s.execute("UNCACHE TABLE nothing").is_err());
    assert!(s.execute("CACHE TABLE nothing").is_err());
}

#[test]
fn a_cache_larger_than_memory_spills_to_disk() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, log) = context("64k");
    let mut s = Session::with_warehouse(ctx.clone(), dir.path()).unwrap();
    let file = dir.path().join("big.txt");
    let text: String = (0..50_000)
        .map(|i| format!("{i}\u{1}value-{i:08}\n"))
        .collect();
    std::fs::write(&file, text).unwrap();
    run(&mut s, "CREATE TABLE big (k INT, v STRING)");
    run(
        &mut s,
        &format!("LOAD DATA LOCAL INPATH '{}' INTO TABLE big", file.display()),
    );
    assert_eq!(
        run(&mut s, "CACHE TABLE big").unwrap(),
        "Cached default.big: 50000 rows"
    );
    let disk: u64 = ctx.storage_status().iter().map(|i| i.disk_bytes).sum();
    assert!(disk > 0, "{:?}", ctx.storage_status());
    let (got, read) = bytes_read(
        &mut s,
        &log,
        "SELECT count(*), sum(k), max(v) FROM big WHERE k % 2 = 0",
    );
    assert_eq!(got, vec!["25000\t624975000\tvalue-00049998"]);
    assert_eq!(read, 0);
}

#[test]
fn query_results_cached_under_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, log) = context("64m");
    let mut s = Session::with_warehouse(ctx.clone(), dir.path()).unwrap();
    run(&mut s, "CREATE TABLE t (k INT, v STRING)");
    run(&mut s, "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (2, 'c')");
    assert_eq!(
        run(
            &mut s,
            "CACHE TABLE by_k AS SELECT k, count(*) AS n FROM t GROUP BY k"
        )
        .unwrap(),
        "Cached default.by_k: 2 rows"
    );
    let (got, read) = bytes_read(&mut s, &log, "SELECT k, n FROM by_k ORDER BY k");
    assert_eq!(
        (got, read),
        (vec!["1\t1".to_string(), "2\t2".to_string()], 0)
    );
    assert!(
        s.execute("CACHE TABLE t AS SELECT 1").is_err(),
        "a table has the name"
    );
    run(&mut s, "CACHE LAZY TABLE t");
    run(&mut s, "CLEAR CACHE");
    assert!(ctx.storage_status().is_empty());
    assert!(
        s.execute("SELECT * FROM by_k").is_err(),
        "gone with the cache"
    );
}

#[test]
fn tables_named_cached_or_marked_are_cached_on_first_read() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, log) = context("64m");
    let mut s = Session::with_warehouse(ctx.clone(), dir.path()).unwrap();
    run(&mut s, "CREATE TABLE t (k INT)");
    run(&mut s, "INSERT INTO t VALUES (1), (2), (3)");
    run(&mut s, "CREATE TABLE t_cached AS SELECT k * 10 AS k FROM t");
    run(
        &mut s,
        "CREATE TABLE marked (k INT) TBLPROPERTIES ('shark.cache'='true')",
    );
    run(&mut s, "INSERT INTO marked SELECT k FROM t");
    for table in ["t_cached", "marked"] {
        let q = format!("SELECT sum(k) FROM {table}");
        let first = rows(&mut s, &q);
        let (again, read) = bytes_read(&mut s, &log, &q);
        assert_eq!(first, again);
        assert_eq!(read, 0, "{table} is served from the cache");
    }
    // Ordinary tables are not.
    let (_, read) = bytes_read(&mut s, &log, "SELECT sum(k) FROM t");
    assert!(read > 0);
}
