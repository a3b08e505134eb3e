//! The reduce side of a shuffle: stream one reduce partition's records from
//! every map task's output, one segment in memory at a time.

use crate::codec::{ChunkReader, Spill};
use crate::listener::TaskMetrics;
use crate::scheduler::task::TaskContext;
use crate::shuffle::manager::MapOutput;
use std::io::Read;
use std::sync::Arc;

/// A `Read` over shared bytes.
pub(crate) struct SharedBytes {
    bytes: Arc<Vec<u8>>,
    pos: usize,
}

impl Read for SharedBytes {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.bytes[self.pos..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

impl SharedBytes {
    pub fn new(bytes: Arc<Vec<u8>>) -> Self {
        SharedBytes { bytes, pos: 0 }
    }
}

/// Iterates reduce partition `reducer` across all map outputs.
pub(crate) struct ShuffleReader<T> {
    outputs: Vec<Arc<MapOutput>>,
    reducer: usize,
    map: usize,
    /// One past the last map output read (all of them unless a read spec
    /// takes a slice of the maps).
    map_end: usize,
    segment: usize,
    current: Option<ChunkReader<SharedBytes, T>>,
    /// Records of an in-memory segment being read, and the next one's index.
    objects: Option<(Arc<dyn std::any::Any + Send + Sync>, usize)>,
    tc: Arc<TaskContext>,
    shuffle_id: usize,
    records: u64,
}

impl<T> ShuffleReader<T> {
    pub fn new(
        shuffle_id: usize,
        outputs: Vec<Arc<MapOutput>>,
        reducer: usize,
        tc: Arc<TaskContext>,
    ) -> Self {
        ShuffleReader {
            outputs,
            reducer,
            map: 0,
            map_end: usize::MAX,
            segment: 0,
            current: None,
            objects: None,
            tc,
            shuffle_id,
            records: 0,
        }
    }
}

impl<T> ShuffleReader<T> {
    /// Reads only the outputs of map tasks `maps` (a skewed partition split
    /// by map ranges).
    pub fn with_maps(mut self, maps: std::ops::Range<usize>) -> Self {
        self.map = maps.start;
        self.map_end = maps.end;
        self
    }
}

impl<T: Spill> Iterator for ShuffleReader<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some((any, i)) = &mut self.objects {
                match any.downcast_ref::<Vec<T>>().and_then(|v| v.get(*i)) {
                    Some(record) => {
                        *i += 1;
                        self.records += 1;
                        return Some(record.clone());
                    }
                    None => self.objects = None,
                }
            }
            if let Some(reader) = &mut self.current {
                match reader.next_record() {
                    Ok(Some(record)) => {
                        self.records += 1;
                        return Some(record);
                    }
                    Ok(None) => self.current = None,
                    Err(e) => {
                        self.tc.fail(e);
                        return None;
                    }
                }
            }
            if self.map >= self.map_end {
                return None;
            }
            let output = self.outputs.get(self.map)?;
            let segments = &output.segments[self.reducer];
            if self.segment >= segments.len() {
                self.map += 1;
                self.segment = 0;
                continue;
            }
            if let crate::shuffle::manager::Segment::Objects(any) = &segments[self.segment] {
                self.objects = Some((any.clone(), 0));
                self.segment += 1;
                continue;
            }
            let bytes = match output.read_segment(&segments[self.segment]) {
                Ok(b) => b,
                Err(_) => {
                    // The map output's file is gone: the scheduler re-runs that map task.
                    self.tc.fail(crate::RddError::FetchFailed {
                        shuffle_id: self.shuffle_id,
                        map_id: self.map,
                    });
                    return None;
                }
            };
            TaskMetrics::add(&self.tc.metrics.shuffle_read_bytes, bytes.len() as u64);
            self.segment += 1;
            self.current = Some(ChunkReader::new(SharedBytes::new(bytes)));
        }
    }
}

impl<T> Drop for ShuffleReader<T> {
    fn drop(&mut self) {
        TaskMetrics::add(&self.tc.metrics.shuffle_read_records, self.records);
    }
}
