//! Parquet files as Arrow batches: splits by row group, projection, and
//! row-group statistics for pruning.

use crate::data_file::DataFile;
use crate::{HiveError, Result};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::Compression;
use parquet::file::metadata::RowGroupMetaData;
use parquet::file::properties::WriterProperties;
use parquet::file::statistics::Statistics;
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The Arrow schema stored in (or derived from) a Parquet file.
pub fn read_schema(path: &Path) -> Result<SchemaRef> {
    let (_, meta) = open(path)?;
    Ok(meta.schema().clone())
}

/// The number of rows a Parquet file holds, from its footer (no data read).
pub fn row_count(path: &Path) -> Result<u64> {
    let (_, meta) = open(path)?;
    Ok(meta.metadata().file_metadata().num_rows().max(0) as u64)
}

/// Footers of files on object stores, by location and size, with when
/// they were read: a query's planning and its tasks fetch each footer
/// once. Shark never rewrites an object in place (new names per commit);
/// entries of files others may rewrite expire after [`FOOTER_TTL`].
type Footers = HashMap<(PathBuf, u64), (Instant, ArrowReaderMetadata)>;
static FOOTERS: Mutex<Option<Footers>> = Mutex::new(None);
const FOOTER_TTL: Duration = Duration::from_secs(60);
const MAX_FOOTERS: usize = 4096;
/// At most this much of a split is fetched ahead.
const PREFETCH_BYTES: u64 = 64 << 20;

/// Opens the file at `path` with its footer (cached for remote files).
fn open(path: &Path) -> Result<(DataFile, ArrowReaderMetadata)> {
    let file = DataFile::open(path)?;
    if matches!(file, DataFile::Local(_)) {
        let meta = ArrowReaderMetadata::load(&file, Default::default())?;
        return Ok((file, meta));
    }
    let key = (path.to_path_buf(), file.size());
    let cached = FOOTERS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|m| m.get(&key))
        .filter(|(at, _)| at.elapsed() < FOOTER_TTL)
        .map(|(_, meta)| meta.clone());
    if let Some(meta) = cached {
        return Ok((file, meta));
    }
    let meta = ArrowReaderMetadata::load(&file, Default::default())?;
    let mut footers = FOOTERS.lock().unwrap_or_else(|e| e.into_inner());
    let m = footers.get_or_insert_with(HashMap::new);
    if m.len() >= MAX_FOOTERS {
        m.clear();
    }
    m.insert(key, (Instant::now(), meta.clone()));
    Ok((file, meta))
}

/// Fetches the column chunks a split will read, all at once (concurrent
/// ranged GETs for a remote file; nothing for a local one).
fn prefetch(
    file: &mut DataFile,
    meta: &ArrowReaderMetadata,
    split: &ParquetSplit,
    mask: &ProjectionMask,
) -> Result<()> {
    if matches!(file, DataFile::Local(_)) {
        return Ok(());
    }
    let row_groups = meta.metadata().row_groups();
    let mut budget = PREFETCH_BYTES;
    let ranges: Vec<std::ops::Range<u64>> = split
        .row_groups
        .iter()
        .filter_map(|&i| row_groups.get(i))
        .flat_map(|rg| {
            rg.columns()
                .iter()
                .enumerate()
                .filter(|(leaf, _)| mask.leaf_included(*leaf))
                .map(|(_, c)| {
                    let (start, len) = c.byte_range();
                    start..start + len
                })
        })
        // The rest is fetched when read: memory stays bounded.
        .take_while(|r| {
            let fits = budget >= r.end - r.start;
            budget = budget.saturating_sub(r.end - r.start);
            fits
        })
        .collect();
    file.prefetch(&ranges)
}

/// Some row groups of one file: the unit a scan task reads.
#[derive(Debug, Clone)]
pub struct ParquetSplit {
    /// The file.
    pub path: PathBuf,
    /// Row groups to read, in file order.
    pub row_groups: Vec<usize>,
    /// Their total compressed size.
    pub bytes: u64,
}

