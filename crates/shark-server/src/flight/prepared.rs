//! Prepared statements: the statement text kept under a handle with the
//! parameters last bound to it. HiveQL has no server-side plan cache to
//! keep, so preparing checks and describes the statement (its result's
//! columns, from its plan, no job run) and executing binds the values as
//! literals and runs it as any other statement.

use super::auth::Scope;
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

/// Prepared statements one session keeps at once (its oldest go first), so
/// one client cannot push out everyone else's.
pub const MAX_PREPARED_PER_SESSION: usize = 1_000;

/// One prepared statement.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The statement, with its `?` markers.
    pub sql: String,
    /// One field per marker.
    pub parameters: SchemaRef,
    /// The values bound last (a row per execution).
    pub bound: Option<RecordBatch>,
    /// The session that prepared it, when the client named its session:
    /// only that session may use it.
    pub owner: Option<String>,
    /// The user who prepared it: only they (and admins) may use it.
    pub user: String,
    last_used: Instant,
}

impl Prepared {
    /// A statement `user` keeps, owned by the session `owner` if given.
    pub fn new(sql: String, owner: Option<String>, user: String) -> Result<Prepared, Status> {
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
            owner,
            user,
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
            Some(v) => params::bind_rows(&self.sql, v).map_err(Status::invalid_argument),
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
    /// the least recently used past [`MAX_PREPARED`] (of its session past
    /// [`MAX_PREPARED_PER_SESSION`]).
    pub fn insert(&self, handle: String, p: Prepared, idle: Duration) {
        let mut m = self.lock();
        m.retain(|_, p| p.last_used.elapsed() <= idle);
        let oldest = |m: &HashMap<String, Prepared>, of: Option<&Option<String>>| {
            m.iter()
                .filter(|(_, q)| of.is_none_or(|o| q.owner == *o))
                .min_by_key(|(_, q)| q.last_used)
                .map(|(h, _)| h.clone())
        };
        if p.owner.is_some() {
            let mine = m.values().filter(|q| q.owner == p.owner).count();
            if mine >= MAX_PREPARED_PER_SESSION {
                if let Some(h) = oldest(&m, Some(&p.owner)) {
                    m.remove(&h);
                }
            }
        }
        while m.len() >= MAX_PREPARED {
            let Some(h) = oldest(&m, None) else { break };
            m.remove(&h);
        }
        m.insert(handle, p);
    }

    /// The statement under `handle` if a call of `scope` may use it.
    fn entry<'a>(
        m: &'a mut HashMap<String, Prepared>,
        handle: &[u8],
        scope: &Scope,
    ) -> Result<&'a mut Prepared, Status> {
        let key = std::str::from_utf8(handle).unwrap_or_default();
        match m.get_mut(key) {
            Some(p) if scope.sees(&p.user, p.owner.as_deref()) => {
                p.last_used = Instant::now();
                Ok(p)
            }
            _ => Err(Status::not_found(
                "no such prepared statement: it was closed or expired",
            )),
        }
    }

    /// The statement under `handle`, marked used.
    pub fn get(&self, handle: &[u8], scope: &Scope) -> Result<Prepared, Status> {
        Self::entry(&mut self.lock(), handle, scope).map(|p| p.clone())
    }

    /// Binds values to the statement under `handle`.
    pub fn bind(&self, handle: &[u8], scope: &Scope, values: RecordBatch) -> Result<(), Status> {
        let mut m = self.lock();
        let p = Self::entry(&mut m, handle, scope)?;
        if values.num_columns() != p.parameters.fields().len() {
            return Err(Status::invalid_argument(format!(
                "the statement has {} parameter(s) but {} were bound",
                p.parameters.fields().len(),
                values.num_columns()
            )));
        }
        p.bound = Some(values);
        Ok(())
    }

    /// Forgets the statement under `handle`.
    pub fn close(&self, handle: &[u8], scope: &Scope) -> Result<(), Status> {
        let mut m = self.lock();
        Self::entry(&mut m, handle, scope)?;
        m.remove(std::str::from_utf8(handle).unwrap_or_default());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int32Array;
    use std::sync::Arc;

    #[test]
    fn binds_run_once_per_row_and_unbound_markers_are_refused() {
        let p = Prepared::new("SELECT ? + 1".into(), None, "u".into()).unwrap();
        assert_eq!(p.parameters.fields().len(), 1);
        assert!(p.statements(None).is_err());
        let v = RecordBatch::try_from_iter([("a", Arc::new(Int32Array::from(vec![1, 2])) as _)])
            .unwrap();
        assert_eq!(
            p.statements(Some(&v)).unwrap(),
            ["SELECT (1) + 1", "SELECT (2) + 1"]
        );
        let plain = Prepared::new("SELECT 1".into(), None, "u".into()).unwrap();
        assert_eq!(plain.statements(None).unwrap(), ["SELECT 1"]);
    }

    #[test]
    fn closed_and_unknown_handles_are_not_found() {
        let s = PreparedStatements::default();
        let p = Prepared::new("SELECT ?".into(), Some("s1".into()), "alice".into()).unwrap();
        s.insert("h1".into(), p, Duration::from_secs(60));
        let scope = |name: &str, admin, session: Option<&str>| Scope {
            user: crate::users::Principal {
                name: name.into(),
                admin,
            },
            session: session.map(str::to_string),
        };
        assert!(s.get(b"h1", &scope("alice", false, Some("s1"))).is_ok());
        assert!(
            s.get(b"h1", &scope("alice", false, None)).is_ok(),
            "its user's own token may use it"
        );
        assert!(
            s.get(b"h1", &scope("root", true, None)).is_ok(),
            "an admin may"
        );
        for (who, admin, session) in [("alice", false, Some("s2")), ("bob", false, None)] {
            assert_eq!(
                s.get(b"h1", &scope(who, admin, session))
                    .unwrap_err()
                    .code(),
                tonic::Code::NotFound,
                "{who} {session:?}"
            );
        }
        let bad = RecordBatch::try_from_iter([
            ("a", Arc::new(Int32Array::from(vec![1])) as _),
            ("b", Arc::new(Int32Array::from(vec![1])) as _),
        ])
        .unwrap();
        assert_eq!(
            s.bind(b"h1", &scope("alice", false, Some("s1")), bad)
                .unwrap_err()
                .code(),
            tonic::Code::InvalidArgument
        );
        assert!(s.close(b"h1", &scope("alice", false, Some("s2"))).is_err());
        s.close(b"h1", &scope("alice", false, Some("s1"))).unwrap();
        assert_eq!(
            s.get(b"h1", &scope("root", true, None)).unwrap_err().code(),
            tonic::Code::NotFound
        );
    }
}
