//! Writing ORC files (ZLIB-compressed, Hive's default for ORC tables).

use crate::{bridge, OrcError, Result};
use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, Schema};
use orc_rust::arrow_writer::{ArrowWriter, ArrowWriterBuilder};
use orc_rust::compression::CompressionType;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// An ORC file being written; [`OrcWriter::close`] writes its footer.
pub struct OrcWriter {
    path: PathBuf,
    inner: ArrowWriter<BufWriter<File>>,
    schema: arrow59::datatypes::SchemaRef,
}

/// Whether orc-rust's writer can store a column of this type.
fn writable(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::Float32
            | DataType::Float64
            | DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Binary
            | DataType::LargeBinary
            | DataType::Date32
            | DataType::Timestamp(_, None)
    )
}

impl OrcWriter {
    /// A new file at `path` for batches of `schema`. Columns of types the
    /// writer cannot store (decimals, arrays, maps, structs) are refused
    /// here, naming the column, before anything is written.
    pub fn create(path: &Path, schema: &Schema) -> Result<OrcWriter> {
        if let Some(f) = schema.fields().iter().find(|f| !writable(f.data_type())) {
            return Err(OrcError::Unsupported(format!(
                "writing ORC: column '{}' has type {}, which Shark cannot write to ORC yet \
                 (it writes booleans, integers, floating point, strings, binary, dates and \
                 timestamps); store the table as PARQUET or TEXTFILE",
                f.name(),
                f.data_type()
            )));
        }
        let schema59 = bridge::schema_to_59(schema)?;
        let file = File::create(path).map_err(|e| OrcError::io(path, e))?;
        let inner = ArrowWriterBuilder::new(BufWriter::new(file), schema59.clone())
            .with_compression(CompressionType::Zlib)
            .try_build()
            .map_err(|e| OrcError::format(path, e))?;
        Ok(OrcWriter {
            path: path.to_path_buf(),
            inner,
            schema: schema59,
        })
    }

    /// Appends `batch` (of the schema given to [`OrcWriter::create`]).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let b = bridge::batch_to_59(batch)?;
        // Field metadata and nullability may differ from the declared
        // schema after the crossing; the writer wants the schema it was made with.
        let b = arrow59::array::RecordBatch::try_new(self.schema.clone(), b.columns().to_vec())
            .map_err(|e| OrcError::Bridge(e.to_string()))?;
        self.inner
            .write(&b)
            .map_err(|e| OrcError::format(&self.path, e))
    }

    /// Finishes the file (stripes, footer, postscript).
    pub fn close(self) -> Result<()> {
        let path = self.path;
        self.inner.close().map_err(|e| OrcError::format(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{inspect, read_stripes, CompareOp, Comparison, Literal};
    use arrow::array::{Array, Int64Array, StringArray};
    use arrow::datatypes::Field;
    use std::sync::Arc;

    #[test]
    fn written_files_read_back_by_range_projection_and_filter() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.orc");
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Int64, true),
            Field::new("v", DataType::Utf8, true),
        ]));
        let mut w = OrcWriter::create(&path, &schema).unwrap();
        let keys: Vec<Option<i64>> = (0..50_000).map(|i| (i % 7 != 0).then_some(i)).collect();
        let vals: Vec<String> = (0..50_000).map(|i| format!("v{i}")).collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(keys)),
                Arc::new(StringArray::from(vals)),
            ],
        )
        .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();

        let info = inspect(&path).unwrap();
        assert_eq!(info.rows, 50_000);
        assert_eq!(info.schema.field(1).name(), "v");
        let whole = 0..u64::MAX;
        let got: Vec<RecordBatch> = read_stripes(&path, whole.clone(), &[1], &[], 4096)
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert!(got
            .iter()
            .all(|b| b.num_columns() == 1 && b.num_rows() <= 4096));
        assert_eq!(got.iter().map(|b| b.num_rows()).sum::<usize>(), 50_000);
        let first = got[0]
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        assert_eq!(first.value(3), "v3");
        // A count needs no column.
        let counted: usize = read_stripes(&path, whole.clone(), &[], &[], 1000)
            .unwrap()
            .map(|b| b.unwrap().num_rows())
            .sum();
        assert_eq!(counted, 50_000);
        // A filter may skip data but never drops a matching row.
        let f = Comparison {
            column: "k".into(),
            op: CompareOp::Eq,
            value: Literal::Int(12_345),
        };
        let hits: usize = read_stripes(&path, whole, &[0], &[f], 8192)
            .unwrap()
            .map(|b| {
                let b = b.unwrap();
                let k = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
                (0..k.len())
                    .filter(|&i| k.is_valid(i) && k.value(i) == 12_345)
                    .count()
            })
            .sum();
        assert_eq!(hits, 1);
    }

    #[test]
    fn unsupported_columns_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let schema = Schema::new(vec![Field::new("d", DataType::Decimal128(10, 2), true)]);
        let e = OrcWriter::create(&dir.path().join("x.orc"), &schema)
            .err()
            .unwrap();
        assert!(e.to_string().contains("column 'd'"), "{e}");
        assert!(!dir.path().join("x.orc").exists());
    }
}
