//! The driver's side: the executors that registered, their free task
//! slots and liveness, and running one task on one of them. The DAG
//! scheduler stays in the engine: each of its task threads hands its task
//! to [`Driver::run_task`] and waits for the end, which comes back typed.
//!
//! Every way of losing an executor (a heartbeat overdue, a call that
//! cannot reach it, its task stream breaking) goes through one path,
//! `lose`, which tells the hooks (the engine forgets the map outputs it
//! held) and fails its running tasks with `ExecutorLost`.

use crate::net::{call, connect, runtime, send_to_engine, wait};
use crate::protocol::{
    action, build_fingerprint, decode, encode, Heartbeat, HeartbeatReply, KillTask, Registered,
    Registration, TaskLaunch, TaskReply,
};
use crate::server::{once, serve, Endpoint};
use arrow_flight::Action;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use rdd::RddError;
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tonic::Status;

/// How the driver watches its executors.
#[derive(Debug, Clone)]
pub struct DriverOptions {
    /// How often executors send heartbeats.
    pub heartbeat: Duration,
    /// An executor silent this long is lost.
    pub executor_timeout: Duration,
    /// How long a task waits for an executor when none is alive before its
    /// job fails.
    pub executor_wait: Duration,
    /// Settings shipped to every executor at registration.
    pub settings: Vec<(String, String)>,
}

impl Default for DriverOptions {
    fn default() -> Self {
        DriverOptions {
            heartbeat: Duration::from_secs(1),
            executor_timeout: Duration::from_secs(10),
            executor_wait: Duration::from_secs(30),
            settings: Vec::new(),
        }
    }
}

/// One executor as the driver sees it (for listings).
#[derive(Debug, Clone)]
pub struct ExecutorStatus {
    /// Its id.
    pub id: String,
    /// Where it serves (`http://host:port`).
    pub address: String,
    /// Task slots.
    pub cores: usize,
    /// Memory, in MB.
    pub memory_mb: usize,
    /// Its process id.
    pub pid: u32,
    /// Tasks the driver has running on it.
    pub running: usize,
    /// Tasks that ended on it.
    pub finished: u64,
    /// Tasks that failed on it.
    pub failed: u64,
    /// False once lost.
    pub alive: bool,
    /// Why it was lost.
    pub lost_reason: Option<String>,
}

struct Executor {
    reg: Registration,
    /// Which registration under this id (a restarted executor keeps its
    /// id): what a task was started on must still be the one that is there.
    incarnation: u64,
    free: usize,
    running: usize,
    finished: u64,
    failed: u64,
    last_seen: Instant,
    alive: bool,
    lost_reason: Option<String>,
    /// Payloads it has been sent.
    payloads: HashSet<u64>,
}

#[derive(Default)]
struct State {
    executors: BTreeMap<String, Executor>,
}

type LostHook = Box<dyn Fn(&str) + Send + Sync>;

struct Inner {
    opts: DriverOptions,
    state: Mutex<State>,
    changed: Condvar,
    hooks: Mutex<Vec<LostHook>>,
    next_task: AtomicU64,
    next_incarnation: AtomicU64,
    /// Since when no executor has been alive (`None`: one is).
    none_alive_since: Mutex<Option<Instant>>,
    stopped: AtomicBool,
    fingerprint: String,
}

/// The driver's end of a cluster: a Flight service executors register
/// with, and the executors it knows. Stops serving when dropped.
pub struct Driver {
    inner: Arc<Inner>,
    address: String,
    shutdown: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
}

