//! Parsing HiveQL: a thin front for what sqlparser does not cover (SET,
//! RESET, ADD JAR, EXPLAIN options, variable substitution), then
//! sqlparser with `SharkDialect` for the rest. Errors carry line:column.

mod alter_columns;
pub mod complexity;
pub mod dialect;
mod hive_ddl;
mod rewrite;
mod scan;
pub mod split;
mod transform;
mod uniquejoin;

use crate::error::{Location, Result, SharkError};
use sqlparser::parser::{Parser, ParserError, ParserOptions};
use std::collections::BTreeMap;

pub use rewrite::{SKEWED_AS_DIRECTORIES, SKEWED_COLUMNS, SKEWED_VALUES};
pub(crate) use scan::words;
pub use split::{is_complete, split_statements, StatementText};
pub use uniquejoin::MARKER as UNIQUEJOIN_MARKER;

use hive_ddl::{
    parse_alter_clustering, parse_alter_hive, parse_alter_storage, parse_create_database,
    parse_partition_statement,
};
use rewrite::{
    hive_window_specs, nested_from_first, orcfile_as_orc, quote_complex_types, rewrite_from_first,
    rewrite_from_first_with, strip_skewed, with_table_properties,
};
use scan::{followed_by, strip_leading_comments, top_level_positions};

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
    /// `DESCRIBE FUNCTION [EXTENDED] name`.
    DescribeFunction { name: String, extended: bool },
    /// `EXPLAIN [EXTENDED | ANALYZE] stmt`.
    Explain {
        extended: bool,
        /// `EXPLAIN ANALYZE`: run the query, show the plan with metrics.
        analyze: bool,
        inner: Box<HiveStatement>,
    },
    /// Everything sqlparser handles.
    Sql(Box<sqlparser::ast::Statement>),
    /// `ADD JAR`, `LIST FILES`... (recognized, not supported).
    Resource(String),
    /// `CREATE DATABASE` with Hive's clauses sqlparser does not take.
    CreateDatabase {
        name: String,
        if_not_exists: bool,
        comment: Option<String>,
        location: Option<String>,
        properties: Vec<(String, String)>,
    },
    /// `ALTER TABLE t [PARTITION (…)] ADD|REPLACE|CHANGE COLUMNS …
    /// [CASCADE|RESTRICT]`: the table's columns (and, unless CASCADE, its
    /// partitions keep theirs), or one partition's own columns.
    AlterColumns {
        table: String,
        partition: Option<Vec<sqlparser::ast::Expr>>,
        change: ColumnChange,
        cascade: bool,
    },
    /// `ALTER TABLE t [PARTITION (...)] SET LOCATION 'p'`.
    SetLocation {
        table: String,
        partition: Option<Vec<sqlparser::ast::Expr>>,
        location: String,
    },
    /// `SHOW PARTITIONS t PARTITION (k='v', …)`: the partitions matching a
    /// partial spec.
    ShowPartitions {
        table: sqlparser::ast::ObjectName,
        partition: Vec<sqlparser::ast::Expr>,
    },
    /// `DESCRIBE [EXTENDED | FORMATTED] t PARTITION (…)`.
    DescribePartition {
        table: sqlparser::ast::ObjectName,
        partition: Vec<sqlparser::ast::Expr>,
        format: Option<sqlparser::ast::HiveDescribeFormat>,
    },
    /// `ALTER TABLE t PARTITION COLUMN (k type)`: a partition key's type.
    AlterPartitionColumn {
        table: sqlparser::ast::ObjectName,
        column: sqlparser::ast::ColumnDef,
    },
    /// `ALTER TABLE t SET FILEFORMAT f`, `SET SERDE 'class' [WITH
    /// SERDEPROPERTIES (…)]`, `SET SERDEPROPERTIES (…)`: the table's storage
    /// as a CREATE TABLE with these clauses would have it (`format`), and
    /// properties to add.
    AlterStorage {
        table: sqlparser::ast::ObjectName,
        format: Option<Box<sqlparser::ast::HiveFormat>>,
        serde_properties: Vec<(String, String)>,
    },
    /// `ALTER TABLE t CLUSTERED BY (…) [SORTED BY (…)] INTO n BUCKETS`, or
    /// `NOT CLUSTERED` (None): the table's bucketing from now on.
    AlterClustering {
        table: sqlparser::ast::ObjectName,
        clustered: Option<sqlparser::ast::ClusteredBy>,
    },
    /// `CREATE EXTERNAL TABLE ...`, parsed as the CREATE TABLE it is.
    CreateExternal(Box<sqlparser::ast::Statement>),
    /// `CLEAR CACHE`: forget every cached table.
    ClearCache,
    /// `INSERT OVERWRITE [LOCAL] DIRECTORY 'p' ROW FORMAT DELIMITED ...
    /// SELECT ...`: the insert (a `Statement::Directory`) and its row format,
    /// which sqlparser does not take in that place.
    DirectoryRowFormat {
        statement: Box<sqlparser::ast::Statement>,
        delimiters: Vec<sqlparser::ast::HiveRowDelimiter>,
    },
    /// Hive's `FROM src INSERT ... SELECT ... INSERT ... SELECT ...`:
    /// the inserts it stands for, run in order.
    MultiInsert(Vec<HiveStatement>),
}

