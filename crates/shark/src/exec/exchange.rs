//! Exchanges: moving rows between partitions through the engine's shuffle.
//! Each input batch is split by a per-row partition id; slices bound for
//! one partition are gathered into batches of about `BATCH_ROWS` rows.

use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::expr::{evaluate, Expr};
use crate::table::BATCH_ROWS;
use arrow::array::{ArrayRef, UInt32Array};
use arrow::compute::{concat_batches, take_record_batch};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, SortField};
use rdd::partitioner::{unique_partitioner_id, Partitioner, PartitionerId};
use rdd::{Rdd, TaskContext};
use std::sync::Arc;

/// Sends key `k` to partition `k` (partition ids are computed per row).
pub(crate) struct DirectPartitioner {
    partitions: usize,
    id: PartitionerId,
    prepare: Option<Box<dyn Fn() -> rdd::Result<()> + Send + Sync>>,
}

impl DirectPartitioner {
    pub fn new(partitions: usize) -> Self {
        DirectPartitioner {
            partitions: partitions.max(1),
            id: unique_partitioner_id(),
            prepare: None,
        }
    }

    /// With a hook run on the driver before the map side starts (range
    /// exchanges sample their bounds there).
    pub fn with_prepare(
        partitions: usize,
        prepare: Box<dyn Fn() -> rdd::Result<()> + Send + Sync>,
    ) -> Self {
        DirectPartitioner {
            partitions: partitions.max(1),
            id: unique_partitioner_id(),
            prepare: Some(prepare),
        }
    }
}

impl Partitioner<u64> for DirectPartitioner {
    fn num_partitions(&self) -> usize {
        self.partitions
    }
    fn partition_of(&self, key: &u64) -> usize {
        *key as usize
    }
    fn id(&self) -> PartitionerId {
        self.id.clone()
    }
    fn prepare(&self) -> rdd::Result<()> {
        match &self.prepare {
            Some(p) => p(),
            None => Ok(()),
        }
    }
}

/// Per-row partition ids for one batch.
pub(crate) type PartitionFn = Arc<dyn Fn(&RecordBatch) -> Result<Vec<u32>> + Send + Sync>;

/// Shuffles `input` into `n` partitions by `partition_of`.
pub(crate) fn exchange(
    input: &Rdd<Batch>,
    n: usize,
    partition_of: PartitionFn,
    partitioner: DirectPartitioner,
) -> Rdd<Batch> {
    tagged(input, n, partition_of)
        .shuffle_sized(Arc::new(partitioner), batch_size())
        .rdd()
        .values()
}

/// Memory of one shuffled batch: exchanges inside this process hand
/// batches over as they are while they fit the shuffle memory.
fn batch_size() -> rdd::shuffle::dependency::RecordSize<u64, Batch> {
    Arc::new(|(_, Batch(b)): &(u64, Batch)| b.get_array_memory_size())
}

/// A hash exchange as a shuffle handle: adaptive execution runs its map
/// side alone, measures it, and chooses how to read it.
pub(crate) fn hash_shuffle(
    input: &Rdd<Batch>,
    keys: Vec<Expr>,
    n: usize,
) -> rdd::Shuffle<u64, Batch> {
    let tagged = tagged(input, n, hash_partition_fn(keys, n));
    tagged.shuffle_sized(Arc::new(DirectPartitioner::new(n)), batch_size())
}

/// Shuffles rows so equal `keys` land in one of `n` partitions.
pub(crate) fn hash_exchange(input: &Rdd<Batch>, keys: Vec<Expr>, n: usize) -> Rdd<Batch> {
    if keys.is_empty() {
        return single_partition(input);
    }
    exchange(
        input,
        n,
        hash_partition_fn(keys, n),
        DirectPartitioner::new(n),
    )
}

/// Partition ids by the hash of `keys`: the same in every process, so map
/// tasks on different executors route equal keys alike.
pub(crate) fn hash_partition_fn(keys: Vec<Expr>, n: usize) -> PartitionFn {
    Arc::new(move |batch: &RecordBatch| {
        let rows = key_rows(&keys, batch)?;
        Ok((0..rows.num_rows())
            .map(|i| (rdd::hash::hash_key(rows.row(i).as_ref()) % n as u64) as u32)
            .collect())
    })
}

/// Every row to partition 0.
pub(crate) fn single_partition_fn() -> PartitionFn {
    Arc::new(|b: &RecordBatch| Ok(vec![0; b.num_rows()]))
}

/// `input`'s rows as `(partition id, batch)` records, gathered into
/// batches of about `BATCH_ROWS` rows per partition.
pub(crate) fn tagged(input: &Rdd<Batch>, n: usize, partition_of: PartitionFn) -> Rdd<(u64, Batch)> {
    input.map_partitions_with_context(false, move |_, tc, it| {
        Box::new(Splitter::new(it, n, partition_of.clone(), tc.clone()))
    })
}

