//! `/v1/queries`: recent queries, one query's state and progress, its
//! result pages (JSON, Arrow IPC, CSV, NDJSON), and cancelling it.

use crate::error::{ApiError, ApiResult};
use crate::query::{Query, State as QState};
use crate::results::{self, Format};
use crate::state::AppState;
use crate::users::Principal;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query as Params, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// A query `user` may see; to anyone else it does not exist.
pub(super) fn find(state: &AppState, id: &str, user: &Principal) -> ApiResult<Arc<Query>> {
    state
        .queries
        .get(id)
        .filter(|q| user.may_access(&q.user))
        .ok_or_else(|| ApiError::not_found(format!("no query '{id}'")))
}

fn params<T>(p: Result<Params<T>, QueryRejection>) -> ApiResult<T> {
    p.map(|Params(t)| t)
        .map_err(|e| ApiError::request(e.body_text()))
}

/// The error response of a failed or cancelled query, with its id.
pub(super) fn failure(q: &Query) -> Option<Response> {
    let i = q.inner();
    let e = i.error.clone()?;
    let body = json!({ "query_id": q.id, "state": i.state, "error": e });
    Some((e.status, Json(body)).into_response())
}

/// Rows `offset..offset+limit` of a query's result, with its columns
/// (read from its spool on a blocking thread).
pub(super) async fn result_page(q: Arc<Query>, offset: usize, limit: usize) -> ApiResult<Value> {
    tokio::task::spawn_blocking(move || page_body(&q, offset, limit))
        .await
        .map_err(|e| ApiError::internal(format!("reading the result failed: {e}")))?
}

fn page_body(q: &Query, offset: usize, limit: usize) -> ApiResult<Value> {
    let (queued, ran) = q.timings();
    let (result, state, database, notes) = {
        let i = q.inner();
        (
            i.result.clone(),
            i.state,
            i.database.clone(),
            i.notes.clone(),
        )
    };
    let page = match &result.spool {
        Some(s) => s
            .page(offset, limit)
            .map_err(|e| ApiError::internal(format!("cannot read the spooled result: {e}")))?,
        None => Vec::new(),
    };
    let rows = results::json_rows(&page);
    let complete = state == QState::Finished;
    let mut body = json!({
        "query_id": q.id,
        "state": state,
        "columns": result.schema().as_ref().map(results::columns).unwrap_or(json!([])),
        "rows": rows,
        "row_count": rows.len(),
        "offset": offset,
        "total_rows": result.rows,
        "truncated": result.truncated,
        "complete": complete,
        "elapsed_ms": (queued + ran).as_millis() as u64,
    });
    if let Some(why) = &result.truncated_by {
        body["truncated_by"] = json!(why);
    }
    let next = offset.saturating_add(rows.len());
    if next < result.rows || !complete {
        let page_size = if limit == usize::MAX {
            1000
        } else {
            limit.max(1)
        };
        body["next_uri"] = json!(format!(
            "/v1/queries/{}/results?offset={next}&limit={page_size}",
            q.id
        ));
    }
    if let Some(s) = &q.session {
        body["session"] = json!(s);
    }
    if let Some(db) = database {
        body["database"] = json!(db);
    }
    if !notes.is_empty() {
        body["notes"] = json!(notes);
    }
    Ok(body)
}

/// A response streaming rows `offset..offset+limit` of the query's result
/// in `format`, following it while it runs; an error response instead when
/// the query failed before its rows began. With `owner`, a client leaving
/// early cancels the query — noticed even while the query has no new rows
/// (`peer`: the client's connection, watched in `AppState::peers`).
pub(super) async fn stream_response(
    state: &AppState,
    q: &Arc<Query>,
    format: Format,
    (offset, limit): (usize, usize),
    owner: bool,
    peer: Option<std::net::SocketAddr>,
) -> Response {
    // Each stream holds a blocking thread while it is read: they are capped.
    let Ok(permit) = state.streams.clone().try_acquire_owned() else {
        return ApiError::limit(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "{} result streams are open; retry later or page JSON results",
                state.config.max_streams
            ),
        )
        .into_response();
    };
    // Before its first row a query may run for long with nothing sent:
    // a client that hangs up meanwhile is noticed here.
    let hang_up = async {
        match peer {
            Some(p) => state.peers.hang_up(p).await,
            None => std::future::pending().await,
        }
    };
    let spool = tokio::select! {
        s = q.result_spool() => s,
        _ = hang_up => {
            if owner {
                q.cancel();
            }
            return ApiError::cancelled().into_response();
        }
    };
    if let Some(r) = failure(q) {
        return r;
    }
    let mut response = match spool {
        None => results::empty_body(format).into_response(),
        Some(s) => {
            let owner = owner.then(|| q.clone());
            let client = peer.map(|p| (state.peers.clone(), p));
            results::stream_body(s, format, (offset, limit), owner, client, permit).into_response()
        }
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&q.id) {
        h.insert("x-shark-query-id", v);
    }
    if q.state().is_terminal() {
        let truncated = q.inner().result.truncated;
        h.insert(
            "x-shark-truncated",
            HeaderValue::from_static(if truncated { "true" } else { "false" }),
        );
    }
    response
}

