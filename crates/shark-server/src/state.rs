//! What every request handler shares: the one engine context, the
//! warehouse catalog, the rules, recent queries, sessions and run slots.

use crate::config::Config;
use crate::error::ApiError;
use crate::policy::Policy;
use crate::query::Registry;
use crate::sessions::Sessions;
use crate::spool::SpoolDir;
use crate::ui::store::UiStore;
use axum::http::StatusCode;
use shark::hive_catalog::HiveCatalog;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The server's shared state.
pub struct AppState {
    /// How it was started.
    pub config: Config,
    /// The engine all sessions share.
    pub ctx: rdd::Context,
    /// The warehouse's metastore, for the catalog endpoints.
    pub catalog: Arc<HiveCatalog>,
    /// What statements may do.
    pub policy: Policy,
    /// Who may call, by token.
    pub users: crate::users::Users,
    /// Recent queries.
    pub queries: Registry,
    /// Open sessions.
    pub sessions: Sessions,
    /// Where results are kept, on disk.
    pub spool: Arc<SpoolDir>,
    /// Places for result streams (each holds a blocking thread).
    pub streams: Arc<Semaphore>,
    /// When the server started.
    pub started: Instant,
    /// When the server started, on the wall clock.
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// Jobs, stages and tasks for the web UI.
    pub ui: Arc<UiStore>,
    /// The open client connections (to notice a client that hung up).
    pub peers: Arc<crate::peers::Peers>,
    /// Open web UI event streams.
    pub event_streams: AtomicUsize,
    /// Settings every new session starts with (the properties file's).
    session_defaults: Vec<(String, String)>,
    slots: Arc<Semaphore>,
    pending: AtomicUsize,
    shutting_down: AtomicBool,
    counter: AtomicU64,
    random: std::collections::hash_map::RandomState,
}

/// A query's place in line; gives it back when dropped.
pub struct Admission(Arc<AppState>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.pending.fetch_sub(1, Ordering::SeqCst);
    }
}

impl AppState {
    /// State for a server with `config` on `ctx` and `catalog`.
    pub fn new(
        config: Config,
        users: crate::users::Users,
        ctx: rdd::Context,
        catalog: Arc<HiveCatalog>,
        spool: SpoolDir,
        ui: Arc<UiStore>,
    ) -> AppState {
        let policy = Policy::new(config.read_only, catalog.warehouse(), &config.allow_paths);
        let idle = std::time::Duration::from_secs(config.connection_idle_secs);
        AppState {
            spool: Arc::new(spool),
            streams: Arc::new(Semaphore::new(config.max_streams.max(1))),
            slots: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
            config,
            ctx,
            catalog,
            policy,
            users,
            queries: Registry::default(),
            sessions: Sessions::default(),
            started: Instant::now(),
            started_at: chrono::Utc::now(),
            ui,
            event_streams: AtomicUsize::new(0),
            session_defaults: Vec::new(),
            peers: Arc::new(crate::peers::Peers::new(idle)),
            pending: AtomicUsize::new(0),
            shutting_down: AtomicBool::new(false),
            counter: AtomicU64::new(0),
            random: Default::default(),
        }
    }

    /// Gives every new session these settings first.
    pub fn with_session_defaults(mut self, defaults: Vec<(String, String)>) -> AppState {
        self.session_defaults = defaults;
        self
    }

    /// An engine session on the warehouse, with the server's rule for the
    /// paths statements name and the configured session defaults.
    pub fn engine_session(&self) -> Result<shark::Session, shark::SharkError> {
        let mut s = shark::Session::with_warehouse_at(
            self.ctx.clone(),
            self.catalog.warehouse(),
            self.config.metastore.as_deref(),
        )?;
        s.set_path_guard(self.policy.path_guard());
        s.set_scripts_allowed(self.config.allow_scripts);
        for (k, v) in &self.session_defaults {
            s.set(k, v);
        }
        Ok(s)
    }

    /// A place for one more query (running or queued), or 429 when the
    /// queue is full, 503 while shutting down.
    pub fn admit(self: &Arc<Self>) -> Result<Admission, ApiError> {
        if self.is_shutting_down() {
            return Err(ApiError::limit(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is shutting down",
            ));
        }
        let cap = self.config.max_concurrent.max(1) + self.config.max_queued;
        if self.pending.fetch_add(1, Ordering::SeqCst) >= cap {
            self.pending.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::limit(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many queries: {cap} running or queued; retry later"),
            ));
        }
        Ok(Admission(self.clone()))
    }

    /// Waits for a run slot.
    pub async fn slot(&self) -> OwnedSemaphorePermit {
        self.slots
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed")
    }

    /// Queries running or queued.
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::SeqCst)
    }

    /// Queries running now.
    pub fn running(&self) -> usize {
        self.config.max_concurrent.max(1) - self.slots.available_permits()
    }

    /// Stops taking queries and cancels the running and queued ones.
    pub fn shut_down(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
        for q in self.queries.active() {
            q.cancel();
        }
    }

    /// True once shutdown began.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    fn random(&self, n: u64) -> u64 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        self.random.hash_one((n, nanos))
    }

    /// A new query id, Presto-style: `20240102_030405_00007_3f9a1c2b7d4e`.
    pub fn new_query_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!(
            "{}_{n:05}_{:012x}",
            chrono::Utc::now().format("%Y%m%d_%H%M%S"),
            self.random(n) & 0xffff_ffff_ffff
        )
    }

    /// A new session id, hard to guess.
    pub fn new_session_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("s_{:016x}{:016x}", self.random(n), self.random(!n))
    }
}
