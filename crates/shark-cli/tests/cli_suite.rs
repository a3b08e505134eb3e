//! The real `shark-cli` binary: batch contract, options, errors,
//! persistence, and an interactive session through a pseudo-terminal.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn cli(wh: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shark-cli"));
    c.arg("--warehouse")
        .arg(wh)
        .arg("--master")
        .arg("local[2]")
        .arg("--demo");
    c.env("HOME", wh.parent().unwrap());
    c
}

fn run(c: &mut Command) -> Output {
    c.stdin(Stdio::null()).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn batch_rows_on_stdout_status_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let o = run(cli(&wh).arg("-e").arg("SELECT count(*) FROM src; SELECT key, value, key > 100, NULL, 1.5, CAST(1 AS DOUBLE) FROM src ORDER BY key LIMIT 1"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "500\n0\tval_0\tfalse\tNULL\t1.5\t1.0\n");
    let err = stderr(&o);
    assert!(
        err.contains("OK") && err.contains("Time taken:") && err.contains("Fetched: 1 row(s)"),
        "{err}"
    );
    // -S silences status lines; DDL prints nothing on stdout.
    let o = run(cli(&wh)
        .arg("-S")
        .arg("-e")
        .arg("CREATE TABLE t (a INT); INSERT INTO t VALUES (7)"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "");
    // The warehouse persists between invocations.
    let o = run(cli(&wh).arg("-S").arg("-e").arg("SELECT a FROM t"));
    assert_eq!(stdout(&o), "7\n");
}

#[test]
fn errors_stop_the_script_with_hive_messages() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let o = run(cli(&wh)
        .arg("-S")
        .arg("-e")
        .arg("SELECT 1; SELECT * FROM nosuch; SELECT 2"));
    assert!(!o.status.success());
    assert_eq!(stdout(&o), "1\n", "stops at the first failure");
    assert!(
        stderr(&o).contains("FAILED: SemanticException [1:15] Table not found 'nosuch'"),
        "{}",
        stderr(&o)
    );
    let o = run(cli(&wh).arg("-S").arg("-e").arg("SELECT 1 FROM"));
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("FAILED: ParseException line 1:"),
        "{}",
        stderr(&o)
    );
    // hive.cli.errors.ignore continues past errors.
    let o = run(cli(&wh)
        .arg("-S")
        .arg("--hiveconf")
        .arg("hive.cli.errors.ignore=true")
        .arg("-e")
        .arg("SELECT 1; SELECT * FROM nosuch; SELECT 2"));
    assert_eq!(stdout(&o), "1\n2\n");
    assert!(!o.status.success());
    let o = run(cli(&wh).arg("--no-such-option"));
    assert!(!o.status.success());
    let o = run(cli(&wh).arg("-f").arg("/no/such/file.sql"));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("/no/such/file.sql"));
}

#[test]
fn files_init_scripts_variables_source_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let init = dir.path().join("init.sql");
    std::fs::write(&init, "SET hivevar:limit=2;\nUSE default;").unwrap();
    let inner = dir.path().join("inner.sql");
    std::fs::write(&inner, "SELECT 'from source';").unwrap();
    let script = dir.path().join("main.sql");
    std::fs::write(&script, format!("-- a comment\nSELECT key FROM src\nORDER BY key LIMIT ${{limit}};\nsource {};\nSELECT '${{hivevar:who}}';\n", inner.display())).unwrap();
    let o = run(cli(&wh)
        .arg("-S")
        .arg("-i")
        .arg(&init)
        .arg("--hivevar")
        .arg("who=me")
        .arg("-f")
        .arg(&script));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "0\n0\nfrom source\nme\n");
    let o = run(cli(&wh)
        .arg("-S")
        .arg("--output-format")
        .arg("csv")
        .arg("--header")
        .arg("-e")
        .arg("SELECT 'a,b' AS x, 1 AS y"));
    assert_eq!(stdout(&o), "x,y\n\"a,b\",1\n");
    let o = run(cli(&wh)
        .arg("-S")
        .arg("--output-format")
        .arg("json")
        .arg("-e")
        .arg("SELECT 'a' AS x, 1 AS y, NULL AS z"));
    assert_eq!(stdout(&o), "{\"x\":\"a\",\"y\":1,\"z\":null}\n");
    let o = run(cli(&wh)
        .arg("-S")
        .arg("--database")
        .arg("nosuchdb")
        .arg("-e")
        .arg("SELECT 1"));
    assert!(!o.status.success());
    // Statements on standard input, as `shark-cli < script.sql`.
    let mut child = cli(&wh)
        .arg("-S")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"SELECT 40 + 2;")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(stdout(&o), "42\n");
}