/// A column's minimum and maximum in one row group, when recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnRange {
    /// Integer columns.
    Int(i64, i64),
    /// Floating-point columns.
    Float(f64, f64),
    /// String and binary columns.
    Bytes(Vec<u8>, Vec<u8>),
}

/// Min/max and null count of column `name` in a row group.
pub fn column_range(rg: &RowGroupMetaData, name: &str) -> Option<(ColumnRange, u64)> {
    let col = rg
        .columns()
        .iter()
        .find(|c| c.column_path().string().eq_ignore_ascii_case(name))?;
    // Statistics of annotated columns (decimals as unscaled integers,
    // dates in days, times and timestamps in their units) are not in the
    // units of the values a table reads them as: no range for them.
    use parquet::basic::{ConvertedType, LogicalType};
    let descr = col.column_descr();
    let plain_logical = matches!(
        descr.logical_type_ref(),
        None | Some(LogicalType::String) | Some(LogicalType::Integer { .. })
    );
    let plain_converted = matches!(
        descr.converted_type(),
        ConvertedType::NONE
            | ConvertedType::UTF8
            | ConvertedType::INT_8
            | ConvertedType::INT_16
            | ConvertedType::INT_32
            | ConvertedType::INT_64
    );
    if !plain_logical || !plain_converted {
        return None;
    }
    let stats = col.statistics()?;
    let nulls = stats.null_count_opt().unwrap_or(0);
    let range = match stats {
        Statistics::Int32(s) => ColumnRange::Int(*s.min_opt()? as i64, *s.max_opt()? as i64),
        Statistics::Int64(s) => ColumnRange::Int(*s.min_opt()?, *s.max_opt()?),
        Statistics::Float(s) => ColumnRange::Float(*s.min_opt()? as f64, *s.max_opt()? as f64),
        Statistics::Double(s) => ColumnRange::Float(*s.min_opt()?, *s.max_opt()?),
        Statistics::ByteArray(s) => {
            ColumnRange::Bytes(s.min_opt()?.data().to_vec(), s.max_opt()?.data().to_vec())
        }
        _ => return None,
    };
    Some((range, nulls))
}

/// Splits files into groups of row groups of about `target_bytes`, keeping
/// only row groups for which `keep` is true.
pub fn plan_splits(
    paths: &[PathBuf],
    target_bytes: u64,
    keep: &dyn Fn(&RowGroupMetaData) -> bool,
) -> Result<Vec<ParquetSplit>> {
    let mut splits = Vec::new();
    for path in paths {
        let (_, footer) = open(path)?;
        let meta = footer.metadata();
        let mut current = ParquetSplit {
            path: path.clone(),
            row_groups: Vec::new(),
            bytes: 0,
        };
        for (i, rg) in meta.row_groups().iter().enumerate() {
            if !keep(rg) {
                continue;
            }
            current.row_groups.push(i);
            current.bytes += rg.compressed_size() as u64;
            if current.bytes >= target_bytes {
                splits.push(std::mem::replace(
                    &mut current,
                    ParquetSplit {
                        path: path.clone(),
                        row_groups: Vec::new(),
                        bytes: 0,
                    },
                ));
            }
        }
        if !current.row_groups.is_empty() {
            splits.push(current);
        }
    }
    Ok(splits)
}

/// Reads a split's row groups, only the given top-level columns (all when
/// `None`), in batches of `batch_size` rows.
pub fn read_split(
    split: &ParquetSplit,
    projection: Option<&[usize]>,
    batch_size: usize,
) -> Result<impl Iterator<Item = Result<RecordBatch>>> {
    let (file, meta) = open(&split.path)?;
    let mask = match projection {
        Some(cols) => ProjectionMask::roots(meta.parquet_schema(), cols.iter().copied()),
        None => ProjectionMask::all(),
    };
    read_masked(file, meta, split, mask, batch_size)
}

