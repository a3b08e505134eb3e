//! Statements against a Hive warehouse: DDL, DML, partitions, views, and
//! reading folder trees laid out as Hive writes them.

use shark::{Session, SharkError};
use std::path::Path;

mod common;
use common::rows;

fn session(wh: &Path) -> Session {
    let ctx = rdd::Context::new("local[2]", "warehouse-suite").unwrap();
    let mut s = Session::with_warehouse(ctx, wh).unwrap();
    s.set("shark.shuffle.partitions", "3");
    s
}

fn run(s: &mut Session, script: &str) {
    s.execute_script(script)
        .unwrap_or_else(|e| panic!("{script}: {e}"));
}

#[test]
fn create_insert_select_and_persist_across_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    {
        let mut s = session(&wh);
        run(&mut s, "CREATE TABLE t (a INT COMMENT 'the a', b STRING); INSERT INTO t VALUES (1, 'x'), (2, NULL); INSERT INTO TABLE t SELECT 3, 'z'");
        assert_eq!(
            rows(&mut s, "SELECT a, b FROM t ORDER BY a"),
            vec!["1\tx", "2\tNULL", "3\tz"]
        );
        // Hive's layout and text format on disk.
        let files = shark::table::data_files(&wh.join("t")).unwrap();
        let text: String = files
            .iter()
            .map(|(p, _)| std::fs::read_to_string(p).unwrap())
            .collect();
        assert!(text.contains("2\u{1}\\N\n"), "{text:?}");
        run(
            &mut s,
            "INSERT OVERWRITE TABLE t SELECT a * 10, b FROM t WHERE a > 1",
        );
        assert_eq!(rows(&mut s, "SELECT a FROM t ORDER BY a"), vec!["20", "30"]);
    }
    // A new session (process) on the same warehouse sees the table.
    let mut s2 = session(&wh);
    assert_eq!(rows(&mut s2, "SHOW TABLES"), vec!["t"]);
    assert_eq!(rows(&mut s2, "SELECT count(*) FROM t"), vec!["2"]);
    let desc = rows(&mut s2, "DESCRIBE t");
    assert_eq!(desc[0], "a\tint\tthe a");
}

#[test]
fn databases_and_layout() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().to_path_buf();
    let mut s = session(&wh);
    run(&mut s, "CREATE DATABASE sales COMMENT 'money' WITH DBPROPERTIES ('owner'='me'); CREATE DATABASE IF NOT EXISTS sales; USE sales; CREATE TABLE orders (id INT) STORED AS PARQUET");
    assert!(wh.join("sales.db/orders").is_dir());
    run(&mut s, "INSERT INTO orders VALUES (1), (2)");
    assert_eq!(rows(&mut s, "SELECT sum(id) FROM sales.orders"), vec!["3"]);
    assert_eq!(rows(&mut s, "SHOW DATABASES"), vec!["default", "sales"]);
    assert!(s.execute("CREATE DATABASE sales").is_err());
    assert!(s.execute("DROP DATABASE sales").is_err(), "not empty");
    run(&mut s, "USE default; DROP DATABASE sales CASCADE");
    assert!(!wh.join("sales.db").exists());
    assert!(matches!(
        s.execute("USE sales"),
        Err(SharkError::Analysis { .. })
    ));
}

