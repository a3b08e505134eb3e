//! What writers that died leave in a warehouse, found and undone when a
//! process opens it: staging folders (`.shark-staging/<pid>-…`) and
//! folders an INSERT OVERWRITE set aside (`.<name>.shark-old-<pid>`).
//! Only a writer that is gone is cleaned up after (its process id no longer
//! runs); an overwrite killed between setting the old folder aside and
//! moving the new one in is rolled back (the old folder returns), one
//! killed after is finished (the old folder goes).

use crate::writers::{leading_pid, process_alive};
use std::path::{Path, PathBuf};

/// What a sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    /// Staging folders of dead writers removed.
    pub staging_removed: usize,
    /// Set-aside folders removed (their overwrite had finished).
    pub old_removed: usize,
    /// Set-aside folders moved back (their overwrite had not finished).
    pub restored: usize,
}

/// `.<name>.shark-old-<pid>` → (name, pid).
fn set_aside(name: &str) -> Option<(&str, u32)> {
    let rest = name.strip_prefix('.')?;
    let (target, pid) = rest.rsplit_once(".shark-old-")?;
    Some((target, pid.parse().ok()?))
}

/// Sweeps the warehouse at `root`: `sweep_staging`, then
/// `sweep_set_aside`.
pub fn sweep(root: &Path) -> Swept {
    let mut out = sweep_staging(root);
    let deep = sweep_set_aside(root);
    out.old_removed = deep.old_removed;
    out.restored = deep.restored;
    out
}

/// Staging folders of commits whose journal is still there (their
/// recovery failed): they keep their staged and set-aside folders.
fn pending(root: &Path) -> (Vec<String>, Vec<u32>) {
    let names: Vec<String> = crate::commit::pending_staging(root)
        .iter()
        .filter_map(|p| Some(p.file_name()?.to_string_lossy().to_string()))
        .collect();
    let pids = names.iter().filter_map(|n| leading_pid(n)).collect();
    (names, pids)
}

/// Removes dead writers' staging folders (one folder to list: quick
/// enough to do before a process reads anything). Errors on single
/// entries are skipped: a sweep never fails the process that opens the
/// warehouse.
pub fn sweep_staging(root: &Path) -> Swept {
    let mut out = Swept::default();
    let (pending, _) = pending(root);
    let staging = root.join(".shark-staging");
    if let Ok(entries) = std::fs::read_dir(&staging) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if leading_pid(&name).is_some_and(|pid| !process_alive(pid))
                && !pending.contains(&name)
                && std::fs::remove_dir_all(e.path()).is_ok()
            {
                out.staging_removed += 1;
            }
        }
    }
    out
}

/// Walks the warehouse for folders an unjournaled overwrite set aside
/// (`INSERT OVERWRITE DIRECTORY`, older writers): finished ones removed,
/// interrupted ones restored. Slow on a large warehouse: run it off the
/// opening thread.
pub fn sweep_set_aside(root: &Path) -> Swept {
    let mut out = Swept::default();
    let (_, pending_pids) = pending(root);
    let mut dirs: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            if !e.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let name = e.file_name().to_string_lossy().to_string();
            match set_aside(&name) {
                Some((target, pid)) if !process_alive(pid) && !pending_pids.contains(&pid) => {
                    let target = dir.join(target);
                    if target.exists() {
                        if std::fs::remove_dir_all(e.path()).is_ok() {
                            out.old_removed += 1;
                        }
                    } else if std::fs::rename(e.path(), &target).is_ok() {
                        out.restored += 1;
                    }
                }
                Some(_) => {}
                None if !name.starts_with('.') => dirs.push(e.path()),
                None => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dead_pid() -> u32 {
        crate::writers::ended_process_id().unwrap()
    }

    #[test]
    fn dead_writers_are_cleaned_up_after_and_live_ones_left_alone() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let dead = dead_pid();
        let me = std::process::id();
        let mk = |p: PathBuf, file: &str| {
            std::fs::create_dir_all(&p).unwrap();
            std::fs::write(p.join(file), "x").unwrap();
        };
        mk(root.join(format!(".shark-staging/{dead}-1-0")), "part-0");
        mk(root.join(format!(".shark-staging/{me}-2-0")), "part-0");
        // Finished overwrite: the new folder is in place.
        mk(root.join("db.db/done"), "new");
        mk(root.join(format!("db.db/.done.shark-old-{dead}")), "old");
        // Interrupted overwrite: only the set-aside folder is left.
        mk(root.join(format!("db.db/cut/.p=1.shark-old-{dead}")), "old");
        // A live writer's set-aside folder.
        mk(root.join(format!("db.db/.busy.shark-old-{me}")), "old");
        let swept = sweep(root);
        assert_eq!(
            swept,
            Swept {
                staging_removed: 1,
                old_removed: 1,
                restored: 1
            }
        );
        assert!(!root.join(format!(".shark-staging/{dead}-1-0")).exists());
        assert!(root.join(format!(".shark-staging/{me}-2-0")).exists());
        assert!(root.join("db.db/done/new").exists());
        assert!(root.join("db.db/cut/p=1/old").exists(), "rolled back");
        assert!(root.join(format!("db.db/.busy.shark-old-{me}")).exists());
        assert_eq!(
            sweep(root),
            Swept::default(),
            "a second sweep finds nothing"
        );
    }
}
