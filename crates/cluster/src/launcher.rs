//! `local-cluster[N,C,M]`: N executor processes of this build on this
//! machine, started by the driver, watched (an exited process is an
//! executor lost at once, not after a heartbeat timeout) and killed when
//! the driver goes away. For tests and demos; real clusters start
//! executors with compose, systemd, Kubernetes or by hand.

use crate::driver::Driver;
use rdd::RddError;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// The executor program: `$SHARK_EXECUTOR_BIN`, else `shark-executor`
/// beside the running program (or one folder up, for test binaries under
/// `target/*/deps`).
pub fn executor_binary() -> Result<PathBuf, RddError> {
    if let Some(p) = std::env::var_os("SHARK_EXECUTOR_BIN") {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe().map_err(|e| RddError::io("current executable", e))?;
    let name = format!("shark-executor{}", std::env::consts::EXE_SUFFIX);
    let mut dir = exe.parent();
    for _ in 0..2 {
        let Some(d) = dir else { break };
        let candidate = d.join(&name);
        if candidate.is_file() {
            return Ok(candidate);
        }
        dir = d.parent();
    }
    Err(RddError::InvalidArgument(format!(
        "cannot find {name} beside {}; build it (cargo build -p shark-cli) or set SHARK_EXECUTOR_BIN",
        exe.display()
    )))
}

struct Process {
    id: String,
    child: Child,
    log: PathBuf,
}

/// The executor processes of a `local-cluster` master.
pub struct LocalCluster {
    processes: Arc<Mutex<Vec<Process>>>,
    stopped: Arc<AtomicBool>,
    logs: tempfile_dir::Dir,
}

impl LocalCluster {
    /// Starts `executors` processes of `cores` cores and `memory_mb` MB that
    /// register with `driver`, with `env` added to their environment, and
    /// waits for all of them.
    pub fn launch(
        driver: &Arc<Driver>,
        executors: usize,
        cores: usize,
        memory_mb: usize,
        env: &[(String, String)],
    ) -> Result<LocalCluster, RddError> {
        let program = executor_binary()?;
        let logs = tempfile_dir::Dir::new()?;
        let mut processes = Vec::new();
        for i in 0..executors {
            let id = format!("exec-{i}");
            let log = logs.path().join(format!("{id}.log"));
            let err = std::fs::File::create(&log).map_err(|e| RddError::io(&log, e))?;
            let child = Command::new(&program)
                .args(["--driver", driver.address()])
                .args(["--executor-id", &id])
                .args(["--cores", &cores.to_string()])
                .args(["--memory-mb", &memory_mb.to_string()])
                .args(["--host", "127.0.0.1"])
                .envs(env.iter().map(|(k, v)| (k, v)))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(err)
                .spawn()
                .map_err(|e| RddError::io(&program, e))?;
            processes.push(Process { id, child, log });
        }
        let cluster = LocalCluster {
            processes: Arc::new(Mutex::new(processes)),
            stopped: Arc::new(AtomicBool::new(false)),
            logs,
        };
        cluster.watch(Arc::downgrade(driver));
        if let Err(e) = driver.wait_for_executors(executors, Duration::from_secs(60)) {
            let exited = cluster.exited_messages();
            return Err(if exited.is_empty() {
                e
            } else {
                RddError::Fatal(format!("{e}: {}", exited.join("; ")))
            });
        }
        Ok(cluster)
    }

    /// Process ids by executor id.
    pub fn pids(&self) -> Vec<(String, u32)> {
        let processes = self.processes.lock().unwrap();
        processes
            .iter()
            .map(|p| (p.id.clone(), p.child.id()))
            .collect()
    }

    /// Kills one executor's process at once (SIGKILL): how tests lose one.
    pub fn kill(&self, executor: &str) -> bool {
        let mut processes = self.processes.lock().unwrap();
        match processes.iter_mut().find(|p| p.id == executor) {
            Some(p) => {
                let killed = p.child.kill().is_ok();
                let _ = p.child.wait();
                killed
            }
            None => false,
        }
    }

    /// Why processes that exited ended, with the end of their logs.
    fn exited_messages(&self) -> Vec<String> {
        let mut processes = self.processes.lock().unwrap();
        let mut out = Vec::new();
        for p in processes.iter_mut() {
            if let Ok(Some(status)) = p.child.try_wait() {
                out.push(format!("{} exited ({status}): {}", p.id, log_tail(&p.log)));
            }
        }
        out
    }

    /// Tells the driver at once when a process exits.
    fn watch(&self, driver: Weak<Driver>) {
        let processes = self.processes.clone();
        let stopped = self.stopped.clone();
        let _ = std::thread::Builder::new()
            .name("local-cluster-watch".into())
            .spawn(move || {
                let mut reported = std::collections::HashSet::new();
                while !stopped.load(Ordering::SeqCst) {
                    let exited: Vec<(String, String)> = {
                        let mut ps = processes.lock().unwrap();
                        ps.iter_mut()
                            .filter(|p| !reported.contains(&p.id))
                            .filter_map(|p| match p.child.try_wait() {
                                Ok(Some(status)) => Some((
                                    p.id.clone(),
                                    format!("its process exited ({status}) {}", log_tail(&p.log)),
                                )),
                                _ => None,
                            })
                            .collect()
                    };
                    let Some(driver) = driver.upgrade() else {
                        return;
                    };
                    for (id, why) in exited {
                        reported.insert(id.clone());
                        driver.lose(&id, why.trim());
                    }
                    drop(driver);
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        let mut processes = self.processes.lock().unwrap();
        for p in processes.iter_mut() {
            let _ = p.child.kill();
            let _ = p.child.wait();
        }
        let _ = &self.logs;
    }
}

/// The last lines of a log, for an error message.
fn log_tail(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().rev().take(5).collect();
    lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
}

/// A private folder for the executors' logs, removed with the cluster.
mod tempfile_dir {
    use rdd::RddError;
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Result<Dir, RddError> {
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = std::env::temp_dir()
                .join(format!("shark-local-cluster-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&path).map_err(|e| RddError::io(&path, e))?;
            Ok(Dir(path))
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
