//! Who is calling: Flight SQL's authentication mapped onto server sessions.
//!
//! A client shakes hands with HTTP basic credentials (the password is the
//! server's token when it has one; any credentials when it has none) and
//! gets back `authorization: Bearer <session>`: every call carrying that
//! bearer runs in that server session, so `USE db` and `SET k=v` persist
//! for the connection, as for HTTP sessions (which they are: the same
//! registry, expiring when idle). A call that carries the server's own
//! token (or, on a server without one, nothing) gets a new session, and
//! the bearer of it in its response headers, which Flight clients (ADBC,
//! JDBC) adopt for their next calls.

use crate::policy::Vars;
use crate::sessions::ServerSession;
use crate::state::AppState;
use base64::Engine;
use std::sync::Arc;
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::{Response, Status};

/// The session a call runs in.
pub struct Caller {
    /// The server session.
    pub session: Arc<ServerSession>,
    /// Set when the session was opened by this call: the bearer the client
    /// should use from now on (sent back in the response headers).
    pub issued: Option<String>,
    /// True when the client named the session (its bearer): what it
    /// creates is its own, and what other sessions created is not.
    pub named: bool,
}

impl Caller {
    /// The session id that owns what this call creates (`None` when the
    /// client did not name a session).
    pub fn owner(&self) -> Option<&str> {
        self.named.then_some(self.session.id.as_str())
    }

    /// Adds the new session's bearer to a response, if this call opened one.
    pub fn stamp<T>(&self, mut response: Response<T>) -> Response<T> {
        if let Some(id) = &self.issued {
            if let Ok(v) = MetadataValue::try_from(format!("Bearer {id}")) {
                response.metadata_mut().insert("authorization", v);
            }
        }
        response
    }
}

/// What the `authorization` header says.
enum Credentials {
    None,
    Bearer(String),
    Basic { password: String },
    Malformed,
}