#[test]
fn help_documents_the_options() {
    let o = Command::new(env!("CARGO_BIN_EXE_shark-cli"))
        .arg("--help")
        .output()
        .unwrap();
    let text = stdout(&o);
    for opt in [
        "-e",
        "-f",
        "-i",
        "--database",
        "--hiveconf",
        "--hivevar",
        "--silent",
        "--verbose",
        "--warehouse",
        "--master",
        "--output-format",
        "--header",
        "--connect",
    ] {
        assert!(text.contains(opt), "{opt} missing from --help:\n{text}");
    }
}

/// Drives the prompt through `script`, which gives it a pseudo-terminal.
#[test]
fn interactive_prompt_multiline_history_and_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    // Create the demo warehouse first so the session starts quickly.
    assert!(run(cli(&wh).arg("-S").arg("-e").arg("SELECT 1"))
        .status
        .success());
    let cmd = format!(
        "{} --warehouse {} --master local[2] --output-format tsv",
        env!("CARGO_BIN_EXE_shark-cli"),
        wh.display()
    );
    let mut child = Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .env("HOME", dir.path())
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the `script` command (bsdutils) runs the prompt in a pseudo-terminal");
    let mut input = child.stdin.take().unwrap();
    let send = |input: &mut std::process::ChildStdin, s: &[u8]| {
        input.write_all(s).unwrap();
        input.flush().unwrap();
        std::thread::sleep(Duration::from_millis(700));
    };
    std::thread::sleep(Duration::from_millis(1500));
    send(&mut input, b"SELECT count(*)\r");
    send(&mut input, b"FROM src;\r");
    // A long query, then Ctrl-C: the query stops, the prompt comes back.
    send(
        &mut input,
        b"SELECT count(*) FROM src a JOIN src b JOIN src c JOIN src d;\r",
    );
    std::thread::sleep(Duration::from_millis(1500));
    send(&mut input, b"\x03");
    std::thread::sleep(Duration::from_millis(1500));
    send(&mut input, b"SELECT 'still here';\r");
    send(&mut input, b"quit;\r");
    drop(input);
    let o = child.wait_with_output().unwrap();
    let out = stdout(&o);
    assert!(out.contains("shark (default)> "), "{out}");
    assert!(out.contains("500"), "multi-line statement ran: {out}");
    assert!(out.contains("cancel"), "Ctrl-C cancelled the query: {out}");
    assert!(
        out.contains("still here"),
        "the prompt survived Ctrl-C: {out}"
    );
    let history = std::fs::read_to_string(dir.path().join(".shark_history")).unwrap_or_default();
    assert!(history.contains("FROM src;"), "history saved: {history}");
}

