//! The iterator that counts what one plan node produces in one task:
//! rows, batches and time per batch pulled (inputs in the same task
//! included), and at the end the task's spill and peak memory while it ran.

use crate::batch::Batch;
use crate::physical::metrics::NodeMetrics;
use rdd::{BoxIter, TaskContext};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

pub(crate) struct Metered {
    input: BoxIter<Batch>,
    node: Arc<NodeMetrics>,
    tc: Arc<TaskContext>,
    spilled_at_start: u64,
    finished: bool,
}

impl Metered {
    pub fn new(input: BoxIter<Batch>, node: Arc<NodeMetrics>, tc: Arc<TaskContext>) -> Metered {
        let spilled_at_start = tc.metrics.disk_bytes_spilled.load(Ordering::Relaxed);
        Metered {
            input,
            node,
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
        if self.tc.is_auxiliary() {
            return;
        }
        let m = &self.tc.metrics;
        let spilled = m
            .disk_bytes_spilled
            .load(Ordering::Relaxed)
            .saturating_sub(self.spilled_at_start);
        self.node
            .spilled_bytes
            .fetch_add(spilled, Ordering::Relaxed);
        self.node.peak_memory.fetch_max(
            m.peak_execution_memory.load(Ordering::Relaxed),
            Ordering::Relaxed,
        );
        self.node.tasks.fetch_add(1, Ordering::Relaxed);
    }
}

impl Iterator for Metered {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        let started = Instant::now();
        let next = self.input.next();
        if self.tc.is_auxiliary() {
            return next;
        }
        self.node
            .time_ns
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        match &next {
            Some(Batch(b)) => {
                self.node.batches.fetch_add(1, Ordering::Relaxed);
                self.node
                    .rows
                    .fetch_add(b.num_rows() as u64, Ordering::Relaxed);
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
