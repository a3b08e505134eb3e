//! Avro object container files (Hive's `STORED AS AVRO`, AvroSerDe) as
//! Arrow batches, through the Arrow project's `arrow-avro`; and the Hive
//! columns an Avro schema stands for, which is how an Avro table declared
//! with only `avro.schema.literal` gets its columns.

use crate::{HiveError, Result};
use arrow::datatypes::{Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow_avro::reader::{Reader, ReaderBuilder};
use arrow_avro::writer::AvroWriter;
use serde_json::Value;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

fn open(path: &Path) -> Result<BufReader<Box<dyn std::io::Read + Send>>> {
    crate::data_file::DataFile::open(path)?
        .reader(0)
        .map(BufReader::new)
        .map_err(|e| HiveError::io(path, e))
}

fn format_error(path: &Path, e: impl std::fmt::Display) -> HiveError {
    HiveError::Format(format!("Avro file {}: {e}", path.display()))
}

/// The Arrow schema of the records in the Avro file at `path` (its header).
pub fn read_schema(path: &Path) -> Result<SchemaRef> {
    let reader = ReaderBuilder::new()
        .build(open(path)?)
        .map_err(|e| format_error(path, e))?;
    Ok(reader.schema())
}

/// The records of the file at `path` with only the top-level fields at
/// `columns` (positions in the file's schema, in that order), in batches of
/// at most `batch_rows`.
pub fn read(path: &Path, columns: &[usize], batch_rows: usize) -> Result<AvroBatches> {
    let reader = ReaderBuilder::new()
        .with_batch_size(batch_rows.max(1))
        .with_projection(columns.to_vec())
        .build(open(path)?)
        .map_err(|e| format_error(path, e))?;
    Ok(AvroBatches {
        path: path.to_path_buf(),
        reader,
    })
}

/// Batches of one Avro file, as [`read`] returns them.
pub struct AvroBatches {
    path: PathBuf,
    reader: Reader<BufReader<Box<dyn std::io::Read + Send>>>,
}

impl Iterator for AvroBatches {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        self.reader
            .next()
            .map(|b| b.map_err(|e| format_error(&self.path, e)))
    }
}

/// An Avro file being written; [`AvroFileWriter::finish`] flushes it.
pub struct AvroFileWriter {
    path: PathBuf,
    inner: AvroWriter<BufWriter<File>>,
}

impl AvroFileWriter {
    /// A new container file at `path` for records of `schema`.
    pub fn create(path: &Path, schema: &Schema) -> Result<AvroFileWriter> {
        let file = File::create(path).map_err(|e| HiveError::io(path, e))?;
        let inner = AvroWriter::new(BufWriter::new(file), schema.clone())
            .map_err(|e| format_error(path, e))?;
        Ok(AvroFileWriter {
            path: path.to_path_buf(),
            inner,
        })
    }

    /// Appends the rows of `batch`.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.inner
            .write(batch)
            .map_err(|e| format_error(&self.path, e))
    }

    /// Writes what is buffered and closes the file.
    pub fn finish(mut self) -> Result<()> {
        self.inner.finish().map_err(|e| format_error(&self.path, e))
    }
}

/// The Hive columns (name, Hive type name) of an Avro record schema given
/// as JSON, mapped as Hive's AvroSerDe maps them: a union with `null` is
/// the other branch, `long` is bigint, `bytes` and `fixed` binary, `enum`
/// string, logical `decimal`/`date`/`timestamp-*`/`varchar`/`char` their
/// Hive types, arrays, maps (string keys) and records the complex types.
pub fn hive_columns(schema_json: &str) -> Result<Vec<(String, String)>> {
    let bad = |m: String| HiveError::Invalid(format!("avro.schema.literal: {m}"));
    let v: Value = serde_json::from_str(schema_json).map_err(|e| bad(e.to_string()))?;
    if v.get("type").and_then(Value::as_str) != Some("record") {
        return Err(bad("the top-level schema must be a record".into()));
    }
    let fields = v
        .get("fields")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("the record has no 'fields'".into()))?;
    fields
        .iter()
        .map(|f| {
            let name = f
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("a field has no name".into()))?;
            let t = f
                .get("type")
                .ok_or_else(|| bad(format!("field '{name}' has no type")))?;
            Ok((name.to_ascii_lowercase(), hive_type(t).map_err(bad)?))
        })
        .collect()
}

