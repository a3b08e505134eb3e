//! Table sources: where a scan's record batches come from. In-memory
//! batches, Hive text files and Parquet files; the catalog adds its tables
//! on top of these.

use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::expr::{BinaryOp, Expr};
use crate::scalar::ScalarValue;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use hive::parquet_file::{self, ColumnRange, ParquetSplit};
use hive::text::TextFormat;
use rdd::{Context, Rdd};
use std::path::PathBuf;
use std::sync::Arc;

/// Rows per batch produced by scans.
pub const BATCH_ROWS: usize = 8192;

/// Something a query can scan.
pub trait TableSource: Send + Sync {
    /// Every column of the table.
    fn schema(&self) -> SchemaRef;
    /// The table's rows as batches with only the `projection` columns (all
    /// when `None`). `filters` are predicates over table column indices the
    /// source may use to skip data; rows that fail them may still appear.
    fn scan(
        &self,
        ctx: &Context,
        projection: Option<&[usize]>,
        filters: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>>;
    /// Rough size in bytes, for join planning.
    fn estimated_bytes(&self) -> Option<u64>;
    /// Rows, when the source knows them without reading the data.
    fn estimated_rows(&self) -> Option<u64> {
        None
    }
    /// `memory`, `text`, `parquet`...
    fn kind(&self) -> String;
    /// An identity of the table's current contents (its files with their
    /// sizes and times; a memory table's creation), so that a cached copy
    /// can tell it went stale. `None` when unknown.
    fn version(&self) -> Option<u64> {
        None
    }
    /// True for a table whose definition asks to be kept in the table cache
    /// (Hive table property `shark.cache`='true'); answered from the
    /// definition already loaded, so checking it costs nothing per query.
    fn wants_cache(&self) -> bool {
        false
    }
    /// The table as data (format, paths, schema, partitions), so that a
    /// plan scanning it can be serialized and the scan opened elsewhere.
    fn descriptor(&self) -> SourceDescriptor;
    /// The CHAR(n) columns (position, n), which print padded to n; the
    /// cache passes on its table's.
    fn char_columns(&self) -> Vec<(usize, u32)> {
        Vec::new()
    }
}

/// A table source as plain data: what a serialized plan carries instead of
/// an open source. `open` turns it back into a `TableSource`.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub enum SourceDescriptor {
    /// Batches held in memory, as an Arrow IPC stream.
    Memory {
        /// The IPC stream (schema first).
        ipc: Vec<u8>,
    },
    /// Hive text files under a path.
    Text {
        /// The table's columns.
        #[serde(with = "crate::types::schema_ref")]
        schema: SchemaRef,
        /// A file or folder.
        path: PathBuf,
        /// Delimiters and NULL text.
        format: TextFormat,
    },
    /// Parquet files.
    Parquet {
        /// The table's columns.
        #[serde(with = "crate::types::schema_ref")]
        schema: SchemaRef,
        /// Its files.
        files: Vec<PathBuf>,
    },
    /// ORC files.
    Orc {
        /// The table's columns.
        #[serde(with = "crate::types::schema_ref")]
        schema: SchemaRef,
        /// Its files.
        files: Vec<PathBuf>,
    },
    /// Avro container files.
    Avro {
        /// The table's columns.
        #[serde(with = "crate::types::schema_ref")]
        schema: SchemaRef,
        /// Its files.
        files: Vec<PathBuf>,
    },
    /// A warehouse table (possibly partitioned).
    Hive(Box<HiveTableDescriptor>),
    /// A table in this engine's table cache, by cache key.
    Cached {
        /// The cache key.
        key: String,
    },
    /// A table read through a block sample (`TABLESAMPLE (n PERCENT)`).
    Sampled {
        /// The table.
        inner: Box<SourceDescriptor>,
        /// How much of it.
        size: SampleSize,
        /// Which block comes first.
        seed: u64,
    },
    /// A source that lives only in the process that made it (the rows of
    /// a query being cached); it cannot be opened elsewhere.
    Local {
        /// What it is, for the error.
        kind: String,
    },
}

