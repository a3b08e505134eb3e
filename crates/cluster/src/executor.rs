//! The executor's side: a process that registers with the driver, keeps
//! sending heartbeats, runs the tasks it is given (through a
//! [`TaskRunner`] the layer above supplies) and serves the blocks they
//! leave behind. It exits when the driver goes away or forgets it.

use crate::net::{call, runtime, wait};
use crate::protocol::{
    action, build_fingerprint, decode, encode, Heartbeat, HeartbeatReply, KillTask, Registered,
    Registration, TaskLaunch, TaskReply,
};
use crate::server::{once, serve, Endpoint};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use rdd::RddError;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tonic::Status;

/// What a runner serves for one ticket: complete Arrow IPC streams, sent
/// as they are (no decoding and encoding again on the way out).
pub type BlockIter = Box<dyn Iterator<Item = Result<Vec<u8>, RddError>> + Send>;

/// What runs tasks on an executor: the layer above (the SQL engine).
pub trait TaskRunner: Send + Sync + 'static {
    /// Takes the settings the driver ships (storage configuration...).
    fn configure(&self, settings: &[(String, String)]);

    /// Runs one task of `payload`. A result task hands its data to `out`
    /// piece by piece (`out` returns false once nobody reads any more);
    /// the returned bytes are the task's summary.
    fn run(
        &self,
        payload_id: u64,
        payload: Arc<Vec<u8>>,
        task: &[u8],
        cancel: Arc<AtomicBool>,
        out: &mut dyn FnMut(Vec<u8>) -> bool,
    ) -> Result<Vec<u8>, RddError>;

    /// The block `ticket` names (what a task left behind), as Arrow IPC
    /// streams.
    fn get(&self, ticket: &[u8]) -> Result<BlockIter, RddError>;

    /// Drops what the driver no longer needs (`body` is the layer's own).
    fn cleanup(&self, body: &[u8]);
}

/// How an executor starts.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The driver's address (`http://host:port`).
    pub driver: String,
    /// Unique among the driver's executors.
    pub executor_id: String,
    /// The interface to listen on.
    pub bind_host: String,
    /// The host name peers reach it by (default: `bind_host`).
    pub advertise_host: Option<String>,
    /// The port (0: any free one).
    pub port: u16,
    /// Tasks at once.
    pub cores: usize,
    /// Memory, in MB.
    pub memory_mb: usize,
    /// How long to keep trying to register.
    pub register_timeout: Duration,
}

/// Payloads kept at once; older ones are dropped first (the driver sends
/// a dropped one again when a task needs it).
const MAX_PAYLOADS: usize = 256;

/// Stage payloads by id, and their ids oldest first.
type Payloads = (HashMap<u64, Arc<Vec<u8>>>, VecDeque<u64>);

struct State {
    id: String,
    runner: Arc<dyn TaskRunner>,
    payloads: Mutex<Payloads>,
    running: Mutex<HashMap<u64, Arc<AtomicBool>>>,
    active: AtomicUsize,
    finished: AtomicU64,
}