#[test]
fn static_and_dynamic_partitions() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    run(
        &mut s,
        "CREATE TABLE src (k INT, v STRING); INSERT INTO src VALUES (1,'a'),(2,'b'),(3,'c'),(4,NULL);
         CREATE TABLE p (k INT) PARTITIONED BY (ds STRING, v STRING);
         INSERT OVERWRITE TABLE p PARTITION (ds='2024-01-01', v) SELECT k, v FROM src",
    );
    let mut parts = rows(&mut s, "SHOW PARTITIONS p");
    parts.sort();
    assert_eq!(
        parts,
        vec![
            "ds=2024-01-01/v=__HIVE_DEFAULT_PARTITION__",
            "ds=2024-01-01/v=a",
            "ds=2024-01-01/v=b",
            "ds=2024-01-01/v=c"
        ]
    );
    assert!(dir.path().join("p/ds=2024-01-01/v=a").is_dir());
    assert_eq!(
        rows(&mut s, "SELECT k, ds, v FROM p WHERE v = 'b'"),
        vec!["2\t2024-01-01\tb"]
    );
    assert_eq!(rows(&mut s, "SELECT k FROM p WHERE v IS NULL"), vec!["4"]);
    // Strict mode refuses an all-dynamic insert, as Hive does by default.
    let e = s
        .execute("INSERT INTO p PARTITION (ds, v) SELECT k, 'x', 'y' FROM src")
        .err()
        .unwrap();
    assert!(e.to_string().contains("strict mode"), "{e}");
    run(&mut s, "SET hive.exec.dynamic.partition.mode=nonstrict; INSERT INTO p PARTITION (ds, v) SELECT k, 'x', 'y' FROM src WHERE k = 1");
    assert_eq!(rows(&mut s, "SELECT count(*) FROM p"), vec!["5"]);
    // Static overwrite of one partition leaves the others.
    run(
        &mut s,
        "INSERT OVERWRITE TABLE p PARTITION (ds='2024-01-01', v='a') SELECT 100",
    );
    assert_eq!(rows(&mut s, "SELECT k FROM p WHERE v = 'a'"), vec!["100"]);
    assert_eq!(rows(&mut s, "SELECT count(*) FROM p"), vec!["5"]);
    run(&mut s, "ALTER TABLE p DROP PARTITION (ds='x', v='y')");
    assert_eq!(rows(&mut s, "SELECT count(*) FROM p"), vec!["4"]);
    assert!(!dir.path().join("p/ds=x").join("v=y").exists());
}

#[test]
fn a_query_on_one_partition_of_a_thousand_lists_one_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    run(
        &mut s,
        "CREATE TABLE big (x INT) PARTITIONED BY (d INT) STORED AS PARQUET",
    );
    let mut values = Vec::new();
    for d in 0..1000 {
        values.push(format!("PARTITION (d={d})"));
    }
    run(&mut s, &format!("ALTER TABLE big ADD {}", values.join(" ")));
    run(&mut s, "INSERT INTO big PARTITION (d=777) SELECT 5");
    // Every other partition folder holds a file that is not Parquet: any
    // attempt to read it fails the query.
    for d in (0..1000).filter(|d| *d != 777) {
        std::fs::write(dir.path().join(format!("big/d={d}/garbage")), "not parquet").unwrap();
    }
    assert_eq!(
        rows(&mut s, "SELECT x, d FROM big WHERE d = 777"),
        vec!["5\t777"]
    );
    assert!(
        s.query("SELECT count(*) FROM big").is_err(),
        "without pruning the garbage is read"
    );
}

#[test]
fn load_data_local_copies_and_inpath_moves() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let mut s = session(&wh);
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("f1"), "1,a\n2,b\n").unwrap();
    std::fs::write(input.join("_SUCCESS"), "").unwrap();
    run(
        &mut s,
        "CREATE TABLE l (k INT, v STRING) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','",
    );
    run(
        &mut s,
        &format!("LOAD DATA LOCAL INPATH '{}' INTO TABLE l", input.display()),
    );
    assert!(input.join("f1").exists(), "LOCAL copies");
    run(
        &mut s,
        &format!(
            "LOAD DATA LOCAL INPATH '{}' INTO TABLE l",
            input.join("f1").display()
        ),
    );
    assert_eq!(rows(&mut s, "SELECT count(*) FROM l"), vec!["4"]);
    run(
        &mut s,
        &format!(
            "LOAD DATA INPATH '{}' OVERWRITE INTO TABLE l",
            input.join("f1").display()
        ),
    );
    assert!(!input.join("f1").exists(), "non-LOCAL moves");
    assert_eq!(
        rows(&mut s, "SELECT k, v FROM l ORDER BY k"),
        vec!["1\ta", "2\tb"]
    );
    let e = s
        .execute("LOAD DATA LOCAL INPATH '/no/such/file' INTO TABLE l")
        .err()
        .unwrap();
    assert!(e.to_string().contains("Invalid path"), "{e}");
}