/// How much of the table a block sample asks for.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum SampleSize {
    /// A percentage of the table's bytes (0-100).
    Percent(f64),
    /// A number of bytes.
    Bytes(u64),
}

/// How a table's files are encoded.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum StorageFormat {
    /// LazySimpleSerDe text.
    Text(TextFormat),
    /// Parquet.
    Parquet,
    /// ORC (Hive's OrcSerde).
    Orc,
    /// Avro container files (Hive's AvroSerDe).
    Avro,
}

impl StorageFormat {
    /// The format's name as `STORED AS` writes it, lower case.
    pub fn name(&self) -> &'static str {
        match self {
            StorageFormat::Text(_) => "text",
            StorageFormat::Parquet => "parquet",
            StorageFormat::Orc => "orc",
            StorageFormat::Avro => "avro",
        }
    }
}

/// One partition: its values (None for Hive's default partition) and folder.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PartitionDir {
    /// Values of the partition columns, as written in the folder names.
    pub values: Vec<Option<String>>,
    /// The partition's folder.
    pub location: PathBuf,
    /// The partition's own data columns (name, Hive type), when they differ
    /// from the table's: its files are read with these and converted.
    #[serde(default)]
    pub columns: Option<Vec<(String, String)>>,
}

/// A warehouse table as data (`SourceDescriptor::Hive`).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct HiveTableDescriptor {
    /// Data columns, then partition columns.
    #[serde(with = "crate::types::schema_ref")]
    pub schema: SchemaRef,
    /// The columns stored in the files.
    #[serde(with = "crate::types::schema_ref")]
    pub data_schema: SchemaRef,
    /// How the files are encoded.
    pub format: StorageFormat,
    /// The table's folder.
    pub location: PathBuf,
    /// Its partitions, for a partitioned table.
    pub partitions: Option<Vec<PartitionDir>>,
    /// For a bucketed table sampled by bucket: the buckets to read (files
    /// named for other buckets are skipped; files not named for a bucket
    /// are always read).
    #[serde(default)]
    pub buckets: Option<Vec<u32>>,
    /// For an unpartitioned table whose files are laid out by bucket: its
    /// clustering columns (positions among the data columns) and bucket count.
    #[serde(default)]
    pub bucketing: Option<(Vec<usize>, u32)>,
    /// Scanned as one partition per bucket (partition `i` holds bucket
    /// `i`), so that a join on the bucket columns needs no shuffle.
    #[serde(default)]
    pub by_bucket: bool,
    /// The CHAR(n) data columns (position, n): their values lose trailing
    /// blanks when read.
    #[serde(default)]
    pub chars: Vec<(usize, u32)>,
    /// The files each object-store folder reads, as its last commit
    /// recorded them (folders not here are listed).
    #[serde(default)]
    pub file_lists: FileLists,
}

/// Folder → the data files it reads with their sizes: what the metastore
/// recorded for locations on object stores, where a listing could show
/// files of a commit in progress.
pub type FileLists = std::collections::BTreeMap<PathBuf, Vec<(PathBuf, u64)>>;

/// The bucket a data file holds by Hive's naming (`000003_0`,
/// `000003_0_copy_2`, ACID's `bucket_00003`), if its name says.
pub fn bucket_of_file(path: &std::path::Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    let digits = name.strip_prefix("bucket_").unwrap_or(name);
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 || (end < digits.len() && !digits[end..].starts_with('_')) {
        return None;
    }
    digits[..end].parse().ok()
}

/// A version of the data files under `dirs`: it changes when a file is
/// added, removed, resized or rewritten (its modification time moves).
pub fn files_version<'a>(dirs: impl IntoIterator<Item = &'a std::path::Path>) -> Option<u64> {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0x5eed).build_hasher();
    for d in dirs {
        d.hash(&mut h);
        if !storage::exists(d).ok()? {
            continue;
        }
        for (f, len) in data_files(d).ok()? {
            // Objects are never rewritten in place by Shark (new names per
            // commit), so their names and sizes are their version.
            let modified = match storage::is_remote(&f) {
                true => None,
                false => Some(std::fs::metadata(&f).ok()?.modified().ok()?),
            };
            (f, len, modified).hash(&mut h);
        }
    }
    Some(h.finish())
}

