//! ORC tables (`STORED AS ORC`): files split by stripes, columns read by
//! name (or by position for older Hive files named `_col0`…), row groups
//! skipped by simple comparisons.

use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::expr::BinaryOp;
use crate::scalar::ScalarValue;
use crate::table::{
    column_comparisons, file_positions, files_and_schema, files_version, piece_batches, with_sizes,
    SourceDescriptor, TableSource, BATCH_ROWS,
};
use arrow::datatypes::SchemaRef;
use orc_file::{CompareOp, Comparison, Literal};
use rdd::{Context, Rdd};
use std::path::PathBuf;
use std::sync::Arc;

/// An ORC table: files under a path.
pub struct OrcTable {
    schema: SchemaRef,
    files: Vec<PathBuf>,
    bytes: u64,
    /// Rows from the footers, read once (planning asks at every node).
    rows: std::sync::OnceLock<Option<u64>>,
}

/// Some stripes of one file: the unit a scan task reads.
#[derive(Clone)]
struct OrcSplit {
    path: PathBuf,
    /// Stripes starting in this byte range are read.
    range: std::ops::Range<u64>,
}

impl From<orc_file::OrcError> for SharkError {
    fn from(e: orc_file::OrcError) -> Self {
        SharkError::exec(e.to_string())
    }
}

impl OrcTable {
    /// The ORC files under `path`, with the schema of the first file unless
    /// `schema` is given.
    pub fn try_new(path: impl Into<PathBuf>, schema: Option<SchemaRef>) -> Result<Self> {
        let path = path.into();
        let (schema, files) =
            files_and_schema(&path, schema, "ORC", |f| Ok(orc_file::inspect(f)?.schema))?;
        Ok(OrcTable {
            schema,
            bytes: files.iter().map(|f| f.1).sum(),
            files: files.into_iter().map(|f| f.0).collect(),
            rows: Default::default(),
        })
    }

    /// A table of exactly these files.
    pub fn from_files(schema: SchemaRef, files: Vec<PathBuf>) -> OrcTable {
        let bytes = with_sizes(files.clone()).iter().map(|f| f.1).sum();
        OrcTable {
            schema,
            files,
            bytes,
            rows: Default::default(),
        }
    }

    /// Stripes grouped into splits of about `target` bytes, never across files.
    fn splits(&self, target: u64) -> Result<Vec<OrcSplit>> {
        let mut out = Vec::new();
        for f in &self.files {
            let info = orc_file::inspect(f)?;
            let mut start: Option<u64> = None;
            let mut bytes = 0;
            for s in &info.stripes {
                let from = *start.get_or_insert(s.offset);
                bytes += s.length;
                if bytes >= target {
                    out.push(OrcSplit {
                        path: f.clone(),
                        range: from..s.offset + 1,
                    });
                    start = None;
                    bytes = 0;
                }
            }
            if let Some(from) = start {
                out.push(OrcSplit {
                    path: f.clone(),
                    range: from..u64::MAX,
                });
            }
        }
        Ok(out)
    }
}

/// A pushed-down comparison ORC statistics can check, column on the left.
fn orc_comparison(name: &str, op: BinaryOp, v: &ScalarValue, flipped: bool) -> Option<Comparison> {
    let op = match (op, flipped) {
        (BinaryOp::Eq, _) => CompareOp::Eq,
        (BinaryOp::Lt, false) | (BinaryOp::Gt, true) => CompareOp::Lt,
        (BinaryOp::LtEq, false) | (BinaryOp::GtEq, true) => CompareOp::LtEq,
        (BinaryOp::Gt, false) | (BinaryOp::Lt, true) => CompareOp::Gt,
        (BinaryOp::GtEq, false) | (BinaryOp::LtEq, true) => CompareOp::GtEq,
        _ => return None,
    };
    let value = match v {
        ScalarValue::Utf8(s) => Literal::Text(s.clone()),
        ScalarValue::Float64(f) => Literal::Float(*f),
        other => Literal::Int(other.as_i64()?),
    };
    Some(Comparison {
        column: name.to_string(),
        op,
        value,
    })
}

impl TableSource for OrcTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn scan(
        &self,
        ctx: &Context,
        projection: Option<&[usize]>,
        filters: &[crate::expr::Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        let target = (self.bytes / partitions.max(1) as u64).max(1);
        let splits = self.splits(target)?;
        let n = splits.len().clamp(1, partitions.max(1));
        let columns: Vec<usize> = match projection {
            Some(p) => p.to_vec(),
            None => (0..self.schema.fields().len()).collect(),
        };
        let comparisons: Arc<Vec<Comparison>> = Arc::new(
            column_comparisons(&self.schema, filters)
                .iter()
                .filter_map(|(name, op, v, flipped)| orc_comparison(name, *op, v, *flipped))
                .collect(),
        );
        let table = self.schema.clone();
        let target = Arc::new(self.schema.project(&columns)?);
        Ok(ctx
            .parallelize(splits, Some(n))
            .map_partitions_with_context(false, move |_, tc, it| {
                let (target, tc, table) = (target.clone(), tc.clone(), table.clone());
                let comparisons = comparisons.clone();
                let wanted: Vec<String> =
                    target.fields().iter().map(|f| f.name().clone()).collect();
                Box::new(it.flat_map(move |split: OrcSplit| {
                    // The footer is read once: for the file's columns, then the rows.
                    let opened = orc_file::OrcSource::open(&split.path).and_then(|file| {
                        let schema = file.schema().clone();
                        let (roots, positions) = file_positions(schema.fields(), &table, &wanted);
                        // Comparisons name the table's columns; in a
                        // positional file they have other names, and a file
                        // column of another type is compared after a cast,
                        // which its statistics do not know.
                        let filters: Vec<Comparison> = comparisons
                            .iter()
                            .filter(|c| {
                                match (
                                    schema.field_with_name(&c.column),
                                    table.field_with_name(&c.column),
                                ) {
                                    (Ok(f), Ok(t)) => f.data_type() == t.data_type(),
                                    _ => false,
                                }
                            })
                            .cloned()
                            .collect();
                        let batches =
                            file.read_stripes(split.range.clone(), &roots, &filters, BATCH_ROWS)?;
                        Ok((batches, positions))
                    });
                    piece_batches(&tc, &target, opened)
                }))
            }))
    }

    fn estimated_bytes(&self) -> Option<u64> {
        Some(self.bytes)
    }

    fn estimated_rows(&self) -> Option<u64> {
        *self.rows.get_or_init(|| {
            self.files
                .iter()
                .map(|f| orc_file::inspect(f).ok().map(|i| i.rows))
                .sum()
        })
    }

    fn kind(&self) -> String {
        "orc".into()
    }

    fn descriptor(&self) -> SourceDescriptor {
        SourceDescriptor::Orc {
            schema: self.schema.clone(),
            files: self.files.clone(),
        }
    }

    fn version(&self) -> Option<u64> {
        files_version(self.files.iter().map(|f| f.as_path()))
    }
}
