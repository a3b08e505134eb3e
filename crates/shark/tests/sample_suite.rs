//! TABLESAMPLE beyond the golden tests: bucketed tables sampled on their
//! CLUSTERED BY columns, `ON rand()`, and the forms that are errors.

mod common;
use common::{rows, session_with_src};

#[test]
fn bucketed_tables_sample_on_their_clustering_columns() {
    let (mut s, _dir) = session_with_src("sample-bucketed");
    s.execute_script(
        "CREATE TABLE b (k INT, v STRING) CLUSTERED BY (k) INTO 4 BUCKETS; \
         INSERT INTO b SELECT key * 10 + key, value FROM src; \
         INSERT INTO b VALUES (-7, 'neg')",
    )
    .unwrap();
    // An INT hashes to itself: bucket = (k & 0x7fffffff) % 4; -7 & MAX = 2147483641, % 4 = 1.
    assert_eq!(
        rows(
            &mut s,
            "SELECT k, v FROM b TABLESAMPLE(BUCKET 2 OUT OF 4) x ORDER BY k"
        ),
        vec!["-7\tneg", "33\tc"]
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT k FROM b TABLESAMPLE(BUCKET 3 OUT OF 4) ORDER BY k"
        ),
        vec!["22"]
    );
}

#[test]
fn rand_samples_some_rows_and_bad_clauses_are_errors() {
    let (mut s, _dir) = session_with_src("sample-rand");
    s.execute("INSERT INTO src SELECT key + 4, value FROM src")
        .unwrap();
    s.execute("INSERT INTO src SELECT key + 8, value FROM src")
        .unwrap();
    let n: usize = rows(
        &mut s,
        "SELECT count(*) FROM src TABLESAMPLE(BUCKET 1 OUT OF 2 ON rand()) s",
    )[0]
    .parse()
    .unwrap();
    assert!(n <= 16, "{n}");
    for (sql, says) in [
        (
            "SELECT * FROM src TABLESAMPLE(BUCKET 3 OUT OF 2 ON key)",
            "Numerator should not be bigger",
        ),
        (
            "SELECT * FROM src TABLESAMPLE(BUCKET 0 OUT OF 2 ON key)",
            "numbered from 1",
        ),
        (
            "SELECT * FROM src TABLESAMPLE(BUCKET 1 OUT OF 2)",
            "Sampling expression needed for non-bucketed table src",
        ),
        (
            "SELECT * FROM src TABLESAMPLE(101 PERCENT)",
            "between 0 and 100",
        ),
        ("SELECT * FROM src TABLESAMPLE(100X)", "expected n ROWS"),
    ] {
        let e = s.query(sql).expect_err(sql).to_string();
        assert!(e.contains(says), "{sql}: {e}");
    }
}

#[test]
fn block_samples_read_whole_blocks_so_a_small_table_is_read_whole() {
    let (mut s, _dir) = session_with_src("sample-blocks");
    for sql in [
        "SELECT count(*) FROM src TABLESAMPLE(1 PERCENT) s",
        "SELECT count(*) FROM src TABLESAMPLE(0.1 PERCENT)",
        "SELECT count(*) FROM src TABLESAMPLE(1K) s",
        "SELECT count(*) FROM src TABLESAMPLE(100M) s",
    ] {
        assert_eq!(rows(&mut s, sql), vec!["4"], "{sql}");
    }
    s.execute("SET hive.sample.seednumber=3").unwrap();
    assert_eq!(
        rows(&mut s, "SELECT count(*) FROM src TABLESAMPLE(5 PERCENT)"),
        vec!["4"]
    );
    let e = s
        .query("WITH q AS (SELECT * FROM src) SELECT * FROM q TABLESAMPLE(5 PERCENT)")
        .expect_err("a CTE has no blocks")
        .to_string();
    assert!(e.contains("not a stored table"), "{e}");
}

