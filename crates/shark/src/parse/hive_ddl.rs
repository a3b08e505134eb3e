//! Hive statements sqlparser does not take, parsed by hand: CREATE
//! DATABASE with Hive's clauses, partition forms of SHOW / DESCRIBE /
//! ALTER, and ALTER TABLE's storage, clustering, column and location forms.

use super::scan::{outside_quotes, top_level_positions, unquote, words};
use super::{parse_statement, HiveStatement};
use crate::error::{Location, Result, SharkError};

/// `CREATE (DATABASE|SCHEMA) [IF NOT EXISTS] name [COMMENT 'c'] [LOCATION 'p']
/// [WITH DBPROPERTIES ('k'='v', ...)]`.
pub(super) fn parse_create_database(text: &str) -> Option<HiveStatement> {
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
pub(super) fn object_name(text: &str) -> sqlparser::ast::ObjectName {
    sqlparser::ast::ObjectName::from(
        text.split('.')
            .map(|p| sqlparser::ast::Ident::new(p.trim_matches('`')))
            .collect::<Vec<_>>(),
    )
}

/// The expressions of a partition spec `(k='v', …)`.
pub(super) fn partition_exprs(spec: &str, line: u64) -> Result<Vec<sqlparser::ast::Expr>> {
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
pub(super) fn parse_partition_statement(text: &str, line: u64) -> Result<Option<HiveStatement>> {
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
pub(super) fn parse_alter_storage(text: &str, line: u64) -> Result<HiveStatement> {
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
pub(super) fn parse_alter_clustering(text: &str, line: u64) -> Result<HiveStatement> {
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
pub(super) fn key_values(text: &str) -> Option<Vec<(String, String)>> {
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

/// `ALTER TABLE t [PARTITION (…)] SET LOCATION 'p'`.
pub(super) fn parse_alter_hive(text: &str, line: u64) -> Result<Option<HiveStatement>> {
    let w = words(text);
    if w.len() < 4 || !w[1].eq_ignore_ascii_case("table") {
        return Ok(None);
    }
    let table = w[2].trim_matches('`').to_ascii_lowercase();
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
