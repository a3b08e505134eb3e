//! The rows of a statement, produced on demand: jobs run over a few
//! partitions at a time as the caller reads, so a large result is never
//! held whole and reading can stop early. A task whose rows pass a size
//! (`shark.task.maxDirectResultSize`) writes the rest to a file in the
//! scratch folder and hands back the file — Spark's indirect task results —
//! so memory stays bounded even when one partition holds most of the rows.

use crate::batch::Batch;
use crate::error::Result;
use arrow::array::StringArray;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::StreamWriter;
use arrow::record_batch::RecordBatch;
use rdd::{CancelToken, Rdd, RddError};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Bytes of one task's rows held in memory by default.
pub(crate) const DEFAULT_MAX_DIRECT_BYTES: u64 = 8 << 20;

/// Rows of a statement: a stream of record batches with one schema.
pub struct QueryResult {
    schema: SchemaRef,
    source: Source,
    profile: Option<Arc<crate::physical::metrics::QueryProfile>>,
}

enum Source {
    Ready(VecDeque<RecordBatch>),
    Rdd(Box<RddSource>),
}

struct RddSource {
    rdd: Rdd<Batch>,
    next: usize,
    window: usize,
    parts: VecDeque<TaskRows>,
    cancel: CancelToken,
    max_direct_bytes: u64,
    failed: bool,
}

/// One task's rows as it handed them back.
enum TaskRows {
    Held(VecDeque<RecordBatch>),
    Spilled(SpilledRows),
}

/// A task's rows in a file, read back in order; the file goes when this does.
struct SpilledRows {
    reader: StreamReader<BufReader<File>>,
    _file: SpillFile,
}

/// A file removed when dropped (a failed task's, or one read to the end).
struct SpillFile(PathBuf);

impl Drop for SpillFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

static SPILL_FILES: AtomicU64 = AtomicU64::new(0);

fn io_error(path: &Path, e: impl std::fmt::Display) -> RddError {
    RddError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Gives `b` the result's schema (names and nullability as planned).
fn conform(schema: &SchemaRef, b: RecordBatch) -> RecordBatch {
    RecordBatch::try_new(schema.clone(), b.columns().to_vec()).unwrap_or(b)
}

/// What a task sends back: its rows, in memory up to `max_direct` bytes,
/// past that in a file under `dir`.
fn gather(
    rows: impl Iterator<Item = Batch>,
    schema: &SchemaRef,
    dir: &Path,
    max_direct: u64,
) -> rdd::Result<(Vec<RecordBatch>, Option<SpillFile>)> {
    let mut held = Vec::new();
    let mut bytes = 0u64;
    let mut spill: Option<(SpillFile, StreamWriter<BufWriter<File>>)> = None;
    for Batch(b) in rows {
        if b.num_rows() == 0 {
            continue;
        }
        let b = conform(schema, b);
        if let Some((f, w)) = &mut spill {
            w.write(&b).map_err(|e| io_error(&f.0, e))?;
            continue;
        }
        bytes += b.get_array_memory_size() as u64;
        held.push(b);
        if bytes > max_direct {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
            let n = SPILL_FILES.fetch_add(1, Ordering::Relaxed);
            let file = SpillFile(dir.join(format!("rows-{}-{n}.arrows", std::process::id())));
            let out = File::create(&file.0).map_err(|e| io_error(&file.0, e))?;
            let mut w = StreamWriter::try_new(BufWriter::new(out), schema)
                .map_err(|e| io_error(&file.0, e))?;
            for b in held.drain(..) {
                w.write(&b).map_err(|e| io_error(&file.0, e))?;
            }
            spill = Some((file, w));
        }
    }
    match spill {
        None => Ok((held, None)),
        Some((file, mut w)) => {
            w.finish().map_err(|e| io_error(&file.0, e))?;
            Ok((Vec::new(), Some(file)))
        }
    }
}

impl TaskRows {
    fn open(held: Vec<RecordBatch>, spilled: Option<SpillFile>) -> Result<TaskRows> {
        let Some(file) = spilled else {
            return Ok(TaskRows::Held(held.into()));
        };
        let f = File::open(&file.0).map_err(|e| io_error(&file.0, e))?;
        let reader =
            StreamReader::try_new(BufReader::new(f), None).map_err(|e| io_error(&file.0, e))?;
        Ok(TaskRows::Spilled(SpilledRows {
            reader,
            _file: file,
        }))
    }

    /// The next batch, `None` at the end of this task's rows.
    fn next(&mut self) -> Option<Result<RecordBatch>> {
        match self {
            TaskRows::Held(batches) => batches.pop_front().map(Ok),
            TaskRows::Spilled(s) => s.reader.next().map(|r| r.map_err(Into::into)),
        }
    }
}

impl QueryResult {
    /// Streams the batches of `rdd`, partition by partition.
    pub fn from_rdd(schema: SchemaRef, rdd: Rdd<Batch>, cancel: CancelToken) -> Self {
        let window = rdd.context().workers().max(1) * 2;
        QueryResult {
            schema,
            source: Source::Rdd(Box::new(RddSource {
                rdd,
                next: 0,
                window,
                parts: VecDeque::new(),
                cancel,
                max_direct_bytes: DEFAULT_MAX_DIRECT_BYTES,
                failed: false,
            })),
            profile: None,
        }
    }

    /// Attaches the query's profile (its plan and live metrics).
    pub fn with_profile(mut self, profile: Arc<crate::physical::metrics::QueryProfile>) -> Self {
        self.profile = Some(profile);
        self
    }

    /// The running query's plan and per-operator metrics, for queries.
    pub fn profile(&self) -> Option<&Arc<crate::physical::metrics::QueryProfile>> {
        self.profile.as_ref()
    }

    /// Sets how many bytes of one task's rows are held in memory; the rest
    /// of that task's rows go through a file.
    pub fn with_max_direct_bytes(mut self, bytes: u64) -> Self {
        if let Source::Rdd(s) = &mut self.source {
            s.max_direct_bytes = bytes;
        }
        self
    }

    /// A result from batches already computed.
    pub fn from_batches(schema: SchemaRef, batches: Vec<RecordBatch>) -> Self {
        QueryResult {
            schema,
            source: Source::Ready(batches.into()),
            profile: None,
        }
    }

    pub(super) fn lines(column: &str, lines: Vec<String>) -> Self {
        let schema = Arc::new(Schema::new(vec![Field::new(column, DataType::Utf8, true)]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(StringArray::from(lines))])
            .expect("one string column");
        Self::from_batches(schema, vec![batch])
    }

    pub(super) fn table(columns: &[&str], rows: Vec<Vec<String>>) -> Self {
        let schema = Arc::new(Schema::new(
            columns
                .iter()
                .map(|c| Field::new(*c, DataType::Utf8, true))
                .collect::<Vec<_>>(),
        ));
        let cols = (0..columns.len())
            .map(|i| {
                Arc::new(StringArray::from(
                    rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>(),
                )) as arrow::array::ArrayRef
            })
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), cols).expect("string columns");
        Self::from_batches(schema, vec![batch])
    }

    /// The result's columns.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Every remaining batch.
    pub fn collect_batches(self) -> Result<Vec<RecordBatch>> {
        self.collect()
    }
}

