//! The context (Spark's SparkContext): the entry point that owns the worker
//! threads, the scheduler's state, the block store, the shuffle outputs and
//! the scratch directory, and creates RDDs from data and files.

use crate::conf::{self, Conf};
use crate::error::{RddError, Result};
use crate::faults::FaultInjector;
use crate::listener::{Event, Listener, ListenerBus};
use crate::rdd::parallel_collection::{ParallelCollectionRdd, RangeRdd};
use crate::rdd::{BoxIter, Data, Rdd, RddBase};
use crate::scheduler::dag;
use crate::scheduler::pool::{SchedulingMode, WorkerPool};
use crate::scheduler::task::TaskContext;
use crate::shuffle::manager::ShuffleManager;
use crate::storage::block_store::BlockStore;
use crate::storage::RddStorageInfo;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Where tasks run: `local` (one worker), `local[K]`, `local[*]` (one per
/// core), optionally with a task failure count: `local[K,F]`; or on a
/// cluster of executor processes: `local-cluster[N,C,M]` (N executors of C
/// cores and M MB started from this build, for tests and demos) or
/// `shark://host:port` (the driver listens there; executors started by
/// compose, systemd or by hand dial it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Master {
    /// Worker threads. On a cluster these run no user code: each stands
    /// for one task running on an executor, waiting for its end.
    pub workers: usize,
    /// Attempts per task, when the master string sets it.
    pub max_failures: Option<usize>,
    /// The cluster, for a cluster master.
    pub cluster: Option<ClusterMaster>,
}

/// A cluster master: where executors come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterMaster {
    /// `local-cluster[N,C,M]`: the driver starts the executor processes.
    LocalCluster {
        /// Executor processes.
        executors: usize,
        /// Task slots per executor.
        cores: usize,
        /// Memory per executor, in MB.
        memory_mb: usize,
    },
    /// `shark://host:port`: the address the driver listens on for
    /// executors started elsewhere.
    Standalone {
        /// `host:port`.
        address: String,
    },
}

/// Tasks in flight on a standalone cluster, whose size is not known when
/// the driver starts (each waits for an executor's free core).
const STANDALONE_TASK_SLOTS: usize = 64;