impl Driver {
    /// Starts serving on `bind` (`host:port`; port 0 picks a free one).
    pub fn start(bind: &str, opts: DriverOptions) -> Result<Driver, RddError> {
        let at = bind.to_string();
        let listener =
            wait(async move { tokio::net::TcpListener::bind(at).await })?.map_err(|e| {
                RddError::Io {
                    path: bind.to_string(),
                    message: format!("the driver cannot listen on {bind}: {e}"),
                }
            })?;
        let local = listener.local_addr().map_err(|e| RddError::io(bind, e))?;
        let inner = Arc::new(Inner {
            opts,
            state: Mutex::default(),
            changed: Condvar::new(),
            hooks: Mutex::default(),
            next_task: AtomicU64::new(0),
            next_incarnation: AtomicU64::new(0),
            none_alive_since: Mutex::new(Some(Instant::now())),
            stopped: AtomicBool::new(false),
            fingerprint: build_fingerprint(),
        });
        let (tx, rx) = tokio::sync::oneshot::channel();
        let endpoint = Arc::new(DriverEndpoint(inner.clone()));
        runtime().spawn(async move {
            let _ = serve(endpoint, listener, async {
                let _ = rx.await;
            })
            .await;
        });
        let watched = Arc::downgrade(&inner);
        std::thread::Builder::new()
            .name("executor-monitor".into())
            .spawn(move || monitor(watched))
            .map_err(|e| RddError::io("executor monitor", e))?;
        Ok(Driver {
            inner,
            address: format!("http://{local}"),
            shutdown: Mutex::new(Some(tx)),
        })
    }

    /// Where executors reach the driver (`http://host:port`).
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Calls `hook` with an executor's id whenever one is lost.
    pub fn on_executor_lost(&self, hook: impl Fn(&str) + Send + Sync + 'static) {
        self.inner.hooks.lock().unwrap().push(Box::new(hook));
    }

    /// The executors, alive and lost.
    pub fn executors(&self) -> Vec<ExecutorStatus> {
        let state = self.inner.state.lock().unwrap();
        state
            .executors
            .values()
            .map(|e| ExecutorStatus {
                id: e.reg.executor_id.clone(),
                address: e.reg.address.clone(),
                cores: e.reg.cores,
                memory_mb: e.reg.memory_mb,
                pid: e.reg.pid,
                running: e.running,
                finished: e.finished,
                failed: e.failed,
                alive: e.alive,
                lost_reason: e.lost_reason.clone(),
            })
            .collect()
    }

    /// Waits until `n` executors are alive, or fails after `timeout`.
    pub fn wait_for_executors(&self, n: usize, timeout: Duration) -> Result<(), RddError> {
        let deadline = Instant::now() + timeout;
        let mut state = self.inner.state.lock().unwrap();
        loop {
            let alive = state.executors.values().filter(|e| e.alive).count();
            if alive >= n {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(RddError::Fatal(format!(
                    "only {alive} of {n} executors registered with the driver at {} within {timeout:?}",
                    self.address
                )));
            }
            state = self.inner.changed.wait_timeout(state, left).unwrap().0;
        }
    }

    /// Declares an executor lost (the launcher saw its process exit).
    pub fn lose(&self, executor: &str, reason: &str) {
        self.inner.lose_current(executor, reason);
    }

    /// Sends `body` to every live executor's cleanup action, without
    /// waiting (what the layer above no longer needs: a shuffle's blocks).
    pub fn cleanup(&self, body: Vec<u8>) {
        let addresses: Vec<String> = {
            let state = self.inner.state.lock().unwrap();
            state
                .executors
                .values()
                .filter(|e| e.alive)
                .map(|e| e.reg.address.clone())
                .collect()
        };
        let timeout = self.inner.opts.executor_timeout;
        for address in addresses {
            let body = body.clone();
            runtime().spawn(async move {
                let _ = call(&address, action::CLEANUP, body, timeout).await;
            });
        }
    }