/// `--connect` runs the same batch contract against a real shark-server.
#[test]
fn connect_runs_statements_on_a_server() {
    let cli_path = std::path::PathBuf::from(env!("CARGO_BIN_EXE_shark-cli"));
    let server_path = cli_path.with_file_name("shark-server");
    if !server_path.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "shark-server"])
            .status()
            .unwrap();
        assert!(status.success(), "building shark-server for this test");
    }
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    // The embedded CLI creates the demo warehouse the server then serves.
    assert!(run(cli(&wh).arg("-S").arg("-e").arg("SELECT 1"))
        .status
        .success());
    let mut server = Command::new(&server_path)
        .args([
            "--warehouse",
            wh.to_str().unwrap(),
            "--bind",
            "127.0.0.1:0",
            "--flight-bind",
            "off",
            "--master",
            "local[2]",
            // Small, so that a big result is cut by the server.
            "--max-result-bytes",
            "100000",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the server prints its address")
        .to_string();
    let o = Command::new(&cli_path)
        .args(["--connect", &url, "-S", "-e", "SELECT count(*), 1.5, NULL FROM src; CREATE TABLE r (a INT); INSERT INTO r VALUES (3); SELECT * FROM r"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let bad = Command::new(&cli_path)
        .args(["--connect", &url, "-S", "-e", "SELECT * FROM nosuch"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    // A result the server cuts must not print as a success.
    let cut = Command::new(&cli_path)
        .args([
            "--connect",
            &url,
            "-S",
            "-e",
            "SELECT a.key, b.value FROM src a JOIN src b",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    // How the early end shows (our message, or a reset connection under
    // load) varies; that it fails does not.
    assert!(!cut.status.success(), "a cut result looked complete");
    assert!(stderr(&cut).contains("FAILED"), "{}", stderr(&cut));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "500\t1.5\tNULL\n3\n");
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("Table not found 'nosuch'"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn explain_and_explain_analyze_print_the_physical_plan() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let q =
        "SELECT s.region, count(*) FROM fact_sales f JOIN dim_store s ON f.store_id = s.store_id \
             GROUP BY s.region";
    let o = run(cli(&wh).arg("-S").arg("-e").arg(format!("EXPLAIN {q}")));
    assert!(o.status.success(), "{}", stderr(&o));
    let plan = stdout(&o);
    assert!(plan.starts_with("== Physical Plan ==\n0: "), "{plan}");
    assert!(
        plan.contains("HashJoin Broadcast") && plan.contains("Scan "),
        "{plan}"
    );
    assert!(!plan.contains(" batches="), "EXPLAIN runs nothing: {plan}");
    let o = run(cli(&wh)
        .arg("-S")
        .arg("-e")
        .arg(format!("EXPLAIN ANALYZE {q}")));
    assert!(o.status.success(), "{}", stderr(&o));
    let analyzed = stdout(&o);
    assert!(
        analyzed.starts_with("== Physical Plan (executed: "),
        "{analyzed}"
    );
    let rows_of = |table: &str| -> u64 {
        let line = analyzed
            .lines()
            .find(|l| l.contains(&format!("default.{table}")))
            .unwrap_or_else(|| panic!("{table}: {analyzed}"));
        let at = line.find("| rows=").unwrap() + 7;
        line[at..].split(' ').next().unwrap().parse().unwrap()
    };
    let count = |table: &str| -> u64 {
        let o = run(cli(&wh)
            .arg("-S")
            .arg("-e")
            .arg(format!("SELECT count(*) FROM {table}")));
        stdout(&o).trim().parse().unwrap()
    };
    assert_eq!(rows_of("fact_sales"), count("fact_sales"));
    assert_eq!(rows_of("dim_store"), count("dim_store"));
}

#[test]
fn engine_settings_from_hiveconf_reach_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let o = run(cli(&wh)
        .arg("--hiveconf")
        .arg("shark.memory.execution=oops")
        .arg("-e")
        .arg("SELECT 1"));
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("shark.memory.execution=oops"),
        "{}",
        stderr(&o)
    );
    // A 16 KiB execution budget: the broadcast build side does not fit, so
    // the join runs partitioned (and gives the same answer).
    let q = "SELECT count(*) FROM src a JOIN src b ON a.value = b.value";
    let small = run(cli(&wh)
        .arg("--hiveconf")
        .arg("shark.memory.execution=16k")
        .arg("-S")
        .arg("-e")
        .arg(format!("EXPLAIN ANALYZE {q}; {q}")));
    assert!(small.status.success(), "{}", stderr(&small));
    let out = stdout(&small);
    assert!(out.contains("adaptive: broadcast -> partitioned"), "{out}");
    let plain = run(cli(&wh).arg("-S").arg("-e").arg(q));
    assert_eq!(out.lines().last(), stdout(&plain).lines().last());
}

#[test]
fn engine_settings_come_from_a_properties_file_and_are_fixed_at_run_time() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let conf_dir = dir.path().join("conf");
    std::fs::create_dir_all(&conf_dir).unwrap();
    std::fs::write(
        conf_dir.join("shark-defaults.conf"),
        "# as Spark writes spark-defaults.conf\nshark.memory.execution   16k\nhive.cli.print.header=true\n",
    )
    .unwrap();
    // Found through SHARK_CONF_DIR: the budget reaches the engine (the join
    // is re-planned) and the Hive setting the session (a header line).
    let q = "SELECT count(*) AS n FROM src a JOIN src b ON a.value = b.value";
    let o = run(cli(&wh).env("SHARK_CONF_DIR", &conf_dir).args([
        "-S",
        "-e",
        &format!("EXPLAIN ANALYZE {q}; {q}; SET shark.memory.execution"),
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("adaptive: broadcast -> partitioned"), "{out}");
    assert!(out.lines().any(|l| l.trim() == "n"), "{out}");
    assert!(out.contains("shark.memory.execution=16k"), "{out}");
    // --hiveconf wins over the file; a named file works too.
    let named = dir.path().join("mine.conf");
    std::fs::write(&named, "shark.memory.execution=1g\n").unwrap();
    let o = run(cli(&wh).args([
        "-S",
        "--properties-file",
        named.to_str().unwrap(),
        "--hiveconf",
        "shark.memory.execution=2g",
        "-e",
        "SET shark.memory.execution",
    ]));
    assert_eq!(stdout(&o).trim(), "shark.memory.execution=2g");
    // At run time an engine setting cannot change: an error, not a no-op.
    let o = run(cli(&wh).args(["-S", "-e", "SET shark.memory.execution=64m"]));
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("cannot change at run time"),
        "{}",
        stderr(&o)
    );
    let o = run(cli(&wh).args([
        "-S",
        "--properties-file",
        "/nonexistent/x.conf",
        "-e",
        "SELECT 1",
    ]));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("/nonexistent/x.conf"), "{}", stderr(&o));
}

#[test]
fn a_named_warehouse_stays_empty_and_the_demo_comes_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let plain = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_shark-cli"));
        c.arg("--warehouse")
            .arg(&wh)
            .arg("--master")
            .arg("local[2]");
        c.env("HOME", dir.path()).env_remove("SHARK_WAREHOUSE");
        c
    };
    let o = run(plain().arg("-S").arg("-e").arg("SHOW TABLES"));
    assert!(o.status.success());
    assert_eq!(
        stdout(&o),
        "",
        "a warehouse named on the command line gets no demo tables"
    );
    // Asked for: created; dropped: not created again.
    let o = run(plain()
        .arg("--demo")
        .arg("-S")
        .arg("-e")
        .arg("SELECT count(*) FROM src"));
    assert_eq!(stdout(&o), "500\n");
    let drop_all = "DROP TABLE src; DROP TABLE srcpart; DROP TABLE dim_store; \
                    DROP TABLE dim_product; DROP TABLE dim_date; DROP TABLE fact_sales";
    let o = run(plain().arg("-S").arg("-e").arg(drop_all));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(plain().arg("-S").arg("-e").arg("SHOW TABLES"));
    assert_eq!(
        stdout(&o),
        "",
        "dropping the last table does not bring the demo back"
    );
}

#[test]
fn deep_statements_get_an_answer_or_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let long = (0..5_000).map(|_| "1").collect::<Vec<_>>().join(" + ");
    let o = run(cli(&wh).args(["-S", "-e", &format!("SELECT {long}")]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "5000");
    let file = dir.path().join("deep.sql");
    let ors = (0..100_000)
        .map(|i| format!("key = {i}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    std::fs::write(&file, format!("SELECT count(*) FROM src WHERE {ors}")).unwrap();
    let o = run(cli(&wh).args(["-S", "-f", file.to_str().unwrap()]));
    assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("statement too complex"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_bound_on_one_value_is_a_setting() {
    let dir = tempfile::tempdir().unwrap();
    let wh = dir.path().join("wh");
    let sql = "SELECT length(repeat('x', 3000000))";
    let o = run(cli(&wh).args(["-S", "-e", sql]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "3000000");
    let o = run(cli(&wh).args(["-S", "--hiveconf", "shark.sql.maxValueBytes=2m", "-e", sql]));
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("repeat") && err.contains("shark.sql.maxValueBytes"),
        "{err}"
    );
}
