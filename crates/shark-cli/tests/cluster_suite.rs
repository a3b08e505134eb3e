//! Cluster mode with real executor processes (`shark-executor`): the
//! golden SQL files and TPC-H on `local-cluster` give the local answers;
//! an executor that dies mid-query costs only time; losing every executor
//! fails the query within a bounded time; an executor of another build is
//! refused; executors exit when their driver goes away; the CLI runs on a
//! cluster unchanged. The tests here take turns (each starts processes).

#[path = "../../shark/tests/common/mod.rs"]
mod common;
#[path = "../../shark/tests/common/goldens.rs"]
mod goldens;
#[path = "support/ports.rs"]
mod ports;
#[path = "../../shark/tests/common/tpch_check.rs"]
mod tpch_check;

use shark::distributed::{
    SqlCluster, EXECUTOR_ENV_PREFIX, EXECUTOR_TIMEOUT_KEY, EXECUTOR_WAIT_KEY, HEARTBEAT_KEY,
};
use shark::table::MemTable;
use shark::{MemoryCatalog, Session};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One cluster at a time.
fn turn() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    let guard = TURN.lock().unwrap_or_else(|e| e.into_inner());
    // Under the lock: no other test of this binary reads the environment.
    std::env::set_var("SHARK_EXECUTOR_BIN", env!("CARGO_BIN_EXE_shark-executor"));
    guard
}

/// A context on `master` with fast heartbeats, its cluster started.
fn cluster_context(master: &str, extra: &[(&str, &str)]) -> rdd::Context {
    let mut conf = rdd::Conf::new()
        .set(HEARTBEAT_KEY, "200")
        .set(EXECUTOR_TIMEOUT_KEY, "3000")
        .set(EXECUTOR_WAIT_KEY, "2000");
    for (k, v) in extra {
        conf = conf.set(*k, *v);
    }
    let ctx = rdd::Context::with_conf(master, "cluster-suite", conf).unwrap();
    SqlCluster::attach(&ctx).unwrap();
    ctx
}

/// A session over two generated tables big enough for several tasks per
/// stage: `facts(k, v)` (40,000 rows in 8 batches) and `dims(k, name)`.
fn facts_session(ctx: &rdd::Context) -> Session {
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::record_batch::RecordBatch;
    let catalog = Arc::new(MemoryCatalog::new());
    let facts = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Int64, true),
        Field::new("v", DataType::Int64, true),
    ]));
    let batches = (0..8i64)
        .map(|b| {
            let k: Int64Array = (0..5000i64).map(|i| Some((b * 5000 + i) % 997)).collect();
            let v: Int64Array = (0..5000i64).map(|i| Some(b * 5000 + i)).collect();
            RecordBatch::try_new(facts.clone(), vec![Arc::new(k), Arc::new(v)]).unwrap()
        })
        .collect();
    catalog.register(
        "default",
        "facts",
        Arc::new(MemTable::try_new(facts, batches).unwrap()),
    );
    let dims = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Int64, true),
        Field::new("name", DataType::Utf8, true),
    ]));
    let k: Int64Array = (0..997i64).map(Some).collect();
    let name: StringArray = (0..997i64).map(|i| Some(format!("d{}", i % 13))).collect();
    let batch = RecordBatch::try_new(dims.clone(), vec![Arc::new(k), Arc::new(name)]).unwrap();
    catalog.register(
        "default",
        "dims",
        Arc::new(MemTable::try_new(dims, vec![batch]).unwrap()),
    );
    let mut session = Session::new(ctx.clone(), catalog);
    session.set("shark.shuffle.partitions", "4");
    // Both sides shuffled: more stages, more map outputs to lose.
    session.set("spark.sql.autoBroadcastJoinThreshold", "-1");
    session
}

const SHUFFLED_JOIN: &str = "SELECT d.name, count(*), sum(f.v), min(f.v), max(f.v) \
     FROM facts f JOIN dims d ON f.k = d.k GROUP BY d.name ORDER BY d.name";

fn local_answer(sql: &str) -> Vec<String> {
    let ctx = rdd::Context::new("local[2]", "cluster-suite-local").unwrap();
    let mut session = facts_session(&ctx);
    let rows = common::rows(&mut session, sql);
    assert_eq!(rows.len(), 13);
    rows
}

#[test]
fn golden_sql_files_give_the_local_answers_on_a_local_cluster() {
    let _turn = turn();
    let ctx = cluster_context("local-cluster[2,1,512]", &[]);
    goldens::run_goldens_on(&ctx, &[], "");
    let cluster = SqlCluster::of(&ctx).unwrap();
    let finished: u64 = cluster.executors().iter().map(|e| e.finished).sum();
    assert!(
        finished > 1000,
        "the queries ran on the executors ({finished} tasks)"
    );
}