fn summary(q: &Query) -> Value {
    let (queued, ran) = q.timings();
    let i = q.inner();
    let sql: String = q.sql.chars().take(200).collect();
    json!({
        "query_id": q.id,
        "state": i.state,
        "user": q.user,
        "session": q.session,
        "sql": sql,
        "submitted_at": q.submitted_at.to_rfc3339(),
        "elapsed_ms": (queued + ran).as_millis() as u64,
        "row_count": i.result.rows,
    })
}

#[derive(Deserialize, Default)]
pub(super) struct ListParams {
    limit: Option<usize>,
}

pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    p: Result<Params<ListParams>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let limit = params(p)?.limit.unwrap_or(100).min(1000);
    let queries: Vec<Value> = state
        .queries
        .recent_of(limit, &user)
        .iter()
        .map(|q| summary(q))
        .collect();
    Ok(Json(json!({ "queries": queries })))
}

pub(super) async fn status(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let q = find(&state, &id, &user)?;
    let (queued, ran) = q.timings();
    let progress = q.progress.snapshot();
    let i = q.inner();
    let url = format!("/v1/queries/{}", q.id);
    let mut body = json!({
        "query_id": q.id,
        "user": q.user,
        "session": q.session,
        "state": i.state,
        "sql": q.sql,
        "submitted_at": q.submitted_at.to_rfc3339(),
        "queued_ms": queued.as_millis() as u64,
        "running_ms": ran.as_millis() as u64,
        "elapsed_ms": (queued + ran).as_millis() as u64,
        "statements": q.statements,
        "statements_done": i.statements_done,
        "progress": progress,
        "row_count": i.result.rows,
        "truncated": i.result.truncated,
        "status_url": url,
        "results_url": format!("{url}/results"),
    });
    if let Some(s) = &i.result.schema() {
        body["columns"] = results::columns(s);
    }
    if let Some(why) = &i.result.truncated_by {
        body["truncated_by"] = json!(why);
    }
    if let Some(e) = &i.error {
        body["error"] = json!(e);
    }
    if let Some(p) = &i.plan {
        // The plan as it runs: estimates, adaptive changes, live metrics.
        body["plan"] = p.to_json();
        body["plan_text"] = json!(p.render());
    }
    Ok(Json(body))
}

#[derive(Deserialize, Default)]
pub(super) struct ResultParams {
    offset: Option<usize>,
    limit: Option<usize>,
    format: Option<String>,
}

/// The client's address, when the server was started with connection
/// info (not when the router is called in-process).
pub(super) fn peer(extensions: &axum::http::Extensions) -> Option<std::net::SocketAddr> {
    extensions
        .get::<axum::extract::ConnectInfo<crate::peers::Peer>>()
        .map(|c| c.0 .0)
}

/// Largest JSON page.
pub(super) const MAX_PAGE: usize = 10_000;

pub(super) async fn results(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    p: Result<Params<ResultParams>, QueryRejection>,
) -> ApiResult<Response> {
    let p = params(p)?;
    let q = find(&state, &id, &user)?;
    if let Some(r) = failure(&q) {
        return Ok(r);
    }
    let format = match p.format.as_deref() {
        Some(f) => Format::parse(f)?,
        None => Format::from_accept(&headers),
    };
    let offset = p.offset.unwrap_or(0);
    let Some(format) = format else {
        let limit = p.limit.unwrap_or(1000).min(MAX_PAGE);
        return Ok(Json(result_page(q, offset, limit).await?).into_response());
    };
    if q.statements > 1 && !q.state().is_terminal() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "request",
            "a script's result streams once the script has finished (a later statement may \
             replace it); poll its status_url",
        ));
    }
    let limit = p.limit.unwrap_or(usize::MAX);
    Ok(stream_response(
        &state,
        &q,
        format,
        (offset, limit),
        false,
        peer(&extensions),
    )
    .await)
}

pub(super) async fn cancel(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let q = find(&state, &id, &user)?;
    q.cancel();
    // Answer with the final state when the engine stops quickly.
    let s = q.wait(Duration::from_secs(2)).await;
    Ok(Json(json!({ "query_id": q.id, "state": s })))
}
