//! LOAD DATA [LOCAL] INPATH ... [OVERWRITE] INTO TABLE t [PARTITION (...)]:
//! files moved (or copied, LOCAL) into the table's folder through staging.

use super::names::*;
use super::write::{commit_pending, same_file_system, staging_dir, visible_entries};
use super::{Session, StatementResult};
use crate::error::{Result, SharkError};
use crate::hive_catalog::location_path;
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
        let purpose = if local {
            crate::paths::PathUse::Read
        } else {
            crate::paths::PathUse::Move
        };
        let src = self.user_path(inpath, purpose)?;
        if local && storage::is_remote(&src) {
            return Err(SharkError::analysis(format!(
                "LOAD DATA LOCAL INPATH '{inpath}': LOCAL names a file of this machine; \
                 load from an object store without LOCAL"
            )));
        }
        if !storage::exists(&src)? {
            return Err(SharkError::analysis(format!(
                "Invalid path '{inpath}': No files matching path {inpath}"
            )));
        }
        let files: Vec<PathBuf> = if storage::is_remote(&src) {
            storage::list_files(&src, false)
                .map_err(|e| SharkError::exec(e.to_string()))?
                .into_iter()
                .map(|f| f.0)
                .collect()
        } else if src.is_dir() {
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
        let staging = staging_dir(&hive.local_root())?;
        // One journaled commit: the user's files (moved, without LOCAL) and
        // the table's folder change together or not at all, even if the
        // process is killed half-way (the next open finishes the commit).
        let mut commit = hive::commit::Commit::new();
        commit.staging = Some(staging.clone());
        commit.table = Some((t.db.clone(), t.name.clone(), t.create_time));
        commit.moves.push(hive::commit::FolderMove {
            staged: staging.clone(),
            target: target.clone(),
            overwrite,
        });
        if let Some(values) = values {
            commit.register = Some(hive::commit::Registration {
                db: t.db.clone(),
                table: t.name.clone(),
                partitions: vec![(values, target.display().to_string())],
            });
        }
        let result = (|| -> Result<()> {
            for f in &files {
                let to = staging.join(f.file_name().expect("file name"));
                if local {
                    std::fs::copy(f, &to)
                        .map_err(|e| SharkError::exec(format!("{}: {e}", f.display())))?;
                } else if storage::is_remote(f) || same_file_system(f, &staging) {
                    // From a store the commit copies, then deletes the
                    // originals once it is recorded.
                    commit.sources.push((f.clone(), to));
                } else {
                    // Another file system: copied into staging first (the
                    // originals go only after the commit).
                    std::fs::copy(f, &to)
                        .map_err(|e| SharkError::exec(format!("{}: {e}", f.display())))?;
                }
            }
            if t.parameters
                .contains_key(crate::hive_catalog::BUCKETED_FILES)
            {
                // Loaded files are not laid out by bucket.
                let mut new = t.clone();
                new.parameters.remove(crate::hive_catalog::BUCKETED_FILES);
                hive.metastore().alter_table(&t.db, &t.name, &new)?;
            }
            commit.run(&hive.local_root(), hive.metastore())?;
            if !local {
                for f in files.iter().filter(|f| !storage::is_remote(f)) {
                    if f.exists() {
                        std::fs::remove_file(f)
                            .map_err(|e| SharkError::exec(format!("{}: {e}", f.display())))?;
                    }
                }
            }
            Ok(())
        })();
        if result.is_err() && !commit_pending(&hive.local_root(), &staging) {
            let _ = std::fs::remove_dir_all(&staging);
        }
        result?;
        Ok(StatementResult::Done(None))
    }
}

impl Session {
    /// `ADD FILE[S] p…`, `LIST FILE[S] [p…]`, `DELETE FILE[S] p…`: the files
    /// TRANSFORM scripts find in their working folder. JARs and archives
    /// (Java code, Hive's UDFs) are refused.
    pub(super) fn resource(&mut self, text: &str) -> Result<StatementResult> {
        let words: Vec<String> = crate::parse::words(text)
            .iter()
            .map(|w| w.trim_matches('\'').trim_matches('"').to_string())
            .collect();
        let verb = words
            .first()
            .map(|w| w.to_ascii_lowercase())
            .unwrap_or_default();
        let kind = words
            .get(1)
            .map(|w| w.to_ascii_lowercase())
            .unwrap_or_default();
        if kind != "file" && kind != "files" {
            return Err(SharkError::unsupported(format!(
                "'{text}': Shark runs no Java code, so jars and archives cannot be added \
                 (ADD FILE adds files for TRANSFORM scripts)"
            )));
        }
        let paths = &words[2..];
        match verb.as_str() {
            "add" => {
                if paths.is_empty() {
                    return Err(SharkError::analysis("ADD FILE needs a path"));
                }
                for p in paths {
                    let checked = self.user_path(p, crate::paths::PathUse::Read)?;
                    let path = std::fs::canonicalize(&checked)
                        .map_err(|e| SharkError::analysis(format!("ADD FILE {p}: {e}")))?;
                    if !self.added_files.contains(&path) {
                        self.added_files.push(path);
                    }
                }
                Ok(StatementResult::Done(None))
            }
            "list" => {
                let names: Vec<String> = self
                    .added_files
                    .iter()
                    .map(|f| f.display().to_string())
                    .filter(|f| paths.is_empty() || paths.iter().any(|p| f.contains(p.as_str())))
                    .collect();
                Ok(StatementResult::Rows(super::QueryResult::lines(
                    "resource", names,
                )))
            }
            "delete" => {
                if paths.is_empty() {
                    self.added_files.clear();
                }
                self.added_files.retain(|f| {
                    !paths.iter().any(|p| {
                        std::fs::canonicalize(p).is_ok_and(|c| &c == f)
                            || f.display().to_string() == *p
                    })
                });
                Ok(StatementResult::Done(None))
            }
            _ => Err(SharkError::unsupported(format!("'{text}'"))),
        }
    }
}