fn credentials(md: &MetadataMap) -> Credentials {
    let Some(value) = md.get("authorization") else {
        return Credentials::None;
    };
    let Ok(value) = value.to_str() else {
        return Credentials::Malformed;
    };
    let value = value.trim();
    if let Some(token) = strip_prefix_ignore_case(value, "bearer ") {
        return Credentials::Bearer(token.trim().to_string());
    }
    if let Some(encoded) = strip_prefix_ignore_case(value, "basic ") {
        // Padded or not: Go's Flight client sends it unpadded.
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let decoded = engine
            .decode(encoded.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        return match decoded.as_deref().and_then(|s| s.split_once(':')) {
            Some((_, password)) => Credentials::Basic {
                password: password.to_string(),
            },
            None => Credentials::Malformed,
        };
    }
    Credentials::Malformed
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

/// Compares without stopping at the first difference.
fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn is_server_token(state: &AppState, given: &str) -> bool {
    state
        .config
        .token
        .as_deref()
        .is_some_and(|t| same_secret(given, t))
}

/// Opens a new server session (on a blocking thread: it opens the
/// warehouse's metastore); `register`ed ones outlive the call (until idle
/// for `--session-idle-secs`).
pub async fn open_session(
    state: &Arc<AppState>,
    register: bool,
) -> Result<Arc<ServerSession>, Status> {
    if state.is_shutting_down() {
        return Err(Status::unavailable("the server is shutting down"));
    }
    let st = state.clone();
    let engine = tokio::task::spawn_blocking(move || st.engine_session())
        .await
        .map_err(|e| Status::internal(e.to_string()))?
        .map_err(|e| Status::internal(format!("cannot open the warehouse: {e}")))?;
    let session = ServerSession::new(state.new_session_id(), engine, Vars::default());
    // Kept only if the client comes back with its bearer.
    let session = Arc::new(session.provisional());
    if register {
        state.sessions.insert(session.clone());
        tracing::info!(session = %session.id, "flight session opened");
    }
    Ok(session)
}

/// The live session a call's bearer names (kept alive by the call).
pub fn named_session(state: &AppState, md: &MetadataMap) -> Option<Arc<ServerSession>> {
    match credentials(md) {
        Credentials::Bearer(t) => {
            let s = state.sessions.get(&t)?;
            s.adopt();
            Some(s)
        }
        _ => None,
    }
}

/// Why a call may not be made, if it may not: a bearer of a live session
/// or the server's token, or basic credentials with the server's token
/// as the password; anything (or nothing) on a server without a token.
pub fn check(state: &AppState, md: &MetadataMap) -> Result<(), Status> {
    match credentials(md) {
        Credentials::Bearer(t)
            if state.sessions.get(&t).is_some() || is_server_token(state, &t) =>
        {
            Ok(())
        }
        Credentials::Basic { password }
            if state.config.token.is_none() || is_server_token(state, &password) =>
        {
            Ok(())
        }
        Credentials::None if state.config.token.is_none() => Ok(()),
        Credentials::None => Err(missing()),
        Credentials::Bearer(_) => Err(unknown_bearer()),
        Credentials::Basic { .. } => Err(Status::unauthenticated("wrong password")),
        Credentials::Malformed => Err(malformed()),
    }
}

fn missing() -> Status {
    Status::unauthenticated(
        "missing credentials: shake hands with a user and password, or send authorization: Bearer <token>",
    )
}

fn unknown_bearer() -> Status {
    Status::unauthenticated(
        "unknown or expired bearer token: shake hands again (user and password, the password being the server's token)",
    )
}

fn malformed() -> Status {
    Status::unauthenticated(
        "malformed authorization header: Basic <base64 user:password> or Bearer <token>",
    )
}

/// The session of a call, or why it may not be made. A call that needs a
/// new session gets one; with `issue` it is kept and its bearer goes back
/// to the client, else it lives for this call only (for calls whose
/// answer cannot carry headers).
pub async fn caller(
    state: &Arc<AppState>,
    md: &MetadataMap,
    issue: bool,
) -> Result<Caller, Status> {
    let open = |state| async move {
        let session = open_session(state, issue).await?;
        Ok(Caller {
            issued: issue.then(|| session.id.clone()),
            session,
            named: false,
        })
    };
    match credentials(md) {
        Credentials::Bearer(token) => {
            if let Some(session) = state.sessions.get(&token) {
                session.adopt();
                return Ok(Caller {
                    session,
                    issued: None,
                    named: true,
                });
            }
            if is_server_token(state, &token) {
                return open(state).await;
            }
            Err(unknown_bearer())
        }
        Credentials::Basic { password } => {
            if state.config.token.is_none() || is_server_token(state, &password) {
                open(state).await
            } else {
                Err(Status::unauthenticated("wrong password"))
            }
        }
        Credentials::None if state.config.token.is_none() => open(state).await,
        Credentials::None => Err(missing()),
        Credentials::Malformed => Err(malformed()),
    }
}

/// The handshake: credentials in, a session's bearer out (in the
/// `authorization` response header and as the response payload).
pub async fn handshake(state: &Arc<AppState>, md: &MetadataMap) -> Result<Caller, Status> {
    let caller = caller(state, md, true).await?;
    if caller.issued.is_some() {
        // A session asked for by name: not provisional.
        caller.session.adopt();
        return Ok(caller);
    }
    // A bearer of an existing session shook hands again: keep it.
    Ok(Caller {
        issued: Some(caller.session.id.clone()),
        session: caller.session,
        named: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(value: &str) -> MetadataMap {
        let mut m = MetadataMap::new();
        m.insert("authorization", value.parse().unwrap());
        m
    }

    #[test]
    fn headers_are_read_as_clients_send_them() {
        assert!(matches!(
            credentials(&MetadataMap::new()),
            Credentials::None
        ));
        assert!(matches!(credentials(&md("Bearer abc")), Credentials::Bearer(t) if t == "abc"));
        assert!(matches!(credentials(&md("bearer  abc ")), Credentials::Bearer(t) if t == "abc"));
        // "shark:s3cret:x" — only the first colon splits; padding optional.
        assert!(matches!(
            credentials(&md("Basic bWU6d3Jvbmc")),
            Credentials::Basic { password } if password == "wrong"
        ));
        assert!(matches!(
            credentials(&md("Basic c2hhcms6czNjcmV0Ong=")),
            Credentials::Basic { password } if password == "s3cret:x"
        ));
        assert!(matches!(
            credentials(&md("Basic !!!")),
            Credentials::Malformed
        ));
        assert!(matches!(
            credentials(&md("Token x")),
            Credentials::Malformed
        ));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