/// What an `ALTER TABLE … COLUMNS` does to a column list.
#[derive(Debug, Clone)]
pub enum ColumnChange {
    /// `ADD COLUMNS (…)`: appended.
    Add(Vec<sqlparser::ast::ColumnDef>),
    /// `REPLACE COLUMNS (…)`: the whole list.
    Replace(Vec<sqlparser::ast::ColumnDef>),
    /// `CHANGE [COLUMN] old new type [COMMENT …] [FIRST | AFTER c]`.
    Change {
        /// The column changed.
        old: String,
        /// Its new name, type and comment.
        column: sqlparser::ast::ColumnDef,
        /// Where it moves to, if anywhere.
        position: Option<ColumnPosition>,
    },
}

/// `FIRST` or `AFTER c` in `ALTER TABLE … CHANGE`.
#[derive(Debug, Clone)]
pub enum ColumnPosition {
    /// First in the list.
    First,
    /// Right after the named column.
    After(String),
}

/// Parses one statement that starts on `line` of its script.
pub fn parse_statement(text: &str, line: u64) -> Result<HiveStatement> {
    let trimmed = strip_leading_comments(text);
    let first_word = trimmed.split_whitespace().next().unwrap_or("");
    let quoted;
    let trimmed = if ["create", "alter"].contains(&first_word.to_ascii_lowercase().as_str()) {
        quoted = orcfile_as_orc(&quote_complex_types(trimmed));
        quoted.as_str()
    } else {
        trimmed
    };
    let unnested;
    let trimmed = if trimmed.contains('(') {
        unnested = hive_window_specs(&nested_from_first(trimmed));
        unnested.as_str()
    } else {
        trimmed
    };
    let lower = trimmed.to_ascii_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    if matches!(first, "show" | "describe" | "desc" | "alter")
        && !top_level_positions(trimmed, "partition").is_empty()
    {
        if let Some(stmt) = parse_partition_statement(trimmed, line)? {
            return Ok(stmt);
        }
    }
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
        "describe" | "desc"
            if matches!(
                lower.split_whitespace().nth(1),
                Some("function") | Some("functions")
            ) =>
        {
            let w: Vec<&str> = trimmed.split_whitespace().collect();
            let (extended, name) = match w.get(2).map(|s| s.to_ascii_lowercase()) {
                Some(e) if e == "extended" && w.len() == 4 => (true, w[3]),
                _ if w.len() == 3 => (false, w[2]),
                _ => {
                    return Err(SharkError::Parse {
                        message: "DESCRIBE FUNCTION [EXTENDED] name".into(),
                        location: Location { line, column: 1 },
                    })
                }
            };
            return Ok(HiveStatement::DescribeFunction {
                name: name
                    .trim_matches('`')
                    .trim_matches('\'')
                    .to_ascii_lowercase(),
                extended,
            });
        }
        "reset" => {
            let rest = trimmed[5..].trim();
            return Ok(HiveStatement::Reset(
                (!rest.is_empty()).then(|| rest.to_string()),
            ));
        }
        "create" if followed_by(trimmed, "skewed", "by") => {
            let (rest, skew) = strip_skewed(trimmed, line)?;
            return Ok(with_table_properties(parse_statement(&rest, line)?, skew));
        }
        "create" if lower.split_whitespace().nth(1) == Some("external") => {
            let pos = lower.find("external").expect("found above");
            let rewritten = format!("{}{}", &trimmed[..pos], &trimmed[pos + 8..]);
            return match parse_statement(&rewritten, line)? {
                HiveStatement::Sql(stmt) => Ok(HiveStatement::CreateExternal(stmt)),
                other => Ok(other),
            };
        }
        "create"
            if matches!(
                lower.split_whitespace().nth(1),
                Some("database") | Some("schema")
            ) =>
        {
            if let Some(db) = parse_create_database(trimmed) {
                return Ok(db);
            }
        }
        "alter"
            if followed_by(trimmed, "clustered", "by")
                || followed_by(trimmed, "not", "clustered") =>
        {
            return parse_alter_clustering(trimmed, line);
        }
        "alter"
            if followed_by(trimmed, "set", "fileformat")
                || followed_by(trimmed, "set", "serde")
                || followed_by(trimmed, "set", "serdeproperties") =>
        {
            return parse_alter_storage(trimmed, line);
        }
        "alter"
            if lower
                .split_whitespace()
                .any(|w| w == "change" || w.starts_with("columns") || w == "column") =>
        {
            if let Some(stmt) = alter_columns::parse_alter_columns(trimmed, line)? {
                return Ok(stmt);
            }
            if let Some(stmt) = parse_alter_hive(trimmed, line)? {
                return Ok(stmt);
            }
        }
        "alter" if lower.contains(" set location") => {
            if let Some(stmt) = parse_alter_hive(trimmed, line)? {
                return Ok(stmt);
            }
        }
        // `WITH q AS (...) FROM q SELECT ...` (or `... FROM q INSERT ...`):
        // the FROM-first body with the WITH clause before each SELECT.
        "with" => {
            let first = |k: &str| top_level_positions(trimmed, k).first().copied();
            let body = ["select", "insert"].iter().filter_map(|k| first(k)).min();
            if let (Some(from), Some(body)) = (first("from"), body) {
                if from < body {
                    let parts = rewrite_from_first_with(&trimmed[from..], &trimmed[..from]);
                    if !parts.is_empty() {
                        return parse_rewritten(&parts, line);
                    }
                }
            }
        }
        // `SELECT … FROM UNIQUEJOIN …`: as its FROM-first spelling.
        "select" if followed_by(trimmed, "from", "uniquejoin") => {
            if let Some(from_first) = uniquejoin::select_as_from_first(trimmed) {
                let parts = rewrite_from_first(&from_first);
                if !parts.is_empty() {
                    return parse_rewritten(&parts, line);
                }
            }
        }
        "from" => {
            let parts = rewrite_from_first(&transform::map_reduce_as_transform(trimmed));
            if !parts.is_empty() {
                return parse_rewritten(&parts, line);
            }
        }
        "clear" if words(trimmed).join(" ").eq_ignore_ascii_case("clear cache") => {
            return Ok(HiveStatement::ClearCache);
        }
        "insert" => {
            let dirs = top_level_positions(trimmed, "directory");
            let formats = top_level_positions(trimmed, "row format");
            if let (Some(_), Some(&rf)) = (dirs.first(), formats.first()) {
                let query = ["select", "with", "from", "values"]
                    .iter()
                    .flat_map(|k| top_level_positions(trimmed, k))
                    .filter(|&p| p > rf)
                    .min();
                if let Some(q) = query {
                    let clause = &trimmed[rf..q];
                    let rest = format!("{}{}", &trimmed[..rf], &trimmed[q..]);
                    let statement = match parse_statement(&rest, line)? {
                        HiveStatement::Sql(s) => s,
                        _ => {
                            return Err(SharkError::unsupported(
                                "INSERT ... DIRECTORY ... ROW FORMAT",
                            ))
                        }
                    };
                    let probe = format!("CREATE TABLE row_format_probe (c INT) {clause}");
                    let delimiters = match parse_statement(&probe, line)? {
                        HiveStatement::Sql(s) => match *s {
                            sqlparser::ast::Statement::CreateTable(ct) => match ct
                                .hive_formats
                                .and_then(|h| h.row_format)
                            {
                                Some(sqlparser::ast::HiveRowFormat::DELIMITED { delimiters }) => {
                                    delimiters
                                }
                                _ => return Err(SharkError::unsupported(
                                    "INSERT ... DIRECTORY with a ROW FORMAT other than DELIMITED",
                                )),
                            },
                            _ => vec![],
                        },
                        _ => vec![],
                    };
                    return Ok(HiveStatement::DirectoryRowFormat {
                        statement,
                        delimiters,
                    });
                }
            }
        }
        "add" | "list" | "delete" | "dfs" => {
            return Ok(HiveStatement::Resource(trimmed.to_string()));
        }
        "explain" => {
            let mut rest = trimmed[7..].trim_start();
            let (mut extended, mut analyze) = (false, false);
            for opt in [
                "analyze",
                "extended",
                "formatted",
                "dependency",
                "authorization",
                "logical",
                "cbo",
                "ast",
                "vectorization",
            ] {
                if rest
                    .get(..opt.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(opt))
                    && rest[opt.len()..].starts_with(char::is_whitespace)
                {
                    extended = opt == "extended" || opt == "formatted";
                    analyze = opt == "analyze";
                    rest = rest[opt.len()..].trim_start();
                    break;
                }
            }
            let inner = parse_statement(rest, line)?;
            return Ok(HiveStatement::Explain {
                extended,
                analyze,
                inner: Box::new(inner),
            });
        }
        _ => {}
    }
    let dialect = dialect::SharkDialect::default();
    // Tokenized once: the complexity bound is checked on the tokens the
    // parser then reads.
    let tokens = sqlparser::tokenizer::Tokenizer::new(&dialect, trimmed)
        .with_unescape(false)
        .tokenize_with_location()
        .map_err(|e| parse_error(ParserError::from(e), line))?;
    complexity::check(tokens.iter().map(|t| &t.token), line)?;
    let options = ParserOptions::new()
        .with_unescape(false)
        .with_trailing_commas(false);
    let mut statements = Parser::new(&dialect)
        .with_options(options)
        .with_tokens_with_locations(tokens)
        .parse_statements()
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

