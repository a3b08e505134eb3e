//! All-or-nothing commits of writes that touch several folders or both
//! folders and the metastore: INSERT (dynamic partitions included), LOAD
//! DATA that moves the user's files, CREATE TABLE AS SELECT (files in
//! place, then the table), DROP TABLE and ALTER TABLE DROP PARTITION (the
//! metastore forgets, then the folders go), TRUNCATE (each folder swapped
//! for an empty one). What the
//! commit will do is first written to a journal in the warehouse
//! (`.shark-commits/<pid>-<n>.json`, made durable and put in place by
//! rename); only then do files move. Every step can be run again and
//! tells from the folders what is left to do, so a commit whose writer was
//! killed is rolled forward by the next process that opens the warehouse
//! (`recover`). Before its journal exists a write has changed nothing a
//! reader sees (its staging folder is swept); after, it will complete.
//! PostgreSQL's WAL and Hive's ACID commits follow the same rule: a
//! committed write survives any kill, an uncommitted one leaves no trace.

mod remote;

use crate::metastore::{Metastore, Partition, Table};
use crate::writers::{leading_pid, process_alive};
use crate::{HiveError, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The folder of the journals, under the warehouse root.
pub const JOURNAL_DIR: &str = ".shark-commits";

/// One folder of new files going into place.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FolderMove {
    /// The staged files (a folder under the warehouse's staging area).
    pub staged: PathBuf,
    /// The table or partition folder.
    pub target: PathBuf,
    /// Replace the target's files (INSERT OVERWRITE) or add to them.
    pub overwrite: bool,
}

/// Partitions the commit registers in the metastore once its files are in
/// place (existing ones are kept).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Registration {
    /// Database.
    pub db: String,
    /// Table.
    pub table: String,
    /// Each partition's values and folder.
    pub partitions: Vec<(Vec<String>, String)>,
}

/// A table or some of its partitions leaving: the metastore forgets them,
/// then their (managed) folders go. Once journaled, a drop completes: a
/// kill leaves neither a registered table without its files nor files a
/// later table of the same name would pick up.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Removal {
    /// Database.
    pub db: String,
    /// Table.
    pub table: String,
    /// The table's `create_time`: a table of the same name made since
    /// (after the writer died) is another table, and is left alone.
    pub created: i64,
    /// The partitions dropped; `None` drops the table.
    pub partitions: Option<Vec<Vec<String>>>,
    /// The folders removed after the metastore forgot them.
    pub folders: Vec<PathBuf>,
}

/// Everything one statement's commit does, in order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Commit {
    /// The writer (names the folders it sets aside).
    pub pid: u32,
    /// Files moved into staging first: (the user's file, its staged path)
    /// — LOAD DATA INPATH without LOCAL.
    pub sources: Vec<(PathBuf, PathBuf)>,
    /// Folders put into place.
    pub moves: Vec<FolderMove>,
    /// Partitions registered after the moves.
    pub register: Option<Registration>,
    /// The staging folder, removed at the end.
    pub staging: Option<PathBuf>,
    /// A table registered once its files are in place (CREATE TABLE AS
    /// SELECT): until then no reader sees it.
    #[serde(default)]
    pub create: Option<Table>,
    /// A table or partitions dropped (before any other step).
    #[serde(default)]
    pub drop: Option<Removal>,
    /// Added to the names of the files this commit uploads to object
    /// stores, so they never replace files readers are reading and a
    /// recovery can tell whether the commit was recorded.
    #[serde(default)]
    pub tag: String,
    /// The table written (db, name, `create_time`): a commit to object
    /// stores whose table was dropped or recreated meanwhile records
    /// nothing for it (its uploads are deleted instead).
    #[serde(default)]
    pub table: Option<(String, String, i64)>,
}

fn io(path: &Path, e: std::io::Error) -> HiveError {
    HiveError::io(path, e)
}

/// Renames, creating the destination's parent first.
fn rename(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    std::fs::rename(from, to).map_err(|e| io(to, e))
}

/// Where an overwrite sets the target's old folder aside (the name the
/// warehouse sweep knows).
fn aside(target: &Path, pid: u32) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.shark-old-{pid}"))
}

