//! Session behaviour beyond the golden files: statements, errors with
//! positions, EXPLAIN, streaming, join strategies, table sources.

use arrow::array::{Array, AsArray, Int32Array, StringArray};
use arrow::datatypes::{DataType, Field, Int64Type, Schema};
use arrow::record_batch::RecordBatch;
use shark::table::{MemTable, ParquetTable, TextTable};
use shark::{MemoryCatalog, Session, SharkError, StatementResult};
use std::sync::Arc;

mod common;
use common::rows;

fn session() -> (Session, Arc<MemoryCatalog>) {
    let ctx = rdd::Context::new("local[2]", "session-suite").unwrap();
    let catalog = Arc::new(MemoryCatalog::new());
    let schema = Arc::new(Schema::new(vec![
        Field::new("key", DataType::Int32, true),
        Field::new("value", DataType::Utf8, true),
    ]));
    let keys: Vec<i32> = (0..1000).collect();
    let values: Vec<String> = keys.iter().map(|k| format!("val_{}", k % 100)).collect();
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int32Array::from(keys)),
            Arc::new(StringArray::from(values)),
        ],
    )
    .unwrap();
    catalog.register(
        "default",
        "src",
        Arc::new(MemTable::try_new(schema, vec![batch]).unwrap()),
    );
    let small_schema = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Int32, true),
        Field::new("name", DataType::Utf8, true),
    ]));
    let small = RecordBatch::try_new(
        small_schema.clone(),
        vec![
            Arc::new(Int32Array::from(vec![1, 2, 3])),
            Arc::new(StringArray::from(vec!["one", "two", "three"])),
        ],
    )
    .unwrap();
    catalog.register(
        "default",
        "small",
        Arc::new(MemTable::try_new(small_schema, vec![small]).unwrap()),
    );
    (Session::new(ctx, catalog.clone()), catalog)
}

#[test]
fn parse_errors_name_line_and_column() {
    let (mut s, _) = session();
    match s.execute_script("SELECT 1;\n\nSELECT key FROM src WHERE") {
        Err(SharkError::Parse { location, message }) => assert_eq!(location.line, 3, "{message}"),
        other => panic!("{:?}", other.err()),
    }
    match s.execute_script("SELECT 1;\nSELECT key\n  FROM src WHERE key = = 1") {
        Err(e @ SharkError::Parse { .. }) => {
            let text = e.to_string();
            assert!(text.starts_with("ParseException line 3:"), "{text}");
            let SharkError::Parse { location, .. } = e else {
                unreachable!()
            };
            assert!(location.column > 10, "{location:?}");
        }
        other => panic!("{:?}", other.err()),
    }
}

#[test]
fn analysis_errors_name_the_missing_thing() {
    let (mut s, _) = session();
    let e = s.query("SELECT nosuch FROM src").unwrap_err().to_string();
    assert!(
        e.contains("Invalid table alias or column reference 'nosuch'"),
        "{e}"
    );
    assert!(
        e.contains("possible column names are: src.key, src.value"),
        "{e}"
    );
    assert!(e.contains("[1:8]"), "{e}");
    let e = s.query("SELECT kee FROM src").unwrap_err().to_string();
    assert!(e.contains("did you mean 'src.key'"), "{e}");
    let e = s.query("SELECT * FROM nosuch").unwrap_err().to_string();
    assert!(e.contains("Table not found 'nosuch'"), "{e}");
    let e = s
        .query("SELECT frobnicate(key) FROM src")
        .unwrap_err()
        .to_string();
    assert!(e.contains("Invalid function frobnicate"), "{e}");
    let e = s
        .query("SELECT key, count(*) FROM src")
        .unwrap_err()
        .to_string();
    assert!(e.contains("Expression not in GROUP BY key 'key'"), "{e}");
    assert!(
        matches!(s.query("SELECT (SELECT key FROM src)"), Err(SharkError::Execution(m)) if m.contains("more than one row"))
    );
}

