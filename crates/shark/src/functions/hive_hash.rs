//! `hash(a1[, a2, …])` with Hive's exact values, which Hive's own tests
//! checksum results with (`sum(hash(…))`). Each value hashes by the Java
//! rules Hive applies per type — an int is itself, a bigint folds its
//! halves, a double its bit pattern, a string its UTF-8 bytes (as signed
//! bytes, `h = 31·h + b` from 0), NULL is 0 — and the arguments combine as
//! `h = 31·h + hash(arg)`. Arrays and structs combine their elements the
//! same way; a map adds `hash(key) ^ hash(value)` over its entries.
//! Computed a column at a time; no per-row allocation.

use super::ScalarFunction;
use crate::error::{Result, SharkError};
use arrow::array::{Array, ArrayRef, AsArray, Int32Array};
use arrow::datatypes::{
    DataType, Date32Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use std::sync::Arc;

/// The function.
pub(super) const FUNCTIONS: &[ScalarFunction] = &[ScalarFunction {
    name: "hash",
    coerce: |a| {
        if a.is_empty() {
            return Err("hash needs at least one argument".into());
        }
        for t in a {
            supported(t)?;
        }
        Ok(a.to_vec())
    },
    return_type: |_| DataType::Int32,
    eval: |args, n| Ok(Arc::new(Int32Array::from(hash_rows(args, n)?))),
    deterministic: true,
}];

/// Hive's hash of each row of `columns` (`n` rows): what `hash(…)` gives,
/// and what Hive buckets rows by (`(hash & MAX) % buckets`).
pub(crate) fn hash_rows(columns: &[ArrayRef], n: usize) -> Result<Vec<i32>> {
    let mut acc = vec![0i32; n];
    for a in columns {
        let h = hash_column(a)?;
        for (x, y) in acc.iter_mut().zip(h) {
            *x = x.wrapping_mul(31).wrapping_add(y);
        }
    }
    Ok(acc)
}

fn supported(t: &DataType) -> std::result::Result<(), String> {
    match t {
        DataType::Null
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::Float32
        | DataType::Float64
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Binary
        | DataType::Date32
        | DataType::Timestamp(_, _) => Ok(()),
        DataType::List(f) => supported(f.data_type()),
        DataType::Map(f, _) => supported(f.data_type()),
        DataType::Struct(fields) => fields.iter().try_for_each(|f| supported(f.data_type())),
        other => Err(format!(
            "hash of {} values is not supported",
            crate::types::type_name(other)
        )),
    }
}

/// Hive's `String`/`Text` rule over UTF-8 bytes.
fn bytes_hash(b: &[u8], start: i32) -> i32 {
    b.iter().fold(start, |h, &x| {
        h.wrapping_mul(31).wrapping_add(x as i8 as i32)
    })
}

fn fold_long(v: i64) -> i32 {
    ((v as u64 >> 32) as i64 ^ v) as i32
}

/// Hive's old timestamp rule: seconds shifted left 30 bits, or-ed with the
/// nanoseconds, halves folded (the wall clock read as UTC).
fn timestamp_hash(seconds: i64, nanos: i64) -> i32 {
    fold_long((seconds << 30) | nanos)
}

fn each<T, F: Fn(T) -> i32>(a: &dyn Array, get: impl Fn(usize) -> T, f: F) -> Vec<i32> {
    (0..a.len())
        .map(|i| if a.is_null(i) { 0 } else { f(get(i)) })
        .collect()
}

/// One hash per row of `a` (0 for NULL).
fn hash_column(a: &ArrayRef) -> Result<Vec<i32>> {
    let a = a.as_ref();
    Ok(match a.data_type() {
        DataType::Null => vec![0; a.len()],
        DataType::Boolean => {
            let v = a.as_boolean();
            each(a, |i| v.value(i), i32::from)
        }
        DataType::Int8 => {
            let v = a.as_primitive::<Int8Type>();
            each(a, |i| v.value(i), i32::from)
        }
        DataType::Int16 => {
            let v = a.as_primitive::<Int16Type>();
            each(a, |i| v.value(i), i32::from)
        }
        DataType::Int32 => {
            let v = a.as_primitive::<Int32Type>();
            each(a, |i| v.value(i), |x| x)
        }
        DataType::Int64 => {
            let v = a.as_primitive::<Int64Type>();
            each(a, |i| v.value(i), fold_long)
        }
        DataType::Float32 => {
            let v = a.as_primitive::<Float32Type>();
            // Java's floatToIntBits: every NaN is the one canonical NaN.
            each(
                a,
                |i| v.value(i),
                |x| {
                    if x.is_nan() {
                        0x7fc0_0000
                    } else {
                        x.to_bits() as i32
                    }
                },
            )
        }
        DataType::Float64 => {
            let v = a.as_primitive::<Float64Type>();
            each(
                a,
                |i| v.value(i),
                |x| {
                    let bits = if x.is_nan() {
                        0x7ff8_0000_0000_0000
                    } else {
                        x.to_bits() as i64
                    };
                    fold_long(bits)
                },
            )
        }
        DataType::Utf8 => {
            let v = a.as_string::<i32>();
            each(a, |i| v.value(i), |s| bytes_hash(s.as_bytes(), 0))
        }
        DataType::LargeUtf8 => {
            let v = a.as_string::<i64>();
            each(a, |i| v.value(i), |s| bytes_hash(s.as_bytes(), 0))
        }
        // BytesWritable's rule starts from 1.
        DataType::Binary => {
            let v = a.as_binary::<i32>();
            each(a, |i| v.value(i), |b| bytes_hash(b, 1))
        }
        DataType::Date32 => {
            let v = a.as_primitive::<Date32Type>();
            each(a, |i| v.value(i), |d| d)
        }
        DataType::Timestamp(unit, _) => {
            let (v, per_second): (Vec<Option<i64>>, i64) = match unit {
                TimeUnit::Second => (a.as_primitive::<TimestampSecondType>().iter().collect(), 1),
                TimeUnit::Millisecond => (
                    a.as_primitive::<TimestampMillisecondType>()
                        .iter()
                        .collect(),
                    1_000,
                ),
                TimeUnit::Microsecond => (
                    a.as_primitive::<TimestampMicrosecondType>()
                        .iter()
                        .collect(),
                    1_000_000,
                ),
                TimeUnit::Nanosecond => (
                    a.as_primitive::<TimestampNanosecondType>().iter().collect(),
                    1_000_000_000,
                ),
            };
            v.into_iter()
                .map(|t| match t {
                    None => 0,
                    Some(t) => {
                        let secs = t.div_euclid(per_second);
                        let nanos = t.rem_euclid(per_second) * (1_000_000_000 / per_second);
                        timestamp_hash(secs, nanos)
                    }
                })
                .collect()
        }
        DataType::List(_) => {
            let l = a.as_list::<i32>();
            let inner = hash_column(l.values())?;
            let offsets = l.value_offsets();
            (0..l.len())
                .map(|i| {
                    if l.is_null(i) {
                        return 0;
                    }
                    inner[offsets[i] as usize..offsets[i + 1] as usize]
                        .iter()
                        .fold(0i32, |h, &x| h.wrapping_mul(31).wrapping_add(x))
                })
                .collect()
        }
        DataType::Map(_, _) => {
            let m = a.as_map();
            let keys = hash_column(m.keys())?;
            let values = hash_column(m.values())?;
            let offsets = m.value_offsets();
            (0..m.len())
                .map(|i| {
                    if m.is_null(i) {
                        return 0;
                    }
                    (offsets[i] as usize..offsets[i + 1] as usize)
                        .fold(0i32, |h, j| h.wrapping_add(keys[j] ^ values[j]))
                })
                .collect()
        }
        DataType::Struct(_) => {
            let s = a.as_struct();
            let mut acc = vec![0i32; s.len()];
            for c in s.columns() {
                let h = hash_column(c)?;
                for (x, y) in acc.iter_mut().zip(h) {
                    *x = x.wrapping_mul(31).wrapping_add(y);
                }
            }
            for (i, x) in acc.iter_mut().enumerate() {
                if s.is_null(i) {
                    *x = 0;
                }
            }
            acc
        }
        other => {
            return Err(SharkError::exec(format!(
                "hash of {} values is not supported",
                crate::types::type_name(other)
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values follow Java: Integer.hashCode, Long.hashCode,
    // Double.hashCode, Float.floatToIntBits, String.hashCode (equal to
    // Hive's byte rule for ASCII text).
    #[test]
    fn the_java_rules() {
        assert_eq!(bytes_hash(b"hello", 0), 99_162_322);
        assert_eq!(bytes_hash(b"", 0), 0);
        assert_eq!(fold_long(1), 1);
        assert_eq!(fold_long(-1), 0);
        assert_eq!(fold_long(4_294_967_296), 1);
        assert_eq!(fold_long(1.5f64.to_bits() as i64), 1_073_217_536);
        assert_eq!(1.5f32.to_bits() as i32, 1_069_547_520);
        // Non-ASCII bytes count as negative (Java's signed byte).
        assert_eq!(bytes_hash("é".as_bytes(), 0), -61 * 31 - 87);
    }
}
