//! INSERT INTO / OVERWRITE (VALUES, queries, static and dynamic
//! partitions) and INSERT OVERWRITE DIRECTORY, through `write.rs`'s staging
//! and rename; metadata after the data is in place.

use super::names::*;
use super::write::{
    by_bucket, commit_pending, conform_rdd, replace_dir, sorted_buckets, staging_dir,
    visible_entries, write_buckets, write_rdd,
};
use super::{Session, StatementResult};
use crate::error::{Result, SharkError};
use crate::hive_catalog::{columns_schema, location_path, storage_format};
use crate::hive_table::StorageFormat;
use hive::metastore::Column;
use sqlparser::ast;
use std::path::{Path, PathBuf};

impl Session {
    pub(super) fn make_table_dir(&self, db: &str, name: &str) -> Result<()> {
        if let Some(t) = self.hive()?.get(db, name)? {
            let _ = storage::create_dir_all(&location_path(&t.storage.location));
        }
        Ok(())
    }

    pub(super) fn insert(&mut self, ins: ast::Insert) -> Result<StatementResult> {
        let hive = self.hive()?;
        let table_name = match &ins.table {
            ast::TableObject::TableName(n) => n.clone(),
            other => return Err(SharkError::unsupported(format!("INSERT INTO {other}"))),
        };
        let t = self.existing_table(&table_name)?;
        if t.is_view() {
            return Err(SharkError::analysis(format!(
                "Cannot insert into a view: {}",
                t.name
            )));
        }
        let source = ins
            .source
            .as_ref()
            .ok_or_else(|| SharkError::unsupported("INSERT without a query"))?;
        let spec = match &ins.partitioned {
            Some(p) => partition_spec(p)?,
            None => vec![],
        };
        if t.is_partitioned() && spec.is_empty() {
            return Err(SharkError::analysis(format!(
                "Need to specify partition columns because the destination table {} is partitioned",
                t.qualified_name()
            )));
        }
        if !t.is_partitioned() && !spec.is_empty() {
            return Err(SharkError::analysis(format!(
                "Table {} is not partitioned but a partition spec was given",
                t.qualified_name()
            )));
        }
        for (k, _) in &spec {
            if !t.partition_keys.iter().any(|pk| &pk.name == k) {
                return Err(SharkError::analysis(format!(
                    "{k} is not a partition column of {}",
                    t.qualified_name()
                )));
            }
        }
        // Static values first, dynamic keys after, in key order.
        let statics: Vec<(String, String)> = t
            .partition_keys
            .iter()
            .filter_map(|k| {
                spec.iter()
                    .find(|(n, v)| *n == k.name && v.is_some())
                    .map(|(n, v)| (n.clone(), v.clone().unwrap()))
            })
            .collect();
        let dynamic: Vec<String> = t
            .partition_keys
            .iter()
            .filter(|k| !statics.iter().any(|(n, _)| *n == k.name))
            .map(|k| k.name.clone())
            .collect();
        if t.is_partitioned() && statics.len() < t.partition_keys.len() {
            if statics.is_empty()
                && self
                    .settings
                    .get("hive.exec.dynamic.partition.mode")
                    .map(|m| m != "nonstrict")
                    .unwrap_or(true)
            {
                return Err(SharkError::analysis(
                    "Dynamic partition strict mode requires at least one static partition column. To turn this off set hive.exec.dynamic.partition.mode=nonstrict",
                ));
            }
            for (i, k) in t.partition_keys.iter().enumerate() {
                if i < statics.len() && statics[i].0 != k.name {
                    return Err(SharkError::analysis(
                        "static partition columns must come before dynamic ones",
                    ));
                }
            }
        }
        // Hive's text SerDe writes CHAR(n) padded to n. Bucketed files keep
        // the values unpadded: buckets go by the hash of the CHAR value,
        // which has no padding (readers strip it either way).
        let padded = matches!(
            crate::hive_catalog::storage_format(&t),
            crate::table::StorageFormat::Text(_)
        ) && bucketing(&t)?.is_none();
        let plan = fit_char_columns(self.plan(source)?, &t.columns, padded)?;
        let schema = plan.schema();
        let data = columns_schema(&t.columns)?;
        let dyn_cols: Vec<hive::metastore::Column> = t
            .partition_keys
            .iter()
            .filter(|k| dynamic.contains(&k.name))
            .cloned()
            .collect();
        let expected = data.fields().len() + dyn_cols.len();
        if schema.fields().len() != expected {
            return Err(SharkError::analysis(format!(
                "Cannot insert into target table because column number/types are different '{}': Table insclause-0 has {} columns, but query has {} columns.",
                t.name,
                expected,
                schema.fields().len()
            )));
        }
        let mut all_cols = t.columns.clone();
        all_cols.extend(dyn_cols.iter().map(|c| Column::new(&c.name, "string")));
        let target_schema = columns_schema(&all_cols)?;
        let (rdd, _) = self.run_plan(&plan)?;
        let rdd = conform_rdd(rdd, target_schema.clone());
        let staging = staging_dir(&hive.local_root())?;
        let format = storage_format(&t);
        let table_dir = location_path(&t.storage.location);
        let buckets = bucketing(&t)?;
        let result = (|| -> Result<()> {
            let written = match &buckets {
                // One file per bucket, by Hive's bucketing hash.
                Some((columns, n)) => write_buckets(
                    &sorted_buckets(
                        &by_bucket(&rdd, columns.clone(), *n),
                        &target_schema,
                        &bucket_sort(&t),
                    ),
                    &staging,
                    &format,
                    &dynamic,
                    target_schema.clone(),
                )?,
                None => write_rdd(&rdd, &staging, &format, &dynamic)?,
            };
            // Every folder the statement changes goes in one journaled
            // commit: after a kill, readers see all of it or none.
            let mut commit = hive::commit::Commit::new();
            commit.staging = Some(staging.clone());
            commit.table = Some((t.db.clone(), t.name.clone(), t.create_time));
            if !t.is_partitioned() {
                if !staging.exists() || visible_entries(&staging)?.is_empty() {
                    std::fs::create_dir_all(&staging)
                        .map_err(|e| SharkError::exec(e.to_string()))?;
                }
                commit.moves.push(hive::commit::FolderMove {
                    staged: staging.clone(),
                    target: table_dir.clone(),
                    overwrite: ins.overwrite,
                });
                return Ok(commit.run(&hive.local_root(), hive.metastore())?);
            }
            let static_path = hive::warehouse::partition_path(
                &statics
                    .iter()
                    .map(|(k, v)| (k.clone(), Some(v.clone())))
                    .collect::<Vec<_>>(),
            );
            let mut targets: Vec<(Vec<String>, String)> = Vec::new();
            let rels: Vec<String> = if dynamic.is_empty() {
                vec![String::new()]
            } else {
                written.keys().cloned().collect()
            };
            for rel in rels {
                let full = match (static_path.is_empty(), rel.is_empty()) {
                    (_, true) => static_path.clone(),
                    (true, false) => rel.clone(),
                    (false, false) => format!("{static_path}/{rel}"),
                };
                let values: Vec<String> = hive::warehouse::parse_partition_path(&full)?
                    .into_iter()
                    .map(|(_, v)| {
                        v.unwrap_or_else(|| hive::warehouse::DEFAULT_PARTITION_NAME.to_string())
                    })
                    .collect();
                let existing = hive.metastore().get_partition(&t.db, &t.name, &values)?;
                let target = match existing {
                    Some(p) => location_path(&p.location),
                    None => location_path(&t.default_partition_location(&values)),
                };
                let staged = if rel.is_empty() {
                    staging.clone()
                } else {
                    staging.join(&rel)
                };
                if !staged.exists() {
                    std::fs::create_dir_all(&staged)
                        .map_err(|e| SharkError::exec(e.to_string()))?;
                }
                commit.moves.push(hive::commit::FolderMove {
                    staged,
                    target: target.clone(),
                    overwrite: ins.overwrite,
                });
                targets.push((values, target.display().to_string()));
            }
            commit.register = Some(hive::commit::Registration {
                db: t.db.clone(),
                table: t.name.clone(),
                partitions: targets,
            });
            Ok(commit.run(&hive.local_root(), hive.metastore())?)
        })();
        // A commit whose journal was written is decided: its staged files
        // stay for the roll-forward.
        if result.is_err() && !commit_pending(&hive.local_root(), &staging) {
            let _ = std::fs::remove_dir_all(&staging);
        }
        result?;
        Ok(StatementResult::Done(None))
    }

