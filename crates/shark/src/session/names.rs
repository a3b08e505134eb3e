//! What several statements share: object names and partition specs read
//! from the AST, column definitions, delimiter escapes, and the warehouse
//! catalog and table a statement works on.

use super::Session;
use crate::error::{Result, SharkError};
use crate::hive_catalog::HiveCatalog;
use crate::hive_table::StorageFormat;
use crate::types::type_name;
use hive::metastore::{Column, Table};
use sqlparser::ast::{self as ast, Expr as SqlExpr, ObjectName};
use std::sync::Arc;

pub(super) fn name_parts(n: &ObjectName, current_db: &str) -> Result<(String, String)> {
    let parts: Vec<String> =
        n.0.iter()
            .map(|p| p.to_string().trim_matches('`').to_ascii_lowercase())
            .collect();
    match parts.as_slice() {
        [t] => Ok((current_db.to_string(), t.clone())),
        [d, t] => Ok((d.clone(), t.clone())),
        _ => Err(SharkError::analysis(format!("invalid name {n}"))),
    }
}

pub(super) fn literal_text(e: &SqlExpr) -> Result<Option<String>> {
    match e {
        SqlExpr::Value(v) => Ok(match &v.value {
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
                Some(crate::parse::unescape(s))
            }
            ast::Value::Number(n, _) => Some(n.clone()),
            ast::Value::Boolean(b) => Some(b.to_string()),
            ast::Value::Null => None,
            other => Some(other.to_string()),
        }),
        SqlExpr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => Ok(literal_text(expr)?.map(|v| format!("-{v}"))),
        SqlExpr::Identifier(i) => Ok(Some(i.value.clone())),
        other => Err(SharkError::analysis(format!(
            "partition values must be constants, got {other}"
        ))),
    }
}

/// A PARTITION (...) spec: (key, Some(static value) | None for dynamic).
pub(super) fn partition_spec(exprs: &[SqlExpr]) -> Result<Vec<(String, Option<String>)>> {
    exprs
        .iter()
        .map(|e| match e {
            SqlExpr::BinaryOp {
                left,
                op: ast::BinaryOperator::Eq,
                right,
            } => {
                let key = match left.as_ref() {
                    SqlExpr::Identifier(i) => i.value.to_ascii_lowercase(),
                    other => {
                        return Err(SharkError::analysis(format!(
                            "invalid partition key {other}"
                        )))
                    }
                };
                Ok((key, Some(literal_text(right)?.unwrap_or_default())))
            }
            SqlExpr::Identifier(i) => Ok((i.value.to_ascii_lowercase(), None)),
            other => Err(SharkError::analysis(format!(
                "invalid partition spec {other}"
            ))),
        })
        .collect()
}

/// Full partition values, in key order, from a spec that names every key.
pub(super) fn full_values(t: &Table, spec: &[(String, Option<String>)]) -> Result<Vec<String>> {
    t.partition_keys
        .iter()
        .map(|k| {
            spec.iter()
                .find(|(n, _)| *n == k.name)
                .and_then(|(_, v)| v.clone())
                .ok_or_else(|| {
                    SharkError::analysis(format!(
                        "partition spec of {} must give a value for {}",
                        t.qualified_name(),
                        k.name
                    ))
                })
        })
        .collect()
}

pub(super) fn column_defs(cols: &[ast::ColumnDef]) -> Result<Vec<Column>> {
    cols.iter()
        .map(|c| {
            let t = crate::types::sql_type(&c.data_type)?;
            let name = crate::parse::ident_value(&c.name).to_ascii_lowercase();
            // VARCHAR(n) and CHAR(n) keep their lengths in the metastore
            // (read as STRING, cut to n as values are written).
            let length = |l: &Option<ast::CharacterLength>| match l {
                Some(ast::CharacterLength::IntegerLength { length, .. }) => Some(*length),
                _ => None,
            };
            let hive_type = match &c.data_type {
                ast::DataType::Varchar(l) | ast::DataType::CharacterVarying(l) => {
                    length(l).map(|n| format!("varchar({n})"))
                }
                ast::DataType::Char(l) | ast::DataType::Character(l) => {
                    length(l).map(|n| format!("char({n})"))
                }
                _ => None,
            }
            .unwrap_or_else(|| type_name(&t));
            let mut col = Column::new(&name, &hive_type);
            for o in &c.options {
                if let ast::ColumnOption::Comment(text) = &o.option {
                    col.comment = Some(text.clone());
                }
            }
            Ok(col)
        })
        .collect()
}

pub(super) fn unescape_delim(raw: &str) -> String {
    let t = raw.trim_matches('\'').trim_matches('"');
    crate::parse::unescape(t)
}

impl Session {
    pub(super) fn hive(&self) -> Result<Arc<HiveCatalog>> {
        self.hive.clone().ok_or_else(|| {
            SharkError::unsupported("this statement needs a warehouse (start the session with one)")
        })
    }

    pub(super) fn existing_table(&self, n: &ObjectName) -> Result<Table> {
        let (db, t) = name_parts(n, &self.database)?;
        self.hive()?
            .get(&db, &t)?
            .ok_or_else(|| SharkError::analysis(format!("Table not found '{t}'")))
    }

    /// The text format a `ROW FORMAT DELIMITED` clause describes.
    pub(super) fn delimited_format(delimiters: &[ast::HiveRowDelimiter]) -> Result<StorageFormat> {
        let mut f = hive::text::TextFormat::default();
        for d in delimiters {
            let v = unescape_delim(&d.char.value);
            match d.delimiter {
                ast::HiveDelimiter::FieldsTerminatedBy => f.field_delim = v,
                ast::HiveDelimiter::FieldsEscapedBy => f.escape = v.chars().next(),
                ast::HiveDelimiter::CollectionItemsTerminatedBy => f.collection_delim = v,
                ast::HiveDelimiter::MapKeysTerminatedBy => f.map_key_delim = v,
                ast::HiveDelimiter::NullDefinedAs => f.null_string = v,
                ast::HiveDelimiter::LinesTerminatedBy => {
                    if v != "\n" {
                        return Err(SharkError::unsupported(
                            "LINES TERMINATED BY other than '\\n' (Hive supports only newline too)",
                        ));
                    }
                }
            }
        }
        Ok(StorageFormat::Text(f))
    }
}

/// The `SORTED BY` columns of a `CLUSTERED BY` clause, as the metastore
/// keeps them.
pub(super) fn sort_columns(cb: &ast::ClusteredBy) -> Vec<hive::metastore::SortColumn> {
    cb.sorted_by
        .iter()
        .flatten()
        .map(|o| hive::metastore::SortColumn {
            name: o.expr.to_string().trim_matches('`').to_ascii_lowercase(),
            ascending: !matches!(o.options.sort, Some(ast::OrderBySort::Desc)),
        })
        .collect()
}