#[test]
fn ctas_like_views_alter_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    run(&mut s, "CREATE TABLE base (a INT, b STRING) TBLPROPERTIES ('creator'='test'); INSERT INTO base VALUES (1,'x'),(2,'y'),(3,'y')");
    run(
        &mut s,
        "CREATE TABLE agg STORED AS PARQUET AS SELECT b, count(*) AS n FROM base GROUP BY b",
    );
    assert_eq!(
        rows(&mut s, "SELECT b, n FROM agg ORDER BY b"),
        vec!["x\t1", "y\t2"]
    );
    assert!(s.execute("CREATE TABLE agg AS SELECT 1").is_err());
    run(
        &mut s,
        "CREATE TABLE copy LIKE base; INSERT INTO copy SELECT * FROM base WHERE a = 1",
    );
    assert_eq!(rows(&mut s, "SELECT * FROM copy"), vec!["1\tx"]);
    run(
        &mut s,
        "CREATE VIEW v AS SELECT a * 2 AS d FROM base WHERE b = 'y'",
    );
    assert_eq!(rows(&mut s, "SELECT d FROM v ORDER BY d"), vec!["4", "6"]);
    run(
        &mut s,
        "ALTER TABLE base ADD COLUMNS (c DOUBLE COMMENT 'new')",
    );
    assert_eq!(
        rows(&mut s, "SELECT a, c FROM base WHERE a = 1"),
        vec!["1\tNULL"]
    );
    run(&mut s, "ALTER TABLE base SET TBLPROPERTIES ('k'='v')");
    let props = rows(&mut s, "SHOW TBLPROPERTIES base");
    assert!(
        props.contains(&"creator\ttest".to_string()) && props.contains(&"k\tv".to_string()),
        "{props:?}"
    );
    assert_eq!(rows(&mut s, "SHOW COLUMNS IN base"), vec!["a", "b", "c"]);
    let ddl = rows(&mut s, "SHOW CREATE TABLE base").join("\n");
    assert!(
        ddl.contains("CREATE TABLE `default`.`base`") && ddl.contains("`c` double COMMENT 'new'"),
        "{ddl}"
    );
    let formatted = rows(&mut s, "DESCRIBE FORMATTED base").join("\n");
    assert!(
        formatted.contains("# Detailed Table Information")
            && formatted.contains("MANAGED_TABLE")
            && formatted.contains("LazySimpleSerDe"),
        "{formatted}"
    );
    run(&mut s, "ALTER TABLE base RENAME TO renamed");
    assert!(dir.path().join("renamed").is_dir() && !dir.path().join("base").exists());
    assert_eq!(rows(&mut s, "SELECT count(*) FROM renamed"), vec!["3"]);
    run(&mut s, "TRUNCATE TABLE renamed");
    assert_eq!(rows(&mut s, "SELECT count(*) FROM renamed"), vec!["0"]);
    run(&mut s, "DROP VIEW v; DROP TABLE renamed; DROP TABLE nosuch");
    assert!(!dir.path().join("renamed").exists());
    run(&mut s, "DROP TABLE agg PURGE");
    assert!(s.query("SELECT * FROM agg").is_err());
}

#[test]
fn external_tables_keep_their_data_and_msck_finds_partitions() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let data = dir.path().join("hive_written/logs");
    // As Hive writes them: \001 fields, \N nulls, escaped partition values,
    // side files to skip.
    std::fs::create_dir_all(data.join("dt=2024-01-01/src=a%2Fb")).unwrap();
    std::fs::create_dir_all(data.join("dt=2024-01-02/src=__HIVE_DEFAULT_PARTITION__")).unwrap();
    std::fs::write(
        data.join("dt=2024-01-01/src=a%2Fb/000000_0"),
        "1\u{1}hello\n2\u{1}\\N\n",
    )
    .unwrap();
    std::fs::write(data.join("dt=2024-01-01/src=a%2Fb/.000000_0.crc"), "junk").unwrap();
    std::fs::write(data.join("dt=2024-01-01/src=a%2Fb/_SUCCESS"), "").unwrap();
    std::fs::write(
        data.join("dt=2024-01-02/src=__HIVE_DEFAULT_PARTITION__/000000_0"),
        "3\u{1}bye\n",
    )
    .unwrap();
    let mut s = session(&wh);
    run(&mut s, &format!("CREATE EXTERNAL TABLE logs (id INT, msg STRING) COMMENT 'ext' PARTITIONED BY (dt STRING, src STRING) LOCATION '{}'", data.display()));
    assert_eq!(rows(&mut s, "SELECT count(*) FROM logs"), vec!["0"]);
    run(&mut s, "MSCK REPAIR TABLE logs");
    assert_eq!(
        rows(&mut s, "SELECT id, msg, dt, src FROM logs ORDER BY id"),
        vec![
            "1\thello\t2024-01-01\ta/b",
            "2\tNULL\t2024-01-01\ta/b",
            "3\tbye\t2024-01-02\tNULL"
        ]
    );
    run(&mut s, "DROP TABLE logs");
    assert!(
        data.join("dt=2024-01-01/src=a%2Fb/000000_0").exists(),
        "external data kept"
    );
}

