//! ORC and Avro tables: files written by real writers (pyarrow's ORC
//! writer, fastavro; see `formats/make_files.py`) answer as DuckDB answers
//! over the same rows (`formats/expected.tsv`); tables Shark writes read
//! back; and the formats Shark cannot handle are refused by name.

mod common;
use common::{rows, session_with_src};
use std::path::{Path, PathBuf};

fn formats_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats")
}

/// The queries of `expected.tsv` with their answers.
fn expected() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(formats_dir().join("expected.tsv")).unwrap();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        match line.strip_prefix("> ") {
            Some(q) => out.push((q.to_string(), Vec::new())),
            None => out.last_mut().unwrap().1.push(line.to_string()),
        }
    }
    out
}

/// A folder holding only a copy of `file`, for an external table.
fn folder_with(dir: &Path, file: &str) -> PathBuf {
    let folder = dir.join(file.replace('.', "_"));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(formats_dir().join(file), folder.join(file)).unwrap();
    folder
}

const COLUMNS: &str = "id BIGINT, small INT, name STRING, category STRING, price DECIMAL(7,2), \
                       ratio DOUBLE, flag BOOLEAN, day DATE, ts TIMESTAMP, tags ARRAY<STRING>";

#[test]
fn orc_and_avro_files_from_other_writers_answer_as_duckdb() {
    let (mut s, dir) = session_with_src("formats-read");
    let orc = folder_with(dir.path(), "items.orc");
    let avro = folder_with(dir.path(), "items.avro");
    for (format, folder, declared) in [
        ("ORC", &orc, true),
        ("AVRO", &avro, true),
        // Columns from the files themselves.
        ("ORC", &orc, false),
        ("AVRO", &avro, false),
    ] {
        s.execute("DROP TABLE IF EXISTS items").unwrap();
        let columns = if declared {
            format!("({COLUMNS})")
        } else {
            String::new()
        };
        s.execute(&format!(
            "CREATE EXTERNAL TABLE items {columns} STORED AS {format} LOCATION '{}'",
            folder.display()
        ))
        .unwrap();
        for (q, want) in expected() {
            assert_eq!(
                rows(&mut s, &q),
                want,
                "{format} (declared: {declared}): {q}"
            );
        }
    }
    let described = rows(&mut s, "DESCRIBE items");
    assert!(described[0].starts_with("id\tbigint"), "{described:?}");
    assert!(
        described
            .iter()
            .any(|r| r.starts_with("tags\tarray<string>")),
        "{described:?}"
    );
}

#[test]
fn orc_scans_split_files_by_stripes_and_skip_row_groups() {
    let (mut s, dir) = session_with_src("formats-orc-splits");
    let orc = folder_with(dir.path(), "items.orc");
    s.execute(&format!(
        "CREATE EXTERNAL TABLE items ({COLUMNS}) STORED AS ORC LOCATION '{}'",
        orc.display()
    ))
    .unwrap();
    // The file has several stripes; a scan of it runs as several tasks
    // and every row is read once.
    let info = orc_file::inspect(&orc.join("items.orc")).unwrap();
    assert!(info.stripes.len() > 2, "{:?}", info.stripes.len());
    let explain = rows(&mut s, "EXPLAIN SELECT count(*) FROM items").join("\n");
    assert!(explain.to_lowercase().contains("orc"), "{explain}");
    assert_eq!(
        rows(&mut s, "SELECT count(DISTINCT id), sum(id) FROM items"),
        vec!["30000\t449985000"]
    );
    // Filters on the files' min/max still return every matching row.
    assert_eq!(
        rows(
            &mut s,
            "SELECT count(*), min(id), max(id) FROM items WHERE id >= 29000 AND small < 0"
        ),
        vec!["500\t29000\t29949"]
    );
}

