//! Inputs that used to panic, wrap around or retry pointlessly (issue
//! "Hardening", engine items): each is now a clear error or Hive's answer.

use rdd::listener::TaskOutcome;
use rdd::{Event, EventLog};
use shark::{Session, SharkError};
use std::sync::Arc;

mod common;
use common::rows;

fn session() -> (Session, tempfile::TempDir) {
    common::session_with_src("hardening")
}

fn error(s: &mut Session, sql: &str) -> SharkError {
    match s.query(sql) {
        Ok(_) => panic!("{sql} should fail"),
        Err(e) => e,
    }
}

#[test]
fn malformed_statements_are_errors_not_panics() {
    let (mut s, _dir) = session();
    let e = error(&mut s, "SHOW");
    assert!(e.to_string().contains("SHOW needs what to show"), "{e}");
    let e = error(&mut s, "EXPLAIN éé");
    assert!(matches!(e, SharkError::Parse { .. }), "{e}");
    let e = error(&mut s, "SELECT struct_field(-0.0, -0.0)");
    assert!(e.to_string().contains("needs a struct"), "{e}");
    let e = error(&mut s, "SELECT 1 INTO t");
    assert!(e.to_string().contains("no SELECT INTO"), "{e}");
}

#[test]
fn non_ascii_names_keep_their_letters() {
    let (mut s, _dir) = session();
    s.execute_script(
        "CREATE TABLE t (`cé` int, s string COMMENT 'ünï', m map<string,int>); \
         INSERT INTO t SELECT 1, 'ö', map('ä', 2)",
    )
    .unwrap();
    assert_eq!(
        rows(&mut s, "SELECT `cé`, s, m['ä'] FROM t"),
        vec!["1\tö\t2"]
    );
    let described = rows(&mut s, "DESCRIBE t");
    assert!(described[0].starts_with("cé\tint"), "{described:?}");
    assert!(described[1].contains("ünï"), "{described:?}");
}

#[test]
fn out_of_range_timestamps_are_null() {
    let (mut s, _dir) = session();
    assert_eq!(
        rows(
            &mut s,
            "SELECT cast(1e20 AS timestamp), cast(100000000000000 AS timestamp), \
             cast(1.5 AS timestamp), cast(253402300799 AS timestamp)"
        ),
        vec!["NULL\tNULL\t1970-01-01 00:00:01.5\t9999-12-31 23:59:59"]
    );
}

#[test]
fn errors_a_retry_would_repeat_fail_at_once() {
    let (mut s, _dir) = session();
    let log = Arc::new(EventLog::default());
    s.context().add_listener(log.clone());
    for sql in [
        "SELECT printf('%d', 'abc') FROM src",
        "SELECT assert_true(key < 0) FROM src",
    ] {
        let before = log.events().len();
        let e = error(&mut s, sql);
        assert!(!e.to_string().contains("time(s)"), "not retried: {e}");
        let failed = log.events()[before..]
            .iter()
            .filter(|ev| {
                matches!(
                    ev,
                    Event::TaskEnd {
                        outcome: TaskOutcome::Failed(_),
                        attempt,
                        ..
                    } if *attempt > 0
                )
            })
            .count();
        assert_eq!(failed, 0, "{sql}: no second attempt");
    }
}

#[test]
fn values_past_the_size_limit_fail_with_the_function_name() {
    let (mut s, _dir) = session();
    for (sql, function) in [
        ("SELECT rpad('x', 2147483647, 'yz')", "rpad"),
        ("SELECT lpad(value, 2000000000, 'y') FROM src", "lpad"),
        ("SELECT repeat(repeat('x', 100000), 100000)", "repeat"),
        ("SELECT space(key * 1000000000) FROM src", "space"),
    ] {
        let e = error(&mut s, sql).to_string();
        assert!(e.contains(function) && e.contains("64 MiB"), "{sql}: {e}");
    }
    // Under the limit: whole values, never cut.
    assert_eq!(
        rows(
            &mut s,
            "SELECT length(repeat('ab', 2000000)), length(space(3000000)), lpad('ab', 5, 'xy')"
        ),
        vec!["4000000\t3000000\txyxab"]
    );
}

#[test]
fn opening_a_warehouse_undoes_what_dead_writers_left() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    {
        let ctx = rdd::Context::new("local[2]", "leftovers").unwrap();
        let mut s = Session::with_warehouse(ctx.clone(), &wh).unwrap();
        s.execute_script("CREATE TABLE t (k INT); INSERT INTO t VALUES (1), (2)")
            .unwrap();
        ctx.stop();
    }
    // A writer killed mid-overwrite: the table folder set aside, not yet
    // replaced; and its staging folder.
    let dead = hive::writers::ended_process_id().unwrap();
    let table = wh.join("t");
    let aside = wh.join(format!(".t.shark-old-{dead}"));
    std::fs::rename(&table, &aside).unwrap();
    let staging = wh.join(format!(".shark-staging/{dead}-1-0"));
    std::fs::create_dir_all(&staging).unwrap();
    let ctx = rdd::Context::new("local[2]", "leftovers").unwrap();
    let mut s = Session::with_warehouse(ctx, &wh).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while (!table.exists() || staging.exists()) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!aside.exists() && !staging.exists());
    assert_eq!(rows(&mut s, "SELECT sum(k) FROM t"), ["3"]);
}

#[test]
fn levenshtein_of_two_long_strings_fails_at_once() {
    let (mut s, _d) = session();
    let started = std::time::Instant::now();
    match s.query("SELECT levenshtein(repeat('a', 100000), repeat('b', 100000))") {
        Err(SharkError::Execution(m)) => assert!(m.contains("levenshtein"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(
        rows(&mut s, "SELECT levenshtein('kitten', 'sitting')"),
        ["3"]
    );
}

/// What `benches/fuzz_sql.rs` found (each had aborted or panicked).
#[test]
fn fuzzer_findings_are_values() {
    let (mut s, _dir) = session();
    // A row count past the values would have built 2^31 expressions.
    let e = error(&mut s, "SELECT stack(2147483647, 1, 'a', 2, 'b')");
    assert!(e.to_string().contains("more rows than its 4 values"), "{e}");
    // Days past the calendar (or past i64 when negated): NULL.
    assert_eq!(
        rows(
            &mut s,
            "SELECT date_add('2024-01-01', 9223372036854775807), date_sub('2008-04-08', -9223372036854775808), date_add('2024-01-01', 1)"
        ),
        vec!["NULL\tNULL\t2024-01-02"]
    );
    // A length that overflows the end position.
    assert_eq!(
        rows(&mut s, "SELECT substr('Facebook', 5, 9223372036854775807), substring('Facebook', -5, 9223372036854775807)"),
        vec!["book\tebook"]
    );
    // A DISTINCT over no columns read past its (empty) key rows.
    let e = error(&mut s, "SELECT count(DISTINCT *) FROM src");
    assert!(e.to_string().contains("count(DISTINCT *)"), "{e}");
}
