//! TRANSFORM / MAP / REDUCE … USING 'script', with Hive's streaming
//! protocol: input rows as TAB-separated text (NULL as `\N`), output lines
//! split into the AS columns (or `key` and the rest as `value`), ROW
//! FORMAT for either side, the script's failure failing the query with its
//! stderr. Expected answers follow Hive's documented behaviour.

mod common;
use common::{rows, session_with_src};

#[test]
fn shell_scripts_see_tab_separated_rows_and_their_lines_become_columns() {
    let (mut s, _dir) = session_with_src("transform-shell");
    s.execute("INSERT INTO src VALUES (NULL, 'e f')").unwrap();
    // Typed AS columns; NULL travels as \N both ways.
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(key, value) USING 'cat' AS (k INT, v STRING) FROM src ORDER BY k"
        ),
        vec!["NULL\te f", "1\ta", "2\tb", "3\tc", "4\td"]
    );
    // What the script reads, byte for byte.
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(key, value) USING 'od -An -c | tr -s \" \" | tr -d \"\\n\"' AS (x) \
             FROM src WHERE key IS NULL"
        ),
        vec![" \\ N \\t e f \\n"]
    );
    // Without AS: `key` up to the first TAB, `value` the rest of the line.
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(key, value, key * 10) USING 'cat' FROM src WHERE key = 2"
        ),
        vec!["2\tb\t20"]
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT key, value FROM (SELECT TRANSFORM(value) USING 'cat' FROM src WHERE key = 1) t"
        ),
        vec!["a\tNULL"]
    );
    // Fewer fields than columns give NULLs; more are dropped; bad numbers are NULL.
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(key) USING 'sed \"s/$/\\tx\\ty/\"' AS (a INT, b STRING) FROM src \
             WHERE key = 3"
        ),
        vec!["3\tx"]
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(value) USING 'cat' AS (a INT, b STRING) FROM src WHERE key = 4"
        ),
        vec!["NULL\tNULL"]
    );
    // ORDER BY / CLUSTER BY / LIMIT apply to the script's output columns.
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(value) USING 'tr a-z A-Z' AS (up) FROM src WHERE key IS NOT NULL \
             ORDER BY up DESC LIMIT 2"
        ),
        vec!["D", "C"]
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(key) USING 'cat' AS (k INT) FROM src WHERE key > 0 CLUSTER BY k"
        )
        .len(),
        4
    );
    // ROW FORMAT on both sides.
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(key, value) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' \
             USING 'sed s/,/:/' AS (kv STRING, rest STRING) \
             ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' FROM src WHERE key = 1"
        ),
        vec!["1:a\tNULL"]
    );
}

#[test]
fn python_scripts_and_hive_map_reduce_queries() {
    let (mut s, dir) = session_with_src("transform-python");
    let script = dir.path().join("split_words.py");
    std::fs::write(
        &script,
        "import sys\n\
         for line in sys.stdin:\n\
         \x20   key, value = line.rstrip('\\n').split('\\t')\n\
         \x20   for ch in value * int(key):\n\
         \x20       print(ch + '\\t1')\n",
    )
    .unwrap();
    let py = format!("python3 {}", script.display());
    // Hive's word-count shape: MAP in a FROM-first subquery, CLUSTER BY,
    // REDUCE over each reducer's sorted rows (here an awk sum per key).
    s.execute_script(&format!(
        "CREATE TABLE counts (ch STRING, n INT); \
         FROM (FROM src MAP src.key, src.value USING '{py}' AS ch, one CLUSTER BY ch) m \
         INSERT OVERWRITE TABLE counts \
         REDUCE m.ch, m.one USING 'awk -F \"\\t\" \"{{s[\\$1]+=\\$2}} END {{for (k in s) print k \\\"\\t\\\" s[k]}}\"' \
         AS (ch STRING, n INT)"
    ))
    .unwrap();
    assert_eq!(
        rows(&mut s, "SELECT ch, n FROM counts ORDER BY ch"),
        vec!["a\t1", "b\t2", "c\t3", "d\t4"]
    );
    // A script that reads only part of its input is not an error.
    assert_eq!(
        rows(
            &mut s,
            "SELECT count(*) FROM (SELECT TRANSFORM(key) USING 'head -1' AS (k) FROM src) t"
        )
        .len(),
        1
    );
    // A partition without rows starts no script.
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(key) USING 'echo started' AS (x) FROM src WHERE key > 100"
        ),
        Vec::<String>::new()
    );
}

