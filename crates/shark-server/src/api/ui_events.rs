//! `GET /api/v1/events`: one Server-Sent Events stream per browser tab
//! telling the web UI what changed, so it refetches only the view it
//! shows. Changes are coalesced: the server looks every 300 ms and sends
//! at most one `update` then, only when something moved. The stream ends
//! when the server shuts down (so it never holds a graceful shutdown), and
//! a server keeps at most `MAX_STREAMS` open.

use crate::error::ApiError;
use crate::state::AppState;
use crate::users::Principal;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::stream::{self, Stream};
use serde_json::json;
use std::convert::Infallible;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// How often the stream looks for changes.
const TICK: Duration = Duration::from_millis(300);

/// Event streams one server keeps open at most.
pub(crate) const MAX_STREAMS: usize = 256;

/// What the UI's views depend on, each as a fingerprint.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
struct Marks {
    queries: u64,
    engine: u64,
    storage: u64,
}

fn hash(v: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// What changed, as `user` may see it (their own queries; an admin's all).
fn marks(state: &AppState, user: &Principal) -> (Marks, Vec<String>) {
    let newest = state
        .queries
        .recent_of(1, user)
        .first()
        .map(|q| q.id.clone());
    let mut running: Vec<(String, &'static str)> = state
        .queries
        .active()
        .iter()
        .filter(|q| user.may_access(&q.user))
        .map(|q| (q.id.clone(), q.state().name()))
        .collect();
    running.sort();
    let storage = state.ctx.storage_status();
    let cached = shark::cache::TableCache::of(&state.ctx).keys();
    let marks = Marks {
        queries: hash((&newest, &running, state.queries.dropped())),
        engine: state.ui.seq(),
        storage: hash((
            storage
                .iter()
                .map(|s| (s.rdd_id, s.cached_partitions, s.memory_bytes, s.disk_bytes))
                .collect::<Vec<_>>(),
            cached,
        )),
    };
    (marks, running.into_iter().map(|(id, _)| id).collect())
}

/// Holds a place among the open streams; gives it back when dropped.
struct Slot(Arc<AppState>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.event_streams.fetch_sub(1, Ordering::SeqCst);
    }
}

fn updates(state: Arc<AppState>, user: Principal) -> impl Stream<Item = Result<Event, Infallible>> {
    let slot = Slot(state);
    // The first tick always sends: the client learns what runs now.
    stream::unfold(
        (slot, None::<Marks>, 0u64, user),
        |(slot, last, seq, user)| async move {
            loop {
                if last.is_some() {
                    tokio::time::sleep(TICK).await;
                }
                if slot.0.is_shutting_down() {
                    return None;
                }
                let (now, running) = marks(&slot.0, &user);
                let changed: Vec<&str> = match last {
                    None => vec!["sql", "jobs", "stages", "storage", "executors"],
                    Some(l) if l == now => continue,
                    Some(l) => {
                        let mut c = Vec::new();
                        if l.queries != now.queries || l.engine != now.engine {
                            c.push("sql");
                        }
                        if l.engine != now.engine {
                            c.extend(["jobs", "stages", "executors"]);
                        }
                        if l.storage != now.storage {
                            c.push("storage");
                        }
                        c
                    }
                };
                let data = json!({ "seq": seq + 1, "running": running, "changed": changed });
                let event = Event::default().event("update").data(data.to_string());
                return Some((Ok(event), (slot, Some(now), seq + 1, user)));
            }
        },
    )
}

/// `GET /api/v1/events`
pub(super) async fn events(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
) -> Response {
    if state.event_streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        state.event_streams.fetch_sub(1, Ordering::SeqCst);
        return ApiError::limit(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{MAX_STREAMS} event streams are open; poll the API instead"),
        )
        .into_response();
    }
    let mut response = Sse::new(updates(state, user))
        .keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(15))
                .text("ping"),
        )
        .into_response();
    // Proxies must pass events through as they come.
    response
        .headers_mut()
        .insert("x-accel-buffering", "no".parse().expect("valid header"));
    response
        .headers_mut()
        .insert("cache-control", "no-cache".parse().expect("valid header"));
    response
}
