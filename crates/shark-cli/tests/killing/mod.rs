//! What the kill tests share: running a command and killing it (SIGKILL)
//! after a delay, and the replayable seed of their random delays.

#![allow(dead_code)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `cmd` and kills it after `delay` (if still running); how long
/// it had run.
pub fn kill_after(mut cmd: Command, delay: Duration) -> Duration {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while started.elapsed() < delay {
        if child.try_wait().unwrap().is_some() {
            return started.elapsed();
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
    started.elapsed()
}

/// `SHARK_KILL_SEED`, else one from the clock (printed by the tests so a
/// failure can be replayed).
pub fn seed() -> u64 {
    std::env::var("SHARK_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}
