//! Query progress on stderr (only at a terminal, only for queries running
//! over a second) and Ctrl-C: cancel the running query, not the shell.

use rdd::{CancelToken, Event, Listener};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

static RUNNING: Mutex<Option<CancelToken>> = Mutex::new(None);

/// Ctrl-C cancels the running query; with none running it ends the shell.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        let running = RUNNING.lock().ok().and_then(|r| r.clone());
        match running {
            Some(t) => {
                t.cancel();
                eprintln!("\nInterrupting... the query is being cancelled");
            }
            None => std::process::exit(130),
        }
    });
}

#[derive(Default)]
struct Counters {
    stage: AtomicUsize,
    stages: AtomicUsize,
    tasks_total: AtomicUsize,
    tasks_done: AtomicUsize,
    rows: AtomicU64,
}

struct ProgressListener(Arc<Counters>);

impl Listener for ProgressListener {
    fn on_event(&self, e: &Event) {
        let c = &self.0;
        match e {
            Event::StageSubmitted { info, .. } => {
                c.stage.store(info.stage_id, Ordering::Relaxed);
                c.stages.fetch_add(1, Ordering::Relaxed);
                c.tasks_total.fetch_add(info.num_tasks, Ordering::Relaxed);
            }
            Event::TaskEnd { metrics, .. } => {
                c.tasks_done.fetch_add(1, Ordering::Relaxed);
                c.rows.fetch_add(metrics.records_read, Ordering::Relaxed);
            }
            _ => {}
        }
    }
}

/// Draws `[Stage 3 (2 of 3): 12/64 tasks] 1.2M rows read` while a query runs.
pub struct Progress {
    counters: Arc<Counters>,
    active: Arc<AtomicBool>,
    enabled: bool,
}

impl Progress {
    /// Listens to the engine's events.
    pub fn install(ctx: &rdd::Context) -> Self {
        let counters = Arc::new(Counters::default());
        ctx.add_listener(Arc::new(ProgressListener(counters.clone())));
        Progress {
            counters,
            active: Arc::new(AtomicBool::new(false)),
            enabled: std::io::stderr().is_terminal(),
        }
    }

    /// A statement starts; `token` cancels it.
    pub fn begin(&mut self, token: CancelToken) {
        *RUNNING.lock().unwrap() = Some(token);
        for a in [
            &self.counters.stage,
            &self.counters.stages,
            &self.counters.tasks_total,
            &self.counters.tasks_done,
        ] {
            a.store(0, Ordering::Relaxed);
        }
        self.counters.rows.store(0, Ordering::Relaxed);
        if !self.enabled {
            return;
        }
        self.active.store(true, Ordering::SeqCst);
        let (active, c) = (self.active.clone(), self.counters.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut drawn = false;
            while active.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(200));
                if started.elapsed() < Duration::from_secs(1) || !active.load(Ordering::SeqCst) {
                    continue;
                }
                let rows = c.rows.load(Ordering::Relaxed);
                let line = format!(
                    "[Stage {} ({} so far): {}/{} tasks] {} rows read",
                    c.stage.load(Ordering::Relaxed),
                    c.stages.load(Ordering::Relaxed),
                    c.tasks_done.load(Ordering::Relaxed),
                    c.tasks_total.load(Ordering::Relaxed),
                    rows
                );
                eprint!("\r\x1b[2K{line}");
                let _ = std::io::stderr().flush();
                drawn = true;
            }
            if drawn {
                eprint!("\r\x1b[2K");
            }
        });
    }

    /// The statement ended.
    pub fn end(&mut self) {
        *RUNNING.lock().unwrap() = None;
        self.active.store(false, Ordering::SeqCst);
        if self.enabled {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
