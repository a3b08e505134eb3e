//! The physical plan from the outside: EXPLAIN's tree, EXPLAIN ANALYZE's
//! measured metrics, adaptive execution's run-time changes (partitioned to
//! broadcast joins, skewed partitions split) giving the same answers as the
//! static plan, and plans that survive serialization.

use arrow::array::{Int32Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use shark::table::MemTable;
use shark::{MemoryCatalog, Session};
use std::sync::Arc;

mod common;
use common::rows;

/// `facts` (40,000 rows; 90% of them key 1, the rest spread over 1..=2000)
/// and `dims` (2,000 rows, key 1..=2000), in 8 batches each so scans have
/// several partitions.
fn session() -> Session {
    let ctx = rdd::Context::new("local[2]", "plan-suite").unwrap();
    let catalog = Arc::new(MemoryCatalog::new());
    // Values hard to compress, so shuffled sizes follow row counts.
    let table = |keys: Vec<i32>, label: &str| {
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Int32, true),
            Field::new("v", DataType::Utf8, true),
        ]));
        let chunk = keys.len().div_ceil(8);
        let batches = keys
            .chunks(chunk)
            .map(|c| {
                let vals: Vec<String> = c
                    .iter()
                    .enumerate()
                    .map(|(i, k)| {
                        format!(
                            "{label}{}:{}",
                            k % 97,
                            (i * 7919 + *k as usize * 31) % 100_003
                        )
                    })
                    .collect();
                RecordBatch::try_new(
                    schema.clone(),
                    vec![
                        Arc::new(Int32Array::from(c.to_vec())),
                        Arc::new(StringArray::from(vals)),
                    ],
                )
                .unwrap()
            })
            .collect();
        Arc::new(MemTable::try_new(schema, batches).unwrap())
    };
    let facts: Vec<i32> = (0..40_000)
        .map(|i| if i % 10 == 0 { 1 + (i / 10) % 2000 } else { 1 })
        .collect();
    catalog.register("default", "facts", table(facts, "f"));
    catalog.register("default", "dims", table((1..=2000).collect(), "d"));
    let mut s = Session::new(ctx, catalog);
    s.set("shark.shuffle.partitions", "4");
    s
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn line<'a>(plan: &'a [String], op: &str) -> &'a str {
    plan.iter()
        .find(|l| l.contains(op))
        .unwrap_or_else(|| panic!("no {op} in\n{}", plan.join("\n")))
}

