//! Window functions beyond the golden files: partitions spanning many
//! batches and a sort that spills, checked against a direct computation,
//! and the errors of misplaced or malformed windows.

use arrow::array::{Int32Array, Int64Array};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use shark::table::MemTable;
use shark::{MemoryCatalog, Session};
use std::collections::HashMap;
use std::sync::Arc;

mod common;

const N: i64 = 60_000;

/// `t(k, g, v)`: k a permutation of 0..N, g = k % 7, v = k % 13 or NULL
/// when k % 10 == 0; in 12 batches, under a 256 KiB execution budget.
fn session() -> (Session, Arc<rdd::EventLog>) {
    let conf = rdd::Conf::new().set(rdd::conf::MEMORY_EXECUTION, "256k");
    let ctx = rdd::Context::with_conf("local[2]", "window-suite", conf).unwrap();
    let log = Arc::new(rdd::EventLog::default());
    ctx.add_listener(log.clone());
    let schema = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Int64, true),
        Field::new("g", DataType::Int32, true),
        Field::new("v", DataType::Int64, true),
    ]));
    let keys: Vec<i64> = (0..N).map(|i| (i * 7919) % N).collect();
    let batches = keys
        .chunks(5_000)
        .map(|ks| {
            RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(Int64Array::from(ks.to_vec())),
                    Arc::new(Int32Array::from_iter_values(
                        ks.iter().map(|k| (k % 7) as i32),
                    )),
                    Arc::new(Int64Array::from_iter(
                        ks.iter().map(|k| (k % 10 != 0).then_some(k % 13)),
                    )),
                ],
            )
            .unwrap()
        })
        .collect();
    let catalog = Arc::new(MemoryCatalog::new());
    catalog.register(
        "default",
        "t",
        Arc::new(MemTable::try_new(schema, batches).unwrap()),
    );
    let mut s = Session::new(ctx, catalog);
    s.set("shark.shuffle.partitions", "3");
    (s, log)
}

fn v(k: i64) -> Option<i64> {
    (k % 10 != 0).then_some(k % 13)
}

/// Rows as text fields, keyed by their first column.
fn by_key(s: &mut Session, sql: &str) -> HashMap<i64, Vec<String>> {
    let batches = s.query(sql).unwrap();
    common::text_rows(&batches)
        .into_iter()
        .map(|r| (r[0].parse().unwrap(), r))
        .collect()
}

fn text(x: Option<i64>) -> String {
    x.map(|x| x.to_string()).unwrap_or_else(|| "NULL".into())
}

#[test]
fn partitions_across_batches_match_a_direct_computation() {
    let (mut s, log) = session();
    let got = by_key(
        &mut s,
        "SELECT k, row_number() OVER w, sum(v) OVER w, \
         sum(v) OVER (PARTITION BY g ORDER BY k ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING), \
         count(v) OVER (PARTITION BY g ORDER BY k ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), \
         max(v) OVER (PARTITION BY g), lag(k, 3) OVER w, \
         first_value(v, true) OVER (PARTITION BY g ORDER BY k ROWS BETWEEN 5 PRECEDING AND CURRENT ROW) \
         FROM t WINDOW w AS (PARTITION BY g ORDER BY k)",
    );
    assert_eq!(got.len(), N as usize);
    for g in 0..7 {
        let ks: Vec<i64> = (0..N).filter(|k| k % 7 == g).collect();
        let max = ks.iter().filter_map(|&k| v(k)).max();
        let mut running: Option<i64> = None;
        let mut rest = ks.iter().filter(|&&k| v(k).is_some()).count() as i64;
        for (i, &k) in ks.iter().enumerate() {
            if let Some(x) = v(k) {
                running = Some(running.unwrap_or(0) + x);
            }
            let sliding: Vec<i64> = ks[i.saturating_sub(2)..(i + 2).min(ks.len())]
                .iter()
                .filter_map(|&k| v(k))
                .collect();
            let sliding = (!sliding.is_empty()).then(|| sliding.iter().sum::<i64>());
            let lag = (i >= 3).then(|| ks[i - 3]);
            let first = ks[i.saturating_sub(5)..=i].iter().find_map(|&k| v(k));
            let want = vec![
                k.to_string(),
                (i + 1).to_string(),
                text(running),
                text(sliding),
                rest.to_string(),
                text(max),
                text(lag),
                text(first),
            ];
            assert_eq!(got[&k], want, "k = {k}");
            rest -= v(k).is_some() as i64;
        }
    }
    assert!(
        log.total_task_metrics().disk_bytes_spilled > 0,
        "the sort under the window should spill at this budget"
    );
}

