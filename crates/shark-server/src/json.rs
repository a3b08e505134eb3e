//! Arrow values as typed JSON: numbers for integers and doubles, booleans,
//! strings (Hive's text form for dates, timestamps and the rest), null; and
//! strings where a JSON number would lose precision (64-bit integers past
//! 2^53, decimals). Arrays, structs and maps become JSON arrays and objects.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Int64Type, UInt64Type};
use arrow::record_batch::RecordBatch;
use serde_json::{Map, Number, Value};

/// Largest integer a JSON (IEEE double) number holds exactly.
const MAX_SAFE: u64 = 1 << 53;

/// Hive's text form of each value, `None` for NULL.
fn texts(a: &ArrayRef) -> Vec<Option<String>> {
    hive::text::render_column(a).unwrap_or_else(|_| vec![None; a.len()])
}

fn int(v: i64) -> Value {
    if v.unsigned_abs() <= MAX_SAFE {
        Value::Number(v.into())
    } else {
        Value::String(v.to_string())
    }
}

/// The JSON value of every row of a column.
pub fn column_values(a: &ArrayRef) -> Vec<Value> {
    let n = a.len();
    let nulls = |f: &dyn Fn(usize) -> Value| -> Vec<Value> {
        (0..n)
            .map(|i| if a.is_null(i) { Value::Null } else { f(i) })
            .collect()
    };
    match a.data_type() {
        DataType::Null => vec![Value::Null; n],
        DataType::Boolean => {
            let b = a.as_boolean();
            nulls(&|i| Value::Bool(b.value(i)))
        }
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
            let wide = arrow::compute::cast(a, &DataType::Int64).expect("integers widen");
            let w = wide.as_primitive::<Int64Type>();
            nulls(&|i| int(w.value(i)))
        }
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => {
            let wide = arrow::compute::cast(a, &DataType::UInt64).expect("integers widen");
            let w = wide.as_primitive::<UInt64Type>();
            nulls(&|i| match w.value(i) {
                v if v <= MAX_SAFE => Value::Number(v.into()),
                v => Value::String(v.to_string()),
            })
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 => texts(a)
            .into_iter()
            .map(|t| match t {
                None => Value::Null,
                // Hive's shortest digits, so 0.1f prints as 0.1, not 0.10000000149.
                Some(s) => s
                    .parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .map(Value::Number)
                    .unwrap_or(Value::String(s)),
            })
            .collect(),
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _) => {
            nulls(&|i| Value::Array(column_values(&list_value(a, i))))
        }
        DataType::Struct(fields) => {
            let s = a.as_struct();
            let cols: Vec<Vec<Value>> = s.columns().iter().map(column_values).collect();
            nulls(&|i| {
                let mut m = Map::new();
                for (f, c) in fields.iter().zip(&cols) {
                    m.insert(f.name().clone(), c[i].clone());
                }
                Value::Object(m)
            })
        }
        DataType::Map(_, _) => {
            let m = a.as_map();
            nulls(&|i| {
                let entries = m.value(i);
                let keys = texts(entries.column(0));
                let values = column_values(entries.column(1));
                let mut obj = Map::new();
                for (k, v) in keys.into_iter().zip(values) {
                    obj.insert(k.unwrap_or_else(|| "null".into()), v);
                }
                Value::Object(obj)
            })
        }
        _ => texts(a)
            .into_iter()
            .map(|t| t.map(Value::String).unwrap_or(Value::Null))
            .collect(),
    }
}

fn list_value(a: &ArrayRef, i: usize) -> ArrayRef {
    match a.data_type() {
        DataType::LargeList(_) => a.as_list::<i64>().value(i),
        DataType::FixedSizeList(_, _) => a.as_fixed_size_list().value(i),
        _ => a.as_list::<i32>().value(i),
    }
}

/// The rows of a batch as JSON arrays, in column order.
pub fn rows(batch: &RecordBatch) -> Vec<Value> {
    let cols: Vec<Vec<Value>> = batch.columns().iter().map(column_values).collect();
    (0..batch.num_rows())
        .map(|r| Value::Array(cols.iter().map(|c| c[r].clone()).collect()))
        .collect()
}

/// The rows of a batch as JSON objects keyed by column name (NDJSON).
pub fn objects(batch: &RecordBatch) -> Vec<Value> {
    let names: Vec<&String> = batch
        .schema_ref()
        .fields()
        .iter()
        .map(|f| f.name())
        .collect();
    let cols: Vec<Vec<Value>> = batch.columns().iter().map(column_values).collect();
    (0..batch.num_rows())
        .map(|r| {
            let mut m = Map::new();
            for (n, c) in names.iter().zip(&cols) {
                m.insert((*n).clone(), c[r].clone());
            }
            Value::Object(m)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Decimal128Array, Float32Array, Int64Array, StringArray};
    use std::sync::Arc;

    #[test]
    fn big_integers_and_decimals_are_strings() {
        let a: ArrayRef = Arc::new(Int64Array::from(vec![Some(1), None, Some(i64::MAX)]));
        assert_eq!(
            column_values(&a),
            vec![
                Value::from(1),
                Value::Null,
                Value::from(i64::MAX.to_string())
            ]
        );
        let d: ArrayRef = Arc::new(
            Decimal128Array::from(vec![12345])
                .with_precision_and_scale(10, 2)
                .unwrap(),
        );
        assert_eq!(column_values(&d), vec![Value::from("123.45")]);
    }

    #[test]
    fn floats_keep_short_digits_and_strings_stay_strings() {
        let f: ArrayRef = Arc::new(Float32Array::from(vec![0.1f32, f32::NAN]));
        assert_eq!(
            column_values(&f),
            vec![Value::from(0.1), Value::from("NaN")]
        );
        let s: ArrayRef = Arc::new(StringArray::from(vec![Some("x"), None]));
        assert_eq!(column_values(&s), vec![Value::from("x"), Value::Null]);
    }
}