#[test]
fn set_reset_and_variables() {
    let (mut s, _) = session();
    s.execute("SET hive.cli.print.header=true").unwrap();
    assert_eq!(
        rows(&mut s, "SET hive.cli.print.header"),
        vec!["hive.cli.print.header=true"]
    );
    assert_eq!(rows(&mut s, "SET nope"), vec!["nope is undefined"]);
    s.execute("SET hivevar:lim=3").unwrap();
    assert_eq!(
        rows(
            &mut s,
            "SELECT key FROM src ORDER BY key LIMIT ${hivevar:lim}"
        )
        .len(),
        3
    );
    s.set_var("t", "src");
    assert_eq!(rows(&mut s, "SELECT count(*) FROM ${t}"), vec!["1000"]);
    s.execute("RESET").unwrap();
    assert!(rows(&mut s, "SET").is_empty());
    assert!(matches!(
        s.execute("ADD JAR /tmp/x.jar"),
        Err(SharkError::Unsupported(_))
    ));
}

#[test]
fn explain_shows_plans_and_stages_without_running() {
    let (mut s, _) = session();
    let text = rows(
        &mut s,
        "EXPLAIN SELECT value, count(*) FROM src WHERE key > 10 GROUP BY value ORDER BY value",
    )
    .join("\n");
    assert!(text.contains("== Physical Plan =="), "{text}");
    assert!(!text.contains("== Optimized Logical Plan =="), "{text}");
    // One line per node, ids in pre-order, every exchange starting a stage.
    let nodes: Vec<&str> = text.lines().skip(1).collect();
    for (i, line) in nodes.iter().enumerate() {
        assert!(line.trim_start().starts_with(&format!("{i}: ")), "{text}");
    }
    let find = |op: &str| {
        nodes
            .iter()
            .position(|l| l.contains(op))
            .unwrap_or_else(|| panic!("{op}: {text}"))
    };
    let (sort, range, fin, hash, partial, scan) = (
        find(": Sort"),
        find("Exchange range"),
        find("HashAggregate Final"),
        find("Exchange hash"),
        find("HashAggregate Partial"),
        find("Scan memory default.src"),
    );
    assert!(
        sort < range && range < fin && fin < hash && hash < partial && partial < scan,
        "{text}"
    );
    assert!(nodes[sort].contains("| stage 0 |"), "{text}");
    assert!(nodes[fin].contains("| stage 1 |"), "{text}");
    assert!(nodes[partial].contains("| stage 2 |"), "{text}");
    assert!(nodes[scan].contains("est rows=1000"), "{text}");
    let ext = rows(&mut s, "EXPLAIN EXTENDED SELECT key FROM src").join("\n");
    assert!(ext.contains("== Analyzed Logical Plan =="), "{ext}");
    assert!(ext.contains("== Optimized Logical Plan =="), "{ext}");
}

#[test]
fn join_strategy_follows_size_hints_and_settings() {
    let (mut s, _) = session();
    let q = "EXPLAIN SELECT a.key, b.name FROM src a JOIN small b ON a.key = b.k";
    assert!(rows(&mut s, q).join("\n").contains("HashJoin Broadcast"));
    s.execute("SET hive.auto.convert.join=false").unwrap();
    assert!(rows(&mut s, q).join("\n").contains("HashJoin Partitioned"));
    let hinted =
        "EXPLAIN SELECT /*+ MAPJOIN(b) */ a.key, b.name FROM src a JOIN small b ON a.key = b.k";
    assert!(rows(&mut s, hinted)
        .join("\n")
        .contains("HashJoin Broadcast"));
    // Both strategies give the same answer.
    let mut shuffled = rows(
        &mut s,
        "SELECT a.key, b.name FROM src a JOIN small b ON a.key = b.k",
    );
    s.execute("SET hive.auto.convert.join=true").unwrap();
    let mut broadcast = rows(
        &mut s,
        "SELECT a.key, b.name FROM src a JOIN small b ON a.key = b.k",
    );
    shuffled.sort();
    broadcast.sort();
    assert_eq!(shuffled, broadcast);
    assert_eq!(broadcast, vec!["1\tone", "2\ttwo", "3\tthree"]);
}

#[test]
fn results_stream_and_limits_stop_early() {
    let (mut s, _) = session();
    s.set("shark.shuffle.partitions", "4");
    let StatementResult::Rows(result) = s.execute("SELECT key FROM src").unwrap() else {
        panic!()
    };
    let mut seen = 0;
    for b in result {
        seen += b.unwrap().num_rows();
    }
    assert_eq!(seen, 1000);
    assert_eq!(rows(&mut s, "SELECT key FROM src LIMIT 7").len(), 7);
    assert_eq!(
        rows(&mut s, "SELECT key FROM src ORDER BY key DESC LIMIT 2"),
        vec!["999", "998"]
    );
    assert!(rows(&mut s, "SELECT key FROM src LIMIT 0").is_empty());
}

