//! Text input: `text_file` (lines, split by byte ranges as Hadoop's
//! LineRecordReader does) and `whole_text_files` (one record per file).
//!
//! A split `[start, end)` skips its first partial line unless it starts the
//! file, and reads every line that *starts* at or before `end`; so a line
//! straddling two splits is read exactly once, by the first.

use crate::error::{RddError, Result};
use crate::listener::TaskMetrics;
use crate::rdd::parallel_collection::slice_bounds;
use crate::rdd::{BoxIter, Dependency, Rdd, RddBase, RddCore, RddImpl};
use crate::scheduler::task::TaskContext;
use crate::Context;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Hadoop's local file system block size: the largest split.
const MAX_SPLIT: u64 = 32 << 20;
/// Hadoop's SPLIT_SLOP: a last piece up to 10% over the split size is not cut.
const SPLIT_SLOP: f64 = 1.1;

#[derive(Debug, Clone)]
struct FileSplit {
    path: PathBuf,
    start: u64,
    end: u64,
    compressed: bool,
}

fn is_gzip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "gz")
}

pub(crate) struct TextFileRdd {
    core: RddCore,
    splits: Result<Vec<FileSplit>>,
}

impl TextFileRdd {
    pub fn create(ctx: &Context, spec: &str, min_partitions: usize) -> Rdd<String> {
        let splits = list_files(spec).map(|files| make_splits(files, min_partitions.max(1)));
        Rdd::from_impl(Arc::new(TextFileRdd {
            core: RddCore::new(ctx, "text_file"),
            splits,
        }))
    }

    /// The lines with the file they come from and the byte offset where
    /// each starts (in the uncompressed text for a gzip file).
    pub fn create_positioned(
        ctx: &Context,
        spec: &str,
        min_partitions: usize,
    ) -> Rdd<PositionedLine> {
        let splits = list_files(spec).map(|files| make_splits(files, min_partitions.max(1)));
        Rdd::from_impl(Arc::new(PositionedTextFileRdd(TextFileRdd {
            core: RddCore::new(ctx, "text_file_positioned"),
            splits,
        })))
    }

    fn open(&self, split: usize, tc: &Arc<TaskContext>) -> Result<LineReader> {
        let splits = self.splits.as_ref().map_err(|e| e.clone())?;
        let s = &splits[split];
        let open = |start| storage::open(&s.path, start).map_err(|e| storage_error(&s.path, e));
        let mut lines = if s.compressed {
            let file = open(0)?;
            LineReader {
                input: BufReader::with_capacity(
                    256 * 1024,
                    Box::new(flate2::read::MultiGzDecoder::new(file)) as Box<dyn Read + Send>,
                ),
                pos: 0,
                end: u64::MAX,
                buf: Vec::new(),
                tc: tc.clone(),
                path: s.path.clone(),
                records: 0,
            }
        } else {
            let file = open(s.start)?;
            LineReader {
                input: BufReader::with_capacity(256 * 1024, file),
                pos: s.start,
                end: s.end,
                buf: Vec::new(),
                tc: tc.clone(),
                path: s.path.clone(),
                records: 0,
            }
        };
        if s.start != 0 && !s.compressed {
            // The line in progress at `start` belongs to the previous split.
            lines
                .read_raw_line()
                .map_err(|e| RddError::io(&s.path, e))?;
        }
        Ok(lines)
    }
}

/// A line of a text file, where it was read from (Hive's
/// INPUT__FILE__NAME and BLOCK__OFFSET__INSIDE__FILE).
#[derive(Debug, Clone)]
pub struct PositionedLine {
    /// The file.
    pub file: Arc<str>,
    /// Byte offset of the line's start in the file.
    pub offset: u64,
    /// The line, without its end.
    pub text: String,
}

struct PositionedTextFileRdd(TextFileRdd);