/// A measured number (`key=` after the estimate) on a plan line.
fn metric(line: &str, key: &str) -> u64 {
    let measured = &line[line
        .find("| rows=")
        .unwrap_or_else(|| panic!("metrics in {line}"))..];
    let at = measured
        .find(&format!("{key}="))
        .unwrap_or_else(|| panic!("{key} in {line}"))
        + key.len()
        + 1;
    measured[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn explain_analyze_measures_every_node() {
    let mut s = session();
    let plan = rows(
        &mut s,
        "EXPLAIN ANALYZE SELECT substr(v, 1, 3), count(*) FROM facts WHERE k > 1 GROUP BY substr(v, 1, 3)",
    );
    assert!(
        plan[0].starts_with("== Physical Plan (executed: 97 rows"),
        "{plan:?}"
    );
    let scan = line(&plan, "Scan memory default.facts");
    assert_eq!(metric(scan, "rows"), 40_000, "{scan}");
    assert!(metric(scan, "batches") >= 8, "{scan}");
    assert!(metric(scan, "tasks") >= 2, "{scan}");
    let filter = line(&plan, ": Filter");
    assert_eq!(metric(filter, "rows"), 3_998, "{filter}");
    let fin = line(&plan, "HashAggregate Final");
    assert_eq!(metric(fin, "rows"), 97, "{fin}");
    let fin_agg_input = line(&plan, "Exchange hash");
    assert!(metric(fin_agg_input, "rows") >= 97, "{fin_agg_input}");
    for l in &plan[1..] {
        assert!(l.contains(" time=") && l.contains(" | stage "), "{l}");
    }
}

#[test]
fn a_partitioned_join_becomes_a_broadcast_join_when_its_build_side_is_small() {
    let mut s = session();
    // Statically too big to broadcast (the filter's selectivity is unknown).
    s.set("hive.mapjoin.smalltable.filesize", "1000");
    s.set("spark.sql.adaptive.autoBroadcastJoinThreshold", "100000");
    let q = "SELECT f.k, substr(d.v, 1, 3), count(*) FROM facts f JOIN dims d ON f.k = d.k \
             WHERE d.k < 20 GROUP BY f.k, substr(d.v, 1, 3)";
    let planned = rows(&mut s, &format!("EXPLAIN {q}"));
    assert!(
        line(&planned, "HashJoin").contains("HashJoin Partitioned"),
        "{planned:?}"
    );
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    let join = line(&ran, "HashJoin");
    assert!(join.contains("HashJoin Broadcast"), "{ran:?}");
    assert!(
        join.contains("adaptive: partitioned -> broadcast"),
        "{join}"
    );
    // The probe side is no longer shuffled: the build side's exchange is
    // the only hash exchange left under the join.
    let exchanges = ran.iter().filter(|l| l.contains("Exchange hash")).count();
    assert_eq!(exchanges, 2, "aggregation's and build side's: {ran:?}");
    let adaptive = sorted(rows(&mut s, q));
    s.set("spark.sql.adaptive.enabled", "false");
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    assert!(
        line(&ran, "HashJoin").contains("HashJoin Partitioned"),
        "{ran:?}"
    );
    let fixed = sorted(rows(&mut s, q));
    assert_eq!(adaptive, fixed);
    assert_eq!(adaptive.len(), 19);
    assert!(
        adaptive.contains(&"1\td1:\t36002".to_string()),
        "{adaptive:?}"
    );
}

#[test]
fn a_skewed_join_partition_is_split_with_the_same_answer() {
    let mut s = session();
    s.set("hive.auto.convert.join", "false");
    s.set(
        "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes",
        "1k",
    );
    s.set("spark.sql.adaptive.skewJoin.skewedPartitionFactor", "2");
    s.set("spark.sql.adaptive.advisoryPartitionSizeInBytes", "4k");
    let queries = [
        "SELECT substr(d.v, 1, 3), count(*), max(f.v) FROM facts f JOIN dims d ON f.k = d.k \
         GROUP BY substr(d.v, 1, 3)",
        "SELECT count(*), count(d.k), max(f.v) FROM facts f LEFT JOIN dims d ON f.k = d.k AND d.k > 1",
        "SELECT count(*), min(f.v) FROM facts f LEFT SEMI JOIN dims d ON f.k = d.k",
    ];
    for q in queries {
        let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
        let join = line(&ran, "HashJoin");
        assert!(join.contains("HashJoin Partitioned"), "{ran:?}");
        assert!(join.contains("skewed partitions"), "{q}: {join}");
        let split = sorted(rows(&mut s, q));
        s.set("spark.sql.adaptive.enabled", "false");
        let plain = sorted(rows(&mut s, q));
        s.set("spark.sql.adaptive.enabled", "true");
        assert_eq!(split, plain, "{q}");
    }
    s.set("spark.sql.adaptive.enabled", "true");
    // 36,002 facts rows have key 1, which fails `d.k > 1`.
    let counts = rows(&mut s, queries[1]);
    assert!(counts[0].starts_with("40000\t3998\t"), "{counts:?}");
}

#[test]
fn a_plan_serializes_and_runs_from_its_bytes() {
    let mut s2 = session();
    let q = "SELECT substr(d.v, 1, 3), count(*) FROM facts f JOIN dims d ON f.k = d.k \
             WHERE f.k < 100 GROUP BY substr(d.v, 1, 3) ORDER BY 2 DESC, 1 LIMIT 5";
    let expected = rows(&mut s2, q);
    s2.set("shark.plan.roundTrip", "true");
    assert_eq!(rows(&mut s2, q), expected);
}

#[test]
fn a_broadcast_build_side_found_too_big_runs_partitioned() {
    let conf = rdd::Conf::new().set(rdd::conf::MEMORY_EXECUTION, "256k");
    let ctx = rdd::Context::with_conf("local[2]", "plan-suite-budget", conf).unwrap();
    let mut s = session();
    let catalog = Arc::new(MemoryCatalog::new());
    for t in ["facts", "dims"] {
        let batches = s.query(&format!("SELECT * FROM {t}")).unwrap();
        let schema = batches[0].schema();
        catalog.register(
            "default",
            t,
            Arc::new(MemTable::try_new(schema, batches).unwrap()),
        );
    }
    let mut s = Session::new(ctx, catalog);
    s.set("shark.shuffle.partitions", "4");
    // `k >= 1` keeps every row, but is guessed to keep a third: small
    // enough to broadcast, too big for the budget once collected.
    let q = "SELECT count(*), count(f.k) FROM dims d LEFT JOIN (SELECT k, v FROM facts WHERE k >= 1) f \
             ON d.k = f.k";
    let planned = rows(&mut s, &format!("EXPLAIN {q}"));
    assert!(
        line(&planned, "HashJoin").contains("HashJoin Broadcast"),
        "{planned:?}"
    );
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    let join = line(&ran, "HashJoin");
    assert!(join.contains("HashJoin Partitioned"), "{ran:?}");
    assert!(
        join.contains("adaptive: broadcast -> partitioned"),
        "{join}"
    );
    assert_eq!(rows(&mut s, q), vec!["40000\t40000"]);
}

#[test]
fn row_estimates_come_from_parquet_footers_and_analyze() {
    let dir = tempfile::tempdir().unwrap();
    let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Int32, true)]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(Int32Array::from((0..1234).collect::<Vec<i32>>()))],
    )
    .unwrap();
    hive::parquet_file::write_file(&dir.path().join("part-0.parquet"), schema, &[batch]).unwrap();
    let catalog = Arc::new(MemoryCatalog::new());
    catalog.register(
        "default",
        "p",
        Arc::new(shark::table::ParquetTable::try_new(dir.path(), None).unwrap()),
    );
    let ctx = rdd::Context::new("local[2]", "plan-suite-stats").unwrap();
    let mut s = Session::new(ctx.clone(), catalog);
    let plan = rows(&mut s, "EXPLAIN SELECT k FROM p");
    assert!(line(&plan, "Scan").contains("est rows=1234 "), "{plan:?}");
    // A filter is guessed to keep a third of the rows for a range.
    let plan = rows(&mut s, "EXPLAIN SELECT k FROM p WHERE k > 100");
    assert!(
        line(&plan, ": Filter").contains("est rows=412 "),
        "{plan:?}"
    );

    let wh = tempfile::tempdir().unwrap();
    let mut w = Session::with_warehouse(ctx, wh.path()).unwrap();
    w.execute_script("CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2), (3)")
        .unwrap();
    w.execute("ANALYZE TABLE t COMPUTE STATISTICS").unwrap();
    let plan = rows(&mut w, "EXPLAIN SELECT a FROM t");
    assert!(line(&plan, "Scan").contains("est rows=3 "), "{plan:?}");
}

