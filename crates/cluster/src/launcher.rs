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
    /// Times it was started again after exiting.
    restarts: usize,
    /// Its exit was told to the driver.
    reported: bool,
    /// Not to be started again (killed on purpose, or out of restarts).
    retired: bool,
}

/// How executor processes are started (again).
struct Spawner {
    program: PathBuf,
    driver: String,
    cores: usize,
    memory_mb: usize,
    env: Vec<(String, String)>,
    logs: PathBuf,
}

impl Spawner {
    fn spawn(&self, id: &str, restarts: usize) -> Result<Process, RddError> {
        let log = self.logs.join(format!("{id}.{restarts}.log"));
        let err = std::fs::File::create(&log).map_err(|e| RddError::io(&log, e))?;
        let child = Command::new(&self.program)
            .args(["--driver", &self.driver])
            .args(["--executor-id", id])
            .args(["--cores", &self.cores.to_string()])
            .args(["--memory-mb", &self.memory_mb.to_string()])
            .args(["--host", "127.0.0.1"])
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()
            .map_err(|e| RddError::io(&self.program, e))?;
        Ok(Process {
            id: id.to_string(),
            child,
            log,
            restarts,
            reported: false,
            retired: false,
        })
    }
}

/// Times an executor that exited is started again (Spark's standalone
/// worker relaunches executors the same way).
const MAX_RESTARTS: usize = 3;

/// The executor processes of a `local-cluster` master.
pub struct LocalCluster {
    processes: Arc<Mutex<Vec<Process>>>,
    stopped: Arc<AtomicBool>,
    logs: tempfile_dir::Dir,
}

impl LocalCluster {
    /// Starts `executors` processes of `cores` cores and `memory_mb` MB that
    /// register with `driver`, with `env` added to their environment, and
    /// waits for all of them. One that exits is started again, up to
    /// three times; it registers as a new incarnation of its id.
    pub fn launch(
        driver: &Arc<Driver>,
        executors: usize,
        cores: usize,
        memory_mb: usize,
        env: &[(String, String)],
    ) -> Result<LocalCluster, RddError> {
        let logs = tempfile_dir::Dir::new()?;
        let spawner = Spawner {
            program: executor_binary()?,
            driver: driver.address().to_string(),
            cores,
            memory_mb,
            env: env.to_vec(),
            logs: logs.path().to_path_buf(),
        };
        let mut processes = Vec::new();
        for i in 0..executors {
            processes.push(spawner.spawn(&format!("exec-{i}"), 0)?);
        }
        let cluster = LocalCluster {
            processes: Arc::new(Mutex::new(processes)),
            stopped: Arc::new(AtomicBool::new(false)),
            logs,
        };
        cluster.watch(Arc::downgrade(driver), spawner);
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

    /// Kills one executor's process at once (SIGKILL), for good (it is not
    /// started again): how tests and demos lose one.
    pub fn kill(&self, executor: &str) -> bool {
        let mut processes = self.processes.lock().unwrap();
        match processes.iter_mut().find(|p| p.id == executor) {
            Some(p) => {
                p.retired = true;
                let killed = p.child.kill().is_ok();
                let _ = p.child.wait();
                killed
            }
            None => false,
        }
    }

    /// Times each executor was started again.
    pub fn restarts(&self) -> Vec<(String, usize)> {
        let processes = self.processes.lock().unwrap();
        processes
            .iter()
            .map(|p| (p.id.clone(), p.restarts))
            .collect()
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

    /// Tells the driver at once when a process exits, and starts it again
    /// while it has restarts left.
    fn watch(&self, driver: Weak<Driver>, spawner: Spawner) {
        let processes = self.processes.clone();
        let stopped = self.stopped.clone();
        let _ = std::thread::Builder::new()
            .name("local-cluster-watch".into())
            .spawn(move || {
                while !stopped.load(Ordering::SeqCst) {
                    let Some(driver) = driver.upgrade() else {
                        return;
                    };
                    let mut exited = Vec::new();
                    {
                        let mut ps = processes.lock().unwrap();
                        for p in ps.iter_mut().filter(|p| !p.reported) {
                            if let Ok(Some(status)) = p.child.try_wait() {
                                p.reported = true;
                                let why =
                                    format!("its process exited ({status}) {}", log_tail(&p.log));
                                exited.push((p.id.clone(), why));
                            }
                        }
                    }
                    // Lost first, so the new process registers as a new
                    // incarnation, never mistaken for the old one.
                    for (id, why) in &exited {
                        driver.lose(id, why.trim());
                    }
                    let mut ps = processes.lock().unwrap();
                    if stopped.load(Ordering::SeqCst) {
                        return;
                    }
                    for (id, _) in &exited {
                        let Some(p) = ps.iter_mut().find(|p| &p.id == id) else {
                            continue;
                        };
                        if p.retired || p.restarts >= MAX_RESTARTS {
                            p.retired = true;
                            continue;
                        }
                        match spawner.spawn(id, p.restarts + 1) {
                            Ok(again) => *p = again,
                            Err(e) => {
                                tracing::warn!(executor = %id, "cannot start it again: {e}");
                                p.retired = true;
                            }
                        }
                    }
                    drop(ps);
                    drop(driver);
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        // Under the lock the watcher restarts processes under: once this
        // holds it, nothing is started again.
        let mut processes = self.processes.lock().unwrap();
        self.stopped.store(true, Ordering::SeqCst);
        for p in processes.iter_mut() {
            p.retired = true;
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
