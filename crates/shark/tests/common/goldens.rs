//! The golden SQL files under `sql-tests/` (expected results from
//! DuckDB, see sql-tests/README.md) run through Shark sessions: shared by
//! the local runs (`sql_tests.rs`) and the cluster runs (shark-cli's
//! `cluster_suite.rs`).
//!
//! `SQL_TEST_FILTER=join` runs only the files whose name contains `join`.

use arrow::datatypes::{Field, Schema};
use hive::text::{parse_lines, render_column, TextFormat};
use shark::table::MemTable;
use shark::{MemoryCatalog, Session};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sql-tests")
}

fn load_tables(catalog: &MemoryCatalog) {
    let mut entries: Vec<_> = std::fs::read_dir(root().join("data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let fields: Vec<Field> = header
            .split('\t')
            .map(|f| {
                let (n, t) = f.split_once(':').unwrap();
                Field::new(n, hive::types::parse_hive_type(t).unwrap(), true)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let rows: Vec<&str> = lines.collect();
        let (batch, bad) = parse_lines(&rows, &schema, &TextFormat::delimited("\t")).unwrap();
        assert_eq!(bad, 0, "{name}: values that do not parse");
        catalog.register(
            "default",
            &name,
            Arc::new(MemTable::try_new(schema, vec![batch]).unwrap()),
        );
    }
}

#[derive(Debug)]
enum Expected {
    Rows {
        rows: Vec<String>,
        ordered: bool,
    },
    #[allow(dead_code)] // shown in failure messages
    Error(String),
}

fn parse_results(text: &str) -> Vec<(String, Expected)> {
    let mut out = Vec::new();
    let blocks: Vec<&str> = text.split("-- !query\n").skip(1).collect();
    for block in blocks {
        let (query, rest) = if let Some(i) = block.find("\n-- !query output") {
            (&block[..i], &block[i + 1..])
        } else if let Some(i) = block.find("\n-- !query error") {
            (&block[..i], &block[i + 1..])
        } else {
            panic!("malformed block: {block}");
        };
        let mut lines = rest.split('\n');
        let marker = lines.next().unwrap();
        let body: Vec<String> = lines.map(String::from).collect();
        // Blocks end with one blank line before the next block.
        let mut body = body;
        while body.last().is_some_and(|l| l.is_empty()) {
            body.pop();
        }
        let expected = if marker.starts_with("-- !query error") {
            Expected::Error(body.join("\n"))
        } else {
            Expected::Rows {
                rows: body,
                ordered: marker == "-- !query output",
            }
        };
        out.push((query.to_string(), expected));
    }
    out
}

fn cells_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => {
            let diff = (x - y).abs();
            diff <= 1e-6 * x.abs().max(y.abs()) || diff < 1e-9
        }
        _ => false,
    }
}

fn rows_match(got: &[String], want: &[String]) -> bool {
    got.len() == want.len()
        && got.iter().zip(want).all(|(g, w)| {
            let (gc, wc): (Vec<&str>, Vec<&str>) =
                (g.split('\t').collect(), w.split('\t').collect());
            gc.len() == wc.len() && gc.iter().zip(&wc).all(|(a, b)| cells_match(a, b))
        })
}

fn run_query(session: &mut Session, sql: &str) -> Result<Vec<String>, String> {
    let batches = session.query(sql).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for b in batches {
        let cols: Vec<Vec<Option<String>>> = b
            .columns()
            .iter()
            .map(|c| render_column(c).unwrap())
            .collect();
        for r in 0..b.num_rows() {
            let cells: Vec<&str> = cols
                .iter()
                .map(|c| c[r].as_deref().unwrap_or("NULL"))
                .collect();
            rows.push(cells.join("\t"));
        }
    }
    Ok(rows)
}

/// Runs every golden file (those whose name contains `filter`) on `ctx`
/// with `settings`; panics listing the queries whose answers differ.
pub fn run_goldens_on(ctx: &rdd::Context, settings: &[(&str, &str)], filter: &str) {
    let catalog = Arc::new(MemoryCatalog::new());
    load_tables(&catalog);
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("results"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut total = 0;
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        if !name.contains(filter) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let mut session = Session::new(ctx.clone(), catalog.clone());
        session.set("shark.shuffle.partitions", "3");
        // The expected results are in UTC (generate.py), whatever $TZ says.
        session.set("hive.local.time.zone", "UTC");
        for (k, v) in settings {
            session.set(k, v);
        }
        let mut passed = 0;
        let cases = parse_results(&text);
        for (query, expected) in &cases {
            total += 1;
            let got = run_query(&mut session, query);
            let ok = match (&got, expected) {
                (
                    Ok(rows),
                    Expected::Rows {
                        rows: want,
                        ordered,
                    },
                ) => {
                    if *ordered {
                        rows_match(rows, want)
                    } else {
                        let mut a = rows.clone();
                        let mut b = want.clone();
                        a.sort();
                        b.sort();
                        rows_match(&a, &b)
                    }
                }
                (Err(_), Expected::Error(_)) => true,
                _ => false,
            };
            if ok {
                passed += 1;
            } else {
                failures.push(format!(
                    "{name}: {query}\n  expected: {expected:?}\n  got: {got:?}"
                ));
            }
        }
        eprintln!("{name}: {passed}/{} passed", cases.len());
    }
    for f in failures.iter().take(400) {
        eprintln!("FAIL {f}\n");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} golden queries failed",
        failures.len()
    );
}
