//! The web UI in a real headless Chromium, driven over WebDriver
//! (chromedriver + fantoccini) against the `shark-server` binary: the token
//! form, a query in the console read back from the grid, a chart, an error
//! pointing at its line, a slow query whose progress moves and that Cancel
//! stops, the plan drawn with as many nodes as EXPLAIN prints, a cached
//! table on the Storage page, and the render time of a 10,000-row page and
//! of 1,000 queries. Screenshots of every page go to
//! `$CARGO_TARGET_TMPDIR/web-ui/`.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's
//! `chromium` and `chromium-driver`, which `.ci/run` installs); without
//! them the test says so and passes, except under CI (`CI` set), where it
//! fails.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "ui-test-token";

/// A child process killed on drop.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn browser_paths() -> Option<(PathBuf, PathBuf)> {
    let driver = std::env::var_os("SHARK_CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromedriver".into());
    let chromium = std::env::var_os("SHARK_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromium".into());
    (driver.exists() && chromium.exists()).then_some((driver, chromium))
}

fn start_server(warehouse: &Path) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shark-server"))
        .args(["--warehouse", warehouse.to_str().unwrap()])
        .args(["--bind", "127.0.0.1:0", "--flight-bind", "off"])
        .args(["--master", "local[2]", "--token", TOKEN])
        .env("RUST_LOG", "warn")
        .env_remove("SHARK_WEB_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let banner = lines.next().unwrap().unwrap();
    let addr = banner.rsplit("://").next().unwrap().to_string();
    (Killed(child), format!("http://{addr}"))
}

fn start_driver(driver: &Path) -> (Killed, String) {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Killed(child), url)
}

async fn api(base: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    storage::install_tls_provider();
    let c = reqwest::Client::new();
    let mut r = match method {
        "POST" => c.post(format!("{base}{path}")),
        _ => c.get(format!("{base}{path}")),
    }
    .bearer_auth(TOKEN);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{path}: {v}");
    v
}

async fn sql(base: &str, text: &str) -> Value {
    api(
        base,
        "POST",
        "/v1/statements",
        Some(json!({ "sql": text, "wait_ms": 120000 })),
    )
    .await
}

/// `src` (500 rows) and `big` (16 files of 150,000 rows: its scan is 16
/// tasks that each take a while in a debug build).
async fn load_tables(base: &str, warehouse: &Path) {
    // Loads read only from inside the warehouse (the server's path rules).
    let dir = warehouse.join("incoming");
    std::fs::create_dir_all(&dir).unwrap();
    let kv: String = (0..500).map(|i| format!("{i}\x01val_{i}\n")).collect();
    std::fs::write(dir.join("kv.txt"), kv).unwrap();
    sql(
        base,
        &format!(
            "CREATE TABLE src (key INT, value STRING); \
             LOAD DATA LOCAL INPATH '{}' INTO TABLE src; \
             CREATE TABLE big (key INT, value STRING)",
            dir.join("kv.txt").display()
        ),
    )
    .await;
    for f in 0..16 {
        let rows: String = (0..150_000)
            .map(|i| format!("{}\x01value number {i} of file {f}\n", f * 150_000 + i))
            .collect();
        let path = dir.join(format!("big{f}.txt"));
        std::fs::write(&path, rows).unwrap();
        sql(
            base,
            &format!("LOAD DATA LOCAL INPATH '{}' INTO TABLE big", path.display()),
        )
        .await;
    }
}

struct Ui {
    c: Client,
    base: String,
    shots: PathBuf,
}

impl Ui {
    async fn js(&self, script: &str) -> Value {
        self.c.execute(script, vec![]).await.unwrap()
    }