    /// Runs one task on an executor with a free slot, waiting for one. The
    /// returned stream yields a result task's data, then the task's end.
    /// `cancelled` is polled while waiting: a cancelled task is killed on
    /// its executor.
    pub fn run_task(
        &self,
        payload_id: u64,
        payload: &Arc<Vec<u8>>,
        task: Vec<u8>,
        cancelled: Arc<dyn Fn() -> bool + Send + Sync>,
    ) -> Result<RunningTask, RddError> {
        let slot = self.inner.acquire(payload_id, &*cancelled)?;
        let task_id = self.inner.next_task.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = std::sync::mpsc::sync_channel::<TaskEvent>(8);
        let timeout = self.inner.opts.executor_timeout;
        let payload = payload.clone();
        let at = slot.address.clone();
        let send_payload = slot.send_payload;
        runtime().spawn(async move {
            let mut with_payload = send_payload;
            for _ in 0..2 {
                // The payload (maybe a large plan) is copied only for the
                // executors that need it.
                let request = TaskLaunch {
                    task_id,
                    payload_id,
                    payload: with_payload.then(|| payload.as_ref().clone()),
                    task: task.clone(),
                };
                let event = match stream_task(&at, request, &tx, timeout).await {
                    Ok(true) => return,
                    Ok(false) => {
                        with_payload = true;
                        continue;
                    }
                    Err(StreamError::Lost(why)) => TaskEvent::Lost(why),
                    Err(StreamError::Failed(e)) => TaskEvent::End(Err(e)),
                };
                send_to_engine(&tx, event).await;
                return;
            }
            let again = RddError::Task("the executor kept asking for the task's payload".into());
            send_to_engine(&tx, TaskEvent::End(Err(again))).await;
        });
        Ok(RunningTask {
            inner: self.inner.clone(),
            executor: slot.executor,
            incarnation: slot.incarnation,
            address: slot.address,
            task_id,
            rx,
            cancelled,
            ended: false,
        })
    }

    /// Forgets that executors hold payload `id` (no task will need it).
    pub fn forget_payload(&self, id: u64) {
        let mut state = self.inner.state.lock().unwrap();
        for e in state.executors.values_mut() {
            e.payloads.remove(&id);
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
        if let Some(tx) = self.shutdown.lock().unwrap().take() {
            let _ = tx.send(());
        }
        self.inner.changed.notify_all();
    }
}

/// Why a task's stream ended without the task's end.
enum StreamError {
    /// The executor cannot be reached or its connection broke: it is lost.
    Lost(String),
    /// The executor answered, but not with the task's end (a refusal, an
    /// oversized or undecodable message): the task failed, the executor
    /// is fine.
    Failed(RddError),
}

/// Whether a gRPC status means the link (executor lost) rather than the
/// call.
fn is_link_failure(status: &tonic::Status) -> bool {
    matches!(
        status.code(),
        tonic::Code::Unavailable | tonic::Code::Unknown | tonic::Code::Cancelled
    )
}

fn status_failure(address: &str, status: tonic::Status) -> StreamError {
    if is_link_failure(&status) {
        crate::net::forget(address);
        StreamError::Lost(format!("its connection broke: {}", status.message()))
    } else {
        StreamError::Failed(RddError::Task(format!(
            "the task's messages failed ({:?}): {}",
            status.code(),
            status.message()
        )))
    }
}

/// Streams one task's replies into `tx`. `Ok(false)`: the executor wants
/// the payload sent again.
async fn stream_task(
    address: &str,
    launch: TaskLaunch,
    tx: &std::sync::mpsc::SyncSender<TaskEvent>,
    timeout: Duration,
) -> Result<bool, StreamError> {
    let mut client = connect(address, timeout)
        .await
        .map_err(|e| StreamError::Lost(e.to_string()))?;
    let request = Action {
        r#type: action::RUN_TASK.into(),
        body: encode(&launch).into(),
    };
    let mut replies = client
        .do_action(request)
        .await
        .map_err(|s| status_failure(address, s))?
        .into_inner();
    while let Some(reply) = replies.next().await {
        let reply = reply.map_err(|s| status_failure(address, s))?;
        match decode::<TaskReply>(&reply.body).map_err(StreamError::Failed)? {
            TaskReply::NeedPayload => return Ok(false),
            TaskReply::Data(bytes) => {
                if !send_to_engine(tx, TaskEvent::Data(bytes)).await {
                    return Ok(true);
                }
            }
            TaskReply::End(result) => {
                send_to_engine(tx, TaskEvent::End(result)).await;
                return Ok(true);
            }
        }
    }
    Err(StreamError::Lost(
        "the task's stream ended before the task".into(),
    ))
}

enum TaskEvent {
    Data(Vec<u8>),
    End(Result<Vec<u8>, RddError>),
    Lost(String),
}

/// What a task running on an executor sends back.
#[derive(Debug)]
pub enum TaskOutput {
    /// A piece of a result task's data.
    Data(Vec<u8>),
    /// The task's summary: it succeeded.
    Done(Vec<u8>),
}

/// A task running on an executor: read it to its end. Dropped early, the
/// task is killed there.
pub struct RunningTask {
    inner: Arc<Inner>,
    executor: String,
    incarnation: u64,
    address: String,
    task_id: u64,
    rx: std::sync::mpsc::Receiver<TaskEvent>,
    cancelled: Arc<dyn Fn() -> bool + Send + Sync>,
    ended: bool,
}

impl RunningTask {
    /// The executor it runs on.
    pub fn executor(&self) -> &str {
        &self.executor
    }

