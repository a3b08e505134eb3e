//! ARRAY, MAP and STRUCT columns: Hive's DDL, its text layout (items split
//! by \002, map keys by \003, deeper levels by \004...), Parquet, the
//! accessors (a[i], m[k], s.f), the constructors, explode of a map, and the
//! Hive CLI's way of printing them.

use shark::Session;
use std::path::Path;

mod common;
use common::rows;

fn session(wh: &Path) -> Session {
    let ctx = rdd::Context::new("local[2]", "complex-types").unwrap();
    Session::with_warehouse(ctx, wh).unwrap()
}

fn run(s: &mut Session, script: &str) {
    s.execute_script(script)
        .unwrap_or_else(|e| panic!("{script}: {e}"));
}

/// Hive's text layout of three rows: full values; empty collections and
/// a NULL struct; NULL collections and a struct with a NULL field.
const ROWS: &str = "1\u{1}a\u{2}b\u{1}k1\u{3}1\u{2}k2\u{3}2\u{1}7\u{2}x\n\
                    2\u{1}\u{1}\u{1}\\N\n\
                    3\u{1}\\N\u{1}\\N\u{1}9\u{2}\\N\n";

#[test]
fn text_tables_read_hive_layout_and_print_like_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let file = dir.path().join("rows.txt");
    std::fs::write(&file, ROWS).unwrap();
    let mut s = session(&wh);
    run(
        &mut s,
        &format!(
            "CREATE TABLE c (id INT, a ARRAY<STRING>, m MAP<STRING,INT>, s STRUCT<x:INT,y:STRING>);\n\
             LOAD DATA LOCAL INPATH '{}' INTO TABLE c",
            file.display()
        ),
    );
    assert_eq!(
        rows(&mut s, "DESCRIBE c"),
        vec![
            "id\tint\t",
            "a\tarray<string>\t",
            "m\tmap<string,int>\t",
            "s\tstruct<x:int,y:string>\t"
        ]
    );
    assert_eq!(
        rows(&mut s, "SELECT * FROM c ORDER BY id"),
        vec![
            "1\t[\"a\",\"b\"]\t{\"k1\":1,\"k2\":2}\t{\"x\":7,\"y\":\"x\"}",
            "2\t[]\t{}\tNULL",
            "3\tNULL\tNULL\t{\"x\":9,\"y\":null}",
        ]
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT id, a[1], a[5], size(a), m['k2'], m['zz'], size(m), s.x, c.s.y, map_keys(m), \
             map_values(m) FROM c ORDER BY id"
        ),
        vec![
            "1\tb\tNULL\t2\t2\tNULL\t2\t7\tx\t[\"k1\",\"k2\"]\t[1,2]",
            "2\tNULL\tNULL\t0\tNULL\tNULL\t0\tNULL\tNULL\t[]\t[]",
            "3\tNULL\tNULL\t-1\tNULL\tNULL\t-1\t9\tNULL\tNULL\tNULL",
        ]
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT id, k, v FROM c LATERAL VIEW explode(m) e AS k, v ORDER BY id, k"
        ),
        vec!["1\tk1\t1", "1\tk2\t2"]
    );
    assert_eq!(
        rows(&mut s, "SELECT count(*) FROM c WHERE s.x > 8"),
        vec!["1"]
    );
    let e = s.execute("SELECT s.z FROM c").err().unwrap().to_string();
    assert!(e.contains("no field 'z'"), "{e}");
}

#[test]
fn values_written_to_text_and_parquet_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let mut s = session(&wh);
    run(
        &mut s,
        "CREATE TABLE t (id INT, a ARRAY<INT>, m MAP<STRING,STRING>, s STRUCT<n:INT,l:ARRAY<STRING>>);\n\
         INSERT INTO t VALUES (0, NULL, NULL, NULL);\n\
         INSERT INTO t SELECT 1, array(1, 2), str_to_map('a:1,b:x'), named_struct('n', 5, 'l', array('p', 'q'));\n\
         CREATE TABLE p STORED AS PARQUET AS SELECT * FROM t",
    );
    // Hive's text layout on disk: \002 between items, \003 between a key
    // and its value, \003 again one level down (the struct's array).
    let text: String = shark::table::data_files(&wh.join("t"))
        .unwrap()
        .iter()
        .map(|(p, _)| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        text.contains("1\u{1}1\u{2}2\u{1}a\u{3}1\u{2}b\u{3}x\u{1}5\u{2}p\u{3}q\n"),
        "{text:?}"
    );
    let want = vec![
        "0\tNULL\tNULL\tNULL",
        "1\t[1,2]\t{\"a\":\"1\",\"b\":\"x\"}\t{\"n\":5,\"l\":[\"p\",\"q\"]}",
    ];
    assert_eq!(rows(&mut s, "SELECT * FROM t ORDER BY id"), want);
    assert_eq!(rows(&mut s, "SELECT * FROM p ORDER BY id"), want);
    assert_eq!(
        rows(
            &mut s,
            "SELECT s.l[1], s.n + a[0], m['b'] FROM p WHERE id = 1"
        ),
        vec!["q\t6\tx"]
    );
    assert_eq!(
        rows(&mut s, "SELECT struct(1, 'a'), map('k', array(1))"),
        vec!["{\"col1\":1,\"col2\":\"a\"}\t{\"k\":[1]}"]
    );
}

#[test]
fn text_maps_drop_bad_keys_and_keep_the_first_of_repeated_ones() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let file = dir.path().join("m.txt");
    // Keys: "abc" (not an int), 1, 1 again.
    std::fs::write(&file, "1\u{1}abc\u{3}x\u{2}1\u{3}a\u{2}1\u{3}b\n").unwrap();
    let mut s = session(&wh);
    run(
        &mut s,
        &format!(
            "CREATE TABLE m (id INT, m MAP<INT,STRING>);\nLOAD DATA LOCAL INPATH '{}' INTO TABLE m",
            file.display()
        ),
    );
    assert_eq!(
        rows(&mut s, "SELECT m, m[1], size(m) FROM m"),
        vec!["{1:\"a\"}\ta\t1"]
    );
}
