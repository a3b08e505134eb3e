//! shark-executor: one executor of a Shark cluster. It registers with a
//! driver (`shark-cli` or `shark-server` started with a cluster master),
//! runs the tasks of the queries' stages it is given, serves the shuffle
//! blocks they write to the other executors, and exits when the driver
//! goes away. Start as many as the cluster has room for (by hand, from
//! systemd, compose or Kubernetes); `local-cluster[N,C,M]` masters start
//! them themselves.

use clap::Parser;
use std::process::ExitCode;

/// Command-line options.
#[derive(Parser, Debug)]
#[command(
    name = "shark-executor",
    version,
    about = "An executor of a Shark cluster"
)]
struct Args {
    /// The driver: HOST:PORT of its --master shark://HOST:PORT (or http://HOST:PORT).
    #[arg(long)]
    driver: String,
    /// This executor's id, unique among the driver's (default: HOST-PID).
    #[arg(long = "executor-id")]
    executor_id: Option<String>,
    /// Interface to listen on for tasks and block fetches.
    #[arg(long, default_value = "0.0.0.0")]
    host: String,
    /// Host name or address the driver and other executors reach this one by
    /// (default: --host, or 127.0.0.1 when that is 0.0.0.0); `auto`: this
    /// machine's host name (a container's, under compose).
    #[arg(long = "advertise-host")]
    advertise_host: Option<String>,
    /// Port to listen on (0: any free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Tasks run at once.
    #[arg(long, default_value_t = 1)]
    cores: usize,
    /// Memory for tasks, shuffle and cache, in MB.
    #[arg(long = "memory-mb", default_value_t = 1024)]
    memory_mb: usize,
    /// Scratch folder for shuffle blocks and spills.
    #[arg(long = "local-dir")]
    local_dir: Option<std::path::PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.cores == 0 {
        eprintln!("shark-executor: --cores must be at least 1");
        return ExitCode::from(2);
    }
    let advertise = match args.advertise_host.as_deref() {
        Some("auto") => Some(host_name()),
        Some(h) => Some(h.to_string()),
        None => (args.host == "0.0.0.0").then(|| "127.0.0.1".to_string()),
    };
    let id = args.executor_id.clone().unwrap_or_else(|| {
        format!(
            "{}-{}",
            advertise.as_deref().unwrap_or(&args.host),
            std::process::id()
        )
    });
    let run = shark::distributed::run_executor(shark::distributed::ExecutorArgs {
        driver: args.driver,
        executor_id: id.clone(),
        host: args.host,
        advertise_host: advertise,
        port: args.port,
        cores: args.cores,
        memory_mb: args.memory_mb,
        local_dir: args.local_dir.unwrap_or_else(std::env::temp_dir),
    });
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shark-executor {id}: {e}");
            ExitCode::from(1)
        }
    }
}

/// This machine's host name (what other containers of a compose project
/// resolve it by).
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}
