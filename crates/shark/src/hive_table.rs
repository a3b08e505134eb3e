//! Tables of a Hive warehouse: text or Parquet files, optionally split into
//! `key=value` partition folders. Partition columns are materialized from
//! the folder names with their declared types, and partitions whose values
//! fail the query's predicates are skipped before any file is listed.

use crate::batch::Batch;
use crate::error::Result;
use crate::expr::{evaluate_predicate, Expr};
use crate::table::{ParquetTable, TableSource, TextTable};
use arrow::array::ArrayRef;
use arrow::datatypes::{Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use rdd::{Context, Rdd};
use std::path::PathBuf;
use std::sync::Arc;

pub use crate::table::{FileLists, HiveTableDescriptor, PartitionDir, StorageFormat};

impl HiveTable {
    /// The table a descriptor describes.
    pub fn from_descriptor(d: &HiveTableDescriptor) -> HiveTable {
        HiveTable {
            schema: d.schema.clone(),
            data_schema: d.data_schema.clone(),
            format: d.format.clone(),
            location: d.location.clone(),
            partitions: d.partitions.clone(),
            wants_cache: false,
            analyzed_rows: None,
            footer_rows: Default::default(),
            buckets: d.buckets.clone(),
            bucketing: d.bucketing.clone(),
            by_bucket: d.by_bucket,
            chars: d.chars.clone(),
            file_lists: Arc::new(d.file_lists.clone()),
        }
    }
}

/// A warehouse table: data columns, then partition columns.
pub struct HiveTable {
    schema: SchemaRef,
    data_schema: SchemaRef,
    format: StorageFormat,
    location: PathBuf,
    partitions: Option<Vec<PartitionDir>>,
    wants_cache: bool,
    /// `numRows` recorded by ANALYZE TABLE, when known.
    analyzed_rows: Option<u64>,
    /// Rows from Parquet footers, read once (planning asks at every node).
    footer_rows: std::sync::OnceLock<Option<u64>>,
    /// Only these buckets' files are read (bucket sampling).
    buckets: Option<Vec<u32>>,
    /// Clustering columns and bucket count when the files are laid out by bucket.
    bucketing: Option<(Vec<usize>, u32)>,
    /// Scan one partition per bucket.
    by_bucket: bool,
    /// CHAR(n) data columns (position, n).
    chars: Vec<(usize, u32)>,
    /// The recorded files of object-store folders.
    file_lists: Arc<FileLists>,
}

impl HiveTable {
    /// Reads the object-store folders in `lists` from their recorded
    /// files instead of listing them.
    pub fn with_file_lists(mut self, lists: FileLists) -> Self {
        self.file_lists = Arc::new(lists);
        self
    }

    /// The data files of `dir`: its recorded list, else a listing (none
    /// when the folder does not exist).
    fn files_of(&self, dir: &std::path::Path) -> Result<Vec<(PathBuf, u64)>> {
        if let Some(files) = self.file_lists.get(dir) {
            return Ok(files.clone());
        }
        if !storage::exists(dir)? {
            return Ok(Vec::new());
        }
        crate::table::data_files(dir)
    }

    /// True when `dir` has data to read: a recorded list, or a folder.
    fn exists(&self, dir: &std::path::Path) -> Result<bool> {
        Ok(self.file_lists.contains_key(dir) || storage::exists(dir)?)
    }

    /// The folders holding the table's data.
    fn dirs(&self) -> Vec<PathBuf> {
        match &self.partitions {
            None => vec![self.location.clone()],
            Some(ps) => ps.iter().map(|p| p.location.clone()).collect(),
        }
    }

    /// An unpartitioned table whose files live under `location`.
    pub fn new(
        data_schema: SchemaRef,
        format: StorageFormat,
        location: impl Into<PathBuf>,
    ) -> Self {
        HiveTable {
            schema: data_schema.clone(),
            data_schema,
            format,
            location: location.into(),
            partitions: None,
            wants_cache: false,
            analyzed_rows: None,
            footer_rows: Default::default(),
            buckets: None,
            bucketing: None,
            by_bucket: false,
            chars: Vec::new(),
            file_lists: Default::default(),
        }
    }

    /// A partitioned table: `partition_schema` lists the partition columns.
    pub fn partitioned(
        data_schema: SchemaRef,
        partition_schema: SchemaRef,
        format: StorageFormat,
        location: impl Into<PathBuf>,
        partitions: Vec<PartitionDir>,
    ) -> Self {
        let mut fields: Vec<_> = data_schema.fields().iter().cloned().collect();
        fields.extend(partition_schema.fields().iter().cloned());
        HiveTable {
            schema: Arc::new(Schema::new(fields)),
            data_schema,
            format,
            location: location.into(),
            partitions: Some(partitions),
            wants_cache: false,
            analyzed_rows: None,
            footer_rows: Default::default(),
            buckets: None,
            bucketing: None,
            by_bucket: false,
            chars: Vec::new(),
            file_lists: Default::default(),
        }
    }

    /// The row count ANALYZE TABLE recorded (Hive's `numRows`), used for
    /// planning instead of guessing from file sizes.
    pub fn with_analyzed_rows(mut self, rows: Option<u64>) -> Self {
        self.analyzed_rows = rows;
        self
    }

    /// Declares CHAR(n) data columns (position, n), whose values are read
    /// without trailing blanks.
    pub fn with_chars(mut self, chars: Vec<(usize, u32)>) -> Self {
        self.chars = chars;
        self
    }

    /// Marks the table as one to keep in the table cache once read.
    pub fn with_wants_cache(mut self, wants_cache: bool) -> Self {
        self.wants_cache = wants_cache;
        self
    }

    fn data_width(&self) -> usize {
        self.data_schema.fields().len()
    }

    /// The partition values of one partition as a one-row batch over the
    /// table's full schema (data columns NULL), for evaluating predicates.
    fn partition_row(&self, p: &PartitionDir) -> Result<RecordBatch> {
        let mut cols: Vec<ArrayRef> = Vec::new();
        for (i, f) in self.schema.fields().iter().enumerate() {
            if i < self.data_width() {
                cols.push(arrow::array::new_null_array(f.data_type(), 1));
            } else {
                let v = p.values.get(i - self.data_width()).cloned().flatten();
                if f.data_type() == &arrow::datatypes::DataType::Boolean {
                    // The folder name's text, not a cast (any non-empty
                    // string casts to true).
                    let b = v.and_then(|v| match v.to_ascii_lowercase().as_str() {
                        "true" => Some(true),
                        "false" => Some(false),
                        _ => None,
                    });
                    cols.push(Arc::new(arrow::array::BooleanArray::from(vec![b])));
                    continue;
                }
                let text: ArrayRef = Arc::new(arrow::array::StringArray::from(vec![v]));
                cols.push(crate::cast::hive_cast(&text, f.data_type())?);
            }
        }
        Ok(RecordBatch::try_new(self.schema.clone(), cols)?)
    }

    /// Partitions whose values can satisfy every predicate that reads only
    /// partition columns.
    pub fn prune(&self, filters: &[Expr]) -> Result<Vec<PartitionDir>> {
        let Some(parts) = &self.partitions else {
            return Ok(vec![]);
        };
        let dw = self.data_width();
        let on_partitions: Vec<&Expr> = filters
            .iter()
            .filter(|f| {
                let mut cols = Vec::new();
                f.columns(&mut cols);
                let width = self.schema.fields().len();
                !cols.is_empty() && cols.iter().all(|&c| c >= dw && c < width)
            })
            .collect();
        let mut kept = Vec::new();
        for p in parts {
            let row = self.partition_row(p)?;
            let mut ok = true;
            for f in &on_partitions {
                if !evaluate_predicate(f, &row)?.value(0) {
                    ok = false;
                    break;
                }
            }
            if ok {
                kept.push(p.clone());
            }
        }
        Ok(kept)
    }

    /// The files under `dir` with the data columns `projection`; `filters`
    /// (over data columns only) let Parquet and ORC skip row groups.
    fn scan_dir(
        &self,
        ctx: &Context,
        dir: &std::path::Path,
        data_schema: &SchemaRef,
        projection: &[usize],
        filters: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        if self.buckets.is_some() {
            return self.scan_buckets(ctx, dir, data_schema, projection, filters, partitions);
        }
        if let Some(files) = self.file_lists.get(dir) {
            if files.is_empty() {
                return Ok(ctx.parallelize(Vec::new(), Some(1)));
            }
            if let StorageFormat::Text(f) = &self.format {
                return scan_text_files(ctx, data_schema, f, files, projection, partitions);
            }
            let files = files.iter().map(|f| f.0.clone()).collect();
            return self.scan_files(ctx, data_schema, files, projection, filters, partitions);
        }
        match &self.format {
            StorageFormat::Text(f) => TextTable::new(data_schema.clone(), dir, f.clone()).scan(
                ctx,
                Some(projection),
                &[],
                partitions,
            ),
            _ if crate::table::data_files(dir)?.is_empty() => {
                Ok(ctx.parallelize(Vec::new(), Some(1)))
            }
            StorageFormat::Parquet => ParquetTable::try_new(dir, Some(data_schema.clone()))?.scan(
                ctx,
                Some(projection),
                filters,
                partitions,
            ),
            StorageFormat::Orc => crate::orc_table::OrcTable::try_new(
                dir,
                Some(data_schema.clone()),
            )?
            .scan(ctx, Some(projection), filters, partitions),
            StorageFormat::Avro => crate::avro_table::AvroTable::try_new(
                dir,
                Some(data_schema.clone()),
            )?
            .scan(ctx, Some(projection), filters, partitions),
        }
    }

    /// The files under `dir` read with `data_schema`: data columns
    /// `projection`, then the virtual columns `virt`.
    #[allow(clippy::too_many_arguments)]
    fn scan_with(
        &self,
        ctx: &Context,
        dir: &std::path::Path,
        data_schema: &SchemaRef,
        projection: &[usize],
        virt: &[usize],
        filters: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        if virt.is_empty() {
            return self.scan_dir(ctx, dir, data_schema, projection, filters, partitions);
        }
        crate::virtual_columns::scan_files(
            ctx,
            self.files_in(dir)?,
            &self.format,
            data_schema.clone(),
            projection,
            virt,
            partitions,
        )
    }

    /// The filters that read data columns only (their indices are the
    /// same in the data files' schema).
    fn data_filters(&self, filters: &[Expr]) -> Vec<Expr> {
        let dw = self.data_width();
        filters
            .iter()
            .filter(|f| {
                let mut cols = Vec::new();
                f.columns(&mut cols);
                // CHAR values are compared unpadded, but files (Hive's ORC)
                // may keep statistics of the padded ones.
                cols.iter()
                    .all(|&c| c < dw && !self.chars.iter().any(|(p, _)| *p == c))
            })
            .cloned()
            .collect()
    }
}

impl HiveTable {
    /// The table read only through the files of buckets `keep`.
    pub fn with_buckets(mut self, keep: Vec<u32>) -> HiveTable {
        self.buckets = Some(keep);
        self
    }

    /// Declares the files laid out by bucket: `columns` (data column
    /// positions) hashed into `count` buckets.
    pub fn with_bucketing(mut self, columns: Vec<usize>, count: u32) -> HiveTable {
        self.bucketing = Some((columns, count));
        self
    }

    /// Scanned one partition per bucket (for a join on the bucket columns).
    pub fn by_bucket(mut self) -> HiveTable {
        self.by_bucket = true;
        self
    }

    /// One partition per bucket: partition `i` reads the files of bucket
    /// `i`, in file order.
    fn scan_by_bucket(
        &self,
        ctx: &Context,
        count: u32,
        projection: &[usize],
        filters: &[Expr],
    ) -> Result<Rdd<Batch>> {
        let files: Vec<PathBuf> = self
            .files_of(&self.location)?
            .into_iter()
            .map(|f| f.0)
            .collect();
        let mut out: Option<Rdd<Batch>> = None;
        for b in 0..count {
            let mine: Vec<PathBuf> = files
                .iter()
                .filter(|f| crate::table::bucket_of_file(f) == Some(b))
                .cloned()
                .collect();
            let rdd = if mine.is_empty() {
                ctx.parallelize(Vec::new(), Some(1))
            } else {
                self.scan_files(ctx, &self.data_schema, mine, projection, filters, 1)?
                    .coalesce(1)
            };
            out = Some(match out {
                None => rdd,
                Some(o) => o.union(&rdd),
            });
        }
        Ok(out.unwrap_or_else(|| ctx.parallelize(Vec::new(), Some(1))))
    }

    /// The data files under `dir` this table reads (the kept buckets' only,
    /// when sampling by bucket).
    fn files_in(&self, dir: &std::path::Path) -> Result<Vec<PathBuf>> {
        Ok(self
            .files_of(dir)?
            .into_iter()
            .map(|f| f.0)
            .filter(|f| match &self.buckets {
                Some(keep) => crate::table::bucket_of_file(f).is_none_or(|b| keep.contains(&b)),
                None => true,
            })
            .collect())
    }

    /// `scan_dir` over the files of the kept buckets only.
    fn scan_buckets(
        &self,
        ctx: &Context,
        dir: &std::path::Path,
        data_schema: &SchemaRef,
        projection: &[usize],
        filters: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        let files = self.files_in(dir)?;
        if files.is_empty() {
            return Ok(ctx.parallelize(Vec::new(), Some(1)));
        }
        self.scan_files(ctx, data_schema, files, projection, filters, partitions)
    }

    /// The data columns `projection` of `files`, read with
    /// `data_schema`; `filters` let Parquet and ORC skip row groups.
    fn scan_files(
        &self,
        ctx: &Context,
        data_schema: &SchemaRef,
        files: Vec<PathBuf>,
        projection: &[usize],
        filters: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        let schema = data_schema.clone();
        let source: Arc<dyn TableSource> = match &self.format {
            StorageFormat::Parquet => Arc::new(ParquetTable::from_files(schema, files)),
            StorageFormat::Orc => Arc::new(crate::orc_table::OrcTable::from_files(schema, files)),
            StorageFormat::Avro => {
                Arc::new(crate::avro_table::AvroTable::from_files(schema, files))
            }
            // One partition a file (sizes unknown: each gets one).
            StorageFormat::Text(f) => {
                let files: Vec<(PathBuf, u64)> = files.into_iter().map(|f| (f, 0)).collect();
                return scan_text_files(ctx, &schema, f, &files, projection, 1);
            }
        };
        source.scan(ctx, Some(projection), filters, partitions)
    }
}

impl TableSource for HiveTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn wants_cache(&self) -> bool {
        self.wants_cache
    }

    fn scan(
        &self,
        ctx: &Context,
        projection: Option<&[usize]>,
        filters: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        let all: Vec<usize> = (0..self.schema.fields().len()).collect();
        let projection = projection.unwrap_or(&all).to_vec();
        let rdd = self.scan_projected(ctx, &projection, filters, partitions)?;
        // CHAR(n) values lose the blanks Hive's text SerDe pads them with.
        let strip: Vec<(usize, u32)> = projection
            .iter()
            .enumerate()
            .filter_map(|(j, c)| {
                self.chars
                    .iter()
                    .find(|(p, _)| p == c)
                    .map(|(_, n)| (j, *n))
            })
            .collect();
        if strip.is_empty() {
            return Ok(rdd);
        }
        Ok(map_batches(rdd, move |b| {
            crate::conform::strip_char_columns(b, &strip)
        }))
    }

    fn version(&self) -> Option<u64> {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut h = foldhash::fast::FixedState::with_seed(0x5eed).build_hasher();
        for d in self.dirs() {
            match self.file_lists.get(&d) {
                Some(files) => (&d, files).hash(&mut h),
                None => crate::table::files_version([d.as_path()])?.hash(&mut h),
            }
        }
        Some(h.finish())
    }

    fn estimated_bytes(&self) -> Option<u64> {
        let dirs = self.dirs();
        let mut total = 0;
        for d in dirs {
            total += self.files_of(&d).ok()?.iter().map(|f| f.1).sum::<u64>();
        }
        Some(total)
    }

    fn estimated_rows(&self) -> Option<u64> {
        if let Some(r) = self.analyzed_rows {
            return Some(r);
        }
        if !matches!(self.format, StorageFormat::Parquet | StorageFormat::Orc) {
            return None;
        }
        *self.footer_rows.get_or_init(|| {
            let mut files = Vec::new();
            for d in self.dirs() {
                files.extend(self.files_of(&d).ok()?.into_iter().map(|f| f.0));
            }
            match self.format {
                StorageFormat::Orc => files
                    .iter()
                    .map(|f| orc_file::inspect(f).ok().map(|i| i.rows))
                    .sum(),
                _ => crate::table::parquet_rows(&files),
            }
        })
    }

    fn descriptor(&self) -> crate::table::SourceDescriptor {
        crate::table::SourceDescriptor::Hive(Box::new(HiveTableDescriptor {
            schema: self.schema.clone(),
            data_schema: self.data_schema.clone(),
            format: self.format.clone(),
            location: self.location.clone(),
            partitions: self.partitions.clone(),
            buckets: self.buckets.clone(),
            bucketing: self.bucketing.clone(),
            by_bucket: self.by_bucket,
            chars: self.chars.clone(),
            file_lists: (*self.file_lists).clone(),
        }))
    }

    fn char_columns(&self) -> Vec<(usize, u32)> {
        self.chars.clone()
    }

    fn kind(&self) -> String {
        let base = match &self.partitions {
            None => self.format.name().to_string(),
            Some(p) => format!("{}, {} partitions", self.format.name(), p.len()),
        };
        let base = match &self.buckets {
            None => base,
            Some(b) => format!("{base}, buckets {b:?}"),
        };
        match (&self.bucketing, self.by_bucket) {
            (Some((_, n)), true) => format!("{base}, by bucket ({n})"),
            _ => base,
        }
    }
}