    /// Where that executor serves its blocks.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The next piece of output, or the task's failure; `None` after the end.
    pub fn next_output(&mut self) -> Option<Result<TaskOutput, RddError>> {
        if self.ended {
            return None;
        }
        loop {
            if (self.cancelled)() {
                self.kill();
                return Some(Err(RddError::Cancelled));
            }
            match self.rx.recv_timeout(Duration::from_millis(100)) {
                Ok(TaskEvent::Data(bytes)) => return Some(Ok(TaskOutput::Data(bytes))),
                Ok(TaskEvent::End(Ok(summary))) => {
                    self.finish(true);
                    return Some(Ok(TaskOutput::Done(summary)));
                }
                Ok(TaskEvent::End(Err(e))) => {
                    self.finish(false);
                    return Some(Err(e));
                }
                Ok(TaskEvent::Lost(reason)) => {
                    self.inner.lose(&self.executor, self.incarnation, &reason);
                    self.finish(false);
                    return Some(Err(RddError::ExecutorLost {
                        executor: self.executor.clone(),
                        reason,
                    }));
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(reason) = self.inner.lost_reason(&self.executor, self.incarnation) {
                        self.kill();
                        return Some(Err(RddError::ExecutorLost {
                            executor: self.executor.clone(),
                            reason,
                        }));
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    self.finish(false);
                    return Some(Err(RddError::Task(
                        "the task's reply stream was dropped".into(),
                    )));
                }
            }
        }
    }

    /// True while the executor it ran on is still the one registered
    /// (its output can be counted on).
    pub fn executor_alive(&self) -> bool {
        self.inner
            .lost_reason(&self.executor, self.incarnation)
            .is_none()
    }

    fn finish(&mut self, succeeded: bool) {
        if self.ended {
            return;
        }
        self.ended = true;
        self.inner
            .release(&self.executor, self.incarnation, succeeded);
    }

    /// Stops the task on its executor (without waiting) and frees its slot.
    fn kill(&mut self) {
        if self.ended {
            return;
        }
        self.finish(false);
        let body = encode(&KillTask {
            task_id: self.task_id,
        });
        let (address, timeout) = (self.address.clone(), self.inner.opts.executor_timeout);
        runtime().spawn(async move {
            let _ = call(&address, action::KILL_TASK, body, timeout).await;
        });
    }
}

impl Drop for RunningTask {
    fn drop(&mut self) {
        self.kill();
    }
}

impl Inner {
    /// Takes a free slot on a live executor (the one with the most free),
    /// waiting while all are busy; fails when none has been alive for
    /// `executor_wait`.
    fn acquire(&self, payload_id: u64, cancelled: &dyn Fn() -> bool) -> Result<Slot, RddError> {
        let mut state = self.state.lock().unwrap();
        loop {
            if self.stopped.load(Ordering::SeqCst) {
                return Err(RddError::ContextStopped);
            }
            if cancelled() {
                return Err(RddError::Cancelled);
            }
            let best = state
                .executors
                .values_mut()
                .filter(|e| e.alive && e.free > 0)
                .max_by_key(|e| e.free);
            if let Some(e) = best {
                e.free -= 1;
                e.running += 1;
                return Ok(Slot {
                    executor: e.reg.executor_id.clone(),
                    incarnation: e.incarnation,
                    address: e.reg.address.clone(),
                    send_payload: e.payloads.insert(payload_id),
                });
            }
            let any_alive = state.executors.values().any(|e| e.alive);
            if !any_alive {
                let since = self
                    .none_alive_since
                    .lock()
                    .unwrap()
                    .unwrap_or_else(Instant::now);
                if since.elapsed() >= self.opts.executor_wait {
                    let lost = state.executors.len();
                    return Err(RddError::Fatal(if lost == 0 {
                        format!(
                            "no executor registered with the driver within {:?}; start executors with `shark-executor --driver <this driver's address>`",
                            self.opts.executor_wait
                        )
                    } else {
                        format!(
                            "all {lost} executors were lost and none came back within {:?}",
                            self.opts.executor_wait
                        )
                    }));
                }
            }
            state = self
                .changed
                .wait_timeout(state, Duration::from_millis(100))
                .unwrap()
                .0;
        }
    }

