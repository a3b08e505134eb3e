//! Who is calling: Flight SQL's authentication mapped onto the server's
//! users and sessions.
//!
//! A client shakes hands with HTTP basic credentials — its user name and
//! its token as the password (with `--users`, the name must be the
//! token's user; with only `--token`, any name; on an open server,
//! anything) — and gets back `authorization: Bearer <secret>`: a random
//! secret naming a new server session of that user, so `USE db` and `SET
//! k=v` persist for the connection, as for HTTP sessions (the same
//! registry, expiring when idle). A call that carries a user's own token
//! as its bearer (or, on an open server, nothing) gets a new session, and
//! its bearer in the response headers, which Flight clients (ADBC, JDBC)
//! adopt for their next calls. The session's id is never a credential.

use crate::policy::Vars;
use crate::sessions::ServerSession;
use crate::state::AppState;
use crate::users::Principal;
use base64::Engine;
use std::sync::Arc;
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::{Response, Status};

/// The session a call runs in.
pub struct Caller {
    /// The server session.
    pub session: Arc<ServerSession>,
    /// The user the call runs as (the session's owner).
    pub user: Principal,
    /// Set when the session was opened by this call: the bearer the client
    /// should use from now on (sent back in the response headers).
    pub issued: Option<String>,
    /// True when the client named the session (its bearer): what it
    /// creates is that session's, and what other sessions created is not.
    pub named: bool,
}

impl Caller {
    /// The session that owns what this call creates (`None` when the
    /// client did not name a session).
    pub fn owner(&self) -> Option<&str> {
        self.named.then_some(self.session.id.as_str())
    }

    /// What this call may see.
    pub fn scope(&self) -> Scope {
        Scope {
            user: self.user.clone(),
            session: self.owner().map(str::to_string),
        }
    }

    /// Adds the new session's bearer to a response, if this call opened one.
    pub fn stamp<T>(&self, mut response: Response<T>) -> Response<T> {
        if let Some(secret) = &self.issued {
            if let Ok(v) = MetadataValue::try_from(format!("Bearer {secret}")) {
                response.metadata_mut().insert("authorization", v);
            }
        }
        response
    }
}

/// What a call may see: its user's queries and prepared statements (an
/// admin's: everyone's) and, when it names a session, only that
/// session's among them.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The calling user.
    pub user: Principal,
    /// The session the call named, if any.
    pub session: Option<String>,
}

impl Scope {
    /// True when the call may see a thing `user` made in `session`.
    pub fn sees(&self, user: &str, session: Option<&str>) -> bool {
        self.user.may_access(user)
            && match (self.session.as_deref(), session) {
                (Some(mine), Some(theirs)) => mine == theirs,
                _ => true,
            }
    }
}

/// The scope of a call, or why it may not be made.
pub fn scope(state: &AppState, md: &MetadataMap) -> Result<Scope, Status> {
    Ok(match identify(state, md)? {
        Identity::Session(s) => {
            s.adopt();
            Scope {
                user: s.owner.clone(),
                session: Some(s.id.clone()),
            }
        }
        Identity::User(user) => Scope {
            user,
            session: None,
        },
    })
}

/// What the `authorization` header says.
enum Credentials {
    None,
    Bearer(String),
    Basic { user: String, password: String },
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
            Some((user, password)) => Credentials::Basic {
                user: user.to_string(),
                password: password.to_string(),
            },
            None => Credentials::Malformed,
        };
    }
    Credentials::Malformed
}

/// Who a call's credentials name: a live session (by its bearer) or a user.
enum Identity {
    Session(Arc<ServerSession>),
    User(Principal),
}

fn identify(state: &AppState, md: &MetadataMap) -> Result<Identity, Status> {
    match credentials(md) {
        Credentials::Bearer(t) => {
            if let Some(s) = state.sessions.by_secret(&t) {
                return Ok(Identity::Session(s));
            }
            match state.users.identify(&t) {
                Some(p) if !state.users.is_open() => Ok(Identity::User(p)),
                _ => Err(unknown_bearer()),
            }
        }
        Credentials::Basic { user, password } => match state.users.identify(&password) {
            // With a users file the name must be the token's user; with
            // only --token (or none) clients send whatever name they like.
            Some(p) if state.config.users.is_none() || user.trim() == p.name => {
                Ok(Identity::User(p))
            }
            _ => Err(Status::unauthenticated("wrong user name or password")),
        },
        Credentials::None if state.users.is_open() => Ok(Identity::User(Principal::anonymous())),
        Credentials::None => Err(missing()),
        Credentials::Malformed => Err(malformed()),
    }
}

/// Opens a new server session for `user` (on a blocking thread: it opens
/// the warehouse's metastore); `register`ed ones outlive the call (until
/// idle for `--session-idle-secs`).
pub async fn open_session(
    state: &Arc<AppState>,
    user: Principal,
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
    let session = ServerSession::new(state.new_session_id(), engine, Vars::default(), user);
    // Kept only if the client comes back with its bearer.
    let session = Arc::new(session.provisional());
    if register {
        state.sessions.insert(session.clone());
        tracing::info!(session = %session.id, user = %session.owner.name, "flight session opened");
    }
    Ok(session)
}

/// The user a call runs as, or why it may not be made.
pub fn check(state: &AppState, md: &MetadataMap) -> Result<Principal, Status> {
    Ok(match identify(state, md)? {
        Identity::Session(s) => {
            s.adopt();
            s.owner.clone()
        }
        Identity::User(p) => p,
    })
}

fn missing() -> Status {
    Status::unauthenticated(
        "missing credentials: shake hands with a user and password (your token), or send authorization: Bearer <token>",
    )
}

fn unknown_bearer() -> Status {
    Status::unauthenticated(
        "unknown or expired bearer token: shake hands again (user and password, the password being your token)",
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
    match identify(state, md)? {
        Identity::Session(session) => {
            session.adopt();
            Ok(Caller {
                user: session.owner.clone(),
                session,
                issued: None,
                named: true,
            })
        }
        Identity::User(user) => {
            let session = open_session(state, user.clone(), issue).await?;
            Ok(Caller {
                issued: issue.then(|| session.secret.clone()),
                session,
                user,
                named: false,
            })
        }
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
        issued: Some(caller.session.secret.clone()),
        session: caller.session,
        user: caller.user,
        named: true,
    })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
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
            Credentials::Basic { user, password } if user == "me" && password == "wrong"
        ));
        assert!(matches!(
            credentials(&md("Basic c2hhcms6czNjcmV0Ong=")),
            Credentials::Basic { password, .. } if password == "s3cret:x"
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
}
