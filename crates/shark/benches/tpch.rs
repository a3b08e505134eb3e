//! TPC-H on Shark: generates the eight tables at a scale factor as Parquet
//! files, runs the 22 queries of `benches/tpch/qNN.sql` through a Shark
//! session and prints the seconds and row count of each.
//!
//! ```sh
//! cargo bench -p shark --bench tpch -- [--sf 1] [--queries 1,3,5] [--master local[2]]
//! (a `local-cluster[N,C,M]` master needs a release `shark-executor`:
//! `cargo build --release -p shark-cli`, or `SHARK_EXECUTOR_BIN`)
//!     [--data DIR] [--conf key=value]... [--set key=value]...
//!     [--remote s3://bucket/prefix]
//! ```
//!
//! Data goes to `DIR/sf<SF>/<table>/part-NNNNN.parquet` (generated once,
//! reused after), results to `DIR/sf<SF>/results/qNN.tsv` for
//! `benches/tpch/check.py` to compare with DuckDB. `DIR` defaults to
//! `target/tpch` in the workspace. `--sql "select ..."` (repeatable) runs
//! the given statements against the tables instead of the query files and
//! prints their rows. `--conf` sets engine settings
//! (`shark.memory.execution=2g`), `--set` session settings
//! (`shark.shuffle.partitions=8`). Exits non-zero if any query failed.
//!
//! `--remote URL` reads the tables from an object store instead: the
//! generated files are uploaded under `URL/<table>/` once, and each query's
//! line adds the requests it made (listings, HEADs, GETs) and the bytes it
//! fetched. Store settings come from `--conf fs.s3a.*=…` or the `AWS_*`
//! environment variables.

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use shark::table::ParquetTable;
use shark::{MemoryCatalog, Session, StatementResult};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

#[path = "tpch/gen.rs"]
mod gen;
use gen::{generate, hive_schema, to_hive};

/// The tables, with their rows per unit of scale factor (for choosing how
/// many files to write).
const TABLES: [(&str, f64); 8] = [
    ("nation", 0.0),
    ("region", 0.0),
    ("part", 200_000.0),
    ("supplier", 10_000.0),
    ("partsupp", 800_000.0),
    ("customer", 150_000.0),
    ("orders", 1_500_000.0),
    ("lineitem", 6_000_000.0),
];

/// Rows per Parquet file and per row group: row groups are the unit of
/// the scan's splits.
const ROWS_PER_FILE: f64 = 1_000_000.0;
const ROWS_PER_GROUP: usize = 128 * 1024;

/// Writes part `part` of `parts` of `table` to `path`; returns its rows.
fn write_part(table: &str, sf: f64, part: i32, parts: i32, path: &Path) -> u64 {
    let mut batches = generate(table, sf, part, parts);
    let mut writer: Option<ArrowWriter<std::fs::File>> = None;
    let mut schema: Option<SchemaRef> = None;
    let mut rows = 0u64;
    let props = || {
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROWS_PER_GROUP))
            .build()
    };
    for b in batches.by_ref() {
        let b = b.expect("generate batch");
        let s = schema
            .get_or_insert_with(|| hive_schema(&b.schema()))
            .clone();
        let w = writer.get_or_insert_with(|| {
            let f = std::fs::File::create(path).expect("create parquet file");
            ArrowWriter::try_new(f, s.clone(), Some(props())).expect("parquet writer")
        });
        w.write(&to_hive(&b, &s)).expect("write parquet");
        rows += b.num_rows() as u64;
    }
    if let Some(w) = writer {
        w.close().expect("close parquet");
    }
    rows
}

/// Generates the tables under `dir` unless they are there already.
fn ensure_data(dir: &Path, sf: f64) {
    std::fs::create_dir_all(dir).expect("create data dir");
    for (table, rows_per_sf) in TABLES {
        let final_dir = dir.join(table);
        if final_dir.is_dir() {
            continue;
        }
        let started = Instant::now();
        let tmp = dir.join(format!(".tmp-{table}"));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).expect("create table dir");
        let parts = ((rows_per_sf * sf / ROWS_PER_FILE).ceil() as i32).max(1);
        let workers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .min(parts as usize);
        let next = std::sync::atomic::AtomicI32::new(1);
        let total = std::sync::atomic::AtomicU64::new(0);
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let part = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if part > parts {
                        break;
                    }
                    let path = tmp.join(format!("part-{:05}.parquet", part - 1));
                    let n = write_part(table, sf, part, parts, &path);
                    total.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
                });
            }
        });
        std::fs::rename(&tmp, &final_dir).expect("rename table dir");
        eprintln!(
            "generated {table:>8}: {:>9} rows in {parts} file(s), {:.1} s",
            total.into_inner(),
            started.elapsed().as_secs_f64()
        );
    }
}