/// A name in `dir` not yet taken: `name`, else `name_copy_N` as Hive does.
fn free_name(dir: &Path, name: &str) -> PathBuf {
    let mut to = dir.join(name);
    let mut n = 1;
    while to.exists() {
        to = dir.join(format!("{name}_copy_{n}"));
        n += 1;
    }
    to
}

impl FolderMove {
    /// Puts the staged files in place; run again after a kill it does what
    /// is left (the staged folder is gone once done).
    fn apply(&self, pid: u32) -> Result<()> {
        if !self.staged.exists() {
            return Ok(());
        }
        if self.overwrite {
            let old = aside(&self.target, pid);
            if self.target.exists() {
                if old.exists() {
                    return Err(HiveError::InvalidOperation(format!(
                        "cannot commit into {}: it was recreated while its old contents were set aside",
                        self.target.display()
                    )));
                }
                rename(&self.target, &old)?;
            }
            return rename(&self.staged, &self.target);
        }
        std::fs::create_dir_all(&self.target).map_err(|e| io(&self.target, e))?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.staged)
            .map_err(|e| io(&self.staged, e))?
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for from in files {
            let name = from
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            rename(&from, &free_name(&self.target, &name))?;
        }
        std::fs::remove_dir_all(&self.staged).map_err(|e| io(&self.staged, e))
    }
}

impl Commit {
    /// A commit by this process.
    pub fn new() -> Commit {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        Commit {
            pid: std::process::id(),
            tag: format!("{:x}{nanos:x}{n:x}", std::process::id()),
            ..Commit::default()
        }
    }

    /// Journals the commit under `warehouse`, carries it out and removes
    /// the journal. An error after the journal is written leaves it for
    /// the next `recover` (the commit is then decided; it will finish).
    pub fn run(&self, warehouse: &Path, metastore: &Metastore) -> Result<()> {
        let journal = self.write_journal(warehouse)?;
        if let Err(e) = self.apply(metastore, true) {
            if self.changed_nothing(metastore) {
                // A store refused an upload before the commit was
                // recorded: nothing was decided, so nothing is left for
                // a recovery to finish later (behind the user's back).
                let _ = std::fs::remove_file(&journal);
            }
            return Err(e);
        }
        std::fs::remove_file(&journal).map_err(|e| io(&journal, e))?;
        if self.moves.iter().any(|m| storage::is_remote(&m.target)) {
            // Asked only while the journal exists.
            metastore.forget_file_commit(&self.tag)?;
        }
        Ok(())
    }

    /// True when this commit, which failed, changed nothing a reader
    /// sees: all its moves go to stores, it drops nothing and moves no
    /// local file, and its transaction was not recorded.
    fn changed_nothing(&self, metastore: &Metastore) -> bool {
        !self.moves.is_empty()
            && self.moves.iter().all(|m| storage::is_remote(&m.target))
            && self
                .sources
                .iter()
                .all(|(from, _)| storage::is_remote(from))
            && self.drop.is_none()
            && matches!(
                metastore.file_commit(&self.tag),
                Ok(crate::metastore::CommitRecord::Absent)
            )
    }

    fn write_journal(&self, warehouse: &Path) -> Result<PathBuf> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = warehouse.join(JOURNAL_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let path = dir.join(format!("{}-{nanos}-{n}.json", self.pid));
        let tmp = dir.join(format!(".{}-{nanos}-{n}.tmp", self.pid));
        let text = serde_json::to_vec(self).map_err(|e| HiveError::Invalid(e.to_string()))?;
        let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(&text).map_err(|e| io(&tmp, e))?;
        f.sync_all().map_err(|e| io(&tmp, e))?;
        drop(f);
        std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
        // The journal's name must survive too.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(path)
    }