/// Collects the SQL engine's operator metrics from the listener bus.
#[derive(Default)]
struct OperatorEvents(std::sync::Mutex<Vec<shark::physical::metrics::OperatorMetricsUpdate>>);

impl rdd::Listener for OperatorEvents {
    fn on_event(&self, e: &rdd::Event) {
        if let rdd::Event::Custom(any) = e {
            if let Some(u) = any.downcast_ref::<shark::physical::metrics::OperatorMetricsUpdate>() {
                self.0.lock().unwrap().push(*u);
            }
        }
    }
}

#[test]
fn operator_metrics_travel_on_the_listener_bus() {
    let mut s = session();
    let events = Arc::new(OperatorEvents::default());
    s.context().add_listener(events.clone());
    let plan = rows(&mut s, "EXPLAIN SELECT count(*) FROM facts WHERE k > 1");
    let scan_id: usize = line(&plan, "Scan")
        .trim()
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        rows(&mut s, "SELECT count(*) FROM facts WHERE k > 1"),
        vec!["3998"]
    );
    let got = events.0.lock().unwrap().clone();
    let query = got.last().expect("updates were posted").query;
    let scan: Vec<_> = got
        .iter()
        .filter(|u| u.query == query && u.node == scan_id)
        .collect();
    assert!(scan.len() >= 2, "one update per task: {scan:?}");
    assert_eq!(scan.iter().map(|u| u.delta.rows).sum::<u64>(), 40_000);
    assert!(scan.iter().all(|u| u.delta.tasks == 1));
}

