//! `shark-cli`: Hive's command-line interface on the embedded Shark engine.
//!
//! Batch mode (`-e`, `-f`, or statements on standard input) prints result
//! rows on stdout, tab-separated, and everything else on stderr, and stops
//! with a non-zero exit at the first failing statement. Without them, at a
//! terminal, it opens an interactive prompt.

mod client;
mod demo;
mod progress;
mod render;
mod repl;

use clap::Parser;
use render::{Format, Printer};
use shark::{Session, SharkError, StatementResult};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

/// Hive-compatible SQL prompt on the embedded Shark engine.
#[derive(Parser, Debug)]
#[command(name = "shark-cli", version, about = "HiveQL on Shark: a Hive-CLI-compatible prompt on the embedded engine", long_about = None)]
pub struct Args {
    /// SQL from the command line (statements separated by ;).
    #[arg(short = 'e', value_name = "SQL")]
    pub execute: Option<String>,
    /// SQL from a file.
    #[arg(short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// An initialization script run first (silently).
    #[arg(short = 'i', value_name = "FILE")]
    pub init: Vec<PathBuf>,
    /// The database to start in.
    #[arg(long)]
    pub database: Option<String>,
    /// A configuration setting, `k=v` (repeatable); engine settings
    /// (`shark.memory.execution=2g`, ...) configure the engine itself.
    #[arg(long = "hiveconf", value_name = "K=V")]
    pub hiveconf: Vec<String>,
    /// A file of settings, `key value` or `key=value` a line, applied
    /// before --hiveconf (default: $SHARK_CONF_DIR/shark-defaults.conf).
    #[arg(long = "properties-file", value_name = "FILE")]
    pub properties_file: Option<PathBuf>,
    /// A variable for `${hivevar:k}` / `${k}`, `k=v` (repeatable).
    #[arg(
        long = "hivevar",
        visible_alias = "define",
        short = 'd',
        value_name = "K=V"
    )]
    pub hivevar: Vec<String>,
    /// Silent: no status or timing lines on stderr.
    #[arg(short = 'S', long = "silent")]
    pub silent: bool,
    /// Verbose: echo each statement before running it.
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,
    /// The warehouse: a folder or an object-store URL such as
    /// s3://bucket/warehouse (default: hive.metastore.warehouse.dir,
    /// $SHARK_WAREHOUSE or ~/.shark/warehouse). Object stores are
    /// configured with fs.s3a.* settings (--hiveconf, the properties file)
    /// or the AWS_* environment variables.
    #[arg(long)]
    pub warehouse: Option<PathBuf>,
    /// The metastore's SQLite file (default: metastore.db inside a local
    /// warehouse; required for a warehouse on an object store).
    #[arg(long, value_name = "PATH")]
    pub metastore: Option<PathBuf>,
    /// Create the demo tables (src, srcpart, dim_*, fact_sales) in the
    /// warehouse if its default database has no tables. The default
    /// warehouse gets them on first use without asking; a warehouse you
    /// name stays as it is unless you ask.
    #[arg(long)]
    pub demo: bool,
    /// Where tasks run: local, local[K] or local[*] (threads in this
    /// process); local-cluster[N,C,M] (N executor processes of C cores and
    /// M MB, started here from shark-executor beside this program); or
    /// shark://HOST:PORT (listen there for executors started with
    /// `shark-executor --driver HOST:PORT`; the warehouse must be on storage
    /// every executor reads at the same path).
    #[arg(long, default_value = "local[*]")]
    pub master: String,
    /// How rows are printed (default: table at a terminal, tsv otherwise).
    #[arg(long = "output-format", value_enum)]
    pub output_format: Option<Format>,
    /// Print column names before the rows.
    #[arg(long)]
    pub header: bool,
    /// Run against a shark-server at this URL instead of embedded.
    #[arg(long)]
    pub connect: Option<String>,
}

fn parse_kv(s: &str, what: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .ok_or_else(|| format!("{what} expects k=v, got '{s}'"))
}

