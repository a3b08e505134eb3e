//! The HTTP API: routes, the bearer-token check, request body parsing
//! with its size limit, `/health` and `/openapi.json`.

mod catalog;
mod in_flight;
mod queries;
mod sessions;
mod statements;
mod ui_events;
mod ui_jobs;
mod ui_params;
mod ui_sql;
mod ui_system;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::users::Principal;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::json;
use std::sync::Arc;

/// The OpenAPI 3 description of this API.
const OPENAPI: &str = include_str!("../../openapi.json");

/// Every route, with authentication and the body limit.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/v1/statements", post(statements::submit))
        .route("/v1/queries", get(queries::list))
        .route(
            "/v1/queries/{id}",
            get(queries::status).delete(queries::cancel),
        )
        .route("/v1/queries/{id}/results", get(queries::results))
        .route("/v1/sessions", post(sessions::create))
        .route(
            "/v1/sessions/{id}",
            get(sessions::get).delete(sessions::delete),
        )
        .route("/v1/catalog/databases", get(catalog::databases))
        .route("/v1/catalog/databases/{db}/tables", get(catalog::tables))
        .route(
            "/v1/catalog/databases/{db}/tables/{table}",
            get(catalog::table),
        )
        .route("/", get(crate::ui::assets::index))
        .route("/static/{*path}", get(crate::ui::assets::file))
        .route("/api/v1/info", get(ui_system::info))
        .route("/api/v1/sql", get(ui_sql::list))
        .route("/api/v1/sql/{id}", get(ui_sql::detail))
        .route("/api/v1/jobs", get(ui_jobs::jobs))
        .route("/api/v1/jobs/{id}", get(ui_jobs::job))
        .route("/api/v1/stages", get(ui_jobs::stages))
        .route("/api/v1/stages/{id}", get(ui_jobs::stage_attempts))
        .route("/api/v1/stages/{id}/{attempt}", get(ui_jobs::stage))
        .route(
            "/api/v1/stages/{id}/{attempt}/taskList",
            get(ui_jobs::task_list),
        )
        .route(
            "/api/v1/stages/{id}/{attempt}/taskSummary",
            get(ui_jobs::task_summary),
        )
        .route("/api/v1/storage/rdd", get(ui_system::storage_rdds))
        .route("/api/v1/storage/tables", get(ui_system::storage_tables))
        .route("/api/v1/executors", get(ui_system::executors))
        .route("/api/v1/environment", get(ui_system::environment))
        .route("/api/v1/events", get(ui_events::events))
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "request",
                "method not allowed here",
            )
        })
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            in_flight::track,
        ))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .with_state(state)
}

/// Requires `Authorization: Bearer <token>` when the server has users:
/// 401 without one, 403 with one that names no user; the request then
/// runs as that user (a [`Principal`] in its extensions). `/health` and
/// the web UI's own files (`/`, `/static/…`: no data in them) stay open.
async fn authenticate(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    if state.users.is_open() {
        req.extensions_mut().insert(Principal::anonymous());
        return next.run(req).await;
    }
    let path = req.uri().path();
    if path == "/health" || path == "/" || path.starts_with("/static/") {
        return next.run(req).await;
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(given) = given else {
        let mut r = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "auth",
            "missing bearer token (Authorization: Bearer <token>)",
        )
        .into_response();
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, "Bearer".parse().expect("valid"));
        return r;
    };
    match state.users.identify(given) {
        Some(user) => {
            req.extensions_mut().insert(user);
            next.run(req).await
        }
        None => ApiError::bad_credential("invalid bearer token").into_response(),
    }
}

/// A JSON request body, with 413 past the size limit and 400 for bad JSON;
/// an empty body is `T::default()` when `empty_ok`.
pub(crate) fn parse_body<T: DeserializeOwned + Default>(
    body: Result<Bytes, BytesRejection>,
    empty_ok: bool,
) -> ApiResult<T> {
    let bytes = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::limit(StatusCode::PAYLOAD_TOO_LARGE, "request body too large")
        } else {
            ApiError::request(r.body_text())
        }
    })?;
    if empty_ok && bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(&bytes).map_err(|e| ApiError::request(format!("invalid JSON body: {e}")))
}

async fn health(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let status = if state.is_shutting_down() {
        "shutting_down"
    } else {
        "ok"
    };
    Json(json!({
        "status": status,
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_s": state.started.elapsed().as_secs(),
        "running": state.running(),
        "queued": state.pending().saturating_sub(state.running()),
        "sessions": state.sessions.len(),
        "workers": state.ctx.workers(),
    }))
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
