//! ALTER TABLE: partitions, rename, columns, properties and locations.

use super::names::*;
use super::write::move_path;
use super::{Session, StatementResult};
use crate::error::{Result, SharkError};
use crate::hive_catalog::location_path;
use hive::metastore::{Partition, TableType};
use sqlparser::ast::{self as ast, Expr as SqlExpr, ObjectName};
use std::collections::BTreeMap;

impl Session {
    pub(super) fn alter_table(&mut self, at: ast::AlterTable) -> Result<StatementResult> {
        let hive = self.hive()?;
        let t = self.existing_table(&at.name)?;
        for op in at.operations {
            match op {
                ast::AlterTableOperation::AddPartitions {
                    if_not_exists,
                    new_partitions,
                } => {
                    let mut parts = Vec::new();
                    for p in new_partitions {
                        let ast::Partition::Partitions(spec) = p else {
                            return Err(SharkError::unsupported("this partition form"));
                        };
                        let values = full_values(&t, &partition_spec(&spec)?)?;
                        let location = match &at.location {
                            Some(l) => {
                                self.user_path(&l.location.value, crate::paths::PathUse::Location)?;
                                l.location.value.clone()
                            }
                            None => t.default_partition_location(&values),
                        };
                        parts.push(Partition {
                            values,
                            location,
                            ..Partition::default()
                        });
                    }
                    // Folders first, registration last (one transaction):
                    // a kill in between leaves only empty folders, never a
                    // partition without its folder.
                    let mut made = Vec::new();
                    for p in &parts {
                        let dir = location_path(&p.location);
                        if !storage::exists(&dir)? {
                            storage::create_dir_all(&dir)
                                .map_err(|e| SharkError::exec(e.to_string()))?;
                            made.push(dir);
                        }
                    }
                    if let Err(e) =
                        hive.metastore()
                            .add_partitions(&t.db, &t.name, &parts, if_not_exists)
                    {
                        for dir in made.iter().rev() {
                            let _ = std::fs::remove_dir(dir);
                        }
                        return Err(e.into());
                    }
                }
                ast::AlterTableOperation::DropPartitions {
                    partitions,
                    if_exists,
                } => {
                    let values = full_values(&t, &partition_spec(&partitions)?)?;
                    match hive.metastore().get_partition(&t.db, &t.name, &values)? {
                        // Not there: an error unless IF EXISTS, as Hive.
                        None => {
                            hive.metastore().drop_partitions(
                                &t.db,
                                &t.name,
                                &[values],
                                if_exists,
                            )?;
                        }
                        // Journaled: after a kill the partition is gone
                        // with its folder, or still there with it.
                        Some(p) => {
                            let mut commit = hive::commit::Commit::new();
                            commit.drop = Some(hive::commit::Removal {
                                db: t.db.clone(),
                                table: t.name.clone(),
                                created: t.create_time,
                                partitions: Some(vec![values]),
                                folders: if t.table_type == TableType::Managed {
                                    vec![location_path(&p.location)]
                                } else {
                                    vec![]
                                },
                            });
                            commit.run(&hive.local_root(), hive.metastore())?;
                        }
                    }
                }
                ast::AlterTableOperation::RenameTable { table_name } => {
                    let new = match table_name {
                        ast::RenameTableNameKind::To(n) | ast::RenameTableNameKind::As(n) => n,
                    };
                    let (db, name) = name_parts(&new, &t.db)?;
                    let mut renamed = t.clone();
                    renamed.db = db;
                    renamed.name = name;
                    let on_store = storage::is_remote(&location_path(&t.storage.location));
                    if on_store && t.table_type == TableType::Managed {
                        // Its files would have to be copied to the new
                        // name's folder, object by object.
                        return Err(SharkError::unsupported(format!(
                            "renaming the managed table {} on an object store (its files cannot be moved there); \
                             CREATE TABLE … AS SELECT a copy, or make it EXTERNAL first",
                            t.name
                        )));
                    }
                    let stored = hive.metastore().alter_table(&t.db, &t.name, &renamed)?;
                    if stored.storage.location != t.storage.location {
                        let (from, to) = (
                            location_path(&t.storage.location),
                            location_path(&stored.storage.location),
                        );
                        if from.exists() {
                            move_path(&from, &to)?;
                        }
                    }
                }
                ast::AlterTableOperation::SetTblProperties { table_properties } => {
                    let mut params = BTreeMap::new();
                    for p in table_properties {
                        if let ast::SqlOption::KeyValue { key, value } = p {
                            let v = match &value {
                                SqlExpr::Value(v) => match &v.value {
                                    ast::Value::SingleQuotedString(s)
                                    | ast::Value::DoubleQuotedString(s) => s.clone(),
                                    other => other.to_string(),
                                },
                                other => other.to_string(),
                            };
                            params.insert(
                                key.to_string()
                                    .trim_matches('\'')
                                    .trim_matches('"')
                                    .to_string(),
                                v,
                            );
                        }
                    }
                    hive.metastore()
                        .set_table_parameters(&t.db, &t.name, &params)?;
                }
                other => return Err(SharkError::unsupported(format!("ALTER TABLE {other}"))),
            }
        }
        Ok(StatementResult::Done(None))
    }

