//! A warehouse on an S3-compatible store (moto, a real server on
//! loopback): what users run — DDL, LOAD DATA, INSERT with dynamic
//! partitions, CTAS in every format, MSCK REPAIR, CACHE TABLE, external
//! locations, INSERT OVERWRITE DIRECTORY — gives the answers it gives on
//! disk, and readers only ever see committed files.

mod common;

use common::rows;
use shark::Session;
use std::path::{Path, PathBuf};
use storage::testing::S3Server;

/// A session on `s3://<bucket>/warehouse` with a local metastore; `None`
/// when no S3 server is available (outside CI).
fn s3_session(bucket: &str) -> Option<(Session, tempfile::TempDir)> {
    S3Server::shared()?.create_bucket(bucket);
    let local = tempfile::tempdir().unwrap();
    let ctx = rdd::Context::new("local[2]", bucket).unwrap();
    let s = Session::with_warehouse_at(
        ctx,
        Path::new(&format!("s3://{bucket}/warehouse")),
        Some(&local.path().join("metastore.db")),
    )
    .unwrap();
    Some((s, local))
}

/// The object names under `prefix`, relative to it.
fn objects(prefix: &str) -> Vec<String> {
    match storage::list_files(Path::new(prefix), true) {
        Ok(files) => files
            .into_iter()
            .map(|(p, _)| {
                let p = p.to_string_lossy().to_string();
                p.strip_prefix(&format!("{prefix}/"))
                    .unwrap_or(&p)
                    .to_string()
            })
            .collect(),
        Err(e) if e.is_not_found() => Vec::new(),
        Err(e) => panic!("{prefix}: {e}"),
    }
}