#[test]
fn one_partition_over_everything() {
    let (mut s, _) = session();
    let got = by_key(
        &mut s,
        "SELECT k, sum(k) OVER (ORDER BY k), rank() OVER (ORDER BY g), \
         count(*) OVER (ORDER BY k RANGE BETWEEN 10 PRECEDING AND 5 FOLLOWING), \
         cume_dist() OVER (ORDER BY g) FROM t",
    );
    let sizes: Vec<i64> = (0..7)
        .map(|g| (0..N).filter(|k| k % 7 == g).count() as i64)
        .collect();
    let per_g = |g: i64| sizes[g as usize];
    for k in 0..N {
        let g = k % 7;
        let rank = 1 + (0..g).map(per_g).sum::<i64>();
        let in_range = (k + 5).min(N - 1) - (k - 10).max(0) + 1;
        let cume = (0..=g).map(per_g).sum::<i64>() as f64 / N as f64;
        let row = &got[&k];
        assert_eq!(row[1], (k * (k + 1) / 2).to_string(), "k = {k}");
        assert_eq!(row[2], rank.to_string(), "k = {k}");
        assert_eq!(row[3], in_range.to_string(), "k = {k}");
        let c: f64 = row[4].parse().unwrap();
        assert!((c - cume).abs() < 1e-12, "k = {k}: {c} vs {cume}");
    }
}

#[test]
fn filters_on_partition_keys_run_before_the_window() {
    let (mut s, _) = session();
    let sql = "SELECT k, rn FROM (SELECT k, g, row_number() OVER (PARTITION BY g ORDER BY k) rn \
               FROM t) x WHERE g = 3 AND rn <= 2";
    let mut got: Vec<Vec<String>> = by_key(&mut s, sql).into_values().collect();
    got.sort();
    assert_eq!(got, vec![vec!["10", "2"], vec!["3", "1"]]);
    let explain: Vec<String> = s
        .query(&format!("EXPLAIN EXTENDED {sql}"))
        .unwrap()
        .iter()
        .flat_map(|b| hive::text::render_column(b.column(0)).unwrap())
        .map(|l| l.unwrap_or_default())
        .collect();
    let explain = explain.join("\n");
    let optimized = explain
        .split("== Optimized Logical Plan ==")
        .nth(1)
        .unwrap();
    let plan = optimized.split("== Physical Plan ==").next().unwrap();
    let window = plan.find("Window").unwrap();
    let g_filter = plan.find("= 3").unwrap();
    let rn_filter = plan.find("<= 2").unwrap();
    assert!(rn_filter < window && window < g_filter, "{plan}");
}

#[test]
fn misplaced_and_malformed_windows_are_errors() {
    let (mut s, _) = session();
    let err = |s: &mut Session, sql: &str| match s.query(sql) {
        Ok(_) => panic!("{sql} should fail"),
        Err(e) => e.to_string(),
    };
    let e = err(
        &mut s,
        "SELECT k FROM t WHERE row_number() OVER (ORDER BY k) < 3",
    );
    assert!(e.contains("only allowed in the SELECT list"), "{e}");
    let e = err(
        &mut s,
        "SELECT sum(v) OVER (ORDER BY g, k RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
    );
    assert!(e.contains("exactly one ORDER BY key"), "{e}");
    let e = err(&mut s, "SELECT rank() OVER nowhere FROM t");
    assert!(e.contains("unknown window 'nowhere'"), "{e}");
    let e = err(&mut s, "SELECT ntile(k) OVER (ORDER BY k) FROM t");
    assert!(e.contains("constants"), "{e}");
    let e = err(&mut s, "SELECT upper(k) OVER (ORDER BY k) FROM t");
    assert!(e.contains("not a window function"), "{e}");
    let e = err(
        &mut s,
        "SELECT k, sum(v) OVER (PARTITION BY g) FROM t GROUP BY g",
    );
    assert!(e.contains("GROUP BY"), "{e}");
}

#[test]
fn wide_sliding_frames_are_taken_a_chunk_at_a_time() {
    let (mut s, _) = session();
    // 2,000 running DISTINCT frames: 2M (row, frame row) pairs, over the
    // 1M expanded at once.
    let got = by_key(
        &mut s,
        "SELECT k, count(DISTINCT g) OVER (ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), \
         sum(k) OVER (ORDER BY k ROWS BETWEEN 600 PRECEDING AND 600 FOLLOWING) FROM t WHERE k < 2000",
    );
    for k in 0..2000i64 {
        let window_sum: i64 = ((k - 600).max(0)..=(k + 600).min(1999)).sum();
        assert_eq!(
            got[&k],
            vec![
                k.to_string(),
                (k + 1).min(7).to_string(),
                window_sum.to_string()
            ],
            "k = {k}"
        );
    }
}
