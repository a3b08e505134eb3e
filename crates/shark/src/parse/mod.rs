//! Parsing HiveQL: a thin front for what sqlparser does not cover (SET,
//! RESET, ADD JAR, EXPLAIN options, variable substitution), then
//! sqlparser with `SharkDialect` for the rest. Errors carry line:column.

pub mod dialect;
pub mod split;

use crate::error::{Location, Result, SharkError};
use sqlparser::parser::{Parser, ParserError, ParserOptions};
use std::collections::BTreeMap;

pub use split::{is_complete, split_statements, StatementText};

/// One parsed statement.
#[derive(Debug, Clone)]
pub enum HiveStatement {
    /// `SET` (all), `SET -v`, `SET k` (show), `SET k=v`.
    Set {
        key: Option<String>,
        value: Option<String>,
    },
    /// `RESET` or `RESET k`.
    Reset(Option<String>),
    /// `EXPLAIN [EXTENDED] stmt`.
    Explain {
        extended: bool,
        inner: Box<HiveStatement>,
    },
    /// Everything sqlparser handles.
    Sql(Box<sqlparser::ast::Statement>),
    /// `ADD JAR`, `LIST FILES`... (recognized, not supported).
    Resource(String),
}

/// Parses one statement that starts on `line` of its script.
pub fn parse_statement(text: &str, line: u64) -> Result<HiveStatement> {
    let trimmed = strip_leading_comments(text);
    let lower = trimmed.to_ascii_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    match first {
        "set" => {
            let rest = trimmed[3..].trim();
            if rest.is_empty() || rest == "-v" {
                return Ok(HiveStatement::Set {
                    key: None,
                    value: None,
                });
            }
            return Ok(match rest.split_once('=') {
                Some((k, v)) => HiveStatement::Set {
                    key: Some(k.trim().to_string()),
                    value: Some(v.trim().to_string()),
                },
                None => HiveStatement::Set {
                    key: Some(rest.to_string()),
                    value: None,
                },
            });
        }
        "reset" => {
            let rest = trimmed[5..].trim();
            return Ok(HiveStatement::Reset(
                (!rest.is_empty()).then(|| rest.to_string()),
            ));
        }
        "add" | "list" | "delete" | "dfs" => {
            return Ok(HiveStatement::Resource(trimmed.to_string()));
        }
        "explain" => {
            let mut rest = trimmed[7..].trim_start();
            let mut extended = false;
            for opt in [
                "extended",
                "formatted",
                "dependency",
                "authorization",
                "logical",
                "cbo",
                "ast",
                "vectorization",
            ] {
                if rest.len() > opt.len()
                    && rest[..opt.len()].eq_ignore_ascii_case(opt)
                    && rest[opt.len()..].starts_with(char::is_whitespace)
                {
                    extended = opt == "extended" || opt == "formatted";
                    rest = rest[opt.len()..].trim_start();
                    break;
                }
            }
            let inner = parse_statement(rest, line)?;
            return Ok(HiveStatement::Explain {
                extended,
                inner: Box::new(inner),
            });
        }
        _ => {}
    }
    let dialect = dialect::SharkDialect::default();
    let options = ParserOptions::new()
        .with_unescape(false)
        .with_trailing_commas(false);
    let mut statements = Parser::new(&dialect)
        .with_options(options)
        .try_with_sql(trimmed)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| parse_error(e, line))?;
    match statements.len() {
        1 => Ok(HiveStatement::Sql(Box::new(statements.remove(0)))),
        0 => Err(SharkError::Parse {
            message: "empty statement".into(),
            location: Location { line, column: 1 },
        }),
        _ => Err(SharkError::Parse {
            message: "expected one statement".into(),
            location: Location { line, column: 1 },
        }),
    }
}

fn strip_leading_comments(text: &str) -> &str {
    let mut t = text.trim_start();
    while t.starts_with("--") {
        t = t
            .split_once('\n')
            .map(|(_, r)| r)
            .unwrap_or("")
            .trim_start();
    }
    t
}

