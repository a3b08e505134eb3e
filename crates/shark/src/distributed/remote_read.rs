//! The reduce side across processes: one partition of an exchange, read
//! from every map task's executor over Flight. A block that cannot be
//! fetched fails the task with `FetchFailed` naming the map task, so the
//! driver's scheduler runs that map task again (Spark's path).

use super::task::{BlockId, ExchangeInput};
use crate::batch::Batch;
use crate::exec::RemoteInputs;
use rdd::rdd::{Dependency, RddBase, RddCore, RddImpl};
use rdd::{BoxIter, Rdd, RddError, TaskContext};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// How long a fetch may wait for a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The inputs of one task: exchange id → where its map outputs are.
pub(crate) struct TaskInputs(pub HashMap<usize, ExchangeInput>);

impl RemoteInputs for TaskInputs {
    fn read(
        &self,
        ctx: &rdd::Context,
        exchange: usize,
        partitions: usize,
    ) -> crate::error::Result<Rdd<Batch>> {
        let input = self.0.get(&exchange).cloned().ok_or_else(|| {
            crate::error::SharkError::exec(format!(
                "the task was not told where exchange #{exchange}'s output is"
            ))
        })?;
        Ok(Rdd::from_impl(Arc::new(RemoteExchangeRdd {
            core: RddCore::new(ctx, "remoteExchange"),
            input,
            partitions,
        })))
    }
}

/// An exchange's output held by other processes.
struct RemoteExchangeRdd {
    core: RddCore,
    input: ExchangeInput,
    partitions: usize,
}

impl RddBase for RemoteExchangeRdd {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.partitions
    }
    fn dependencies(&self) -> Vec<Dependency> {
        // Its map stage ran on the driver's schedule, not this process's.
        Vec::new()
    }
}

impl RddImpl<Batch> for RemoteExchangeRdd {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> rdd::Result<BoxIter<Batch>> {
        Ok(Box::new(RemoteReader {
            input: self.input.clone(),
            reduce: split,
            map: 0,
            current: None,
            tc: tc.clone(),
        }))
    }
}

struct RemoteReader {
    input: ExchangeInput,
    reduce: usize,
    map: usize,
    current: Option<cluster::RemoteBatches>,
    tc: Arc<TaskContext>,
}

impl Iterator for RemoteReader {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        loop {
            if self.tc.is_cancelled() {
                return None;
            }
            if let Some(batches) = &mut self.current {
                // Waits in short steps, so a cancelled task stops waiting.
                let fetched = match batches.next_within(Duration::from_millis(200)) {
                    cluster::Fetched::Pending => continue,
                    cluster::Fetched::Batch(b) => Some(b),
                    cluster::Fetched::End => None,
                };
                match fetched {
                    Some(Ok(b)) => {
                        rdd::listener::TaskMetrics::add(
                            &self.tc.metrics.shuffle_read_records,
                            b.num_rows() as u64,
                        );
                        return Some(Batch(b));
                    }
                    Some(Err(e)) => {
                        tracing_fetch_failure(&self.input, self.map, &e);
                        self.tc.fail(RddError::FetchFailed {
                            shuffle_id: self.input.shuffle,
                            map_id: self.map,
                        });
                        return None;
                    }
                    None => {
                        self.current = None;
                        self.map += 1;
                    }
                }
            }
            let location = self.input.maps.get(self.map)?;
            let ticket = postcard::to_stdvec(&BlockId {
                shuffle: self.input.shuffle,
                map: self.map,
                reduce: self.reduce,
            })
            .ok()?;
            self.current = Some(cluster::fetch_batches(
                &location.address,
                ticket,
                CONNECT_TIMEOUT,
            ));
        }
    }
}

fn tracing_fetch_failure(input: &ExchangeInput, map: usize, e: &RddError) {
    let at = input.maps.get(map).map_or("?", |m| m.executor.as_str());
    eprintln!(
        "fetch failed: shuffle {} map {map} on executor {at}: {e}",
        input.shuffle
    );
}