impl Master {
    /// Parses a master string.
    pub fn parse(master: &str) -> Result<Master> {
        let bad = || RddError::InvalidMaster(master.to_string());
        let m = master.trim();
        if m == "local" {
            return Ok(Master {
                workers: 1,
                max_failures: None,
                cluster: None,
            });
        }
        if let Some(address) = m.strip_prefix("shark://") {
            let (host, port) = address.rsplit_once(':').ok_or_else(bad)?;
            if host.is_empty() || port.parse::<u16>().is_err() {
                return Err(bad());
            }
            return Ok(Master {
                workers: STANDALONE_TASK_SLOTS,
                max_failures: None,
                cluster: Some(ClusterMaster::Standalone {
                    address: address.to_string(),
                }),
            });
        }
        if let Some(inner) = m
            .strip_prefix("local-cluster[")
            .and_then(|r| r.strip_suffix(']'))
        {
            let parts: Vec<usize> = inner
                .split(',')
                .map(|p| p.trim().parse::<usize>().map_err(|_| bad()))
                .collect::<Result<_>>()?;
            let [executors, cores, memory_mb] = parts[..] else {
                return Err(bad());
            };
            if executors == 0 || cores == 0 || memory_mb < 64 {
                return Err(bad());
            }
            return Ok(Master {
                workers: executors * cores,
                max_failures: None,
                cluster: Some(ClusterMaster::LocalCluster {
                    executors,
                    cores,
                    memory_mb,
                }),
            });
        }
        let inner = m
            .strip_prefix("local[")
            .and_then(|r| r.strip_suffix(']'))
            .ok_or_else(bad)?;
        let (threads, failures) = match inner.split_once(',') {
            Some((t, f)) => (t.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        let workers = if threads == "*" {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        } else {
            match threads.parse::<usize>() {
                Ok(n) if n >= 1 => n,
                _ => return Err(bad()),
            }
        };
        let max_failures = match failures {
            None => None,
            Some(f) => match f.parse::<usize>() {
                Ok(n) if n >= 1 => Some(n),
                _ => return Err(bad()),
            },
        };
        Ok(Master {
            workers,
            max_failures,
            cluster: None,
        })
    }
}

/// Cancels the jobs run under it (see `Context::run_with_cancel`).
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// A token that is cancelled when `flag` is set (by whoever holds it:
    /// an executor's kill request).
    pub fn from_flag(flag: Arc<AtomicBool>) -> Self {
        CancelToken(flag)
    }
    /// Cancels every job running under this token; their tasks stop soon.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    /// True once cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

thread_local! {
    static CANCEL: RefCell<Option<CancelToken>> = const { RefCell::new(None) };
}

pub(crate) fn current_cancel_token() -> Option<CancelToken> {
    CANCEL.with(|c| c.borrow().clone())
}

/// The engine's entry point. Cheap to clone; all clones share one engine.
#[derive(Clone)]
pub struct Context {
    inner: Arc<ContextInner>,
}

/// A context that does not keep it alive: for hooks a context's own
/// extensions hold (a cluster's executor-lost hook), which would otherwise
/// form a cycle.
#[derive(Clone)]
pub struct WeakContext(std::sync::Weak<ContextInner>);

impl WeakContext {
    /// The context, while it exists.
    pub fn upgrade(&self) -> Option<Context> {
        self.0.upgrade().map(|inner| Context { inner })
    }
}

struct ContextInner {
    app_name: String,
    master: String,
    cluster: Option<ClusterMaster>,
    workers: usize,
    conf: Conf,
    default_parallelism: usize,
    max_task_failures: usize,
    max_stage_attempts: usize,
    execution_per_task: usize,
    pool: Mutex<WorkerPool>,
    next_rdd: AtomicUsize,
    next_shuffle: AtomicUsize,
    next_stage: AtomicUsize,
    next_job: AtomicUsize,
    next_file: AtomicUsize,
    shuffles: ShuffleManager,
    blocks: BlockStore,
    listeners: ListenerBus,
    faults: FaultInjector,
    scratch: ScratchDir,
    stopped: AtomicBool,
    next_broadcast: AtomicUsize,
    extensions: Mutex<Extensions>,
    persisted: Mutex<std::collections::BTreeMap<usize, std::sync::Weak<dyn crate::rdd::RddBase>>>,
}

/// A persisted RDD as storage pages show it.
#[derive(Debug, Clone)]
pub struct PersistentRdd {
    /// The RDD's id.
    pub id: usize,
    /// Its user-given name, if any.
    pub name: Option<String>,
    /// The operation that made it.
    pub op: &'static str,
    /// How it is kept.
    pub level: crate::StorageLevel,
    /// Its partitions.
    pub num_partitions: usize,
}

/// State other layers keep per context, one value per type.
type Extensions = std::collections::HashMap<std::any::TypeId, Arc<dyn std::any::Any + Send + Sync>>;

impl Context {
    /// A context on `master` (`local`, `local[K]`, `local[*]`) with default settings.
    pub fn new(master: &str, app_name: &str) -> Result<Context> {
        Context::with_conf(master, app_name, Conf::new())
    }

    /// A context with settings (see `conf` for the keys).
    pub fn with_conf(master: &str, app_name: &str, conf: Conf) -> Result<Context> {
        let m = Master::parse(master)?;
        let default_parallelism = conf.get_usize(conf::DEFAULT_PARALLELISM, m.workers)?.max(1);
        let max_task_failures = match m.max_failures {
            Some(f) => f,
            None => conf.get_usize(conf::TASK_MAX_FAILURES, 4)?.max(1),
        };
        let max_stage_attempts = conf.get_usize(conf::STAGE_MAX_ATTEMPTS, 4)?.max(1);
        let storage = conf.get_bytes(conf::MEMORY_STORAGE, 512 << 20)?;
        let execution = conf.get_bytes(conf::MEMORY_EXECUTION, 512 << 20)?;
        let shuffle_memory = conf.get_bytes(conf::SHUFFLE_MEMORY, 256 << 20)?;
        let local_dir = conf
            .get(conf::LOCAL_DIR)
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let scratch = ScratchDir::create(&local_dir)?;
        let mode = match conf.get(conf::SCHEDULER_MODE) {
            None => SchedulingMode::Fair,
            Some(v) => SchedulingMode::parse(v).ok_or_else(|| RddError::InvalidConf {
                key: conf::SCHEDULER_MODE.into(),
                value: v.into(),
                reason: "expected FAIR or FIFO".into(),
            })?,
        };
        let per_job = conf.get_usize(conf::MAX_RUNNING_TASKS_PER_JOB, 0)?;
        let pool = WorkerPool::new(m.workers, mode, per_job).map_err(|e| RddError::Io {
            path: "worker threads".into(),
            message: e.to_string(),
        })?;
        Ok(Context {
            inner: Arc::new(ContextInner {
                app_name: app_name.to_string(),
                master: master.to_string(),
                cluster: m.cluster.clone(),
                workers: m.workers,
                default_parallelism,
                max_task_failures,
                max_stage_attempts,
                execution_per_task: (execution / m.workers as u64).max(64 * 1024) as usize,
                pool: Mutex::new(pool),
                next_rdd: AtomicUsize::new(0),
                next_shuffle: AtomicUsize::new(0),
                next_stage: AtomicUsize::new(0),
                next_job: AtomicUsize::new(0),
                next_file: AtomicUsize::new(0),
                shuffles: ShuffleManager::new(&scratch.path, shuffle_memory),
                blocks: BlockStore::new(&scratch.path, storage),
                listeners: ListenerBus::default(),
                faults: FaultInjector::default(),
                scratch,
                stopped: AtomicBool::new(false),
                next_broadcast: AtomicUsize::new(0),
                extensions: Mutex::new(Extensions::new()),
                persisted: Mutex::default(),
                conf,
            }),
        })
    }

    /// The context's one value of type `T`, created on first use: how a
    /// layer above keeps state every user of this context shares (the SQL
    /// engine's table cache, as Spark's shared state hangs off its context).
    pub fn extension<T: std::any::Any + Send + Sync + Default>(&self) -> Arc<T> {
        let mut map = self
            .inner
            .extensions
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let value = map
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()))
            .clone();
        drop(map);
        value
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("extensions are keyed by their type"))
    }

    /// Forgets the map outputs of every shuffle in `rdd`'s lineage, freeing
    /// their memory and files. A later job that needs one recomputes it
    /// from lineage. For iterative jobs (Bagel) whose state is persisted
    /// each round, so that old rounds' shuffles do not pile up.
    pub fn release_shuffles<T: Data>(&self, rdd: &Rdd<T>) {
        for id in self.shuffle_ids(rdd) {
            self.shuffle_manager().remove_shuffle(id);
        }
    }

    /// The application name given at creation.
    pub fn app_name(&self) -> &str {
        &self.inner.app_name
    }

    /// A handle that does not keep the context alive.
    pub fn downgrade(&self) -> WeakContext {
        WeakContext(Arc::downgrade(&self.inner))
    }

    /// The cluster the master string names (`None`: tasks run in this
    /// process).
    pub fn cluster(&self) -> Option<&ClusterMaster> {
        self.inner.cluster.as_ref()
    }

    /// A new shuffle id, for a shuffle dependency made outside this crate
    /// (one whose map tasks run on executors).
    pub fn next_shuffle_id(&self) -> usize {
        self.new_shuffle_id()
    }

    /// Every map output of a shuffle, or `FetchFailed` naming a missing one:
    /// where a reduce task running elsewhere reads them from.
    pub fn map_outputs(
        &self,
        shuffle_id: usize,
        num_maps: usize,
    ) -> Result<Vec<Arc<crate::shuffle::MapOutput>>> {
        self.inner.shuffles.outputs(shuffle_id, num_maps)
    }

    /// Forgets the map outputs `lost` says are gone (those on an executor
    /// that died), so the scheduler runs their map tasks again; returns
    /// how many it forgot.
    pub fn forget_map_outputs(&self, lost: &dyn Fn(&crate::shuffle::MapOutput) -> bool) -> usize {
        self.inner.shuffles.unregister_where(lost)
    }

    /// Forgets a whole shuffle (its dependency is gone).
    pub fn forget_shuffle(&self, shuffle_id: usize) {
        self.inner.shuffles.remove_shuffle(shuffle_id);
    }

    /// The master string given at creation.
    pub fn master(&self) -> &str {
        &self.inner.master
    }

    /// Number of worker threads.
    pub fn workers(&self) -> usize {
        self.inner.workers
    }

    /// The settings the context was created with.
    pub fn conf(&self) -> &Conf {
        &self.inner.conf
    }

    /// Partitions used when an operation is not told how many.
    pub fn default_parallelism(&self) -> usize {
        self.inner.default_parallelism
    }

    /// The context's scratch directory (removed when the context stops).
    pub fn scratch_dir(&self) -> &Path {
        &self.inner.scratch.path
    }

    /// An RDD over the elements of `data`, cut into `num_slices` partitions
    /// (the default parallelism when `None`).
    pub fn parallelize<T: Data>(&self, data: Vec<T>, num_slices: Option<usize>) -> Rdd<T> {
        let n = num_slices.unwrap_or(self.inner.default_parallelism).max(1);
        ParallelCollectionRdd::create(self, data, n)
    }

    /// The integers `start, start+step, ...` below `end` (above it for a
    /// negative step), computed in the tasks rather than held by the driver.
    pub fn range(
        &self,
        start: i64,
        end: i64,
        step: i64,
        num_slices: Option<usize>,
    ) -> Result<Rdd<i64>> {
        if step == 0 {
            return Err(RddError::InvalidArgument("range step must not be 0".into()));
        }
        let n = num_slices.unwrap_or(self.inner.default_parallelism);
        Ok(RangeRdd::create(self, start, end, step, n))
    }

    /// An RDD with no elements and no partitions.
    pub fn empty<T: Data>(&self) -> Rdd<T> {
        ParallelCollectionRdd::create(self, Vec::new(), 0)
    }

    /// The lines of a text file, a directory of them or a glob (several
    /// comma-separated paths allowed). Large files are split into byte
    /// ranges aligned to lines; `.gz` files are read whole. Files are listed
    /// now; a path that matches nothing fails the first action on the RDD.
    pub fn text_file(&self, path: &str, min_partitions: Option<usize>) -> Rdd<String> {
        let min = min_partitions.unwrap_or(self.inner.default_parallelism.min(2));
        crate::rdd::text_file::TextFileRdd::create(self, path, min)
    }

    /// [`Context::text_file`] with each line's file and byte offset.
    pub fn text_file_positioned(
        &self,
        path: &str,
        min_partitions: Option<usize>,
    ) -> Rdd<crate::rdd::text_file::PositionedLine> {
        let min = min_partitions.unwrap_or(self.inner.default_parallelism.min(2));
        crate::rdd::text_file::TextFileRdd::create_positioned(self, path, min)
    }

    /// `(path, content)` for every file under `path`, one record per file.
    pub fn whole_text_files(
        &self,
        path: &str,
        min_partitions: Option<usize>,
    ) -> Rdd<(String, String)> {
        let min = min_partitions.unwrap_or(self.inner.default_parallelism.min(2));
        crate::rdd::text_file::WholeTextFilesRdd::create(self, path, min)
    }

    /// Runs `f` over the given partitions of `rdd` (all when `None`) and
    /// returns the results in partition order. Every action is built on this.
    pub fn run_job<T: Data, U: Send + 'static>(
        &self,
        rdd: &Rdd<T>,
        partitions: Option<&[usize]>,
        f: impl Fn(&Arc<TaskContext>, BoxIter<T>) -> Result<U> + Send + Sync + 'static,
    ) -> Result<Vec<U>> {
        let partitions: Vec<usize> = match partitions {
            Some(p) => p.to_vec(),
            None => (0..rdd.num_partitions()).collect(),
        };
        if let Some(&bad) = partitions.iter().find(|&&p| p >= rdd.num_partitions()) {
            return Err(RddError::InvalidArgument(format!(
                "partition {bad} does not exist (the RDD has {})",
                rdd.num_partitions()
            )));
        }
        let target = rdd.clone();
        let func: dag::ResultFn = Arc::new(move |split, tc| {
            let it = target.iterator(split, tc)?;
            let it: BoxIter<T> = Box::new(crate::scheduler::task::Cancellable::new(it, tc.clone()));
            let value = f(tc, it)?;
            Ok(Box::new(value))
        });
        let mut results: Vec<Option<U>> = (0..partitions.len()).map(|_| None).collect();
        dag::run_job(self, rdd.base(), partitions, func, &mut |i, value| {
            results[i] = value.downcast::<U>().ok().map(|b| *b);
        })?;
        results
            .into_iter()
            .map(|r| r.ok_or_else(|| RddError::Task("a task returned no result".into())))
            .collect()
    }

    /// Runs `f` with `token` attached to every job it starts on this thread,
    /// so another thread can cancel them (the CLI's Ctrl-C, a server's DELETE).
    pub fn run_with_cancel<R>(&self, token: &CancelToken, f: impl FnOnce() -> R) -> R {
        let previous = CANCEL.with(|c| c.replace(Some(token.clone())));
        let r = f();
        CANCEL.with(|c| *c.borrow_mut() = previous);
        r
    }

    /// Registers a listener for job, stage and task events.
    pub fn add_listener(&self, listener: Arc<dyn Listener>) {
        self.inner.listeners.add(listener);
    }

    /// Unregisters a listener.
    pub fn remove_listener(&self, listener: &Arc<dyn Listener>) {
        self.inner.listeners.remove(listener);
    }

    /// What is cached, per RDD.
    pub fn storage_status(&self) -> Vec<RddStorageInfo> {
        self.inner.blocks.status()
    }

    /// The RDDs marked persistent and still alive, by id (Spark's
    /// `getPersistentRDDs`): what a storage page lists besides the bytes.
    pub fn persistent_rdds(&self) -> Vec<PersistentRdd> {
        let mut map = self.inner.persisted.lock().unwrap();
        map.retain(|_, w| w.strong_count() > 0);
        map.values()
            .filter_map(|w| w.upgrade())
            .map(|r| PersistentRdd {
                id: r.core().id(),
                name: r.core().name(),
                op: r.core().op(),
                level: r.core().storage_level(),
                num_partitions: r.num_partitions(),
            })
            .collect()
    }

    pub(crate) fn note_persisted(&self, rdd: &std::sync::Arc<dyn crate::rdd::RddBase>, on: bool) {
        let mut map = self.inner.persisted.lock().unwrap();
        if on {
            map.insert(rdd.core().id(), std::sync::Arc::downgrade(rdd));
        } else {
            map.remove(&rdd.core().id());
        }
    }

    /// Bytes of cached blocks held in memory.
    pub fn storage_memory_used(&self) -> u64 {
        self.inner.blocks.memory_used()
    }

    /// The failure-injection switches (for tests of fault tolerance).
    pub fn faults(&self) -> &FaultInjector {
        &self.inner.faults
    }

    /// Stops the context: running jobs fail, cached blocks and shuffle files
    /// are freed and the scratch directory is removed.
    pub fn stop(&self) {
        if self.inner.stopped.swap(true, Ordering::SeqCst) {
            return;
        }
        self.inner.pool.lock().unwrap().shutdown();
        self.inner.blocks.clear();
        self.inner.shuffles.clear();
        self.inner.scratch.remove();
    }

    /// True once `stop` was called.
    pub fn is_stopped(&self) -> bool {
        self.inner.stopped.load(Ordering::SeqCst)
    }

    // ---- crate-internal plumbing ----

    pub(crate) fn new_rdd_id(&self) -> usize {
        self.inner.next_rdd.fetch_add(1, Ordering::Relaxed)
    }
    pub(crate) fn new_shuffle_id(&self) -> usize {
        self.inner.next_shuffle.fetch_add(1, Ordering::Relaxed)
    }
    pub(crate) fn new_stage_id(&self) -> usize {
        self.inner.next_stage.fetch_add(1, Ordering::Relaxed)
    }
    pub(crate) fn new_job_id(&self) -> usize {
        self.inner.next_job.fetch_add(1, Ordering::Relaxed)
    }
    pub(crate) fn new_broadcast_id(&self) -> u64 {
        self.inner.next_broadcast.fetch_add(1, Ordering::Relaxed) as u64
    }
    pub(crate) fn shuffle_manager(&self) -> &ShuffleManager {
        &self.inner.shuffles
    }
    pub(crate) fn block_store(&self) -> &BlockStore {
        &self.inner.blocks
    }
    /// Sends `event` to every listener (synchronously, on this thread).
    pub fn post(&self, event: Event) {
        self.inner.listeners.post(event);
    }
    pub(crate) fn submit_task(&self, job_id: usize, task: Box<dyn FnOnce() + Send>) -> bool {
        self.inner.pool.lock().unwrap().submit(job_id, task)
    }
    pub(crate) fn check_running(&self) -> Result<()> {
        if self.is_stopped() {
            Err(RddError::ContextStopped)
        } else {
            Ok(())
        }
    }
    pub(crate) fn execution_budget_per_task(&self) -> usize {
        self.inner.execution_per_task
    }
    pub(crate) fn max_task_failures(&self) -> usize {
        self.inner.max_task_failures
    }
    pub(crate) fn max_stage_attempts(&self) -> usize {
        self.inner.max_stage_attempts
    }
    /// A fresh file name in the scratch directory.
    pub(crate) fn scratch_file(&self, prefix: &str) -> PathBuf {
        let n = self.inner.next_file.fetch_add(1, Ordering::Relaxed);
        self.inner
            .scratch
            .path
            .join("spill")
            .join(format!("{prefix}-{n}"))
    }
    pub(crate) fn is_fully_cached(&self, rdd: &Arc<dyn RddBase>) -> bool {
        let core = rdd.core();
        if core.storage_level() == crate::StorageLevel::NONE {
            return false;
        }
        (0..rdd.num_partitions()).all(|p| self.inner.blocks.contains((core.id(), p)))
    }
}

