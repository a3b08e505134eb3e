//! A submitted query: its state machine (queued → running → finished,
//! failed or cancelled), timings, progress, error, and the rows it holds
//! for paging; and the registry of recent queries.

use crate::error::ApiError;
use crate::progress::Progress;
use crate::spool::{End, Spool, SpoolError};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use rdd::CancelToken;
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Where a query is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Waiting for its session or a run slot.
    Queued,
    /// Running on the engine.
    Running,
    /// Ended with its rows.
    Finished,
    /// Ended with an error.
    Failed,
    /// Cancelled by a client or at shutdown.
    Cancelled,
}

impl State {
    /// True once the query has ended.
    pub fn is_terminal(self) -> bool {
        matches!(self, State::Finished | State::Failed | State::Cancelled)
    }

    /// Lower-case name, for logs.
    pub fn name(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Running => "running",
            State::Finished => "finished",
            State::Failed => "failed",
            State::Cancelled => "cancelled",
        }
    }
}

/// The rows of the query's last statement that returned rows, up to its
/// caps, spooled to disk.
#[derive(Debug, Default, Clone)]
pub struct ResultSet {
    /// The rows on disk, once a statement returned rows.
    pub spool: Option<Arc<Spool>>,
    /// Rows kept.
    pub rows: usize,
    /// True when rows past a cap were dropped.
    pub truncated: bool,
    /// Which cap dropped them.
    pub truncated_by: Option<String>,
}

impl ResultSet {
    /// The result's columns, once a statement returned rows.
    pub fn schema(&self) -> Option<SchemaRef> {
        self.spool.as_ref().map(|s| s.schema())
    }
}

/// What is mutable about a query.
#[derive(Debug)]
pub struct Inner {
    /// The state.
    pub state: State,
    /// When it started running.
    pub started: Option<Instant>,
    /// When it ended.
    pub ended: Option<Instant>,
    /// Why it failed.
    pub error: Option<ApiError>,
    /// Its rows.
    pub result: ResultSet,
    /// Messages of statements without rows (e.g. MSCK's).
    pub notes: Vec<String>,
    /// Statements of the script that ended.
    pub statements_done: usize,
    /// The current database after the script.
    pub database: Option<String>,
    /// The physical plan of the statement producing rows, with its live
    /// per-operator metrics (shared with the engine).
    pub plan: Option<Arc<shark::physical::metrics::QueryProfile>>,
    engine_token: Option<CancelToken>,
    cancel_requested: bool,
    timed_out: bool,
}

/// One submitted statement or script.
pub struct Query {
    /// Its id, as in URLs.
    pub id: String,
    /// The user who submitted it: only they (and admins) see it.
    pub user: String,
    /// The server session it runs in, if any.
    pub session: Option<String>,
    /// The SQL text.
    pub sql: String,
    /// Rows kept at most (`usize::MAX` for no cap).
    pub max_rows: usize,
    /// Statements in the script.
    pub statements: usize,
    /// When it was submitted (wall clock, for clients).
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    submitted: Instant,
    /// Engine counters.
    pub progress: Arc<Progress>,
    inner: Mutex<Inner>,
    state_tx: watch::Sender<State>,
    cancel_tx: watch::Sender<bool>,
    result_tx: watch::Sender<u32>,
}

impl Query {
    /// A new queued query.
    pub fn new(
        id: String,
        user: String,
        session: Option<String>,
        sql: String,
        max_rows: usize,
        statements: usize,
    ) -> Query {
        let progress = Arc::new(Progress::for_query(&id));
        Query {
            id,
            user,
            session,
            sql,
            max_rows,
            statements,
            submitted_at: chrono::Utc::now(),
            submitted: Instant::now(),
            progress,
            inner: Mutex::new(Inner {
                state: State::Queued,
                started: None,
                ended: None,
                error: None,
                result: ResultSet::default(),
                notes: Vec::new(),
                statements_done: 0,
                database: None,
                plan: None,
                engine_token: None,
                cancel_requested: false,
                timed_out: false,
            }),
            state_tx: watch::channel(State::Queued).0,
            cancel_tx: watch::channel(false).0,
            result_tx: watch::channel(0).0,
        }
    }