static MEM_TABLES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn project(batch: &RecordBatch, projection: Option<&[usize]>) -> Result<RecordBatch> {
    match projection {
        None => Ok(batch.clone()),
        Some(p) => Ok(batch.project(p)?),
    }
}

/// Batches held in memory.
pub struct MemTable {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    id: u64,
}

impl MemTable {
    /// A table of `batches`, which must all have `schema`.
    pub fn try_new(schema: SchemaRef, batches: Vec<RecordBatch>) -> Result<Self> {
        for b in &batches {
            if b.schema().fields() != schema.fields() {
                return Err(SharkError::exec(
                    "batch schema does not match the table schema",
                ));
            }
        }
        let id = MEM_TABLES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(MemTable {
            schema,
            batches,
            id,
        })
    }
}

impl TableSource for MemTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn scan(
        &self,
        ctx: &Context,
        projection: Option<&[usize]>,
        _: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        let mut slices = Vec::new();
        let rows: usize = self.batches.iter().map(|b| b.num_rows()).sum();
        let target = rows.div_ceil(partitions.max(1)).clamp(1, BATCH_ROWS);
        for b in &self.batches {
            let mut offset = 0;
            while offset < b.num_rows() {
                let len = target.min(b.num_rows() - offset);
                slices.push(Batch(project(&b.slice(offset, len), projection)?));
                offset += len;
            }
        }
        let n = slices.len().clamp(1, partitions.max(1));
        Ok(ctx.parallelize(slices, Some(n)))
    }
    fn estimated_bytes(&self) -> Option<u64> {
        Some(
            self.batches
                .iter()
                .map(|b| b.get_array_memory_size() as u64)
                .sum(),
        )
    }
    fn kind(&self) -> String {
        "memory".into()
    }
    fn estimated_rows(&self) -> Option<u64> {
        Some(self.batches.iter().map(|b| b.num_rows() as u64).sum())
    }
    fn descriptor(&self) -> SourceDescriptor {
        let mut ipc = Vec::new();
        let written = (|| -> std::result::Result<(), arrow::error::ArrowError> {
            let mut w = arrow::ipc::writer::StreamWriter::try_new(&mut ipc, &self.schema)?;
            for b in &self.batches {
                w.write(b)?;
            }
            w.finish()
        })();
        match written {
            Ok(()) => SourceDescriptor::Memory { ipc },
            Err(_) => SourceDescriptor::Local {
                kind: "memory".into(),
            },
        }
    }
    fn version(&self) -> Option<u64> {
        Some(self.id)
    }
}

/// Lists data files under a path (local or on an object store),
/// recursively, skipping Hive's hidden files (`_SUCCESS`, `.crc`,
/// `_temporary`).
pub fn data_files(path: &std::path::Path) -> Result<Vec<(PathBuf, u64)>> {
    storage::list_files(path, true)
        .map_err(|e| SharkError::exec(format!("cannot read {}: {e}", path.display())))
}

/// A Hive text table: delimited lines under a path.
pub struct TextTable {
    schema: SchemaRef,
    path: PathBuf,
    format: TextFormat,
}

impl TextTable {
    /// Lines of the file or directory `path`, decoded with `format`.
    pub fn new(schema: SchemaRef, path: impl Into<PathBuf>, format: TextFormat) -> Self {
        TextTable {
            schema,
            path: path.into(),
            format,
        }
    }
}