    /// Every step, each one skipping what is already done. `by_writer`:
    /// run by the statement itself (else by a recovery).
    fn apply(&self, metastore: &Metastore, by_writer: bool) -> Result<()> {
        if let Some(t) = &self.create {
            match metastore.get_table(&t.db, &t.name)? {
                // Registered by an earlier run of this commit: its files
                // went into place before.
                Some(e) if e.create_time == t.create_time => {}
                // Another table took the name first: this one loses, and
                // nothing of it is moved over the other's files.
                Some(_) => {
                    if let Some(s) = &self.staging {
                        let _ = std::fs::remove_dir_all(s);
                    }
                    return if by_writer {
                        Err(HiveError::AlreadyExists(format!(
                            "Table {}.{} already exists",
                            t.db, t.name
                        )))
                    } else {
                        Ok(())
                    };
                }
                None => {}
            }
        }
        if let Some(d) = &self.drop {
            let current = metastore.get_table(&d.db, &d.table)?;
            let same = current.as_ref().is_some_and(|t| t.create_time == d.created);
            // Recreated since: another table, with its own files.
            if current.is_none() || same {
                match (&d.partitions, same) {
                    (None, true) => {
                        metastore.drop_table(&d.db, &d.table, true)?;
                    }
                    (Some(values), true) => {
                        metastore.drop_partitions(&d.db, &d.table, values, true)?;
                    }
                    _ => {}
                }
                for f in &d.folders {
                    if storage::is_remote(f) {
                        storage::delete_dir(f)?;
                    } else if f.exists() {
                        std::fs::remove_dir_all(f).map_err(|e| io(f, e))?;
                    }
                }
            }
        }
        for (from, staged) in &self.sources {
            if storage::is_remote(from) {
                // A store has no move: copy now, delete once committed;
                // not again once the staging folder went into place.
                let staging_left = staged.parent().is_some_and(Path::exists);
                if staging_left && !staged.exists() && storage::exists(from)? {
                    storage::copy_file(from, staged)?;
                }
            } else if from.exists() && !staged.exists() {
                rename(from, staged)?;
            }
        }
        for m in self.moves.iter().filter(|m| !storage::is_remote(&m.target)) {
            m.apply(self.pid)?;
        }
        remote::apply(self, metastore)?;
        if let Some(t) = &self.create {
            // Already there when a recovery runs this again.
            metastore.create_table(t, true)?;
        }
        if let Some(r) = &self.register {
            let parts: Vec<Partition> = r
                .partitions
                .iter()
                .map(|(values, location)| Partition {
                    values: values.clone(),
                    location: location.clone(),
                    ..Partition::default()
                })
                .collect();
            metastore.add_partitions(&r.db, &r.table, &parts, true)?;
        }
        for m in self
            .moves
            .iter()
            .filter(|m| m.overwrite && !storage::is_remote(&m.target))
        {
            let old = aside(&m.target, self.pid);
            if old.exists() {
                std::fs::remove_dir_all(&old).map_err(|e| io(&old, e))?;
            }
        }
        for (from, _) in self.sources.iter().filter(|(f, _)| storage::is_remote(f)) {
            storage::delete_file(from)?;
        }
        if let Some(s) = &self.staging {
            if s.exists() {
                std::fs::remove_dir_all(s).map_err(|e| io(s, e))?;
            }
        }
        Ok(())
    }
}

/// What `recover` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// Commits of dead writers rolled forward.
    pub finished: usize,
    /// Journals that could not be finished (left in place, with why).
    pub failed: Vec<String>,
}

/// The writer of a journal file `<pid>-…json` or one claimed by a
/// recovering process, `<pid>-…json.claimed-<pid2>` (then the claimer).
fn journal_owner(name: &str) -> Option<u32> {
    if let Some((_, claimer)) = name.rsplit_once(".json.claimed-") {
        return claimer.parse().ok();
    }
    leading_pid(name.strip_suffix(".json")?)
}