fn queries_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/tpch")
}

/// `0.0001 / SF` (Q11's FRACTION) as a decimal literal.
fn q11_fraction(sf: f64) -> String {
    let s = format!("{:.12}", 0.0001 / sf);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn sf_name(sf: f64) -> String {
    format!("{sf}")
}

struct Args {
    sf: f64,
    queries: Vec<u32>,
    master: String,
    data: PathBuf,
    conf: Vec<(String, String)>,
    set: Vec<(String, String)>,
    sql: Vec<String>,
    remote: Option<String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        sf: 1.0,
        queries: (1..=22).collect(),
        master: "local[2]".into(),
        data: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tpch"),
        conf: Vec::new(),
        set: Vec::new(),
        sql: Vec::new(),
        remote: None,
    };
    let mut it = std::env::args().skip(1);
    let kv = |v: String| -> (String, String) {
        let (k, v) = v.split_once('=').expect("expected key=value");
        (k.trim().to_string(), v.trim().to_string())
    };
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next()).expect("missing value");
        match flag.as_str() {
            "--sf" => args.sf = value().parse().expect("--sf takes a number"),
            "--queries" | "-q" => {
                args.queries = value()
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| {
                        s.trim()
                            .trim_start_matches(['q', 'Q'])
                            .parse()
                            .expect("query numbers")
                    })
                    .collect()
            }
            "--master" => args.master = value(),
            "--data" => args.data = PathBuf::from(value()),
            "--conf" => args.conf.push(kv(value())),
            "--set" => args.set.push(kv(value())),
            "--sql" => args.sql.push(value()),
            "--remote" => args.remote = Some(value()),
            // `cargo bench` passes `--bench`; libtest's other flags too.
            _ if flag.starts_with("--") => {}
            _ => {}
        }
    }
    args
}

fn main() {
    let args = parse_args();
    let dir = args.data.join(format!("sf{}", sf_name(args.sf)));
    ensure_data(&dir, args.sf);
    let dir = dir.canonicalize().unwrap_or(dir);

    for (k, v) in &args.conf {
        storage::config::set(k, Some(v));
    }
    let tables = match &args.remote {
        Some(url) => upload(&dir, url),
        None => dir.clone(),
    };
    let catalog = Arc::new(MemoryCatalog::new());
    for (table, _) in TABLES {
        let t = ParquetTable::try_new(tables.join(table), None).expect("parquet table");
        catalog.register("default", table, Arc::new(t));
    }
    let mut conf = rdd::Conf::new();
    for (k, v) in &args.conf {
        conf.insert(k.clone(), v.clone());
    }
    let ctx = rdd::Context::with_conf(&args.master, "tpch", conf).expect("context");
    // A cluster master (local-cluster[N,C,M]): its executors start here.
    shark::distributed::SqlCluster::attach(&ctx).expect("cluster");
    let mut session = Session::new(ctx.clone(), catalog);
    for (k, v) in &args.set {
        session.set(k, v);
    }
    session.set_var("q11_fraction", &q11_fraction(args.sf));

    if !args.sql.is_empty() {
        std::process::exit(run_adhoc(&mut session, &args.sql));
    }

    let results = dir.join("results");
    std::fs::create_dir_all(&results).expect("results dir");
    println!(
        "TPC-H SF {} on {} ({} cores), data {}",
        sf_name(args.sf),
        args.master,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        tables.display()
    );
    let mut total = 0.0;
    let mut failed = Vec::new();
    for q in &args.queries {
        let name = format!("q{q:02}");
        let path = queries_dir().join(format!("{name}.sql"));
        let sql = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) => {
                println!("{name}  FAILED  cannot read {}: {e}", path.display());
                failed.push(name);
                continue;
            }
        };
        let out = results.join(format!("{name}.tsv"));
        let _ = std::fs::remove_file(&out);
        let started = Instant::now();
        let before = storage::request_counts();
        let outcome = run_query(&mut session, &sql);
        let secs = started.elapsed().as_secs_f64();
        let requests = args.remote.as_ref().map(|_| {
            let n = storage::request_counts();
            format!(
                "  list {} head {} get {} ({:.1} MB)",
                n.list - before.list,
                n.head - before.head,
                n.get - before.get,
                (n.bytes_read - before.bytes_read) as f64 / 1e6
            )
        });
        match outcome {
            Ok(batches) => {
                let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
                total += secs;
                println!("{name}  {secs:8.3}  {rows}{}", requests.unwrap_or_default());
                if let Err(e) = write_tsv(&out, &batches) {
                    println!("{name}  cannot write {}: {e}", out.display());
                }
            }
            Err(e) => {
                println!("{name}  FAILED after {secs:.3} s: {e}");
                failed.push(name);
            }
        }
        let _ = std::io::stdout().flush();
    }
    println!(
        "total  {total:8.3}  ({} queries",
        args.queries.len() - failed.len()
    );
    if failed.is_empty() {
        println!("       all succeeded)");
    } else {
        println!("       failed: {})", failed.join(" "));
    }
    ctx.stop();
    if !failed.is_empty() {
        std::process::exit(1);
    }
}