#[test]
fn parquet_tables_infer_their_schema_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("pq");
    std::fs::create_dir_all(&files).unwrap();
    let schema = std::sync::Arc::new(arrow::datatypes::Schema::new(vec![
        arrow::datatypes::Field::new("Name", arrow::datatypes::DataType::Utf8, true),
    ]));
    let b = arrow::record_batch::RecordBatch::try_new(
        schema.clone(),
        vec![std::sync::Arc::new(arrow::array::StringArray::from(vec![
            "a", "b",
        ]))],
    )
    .unwrap();
    hive::parquet_file::write_file(&files.join("part-00000.parquet"), schema, &[b]).unwrap();
    let mut s = session(&dir.path().join("wh"));
    run(
        &mut s,
        &format!(
            "CREATE EXTERNAL TABLE ext STORED AS PARQUET LOCATION '{}'",
            files.display()
        ),
    );
    assert_eq!(
        rows(&mut s, "SELECT name FROM ext ORDER BY name"),
        vec!["a", "b"]
    );
}

#[test]
fn failures_leave_the_old_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    run(
        &mut s,
        "CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2)",
    );
    assert!(s.execute("CREATE TABLE t (b INT)").is_err());
    run(&mut s, "CREATE TABLE IF NOT EXISTS t (b INT)");
    let e = s.execute("INSERT INTO t SELECT 1, 2").err().unwrap();
    assert!(e.to_string().contains("column number"), "{e}");
    // A query that fails halfway: the old data stays.
    let e = s
        .execute("INSERT OVERWRITE TABLE t SELECT assert_true(a < 2) FROM t")
        .err();
    assert!(e.is_some());
    assert_eq!(rows(&mut s, "SELECT a FROM t ORDER BY a"), vec!["1", "2"]);
    let staging = dir.path().join(".shark-staging");
    assert!(
        !staging.exists() || std::fs::read_dir(&staging).unwrap().count() == 0,
        "no staging left behind"
    );
}

#[test]
fn two_sessions_create_tables_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().to_path_buf();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let wh = wh.clone();
            std::thread::spawn(move || {
                let mut s = session(&wh);
                for j in 0..5 {
                    s.execute(&format!("CREATE TABLE t_{i}_{j} (x INT)"))
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let mut s = session(&wh);
    assert_eq!(rows(&mut s, "SHOW TABLES").len(), 20);
}

#[test]
fn hive_multi_insert_and_from_first_select() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    run(
        &mut s,
        "CREATE TABLE src (key INT, value STRING); INSERT INTO src VALUES (1,'a'),(150,'b'),(300,'c');
         CREATE TABLE low (key INT, value STRING); CREATE TABLE high (key INT) PARTITIONED BY (ds STRING);
         FROM src
         INSERT OVERWRITE TABLE low SELECT src.* WHERE src.key < 100
         INSERT OVERWRITE TABLE high PARTITION (ds='x') SELECT key WHERE key >= 100 ORDER BY key",
    );
    assert_eq!(rows(&mut s, "SELECT * FROM low"), vec!["1\ta"]);
    assert_eq!(
        rows(&mut s, "SELECT key, ds FROM high ORDER BY key"),
        vec!["150\tx", "300\tx"]
    );
    assert_eq!(
        rows(&mut s, "FROM src SELECT max(key) WHERE value <> 'c'"),
        vec!["150"]
    );
}

#[test]
fn escaped_delimiters_and_invalid_values_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(&dir.path().join("wh"));
    let file = dir.path().join("data.csv");
    std::fs::write(&file, "1,a\\,b\nnot_a_number,c\n").unwrap();
    run(
        &mut s,
        r"CREATE TABLE e (k INT, v STRING) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' ESCAPED BY '\\'",
    );
    run(
        &mut s,
        &format!("LOAD DATA LOCAL INPATH '{}' INTO TABLE e", file.display()),
    );
    let log = std::sync::Arc::new(rdd::EventLog::default());
    s.context().add_listener(log.clone());
    let mut got = rows(&mut s, "SELECT k, v FROM e");
    got.sort();
    assert_eq!(got, vec!["1\ta,b", "NULL\tc"]);
    assert_eq!(log.total_task_metrics().invalid_values, 1);
}

