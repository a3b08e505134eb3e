//! # shark-server — HiveQL over HTTP
//!
//! An HTTP/JSON query service over the embedded Shark engine: clients
//! submit statements (`POST /v1/statements`), poll and page results, cancel
//! queries, keep sessions, and browse the warehouse catalog. All queries
//! share one `rdd::Context`; each runs on a blocking thread under a cap on
//! concurrent queries, a bounded queue and a run time limit; results are
//! spooled to local disk, so any size can be paged or streamed.
//! See `README.md` for curl examples and `openapi.json` for the API.
//!
//! ```no_run
//! # async fn run() -> Result<(), String> {
//! let server = shark_server::Server::new(shark_server::Config::new("/tmp/wh"))?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
//! server.serve(listener, std::future::pending()).await.map_err(|e| e.to_string())
//! # }
//! ```

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod api;
pub mod config;
pub mod error;
pub mod flight;
pub mod json;
pub mod peers;
pub mod policy;
pub mod progress;
pub mod query;
pub mod results;
pub mod runner;
pub mod sessions;
pub mod spool;
pub mod state;
pub mod tls;
pub mod ui;
pub mod users;

pub use config::Config;

use state::AppState;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// A server: the engine context, catalog and state behind the routes.
pub struct Server {
    state: Arc<AppState>,
    tls: Option<tls::TlsFiles>,
}

