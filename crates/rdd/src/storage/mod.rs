//! Persistence of RDD partitions: storage levels, the block store with its
//! LRU memory budget and disk spill, and the cache-aware partition iterator.

pub(crate) mod block_store;
pub(crate) mod cache;

use crate::codec::Spill;
use crate::error::Result;
use std::any::Any;
use std::sync::Arc;

pub use block_store::RddStorageInfo;

/// Where persisted partitions may live, as Spark's storage levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageLevel {
    /// Keep partitions in memory while the budget allows.
    pub use_memory: bool,
    /// Write partitions (or evicted ones) to the local scratch dir.
    pub use_disk: bool,
    /// Hold in-memory partitions encoded (smaller, slower to read).
    pub serialized: bool,
}

#[allow(missing_docs)]
impl StorageLevel {
    pub const NONE: StorageLevel = StorageLevel::new(false, false, false);
    pub const MEMORY_ONLY: StorageLevel = StorageLevel::new(true, false, false);
    pub const MEMORY_ONLY_SER: StorageLevel = StorageLevel::new(true, false, true);
    pub const MEMORY_AND_DISK: StorageLevel = StorageLevel::new(true, true, false);
    pub const MEMORY_AND_DISK_SER: StorageLevel = StorageLevel::new(true, true, true);
    pub const DISK_ONLY: StorageLevel = StorageLevel::new(false, true, true);

    const fn new(use_memory: bool, use_disk: bool, serialized: bool) -> Self {
        StorageLevel {
            use_memory,
            use_disk,
            serialized,
        }
    }

    /// Spark's description, e.g. `Memory Deserialized 1x Replicated`.
    pub fn description(&self) -> String {
        let mut parts = Vec::new();
        if self.use_disk {
            parts.push("Disk");
        }
        if self.use_memory {
            parts.push("Memory");
        }
        if !parts.is_empty() {
            parts.push(if self.serialized {
                "Serialized"
            } else {
                "Deserialized"
            });
            parts.push("1x Replicated");
        }
        if parts.is_empty() {
            "None".into()
        } else {
            parts.join(" ")
        }
    }
}

/// How to encode, decode and size a partition of some element type; made
/// where the type is known to be `Spill` and used where it is not.
pub(crate) struct BlockCodec<T> {
    pub encode: fn(&[T]) -> Result<Vec<u8>>,
    pub decode: fn(&[u8]) -> Result<Vec<T>>,
    pub estimate: fn(&[T]) -> usize,
}

/// An RDD's storage level and the codec for its elements.
#[derive(Clone)]
pub(crate) struct Persistence {
    pub level: StorageLevel,
    pub codec: Arc<dyn Any + Send + Sync>,
}

impl Persistence {
    pub fn new<T: Spill>(level: StorageLevel) -> Self {
        let codec: BlockCodec<T> = BlockCodec {
            encode: |items| crate::codec::encode_all(items),
            decode: |bytes| crate::codec::decode_all(bytes),
            estimate: |items| crate::codec::estimate_slice(items),
        };
        Persistence {
            level,
            codec: Arc::new(codec),
        }
    }
}
