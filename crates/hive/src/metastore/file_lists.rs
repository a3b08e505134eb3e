//! The files a location on an object store reads. A store has no rename,
//! so a write cannot swap a folder into place: it uploads files under new
//! names and then records, in one metastore transaction, which files each
//! table or partition location now reads (the S3A "magic" committers and
//! Iceberg/Delta commit the same way: a manifest, not a rename, decides).
//! Readers take the list, never a listing, for such a location, so they
//! see all of a commit or none of it; files not in the list (an upload
//! whose writer died, old files not yet deleted) are never read.
//!
//! Each commit is recorded by its tag in the same transaction, with the
//! files it replaced: a recovery tells from the tag alone whether the
//! commit happened (never from what a listing shows), and deletes what
//! the commit left to delete.

use super::{add_partitions_in, create_table_in, Metastore, Partition, Table, R};
use crate::{HiveError, Result};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashSet;

/// File names (relative to their location) with their sizes in bytes.
pub type FileList = Vec<(String, u64)>;

/// What a commit does to one location's files.
#[derive(Debug, Clone, PartialEq)]
pub enum ListChange {
    /// These files are added to what the location reads.
    Append(FileList),
    /// These files replace what the location read (those go).
    Replace(FileList),
}

/// One location's change.
#[derive(Debug, Clone, PartialEq)]
pub struct FileListChange {
    /// The table or partition location (`s3://bucket/…`).
    pub location: String,
    /// How its files change.
    pub change: ListChange,
}

/// The key of a location: its canonical spelling.
fn key(location: &str) -> String {
    storage::canonical_name(location)
}

fn decode(text: &str) -> R<FileList> {
    serde_json::from_str(text)
        .map_err(|e| HiveError::Invalid(format!("corrupt file list in the metastore: {e}")).into())
}

fn encode<T: serde::Serialize>(v: &T) -> R<String> {
    serde_json::to_string(v).map_err(|e| HiveError::Invalid(e.to_string()).into())
}

fn list_in(tx: &Transaction<'_>, location: &str) -> R<Option<FileList>> {
    let text: Option<String> = tx
        .query_row(
            "SELECT files FROM LOCATION_FILES WHERE location = ?1",
            [key(location)],
            |r| r.get(0),
        )
        .optional()?;
    text.map(|t| decode(&t)).transpose()
}

fn set_in(tx: &Transaction<'_>, location: &str, files: &FileList) -> R<()> {
    tx.execute(
        "INSERT INTO LOCATION_FILES (location, files) VALUES (?1, ?2)
         ON CONFLICT (location) DO UPDATE SET files = excluded.files",
        params![key(location), encode(files)?],
    )?;
    Ok(())
}

/// Records that the managed location `location` reads no files yet (a
/// new table: its first write's uploads are never seen half done).
pub(super) fn start_empty(tx: &Transaction<'_>, location: &str) -> R<()> {
    if storage::is_remote(std::path::Path::new(location)) {
        tx.execute(
            "INSERT INTO LOCATION_FILES (location, files) VALUES (?1, '[]')
             ON CONFLICT (location) DO NOTHING",
            [key(location)],
        )?;
    }
    Ok(())
}

/// The canonical locations of every table and partition.
fn referenced(tx: &Transaction<'_>) -> R<HashSet<String>> {
    Ok(tx
        .prepare("SELECT location FROM TBLS UNION SELECT location FROM PARTITIONS")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<std::result::Result<Vec<_>, _>>()?
        .iter()
        .map(|l| key(l))
        .collect())
}

/// Forgets the lists of locations no table reads any more, nor holds
/// (after a table is dropped or moved), so a later table there starts from
/// what is really there. Lists under a table's folder stay: they may be
/// a commit's new partitions, not registered yet (see [`forget_locations`]
/// for partitions that go).
pub(super) fn forget_unreferenced(tx: &Transaction<'_>) -> R<()> {
    let listed: Vec<String> = tx
        .prepare("SELECT location FROM LOCATION_FILES")?
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    if listed.is_empty() {
        return Ok(());
    }
    let used = referenced(tx)?;
    let held = |l: &str| {
        used.contains(l)
            || used.iter().any(|u| {
                l.len() > u.len() && l.starts_with(u.as_str()) && l.as_bytes()[u.len()] == b'/'
            })
    };
    for l in listed.iter().filter(|l| !held(l)) {
        tx.execute("DELETE FROM LOCATION_FILES WHERE location = ?1", [l])?;
    }
    Ok(())
}

/// Forgets the lists of `locations` that no table or partition reads any
/// more (partitions dropped or moved).
pub(super) fn forget_locations(tx: &Transaction<'_>, locations: &[String]) -> R<()> {
    if locations.is_empty() {
        return Ok(());
    }
    let used = referenced(tx)?;
    for l in locations
        .iter()
        .map(|l| key(l))
        .filter(|l| !used.contains(l))
    {
        tx.execute("DELETE FROM LOCATION_FILES WHERE location = ?1", [l])?;
    }
    Ok(())
}