fn make_splits(files: Vec<(PathBuf, u64)>, min_partitions: usize) -> Vec<FileSplit> {
    let total: u64 = files.iter().map(|f| f.1).sum();
    let goal = total / min_partitions as u64;
    let size = goal.clamp(1, MAX_SPLIT);
    let mut splits = Vec::new();
    for (path, len) in files {
        if is_gzip(&path) || len == 0 {
            splits.push(FileSplit {
                compressed: is_gzip(&path),
                path,
                start: 0,
                end: len,
            });
            continue;
        }
        let mut start = 0;
        while (len - start) as f64 / size as f64 > SPLIT_SLOP {
            splits.push(FileSplit {
                path: path.clone(),
                start,
                end: start + size,
                compressed: false,
            });
            start += size;
        }
        splits.push(FileSplit {
            path,
            start,
            end: len,
            compressed: false,
        });
    }
    splits
}

impl RddBase for TextFileRdd {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        match &self.splits {
            Ok(s) => s.len(),
            Err(_) => 1,
        }
    }
    fn dependencies(&self) -> Vec<Dependency> {
        Vec::new()
    }
}

impl RddImpl<String> for TextFileRdd {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<String>> {
        Ok(Box::new(self.open(split, tc)?))
    }
}

impl RddBase for PositionedTextFileRdd {
    fn core(&self) -> &RddCore {
        self.0.core()
    }
    fn num_partitions(&self) -> usize {
        self.0.num_partitions()
    }
    fn dependencies(&self) -> Vec<Dependency> {
        Vec::new()
    }
}

impl RddImpl<PositionedLine> for PositionedTextFileRdd {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<PositionedLine>> {
        let mut lines = self.0.open(split, tc)?;
        let file: Arc<str> = Arc::from(lines.path.display().to_string());
        Ok(Box::new(std::iter::from_fn(move || {
            let offset = lines.pos;
            lines.next().map(|text| PositionedLine {
                file: file.clone(),
                offset,
                text,
            })
        })))
    }
}

struct LineReader {
    input: BufReader<Box<dyn Read + Send>>,
    pos: u64,
    end: u64,
    buf: Vec<u8>,
    tc: Arc<TaskContext>,
    path: PathBuf,
    records: u64,
}

