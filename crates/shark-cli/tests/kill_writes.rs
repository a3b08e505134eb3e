//! Writes killed with SIGKILL at random moments: after the next process
//! opens the warehouse, a reader sees each statement entirely done or not
//! done at all (counted and checksummed), the metastore passes SQLite's
//! integrity check, registered partitions have their folders, and no
//! staging folder, commit journal or set-aside folder is left.
//! A few trials per statement kind, with delays spread over the time the
//! statement takes when it is not killed; the seed is printed so a failure
//! can be replayed (`SHARK_KILL_SEED=N`).

mod killing;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Rows of the source table, spread over `PARTS` partition values.
const ROWS: u64 = 40_000;
const PARTS: u64 = 200;
/// Trials per statement kind (`SHARK_KILL_TRIALS` for a longer run).
fn trials() -> usize {
    std::env::var("SHARK_KILL_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
}

fn cli(wh: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shark-cli"));
    c.args([
        "--warehouse",
        wh.to_str().unwrap(),
        "--master",
        "local[2]",
        "-S",
    ]);
    c.env("HOME", wh.parent().unwrap());
    c.stdin(Stdio::null());
    c
}

/// Runs `sql` to its end; its stdout.
fn sql(wh: &Path, text: &str) -> String {
    let o = cli(wh).args(["-e", text]).output().unwrap();
    assert!(
        o.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Starts `sql` and kills it after `delay` (if still running); how long it
/// had run.
fn kill_after(wh: &Path, text: &str, delay: Duration) -> Duration {
    let mut c = cli(wh);
    c.args(["-e", text]);
    killing::kill_after(c, delay)
}

/// A small generator so trials differ run to run but can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn delay(&mut self, full: Duration) -> Duration {
        // Over the second half of the run, where the commit is, and a
        // little past its end.
        full.mul_f64(0.5 + (self.next() % 600) as f64 / 1000.0)
    }
}

fn seed() -> u64 {
    killing::seed()
}

/// The metastore is sound, every partition has its folder, and nothing a
/// writer leaves while committing is left (checked after an open).
fn check_warehouse(wh: &Path, what: &str) {
    let db = rusqlite::Connection::open(wh.join("metastore.db")).unwrap();
    let ok: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "{what}");
    let empty = |dir: PathBuf| {
        let n = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(n, 0, "{what}: {} not empty", dir.display());
    };
    empty(wh.join(".shark-staging"));
    empty(wh.join(".shark-commits"));
    let mut dirs = vec![wh.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            assert!(
                !name.contains(".shark-old-"),
                "{what}: {name} left in {}",
                d.display()
            );
            if e.file_type().unwrap().is_dir() && !name.starts_with('.') {
                dirs.push(e.path());
            }
        }
    }
}

/// `dp`'s rows by tag: (tag, rows, sum of keys), sorted.
fn tags(wh: &Path) -> String {
    sql(
        wh,
        "SELECT v, count(*), sum(k) FROM dp GROUP BY v ORDER BY v",
    )
}

/// `src` (ROWS rows over PARTS values of p) and `dp`, partitioned by p,
/// filled with the rows tagged 'old'.
fn fixture(dir: &Path) -> PathBuf {
    let wh = dir.join("warehouse");
    let data = dir.join("src.txt");
    let text: String = (0..ROWS)
        .map(|k| format!("{k}\x01p{}\n", k % PARTS))
        .collect();
    std::fs::write(&data, text).unwrap();
    sql(
        &wh,
        &format!(
            "CREATE TABLE src (k INT, p STRING); \
             LOAD DATA LOCAL INPATH '{}' INTO TABLE src; \
             CREATE TABLE dp (k INT, v STRING) PARTITIONED BY (p STRING); \
             SET hive.exec.dynamic.partition.mode=nonstrict; \
             INSERT OVERWRITE TABLE dp PARTITION (p) SELECT k, 'old', p FROM src",
            data.display()
        ),
    );
    wh
}

const OVERWRITE: &str = "SET hive.exec.dynamic.partition.mode=nonstrict; \
     INSERT OVERWRITE TABLE dp PARTITION (p) SELECT k, 'new', p FROM src";
const APPEND: &str = "SET hive.exec.dynamic.partition.mode=nonstrict; \
     INSERT INTO TABLE dp PARTITION (p) SELECT k, 'new', p FROM src";