    fn release(&self, executor: &str, incarnation: u64, succeeded: bool) {
        let mut state = self.state.lock().unwrap();
        let current = state.executors.get_mut(executor);
        if let Some(e) = current.filter(|e| e.incarnation == incarnation) {
            e.running = e.running.saturating_sub(1);
            e.free = (e.free + 1).min(e.reg.cores);
            if succeeded {
                e.finished += 1;
            } else {
                e.failed += 1;
            }
        }
        drop(state);
        self.changed.notify_all();
    }

    /// Why incarnation `incarnation` of `executor` is gone (`None`: it is
    /// alive).
    fn lost_reason(&self, executor: &str, incarnation: u64) -> Option<String> {
        let state = self.state.lock().unwrap();
        match state.executors.get(executor) {
            Some(e) if e.incarnation == incarnation && e.alive => None,
            Some(e) if e.incarnation == incarnation => e.lost_reason.clone(),
            Some(_) => Some("it registered again (restarted)".into()),
            None => Some("the driver does not know it".into()),
        }
    }

    /// The one path for a lost executor (`incarnation`: only if it is still
    /// that registration; `None`: whichever is registered).
    fn lose_current(&self, executor: &str, reason: &str) {
        let incarnation = {
            let state = self.state.lock().unwrap();
            state.executors.get(executor).map(|e| e.incarnation)
        };
        if let Some(i) = incarnation {
            self.lose(executor, i, reason);
        }
    }

    fn lose(&self, executor: &str, incarnation: u64, reason: &str) {
        let mut state = self.state.lock().unwrap();
        let Some(e) = state.executors.get_mut(executor) else {
            return;
        };
        if !e.alive || e.incarnation != incarnation {
            return;
        }
        e.alive = false;
        e.lost_reason = Some(reason.to_string());
        crate::net::forget(&e.reg.address);
        tracing::warn!(executor, reason, "executor lost");
        if !state.executors.values().any(|e| e.alive) {
            *self.none_alive_since.lock().unwrap() = Some(Instant::now());
        }
        drop(state);
        self.changed.notify_all();
        for hook in self.hooks.lock().unwrap().iter() {
            hook(executor);
        }
    }

