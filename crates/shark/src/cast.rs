//! Hive's CAST: a value that does not convert is NULL, numbers are not
//! trimmed, integers cast to TIMESTAMP are seconds since the epoch, and
//! doubles and timestamps print as Hive prints them.

use crate::error::Result;
use crate::types::{is_integer, is_numeric, is_string};
use arrow::array::*;
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::*;
use std::sync::Arc;

const MICROS: i64 = 1_000_000;

/// Seconds since the epoch a TIMESTAMP can hold (years 1 to 9999, as
/// Hive's): a number outside casts to NULL instead of wrapping.
const TIMESTAMP_SECONDS: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

/// Casts `array` to `to` with Hive semantics.
pub fn hive_cast(array: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    let from = array.data_type();
    if from == to {
        return Ok(array.clone());
    }
    let safe = CastOptions {
        safe: true,
        ..Default::default()
    };
    match (from, to) {
        (DataType::Null, _) => Ok(new_null_array(to, array.len())),
        // A wider decimal of the same scale holds every value as it is:
        // no pass over the data.
        (DataType::Decimal128(p1, s1), DataType::Decimal128(p2, s2)) if s1 == s2 && p2 >= p1 => {
            Ok(Arc::new(
                array
                    .as_primitive::<Decimal128Type>()
                    .clone()
                    .with_precision_and_scale(*p2, *s2)?,
            ))
        }
        (
            DataType::Float32
            | DataType::Float64
            | DataType::Timestamp(_, _)
            | DataType::Decimal128(_, _)
            | DataType::Interval(_)
            | DataType::Duration(_),
            DataType::Utf8,
        ) => {
            let text = hive::text::render_column(array)?;
            Ok(Arc::new(StringArray::from(text)))
        }
        (DataType::Boolean, DataType::Utf8) => {
            // Hive's text form: `true` / `false`.
            let b = array.as_boolean();
            let out: StringArray = b
                .iter()
                .map(|v| v.map(|v| if v { "true" } else { "false" }))
                .collect();
            Ok(Arc::new(out))
        }
        // Hive: a decimal or a timestamp is true unless zero; a date has
        // no truth value (NULL).
        (DataType::Decimal128(_, _), DataType::Boolean) => {
            let d = array.as_primitive::<Decimal128Type>();
            let out: BooleanArray = d.iter().map(|v| v.map(|v| v != 0)).collect();
            Ok(Arc::new(out))
        }
        (DataType::Timestamp(_, _), DataType::Boolean) => {
            let t = cast_with_options(array, &crate::types::TIMESTAMP, &safe)?;
            let t = t.as_primitive::<TimestampMicrosecondType>();
            let out: BooleanArray = t.iter().map(|v| v.map(|v| v != 0)).collect();
            Ok(Arc::new(out))
        }
        (DataType::Date32, DataType::Boolean) => Ok(new_null_array(to, array.len())),
        (f, DataType::Boolean) if is_string(f) => {
            // Hive: the empty string is false, any other string true.
            let s = array.as_string::<i32>();
            let out: BooleanArray = s.iter().map(|v| v.map(|v| !v.is_empty())).collect();
            Ok(Arc::new(out))
        }
        (f, t)
            if is_string(f)
                && (is_numeric(t) || matches!(t, DataType::Date32 | DataType::Timestamp(_, _))) =>
        {
            let s = array.as_string::<i32>();
            if matches!(t, DataType::Float32 | DataType::Float64) {
                // Java's Double.parseDouble trims surrounding whitespace.
                let trimmed: StringArray = s.iter().map(|v| v.map(|v| v.trim())).collect();
                return Ok(cast_with_options(
                    &(Arc::new(trimmed) as ArrayRef),
                    t,
                    &safe,
                )?);
            }
            let strict: StringArray = s
                .iter()
                .map(|v| {
                    v.filter(|v| {
                        !v.starts_with(char::is_whitespace) && !v.ends_with(char::is_whitespace)
                    })
                })
                .collect();
            let strict: ArrayRef = Arc::new(strict);
            if is_integer(t) {
                // Hive reads "2.5" as 2 (the integer part of a plain
                // decimal), but not "1e3".
                let ints: StringArray = strict
                    .as_string::<i32>()
                    .iter()
                    .map(|v| {
                        v.map(|v| match v.split_once('.') {
                            Some((int, frac))
                                if frac.chars().all(|c| c.is_ascii_digit())
                                    && !int.is_empty()
                                    && int != "-"
                                    && int != "+" =>
                            {
                                int
                            }
                            _ => v,
                        })
                    })
                    .collect();
                return Ok(cast_with_options(&(Arc::new(ints) as ArrayRef), t, &safe)?);
            }
            if let DataType::Timestamp(_, _) = t {
                return Ok(cast_with_options(&strict, &crate::types::TIMESTAMP, &safe)?);
            }
            Ok(cast_with_options(&strict, t, &safe)?)
        }
        (f, DataType::Timestamp(_, _)) if is_integer(f) => {
            let secs = cast_with_options(array, &DataType::Int64, &safe)?;
            let secs = secs.as_primitive::<Int64Type>();
            let out: TimestampMicrosecondArray = secs
                .iter()
                .map(|v| {
                    v.filter(|s| TIMESTAMP_SECONDS.contains(s))
                        .map(|s| s * MICROS)
                })
                .collect();
            Ok(Arc::new(out))
        }
        (
            DataType::Float32 | DataType::Float64 | DataType::Decimal128(_, _),
            DataType::Timestamp(_, _),
        ) => {
            let secs = cast_with_options(array, &DataType::Float64, &safe)?;
            let secs = secs.as_primitive::<Float64Type>();
            let out: TimestampMicrosecondArray = secs
                .iter()
                .map(|v| {
                    v.filter(|s| {
                        s.is_finite()
                            && *s >= *TIMESTAMP_SECONDS.start() as f64
                            && *s <= *TIMESTAMP_SECONDS.end() as f64
                    })
                    .map(|s| (s * MICROS as f64).round() as i64)
                })
                .collect();
            Ok(Arc::new(out))
        }
        (DataType::Timestamp(_, _), t) if is_numeric(t) => {
            let micros = cast_with_options(array, &crate::types::TIMESTAMP, &safe)?;
            let micros = micros.as_primitive::<TimestampMicrosecondType>();
            if is_integer(t) {
                let secs: Int64Array = micros
                    .iter()
                    .map(|v| v.map(|m| m.div_euclid(MICROS)))
                    .collect();
                Ok(cast_with_options(&(Arc::new(secs) as ArrayRef), t, &safe)?)
            } else {
                let secs: Float64Array = micros
                    .iter()
                    .map(|v| v.map(|m| m as f64 / MICROS as f64))
                    .collect();
                Ok(cast_with_options(&(Arc::new(secs) as ArrayRef), t, &safe)?)
            }
        }
        (f, t) if matches!(f, DataType::Float32 | DataType::Float64) && is_integer(t) => {
            // Java's narrowing: NaN is 0 in Java, but Hive returns NULL for
            // values that do not fit; truncate toward zero.
            let d = cast_with_options(array, &DataType::Float64, &safe)?;
            let d = d.as_primitive::<Float64Type>();
            let truncated: Float64Array = d
                .iter()
                .map(|v| v.filter(|x| x.is_finite()).map(|x| x.trunc()))
                .collect();
            Ok(cast_with_options(
                &(Arc::new(truncated) as ArrayRef),
                t,
                &safe,
            )?)
        }
        _ => Ok(cast_with_options(array, to, &safe)?),
    }
}

/// A mask where NULL counts as false.
pub fn null_as_false(b: &BooleanArray) -> BooleanArray {
    if b.null_count() == 0 {
        b.clone()
    } else {
        arrow::compute::prep_null_mask_filter(b)
    }
}
