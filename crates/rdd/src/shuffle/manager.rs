//! Where finished map outputs live until the shuffle is no longer needed.

use crate::error::{RddError, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Where one piece of a map task's output for one reducer lives.
pub(crate) enum Segment {
    Memory(Arc<Vec<u8>>),
    File {
        offset: u64,
        len: u64,
    },
    /// The records themselves (a `Vec<(K, V)>`), neither encoded nor
    /// compressed: a shuffle between tasks of one process whose records'
    /// sizes are known keeps them this way while they fit its memory.
    Objects(Arc<dyn std::any::Any + Send + Sync>),
}

/// The output of one map task: per reduce partition, a list of segments.
/// Dropping it frees its memory reservation and deletes its file, so a
/// shuffle's data lives exactly as long as something can still read it.
pub struct MapOutput {
    pub(crate) segments: Vec<Vec<Segment>>,
    pub(crate) file: Option<PathBuf>,
    pub(crate) reserved: u64,
    pub(crate) pool: Arc<AtomicU64>,
    /// Compressed bytes written for each reduce partition.
    pub sizes: Vec<u64>,
    /// For an output another process holds: where it is (what the layer
    /// that ran the task needs to fetch it).
    pub(crate) location: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

impl Drop for MapOutput {
    fn drop(&mut self) {
        if self.reserved > 0 {
            self.pool.fetch_sub(self.reserved, Ordering::Relaxed);
        }
        if let Some(f) = &self.file {
            let _ = std::fs::remove_file(f);
        }
    }
}

impl MapOutput {
    /// Reads one segment's bytes.
    pub(crate) fn read_segment(&self, seg: &Segment) -> Result<Arc<Vec<u8>>> {
        match seg {
            Segment::Memory(b) => Ok(b.clone()),
            Segment::Objects(_) => Err(RddError::Task(
                "a shuffle segment of records has no bytes to read".into(),
            )),
            Segment::File { offset, len } => {
                use std::io::{Read, Seek, SeekFrom};
                let path = self.file.as_ref().expect("file segment without a file");
                let mut f = std::fs::File::open(path).map_err(|e| RddError::io(path, e))?;
                f.seek(SeekFrom::Start(*offset))
                    .map_err(|e| RddError::io(path, e))?;
                let mut buf = vec![0u8; *len as usize];
                f.read_exact(&mut buf).map_err(|e| RddError::io(path, e))?;
                Ok(Arc::new(buf))
            }
        }
    }

    /// An output held by another process (an executor): only its sizes
    /// per reduce partition and where it is.
    pub fn remote(sizes: Vec<u64>, location: Arc<dyn std::any::Any + Send + Sync>) -> MapOutput {
        MapOutput {
            segments: sizes.iter().map(|_| Vec::new()).collect(),
            file: None,
            reserved: 0,
            pool: Arc::new(AtomicU64::new(0)),
            sizes,
            location: Some(location),
        }
    }

    /// Where a remote output is (see `remote`).
    pub fn location(&self) -> Option<&Arc<dyn std::any::Any + Send + Sync>> {
        self.location.as_ref()
    }

    /// Bytes this output holds in memory.
    pub fn memory_bytes(&self) -> u64 {
        self.reserved
    }
}

/// The registry of map outputs, by shuffle and map task.
pub(crate) struct ShuffleManager {
    shuffles: Mutex<HashMap<usize, Vec<Option<Arc<MapOutput>>>>>,
    pub(crate) memory_used: Arc<AtomicU64>,
    memory_budget: u64,
    dir: PathBuf,
}

impl ShuffleManager {
    pub fn new(dir: &Path, memory_budget: u64) -> Self {
        ShuffleManager {
            shuffles: Mutex::new(HashMap::new()),
            memory_used: Arc::new(AtomicU64::new(0)),
            memory_budget,
            dir: dir.join("shuffle"),
        }
    }

    pub fn data_file(&self, shuffle_id: usize, map_id: usize, attempt: usize) -> PathBuf {
        self.dir
            .join(format!("shuffle_{shuffle_id}_{map_id}_{attempt}.data"))
    }

    /// Reserves `bytes` of in-memory shuffle storage if the budget allows.
    pub fn try_reserve(&self, bytes: u64) -> bool {
        let mut cur = self.memory_used.load(Ordering::Relaxed);
        loop {
            if cur + bytes > self.memory_budget {
                return false;
            }
            match self.memory_used.compare_exchange(
                cur,
                cur + bytes,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => cur = actual,
            }
        }
    }

    pub fn register(&self, shuffle_id: usize, num_maps: usize, map_id: usize, out: MapOutput) {
        let mut s = self.shuffles.lock().unwrap();
        let outputs = s.entry(shuffle_id).or_insert_with(|| vec![None; num_maps]);
        if outputs.len() < num_maps {
            outputs.resize(num_maps, None);
        }
        outputs[map_id] = Some(Arc::new(out));
    }

    /// Map tasks whose output is not available.
    pub fn missing(&self, shuffle_id: usize, num_maps: usize) -> Vec<usize> {
        let s = self.shuffles.lock().unwrap();
        match s.get(&shuffle_id) {
            None => (0..num_maps).collect(),
            Some(outputs) => (0..num_maps)
                .filter(|&m| outputs.get(m).is_none_or(|o| o.is_none()))
                .collect(),
        }
    }

    /// Every map output of a shuffle, or `FetchFailed` naming a missing one.
    pub fn outputs(&self, shuffle_id: usize, num_maps: usize) -> Result<Vec<Arc<MapOutput>>> {
        let s = self.shuffles.lock().unwrap();
        let outputs = s.get(&shuffle_id);
        (0..num_maps)
            .map(|m| {
                outputs
                    .and_then(|o| o.get(m).cloned().flatten())
                    .ok_or(RddError::FetchFailed {
                        shuffle_id,
                        map_id: m,
                    })
            })
            .collect()
    }

    /// Forgets one map output (it will be recomputed if needed again).
    pub fn unregister(&self, shuffle_id: usize, map_id: usize) -> bool {
        let mut s = self.shuffles.lock().unwrap();
        match s.get_mut(&shuffle_id).and_then(|o| o.get_mut(map_id)) {
            Some(slot) => slot.take().is_some(),
            None => false,
        }
    }

    /// Forgets every map output `lost` holds true for.
    pub fn unregister_where(&self, lost: &dyn Fn(&MapOutput) -> bool) -> usize {
        let mut s = self.shuffles.lock().unwrap();
        let mut n = 0;
        for outputs in s.values_mut() {
            for slot in outputs.iter_mut() {
                if slot.as_ref().is_some_and(|o| lost(o)) {
                    *slot = None;
                    n += 1;
                }
            }
        }
        n
    }

    /// Forgets a whole shuffle.
    pub fn remove_shuffle(&self, shuffle_id: usize) {
        let removed = self.shuffles.lock().unwrap().remove(&shuffle_id);
        drop(removed);
    }

    pub fn clear(&self) {
        let all = std::mem::take(&mut *self.shuffles.lock().unwrap());
        drop(all);
    }

    /// (shuffles registered, bytes of map output in memory)
    pub fn stats(&self) -> (usize, u64) {
        (
            self.shuffles.lock().unwrap().len(),
            self.memory_used.load(Ordering::Relaxed),
        )
    }
}
