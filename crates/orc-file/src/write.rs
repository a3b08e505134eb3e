//! Writing ORC files (ZLIB-compressed, Hive's default for ORC tables):
//! through orc-rust where it stores every column, else Shark's own encoder.

use crate::encode::{encodable, primitive, Encoder};
use crate::{bridge, OrcError, Result};
use arrow::array::RecordBatch;
use arrow::datatypes::Schema;
use orc_rust::arrow_writer::{ArrowWriter, ArrowWriterBuilder};
use orc_rust::compression::CompressionType;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// An ORC file being written; [`OrcWriter::close`] writes its footer.
pub struct OrcWriter {
    path: PathBuf,
    inner: Inner,
}

/// orc-rust's writer (RLE v2) where it stores every column; Shark's own
/// encoder (`encode`) where a column is DECIMAL, ARRAY, MAP or STRUCT.
enum Inner {
    Rust {
        writer: ArrowWriter<BufWriter<File>>,
        schema: arrow59::datatypes::SchemaRef,
    },
    Own {
        encoder: Box<Encoder>,
        sink: BufWriter<File>,
    },
}

impl OrcWriter {
    /// A new file at `path` for batches of `schema`. Columns of types no
    /// ORC writer here stores are refused, naming the column, before
    /// anything is written.
    pub fn create(path: &Path, schema: &Schema) -> Result<OrcWriter> {
        if let Some(f) = schema.fields().iter().find(|f| !encodable(f.data_type())) {
            return Err(OrcError::Unsupported(format!(
                "writing ORC: column '{}' has type {}, which Shark cannot write to ORC \
                 (it writes booleans, integers, floating point, decimals, strings, binary, \
                 dates, timestamps, arrays, maps and structs); store the table as PARQUET \
                 or TEXTFILE",
                f.name(),
                f.data_type()
            )));
        }
        let file = File::create(path).map_err(|e| OrcError::io(path, e))?;
        let inner = if schema.fields().iter().all(|f| primitive(f.data_type())) {
            let schema59 = bridge::schema_to_59(schema)?;
            let writer = ArrowWriterBuilder::new(BufWriter::new(file), schema59.clone())
                .with_compression(CompressionType::Zlib)
                .try_build()
                .map_err(|e| OrcError::format(path, e))?;
            Inner::Rust {
                writer,
                schema: schema59,
            }
        } else {
            let mut encoder = Box::new(Encoder::new(schema));
            let mut sink = BufWriter::new(file);
            encoder
                .header(&mut sink)
                .map_err(|e| OrcError::io(path, e))?;
            Inner::Own { encoder, sink }
        };
        Ok(OrcWriter {
            path: path.to_path_buf(),
            inner,
        })
    }