impl TableSource for TextTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn scan(
        &self,
        ctx: &Context,
        projection: Option<&[usize]>,
        _: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        let files = data_files(&self.path)?;
        if files.is_empty() {
            return Ok(ctx.parallelize(Vec::new(), Some(1)));
        }
        let spec: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
        let lines = ctx.text_file(&spec.join(","), Some(partitions));
        let schema = self.schema.clone();
        let format = self.format.clone();
        let projection: Option<Vec<usize>> = projection.map(|p| p.to_vec());
        Ok(lines.map_partitions_with_context(false, move |_, tc, it| {
            let (schema, format, projection, tc) = (
                schema.clone(),
                format.clone(),
                projection.clone(),
                tc.clone(),
            );
            let mut it = it.peekable();
            Box::new(std::iter::from_fn(move || {
                let chunk: Vec<String> = it.by_ref().take(BATCH_ROWS).collect();
                if chunk.is_empty() {
                    return None;
                }
                match hive::text::parse_lines(&chunk, &schema, &format)
                    .map_err(SharkError::from)
                    .and_then(|(b, bad)| {
                        rdd::listener::TaskMetrics::add(&tc.metrics.invalid_values, bad);
                        project(&b, projection.as_deref())
                    }) {
                    Ok(b) => Some(Batch(b)),
                    Err(e) => {
                        tc.fail(e.into());
                        None
                    }
                }
            }))
        }))
    }
    fn estimated_bytes(&self) -> Option<u64> {
        data_files(&self.path)
            .ok()
            .map(|f| f.iter().map(|x| x.1).sum())
    }
    fn kind(&self) -> String {
        "text".into()
    }
    fn descriptor(&self) -> SourceDescriptor {
        SourceDescriptor::Text {
            schema: self.schema.clone(),
            path: self.path.clone(),
            format: self.format.clone(),
        }
    }
    fn version(&self) -> Option<u64> {
        files_version([self.path.as_path()])
    }
}

/// The data files under `path` with their sizes, and the table's schema:
/// `schema` when given, else the first file's (`read_schema`). `kind`
/// names the format for the error when there is no file to read it from.
pub(crate) fn files_and_schema(
    path: &std::path::Path,
    schema: Option<SchemaRef>,
    kind: &str,
    read_schema: impl Fn(&std::path::Path) -> Result<SchemaRef>,
) -> Result<(SchemaRef, Vec<(PathBuf, u64)>)> {
    let files = data_files(path)?;
    let schema = match (schema, files.first()) {
        (Some(s), _) => s,
        (None, Some((f, _))) => read_schema(f)?,
        (None, None) => {
            return Err(SharkError::exec(format!(
                "no {kind} files under {}",
                path.display()
            )))
        }
    };
    Ok((schema, files))
}

/// `files` with their sizes (0 for a file that cannot be read now; the
/// scan then fails on it).
pub(crate) fn with_sizes(files: Vec<PathBuf>) -> Vec<(PathBuf, u64)> {
    files
        .into_iter()
        .map(|f| {
            let len = storage::file_size(&f).unwrap_or(0);
            (f, len)
        })
        .collect()
}

/// A Parquet table: files under a path.
pub struct ParquetTable {
    schema: SchemaRef,
    files: Vec<PathBuf>,
    bytes: u64,
    /// Rows from the footers, read once (planning asks at every node).
    rows: std::sync::OnceLock<Option<u64>>,
}

impl ParquetTable {
    /// The Parquet files under `path`, with the schema of the first file
    /// unless `schema` is given.
    pub fn try_new(path: impl Into<PathBuf>, schema: Option<SchemaRef>) -> Result<Self> {
        let path = path.into();
        let (schema, files) = files_and_schema(&path, schema, "Parquet", |f| {
            Ok(parquet_file::read_schema(f)?)
        })?;
        Ok(ParquetTable {
            rows: Default::default(),
            schema,
            bytes: files.iter().map(|f| f.1).sum(),
            files: files.into_iter().map(|f| f.0).collect(),
        })
    }
}

impl ParquetTable {
    /// A table of exactly these files (sizes read now; a missing file
    /// counts 0 here and fails the scan).
    pub fn from_files(schema: SchemaRef, files: Vec<PathBuf>) -> ParquetTable {
        let bytes = with_sizes(files.clone()).iter().map(|f| f.1).sum();
        ParquetTable {
            schema,
            rows: Default::default(),
            files,
            bytes,
        }
    }
}

