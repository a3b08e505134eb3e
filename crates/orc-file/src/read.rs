//! Reading: a file's schema and stripes, then a byte range of its stripes
//! with only the wanted columns, skipping row groups whose statistics rule
//! out a comparison.

use crate::{bridge, OrcError, Result};
use arrow::array::{RecordBatch, RecordBatchOptions};
use arrow::datatypes::{DataType, Schema, SchemaRef};
use orc_rust::arrow_reader::{ArrowReader, ArrowReaderBuilder};
use orc_rust::predicate::{Predicate, PredicateValue};
use orc_rust::projection::ProjectionMask;
use orc_rust::schema::TimestampPrecision;
use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What planning needs of a file: its columns, rows and stripes.
#[derive(Debug, Clone)]
pub struct OrcFile {
    /// The file's top-level columns (timestamps in microseconds).
    pub schema: SchemaRef,
    /// Rows in the whole file.
    pub rows: u64,
    /// Its stripes, in file order.
    pub stripes: Vec<Stripe>,
}

/// One stripe: the unit a scan splits files into.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stripe {
    /// Byte offset of the stripe in the file.
    pub offset: u64,
    /// Bytes of index, data and footer.
    pub length: u64,
    /// Rows in the stripe.
    pub rows: u64,
}

/// A comparison operator of a pushed-down filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `=`
    Eq,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
}

/// The literal side of a pushed-down filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// Any integer.
    Int(i64),
    /// Any floating-point number.
    Float(f64),
    /// A string.
    Text(String),
}

/// `column op literal`, used only to skip row groups (rows that fail it
/// may still be returned).
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// A top-level column name of the file.
    pub column: String,
    /// The operator, column on the left.
    pub op: CompareOp,
    /// The value compared with.
    pub value: Literal,
}

/// A file to read, local or on an object store (ranged GETs: the tail
/// first, then the stripes read).
pub enum Input {
    /// On the local file system.
    Local(File),
    /// On an object store, of `size` bytes.
    Remote(PathBuf, u64),
}

impl orc_rust::reader::ChunkReader for Input {
    type T = Box<dyn std::io::Read + Send>;

    fn len(&self) -> u64 {
        match self {
            Input::Local(f) => orc_rust::reader::ChunkReader::len(f),
            Input::Remote(_, size) => *size,
        }
    }

    fn get_read(&self, offset: u64) -> std::io::Result<Self::T> {
        match self {
            Input::Local(f) => Ok(Box::new(f.get_read(offset)?)),
            Input::Remote(path, size) => Ok(Box::new(storage::RangeReader::new(
                path.clone(),
                offset,
                *size,
            ))),
        }
    }

    fn get_bytes(&self, offset: u64, length: u64) -> std::io::Result<bytes::Bytes> {
        match self {
            Input::Local(f) => f.get_bytes(offset, length),
            Input::Remote(path, _) => storage::read_range(path, offset..offset + length)
                .map_err(|e| std::io::Error::other(e.to_string())),
        }
    }
}

fn open(path: &Path) -> Result<ArrowReaderBuilder<Input>> {
    let file = if storage::is_remote(path) {
        let size = storage::file_size(path)
            .map_err(|e| OrcError::io(path, std::io::Error::other(e.to_string())))?;
        Input::Remote(path.to_path_buf(), size)
    } else {
        Input::Local(File::open(path).map_err(|e| OrcError::io(path, e))?)
    };
    Ok(ArrowReaderBuilder::try_new(file)
        .map_err(|e| OrcError::format(path, e))?
        .with_timestamp_precision(TimestampPrecision::Microsecond))
}

/// The schema, row count and stripes of the file at `path` (its footer only).
pub fn inspect(path: &Path) -> Result<OrcFile> {
    let builder = open(path)?;
    let schema = bridge::schema_from_59(&builder.schema())?;
    let meta = builder.file_metadata();
    let stripes = meta
        .stripe_metadatas()
        .iter()
        .map(|s| Stripe {
            offset: s.offset(),
            length: s.index_length() + s.data_length() + s.footer_length(),
            rows: s.number_of_rows(),
        })
        .collect();
    Ok(OrcFile {
        schema,
        rows: meta.number_of_rows(),
        stripes,
    })
}

/// An ORC file opened for reading: its footer read once, its columns known
/// before choosing which to read.
pub struct OrcSource {
    path: PathBuf,
    builder: ArrowReaderBuilder<Input>,
    schema: SchemaRef,
}

