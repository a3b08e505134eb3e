//! A sort that spills: records are buffered until the task's budget is
//! reached, then sorted and written as a run; the runs and the last buffer
//! are merged. Equal keys keep their arrival order.

use crate::codec::{estimate_size, Spill};
use crate::error::Result;
use crate::listener::TaskMetrics;
use crate::rdd::BoxIter;
use crate::scheduler::task::TaskContext;
use crate::shuffle::spill_file::SpillFile;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// Sorts a stream of records by key, ascending or descending.
pub(crate) fn sort_by_key<K: Spill + Ord, V: Spill>(
    input: BoxIter<(K, V)>,
    ascending: bool,
    tc: &Arc<TaskContext>,
) -> Result<BoxIter<(K, V)>> {
    let budget = tc.execution_budget();
    let mut buffer: Vec<(K, V)> = Vec::new();
    let mut runs: Vec<SpillFile> = Vec::new();
    let mut avg = 0usize;
    let mut scratch = Vec::new();
    let cmp = move |a: &(K, V), b: &(K, V)| {
        if ascending {
            a.0.cmp(&b.0)
        } else {
            b.0.cmp(&a.0)
        }
    };
    for (n, record) in input.enumerate() {
        if n % 64 == 0 {
            let s = estimate_size(&record, &mut scratch);
            avg = if n == 0 { s } else { (avg * 7 + s) / 8 };
        }
        buffer.push(record);
        if buffer.len().is_multiple_of(256) {
            let bytes = buffer.len() * avg;
            tc.metrics.note_memory(bytes as u64);
            if bytes > budget {
                buffer.sort_by(cmp);
                let run = SpillFile::write(tc.ctx.scratch_file("sort"), buffer.drain(..))?;
                TaskMetrics::add(&tc.metrics.disk_bytes_spilled, run.bytes);
                TaskMetrics::add(&tc.metrics.memory_bytes_spilled, bytes as u64);
                runs.push(run);
                buffer.shrink_to_fit();
            }
        }
    }
    if let Some(e) = tc.take_error() {
        return Err(e);
    }
    buffer.sort_by(cmp);
    if runs.is_empty() {
        return Ok(Box::new(buffer.into_iter()));
    }
    let mut sources: Vec<BoxIter<(K, V)>> = Vec::new();
    for run in runs {
        let mut reader = run.reader::<(K, V)>()?;
        let tc = tc.clone();
        sources.push(Box::new(std::iter::from_fn(move || {
            let _keep = &run;
            match reader.next_record() {
                Ok(r) => r,
                Err(e) => {
                    tc.fail(e);
                    None
                }
            }
        })));
    }
    sources.push(Box::new(buffer.into_iter()));
    Ok(Box::new(SortedMerge::new(sources, ascending)))
}

struct Head<K> {
    key: K,
    source: usize,
    ascending: bool,
}

impl<K: Ord> Ord for Head<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the smallest key (or largest,
        // descending) comes first, and earlier sources win ties.
        let by_key = if self.ascending {
            other.key.cmp(&self.key)
        } else {
            self.key.cmp(&other.key)
        };
        by_key.then(other.source.cmp(&self.source))
    }
}
impl<K: Ord> PartialOrd for Head<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: Ord> PartialEq for Head<K> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<K: Ord> Eq for Head<K> {}

struct SortedMerge<K, V> {
    sources: Vec<BoxIter<(K, V)>>,
    values: Vec<Option<V>>,
    heap: BinaryHeap<Head<K>>,
    ascending: bool,
}

impl<K: Ord, V> SortedMerge<K, V> {
    fn new(mut sources: Vec<BoxIter<(K, V)>>, ascending: bool) -> Self {
        let mut heap = BinaryHeap::new();
        let mut values = Vec::new();
        for (i, s) in sources.iter_mut().enumerate() {
            match s.next() {
                Some((k, v)) => {
                    heap.push(Head {
                        key: k,
                        source: i,
                        ascending,
                    });
                    values.push(Some(v));
                }
                None => values.push(None),
            }
        }
        SortedMerge {
            sources,
            values,
            heap,
            ascending,
        }
    }
}

impl<K: Ord, V> Iterator for SortedMerge<K, V> {
    type Item = (K, V);
    fn next(&mut self) -> Option<(K, V)> {
        let head = self.heap.pop()?;
        let value = self.values[head.source].take().expect("value present");
        if let Some((k, v)) = self.sources[head.source].next() {
            self.heap.push(Head {
                key: k,
                source: head.source,
                ascending: self.ascending,
            });
            self.values[head.source] = Some(v);
        }
        Some((head.key, value))
    }
}
