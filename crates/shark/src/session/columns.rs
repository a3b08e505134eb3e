//! `ALTER TABLE t [PARTITION (…)] ADD|REPLACE|CHANGE COLUMNS … [CASCADE]`:
//! metadata only, as in Hive (files are not rewritten). A table-level
//! change leaves the partitions that exist their columns unless CASCADE,
//! so they are read as they were written and converted to the table's
//! columns; a partition-level change gives one partition its own columns.

use super::names::*;
use super::{Session, StatementResult};
use crate::error::{Result, SharkError};
use crate::parse::{ColumnChange, ColumnPosition};
use hive::metastore::Column;
use sqlparser::ast::{self as ast, Expr as SqlExpr, ObjectName};

impl Session {
    pub(super) fn alter_columns(
        &mut self,
        table: &str,
        partition: Option<Vec<SqlExpr>>,
        change: ColumnChange,
        cascade: bool,
    ) -> Result<StatementResult> {
        let hive = self.hive()?;
        let name: Vec<ast::Ident> = table.split('.').map(ast::Ident::new).collect();
        let t = self.existing_table(&ObjectName::from(name))?;
        let ms = hive.metastore();
        if let Some(spec) = partition {
            let values = full_values(&t, &partition_spec(&spec)?)?;
            let mut p = ms
                .get_partition(&t.db, &t.name, &values)?
                .ok_or_else(|| SharkError::analysis("Partition not found"))?;
            let current = p.columns.clone().unwrap_or_else(|| t.columns.clone());
            let new = changed_columns(&current, &t.partition_keys, &change)?;
            p.columns = (!same_columns(&new, &t.columns)).then_some(new);
            ms.alter_partition(&t.db, &t.name, &p)?;
            return Ok(StatementResult::Done(None));
        }
        // Decided inside the metastore's write transaction, on the table
        // and partitions stored at that moment.
        let invalid = |e: SharkError| hive::HiveError::Invalid(e.to_string());
        ms.change_columns(&t.db, &t.name, |t, parts| {
            let mut new = t.clone();
            new.columns =
                changed_columns(&t.columns, &t.partition_keys, &change).map_err(invalid)?;
            if let ColumnChange::Change { old, column, .. } = &change {
                let name = crate::parse::ident_value(&column.name).to_ascii_lowercase();
                for c in new.storage.bucket_columns.iter_mut() {
                    if c == old {
                        c.clone_from(&name);
                    }
                }
                for s in new.storage.sort_columns.iter_mut() {
                    if &s.name == old {
                        s.name.clone_from(&name);
                    }
                }
            }
            // The files were bucketed by the old columns' types and order.
            new.parameters.remove(crate::hive_catalog::BUCKETED_FILES);
            // Partitions that exist keep the columns they were written with
            // (Hive's RESTRICT), or take the change too (CASCADE).
            let mut partitions = Vec::new();
            for p in parts {
                let own = match (&p.columns, cascade) {
                    (None, true) => continue,
                    (None, false) => Some(t.columns.clone()),
                    (Some(_), false) => continue,
                    (Some(c), true) => {
                        let changed =
                            changed_columns(c, &t.partition_keys, &change).map_err(invalid)?;
                        (!same_columns(&changed, &new.columns)).then_some(changed)
                    }
                };
                partitions.push((p.values.clone(), own));
            }
            Ok((new, partitions))
        })?;
        Ok(StatementResult::Done(None))
    }
}

/// `columns` after `change`; `keys` (the partition columns) may not be
/// duplicated.
fn changed_columns(
    columns: &[Column],
    keys: &[Column],
    change: &ColumnChange,
) -> Result<Vec<Column>> {
    let mut out = columns.to_vec();
    match change {
        ColumnChange::Replace(defs) => out = column_defs(defs)?,
        ColumnChange::Add(defs) => out.extend(column_defs(defs)?),
        ColumnChange::Change {
            old,
            column,
            position,
        } => {
            let at = out
                .iter()
                .position(|c| &c.name == old)
                .ok_or_else(|| SharkError::analysis(format!("Invalid column reference {old}")))?;
            let mut new = column_defs(std::slice::from_ref(column))?.remove(0);
            if new.comment.is_none() {
                new.comment = out[at].comment.take();
            }
            out.remove(at);
            let to = match position {
                None => at,
                Some(ColumnPosition::First) => 0,
                Some(ColumnPosition::After(c)) => {
                    out.iter().position(|x| &x.name == c).ok_or_else(|| {
                        SharkError::analysis(format!("Invalid column reference {c}"))
                    })? + 1
                }
            };
            out.insert(to, new);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for c in out.iter().chain(keys) {
        if !seen.insert(c.name.as_str()) {
            return Err(SharkError::analysis(format!(
                "Duplicate column name: {}",
                c.name
            )));
        }
    }
    Ok(out)
}

/// Same names and types (comments aside).
fn same_columns(a: &[Column], b: &[Column]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.name == y.name && x.type_name.eq_ignore_ascii_case(&y.type_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(sql: &str) -> ColumnChange {
        match crate::parse::parse_statement(sql, 1).unwrap() {
            crate::parse::HiveStatement::AlterColumns { change, .. } => change,
            _ => panic!("not an ALTER … COLUMNS"),
        }
    }

    fn names(cols: &[Column]) -> Vec<String> {
        cols.iter()
            .map(|c| format!("{} {}", c.name, c.type_name))
            .collect()
    }

    #[test]
    fn change_renames_retypes_and_moves() {
        let cols = vec![
            Column::new("a", "int"),
            Column::new("b", "string"),
            Column::new("c", "int"),
        ];
        let keys = vec![Column::new("ds", "string")];
        let out =
            changed_columns(&cols, &keys, &change("alter table t change a a2 bigint")).unwrap();
        assert_eq!(names(&out), ["a2 bigint", "b string", "c int"]);
        let out =
            changed_columns(&cols, &keys, &change("alter table t change c c int first")).unwrap();
        assert_eq!(names(&out), ["c int", "a int", "b string"]);
        let out = changed_columns(
            &cols,
            &keys,
            &change("alter table t change a a int after c"),
        )
        .unwrap();
        assert_eq!(names(&out), ["b string", "c int", "a int"]);
        assert!(changed_columns(&cols, &keys, &change("alter table t change x y int")).is_err());
        assert!(changed_columns(&cols, &keys, &change("alter table t change a ds int")).is_err());
        assert!(
            changed_columns(&cols, &keys, &change("alter table t add columns (b int)")).is_err()
        );
        let out = changed_columns(
            &cols,
            &keys,
            &change("alter table t replace columns (z char(3))"),
        )
        .unwrap();
        assert_eq!(names(&out), ["z char(3)"]);
    }
}
