//! `POST /v1/statements`: run a statement or script; its first page of
//! rows if it ends within `wait_ms`, else 202 with where to poll — or, with
//! a streamed format, the whole result streamed as the engine produces it.

use super::parse_body;
use super::queries::{failure, result_page, stream_response, MAX_PAGE};
use crate::error::{ApiError, ApiResult};
use crate::query::Query;
use crate::results::Format;
use crate::runner::{submit as start, Submission};
use crate::state::AppState;
use crate::users::Principal;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
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
    format: Option<String>,
}

/// Cancels a streamed query whose client left before its response began.
struct CancelUnlessSent(Option<Arc<Query>>);

impl Drop for CancelUnlessSent {
    fn drop(&mut self) {
        if let Some(q) = self.0.take() {
            q.cancel();
        }
    }
}

/// Longest a request may wait for its result.
const MAX_WAIT: Duration = Duration::from_secs(300);

pub(super) async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: StatementRequest = parse_body(body, false)?;
    let session = match &req.session {
        Some(id) => Some(
            state
                .sessions
                .get_for(id, &user)
                .ok_or_else(|| ApiError::not_found(format!("no session '{id}'")))?,
        ),
        None => None,
    };
    let max_rows = state.config.row_cap(req.max_rows);
    let format = match req.format.as_deref() {
        Some(f) => Format::parse(f)?,
        None => Format::from_accept(&headers),
    };
    if format.is_some() && shark::parse::split_statements(&req.sql).len() > 1 {
        return Err(ApiError::request(
            "a streamed result needs one statement; submit a script, then GET its results",
        ));
    }
    let query = start(
        &state,
        Submission {
            sql: req.sql,
            database: req.database,
            session,
            max_rows,
            user: user.name.clone(),
        },
    )?;
    if let Some(format) = format {
        let mut guard = CancelUnlessSent(Some(query.clone()));
        let response = stream_response(
            &state,
            &query,
            format,
            (0, usize::MAX),
            true,
            super::queries::peer(&extensions),
        )
        .await;
        guard.0 = None;
        return Ok(response);
    }
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
    Ok(Json(result_page(query, 0, MAX_PAGE).await?).into_response())
}
