//! `/v1/queries`: recent queries, one query's state and progress, its
//! result pages (JSON, Arrow IPC, CSV, NDJSON), and cancelling it.

use crate::error::{ApiError, ApiResult};
use crate::query::{Query, State as QState};
use crate::results::{self, ARROW_STREAM};
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query as Params, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

fn find(state: &AppState, id: &str) -> ApiResult<Arc<Query>> {
    state
        .queries
        .get(id)
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

/// Rows `offset..offset+limit` of a query's result, with its columns.
pub(super) fn result_page(q: &Query, offset: usize, limit: usize) -> Value {
    let (queued, ran) = q.timings();
    let i = q.inner();
    let r = &i.result;
    let page = r.page(offset, limit);
    let rows = results::json_rows(&page);
    let complete = i.state == QState::Finished;
    let mut body = json!({
        "query_id": q.id,
        "state": i.state,
        "columns": r.schema.as_ref().map(results::columns).unwrap_or(json!([])),
        "rows": rows,
        "row_count": rows.len(),
        "offset": offset,
        "total_rows": r.rows,
        "truncated": r.truncated,
        "complete": complete,
        "elapsed_ms": (queued + ran).as_millis() as u64,
    });
    let next = offset.saturating_add(rows.len());
    if next < r.rows || !complete {
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
    if let Some(db) = &i.database {
        body["database"] = json!(db);
    }
    if !i.notes.is_empty() {
        body["notes"] = json!(i.notes);
    }
    body
}

fn summary(q: &Query) -> Value {
    let (queued, ran) = q.timings();
    let i = q.inner();
    let sql: String = q.sql.chars().take(200).collect();
    json!({
        "query_id": q.id,
        "state": i.state,
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
    p: Result<Params<ListParams>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let limit = params(p)?.limit.unwrap_or(100).min(1000);
    let queries: Vec<Value> = state
        .queries
        .recent(limit)
        .iter()
        .map(|q| summary(q))
        .collect();
    Ok(Json(json!({ "queries": queries })))
}

pub(super) async fn status(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let q = find(&state, &id)?;
    let (queued, ran) = q.timings();
    let progress = q.progress.snapshot();
    let i = q.inner();
    let url = format!("/v1/queries/{}", q.id);
    let mut body = json!({
        "query_id": q.id,
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
    if let Some(s) = &i.result.schema {
        body["columns"] = results::columns(s);
    }
    if let Some(e) = &i.error {
        body["error"] = json!(e);
    }
    Ok(Json(body))
}

#[derive(Deserialize, Default)]
pub(super) struct ResultParams {
    offset: Option<usize>,
    limit: Option<usize>,
    format: Option<String>,
}

/// Largest JSON page.
const MAX_PAGE: usize = 10_000;

pub(super) async fn results(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    p: Result<Params<ResultParams>, QueryRejection>,
) -> ApiResult<Response> {
    let p = params(p)?;
    let q = find(&state, &id)?;
    if let Some(r) = failure(&q) {
        return Ok(r);
    }
    let wants_arrow = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains(ARROW_STREAM));
    let format = match p.format.as_deref() {
        Some(f) => f.to_ascii_lowercase(),
        None if wants_arrow => "arrow".into(),
        None => "json".into(),
    };
    let offset = p.offset.unwrap_or(0);
    if format == "json" {
        let limit = p.limit.unwrap_or(1000).min(MAX_PAGE);
        return Ok(Json(result_page(&q, offset, limit)).into_response());
    }
    if !matches!(format.as_str(), "arrow" | "csv" | "ndjson") {
        return Err(ApiError::request(format!(
            "unknown format '{format}': json, csv, ndjson or arrow"
        )));
    }
    if q.state() != QState::Finished {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "request",
            "the query has not finished; poll its status_url, or page JSON results meanwhile",
        ));
    }
    let limit = p.limit.unwrap_or(usize::MAX);
    let (schema, page) = {
        let i = q.inner();
        let schema = i
            .result
            .schema
            .clone()
            .unwrap_or_else(|| Arc::new(arrow::datatypes::Schema::empty()));
        (schema, i.result.page(offset, limit))
    };
    Ok(match format.as_str() {
        "arrow" => {
            let bytes = results::arrow_stream(&schema, &page)?;
            ([(header::CONTENT_TYPE, ARROW_STREAM)], bytes).into_response()
        }
        "csv" => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            results::csv_body(&schema, page),
        )
            .into_response(),
        _ => (
            [(header::CONTENT_TYPE, "application/x-ndjson")],
            results::ndjson_body(page),
        )
            .into_response(),
    })
}

pub(super) async fn cancel(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let q = find(&state, &id)?;
    q.cancel();
    // Answer with the final state when the engine stops quickly.
    let s = q.wait(Duration::from_secs(2)).await;
    Ok(Json(json!({ "query_id": q.id, "state": s })))
}
