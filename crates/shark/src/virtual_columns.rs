//! Hive's virtual columns of a stored table: `INPUT__FILE__NAME` (the file
//! a row was read from) and `BLOCK__OFFSET__INSIDE__FILE` (for text files
//! the byte offset where the row's line starts, as Hive's TextInputFormat
//! gives; for Parquet, ORC and Avro files the row's position in its file).
//! A scan asks for them with projection positions past the table's
//! columns: `width` is the file name, `width + 1` the offset.

use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::table::{SourceDescriptor, StorageFormat, TableSource, BATCH_ROWS};
use arrow::array::{ArrayRef, Int64Array, RecordBatch, RecordBatchOptions, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use rdd::{Context, Rdd};
use std::path::PathBuf;
use std::sync::Arc;

/// The virtual columns, in their positions after the table's columns.
pub fn fields() -> [Field; 2] {
    [
        Field::new("input__file__name", DataType::Utf8, true),
        Field::new("block__offset__inside__file", DataType::Int64, true),
    ]
}

/// The file name as Hive shows it: a `file:` URI.
fn file_uri(path: &str) -> String {
    format!("file:{path}")
}

/// Batches of `files` with the data columns at `data_proj` (positions in
/// `data_schema`), then the virtual columns `virt` (0: file name, 1:
/// offset), in that order.
pub(crate) fn scan_files(
    ctx: &Context,
    files: Vec<PathBuf>,
    format: &StorageFormat,
    data_schema: SchemaRef,
    data_proj: &[usize],
    virt: &[usize],
    partitions: usize,
) -> Result<Rdd<Batch>> {
    let mut fields: Vec<Field> = data_proj
        .iter()
        .map(|&i| data_schema.field(i).clone())
        .collect();
    fields.extend(virt.iter().map(|&v| fields_at(v)));
    let out = Arc::new(Schema::new(fields));
    if files.is_empty() {
        return Ok(ctx.parallelize(Vec::new(), Some(1)));
    }
    if let StorageFormat::Text(f) = format {
        return Ok(text_lines(
            ctx,
            &files,
            f.clone(),
            data_schema,
            data_proj,
            virt,
            out,
            partitions,
        ));
    }
    // Columnar files: one task per file, rows counted in file order.
    let mut result: Option<Rdd<Batch>> = None;
    for file in files {
        let one: Arc<dyn TableSource> = match format {
            StorageFormat::Parquet => Arc::new(crate::table::ParquetTable::from_files(
                data_schema.clone(),
                vec![file.clone()],
            )),
            StorageFormat::Orc => Arc::new(crate::orc_table::OrcTable::from_files(
                data_schema.clone(),
                vec![file.clone()],
            )),
            StorageFormat::Avro => Arc::new(crate::avro_table::AvroTable::from_files(
                data_schema.clone(),
                vec![file.clone()],
            )),
            StorageFormat::Text(_) => unreachable!("handled above"),
        };
        let name: Arc<str> = Arc::from(file_uri(&file.display().to_string()));
        let (virt, out) = (virt.to_vec(), out.clone());
        let rdd = one
            .scan(ctx, Some(data_proj), &[], 1)?
            .map_partitions(move |it| {
                let (virt, out, name) = (virt.clone(), out.clone(), name.clone());
                let mut row = 0i64;
                Box::new(it.map(move |Batch(b)| {
                    let n = b.num_rows();
                    let offsets = (row..row + n as i64).map(Some);
                    row += n as i64;
                    Batch(append(&b, &virt, &out, |_| name.clone(), offsets.collect()))
                }))
            });
        result = Some(match result {
            None => rdd,
            Some(r) => r.union(&rdd),
        });
    }
    Ok(result.expect("files is not empty"))
}

fn fields_at(v: usize) -> Field {
    fields()[v].clone()
}

/// Text files read line by line with each line's file and offset.
#[allow(clippy::too_many_arguments)]
fn text_lines(
    ctx: &Context,
    files: &[PathBuf],
    format: hive::text::TextFormat,
    data_schema: SchemaRef,
    data_proj: &[usize],
    virt: &[usize],
    out: SchemaRef,
    partitions: usize,
) -> Rdd<Batch> {
    let spec: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let lines = ctx.text_file_positioned(&spec.join(","), Some(partitions));
    let (data_proj, virt) = (data_proj.to_vec(), virt.to_vec());
    lines.map_partitions_with_context(false, move |_, tc, it| {
        let (format, data_schema, data_proj, virt, out, tc) = (
            format.clone(),
            data_schema.clone(),
            data_proj.clone(),
            virt.clone(),
            out.clone(),
            tc.clone(),
        );
        let mut it = it.peekable();
        Box::new(std::iter::from_fn(move || {
            let chunk: Vec<rdd::PositionedLine> = it.by_ref().take(BATCH_ROWS).collect();
            if chunk.is_empty() {
                return None;
            }
            let texts: Vec<&str> = chunk.iter().map(|l| l.text.as_str()).collect();
            let parsed = hive::text::parse_lines(&texts, &data_schema, &format)
                .map_err(SharkError::from)
                .and_then(|(b, bad)| {
                    rdd::listener::TaskMetrics::add(&tc.metrics.invalid_values, bad);
                    Ok(b.project(&data_proj)?)
                });
            match parsed {
                Ok(b) => {
                    let offsets = chunk.iter().map(|l| Some(l.offset as i64)).collect();
                    // One name per file, not per line (a chunk's lines come
                    // from one file, or a few at a split's edge).
                    let mut names: Vec<Arc<str>> = Vec::with_capacity(chunk.len());
                    for (i, l) in chunk.iter().enumerate() {
                        let name = match names.last() {
                            Some(last) if Arc::ptr_eq(&chunk[i - 1].file, &l.file) => last.clone(),
                            _ => Arc::from(file_uri(&l.file)),
                        };
                        names.push(name);
                    }
                    Some(Batch(append(
                        &b,
                        &virt,
                        &out,
                        |i| names[i].clone(),
                        offsets,
                    )))
                }
                Err(e) => {
                    tc.fail(e.into());
                    None
                }
            }
        }))
    })
}

/// `b` with the virtual columns `virt` appended.
fn append(
    b: &RecordBatch,
    virt: &[usize],
    out: &SchemaRef,
    name_of: impl Fn(usize) -> Arc<str>,
    offsets: Vec<Option<i64>>,
) -> RecordBatch {
    let n = b.num_rows();
    let mut cols: Vec<ArrayRef> = b.columns().to_vec();
    for &v in virt {
        cols.push(if v == 0 {
            Arc::new((0..n).map(|i| Some(name_of(i))).collect::<StringArray>())
        } else {
            Arc::new(Int64Array::from(offsets.clone()))
        });
    }
    RecordBatch::try_new_with_options(
        out.clone(),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(n)),
    )
    .expect("columns built for the schema")
}

/// Whether a source can add the virtual columns (stored tables can; the
/// cache and in-memory tables cannot).
pub(crate) fn supported(source: &dyn TableSource) -> bool {
    matches!(source.descriptor(), SourceDescriptor::Hive(_))
}
