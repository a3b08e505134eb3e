//! Temporary files for spills: written once, read once, deleted on drop.

use crate::codec::{ChunkReader, ChunkWriter};
use crate::error::{RddError, Result};
use serde::{de::DeserializeOwned, Serialize};
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::PathBuf;

/// A spill file; removed from disk when dropped.
pub(crate) struct SpillFile {
    pub path: PathBuf,
    pub bytes: u64,
}

impl Drop for SpillFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl SpillFile {
    /// Writes `records` to a new file at `path`, in chunks.
    pub fn write<T: Serialize>(path: PathBuf, records: impl Iterator<Item = T>) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| RddError::io(dir, e))?;
        }
        let mut file = File::create(&path).map_err(|e| RddError::io(&path, e))?;
        let mut spill = SpillFile { path, bytes: 0 };
        let mut w = ChunkWriter::new();
        for r in records {
            w.push(&r)?;
            if w.buffered_bytes() >= 4 * crate::codec::CHUNK_BYTES {
                let bytes = w.take_sealed();
                file.write_all(&bytes)
                    .map_err(|e| RddError::io(&spill.path, e))?;
                spill.bytes += bytes.len() as u64;
            }
        }
        let bytes = w.finish();
        file.write_all(&bytes)
            .map_err(|e| RddError::io(&spill.path, e))?;
        spill.bytes += bytes.len() as u64;
        Ok(spill)
    }

    /// Streams the records back.
    pub fn reader<T: DeserializeOwned>(&self) -> Result<ChunkReader<BufReader<File>, T>> {
        let f = File::open(&self.path).map_err(|e| RddError::io(&self.path, e))?;
        Ok(ChunkReader::new(BufReader::with_capacity(64 * 1024, f)))
    }
}
