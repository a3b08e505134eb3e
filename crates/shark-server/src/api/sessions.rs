//! `/v1/sessions`: sessions keep `SET`, `USE` and variables between
//! statements; pass the id as `session` to `POST /v1/statements`.

use super::parse_body;
use crate::error::{ApiError, ApiResult};
use crate::policy::Vars;
use crate::sessions::ServerSession;
use crate::state::AppState;
use crate::users::Principal;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The (optional) request body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSession {
    database: Option<String>,
    #[serde(default)]
    settings: BTreeMap<String, String>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
}

fn describe(state: &AppState, s: &ServerSession) -> Value {
    json!({
        "session_id": s.id,
        "user": s.owner.name,
        "database": s.database(),
        "created_at": s.created_at.to_rfc3339(),
        "idle_ms": s.idle().as_millis() as u64,
        "busy": s.busy(),
        "expires_after_idle_s": state.config.session_idle_secs,
    })
}

pub(super) async fn create(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: NewSession = parse_body(body, true)?;
    if state.is_shutting_down() {
        return Err(ApiError::limit(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down",
        ));
    }
    let st = state.clone();
    let session = tokio::task::spawn_blocking(move || -> ApiResult<ServerSession> {
        let mut engine = st
            .engine_session()
            .map_err(|e| ApiError::internal(format!("cannot open the warehouse: {e}")))?;
        let mut vars = Vars::default();
        for (k, v) in &req.settings {
            if storage::config::is_storage_key(k) {
                return Err(ApiError::forbidden(format!(
                    "{k} is a server setting: give it with --conf when the server starts"
                )));
            }
            engine.set(k, v);
            vars.hiveconf.insert(k.clone(), v.clone());
        }
        for (k, v) in &req.variables {
            engine.set_var(k, v);
            vars.hivevars.insert(k.clone(), v.clone());
        }
        if let Some(db) = &req.database {
            if !db.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(ApiError::request(format!("invalid database name '{db}'")));
            }
            engine
                .execute(&format!("USE `{db}`"))
                .map_err(|e| ApiError::from_shark(&e))?;
        }
        Ok(ServerSession::new(st.new_session_id(), engine, vars, user))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let session = Arc::new(session);
    state.sessions.insert(session.clone());
    tracing::info!(session = %session.id, "session opened");
    Ok((StatusCode::CREATED, Json(describe(&state, &session))).into_response())
}

pub(super) async fn get(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let s = state
        .sessions
        .get_for(&id, &user)
        .ok_or_else(|| ApiError::not_found(format!("no session '{id}'")))?;
    Ok(Json(describe(&state, &s)))
}

pub(super) async fn delete(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    if state.sessions.get_for(&id, &user).is_none() || !state.sessions.remove(&id) {
        return Err(ApiError::not_found(format!("no session '{id}'")));
    }
    tracing::info!(session = %id, "session closed");
    Ok(StatusCode::NO_CONTENT)
}