    /// `INSERT OVERWRITE [LOCAL] DIRECTORY 'path' [ROW FORMAT ...] [STORED
    /// AS ...] query`: the folder is replaced by the query's rows, through a
    /// staging folder committed by rename.
    pub(super) fn write_directory(
        &mut self,
        path: &str,
        source: &ast::Query,
        format: &StorageFormat,
    ) -> Result<StatementResult> {
        // Text shows CHAR(n) padded, as Hive writes it.
        let plan = match format {
            StorageFormat::Text(_) => self.plan_output(source)?,
            _ => self.plan(source)?,
        };
        let (rdd, _) = self.run_plan(&plan)?;
        let target = self.user_path(path, crate::paths::PathUse::Overwrite)?;
        if storage::is_remote(&target) {
            let staging = staging_dir(&self.hive()?.local_root())?;
            let result = write_rdd(&rdd, &staging, format, &[])
                .and_then(|_| super::write::replace_remote_dir(&staging, &target));
            let _ = std::fs::remove_dir_all(&staging);
            result?;
            return Ok(StatementResult::Done(None));
        }
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent)
            .map_err(|e| SharkError::exec(format!("{}: {e}", parent.display())))?;
        let staging = parent.join(format!(
            ".{}.shark-staging-{}",
            target
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            std::process::id()
        ));
        std::fs::create_dir_all(&staging).map_err(|e| SharkError::exec(e.to_string()))?;
        let result =
            write_rdd(&rdd, &staging, format, &[]).and_then(|_| replace_dir(&staging, &target));
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        result?;
        Ok(StatementResult::Done(None))
    }

    /// `INSERT OVERWRITE [LOCAL] DIRECTORY ... STORED AS ...`.
    pub(super) fn insert_directory(
        &mut self,
        path: &str,
        source: &ast::Query,
        file_format: Option<ast::FileFormat>,
    ) -> Result<StatementResult> {
        let format = match file_format {
            Some(ast::FileFormat::PARQUET) => StorageFormat::Parquet,
            Some(ast::FileFormat::ORC) => StorageFormat::Orc,
            Some(ast::FileFormat::AVRO) => StorageFormat::Avro,
            None | Some(ast::FileFormat::TEXTFILE) => StorageFormat::Text(Default::default()),
            Some(other) => {
                return Err(SharkError::unsupported(format!(
                    "STORED AS {other} is not supported yet: Shark writes TEXTFILE, PARQUET, ORC and AVRO"
                )))
            }
        };
        self.write_directory(path, source, &format)
    }
}