/// Rows of Parquet files from their footers (each read once per call: a
/// footer is a few KiB at the end of the file).
pub fn parquet_rows(files: &[PathBuf]) -> Option<u64> {
    files.iter().map(|f| parquet_file::row_count(f).ok()).sum()
}

/// Could a row group whose column `name` spans `range` hold a row where
/// `column op literal` is true?
fn may_match(range: &ColumnRange, op: BinaryOp, lit: &ScalarValue, literal_on_left: bool) -> bool {
    use std::cmp::Ordering::*;
    let op = if literal_on_left {
        match op {
            BinaryOp::Lt => BinaryOp::Gt,
            BinaryOp::LtEq => BinaryOp::GtEq,
            BinaryOp::Gt => BinaryOp::Lt,
            BinaryOp::GtEq => BinaryOp::LtEq,
            o => o,
        }
    } else {
        op
    };
    let (lo, hi) = match (range, lit) {
        (ColumnRange::Int(min, max), l) if l.as_i64().is_some() => {
            let v = l.as_i64().unwrap();
            (min.cmp(&v), max.cmp(&v))
        }
        (ColumnRange::Float(min, max), ScalarValue::Float64(v)) => {
            match (min.partial_cmp(v), max.partial_cmp(v)) {
                (Some(a), Some(b)) => (a, b),
                _ => return true,
            }
        }
        (ColumnRange::Bytes(min, max), ScalarValue::Utf8(v)) => (
            min.as_slice().cmp(v.as_bytes()),
            max.as_slice().cmp(v.as_bytes()),
        ),
        _ => return true,
    };
    match op {
        BinaryOp::Eq => lo != Greater && hi != Less,
        BinaryOp::Lt => lo == Less,
        BinaryOp::LtEq => lo != Greater,
        BinaryOp::Gt => hi == Greater,
        BinaryOp::GtEq => hi != Less,
        _ => true,
    }
}

impl TableSource for ParquetTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn scan(
        &self,
        ctx: &Context,
        projection: Option<&[usize]>,
        filters: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        // Simple `column op literal` predicates prune row groups by their statistics.
        let checks = column_comparisons(&self.schema, filters);
        let keep = |rg: &parquet::file::metadata::RowGroupMetaData| {
            checks.iter().all(
                |(name, op, v, flipped)| match parquet_file::column_range(rg, name) {
                    Some((range, _)) => may_match(&range, *op, v, *flipped),
                    None => true,
                },
            )
        };
        let target = (self.bytes / partitions.max(1) as u64).max(1);
        let splits: Vec<ParquetSplit> = parquet_file::plan_splits(&self.files, target, &keep)?;
        let n = splits.len().clamp(1, partitions.max(1));
        let columns: Vec<usize> = match projection {
            Some(p) => p.to_vec(),
            None => (0..self.schema.fields().len()).collect(),
        };
        let target = Arc::new(self.schema.project(&columns)?);
        Ok(ctx
            .parallelize(splits, Some(n))
            .map_partitions_with_context(false, move |_, tc, it| {
                let (target, tc) = (target.clone(), tc.clone());
                let wanted: Vec<String> =
                    target.fields().iter().map(|f| f.name().clone()).collect();
                Box::new(it.flat_map(move |split| {
                    let read = parquet_file::read_split_by_name(&split, &wanted, BATCH_ROWS);
                    piece_batches(&tc, &target, read)
                }))
            }))
    }
    fn estimated_bytes(&self) -> Option<u64> {
        Some(self.bytes)
    }
    fn estimated_rows(&self) -> Option<u64> {
        *self.rows.get_or_init(|| parquet_rows(&self.files))
    }
    fn kind(&self) -> String {
        "parquet".into()
    }
    fn descriptor(&self) -> SourceDescriptor {
        SourceDescriptor::Parquet {
            schema: self.schema.clone(),
            files: self.files.clone(),
        }
    }
    fn version(&self) -> Option<u64> {
        files_version(self.files.iter().map(|f| f.as_path()))
    }
}

