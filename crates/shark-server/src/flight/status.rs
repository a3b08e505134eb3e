//! Errors as gRPC statuses: the HTTP API's error kinds mapped to the codes
//! Flight SQL clients act on, with the message (and a statement's
//! line:column) kept.

use crate::error::ApiError;
use axum::http::StatusCode;
use tonic::{Code, Status};

/// The status a Flight client gets for an API error.
pub fn to_status(e: &ApiError) -> Status {
    let code = match (e.kind, e.status) {
        ("parse" | "analysis" | "request", _) => Code::InvalidArgument,
        ("not_found", _) => Code::NotFound,
        ("cancelled", _) => Code::Cancelled,
        ("auth", StatusCode::UNAUTHORIZED) => Code::Unauthenticated,
        ("auth" | "forbidden", _) => Code::PermissionDenied,
        ("limit", StatusCode::SERVICE_UNAVAILABLE) => Code::Unavailable,
        ("limit", StatusCode::UNPROCESSABLE_ENTITY) => Code::DeadlineExceeded,
        ("limit", _) => Code::ResourceExhausted,
        ("execution", _) => Code::Aborted,
        _ => Code::Internal,
    };
    let message = match (e.line, e.column) {
        (Some(l), Some(c)) if !e.message.contains(&format!("{l}:{c}")) => {
            format!("{} (line {l}, column {c})", e.message)
        }
        _ => e.message.clone(),
    };
    Status::new(code, message)
}

/// Shorthand for `map_err` on results with API errors.
pub fn status(e: ApiError) -> Status {
    to_status(&e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_codes_clients_act_on() {
        let parse = ApiError {
            line: Some(2),
            column: Some(7),
            ..ApiError::new(StatusCode::BAD_REQUEST, "parse", "unexpected FROM")
        };
        let s = to_status(&parse);
        assert_eq!(s.code(), Code::InvalidArgument);
        assert_eq!(s.message(), "unexpected FROM (line 2, column 7)");
        assert_eq!(
            to_status(&ApiError::forbidden("read-only")).code(),
            Code::PermissionDenied
        );
        assert_eq!(
            to_status(&ApiError::limit(StatusCode::TOO_MANY_REQUESTS, "full")).code(),
            Code::ResourceExhausted
        );
        assert_eq!(to_status(&ApiError::cancelled()).code(), Code::Cancelled);
        assert_eq!(to_status(&ApiError::internal("x")).code(), Code::Internal);
    }
}