    /// The mutable part, locked.
    pub fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state now.
    pub fn state(&self) -> State {
        self.inner().state
    }

    /// Time spent waiting for a slot, and running (so far, or in all).
    pub fn timings(&self) -> (Duration, Duration) {
        let i = self.inner();
        let now = Instant::now();
        match i.started {
            None => (i.ended.unwrap_or(now) - self.submitted, Duration::ZERO),
            Some(s) => (s - self.submitted, i.ended.unwrap_or(now) - s),
        }
    }

    /// Time since the query ended, if it has.
    pub fn since_end(&self) -> Option<Duration> {
        self.inner().ended.map(|e| e.elapsed())
    }

    /// Waits until the query ends or `timeout` passes; the state then.
    pub async fn wait(&self, timeout: Duration) -> State {
        let mut rx = self.state_tx.subscribe();
        let _ = tokio::time::timeout(timeout, rx.wait_for(|s| s.is_terminal())).await;
        self.state()
    }

    /// Resolves once a cancel was requested.
    pub async fn cancelled(&self) {
        let mut rx = self.cancel_tx.subscribe();
        let _ = rx.wait_for(|c| *c).await;
    }

    /// True once a cancel was requested.
    pub fn cancel_requested(&self) -> bool {
        self.inner().cancel_requested
    }

    /// Asks the query to stop: a queued one ends now, a running one when
    /// the engine notices (its jobs are cancelled at once).
    pub fn cancel(&self) {
        let mut i = self.inner();
        if i.state.is_terminal() {
            return;
        }
        i.cancel_requested = true;
        if let Some(t) = &i.engine_token {
            t.cancel();
        }
        drop(i);
        self.cancel_tx.send_replace(true);
    }

    /// Cancels because the run time limit passed.
    pub fn time_out(&self) {
        self.inner().timed_out = true;
        self.cancel();
    }

    /// The statement about to run will be cancelled with `token`;
    /// `false` when the query was already cancelled.
    pub fn attach(&self, token: CancelToken) -> bool {
        let mut i = self.inner();
        if i.cancel_requested {
            token.cancel();
            return false;
        }
        i.engine_token = Some(token);
        true
    }

    /// The query got a run slot.
    pub fn start(&self) {
        let mut i = self.inner();
        i.state = State::Running;
        i.started = Some(Instant::now());
        drop(i);
        self.state_tx.send_replace(State::Running);
    }

    /// A statement returned rows into `spool`; they replace earlier ones.
    pub fn begin_rows(&self, spool: Arc<Spool>) {
        let mut i = self.inner();
        if let Some(old) = &i.result.spool {
            old.finish(End::Failed(
                "a later statement of the script replaced this result".into(),
            ));
        }
        i.result = ResultSet {
            spool: Some(spool),
            ..ResultSet::default()
        };
        drop(i);
        self.result_tx.send_modify(|n| *n += 1);
    }

    /// Keeps a batch; `Ok(false)` when a cap is reached and reading should
    /// stop.
    pub fn push(&self, b: RecordBatch) -> Result<bool, ApiError> {
        if b.num_rows() == 0 {
            return Ok(true);
        }
        let (spool, room) = {
            let i = self.inner();
            let Some(spool) = i.result.spool.clone() else {
                return Err(ApiError::internal("rows came before their columns"));
            };
            (spool, self.max_rows - i.result.rows)
        };
        let cut = |why: String| {
            let mut i = self.inner();
            i.result.truncated = true;
            i.result.truncated_by = Some(why);
        };
        if room == 0 {
            cut("max_rows".into());
            return Ok(false);
        }
        let take = b.num_rows().min(room);
        match spool.append(&b.slice(0, take)) {
            Ok(()) => {}
            Err(SpoolError::Full(why)) => {
                cut(why);
                return Ok(false);
            }
            Err(e @ SpoolError::Io(_)) => return Err(ApiError::internal(e.to_string())),
        }
        self.inner().result.rows += take;
        self.progress.add_rows(take as u64);
        if take < b.num_rows() {
            cut("max_rows".into());
            return Ok(false);
        }
        Ok(true)
    }