impl Server {
    /// Creates the one engine context and opens the warehouse.
    pub fn new(config: Config) -> Result<Server, String> {
        let tls = match (&config.tls_cert, &config.tls_key) {
            (Some(cert), Some(key)) => Some(tls::TlsFiles::load(cert, key)?),
            (None, None) => None,
            _ => return Err("--tls-cert and --tls-key go together".into()),
        };
        let users = users::Users::load(config.token.as_deref(), config.users.as_deref())?;
        let master = rdd::Master::parse(&config.master)
            .map_err(|e| format!("cannot start the engine on {}: {e}", config.master))?;
        let cap = config
            .job_worker_cap
            .unwrap_or_else(|| master.workers.saturating_sub(1).max(1));
        let mut conf = rdd::Conf::new();
        let file = config
            .properties_file
            .clone()
            .or_else(rdd::conf::default_properties_file);
        let defaults = match file {
            Some(f) => rdd::conf::read_properties(&f)?,
            None => Vec::new(),
        };
        for (k, v) in &defaults {
            conf = conf.set(k, v);
            // Object stores (fs.s3a.*) are reachable before the warehouse opens.
            storage::config::set(k, Some(v));
        }
        for kv in &config.conf {
            let (k, v) = kv
                .split_once('=')
                .map(|(k, v)| (k.trim(), v.trim()))
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| format!("--conf {kv}: expected KEY=VALUE"))?;
            conf = conf.set(k, v);
            storage::config::set(k, Some(v));
        }
        let conf = conf.set(rdd::conf::MAX_RUNNING_TASKS_PER_JOB, cap.to_string());
        let ctx = rdd::Context::with_conf(&config.master, "shark-server", conf)
            .map_err(|e| format!("cannot start the engine on {}: {e}", config.master))?;
        shark::distributed::SqlCluster::attach(&ctx)
            .map_err(|e| format!("cannot start the cluster of {}: {e}", config.master))?;
        shark::distributed::SqlCluster::attach(&ctx)
            .map_err(|e| format!("cannot start the cluster of {}: {e}", config.master))?;
        let catalog = shark::hive_catalog::HiveCatalog::open_at(
            &config.warehouse,
            config.metastore.as_deref(),
        )
        .map_err(|e| format!("cannot open warehouse {}: {e}", config.warehouse.display()))?;
        ctx.add_listener(Arc::new(progress::QueryProgressListener::default()));
        let ui = Arc::new(ui::store::UiStore::new(ui::store::Retention::from_conf(
            ctx.conf(),
        )?));
        ctx.add_listener(ui.clone());
        // Under the engine's scratch folder: removed when the context stops,
        // and swept at the next start if the server died.
        let spool = spool::SpoolDir::new(
            ctx.scratch_dir().join("results"),
            config.max_result_bytes,
            config.max_spool_bytes,
        )
        .map_err(|e| format!("cannot create the result spool: {e}"))?;
        Ok(Server {
            state: Arc::new(
                AppState::new(config, users, ctx, catalog, spool, ui)
                    .with_session_defaults(defaults),
            ),
            tls,
        })
    }

    /// The routes, for serving or for calling in-process.
    pub fn router(&self) -> axum::Router {
        api::router(self.state.clone())
    }

    /// The engine context every query runs on.
    pub fn context(&self) -> &rdd::Context {
        &self.state.ctx
    }

    /// True when both endpoints speak TLS.
    pub fn uses_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Serves HTTP on `listener` until `shutdown` resolves; then stops
    /// taking queries, cancels the running ones and waits for open requests.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        self.serve_all(listener, None, shutdown).await
    }

    /// Serves HTTP on `http` and Flight SQL on `flight` (if given) until
    /// `shutdown` resolves, as [`Server::serve`] does.
    pub async fn serve_all(
        self,
        http: tokio::net::TcpListener,
        flight: Option<tokio::net::TcpListener>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let state = self.state.clone();
        let upkeep = tokio::spawn(upkeep(state.clone()));
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let signal = tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down: cancelling running queries");
            state.shut_down();
            let _ = stop_tx.send(true);
        });
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        let flight_task = match flight {
            None => None,
            Some(l) => {
                let identity = self.tls.as_ref().map(|t| t.identity());
                let router =
                    flight::server(self.state.clone(), identity).map_err(std::io::Error::other)?;
                Some(tokio::spawn(flight::serve(
                    router,
                    l,
                    stopped(stop_rx.clone()),
                )))
            }
        };
        let app = self
            .router()
            .into_make_service_with_connect_info::<peers::Peer>();
        let watched = self.state.peers.clone();
        let result = match &self.tls {
            None => {
                axum::serve(peers::WatchedListener::new(http, watched), app)
                    .with_graceful_shutdown(stopped(stop_rx.clone()))
                    .await
            }
            Some(t) => {
                axum::serve(t.listener(http, watched)?, app)
                    .with_graceful_shutdown(stopped(stop_rx.clone()))
                    .await
            }
        };
        if let Some(task) = flight_task {
            match tokio::time::timeout(Duration::from_secs(5), task).await {
                Ok(Ok(Err(e))) => tracing::warn!(error = %e, "flight server"),
                Ok(_) => {}
                Err(_) => tracing::warn!("flight server did not stop in time"),
            }
        }
        signal.abort();
        upkeep.abort();
        // Give cancelled queries a moment to record how they ended.
        for _ in 0..50 {
            if self.state.queries.active().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        result
    }
}

/// Expires idle sessions and forgets old queries, every few seconds.
async fn upkeep(state: Arc<AppState>) {
    let period = Duration::from_secs(5)
        .min(state.config.session_idle() / 2)
        .max(Duration::from_millis(100));
    loop {
        tokio::time::sleep(period).await;
        let n = state.sessions.expire(state.config.session_idle());
        if n > 0 {
            tracing::info!(sessions = n, "expired idle sessions");
        }
        state
            .queries
            .prune(state.config.result_ttl(), state.config.max_kept_queries);
        // A writer on the same warehouse (another process) that died in
        // its commit: finish it now, not at this server's next start.
        let s = state.clone();
        let recovered = tokio::task::spawn_blocking(move || {
            let ms = s.catalog.metastore();
            hive::commit::recover(&s.catalog.local_root(), ms)
        })
        .await;
        if let Ok(r) = recovered {
            if r.finished > 0 {
                tracing::info!(
                    commits = r.finished,
                    "finished commits of writers that died"
                );
            }
            for f in r.failed {
                tracing::warn!(journal = %f, "cannot finish a dead writer's commit");
            }
        }
    }
}