    /// Appends `batch` (of the schema given to [`OrcWriter::create`]).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        match &mut self.inner {
            Inner::Rust { writer, schema } => {
                let b = bridge::batch_to_59(batch)?;
                // Field metadata and nullability may differ from the declared
                // schema after the crossing; the writer wants the schema it was made with.
                let b = arrow59::array::RecordBatch::try_new(schema.clone(), b.columns().to_vec())
                    .map_err(|e| OrcError::Bridge(e.to_string()))?;
                writer
                    .write(&b)
                    .map_err(|e| OrcError::format(&self.path, e))
            }
            Inner::Own { encoder, sink } => encoder.write(batch, sink),
        }
    }

    /// Finishes the file (stripes, footer, postscript).
    pub fn close(self) -> Result<()> {
        let path = self.path;
        match self.inner {
            Inner::Rust { writer, .. } => writer.close().map_err(|e| OrcError::format(&path, e)),
            Inner::Own { encoder, mut sink } => {
                encoder.finish(&mut sink)?;
                sink.flush().map_err(|e| OrcError::io(&path, e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{inspect, read_stripes, CompareOp, Comparison, Literal};
    use arrow::array::{Array, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field};
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

    /// Every type through Shark's own encoder (a DECIMAL column sends the
    /// whole file there), read back by orc-rust.
    #[test]
    fn decimals_and_nested_columns_read_back_equal() {
        use arrow::array::*;
        use arrow::datatypes::Fields;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("all.orc");
        let n = 3000;
        let dec = Decimal128Array::from(
            (0..n)
                .map(|i| (i % 5 != 0).then_some((i as i128 - 1500) * 1_000_000_007))
                .collect::<Vec<_>>(),
        )
        .with_precision_and_scale(38, 4)
        .unwrap();
        let mut lists = ListBuilder::new(Int32Builder::new());
        let mut maps = MapBuilder::new(None, StringBuilder::new(), Int64Builder::new());
        for i in 0..n {
            if i % 7 == 3 {
                lists.append_null();
                maps.append(false).unwrap();
                continue;
            }
            for j in 0..(i % 4) {
                lists.values().append_option((j != 1).then_some(i * 10 + j));
                maps.keys().append_value(format!("k{j}"));
                maps.values()
                    .append_option((j != 2).then_some(-(i as i64) * j as i64));
            }
            lists.append(true);
            maps.append(true).unwrap();
        }
        let sf = Fields::from(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("b", DataType::Utf8, true),
        ]);
        let st = StructArray::new(
            sf.clone(),
            vec![
                Arc::new(Int32Array::from(
                    (0..n)
                        .map(|i| (i % 3 != 0).then_some(i))
                        .collect::<Vec<_>>(),
                )),
                Arc::new(StringArray::from(
                    (0..n).map(|i| Some(format!("s{i}"))).collect::<Vec<_>>(),
                )),
            ],
            Some((0..n).map(|i| i % 11 != 0).collect::<Vec<bool>>().into()),
        );
        let ts = TimestampNanosecondArray::from(
            (0..n)
                .map(|i| (i % 13 != 0).then_some((i as i64 - 1000) * 86_400_123_456_000))
                .collect::<Vec<_>>(),
        );
        let columns: Vec<ArrayRef> = vec![
            Arc::new(dec),
            Arc::new(lists.finish()),
            Arc::new(maps.finish()),
            Arc::new(st),
            Arc::new(ts),
            // Years 0001 and 9999 (beyond nanoseconds' range) survive.
            Arc::new(TimestampMicrosecondArray::from(
                (0..n)
                    .map(|i| match i % 3 {
                        0 => Some(-62_135_596_800_000_000),
                        1 => Some(253_402_300_799_999_999),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            )),
            Arc::new(BooleanArray::from(
                (0..n)
                    .map(|i| (i % 4 != 0).then_some(i % 3 == 0))
                    .collect::<Vec<_>>(),
            )),
            Arc::new(Int8Array::from(
                (0..n).map(|i| Some((i % 200) as i8)).collect::<Vec<_>>(),
            )),
            Arc::new(Date32Array::from(
                (0..n).map(|i| Some(i - 1500)).collect::<Vec<_>>(),
            )),
            Arc::new(Float64Array::from(
                (0..n)
                    .map(|i| (i % 9 != 0).then_some(i as f64 / 3.0))
                    .collect::<Vec<_>>(),
            )),
            Arc::new(BinaryArray::from_iter(
                (0..n).map(|i| (i % 2 == 0).then(|| vec![i as u8, 0, 255])),
            )),
        ];
        let schema = Arc::new(Schema::new(
            columns
                .iter()
                .enumerate()
                .map(|(i, c)| Field::new(format!("c{i}"), c.data_type().clone(), true))
                .collect::<Vec<_>>(),
        ));
        let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
        let mut w = OrcWriter::create(&path, &schema).unwrap();
        w.write(&batch.slice(0, 1000)).unwrap();
        w.write(&batch.slice(1000, 2000)).unwrap();
        w.close().unwrap();
        let info = inspect(&path).unwrap();
        assert_eq!(info.rows, n as u64);
        let all: Vec<usize> = (0..batch.num_columns()).collect();
        let got: Vec<RecordBatch> = read_stripes(&path, 0..u64::MAX, &all, &[], 8192)
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        let got = arrow::compute::concat_batches(&got[0].schema(), &got).unwrap();
        for (i, want) in batch.columns().iter().enumerate() {
            let have = got.column(i);
            let have = if have.data_type() == want.data_type() {
                have.clone()
            } else {
                arrow::compute::cast(have, want.data_type()).unwrap()
            };
            assert_eq!(
                have.to_data(),
                want.to_data(),
                "column c{i} ({})",
                want.data_type()
            );
        }
    }

    #[test]
    fn unsupported_columns_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let schema = Schema::new(vec![Field::new(
            "d",
            DataType::Duration(arrow::datatypes::TimeUnit::Second),
            true,
        )]);
        let e = OrcWriter::create(&dir.path().join("x.orc"), &schema)
            .err()
            .unwrap();
        assert!(e.to_string().contains("column 'd'"), "{e}");
        assert!(!dir.path().join("x.orc").exists());
    }
}