/// The statements a FROM-first text was rewritten into: one, or a
/// multi-insert.
fn parse_rewritten(parts: &[String], line: u64) -> Result<HiveStatement> {
    let mut stmts = parts
        .iter()
        .map(|p| parse_statement(p, line))
        .collect::<Result<Vec<_>>>()?;
    Ok(if stmts.len() == 1 {
        stmts.remove(0)
    } else {
        HiveStatement::MultiInsert(stmts)
    })
}

/// An identifier's name as Hive reads it: inside backticks a doubled
/// backtick is one (the tokenizer keeps escapes as written).
pub fn ident_value(i: &sqlparser::ast::Ident) -> String {
    if i.quote_style == Some('`') {
        i.value.replace("``", "`")
    } else {
        i.value.clone()
    }
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
        // A credential among the settings never enters a statement's text.
        let setting = |k: &str| {
            hiveconf
                .get(k)
                .filter(|_| !storage::config::is_secret(k))
                .cloned()
        };
        let value = match name.split_once(':') {
            Some(("hiveconf", k)) => setting(k),
            Some(("hivevar", k)) => hivevars.get(k).cloned(),
            Some(("system", k)) => std::env::var(k).ok(),
            Some(("env", k)) => std::env::var(k).ok(),
            _ => hivevars.get(name).cloned().or_else(|| setting(name)),
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
    fn hive_rewrites_leave_ordinary_sql_alone() {
        for sql in [
            "SELECT sum(k) OVER (PARTITION BY cluster ORDER BY sort) FROM t",
            "WITH a AS (SELECT window_start FROM t), b AS (SELECT * FROM a DISTRIBUTE BY k SORT BY k) SELECT 1",
            "SELECT '(from x select 1)' FROM t -- a comment (FROM t SELECT 1) don't",
            "SELECT count(*) FROM t -- 件数(合計)",
            "SELECT extract(year FROM d) FROM t",
        ] {
            assert_eq!(hive_window_specs(&nested_from_first(sql)), sql, "{sql}");
        }
        assert_eq!(
            hive_window_specs("SELECT sum(k) OVER (CLUSTER BY c ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t"),
            "SELECT sum(k) OVER ( PARTITION BY c ORDER BY c ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t"
        );
        assert_eq!(
            nested_from_first("SELECT * FROM (FROM t SELECT k WHERE k > 1) a"),
            "SELECT * FROM (SELECT k  FROM t WHERE k > 1) a"
        );
        assert!(followed_by(
            "ALTER TABLE t CLUSTERED BY (k) INTO 2 BUCKETS",
            "clustered",
            "by"
        ));
        assert!(!followed_by(
            "ALTER TABLE t ADD COLUMNS (c STRING COMMENT 'not clustered')",
            "not",
            "clustered"
        ));
        assert!(!followed_by(
            "CREATE TABLE x AS SELECT a AS skewed FROM s",
            "skewed",
            "by"
        ));
    }

    #[test]
    fn partition_clauses_reach_every_statement_that_has_them() {
        for sql in [
            "ALTER TABLE t PARTITION (ds='1') SET LOCATION '/x'",
            "SHOW PARTITIONS t PARTITION (ds='1')",
            "DESCRIBE FORMATTED t PARTITION (ds='1')",
            "ALTER TABLE t PARTITION COLUMN (ds INT)",
            "ALTER TABLE t DROP PARTITION (ds='1')",
        ] {
            assert!(parse_statement(sql, 1).is_ok(), "{sql}");
        }
    }

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
            parse_statement("EXPLAIN ANALYZE SELECT 1", 1).unwrap(),
            HiveStatement::Explain {
                analyze: true,
                extended: false,
                ..
            }
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