#[test]
fn global_order_spans_many_partitions() {
    let (mut s, _) = session();
    s.set("shark.shuffle.partitions", "5");
    let got: Vec<i64> = rows(
        &mut s,
        "SELECT key * 7 % 1000 AS k FROM src ORDER BY k DESC",
    )
    .iter()
    .map(|r| r.parse().unwrap())
    .collect();
    let mut want: Vec<i64> = (0..1000).map(|k| k * 7 % 1000).collect();
    want.sort_by(|a, b| b.cmp(a));
    assert_eq!(got, want);
}

#[test]
fn hive_sort_by_distribute_by_cluster_by() {
    let (mut s, _) = session();
    s.set("shark.shuffle.partitions", "3");
    let got = rows(
        &mut s,
        "SELECT key % 10 AS m FROM src DISTRIBUTE BY m SORT BY m",
    );
    assert_eq!(got.len(), 1000);
    // Within each partition rows are sorted; equal keys are together.
    let clustered = rows(&mut s, "SELECT key % 10 AS m FROM src CLUSTER BY m");
    let mut runs = clustered.clone();
    runs.dedup();
    assert_eq!(runs.len(), 10, "each value forms one run");
}

#[test]
fn ctes_scalar_subqueries_and_unions() {
    let (mut s, _) = session();
    let got = rows(
        &mut s,
        "WITH big AS (SELECT key FROM src WHERE key >= 990) SELECT count(*), (SELECT max(key) FROM big) FROM big",
    );
    assert_eq!(got, vec!["10\t999"]);
    let u = rows(
        &mut s,
        "SELECT k FROM small UNION SELECT k FROM small UNION ALL SELECT 1",
    );
    assert_eq!(u.len(), 4);
}

#[test]
fn text_and_parquet_tables() {
    let dir = tempfile::tempdir().unwrap();
    let text_dir = dir.path().join("t");
    std::fs::create_dir_all(&text_dir).unwrap();
    std::fs::write(text_dir.join("000000_0"), "1\u{1}a\n2\u{1}\\N\nbad\u{1}c\n").unwrap();
    std::fs::write(text_dir.join("_SUCCESS"), "").unwrap();
    let schema = Arc::new(Schema::new(vec![
        Field::new("x", DataType::Int32, true),
        Field::new("y", DataType::Utf8, true),
    ]));
    let (mut s, catalog) = session();
    catalog.register(
        "default",
        "t",
        Arc::new(TextTable::new(
            schema.clone(),
            &text_dir,
            Default::default(),
        )),
    );
    assert_eq!(
        rows(&mut s, "SELECT x, y FROM t ORDER BY y"),
        vec!["2\tNULL", "1\ta", "NULL\tc"]
    );

    let pq = dir.path().join("p");
    std::fs::create_dir_all(&pq).unwrap();
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int32Array::from((0..5000).collect::<Vec<_>>())),
            Arc::new(StringArray::from(
                (0..5000).map(|i| format!("s{i}")).collect::<Vec<_>>(),
            )),
        ],
    )
    .unwrap();
    hive::parquet_file::write_file(&pq.join("part-0.parquet"), schema, &[batch]).unwrap();
    catalog.register(
        "default",
        "p",
        Arc::new(ParquetTable::try_new(&pq, None).unwrap()),
    );
    assert_eq!(
        rows(&mut s, "SELECT count(*), sum(x) FROM p WHERE x >= 4990"),
        vec!["10\t49945"]
    );
    let b = s.query("SELECT y FROM p WHERE x = 42").unwrap();
    assert_eq!(b[0].column(0).as_string::<i32>().value(0), "s42");
}