/// Inserts into a bucketed table write bucket `i` to the file `00000i_0`
/// (by Hive's hash), so that sampling a bucket reads only its files.
#[test]
fn bucketed_tables_write_a_file_per_bucket_and_samples_read_only_theirs() {
    let (mut s, dir) = session_with_src("sample-bucket-files");
    s.execute_script(
        "CREATE TABLE b (k INT, v STRING) CLUSTERED BY (k) INTO 4 BUCKETS; \
         INSERT INTO b SELECT key * 10 + key, value FROM src",
    )
    .unwrap();
    let folder = dir.path().join("wh/b");
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    files.sort();
    assert_eq!(files, ["000000_0", "000001_0", "000002_0", "000003_0"]);
    // An INT hashes to itself: 44 % 4 = 0, 33 % 4 = 1, 22 % 4 = 2, 11 % 4 = 3.
    for (file, want) in [
        ("000000_0", "44\u{1}d\n"),
        ("000001_0", "33\u{1}c\n"),
        ("000002_0", "22\u{1}b\n"),
        ("000003_0", "11\u{1}a\n"),
    ] {
        assert_eq!(
            std::fs::read_to_string(folder.join(file)).unwrap(),
            want,
            "{file}"
        );
    }
    let plan = rows(
        &mut s,
        "EXPLAIN SELECT * FROM b TABLESAMPLE (BUCKET 3 OUT OF 4)",
    )
    .join("\n");
    assert!(plan.contains("buckets [2]"), "{plan}");
    assert_eq!(
        rows(&mut s, "SELECT k FROM b TABLESAMPLE (BUCKET 3 OUT OF 4)"),
        vec!["22"]
    );
    // Two buckets of the four make sample bucket 1 of 2; 8 samples map into one bucket.
    assert_eq!(
        rows(
            &mut s,
            "SELECT k FROM b TABLESAMPLE (BUCKET 1 OUT OF 2) ORDER BY k"
        ),
        vec!["22", "44"]
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT k FROM b TABLESAMPLE (BUCKET 4 OUT OF 8 ON k) ORDER BY k"
        ),
        vec!["11"]
    );
    // Appends keep the layout: a second file per bucket, empty ones too.
    s.execute("INSERT INTO b VALUES (-7, 'neg')").unwrap();
    assert_eq!(
        std::fs::read_to_string(folder.join("000000_0_copy_1")).unwrap(),
        ""
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT k FROM b TABLESAMPLE (BUCKET 2 OUT OF 4) ORDER BY k"
        ),
        vec!["-7", "33"]
    );
}

/// ALTER TABLE … CLUSTERED BY / NOT CLUSTERED change how later inserts lay
/// rows out, and DESCRIBE FORMATTED shows the bucketing as Hive does.
#[test]
fn alter_table_clustered_by_changes_later_inserts() {
    let (mut s, dir) = session_with_src("sample-alter-buckets");
    s.execute_script(
        "CREATE TABLE c (k INT, v STRING); \
         ALTER TABLE c CLUSTERED BY (k) SORTED BY (k DESC) INTO 2 BUCKETS; \
         INSERT OVERWRITE TABLE c SELECT key, value FROM src",
    )
    .unwrap();
    let f = rows(&mut s, "DESCRIBE FORMATTED c").join("\n");
    for want in [
        "Num Buckets:\t2",
        "Bucket Columns:\t[k]",
        "Sort Columns:\t[Order(col:k, order:0)]",
    ] {
        assert!(f.contains(want), "{want} in {f}");
    }
    let folder = dir.path().join("wh/c");
    assert_eq!(
        std::fs::read_to_string(folder.join("000001_0"))
            .unwrap()
            .lines()
            .count(),
        2
    );
    // Each bucket file in SORTED BY order (k DESC).
    assert_eq!(
        std::fs::read_to_string(folder.join("000000_0")).unwrap(),
        "4\u{1}d\n2\u{1}b\n"
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT k FROM c TABLESAMPLE (BUCKET 1 OUT OF 2) ORDER BY k"
        ),
        vec!["2", "4"]
    );
    s.execute("ALTER TABLE c NOT CLUSTERED").unwrap();
    let f = rows(&mut s, "DESCRIBE FORMATTED c").join("\n");
    assert!(f.contains("Num Buckets:\t-1"), "{f}");
    assert!(s
        .execute("ALTER TABLE c CLUSTERED BY (nope) INTO 2 BUCKETS")
        .is_err());
}

/// Sampling reads only a bucket's files when every file was written by
/// bucket (bucketed CREATE, CTAS and inserts); after files arrive another
/// way (LOAD DATA, CLUSTERED BY over existing data) it reads them all and
/// still answers right.
#[test]
fn bucket_files_are_trusted_only_when_written_by_bucket() {
    let (mut s, dir) = session_with_src("sample-bucket-trust");
    s.execute("CREATE TABLE c CLUSTERED BY (key) INTO 2 BUCKETS AS SELECT key, value FROM src")
        .unwrap();
    let plan = rows(
        &mut s,
        "EXPLAIN SELECT * FROM c TABLESAMPLE (BUCKET 1 OUT OF 2)",
    )
    .join("\n");
    assert!(plan.contains("buckets [0]"), "{plan}");
    assert_eq!(
        rows(
            &mut s,
            "SELECT key FROM c TABLESAMPLE (BUCKET 1 OUT OF 2) ORDER BY key"
        ),
        vec!["2", "4"]
    );
    // Existing unbucketed files, then CLUSTERED BY: every file is read.
    s.execute_script(
        "CREATE TABLE u (key INT, value STRING); INSERT INTO u SELECT key, value FROM src; \
         ALTER TABLE u CLUSTERED BY (key) INTO 2 BUCKETS",
    )
    .unwrap();
    let plan = rows(
        &mut s,
        "EXPLAIN SELECT * FROM u TABLESAMPLE (BUCKET 1 OUT OF 2)",
    )
    .join("\n");
    assert!(!plan.contains("buckets ["), "{plan}");
    assert_eq!(
        rows(
            &mut s,
            "SELECT key FROM u TABLESAMPLE (BUCKET 1 OUT OF 2) ORDER BY key"
        ),
        vec!["2", "4"]
    );
    // LOAD DATA into a bucketed table: its file is not by bucket.
    let file = dir.path().join("load.txt");
    std::fs::write(&file, "6\u{1}f\n").unwrap();
    s.execute_script(&format!(
        "CREATE TABLE l (key INT, value STRING) CLUSTERED BY (key) INTO 2 BUCKETS; \
         LOAD DATA LOCAL INPATH '{}' INTO TABLE l",
        file.display()
    ))
    .unwrap();
    assert_eq!(
        rows(&mut s, "SELECT key FROM l TABLESAMPLE (BUCKET 1 OUT OF 2)"),
        vec!["6"]
    );
    assert!(s
        .execute("CREATE TABLE z (k INT) CLUSTERED BY (k) INTO 0 BUCKETS")
        .is_err());
    let f = rows(&mut s, "DESCRIBE FORMATTED c").join("\n");
    assert!(!f.contains("shark.bucketed"), "{f}");
}