#[test]
fn killed_dynamic_partition_writes_are_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let wh = fixture(dir.path());
    let sum = ROWS * (ROWS - 1) / 2;
    let old = format!("old\t{ROWS}\t{sum}");
    let new = format!("new\t{ROWS}\t{sum}");
    assert_eq!(tags(&wh), old);
    let seed = seed();
    let mut rng = Lcg(seed);
    let reset = "SET hive.exec.dynamic.partition.mode=nonstrict; \
         INSERT OVERWRITE TABLE dp PARTITION (p) SELECT k, 'old', p FROM src";
    for (kind, stmt) in [("INSERT OVERWRITE", OVERWRITE), ("INSERT INTO", APPEND)] {
        sql(&wh, reset);
        let t = Instant::now();
        sql(&wh, stmt);
        let full = t.elapsed();
        let done = tags(&wh);
        let expect_done = if kind == "INSERT INTO" {
            format!("{new}\n{old}")
        } else {
            new.clone()
        };
        assert_eq!(done, expect_done, "{kind} uninterrupted");
        for trial in 0..trials() {
            sql(&wh, reset);
            let delay = rng.delay(full);
            let ran = kill_after(&wh, stmt, delay);
            let what =
                format!("{kind} killed after {ran:?} of {full:?} (seed {seed}, trial {trial})");
            let seen = tags(&wh);
            eprintln!("{what}: {}", if seen == old { "old" } else { "new" });
            assert!(
                seen == old || seen == expect_done,
                "{what}: a reader sees a mix:\n{seen}"
            );
            let parts = sql(&wh, "SHOW PARTITIONS dp").lines().count() as u64;
            assert_eq!(parts, PARTS, "{what}");
            check_warehouse(&wh, &what);
        }
    }
}

#[test]
fn a_killed_load_data_inpath_loses_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("warehouse");
    sql(&wh, "CREATE TABLE loaded (k INT, p STRING)");
    let seed = seed() ^ 0x5eed;
    let mut rng = Lcg(seed);
    let incoming = wh.join("incoming");
    let write_files = || {
        std::fs::create_dir_all(&incoming).unwrap();
        for f in 0..12u64 {
            let text: String = (0..5_000u64)
                .map(|i| format!("{}\x01x\n", f * 5_000 + i))
                .collect();
            std::fs::write(incoming.join(format!("f{f}.txt")), text).unwrap();
        }
    };
    let load = format!(
        "LOAD DATA INPATH '{}' OVERWRITE INTO TABLE loaded",
        incoming.display()
    );
    write_files();
    let t = Instant::now();
    sql(&wh, &load);
    let full = t.elapsed();
    let all = "60000\t1799970000";
    let count = |wh: &Path| sql(wh, "SELECT count(*), sum(k) FROM loaded");
    assert_eq!(count(&wh), all);
    for trial in 0..trials() {
        sql(&wh, "TRUNCATE TABLE loaded");
        write_files();
        let ran = kill_after(&wh, &load, rng.delay(full));
        let what =
            format!("LOAD DATA killed after {ran:?} of {full:?} (seed {seed}, trial {trial})");
        let in_table = count(&wh);
        let left = std::fs::read_dir(&incoming).unwrap().count();
        eprintln!("{what}: {in_table}, {left} files left");
        // Either not loaded (every file still in the source) or loaded
        // (every row in the table, the source empty).
        assert!(
            (in_table == "0\tNULL" && left == 12) || (in_table == all && left == 0),
            "{what}: table has {in_table}, {left} files left in the source"
        );
        check_warehouse(&wh, &what);
    }
}

#[test]
fn a_killed_add_partition_never_registers_a_partition_without_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("warehouse");
    sql(&wh, "CREATE TABLE ap (k INT) PARTITIONED BY (d STRING)");
    let specs: String = (0..300).map(|i| format!(" PARTITION (d='{i}')")).collect();
    let add = format!("ALTER TABLE ap ADD IF NOT EXISTS{specs}");
    let t = Instant::now();
    sql(&wh, &add);
    let full = t.elapsed();
    let seed = seed() ^ 0xadd;
    let mut rng = Lcg(seed);
    for trial in 0..trials() {
        sql(
            &wh,
            "DROP TABLE ap; CREATE TABLE ap (k INT) PARTITIONED BY (d STRING)",
        );
        let ran = kill_after(&wh, &add, rng.delay(full));
        let what =
            format!("ADD PARTITION killed after {ran:?} of {full:?} (seed {seed}, trial {trial})");
        let shown = sql(&wh, "SHOW PARTITIONS ap");
        let n = shown.lines().filter(|l| !l.is_empty()).count();
        eprintln!("{what}: {n} partitions");
        assert!(n == 0 || n == 300, "{what}: {n} partitions registered");
        for line in shown.lines().filter(|l| !l.is_empty()) {
            assert!(
                wh.join("ap").join(line).is_dir(),
                "{what}: no folder for {line}"
            );
        }
        check_warehouse(&wh, &what);
    }
}

/// Whether table `t` is listed, and its rows as `count\tsum(k)`.
fn table_state(wh: &Path, t: &str) -> (bool, String) {
    let listed = sql(wh, "SHOW TABLES").lines().any(|l| l.trim() == t);
    let rows = if listed {
        sql(wh, &format!("SELECT count(*), sum(k) FROM {t}"))
    } else {
        String::new()
    };
    (listed, rows)
}