#[test]
fn aggregates_spill_partial_results_under_a_small_budget() {
    let conf = rdd::Conf::new().set(rdd::conf::MEMORY_EXECUTION, "128k");
    let ctx = rdd::Context::with_conf("local[2]", "budget", conf).unwrap();
    let catalog = Arc::new(MemoryCatalog::new());
    let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Int32, true)]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(Int32Array::from(
            (0..200_000).map(|i| i % 50_000).collect::<Vec<_>>(),
        ))],
    )
    .unwrap();
    catalog.register(
        "default",
        "t",
        Arc::new(MemTable::try_new(schema, vec![batch]).unwrap()),
    );
    let mut s = Session::new(ctx, catalog);
    s.set("shark.shuffle.partitions", "8");
    let b = s
        .query("SELECT count(*) FROM (SELECT k, count(*) AS c FROM t GROUP BY k) g WHERE c = 4")
        .unwrap();
    assert_eq!(b[0].column(0).as_primitive::<Int64Type>().value(0), 50_000);
    let _ = b[0].column(0).is_null(0);
}

/// A session over table `t` (the batches) on an engine with an execution
/// budget of `budget`, and the engine's event log.
fn budget_session(budget: &str, batches: Vec<RecordBatch>) -> (Session, Arc<rdd::EventLog>) {
    let conf = rdd::Conf::new().set(rdd::conf::MEMORY_EXECUTION, budget);
    let ctx = rdd::Context::with_conf("local[2]", "budget", conf).unwrap();
    let log = Arc::new(rdd::EventLog::default());
    ctx.add_listener(log.clone());
    let catalog = Arc::new(MemoryCatalog::new());
    let schema = batches[0].schema();
    catalog.register(
        "default",
        "t",
        Arc::new(MemTable::try_new(schema, batches).unwrap()),
    );
    (Session::new(ctx, catalog), log)
}

#[test]
fn wide_groupings_and_distinct_counts_spill_and_stream_their_buckets() {
    // 64 KiB a task: the final aggregation spills, and its buckets (each
    // still over the budget) spill again a level down.
    let schema = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Utf8, true),
        Field::new("g", DataType::Int32, true),
    ]));
    let batches: Vec<RecordBatch> = (0..20)
        .map(|part| {
            let ids: Vec<i32> = (0..10_000).map(|i| part * 10_000 + i).collect();
            let keys: Vec<String> = ids
                .iter()
                .map(|i| format!("a-rather-wide-grouping-key-{:08}", i % 150_000))
                .collect();
            let g: Vec<Option<i32>> = ids.iter().map(|i| (i % 7 != 0).then_some(i % 3)).collect();
            RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(StringArray::from(keys)),
                    Arc::new(Int32Array::from(g)),
                ],
            )
            .unwrap()
        })
        .collect();
    let (mut s, log) = budget_session("128k", batches);
    s.set("shark.shuffle.partitions", "2");
    // 150,000 keys: the first 50,000 twice, the rest once.
    assert_eq!(
        rows(
            &mut s,
            "SELECT count(*), sum(c), max(c) FROM (SELECT k, count(*) AS c FROM t GROUP BY k) x"
        ),
        vec!["150000\t200000\t2"]
    );
    assert_eq!(
        rows(&mut s, "SELECT count(DISTINCT k), count(DISTINCT g) FROM t"),
        vec!["150000\t3"]
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT g, count(DISTINCT k) FROM t GROUP BY g ORDER BY g"
        ),
        vec!["NULL\t28572", "0\t45238", "1\t45238", "2\t45238"]
    );
    assert!(log.total_task_metrics().disk_bytes_spilled > 0);
}

#[test]
fn collect_list_and_collect_set() {
    let (mut s, _) = session();
    s.set("shark.shuffle.partitions", "3");
    assert_eq!(
        rows(&mut s, "SELECT collect_list(k) FROM small"),
        vec!["[1,2,3]"]
    );
    assert_eq!(
        rows(&mut s, "SELECT collect_set(name) FROM small WHERE k = 2"),
        vec!["[\"two\"]"]
    );
    let got = rows(&mut s, "SELECT key % 10, collect_set(value) FROM src WHERE key < 30 AND key % 10 = 3 GROUP BY key % 10");
    assert_eq!(got.len(), 1);
    assert!(got[0].starts_with("3\t["), "{got:?}");
    assert_eq!(got[0].matches("val_").count(), 3, "{got:?}");
    assert_eq!(
        rows(&mut s, "SELECT collect_list(name) FROM small WHERE k > 5"),
        vec!["[]"]
    );
}