/// The record of commit `tag`, read in transaction `tx`.
fn commit_in(tx: &Transaction<'_>, tag: &str) -> R<CommitRecord> {
    let text: Option<String> = tx
        .query_row(
            "SELECT obsolete FROM FILE_COMMITS WHERE tag = ?1",
            [tag],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match text {
        None => CommitRecord::Absent,
        Some(t) => CommitRecord::Recorded(
            serde_json::from_str(&t)
                .map_err(|e| HiveError::Invalid(format!("corrupt commit record: {e}")))?,
        ),
    })
}

/// Whether a commit was recorded, and the files it left to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitRecord {
    /// Not recorded: it never happened (yet).
    Absent,
    /// Recorded; these files (full locations) are to be deleted.
    Recorded(Vec<String>),
}

impl Metastore {
    /// The files `location` reads, if a commit recorded them (else the
    /// location is read by listing it).
    pub fn file_list(&self, location: &str) -> Result<Option<FileList>> {
        self.read(|tx| list_in(tx, location))
    }

    /// Every recorded list of a location equal to or under `prefix`,
    /// keyed by canonical location.
    pub fn file_lists_under(&self, prefix: &str) -> Result<Vec<(String, FileList)>> {
        let prefix = key(prefix);
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT location, files FROM LOCATION_FILES
                 WHERE location = ?1 OR substr(location, 1, length(?1) + 1) = ?1 || '/'
                 ORDER BY location",
            )?;
            let rows = stmt
                .query_map([&prefix], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<std::result::Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(l, t)| Ok((l, decode(&t)?)))
                .collect()
        })
    }

    /// Gives `location` the list `files` unless it has one: a location
    /// written by others is taken over as it is listed now, so readers
    /// keep reading that while a commit uploads beside it.
    pub fn adopt_file_list(&self, location: &str, files: &FileList) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO LOCATION_FILES (location, files) VALUES (?1, ?2)
                 ON CONFLICT (location) DO NOTHING",
                params![key(location), encode(files)?],
            )?;
            Ok(())
        })
    }

    /// Whether the commit `tag` was recorded, with what it left to delete.
    pub fn file_commit(&self, tag: &str) -> Result<CommitRecord> {
        self.read(|tx| commit_in(tx, tag))
    }

    /// The commit `tag` of a write to object-store locations, in one
    /// transaction: the new table (CREATE TABLE AS SELECT), new partitions
    /// of `db.table` (existing ones kept), every location's new files
    /// (computed here, from the lists as they are now: concurrent commits
    /// never lose each other's files), and the commit's record. Readers see
    /// all of it or none. When `table` (db, name, `create_time`) was
    /// dropped or recreated since the write began, nothing of it is
    /// recorded and its new files are returned to delete. Returns the
    /// files the commit replaced (full locations), to delete; run again,
    /// it changes nothing and returns those still to delete.
    pub fn commit_files(
        &self,
        tag: &str,
        changes: &[FileListChange],
        create: Option<&Table>,
        partitions: Option<(&str, &str, &[Partition])>,
        table: Option<(&str, &str, i64)>,
    ) -> Result<Vec<String>> {
        if let CommitRecord::Recorded(obsolete) = self.file_commit(tag)? {
            return Ok(obsolete);
        }
        let create = create.map(super::rows::normalize_table).transpose()?;
        self.write(|tx| {
            if let CommitRecord::Recorded(obsolete) = commit_in(tx, tag)? {
                return Ok(obsolete);
            }
            if let Some((db, name, created)) = table {
                let current = super::table_id(tx, &db.to_lowercase(), &name.to_lowercase())?
                    .map(|id| super::load_table(tx, id))
                    .transpose()?;
                if current.is_none_or(|t| t.create_time != created) {
                    // Dropped (or replaced) while the write ran: it writes
                    // nothing; what it uploaded goes.
                    let uploads: Vec<String> = changes
                        .iter()
                        .flat_map(|c| {
                            let base = key(&c.location);
                            let files = match &c.change {
                                ListChange::Append(f) | ListChange::Replace(f) => f,
                            };
                            files.iter().map(move |(n, _)| format!("{base}/{n}"))
                        })
                        .collect();
                    tx.execute(
                        "INSERT INTO FILE_COMMITS (tag, obsolete) VALUES (?1, ?2)",
                        params![tag, encode(&uploads)?],
                    )?;
                    return Ok(uploads);
                }
            }
            if let Some(t) = &create {
                if let Some(e) = super::table_id(tx, &t.db, &t.name)? {
                    let existing = super::load_table(tx, e)?;
                    if existing.create_time != t.create_time {
                        return Err(HiveError::AlreadyExists(format!(
                            "Table {} already exists",
                            t.qualified_name()
                        ))
                        .into());
                    }
                }
                create_table_in(tx, t, true)?;
            }
            if let Some((db, table, parts)) = partitions {
                add_partitions_in(tx, &db.to_lowercase(), &table.to_lowercase(), parts, true)?;
            }
            let mut obsolete = Vec::new();
            for c in changes {
                let current = list_in(tx, &c.location)?.unwrap_or_default();
                let files = match &c.change {
                    ListChange::Append(new) => {
                        let mut all = current;
                        all.extend(new.iter().cloned());
                        all
                    }
                    ListChange::Replace(new) => {
                        let base = key(&c.location);
                        let keep: HashSet<&str> = new.iter().map(|(n, _)| n.as_str()).collect();
                        obsolete.extend(
                            current
                                .iter()
                                .filter(|(n, _)| !keep.contains(n.as_str()))
                                .map(|(n, _)| format!("{base}/{n}")),
                        );
                        new.clone()
                    }
                };
                set_in(tx, &c.location, &files)?;
            }
            tx.execute(
                "INSERT INTO FILE_COMMITS (tag, obsolete) VALUES (?1, ?2)",
                params![tag, encode(&obsolete)?],
            )?;
            Ok(obsolete)
        })
    }

    /// Forgets the record of commit `tag` (its journal is gone: nobody
    /// will ask).
    pub fn forget_file_commit(&self, tag: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM FILE_COMMITS WHERE tag = ?1", [tag])?;
            Ok(())
        })
    }

    /// Notes that the files commit `tag` replaced are deleted.
    pub fn finish_file_commit(&self, tag: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE FILE_COMMITS SET obsolete = '[]' WHERE tag = ?1",
                [tag],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metastore::{Column, Table};

    #[test]
    fn lists_commit_with_their_table_and_partitions_once() {
        let dir = tempfile::tempdir().unwrap();
        let ms = Metastore::open_at(
            std::path::Path::new("s3://bucket/wh"),
            Some(&dir.path().join("ms.db")),
        )
        .unwrap();
        assert!(Metastore::open(std::path::Path::new("s3://bucket/wh")).is_err());
        let mut t = Table::new("default", "t", vec![Column::new("a", "int")]);
        t.partition_keys = vec![Column::new("p", "string")];
        t.storage.location = "s3://bucket/wh/t".into();
        t.create_time = 7;
        let mut part = Partition::new(&["1"]);
        part.location = "s3a://bucket/wh/t/p=1/".into();
        let append = |name: &str| FileListChange {
            location: "s3a://bucket//wh/t/p=1/".into(),
            change: ListChange::Append(vec![(name.into(), 10)]),
        };
        let parts = [part];
        let gone = ms
            .commit_files(
                "c1",
                &[append("a")],
                Some(&t),
                Some(("default", "t", &parts)),
                None,
            )
            .unwrap();
        assert!(gone.is_empty());
        assert!(ms.get_table("default", "t").unwrap().is_some());
        assert_eq!(ms.list_partitions("default", "t").unwrap().len(), 1);
        // Any spelling of the location finds the list.
        assert_eq!(
            ms.file_list("s3://bucket/wh/t/p=1").unwrap(),
            Some(vec![("a".to_string(), 10)])
        );
        // Run again (a recovery): nothing doubles.
        ms.commit_files("c1", &[append("a")], Some(&t), None, None)
            .unwrap();
        ms.commit_files("c2", &[append("b")], None, None, Some(("default", "t", 7)))
            .unwrap();
        assert_eq!(
            ms.file_list("s3://bucket/wh/t/p=1").unwrap().unwrap().len(),
            2
        );
        let replace = FileListChange {
            location: "s3://bucket/wh/t/p=1".into(),
            change: ListChange::Replace(vec![("c".into(), 1)]),
        };
        let gone = ms.commit_files("c3", &[replace], None, None, None).unwrap();
        assert_eq!(gone, ["s3://bucket/wh/t/p=1/a", "s3://bucket/wh/t/p=1/b"]);
        assert_eq!(
            ms.file_commit("c3").unwrap(),
            CommitRecord::Recorded(gone.clone())
        );
        ms.finish_file_commit("c3").unwrap();
        assert_eq!(
            ms.file_commit("c3").unwrap(),
            CommitRecord::Recorded(vec![])
        );
        assert_eq!(ms.file_commit("c9").unwrap(), CommitRecord::Absent);
        assert_eq!(ms.file_lists_under("s3a://bucket/wh/t/").unwrap().len(), 1);
        // Another table of the same name is not overwritten by a CTAS.
        let mut other = t.clone();
        other.create_time = 8;
        assert!(ms
            .commit_files("c4", &[], Some(&other), None, None)
            .is_err());
        // A write whose table was recreated since records nothing: its
        // uploads are to delete.
        let late = ms
            .commit_files("c5", &[append("z")], None, None, Some(("default", "t", 6)))
            .unwrap();
        assert_eq!(late, ["s3://bucket/wh/t/p=1/z"]);
        assert_eq!(
            ms.file_list("s3://bucket/wh/t/p=1").unwrap().unwrap().len(),
            1
        );
        // Dropping the table forgets its lists.
        ms.drop_table("default", "t", false).unwrap();
        assert_eq!(ms.file_list("s3://bucket/wh/t/p=1").unwrap(), None);
    }
}