#[test]
fn a_plan_cuts_into_stage_fragments_that_serialize_alone() {
    use shark::physical::fragment::Fragment;
    use shark::physical::PhysicalPlan;
    let mut s = session();
    s.set("hive.auto.convert.join", "false");
    let sql =
        "SELECT d.v, count(*) FROM facts f JOIN dims d ON f.k = d.k GROUP BY d.v ORDER BY 2 DESC";
    let explain = rows(&mut s, &format!("EXPLAIN {sql}"));
    let parse = |q: &str| match shark::parse::parse_statement(q, 1).unwrap() {
        shark::parse::HiveStatement::Sql(st) => match *st {
            sqlparser::ast::Statement::Query(q) => q,
            _ => unreachable!(),
        },
        _ => unreachable!(),
    };
    let logical = s.plan(&parse(sql)).unwrap();
    let plan = s.physical_plan(&logical).unwrap();
    let fragments = plan.fragments();
    // Sort, aggregation, join: result + range + aggregate + two join sides.
    assert_eq!(fragments.len(), 5);
    for f in &fragments {
        let root = &explain[1 + f.plan.id];
        assert!(root.contains(&format!("| stage {} |", f.stage)), "{root}");
        let back = Fragment::from_bytes(&f.to_bytes().unwrap()).unwrap();
        assert_eq!(back.reads, f.reads);
        assert_eq!(back.writes, f.writes);
    }
    let writes: Vec<usize> = fragments.iter().filter_map(|f| f.writes).collect();
    let mut reads: Vec<usize> = fragments.iter().flat_map(|f| f.reads.clone()).collect();
    reads.sort();
    let mut w = writes.clone();
    w.sort();
    assert_eq!(reads, w, "every exchange written once and read once");
    let again = PhysicalPlan::from_fragments(&fragments).unwrap();
    assert_eq!(
        shark::physical::explain::render(&again, None),
        shark::physical::explain::render(&plan, None)
    );
}

#[test]
fn partial_aggregation_that_does_not_reduce_passes_rows_on() {
    let mut s = session();
    // 640,000 rows, each its own group (id, e), and 40,000 groups of 16.
    let exploded = "SELECT concat(id, ':', e) AS g, id, e FROM \
                    (SELECT row_number() OVER () AS id FROM facts) r \
                    LATERAL VIEW explode(array(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16)) t AS e";
    let q = format!(
        "SELECT count(*), sum(c) FROM (SELECT g, count(*) AS c FROM ({exploded}) x GROUP BY g) y"
    );
    assert_eq!(rows(&mut s, &q), vec!["640000\t640000"]);
    // Partial states of other aggregates made row by row merge right too.
    let states = format!(
        "SELECT count(*), sum(a), sum(m), count(sd) FROM (SELECT g, avg(id) AS a, min(e) AS m, \
         stddev_samp(e) AS sd FROM ({exploded}) x GROUP BY g) y"
    );
    assert_eq!(
        rows(&mut s, &states),
        vec!["640000\t1.280032E10\t5440000\t0"]
    );
    let by_id = format!(
        "SELECT count(*), min(c), max(c) FROM (SELECT id, count(*) AS c FROM ({exploded}) x GROUP BY id) y"
    );
    assert_eq!(rows(&mut s, &by_id), vec!["40000\t16\t16"]);
    // Nearly every row is its own group: the partial phase stops hashing
    // after its first 100,000 rows and emits about one state per row.
    let plan = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    let partial = plan
        .iter()
        .rfind(|l| l.contains("HashAggregate Partial"))
        .unwrap();
    assert!(metric(partial, "rows") > 600_000, "{partial}");
}