impl Drop for ContextInner {
    fn drop(&mut self) {
        self.blocks.clear();
        self.shuffles.clear();
        self.scratch.remove();
    }
}

/// The context's private folder for shuffle files, spills and disk blocks.
struct ScratchDir {
    path: PathBuf,
}

static SCRATCH_SEQ: AtomicUsize = AtomicUsize::new(0);

impl ScratchDir {
    fn create(parent: &Path) -> Result<ScratchDir> {
        Self::clean_stale(parent);
        let pid = std::process::id();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let seq = SCRATCH_SEQ.fetch_add(1, Ordering::Relaxed);
        let path = parent.join(format!("shark-{pid}-{seq}-{nanos:x}"));
        std::fs::create_dir_all(&path).map_err(|e| RddError::io(&path, e))?;
        Ok(ScratchDir { path })
    }

    /// Removes scratch dirs left by processes that no longer exist (crashed
    /// runs). Only where `/proc` tells which processes are alive.
    fn clean_stale(parent: &Path) {
        if !Path::new("/proc/self").exists() {
            return;
        }
        let Ok(entries) = std::fs::read_dir(parent) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix("shark-")) else {
                continue;
            };
            let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
                continue;
            };
            if rest.split('-').count() == 3 && !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }

    fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masters_parse() {
        assert_eq!(Master::parse("local").unwrap().workers, 1);
        assert_eq!(Master::parse("local[3]").unwrap().workers, 3);
        assert!(Master::parse("local[*]").unwrap().workers >= 1);
        let m = Master::parse("local[2,5]").unwrap();
        assert_eq!((m.workers, m.max_failures), (2, Some(5)));
        let m = Master::parse("local-cluster[3, 2, 512]").unwrap();
        assert_eq!(m.workers, 6);
        assert_eq!(
            m.cluster,
            Some(ClusterMaster::LocalCluster {
                executors: 3,
                cores: 2,
                memory_mb: 512
            })
        );
        let m = Master::parse("shark://0.0.0.0:7077").unwrap();
        assert_eq!(
            m.cluster,
            Some(ClusterMaster::Standalone {
                address: "0.0.0.0:7077".into()
            })
        );
        for bad in [
            "",
            "yarn",
            "local[0]",
            "local[x]",
            "local[2",
            "spark://h:7077",
            "shark://h",
            "shark://:7077",
            "shark://h:99999",
            "local-cluster[2,1]",
            "local-cluster[0,1,512]",
            "local-cluster[2,0,512]",
            "local-cluster[2,1,8]",
        ] {
            assert!(
                matches!(Master::parse(bad), Err(RddError::InvalidMaster(_))),
                "{bad}"
            );
        }
    }
}