#[test]
fn order_by_larger_than_the_budget_spills_and_stays_sorted() {
    let conf = rdd::Conf::new().set(rdd::conf::MEMORY_EXECUTION, "256k");
    let ctx = rdd::Context::with_conf("local[2]", "sort-spill", conf).unwrap();
    let log = Arc::new(rdd::EventLog::default());
    ctx.add_listener(log.clone());
    let catalog = Arc::new(MemoryCatalog::new());
    let schema = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Int32, true),
        Field::new("s", DataType::Utf8, true),
    ]));
    let keys: Vec<i32> = (0..100_000).map(|i| (i * 7919) % 100_000).collect();
    let strs: Vec<String> = keys.iter().map(|k| format!("row-{k:08}")).collect();
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int32Array::from(keys)),
            Arc::new(StringArray::from(strs)),
        ],
    )
    .unwrap();
    catalog.register(
        "default",
        "t",
        Arc::new(MemTable::try_new(schema, vec![batch]).unwrap()),
    );
    let mut s = Session::new(ctx, catalog);
    s.set("shark.shuffle.partitions", "2");
    let got: Vec<i64> = rows(&mut s, "SELECT k FROM t ORDER BY s DESC")
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
    assert_eq!(got.len(), 100_000);
    assert!(got.windows(2).all(|w| w[0] > w[1]));
    assert!(log.total_task_metrics().disk_bytes_spilled > 0);
}

#[test]
fn a_top_n_larger_than_the_budget_spills_and_keeps_the_first_n() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Int32, true),
        Field::new("s", DataType::Utf8, true),
    ]));
    // Many batches, so the top n is cut back and spilled as they arrive.
    let batches: Vec<RecordBatch> = (0..40)
        .map(|part| {
            let keys: Vec<i32> = (0..2_500)
                .map(|i| ((part * 2_500 + i) * 7919) % 100_000)
                .collect();
            let strs: Vec<String> = keys.iter().map(|k| format!("row-{k:08}")).collect();
            RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(Int32Array::from(keys)),
                    Arc::new(StringArray::from(strs)),
                ],
            )
            .unwrap()
        })
        .collect();
    let (mut s, log) = budget_session("256k", batches);
    for n in [90_000usize, 10] {
        let got: Vec<i64> = rows(
            &mut s,
            &format!("SELECT k FROM t ORDER BY s DESC LIMIT {n}"),
        )
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
        // The keys are 0..100000 each once: the top n descending.
        let want: Vec<i64> = (0..n as i64).map(|i| 99_999 - i).collect();
        assert_eq!(got, want, "LIMIT {n}");
    }
    assert!(log.total_task_metrics().disk_bytes_spilled > 0);
}

#[test]
fn joins_with_build_sides_over_the_budget_use_grace_buckets() {
    let make = |budget: &str| {
        let conf = rdd::Conf::new().set(rdd::conf::MEMORY_EXECUTION, budget);
        let ctx = rdd::Context::with_conf("local[2]", "grace", conf).unwrap();
        let catalog = Arc::new(MemoryCatalog::new());
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Int32, true),
            Field::new("s", DataType::Utf8, true),
        ]));
        let keys: Vec<Option<i32>> = (0..60_000)
            .map(|i| {
                if i % 1000 == 0 {
                    None
                } else {
                    Some(i % 20_000)
                }
            })
            .collect();
        let strs: Vec<String> = (0..60_000).map(|i| format!("value-{i:08}")).collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int32Array::from(keys)),
                Arc::new(StringArray::from(strs)),
            ],
        )
        .unwrap();
        catalog.register(
            "default",
            "a",
            Arc::new(MemTable::try_new(schema.clone(), vec![batch.clone()]).unwrap()),
        );
        catalog.register(
            "default",
            "b",
            Arc::new(MemTable::try_new(schema, vec![batch]).unwrap()),
        );
        let log = Arc::new(rdd::EventLog::default());
        ctx.add_listener(log.clone());
        let mut s = Session::new(ctx, catalog);
        s.set("shark.shuffle.partitions", "2");
        s.set("hive.auto.convert.join", "false");
        (s, log)
    };
    let q = "SELECT count(*), count(b.k), sum(length(a.s)) FROM a FULL OUTER JOIN b ON a.k = b.k";
    let (mut small, log) = make("256k");
    let (mut big, _) = make("1g");
    assert_eq!(rows(&mut small, q), rows(&mut big, q));
    assert!(
        log.total_task_metrics().disk_bytes_spilled > 0,
        "the build side spilled"
    );
    let q2 = "SELECT count(*) FROM a LEFT SEMI JOIN b ON a.k = b.k";
    assert_eq!(rows(&mut small, q2), rows(&mut big, q2));
}