/// Turns sqlparser's message (`... at Line: 1, Column: 8`) into a
/// ParseException with the script's line.
fn parse_error(e: ParserError, base_line: u64) -> SharkError {
    let msg = match e {
        ParserError::ParserError(m) | ParserError::TokenizerError(m) => m,
        ParserError::RecursionLimitExceeded => "statement nested too deeply".to_string(),
    };
    let mut location = Location {
        line: base_line,
        column: 1,
    };
    let mut message = msg.clone();
    if let Some(pos) = msg.find(" at Line: ") {
        let loc = &msg[pos + 10..];
        let mut nums = loc
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        if let (Some(l), Some(c)) = (nums.next(), nums.next()) {
            location = Location {
                line: base_line + l.parse::<u64>().unwrap_or(1) - 1,
                column: c.parse().unwrap_or(1),
            };
        }
        message = msg[..pos].to_string();
    }
    SharkError::Parse { message, location }
}

/// Replaces `${hiveconf:k}`, `${hivevar:k}`, `${system:k}`, `${env:k}` and
/// `${k}` (hivevar, then hiveconf) before parsing, as Hive does. Unknown
/// variables are left as written.
pub fn substitute(
    text: &str,
    hivevars: &BTreeMap<String, String>,
    hiveconf: &BTreeMap<String, String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        let value = match name.split_once(':') {
            Some(("hiveconf", k)) => hiveconf.get(k).cloned(),
            Some(("hivevar", k)) => hivevars.get(k).cloned(),
            Some(("system", k)) => std::env::var(k).ok(),
            Some(("env", k)) => std::env::var(k).ok(),
            _ => hivevars.get(name).or_else(|| hiveconf.get(name)).cloned(),
        };
        match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..start + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Hive's string literal unescaping: `\t`, `\n`, `\'`, `\\`, octal `\001`,
/// `\uXXXX`; `\%` and `\_` stay escaped (they matter to LIKE).
pub fn unescape(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' || i + 1 >= chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = chars[i + 1];
        if n.is_digit(8)
            && i + 3 < chars.len() + 1
            && chars[i + 1..].len() >= 3
            && chars[i + 1..i + 4].iter().all(|d| d.is_digit(8))
        {
            let code: String = chars[i + 1..i + 4].iter().collect();
            if let Some(ch) = u32::from_str_radix(&code, 8).ok().and_then(char::from_u32) {
                out.push(ch);
                i += 4;
                continue;
            }
        }
        if n == 'u' && i + 5 < chars.len() + 1 && chars[i + 2..].len() >= 4 {
            let code: String = chars[i + 2..i + 6].iter().collect();
            if let Some(ch) = u32::from_str_radix(&code, 16).ok().and_then(char::from_u32) {
                out.push(ch);
                i += 6;
                continue;
            }
        }
        match n {
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            '0' => out.push('\0'),
            'Z' => out.push('\u{1a}'),
            '%' => out.push_str("\\%"),
            '_' => out.push_str("\\_"),
            other => out.push(other),
        }
        i += 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hive_front_statements() {
        assert!(matches!(
            parse_statement("SET", 1).unwrap(),
            HiveStatement::Set { key: None, .. }
        ));
        match parse_statement("set hive.exec.x = a,b=c", 1).unwrap() {
            HiveStatement::Set { key, value } => {
                assert_eq!(key.as_deref(), Some("hive.exec.x"));
                assert_eq!(value.as_deref(), Some("a,b=c"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_statement("ADD JAR x.jar", 1).unwrap(),
            HiveStatement::Resource(_)
        ));
        assert!(matches!(
            parse_statement("EXPLAIN EXTENDED SELECT 1", 1).unwrap(),
            HiveStatement::Explain { extended: true, .. }
        ));
        assert!(matches!(
            parse_statement("SELECT 7 DIV 2", 1).unwrap(),
            HiveStatement::Sql(_)
        ));
    }

    #[test]
    fn parse_errors_carry_line_and_column() {
        match parse_statement("SELECT a\nFROM t WHERE = 1", 3) {
            Err(SharkError::Parse { location, .. }) => assert_eq!(location.line, 4),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn variables_and_escapes() {
        let mut vars = BTreeMap::new();
        vars.insert("t".to_string(), "src".to_string());
        let conf = BTreeMap::new();
        assert_eq!(
            substitute(
                "select * from ${hivevar:t} where x='${t}' ${nope}",
                &vars,
                &conf
            ),
            "select * from src where x='src' ${nope}"
        );
        assert_eq!(unescape(r"a\tb\'c\001"), "a\tb'c\u{1}");
        assert_eq!(unescape(r"50\%"), r"50\%");
    }
}
