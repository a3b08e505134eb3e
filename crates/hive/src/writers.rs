//! Which process wrote something in the warehouse, and whether it still
//! runs: staging folders, commit journals and set-aside folders carry their
//! writer's process id, and only a writer that is gone is cleaned up or
//! rolled forward after. The lowest layer of the warehouse's recovery:
//! `commit` and `leftovers` both ask it.

use std::path::Path;

/// True when process `pid` runs on this machine (Linux's /proc); `true`
/// when that cannot be told, so nothing of a live writer is touched.
pub fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc_root = Path::new("/proc");
    if !proc_root.join("self").exists() {
        return true;
    }
    proc_root.join(pid.to_string()).exists()
}

/// The writer's id at the start of a name `<pid>-…`.
pub fn leading_pid(name: &str) -> Option<u32> {
    name.split('-').next()?.parse().ok()
}

/// The id of a process that has ended (for tests of recovery).
pub fn ended_process_id() -> std::io::Result<u32> {
    let mut c = std::process::Command::new("true").spawn()?;
    let pid = c.id();
    c.wait()?;
    Ok(pid)
}
