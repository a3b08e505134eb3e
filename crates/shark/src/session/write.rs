//! Writing query results into table folders the way Hive commits them:
//! tasks write files into a private staging folder; only when every task
//! has succeeded are the folders moved into place by rename. A failing
//! statement leaves the old data, a crash leaves at most a hidden staging
//! folder.

use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::hive_table::StorageFormat;
use arrow::array::{ArrayRef, UInt32Array};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn io(path: &Path, e: std::io::Error) -> SharkError {
    SharkError::exec(format!("{}: {e}", path.display()))
}

/// A fresh hidden staging folder inside the warehouse.
pub(crate) fn staging_dir(warehouse: &Path) -> Result<PathBuf> {
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = warehouse
        .join(".shark-staging")
        .join(format!("{}-{nanos}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    Ok(dir)
}

/// What one write produced per partition folder (relative path, or "" for
/// the table folder): rows written.
pub(crate) type Written = HashMap<String, u64>;

/// Writes `rdd` into `staging`. The last `dynamic` columns are dynamic
/// partition values: rows are routed to `<staging>/<k=v/...>` folders and
/// those columns are not written.
pub(crate) fn write_rdd(
    rdd: &rdd::Rdd<Batch>,
    staging: &Path,
    format: &StorageFormat,
    dynamic_keys: &[String],
) -> Result<Written> {
    write_files(rdd, staging, format, dynamic_keys, None)
}

/// [`write_rdd`] for a bucketed table: `rdd` has one partition per
/// bucket (see [`by_bucket`]), and each writes its file — an empty one
/// for an empty bucket, so bucket `i` is always the file `00000i_0`, as
/// Hive lays buckets out.
pub(crate) fn write_buckets(
    rdd: &rdd::Rdd<Batch>,
    staging: &Path,
    format: &StorageFormat,
    dynamic_keys: &[String],
    schema: arrow::datatypes::SchemaRef,
) -> Result<Written> {
    let every_bucket = dynamic_keys.is_empty().then_some(schema);
    write_files(rdd, staging, format, dynamic_keys, every_bucket)
}

/// Rows shuffled to their Hive bucket: partition `i` of the result holds
/// bucket `i` of `buckets`, by Hive's hash of the `columns` at these
/// positions (`(hash & MAX) % buckets`).
pub(crate) fn by_bucket(
    rdd: &rdd::Rdd<Batch>,
    columns: Vec<usize>,
    buckets: usize,
) -> rdd::Rdd<Batch> {
    use crate::exec::exchange::{exchange, DirectPartitioner, PartitionFn};
    let f: PartitionFn = Arc::new(move |b: &RecordBatch| {
        let cols: Vec<arrow::array::ArrayRef> =
            columns.iter().map(|&i| b.column(i).clone()).collect();
        let hashes = crate::functions::hash_rows(&cols, b.num_rows())?;
        Ok(hashes
            .into_iter()
            .map(|h| ((h & i32::MAX) as usize % buckets) as u32)
            .collect())
    });
    exchange(rdd, buckets, f, DirectPartitioner::new(buckets))
}

/// Each bucket's rows in the table's `SORTED BY` order (Hive writes
/// bucket files sorted): `sort` gives (data column position, ascending).
pub(crate) fn sorted_buckets(
    rdd: &rdd::Rdd<Batch>,
    schema: &arrow::datatypes::SchemaRef,
    sort: &[(usize, bool)],
) -> rdd::Rdd<Batch> {
    if sort.is_empty() {
        return rdd.clone();
    }
    let keys = sort
        .iter()
        .map(|&(i, asc)| crate::plan::SortKey {
            expr: crate::expr::Expr::column(
                i,
                schema.field(i).name(),
                schema.field(i).data_type().clone(),
            ),
            asc,
            nulls_first: asc,
        })
        .collect();
    crate::exec::sort::sort_each(rdd, keys, None)
}

fn write_files(
    rdd: &rdd::Rdd<Batch>,
    staging: &Path,
    format: &StorageFormat,
    dynamic_keys: &[String],
    every_task: Option<arrow::datatypes::SchemaRef>,
) -> Result<Written> {
    let staging = staging.to_path_buf();
    let format = format.clone();
    let keys = dynamic_keys.to_vec();
    let parts = rdd.context().run_job(rdd, None, move |tc, it| {
        let mut writers: HashMap<String, FileWriter> = HashMap::new();
        let mut rows: Written = HashMap::new();
        for Batch(b) in it {
            for (rel, part) in split_dynamic(&b, &keys).map_err(rdd::RddError::from)? {
                let w = match writers.get_mut(&rel) {
                    Some(w) => w,
                    None => {
                        let dir = if rel.is_empty() {
                            staging.clone()
                        } else {
                            staging.join(&rel)
                        };
                        std::fs::create_dir_all(&dir)
                            .map_err(|e| rdd::RddError::from(io(&dir, e)))?;
                        let file =
                            dir.join(format!("{:06}_{}", tc.partition_id(), tc.attempt_number()));
                        let w = FileWriter::create(&file, &format, &part)
                            .map_err(rdd::RddError::from)?;
                        writers.entry(rel.clone()).or_insert(w)
                    }
                };
                w.write(&part).map_err(rdd::RddError::from)?;
                *rows.entry(rel).or_default() += part.num_rows() as u64;
            }
        }
        if tc.has_failed() {
            // The engine reports the input's error for this task.
            return Ok(rows);
        }
        if let (Some(schema), true) = (&every_task, writers.is_empty()) {
            std::fs::create_dir_all(&staging).map_err(|e| rdd::RddError::from(io(&staging, e)))?;
            let file = staging.join(format!("{:06}_{}", tc.partition_id(), tc.attempt_number()));
            let empty = RecordBatch::new_empty(schema.clone());
            let w = FileWriter::create(&file, &format, &empty).map_err(rdd::RddError::from)?;
            writers.insert(String::new(), w);
        }
        for (_, w) in writers {
            w.finish().map_err(rdd::RddError::from)?;
        }
        Ok(rows)
    })?;
    let mut total: Written = HashMap::new();
    for p in parts {
        for (k, v) in p {
            *total.entry(k).or_default() += v;
        }
    }
    Ok(total)
}

/// Splits a batch by its trailing dynamic partition columns into
/// (relative folder, data columns only).
fn split_dynamic(b: &RecordBatch, keys: &[String]) -> Result<Vec<(String, RecordBatch)>> {
    if keys.is_empty() {
        return Ok(vec![(String::new(), b.clone())]);
    }
    let data_width = b.num_columns() - keys.len();
    let rendered: Vec<Vec<Option<String>>> = (data_width..b.num_columns())
        .map(|c| hive::text::render_column(b.column(c)))
        .collect::<std::result::Result<_, _>>()?;
    let mut groups: Vec<(String, Vec<u32>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in 0..b.num_rows() {
        let spec: Vec<(String, Option<String>)> = keys
            .iter()
            .zip(&rendered)
            .map(|(k, col)| (k.clone(), col[r].clone().filter(|v| !v.is_empty())))
            .collect();
        let rel = hive::warehouse::partition_path(&spec);
        let g = *index.entry(rel.clone()).or_insert_with(|| {
            groups.push((rel.clone(), Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(r as u32);
    }
    let data = b.project(&(0..data_width).collect::<Vec<_>>())?;
    groups
        .into_iter()
        .map(|(rel, idx)| {
            Ok((
                rel,
                arrow::compute::take_record_batch(&data, &UInt32Array::from(idx))?,
            ))
        })
        .collect()
}

enum FileWriter {
    Text(std::io::BufWriter<std::fs::File>, hive::text::TextFormat),
    Parquet(Box<ArrowWriter<std::fs::File>>),
    Orc(Box<orc_file::OrcWriter>),
    Avro(Box<hive::avro_file::AvroFileWriter>),
}

impl FileWriter {
    fn create(path: &Path, format: &StorageFormat, sample: &RecordBatch) -> Result<FileWriter> {
        match format {
            StorageFormat::Orc => {
                return Ok(FileWriter::Orc(Box::new(orc_file::OrcWriter::create(
                    path,
                    &sample.schema(),
                )?)))
            }
            StorageFormat::Avro => {
                return Ok(FileWriter::Avro(Box::new(
                    hive::avro_file::AvroFileWriter::create(path, &sample.schema())?,
                )))
            }
            _ => {}
        }
        let f = std::fs::File::create(path).map_err(|e| io(path, e))?;
        Ok(match format {
            StorageFormat::Text(t) => {
                FileWriter::Text(std::io::BufWriter::with_capacity(1 << 20, f), t.clone())
            }
            StorageFormat::Parquet => {
                let props = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::SNAPPY)
                    .build();
                FileWriter::Parquet(Box::new(
                    ArrowWriter::try_new(f, sample.schema(), Some(props))
                        .map_err(|e| SharkError::exec(e.to_string()))?,
                ))
            }
            StorageFormat::Orc | StorageFormat::Avro => unreachable!("created above"),
        })
    }

    fn write(&mut self, b: &RecordBatch) -> Result<()> {
        match self {
            FileWriter::Text(w, f) => {
                for line in hive::text::format_rows(b, f)? {
                    w.write_all(line.as_bytes())
                        .and_then(|_| w.write_all(b"\n"))
                        .map_err(|e| SharkError::exec(e.to_string()))?;
                }
                Ok(())
            }
            FileWriter::Parquet(w) => w.write(b).map_err(|e| SharkError::exec(e.to_string())),
            FileWriter::Orc(w) => Ok(w.write(b)?),
            FileWriter::Avro(w) => Ok(w.write(b)?),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            FileWriter::Text(mut w, _) => w.flush().map_err(|e| SharkError::exec(e.to_string())),
            FileWriter::Parquet(w) => w
                .close()
                .map(|_| ())
                .map_err(|e| SharkError::exec(e.to_string())),
            FileWriter::Orc(w) => Ok(w.close()?),
            FileWriter::Avro(w) => Ok(w.finish()?),
        }
    }
}

/// True when `a` and `b` are on one file system (a rename between them
/// is atomic).
pub(crate) fn same_file_system(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// True when a journaled commit still needs `staging` (its writer failed
/// after deciding it; the next open of the warehouse finishes it).
pub(crate) fn commit_pending(warehouse: &Path, staging: &Path) -> bool {
    hive::commit::pending_staging(warehouse)
        .iter()
        .any(|p| p.file_name() == staging.file_name())
}

/// Moves a file or folder, copying when a rename cannot cross file systems.
pub(crate) fn move_path(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(_) if from.is_file() => {
            std::fs::copy(from, to).map_err(|e| io(to, e))?;
            std::fs::remove_file(from).map_err(|e| io(from, e))
        }
        Err(e) => Err(io(to, e)),
    }
}

/// Replaces `target` by the folder `staged` (CTAS, INSERT OVERWRITE
/// DIRECTORY): the old folder is set aside, the new one renamed in, then
/// the old removed; a failure puts the old one back. (Table and partition
/// writes go through `hive::commit`, which also survives a kill.)
pub(crate) fn replace_dir(staged: &Path, target: &Path) -> Result<()> {
    let mut old = None;
    if target.exists() {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let aside = target.with_file_name(format!(".{name}.shark-old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&aside);
        std::fs::rename(target, &aside).map_err(|e| io(target, e))?;
        old = Some(aside);
    }
    if let Err(e) = move_path(staged, target) {
        if let Some(o) = &old {
            let _ = std::fs::rename(o, target);
        }
        return Err(e);
    }
    if let Some(o) = old {
        let _ = std::fs::remove_dir_all(o);
    }
    Ok(())
}

/// [`replace_dir`] for a folder on an object store (INSERT OVERWRITE
/// DIRECTORY): what was there is deleted, then the staged files are
/// uploaded. Not atomic — a store cannot rename, and a directory is no
/// table with a metastore entry to commit through — as with Hive on S3.
pub(crate) fn replace_remote_dir(staged: &Path, target: &Path) -> Result<()> {
    let err = |e: storage::StorageError| SharkError::exec(e.to_string());
    storage::delete_dir(target).map_err(err)?;
    for (file, _) in storage::list_files(staged, false).map_err(err)? {
        let name = file
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        storage::upload(&file, &target.join(name)).map_err(err)?;
    }
    Ok(())
}

/// Data files of a folder (for TRUNCATE and LOAD DATA).
pub(crate) fn visible_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(vec![]);
    }
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .flatten()
        .filter(|e| !hive::warehouse::is_hidden(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    v.sort();
    Ok(v)
}

/// Casts every column of the batch to the target types (Hive's insert rule).
pub(crate) fn conform(
    b: &RecordBatch,
    schema: &arrow::datatypes::SchemaRef,
) -> Result<RecordBatch> {
    let cols: Vec<ArrayRef> = b
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(c, f)| crate::cast::hive_cast(c, f.data_type()))
        .collect::<Result<_>>()?;
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        cols,
        &arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(b.num_rows())),
    )?)
}

/// Casts a query's batches to the table's column types.
pub(super) fn conform_rdd(
    rdd: rdd::Rdd<crate::batch::Batch>,
    schema: arrow::datatypes::SchemaRef,
) -> rdd::Rdd<crate::batch::Batch> {
    rdd.map_partitions_with_context(false, move |_, tc, it| {
        let (schema, tc) = (schema.clone(), tc.clone());
        Box::new(
            it.filter_map(move |crate::batch::Batch(b)| match conform(&b, &schema) {
                Ok(c) => Some(crate::batch::Batch(c)),
                Err(e) => {
                    tc.fail(e.into());
                    None
                }
            }),
        )
    })
}