fn run(s: &mut Session, sql: &str) {
    s.execute_script(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[test]
fn tables_on_s3_are_written_and_read_as_on_disk() {
    let Some((mut s, local)) = s3_session("shark-tables") else {
        return;
    };
    let wh = "s3://shark-tables/warehouse";
    let data = local.path().join("kv.txt");
    std::fs::write(&data, "1\tone\n2\ttwo\n3\tthree\n").unwrap();
    run(
        &mut s,
        &format!(
            "CREATE TABLE kv (k INT, v STRING) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t';
             LOAD DATA LOCAL INPATH '{}' INTO TABLE kv",
            data.display()
        ),
    );
    assert!(data.exists(), "LOCAL copies");
    assert_eq!(
        rows(&mut s, "SELECT * FROM kv ORDER BY k"),
        ["1\tone", "2\ttwo", "3\tthree"]
    );
    for format in ["PARQUET", "ORC", "AVRO", "TEXTFILE"] {
        let t = format!("kv_{}", format.to_lowercase());
        run(
            &mut s,
            &format!("CREATE TABLE {t} STORED AS {format} AS SELECT k, v, k * 1.5 AS d FROM kv"),
        );
        assert_eq!(
            rows(&mut s, &format!("SELECT count(*), sum(d), max(v) FROM {t}")),
            ["3\t9.0\ttwo"],
            "{format}"
        );
        assert!(!objects(&format!("{wh}/{t}")).is_empty(), "{format}");
    }
    // Dynamic partitions, then an overwrite of some of them.
    run(
        &mut s,
        "SET hive.exec.dynamic.partition.mode=nonstrict;
         CREATE TABLE parts (v STRING) PARTITIONED BY (k INT) STORED AS PARQUET;
         INSERT OVERWRITE TABLE parts PARTITION (k) SELECT v, k FROM kv",
    );
    assert_eq!(rows(&mut s, "SHOW PARTITIONS parts"), ["k=1", "k=2", "k=3"]);
    let before = objects(&format!("{wh}/parts"));
    let k1: Vec<&String> = before.iter().filter(|f| f.starts_with("k=1/")).collect();
    run(
        &mut s,
        "INSERT OVERWRITE TABLE parts PARTITION (k) SELECT concat(v, '!'), k FROM kv WHERE k > 1",
    );
    assert_eq!(
        rows(&mut s, "SELECT * FROM parts ORDER BY k"),
        ["one\t1", "two!\t2", "three!\t3"]
    );
    // k=1 keeps its file; k=2 and k=3 only have the overwrite's.
    let files = objects(&format!("{wh}/parts"));
    assert!(
        files.iter().filter(|f| f.starts_with("k=1/")).count() == k1.len()
            && files
                .iter()
                .all(|f| !before.contains(f) || f.starts_with("k=1/")),
        "{before:?} → {files:?}"
    );
    // INSERT INTO adds files; INSERT OVERWRITE replaces them.
    let first = objects(&format!("{wh}/kv"));
    run(&mut s, "INSERT INTO TABLE kv SELECT k + 10, v FROM kv");
    assert_eq!(rows(&mut s, "SELECT count(*) FROM kv"), ["6"]);
    let both = objects(&format!("{wh}/kv"));
    assert!(first.iter().all(|f| both.contains(f)) && both.len() > first.len());
    run(&mut s, "CACHE TABLE kv");
    assert_eq!(rows(&mut s, "SELECT count(*) FROM kv"), ["6"]);
    run(
        &mut s,
        "INSERT OVERWRITE TABLE kv SELECT * FROM kv WHERE k < 3",
    );
    assert_eq!(
        rows(&mut s, "SELECT * FROM kv ORDER BY k"),
        ["1\tone", "2\ttwo"]
    );
    let now = objects(&format!("{wh}/kv"));
    assert!(
        both.iter().all(|f| !now.contains(f)),
        "replaced files are deleted"
    );
    run(&mut s, "TRUNCATE TABLE kv");
    assert_eq!(rows(&mut s, "SELECT count(*) FROM kv"), ["0"]);
    run(&mut s, "DROP TABLE parts");
    assert!(objects(&format!("{wh}/parts")).is_empty());
    // Another process on the same warehouse and metastore sees it all.
    let ctx = rdd::Context::new("local[1]", "second").unwrap();
    let mut other =
        Session::with_warehouse_at(ctx, Path::new(wh), Some(&local.path().join("metastore.db")))
            .unwrap();
    assert_eq!(rows(&mut other, "SELECT count(*) FROM kv_orc"), ["3"]);
    assert_eq!(
        rows(&mut other, "SHOW TABLES LIKE 'parts'"),
        Vec::<String>::new()
    );
}

#[test]
fn external_locations_msck_load_and_directories() {
    let Some((mut s, _local)) = s3_session("shark-external") else {
        return;
    };
    let root = "s3://shark-external";
    for (dt, text) in [(1, "a,1\nb,1\n"), (2, "c,2\n")] {
        let path = PathBuf::from(format!("{root}/logs/dt={dt}/part-0.csv"));
        storage::write(&path, text.as_bytes().to_vec().into()).unwrap();
    }
    storage::write(Path::new(&format!("{root}/logs/_SUCCESS")), "".into()).unwrap();
    run(
        &mut s,
        &format!(
            "CREATE EXTERNAL TABLE logs (s STRING, n INT) PARTITIONED BY (dt INT)
               ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION '{root}/logs';
             MSCK REPAIR TABLE logs"
        ),
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT dt, count(*) FROM logs GROUP BY dt ORDER BY dt"
        ),
        ["1\t2", "2\t1"]
    );
    // A partition somewhere else, in Hadoop's s3a:// spelling.
    storage::write(Path::new(&format!("{root}/more/x.csv")), "d,3\n".into()).unwrap();
    run(
        &mut s,
        "ALTER TABLE logs ADD PARTITION (dt=3) LOCATION 's3a://shark-external/more'",
    );
    assert_eq!(rows(&mut s, "SELECT s FROM logs WHERE dt = 3"), ["d"]);
    // Tables and partitions pointed elsewhere on the store.
    run(
        &mut s,
        &format!(
            "CREATE EXTERNAL TABLE moved (s STRING, n INT)
               ROW FORMAT DELIMITED FIELDS TERMINATED BY ',';
             ALTER TABLE moved SET LOCATION '{root}/logs/dt=2/';
             ALTER TABLE logs PARTITION (dt=1) SET LOCATION '{root}/logs/dt=2'"
        ),
    );
    assert_eq!(rows(&mut s, "SELECT s FROM moved"), ["c"]);
    assert_eq!(rows(&mut s, "SELECT s FROM logs WHERE dt = 1"), ["c"]);
    // LOAD DATA INPATH from the store moves the file into the table.
    storage::write(Path::new(&format!("{root}/incoming/e.csv")), "e,4\n".into()).unwrap();
    run(
        &mut s,
        &format!("LOAD DATA INPATH '{root}/incoming/e.csv' INTO TABLE logs PARTITION (dt=4)"),
    );
    assert_eq!(rows(&mut s, "SELECT s FROM logs WHERE dt = 4"), ["e"]);
    assert!(
        objects(&format!("{root}/incoming")).is_empty(),
        "moved away"
    );
    // Query results written to a store folder, replacing what was there.
    storage::write(Path::new(&format!("{root}/out/stale")), "old".into()).unwrap();
    run(
        &mut s,
        &format!(
            "INSERT OVERWRITE DIRECTORY '{root}/out' ROW FORMAT DELIMITED FIELDS TERMINATED BY '|'
             SELECT s, dt FROM logs WHERE dt < 3 ORDER BY s"
        ),
    );
    let out = objects(&format!("{root}/out"));
    assert!(!out.contains(&"stale".to_string()), "{out:?}");
    let text: String = out
        .iter()
        .map(|o| {
            let bytes = storage::read(Path::new(&format!("{root}/out/{o}"))).unwrap();
            String::from_utf8(bytes.to_vec()).unwrap()
        })
        .collect();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    // dt=1 now reads the files of dt=2.
    assert_eq!(lines, ["c|1", "c|2"]);
}

#[test]
fn readers_see_only_committed_files() {
    let Some((mut s, _local)) = s3_session("shark-commits") else {
        return;
    };
    run(
        &mut s,
        "CREATE TABLE t (x INT) STORED AS PARQUET; INSERT INTO t VALUES (1), (2)",
    );
    // An upload whose writer died before its commit, and a text file
    // dropped in by hand: neither is in the table's recorded file list.
    let dir = "s3://shark-commits/warehouse/t";
    let committed = objects(dir);
    storage::copy_file(
        &PathBuf::from(format!("{dir}/{}", committed[0])),
        Path::new(&format!("{dir}/000000_0-deadwriter")),
    )
    .unwrap();
    assert_eq!(rows(&mut s, "SELECT sum(x) FROM t"), ["3"]);
    run(&mut s, "INSERT INTO t VALUES (4)");
    assert_eq!(rows(&mut s, "SELECT sum(x) FROM t"), ["7"]);
    // INSERT OVERWRITE deletes the files it replaced, and only those.
    let before = objects(dir);
    run(&mut s, "INSERT OVERWRITE TABLE t SELECT x * 10 FROM t");
    assert_eq!(rows(&mut s, "SELECT sum(x) FROM t"), ["70"]);
    let left = objects(dir);
    for f in &before {
        assert_eq!(
            left.contains(f),
            f.ends_with("-deadwriter"),
            "{f}: {left:?}"
        );
    }
}

#[test]
fn remote_warehouses_need_a_local_metastore_and_settings_stay_secret() {
    let Some(server) = S3Server::shared() else {
        return;
    };
    let ctx = rdd::Context::new("local[1]", "no-metastore").unwrap();
    let e = Session::with_warehouse_at(ctx.clone(), Path::new("s3://shark-x/wh"), None)
        .err()
        .expect("a remote warehouse without a metastore is refused");
    assert!(e.to_string().contains("--metastore"), "{e}");
    let e = Session::with_warehouse_at(ctx.clone(), Path::new("gs://b/wh"), None)
        .err()
        .expect("unknown schemes are refused");
    assert!(e.to_string().contains("unsupported file system"), "{e}");
    let (mut s, local) = s3_session("shark-secrets").unwrap();
    let secret = server
        .settings()
        .into_iter()
        .find(|(k, _)| k == "fs.s3a.secret.key")
        .unwrap()
        .1;
    s.execute(&format!("SET fs.s3a.secret.key={secret}"))
        .unwrap();
    let shown = rows(&mut s, "SET fs.s3a.secret.key").join("\n");
    assert_eq!(shown, "fs.s3a.secret.key=********");
    let all = rows(&mut s, "SET").join("\n");
    assert!(!all.contains(&secret), "{all}");
    // Nor does variable substitution give it away.
    let echoed = rows(&mut s, "SELECT '${hiveconf:fs.s3a.secret.key}'").join("");
    assert_eq!(echoed, "${hiveconf:fs.s3a.secret.key}");
    let ms = local.path().join("metastore.db");
    s.execute("CREATE TABLE t (x INT)").unwrap();
    for path in [
        ms.clone(),
        local
            .path()
            .join("metastore.db.shark/.shark-commits/x.json"),
    ] {
        let e = s
            .execute(&format!(
                "LOAD DATA LOCAL INPATH '{}' INTO TABLE t",
                path.display()
            ))
            .err()
            .expect("the metastore's files are not data");
        assert!(e.to_string().contains("warehouse's own files"), "{e}");
    }
    let e = s
        .execute("CREATE TABLE bad (x INT) LOCATION 'hdfs://nn/x'")
        .err()
        .expect("hdfs:// is refused");
    assert!(e.to_string().contains("unsupported file system"), "{e}");
}

#[test]
fn parquet_scans_fetch_only_the_columns_they_read() {
    let Some((mut s, _local)) = s3_session("shark-ranges") else {
        return;
    };
    let wide: Vec<String> = (0..12)
        .map(|i| {
            format!(
                "concat('value-{i}-', cast(id * {} AS STRING)) AS c{i}",
                i + 7
            )
        })
        .collect();
    run(
        &mut s,
        &format!(
            "CREATE TABLE ids (id BIGINT) STORED AS PARQUET;
             INSERT INTO ids SELECT explode(array(0)) AS id;
             CREATE TABLE nums STORED AS PARQUET AS
               SELECT pos AS id FROM ids LATERAL VIEW posexplode(split(space(19999), ' ')) t AS pos, x;
             CREATE TABLE wide STORED AS PARQUET AS SELECT id, {} FROM nums",
            wide.join(", ")
        ),
    );
    assert_eq!(rows(&mut s, "SELECT count(*) FROM wide"), ["20000"]);
    let size: u64 = storage::list_files(Path::new("s3://shark-ranges/warehouse/wide"), true)
        .unwrap()
        .iter()
        .map(|f| f.1)
        .sum();
    let before = storage::request_counts();
    assert_eq!(rows(&mut s, "SELECT sum(id) FROM wide"), ["199990000"]);
    let read = storage::request_counts().bytes_read - before.bytes_read;
    // Other tests of this process read concurrently: the bound is loose,
    // but reading every column would pass it many times over.
    assert!(read < size / 4, "read {read} of {size} bytes");
}

#[test]
fn concurrent_appends_keep_every_file() {
    let Some((mut s, local)) = s3_session("shark-concurrent") else {
        return;
    };
    run(&mut s, "CREATE TABLE t (w INT, i INT) STORED AS PARQUET");
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let ms = local.path().join("metastore.db");
            std::thread::spawn(move || {
                let ctx = rdd::Context::new("local[1]", "writer").unwrap();
                let mut s = Session::with_warehouse_at(
                    ctx,
                    Path::new("s3://shark-concurrent/warehouse"),
                    Some(&ms),
                )
                .unwrap();
                for i in 0..4 {
                    run(&mut s, &format!("INSERT INTO t VALUES ({w}, {i})"));
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(
        rows(&mut s, "SELECT count(*), sum(w), sum(i) FROM t"),
        ["12\t12\t18"]
    );
}

#[test]
fn external_files_are_adopted_compressed_files_read_and_drops_forget() {
    let Some((mut s, local)) = s3_session("shark-adopt") else {
        return;
    };
    let root = "s3://shark-adopt";
    storage::write(Path::new(&format!("{root}/ext/old.csv")), "1,a\n".into()).unwrap();
    let create = format!(
        "CREATE EXTERNAL TABLE ext (n INT, s STRING)
           ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION '{root}/ext'"
    );
    run(&mut s, &create);
    run(&mut s, "INSERT INTO ext VALUES (2, 'b')");
    assert_eq!(
        rows(&mut s, "SELECT n, s FROM ext ORDER BY n"),
        ["1\ta", "2\tb"]
    );
    // A gzipped file keeps its extension on the store and is read as text.
    let gz = local.path().join("more.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut enc, b"3,c\n4,d\n").unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    run(
        &mut s,
        &format!("LOAD DATA LOCAL INPATH '{}' INTO TABLE ext", gz.display()),
    );
    assert_eq!(rows(&mut s, "SELECT count(*), sum(n) FROM ext"), ["4\t10"]);
    assert!(objects(&format!("{root}/ext"))
        .iter()
        .any(|o| o.ends_with(".gz")));
    // Dropped (files kept: external), then files added by someone else:
    // a new table there reads what is there now.
    run(&mut s, "DROP TABLE ext");
    storage::write(Path::new(&format!("{root}/ext/new.csv")), "5,e\n".into()).unwrap();
    run(&mut s, &create);
    assert_eq!(rows(&mut s, "SELECT count(*), sum(n) FROM ext"), ["5\t15"]);
    // Managed tables on a store are not renamed (their files cannot move).
    run(
        &mut s,
        "CREATE TABLE m (x INT); ALTER TABLE ext RENAME TO ext2",
    );
    let e = s
        .execute("ALTER TABLE m RENAME TO m2")
        .err()
        .expect("refused");
    assert!(e.to_string().contains("object store"), "{e}");
    // A server session (one with a path rule) cannot change the
    // process's object-store settings.
    s.set_path_guard(std::sync::Arc::new(|_: &Path, _| Ok(())));
    let e = s
        .execute("SET fs.s3a.endpoint=http://127.0.0.1:1")
        .err()
        .expect("refused");
    assert!(e.to_string().contains("server setting"), "{e}");
    assert_eq!(rows(&mut s, "SELECT count(*) FROM ext2"), ["5"]);
}