/// Gathers every row into one partition.
pub(crate) fn single_partition(input: &Rdd<Batch>) -> Rdd<Batch> {
    if input.num_partitions() == 1 {
        return input.clone();
    }
    exchange(input, 1, single_partition_fn(), DirectPartitioner::new(1))
}

/// Row-format keys of `exprs` over `batch` (comparable and hashable bytes).
pub(crate) fn key_rows(exprs: &[Expr], batch: &RecordBatch) -> Result<arrow_row::Rows> {
    let cols: Vec<ArrayRef> = exprs
        .iter()
        .map(|e| evaluate(e, batch))
        .collect::<Result<_>>()?;
    let fields: Vec<SortField> = cols
        .iter()
        .map(|c| SortField::new(c.data_type().clone()))
        .collect();
    let converter = RowConverter::new(fields)?;
    Ok(converter.convert_columns(&cols)?)
}

/// Splits batches by partition id and emits `(partition, batch)` records.
struct Splitter {
    input: rdd::BoxIter<Batch>,
    buffers: Vec<Vec<RecordBatch>>,
    rows: Vec<usize>,
    ready: std::collections::VecDeque<(u64, Batch)>,
    partition_of: PartitionFn,
    tc: Arc<TaskContext>,
    done: bool,
    schema: Option<SchemaRef>,
}

impl Splitter {
    fn new(
        input: rdd::BoxIter<Batch>,
        n: usize,
        partition_of: PartitionFn,
        tc: Arc<TaskContext>,
    ) -> Self {
        Splitter {
            input,
            buffers: (0..n).map(|_| Vec::new()).collect(),
            rows: vec![0; n],
            ready: Default::default(),
            partition_of,
            tc,
            done: false,
            schema: None,
        }
    }

    fn flush(&mut self, p: usize) -> Result<()> {
        if self.buffers[p].is_empty() {
            return Ok(());
        }
        let schema = self
            .schema
            .clone()
            .expect("schema set with the first batch");
        let parts = std::mem::take(&mut self.buffers[p]);
        let batch = concat_batches(&schema, &parts)?;
        self.rows[p] = 0;
        self.ready.push_back((p as u64, Batch(batch)));
        Ok(())
    }

    fn split(&mut self, batch: RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        if self.schema.is_none() {
            self.schema = Some(batch.schema());
        }
        let batch = match &self.schema {
            Some(s) if s.fields() != batch.schema().fields() => {
                RecordBatch::try_new(s.clone(), batch.columns().to_vec())?
            }
            _ => batch,
        };
        let pids = (self.partition_of)(&batch)?;
        let n = self.buffers.len();
        if n == 1 || pids.iter().all(|&p| p == pids[0]) {
            let p = pids.first().copied().unwrap_or(0) as usize;
            self.rows[p] += batch.num_rows();
            self.buffers[p].push(batch);
            if self.rows[p] >= BATCH_ROWS {
                self.flush(p)?;
            }
            return Ok(());
        }
        let mut indices: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (row, &p) in pids.iter().enumerate() {
            indices[p as usize].push(row as u32);
        }
        for (p, idx) in indices.into_iter().enumerate() {
            if idx.is_empty() {
                continue;
            }
            let part = take_record_batch(&batch, &UInt32Array::from(idx))?;
            self.rows[p] += part.num_rows();
            self.buffers[p].push(part);
            if self.rows[p] >= BATCH_ROWS {
                self.flush(p)?;
            }
        }
        Ok(())
    }
}

impl Iterator for Splitter {
    type Item = (u64, Batch);
    fn next(&mut self) -> Option<(u64, Batch)> {
        loop {
            if let Some(r) = self.ready.pop_front() {
                return Some(r);
            }
            if self.done {
                return None;
            }
            if self.tc.is_cancelled() {
                self.tc.fail(rdd::RddError::Cancelled);
                return None;
            }
            match self.input.next() {
                Some(Batch(b)) => {
                    if let Err(e) = self.split(b) {
                        self.tc.fail(e.into());
                        self.done = true;
                    }
                }
                None => {
                    self.done = true;
                    for p in 0..self.buffers.len() {
                        if let Err(e) = self.flush(p) {
                            self.tc.fail(e.into());
                            break;
                        }
                    }
                }
            }
        }
    }
}

/// Turns an error inside a partition iterator into a task failure.
pub(crate) fn fail(tc: &Arc<TaskContext>, e: SharkError) -> rdd::BoxIter<Batch> {
    tc.fail(e.into());
    Box::new(std::iter::empty())
}
