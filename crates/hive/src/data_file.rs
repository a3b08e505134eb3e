//! A data file opened for reading wherever it lives: a local file, or an
//! object on a store read by ranged GETs — the Parquet reader asks for the
//! footer first and then only the column chunks of the row groups it
//! reads, so a scan of a few columns fetches a few byte ranges.

use crate::{HiveError, Result};
use bytes::Bytes;
use parquet::file::reader::{ChunkReader, Length};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A file to read from at any offset.
pub enum DataFile {
    /// On the local file system.
    Local(File),
    /// On an object store, of `size` bytes.
    Remote {
        /// Its `s3://…` location.
        path: PathBuf,
        /// Its length (from the listing or one HEAD request).
        size: u64,
        /// Byte ranges fetched ahead (start, bytes), sorted by start.
        fetched: Vec<(u64, Bytes)>,
    },
}

impl DataFile {
    /// Opens the file at `path` (a HEAD request for a remote one).
    pub fn open(path: &Path) -> Result<DataFile> {
        if storage::is_remote(path) {
            let size = storage::file_size(path)?;
            return Ok(DataFile::Remote {
                path: path.to_path_buf(),
                size,
                fetched: Vec::new(),
            });
        }
        let local = storage::local_path(path).unwrap_or_default();
        File::open(&local)
            .map(DataFile::Local)
            .map_err(|e| HiveError::io(&local, e))
    }

    /// The file's size.
    pub fn size(&self) -> u64 {
        Length::len(self)
    }

    /// Fetches `ranges` of a remote file now, concurrently, so that reads
    /// inside them need no request of their own (a Parquet scan asks for
    /// its column chunks one after another). Nothing for a local file.
    pub fn prefetch(&mut self, ranges: &[std::ops::Range<u64>]) -> Result<()> {
        let DataFile::Remote { path, fetched, .. } = self else {
            return Ok(());
        };
        let got = storage::read_ranges(path, ranges)?;
        fetched.extend(ranges.iter().map(|r| r.start).zip(got));
        fetched.sort_by_key(|(start, _)| *start);
        Ok(())
    }

    /// The whole file as a stream from byte `start`.
    pub fn reader(&self, start: u64) -> std::io::Result<Box<dyn Read + Send>> {
        match self {
            // As parquet reads a local file (a small buffer: page headers).
            DataFile::Local(f) => {
                let mut f = f.try_clone()?;
                std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(start))?;
                Ok(Box::new(std::io::BufReader::new(f)))
            }
            DataFile::Remote {
                path,
                size,
                fetched,
            } => {
                let rest = |from| storage::RangeReader::new(path.clone(), from, *size);
                match fetched_at(fetched, start) {
                    // What was fetched ahead, then (only if read past it)
                    // the rest of the object.
                    Some((s, bytes)) => {
                        let end = s + bytes.len() as u64;
                        let head = bytes::Buf::reader(bytes.slice((start - s) as usize..));
                        Ok(Box::new(head.chain(rest(end))))
                    }
                    None => Ok(Box::new(rest(start))),
                }
            }
        }
    }
}

/// The fetched range holding byte `at`, if any: (its start, its bytes).
fn fetched_at(fetched: &[(u64, Bytes)], at: u64) -> Option<(u64, &Bytes)> {
    let i = fetched.partition_point(|(s, _)| *s <= at).checked_sub(1)?;
    let (s, bytes) = &fetched[i];
    (at < s + bytes.len() as u64).then_some((*s, bytes))
}

impl Length for DataFile {
    fn len(&self) -> u64 {
        match self {
            DataFile::Local(f) => Length::len(f),
            DataFile::Remote { size, .. } => *size,
        }
    }
}

impl ChunkReader for DataFile {
    type T = Box<dyn Read + Send>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        Ok(self.reader(start)?)
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        match self {
            DataFile::Local(f) => f.get_bytes(start, length),
            DataFile::Remote { path, fetched, .. } => {
                let end = start + length as u64;
                if let Some((s, bytes)) = fetched_at(fetched, start) {
                    if end <= s + bytes.len() as u64 {
                        return Ok(bytes.slice((start - s) as usize..(end - s) as usize));
                    }
                }
                let got = storage::read_range(path, start..start + length as u64)
                    .map_err(|e| parquet::errors::ParquetError::External(Box::new(e)))?;
                if got.len() != length {
                    return Err(parquet::errors::ParquetError::EOF(format!(
                        "{}: expected {length} bytes at {start}, got {}",
                        path.display(),
                        got.len()
                    )));
                }
                Ok(got)
            }
        }
    }
}