#[test]
fn parquet_columns_are_matched_by_name_as_hive_does() {
    use arrow::array::{Float64Array, Int32Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let mut s = session(&wh);
    run(
        &mut s,
        "CREATE TABLE t (a INT, b STRING, c DOUBLE) STORED AS PARQUET",
    );
    // Written by another engine: other column order, upper-case names, an
    // extra column, and `a` missing.
    let schema = Arc::new(Schema::new(vec![
        Field::new("C", DataType::Float64, true),
        Field::new("extra", DataType::Int32, true),
        Field::new("B", DataType::Utf8, true),
    ]));
    let batch = arrow::record_batch::RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Float64Array::from(vec![1.5, 2.5])),
            Arc::new(Int32Array::from(vec![7, 8])),
            Arc::new(StringArray::from(vec!["x", "y"])),
        ],
    )
    .unwrap();
    hive::parquet_file::write_file(&wh.join("t").join("part-0.parquet"), schema, &[batch]).unwrap();
    assert_eq!(
        rows(&mut s, "SELECT a, b, c FROM t ORDER BY c"),
        vec!["NULL\tx\t1.5", "NULL\ty\t2.5"]
    );
    assert_eq!(rows(&mut s, "SELECT c FROM t WHERE b = 'y'"), vec!["2.5"]);
    assert_eq!(
        rows(&mut s, "SELECT count(*), count(a) FROM t"),
        vec!["2\t0"]
    );
}

#[test]
fn insert_overwrite_directory_takes_row_format_and_stored_as() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let mut s = session(&wh);
    run(
        &mut s,
        "CREATE TABLE t (a INT, b STRING); INSERT INTO t VALUES (1, 'x'), (2, NULL)",
    );
    let out = dir.path().join("out");
    run(
        &mut s,
        &format!(
            "INSERT OVERWRITE LOCAL DIRECTORY '{}' ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' \
             NULL DEFINED AS '-' SELECT a, b FROM t ORDER BY a",
            out.display()
        ),
    );
    let text: String = shark::table::data_files(&out)
        .unwrap()
        .iter()
        .map(|(p, _)| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(text, "1,x\n2,-\n");
    let pq = dir.path().join("pq");
    run(
        &mut s,
        &format!(
            "INSERT OVERWRITE DIRECTORY '{}' STORED AS PARQUET SELECT * FROM t",
            pq.display()
        ),
    );
    let files = shark::table::data_files(&pq).unwrap();
    let bytes = std::fs::read(&files[0].0).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    let table = shark::table::ParquetTable::try_new(&pq, None).unwrap();
    assert_eq!(shark::table::TableSource::schema(&table).fields().len(), 2);
}

#[test]
fn analyze_table_records_basic_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let mut s = session(&wh);
    run(
        &mut s,
        "CREATE TABLE t (a INT, b STRING); INSERT INTO t VALUES (1, 'x'), (2, NULL), (3, 'z')",
    );
    run(&mut s, "ANALYZE TABLE t COMPUTE STATISTICS");
    let props = rows(&mut s, "SHOW TBLPROPERTIES t").join("\n");
    assert!(props.contains("numRows\t3"), "{props}");
    let files = shark::table::data_files(&wh.join("t")).unwrap();
    let size: u64 = files.iter().map(|f| f.1).sum();
    assert!(
        props.contains(&format!("numFiles\t{}", files.len())),
        "{props}"
    );
    assert!(props.contains(&format!("totalSize\t{size}")), "{props}");
    run(&mut s, "INSERT INTO t VALUES (4, 'w'); ANALYZE TABLE t COMPUTE STATISTICS NOSCAN; ANALYZE TABLE t COMPUTE STATISTICS FOR COLUMNS");
    let props = rows(&mut s, "SHOW TBLPROPERTIES t").join("\n");
    let files = shark::table::data_files(&wh.join("t")).unwrap();
    assert!(
        props.contains(&format!("numFiles\t{}", files.len())),
        "{props}"
    );
    assert!(props.contains("numRows\t4"), "{props}");
}