impl LineReader {
    fn read_raw_line(&mut self) -> std::io::Result<usize> {
        self.buf.clear();
        let n = self.input.read_until(b'\n', &mut self.buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Iterator for LineReader {
    type Item = String;
    fn next(&mut self) -> Option<String> {
        if self.pos > self.end {
            return None;
        }
        match self.read_raw_line() {
            Ok(0) => None,
            Ok(n) => {
                TaskMetrics::add(&self.tc.metrics.bytes_read, n as u64);
                self.records += 1;
                let mut line = &self.buf[..];
                if line.ends_with(b"\n") {
                    line = &line[..line.len() - 1];
                    if line.ends_with(b"\r") {
                        line = &line[..line.len() - 1];
                    }
                }
                Some(match std::str::from_utf8(line) {
                    Ok(s) => s.to_string(),
                    Err(_) => String::from_utf8_lossy(line).into_owned(),
                })
            }
            Err(e) => {
                self.tc.fail(RddError::io(&self.path, e));
                None
            }
        }
    }
}

impl Drop for LineReader {
    fn drop(&mut self) {
        TaskMetrics::add(&self.tc.metrics.records_read, self.records);
    }
}

pub(crate) struct WholeTextFilesRdd {
    core: RddCore,
    files: Result<Vec<(PathBuf, u64)>>,
    partitions: usize,
}

impl WholeTextFilesRdd {
    pub fn create(ctx: &Context, spec: &str, min_partitions: usize) -> Rdd<(String, String)> {
        let files = list_files(spec);
        let partitions = match &files {
            Ok(f) => min_partitions.clamp(1, f.len().max(1)),
            Err(_) => 1,
        };
        Rdd::from_impl(Arc::new(WholeTextFilesRdd {
            core: RddCore::new(ctx, "whole_text_files"),
            files,
            partitions,
        }))
    }
}

impl RddBase for WholeTextFilesRdd {
    fn core(&self) -> &RddCore {
        &self.core
    }
    fn num_partitions(&self) -> usize {
        self.partitions
    }
    fn dependencies(&self) -> Vec<Dependency> {
        Vec::new()
    }
}

impl RddImpl<(String, String)> for WholeTextFilesRdd {
    fn compute(&self, split: usize, tc: &Arc<TaskContext>) -> Result<BoxIter<(String, String)>> {
        let files = self.files.as_ref().map_err(|e| e.clone())?;
        let (lo, hi) = slice_bounds(files.len(), self.partitions, split);
        let mut out = Vec::with_capacity(hi - lo);
        for (path, _) in &files[lo..hi] {
            let file = storage::open(path, 0).map_err(|e| storage_error(path, e))?;
            let mut reader: Box<dyn Read> = if is_gzip(path) {
                Box::new(flate2::read::MultiGzDecoder::new(file))
            } else {
                Box::new(file)
            };
            let mut bytes = Vec::new();
            reader
                .read_to_end(&mut bytes)
                .map_err(|e| RddError::io(path, e))?;
            TaskMetrics::add(&tc.metrics.bytes_read, bytes.len() as u64);
            TaskMetrics::add(&tc.metrics.records_read, 1);
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            out.push((path.display().to_string(), text));
        }
        Ok(Box::new(out.into_iter()))
    }
}

/// Files named by a comma-separated list of paths, directories and globs,
/// with their sizes. Hidden files (`_` or `.` prefix, e.g. `_SUCCESS`,
/// `.crc`) and subdirectories are skipped, as Hadoop does.
pub(crate) fn list_files(spec: &str) -> Result<Vec<(PathBuf, u64)>> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let part = part.strip_prefix("file://").unwrap_or(part);
        if storage::is_remote(Path::new(part)) && part.contains(['*', '?', '[', '{']) {
            return Err(RddError::InputNotFound(format!(
                "{part} (patterns are not expanded on object stores: name a folder)"
            )));
        }
        // A path that exists is taken literally even if it has glob characters.
        let matches = if part.contains(['*', '?', '[', '{']) && !Path::new(part).exists() {
            let m = crate::glob::expand(part);
            if m.is_empty() {
                return Err(RddError::InputNotFound(format!(
                    "{part} (the pattern matches 0 files)"
                )));
            }
            m
        } else {
            vec![PathBuf::from(part)]
        };
        for path in matches {
            if storage::is_remote(&path) {
                let files =
                    storage::list_files(&path, false).map_err(|e| storage_error(&path, e))?;
                out.extend(files);
                continue;
            }
            let meta = std::fs::metadata(&path)
                .map_err(|_| RddError::InputNotFound(path.display().to_string()))?;
            if meta.is_dir() {
                let mut entries: Vec<(PathBuf, u64)> = std::fs::read_dir(&path)
                    .map_err(|e| RddError::io(&path, e))?
                    .flatten()
                    .filter(|e| !is_hidden(&e.file_name().to_string_lossy()))
                    .filter_map(|e| {
                        let m = e.metadata().ok()?;
                        m.is_file().then(|| (e.path(), m.len()))
                    })
                    .collect();
                entries.sort();
                out.extend(entries);
            } else {
                out.push((path, meta.len()));
            }
        }
    }
    if out.is_empty() && spec.trim().is_empty() {
        return Err(RddError::InputNotFound("(empty path)".into()));
    }
    Ok(out)
}

/// A file that is not there is missing input; anything else an I/O error.
fn storage_error(path: &Path, e: storage::StorageError) -> RddError {
    if e.is_not_found() {
        RddError::InputNotFound(path.display().to_string())
    } else {
        RddError::io(path, std::io::Error::other(e.to_string()))
    }
}

/// Hadoop's hidden-file rule.
pub(crate) fn is_hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_cover_files_and_respect_the_slop() {
        let files = vec![(PathBuf::from("a"), 100), (PathBuf::from("b"), 0)];
        let s = make_splits(files, 4);
        assert_eq!(s.len(), 5);
        assert_eq!(s[0].start, 0);
        assert_eq!(s[3].end, 100);
        let s = make_splits(vec![(PathBuf::from("c"), 105)], 1);
        assert_eq!(s.len(), 1);
    }
}
