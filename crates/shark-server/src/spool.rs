//! Query results spooled to local disk, so the server holds a result of
//! any size without holding it in memory. Each batch is appended to the
//! query's file as a self-contained Arrow IPC stream and indexed by row;
//! pages and the streamed formats read it back one batch at a time, and a
//! reader may follow a result that is still being written (a client can
//! stream rows while the engine produces them).

use arrow::datatypes::SchemaRef;
use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::StreamWriter;
use arrow::record_batch::RecordBatch;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Why a batch could not be spooled.
#[derive(Debug)]
pub enum SpoolError {
    /// A size limit was reached; the result is cut here (truncated).
    Full(String),
    /// The disk failed us.
    Io(std::io::Error),
}

impl std::fmt::Display for SpoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpoolError::Full(why) => f.write_str(why),
            SpoolError::Io(e) => write!(f, "cannot spool the result: {e}"),
        }
    }
}

/// The folder results are spooled to, with the limits on what they take.
pub struct SpoolDir {
    path: PathBuf,
    max_result_bytes: u64,
    budget: u64,
    used: AtomicU64,
    files: AtomicU64,
}

impl SpoolDir {
    /// Spools under `path` (created): at most `max_result_bytes` per result
    /// and `budget` bytes for all results kept at once.
    pub fn new(path: PathBuf, max_result_bytes: u64, budget: u64) -> std::io::Result<SpoolDir> {
        std::fs::create_dir_all(&path)?;
        Ok(SpoolDir {
            path,
            max_result_bytes,
            budget,
            used: AtomicU64::new(0),
            files: AtomicU64::new(0),
        })
    }

    /// Bytes spooled by all results alive now.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::SeqCst)
    }

    /// Takes `n` bytes of the shared budget, or says which limit stops it.
    fn reserve(&self, n: u64) -> Result<(), SpoolError> {
        let before = self.used.fetch_add(n, Ordering::SeqCst);
        if before + n > self.budget {
            self.used.fetch_sub(n, Ordering::SeqCst);
            return Err(SpoolError::Full(format!(
                "the server's result spool is full (--max-spool-bytes {})",
                self.budget
            )));
        }
        Ok(())
    }

    /// A new, empty result with `schema`.
    pub fn create(self: &Arc<Self>, schema: SchemaRef) -> std::io::Result<Arc<Spool>> {
        let n = self.files.fetch_add(1, Ordering::Relaxed);
        let path = self
            .path
            .join(format!("result-{}-{n}.arrows", std::process::id()));
        let file = File::options().create_new(true).append(true).open(&path)?;
        Ok(Arc::new(Spool {
            dir: self.clone(),
            path,
            schema,
            writer: Mutex::new(file),
            state: Mutex::new(Written::default()),
            changed: Condvar::new(),
        }))
    }
}

/// Where one batch lies in the file and which rows it holds.
#[derive(Debug, Clone, Copy)]
struct Entry {
    offset: u64,
    len: u64,
    first_row: usize,
    rows: usize,
}

#[derive(Debug, Default)]
struct Written {
    index: Vec<Entry>,
    rows: usize,
    bytes: u64,
    end: Option<End>,
}

/// How a result's writing ended.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    /// Every row the query kept is in the file.
    Complete,
    /// The query failed or was cancelled; readers should not present the
    /// rows as a whole result.
    Failed(String),
}

/// One query result on disk. The file is removed when the last holder
/// (the query, or a reader still streaming it) lets go.
pub struct Spool {
    dir: Arc<SpoolDir>,
    path: PathBuf,
    schema: SchemaRef,
    writer: Mutex<File>,
    state: Mutex<Written>,
    changed: Condvar,
}

impl std::fmt::Debug for Spool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spool")
            .field("path", &self.path)
            .field("written", &*self.written())
            .finish()
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let bytes = self.written().bytes;
        self.dir.used.fetch_sub(bytes, Ordering::SeqCst);
        let _ = std::fs::remove_file(&self.path);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn encode(schema: &SchemaRef, batch: &RecordBatch) -> Result<Vec<u8>, arrow::error::ArrowError> {
    let batch = RecordBatch::try_new(schema.clone(), batch.columns().to_vec())?;
    let mut w = StreamWriter::try_new(Vec::new(), schema)?;
    w.write(&batch)?;
    w.into_inner()
}

