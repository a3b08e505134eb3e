//! The iterator that counts what one plan node produces in one task:
//! rows, batches and time per batch pulled (inputs in the same task
//! included), and at the end the task's spill and peak memory while it ran.
//! The counts go out once, when the task is done with the node, as an
//! `OperatorMetricsUpdate` on the engine's listener bus.

use crate::batch::Batch;
use crate::physical::metrics::{NodeSnapshot, OperatorMetricsUpdate};
use rdd::{BoxIter, TaskContext};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

pub(crate) struct Metered {
    input: BoxIter<Batch>,
    query: u64,
    node: usize,
    counts: NodeSnapshot,
    tc: Arc<TaskContext>,
    spilled_at_start: u64,
    finished: bool,
}

impl Metered {
    pub fn new(input: BoxIter<Batch>, query: u64, node: usize, tc: Arc<TaskContext>) -> Metered {
        let spilled_at_start = tc.metrics.disk_bytes_spilled.load(Ordering::Relaxed);
        Metered {
            input,
            query,
            node,
            counts: NodeSnapshot::default(),
            tc,
            spilled_at_start,
            finished: false,
        }
    }

    fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        // Sampling jobs read inputs a second time: not the query's rows.
        if self.tc.is_auxiliary() {
            return;
        }
        let m = &self.tc.metrics;
        self.counts.spilled_bytes = m
            .disk_bytes_spilled
            .load(Ordering::Relaxed)
            .saturating_sub(self.spilled_at_start);
        self.counts.peak_memory = m.peak_execution_memory.load(Ordering::Relaxed);
        self.counts.tasks = 1;
        let update = OperatorMetricsUpdate {
            query: self.query,
            node: self.node,
            delta: self.counts,
        };
        self.tc.context().post(rdd::Event::Custom(Arc::new(update)));
    }
}

impl Iterator for Metered {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        let started = Instant::now();
        let next = self.input.next();
        self.counts.time_ns += started.elapsed().as_nanos() as u64;
        match &next {
            Some(Batch(b)) => {
                self.counts.batches += 1;
                self.counts.rows += b.num_rows() as u64;
            }
            None => self.finish(),
        }
        next
    }
}

impl Drop for Metered {
    fn drop(&mut self) {
        self.finish();
    }
}