/// Uploads the generated tables under `url` (unless there already) and
/// returns it as the tables' root.
fn upload(dir: &Path, url: &str) -> PathBuf {
    let root = PathBuf::from(url.trim_end_matches('/'));
    for (table, _) in TABLES {
        let remote = root.join(table);
        if storage::exists(&remote).expect("the store answers") {
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(table))
            .expect("generated table")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().expect("file name");
            storage::upload(&f, &remote.join(name)).expect("upload");
        }
        eprintln!("uploaded {table} to {}", remote.display());
    }
    root
}

/// `--sql`: runs statements and prints their rows as TSV (for trying
/// queries against the generated tables).
fn run_adhoc(session: &mut Session, statements: &[String]) -> i32 {
    let mut code = 0;
    for sql in statements {
        println!("> {sql}");
        let started = Instant::now();
        match run_query(session, sql) {
            Ok(batches) => {
                if let Some(b) = batches.first() {
                    let header: Vec<String> = b
                        .schema()
                        .fields()
                        .iter()
                        .map(|f| format!("{}:{}", f.name(), shark::types::type_name(f.data_type())))
                        .collect();
                    println!("{}", header.join("\t"));
                }
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                let mut rows = 0;
                for b in &batches {
                    rows += b.num_rows();
                    for line in tsv_lines(b).unwrap_or_default() {
                        let _ = writeln!(out, "{line}");
                    }
                }
                let _ = writeln!(
                    out,
                    "({rows} rows, {:.3} s)",
                    started.elapsed().as_secs_f64()
                );
            }
            Err(e) => {
                println!("ERROR: {e}");
                code = 1;
            }
        }
    }
    code
}

/// Runs a query file (one statement, an optional trailing `;`) and
/// collects its rows; a panic is reported as the query's error.
fn run_query(session: &mut Session, sql: &str) -> Result<Vec<RecordBatch>, String> {
    let run = std::panic::AssertUnwindSafe(|| -> shark::Result<Vec<RecordBatch>> {
        let mut batches = Vec::new();
        for r in session.execute_script(sql)? {
            if let StatementResult::Rows(rows) = r {
                batches = rows.collect_batches()?;
            }
        }
        Ok(batches)
    });
    match std::panic::catch_unwind(run) {
        Ok(Ok(batches)) => Ok(batches),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(format!(
            "panic: {}",
            panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)")
        )),
    }
}

/// A batch's rows as Hive prints them: tab-separated, NULL for null.
fn tsv_lines(b: &RecordBatch) -> std::io::Result<Vec<String>> {
    let columns: Vec<Vec<Option<String>>> = b
        .columns()
        .iter()
        .map(|c| hive::text::render_column(c).map_err(std::io::Error::other))
        .collect::<std::io::Result<_>>()?;
    Ok((0..b.num_rows())
        .map(|row| {
            columns
                .iter()
                .map(|c| c[row].as_deref().unwrap_or("NULL"))
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect())
}

fn write_tsv(path: &Path, batches: &[RecordBatch]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for b in batches {
        for line in tsv_lines(b)? {
            writeln!(out, "{line}")?;
        }
    }
    out.flush()
}