/// A semi or anti join (LEFT SEMI/ANTI JOIN, EXISTS, IN, NOT EXISTS) whose
/// preserved side is the smaller builds on it and emits the rows some
/// probe row matched (or none did): same answers as the plain plan, each
/// preserved row once, residual filters and adaptive execution included.
#[test]
fn a_semi_join_builds_on_its_smaller_preserved_side() {
    let mut s = session();
    s.set("hive.auto.convert.join", "false");
    let queries = [
        "SELECT d.k, d.v FROM dims d LEFT SEMI JOIN facts f ON d.k = f.k",
        "SELECT d.k FROM dims d WHERE EXISTS (SELECT 1 FROM facts f WHERE f.k = d.k AND f.v > d.v)",
        "SELECT d.k FROM dims d WHERE d.k IN (SELECT k FROM facts WHERE k % 3 = 0)",
        "SELECT d.k FROM dims d WHERE NOT EXISTS (SELECT 1 FROM facts f WHERE f.k = d.k AND f.k % 7 <> 0)",
        "SELECT d.k, d.v FROM dims d LEFT ANTI JOIN facts f ON d.k = f.k AND f.v < d.v",
    ];
    for q in queries {
        let plan = rows(&mut s, &format!("EXPLAIN {q}"));
        let join = line(&plan, "HashJoin");
        assert!(
            join.contains("HashJoin Partitioned LeftSemi build=left")
                || join.contains("HashJoin Partitioned LeftAnti build=left"),
            "{q}: {plan:?}"
        );
        let built_left = sorted(rows(&mut s, q));
        let mut distinct = built_left.clone();
        distinct.dedup();
        assert_eq!(distinct, built_left, "each preserved row once: {q}");
        s.set("spark.sql.adaptive.enabled", "false");
        assert_eq!(sorted(rows(&mut s, q)), built_left, "{q}");
        s.set("spark.sql.adaptive.enabled", "true");
        // The probe side (facts, 90% key 1) is skewed: its partitions must
        // not be split, or a build row would be emitted by two tasks.
        s.set(
            "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes",
            "1k",
        );
        s.set("spark.sql.adaptive.skewJoin.skewedPartitionFactor", "2");
        let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
        assert!(!line(&ran, "HashJoin").contains("skewed"), "{ran:?}");
        assert_eq!(sorted(rows(&mut s, q)), built_left, "{q}");
        // The plan survives serialization.
        s.set("shark.plan.roundTrip", "true");
        assert_eq!(sorted(rows(&mut s, q)), built_left, "{q}");
        s.set("shark.plan.roundTrip", "false");
        // Probing the small side instead (broadcast allowed) agrees.
        s.set("hive.auto.convert.join", "true");
        let plain = rows(&mut s, &format!("EXPLAIN {q}"));
        assert!(
            !line(&plain, "HashJoin").contains("build=left"),
            "{plain:?}"
        );
        assert_eq!(sorted(rows(&mut s, q)), built_left, "{q}");
        s.set("hive.auto.convert.join", "false");
    }
    assert_eq!(
        rows(&mut s, &format!("SELECT count(*) FROM ({}) x", queries[0])),
        ["2000"]
    );
}

#[test]
fn a_broadcast_joins_build_keys_filter_the_probe_sides_scan() {
    let mut s = session();
    // dims rows whose v starts with "d5:" have k % 97 = 5: 21 keys of 2000;
    // facts is 90% key 1, so about 40 of its 40,000 rows can match.
    let q = "SELECT f.k, count(*), max(d.v) FROM facts f JOIN dims d ON f.k = d.k \
             WHERE d.v LIKE 'd5:%' GROUP BY f.k";
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    let scan = line(&ran, "Scan memory default.facts");
    assert!(
        scan.contains("dynamic filter: k IN <21 keys of join #"),
        "{ran:?}"
    );
    assert!(metric(scan, "rows") < 100, "{scan}");
    assert!(
        line(&ran, "HashJoin").contains("build keys filter the probe side at #"),
        "{ran:?}"
    );
    let filtered = sorted(rows(&mut s, q));
    assert_eq!(filtered.len(), 21);
    s.set("shark.sql.dynamicFilter.enabled", "false");
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    let scan = line(&ran, "Scan memory default.facts");
    assert!(!scan.contains("dynamic filter"), "{ran:?}");
    assert_eq!(metric(scan, "rows"), 40_000, "{scan}");
    assert_eq!(sorted(rows(&mut s, q)), filtered);
    s.set("shark.sql.dynamicFilter.enabled", "true");
    // A partitioned join turned broadcast at run time filters too, and
    // the plan with its filters survives serialization.
    s.set("hive.mapjoin.smalltable.filesize", "1000");
    s.set("spark.sql.adaptive.autoBroadcastJoinThreshold", "100000");
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    assert!(
        line(&ran, "HashJoin").contains("partitioned -> broadcast"),
        "{ran:?}"
    );
    assert!(
        metric(line(&ran, "Scan memory default.facts"), "rows") < 100,
        "{ran:?}"
    );
    assert_eq!(sorted(rows(&mut s, q)), filtered);
    s.set("shark.plan.roundTrip", "true");
    assert_eq!(sorted(rows(&mut s, q)), filtered);
}

