//! The part of a [`Commit`] that targets object stores, where nothing can
//! be renamed into place. S3A's committers' rule, with the metastore as
//! the manifest: every staged file is uploaded under a new name (the
//! commit's tag added), then one metastore transaction records each
//! location's new file list together with the table and partitions the
//! commit creates and the commit's own tag; only after it are the files
//! an overwrite replaced deleted. Readers read the recorded list, so they
//! see the old files or all the new ones. Run again after a kill, each
//! step does what is left: uploads overwrite their own names, the tag
//! says whether the transaction happened, and the record keeps the files
//! still to delete.

use super::{Commit, FolderMove};
use crate::metastore::{CommitRecord, FileList, FileListChange, ListChange, Metastore, Partition};
use crate::{HiveError, Result};
use std::path::{Path, PathBuf};

/// What a location holds by listing it now, as names relative to it
/// (none when nothing is there), without the files of commit `tag`
/// itself (a recovery must not take its own uploads for old files).
fn listed_files(location: &Path, tag: &str) -> Result<FileList> {
    let listed = match storage::list_files_now(location, true) {
        Ok(l) => l,
        Err(e) if e.is_not_found() => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let base = format!("{}/", storage::canonical(location).display());
    Ok(listed
        .into_iter()
        .filter_map(|(p, size)| {
            let p = p.to_string_lossy().to_string();
            p.strip_prefix(&base).map(|rel| (rel.to_string(), size))
        })
        .filter(|(name, _)| !is_tagged(name, tag))
        .collect())
}

/// The local files of a staged folder, sorted (none once it is gone).
fn staged_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| !crate::warehouse::is_hidden(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

/// Extensions that say how a file is compressed (readers go by them).
const CODECS: [&str; 7] = ["gz", "bz2", "deflate", "snappy", "zst", "lz4", "xz"];

/// `name` with the commit's tag, before a compression extension
/// (`data.csv.gz` → `data.csv-<tag>.gz`), never changing the leading
/// digits bucketed files are numbered by.
fn tagged(name: &str, tag: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && CODECS.contains(&ext) => {
            format!("{stem}-{tag}.{ext}")
        }
        _ => format!("{name}-{tag}"),
    }
}

/// True for a name [`tagged`] with `tag`.
fn is_tagged(name: &str, tag: &str) -> bool {
    name.ends_with(&format!("-{tag}")) || name.contains(&format!("-{tag}."))
}

/// Uploads, records and cleans up the commit's moves to object stores.
pub(crate) fn apply(commit: &Commit, metastore: &Metastore) -> Result<()> {
    let moves: Vec<_> = commit
        .moves
        .iter()
        .filter(|m| storage::is_remote(&m.target))
        .collect();
    if moves.is_empty() {
        return Ok(());
    }
    let obsolete = match metastore.file_commit(&commit.tag)? {
        CommitRecord::Recorded(obsolete) => obsolete,
        CommitRecord::Absent => record(commit, &moves, metastore)?,
    };
    // The commit is done; files it could not delete now are never read
    // (they are in no list) and stay recorded with the commit.
    let deleted = obsolete
        .iter()
        .all(|f| storage::delete_file(Path::new(f)).is_ok());
    if deleted && !obsolete.is_empty() {
        metastore.finish_file_commit(&commit.tag)?;
    }
    for m in &moves {
        if m.staged.exists() {
            std::fs::remove_dir_all(&m.staged).map_err(|e| HiveError::io(&m.staged, e))?;
        }
    }
    Ok(())
}

/// Uploads the staged files and records the commit; the files it
/// replaced.
fn record(commit: &Commit, moves: &[&FolderMove], metastore: &Metastore) -> Result<Vec<String>> {
    let mut changes = Vec::new();
    for m in moves {
        let location = storage::canonical(&m.target).to_string_lossy().to_string();
        // A location nobody committed to yet is taken over as it is now,
        // before anything is uploaded beside it: readers keep reading
        // that, not the uploads in progress.
        if metastore.file_list(&location)?.is_none() {
            metastore.adopt_file_list(&location, &listed_files(&m.target, &commit.tag)?)?;
        }
        let mut uploaded: FileList = Vec::new();
        for file in staged_files(&m.staged) {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let name = tagged(&name, &commit.tag);
            storage::upload(&file, &m.target.join(&name))?;
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            uploaded.push((name, size));
        }
        let change = if m.overwrite {
            ListChange::Replace(uploaded)
        } else {
            ListChange::Append(uploaded)
        };
        changes.push(FileListChange { location, change });
    }
    let partitions: Vec<Partition> = commit
        .register
        .iter()
        .flat_map(|r| &r.partitions)
        .map(|(values, location)| Partition {
            values: values.clone(),
            location: location.clone(),
            ..Partition::default()
        })
        .collect();
    let register = commit
        .register
        .as_ref()
        .map(|r| (r.db.as_str(), r.table.as_str(), partitions.as_slice()));
    let table = commit
        .table
        .as_ref()
        .map(|(db, name, created)| (db.as_str(), name.as_str(), *created));
    metastore.commit_files(
        &commit.tag,
        &changes,
        commit.create.as_ref(),
        register,
        table,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_keep_extensions_and_bucket_numbers() {
        assert_eq!(tagged("000003_0", "t"), "000003_0-t");
        assert_eq!(tagged("data.csv.gz", "t"), "data.csv-t.gz");
        assert_eq!(tagged("data.csv", "t"), "data.csv-t");
        assert_eq!(tagged(".gz", "t"), ".gz-t");
        for name in ["000003_0", "data.csv.gz", "x"] {
            assert!(is_tagged(&tagged(name, "abc1"), "abc1"));
            assert!(!is_tagged(&tagged(name, "abc1"), "abc"));
        }
    }
}