impl Spool {
    fn written(&self) -> MutexGuard<'_, Written> {
        lock(&self.state)
    }

    /// The result's columns.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Rows spooled so far.
    pub fn rows(&self) -> usize {
        self.written().rows
    }

    /// Bytes spooled so far.
    pub fn bytes(&self) -> u64 {
        self.written().bytes
    }

    /// How writing ended, once it has.
    pub fn end(&self) -> Option<End> {
        self.written().end.clone()
    }

    /// Appends a batch (only the query's runner writes). A batch that would
    /// pass a size limit is not written and `Full` says which.
    pub fn append(&self, batch: &RecordBatch) -> Result<(), SpoolError> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let bytes = encode(&self.schema, batch)
            .map_err(|e| SpoolError::Io(std::io::Error::other(e.to_string())))?;
        let len = bytes.len() as u64;
        let (offset, first_row) = {
            let w = self.written();
            (w.bytes, w.rows)
        };
        if offset + len > self.dir.max_result_bytes {
            return Err(SpoolError::Full(format!(
                "the result passed the server's --max-result-bytes ({})",
                self.dir.max_result_bytes
            )));
        }
        self.dir.reserve(len)?;
        let mut file = lock(&self.writer);
        if let Err(e) = file.write_all(&bytes) {
            // Drop the partial write so the file stays as the index says.
            let _ = file.set_len(offset);
            self.dir.used.fetch_sub(len, Ordering::SeqCst);
            return Err(SpoolError::Io(e));
        }
        drop(file);
        let mut w = self.written();
        w.index.push(Entry {
            offset,
            len,
            first_row,
            rows: batch.num_rows(),
        });
        w.rows += batch.num_rows();
        w.bytes += len;
        drop(w);
        self.changed.notify_all();
        Ok(())
    }

    /// No more rows will come; wakes readers following the result.
    pub fn finish(&self, end: End) {
        let mut w = self.written();
        if w.end.is_none() {
            w.end = Some(end);
        }
        drop(w);
        self.changed.notify_all();
    }

    /// Rows `offset..offset+limit` as read back now (not waiting for more).
    pub fn page(
        self: &Arc<Self>,
        offset: usize,
        limit: usize,
    ) -> std::io::Result<Vec<RecordBatch>> {
        let mut reader = self.reader(offset, limit)?;
        let mut out = Vec::new();
        while let Next::Batch(b) = reader.next(None)? {
            out.push(b);
        }
        Ok(out)
    }

    /// A reader of rows `offset..offset+limit` that can wait for rows
    /// still to be written.
    pub fn reader(self: &Arc<Self>, offset: usize, limit: usize) -> std::io::Result<SpoolReader> {
        Ok(SpoolReader {
            file: File::open(&self.path)?,
            spool: self.clone(),
            next_row: offset,
            left: limit,
        })
    }
}

/// What a reader found.
#[derive(Debug)]
pub enum Next {
    /// The next rows.
    Batch(RecordBatch),
    /// No more rows to read: the range or the complete result was read,
    /// or (when not waiting) the rows written so far were.
    End,
    /// The query failed or was cancelled before its result was complete.
    Failed(String),
    /// Nothing new within the wait; ask again.
    Pending,
}

/// Reads a spooled result forward, batch by batch.
pub struct SpoolReader {
    spool: Arc<Spool>,
    file: File,
    next_row: usize,
    left: usize,
}

impl SpoolReader {
    /// The next batch of the range. With `wait`, a reader at the rows
    /// written so far waits up to that long for more (`Pending` if none
    /// came); without, it ends there.
    pub fn next(&mut self, wait: Option<Duration>) -> std::io::Result<Next> {
        if self.left == 0 {
            return Ok(Next::End);
        }
        let entry = {
            let mut w = self.spool.written();
            loop {
                let at = w
                    .index
                    .partition_point(|e| e.first_row + e.rows <= self.next_row);
                if let Some(e) = w.index.get(at) {
                    break *e;
                }
                match (&w.end, wait) {
                    (Some(End::Failed(why)), _) => return Ok(Next::Failed(why.clone())),
                    (Some(End::Complete), _) | (None, None) => return Ok(Next::End),
                    (None, Some(d)) => {
                        let (g, timeout) = self
                            .spool
                            .changed
                            .wait_timeout(w, d)
                            .unwrap_or_else(|e| e.into_inner());
                        w = g;
                        if timeout.timed_out() && w.end.is_none() && w.rows <= self.next_row {
                            return Ok(Next::Pending);
                        }
                    }
                }
            }
        };
        let batch = self.read(&entry)?;
        let skip = self.next_row - entry.first_row;
        let take = (entry.rows - skip).min(self.left);
        self.next_row += take;
        self.left -= take;
        Ok(Next::Batch(batch.slice(skip, take)))
    }

    fn read(&mut self, e: &Entry) -> std::io::Result<RecordBatch> {
        let mut bytes = vec![0u8; e.len as usize];
        self.file.seek(SeekFrom::Start(e.offset))?;
        self.file.read_exact(&mut bytes)?;
        let bad = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
        let mut r = StreamReader::try_new(std::io::Cursor::new(bytes), None)
            .map_err(|e| bad(format!("spooled batch: {e}")))?;
        match r.next() {
            Some(Ok(b)) => Ok(b),
            Some(Err(e)) => Err(bad(format!("spooled batch: {e}"))),
            None => Err(bad("spooled batch is empty".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("k", DataType::Int64, true),
            Field::new("v", DataType::Utf8, true),
        ]))
    }