impl OrcSource {
    /// Opens the file at `path` and reads its footer.
    pub fn open(path: &Path) -> Result<OrcSource> {
        let builder = open(path)?;
        let schema = bridge::schema_from_59(&builder.schema())?;
        Ok(OrcSource {
            path: path.to_path_buf(),
            builder,
            schema,
        })
    }

    /// The file's top-level columns (timestamps in microseconds).
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The rows of the stripes that start inside `range`, with only the
    /// top-level `columns` (positions in the file's schema, returned in
    /// file order), in batches of at most `batch_rows`. `filters` skip row
    /// groups where the file has row indexes.
    pub fn read_stripes(
        self,
        range: Range<u64>,
        columns: &[usize],
        filters: &[Comparison],
        batch_rows: usize,
    ) -> Result<OrcBatches> {
        let OrcSource {
            path,
            builder,
            schema,
        } = self;
        let meta = builder.file_metadata();
        if columns.is_empty() {
            // Only the row count is wanted: the stripe footers say it.
            let rows: u64 = meta
                .stripe_metadatas()
                .iter()
                .filter(|s| range.contains(&s.offset()))
                .map(|s| s.number_of_rows())
                .sum();
            return Ok(OrcBatches {
                path,
                inner: Inner::Counts {
                    left: rows,
                    batch_rows: batch_rows.max(1) as u64,
                },
            });
        }
        let root = meta.root_data_type().clone();
        let children = root.children();
        let ids = columns
            .iter()
            .filter_map(|&i| children.get(i).map(|c| c.data_type().column_index()));
        let mask = ProjectionMask::roots(&root, ids);
        let mut builder = builder
            .with_projection(mask)
            .with_batch_size(batch_rows.max(1))
            .with_file_byte_range(range.start as usize..range.end as usize);
        if let Some(p) = predicate(&schema, filters) {
            builder = builder.with_predicate(p);
        }
        Ok(OrcBatches {
            path,
            inner: Inner::Reader(Box::new(builder.build())),
        })
    }
}

/// [`OrcSource::read_stripes`] of the file at `path`.
pub fn read_stripes(
    path: &Path,
    range: Range<u64>,
    columns: &[usize],
    filters: &[Comparison],
    batch_rows: usize,
) -> Result<OrcBatches> {
    OrcSource::open(path)?.read_stripes(range, columns, filters, batch_rows)
}

/// The filters orc-rust can check against a column's statistics: a
/// literal of the column's kind (others would be a type mismatch there).
fn predicate(schema: &Schema, filters: &[Comparison]) -> Option<Predicate> {
    let parts: Vec<Predicate> = filters
        .iter()
        .filter_map(|f| {
            let field = schema.field_with_name(&f.column).ok()?;
            let value = match (field.data_type(), &f.value) {
                (t, Literal::Int(v)) if t.is_integer() => PredicateValue::Int64(Some(*v)),
                (DataType::Float32 | DataType::Float64, Literal::Float(v)) => {
                    PredicateValue::Float64(Some(*v))
                }
                (DataType::Float32 | DataType::Float64, Literal::Int(v)) => {
                    PredicateValue::Float64(Some(*v as f64))
                }
                (DataType::Utf8 | DataType::LargeUtf8, Literal::Text(v)) => {
                    PredicateValue::Utf8(Some(v.clone()))
                }
                _ => return None,
            };
            Some(match f.op {
                CompareOp::Eq => Predicate::eq(&f.column, value),
                CompareOp::Lt => Predicate::lt(&f.column, value),
                CompareOp::LtEq => Predicate::lte(&f.column, value),
                CompareOp::Gt => Predicate::gt(&f.column, value),
                CompareOp::GtEq => Predicate::gte(&f.column, value),
            })
        })
        .collect();
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(Predicate::and(parts)),
    }
}

/// Batches of a stripe range, as [`read_stripes`] returns them.
pub struct OrcBatches {
    path: PathBuf,
    inner: Inner,
}

enum Inner {
    Reader(Box<ArrowReader<Input>>),
    Counts { left: u64, batch_rows: u64 },
}

impl Iterator for OrcBatches {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Reader(r) => r.next().map(|b| match b {
                Ok(b) => bridge::batch_from_59(b),
                Err(e) => Err(OrcError::format(&self.path, e)),
            }),
            Inner::Counts { left, batch_rows } => {
                if *left == 0 {
                    return None;
                }
                let n = (*left).min(*batch_rows);
                *left -= n;
                Some(
                    RecordBatch::try_new_with_options(
                        Arc::new(Schema::empty()),
                        vec![],
                        &RecordBatchOptions::new().with_row_count(Some(n as usize)),
                    )
                    .map_err(OrcError::from),
                )
            }
        }
    }
}