    pub(super) fn set_location(
        &mut self,
        table: &str,
        partition: Option<Vec<SqlExpr>>,
        location: String,
    ) -> Result<StatementResult> {
        let hive = self.hive()?;
        self.user_path(&location, crate::paths::PathUse::Location)?;
        let t = self.existing_table(&ObjectName::from(vec![ast::Ident::new(table)]))?;
        match partition {
            Some(spec) => {
                let values = full_values(&t, &partition_spec(&spec)?)?;
                let mut p = hive
                    .metastore()
                    .get_partition(&t.db, &t.name, &values)?
                    .ok_or_else(|| SharkError::analysis("Partition not found"))?;
                p.location = location;
                hive.metastore().alter_partition(&t.db, &t.name, &p)?;
            }
            None => {
                let mut new = t.clone();
                new.storage.location = location;
                // Files elsewhere, of unknown layout.
                new.parameters.remove(crate::hive_catalog::BUCKETED_FILES);
                hive.metastore().alter_table(&t.db, &t.name, &new)?;
            }
        }
        Ok(StatementResult::Done(None))
    }
}

impl Session {
    /// `ALTER TABLE t PARTITION COLUMN (k type)`: the key's new type; the
    /// folders keep their names, their values are read as the new type.
    pub(super) fn alter_partition_column(
        &mut self,
        table: &ObjectName,
        column: ast::ColumnDef,
    ) -> Result<StatementResult> {
        let hive = self.hive()?;
        let t = self.existing_table(table)?;
        let new_col = column_defs(std::slice::from_ref(&column))?.remove(0);
        let mut new = t.clone();
        let key = new
            .partition_keys
            .iter_mut()
            .find(|k| k.name == new_col.name)
            .ok_or_else(|| {
                SharkError::analysis(format!(
                    "{} has no partition column {}",
                    t.qualified_name(),
                    new_col.name
                ))
            })?;
        key.type_name = new_col.type_name;
        if new_col.comment.is_some() {
            key.comment = new_col.comment;
        }
        hive.metastore().alter_table(&t.db, &t.name, &new)?;
        Ok(StatementResult::Done(None))
    }

    /// `ALTER TABLE t SET FILEFORMAT | SET SERDE | SET SERDEPROPERTIES`:
    /// the table's metadata only; files already there are not rewritten
    /// (as in Hive).
    pub(super) fn alter_storage(
        &mut self,
        table: &ObjectName,
        format: Option<Box<ast::HiveFormat>>,
        serde_properties: Vec<(String, String)>,
    ) -> Result<StatementResult> {
        let hive = self.hive()?;
        let t = self.existing_table(table)?;
        let mut new = t.clone();
        if format.is_some()
            && t.is_partitioned()
            && !hive.metastore().list_partitions(&t.db, &t.name)?.is_empty()
        {
            return Err(SharkError::unsupported(format!(
                "changing the storage of {}, which has partitions: Shark keeps one format per \
                 table, and the partitions written so far would be read in the new one",
                t.qualified_name()
            )));
        }
        if let Some(f) = format {
            let sd = super::ddl::storage_descriptor(&f)?;
            new.storage.input_format = sd.input_format;
            new.storage.output_format = sd.output_format;
            new.storage.serde = sd.serde;
        }
        new.storage.serde_params.extend(serde_properties);
        hive.metastore().alter_table(&t.db, &t.name, &new)?;
        Ok(StatementResult::Done(None))
    }
}

impl Session {
    /// `ALTER TABLE t CLUSTERED BY … INTO n BUCKETS` / `NOT CLUSTERED`:
    /// the bucketing later inserts follow; files already there are not
    /// rewritten (as in Hive).
    pub(super) fn alter_clustering(
        &mut self,
        table: &ObjectName,
        clustered: Option<ast::ClusteredBy>,
    ) -> Result<StatementResult> {
        let hive = self.hive()?;
        let t = self.existing_table(table)?;
        let mut new = t.clone();
        match clustered {
            None => {
                new.storage.bucket_columns.clear();
                new.storage.sort_columns.clear();
                new.storage.bucket_count = None;
            }
            Some(cb) => {
                let name = |i: &ast::Ident| crate::parse::ident_value(i).to_ascii_lowercase();
                let columns: Vec<String> = cb.columns.iter().map(name).collect();
                for c in &columns {
                    if !t.columns.iter().any(|d| d.name == *c) {
                        return Err(SharkError::analysis(format!(
                            "{c} is not a column of {}",
                            t.qualified_name()
                        )));
                    }
                }
                let count: u32 = cb
                    .num_buckets
                    .to_string()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| SharkError::analysis("INTO n BUCKETS needs n > 0"))?;
                new.storage.bucket_columns = columns;
                new.storage.bucket_count = Some(count);
                new.storage.sort_columns = sort_columns(&cb);
            }
        }
        new.parameters.remove(crate::hive_catalog::BUCKETED_FILES);
        let loc = crate::hive_catalog::location_path(&t.storage.location);
        let no_files = crate::table::data_files(&loc).map_or(true, |f| f.is_empty());
        if new.storage.bucket_count.is_some() && no_files {
            new.parameters
                .insert(crate::hive_catalog::BUCKETED_FILES.into(), "true".into());
        }
        hive.metastore().alter_table(&t.db, &t.name, &new)?;
        Ok(StatementResult::Done(None))
    }
}