#[test]
fn a_dynamic_filter_stops_where_rows_it_would_drop_still_count() {
    let mut s = session();
    // The key is computed above the scan: the filter lands on a node of
    // its own above the computation, and facts is read whole.
    let q = "SELECT x.k2, count(*) FROM (SELECT k + 1 AS k2 FROM facts) x JOIN dims d \
             ON x.k2 = d.k WHERE d.v LIKE 'd5:%' GROUP BY x.k2";
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    assert_eq!(
        metric(line(&ran, "Scan memory default.facts"), "rows"),
        40_000
    );
    assert!(
        line(&ran, ": Filter").contains("dynamic filter: k2 IN"),
        "{ran:?}"
    );
    let got = sorted(rows(&mut s, q));
    s.set("shark.sql.dynamicFilter.enabled", "false");
    assert_eq!(sorted(rows(&mut s, q)), got);
    s.set("shark.sql.dynamicFilter.enabled", "true");
    // A build side that reads its table whole holds every key: no filter.
    let q = "SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k";
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    assert!(!ran.iter().any(|l| l.contains("dynamic filter")), "{ran:?}");
    assert_eq!(rows(&mut s, q), ["40000"]);
    // A LEFT join keeps every probe row: no filter at all.
    let q = "SELECT count(*), count(d.k) FROM facts f LEFT JOIN dims d ON f.k = d.k AND d.v LIKE 'd5:%'";
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    assert!(!ran.iter().any(|l| l.contains("dynamic filter")), "{ran:?}");
    assert_eq!(rows(&mut s, q), ["40000\t42"]);
}

#[test]
fn a_join_on_a_partition_column_reads_only_the_partitions_it_can_match() {
    let (mut s, dir) = common::session_with_src("dynamic-partition-pruning");
    s.execute_script(
        "CREATE TABLE sales (amount INT) PARTITIONED BY (day INT) STORED AS PARQUET; \
         INSERT INTO sales PARTITION (day=1) VALUES (10), (11); \
         INSERT INTO sales PARTITION (day=2) VALUES (20); \
         INSERT INTO sales PARTITION (day=3) VALUES (30); \
         CREATE TABLE days (day INT, holiday BOOLEAN); \
         INSERT INTO days VALUES (1, true), (2, false), (3, false), (4, true)",
    )
    .unwrap();
    let q = "SELECT s.day, sum(s.amount) FROM sales s JOIN days d ON s.day = d.day \
             WHERE d.holiday GROUP BY s.day";
    assert_eq!(rows(&mut s, q), ["1\t21"]);
    // Partitions 2 and 3 made unreadable: only pruning them (from the
    // holidays' keys, known once the build side ran) lets the query run.
    for day in [2, 3] {
        let part = dir.path().join(format!("wh/sales/day={day}"));
        for f in std::fs::read_dir(&part).unwrap() {
            std::fs::write(f.unwrap().path(), b"not parquet").unwrap();
        }
    }
    assert_eq!(rows(&mut s, q), ["1\t21"]);
    s.set("shark.sql.dynamicFilter.enabled", "false");
    assert!(
        s.query(q).is_err(),
        "the unpruned scan reads the broken files"
    );
}

