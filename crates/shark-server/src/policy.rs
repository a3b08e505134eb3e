//! What a statement may do on this server: in read-only mode only SELECT,
//! SHOW, DESCRIBE, EXPLAIN, SET and USE, and no `${env:..}` or
//! `${system:..}`, which would show the server's environment to clients
//! (checked before a statement runs); file paths (`LOAD DATA [LOCAL]
//! INPATH`, `LOCATION`, `INSERT ... DIRECTORY`) only under the warehouse or
//! an allowed folder — checked by the engine where it resolves each path
//! (`path_guard`), whatever the statement's spelling or quoting.
//!
//! Statements are checked as the session will run them, after variable
//! substitution: each server session mirrors its variables in [`Vars`].

use crate::error::ApiError;
use shark::parse::{self, HiveStatement};
use sqlparser::ast::Statement;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A mirror of a session's `${..}` variables, kept by applying the same
/// `SET`/`RESET` statements the session runs.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    /// `SET hivevar:k=v`, `--hivevar`.
    pub hivevars: BTreeMap<String, String>,
    /// `SET k=v`, `SET hiveconf:k=v`.
    pub hiveconf: BTreeMap<String, String>,
}

impl Vars {
    /// Applies a statement that ran, as `shark::Session` does.
    pub fn observe(&mut self, stmt: &HiveStatement) {
        match stmt {
            HiveStatement::Set {
                key: Some(k),
                value: Some(v),
            } => {
                if let Some(var) = k.strip_prefix("hivevar:") {
                    self.hivevars.insert(var.to_string(), v.clone());
                } else {
                    let k = k.strip_prefix("hiveconf:").unwrap_or(k);
                    self.hiveconf.insert(k.to_string(), v.clone());
                }
            }
            HiveStatement::Reset(Some(k)) => {
                self.hiveconf.remove(k);
            }
            HiveStatement::Reset(None) => self.hiveconf.clear(),
            _ => {}
        }
    }
}

/// The server's rules.
#[derive(Debug, Clone)]
pub struct Policy {
    read_only: bool,
    roots: Vec<PathBuf>,
}

impl Policy {
    /// Rules for a server on `warehouse` that may also touch `allowed` folders.
    pub fn new(read_only: bool, warehouse: &Path, allowed: &[PathBuf]) -> Policy {
        let roots = std::iter::once(warehouse)
            .chain(allowed.iter().map(PathBuf::as_path))
            .map(shark::paths::resolve)
            .collect();
        Policy { read_only, roots }
    }

    /// Checks one statement against the rules with the session's variables;
    /// gives the parsed statement when it parses (for [`Vars::observe`]).
    pub fn check(&self, text: &str, vars: &Vars) -> Result<Option<HiveStatement>, ApiError> {
        if text.contains("${env:") || text.contains("${system:") {
            return Err(ApiError::forbidden(
                "${env:..} and ${system:..} are not available through shark-server",
            ));
        }
        let text = parse::substitute(text, &vars.hivevars, &vars.hiveconf);
        // Parsing recurses as deep as the statement nests: not on the
        // caller's (async runtime's) small stack.
        let parsed = parse::complexity::with_statement_stack(|| parse::parse_statement(&text, 1));
        let Ok(stmt) = parsed else {
            // It cannot run either; the session reports where it fails.
            return Ok(None);
        };
        if let HiveStatement::Set {
            key: Some(k),
            value: Some(_),
        } = &stmt
        {
            // Before the query is kept anywhere: the text may hold a key.
            let k = k.strip_prefix("hiveconf:").unwrap_or(k);
            if storage::config::is_storage_key(k) {
                return Err(ApiError::forbidden(format!(
                    "{k} is a server setting: give it with --conf when the server starts"
                )));
            }
        }
        if self.read_only && !is_read_only(&stmt) {
            return Err(ApiError::forbidden(
                "the server is read-only: only SELECT, SHOW, DESCRIBE, EXPLAIN, SET and USE run",
            ));
        }
        Ok(Some(stmt))
    }

    /// The engine-side rule for paths statements name: inside the
    /// warehouse or an allowed folder (paths come resolved: absolute, no
    /// `..`, links followed).
    pub fn path_guard(&self) -> shark::paths::PathGuard {
        let roots = self.roots.clone();
        std::sync::Arc::new(move |p: &Path, _| {
            if roots.iter().any(|r| p.starts_with(r)) {
                Ok(())
            } else {
                Err(format!(
                    "path '{}' is outside the warehouse and the allowed folders",
                    p.display()
                ))
            }
        })
    }
}

/// SELECT, SHOW, DESCRIBE, EXPLAIN, SET (and RESET) and USE.
fn is_read_only(stmt: &HiveStatement) -> bool {
    match stmt {
        HiveStatement::Set { .. } | HiveStatement::Reset(_) | HiveStatement::Explain { .. } => true,
        HiveStatement::Sql(s) => match s.as_ref() {
            Statement::Query(_)
            | Statement::Use(_)
            | Statement::ExplainTable { .. }
            | Statement::Explain { .. } => true,
            other => format!("{other:?}").starts_with("Show"),
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(read_only: bool) -> (tempfile::TempDir, Policy) {
        let dir = tempfile::tempdir().unwrap();
        let p = Policy::new(read_only, dir.path(), &[]);
        (dir, p)
    }

    #[test]
    fn read_only_allows_queries_only() {
        let (_d, p) = policy(true);
        let v = Vars::default();
        for ok in [
            "SELECT 1",
            "show tables",
            "DESCRIBE FORMATTED src",
            "EXPLAIN SELECT 1",
            "SET x=1",
            "USE default",
            "SHOW PARTITIONS srcpart",
        ] {
            assert!(p.check(ok, &v).is_ok(), "{ok}");
        }
        for bad in [
            "CREATE TABLE t (a INT)",
            "INSERT INTO src VALUES (1, 'a')",
            "DROP TABLE src",
            "TRUNCATE TABLE src",
            "CREATE TABLE t AS SELECT 1",
            "SET fs.s3a.secret.key=abc",
            "SET hiveconf:fs.s3a.endpoint=http://127.0.0.1:1",
        ] {
            assert_eq!(p.check(bad, &v).unwrap_err().kind, "forbidden", "{bad}");
        }
    }

    #[test]
    fn store_locations_are_roots_as_written() {
        let p = Policy::new(false, Path::new("s3a://bucket//wh/"), &[]);
        let guard = p.path_guard();
        assert!(guard(
            Path::new("s3://bucket/wh/t"),
            shark::paths::PathUse::Location
        )
        .is_ok());
        assert!(guard(
            Path::new("s3://bucket/other"),
            shark::paths::PathUse::Location
        )
        .is_err());
    }

    #[test]
    fn variables_are_seen_through() {
        let (_d, p) = policy(true);
        let mut v = Vars::default();
        v.observe(&parse::parse_statement("SET hivevar:verb=DROP", 1).unwrap());
        assert!(p.check("${verb} TABLE src", &v).is_err());
        assert!(p.check("SELECT '${env:HOME}'", &v).is_err());
    }
}
