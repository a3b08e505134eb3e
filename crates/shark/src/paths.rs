//! Paths a statement names (`LOAD DATA [LOCAL] INPATH`, `LOCATION`,
//! `INSERT OVERWRITE [LOCAL] DIRECTORY`), checked where the engine turns
//! them into file-system paths — after parsing, unquoting and variable
//! substitution, so no spelling or quoting gets around the check. Two
//! rules: the warehouse's own files (its metastore, its hidden folders —
//! staging, journals —, the warehouse root itself and any folder holding
//! it) are never a source or a target of a statement, in any front end;
//! and a front end may add its own rule (`PathGuard`: shark-server allows
//! only the warehouse and `--allow-path` folders).

use crate::error::{Result, SharkError};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// What a statement does with a path it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathUse {
    /// Files read and copied (`LOAD DATA LOCAL INPATH`).
    Read,
    /// Files moved away (`LOAD DATA INPATH`).
    Move,
    /// A table's, partition's or database's folder (`LOCATION`): read,
    /// written, and deleted with a managed table.
    Location,
    /// A folder replaced by a query's rows (`INSERT OVERWRITE DIRECTORY`).
    Overwrite,
}

impl PathUse {
    fn clause(self) -> &'static str {
        match self {
            PathUse::Read | PathUse::Move => "INPATH",
            PathUse::Location => "LOCATION",
            PathUse::Overwrite => "DIRECTORY",
        }
    }
}

/// A front end's own rule for paths (checked after the built-in one);
/// gets the path resolved (absolute, no `..`, links followed).
pub type PathGuard = Arc<dyn Fn(&Path, PathUse) -> std::result::Result<(), String> + Send + Sync>;

/// An absolute path without `.` and `..`, with the symbolic links of its
/// existing part resolved (a link cannot lead a check astray); a store
/// location in its canonical spelling.
pub fn resolve(p: &Path) -> PathBuf {
    // A store location has no links or `..`: its one spelling.
    if storage::is_remote(p) {
        return storage::canonical(p);
    }
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return clean,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

/// Why `path` (resolved) is one of the warehouse's own files, if it is.
pub fn warehouse_internal(warehouse: &Path, path: &Path) -> Option<String> {
    let wh = resolve(warehouse);
    if path == wh {
        return Some("is the warehouse itself".into());
    }
    if wh.starts_with(path) {
        return Some("holds the warehouse".into());
    }
    let inner = path.strip_prefix(&wh).ok()?;
    let first = inner.components().next()?.as_os_str().to_string_lossy();
    if first.starts_with('.') {
        return Some("is inside the warehouse's own folders".into());
    }
    if first.starts_with(hive::metastore::METASTORE_FILE) {
        return Some("is the warehouse's metastore".into());
    }
    None
}

/// Why `path` is one of the local files of a warehouse whose metastore
/// lives outside it (always so on an object store) — its metastore file
/// (with SQLite's `-wal` and `-shm`), the staging folders and commit
/// journals of `root`, or a folder holding them — if it is.
pub fn metastore_files_internal(root: &Path, metastore: &Path, path: &Path) -> Option<String> {
    if storage::is_remote(path) {
        return None;
    }
    let path = resolve(path);
    let (root, metastore) = (resolve(root), resolve(metastore));
    let name = metastore.file_name()?.to_string_lossy().to_string();
    if path.parent() == metastore.parent()
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(&name))
    {
        return Some("is the warehouse's metastore".into());
    }
    if metastore.starts_with(&path) {
        return Some("holds the warehouse's metastore".into());
    }
    let inner = path.strip_prefix(&root).ok()?;
    let first = inner.components().next()?.as_os_str().to_string_lossy();
    first
        .starts_with(".shark")
        .then(|| "is inside the warehouse's own folders".into())
}

/// Checks a path a statement names against the built-in rule (when the
/// session has a warehouse) and `guard`; the path to use.
pub fn check(
    raw: &str,
    purpose: PathUse,
    warehouse: Option<&Path>,
    guard: Option<&PathGuard>,
) -> Result<PathBuf> {
    let path = crate::hive_catalog::location_path(raw);
    if storage::is_remote(&path) {
        storage::check_location(&path)
            .map_err(|e| SharkError::unsupported(format!("{} '{raw}': {e}", purpose.clause())))?;
        let path = storage::canonical(&path);
        let internal = path.components().any(|c| {
            let name = c.as_os_str().to_string_lossy();
            name.starts_with(".shark") || name == hive::metastore::METASTORE_FILE
        });
        let root = warehouse.is_some_and(|w| storage::canonical(w).starts_with(&path));
        if internal || root {
            return Err(SharkError::analysis(format!(
                "{} '{raw}' is the warehouse or one of its own files: the warehouse's own files cannot be used by a statement",
                purpose.clause()
            )));
        }
        if let Some(g) = guard {
            g(&path, purpose).map_err(SharkError::Forbidden)?;
        }
        return Ok(path);
    }
    let resolved = resolve(&path);
    if let Some(why) = warehouse.and_then(|w| warehouse_internal(w, &resolved)) {
        return Err(SharkError::analysis(format!(
            "{} '{raw}' {why}: the warehouse's own files cannot be used by a statement",
            purpose.clause()
        )));
    }
    if let Some(g) = guard {
        g(&resolved, purpose).map_err(SharkError::Forbidden)?;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warehouses_own_files_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let wh = d.path().join("wh");
        std::fs::create_dir_all(wh.join(".shark-staging")).unwrap();
        std::fs::create_dir_all(wh.join("t")).unwrap();
        let w = Some(wh.as_path());
        for bad in [
            wh.join("metastore.db"),
            wh.join("metastore.db-wal"),
            wh.join(".shark-staging/x"),
            wh.join(".shark-commits"),
            wh.clone(),
            wh.join("t/.."),
            d.path().to_path_buf(),
        ] {
            let raw = bad.display().to_string();
            assert!(check(&raw, PathUse::Move, w, None).is_err(), "{raw}");
        }
        let ok = wh.join("t").display().to_string();
        assert_eq!(
            check(&ok, PathUse::Location, w, None).unwrap(),
            wh.join("t")
        );
        assert!(check("/tmp/elsewhere", PathUse::Read, w, None).is_ok());
        assert!(check("hdfs://nn/k", PathUse::Location, w, None).is_err());
    }

    #[test]
    fn a_guard_sees_the_resolved_path() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        let only_root: PathGuard = Arc::new(move |p: &Path, _| {
            if p.starts_with(&root) {
                Ok(())
            } else {
                Err(format!("{} is outside", p.display()))
            }
        });
        let inside = d.path().join("a/b").display().to_string();
        assert!(check(&inside, PathUse::Read, None, Some(&only_root)).is_ok());
        let escape = d.path().join("a/../../etc").display().to_string();
        let e = check(&escape, PathUse::Read, None, Some(&only_root)).unwrap_err();
        assert!(matches!(e, SharkError::Forbidden(_)), "{e}");
    }
}