#[test]
fn a_partitioned_join_filters_one_side_by_the_keys_of_the_side_that_ran_first() {
    let mut s = session();
    s.set("hive.auto.convert.join", "false");
    s.set("spark.sql.adaptive.autoBroadcastJoinThreshold", "0");
    let cases = [
        // Inner: dims (filtered, smaller) is the build side, run first.
        (
            "SELECT f.k, count(*) FROM facts f JOIN dims d ON f.k = d.k \
             WHERE d.v LIKE 'd5:%' GROUP BY f.k",
            "build keys filter the probe side",
        ),
        // LEFT: dims is the preserved probe side, expected smaller, so it
        // runs first and only facts rows it can meet are shuffled.
        (
            "SELECT d.k, count(f.k) FROM dims d LEFT JOIN facts f ON d.k = f.k \
             WHERE d.v LIKE 'd5:%' GROUP BY d.k",
            "probe side ran first",
        ),
    ];
    for (q, note) in cases {
        let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
        let join = line(&ran, "HashJoin");
        assert!(join.contains("HashJoin Partitioned"), "{ran:?}");
        assert!(join.contains(note), "{q}: {ran:?}");
        let facts = line(&ran, "Scan memory default.facts");
        assert!(metric(facts, "rows") < 100, "{facts}");
        let got = sorted(rows(&mut s, q));
        assert_eq!(got.len(), 21, "{q}");
        s.set("shark.sql.dynamicFilter.enabled", "false");
        let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
        assert_eq!(
            metric(line(&ran, "Scan memory default.facts"), "rows"),
            40_000
        );
        assert_eq!(sorted(rows(&mut s, q)), got, "{q}");
        s.set("shark.sql.dynamicFilter.enabled", "true");
    }
    // NOT IN must see a NULL of its subquery: its build side is never
    // filtered (and the answer is empty).
    let q = "SELECT d.k FROM dims d WHERE d.k NOT IN \
             (SELECT CASE WHEN f.k = 7 THEN NULL ELSE f.k END FROM facts f) AND d.k < 10";
    assert!(rows(&mut s, q).is_empty());
}

#[test]
fn a_broadcast_join_with_the_smaller_probe_side_runs_it_first_to_filter_its_build_side() {
    let mut s = session();
    // The LEFT join's build side (facts aggregated by key) may be
    // broadcast; its probe side (21 rows of dims) is expected smaller, so
    // it runs first and only the facts rows of its keys are aggregated.
    let q = "SELECT d.k, g.c FROM dims d LEFT JOIN \
             (SELECT k, count(*) AS c FROM facts GROUP BY k) g ON d.k = g.k \
             WHERE d.v LIKE 'd5:%'";
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    let join = line(&ran, "HashJoin");
    assert!(join.contains("HashJoin Broadcast Left"), "{ran:?}");
    assert!(join.contains("probe side ran first (21 rows)"), "{ran:?}");
    assert!(
        metric(line(&ran, "Scan memory default.facts"), "rows") < 100,
        "{ran:?}"
    );
    let got = sorted(rows(&mut s, q));
    assert_eq!(got.len(), 21);
    assert!(got.iter().all(|r| r.ends_with("\t2")), "{got:?}");
    s.set("shark.sql.dynamicFilter.enabled", "false");
    assert_eq!(sorted(rows(&mut s, q)), got);
}

#[test]
fn a_dynamic_filter_never_changes_the_rows_a_random_filter_sees() {
    let mut s = session();
    let q = "SELECT x.k, count(*) FROM (SELECT k FROM facts WHERE rand(7) < 0.5) x \
             JOIN dims d ON x.k = d.k WHERE d.v LIKE 'd5:%' GROUP BY x.k";
    let ran = rows(&mut s, &format!("EXPLAIN ANALYZE {q}"));
    assert_eq!(
        metric(line(&ran, "Scan memory default.facts"), "rows"),
        40_000
    );
    let got = sorted(rows(&mut s, q));
    s.set("shark.sql.dynamicFilter.enabled", "false");
    assert_eq!(sorted(rows(&mut s, q)), got);
}