/// Tables bucketed alike on the join keys join bucket by bucket with no
/// shuffle (Hive's bucket map join), and answer as unbucketed copies do.
#[test]
fn joins_on_bucket_columns_need_no_shuffle() {
    let (mut s, dir) = session_with_src("bucket-join");
    s.execute_script(
        "CREATE TABLE s1 (k INT, v STRING); \
         INSERT INTO s1 SELECT key * 7 - 9, value FROM src; \
         INSERT INTO s1 SELECT key * 5, concat(value, 'x') FROM src; \
         INSERT INTO s1 VALUES (NULL, 'null'); \
         CREATE TABLE b1 (k INT, v STRING) CLUSTERED BY (k) INTO 4 BUCKETS; \
         INSERT INTO b1 SELECT * FROM s1; \
         CREATE TABLE b2 (k INT, w STRING) CLUSTERED BY (k) INTO 4 BUCKETS; \
         INSERT INTO b2 SELECT k + 1, upper(v) FROM s1; \
         CREATE TABLE u1 AS SELECT * FROM b1; CREATE TABLE u2 AS SELECT * FROM b2; \
         CREATE TABLE b3 (k INT, w STRING) CLUSTERED BY (k) INTO 2 BUCKETS; \
         INSERT INTO b3 SELECT * FROM b2",
    )
    .unwrap();
    for join in [
        "JOIN",
        "LEFT JOIN",
        "RIGHT JOIN",
        "FULL OUTER JOIN",
        "LEFT SEMI JOIN",
    ] {
        let (cols, order) = if join.contains("SEMI") {
            ("x.k, x.v", "1, 2")
        } else {
            ("x.k, x.v, y.k, y.w", "1, 2, 3, 4")
        };
        let q = |l: &str, r: &str| {
            format!(
                "SELECT {cols} FROM {l} x {join} {r} y ON x.k = y.k \
                 WHERE x.v IS NULL OR x.v <> 'b' ORDER BY {order}"
            )
        };
        let plan = rows(&mut s, &format!("EXPLAIN {}", q("b1", "b2"))).join("\n");
        assert!(
            plan.contains("by bucket (4)") && !plan.contains("Exchange hash"),
            "{join}: {plan}"
        );
        assert_eq!(
            rows(&mut s, &q("b1", "b2")),
            rows(&mut s, &q("u1", "u2")),
            "{join}"
        );
    }
    // A file not named for a bucket, or columns replaced: the usual shuffle.
    std::fs::write(dir.path().join("wh/b2/part-extra"), "3\u{1}late\n").unwrap();
    let q = "SELECT count(*) FROM b1 JOIN b2 ON b1.k = b2.k";
    assert!(!rows(&mut s, &format!("EXPLAIN {q}"))
        .join("\n")
        .contains("by bucket"));
    std::fs::remove_file(dir.path().join("wh/b2/part-extra")).unwrap();
    assert!(rows(&mut s, &format!("EXPLAIN {q}"))
        .join("\n")
        .contains("by bucket"));
    s.execute("ALTER TABLE b2 REPLACE COLUMNS (k BIGINT, w STRING)")
        .unwrap();
    assert!(!rows(&mut s, &format!("EXPLAIN {q}"))
        .join("\n")
        .contains("by bucket"));
    // Different bucket counts or keys: the usual shuffle.
    let plan = rows(&mut s, "EXPLAIN SELECT * FROM b1 JOIN b3 ON b1.k = b3.k").join("\n");
    assert!(!plan.contains("by bucket"), "{plan}");
    let plan = rows(&mut s, "EXPLAIN SELECT * FROM b1 JOIN b2 ON b1.v = b2.w").join("\n");
    assert!(!plan.contains("by bucket"), "{plan}");
}