/// Rolls forward the commits whose writers died, from their journals.
/// Each is first claimed (renamed with this process's id), so two
/// processes opening the warehouse never run the same one.
pub fn recover(warehouse: &Path, metastore: &Metastore) -> Recovered {
    let mut out = Recovered::default();
    let dir = warehouse.join(JOURNAL_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    for name in names {
        let path = dir.join(&name);
        if let Some(rest) = name.strip_prefix('.') {
            // A journal never put in place: its commit never began.
            let dead = leading_pid(rest).is_some_and(|pid| !process_alive(pid));
            if dead {
                let _ = std::fs::remove_file(&path);
            }
            continue;
        }
        match journal_owner(&name) {
            Some(pid) if !process_alive(pid) => {}
            _ => continue,
        }
        let base = name.split(".json").next().unwrap_or(&name);
        let claimed = dir.join(format!("{base}.json.claimed-{}", std::process::id()));
        if std::fs::rename(&path, &claimed).is_err() {
            continue;
        }
        let result = std::fs::read(&claimed)
            .map_err(|e| io(&claimed, e))
            .and_then(|bytes| {
                serde_json::from_slice::<Commit>(&bytes)
                    .map_err(|e| HiveError::Invalid(format!("{}: {e}", claimed.display())))
            })
            .and_then(|c| c.apply(metastore, false));
        match result {
            Ok(()) => {
                let _ = std::fs::remove_file(&claimed);
                out.finished += 1;
            }
            Err(e) => out.failed.push(format!("{name}: {e}")),
        }
    }
    out
}

/// Staging folders that journals still need (the sweep leaves them).
pub fn pending_staging(warehouse: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(warehouse.join(JOURNAL_DIR)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|b| serde_json::from_slice::<Commit>(&b).ok())
        .filter_map(|c| c.staging)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metastore::{Column, Table};
    use crate::writers::ended_process_id;

    fn write(p: &Path, text: &str) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .map(|r| {
                r.flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// A warehouse with `db.t` partitioned by `p`, its partition p=1
    /// holding `old`, and a dead writer's staged overwrite of p=1 and p=2.
    fn setup() -> (tempfile::TempDir, Metastore, Commit) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let ms = Metastore::open(&root).unwrap();
        let t = Table {
            partition_keys: vec![Column::new("p", "string")],
            ..Table::new("default", "t", vec![Column::new("a", "int")])
        };
        ms.create_table(&t, false).unwrap();
        let table_dir = root.join("t");
        write(&table_dir.join("p=1/old"), "old");
        let pid = ended_process_id().unwrap();
        let staging = root.join(format!(".shark-staging/{pid}-1-0"));
        write(&staging.join("p=1/part-0"), "new1");
        write(&staging.join("p=2/part-0"), "new2");
        let moves = ["p=1", "p=2"]
            .iter()
            .map(|p| FolderMove {
                staged: staging.join(p),
                target: table_dir.join(p),
                overwrite: true,
            })
            .collect();
        let commit = Commit {
            pid,
            sources: vec![],
            moves,
            register: Some(Registration {
                db: "default".into(),
                table: "t".into(),
                partitions: ["1", "2"]
                    .iter()
                    .map(|v| {
                        (
                            vec![v.to_string()],
                            table_dir.join(format!("p={v}")).display().to_string(),
                        )
                    })
                    .collect(),
            }),
            staging: Some(staging),
            create: None,
            drop: None,
            tag: "t1".into(),
            table: None,
        };
        (dir, ms, commit)
    }

    fn journal(root: &Path, c: &Commit) {
        let text = serde_json::to_vec(c).unwrap();
        write(
            &root.join(format!("{JOURNAL_DIR}/{}-5-0.json", c.pid)),
            std::str::from_utf8(&text).unwrap(),
        );
    }

    fn assert_new(root: &Path, ms: &Metastore) {
        assert_eq!(files(&root.join("t/p=1")), vec!["part-0"]);
        assert_eq!(
            std::fs::read_to_string(root.join("t/p=1/part-0")).unwrap(),
            "new1"
        );
        assert_eq!(files(&root.join("t/p=2")), vec!["part-0"]);
        assert_eq!(
            files(&root.join("t")),
            vec!["p=1", "p=2"],
            "no set-aside folder left"
        );
        assert_eq!(ms.list_partitions("default", "t").unwrap().len(), 2);
        assert!(files(&root.join(JOURNAL_DIR)).is_empty());
        assert!(files(&root.join(".shark-staging")).is_empty());
    }

    #[test]
    fn a_journaled_overwrite_is_finished_from_any_point() {
        // Killed right after the journal; after one folder was set aside;
        // after one folder moved; after every folder moved.
        for cut in 0..4 {
            let (dir, ms, c) = setup();
            let root = dir.path();
            journal(root, &c);
            let old = aside(&c.moves[0].target, c.pid);
            if cut >= 1 {
                std::fs::rename(&c.moves[0].target, &old).unwrap();
            }
            if cut >= 2 {
                std::fs::rename(&c.moves[0].staged, &c.moves[0].target).unwrap();
            }
            if cut >= 3 {
                std::fs::rename(&c.moves[1].staged, &c.moves[1].target).unwrap();
            }
            let r = recover(root, &ms);
            assert_eq!(
                r,
                Recovered {
                    finished: 1,
                    failed: vec![]
                },
                "cut {cut}"
            );
            assert_new(root, &ms);
            assert_eq!(recover(root, &ms), Recovered::default(), "nothing left");
        }
    }

    #[test]
    fn without_a_journal_nothing_changes_and_the_sweep_removes_the_staging() {
        let (dir, ms, _c) = setup();
        let root = dir.path();
        assert_eq!(recover(root, &ms), Recovered::default());
        crate::leftovers::sweep(root);
        assert_eq!(files(&root.join("t/p=1")), vec!["old"]);
        assert!(ms.list_partitions("default", "t").unwrap().is_empty());
        assert!(files(&root.join(".shark-staging")).is_empty());
    }

    #[test]
    fn an_append_moves_each_file_once_and_a_load_takes_the_rest_of_its_sources() {
        let (dir, ms, mut c) = setup();
        let root = dir.path();
        let incoming = root.join("incoming");
        let staging = c.staging.clone().unwrap();
        let (a, b) = (incoming.join("a.txt"), incoming.join("b.txt"));
        write(&a, "A");
        write(&b, "B");
        c.moves = vec![FolderMove {
            staged: staging.join("load"),
            target: root.join("t/p=1"),
            overwrite: false,
        }];
        c.sources = vec![
            (a.clone(), staging.join("load/a.txt")),
            (b.clone(), staging.join("load/b.txt")),
        ];
        c.register = None;
        journal(root, &c);
        // Killed after the first source moved into staging.
        std::fs::create_dir_all(staging.join("load")).unwrap();
        std::fs::rename(&a, staging.join("load/a.txt")).unwrap();
        assert_eq!(recover(root, &ms).finished, 1);
        assert_eq!(files(&root.join("t/p=1")), vec!["a.txt", "b.txt", "old"]);
        assert!(files(&incoming).is_empty());
        // Killed with one file moved into the table and one not.
        let (dir, ms, mut c) = setup();
        let root = dir.path();
        let staging = c.staging.clone().unwrap();
        write(&staging.join("more/f0"), "x");
        write(&staging.join("more/f1"), "y");
        c.moves = vec![FolderMove {
            staged: staging.join("more"),
            target: root.join("t/p=1"),
            overwrite: false,
        }];
        c.register = None;
        journal(root, &c);
        std::fs::rename(staging.join("more/f0"), root.join("t/p=1/f0")).unwrap();
        assert_eq!(recover(root, &ms).finished, 1);
        assert_eq!(files(&root.join("t/p=1")), vec!["f0", "f1", "old"]);
    }

    #[test]
    fn a_live_writers_journal_is_left_alone_and_a_failed_one_keeps_its_staging() {
        let (dir, ms, mut c) = setup();
        let root = dir.path();
        c.pid = std::process::id();
        journal(root, &c);
        assert_eq!(recover(root, &ms), Recovered::default());
        assert_eq!(files(&root.join(JOURNAL_DIR)).len(), 1);
        // A dead writer's commit that cannot finish (its table is gone).
        let (dir, ms, c) = setup();
        let root = dir.path();
        ms.drop_table("default", "t", false).unwrap();
        journal(root, &c);
        let r = recover(root, &ms);
        assert_eq!(r.finished, 0);
        assert_eq!(r.failed.len(), 1, "{r:?}");
        crate::leftovers::sweep(root);
        assert!(
            c.staging.as_ref().unwrap().exists(),
            "kept for a later recovery"
        );
    }

    #[test]
    fn a_commit_run_by_its_writer_leaves_nothing_behind() {
        let (dir, ms, mut c) = setup();
        let root = dir.path();
        c.pid = std::process::id();
        c.run(root, &ms).unwrap();
        assert_new(root, &ms);
    }

    #[test]
    fn a_journaled_drop_is_finished_from_any_point_and_spares_a_new_table() {
        // Killed right after the journal; after the metastore forgot the
        // table; after one of its folders went.
        for cut in 0..3 {
            let (dir, ms, _) = setup();
            let root = dir.path();
            write(&root.join("t/p=2/f"), "x");
            let created = ms.get_table("default", "t").unwrap().unwrap().create_time;
            let c = Commit {
                pid: ended_process_id().unwrap(),
                drop: Some(Removal {
                    db: "default".into(),
                    table: "t".into(),
                    created,
                    partitions: None,
                    folders: vec![root.join("t/p=1"), root.join("t")],
                }),
                ..Commit::default()
            };
            journal(root, &c);
            if cut >= 1 {
                ms.drop_table("default", "t", false).unwrap();
            }
            if cut >= 2 {
                std::fs::remove_dir_all(root.join("t/p=1")).unwrap();
            }
            assert_eq!(recover(root, &ms).finished, 1, "cut {cut}");
            assert!(ms.get_table("default", "t").unwrap().is_none(), "cut {cut}");
            assert!(
                !root.join("t").exists(),
                "cut {cut}: no files for a new t to inherit"
            );
            assert!(files(&root.join(JOURNAL_DIR)).is_empty());
        }
        // Dropped, then made again (another process) before the recovery:
        // the new table and its files stay.
        let (dir, ms, _) = setup();
        let root = dir.path();
        let c = Commit {
            pid: ended_process_id().unwrap(),
            drop: Some(Removal {
                db: "default".into(),
                table: "t".into(),
                created: 1,
                partitions: None,
                folders: vec![root.join("t")],
            }),
            ..Commit::default()
        };
        journal(root, &c);
        write(&root.join("t/new"), "kept");
        assert_eq!(recover(root, &ms).finished, 1);
        assert!(ms.get_table("default", "t").unwrap().is_some());
        assert!(root.join("t/new").exists());
    }

    #[test]
    fn a_journaled_ctas_registers_its_table_only_with_its_files() {
        for cut in 0..2 {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            let ms = Metastore::open(root).unwrap();
            let pid = ended_process_id().unwrap();
            let staging = root.join(format!(".shark-staging/{pid}-2-0"));
            write(&staging.join("data/part-0"), "rows");
            let mut t = Table::new("default", "c", vec![Column::new("a", "int")]);
            t.storage.location = ms.default_table_location("default", "c").unwrap();
            let c = Commit {
                pid,
                moves: vec![FolderMove {
                    staged: staging.join("data"),
                    target: root.join("c"),
                    overwrite: true,
                }],
                create: Some(t),
                staging: Some(staging.clone()),
                ..Commit::default()
            };
            journal(root, &c);
            if cut >= 1 {
                std::fs::rename(staging.join("data"), root.join("c")).unwrap();
            }
            assert_eq!(recover(root, &ms).finished, 1, "cut {cut}");
            let stored = ms.get_table("default", "c").unwrap().expect("registered");
            assert!(
                stored.storage.location.ends_with("/c"),
                "{}",
                stored.storage.location
            );
            assert_eq!(files(&root.join("c")), vec!["part-0"]);
            assert!(files(&root.join(".shark-staging")).is_empty());
        }
    }

    #[test]
    fn a_ctas_that_lost_its_name_moves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let ms = Metastore::open(root).unwrap();
        // Another table took the name (and its folder) first.
        ms.create_table(
            &Table::new("default", "c", vec![Column::new("a", "int")]),
            false,
        )
        .unwrap();
        write(&root.join("c/theirs"), "kept");
        let pid = ended_process_id().unwrap();
        let staging = root.join(format!(".shark-staging/{pid}-3-0"));
        write(&staging.join("data/part-0"), "mine");
        let mut t = Table::new("default", "c", vec![Column::new("b", "string")]);
        t.create_time = 12345;
        let c = Commit {
            pid,
            moves: vec![FolderMove {
                staged: staging.join("data"),
                target: root.join("c"),
                overwrite: true,
            }],
            create: Some(t.clone()),
            staging: Some(staging.clone()),
            ..Commit::default()
        };
        // The writer gets an error; a recovery rolls it back.
        assert!(c.apply(&ms, true).is_err());
        write(&staging.join("data/part-0"), "mine");
        journal(root, &c);
        assert_eq!(recover(root, &ms).finished, 1);
        assert_eq!(files(&root.join("c")), vec!["theirs"]);
        let stored = ms.get_table("default", "c").unwrap().unwrap();
        assert_eq!(stored.columns[0].name, "a", "the other table stays");
        assert!(!staging.exists());
    }
}
