//! Prepared statements: the statement text kept under a handle with the
//! parameters last bound to it. HiveQL has no server-side plan cache to
//! keep, so preparing checks and describes the statement (its result's
//! columns, from its plan, no job run) and executing binds the values as
//! literals and runs it as any other statement.

use super::params;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tonic::Status;

/// Prepared statements a server keeps at once; past it, the ones unused
/// longest go (clients that never close them cannot grow the server).
pub const MAX_PREPARED: usize = 10_000;

/// One prepared statement.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The statement, with its `?` markers.
    pub sql: String,
    /// One field per marker.
    pub parameters: SchemaRef,
    /// The values bound last (a row per execution).
    pub bound: Option<RecordBatch>,
    last_used: Instant,
}

impl Prepared {
    /// A statement to keep.
    pub fn new(sql: String) -> Result<Prepared, Status> {
        let markers = params::markers(&sql).map_err(Status::invalid_argument)?;
        // Hive infers no parameter types: each is described as a string, and
        // values of any type are taken as bound.
        let fields: Vec<Field> = (1..=markers.len())
            .map(|i| Field::new(format!("${i}"), DataType::Utf8, true))
            .collect();
        Ok(Prepared {
            sql,
            parameters: std::sync::Arc::new(Schema::new(fields)),
            bound: None,
            last_used: Instant::now(),
        })
    }

    /// The statements to run: one per bound row (the statement as it is
    /// when it has no markers).
    pub fn statements(&self, values: Option<&RecordBatch>) -> Result<Vec<String>, Status> {
        let values = values.or(self.bound.as_ref());
        let markers = self.parameters.fields().len();
        match values {
            None if markers == 0 => Ok(vec![self.sql.clone()]),
            None => Err(Status::invalid_argument(format!(
                "the statement has {markers} parameter(s); bind values before executing it"
            ))),
            Some(v) => (0..v.num_rows())
                .map(|row| params::bind(&self.sql, v, row).map_err(Status::invalid_argument))
                .collect(),
        }
    }
}

/// Prepared statements by handle.
#[derive(Default)]
pub struct PreparedStatements {
    map: Mutex<HashMap<String, Prepared>>,
}

impl PreparedStatements {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Prepared>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps a statement under `handle`; drops ones unused for `idle`, and
    /// the least recently used past [`MAX_PREPARED`].
    pub fn insert(&self, handle: String, p: Prepared, idle: Duration) {
        let mut m = self.lock();
        m.retain(|_, p| p.last_used.elapsed() <= idle);
        while m.len() >= MAX_PREPARED {
            let Some(oldest) = m
                .iter()
                .min_by_key(|(_, p)| p.last_used)
                .map(|(h, _)| h.clone())
            else {
                break;
            };
            m.remove(&oldest);
        }
        m.insert(handle, p);
    }

    /// The statement under `handle`, marked used.
    pub fn get(&self, handle: &[u8]) -> Result<Prepared, Status> {
        let key = std::str::from_utf8(handle).unwrap_or_default();
        let mut m = self.lock();
        let p = m.get_mut(key).ok_or_else(|| {
            Status::not_found("no such prepared statement: it was closed or expired")
        })?;
        p.last_used = Instant::now();
        Ok(p.clone())
    }

    /// Binds values to the statement under `handle`.
    pub fn bind(&self, handle: &[u8], values: RecordBatch) -> Result<(), Status> {
        let key = std::str::from_utf8(handle).unwrap_or_default();
        let mut m = self.lock();
        let p = m.get_mut(key).ok_or_else(|| {
            Status::not_found("no such prepared statement: it was closed or expired")
        })?;
        if values.num_columns() != p.parameters.fields().len() {
            return Err(Status::invalid_argument(format!(
                "the statement has {} parameter(s) but {} were bound",
                p.parameters.fields().len(),
                values.num_columns()
            )));
        }
        p.bound = Some(values);
        p.last_used = Instant::now();
        Ok(())
    }

    /// Forgets the statement under `handle`.
    pub fn close(&self, handle: &[u8]) {
        let key = std::str::from_utf8(handle).unwrap_or_default();
        self.lock().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int32Array;
    use std::sync::Arc;

    #[test]
    fn binds_run_once_per_row_and_unbound_markers_are_refused() {
        let p = Prepared::new("SELECT ? + 1".into()).unwrap();
        assert_eq!(p.parameters.fields().len(), 1);
        assert!(p.statements(None).is_err());
        let v = RecordBatch::try_from_iter([("a", Arc::new(Int32Array::from(vec![1, 2])) as _)])
            .unwrap();
        assert_eq!(
            p.statements(Some(&v)).unwrap(),
            ["SELECT 1 + 1", "SELECT 2 + 1"]
        );
        let plain = Prepared::new("SELECT 1".into()).unwrap();
        assert_eq!(plain.statements(None).unwrap(), ["SELECT 1"]);
    }

    #[test]
    fn closed_and_unknown_handles_are_not_found() {
        let s = PreparedStatements::default();
        let p = Prepared::new("SELECT ?".into()).unwrap();
        s.insert("h1".into(), p, Duration::from_secs(60));
        assert!(s.get(b"h1").is_ok());
        let bad = RecordBatch::try_from_iter([
            ("a", Arc::new(Int32Array::from(vec![1])) as _),
            ("b", Arc::new(Int32Array::from(vec![1])) as _),
        ])
        .unwrap();
        assert_eq!(
            s.bind(b"h1", bad).unwrap_err().code(),
            tonic::Code::InvalidArgument
        );
        s.close(b"h1");
        assert_eq!(s.get(b"h1").unwrap_err().code(), tonic::Code::NotFound);
    }
}
