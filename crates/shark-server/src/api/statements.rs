//! `POST /v1/statements`: run a statement or script; the whole result if
//! it ends within `wait_ms`, else 202 with where to poll.

use super::parse_body;
use super::queries::{failure, result_page};
use crate::error::{ApiError, ApiResult};
use crate::runner::{submit as start, Submission};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// The request body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementRequest {
    sql: String,
    database: Option<String>,
    session: Option<String>,
    max_rows: Option<usize>,
    wait_ms: Option<u64>,
}

/// Longest a request may wait for its result.
const MAX_WAIT: Duration = Duration::from_secs(300);

pub(super) async fn submit(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: StatementRequest = parse_body(body, false)?;
    let session = match &req.session {
        Some(id) => Some(
            state
                .sessions
                .get(id)
                .ok_or_else(|| ApiError::not_found(format!("no session '{id}'")))?,
        ),
        None => None,
    };
    let cap = state.config.max_rows;
    let max_rows = req.max_rows.unwrap_or(cap).min(cap);
    let query = start(
        &state,
        Submission {
            sql: req.sql,
            database: req.database,
            session,
            max_rows,
        },
    )?;
    let wait =
        Duration::from_millis(req.wait_ms.unwrap_or(state.config.default_wait_ms)).min(MAX_WAIT);
    let ended = !wait.is_zero() && query.wait(wait).await.is_terminal();
    if !ended {
        let status_url = format!("/v1/queries/{}", query.id);
        let body = json!({
            "query_id": query.id,
            "state": query.state(),
            "status_url": status_url,
            "results_url": format!("{status_url}/results"),
        });
        return Ok((
            StatusCode::ACCEPTED,
            [(header::LOCATION, status_url)],
            Json(body),
        )
            .into_response());
    }
    if let Some(e) = failure(&query) {
        return Ok(e);
    }
    Ok(Json(result_page(&query, 0, usize::MAX)).into_response())
}