#[test]
fn killed_ctas_drops_truncates_inserts_and_loads_leave_before_or_after() {
    let dir = tempfile::tempdir().unwrap();
    let wh = fixture(dir.path());
    let all = format!("{ROWS}\t{}", ROWS * (ROWS - 1) / 2);
    let seed = seed() ^ 0xc7a5;
    let mut rng = Lcg(seed);
    let refill = "SET hive.exec.dynamic.partition.mode=nonstrict; \
         DROP TABLE IF EXISTS t2; CREATE TABLE t2 (k INT, v STRING) PARTITIONED BY (p STRING); \
         INSERT OVERWRITE TABLE t2 PARTITION (p) SELECT k, 'x', p FROM src";
    // (statement, set-up before it, what "before" and "after" look like)
    type Check = Box<dyn Fn(&Path) -> Option<&'static str>>;
    let gone_or_whole = |t: &'static str, all: String| -> Check {
        Box::new(move |wh: &Path| match table_state(wh, t) {
            (true, rows) if rows == all => Some("whole"),
            (false, _) if !wh.join(t).exists() => Some("gone"),
            _ => None,
        })
    };
    let cases: Vec<(&str, &str, String, Check)> = vec![
        (
            "CTAS",
            "DROP TABLE IF EXISTS c",
            "CREATE TABLE c AS SELECT k, p FROM src".to_string(),
            gone_or_whole("c", all.clone()),
        ),
        (
            "DROP TABLE",
            refill,
            "DROP TABLE t2".to_string(),
            gone_or_whole("t2", all.clone()),
        ),
        (
            "TRUNCATE",
            refill,
            "TRUNCATE TABLE t2".to_string(),
            Box::new({
                let all = all.clone();
                move |wh: &Path| {
                    let (_, rows) = table_state(wh, "t2");
                    let parts = sql(wh, "SHOW PARTITIONS t2").lines().count() as u64;
                    match (rows.as_str(), parts == PARTS) {
                        (r, true) if r == all => Some("whole"),
                        ("0\tNULL", true) => Some("empty"),
                        _ => None,
                    }
                }
            }),
        ),
        (
            "DROP PARTITION",
            refill,
            "ALTER TABLE t2 DROP PARTITION (p='p7')".to_string(),
            Box::new(|wh: &Path| {
                let listed = sql(wh, "SHOW PARTITIONS t2").lines().any(|l| l == "p=p7");
                let rows = sql(wh, "SELECT count(*) FROM t2 WHERE p = 'p7'");
                let folder = wh.join("t2").join("p=p7").exists();
                match (listed, rows.as_str(), folder) {
                    (true, "200", true) => Some("there"),
                    (false, "0", false) => Some("gone"),
                    _ => None,
                }
            }),
        ),
    ];
    // Plain and static-partition inserts and LOAD DATA LOCAL: a reader
    // sees the rows tagged 'old', or exactly what the statement makes.
    let tagged = |t: &'static str, before: String, after: String| -> Check {
        Box::new(move |wh: &Path| {
            let seen = sql(
                wh,
                &format!("SELECT v, count(*), sum(k) FROM {t} GROUP BY v ORDER BY v"),
            );
            if seen == before {
                Some("before")
            } else if seen == after {
                Some("after")
            } else {
                None
            }
        })
    };
    let old = format!("old\t{all}");
    let new = format!("new\t{all}");
    let local = dir.path().join("new.txt");
    std::fs::write(
        &local,
        (0..ROWS)
            .map(|k| format!("{k}\x01new\n"))
            .collect::<String>(),
    )
    .unwrap();
    let mut cases = cases;
    cases.push((
        "INSERT OVERWRITE",
        "DROP TABLE IF EXISTS pl; CREATE TABLE pl (k INT, v STRING); INSERT INTO pl SELECT k, 'old' FROM src",
        "INSERT OVERWRITE TABLE pl SELECT k, 'new' FROM src".to_string(),
        tagged("pl", old.clone(), new.clone()),
    ));
    cases.push((
        "INSERT INTO a static partition",
        "DROP TABLE IF EXISTS sp; CREATE TABLE sp (k INT, v STRING) PARTITIONED BY (p STRING); \
         INSERT INTO sp PARTITION (p='a') SELECT k, 'old' FROM src",
        "INSERT INTO TABLE sp PARTITION (p='a') SELECT k, 'new' FROM src".to_string(),
        tagged("sp", old.clone(), format!("{new}\n{old}")),
    ));
    cases.push((
        "LOAD DATA LOCAL OVERWRITE",
        "DROP TABLE IF EXISTS ll; CREATE TABLE ll (k INT, v STRING); INSERT INTO ll SELECT k, 'old' FROM src",
        format!("LOAD DATA LOCAL INPATH '{}' OVERWRITE INTO TABLE ll", local.display()),
        tagged("ll", old.clone(), new.clone()),
    ));
    for (kind, setup, stmt, check) in &cases {
        sql(&wh, setup);
        let t = Instant::now();
        sql(&wh, stmt);
        let full = t.elapsed();
        assert!(check(&wh).is_some(), "{kind} uninterrupted");
        for trial in 0..trials() {
            sql(&wh, setup);
            let ran = kill_after(&wh, stmt, rng.delay(full));
            let what =
                format!("{kind} killed after {ran:?} of {full:?} (seed {seed}, trial {trial})");
            // The next open recovers; then a reader sees before or after.
            let seen = check(&wh);
            eprintln!("{what}: {seen:?}");
            assert!(
                seen.is_some(),
                "{what}: neither before nor after: {:?}",
                table_state(&wh, "t2")
            );
            check_warehouse(&wh, &what);
        }
    }
}