#[test]
fn orc_and_avro_tables_written_by_shark_read_back() {
    let (mut s, _dir) = session_with_src("formats-write");
    s.execute_script(
        "CREATE TABLE wide (k INT, b BOOLEAN, s STRING, d DOUBLE, dt DATE, ts TIMESTAMP, bin BINARY); \
         INSERT INTO wide SELECT key, key % 2 = 0, concat('v', value), key / 4.0, \
           date_add('2024-02-27', key), cast('2024-01-01 10:00:00' AS timestamp), cast(value AS binary) \
           FROM src; \
         INSERT INTO wide VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    )
    .unwrap();
    let want = rows(&mut s, "SELECT * FROM wide ORDER BY k");
    assert_eq!(want.len(), 5);
    for format in ["ORC", "AVRO"] {
        s.execute_script(&format!(
            "DROP TABLE IF EXISTS w; CREATE TABLE w (k INT, b BOOLEAN, s STRING, d DOUBLE, dt DATE, \
               ts TIMESTAMP, bin BINARY) STORED AS {format}; \
             INSERT OVERWRITE TABLE w SELECT * FROM wide; \
             DROP TABLE IF EXISTS c; CREATE TABLE c STORED AS {format} AS SELECT * FROM wide"
        ))
        .unwrap();
        assert_eq!(rows(&mut s, "SELECT * FROM w ORDER BY k"), want, "{format}");
        assert_eq!(
            rows(&mut s, "SELECT * FROM c ORDER BY k"),
            want,
            "{format} CTAS"
        );
        let formatted = rows(&mut s, "DESCRIBE FORMATTED w").join("\n");
        let class = if format == "ORC" {
            "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
        } else {
            "org.apache.hadoop.hive.serde2.avro.AvroSerDe"
        };
        assert!(formatted.contains(class), "{formatted}");
    }
    // Dynamic partitions in ORC.
    s.execute_script(
        "SET hive.exec.dynamic.partition.mode=nonstrict; \
         CREATE TABLE p (v STRING) PARTITIONED BY (even BOOLEAN) STORED AS ORC; \
         INSERT OVERWRITE TABLE p PARTITION (even) SELECT value, key % 2 = 0 FROM src",
    )
    .unwrap();
    assert_eq!(
        rows(
            &mut s,
            "SELECT even, count(*) FROM p GROUP BY even ORDER BY even"
        ),
        vec!["false\t2", "true\t2"]
    );
}

#[test]
fn avro_tables_take_their_columns_from_the_schema_literal() {
    let (mut s, dir) = session_with_src("formats-avro-literal");
    let avro = folder_with(dir.path(), "items.avro");
    s.execute(&format!(
        "CREATE EXTERNAL TABLE lit STORED AS AVRO LOCATION '{}' TBLPROPERTIES ('avro.schema.literal'=\
         '{{\"type\":\"record\",\"name\":\"item\",\"fields\":[{{\"name\":\"id\",\"type\":\"long\"}},\
         {{\"name\":\"name\",\"type\":[\"null\",\"string\"]}}]}}')",
        avro.display()
    ))
    .unwrap();
    assert_eq!(
        rows(&mut s, "DESCRIBE lit"),
        vec!["id\tbigint\t", "name\tstring\t"]
    );
    assert_eq!(
        rows(&mut s, "SELECT id, name FROM lit WHERE id < 2 ORDER BY id"),
        vec!["0\tNULL", "1\tn00001"]
    );
}

#[test]
fn unsupported_formats_and_types_are_refused_by_name() {
    let (mut s, _dir) = session_with_src("formats-refused");
    for (sql, words) in [
        (
            "CREATE TABLE q (a INT) STORED AS SEQUENCEFILE",
            "SEQUENCEFILE",
        ),
        ("CREATE TABLE q (a INT) STORED AS RCFILE", "RCFILE"),
        (
            "CREATE TABLE q (a INT) ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'",
            "RegexSerDe",
        ),
    ] {
        let e = s.execute(sql).err().expect(sql).to_string();
        assert!(e.contains(words), "{sql}: {e}");
    }
    // ROW FORMAT SERDE with Hive's ORC classes is an ORC table.
    s.execute(
        "CREATE TABLE o (a INT) ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.orc.OrcSerde' \
         STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat' \
         OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat'",
    )
    .unwrap();
    s.execute("INSERT INTO o SELECT key FROM src").unwrap();
    assert_eq!(rows(&mut s, "SELECT sum(a) FROM o"), vec!["10"]);
    // Hive's older spelling.
    s.execute_script(
        "CREATE TABLE of (a INT) STORED AS ORCFILE; INSERT INTO of SELECT key FROM src",
    )
    .unwrap();
    assert!(rows(&mut s, "DESCRIBE FORMATTED of")
        .join("\n")
        .contains("OrcInputFormat"));
    // DECIMAL and nested columns are written (by Shark's own encoder) and
    // read back.
    s.execute_script(
        "CREATE TABLE od (x DECIMAL(5,2), a ARRAY<INT>, m MAP<STRING,INT>, \
         st STRUCT<p:INT,q:STRING>) STORED AS ORC; \
         INSERT INTO od SELECT 1.5, array(1, NULL), map('k', 2), named_struct('p', 3, 'q', 'r'); \
         INSERT INTO od SELECT -999.99, NULL, map(), NULL",
    )
    .unwrap();
    assert_eq!(
        rows(&mut s, "SELECT x, a, m, st FROM od ORDER BY x"),
        vec![
            "-999.99\tNULL\t{}\tNULL",
            "1.50\t[1,null]\t{\"k\":2}\t{\"p\":3,\"q\":\"r\"}"
        ]
    );
}

/// pyarrow (the CI venv's, `SHARK_TEST_PYTHON`) reads the ORC files Shark
/// writes; without that Python the check cannot run and is skipped.
#[test]
fn orc_written_by_shark_is_read_by_pyarrow() {
    let Ok(python) = std::env::var("SHARK_TEST_PYTHON") else {
        eprintln!("SHARK_TEST_PYTHON unset: pyarrow check skipped");
        return;
    };
    let (mut s, dir) = session_with_src("formats-pyarrow");
    let out = dir.path().join("out");
    s.execute(&format!(
        "INSERT OVERWRITE LOCAL DIRECTORY '{}' STORED AS ORC \
         SELECT key, value, cast(key AS double) / 2 AS half FROM src",
        out.display()
    ))
    .unwrap();
    // Decimal and nested columns go through Shark's own encoder.
    let nested = dir.path().join("nested");
    s.execute(&format!(
        "INSERT OVERWRITE LOCAL DIRECTORY '{}' STORED AS ORC \
         SELECT key, cast(key AS DECIMAL(10,2)) / 4 AS q, \
         if(key = 2, NULL, array(key, key * 10)) AS a, map(value, key) AS m, \
         named_struct('v', value, 'k', if(key = 3, NULL, key)) AS st, \
         cast(concat('1969-12-31 23:59:5', key, '.25') AS timestamp) AS t FROM src",
        nested.display()
    ))
    .unwrap();
    let script = "import sys, glob, pyarrow.orc as o\n\
                  t = [o.read_table(f) for f in sorted(glob.glob(sys.argv[1] + '/*')) if not f.split('/')[-1].startswith(('.', '_'))]\n\
                  rows = sorted(r for x in t for r in zip(*[c.to_pylist() for c in x.columns]))\n\
                  print(rows)\n";
    let read_back = |folder: &std::path::Path| {
        let run = std::process::Command::new(&python)
            .args(["-c", script, folder.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        String::from_utf8_lossy(&run.stdout).trim().to_string()
    };
    assert_eq!(
        read_back(&out),
        "[(1, 'a', 0.5), (2, 'b', 1.0), (3, 'c', 1.5), (4, 'd', 2.0)]"
    );
    assert_eq!(
        read_back(&nested),
        "[(1, Decimal('0.250000'), [1, 10], [('a', 1)], {'v': 'a', 'k': 1}, \
         datetime.datetime(1969, 12, 31, 23, 59, 51, 250000)), \
         (2, Decimal('0.500000'), None, [('b', 2)], {'v': 'b', 'k': 2}, \
         datetime.datetime(1969, 12, 31, 23, 59, 52, 250000)), \
         (3, Decimal('0.750000'), [3, 30], [('c', 3)], {'v': 'c', 'k': None}, \
         datetime.datetime(1969, 12, 31, 23, 59, 53, 250000)), \
         (4, Decimal('1.000000'), [4, 40], [('d', 4)], {'v': 'd', 'k': 4}, \
         datetime.datetime(1969, 12, 31, 23, 59, 54, 250000))]"
    );
}

/// Filters on a warehouse table's data columns reach its Parquet files:
/// row groups whose statistics rule the filter out are not read.
#[test]
fn warehouse_parquet_tables_skip_row_groups_by_filter() {
    let (mut s, _dir) = session_with_src("formats-pruning");
    for format in ["PARQUET", "ORC"] {
        s.execute_script(&format!(
            "DROP TABLE IF EXISTS pq; CREATE TABLE pq (k INT, v STRING) STORED AS {format}; \
             INSERT INTO pq SELECT key, value FROM src; \
             INSERT INTO pq SELECT key + 100, value FROM src; \
             INSERT INTO pq SELECT key + 200, value FROM src"
        ))
        .unwrap();
        assert_eq!(
            rows(&mut s, "SELECT count(*), min(k) FROM pq WHERE k >= 200"),
            vec!["4\t201"],
            "{format}"
        );
    }
    // Parquet's footers give each file's range: only the last insert's files are read.
    s.execute_script(
        "DROP TABLE IF EXISTS pq; CREATE TABLE pq (k INT, v STRING) STORED AS PARQUET; \
         INSERT INTO pq SELECT key, value FROM src; INSERT INTO pq SELECT key + 200, value FROM src",
    )
    .unwrap();
    let plan = rows(
        &mut s,
        "EXPLAIN ANALYZE SELECT count(*) FROM pq WHERE k >= 200",
    )
    .join("\n");
    let scan = plan
        .lines()
        .find(|l| l.contains("Scan parquet"))
        .unwrap_or_default();
    assert!(scan.contains(" rows=4 "), "{plan}");
}

/// Statistics of annotated Parquet columns (a decimal's unscaled integers)
/// are not compared with the table's values: a column redeclared BIGINT
/// over decimal files still finds its rows.
#[test]
fn annotated_parquet_statistics_prune_nothing() {
    let (mut s, _dir) = session_with_src("formats-annotated");
    s.execute_script(
        "CREATE TABLE d (amount DECIMAL(10,2)) STORED AS PARQUET; \
         INSERT INTO d SELECT CAST(12.5 AS DECIMAL(10,2)); \
         ALTER TABLE d REPLACE COLUMNS (amount BIGINT)",
    )
    .unwrap();
    assert_eq!(rows(&mut s, "SELECT amount FROM d"), vec!["12"]);
    assert_eq!(
        rows(&mut s, "SELECT count(*) FROM d WHERE amount = 12"),
        vec!["1"]
    );
}