    /// The spooled result once a statement returned rows, or `None` when
    /// the query ended without (waits while it is queued or has not yet
    /// reached its rows).
    pub async fn result_spool(&self) -> Option<Arc<Spool>> {
        let mut rx = self.result_tx.subscribe();
        let mut state = self.state_tx.subscribe();
        loop {
            if let Some(s) = self.inner().result.spool.clone() {
                return Some(s);
            }
            if self.state().is_terminal() {
                return None;
            }
            tokio::select! {
                _ = rx.changed() => {}
                _ = state.changed() => {}
            }
        }
    }

    /// Ends the query; `error` is `None` for success. A failure of a
    /// cancelled query is reported as cancelled (or as over its time limit).
    pub fn finish(&self, error: Option<ApiError>) -> State {
        let mut i = self.inner();
        let state = match error {
            None => State::Finished,
            Some(_) if i.timed_out => {
                i.error = Some(ApiError::limit(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "the query ran past the server's run time limit and was cancelled",
                ));
                State::Failed
            }
            Some(e) if i.cancel_requested || e.kind == "cancelled" => {
                i.error = Some(ApiError::cancelled());
                State::Cancelled
            }
            Some(e) => {
                i.error = Some(e);
                State::Failed
            }
        };
        i.state = state;
        i.ended = Some(Instant::now());
        i.engine_token = None;
        if let Some(spool) = &i.result.spool {
            spool.finish(match (&i.error, &i.result.truncated_by) {
                (Some(e), _) => End::Failed(e.message.clone()),
                // Cut by a server limit (not a row count someone asked
                // for): a streamed copy must not look complete.
                (None, Some(why)) if why != "max_rows" => {
                    End::Failed(format!("the result was cut short: {why}"))
                }
                _ => End::Complete,
            });
        }
        drop(i);
        self.state_tx.send_replace(state);
        state
    }
}

/// Queries by id, and their ids in submission order.
type Recent = (HashMap<String, Arc<Query>>, VecDeque<String>);

/// Recent queries by id, oldest first.
#[derive(Default)]
pub struct Registry {
    inner: Mutex<Recent>,
    dropped: std::sync::atomic::AtomicU64,
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, Recent> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a query (the cap on ended ones is kept when one ends).
    pub fn insert(&self, q: Arc<Query>) {
        let mut g = self.lock();
        g.1.push_back(q.id.clone());
        g.0.insert(q.id.clone(), q);
    }

    /// Ended queries forgotten so far (by age or by the cap).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Every remembered query, newest first.
    pub fn all(&self) -> Vec<Arc<Query>> {
        self.recent(usize::MAX)
    }

    /// A query by id.
    pub fn get(&self, id: &str) -> Option<Arc<Query>> {
        self.lock().0.get(id).cloned()
    }

    /// The newest `limit` queries, newest first.
    pub fn recent(&self, limit: usize) -> Vec<Arc<Query>> {
        let g = self.lock();
        g.1.iter()
            .rev()
            .filter_map(|id| g.0.get(id).cloned())
            .take(limit)
            .collect()
    }

    /// The newest `limit` queries `user` may see, newest first.
    pub fn recent_of(&self, limit: usize, user: &crate::users::Principal) -> Vec<Arc<Query>> {
        let g = self.lock();
        g.1.iter()
            .rev()
            .filter_map(|id| g.0.get(id).filter(|q| user.may_access(&q.user)).cloned())
            .take(limit)
            .collect()
    }

    /// Queries not yet ended.
    pub fn active(&self) -> Vec<Arc<Query>> {
        let g = self.lock();
        g.0.values()
            .filter(|q| !q.state().is_terminal())
            .cloned()
            .collect()
    }

    /// Forgets ended queries older than `ttl`, and the oldest ended ones
    /// past `keep`.
    pub fn prune(&self, ttl: Duration, keep: usize) {
        let mut g = self.lock();
        let (map, order) = &mut *g;
        let mut ended = order
            .iter()
            .filter(|id| map.get(*id).is_some_and(|q| q.since_end().is_some()))
            .count();
        order.retain(|id| {
            let Some(q) = map.get(id) else { return false };
            let drop = match q.since_end() {
                Some(ago) => ended > keep || ago > ttl,
                None => false,
            };
            if drop {
                ended -= 1;
                map.remove(id);
                self.dropped
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            !drop
        });
    }
}