#[test]
fn failing_scripts_fail_the_query_with_their_message() {
    let (mut s, _dir) = session_with_src("transform-fail");
    let e = s
        .query("SELECT TRANSFORM(key) USING 'echo broken input >&2; exit 7' FROM src")
        .expect_err("a failing script")
        .to_string();
    assert!(
        e.contains("exited with status 7") && e.contains("broken input"),
        "{e}"
    );
    let e = s
        .query("SELECT TRANSFORM(key) USING 'no-such-program-xyz' FROM src")
        .expect_err("a missing program")
        .to_string();
    assert!(e.contains("status 127"), "{e}");
    for bad in [
        "SELECT TRANSFORM(key) USING 'cat' AS (a, a) FROM src",
        "SELECT TRANSFORM(key) USING 'cat' AS (a widget) FROM src",
        "SELECT TRANSFORM(key) USING 'cat' RECORDREADER 'x' FROM src",
    ] {
        assert!(s.query(bad).is_err(), "{bad}");
    }
    // A front end may refuse scripts (shark-server without --allow-scripts).
    s.set_scripts_allowed(false);
    let e = s
        .query("SELECT TRANSFORM(key) USING 'cat' FROM src")
        .expect_err("scripts refused")
        .to_string();
    assert!(e.contains("--allow-scripts"), "{e}");
}

/// A cancelled query stops its scripts, and the programs they started,
/// at once; a query that stops reading early (LIMIT) stops them too.
#[test]
fn scripts_stop_with_their_query() {
    let (mut s, dir) = session_with_src("transform-cancel");
    let marker = dir.path().join("still-running");
    // The shell starts a child that would touch the marker later.
    let sql = format!(
        "SELECT TRANSFORM(key) USING '(sleep 3; touch {}) & sleep 600' AS (k) FROM src",
        marker.display()
    );
    let token = s.cancel_token_for_next();
    let started = std::time::Instant::now();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        token.cancel();
    });
    let e = s.query(&sql).expect_err("cancelled");
    canceller.join().unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{e}"
    );
    assert!(e.to_string().to_lowercase().contains("cancel"), "{e}");
    std::thread::sleep(std::time::Duration::from_secs(4));
    assert!(!marker.exists(), "a script's child outlived the query");
}

/// Files added with ADD FILE are in the script's folder and on its PATH,
/// as Hive ships them to its tasks; LIST and DELETE FILE manage them.
#[test]
fn added_files_are_where_scripts_look_for_them() {
    use std::os::unix::fs::PermissionsExt;
    let (mut s, dir) = session_with_src("transform-add-file");
    let py = dir.path().join("upper.py");
    std::fs::write(
        &py,
        "import sys\nfor l in sys.stdin:\n    print(l.rstrip('\\n').upper())\n",
    )
    .unwrap();
    let sh = dir.path().join("twice.sh");
    std::fs::write(&sh, "#!/bin/sh\nwhile read l; do echo \"$l$l\"; done\n").unwrap();
    std::fs::set_permissions(&sh, std::fs::Permissions::from_mode(0o755)).unwrap();
    s.execute_script(&format!(
        "ADD FILE {}; ADD FILES {}",
        py.display(),
        sh.display()
    ))
    .unwrap();
    assert_eq!(rows(&mut s, "LIST FILES").len(), 2);
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(value) USING 'python3 upper.py' AS (v) FROM src ORDER BY v"
        ),
        vec!["A", "B", "C", "D"]
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT TRANSFORM(value) USING 'twice.sh' AS (v) FROM src WHERE key = 2"
        ),
        vec!["bb"]
    );
    s.execute(&format!("DELETE FILE {}", py.display())).unwrap();
    assert_eq!(rows(&mut s, "LIST FILES").len(), 1);
    assert!(s
        .query("SELECT TRANSFORM(value) USING 'python3 upper.py' FROM src")
        .is_err());
    assert!(s.execute("ADD FILE /no/such/file.py").is_err());
    // A quoted path may hold spaces; two files of one name cannot both be seen.
    let other = dir.path().join("sub dir");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("twice.sh"), "#!/bin/sh\ncat\n").unwrap();
    s.execute(&format!("ADD FILE '{}'", other.join("twice.sh").display()))
        .unwrap();
    let e = s
        .query("SELECT TRANSFORM(value) USING 'twice.sh' FROM src")
        .expect_err("two files named twice.sh");
    assert!(e.to_string().contains("twice.sh"), "{e}");
    assert!(s.execute("ADD JAR /tmp/x.jar").is_err());
}