impl HiveTable {
    /// The scan of `projection` (table columns, then virtual columns).
    fn scan_projected(
        &self,
        ctx: &Context,
        projection: &[usize],
        filters: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        let width = self.schema.fields().len();
        let projection = projection.to_vec();
        let dw = self.data_width();
        if let (Some((_, count)), true, None) = (&self.bucketing, self.by_bucket, &self.partitions)
        {
            if projection.iter().all(|&c| c < dw) {
                let data_filters = self.data_filters(filters);
                return self.scan_by_bucket(ctx, *count, &projection, &data_filters);
            }
        }
        // Virtual columns asked for (0: file name, 1: offset), in order.
        let mut virt: Vec<usize> = Vec::new();
        for &c in &projection {
            if c >= width && !virt.contains(&(c - width)) {
                virt.push(c - width);
            }
        }
        let dirs: Vec<(PathBuf, Option<RecordBatch>, Option<SchemaRef>)> = match &self.partitions {
            None if virt.is_empty() => {
                if !self.exists(&self.location)? {
                    return Ok(ctx.parallelize(Vec::new(), Some(1)));
                }
                let data_filters = self.data_filters(filters);
                return self.scan_dir(
                    ctx,
                    &self.location,
                    &self.data_schema,
                    &projection,
                    &data_filters,
                    partitions,
                );
            }
            None => vec![(self.location.clone(), None, None)],
            Some(_) => self
                .prune(filters)?
                .iter()
                .map(|p| {
                    Ok((
                        p.location.clone(),
                        Some(self.partition_row(p)?),
                        own_columns(p)?,
                    ))
                })
                .collect::<Result<_>>()?,
        };
        // Data columns to read; at least one so rows are counted.
        let mut data_proj: Vec<usize> = projection.iter().copied().filter(|&c| c < dw).collect();
        if data_proj.is_empty() && dw > 0 && virt.is_empty() {
            data_proj.push(0);
        }
        let virtual_fields = crate::virtual_columns::fields();
        let out_schema = Arc::new(Schema::new(
            projection
                .iter()
                .map(|&c| match c.checked_sub(width) {
                    None => self.schema.field(c).clone(),
                    Some(v) => virtual_fields[v].clone(),
                })
                .collect::<Vec<_>>(),
        ));
        let data_filters = self.data_filters(filters);
        let mut result: Option<Rdd<Batch>> = None;
        let per = (partitions / dirs.len().max(1)).max(1);
        for (dir, row, own) in dirs {
            if !self.exists(&dir)? {
                continue;
            }
            let rdd = match own {
                None => self.scan_with(
                    ctx,
                    &dir,
                    &self.data_schema,
                    &data_proj,
                    &virt,
                    &data_filters,
                    per,
                )?,
                Some(own) => {
                    // The partition's own columns, read by position and
                    // converted to the table's; columns it lacks are NULL.
                    let ow = own.fields().len();
                    let mut read: Vec<usize> =
                        data_proj.iter().copied().filter(|&c| c < ow).collect();
                    let counted = read.is_empty() && ow > 0 && virt.is_empty();
                    if counted {
                        read.push(0);
                    }
                    let mut take: Vec<Option<usize>> = data_proj
                        .iter()
                        .map(|c| read.iter().position(|r| r == c).filter(|_| !counted))
                        .collect();
                    take.extend((0..virt.len()).map(|v| Some(read.len() + v)));
                    let target = Arc::new(Schema::new(
                        data_proj
                            .iter()
                            .map(|&c| self.data_schema.field(c).clone())
                            .chain(virt.iter().map(|&v| virtual_fields[v].clone()))
                            .collect::<Vec<_>>(),
                    ));
                    // Its own CHAR columns lose their padding before the
                    // conversion (CHAR to STRING strips it).
                    let own_chars: Vec<(usize, u32)> = read
                        .iter()
                        .enumerate()
                        .filter_map(|(j, &c)| own_char(&own, c).map(|n| (j, n)))
                        .collect();
                    let rdd = self.scan_with(ctx, &dir, &own, &read, &virt, &[], per)?;
                    map_batches(rdd, move |b| {
                        let b = crate::conform::strip_char_columns(b, &own_chars)?;
                        crate::conform::to_table_columns(&b, &take, &target)
                    })
                }
            };
            let (projection, out_schema, data_proj, virt) = (
                projection.clone(),
                out_schema.clone(),
                data_proj.clone(),
                virt.clone(),
            );
            let rdd = rdd.map(move |Batch(b)| {
                let n = b.num_rows();
                let cols: Vec<ArrayRef> = projection
                    .iter()
                    .map(|&c| {
                        if c < dw {
                            b.column(data_proj.iter().position(|&d| d == c).expect("projected"))
                                .clone()
                        } else if c >= width {
                            let v = virt.iter().position(|&v| v == c - width).expect("asked");
                            b.column(data_proj.len() + v).clone()
                        } else {
                            let one = row.as_ref().expect("a partition").column(c);
                            arrow::compute::take(
                                one,
                                &arrow::array::UInt32Array::from(vec![0u32; n]),
                                None,
                            )
                            .expect("take")
                        }
                    })
                    .collect();
                Batch(
                    RecordBatch::try_new_with_options(
                        out_schema.clone(),
                        cols,
                        &RecordBatchOptions::new().with_row_count(Some(n)),
                    )
                    .expect("schema"),
                )
            });
            result = Some(match result {
                None => rdd,
                Some(r) => r.union(&rdd),
            });
        }
        Ok(result.unwrap_or_else(|| ctx.parallelize(Vec::new(), Some(1))))
    }
}

