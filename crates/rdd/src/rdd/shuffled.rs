//! The RDD on the reduce side of a shuffle: partition `r` holds every record
//! whose key the partitioner sends to `r`. Read through a `Shuffle` handle
//! with read specs, a partition may instead hold a run of adjacent reduce
//! partitions (coalesced) or one reduce partition's records from a slice of
//! the map tasks (a skewed partition split) — Spark's adaptive readers.

use crate::codec::Spill;
use crate::context::Context;
use crate::error::Result;
use crate::partitioner::{Partitioner, PartitionerSlot};
use crate::rdd::{BoxIter, Dependency, Rdd, RddBase, RddCore, RddImpl};
use crate::scheduler::task::TaskContext;
use crate::shuffle::dependency::{RecordSize, ShuffleDep, ShuffleDependency};
use crate::shuffle::reader::ShuffleReader;
use std::ops::Range;
use std::sync::Arc;

pub(crate) struct ShuffledRdd<K, V> {
    core: RddCore,
    dep: Arc<ShuffleDependency<K, V>>,
    /// `None`: one partition per reduce partition.
    specs: Option<Arc<Vec<ReadSpec>>>,
}

/// What one partition of a re-shaped shuffle read holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadSpec {
    /// These reduce partitions, in order.
    pub reducers: Range<usize>,
    /// From these map tasks only (`None`: all of them).
    pub maps: Option<Range<usize>>,
}

impl ReadSpec {
    /// Reduce partitions `reducers`, from every map task.
    pub fn coalesced(reducers: Range<usize>) -> ReadSpec {
        ReadSpec {
            reducers,
            maps: None,
        }
    }
}

/// What a finished map stage wrote, for planning what reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapStageStatistics {
    /// Bytes (as shuffled, compressed) per map task and reduce partition.
    pub bytes: Vec<Vec<u64>>,
}

impl MapStageStatistics {
    /// Bytes bound for each reduce partition.
    pub fn bytes_by_partition(&self) -> Vec<u64> {
        let n = self.bytes.first().map_or(0, |m| m.len());
        (0..n)
            .map(|r| self.bytes.iter().map(|m| m[r]).sum())
            .collect()
    }

    /// Every byte the stage wrote.
    pub fn total_bytes(&self) -> u64 {
        self.bytes.iter().flatten().sum()
    }
}

/// A shuffle the driver can run on its own (`run_map_stage`) and then read
/// in other shapes (`read`), or read as usual (`rdd`).
pub struct Shuffle<K, V> {
    rdd: Rdd<(K, V)>,
    dep: Arc<ShuffleDependency<K, V>>,
}

impl<K, V> Clone for Shuffle<K, V> {
    fn clone(&self) -> Self {
        Shuffle {
            rdd: self.rdd.clone(),
            dep: self.dep.clone(),
        }
    }
}

impl<K: Spill, V: Spill> Shuffle<K, V> {
    /// The shuffled pairs, one partition per reduce partition.
    pub fn rdd(&self) -> Rdd<(K, V)> {
        self.rdd.clone()
    }

    /// Runs the map side now and reports what it wrote. Outputs already
    /// written (by an earlier job) are not recomputed.
    pub fn run_map_stage(&self) -> Result<MapStageStatistics> {
        let ctx = self.rdd.context().clone();
        let dep: Arc<dyn ShuffleDep> = self.dep.clone();
        crate::scheduler::dag::run_map_stage(&ctx, dep)?;
        self.statistics(&ctx)
    }

    fn statistics(&self, ctx: &Context) -> Result<MapStageStatistics> {
        let num_maps = self.dep.parent.num_partitions();
        let outputs = ctx
            .shuffle_manager()
            .outputs(self.dep.shuffle_id(), num_maps)?;
        Ok(MapStageStatistics {
            bytes: outputs.iter().map(|o| o.sizes.clone()).collect(),
        })
    }

    /// The same shuffle read as `specs` describe, one partition per spec.
    /// The result has no partitioner (its partitions no longer match one).
    pub fn read(&self, specs: Vec<ReadSpec>) -> Rdd<(K, V)> {
        let core = RddCore::new(self.rdd.context(), "shuffle_read");
        Rdd::from_impl(Arc::new(ShuffledRdd {
            core,
            dep: self.dep.clone(),
            specs: Some(Arc::new(specs)),
        }))
    }
}

impl<K: Spill, V: Spill> ShuffledRdd<K, V> {
    pub fn create(
        parent: Rdd<(K, V)>,
        partitioner: Arc<dyn Partitioner<K>>,
        op: &'static str,
    ) -> Rdd<(K, V)> {
        Self::handle(parent, partitioner, op, None).rdd
    }

    pub fn handle(
        parent: Rdd<(K, V)>,
        partitioner: Arc<dyn Partitioner<K>>,
        op: &'static str,
        record_size: Option<RecordSize<K, V>>,
    ) -> Shuffle<K, V> {
        let core = RddCore::new(parent.context(), op)
            .with_partitioner(Some(PartitionerSlot::new(partitioner.clone())));
        let mut dep = ShuffleDependency::new(parent, partitioner);
        if let Some(size) = record_size {
            dep = dep.with_record_size(size);
        }
        let dep = Arc::new(dep);
        let rdd = Rdd::from_impl(Arc::new(ShuffledRdd {
            core,
            dep: dep.clone(),
            specs: None,
        }));
        Shuffle { rdd, dep }
    }
}

impl<K: Spill, V: Spill> RddBase for ShuffledRdd<K, V> {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        match &self.specs {
            Some(s) => s.len(),
            None => self.dep.num_reduce_partitions(),
        }
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![Dependency::Shuffle(self.dep.clone())]
    }
}

impl<K: Spill, V: Spill> RddImpl<(K, V)> for ShuffledRdd<K, V> {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<(K, V)>> {
        let manager = tc.ctx.shuffle_manager();
        let num_maps = self.dep.parent.num_partitions();
        let outputs = manager.outputs(self.dep.shuffle_id(), num_maps)?;
        let shuffle_id = self.dep.shuffle_id();
        let Some(specs) = &self.specs else {
            return Ok(Box::new(ShuffleReader::new(
                shuffle_id,
                outputs,
                split,
                tc.clone(),
            )));
        };
        let spec = specs[split].clone();
        let tc = tc.clone();
        Ok(Box::new(spec.reducers.clone().flat_map(move |r| {
            let reader = ShuffleReader::new(shuffle_id, outputs.clone(), r, tc.clone());
            match &spec.maps {
                Some(m) => reader.with_maps(m.clone()),
                None => reader,
            }
        })))
    }
}
