//! Result rows in the forms clients ask for: JSON pages, and the streamed
//! formats — an Arrow IPC stream, CSV and newline-delimited JSON — read
//! from the query's spool one batch at a time, so a result of any size
//! streams in bounded memory, and follows the query while it still runs.

use crate::error::ApiError;
use crate::query::Query;
use crate::spool::{Next, Spool};
use arrow::datatypes::SchemaRef;
use arrow::ipc::writer::StreamWriter;
use arrow::record_batch::RecordBatch;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// The media type of an Arrow IPC stream.
pub const ARROW_STREAM: &str = "application/vnd.apache.arrow.stream";

/// `[{"name", "type"}]` with Hive's type names.
pub fn columns(schema: &SchemaRef) -> Value {
    Value::Array(
        schema
            .fields()
            .iter()
            .map(|f| json!({ "name": f.name(), "type": shark::types::type_name(f.data_type()) }))
            .collect(),
    )
}

/// All rows of the batches as JSON arrays.
pub fn json_rows(batches: &[RecordBatch]) -> Vec<Value> {
    batches.iter().flat_map(crate::json::rows).collect()
}

/// A format rows stream in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Arrow IPC stream: the schema, then the batches.
    Arrow,
    /// RFC 4180 with a header line, values in Hive's text forms.
    Csv,
    /// One JSON object per row.
    Ndjson,
}

impl Format {
    /// A `format=` parameter: `None` for JSON pages.
    pub fn parse(name: &str) -> Result<Option<Format>, ApiError> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Ok(None),
            "arrow" => Ok(Some(Format::Arrow)),
            "csv" => Ok(Some(Format::Csv)),
            "ndjson" => Ok(Some(Format::Ndjson)),
            other => Err(ApiError::request(format!(
                "unknown format '{other}': json, csv, ndjson or arrow"
            ))),
        }
    }

    /// The format an `Accept` header asks for, if one of the streamed ones.
    pub fn from_accept(headers: &HeaderMap) -> Option<Format> {
        let accept = headers.get(header::ACCEPT)?.to_str().ok()?;
        if accept.contains(ARROW_STREAM) {
            Some(Format::Arrow)
        } else if accept.contains("text/csv") {
            Some(Format::Csv)
        } else if accept.contains("application/x-ndjson") {
            Some(Format::Ndjson)
        } else {
            None
        }
    }

    /// The `Content-Type` of a body in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Arrow => ARROW_STREAM,
            Format::Csv => "text/csv; charset=utf-8",
            Format::Ndjson => "application/x-ndjson",
        }
    }
}

fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

