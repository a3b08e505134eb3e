//! A shuffle dependency and its map side: partition every record of the
//! parent by key and write it to that reducer's block.

use crate::codec::{ChunkWriter, Spill};
use crate::error::{RddError, Result};
use crate::listener::TaskMetrics;
use crate::partitioner::Partitioner;
use crate::rdd::{Rdd, RddBase};
use crate::scheduler::task::TaskContext;
use crate::shuffle::manager::{MapOutput, Segment};
use std::io::Write;
use std::sync::Arc;

/// The scheduler's view of a shuffle: which RDD feeds it, how many reduce
/// partitions it has, and how to run one map task.
pub trait ShuffleDep: Send + Sync {
    /// Unique within the context.
    fn shuffle_id(&self) -> usize;
    /// The RDD whose partitions the map tasks read.
    fn parent(&self) -> Arc<dyn RddBase>;
    /// Number of reduce partitions.
    fn num_reduce_partitions(&self) -> usize;
    /// Runs on the driver before map tasks are launched.
    fn prepare(&self) -> Result<()>;
    /// Computes one parent partition and buckets it for the reducers.
    fn run_map_task(&self, map_id: usize, tc: &Arc<TaskContext>) -> Result<MapOutput>;
}

/// A shuffle of key-value records by a partitioner.
pub struct ShuffleDependency<K, V> {
    id: usize,
    ctx: crate::Context,
    pub(crate) parent: Rdd<(K, V)>,
    pub(crate) partitioner: Arc<dyn Partitioner<K>>,
    /// Bytes a record holds in memory, when the caller can tell: then map
    /// outputs that fit the shuffle memory stay as records (no encoding,
    /// no compression) for the reduce tasks of this process.
    pub(crate) record_size: Option<RecordSize<K, V>>,
}

/// How many bytes of memory one shuffled record holds.
pub type RecordSize<K, V> = Arc<dyn Fn(&(K, V)) -> usize + Send + Sync>;

impl<K: Spill, V: Spill> ShuffleDependency<K, V> {
    /// A new shuffle of `parent` by `partitioner`.
    pub fn new(parent: Rdd<(K, V)>, partitioner: Arc<dyn Partitioner<K>>) -> Self {
        ShuffleDependency {
            id: parent.context().new_shuffle_id(),
            ctx: parent.context().clone(),
            parent,
            partitioner,
            record_size: None,
        }
    }

    /// The same shuffle, keeping records in memory as records when their
    /// sizes (`record_size`) fit the shuffle memory.
    pub fn with_record_size(mut self, record_size: RecordSize<K, V>) -> Self {
        self.record_size = Some(record_size);
        self
    }
}

impl<K, V> Drop for ShuffleDependency<K, V> {
    fn drop(&mut self) {
        // Nothing can read this shuffle any more: free its blocks and files.
        self.ctx.shuffle_manager().remove_shuffle(self.id);
    }
}

impl<K: Spill, V: Spill> ShuffleDep for ShuffleDependency<K, V> {
    fn shuffle_id(&self) -> usize {
        self.id
    }

    fn parent(&self) -> Arc<dyn RddBase> {
        self.parent.base()
    }

    fn num_reduce_partitions(&self) -> usize {
        self.partitioner.num_partitions()
    }

    fn prepare(&self) -> Result<()> {
        self.partitioner.prepare()
    }

