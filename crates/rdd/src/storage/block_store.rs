//! Cached partitions under one memory budget. Past the budget the least
//! recently used blocks of other RDDs are evicted: written to the scratch dir
//! if their level allows disk, else dropped (and recomputed from lineage).

use crate::error::{RddError, Result};
use crate::storage::StorageLevel;
use std::any::Any;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub(crate) type BlockId = (usize, usize);
pub(crate) type EncodeFn = Arc<dyn Fn(&(dyn Any + Send + Sync)) -> Result<Vec<u8>> + Send + Sync>;

/// A block's content as handed out by `get`.
pub(crate) enum BlockData {
    /// Deserialized values (an `Arc<Vec<T>>`) or, for serialized levels,
    /// encoded bytes (an `Arc<Vec<u8>>`).
    Memory(Arc<dyn Any + Send + Sync>),
    /// Encoded bytes read back from disk.
    Disk(Vec<u8>),
}

struct Entry {
    memory: Option<Arc<dyn Any + Send + Sync>>,
    memory_bytes: u64,
    disk: Option<PathBuf>,
    disk_bytes: u64,
    level: StorageLevel,
    last_used: u64,
    encode: EncodeFn,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<BlockId, Entry>,
    memory_used: u64,
    clock: u64,
}

/// What is cached of one RDD (Spark's storage tab).
#[derive(Debug, Clone, PartialEq)]
pub struct RddStorageInfo {
    /// The RDD's id.
    pub rdd_id: usize,
    /// Partitions held in memory or on disk.
    pub cached_partitions: usize,
    /// Bytes held in memory (estimated for deserialized blocks).
    pub memory_bytes: u64,
    /// Bytes held on disk.
    pub disk_bytes: u64,
}

pub(crate) struct BlockStore {
    inner: Mutex<Inner>,
    budget: u64,
    dir: PathBuf,
}

impl BlockStore {
    pub fn new(dir: &Path, budget: u64) -> Self {
        BlockStore {
            inner: Mutex::new(Inner::default()),
            budget,
            dir: dir.join("blocks"),
        }
    }

    fn path(&self, id: BlockId) -> PathBuf {
        self.dir.join(format!("rdd_{}_{}", id.0, id.1))
    }

    pub fn get(&self, id: BlockId) -> Result<Option<BlockData>> {
        let mut inner = self.inner.lock().unwrap();
        inner.clock += 1;
        let clock = inner.clock;
        let Some(entry) = inner.entries.get_mut(&id) else {
            return Ok(None);
        };
        entry.last_used = clock;
        if let Some(m) = &entry.memory {
            return Ok(Some(BlockData::Memory(m.clone())));
        }
        let path = entry.disk.clone();
        drop(inner);
        match path {
            Some(p) => match std::fs::read(&p) {
                Ok(bytes) => Ok(Some(BlockData::Disk(bytes))),
                // A lost disk block is as good as never cached.
                Err(_) => {
                    self.remove(id);
                    Ok(None)
                }
            },
            None => Ok(None),
        }
    }

    pub fn contains(&self, id: BlockId) -> bool {
        self.inner.lock().unwrap().entries.contains_key(&id)
    }

    /// Stores a partition. `value` is what memory would hold, `bytes` its
    /// estimated size; `encode` turns it into bytes for disk.
    pub fn put(
        &self,
        id: BlockId,
        value: Arc<dyn Any + Send + Sync>,
        bytes: u64,
        level: StorageLevel,
        encode: EncodeFn,
    ) -> Result<()> {
        let mut inner = self.inner.lock().unwrap();
        inner.clock += 1;
        if let Some(old) = inner.entries.remove(&id) {
            self.release(&mut inner, old);
        }
        let mut entry = Entry {
            memory: None,
            memory_bytes: 0,
            disk: None,
            disk_bytes: 0,
            level,
            last_used: inner.clock,
            encode,
        };
        let fits =
            level.use_memory && bytes <= self.budget && self.make_room(&mut inner, bytes, id.0)?;
        if fits {
            entry.memory = Some(value);
            entry.memory_bytes = bytes;
            inner.memory_used += bytes;
        } else if level.use_disk {
            let encoded = (entry.encode)(value.as_ref())?;
            entry.disk_bytes = encoded.len() as u64;
            let path = self.path(id);
            crate::codec::write_file(&path, &encoded)?;
            entry.disk = Some(path);
        } else {
            // MEMORY_ONLY and no room: not cached; recomputed when needed.
            return Ok(());
        }
        inner.entries.insert(id, entry);
        Ok(())
    }