#[test]
fn tpch_on_a_local_cluster_matches_duckdb() {
    let _turn = turn();
    let ctx = cluster_context("local-cluster[2,1,1024]", &[]);
    let dir = tempfile::tempdir().unwrap();
    let mut session =
        Session::with_warehouse_at(ctx.clone(), &dir.path().join("warehouse"), None).unwrap();
    tpch_check::load_as_parquet(&mut session, dir.path());
    let failures = tpch_check::check_queries(&mut session);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn executors_that_keep_dying_mid_query_cost_only_time() {
    let want = local_answer(SHUFFLED_JOIN);
    let _turn = turn();
    // Every process of exec-0 exits (status 42) as its fourth task starts:
    // it dies holding the map outputs of the three before, with a task
    // running, and is started again (Spark's DistributedSuite, "repeated
    // failures").
    let key = format!("{EXECUTOR_ENV_PREFIX}SHARK_TEST_EXECUTOR_EXIT_AFTER_TASKS");
    let ctx = cluster_context("local-cluster[2,1,512]", &[(key.as_str(), "exec-0:3")]);
    let mut session = facts_session(&ctx);
    let cluster = SqlCluster::of(&ctx).unwrap();
    for round in 0..3 {
        assert_eq!(
            common::rows(&mut session, SHUFFLED_JOIN),
            want,
            "round {round}"
        );
    }
    let restarts = cluster.executor_restarts();
    assert!(
        restarts.iter().any(|(id, n)| id == "exec-0" && *n >= 2),
        "{restarts:?}"
    );
    assert!(
        restarts.iter().any(|(id, n)| id == "exec-1" && *n == 0),
        "{restarts:?}"
    );
}

#[test]
fn losing_every_executor_fails_the_query_within_a_bounded_time() {
    let _turn = turn();
    let ctx = cluster_context("local-cluster[2,1,256]", &[]);
    let mut session = facts_session(&ctx);
    assert_eq!(
        common::rows(&mut session, "SELECT count(*) FROM facts"),
        vec!["40000"]
    );
    let cluster = SqlCluster::of(&ctx).unwrap();
    assert!(cluster.kill_executor("exec-0"));
    assert!(cluster.kill_executor("exec-1"));
    let started = Instant::now();
    let err = session.query(SHUFFLED_JOIN).unwrap_err().to_string();
    assert!(err.contains("executors were lost"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn standalone_executors_of_the_same_build_join_and_leave_with_their_driver() {
    let want = local_answer(SHUFFLED_JOIN);
    let _turn = turn();
    let port = ports::free_port();
    let ctx = cluster_context(&format!("shark://127.0.0.1:{port}"), &[]);
    let executor = |id: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_shark-executor"));
        c.args(["--driver", &format!("127.0.0.1:{port}")])
            .args(["--executor-id", id, "--host", "127.0.0.1", "--cores", "2"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c
    };
    // Another build is refused, with why.
    let refused = executor("stranger")
        .env("SHARK_CLUSTER_TEST_FINGERPRINT", "shark 0.0.0 (elsewhere)")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("same build as the driver"), "{stderr}");
    // One of this build joins and runs the query.
    let mut child = executor("worker").spawn().unwrap();
    let cluster = SqlCluster::of(&ctx).unwrap();
    wait_for("the executor to register", Duration::from_secs(30), || {
        cluster
            .executors()
            .iter()
            .any(|e| e.id == "worker" && e.alive)
    });
    assert!(!cluster.executors().iter().any(|e| e.id == "stranger"));
    let mut session = facts_session(&ctx);
    assert_eq!(common::rows(&mut session, SHUFFLED_JOIN), want);
    let shown = common::rows(&mut session, "SHOW EXECUTORS");
    assert!(
        shown.len() == 1 && shown[0].starts_with("worker\t"),
        "{shown:?}"
    );
    // The driver goes away: the executor notices and exits.
    drop(session);
    drop(cluster);
    drop(ctx);
    let mut status = None;
    wait_for("the executor to exit", Duration::from_secs(20), || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    if status.is_none() {
        let _ = child.kill();
    }
}

#[test]
fn the_cli_runs_unchanged_on_a_local_cluster() {
    let _turn = turn();
    let wh = tempfile::tempdir().unwrap();
    let sql = "SELECT key % 5, count(*), sum(key) FROM src GROUP BY key % 5 ORDER BY 1; \
               SELECT a.key, count(*) FROM src a JOIN srcpart b ON a.key = b.key \
               GROUP BY a.key ORDER BY a.key LIMIT 5";
    let run = |master: &str, sql: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_shark-cli"))
            .args(["--warehouse", &wh.path().display().to_string(), "--demo"])
            .args(["--master", master, "-e", sql])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let local = run("local[2]", sql);
    assert_eq!(local.lines().count(), 10, "{local}");
    assert_eq!(run("local-cluster[2,1,256]", sql), local);
    // Operators' counts come back from the executors.
    let analyzed = run(
        "local-cluster[2,1,256]",
        "EXPLAIN ANALYZE SELECT a.key, count(*) FROM src a JOIN srcpart b ON a.key = b.key \
         GROUP BY a.key",
    );
    let rows_of = |table: &str| -> u64 {
        let line = analyzed
            .lines()
            .find(|l| l.contains(&format!("default.{table} ")))
            .unwrap_or_else(|| panic!("{table}: {analyzed}"));
        let at = line.find("| rows=").unwrap_or_else(|| panic!("{analyzed}")) + 7;
        line[at..].split(' ').next().unwrap().parse().unwrap()
    };
    assert_eq!(
        (rows_of("src"), rows_of("srcpart")),
        (500, 2000),
        "{analyzed}"
    );
    let shown = run("local-cluster[2,1,256]", "SHOW EXECUTORS");
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 2, "{shown}");
    assert!(
        lines.iter().all(|l| l.contains("\talive\t1\t256\t")),
        "{shown}"
    );
}