    /// Waits until `script` returns something truthy; its value.
    async fn until(&self, what: &str, script: &str, secs: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.js(script).await;
            let truthy =
                !matches!(&v, Value::Null | Value::Bool(false)) && v != json!(0) && v != json!("");
            if truthy {
                return v;
            }
            if Instant::now() > deadline {
                self.shot("timeout").await;
                let errors = self.js("return window.__errors || []").await;
                panic!("timed out waiting for {what} (page errors: {errors})");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page has an element matching `css`.
    async fn wait_for(&self, what: &str, css: &str) {
        let script = format!(
            "return document.querySelectorAll({}).length",
            serde_json::to_string(css).unwrap()
        );
        self.until(what, &script, 20).await;
    }

    async fn shot(&self, name: &str) {
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    async fn open(&self, hash: &str) {
        self.c.goto(&format!("{}/{hash}", self.base)).await.unwrap();
    }

    /// Puts `sql` in the editor as if typed, and runs it with the button.
    async fn run(&self, sql: &str) {
        self.c
            .execute(
                "const e = document.querySelector('#editor'); e.value = arguments[0]; \
                 e.dispatchEvent(new Event('input', {bubbles: true}));",
                vec![json!(sql)],
            )
            .await
            .unwrap();
        self.c
            .find(Locator::Css("#run"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    async fn status_is(&self, want: &str, secs: u64) {
        let script = format!(
            "const s = document.querySelector('#status'); \
             return s && s.textContent.toLowerCase().includes('{want}');"
        );
        self.until(&format!("status {want}"), &script, secs).await;
    }
}

#[tokio::test]
async fn the_web_ui_in_a_real_browser() {
    let Some((driver, chromium)) = browser_paths() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and chromium-driver (see .ci/run)"
        );
        eprintln!("SKIPPED: no /usr/bin/chromium + /usr/bin/chromedriver");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let warehouse = dir.path().join("warehouse");
    let (_server, base) = start_server(&warehouse);
    load_tables(&base, &warehouse).await;
    let (_driver, driver_url) = start_driver(&driver);
    let profile = dir.path().join("profile");
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&driver_url)
        .await
        .expect("a chromium session");
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-ui");
    std::fs::create_dir_all(&shots).unwrap();
    let ui = Ui {
        c,
        base: base.clone(),
        shots,
    };
    // Whatever happens, the browser session is closed (so no Chromium is
    // left behind), then a failure is reported.
    let ui = std::sync::Arc::new(ui);
    let run = ui.clone();
    let outcome = tokio::spawn(async move { steps(&run).await }).await;
    let errors = ui.js("return window.__errors || []").await;
    let _ = ui.c.clone().close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
    assert_eq!(errors, json!([]), "script errors in the page");
}

async fn steps(ui: &Ui) {
    // Errors thrown by the page's scripts are collected for the end.
    ui.open("").await;
    // The server has a token: the UI asks for it once.
    ui.wait_for("the token form", "#token-input").await;
    ui.c.find(Locator::Css("#token-input"))
        .await
        .unwrap()
        .send_keys(TOKEN)
        .await
        .unwrap();
    ui.c.find(Locator::Css("#token-save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    ui.wait_for("the editor", "#editor").await;
    ui.js("window.__errors = []; window.addEventListener('error', e => window.__errors.push(String(e.message)));")
        .await;

    // A query typed and run with Ctrl-Enter; the grid shows its rows.
    let editor = ui.c.find(Locator::Css("#editor")).await.unwrap();
    editor.click().await.unwrap();
    ui.js("const e = document.querySelector('#editor'); e.value = ''; e.dispatchEvent(new Event('input'));")
        .await;
    editor
        .send_keys("SELECT key, value FROM src WHERE key < 30 ORDER BY key")
        .await
        .unwrap();
    // Control, Enter, then release every modifier.
    editor.send_keys("\u{E009}\u{E007}\u{E000}").await.unwrap();
    ui.status_is("finished", 30).await;
    let rows = ui
        .until(
            "grid rows",
            "return document.querySelectorAll('#grid tbody tr').length",
            20,
        )
        .await;
    assert_eq!(rows, 30);
    let first = ui
        .js("return [...document.querySelectorAll('#grid tbody tr:first-child td')].map(t => t.textContent.trim())")
        .await;
    assert_eq!(first, json!(["0", "val_0"]));
    let heads = ui
        .js("return [...document.querySelectorAll('#grid thead th')].map(t => t.textContent)")
        .await;
    assert!(
        heads.to_string().contains("key") && heads.to_string().contains("value"),
        "{heads}"
    );
    ui.shot("console").await;

    // A chart of an aggregate.
    ui.run("SELECT concat('k', key % 10) AS bucket, count(*) AS n FROM src GROUP BY key % 10 ORDER BY bucket")
        .await;
    ui.status_is("finished", 30).await;
    ui.wait_for("a chart", "#chart svg").await;
    let chart = ui
        .js("return [document.querySelector('#chart-type').value, document.querySelector('#chart-x').value, document.querySelector('#chart-y').value]")
        .await;
    assert_eq!(chart, json!(["bar", "bucket", "n"]));
    ui.shot("console-chart").await;

    // An error points at its line.
    ui.run("SELECT 1;\nSELECT nosuchcol FROM src").await;
    ui.status_is("failed", 30).await;
    let err = ui
        .until(
            "the error",
            "const e = document.querySelector('#error'); \
             return e && e.offsetParent !== null && [e.textContent, e.dataset.line, e.dataset.column];",
            20,
        )
        .await;
    assert!(err[0].as_str().unwrap().contains("nosuchcol"), "{err}");
    assert_eq!(err[1], "2", "{err}");
    let caret_line = ui
        .js("const e = document.querySelector('#editor'); return e.value.slice(0, e.selectionStart).split('\\n').length;")
        .await;
    assert_eq!(caret_line, 2);
    ui.shot("console-error").await;

    // A slow query: its progress moves, then Cancel stops it.
    ui.run("SELECT count(*) FROM big WHERE sha2(repeat(value, 4), 256) LIKE '%abc%'")
        .await;
    ui.status_is("running", 30).await;
    let progress = "const p = document.querySelector('#progress'); \
                    return p ? [Number(p.dataset.done || 0), Number(p.dataset.total || 0)] : [0, 0];";
    let first = ui
        .until(
            "progress",
            &format!("const v = (() => {{ {progress} }})(); return v[0] > 0 && v;"),
            60,
        )
        .await;
    let moved = ui
        .until(
            "progress to move",
            &format!(
                "const v = (() => {{ {progress} }})(); return v[0] > {} && v;",
                first[0]
            ),
            60,
        )
        .await;
    assert!(
        moved[0].as_u64() < moved[1].as_u64(),
        "still running: {moved}"
    );
    ui.shot("console-progress").await;
    ui.c.find(Locator::Css("#cancel"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    ui.status_is("cancelled", 30).await;

    // The plan of a finished query has EXPLAIN's nodes.
    let list = api(
        &ui.base,
        "GET",
        "/api/v1/sql?status=finished&length=1000",
        None,
    )
    .await;
    let grouped = list["queries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["sql"].as_str().unwrap().contains("GROUP BY"))
        .expect("the chart query is listed")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let detail = api(&ui.base, "GET", &format!("/api/v1/sql/{grouped}"), None).await;
    let explain = detail["planText"].as_array().unwrap().len();
    assert!(explain >= 4);
    ui.open("#/queries").await;
    ui.until(
        "the query row",
        &format!("return !!document.querySelector('#queries tr[data-query-id=\"{grouped}\"]')"),
        20,
    )
    .await;
    ui.shot("queries").await;
    ui.open(&format!("#/queries/{grouped}")).await;
    let drawn = ui
        .until(
            "the plan",
            "return document.querySelectorAll('#plan svg g.plan-node').length",
            20,
        )
        .await;
    assert_eq!(drawn, json!(explain), "plan nodes drawn = EXPLAIN lines");
    let text_lines = ui
        .js("return document.querySelector('#plan-text').textContent.trim().split('\\n').length")
        .await;
    assert_eq!(text_lines, json!(explain));
    ui.wait_for("the jobs", "#query-jobs .job").await;
    ui.shot("query").await;

    // Jobs, stages, one stage's tasks.
    ui.open("#/jobs").await;
    ui.wait_for("job rows", "#jobs tr[data-job-id]").await;
    ui.shot("jobs").await;
    ui.open("#/stages").await;
    let stage = ui
        .until(
            "stage rows",
            "const r = document.querySelector('#stages tr[data-stage]'); return r && r.dataset.stage",
            20,
        )
        .await;
    ui.shot("stages").await;
    let (sid, att) = stage.as_str().unwrap().split_once('.').unwrap();
    ui.open(&format!("#/stages/{sid}/{att}")).await;
    ui.wait_for("task rows", "#tasks tbody tr").await;
    ui.wait_for("the summary", "#task-summary tr").await;
    ui.shot("stage").await;

    // CACHE TABLE, then the Storage page lists it.
    ui.open("#/console").await;
    ui.wait_for("the editor", "#editor").await;
    ui.run("CACHE TABLE src").await;
    ui.status_is("finished", 30).await;
    ui.open("#/storage").await;
    ui.wait_for(
        "the cached table",
        "#storage-tables tr[data-table=\"default.src\"] button.uncache",
    )
    .await;
    ui.shot("storage").await;
    // Uncache from the page: the row goes.
    // (Clicked from a script: live updates redraw the table, so a found
    // element can go stale before WebDriver's click lands.)
    ui.js("document.querySelector('#storage-tables tr[data-table=\"default.src\"] button.uncache').click()")
        .await;
    ui.until(
        "the row to go",
        "return !document.querySelector('#storage-tables tr[data-table=\"default.src\"]')",
        20,
    )
    .await;
    let cached = api(&ui.base, "GET", "/api/v1/storage/tables", None).await;
    assert_eq!(cached, json!([]));
    ui.open("#/executors").await;
    ui.wait_for("the executor", "#executors tr[data-executor-id=\"driver\"]")
        .await;
    ui.shot("executors").await;
    ui.open("#/environment").await;
    let env = ui
        .until(
            "settings",
            "const e = document.querySelector('#environment'); return e && e.textContent",
            20,
        )
        .await;
    assert!(env.as_str().unwrap().contains("--warehouse"));
    assert!(
        !env.as_str().unwrap().contains(TOKEN),
        "the token is redacted"
    );
    ui.shot("environment").await;

    // Speed: a 10,000-row page, and the list of 1,000 queries.
    ui.open("#/console").await;
    ui.wait_for("the editor", "#editor").await;
    ui.js("const s = document.querySelector('#page-size'); s.value = '10000'; s.dispatchEvent(new Event('change', {bubbles: true}));")
        .await;
    ui.js("performance.clearMeasures('render-grid')").await;
    ui.run("SELECT key, value, key * 2 AS twice FROM big WHERE key < 20000")
        .await;
    ui.status_is("finished", 60).await;
    let rows = ui
        .until(
            "10,000 rows",
            "const n = document.querySelectorAll('#grid tbody tr').length; return n === 10000 && n;",
            30,
        )
        .await;
    assert_eq!(rows, 10000);
    let grid_ms = ui
        .until(
            "the grid measure",
            "const m = performance.getEntriesByName('render-grid'); return m.length && m[m.length - 1].duration;",
            10,
        )
        .await
        .as_f64()
        .unwrap();
    ui.shot("console-10000").await;
    let base = ui.base.clone();
    let mut workers = Vec::new();
    for w in 0..4 {
        let base = base.clone();
        workers.push(tokio::spawn(async move {
            for i in 0..250 {
                sql(&base, &format!("SELECT {w} * 1000 + {i} AS n")).await;
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    ui.open("#/queries").await;
    ui.wait_for("the list", "#queries tr[data-query-id]").await;
    ui.js("performance.clearMeasures('render-queries')").await;
    ui.js("const s = document.querySelector('#queries-page-size'); s.value = '1000'; s.dispatchEvent(new Event('change', {bubbles: true}));")
        .await;
    let listed = ui
        .until(
            "1,000 queries",
            "const n = document.querySelectorAll('#queries tr[data-query-id]').length; return n === 1000 && n;",
            30,
        )
        .await;
    assert_eq!(listed, 1000);
    let list_ms = ui
        .until(
            "the list measure",
            "const m = performance.getEntriesByName('render-queries'); return m.length && m[m.length - 1].duration;",
            10,
        )
        .await
        .as_f64()
        .unwrap();
    ui.shot("queries-1000").await;
    eprintln!(
        "render-grid (10,000 rows): {grid_ms:.1} ms; render-queries (1,000): {list_ms:.1} ms"
    );
    assert!(grid_ms < 200.0, "10,000-row page took {grid_ms} ms");
    assert!(list_ms < 200.0, "1,000 queries took {list_ms} ms");
}
