//! Parsing HiveQL: a thin front for what sqlparser does not cover (SET,
//! RESET, ADD JAR, EXPLAIN options, variable substitution), then
//! sqlparser with `SharkDialect` for the rest. Errors carry line:column.

pub mod complexity;
pub mod dialect;
pub mod split;
mod transform;

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
    /// `ALTER TABLE t ADD|REPLACE COLUMNS (...)`.
    AlterColumns {
        table: String,
        replace: bool,
        columns: Vec<sqlparser::ast::ColumnDef>,
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

/// Hive's complex column types (`array<...>`, `map<...>`, `struct<...>`)
/// as backquoted type names, which sqlparser's Hive dialect reads as one
/// custom type (it does not parse `map<` or `struct<` itself). Text in
/// quotes is left alone.
fn quote_complex_types(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote {
            // Whole UTF-8 characters, so quoted names keep their letters.
            let ch = text[i..].chars().next().expect("in bounds");
            out.push(ch);
            let mut step = ch.len_utf8();
            if c == b'\\' && q != b'`' && i + 1 < bytes.len() {
                let escaped = text[i + 1..].chars().next().expect("in bounds");
                out.push(escaped);
                step += escaped.len_utf8();
            } else if c == q {
                quote = None;
            }
            i += step;
            continue;
        }
        if matches!(c, b'\'' | b'"' | b'`') {
            quote = Some(c);
            out.push(c as char);
            i += 1;
            continue;
        }
        let word_start = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        // Not at a character boundary (inside a multi-byte character): no
        // keyword starts here.
        let rest = text.get(i..).unwrap_or("");
        let kw = ["array", "map", "struct"].into_iter().find(|k| {
            word_start
                && rest.len() > k.len()
                && rest
                    .get(..k.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(k))
        });
        if let Some(k) = kw {
            let after = rest[k.len()..].trim_start();
            if after.starts_with('<') {
                let open = i + (rest.len() - after.len());
                let mut depth = 0;
                let mut end = None;
                for (j, ch) in text[open..].char_indices() {
                    match ch {
                        '<' => depth += 1,
                        '>' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(open + j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(end) = end {
                    let spelled: String = text[i..=end]
                        .chars()
                        .filter(|c| !c.is_whitespace() && *c != '`')
                        .collect();
                    out.push('`');
                    out.push_str(&spelled.to_ascii_lowercase());
                    out.push('`');
                    i = end + 1;
                    continue;
                }
            }
        }
        // Copy one whole UTF-8 character.
        let ch = text[i..].chars().next().expect("in bounds");
        out.push(ch);
        i += ch.len_utf8();
    }
    out
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
        "alter" if lower.contains(" columns") || lower.contains(" set location") => {
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

/// Splits text into words, keeping quoted strings whole.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                cur.push(c);
            }
            None if c.is_whitespace() || c == '(' || c == ')' || c == ',' || c == '=' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                if !c.is_whitespace() {
                    out.push(c.to_string());
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn unquote(s: &str) -> String {
    let t = s.trim_matches('\'').trim_matches('"');
    unescape(t)
}

/// `CREATE (DATABASE|SCHEMA) [IF NOT EXISTS] name [COMMENT 'c'] [LOCATION 'p']
/// [WITH DBPROPERTIES ('k'='v', ...)]`.
fn parse_create_database(text: &str) -> Option<HiveStatement> {
    let w = words(text);
    let mut i = 2;
    let mut if_not_exists = false;
    if w.len() > i + 2
        && w[i].eq_ignore_ascii_case("if")
        && w[i + 1].eq_ignore_ascii_case("not")
        && w[i + 2].eq_ignore_ascii_case("exists")
    {
        if_not_exists = true;
        i += 3;
    }
    let name = w.get(i)?.trim_matches('`').to_ascii_lowercase();
    i += 1;
    let (mut comment, mut location, mut properties) = (None, None, Vec::new());
    while i < w.len() {
        let k = w[i].to_ascii_lowercase();
        match k.as_str() {
            "comment" => {
                comment = Some(unquote(w.get(i + 1)?));
                i += 2;
            }
            "location" => {
                location = Some(unquote(w.get(i + 1)?));
                i += 2;
            }
            "with" if w.get(i + 1)?.eq_ignore_ascii_case("dbproperties") => {
                i += 2;
                if w.get(i)? != "(" {
                    return None;
                }
                i += 1;
                while w.get(i)? != ")" {
                    let key = unquote(w.get(i)?);
                    if w.get(i + 1)? != "=" {
                        return None;
                    }
                    let value = unquote(w.get(i + 2)?);
                    properties.push((key, value));
                    i += 3;
                    if w.get(i)? == "," {
                        i += 1;
                    }
                }
                i += 1;
            }
            _ => return None,
        }
    }
    Some(HiveStatement::CreateDatabase {
        name,
        if_not_exists,
        comment,
        location,
        properties,
    })
}

/// A table name as written (`t`, `db.t`, backquoted parts).
fn object_name(text: &str) -> sqlparser::ast::ObjectName {
    sqlparser::ast::ObjectName::from(
        text.split('.')
            .map(|p| sqlparser::ast::Ident::new(p.trim_matches('`')))
            .collect::<Vec<_>>(),
    )
}

/// The expressions of a partition spec `(k='v', …)`.
fn partition_exprs(spec: &str, line: u64) -> Result<Vec<sqlparser::ast::Expr>> {
    let fake = format!("INSERT INTO x PARTITION {spec} SELECT 1");
    match parse_statement(&fake, line)? {
        HiveStatement::Sql(stmt) => match *stmt {
            sqlparser::ast::Statement::Insert(ins) => Ok(ins.partitioned.unwrap_or_default()),
            _ => Ok(vec![]),
        },
        _ => Ok(vec![]),
    }
}

/// `SHOW PARTITIONS t PARTITION (…)`, `DESCRIBE [EXTENDED|FORMATTED] t
/// PARTITION (…)` and `ALTER TABLE t PARTITION COLUMN (k type)`; None for
/// other statements with a PARTITION clause.
fn parse_partition_statement(text: &str, line: u64) -> Result<Option<HiveStatement>> {
    let w = words(text);
    let lw: Vec<String> = w.iter().map(|x| x.to_ascii_lowercase()).collect();
    let at = top_level_positions(text, "partition")[0];
    let spec = text[at + "partition".len()..].trim();
    let bad = |m: &str| SharkError::Parse {
        message: m.to_string(),
        location: Location { line, column: 1 },
    };
    match lw[0].as_str() {
        "show" if lw.get(1).map(String::as_str) == Some("partitions") && w.len() >= 4 => {
            Ok(Some(HiveStatement::ShowPartitions {
                table: object_name(&w[2]),
                partition: partition_exprs(spec, line)?,
            }))
        }
        "describe" | "desc" => {
            let (format, name) = match lw.get(1).map(String::as_str) {
                Some("extended") => (Some(sqlparser::ast::HiveDescribeFormat::Extended), 2),
                Some("formatted") => (Some(sqlparser::ast::HiveDescribeFormat::Formatted), 2),
                _ => (None, 1),
            };
            if lw.get(name + 1).map(String::as_str) != Some("partition") {
                return Ok(None);
            }
            Ok(Some(HiveStatement::DescribePartition {
                table: object_name(&w[name]),
                partition: partition_exprs(spec, line)?,
                format,
            }))
        }
        "alter"
            if lw.get(1).map(String::as_str) == Some("table")
                && lw.get(3).map(String::as_str) == Some("partition")
                && lw.get(4).is_some_and(|x| x.starts_with("column")) =>
        {
            let open = text[at..]
                .find('(')
                .map(|p| at + p)
                .ok_or_else(|| bad("expected ("))?;
            let fake = format!("CREATE TABLE x {}", &text[open..]);
            let HiveStatement::Sql(stmt) = parse_statement(&fake, line)? else {
                return Err(bad("ALTER TABLE t PARTITION COLUMN (name type)"));
            };
            let sqlparser::ast::Statement::CreateTable(ct) = *stmt else {
                return Err(bad("ALTER TABLE t PARTITION COLUMN (name type)"));
            };
            let [column] = <[_; 1]>::try_from(ct.columns)
                .map_err(|_| bad("ALTER TABLE t PARTITION COLUMN takes one column"))?;
            Ok(Some(HiveStatement::AlterPartitionColumn {
                table: object_name(&w[2]),
                column,
            }))
        }
        _ => Ok(None),
    }
}

/// `ALTER TABLE t SET FILEFORMAT f | SET SERDE 'c' [WITH SERDEPROPERTIES
/// (…)] | SET SERDEPROPERTIES (…)`, read through the clauses CREATE TABLE
/// takes.
fn parse_alter_storage(text: &str, line: u64) -> Result<HiveStatement> {
    let w = words(text);
    let bad = || SharkError::Parse {
        message: "ALTER TABLE t SET FILEFORMAT f | SET SERDE 'class' | SET SERDEPROPERTIES (...)"
            .into(),
        location: Location { line, column: 1 },
    };
    if w.len() < 5 || !w[1].eq_ignore_ascii_case("table") || !w[3].eq_ignore_ascii_case("set") {
        return Err(bad());
    }
    let table = object_name(&w[2]);
    let set = top_level_positions(text, "set")[0];
    let rest = text[set + 3..].trim();
    let lower = rest.to_ascii_lowercase();
    let (clause, props_text) = if lower.starts_with("fileformat") {
        (format!("STORED AS {}", rest[10..].trim()), None)
    } else if lower.starts_with("serdeproperties") {
        (String::new(), Some(rest[15..].trim().to_string()))
    } else {
        let with = top_level_positions(rest, "with").first().copied();
        let serde = &rest[5..with.unwrap_or(rest.len())];
        let props = with.map(|p| {
            let r = rest[p + 4..].trim_start();
            r.get(15..).unwrap_or("").trim().to_string()
        });
        (format!("ROW FORMAT SERDE {}", serde.trim()), props)
    };
    let format = if clause.is_empty() {
        None
    } else {
        let fake = format!("CREATE TABLE x (c INT) {clause}");
        match parse_statement(&fake, line)? {
            HiveStatement::Sql(stmt) => match *stmt {
                sqlparser::ast::Statement::CreateTable(ct) => ct.hive_formats.map(Box::new),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        }
    };
    let serde_properties = match props_text {
        None => vec![],
        Some(p) => key_values(&p).ok_or_else(bad)?,
    };
    Ok(HiveStatement::AlterStorage {
        table,
        format,
        serde_properties,
    })
}

/// `ALTER TABLE t CLUSTERED BY … INTO n BUCKETS` and `… NOT CLUSTERED`.
fn parse_alter_clustering(text: &str, line: u64) -> Result<HiveStatement> {
    let w = words(text);
    let bad = || SharkError::Parse {
        message: "ALTER TABLE t CLUSTERED BY (columns) [SORTED BY (columns)] INTO n BUCKETS \
                  | ALTER TABLE t NOT CLUSTERED"
            .into(),
        location: Location { line, column: 1 },
    };
    if w.len() < 4 || !w[1].eq_ignore_ascii_case("table") {
        return Err(bad());
    }
    let table = object_name(&w[2]);
    if w[3].eq_ignore_ascii_case("not") {
        return Ok(HiveStatement::AlterClustering {
            table,
            clustered: None,
        });
    }
    let at = top_level_positions(text, "clustered")
        .first()
        .copied()
        .ok_or_else(bad)?;
    let fake = format!("CREATE TABLE x (c INT) {}", &text[at..]);
    let HiveStatement::Sql(stmt) = parse_statement(&fake, line)? else {
        return Err(bad());
    };
    let sqlparser::ast::Statement::CreateTable(ct) = *stmt else {
        return Err(bad());
    };
    Ok(HiveStatement::AlterClustering {
        table,
        clustered: Some(ct.clustered_by.ok_or_else(bad)?),
    })
}

/// `('k'='v', …)` as pairs.
fn key_values(text: &str) -> Option<Vec<(String, String)>> {
    let inner = text.trim().strip_prefix('(')?.strip_suffix(')')?;
    let mut cuts = Vec::new();
    outside_quotes(inner, 0, |i, c| {
        if c == b',' {
            cuts.push(i);
        }
        true
    });
    cuts.push(inner.len());
    let mut out = Vec::new();
    let mut pos = 0;
    for cut in cuts {
        let pair = inner[pos..cut].trim();
        pos = cut + 1;
        if pair.is_empty() {
            continue;
        }
        let mut eq = None;
        outside_quotes(pair, 0, |i, c| {
            if c == b'=' {
                eq = Some(i);
            }
            eq.is_none()
        });
        let eq = eq?;
        out.push((unquote(pair[..eq].trim()), unquote(pair[eq + 1..].trim())));
    }
    Some(out)
}

/// `ALTER TABLE t ADD|REPLACE COLUMNS (...)` and `... SET LOCATION 'p'`.
fn parse_alter_hive(text: &str, line: u64) -> Result<Option<HiveStatement>> {
    let w = words(text);
    if w.len() < 4 || !w[1].eq_ignore_ascii_case("table") {
        return Ok(None);
    }
    let table = w[2].trim_matches('`').to_ascii_lowercase();
    let rest = w[3].to_ascii_lowercase();
    if (rest == "add" || rest == "replace")
        && w.get(4).is_some_and(|x| x.eq_ignore_ascii_case("columns"))
    {
        let open = text.find('(').ok_or_else(|| SharkError::Parse {
            message: "expected ( after COLUMNS".into(),
            location: Location { line, column: 1 },
        })?;
        let close = text.rfind(')').unwrap_or(text.len());
        let fake = format!("CREATE TABLE x {}", &text[open..=close.min(text.len() - 1)]);
        if let HiveStatement::Sql(stmt) = parse_statement(&fake, line)? {
            if let sqlparser::ast::Statement::CreateTable(ct) = *stmt {
                return Ok(Some(HiveStatement::AlterColumns {
                    table,
                    replace: rest == "replace",
                    columns: ct.columns,
                }));
            }
        }
        return Ok(None);
    }
    let lower = text.to_ascii_lowercase();
    if let Some(pos) = lower.find(" set location ") {
        let location = unquote(text[pos + 14..].trim());
        let partition = if let Some(p) = lower[..pos].find(" partition") {
            let spec = &text[p + 10..pos];
            let fake = format!("INSERT INTO x PARTITION {spec} SELECT 1");
            match parse_statement(&fake, line)? {
                HiveStatement::Sql(stmt) => match *stmt {
                    sqlparser::ast::Statement::Insert(ins) => ins.partitioned,
                    _ => None,
                },
                _ => None,
            }
        } else {
            None
        };
        return Ok(Some(HiveStatement::SetLocation {
            table,
            partition,
            location,
        }));
    }
    Ok(None)
}

/// Top-level (outside quotes and parentheses) positions of `keyword` as a
/// whole word, case-insensitively.
fn top_level_positions(text: &str, keyword: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let kw = keyword.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0i32;
    outside_quotes(text, 0, |i, c| {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ if depth == 0
                && i + kw.len() <= bytes.len()
                && bytes[i..i + kw.len()].eq_ignore_ascii_case(kw)
                && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'_')
                && (i + kw.len() == bytes.len()
                    || !bytes[i + kw.len()].is_ascii_alphanumeric()
                        && bytes[i + kw.len()] != b'_') =>
            {
                out.push(i);
            }
            _ => {}
        }
        true
    });
    out
}

/// True when the keyword `first` appears at the top level of `text` (not
/// in quotes, comments or parentheses) with the word `second` next.
fn followed_by(text: &str, first: &str, second: &str) -> bool {
    top_level_positions(text, first).into_iter().any(|p| {
        let rest = text[p + first.len()..].trim_start();
        rest.get(..second.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(second))
            && !rest[second.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Calls `visit` with each byte of `text` from `start` that is outside
/// quotes ('…', "…", `…`, with backslash escapes) and comments (`--` to the
/// line's end, `/* … */`), until it returns false.
fn outside_quotes(text: &str, start: usize, mut visit: impl FnMut(usize, u8) -> bool) {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == b'-' && bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            None if c == b'/' && bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
                continue;
            }
            None if matches!(c, b'\'' | b'"' | b'`') => quote = Some(c),
            None => {
                if !visit(i, c) {
                    return;
                }
            }
        }
        i += 1;
    }
}

/// Parenthesized FROM-first queries (`FROM (FROM src SELECT …) a …`,
/// `… JOIN (FROM t MAP … USING …) m …`) rewritten, innermost first, into
/// ordinary SELECTs; the statement around them is left as it is.
fn nested_from_first(text: &str) -> String {
    let mut found: Option<(usize, usize)> = None;
    outside_quotes(text, 0, |i, c| {
        if c != b'(' {
            return true;
        }
        let rest = text[i + 1..].trim_start();
        let starts_from = rest
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("from"))
            && rest.as_bytes().get(4).is_some_and(u8::is_ascii_whitespace);
        if starts_from {
            found = matching_paren(text, i).map(|close| (i, close));
        }
        found.is_none()
    });
    let Some((open, close)) = found else {
        return text.to_string();
    };
    let inner = nested_from_first(&text[open + 1..close]);
    let parts = rewrite_from_first(&transform::map_reduce_as_transform(strip_leading_comments(
        &inner,
    )));
    let inner = match parts.as_slice() {
        [one] => one.clone(),
        _ => inner,
    };
    format!(
        "{}({}){}",
        &text[..open],
        inner,
        nested_from_first(&text[close + 1..])
    )
}

/// The position of the `)` closing the `(` at `open`, outside quotes.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let (mut depth, mut close) = (0i32, None);
    outside_quotes(text, open, |i, c| {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            close = Some(i);
        }
        close.is_none()
    });
    close
}

/// Window specifications written Hive's way, `(DISTRIBUTE BY p SORT BY o)`
/// and `(CLUSTER BY c)`, after OVER or in a WINDOW clause, as the standard
/// `(PARTITION BY p ORDER BY o)` and `(PARTITION BY c ORDER BY c)`.
fn hive_window_specs(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("over") && !lower.contains("window") {
        return text.to_string();
    }
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    outside_quotes(text, 0, |i, c| {
        if c != b'(' {
            return true;
        }
        let before = lower[..i].trim_end();
        let opens_spec = before.ends_with("over")
            || (before.ends_with(" as") && {
                let b = before[..before.len() - 3].trim_end();
                let name_start = b
                    .rfind(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .map_or(0, |p| p + 1);
                let head = b[..name_start].trim_end();
                let windows = top_level_positions(head, "window");
                head.ends_with("window")
                    || (head.ends_with(',')
                        && windows.last().is_some_and(|&w| {
                            top_level_positions(&head[w..], "select").is_empty()
                                && top_level_positions(&head[w..], "with").is_empty()
                        }))
            });
        if !opens_spec {
            return true;
        }
        let Some(close) = matching_paren(text, i) else {
            return true;
        };
        let spec = &text[i + 1..close];
        let by = |kw: &str| {
            top_level_positions(spec, kw).into_iter().find(|&p| {
                spec[p + kw.len()..]
                    .trim_start()
                    .get(..2)
                    .is_some_and(|w| w.eq_ignore_ascii_case("by"))
            })
        };
        let rewritten = match (by("distribute"), by("sort"), by("cluster")) {
            (None, None, None) => return true,
            (_, _, Some(c)) => {
                // `cluster` then `by` (checked above), the keys, a frame.
                let after = spec[c + "cluster".len()..].trim_start();
                let keys_and_frame = after[2..].trim_start();
                let frame = ["rows", "range"]
                    .iter()
                    .filter_map(|k| top_level_positions(keys_and_frame, k).first().copied())
                    .min()
                    .unwrap_or(keys_and_frame.len());
                let (keys, rest) = keys_and_frame.split_at(frame);
                let keys = keys.trim();
                format!("{} PARTITION BY {keys} ORDER BY {keys} {rest}", &spec[..c])
            }
            (d, s, None) => {
                let mut out = spec.to_string();
                let mut spots: Vec<(usize, usize, &str)> = Vec::new();
                if let Some(d) = d {
                    spots.push((d, "distribute".len(), "PARTITION"));
                }
                if let Some(s) = s {
                    spots.push((s, "sort".len(), "ORDER"));
                }
                spots.sort_unstable();
                for (p, len, word) in spots.into_iter().rev() {
                    out.replace_range(p..p + len, word);
                }
                out
            }
        };
        edits.push((i + 1..close, rewritten));
        true
    });
    let mut out = text.to_string();
    for (range, with) in edits.into_iter().rev() {
        out.replace_range(range, &with);
    }
    out
}

/// Table properties that record a `SKEWED BY` clause (Hive keeps it in
/// the storage descriptor; DESCRIBE FORMATTED shows it there).
pub const SKEWED_COLUMNS: &str = "shark.skewed.columns";
/// See [`SKEWED_COLUMNS`]: the skewed values, as `[[v1], [v2]]`.
pub const SKEWED_VALUES: &str = "shark.skewed.values";
/// See [`SKEWED_COLUMNS`]: `true` for `STORED AS DIRECTORIES`.
pub const SKEWED_AS_DIRECTORIES: &str = "shark.skewed.directories";

/// `SKEWED BY (cols) ON (values) [STORED AS DIRECTORIES]` cut out of a
/// CREATE TABLE, as the table properties that record it. The data needs
/// nothing more: scans read a table's subfolders (list bucketing's
/// folders) too.
fn strip_skewed(text: &str, line: u64) -> Result<(String, Vec<(String, String)>)> {
    let bad = || SharkError::Parse {
        message: "SKEWED BY (columns) ON (values) [STORED AS DIRECTORIES]".into(),
        location: Location { line, column: 1 },
    };
    let at = top_level_positions(text, "skewed")
        .into_iter()
        .find(|&p| {
            text[p + 6..]
                .trim_start()
                .get(..2)
                .is_some_and(|w| w.eq_ignore_ascii_case("by"))
        })
        .ok_or_else(bad)?;
    let open_cols = text[at..].find('(').map(|p| at + p).ok_or_else(bad)?;
    let close_cols = matching_paren(text, open_cols).ok_or_else(bad)?;
    let between = text[at + 6..open_cols].trim();
    if !between.eq_ignore_ascii_case("by") {
        return Err(bad());
    }
    let after = &text[close_cols + 1..];
    let on = after.trim_start();
    if !on.get(..2).is_some_and(|w| w.eq_ignore_ascii_case("on")) {
        return Err(bad());
    }
    let open_vals = close_cols + 1 + after.find('(').ok_or_else(bad)?;
    let close_vals = matching_paren(text, open_vals).ok_or_else(bad)?;
    let mut end = close_vals + 1;
    let tail = text[end..].trim_start();
    let words: Vec<&str> = tail.split_whitespace().take(3).collect();
    let dirs = words.len() == 3
        && words[0].eq_ignore_ascii_case("stored")
        && words[1].eq_ignore_ascii_case("as")
        && words[2].eq_ignore_ascii_case("directories");
    if dirs {
        let skip = text[end..].len() - tail.len();
        let d = tail.to_ascii_lowercase().find("directories").expect("seen") + "directories".len();
        end += skip + d;
    }
    let columns: Vec<String> = text[open_cols + 1..close_cols]
        .split(',')
        .map(|c| c.trim().trim_matches('`').to_ascii_lowercase())
        .collect();
    let inner = &text[open_vals + 1..close_vals];
    let mut items = Vec::new();
    let mut start = 0;
    let mut depth = 0;
    outside_quotes(inner, 0, |i, c| {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                items.push(inner[start..i].to_string());
                start = i + 1;
            }
            _ => {}
        }
        true
    });
    items.push(inner[start..].to_string());
    let values: Vec<String> = items
        .iter()
        .map(|item| {
            let item = item.trim().trim_start_matches('(').trim_end_matches(')');
            let mut cuts = vec![];
            outside_quotes(item, 0, |i, c| {
                if c == b',' {
                    cuts.push(i);
                }
                true
            });
            cuts.push(item.len());
            let mut from = 0;
            let vals: Vec<String> = cuts
                .into_iter()
                .map(|to| {
                    let v = unquote(item[from..to].trim());
                    from = to + 1;
                    v
                })
                .collect();
            format!("[{}]", vals.join(", "))
        })
        .collect();
    let props = vec![
        (SKEWED_COLUMNS.to_string(), columns.join(",")),
        (
            SKEWED_VALUES.to_string(),
            format!("[{}]", values.join(", ")),
        ),
        (SKEWED_AS_DIRECTORIES.to_string(), dirs.to_string()),
    ];
    Ok((format!("{}{}", &text[..at], &text[end..]), props))
}

/// A CREATE TABLE with `props` added to its TBLPROPERTIES.
fn with_table_properties(stmt: HiveStatement, props: Vec<(String, String)>) -> HiveStatement {
    use sqlparser::ast::{CreateTableOptions, Expr, Ident, SqlOption, Statement, Value};
    let add = |ct: &mut sqlparser::ast::CreateTable| {
        let options = props.into_iter().map(|(k, v)| SqlOption::KeyValue {
            key: Ident::with_quote('\'', k).into(),
            value: Expr::value(Value::SingleQuotedString(v)),
        });
        match &mut ct.table_options {
            CreateTableOptions::TableProperties(existing) => existing.extend(options),
            other => *other = CreateTableOptions::TableProperties(options.collect()),
        }
    };
    match stmt {
        HiveStatement::Sql(mut s) => {
            if let Statement::CreateTable(ct) = s.as_mut() {
                add(ct);
            }
            HiveStatement::Sql(s)
        }
        HiveStatement::CreateExternal(mut s) => {
            if let Statement::CreateTable(ct) = s.as_mut() {
                add(ct);
            }
            HiveStatement::CreateExternal(s)
        }
        other => other,
    }
}

/// `STORED AS ORCFILE` (Hive's older spelling) as `STORED AS ORC`, which
/// sqlparser knows.
fn orcfile_as_orc(text: &str) -> String {
    let mut out = text.to_string();
    for p in top_level_positions(text, "orcfile").into_iter().rev() {
        let before = text[..p].trim_end().to_ascii_lowercase();
        if before.ends_with(" as") {
            out.replace_range(p..p + "orcfile".len(), "ORC");
        }
    }
    out
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

/// Rewrites `FROM refs INSERT ... SELECT list [WHERE ...] ...` (one or
/// more inserts) and `FROM refs SELECT ...` into ordinary statements with
/// the FROM clause after each select list.
fn rewrite_from_first(text: &str) -> Vec<String> {
    rewrite_from_first_with(text, "")
}

/// [`rewrite_from_first`], with `with` (a `WITH ...` clause, or "") put
/// before each SELECT.
fn rewrite_from_first_with(text: &str, with: &str) -> Vec<String> {
    let inserts = top_level_positions(text, "insert");
    let selects = top_level_positions(text, "select");
    let Some(&first) = inserts.first().or(selects.first()) else {
        return vec![];
    };
    let from = text[4..first].trim();
    let mut bodies: Vec<&str> = Vec::new();
    if inserts.is_empty() {
        bodies.push(&text[first..]);
    } else {
        for (n, &start) in inserts.iter().enumerate() {
            let end = inserts.get(n + 1).copied().unwrap_or(text.len());
            bodies.push(&text[start..end]);
        }
    }
    let mut out = Vec::new();
    for body in bodies {
        let Some(&sel) = top_level_positions(body, "select").first() else {
            return vec![];
        };
        let after = &body[sel..];
        let mut cut = after.len();
        for kw in [
            "where",
            "group",
            "having",
            "order",
            "sort",
            "distribute",
            "cluster",
            "limit",
            "union",
            "window",
        ] {
            if let Some(&p) = top_level_positions(after, kw).first() {
                cut = cut.min(p);
            }
        }
        out.push(format!(
            "{}{}{} FROM {from} {}",
            &body[..sel],
            with,
            &after[..cut],
            &after[cut..]
        ));
    }
    out
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