/// The length of a `varchar(n)` or `char(n)` Hive type, and whether it is
/// CHAR.
fn char_length(type_name: &str) -> Option<(u64, bool)> {
    let t = type_name.trim().to_ascii_lowercase();
    let (inner, is_char) = match (t.strip_prefix("varchar("), t.strip_prefix("char(")) {
        (Some(rest), _) => (rest, false),
        (None, Some(rest)) => (rest, true),
        _ => return None,
    };
    inner
        .strip_suffix(')')?
        .trim()
        .parse()
        .ok()
        .map(|n| (n, is_char))
}

/// The rows an INSERT writes, with values of VARCHAR(n) and CHAR(n)
/// columns cut to `n` characters (CHAR also without trailing spaces, which
/// Hive's CHAR does not count), as Hive converts them to the column's type;
/// CHAR values then `padded` to n with blanks (how text files hold them).
fn fit_char_columns(
    plan: std::sync::Arc<crate::plan::LogicalPlan>,
    columns: &[Column],
    padded: bool,
) -> Result<std::sync::Arc<crate::plan::LogicalPlan>> {
    use crate::expr::Expr;
    if !columns.iter().any(|c| char_length(&c.type_name).is_some()) {
        return Ok(plan);
    }
    let schema = plan.schema();
    let mut exprs = Vec::with_capacity(schema.fields().len());
    for (i, f) in schema.fields().iter().enumerate() {
        let col = Expr::column(i, f.name().clone(), f.data_type().clone());
        let fitted = match columns.get(i).and_then(|c| char_length(&c.type_name)) {
            Some((n, is_char)) => {
                let fitted = crate::analyze::expr::fit_to_length(
                    col.cast_to(&arrow::datatypes::DataType::Utf8),
                    n,
                    is_char,
                )?;
                if is_char && padded {
                    crate::analyze::expr::pad_to_length(
                        fitted,
                        u32::try_from(n).unwrap_or(u32::MAX),
                    )?
                } else {
                    fitted
                }
            }
            None => col,
        };
        exprs.push(fitted);
    }
    Ok(std::sync::Arc::new(crate::plan::LogicalPlan::Project(
        crate::plan::Project {
            input: plan,
            exprs,
            schema,
        },
    )))
}

/// A bucketed table's CLUSTERED BY columns (positions among its data
/// columns) and bucket count; None for a table that is not bucketed.
pub(super) fn bucketing(t: &hive::metastore::Table) -> Result<Option<(Vec<usize>, usize)>> {
    let (Some(n), false) = (t.storage.bucket_count, t.storage.bucket_columns.is_empty()) else {
        return Ok(None);
    };
    if n == 0 {
        return Err(SharkError::analysis(format!(
            "{}: a table of 0 buckets cannot be written",
            t.qualified_name()
        )));
    }
    let columns = t
        .storage
        .bucket_columns
        .iter()
        .map(|c| {
            t.columns.iter().position(|d| d.name == *c).ok_or_else(|| {
                SharkError::analysis(format!(
                    "{}: bucket column {c} is not a column of the table",
                    t.qualified_name()
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some((columns, n as usize)))
}

/// A bucketed table's SORTED BY columns: (data column position, ascending).
pub(super) fn bucket_sort(t: &hive::metastore::Table) -> Vec<(usize, bool)> {
    t.storage
        .sort_columns
        .iter()
        .filter_map(|c| {
            let i = t.columns.iter().position(|d| d.name == c.name)?;
            Some((i, c.ascending))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn char_lengths_read_from_hive_types() {
        assert_eq!(super::char_length("varchar(2)"), Some((2, false)));
        assert_eq!(super::char_length("CHAR( 10 )"), Some((10, true)));
        assert_eq!(super::char_length("string"), None);
        assert_eq!(super::char_length("varchar"), None);
    }
}