/// The Hive type name of one Avro type.
fn hive_type(t: &Value) -> std::result::Result<String, String> {
    match t {
        Value::String(name) => primitive(name),
        Value::Array(branches) => {
            let real: Vec<&Value> = branches.iter().filter(|b| *b != "null").collect();
            match real.as_slice() {
                [one] => hive_type(one),
                _ => Err(format!(
                    "union {t} has more than one non-null branch (Hive's uniontype is not supported)"
                )),
            }
        }
        Value::Object(o) => {
            let kind = o.get("type").and_then(Value::as_str).unwrap_or("");
            match o.get("logicalType").and_then(Value::as_str) {
                Some("decimal") => {
                    let p = o.get("precision").and_then(Value::as_u64).unwrap_or(10);
                    let s = o.get("scale").and_then(Value::as_u64).unwrap_or(0);
                    return Ok(format!("decimal({p},{s})"));
                }
                Some("date") => return Ok("date".into()),
                Some("timestamp-millis" | "timestamp-micros") => return Ok("timestamp".into()),
                Some(l @ ("varchar" | "char")) => {
                    if let Some(n) = o.get("maxLength").and_then(Value::as_u64) {
                        return Ok(format!("{l}({n})"));
                    }
                }
                _ => {}
            }
            match kind {
                "array" => Ok(format!(
                    "array<{}>",
                    hive_type(o.get("items").ok_or("an array without 'items'")?)?
                )),
                "map" => Ok(format!(
                    "map<string,{}>",
                    hive_type(o.get("values").ok_or("a map without 'values'")?)?
                )),
                "record" => {
                    let fields = o
                        .get("fields")
                        .and_then(Value::as_array)
                        .ok_or("a record without 'fields'")?;
                    let parts = fields
                        .iter()
                        .map(|f| {
                            let n = f.get("name").and_then(Value::as_str).unwrap_or("");
                            Ok(format!(
                                "{}:{}",
                                n.to_ascii_lowercase(),
                                hive_type(f.get("type").unwrap_or(&Value::Null))?
                            ))
                        })
                        .collect::<std::result::Result<Vec<_>, String>>()?;
                    Ok(format!("struct<{}>", parts.join(",")))
                }
                "enum" => Ok("string".into()),
                "fixed" => Ok("binary".into()),
                other => primitive(other),
            }
        }
        other => Err(format!("unknown Avro type {other}")),
    }
}

fn primitive(name: &str) -> std::result::Result<String, String> {
    Ok(match name {
        "boolean" => "boolean",
        "int" => "int",
        "long" => "bigint",
        "float" => "float",
        "double" => "double",
        "bytes" | "fixed" => "binary",
        "string" | "enum" => "string",
        "null" => "void",
        other => return Err(format!("unknown Avro type '{other}'")),
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field};
    use std::sync::Arc;

    #[test]
    fn schema_literals_map_to_hive_columns() {
        let cols = hive_columns(
            r#"{"type":"record","name":"r","fields":[
                {"name":"Id","type":"long"},
                {"name":"name","type":["null","string"]},
                {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":8,"scale":2}},
                {"name":"day","type":{"type":"int","logicalType":"date"}},
                {"name":"tags","type":{"type":"array","items":"string"}},
                {"name":"attrs","type":{"type":"map","values":["null","int"]}},
                {"name":"pt","type":{"type":"record","name":"p","fields":[{"name":"x","type":"double"}]}},
                {"name":"kind","type":{"type":"enum","name":"k","symbols":["A","B"]}}
            ]}"#,
        )
        .unwrap();
        let types: Vec<String> = cols.iter().map(|c| format!("{} {}", c.0, c.1)).collect();
        assert_eq!(
            types,
            [
                "id bigint",
                "name string",
                "price decimal(8,2)",
                "day date",
                "tags array<string>",
                "attrs map<string,int>",
                "pt struct<x:double>",
                "kind string"
            ]
        );
        assert!(hive_columns(
            r#"{"type":"record","name":"r","fields":[{"name":"u","type":["int","string"]}]}"#
        )
        .is_err());
        assert!(hive_columns("[1,2").is_err());
    }

    #[test]
    fn written_files_read_back_projected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.avro");
        let schema = Schema::new(vec![
            Field::new("k", DataType::Int64, true),
            Field::new("v", DataType::Utf8, true),
        ]);
        let batch = RecordBatch::try_new(
            Arc::new(schema.clone()),
            vec![
                Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])),
                Arc::new(StringArray::from(vec![Some("a"), Some("b"), None])),
            ],
        )
        .unwrap();
        let mut w = AvroFileWriter::create(&path, &schema).unwrap();
        w.write(&batch).unwrap();
        w.finish().unwrap();
        assert_eq!(read_schema(&path).unwrap().field(1).name(), "v");
        let got: Vec<RecordBatch> = read(&path, &[1], 2).unwrap().map(|b| b.unwrap()).collect();
        assert_eq!(got.iter().map(|b| b.num_rows()).sum::<usize>(), 3);
        let v = got[1]
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        assert!(v.is_null(0));
        assert!(read(&dir.path().join("missing.avro"), &[0], 10).is_err());
    }
}
