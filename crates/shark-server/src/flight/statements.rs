//! Statements over Flight SQL, on the HTTP API's road: a statement is
//! submitted like `POST /v1/statements` (the same checks, queue, session
//! lock, run time limit and result spool), its FlightInfo answers once the
//! result's columns are known, and its ticket names the query, whose
//! spooled rows `DoGet` streams batch by batch while the query still runs.

use super::auth::Scope;
use super::status::status;
use crate::query::Query;
use crate::runner::{submit, Submission};
use crate::sessions::ServerSession;
use crate::spool::Next;
use crate::state::AppState;
use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;
use arrow_flight::encode::FlightDataEncoderBuilder;
use arrow_flight::error::FlightError;
use arrow_flight::sql::{Any, Command, ProstMessageExt, TicketStatementQuery};
use arrow_flight::{CancelStatus, FlightDescriptor, FlightEndpoint, FlightInfo, Ticket};
use futures_util::{Stream, StreamExt};
use prost::Message;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tonic::Status;

/// What `DoGet` answers with.
pub type FlightDataStream =
    Pin<Box<dyn Stream<Item = Result<arrow_flight::FlightData, Status>> + Send + 'static>>;

/// Batches read ahead of a slow client.
const READ_AHEAD: usize = 2;

/// How long a stream waits for new rows before checking on its client.
const FOLLOW_POLL: Duration = Duration::from_millis(200);

/// Cancels a query whose client went away before it was answered.
struct CancelUnlessAnswered(Option<Arc<Query>>);

impl Drop for CancelUnlessAnswered {
    fn drop(&mut self) {
        if let Some(q) = self.0.take() {
            q.cancel();
        }
    }
}

/// Submits `sql` in `session`.
fn start(
    state: &Arc<AppState>,
    session: Arc<ServerSession>,
    sql: String,
) -> Result<Arc<Query>, Status> {
    submit(
        state,
        Submission {
            sql,
            database: None,
            max_rows: state.config.row_cap(None),
            user: session.owner.name.clone(),
            session: Some(session),
        },
    )
    .map_err(status)
}

/// The query's error, if it ended with one.
fn failure(q: &Query) -> Option<Status> {
    q.inner().error.as_ref().map(super::status::to_status)
}

/// The ticket that streams a query's rows.
pub fn ticket(query_id: &str) -> Ticket {
    let t = TicketStatementQuery {
        statement_handle: query_id.as_bytes().to_vec().into(),
    };
    Ticket::new(t.as_any().encode_to_vec())
}

/// Runs a statement and describes its result: its columns (empty for a
/// statement without rows) and the ticket to fetch them with. Answers when
/// the columns are known — at once for a query, at its end for others —
/// with the statement's error if it failed by then.
pub async fn execute(
    state: &Arc<AppState>,
    session: Arc<ServerSession>,
    sql: String,
    descriptor: FlightDescriptor,
) -> Result<FlightInfo, Status> {
    // One schema per FlightInfo: a script's later results would not match it.
    if shark::parse::split_statements(&sql).len() > 1 {
        return Err(Status::invalid_argument(
            "a query call runs one statement; run scripts as updates, or one statement at a time",
        ));
    }
    let query = start(state, session, sql)?;
    let mut guard = CancelUnlessAnswered(Some(query.clone()));
    let spool = query.result_spool().await;
    if let Some(e) = failure(&query) {
        guard.0 = None;
        return Err(e);
    }
    let schema = spool
        .map(|s| s.schema())
        .unwrap_or_else(|| Arc::new(Schema::empty()));
    let info = FlightInfo::new()
        .try_with_schema(&schema)
        .map_err(|e| Status::internal(e.to_string()))?
        .with_endpoint(FlightEndpoint::new().with_ticket(ticket(&query.id)))
        .with_descriptor(descriptor)
        .with_ordered(true)
        .with_total_records(-1)
        .with_total_bytes(-1);
    guard.0 = None;
    Ok(info)
}

/// Runs a statement to its end, for its effect; the rows changed are not
/// counted by the engine, so the count is -1 (unknown), as Flight SQL
/// allows.
pub async fn execute_update(
    state: &Arc<AppState>,
    session: Arc<ServerSession>,
    sql: String,
) -> Result<i64, Status> {
    let query = start(state, session, sql)?;
    let mut guard = CancelUnlessAnswered(Some(query.clone()));
    let wait = state.config.query_timeout() + Duration::from_secs(60);
    if !query.wait(wait).await.is_terminal() {
        // Still queued or running past any limit: give up on it.
        return Err(Status::deadline_exceeded(
            "the statement did not end within the server's run time limit",
        ));
    }
    guard.0 = None;
    match failure(&query) {
        Some(e) => Err(e),
        None => Ok(-1),
    }
}