/// RFC 4180 lines of a batch in Hive's text forms; NULL is an empty field.
fn csv_lines(b: &RecordBatch) -> String {
    let cols: Vec<Vec<Option<String>>> = b
        .columns()
        .iter()
        .map(|c| hive::text::render_column(c).unwrap_or_else(|_| vec![None; c.len()]))
        .collect();
    let mut out = String::new();
    for r in 0..b.num_rows() {
        let cells: Vec<String> = cols
            .iter()
            .map(|c| c[r].as_deref().map(csv_field).unwrap_or_default())
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn ndjson_lines(b: &RecordBatch) -> String {
    let mut out = String::new();
    for v in crate::json::objects(b) {
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

/// Turns batches into the bytes of one format, piece by piece.
enum Encoder {
    Arrow(Box<StreamWriter<Vec<u8>>>),
    Csv,
    Ndjson,
}

type Chunk = Result<Bytes, std::io::Error>;

fn arrow_io(e: arrow::error::ArrowError) -> std::io::Error {
    std::io::Error::other(format!("Arrow IPC: {e}"))
}

impl Encoder {
    /// The encoder and the bytes that open the body.
    fn start(format: Format, schema: &SchemaRef) -> Result<(Encoder, Bytes), std::io::Error> {
        Ok(match format {
            Format::Arrow => {
                let mut w = StreamWriter::try_new(Vec::new(), schema).map_err(arrow_io)?;
                let head = std::mem::take(w.get_mut());
                (Encoder::Arrow(Box::new(w)), Bytes::from(head))
            }
            Format::Csv => {
                let names: Vec<String> = schema
                    .fields()
                    .iter()
                    .map(|f| csv_field(f.name()))
                    .collect();
                let head = if names.is_empty() {
                    String::new()
                } else {
                    format!("{}\r\n", names.join(","))
                };
                (Encoder::Csv, Bytes::from(head))
            }
            Format::Ndjson => (Encoder::Ndjson, Bytes::new()),
        })
    }

    fn batch(&mut self, b: &RecordBatch) -> Result<Bytes, std::io::Error> {
        Ok(match self {
            Encoder::Arrow(w) => {
                w.write(b).map_err(arrow_io)?;
                Bytes::from(std::mem::take(w.get_mut()))
            }
            Encoder::Csv => Bytes::from(csv_lines(b)),
            Encoder::Ndjson => Bytes::from(ndjson_lines(b)),
        })
    }

    fn finish(&mut self) -> Result<Bytes, std::io::Error> {
        Ok(match self {
            Encoder::Arrow(w) => {
                w.finish().map_err(arrow_io)?;
                Bytes::from(std::mem::take(w.get_mut()))
            }
            _ => Bytes::new(),
        })
    }
}

/// The body of a result without rows (the statements returned none).
pub fn empty_body(format: Format) -> Body {
    let schema = Arc::new(arrow::datatypes::Schema::empty());
    let bytes = Encoder::start(format, &schema).and_then(|(mut e, head)| {
        let tail = e.finish()?;
        Ok([head, tail].concat())
    });
    Body::from(bytes.unwrap_or_default())
}

/// How long a reader at the end of a running query's rows waits before
/// checking that its client is still there.
const FOLLOW_POLL: Duration = Duration::from_millis(200);

/// Chunks read ahead of a slow client.
const READ_AHEAD: usize = 4;

/// Rows `offset..offset+limit` of `spool` in `format`, read on a blocking
/// thread a few batches ahead of the client and following the query while
/// it still writes. A query that fails mid-way ends the body with an error
/// (the connection closes without the final chunk), so a client never takes
/// part of a result for all of it. With `owner`, a client that goes away
/// before the end cancels that query (it was the only reader).
pub fn stream_body(
    spool: Arc<Spool>,
    format: Format,
    (offset, limit): (usize, usize),
    owner: Option<Arc<Query>>,
    client: Option<(Arc<crate::peers::Peers>, std::net::SocketAddr)>,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(READ_AHEAD);
    tokio::task::spawn_blocking(move || {
        // The stream's place among the server's concurrent streams, held
        // while this (blocking) thread serves it.
        let _permit = permit;
        let left = || client.as_ref().is_some_and(|(peers, at)| peers.gone(*at));
        let ended = pump(&spool, format, (offset, limit), &tx, &left);
        if !ended {
            if let Some(q) = owner {
                q.cancel();
            }
        }
    });
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }))
}

/// Sends the chunks; `false` when the client left before the end.
fn pump(
    spool: &Arc<Spool>,
    format: Format,
    (offset, limit): (usize, usize),
    tx: &tokio::sync::mpsc::Sender<Chunk>,
    client_left: &dyn Fn() -> bool,
) -> bool {
    let send = |c: Chunk| tx.blocking_send(c).is_ok();
    let mut reader = match spool.reader(offset, limit) {
        Ok(r) => r,
        Err(e) => return send(Err(e)),
    };
    let mut encoder = match Encoder::start(format, &spool.schema()) {
        Ok((e, head)) => {
            if !send(Ok(head)) {
                return false;
            }
            e
        }
        Err(e) => return send(Err(e)),
    };
    loop {
        if tx.is_closed() {
            return false;
        }
        let chunk = match reader.next(Some(FOLLOW_POLL)) {
            // Waiting for rows: is anyone still waiting for them?
            Ok(Next::Pending) if client_left() => return false,
            Ok(Next::Pending) => continue,
            Ok(Next::Batch(b)) => encoder.batch(&b),
            Ok(Next::End) => {
                let tail = encoder.finish();
                return send(tail);
            }
            Ok(Next::Failed(why)) => {
                send(Err(std::io::Error::other(why)));
                return true;
            }
            Err(e) => Err(e),
        };
        let failed = chunk.is_err();
        if !send(chunk) {
            return false;
        }
        if failed {
            return true;
        }
    }
}
