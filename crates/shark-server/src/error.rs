//! The one error shape every endpoint answers with:
//! `{ "error": { "kind", "message", "line"?, "column"? } }` and an HTTP
//! status that tells clients whether to fix the request, retry or give up.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use shark::SharkError;

/// An error as clients see it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ApiError {
    /// The HTTP status it is answered with.
    #[serde(skip)]
    pub status: StatusCode,
    /// `parse`, `analysis`, `execution`, `cancelled`, `not_found`, `limit`,
    /// `auth`, `request` or `internal`.
    pub kind: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// Line of the script the error is on, for parse and analysis errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Column of the error on that line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
}

impl ApiError {
    /// An error with no position.
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            message: message.into(),
            line: None,
            column: None,
        }
    }

    /// A malformed request (bad JSON, bad parameters): 400.
    pub fn request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "request", message)
    }

    /// An unknown query, session, database or table: 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// Allowed to talk to the server but not to do this (read-only mode,
    /// the path rules): 403 of kind `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// A credential the server does not accept: 403 of kind `auth` (a
    /// client asks for another token; it never does for `forbidden`).
    pub fn bad_credential(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "auth", message)
    }

    /// A limit was reached (size, queue, run time).
    pub fn limit(status: StatusCode, message: impl Into<String>) -> Self {
        Self::new(status, "limit", message)
    }

    /// A fault of the server itself: 500.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// A statement's failure: 400 for text that does not parse or make
    /// sense, 422 for one that failed while running, 409 when cancelled.
    pub fn from_shark(e: &SharkError) -> Self {
        let (status, kind) = match e {
            SharkError::Parse { .. } => (StatusCode::BAD_REQUEST, "parse"),
            SharkError::Analysis { .. } | SharkError::Unsupported(_) => {
                (StatusCode::BAD_REQUEST, "analysis")
            }
            SharkError::Execution(_) | SharkError::Io(_) | SharkError::Engine(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "execution")
            }
            SharkError::Cancelled => (StatusCode::CONFLICT, "cancelled"),
            SharkError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
        };
        let location = match e {
            SharkError::Parse { location, .. } => Some(*location),
            SharkError::Analysis { location, .. } => *location,
            _ => None,
        };
        ApiError {
            status,
            kind,
            message: e.to_string(),
            line: location.map(|l| l.line),
            column: location.map(|l| l.column),
        }
    }

    /// The query was cancelled on request or at shutdown: 409.
    pub fn cancelled() -> Self {
        Self::new(StatusCode::CONFLICT, "cancelled", "Query cancelled")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        (status, Json(serde_json::json!({ "error": self }))).into_response()
    }
}

/// What handlers return.
pub type ApiResult<T> = Result<T, ApiError>;