impl RddSource {
    /// Runs the next window of partitions; `false` when none are left.
    fn run_window(&mut self, schema: &SchemaRef) -> Result<bool> {
        if self.next >= self.rdd.num_partitions() {
            return Ok(false);
        }
        let end = (self.next + self.window).min(self.rdd.num_partitions());
        let parts: Vec<usize> = (self.next..end).collect();
        self.next = end;
        let ctx = self.rdd.context().clone();
        let dir = ctx.scratch_dir().join("task-results");
        let (schema, max) = (schema.clone(), self.max_direct_bytes);
        let outputs = ctx.run_with_cancel(&self.cancel, || {
            ctx.run_job(&self.rdd, Some(&parts), move |_, it| {
                gather(it, &schema, &dir, max)
            })
        });
        // Spilled files are removed by whoever drops them, on any path.
        for (held, spilled) in outputs? {
            self.parts.push_back(TaskRows::open(held, spilled)?);
        }
        Ok(true)
    }
}

impl Iterator for QueryResult {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Result<RecordBatch>> {
        let schema = self.schema.clone();
        let s = match &mut self.source {
            Source::Ready(batches) => return batches.pop_front().map(Ok),
            Source::Rdd(s) => s,
        };
        loop {
            if s.failed {
                return None;
            }
            if let Some(part) = s.parts.front_mut() {
                match part.next() {
                    Some(Ok(b)) if b.num_rows() == 0 => continue,
                    Some(Ok(b)) => return Some(Ok(conform(&schema, b))),
                    Some(Err(e)) => {
                        s.failed = true;
                        return Some(Err(e));
                    }
                    None => {
                        s.parts.pop_front();
                        continue;
                    }
                }
            }
            match s.run_window(&schema) {
                Ok(true) => continue,
                Ok(false) => return None,
                Err(e) => {
                    s.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]))
    }

    fn rdd(ctx: &rdd::Context, parts: usize, per_part: i64) -> Rdd<Batch> {
        let s = schema();
        ctx.parallelize((0..parts as i64).collect(), Some(parts))
            .flat_map(move |p| {
                let s = s.clone();
                (0..4).map(move |chunk| {
                    let from = p * per_part + chunk * per_part / 4;
                    let v: Vec<i64> = (from..from + per_part / 4).collect();
                    Batch(
                        RecordBatch::try_new(s.clone(), vec![Arc::new(Int64Array::from(v))])
                            .unwrap(),
                    )
                })
            })
    }

    fn values(r: QueryResult) -> Vec<i64> {
        r.collect_batches()
            .unwrap()
            .iter()
            .flat_map(|b| {
                b.column(0)
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .unwrap()
                    .values()
                    .to_vec()
            })
            .collect()
    }

    fn spill_files(ctx: &rdd::Context) -> usize {
        std::fs::read_dir(ctx.scratch_dir().join("task-results"))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    #[test]
    fn large_task_results_go_through_files_in_order() {
        let ctx = rdd::Context::new("local[2]", "result-test").unwrap();
        let r = QueryResult::from_rdd(schema(), rdd(&ctx, 7, 4000), CancelToken::new())
            .with_max_direct_bytes(10_000);
        assert_eq!(values(r), (0..28_000).collect::<Vec<_>>());
        assert_eq!(spill_files(&ctx), 0, "files are removed once read");
        // Held in memory when small enough: the same rows.
        let r = QueryResult::from_rdd(schema(), rdd(&ctx, 7, 4000), CancelToken::new());
        assert_eq!(values(r), (0..28_000).collect::<Vec<_>>());
        ctx.stop();
    }

    #[test]
    fn stopping_early_leaves_no_files() {
        let ctx = rdd::Context::new("local[2]", "result-test").unwrap();
        let mut r = QueryResult::from_rdd(schema(), rdd(&ctx, 8, 4000), CancelToken::new())
            .with_max_direct_bytes(1);
        let first = r.next().unwrap().unwrap();
        assert_eq!(first.num_rows(), 1000);
        assert!(spill_files(&ctx) > 0);
        drop(r);
        assert_eq!(spill_files(&ctx), 0);
        ctx.stop();
    }
}
