//! How records leave memory: postcard-encoded records packed into LZ4 chunks.
//!
//! A stream is a sequence of chunks `[u32 compressed len][u32 raw len][lz4 bytes]`,
//! each holding whole records, so a reader needs one chunk (at most about
//! `CHUNK_BYTES` raw) in memory at a time. Shuffle blocks, spill files and
//! disk-persisted partitions all use this format.

use crate::error::{RddError, Result};
use serde::{de::DeserializeOwned, Serialize};
use std::io::{Read, Write};

/// Raw bytes gathered before a chunk is compressed.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// Elements that may be shuffled, spilled or persisted to disk.
pub trait Spill: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {}
impl<T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static> Spill for T {}

/// Encodes records into compressed chunks, appended to an in-memory buffer.
pub struct ChunkWriter {
    raw: Vec<u8>,
    out: Vec<u8>,
    records: u64,
}

impl Default for ChunkWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ChunkWriter {
    /// An empty writer.
    pub fn new() -> Self {
        ChunkWriter {
            raw: Vec::new(),
            out: Vec::new(),
            records: 0,
        }
    }

    /// Appends one record.
    pub fn push<T: Serialize>(&mut self, record: &T) -> Result<()> {
        self.raw = postcard::to_extend(record, std::mem::take(&mut self.raw))
            .map_err(|e| RddError::Serde(e.to_string()))?;
        self.records += 1;
        if self.raw.len() >= CHUNK_BYTES {
            self.seal_chunk();
        }
        Ok(())
    }

    fn seal_chunk(&mut self) {
        if self.raw.is_empty() {
            return;
        }
        let compressed = lz4_flex::block::compress(&self.raw);
        self.out
            .extend_from_slice(&(compressed.len() as u32).to_le_bytes());
        self.out
            .extend_from_slice(&(self.raw.len() as u32).to_le_bytes());
        self.out.extend_from_slice(&compressed);
        self.raw.clear();
    }

    /// Records pushed so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Bytes held, compressed and not yet compressed.
    pub fn buffered_bytes(&self) -> usize {
        self.out.len() + self.raw.len()
    }

    /// Seals the open chunk and returns the encoded stream.
    pub fn finish(mut self) -> Vec<u8> {
        self.seal_chunk();
        self.out
    }

    /// Seals the open chunk and hands out what is encoded so far, keeping the
    /// writer usable (for flushing to a file part by part).
    pub fn take_sealed(&mut self) -> Vec<u8> {
        self.seal_chunk();
        std::mem::take(&mut self.out)
    }
}

/// Decodes records from a chunk stream, one chunk in memory at a time.
pub struct ChunkReader<R, T> {
    input: R,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<R: Read, T: DeserializeOwned> ChunkReader<R, T> {
    /// Reads records of type `T` from `input`.
    pub fn new(input: R) -> Self {
        ChunkReader {
            input,
            chunk: Vec::new(),
            pos: 0,
            done: false,
            _t: std::marker::PhantomData,
        }
    }

    fn next_chunk(&mut self) -> Result<bool> {
        let mut header = [0u8; 8];
        match read_full(&mut self.input, &mut header)? {
            0 => return Ok(false),
            8 => {}
            _ => return Err(RddError::Serde("truncated chunk header".into())),
        }
        let clen = u32::from_le_bytes(header[..4].try_into().unwrap()) as usize;
        let rlen = u32::from_le_bytes(header[4..].try_into().unwrap()) as usize;
        let mut compressed = vec![0u8; clen];
        if read_full(&mut self.input, &mut compressed)? != clen {
            return Err(RddError::Serde("truncated chunk".into()));
        }
        self.chunk = lz4_flex::block::decompress(&compressed, rlen)
            .map_err(|e| RddError::Serde(format!("corrupt chunk: {e}")))?;
        self.pos = 0;
        Ok(true)
    }

    /// The next record, `Ok(None)` at the end of the stream.
    pub fn next_record(&mut self) -> Result<Option<T>> {
        while self.pos >= self.chunk.len() {
            if self.done || !self.next_chunk()? {
                self.done = true;
                return Ok(None);
            }
        }
        let (value, rest) = postcard::take_from_bytes::<T>(&self.chunk[self.pos..])
            .map_err(|e| RddError::Serde(e.to_string()))?;
        self.pos = self.chunk.len() - rest.len();
        Ok(Some(value))
    }
}

fn read_full<R: Read>(input: &mut R, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(RddError::Serde(format!("read failed: {e}"))),
        }
    }
    Ok(filled)
}

/// Encodes a whole partition into one chunk stream.
pub fn encode_all<T: Serialize>(items: &[T]) -> Result<Vec<u8>> {
    let mut w = ChunkWriter::new();
    for item in items {
        w.push(item)?;
    }
    Ok(w.finish())
}

/// Decodes a whole chunk stream.
pub fn decode_all<T: DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>> {
    let mut r = ChunkReader::<_, T>::new(bytes);
    let mut out = Vec::new();
    while let Some(item) = r.next_record()? {
        out.push(item);
    }
    Ok(out)
}

/// Writes bytes to a file, creating its parent folder.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| RddError::io(dir, e))?;
    }
    let mut f = std::fs::File::create(path).map_err(|e| RddError::io(path, e))?;
    f.write_all(bytes).map_err(|e| RddError::io(path, e))
}

/// Estimates the in-memory footprint of one element: its inline size plus
/// its encoded size as a stand-in for what it owns on the heap. Good enough
/// to decide when to spill; never exact.
pub fn estimate_size<T: Serialize>(item: &T, scratch: &mut Vec<u8>) -> usize {
    scratch.clear();
    let encoded = postcard::to_extend(item, std::mem::take(scratch)).unwrap_or_default();
    let n = encoded.len();
    *scratch = encoded;
    std::mem::size_of::<T>() + n
}

/// Estimates the footprint of a slice by sampling up to 64 elements evenly.
pub fn estimate_slice<T: Serialize>(items: &[T]) -> usize {
    if items.is_empty() {
        return 0;
    }
    let step = (items.len() / 64).max(1);
    let mut scratch = Vec::new();
    let (mut sampled, mut bytes) = (0usize, 0usize);
    for item in items.iter().step_by(step) {
        bytes += estimate_size(item, &mut scratch);
        sampled += 1;
    }
    bytes / sampled * items.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_across_many_chunks() {
        let items: Vec<(String, u64)> = (0..100_000).map(|i| (format!("key-{i}"), i)).collect();
        let bytes = encode_all(&items).unwrap();
        assert!(bytes.len() < 1_000_000);
        assert_eq!(decode_all::<(String, u64)>(&bytes).unwrap(), items);
    }

    #[test]
    fn empty_stream_has_no_records() {
        assert!(decode_all::<u32>(&encode_all::<u32>(&[]).unwrap())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn truncated_stream_is_an_error_not_a_panic() {
        let bytes = encode_all(&[1u64, 2, 3]).unwrap();
        assert!(decode_all::<u64>(&bytes[..bytes.len() - 2]).is_err());
    }
}
