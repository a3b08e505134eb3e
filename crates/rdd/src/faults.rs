//! Failure injection, so tests can show that the engine recovers: failed
//! task attempts, dropped cached partitions, lost shuffle outputs.

use crate::error::{RddError, Result};
use crate::rdd::{Data, Dependency, Rdd};
use crate::sample::SplitMix64;
use crate::Context;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

struct Rule {
    stage: Option<usize>,
    partition: Option<usize>,
    attempt: Option<usize>,
    remaining: usize,
}

/// Switches that make chosen task attempts fail. Off unless a test turns
/// them on; checked once per task attempt.
#[derive(Default)]
pub struct FaultInjector {
    rules: Mutex<Vec<Rule>>,
    random: Mutex<Option<(f64, u64, usize)>>,
    injected: AtomicUsize,
}

impl FaultInjector {
    /// Fails the next `times` task attempts that match: any stage, the given
    /// partition (any when `None`) and attempt number (any when `None`).
    pub fn fail_tasks(&self, partition: Option<usize>, attempt: Option<usize>, times: usize) {
        self.fail_stage_tasks(None, partition, attempt, times);
    }

    /// Like `fail_tasks`, restricted to one stage id when given.
    pub fn fail_stage_tasks(
        &self,
        stage: Option<usize>,
        partition: Option<usize>,
        attempt: Option<usize>,
        times: usize,
    ) {
        self.rules.lock().unwrap().push(Rule {
            stage,
            partition,
            attempt,
            remaining: times,
        });
    }

    /// Fails each attempt numbered below `below_attempt` with probability
    /// `fraction`, decided by `seed` and the task's identity.
    pub fn fail_random(&self, fraction: f64, seed: u64, below_attempt: usize) {
        *self.random.lock().unwrap() = Some((fraction, seed, below_attempt));
    }

    /// Turns every switch off.
    pub fn clear(&self) {
        self.rules.lock().unwrap().clear();
        *self.random.lock().unwrap() = None;
    }

    /// How many task attempts were failed on purpose so far.
    pub fn injected(&self) -> usize {
        self.injected.load(Ordering::Relaxed)
    }

    pub(crate) fn check(&self, stage: usize, partition: usize, attempt: usize) -> Result<()> {
        let mut fail = false;
        {
            let mut rules = self.rules.lock().unwrap();
            for rule in rules.iter_mut() {
                let matches = rule.remaining > 0
                    && rule.stage.is_none_or(|s| s == stage)
                    && rule.partition.is_none_or(|p| p == partition)
                    && rule.attempt.is_none_or(|a| a == attempt);
                if matches {
                    rule.remaining -= 1;
                    fail = true;
                    break;
                }
            }
        }
        if !fail {
            if let Some((fraction, seed, below)) = *self.random.lock().unwrap() {
                if attempt < below {
                    let key =
                        seed ^ ((stage as u64) << 40) ^ ((partition as u64) << 8) ^ attempt as u64;
                    fail = SplitMix64::new(key).next_f64() < fraction;
                }
            }
        }
        if fail {
            self.injected.fetch_add(1, Ordering::Relaxed);
            return Err(RddError::Task(format!(
                "injected failure (stage {stage}, partition {partition}, attempt {attempt})"
            )));
        }
        Ok(())
    }
}

impl Context {
    /// Drops one cached partition, as if its memory were lost; the next job
    /// that needs it recomputes it from lineage.
    pub fn drop_cached_partition(&self, rdd_id: usize, partition: usize) -> bool {
        self.block_store().remove((rdd_id, partition))
    }

    /// Forgets one map task's output, as if the machine holding it were
    /// lost. A reduce task that needs it reports a fetch failure and the
    /// scheduler re-runs that map task.
    pub fn lose_shuffle_output(&self, shuffle_id: usize, map_id: usize) -> bool {
        self.shuffle_manager().unregister(shuffle_id, map_id)
    }

    /// The ids of every shuffle in `rdd`'s lineage, nearest first.
    pub fn shuffle_ids<T: Data>(&self, rdd: &Rdd<T>) -> Vec<usize> {
        let mut ids = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = vec![rdd.base()];
        while let Some(r) = stack.pop() {
            if !seen.insert(r.core().id()) {
                continue;
            }
            for dep in r.dependencies() {
                match dep {
                    Dependency::Narrow(p) => stack.push(p),
                    Dependency::Shuffle(d) => {
                        ids.push(d.shuffle_id());
                        stack.push(d.parent());
                    }
                }
            }
        }
        ids
    }

    /// (shuffles registered, bytes of map output held in memory)
    pub fn shuffle_stats(&self) -> (usize, u64) {
        self.shuffle_manager().stats()
    }
}