    fn register(&self, reg: Registration) -> Result<Registered, Status> {
        if reg.fingerprint != self.fingerprint {
            return Err(Status::failed_precondition(format!(
                "executor {} runs build '{}' but the driver runs '{}': start executors from the same build as the driver",
                reg.executor_id, reg.fingerprint, self.fingerprint
            )));
        }
        if reg.cores == 0 {
            return Err(Status::invalid_argument(
                "an executor needs at least one core",
            ));
        }
        let id = reg.executor_id.clone();
        let replaced = {
            let mut state = self.state.lock().unwrap();
            let old = state.executors.get(&id).map(|e| e.alive);
            state.executors.insert(
                id.clone(),
                Executor {
                    incarnation: self.next_incarnation.fetch_add(1, Ordering::Relaxed),
                    free: reg.cores,
                    reg,
                    running: 0,
                    finished: 0,
                    failed: 0,
                    last_seen: Instant::now(),
                    alive: true,
                    lost_reason: None,
                    payloads: HashSet::new(),
                },
            );
            *self.none_alive_since.lock().unwrap() = None;
            old.is_some()
        };
        if replaced {
            // A restarted executor holds none of the old one's blocks.
            for hook in self.hooks.lock().unwrap().iter() {
                hook(&id);
            }
        }
        tracing::info!(executor = %id, "executor registered");
        self.changed.notify_all();
        Ok(Registered {
            heartbeat_ms: self.opts.heartbeat.as_millis() as u64,
            settings: self.opts.settings.clone(),
        })
    }

    fn heartbeat(&self, beat: Heartbeat) -> HeartbeatReply {
        let mut state = self.state.lock().unwrap();
        match state.executors.get_mut(&beat.executor_id) {
            Some(e) if e.alive => {
                e.last_seen = Instant::now();
                HeartbeatReply::Known
            }
            _ => HeartbeatReply::Unknown,
        }
    }
}

/// Marks executors whose heartbeats are overdue as lost, until the driver
/// is gone.
fn monitor(inner: std::sync::Weak<Inner>) {
    loop {
        let Some(inner) = inner.upgrade() else {
            return;
        };
        if inner.stopped.load(Ordering::SeqCst) {
            return;
        }
        let timeout = inner.opts.executor_timeout;
        let overdue: Vec<(String, u64)> = {
            let state = inner.state.lock().unwrap();
            state
                .executors
                .values()
                .filter(|e| e.alive && e.last_seen.elapsed() > timeout)
                .map(|e| (e.reg.executor_id.clone(), e.incarnation))
                .collect()
        };
        for (id, incarnation) in overdue {
            inner.lose(&id, incarnation, &format!("no heartbeat for {timeout:?}"));
        }
        let tick = (inner.opts.heartbeat / 2).max(Duration::from_millis(50));
        drop(inner);
        std::thread::sleep(tick);
    }
}

/// A free task slot taken on an executor.
struct Slot {
    executor: String,
    incarnation: u64,
    address: String,
    /// The executor has not been sent the task's payload yet.
    send_payload: bool,
}

struct DriverEndpoint(Arc<Inner>);

impl Endpoint for DriverEndpoint {
    fn action(&self, name: &str, body: Vec<u8>) -> BoxStream<'static, Result<Vec<u8>, Status>> {
        let answer = match name {
            action::REGISTER => match decode::<Registration>(&body) {
                Ok(reg) => self.0.register(reg).map(|r| encode(&r)),
                Err(e) => Err(Status::invalid_argument(e.to_string())),
            },
            action::HEARTBEAT => match decode::<Heartbeat>(&body) {
                Ok(beat) => Ok(encode(&self.0.heartbeat(beat))),
                Err(e) => Err(Status::invalid_argument(e.to_string())),
            },
            other => Err(Status::unimplemented(format!(
                "the driver has no action {other}"
            ))),
        };
        once(answer)
    }

    fn get(&self, _: Vec<u8>) -> Result<BoxStream<'static, Result<Vec<u8>, Status>>, Status> {
        Err(Status::unimplemented("the driver serves no blocks"))
    }
}