/// A partition's own data columns, when it declares them (each field
/// keeps its Hive type in metadata, for [`own_char`]).
/// Text files of known sizes, the scan's `partitions` shared among them
/// by size (a large file is split by byte ranges, as a folder would be).
fn scan_text_files(
    ctx: &Context,
    schema: &SchemaRef,
    format: &hive::text::TextFormat,
    files: &[(PathBuf, u64)],
    projection: &[usize],
    partitions: usize,
) -> Result<Rdd<Batch>> {
    let total: u64 = files.iter().map(|f| f.1).sum::<u64>().max(1);
    let mut out: Option<Rdd<Batch>> = None;
    for (file, size) in files {
        let share = ((partitions as u64 * size).div_ceil(total) as usize).max(1);
        let rdd = TextTable::new(schema.clone(), file, format.clone()).scan(
            ctx,
            Some(projection),
            &[],
            share,
        )?;
        out = Some(match out {
            None => rdd,
            Some(o) => o.union(&rdd),
        });
    }
    Ok(out.unwrap_or_else(|| ctx.parallelize(Vec::new(), Some(1))))
}

fn own_columns(p: &PartitionDir) -> Result<Option<SchemaRef>> {
    let Some(cols) = &p.columns else {
        return Ok(None);
    };
    let fields = cols
        .iter()
        .map(|(n, t)| {
            Ok(
                arrow::datatypes::Field::new(n, hive::types::parse_hive_type(t)?, true)
                    .with_metadata(std::collections::HashMap::from([(
                        HIVE_TYPE.to_string(),
                        t.clone(),
                    )])),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Arc::new(Schema::new(fields))))
}

/// Field metadata naming a partition's own column's Hive type.
const HIVE_TYPE: &str = "shark.hive_type";

/// n when column `c` of a partition's own columns is a CHAR(n).
fn own_char(own: &SchemaRef, c: usize) -> Option<u32> {
    let t = own.fields().get(c)?.metadata().get(HIVE_TYPE)?;
    crate::conform::char_width(t)
}

/// `rdd` with `f` applied to each batch; an error fails the task.
fn map_batches(
    rdd: Rdd<Batch>,
    f: impl Fn(RecordBatch) -> Result<RecordBatch> + Send + Sync + 'static,
) -> Rdd<Batch> {
    let f = Arc::new(f);
    rdd.map_partitions_with_context(false, move |_, tc, it| {
        let (f, tc) = (f.clone(), tc.clone());
        Box::new(it.map_while(move |Batch(b)| match f(b) {
            Ok(b) => Some(Batch(b)),
            Err(e) => {
                tc.fail(e.into());
                None
            }
        }))
    })
}