/// Runs an executor until its driver goes away. `Err` when it could not
/// register (the driver refused it, or never answered).
pub fn run_executor(opts: ExecutorOptions, runner: Arc<dyn TaskRunner>) -> Result<(), RddError> {
    let bind = format!("{}:{}", opts.bind_host, opts.port);
    let at = bind.clone();
    let listener = wait(async move { tokio::net::TcpListener::bind(at).await })?
        .map_err(|e| RddError::io(&bind, e))?;
    let port = listener
        .local_addr()
        .map_err(|e| RddError::io(&bind, e))?
        .port();
    let host = opts
        .advertise_host
        .clone()
        .unwrap_or(opts.bind_host.clone());
    let address = format!("http://{host}:{port}");
    let state = Arc::new(State {
        id: opts.executor_id.clone(),
        runner: runner.clone(),
        payloads: Mutex::default(),
        running: Mutex::default(),
        active: AtomicUsize::new(0),
        finished: AtomicU64::new(0),
    });
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    runtime().spawn(serve(
        Arc::new(ExecutorEndpoint(state.clone())),
        listener,
        async {
            let _ = stop_rx.await;
        },
    ));
    let registration = Registration {
        executor_id: opts.executor_id.clone(),
        address: address.clone(),
        cores: opts.cores,
        memory_mb: opts.memory_mb,
        fingerprint: build_fingerprint(),
        pid: std::process::id(),
    };
    let registered = register(&opts, &registration)?;
    runner.configure(&registered.settings);
    tracing::info!(executor = %opts.executor_id, %address, "registered with {}", opts.driver);
    let every = Duration::from_millis(registered.heartbeat_ms.max(10));
    // The driver counts an executor lost after its own timeout; an
    // executor that cannot reach the driver for this long gives up.
    let patience = (every * 10).max(Duration::from_secs(3));
    let mut last_ok = Instant::now();
    let outcome = loop {
        std::thread::sleep(every);
        let beat = Heartbeat {
            executor_id: opts.executor_id.clone(),
            running: state.active.load(Ordering::Relaxed),
            finished: state.finished.load(Ordering::Relaxed),
        };
        let (driver, body) = (opts.driver.clone(), encode(&beat));
        let reply = wait(async move { call(&driver, action::HEARTBEAT, body, every * 3).await })
            .and_then(|r| r);
        match reply.and_then(|r| decode::<HeartbeatReply>(r.first().map_or(&[][..], |v| v))) {
            Ok(HeartbeatReply::Known) => last_ok = Instant::now(),
            Ok(HeartbeatReply::Unknown) => {
                break Ok("the driver no longer counts on this executor".to_string())
            }
            Err(e) if last_ok.elapsed() > patience => {
                break Ok(format!("the driver is gone ({e})"));
            }
            Err(_) => {}
        }
    };
    for flag in state.running.lock().unwrap().values() {
        flag.store(true, Ordering::SeqCst);
    }
    let _ = stop_tx.send(());
    if let Ok(why) = &outcome {
        tracing::info!(executor = %opts.executor_id, "exiting: {why}");
    }
    outcome.map(|_| ())
}

