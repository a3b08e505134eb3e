//! Reading a store object as a stream: ranged GETs of a few megabytes
//! each, fetched as the reader gets to them, so a split of a large text
//! file reads only its own bytes (and the end of its last line).

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

/// Bytes fetched by the first request; each next one fetches twice as
/// many, up to [`MAX_CHUNK`]: a short read (a page header) costs little,
/// a long one (a text split) few requests.
const FIRST_CHUNK: u64 = 64 << 10;
const MAX_CHUNK: u64 = 8 << 20;

/// A store object read from any offset through ranged GETs.
pub struct RangeReader {
    path: PathBuf,
    pos: u64,
    size: u64,
    buf: bytes::Bytes,
    /// Where `buf` starts in the object.
    buf_start: u64,
    /// The next request's size.
    chunk: u64,
}

impl RangeReader {
    /// Reads the object at `path` (of `size` bytes) from byte `start`.
    pub fn new(path: PathBuf, start: u64, size: u64) -> RangeReader {
        RangeReader {
            path,
            pos: start,
            size,
            buf: bytes::Bytes::new(),
            buf_start: 0,
            chunk: FIRST_CHUNK,
        }
    }
}

impl Read for RangeReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.size || out.is_empty() {
            return Ok(0);
        }
        let in_buf =
            self.pos >= self.buf_start && self.pos < self.buf_start + self.buf.len() as u64;
        if !in_buf {
            let end = (self.pos + self.chunk).min(self.size);
            self.chunk = (self.chunk * 2).min(MAX_CHUNK);
            self.buf = crate::read_range(&self.path, self.pos..end)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            self.buf_start = self.pos;
            if self.buf.is_empty() {
                return Ok(0);
            }
        }
        let at = (self.pos - self.buf_start) as usize;
        let n = out.len().min(self.buf.len() - at);
        out[..n].copy_from_slice(&self.buf[at..at + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for RangeReader {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.size.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| std::io::Error::other("seek before the start"))?;
        Ok(self.pos)
    }
}
