//! Marks each request in flight on its connection until its response's
//! body has been sent (a streamed result can outlive its handler by
//! hours), so the idle limit of `peers` closes only connections that are
//! really idle.

use crate::peers::{InFlight, Peer};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The middleware: counts the request on its connection.
pub(super) async fn track(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let guard = req
        .extensions()
        .get::<ConnectInfo<Peer>>()
        .and_then(|c| state.peers.begin(c.0 .0));
    let response = next.run(req).await;
    match guard {
        None => response,
        Some(guard) => response.map(|body| {
            Body::new(Guarded {
                inner: body,
                _guard: guard,
            })
        }),
    }
}

/// A response body that holds its request's place until it is dropped.
struct Guarded {
    inner: Body,
    _guard: InFlight,
}

impl http_body::Body for Guarded {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }
}
