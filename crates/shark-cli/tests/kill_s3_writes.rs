//! Writes to a warehouse on an S3-compatible store (moto) killed with
//! SIGKILL at random moments: a store cannot rename, so the commit is the
//! metastore transaction that records the new files. After the next
//! process opens the warehouse, a reader sees each statement entirely done
//! or not at all, and no journal or staging folder is left beside the
//! metastore. The seed is printed (`SHARK_KILL_SEED=N` replays it).

mod killing;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use storage::testing::S3Server;

const ROWS: u64 = 20_000;
const PARTS: u64 = 20;
const TRIALS: usize = 3;

struct Warehouse {
    url: String,
    metastore: PathBuf,
    settings: Vec<(String, String)>,
}

impl Warehouse {
    fn cli(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_shark-cli"));
        c.args(["--warehouse", &self.url, "--metastore"])
            .arg(&self.metastore)
            .args(["--master", "local[2]", "-S"]);
        for (k, v) in &self.settings {
            c.args(["--hiveconf", &format!("{k}={v}")]);
        }
        c.env("HOME", self.metastore.parent().unwrap());
        c.stdin(Stdio::null());
        c
    }

    fn sql(&self, text: &str) -> String {
        let o = self.cli().args(["-e", text]).output().unwrap();
        assert!(
            o.status.success(),
            "{text}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    fn kill_after(&self, text: &str, delay: Duration) -> Duration {
        let mut c = self.cli();
        c.args(["-e", text]);
        killing::kill_after(c, delay)
    }

    fn tags(&self) -> String {
        self.sql("SELECT v, count(*), sum(k) FROM dp GROUP BY v ORDER BY v")
    }

    /// Nothing of a commit in progress is left beside the metastore.
    fn check_clean(&self, what: &str) {
        let root = self.metastore.with_file_name("metastore.db.shark");
        for dir in [".shark-staging", ".shark-commits"] {
            let n = std::fs::read_dir(root.join(dir))
                .map(|d| d.count())
                .unwrap_or(0);
            assert_eq!(n, 0, "{what}: {dir} not empty");
        }
    }
}

#[test]
fn killed_writes_to_s3_are_all_or_nothing() {
    let Some(server) = S3Server::shared() else {
        return;
    };
    server.create_bucket("shark-kill");
    let dir = tempfile::tempdir().unwrap();
    let wh = Warehouse {
        url: "s3://shark-kill/warehouse".into(),
        metastore: dir.path().join("meta").join("metastore.db"),
        settings: server.settings(),
    };
    let data = dir.path().join("src.txt");
    let text: String = (0..ROWS)
        .map(|k| format!("{k}\x01p{}\n", k % PARTS))
        .collect();
    std::fs::write(&data, text).unwrap();
    let reset = "SET hive.exec.dynamic.partition.mode=nonstrict; \
         INSERT OVERWRITE TABLE dp PARTITION (p) SELECT k, 'old', p FROM src";
    wh.sql(&format!(
        "CREATE TABLE src (k INT, p STRING); \
         LOAD DATA LOCAL INPATH '{}' INTO TABLE src; \
         CREATE TABLE dp (k INT, v STRING) PARTITIONED BY (p STRING) STORED AS PARQUET; \
         {reset}",
        data.display()
    ));
    let sum = ROWS * (ROWS - 1) / 2;
    let old = format!("old\t{ROWS}\t{sum}");
    let new = format!("new\t{ROWS}\t{sum}");
    assert_eq!(wh.tags(), old);
    let seed = killing::seed();
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let statements = [
        ("INSERT OVERWRITE", "INSERT OVERWRITE", new.clone()),
        ("INSERT INTO", "INSERT INTO", format!("{new}\n{old}")),
    ];
    for (kind, verb, done) in statements {
        let stmt = format!(
            "SET hive.exec.dynamic.partition.mode=nonstrict; \
             {verb} TABLE dp PARTITION (p) SELECT k, 'new', p FROM src"
        );
        wh.sql(reset);
        let t = Instant::now();
        wh.sql(&stmt);
        let full = t.elapsed();
        assert_eq!(wh.tags(), done, "{kind} uninterrupted");
        for trial in 0..TRIALS {
            wh.sql(reset);
            let delay = full.mul_f64(0.3 + (next() % 800) as f64 / 1000.0);
            let ran = wh.kill_after(&stmt, delay);
            let what =
                format!("{kind} killed after {ran:?} of {full:?} (seed {seed}, trial {trial})");
            let seen = wh.tags();
            eprintln!("{what}: {}", if seen == old { "old" } else { "new" });
            assert!(
                seen == old || seen == done,
                "{what}: a reader sees a mix:\n{seen}"
            );
            let parts = wh.sql("SHOW PARTITIONS dp").lines().count() as u64;
            assert_eq!(parts, PARTS, "{what}");
            wh.check_clean(&what);
        }
    }
    // A first write (to a new table, and CTAS) killed: nothing or all.
    let t = Instant::now();
    wh.sql("CREATE TABLE timing STORED AS PARQUET AS SELECT k, p FROM src");
    let full = t.elapsed();
    for trial in 0..TRIALS {
        let delay = full.mul_f64(0.3 + (next() % 800) as f64 / 1000.0);
        let ran = wh.kill_after(
            &format!("CREATE TABLE c{trial} STORED AS PARQUET AS SELECT k, p FROM src"),
            delay,
        );
        let what = format!("CTAS killed after {ran:?} of {full:?} (seed {seed}, trial {trial})");
        let shown = wh.sql(&format!("SHOW TABLES LIKE 'c{trial}'"));
        if !shown.is_empty() {
            let n = wh.sql(&format!("SELECT count(*) FROM c{trial}"));
            assert_eq!(n, ROWS.to_string(), "{what}: a partial table");
        }
        wh.sql(&format!(
            "CREATE TABLE f{trial} (k INT, p STRING) STORED AS PARQUET"
        ));
        let ran = wh.kill_after(&format!("INSERT INTO f{trial} SELECT k, p FROM src"), delay);
        let what = format!("first INSERT killed after {ran:?} (seed {seed}, trial {trial})");
        let n = wh.sql(&format!("SELECT count(*) FROM f{trial}"));
        assert!(n == "0" || n == ROWS.to_string(), "{what}: {n} rows");
        wh.check_clean(&what);
    }
}