/// Where a session writes: rows to `out`, status to stderr.
pub struct Shell {
    pub session: Session,
    pub format: Format,
    pub header: bool,
    pub silent: bool,
    pub verbose: bool,
    pub progress: progress::Progress,
}

/// Hive's error line.
pub fn failed(e: &SharkError) -> String {
    format!("FAILED: {e}")
}

impl Shell {
    fn status(&self, msg: &str) {
        if !self.silent {
            eprintln!("{msg}");
        }
    }

    /// Runs one statement, printing rows to `out`. Shell commands (`source`,
    /// `!cmd`, `quit`) are handled here.
    pub fn run_statement(
        &mut self,
        text: &str,
        line: u64,
        out: &mut dyn Write,
    ) -> Result<bool, SharkError> {
        let trimmed = text.trim();
        let lower = trimmed.to_ascii_lowercase();
        if lower == "quit" || lower == "exit" {
            return Ok(false);
        }
        if self.verbose {
            let _ = writeln!(out, "{trimmed}");
        }
        if let Some(path) = lower.strip_prefix("source ").map(|_| trimmed[7..].trim()) {
            let script = std::fs::read_to_string(path)
                .map_err(|e| SharkError::exec(format!("cannot read {path}: {e}")))?;
            return self.run_script(&script, out).map(|_| true);
        }
        if let Some(cmd) = trimmed.strip_prefix('!') {
            let status = std::process::Command::new("sh")
                .arg("-c")
                .arg(cmd)
                .status()
                .map_err(|e| SharkError::exec(e.to_string()))?;
            if !status.success() {
                return Err(SharkError::exec(format!("command failed: {cmd}")));
            }
            return Ok(true);
        }
        let started = Instant::now();
        let token = self.session.cancel_token_for_next();
        self.progress.begin(token);
        let result = self.session.execute_at_line(trimmed, line);
        let mut fetched = None;
        let outcome = match result {
            Ok(StatementResult::Rows(rows)) => {
                let mut printer = Printer::new(self.format, self.header, rows.schema());
                let mut err = None;
                for b in rows {
                    match b {
                        Ok(b) => {
                            if let Err(e) = printer.batch(out, &b) {
                                err = Some(SharkError::exec(format!("cannot write output: {e}")));
                                break;
                            }
                        }
                        Err(e) => {
                            err = Some(e);
                            break;
                        }
                    }
                }
                let _ = printer.finish(out);
                let _ = out.flush();
                fetched = Some(printer.rows);
                match err {
                    Some(e) => Err(e),
                    None => Ok(()),
                }
            }
            Ok(StatementResult::Done(note)) => {
                if let Some(n) = note {
                    self.status(&n);
                }
                Ok(())
            }
            Err(e) => Err(e),
        };
        self.progress.end();
        outcome?;
        self.status("OK");
        let secs = started.elapsed().as_secs_f64();
        match fetched {
            Some(n) => self.status(&format!(
                "Time taken: {secs:.3} seconds, Fetched: {n} row(s)"
            )),
            None => self.status(&format!("Time taken: {secs:.3} seconds")),
        }
        Ok(true)
    }