/// The query a ticket names, if the call's `scope` may see it.
fn query_of(state: &AppState, handle: &[u8], scope: &Scope) -> Result<Arc<Query>, Status> {
    let id = std::str::from_utf8(handle)
        .map_err(|_| Status::invalid_argument("the ticket is not one of this server's"))?;
    let gone = || {
        Status::not_found(format!(
            "no query '{id}': results are kept {} s after their query ends",
            state.config.result_ttl_secs
        ))
    };
    let q = state.queries.get(id).ok_or_else(gone)?;
    if scope.sees(&q.user, q.session.as_deref()) {
        Ok(q)
    } else {
        Err(gone())
    }
}

/// Streams the rows of the query a ticket names, batch by batch from its
/// spool (following the query while it runs). A client that leaves before
/// the end cancels a query still running; a query that fails mid-way ends
/// the stream with its error, so no client takes part of a result for all
/// of it.
pub async fn stream(
    state: &Arc<AppState>,
    handle: &[u8],
    scope: &Scope,
) -> Result<FlightDataStream, Status> {
    let query = query_of(state, handle, scope)?;
    let permit = state.streams.clone().try_acquire_owned().map_err(|_| {
        Status::unavailable(format!(
            "{} result streams are open; retry later",
            state.config.max_streams
        ))
    })?;
    let spool = query.result_spool().await;
    if let Some(e) = failure(&query) {
        return Err(e);
    }
    let Some(spool) = spool else {
        let empty = FlightDataEncoderBuilder::new()
            .with_schema(Arc::new(Schema::empty()))
            .build(futures_util::stream::empty());
        return Ok(Box::pin(empty.map(|r| r.map_err(Status::from))));
    };
    let schema = spool.schema();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<RecordBatch, FlightError>>(READ_AHEAD);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let send = |item| tx.blocking_send(item).is_ok();
        let mut reader = match spool.reader(0, usize::MAX) {
            Ok(r) => r,
            Err(e) => {
                send(Err(FlightError::from(Status::internal(e.to_string()))));
                return;
            }
        };
        loop {
            if tx.is_closed() {
                break;
            }
            let item = match reader.next(Some(FOLLOW_POLL)) {
                Ok(Next::Pending) => continue,
                Ok(Next::Batch(b)) => Ok(b),
                Ok(Next::End) => {
                    // Rows past the server's --max-rows were dropped: say so
                    // rather than end as if complete.
                    let cut = query.inner().result.truncated;
                    if cut {
                        send(Err(FlightError::from(Status::resource_exhausted(format!(
                            "the result was cut at the server's --max-rows ({} rows)",
                            query.max_rows
                        )))));
                    }
                    return;
                }
                Ok(Next::Failed(why)) => Err(FlightError::from(Status::aborted(why))),
                Err(e) => Err(FlightError::from(Status::internal(e.to_string()))),
            };
            let failed = item.is_err();
            if !send(item) {
                break;
            }
            if failed {
                return;
            }
        }
        // The client left before the end.
        query.cancel();
    });
    let batches =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (b, rx)) });
    let data = FlightDataEncoderBuilder::new()
        .with_schema(schema)
        .build(batches);
    Ok(Box::pin(data.map(|r| r.map_err(Status::from))))
}

/// Cancels the queries a FlightInfo's tickets name (those `session` may
/// see).
pub fn cancel(state: &AppState, info: &FlightInfo, scope: &Scope) -> CancelStatus {
    let mut outcome = CancelStatus::NotCancellable;
    for endpoint in &info.endpoint {
        let Some(t) = &endpoint.ticket else { continue };
        let Ok(any) = Any::decode(&*t.ticket) else {
            continue;
        };
        let Ok(Command::TicketStatementQuery(t)) = Command::try_from(any) else {
            continue;
        };
        let Ok(query) = query_of(state, &t.statement_handle, scope) else {
            continue;
        };
        if query.state().is_terminal() {
            continue;
        }
        query.cancel();
        outcome = CancelStatus::Cancelled;
    }
    outcome
}
