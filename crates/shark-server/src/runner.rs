//! Running a submitted query: checks up front, a place in line, its
//! session's lock, a run slot, then the statements on a blocking thread
//! with the run time limit, cancellation and panics caught, so a failing
//! query fails alone and the server goes on.

use crate::error::ApiError;
use crate::policy::Vars;
use crate::progress;
use crate::query::Query;
use crate::sessions::ServerSession;
use crate::state::AppState;
use axum::http::StatusCode;
use shark::parse::StatementText;
use shark::{Session, StatementResult};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use tokio::sync::OwnedMutexGuard;

/// What a client asked to run.
pub struct Submission {
    /// One statement or a script.
    pub sql: String,
    /// The database to run in (`USE` first).
    pub database: Option<String>,
    /// The server session, if any.
    pub session: Option<Arc<ServerSession>>,
    /// Rows to hold at most.
    pub max_rows: usize,
    /// Who submitted it (its owner).
    pub user: String,
}

/// Checks a submission and starts it; the query runs in the background.
pub fn submit(state: &Arc<AppState>, sub: Submission) -> Result<Arc<Query>, ApiError> {
    if sub.sql.len() > state.config.max_sql_bytes {
        return Err(ApiError::limit(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("SQL text exceeds {} bytes", state.config.max_sql_bytes),
        ));
    }
    if let Some(db) = &sub.database {
        if db.is_empty() || !db.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ApiError::request(format!("invalid database name '{db}'")));
        }
    }
    let statements = shark::parse::split_statements(&sub.sql);
    if statements.is_empty() {
        return Err(ApiError::request("no statement to run"));
    }
    // Reject what the rules forbid before queueing (checked again as each
    // statement runs, with the session's variables then).
    let mut vars = sub
        .session
        .as_ref()
        .map(|s| s.vars().clone())
        .unwrap_or_default();
    for st in &statements {
        if let Some(parsed) = state.policy.check(&st.text, &vars)? {
            vars.observe(&parsed);
        }
    }
    let admission = state.admit()?;
    let query = Arc::new(Query::new(
        state.new_query_id(),
        sub.user.clone(),
        sub.session.as_ref().map(|s| s.id.clone()),
        sub.sql,
        sub.max_rows,
        statements.len(),
    ));
    state.queries.insert(query.clone());
    let in_use = sub.session.as_ref().map(|s| s.use_it());
    let (st, q) = (state.clone(), query.clone());
    tokio::spawn(async move {
        let error = drive(&st, &q, sub.session, sub.database, statements).await;
        let outcome = q.finish(error);
        // Ended queries past the cap go now, not at the next upkeep.
        st.queries
            .prune(st.config.result_ttl(), st.config.max_kept_queries);
        drop((admission, in_use));
        log_end(&q, outcome.name());
    });
    Ok(query)
}

fn log_end(q: &Query, outcome: &str) {
    let (queued, ran) = q.timings();
    let (rows, error) = {
        let i = q.inner();
        (i.result.rows, i.error.as_ref().map(|e| e.message.clone()))
    };
    tracing::info!(
        query_id = %q.id,
        user = %q.user,
        session = q.session.as_deref().unwrap_or("-"),
        duration_ms = (queued + ran).as_millis() as u64,
        queued_ms = queued.as_millis() as u64,
        rows,
        outcome,
        error = error.as_deref().unwrap_or(""),
        "query"
    );
}

