//! Partitions with columns of their own (issue "Hive compatibility, round
//! 2", item 7). Expectations are Hive's documented behaviour: `ALTER TABLE
//! … ADD|REPLACE|CHANGE COLUMNS` changes only the table's metadata unless
//! CASCADE, so existing partitions are read with the columns they were
//! written with and each row converted to the table's columns in order;
//! `ALTER TABLE … PARTITION (…) … COLUMNS` changes one partition's.

use shark::Session;

mod common;
use common::rows;

fn session() -> (Session, tempfile::TempDir) {
    let (mut s, d) = common::session_with_src("partition-columns");
    s.execute_script(
        "CREATE TABLE pt (a INT, b STRING) PARTITIONED BY (ds STRING); \
         INSERT INTO pt PARTITION (ds='1') VALUES (1, '007'), (2, 'x')",
    )
    .unwrap();
    (s, d)
}

#[test]
fn existing_partitions_keep_their_columns_unless_cascade() {
    let (mut s, _d) = session();
    // RESTRICT (the default): partition 1 still holds b as a string, read
    // as one and converted ('007' → 7, 'x' → NULL).
    s.execute("ALTER TABLE pt CHANGE b b INT").unwrap();
    s.execute("INSERT INTO pt PARTITION (ds='2') VALUES (3, 42)")
        .unwrap();
    assert_eq!(
        rows(&mut s, "SELECT a, b, ds FROM pt ORDER BY a"),
        ["1\t7\t1", "2\tNULL\t1", "3\t42\t2"]
    );
    assert_eq!(
        rows(&mut s, "DESCRIBE pt PARTITION (ds='1')")[..2],
        ["a\tint\t", "b\tstring\t"]
    );
    assert_eq!(
        rows(&mut s, "DESCRIBE pt PARTITION (ds='2')")[..2],
        ["a\tint\t", "b\tint\t"]
    );
    // A new column is NULL in partitions that do not declare it, even
    // where their files hold a value for it.
    s.execute("ALTER TABLE pt ADD COLUMNS (c STRING)").unwrap();
    s.execute("INSERT INTO pt PARTITION (ds='1') VALUES (4, 5, 'kept?')")
        .unwrap();
    assert_eq!(
        rows(&mut s, "SELECT a, c FROM pt WHERE ds = '1' ORDER BY a"),
        ["1\tNULL", "2\tNULL", "4\tNULL"]
    );
    // CASCADE gives the partitions the change too, and the value written
    // above shows.
    s.execute("ALTER TABLE pt REPLACE COLUMNS (a INT, b INT, c STRING) CASCADE")
        .unwrap();
    assert_eq!(
        rows(&mut s, "DESCRIBE pt PARTITION (ds='1')")[..3],
        ["a\tint\t", "b\tint\t", "c\tstring\t"]
    );
    assert_eq!(
        rows(&mut s, "SELECT a, b, c FROM pt WHERE ds = '1' ORDER BY a"),
        ["1\t7\tNULL", "2\tNULL\tNULL", "4\t5\tkept?"]
    );
}

#[test]
fn a_partition_alone_changes_and_converts() {
    let (mut s, _d) = session();
    s.execute("ALTER TABLE pt PARTITION (ds='1') CHANGE COLUMN b b INT COMMENT 'now a number'")
        .unwrap();
    assert_eq!(
        rows(&mut s, "DESCRIBE pt PARTITION (ds='1')")[1],
        "b\tint\tnow a number"
    );
    assert_eq!(rows(&mut s, "DESCRIBE pt")[1], "b\tstring\t");
    // Read as INT in the partition ('x' is not a number), shown as the
    // table's STRING.
    assert_eq!(
        rows(&mut s, "SELECT a, concat('[', b, ']') FROM pt ORDER BY a"),
        ["1\t[7]", "2\tNULL"]
    );
    // Changing it back to the table's columns drops the partition's own.
    s.execute("ALTER TABLE pt PARTITION (ds='1') CHANGE b b STRING")
        .unwrap();
    assert_eq!(rows(&mut s, "SELECT b FROM pt ORDER BY a"), ["007", "x"]);
}

#[test]
fn change_moves_and_renames_columns_and_checks_names() {
    let (mut s, _d) = session();
    s.execute("ALTER TABLE pt CHANGE b bee STRING FIRST CASCADE")
        .unwrap();
    assert_eq!(
        rows(&mut s, "DESCRIBE pt")[..2],
        ["bee\tstring\t", "a\tint\t"]
    );
    // Metadata only: the files keep their order, so the first field of
    // each row is read as `bee` and the second ('007', 'x') as `a`.
    assert_eq!(
        rows(&mut s, "SELECT bee, a FROM pt ORDER BY bee"),
        ["1\t7", "2\tNULL"]
    );
    for bad in [
        "ALTER TABLE pt CHANGE nosuch x INT",
        "ALTER TABLE pt CHANGE a ds INT",
        "ALTER TABLE pt CHANGE a a INT AFTER nosuch",
        "ALTER TABLE pt ADD COLUMNS (a INT)",
        "ALTER TABLE pt PARTITION (ds='9') ADD COLUMNS (z INT)",
    ] {
        assert!(s.execute(bad).is_err(), "{bad} should fail");
    }
    assert_eq!(rows(&mut s, "SELECT count(*) FROM pt"), ["2"]);
    // A qualified name.
    s.execute("ALTER TABLE default.pt CHANGE a a BIGINT")
        .unwrap();
    assert_eq!(rows(&mut s, "DESCRIBE pt")[1], "a\tbigint\t");
}

/// A partition's own CHAR column read as the table's STRING loses its
/// padding (CHAR to STRING strips it).
#[test]
fn own_char_columns_convert_without_padding() {
    let (mut s, _d) = session();
    s.execute_script(
        "CREATE TABLE pc (c CHAR(5)) PARTITIONED BY (p STRING); \
         INSERT INTO pc PARTITION (p='1') VALUES ('ab'); \
         ALTER TABLE pc CHANGE c c STRING",
    )
    .unwrap();
    assert_eq!(
        rows(&mut s, "DESCRIBE pc PARTITION (p='1')")[0],
        "c\tchar(5)\t"
    );
    assert_eq!(rows(&mut s, "SELECT concat('[', c, ']') FROM pc"), ["[ab]"]);
}