    fn batch(from: i64, n: i64) -> RecordBatch {
        let k: Vec<i64> = (from..from + n).collect();
        let v: Vec<String> = k.iter().map(|k| format!("v{k}")).collect();
        RecordBatch::try_new(
            schema(),
            vec![
                Arc::new(Int64Array::from(k)),
                Arc::new(StringArray::from(v)),
            ],
        )
        .unwrap()
    }

    fn keys(batches: &[RecordBatch]) -> Vec<i64> {
        batches
            .iter()
            .flat_map(|b| {
                let a = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
                a.values().to_vec()
            })
            .collect()
    }

    fn dir(max: u64, budget: u64) -> (tempfile::TempDir, Arc<SpoolDir>) {
        let t = tempfile::tempdir().unwrap();
        let d = SpoolDir::new(t.path().join("spool"), max, budget).unwrap();
        (t, Arc::new(d))
    }

    #[test]
    fn pages_cross_batches() {
        let (_t, d) = dir(u64::MAX, u64::MAX);
        let s = d.create(schema()).unwrap();
        for i in 0..5 {
            s.append(&batch(i * 10, 10)).unwrap();
        }
        s.finish(End::Complete);
        assert_eq!(s.rows(), 50);
        assert_eq!(
            keys(&s.page(0, usize::MAX).unwrap()),
            (0..50).collect::<Vec<_>>()
        );
        assert_eq!(keys(&s.page(7, 6).unwrap()), (7..13).collect::<Vec<_>>());
        assert_eq!(
            keys(&s.page(45, 100).unwrap()),
            (45..50).collect::<Vec<_>>()
        );
        assert!(s.page(50, 10).unwrap().is_empty());
        assert_eq!(d.used(), s.bytes());
    }

    #[test]
    fn limits_cut_the_result_and_the_file_goes_with_it() {
        let one = encode(&schema(), &batch(0, 10)).unwrap().len() as u64;
        let (t, d) = dir(one * 2, one * 3);
        let a = d.create(schema()).unwrap();
        a.append(&batch(0, 10)).unwrap();
        a.append(&batch(10, 10)).unwrap();
        assert!(
            matches!(a.append(&batch(20, 10)), Err(SpoolError::Full(m)) if m.contains("max-result-bytes"))
        );
        let b = d.create(schema()).unwrap();
        b.append(&batch(0, 10)).unwrap();
        assert!(
            matches!(b.append(&batch(10, 10)), Err(SpoolError::Full(m)) if m.contains("spool is full"))
        );
        assert_eq!(d.used(), one * 3);
        drop(a);
        assert_eq!(d.used(), one);
        b.append(&batch(10, 10)).unwrap();
        drop(b);
        assert_eq!(d.used(), 0);
        assert_eq!(
            std::fs::read_dir(t.path().join("spool")).unwrap().count(),
            0
        );
    }

    #[test]
    fn a_reader_follows_the_writer() {
        let (_t, d) = dir(u64::MAX, u64::MAX);
        let s = d.create(schema()).unwrap();
        let mut r = s.reader(0, usize::MAX).unwrap();
        assert!(matches!(
            r.next(Some(Duration::from_millis(10))).unwrap(),
            Next::Pending
        ));
        let w = s.clone();
        let writer = std::thread::spawn(move || {
            for i in 0..3 {
                std::thread::sleep(Duration::from_millis(20));
                w.append(&batch(i * 4, 4)).unwrap();
            }
            w.finish(End::Complete);
        });
        let mut got = Vec::new();
        loop {
            match r.next(Some(Duration::from_millis(500))).unwrap() {
                Next::Batch(b) => got.push(b),
                Next::Pending => continue,
                Next::End => break,
                Next::Failed(m) => panic!("{m}"),
            }
        }
        writer.join().unwrap();
        assert_eq!(keys(&got), (0..12).collect::<Vec<_>>());
    }

    #[test]
    fn a_failed_query_fails_its_readers() {
        let (_t, d) = dir(u64::MAX, u64::MAX);
        let s = d.create(schema()).unwrap();
        s.append(&batch(0, 3)).unwrap();
        s.finish(End::Failed("boom".into()));
        let mut r = s.reader(0, usize::MAX).unwrap();
        assert!(matches!(
            r.next(Some(Duration::from_millis(10))).unwrap(),
            Next::Batch(_)
        ));
        assert!(
            matches!(r.next(Some(Duration::from_millis(10))).unwrap(), Next::Failed(m) if m == "boom")
        );
    }
}