#[test]
fn nested_subqueries_and_scalar_subqueries_in_having() {
    let (mut s, _) = session();
    assert_eq!(
        rows(&mut s, "SELECT count(*) FROM src WHERE key IN (SELECT k FROM small WHERE name IN (SELECT name FROM small WHERE k < 3))"),
        vec!["2"]
    );
    assert_eq!(
        rows(&mut s, "SELECT value, count(*) AS c FROM src GROUP BY value HAVING count(*) > (SELECT max(k) FROM small) * 3 ORDER BY value LIMIT 2"),
        vec!["val_0\t10", "val_1\t10"]
    );
}

#[test]
fn not_in_is_null_aware_across_shuffle_partitions() {
    let (mut s, _) = session();
    // Shuffle joins, so the subquery's rows are spread over partitions.
    s.set("hive.auto.convert.join", "false");
    s.set("shark.shuffle.partitions", "4");
    let q = |s: &mut Session, sql: &str| rows(s, sql);
    // A NULL anywhere in the subquery: NOT IN is never true.
    assert_eq!(
        q(&mut s, "SELECT count(*) FROM src WHERE key NOT IN (SELECT if(key = 5, NULL, key) FROM src WHERE key < 10)"),
        vec!["0"]
    );
    // No NULL in it: rows not in it, except a NULL probe value.
    assert_eq!(
        q(
            &mut s,
            "SELECT count(*) FROM (SELECT if(key = 7, NULL, key) AS k FROM src) t \
                   WHERE k NOT IN (SELECT key FROM src WHERE key < 10)"
        ),
        vec!["990"]
    );
    // An empty subquery: every row, NULL included.
    assert_eq!(
        q(
            &mut s,
            "SELECT count(*) FROM (SELECT if(key = 7, NULL, key) AS k FROM src) t \
                   WHERE k NOT IN (SELECT key FROM src WHERE key < 0)"
        ),
        vec!["1000"]
    );
}

#[test]
fn cross_joins_bigger_than_the_budget_run_as_nested_loops() {
    let conf = rdd::Conf::new().set(rdd::conf::MEMORY_EXECUTION, "8k");
    let ctx = rdd::Context::with_conf("local[2]", "nested-loops", conf).unwrap();
    let (_, catalog) = session();
    let mut s = Session::new(ctx, catalog);
    // Known to be too big: straight to nested loops.
    assert_eq!(
        rows(
            &mut s,
            "SELECT count(*), min(a.key) FROM src a JOIN src b ON a.key + b.key = 999"
        ),
        vec!["1000\t0"]
    );
    let explain = rows(
        &mut s,
        "EXPLAIN SELECT count(*) FROM src a, src b WHERE a.key < b.key",
    )
    .join("\n");
    assert!(explain.contains("NestedLoopJoin"), "{explain}");
    // Size unknown until collected (an aggregate): nested loops after all.
    assert_eq!(
        rows(
            &mut s,
            "SELECT count(*) FROM src a JOIN (SELECT key, count(*) AS c FROM src GROUP BY key) b \
             ON a.key < b.key WHERE a.key < 10"
        ),
        vec![((0..10).map(|k| 999 - k).sum::<i32>()).to_string()]
    );
}

#[test]
fn show_functions_lists_scalar_and_aggregate_functions() {
    let (mut s, _) = session();
    let names = rows(&mut s, "SHOW FUNCTIONS");
    for f in [
        "upper",
        "concat",
        "count",
        "sum",
        "percentile_approx",
        "covar_pop",
        "collect_set",
    ] {
        assert!(names.iter().any(|n| n == f), "{f} missing from {names:?}");
    }
    assert!(
        !names.iter().any(|n| n == "single_value"),
        "internal aggregate listed"
    );
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted, "sorted, each once");
}