    fn run_map_task(&self, map_id: usize, tc: &Arc<TaskContext>) -> Result<MapOutput> {
        let manager = tc.ctx.shuffle_manager();
        let reducers = self.partitioner.num_partitions();
        // The writer's share of the task's budget: what the operators
        // feeding it hold counts against it.
        let mut memory = tc.memory_holder();
        let mut writers: Vec<ChunkWriter> = (0..reducers).map(|_| ChunkWriter::new()).collect();
        let mut segments: Vec<Vec<Segment>> = (0..reducers).map(|_| Vec::new()).collect();
        let mut sizes = vec![0u64; reducers];
        let path = manager.data_file(self.id, map_id, tc.attempt);
        let mut file: Option<std::fs::File> = None;
        let mut file_len = 0u64;
        let mut buffered = 0usize;
        let mut records = 0u64;

        // Appends every writer's sealed bytes to the task's data file.
        let mut flush = |writers: &mut Vec<ChunkWriter>,
                         segments: &mut Vec<Vec<Segment>>,
                         file: &mut Option<std::fs::File>,
                         last: bool|
         -> Result<u64> {
            if file.is_none() {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| RddError::io(dir, e))?;
                }
                *file = Some(std::fs::File::create(&path).map_err(|e| RddError::io(&path, e))?);
            }
            let f = file.as_mut().unwrap();
            let mut written = 0;
            for (r, w) in writers.iter_mut().enumerate() {
                let bytes = if last {
                    std::mem::take(w).finish()
                } else {
                    w.take_sealed()
                };
                if bytes.is_empty() {
                    continue;
                }
                f.write_all(&bytes).map_err(|e| RddError::io(&path, e))?;
                segments[r].push(Segment::File {
                    offset: file_len,
                    len: bytes.len() as u64,
                });
                file_len += bytes.len() as u64;
                written += bytes.len() as u64;
            }
            Ok(written)
        };

        // Records kept as they are while their memory stays within the
        // task's budget (only when their sizes are known).
        let mut objects: Option<Vec<Vec<(K, V)>>> = self
            .record_size
            .as_ref()
            .map(|_| (0..reducers).map(|_| Vec::new()).collect());
        let mut object_bytes = vec![0u64; reducers];
        for (k, v) in self.parent.iterator(map_id, tc)? {
            if records.is_multiple_of(1024) && tc.is_cancelled() {
                return Err(RddError::Cancelled);
            }
            let r = self.partitioner.partition_of(&k);
            if let (Some(held), Some(size)) = (&mut objects, &self.record_size) {
                let record = (k, v);
                object_bytes[r] += size(&record) as u64;
                held[r].push(record);
                records += 1;
                let total = object_bytes.iter().sum::<u64>() as usize;
                memory.set(total);
                if total > memory.budget() / 2 {
                    // Encoding copies what is held: only half the share.
                    // Past the budget: encode what is held, go on encoding.
                    for (r, list) in objects.take().unwrap().into_iter().enumerate() {
                        for rec in list {
                            writers[r].push(&rec)?;
                        }
                    }
                    buffered = writers.iter().map(|w| w.buffered_bytes()).sum();
                    memory.set(buffered);
                }
                continue;
            }
            let w = &mut writers[r];
            let before = w.buffered_bytes();
            w.push(&(k, v))?;
            buffered = buffered + w.buffered_bytes() - before;
            records += 1;
            if records.is_multiple_of(256) {
                memory.set(buffered);
            }
            if buffered > memory.budget() {
                let n = flush(&mut writers, &mut segments, &mut file, false)?;
                TaskMetrics::add(&tc.metrics.disk_bytes_spilled, n);
                TaskMetrics::add(&tc.metrics.memory_bytes_spilled, buffered as u64);
                buffered = 0;
                memory.set(0);
            }
        }
        if let Some(e) = tc.take_error() {
            return Err(e);
        }
        if let Some(held) = objects {
            let total: u64 = object_bytes.iter().sum();
            if manager.try_reserve(total) {
                let segments: Vec<Vec<Segment>> = held
                    .into_iter()
                    .map(|list| {
                        if list.is_empty() {
                            vec![]
                        } else {
                            vec![Segment::Objects(Arc::new(list))]
                        }
                    })
                    .collect();
                TaskMetrics::add(&tc.metrics.shuffle_write_records, records);
                TaskMetrics::add(&tc.metrics.shuffle_write_bytes, total);
                return Ok(MapOutput {
                    segments,
                    file: None,
                    reserved: total,
                    pool: manager.memory_used.clone(),
                    sizes: object_bytes,
                    location: None,
                });
            }
            // No room among the shuffle's memory: encode as usual.
            for (r, list) in held.into_iter().enumerate() {
                for rec in list {
                    writers[r].push(&rec)?;
                }
            }
        }
        let remaining: u64 = writers.iter().map(|w| w.buffered_bytes() as u64).sum();
        let mut reserved = 0;
        if file.is_none() && manager.try_reserve(remaining) {
            reserved = remaining;
            for (r, w) in writers.into_iter().enumerate() {
                let bytes = w.finish();
                if !bytes.is_empty() {
                    segments[r].push(Segment::Memory(Arc::new(bytes)));
                }
            }
            // Sealing can change the size slightly; keep the reservation exact.
            let actual: u64 = segments
                .iter()
                .flatten()
                .map(|s| match s {
                    Segment::Memory(b) => b.len() as u64,
                    Segment::File { .. } | Segment::Objects(_) => 0,
                })
                .sum();
            if actual != reserved {
                let pool = &manager.memory_used;
                if actual > reserved {
                    pool.fetch_add(actual - reserved, std::sync::atomic::Ordering::Relaxed);
                } else {
                    pool.fetch_sub(reserved - actual, std::sync::atomic::Ordering::Relaxed);
                }
                reserved = actual;
            }
        } else {
            flush(&mut writers, &mut segments, &mut file, true)?;
        }
        for (r, segs) in segments.iter().enumerate() {
            sizes[r] = segs
                .iter()
                .map(|s| match s {
                    Segment::Memory(b) => b.len() as u64,
                    Segment::File { len, .. } => *len,
                    Segment::Objects(_) => 0,
                })
                .sum();
        }
        TaskMetrics::add(&tc.metrics.shuffle_write_records, records);
        TaskMetrics::add(&tc.metrics.shuffle_write_bytes, sizes.iter().sum());
        Ok(MapOutput {
            segments,
            file: file.map(|_| path.clone()),
            reserved,
            pool: manager.memory_used.clone(),
            sizes,
            location: None,
        })
    }
}