    /// Runs a script; stops at the first error unless
    /// `hive.cli.errors.ignore` is true. `Ok(false)` when the script quit.
    pub fn run_script(&mut self, script: &str, out: &mut dyn Write) -> Result<bool, SharkError> {
        let ignore = self
            .session
            .get("hive.cli.errors.ignore")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let mut first_error = None;
        for stmt in shark::parse::split_statements(script) {
            match self.run_statement(&stmt.text, stmt.line, out) {
                Ok(true) => {}
                Ok(false) => return Ok(false),
                Err(e) => {
                    if ignore {
                        eprintln!("{}", failed(&e));
                        first_error.get_or_insert(e);
                    } else {
                        return Err(e);
                    }
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(true),
        }
    }
}

fn default_warehouse() -> PathBuf {
    if let Ok(w) = std::env::var("SHARK_WAREHOUSE") {
        return PathBuf::from(w);
    }
    let home = std::env::var("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir());
    home.join(".shark").join("warehouse")
}

fn main() {
    let args = Args::parse();
    // Statements run on a thread with the stack one at the engine's
    // complexity bound needs (the main thread's is 8 MiB).
    let worker = std::thread::Builder::new()
        .name("shark-cli".into())
        .stack_size(shark::parse::complexity::STATEMENT_STACK)
        .spawn(move || run(args));
    let outcome = match worker {
        Ok(h) => h
            .join()
            .unwrap_or_else(|_| Err("shark-cli stopped on an internal error".into())),
        Err(e) => Err(format!("cannot start: {e}")),
    };
    std::process::exit(match outcome {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("{msg}");
            1
        }
    });
}

/// The settings a run starts with: the properties file's, then --hiveconf's.
fn settings(args: &Args) -> Result<Vec<(String, String)>, String> {
    let file = args
        .properties_file
        .clone()
        .or_else(rdd::conf::default_properties_file);
    let mut out = match file {
        Some(f) => rdd::conf::read_properties(&f)?,
        None => Vec::new(),
    };
    for kv in &args.hiveconf {
        out.push(parse_kv(kv, "--hiveconf")?);
    }
    Ok(out)
}

fn run(args: Args) -> Result<i32, String> {
    if args.execute.is_some() && args.file.is_some() {
        return Err("use -e or -f, not both".into());
    }
    if let Some(url) = &args.connect {
        return run_remote(url, &args);
    }
    // Engine settings (`shark.memory.*`, `shark.shuffle.*`, ...) given
    // with --hiveconf configure the engine itself, as Hive's do.
    let settings = settings(&args)?;
    // Object stores are reachable before the warehouse opens.
    for (k, v) in &settings {
        storage::config::set(k, Some(v));
    }
    let configured = settings
        .iter()
        .rev()
        .find(|(k, _)| k == "hive.metastore.warehouse.dir")
        .map(|(_, v)| PathBuf::from(v));
    let chosen = args.warehouse.is_some()
        || configured.is_some()
        || std::env::var_os("SHARK_WAREHOUSE").is_some();
    let warehouse = args
        .warehouse
        .clone()
        .or(configured)
        .unwrap_or_else(default_warehouse);
    // First use: nothing there yet (the demo goes only into a new default
    // warehouse, so dropping its last table does not bring it back).
    let first_use = !storage::is_remote(&warehouse)
        && std::fs::read_dir(&warehouse).map_or(true, |mut d| d.next().is_none());
    let want_demo = args.demo || (!chosen && first_use);
    let mut conf = rdd::Conf::new();
    for (k, v) in &settings {
        if k.starts_with("shark.") || k.starts_with("spark.") {
            conf = conf.set(k, v);
        }
    }
    let ctx =
        rdd::Context::with_conf(&args.master, "shark-cli", conf).map_err(|e| e.to_string())?;
    shark::distributed::SqlCluster::attach(&ctx)
        .map_err(|e| format!("cannot start the cluster of {}: {e}", args.master))?;
    let mut session =
        Session::with_warehouse_at(ctx.clone(), &warehouse, args.metastore.as_deref())
            .map_err(|e| format!("cannot open warehouse {}: {e}", warehouse.display()))?;
    for (k, v) in &settings {
        session.set(k, v);
    }
    for kv in &args.hivevar {
        let (k, v) = parse_kv(kv, "--hivevar")?;
        session.set_var(&k, &v);
    }
    let created = if want_demo {
        demo::populate_if_empty(&mut session)
    } else {
        Ok(false)
    };
    match created {
        Ok(true) if !args.silent => eprintln!(
            "Created the demo warehouse in {} (tables src, srcpart, dim_*, fact_sales)",
            warehouse.display()
        ),
        Ok(_) => {}
        Err(e) => return Err(format!("cannot create the demo warehouse: {e}")),
    }
    if let Some(db) = &args.database {
        session
            .execute(&format!("USE {db}"))
            .map_err(|e| failed(&e))?;
    }
    let interactive =
        args.execute.is_none() && args.file.is_none() && std::io::stdin().is_terminal();
    let format = args
        .output_format
        .unwrap_or(if std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Tsv
        });
    let header = args.header
        || session
            .get("hive.cli.print.header")
            .is_some_and(|v| v == "true");
    let mut shell = Shell {
        session,
        format,
        header,
        silent: args.silent,
        verbose: args.verbose,
        progress: progress::Progress::install(&ctx),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for init in &args.init {
        let script = std::fs::read_to_string(init)
            .map_err(|e| format!("cannot read {}: {e}", init.display()))?;
        let silent = shell.silent;
        shell.silent = true;
        let r = shell.run_script(&script, &mut out);
        shell.silent = silent;
        r.map_err(|e| failed(&e))?;
    }
    progress::install_interrupt_handler();
    let script = match (&args.execute, &args.file) {
        (Some(sql), _) => Some(sql.clone()),
        (_, Some(f)) => Some(std::fs::read_to_string(f).map_err(|e| {
            format!(
                "Could not open input file for reading. ({}: {e})",
                f.display()
            )
        })?),
        _ if !interactive => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                .map_err(|e| e.to_string())?;
            Some(s)
        }
        _ => None,
    };
    match script {
        Some(s) => match shell.run_script(&s, &mut out) {
            Ok(_) => Ok(0),
            Err(e) => {
                eprintln!("{}", failed(&e));
                Ok(match e {
                    SharkError::Parse { .. } => 64,
                    SharkError::Analysis { .. } => 10,
                    _ => 1,
                })
            }
        },
        None => {
            drop(out);
            repl::run(&mut shell).map(|_| 0)
        }
    }
}

/// `--connect`: the batch contract against a shark-server.
fn run_remote(url: &str, args: &Args) -> Result<i32, String> {
    let format = args
        .output_format
        .unwrap_or(if std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Tsv
        });
    let mut remote = client::Remote::connect(url, format, args.header, args.silent)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut setup: Vec<String> = Vec::new();
    for kv in &args.hiveconf {
        let (k, v) = parse_kv(kv, "--hiveconf")?;
        setup.push(format!("SET {k}={v}"));
    }
    for kv in &args.hivevar {
        let (k, v) = parse_kv(kv, "--hivevar")?;
        setup.push(format!("SET hivevar:{k}={v}"));
    }
    if let Some(db) = &args.database {
        setup.push(format!("USE {db}"));
    }
    let silent = remote.silent;
    remote.silent = true;
    for s in &setup {
        if let Err(e) = remote.run_statement(s, &mut out) {
            eprintln!("{}", failed_line(&e));
            return Ok(1);
        }
    }
    for init in &args.init {
        let script = std::fs::read_to_string(init)
            .map_err(|e| format!("cannot read {}: {e}", init.display()))?;
        if let Err(e) = remote.run_script(&script, &mut out) {
            eprintln!("{}", failed_line(&e));
            return Ok(1);
        }
    }
    remote.silent = silent;
    let script = match (&args.execute, &args.file) {
        (Some(sql), _) => sql.clone(),
        (_, Some(f)) => std::fs::read_to_string(f).map_err(|e| {
            format!(
                "Could not open input file for reading. ({}: {e})",
                f.display()
            )
        })?,
        _ => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                .map_err(|e| e.to_string())?;
            s
        }
    };
    match remote.run_script(&script, &mut out) {
        Ok(()) => Ok(0),
        Err(e) => {
            eprintln!("{}", failed_line(&e));
            Ok(1)
        }
    }
}

/// Hive's error line for a client error (connection resets and the like
/// come without the `FAILED:` prefix).
fn failed_line(e: &str) -> String {
    if e.starts_with("FAILED") {
        e.to_string()
    } else {
        format!("FAILED: {e}")
    }
}