fn register(opts: &ExecutorOptions, reg: &Registration) -> Result<Registered, RddError> {
    let deadline = Instant::now() + opts.register_timeout;
    loop {
        let (driver, body) = (opts.driver.clone(), encode(reg));
        let answer =
            wait(
                async move { call(&driver, action::REGISTER, body, Duration::from_secs(5)).await },
            )
            .and_then(|r| r);
        match answer {
            Ok(bodies) => return decode(bodies.first().map_or(&[][..], |v| v)),
            Err(e @ RddError::Fatal(_)) => return Err(e),
            Err(e) if Instant::now() >= deadline => {
                return Err(RddError::Fatal(format!(
                    "could not register with the driver at {}: {e}",
                    opts.driver
                )))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// Fault injection for tests of executor loss (Spark's DistributedSuite
/// has a task call `System.exit`): with
/// `SHARK_TEST_EXECUTOR_EXIT_AFTER_TASKS=ID:N`, executor ID exits with
/// status 42 as its task N+1 starts — blocks, running task and all.
fn exit_if_told(state: &State) {
    static STARTED: AtomicU64 = AtomicU64::new(0);
    let Ok(rule) = std::env::var("SHARK_TEST_EXECUTOR_EXIT_AFTER_TASKS") else {
        return;
    };
    let Some((id, n)) = rule.split_once(':') else {
        return;
    };
    let started = STARTED.fetch_add(1, Ordering::SeqCst);
    if id == state.id && n.parse::<u64>().is_ok_and(|n| started >= n) {
        eprintln!("executor {id}: exiting on purpose (SHARK_TEST_EXECUTOR_EXIT_AFTER_TASKS)");
        std::process::exit(42);
    }
}

struct ExecutorEndpoint(Arc<State>);

impl ExecutorEndpoint {
    fn run_task(&self, launch: TaskLaunch) -> BoxStream<'static, Result<Vec<u8>, Status>> {
        let state = self.0.clone();
        let payload = {
            let mut p = state.payloads.lock().unwrap();
            match launch.payload {
                Some(bytes) => {
                    let bytes = Arc::new(bytes);
                    if p.0.insert(launch.payload_id, bytes.clone()).is_none() {
                        p.1.push_back(launch.payload_id);
                        while p.1.len() > MAX_PAYLOADS {
                            if let Some(old) = p.1.pop_front() {
                                p.0.remove(&old);
                            }
                        }
                    }
                    bytes
                }
                None => match p.0.get(&launch.payload_id) {
                    Some(b) => b.clone(),
                    None => return once(Ok(encode(&TaskReply::NeedPayload))),
                },
            }
        };
        exit_if_told(&state);
        let cancel = Arc::new(AtomicBool::new(false));
        state
            .running
            .lock()
            .unwrap()
            .insert(launch.task_id, cancel.clone());
        let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(8);
        let spawned = std::thread::Builder::new()
            .name(format!("task-{}", launch.task_id))
            .spawn(move || {
                state.active.fetch_add(1, Ordering::Relaxed);
                let flag = cancel.clone();
                let mut out = |bytes: Vec<u8>| {
                    let ok = tx.blocking_send(encode(&TaskReply::Data(bytes))).is_ok();
                    if !ok {
                        flag.store(true, Ordering::SeqCst);
                    }
                    ok
                };
                let end = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    state.runner.run(
                        launch.payload_id,
                        payload,
                        &launch.task,
                        cancel.clone(),
                        &mut out,
                    )
                }))
                .unwrap_or_else(|_| {
                    Err(RddError::Task("the task panicked on its executor".into()))
                });
                state.running.lock().unwrap().remove(&launch.task_id);
                state.active.fetch_sub(1, Ordering::Relaxed);
                state.finished.fetch_add(1, Ordering::Relaxed);
                let _ = tx.blocking_send(encode(&TaskReply::End(end)));
            });
        if let Err(e) = spawned {
            return once(Ok(encode(&TaskReply::End(Err(RddError::Task(format!(
                "the executor cannot start a task thread: {e}"
            )))))));
        }
        futures_util::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|m| (Ok(m), rx)) },
        )
        .boxed()
    }
}

impl Endpoint for ExecutorEndpoint {
    fn action(&self, name: &str, body: Vec<u8>) -> BoxStream<'static, Result<Vec<u8>, Status>> {
        match name {
            action::RUN_TASK => match decode::<TaskLaunch>(&body) {
                Ok(launch) => self.run_task(launch),
                Err(e) => once(Err(Status::invalid_argument(e.to_string()))),
            },
            action::KILL_TASK => {
                if let Ok(kill) = decode::<KillTask>(&body) {
                    if let Some(flag) = self.0.running.lock().unwrap().get(&kill.task_id) {
                        flag.store(true, Ordering::SeqCst);
                    }
                }
                once(Ok(Vec::new()))
            }
            action::CLEANUP => {
                self.0.runner.cleanup(&body);
                once(Ok(Vec::new()))
            }
            other => once(Err(Status::unimplemented(format!(
                "an executor has no action {other}"
            )))),
        }
    }

    fn get(&self, ticket: Vec<u8>) -> Result<BoxStream<'static, Result<Vec<u8>, Status>>, Status> {
        // Reading a block is file I/O: on a thread of its own, never on the
        // runtime's (heartbeats and task streams run there).
        let state = self.0.clone();
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, Status>>(4);
        std::thread::Builder::new()
            .name("block-server".into())
            .spawn(move || {
                let batches = match state.runner.get(&ticket) {
                    Ok(b) => b,
                    Err(e) => {
                        let _ = tx.blocking_send(Err(Status::not_found(e.to_string())));
                        return;
                    }
                };
                for b in batches {
                    let b = b.map_err(|e| Status::internal(e.to_string()));
                    if tx.blocking_send(b).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| Status::internal(e.to_string()))?;
        Ok(futures_util::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|m| (m, rx)) },
        )
        .boxed())
    }
}