async fn drive(
    state: &Arc<AppState>,
    query: &Arc<Query>,
    session: Option<Arc<ServerSession>>,
    database: Option<String>,
    statements: Vec<StatementText>,
) -> Option<ApiError> {
    let engine = match &session {
        Some(s) => tokio::select! {
            g = s.engine.clone().lock_owned() => Some(g),
            _ = query.cancelled() => return Some(ApiError::cancelled()),
        },
        None => None,
    };
    let permit = tokio::select! {
        p = state.slot() => p,
        _ = query.cancelled() => return Some(ApiError::cancelled()),
    };
    if state.is_shutting_down() || query.cancel_requested() {
        return Some(ApiError::cancelled());
    }
    query.start();
    let (st, q) = (state.clone(), query.clone());
    // A thread of its own with the stack a statement at the engine's
    // complexity bound needs (tokio's threads have small stacks).
    let (tx, mut rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("shark-query".into())
        .stack_size(shark::parse::complexity::STATEMENT_STACK)
        .spawn(move || {
            let r = run_statements(&st, &q, engine, session.as_deref(), database, &statements);
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Some(ApiError::internal(format!(
            "cannot start the query's thread: {e}"
        )));
    }
    let joined = match tokio::time::timeout(state.config.query_timeout(), &mut rx).await {
        Ok(r) => r,
        Err(_) => {
            query.time_out();
            rx.await
        }
    };
    drop(permit);
    match joined {
        Ok(r) => r.err(),
        Err(_) => Some(ApiError::internal(
            "the query's thread ended without an answer",
        )),
    }
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Runs the statements in order on this (blocking) thread; stops at the
/// first error.
fn run_statements(
    state: &AppState,
    query: &Query,
    engine: Option<OwnedMutexGuard<Session>>,
    session: Option<&ServerSession>,
    database: Option<String>,
    statements: &[StatementText],
) -> Result<(), ApiError> {
    let mut engine = engine;
    let mut owned;
    let engine: &mut Session = match engine.as_mut() {
        Some(g) => g,
        None => {
            owned = state
                .engine_session()
                .map_err(|e| ApiError::internal(format!("cannot open the warehouse: {e}")))?;
            &mut owned
        }
    };
    let mut local = Vars::default();
    let use_db = database.map(|db| StatementText {
        text: format!("USE `{db}`"),
        line: 1,
    });
    let result = (|| {
        if let Some(u) = &use_db {
            run_one(state, query, engine, u, false)?;
        }
        for st in statements {
            let vars = session.map(|s| s.vars().clone()).unwrap_or(local.clone());
            let parsed = state.policy.check(&st.text, &vars)?;
            run_one(state, query, engine, st, true)?;
            if let Some(p) = parsed {
                match session {
                    Some(s) => s.vars().observe(&p),
                    None => local.observe(&p),
                }
            }
        }
        Ok(())
    })();
    if let Some(s) = session {
        s.set_database(engine.database());
    }
    query.inner().database = Some(engine.database().to_string());
    result
}

/// Runs one statement, holding its rows in the query, under the query's
/// cancel token and progress, with panics turned into errors.
fn run_one(
    state: &AppState,
    query: &Query,
    engine: &mut Session,
    st: &StatementText,
    counted: bool,
) -> Result<(), ApiError> {
    let token = engine.cancel_token_for_next();
    if !query.attach(token.clone()) {
        return Err(ApiError::cancelled());
    }
    let ran = catch_unwind(AssertUnwindSafe(|| {
        state.ctx.run_with_cancel(&token, || {
            progress::track(&query.progress, || fetch(state, query, engine, st))
        })
    }));
    match ran {
        Err(p) => Err(ApiError::internal(format!(
            "the query panicked: {}",
            panic_message(p)
        ))),
        Ok(Err(e)) => Err(e),
        Ok(Ok(())) => {
            if counted {
                query.inner().statements_done += 1;
            }
            Ok(())
        }
    }
}

fn fetch(
    state: &AppState,
    query: &Query,
    engine: &mut Session,
    st: &StatementText,
) -> Result<(), ApiError> {
    let shark = |e: shark::SharkError| ApiError::from_shark(&e);
    match engine.execute_at_line(&st.text, st.line).map_err(shark)? {
        StatementResult::Rows(rows) => {
            if let Some(p) = rows.profile() {
                query.inner().plan = Some(p.clone());
            }
            let spool = state
                .spool
                .create(rows.schema())
                .map_err(|e| ApiError::internal(format!("cannot spool the result: {e}")))?;
            query.begin_rows(spool);
            for b in rows {
                // Rows the engine already computed still flow after a
                // cancel; stop taking them.
                if query.cancel_requested() {
                    return Err(ApiError::cancelled());
                }
                if !query.push(b.map_err(shark)?)? {
                    break;
                }
            }
        }
        StatementResult::Done(note) => {
            if let Some(n) = note {
                query.inner().notes.push(n);
            }
        }
    }
    Ok(())
}