/// Hive's partition statements: SHOW PARTITIONS with a partial spec,
/// DESCRIBE … PARTITION, a partition key's type changed, the storage
/// clauses of ALTER TABLE; NULL and empty dynamic values in the default
/// partition.
#[test]
fn partition_statements_as_hive_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(&dir.path().join("wh"));
    run(
        &mut s,
        "SET hive.exec.dynamic.partition.mode=nonstrict; \
         CREATE TABLE p (a INT) PARTITIONED BY (ds STRING, hr INT); \
         INSERT INTO p PARTITION (ds, hr) VALUES (1, 'd1', 1), (2, 'd1', 2), (3, 'd2', 1), \
           (4, NULL, 1), (5, '', 2)",
    );
    assert_eq!(
        rows(&mut s, "SHOW PARTITIONS p"),
        vec![
            "ds=__HIVE_DEFAULT_PARTITION__/hr=1",
            "ds=__HIVE_DEFAULT_PARTITION__/hr=2",
            "ds=d1/hr=1",
            "ds=d1/hr=2",
            "ds=d2/hr=1"
        ]
    );
    assert_eq!(
        rows(&mut s, "SHOW PARTITIONS p PARTITION (ds='d1')"),
        vec!["ds=d1/hr=1", "ds=d1/hr=2"]
    );
    assert_eq!(
        rows(&mut s, "SHOW PARTITIONS p PARTITION (hr=1)"),
        vec![
            "ds=__HIVE_DEFAULT_PARTITION__/hr=1",
            "ds=d1/hr=1",
            "ds=d2/hr=1"
        ]
    );
    assert_eq!(
        rows(&mut s, "SELECT a, ds FROM p WHERE ds IS NULL ORDER BY a"),
        vec!["4\tNULL", "5\tNULL"]
    );
    // The NULL partition by its folder name, as Hive's pruning reads it.
    assert_eq!(
        rows(
            &mut s,
            "SELECT a, ds FROM p WHERE ds = '__HIVE_DEFAULT_PARTITION__' ORDER BY a"
        ),
        vec!["4\tNULL", "5\tNULL"]
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT count(*) FROM p x WHERE '__HIVE_DEFAULT_PARTITION__' <> x.ds"
        ),
        vec!["3"]
    );
    // Also through a subquery that passes the column on.
    assert_eq!(
        rows(
            &mut s,
            "SELECT q.a FROM (SELECT a, ds FROM p) q \
             WHERE q.ds = '__HIVE_DEFAULT_PARTITION__' ORDER BY q.a"
        ),
        vec!["4", "5"]
    );
    // Plain DESCRIBE lists the partition columns with the others.
    assert_eq!(
        rows(&mut s, "DESCRIBE p")[..3],
        ["a\tint\t", "ds\tstring\t", "hr\tint\t"]
    );
    let d = rows(&mut s, "DESCRIBE FORMATTED p PARTITION (ds='d1', hr=2)").join("\n");
    assert!(d.contains("Partition Value:\t[d1, 2]"), "{d}");
    assert!(d.contains("ds=d1/hr=2"), "{d}");
    let e = rows(&mut s, "DESCRIBE EXTENDED p PARTITION (ds='d2', hr=1)").join("\n");
    assert!(e.contains("Partition(values:[d2, 1]"), "{e}");
    let missing = s
        .execute("DESCRIBE p PARTITION (ds='nope', hr=1)")
        .err()
        .expect("no such partition")
        .to_string();
    assert!(missing.contains("Partition not found"), "{missing}");
    // A key's type changes; its folders are read as the new type.
    run(&mut s, "ALTER TABLE p PARTITION COLUMN (hr STRING)");
    assert_eq!(
        rows(&mut s, "SELECT concat(hr, 'h') FROM p WHERE a = 1"),
        vec!["1h"]
    );
    assert!(s
        .execute("ALTER TABLE p PARTITION COLUMN (nope INT)")
        .is_err());
    // One format per table: partitions already written would be misread.
    assert!(s.execute("ALTER TABLE p SET FILEFORMAT ORC").is_err());
    assert_eq!(rows(&mut s, "SELECT count(*) FROM p"), vec!["5"]);
    // Storage clauses change the metadata.
    run(
        &mut s,
        "CREATE TABLE t (a INT, b STRING); \
         ALTER TABLE t SET SERDEPROPERTIES ('field.delim'=',', 'note'='x'); \
         INSERT INTO t VALUES (1, 'one')",
    );
    let files = std::fs::read_dir(dir.path().join("wh/t")).unwrap();
    let text: String = files
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    assert_eq!(text, "1,one\n");
    run(&mut s, "ALTER TABLE t SET FILEFORMAT ORC");
    let f = rows(&mut s, "DESCRIBE FORMATTED t").join("\n");
    assert!(f.contains("OrcInputFormat") && f.contains("note\tx"), "{f}");
}

