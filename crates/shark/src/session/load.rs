//! LOAD DATA [LOCAL] INPATH ... [OVERWRITE] INTO TABLE t [PARTITION (...)]:
//! files moved (or copied, LOCAL) into the table's folder through staging.

use super::names::*;
use super::write::{commit_dir, move_path, staging_dir, visible_entries};
use super::{Session, StatementResult};
use crate::error::{Result, SharkError};
use crate::hive_catalog::location_path;
use hive::metastore::Partition;
use sqlparser::ast::{Expr as SqlExpr, ObjectName};
use std::path::PathBuf;

impl Session {
    pub(super) fn load_data(
        &mut self,
        local: bool,
        inpath: &str,
        overwrite: bool,
        table: &ObjectName,
        partitioned: Option<Vec<SqlExpr>>,
    ) -> Result<StatementResult> {
        let hive = self.hive()?;
        let t = self.existing_table(table)?;
        let src = location_path(inpath);
        if !src.exists() {
            return Err(SharkError::analysis(format!(
                "Invalid path '{inpath}': No files matching path {inpath}"
            )));
        }
        let files: Vec<PathBuf> = if src.is_dir() {
            visible_entries(&src)?
                .into_iter()
                .filter(|p| p.is_file())
                .collect()
        } else {
            vec![src.clone()]
        };
        let (target, values) = match partitioned {
            Some(spec) if t.is_partitioned() => {
                let values = full_values(&t, &partition_spec(&spec)?)?;
                let loc = match hive.metastore().get_partition(&t.db, &t.name, &values)? {
                    Some(p) => location_path(&p.location),
                    None => location_path(&t.default_partition_location(&values)),
                };
                (loc, Some(values))
            }
            Some(_) => {
                return Err(SharkError::analysis(format!(
                    "Table {} is not partitioned",
                    t.name
                )))
            }
            None if t.is_partitioned() => {
                return Err(SharkError::analysis(format!(
                "Need to specify partition columns because the destination table {} is partitioned",
                t.name
            )))
            }
            None => (location_path(&t.storage.location), None),
        };
        let staging = staging_dir(hive.warehouse())?;
        let result = (|| -> Result<()> {
            for f in &files {
                let to = staging.join(f.file_name().expect("file name"));
                if local {
                    std::fs::copy(f, &to)
                        .map_err(|e| SharkError::exec(format!("{}: {e}", f.display())))?;
                } else {
                    move_path(f, &to)?;
                }
            }
            commit_dir(&staging, &target, overwrite)?;
            if let Some(values) = values {
                let p = Partition {
                    values,
                    location: target.display().to_string(),
                    ..Partition::default()
                };
                hive.metastore()
                    .add_partitions(&t.db, &t.name, &[p], true)?;
            }
            Ok(())
        })();
        let _ = std::fs::remove_dir_all(&staging);
        result?;
        Ok(StatementResult::Done(None))
    }
}