/// The batches of a split's row groups with the leaves of `mask`, the
/// column chunks fetched ahead for a remote file.
fn read_masked(
    mut file: DataFile,
    meta: ArrowReaderMetadata,
    split: &ParquetSplit,
    mask: ProjectionMask,
    batch_size: usize,
) -> Result<impl Iterator<Item = Result<RecordBatch>>> {
    prefetch(&mut file, &meta, split, &mask)?;
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta)
        .with_batch_size(batch_size)
        .with_row_groups(split.row_groups.clone())
        .with_projection(mask)
        .build()?;
    Ok(reader.map(|r| r.map_err(HiveError::from)))
}

/// Reads a split's row groups, picking the columns named `wanted` by name
/// (case-insensitively, as Hive reads Parquet by default), so files whose
/// columns are in another order, or lack some, read right. Also returns,
/// for each wanted column, its position in the batches read (`None` when
/// the file does not have it: the caller fills NULLs).
pub fn read_split_by_name(
    split: &ParquetSplit,
    wanted: &[String],
    batch_size: usize,
) -> Result<(
    impl Iterator<Item = Result<RecordBatch>>,
    Vec<Option<usize>>,
)> {
    let (file, meta) = open(&split.path)?;
    let fields = meta.schema().fields().clone();
    let in_file: Vec<Option<usize>> = wanted
        .iter()
        .map(|w| fields.iter().position(|f| f.name().eq_ignore_ascii_case(w)))
        .collect();
    let (roots, positions) = crate::projection::roots_and_positions(&in_file);
    // Read one column even when none is wanted from this file, so that
    // rows are still counted.
    let read = if roots.is_empty() && !fields.is_empty() {
        vec![0]
    } else {
        roots
    };
    let mask = ProjectionMask::roots(meta.parquet_schema(), read);
    Ok((read_masked(file, meta, split, mask, batch_size)?, positions))
}

/// Writes batches to a new Parquet file (snappy, as Hive and Spark default).
pub fn write_file(path: &Path, schema: SchemaRef, batches: &[RecordBatch]) -> Result<u64> {
    let file = File::create(path).map_err(|e| HiveError::io(path, e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer = ArrowWriter::try_new(file, schema, Some(props))?;
    let mut rows = 0;
    for b in batches {
        writer.write(b)?;
        rows += b.num_rows() as u64;
    }
    writer.close()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int32Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;

    #[test]
    fn write_split_prune_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Int32, false),
            Field::new("v", DataType::Utf8, true),
        ]));
        let batch = |lo: i32| {
            RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(Int32Array::from_iter_values(lo..lo + 100)),
                    Arc::new(StringArray::from_iter_values(
                        (lo..lo + 100).map(|i| format!("v{i}")),
                    )),
                ],
            )
            .unwrap()
        };
        let file = File::create(&path).unwrap();
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(100))
            .build();
        let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props)).unwrap();
        for lo in [0, 100, 200] {
            w.write(&batch(lo)).unwrap();
        }
        w.close().unwrap();
        assert_eq!(read_schema(&path).unwrap().fields().len(), 2);
        let keep = |rg: &RowGroupMetaData| match column_range(rg, "k") {
            Some((ColumnRange::Int(_, max), _)) => max >= 150,
            _ => true,
        };
        let splits = plan_splits(std::slice::from_ref(&path), 1, &keep).unwrap();
        assert_eq!(
            splits
                .iter()
                .map(|s| s.row_groups.clone())
                .collect::<Vec<_>>(),
            vec![vec![1], vec![2]]
        );
        let rows: usize = read_split(&splits[0], Some(&[1]), 64)
            .unwrap()
            .map(|b| {
                let b = b.unwrap();
                assert_eq!(b.num_columns(), 1);
                b.num_rows()
            })
            .sum();
        assert_eq!(rows, 100);
    }
}
