//! `shark-server --warehouse DIR [--bind 127.0.0.1:10080]
//! [--flight-bind 127.0.0.1:10081] [--master local[K]]`
//!
//! Prints `shark-server listening on http://ADDR` as its first line on
//! stdout (so `--bind 127.0.0.1:0` callers learn the port) and
//! `shark-server flight sql on grpc+tcp://ADDR` as its second, logs one line
//! per query on stderr (`RUST_LOG` filters), and on SIGINT or SIGTERM
//! cancels running queries and exits.

use clap::Parser;
use shark_server::{Config, Server};
use std::io::{IsTerminal, Write};
use std::time::Duration;

fn main() {
    let mut config = Config::parse();
    if config.token.is_none() {
        config.token = std::env::var("SHARK_SERVER_TOKEN")
            .ok()
            .filter(|t| !t.is_empty());
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = runtime.block_on(run(config));
    // Queries were cancelled; do not wait long for their threads.
    runtime.shutdown_timeout(Duration::from_secs(5));
    std::process::exit(code);
}

async fn run(config: Config) -> i32 {
    let bind = config.bind.clone();
    let listener = match tokio::net::TcpListener::bind(&bind).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {bind}: {e}");
            return 1;
        }
    };
    let flight = match config.flight_address() {
        None => None,
        Some(addr) => match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => Some(l),
            Err(e) => {
                eprintln!("cannot listen on {addr} (--flight-bind): {e}");
                return 1;
            }
        },
    };
    let server = match Server::new(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let ctx = server.context().clone();
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or(bind);
    let tls = server.uses_tls();
    // One write, and no panic if the reader already went away.
    let mut banner = format!(
        "shark-server listening on {}://{addr}\n",
        if tls { "https" } else { "http" }
    );
    if let Some(f) = flight.as_ref().and_then(|l| l.local_addr().ok()) {
        let scheme = if tls { "grpc+tls" } else { "grpc+tcp" };
        banner.push_str(&format!("shark-server flight sql on {scheme}://{f}\n"));
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner.as_bytes());
    let _ = out.flush();
    drop(out);
    tracing::info!(%addr, workers = ctx.workers(), "listening");
    let result = server.serve_all(listener, flight, shutdown_signal()).await;
    ctx.stop();
    match result {
        Ok(()) => {
            tracing::info!("stopped");
            0
        }
        Err(e) => {
            eprintln!("server error: {e}");
            1
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
