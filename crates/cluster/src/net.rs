//! The network underneath: one tokio runtime per process, Flight clients
//! with explicit message limits (cached per address), and the blocking
//! bridges that let engine threads call them.

use crate::protocol::MAX_MESSAGE_BYTES;
use arrow::ipc::reader::StreamReader;
use arrow::record_batch::RecordBatch;
use arrow_flight::flight_service_client::FlightServiceClient;
use arrow_flight::{Action, Ticket};
use futures_util::{StreamExt, TryStreamExt};
use rdd::RddError;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tonic::transport::{Channel, Endpoint};

/// The process's runtime for cluster traffic (servers and clients). Engine
/// threads hand it futures and wait (`wait`, channels); its own threads
/// never block.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("cluster-net")
            .enable_all()
            .build()
            .expect("the cluster runtime starts")
    })
}

/// Runs `f` on the cluster runtime and waits for its output: works from
/// any thread, also from inside a front end's own tokio runtime (where
/// `block_on` would panic).
pub(crate) fn wait<F>(f: F) -> Result<F::Output, RddError>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    runtime().spawn(async move {
        let _ = tx.send(f.await);
    });
    rx.recv()
        .map_err(|_| RddError::Task("a cluster call was aborted".into()))
}

/// A Flight client.
pub(crate) type Client = FlightServiceClient<Channel>;

fn clients() -> &'static Mutex<HashMap<String, Client>> {
    static CLIENTS: OnceLock<Mutex<HashMap<String, Client>>> = OnceLock::new();
    CLIENTS.get_or_init(Mutex::default)
}

/// A client of the Flight service at `address` (`http://host:port`),
/// connected within `timeout`.
pub(crate) async fn connect(address: &str, timeout: Duration) -> Result<Client, RddError> {
    if let Some(c) = clients().lock().unwrap().get(address) {
        return Ok(c.clone());
    }
    let endpoint = Endpoint::from_shared(address.to_string())
        .map_err(|e| RddError::InvalidArgument(format!("bad address {address}: {e}")))?
        .connect_timeout(timeout)
        .tcp_nodelay(true)
        // A peer that froze or vanished without closing its connection is
        // found out by HTTP/2 pings, not waited for forever.
        .http2_keep_alive_interval(Duration::from_secs(5))
        .keep_alive_timeout(Duration::from_secs(10))
        .keep_alive_while_idle(true);
    let channel = endpoint
        .connect()
        .await
        .map_err(|e| unreachable(address, e))?;
    let client = FlightServiceClient::new(channel)
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    clients()
        .lock()
        .unwrap()
        .insert(address.to_string(), client.clone());
    Ok(client)
}

/// Drops the cached client of `address` (its peer went away).
pub(crate) fn forget(address: &str) {
    clients().lock().unwrap().remove(address);
}

/// The error for a peer that does not answer.
pub(crate) fn unreachable(address: &str, e: impl std::fmt::Display) -> RddError {
    RddError::Io {
        path: address.to_string(),
        message: format!("cannot reach {address}: {e}"),
    }
}

/// Runs action `name` with `body` and collects its answers.
pub(crate) async fn call(
    address: &str,
    name: &str,
    body: Vec<u8>,
    timeout: Duration,
) -> Result<Vec<Vec<u8>>, RddError> {
    let mut client = connect(address, timeout).await?;
    let request = Action {
        r#type: name.to_string(),
        body: body.into(),
    };
    let answer = async {
        let stream = client.do_action(request).await?.into_inner();
        stream
            .map_ok(|r| r.body.to_vec())
            .try_collect::<Vec<_>>()
            .await
    };
    match tokio::time::timeout(timeout, answer).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(status)) => {
            if status.code() == tonic::Code::Unavailable {
                forget(address);
            }
            Err(status_error(address, status))
        }
        Err(_) => Err(unreachable(address, "no answer in time")),
    }
}

/// The engine error a failed call stands for: the peer's own refusal
/// (`FailedPrecondition`, `InvalidArgument`) is final; anything else is
/// the link.
pub(crate) fn status_error(address: &str, status: tonic::Status) -> RddError {
    match status.code() {
        tonic::Code::FailedPrecondition | tonic::Code::InvalidArgument => {
            RddError::Fatal(status.message().to_string())
        }
        _ => unreachable(address, status.message()),
    }
}

/// Record batches read from a peer's `do_get`, for engine threads.
pub struct RemoteBatches {
    rx: std::sync::mpsc::Receiver<Result<RecordBatch, RddError>>,
}

/// What waiting for the next batch gave.
pub enum Fetched {
    /// A batch, or why the stream failed.
    Batch(Result<RecordBatch, RddError>),
    /// Nothing yet: ask again (after checking for cancellation).
    Pending,
    /// The stream ended.
    End,
}

impl RemoteBatches {
    /// The next batch, waiting at most `wait` (engine threads only: it
    /// blocks).
    pub fn next_within(&mut self, wait: Duration) -> Fetched {
        match self.rx.recv_timeout(wait) {
            Ok(b) => Fetched::Batch(b),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Fetched::Pending,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Fetched::End,
        }
    }
}

/// Hands `value` to an engine thread reading `tx` without blocking a
/// runtime thread (it waits asynchronously while the channel is full);
/// false when nobody reads any more.
pub(crate) async fn send_to_engine<T>(tx: &std::sync::mpsc::SyncSender<T>, mut value: T) -> bool {
    loop {
        match tx.try_send(value) {
            Ok(()) => return true,
            Err(std::sync::mpsc::TrySendError::Full(v)) => {
                value = v;
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => return false,
        }
    }
}

/// Streams the batches of the Arrow IPC streams the Flight service at
/// `address` serves for `ticket` (a shuffle block). A peer that cannot be
/// reached, or a stream that breaks, yields an `Io` error.
pub fn fetch_batches(address: &str, ticket: Vec<u8>, timeout: Duration) -> RemoteBatches {
    let (tx, rx) = std::sync::mpsc::sync_channel(4);
    let address = address.to_string();
    runtime().spawn(async move {
        let result: Result<(), RddError> = async {
            let mut client = connect(&address, timeout).await?;
            let response = client
                .do_get(Ticket {
                    ticket: ticket.into(),
                })
                .await
                .map_err(|s| {
                    forget(&address);
                    status_error(&address, s)
                })?;
            let mut messages = response.into_inner();
            while let Some(m) = messages.next().await {
                let m = m.map_err(|s| unreachable(&address, s.message()))?;
                let bad = |e: arrow::error::ArrowError| {
                    RddError::Serde(format!("a block from {address}: {e}"))
                };
                let reader =
                    StreamReader::try_new(std::io::Cursor::new(m.data_body), None).map_err(bad)?;
                for b in reader {
                    if !send_to_engine(&tx, Ok(b.map_err(bad)?)).await {
                        return Ok(());
                    }
                }
            }
            Ok(())
        }
        .await;
        if let Err(e) = result {
            send_to_engine(&tx, Err(e)).await;
        }
    });
    RemoteBatches { rx }
}
