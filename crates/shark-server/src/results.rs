//! Result rows in the forms clients ask for: JSON pages, an Arrow IPC
//! stream, CSV and newline-delimited JSON (the last two streamed batch by
//! batch).

use crate::error::ApiError;
use arrow::datatypes::SchemaRef;
use arrow::ipc::writer::StreamWriter;
use arrow::record_batch::RecordBatch;
use axum::body::{Body, Bytes};
use serde_json::{json, Value};

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

/// The batches as one Arrow IPC stream.
pub fn arrow_stream(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<Vec<u8>, ApiError> {
    let fail = |e: arrow::error::ArrowError| ApiError::internal(format!("Arrow IPC: {e}"));
    let mut w = StreamWriter::try_new(Vec::new(), schema).map_err(fail)?;
    for b in batches {
        let b = RecordBatch::try_new(schema.clone(), b.columns().to_vec()).unwrap_or(b.clone());
        w.write(&b).map_err(fail)?;
    }
    w.into_inner().map_err(fail)
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

/// A CSV body with a header line, rendered one batch at a time.
pub fn csv_body(schema: &SchemaRef, batches: Vec<RecordBatch>) -> Body {
    let header: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| csv_field(f.name()))
        .collect();
    let header = format!("{}\r\n", header.join(","));
    let chunks = std::iter::once(Bytes::from(header))
        .chain(batches.into_iter().map(|b| Bytes::from(csv_lines(&b))));
    stream(chunks)
}

/// One JSON object per row, one line each, rendered one batch at a time.
pub fn ndjson_body(batches: Vec<RecordBatch>) -> Body {
    stream(batches.into_iter().map(|b| {
        let mut out = String::new();
        for v in crate::json::objects(&b) {
            out.push_str(&v.to_string());
            out.push('\n');
        }
        Bytes::from(out)
    }))
}

fn stream(chunks: impl Iterator<Item = Bytes> + Send + 'static) -> Body {
    Body::from_stream(futures_util::stream::iter(
        chunks.map(Ok::<_, std::convert::Infallible>),
    ))
}
