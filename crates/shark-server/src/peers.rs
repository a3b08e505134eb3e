//! Which HTTP clients are still connected. A streamed result waits on the
//! engine between chunks (a partition of a big join can take minutes), and
//! while it waits nothing reads or writes the client's socket, so a client
//! that hung up is noticed only at the next write — after the query did
//! all that work for no one. Each accepted connection's socket is kept
//! here (a duplicate of its descriptor) by its peer address; a streaming
//! response asks `gone`, which peeks at the socket without taking data: end
//! of stream or a reset means the client left, and its query is cancelled.
//!
//! Each connection also counts its requests in flight ([`Peers::begin`]):
//! one with none for longer than the idle limit — a client idle between
//! requests, or one sending its headers a byte at a time — is closed, so
//! slow or forgotten clients do not hold sockets and threads for ever.

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// The client's address, as handlers see it (`ConnectInfo<Peer>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Peer(pub SocketAddr);

/// The open client connections, by peer address.
pub struct Peers {
    sockets: Mutex<HashMap<SocketAddr, Watched>>,
    idle_limit: Duration,
}

impl Default for Peers {
    fn default() -> Self {
        Peers::new(Duration::from_secs(60))
    }
}

/// One watched connection.
struct Watched {
    socket: Option<std::net::TcpStream>,
    activity: Arc<Activity>,
}

/// A connection's requests in flight, and since when it has had none.
#[derive(Debug)]
pub struct Activity {
    in_flight: AtomicUsize,
    idle_since: Mutex<Instant>,
    reader: Mutex<Option<Waker>>,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            in_flight: AtomicUsize::new(0),
            idle_since: Mutex::new(Instant::now()),
            reader: Mutex::new(None),
        }
    }

    /// When the connection is to be closed unless a request begins (never,
    /// past the clock's range).
    fn deadline(&self, limit: Duration) -> Option<Instant> {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return None;
        }
        self.idle_since
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .checked_add(limit)
    }
}

/// A request in flight on a connection; the connection's idle time starts
/// again when the last one is dropped (with its response's body).
pub struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        *self.0.idle_since.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            // The connection may be parked in a read with no timer set.
            if let Some(w) = self
                .0
                .reader
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
            {
                w.wake();
            }
        }
    }
}

/// True when the socket's client has closed it or reset it.
fn closed(s: &std::net::TcpStream) -> bool {
    let mut byte = [0u8; 1];
    match s.peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
        ),
    }
}

impl Peers {
    /// Watches connections, closing those with no request in flight for
    /// longer than `idle_limit`.
    pub fn new(idle_limit: Duration) -> Peers {
        Peers {
            sockets: Mutex::default(),
            idle_limit: idle_limit.max(Duration::from_millis(10)),
        }
    }

    /// Starts watching a just-accepted connection; it is forgotten when
    /// the returned stream (which the server reads and writes) is dropped,
    /// so the watch never keeps a connection open.
    pub fn watch(self: &Arc<Self>, peer: SocketAddr, stream: TcpStream) -> WatchedStream {
        use std::os::fd::AsFd;
        let socket = stream
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(std::net::TcpStream::from)
            .filter(|dup| dup.set_nonblocking(true).is_ok());
        let activity = Arc::new(Activity::new());
        self.lock().insert(
            peer,
            Watched {
                socket,
                activity: activity.clone(),
            },
        );
        WatchedStream {
            inner: stream,
            peers: self.clone(),
            peer,
            activity,
            timer: Box::pin(tokio::time::sleep(self.idle_limit)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SocketAddr, Watched>> {
        self.sockets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks a request in flight on `peer`'s connection until the guard
    /// drops (`None` for an unknown peer).
    pub fn begin(&self, peer: SocketAddr) -> Option<InFlight> {
        let activity = self.lock().get(&peer)?.activity.clone();
        activity.in_flight.fetch_add(1, Ordering::SeqCst);
        Some(InFlight(activity))
    }

    /// True when the client at `peer` hung up (false when unknown).
    pub fn gone(&self, peer: SocketAddr) -> bool {
        self.lock()
            .get(&peer)
            .and_then(|w| w.socket.as_ref())
            .is_some_and(closed)
    }

    /// Resolves once the client at `peer` hangs up (never for an unknown
    /// peer); looks a few times a second.
    pub async fn hang_up(&self, peer: SocketAddr) {
        loop {
            if self.gone(peer) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }

    /// Connections being watched.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when no connection is watched.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A connection as the HTTP server uses it; dropping it ends the watch.
pub struct WatchedStream {
    inner: TcpStream,
    peers: Arc<Peers>,
    peer: SocketAddr,
    activity: Arc<Activity>,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl WatchedStream {
    /// True once the connection has been idle past the limit (and arms
    /// the timer that wakes the reader when it will be).
    fn idle_too_long(&mut self, cx: &mut Context<'_>) -> bool {
        *self
            .activity
            .reader
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(cx.waker().clone());
        let Some(deadline) = self.activity.deadline(self.peers.idle_limit) else {
            return false;
        };
        if Instant::now() >= deadline {
            return true;
        }
        self.timer.as_mut().reset(deadline.into());
        self.timer.as_mut().poll(cx).is_ready()
    }
}

impl Drop for WatchedStream {
    fn drop(&mut self) {
        // Only this connection's entry: a newer one from the same address
        // (a reused port) keeps its own.
        let mut m = self.peers.lock();
        if m.get(&self.peer)
            .is_some_and(|w| Arc::ptr_eq(&w.activity, &self.activity))
        {
            m.remove(&self.peer);
        }
    }
}

impl AsyncRead for WatchedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        // Checked before reading: a client trickling its headers a byte
        // at a time is as idle as a silent one.
        if self.idle_too_long(cx) {
            tracing::debug!(peer = %self.peer, "closing an idle connection");
            // End of stream: the server closes the connection.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for WatchedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A TCP listener whose connections are watched in `Peers`.
pub struct WatchedListener {
    inner: TcpListener,
    peers: Arc<Peers>,
}

impl WatchedListener {
    /// Watches what `inner` accepts.
    pub fn new(inner: TcpListener, peers: Arc<Peers>) -> WatchedListener {
        WatchedListener { inner, peers }
    }
}

impl axum::serve::Listener for WatchedListener {
    type Io = WatchedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, peer)) => return (self.peers.watch(peer, stream), peer),
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

impl Connected<IncomingStream<'_, WatchedListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, WatchedListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_client_that_hangs_up_is_seen_gone() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let client = std::net::TcpStream::connect(addr).unwrap();
        let (server_side, peer) = l.accept().await.unwrap();
        let peers = Arc::new(Peers::default());
        let server_side = peers.watch(peer, server_side);
        assert!(!peers.gone(peer));
        // Data waiting to be read is not a hang-up.
        use std::io::Write;
        (&client).write_all(b"GET").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!peers.gone(peer));
        let mut buf = [0u8; 3];
        let mut s = server_side;
        tokio::io::AsyncReadExt::read_exact(&mut s, &mut buf)
            .await
            .unwrap();
        drop(client);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(peers.gone(peer));
        drop(s);
        assert!(peers.is_empty());
        // The watch ends with the connection (it never holds one open).
        let client = std::net::TcpStream::connect(addr).unwrap();
        let (raw, peer) = l.accept().await.unwrap();
        let s2 = peers.watch(peer, raw);
        assert_eq!(peers.len(), 1);
        drop(s2);
        assert!(peers.is_empty());
        let mut buf = [0u8; 1];
        use std::io::Read;
        assert_eq!(
            (&client).read(&mut buf).unwrap(),
            0,
            "the client sees the close"
        );
    }
}