    /// Evicts least recently used blocks of other RDDs until `bytes` fit.
    fn make_room(&self, inner: &mut Inner, bytes: u64, rdd_id: usize) -> Result<bool> {
        while inner.memory_used + bytes > self.budget {
            let victim = inner
                .entries
                .iter()
                .filter(|(id, e)| e.memory.is_some() && id.0 != rdd_id)
                .min_by_key(|(_, e)| e.last_used)
                .map(|(id, _)| *id);
            let Some(victim) = victim else {
                return Ok(false);
            };
            let mut entry = inner.entries.remove(&victim).expect("victim exists");
            let value = entry.memory.take().expect("victim in memory");
            inner.memory_used -= entry.memory_bytes;
            entry.memory_bytes = 0;
            if entry.level.use_disk && entry.disk.is_none() {
                let encoded = (entry.encode)(value.as_ref())?;
                let path = self.path(victim);
                crate::codec::write_file(&path, &encoded)?;
                entry.disk_bytes = encoded.len() as u64;
                entry.disk = Some(path);
            }
            if entry.disk.is_some() {
                inner.entries.insert(victim, entry);
            }
        }
        Ok(true)
    }

    fn release(&self, inner: &mut Inner, entry: Entry) {
        inner.memory_used -= entry.memory_bytes;
        if let Some(p) = entry.disk {
            let _ = std::fs::remove_file(p);
        }
    }

    pub fn remove(&self, id: BlockId) -> bool {
        let mut inner = self.inner.lock().unwrap();
        match inner.entries.remove(&id) {
            Some(e) => {
                self.release(&mut inner, e);
                true
            }
            None => false,
        }
    }

    pub fn remove_rdd(&self, rdd_id: usize) {
        let mut inner = self.inner.lock().unwrap();
        let ids: Vec<BlockId> = inner
            .entries
            .keys()
            .filter(|id| id.0 == rdd_id)
            .copied()
            .collect();
        for id in ids {
            let e = inner.entries.remove(&id).expect("listed");
            self.release(&mut inner, e);
        }
    }

    pub fn clear(&self) {
        let mut inner = self.inner.lock().unwrap();
        let entries = std::mem::take(&mut inner.entries);
        for (_, e) in entries {
            self.release(&mut inner, e);
        }
    }

    pub fn memory_used(&self) -> u64 {
        self.inner.lock().unwrap().memory_used
    }

    pub fn status(&self) -> Vec<RddStorageInfo> {
        let inner = self.inner.lock().unwrap();
        let mut by_rdd: HashMap<usize, RddStorageInfo> = HashMap::new();
        for (id, e) in &inner.entries {
            let info = by_rdd.entry(id.0).or_insert(RddStorageInfo {
                rdd_id: id.0,
                cached_partitions: 0,
                memory_bytes: 0,
                disk_bytes: 0,
            });
            info.cached_partitions += 1;
            info.memory_bytes += e.memory_bytes;
            info.disk_bytes += e.disk_bytes;
        }
        let mut v: Vec<_> = by_rdd.into_values().collect();
        v.sort_by_key(|i| i.rdd_id);
        v
    }
}

impl RddError {
    pub(crate) fn missing_codec() -> Self {
        RddError::Serde("persisted RDD has no codec for its element type".into())
    }
}
