//! A hash aggregation that spills: Spark's ExternalAppendOnlyMap. Records are
//! combined into an in-memory map; when the map's estimated size passes the
//! task's budget it is written to a spill file sorted by key hash, and at the
//! end the spills and the last map are merged by hash, combining equal keys.

use crate::codec::{estimate_size, Spill};
use crate::error::Result;
use crate::hash::{hash_key, TaskHashMap};
use crate::listener::TaskMetrics;
use crate::scheduler::task::TaskContext;
use crate::shuffle::spill_file::SpillFile;
use std::collections::{BinaryHeap, VecDeque};
use std::hash::Hash;
use std::sync::Arc;

/// How the map's memory grows, so its size can be tracked in O(1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Growth {
    /// Combiners have a fixed size (sums, counts): memory grows with keys.
    PerKey,
    /// Combiners collect values (group_by_key, cogroup): memory grows with records.
    PerValue,
}

pub(crate) type MergeFn<C> = Arc<dyn Fn(C, C) -> C + Send + Sync>;

pub(crate) struct ExternalMap<K, C> {
    map: TaskHashMap<K, Option<C>>,
    merge_combiners: MergeFn<C>,
    growth: Growth,
    avg_record: usize,
    inserts: u64,
    inserts_since_spill: u64,
    budget: usize,
    spills: Vec<SpillFile>,
    tc: Arc<TaskContext>,
    scratch: Vec<u8>,
}

const ENTRY_OVERHEAD: usize = 48;

impl<K: Spill + Hash + Eq, C: Spill> ExternalMap<K, C> {
    pub fn new(tc: &Arc<TaskContext>, merge_combiners: MergeFn<C>, growth: Growth) -> Self {
        ExternalMap {
            map: TaskHashMap::default(),
            merge_combiners,
            growth,
            avg_record: 0,
            inserts: 0,
            inserts_since_spill: 0,
            budget: tc.execution_budget(),
            spills: Vec::new(),
            tc: tc.clone(),
            scratch: Vec::new(),
        }
    }

    /// Adds one record, creating or merging its key's combiner.
    pub fn insert<V: serde::Serialize>(
        &mut self,
        key: K,
        value: V,
        create: &dyn Fn(V) -> C,
        merge: &dyn Fn(C, V) -> C,
    ) -> Result<()> {
        if self.inserts.is_multiple_of(64) {
            let sample = estimate_size(&(&key, &value), &mut self.scratch);
            self.avg_record = if self.inserts == 0 {
                sample
            } else {
                (self.avg_record * 7 + sample) / 8
            };
        }
        self.inserts += 1;
        self.inserts_since_spill += 1;
        let slot = self.map.entry(key).or_insert(None);
        *slot = Some(match slot.take() {
            None => create(value),
            Some(c) => merge(c, value),
        });
        if self.inserts.is_multiple_of(256) {
            let bytes = self.estimated_bytes();
            self.tc.metrics.note_memory(bytes as u64);
            if bytes > self.budget {
                self.spill()?;
            }
        }
        Ok(())
    }

    fn estimated_bytes(&self) -> usize {
        match self.growth {
            Growth::PerKey => self.map.len() * (self.avg_record + ENTRY_OVERHEAD),
            Growth::PerValue => {
                self.map.len() * ENTRY_OVERHEAD
                    + self.inserts_since_spill as usize * self.avg_record
            }
        }
    }

    fn spill(&mut self) -> Result<()> {
        let estimated = self.estimated_bytes();
        let mut entries: Vec<(u64, K, C)> = self
            .map
            .drain()
            .map(|(k, c)| (hash_key(&k), k, c.expect("combiner present")))
            .collect();
        entries.sort_unstable_by_key(|e| e.0);
        let path = self.tc.ctx.scratch_file("spill");
        let spill = SpillFile::write(path, entries.into_iter())?;
        TaskMetrics::add(&self.tc.metrics.disk_bytes_spilled, spill.bytes);
        TaskMetrics::add(&self.tc.metrics.memory_bytes_spilled, estimated as u64);
        self.spills.push(spill);
        self.inserts_since_spill = 0;
        self.map.shrink_to_fit();
        Ok(())
    }