/// SKEWED BY … ON … [STORED AS DIRECTORIES] is accepted and recorded as
/// Hive shows it; list-bucketing subfolders Hive wrote are read.
#[test]
fn skewed_tables_are_recorded_and_their_subfolders_read() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let mut s = session(&wh);
    run(
        &mut s,
        "CREATE TABLE sk (k INT, v STRING) SKEWED BY (k, v) ON ((1, 'a'), (5, 'x y')) \
         STORED AS DIRECTORIES TBLPROPERTIES ('owner'='me'); \
         INSERT INTO sk VALUES (2, 'b')",
    );
    let f = rows(&mut s, "DESCRIBE FORMATTED sk").join("\n");
    for want in [
        "Skewed Columns:\t[k, v]",
        "Skewed Values:\t[[1, a], [5, x y]]",
        "Stored As SubDirectories:\tYes",
        "\towner\tme",
    ] {
        assert!(f.contains(want), "{want} in {f}");
    }
    assert!(!f.contains("shark.skewed"), "{f}");
    // A list-bucketing folder as Hive lays it out.
    let sub = wh.join("sk/k=1/v=a");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("000000_0"), "1\u{1}a\n").unwrap();
    assert_eq!(
        rows(&mut s, "SELECT k, v FROM sk ORDER BY k"),
        vec!["1\ta", "2\tb"]
    );
    assert!(s
        .execute("CREATE TABLE bad (k INT) SKEWED BY k ON (1)")
        .is_err());
    run(
        &mut s,
        "CREATE TABLE sq (v STRING) SKEWED BY (v) ON (('a,b'), ('c'))",
    );
    let f = rows(&mut s, "DESCRIBE FORMATTED sq").join("\n");
    assert!(f.contains("Skewed Values:\t[[a,b], [c]]"), "{f}");
}

/// INPUT__FILE__NAME and BLOCK__OFFSET__INSIDE__FILE: the file of each
/// row, and for text the byte offset of its line (Hive's TextInputFormat
/// keys); hidden from `*`; with partitions, buckets and columnar files.
#[test]
fn virtual_columns_name_each_rows_file_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let mut s = session(&wh);
    run(&mut s, "CREATE TABLE t (k INT, v STRING)");
    std::fs::write(wh.join("t/a.txt"), "1\u{1}one\n22\u{1}two\n").unwrap();
    std::fs::write(wh.join("t/b.txt"), "333\u{1}three\n").unwrap();
    let a = format!("file:{}", wh.join("t/a.txt").display());
    let b = format!("file:{}", wh.join("t/b.txt").display());
    assert_eq!(
        rows(
            &mut s,
            "SELECT INPUT__FILE__NAME, BLOCK__OFFSET__INSIDE__FILE, k FROM t ORDER BY k"
        ),
        vec![
            format!("{a}\t0\t1"),
            format!("{a}\t6\t22"),
            format!("{b}\t0\t333")
        ]
    );
    assert_eq!(rows(&mut s, "SELECT * FROM t WHERE k = 1"), vec!["1\tone"]);
    assert_eq!(
        rows(
            &mut s,
            "SELECT t.block__offset__inside__file FROM t WHERE input__file__name LIKE '%b.txt'"
        ),
        vec!["0"]
    );
    // Partitioned ORC: the partition's file, rows numbered in their file.
    run(
        &mut s,
        "SET hive.exec.dynamic.partition.mode=nonstrict; \
         CREATE TABLE p (v STRING) PARTITIONED BY (d STRING) STORED AS ORC; \
         INSERT INTO p PARTITION (d) SELECT v, 'x' FROM t",
    );
    let got = rows(
        &mut s,
        "SELECT d, BLOCK__OFFSET__INSIDE__FILE, INPUT__FILE__NAME LIKE '%/p/d=x/%' FROM p ORDER BY 2"
    );
    assert_eq!(got.len(), 3);
    assert!(
        got.iter()
            .all(|r| r.starts_with("x\t") && r.ends_with("\ttrue")),
        "{got:?}"
    );
    // A table without files of its own has none.
    assert!(s
        .query("SELECT INPUT__FILE__NAME FROM (SELECT 1 AS x) q")
        .is_err());
}
