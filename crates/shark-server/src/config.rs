//! How a server is started: the command line of `shark-server`, also used
//! by tests and benches to start one in-process with the same defaults.

use clap::Parser;
use std::path::PathBuf;
use std::time::Duration;

/// Everything `shark-server` is started with (its command line).
#[derive(Parser, Debug, Clone)]
#[command(
    name = "shark-server",
    version,
    about = "HTTP query service over the embedded Shark engine, warehouse and catalog"
)]
pub struct Config {
    /// The warehouse: a folder (created if missing) or an object-store URL
    /// such as s3://bucket/warehouse, configured with fs.s3a.* --hiveconf
    /// settings or the AWS_* environment variables.
    #[arg(long)]
    pub warehouse: PathBuf,
    /// The metastore's SQLite file (default: metastore.db in a local
    /// warehouse; required for a warehouse on an object store).
    #[arg(long, value_name = "PATH")]
    pub metastore: Option<PathBuf>,
    /// Address to listen on; loopback by default, port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:10080")]
    pub bind: String,
    /// Address of the Arrow Flight SQL endpoint (JDBC, ODBC and ADBC
    /// clients); loopback by default, port 0 picks a free one, `off` serves
    /// none.
    #[arg(long, default_value = "127.0.0.1:10081")]
    pub flight_bind: String,
    /// A PEM certificate chain: both endpoints speak TLS (with --tls-key).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// An engine setting, `key=value` (repeatable): memory budgets
    /// (`shark.memory.execution=2g`, `shark.memory.storage`), shuffle and
    /// scheduler settings, as `--hiveconf` gives them to shark-cli.
    #[arg(long = "conf", value_name = "KEY=VALUE")]
    pub conf: Vec<String>,
    /// A file of settings, `key value` or `key=value` a line, read before
    /// --conf (default: $SHARK_CONF_DIR/shark-defaults.conf): engine
    /// settings configure the engine, the others (`hive.*`, ...) are every
    /// session's defaults.
    #[arg(long = "properties-file", value_name = "FILE")]
    pub properties_file: Option<PathBuf>,
    /// Where tasks run: local, local[K] or local[*] (threads in this
    /// process); local-cluster[N,C,M] (N executor processes of C cores and
    /// M MB started from shark-executor beside this program); or
    /// shark://HOST:PORT (listen there for executors started with
    /// `shark-executor --driver HOST:PORT`).
    #[arg(long, default_value = "local[*]")]
    pub master: String,
    /// Engine workers one query's job may hold at once; 0 for all. Tasks are
    /// not preempted, so the default, one less than the workers (at least 1),
    /// keeps a worker free for short queries while a query of hour-long tasks
    /// runs. Jobs share the rest fairly either way.
    #[arg(long)]
    pub job_worker_cap: Option<usize>,
    /// Bearer token required on every endpoint but /health (default: $SHARK_SERVER_TOKEN).
    #[arg(long)]
    pub token: Option<String>,
    /// A file of users, `name:sha256-of-token[:admin]` a line: each
    /// client's token names its user, who sees only their own sessions and
    /// queries (admins see all). With --token, that token is the admin `admin`.
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Seconds a connection may stay open with no request in flight
    /// (idle between requests, or still sending a request's headers).
    #[arg(long, default_value_t = 60)]
    pub connection_idle_secs: u64,
    /// Reject everything but SELECT, SHOW, DESCRIBE, EXPLAIN, SET and USE.
    #[arg(long)]
    pub read_only: bool,
    /// Let `SELECT TRANSFORM (…) USING 'command'` run programs on the
    /// server's machine as the server's user (off: such queries are refused).
    #[arg(long)]
    pub allow_scripts: bool,
    /// A folder LOAD DATA, LOCATION and DIRECTORY may name besides the warehouse (repeatable).
    #[arg(long = "allow-path", value_name = "DIR")]
    pub allow_paths: Vec<PathBuf>,
    /// Queries running at once.
    #[arg(long, default_value_t = 4)]
    pub max_concurrent: usize,
    /// Queries waiting for a slot before new ones get 429.
    #[arg(long, default_value_t = 64)]
    pub max_queued: usize,
    /// Rows kept per query for paging and streaming (a request's max_rows
    /// may only lower it); 0 for no cap but the byte limits.
    #[arg(long, default_value_t = 0)]
    pub max_rows: usize,
    /// Bytes of one query's result spooled to disk (Arrow IPC); rows past
    /// it are dropped and the result says truncated.
    #[arg(long, default_value_t = 2 << 30)]
    pub max_result_bytes: u64,
    /// Bytes of all kept results on disk at once; a result that would pass
    /// it is truncated (finished results free theirs when they expire).
    #[arg(long, default_value_t = 16 << 30)]
    pub max_spool_bytes: u64,
    /// Result streams (CSV, NDJSON, Arrow) served at once; more get 503.
    #[arg(long, default_value_t = 64)]
    pub max_streams: usize,
    /// Seconds a query may run before it is cancelled.
    #[arg(long, default_value_t = 600)]
    pub query_timeout_secs: u64,
    /// Milliseconds POST /v1/statements waits for a result when wait_ms is absent.
    #[arg(long, default_value_t = 10_000)]
    pub default_wait_ms: u64,
    /// Largest request body, in bytes (413 past it).
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body_bytes: usize,
    /// Longest SQL text, in bytes (413 past it).
    #[arg(long, default_value_t = 256 << 10)]
    pub max_sql_bytes: usize,
    /// Seconds an unused session lives.
    #[arg(long, default_value_t = 1800)]
    pub session_idle_secs: u64,
    /// Seconds a finished query and its rows are kept.
    #[arg(long, default_value_t = 3600)]
    pub result_ttl_secs: u64,
    /// Finished queries kept at most (oldest dropped first).
    #[arg(long, default_value_t = 1000)]
    pub max_kept_queries: usize,
}

impl Config {
    /// The defaults for a warehouse, as `shark-server --warehouse DIR` has them.
    pub fn new(warehouse: impl Into<PathBuf>) -> Config {
        let dir: PathBuf = warehouse.into();
        let mut c = Config::parse_from(["shark-server", "--warehouse", "."]);
        c.warehouse = dir;
        c
    }

    /// The Flight SQL address, or `None` when it is off.
    pub fn flight_address(&self) -> Option<&str> {
        (!self.flight_bind.eq_ignore_ascii_case("off")).then_some(self.flight_bind.as_str())
    }

    /// The run time limit of one query.
    pub fn query_timeout(&self) -> Duration {
        Duration::from_secs(self.query_timeout_secs)
    }

    /// How long sessions live unused.
    pub fn session_idle(&self) -> Duration {
        Duration::from_secs(self.session_idle_secs)
    }

    /// The row cap of a query asking for `requested` rows.
    pub fn row_cap(&self, requested: Option<usize>) -> usize {
        let server = if self.max_rows == 0 {
            usize::MAX
        } else {
            self.max_rows
        };
        requested.unwrap_or(server).min(server)
    }

    /// How long finished queries are kept.
    pub fn result_ttl(&self) -> Duration {
        Duration::from_secs(self.result_ttl_secs)
    }
}