    /// The combined records; merges spill files if there are any.
    pub fn into_iter(self) -> Result<crate::rdd::BoxIter<(K, C)>> {
        if self.spills.is_empty() {
            return Ok(Box::new(
                self.map
                    .into_iter()
                    .map(|(k, c)| (k, c.expect("combiner present"))),
            ));
        }
        let mut memory: Vec<(u64, K, C)> = self
            .map
            .into_iter()
            .map(|(k, c)| (hash_key(&k), k, c.expect("combiner present")))
            .collect();
        memory.sort_unstable_by_key(|e| e.0);
        let mut sources: Vec<Box<dyn Iterator<Item = (u64, K, C)> + Send>> =
            vec![Box::new(memory.into_iter())];
        for spill in self.spills {
            let mut reader = spill.reader::<(u64, K, C)>()?;
            let tc = self.tc.clone();
            // The iterator owns the spill file, which is deleted once read.
            sources.push(Box::new(std::iter::from_fn(move || {
                let _keep = &spill;
                match reader.next_record() {
                    Ok(r) => r,
                    Err(e) => {
                        tc.fail(e);
                        None
                    }
                }
            })));
        }
        Ok(Box::new(HashMerge::new(sources, self.merge_combiners)))
    }
}

/// Merges streams sorted by key hash, combining records with equal keys.
struct HashMerge<K, C> {
    sources: Vec<Box<dyn Iterator<Item = (u64, K, C)> + Send>>,
    heads: Vec<Option<(u64, K, C)>>,
    heap: BinaryHeap<std::cmp::Reverse<(u64, usize)>>,
    merge: MergeFn<C>,
    ready: VecDeque<(K, C)>,
}

impl<K: Eq, C> HashMerge<K, C> {
    fn new(
        mut sources: Vec<Box<dyn Iterator<Item = (u64, K, C)> + Send>>,
        merge: MergeFn<C>,
    ) -> Self {
        let mut heads = Vec::with_capacity(sources.len());
        let mut heap = BinaryHeap::new();
        for (i, s) in sources.iter_mut().enumerate() {
            let head = s.next();
            if let Some((h, _, _)) = &head {
                heap.push(std::cmp::Reverse((*h, i)));
            }
            heads.push(head);
        }
        HashMerge {
            sources,
            heads,
            heap,
            merge,
            ready: VecDeque::new(),
        }
    }

    fn advance(&mut self, i: usize) -> (u64, K, C) {
        let next = self.sources[i].next();
        if let Some((h, _, _)) = &next {
            self.heap.push(std::cmp::Reverse((*h, i)));
        }
        std::mem::replace(&mut self.heads[i], next).expect("head present")
    }
}

impl<K: Eq, C> Iterator for HashMerge<K, C> {
    type Item = (K, C);

    fn next(&mut self) -> Option<(K, C)> {
        if let Some(r) = self.ready.pop_front() {
            return Some(r);
        }
        let std::cmp::Reverse((hash, first)) = self.heap.pop()?;
        let mut group: Vec<(K, C)> = Vec::new();
        let take = |this: &mut Self, i: usize, group: &mut Vec<(K, C)>| {
            let (_, k, c) = this.advance(i);
            if let Some(slot) = group.iter_mut().position(|(gk, _)| *gk == k) {
                let (gk, gc) = group.swap_remove(slot);
                group.push((gk, (this.merge)(gc, c)));
            } else {
                group.push((k, c));
            }
        };
        take(self, first, &mut group);
        while let Some(std::cmp::Reverse((h, i))) = self.heap.peek().copied() {
            if h != hash {
                break;
            }
            self.heap.pop();
            take(self, i, &mut group);
        }
        self.ready.extend(group);
        self.ready.pop_front()
    }
}
