//! What a statement may do on this server, checked before it runs: in
//! read-only mode only SELECT, SHOW, DESCRIBE, EXPLAIN, SET and USE; file
//! paths (`LOAD DATA [LOCAL] INPATH`, `LOCATION`, `INSERT ... DIRECTORY`)
//! only under the warehouse or an allowed folder; and no `${env:..}` or
//! `${system:..}`, which would show the server's environment to clients.
//!
//! Statements are checked as the session will run them, after variable
//! substitution: each server session mirrors its variables in [`Vars`].

use crate::error::ApiError;
use shark::parse::{self, HiveStatement};
use sqlparser::ast::Statement;
use sqlparser::tokenizer::{Token, Tokenizer};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

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
            .map(resolve)
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
        for path in self.paths(&text)? {
            if !self.allowed(&path) {
                return Err(ApiError::forbidden(format!(
                    "path '{path}' is outside the warehouse and the allowed folders"
                )));
            }
        }
        let Ok(stmt) = parse::parse_statement(&text, 1) else {
            // It cannot run either; the session reports where it fails.
            return Ok(None);
        };
        if self.read_only && !is_read_only(&stmt) {
            return Err(ApiError::forbidden(
                "the server is read-only: only SELECT, SHOW, DESCRIBE, EXPLAIN, SET and USE run",
            ));
        }
        Ok(Some(stmt))
    }

    /// The string literals after `INPATH`, `LOCATION` and `DIRECTORY`.
    fn paths(&self, text: &str) -> Result<Vec<String>, ApiError> {
        let dialect = parse::dialect::SharkDialect::default();
        let tokens = match Tokenizer::new(&dialect, text).tokenize() {
            Ok(t) => t,
            Err(e) => {
                let lower = text.to_ascii_lowercase();
                if ["inpath", "location", "directory"]
                    .iter()
                    .any(|k| lower.contains(k))
                {
                    return Err(ApiError::request(format!(
                        "cannot check the statement's paths: {e}"
                    )));
                }
                return Ok(vec![]);
            }
        };
        let mut out = Vec::new();
        let mut tokens = tokens
            .into_iter()
            .filter(|t| !matches!(t, Token::Whitespace(_)))
            .peekable();
        while let Some(t) = tokens.next() {
            let Token::Word(w) = &t else { continue };
            let keyword = ["INPATH", "LOCATION", "DIRECTORY"]
                .iter()
                .any(|k| w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k));
            if !keyword {
                continue;
            }
            match tokens.peek() {
                Some(Token::SingleQuotedString(s))
                | Some(Token::DoubleQuotedString(s))
                | Some(Token::TripleSingleQuotedString(s))
                | Some(Token::TripleDoubleQuotedString(s))
                | Some(Token::NationalStringLiteral(s))
                | Some(Token::EscapedStringLiteral(s))
                | Some(Token::UnicodeStringLiteral(s)) => {
                    out.push(s.clone());
                    out.push(parse::unescape(s));
                }
                None | Some(Token::Word(_)) | Some(Token::EOF) | Some(Token::SemiColon) => {}
                Some(Token::Comma) | Some(Token::LParen) | Some(Token::RParen) => {}
                Some(Token::Eq) | Some(Token::Period) => {}
                Some(other) => out.push(other.to_string()),
            }
        }
        Ok(out)
    }

    fn allowed(&self, raw: &str) -> bool {
        let p = raw
            .strip_prefix("file://")
            .or_else(|| raw.strip_prefix("file:"))
            .unwrap_or(raw);
        if p.contains("://") || p.is_empty() {
            return false;
        }
        let p = resolve(Path::new(p));
        self.roots.iter().any(|r| p.starts_with(r))
    }
}

/// An absolute path without `.` and `..`, with symbolic links of its
/// existing part resolved (a link inside the warehouse cannot lead out).
fn resolve(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return clean,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
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
        ] {
            assert_eq!(p.check(bad, &v).unwrap_err().kind, "forbidden", "{bad}");
        }
    }

    #[test]
    fn variables_are_seen_through() {
        let (_d, p) = policy(true);
        let mut v = Vars::default();
        v.observe(&parse::parse_statement("SET hivevar:verb=DROP", 1).unwrap());
        assert!(p.check("${verb} TABLE src", &v).is_err());
        assert!(p.check("SELECT '${env:HOME}'", &v).is_err());
    }

    #[test]
    fn paths_must_stay_inside() {
        let (d, p) = policy(false);
        let v = Vars::default();
        let inside = d.path().join("x.txt");
        let q = format!(
            "LOAD DATA LOCAL INPATH '{}' INTO TABLE src",
            inside.display()
        );
        assert!(p.check(&q, &v).is_ok());
        let escape = format!("{}/../../etc/passwd", d.path().display());
        for bad in [
            "LOAD DATA LOCAL INPATH '/etc/passwd' INTO TABLE src".to_string(),
            format!("LOAD DATA INPATH '{escape}' INTO TABLE src"),
            "CREATE EXTERNAL TABLE t (a INT) LOCATION '/tmp/elsewhere'".to_string(),
            "INSERT OVERWRITE LOCAL DIRECTORY '/tmp/out' SELECT 1".to_string(),
            "CREATE DATABASE d LOCATION 'hdfs://nn/x'".to_string(),
        ] {
            assert_eq!(p.check(&bad, &v).unwrap_err().kind, "forbidden", "{bad}");
        }
        assert!(p.check("SELECT location FROM t", &v).is_ok());
    }
}