/// The `column op literal` filters among `filters` (conjuncts over the
/// columns of `schema`), as (column name, operator, literal, whether the
/// literal was on the left): what file statistics can rule out.
pub(crate) fn column_comparisons(
    schema: &SchemaRef,
    filters: &[Expr],
) -> Vec<(String, BinaryOp, ScalarValue, bool)> {
    let mut checks = Vec::new();
    for f in filters {
        if let Expr::Binary {
            op, left, right, ..
        } = f
        {
            match (left.as_ref(), right.as_ref()) {
                (Expr::Column { index, .. }, Expr::Literal(v)) => {
                    checks.push((schema.field(*index).name().clone(), *op, v.clone(), false))
                }
                (Expr::Literal(v), Expr::Column { index, .. }) => {
                    checks.push((schema.field(*index).name().clone(), *op, v.clone(), true))
                }
                _ => {}
            }
        }
    }
    checks
}

/// Where each `wanted` column is in a file's `fields`: the file columns to
/// read (sorted, as readers return them) and, per wanted column, its
/// position among those (None when the file lacks it: read as NULL).
/// Names match case-insensitively; files whose columns are all named
/// `_col0`, `_col1`… (older Hive ORC writers) match by position.
pub(crate) fn file_positions(
    fields: &arrow::datatypes::Fields,
    table: &SchemaRef,
    wanted: &[String],
) -> (Vec<usize>, Vec<Option<usize>>) {
    let positional = !fields.is_empty()
        && fields
            .iter()
            .enumerate()
            .all(|(i, f)| f.name() == &format!("_col{i}"));
    let in_file: Vec<Option<usize>> = wanted
        .iter()
        .map(|w| {
            if positional {
                table
                    .fields()
                    .iter()
                    .position(|f| f.name().eq_ignore_ascii_case(w))
                    .filter(|&i| i < fields.len())
            } else {
                fields.iter().position(|f| f.name().eq_ignore_ascii_case(w))
            }
        })
        .collect();
    hive::projection::roots_and_positions(&in_file)
}

/// The batches of one opened piece of a file (its reader and where each
/// target column sits in what it returns) as the table's projected columns.
/// A failure to open or to read fails the task and ends the piece.
pub(crate) fn piece_batches<I, E, F>(
    tc: &Arc<rdd::TaskContext>,
    target: &SchemaRef,
    opened: std::result::Result<(I, Vec<Option<usize>>), E>,
) -> impl Iterator<Item = Batch>
where
    I: Iterator<Item = std::result::Result<RecordBatch, F>>,
    SharkError: From<E> + From<F>,
{
    let (batches, positions) = match opened {
        Ok((b, p)) => (Some(b), p),
        Err(e) => {
            tc.fail(SharkError::from(e).into());
            (None, vec![])
        }
    };
    let (target, tc) = (target.clone(), tc.clone());
    batches.into_iter().flatten().filter_map(move |b| match b {
        Ok(b) => Some(Batch(by_name(&b, &target, &positions))),
        Err(e) => {
            tc.fail(SharkError::from(e).into());
            None
        }
    })
}

/// A batch read from a file as the table's columns: each from its
/// position in the batch (cast to the table's type; NULL where the value
/// does not convert), or NULL where the file lacks the column.
pub(crate) fn by_name(
    batch: &RecordBatch,
    target: &SchemaRef,
    positions: &[Option<usize>],
) -> RecordBatch {
    let n = batch.num_rows();
    let columns = target
        .fields()
        .iter()
        .zip(positions)
        .map(|(f, p)| match p {
            Some(p) => {
                let c = batch.column(*p);
                if c.data_type() == f.data_type() {
                    c.clone()
                } else {
                    crate::cast::hive_cast(c, f.data_type())
                        .unwrap_or_else(|_| arrow::array::new_null_array(f.data_type(), n))
                }
            }
            None => arrow::array::new_null_array(f.data_type(), n),
        })
        .collect();
    RecordBatch::try_new_with_options(
        target.clone(),
        columns,
        &arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(n)),
    )
    .expect("columns built for the target schema")
}
