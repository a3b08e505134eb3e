//! `trunc(number[, scale])`: Hive's numeric truncation (toward zero) to
//! `scale` digits after the point (before it when negative), keeping the
//! argument's type. A double is truncated in its shortest decimal form, as
//! Hive does through `BigDecimal.valueOf`, so `trunc(0.1 + 0.2, 1)` is 0.3.
//! (`trunc(date, 'MM')` is the date form, in `datetime.rs`.)

use crate::error::{Result, SharkError};
use arrow::array::{Array, ArrayRef, AsArray, Decimal128Array, Float64Array, Int64Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type};
use std::sync::Arc;

/// True when `trunc`'s first argument makes it the numeric form.
pub(super) fn is_numeric_form(first: &DataType) -> bool {
    crate::types::is_numeric(first)
}

/// Argument types of the numeric form: the number as it is (integers as
/// bigint, floats as double), the scale as bigint.
pub(super) fn coerce(a: &[DataType]) -> std::result::Result<Vec<DataType>, String> {
    super::arity(a, 1, 2)?;
    let number = match &a[0] {
        DataType::Decimal128(_, _) => a[0].clone(),
        DataType::Float32 | DataType::Float64 => DataType::Float64,
        _ => DataType::Int64,
    };
    let mut out = vec![number];
    if a.len() == 2 {
        out.push(DataType::Int64);
    }
    Ok(out)
}

/// The digits of `x` truncated toward zero at `scale`.
fn trunc_f64(x: f64, scale: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    // Rust prints the shortest decimal that reads back as `x`.
    let text = format!("{x}");
    let (sign, digits) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let kept = if scale >= 0 {
        let k = (scale as usize).min(frac.len());
        format!("{sign}{int}.{}", &frac[..k])
    } else {
        let zeros = (-scale) as usize;
        if zeros >= int.len() {
            return 0.0;
        }
        format!("{sign}{}{}", &int[..int.len() - zeros], "0".repeat(zeros))
    };
    kept.trim_end_matches('.').parse().unwrap_or(x)
}

fn trunc_i64(v: i64, scale: i64) -> i64 {
    if scale >= 0 {
        return v;
    }
    match 10i64.checked_pow((-scale) as u32) {
        Some(p) => v / p * p,
        None => 0,
    }
}

fn trunc_i128(v: i128, type_scale: i8, scale: i64) -> i128 {
    let drop = type_scale as i64 - scale;
    if drop <= 0 {
        return v;
    }
    match 10i128.checked_pow(drop as u32) {
        Some(p) => v / p * p,
        None => 0,
    }
}

/// Evaluates the numeric form.
pub(super) fn eval(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let scales: Vec<Option<i64>> = match args.get(1) {
        Some(s) => s.as_primitive::<Int64Type>().iter().collect(),
        None => vec![Some(0); n],
    };
    let a = &args[0];
    Ok(match a.data_type() {
        DataType::Float64 => {
            let v = a.as_primitive::<Float64Type>();
            let out: Float64Array = (0..n)
                .map(|i| Some(trunc_f64(v.is_valid(i).then(|| v.value(i))?, scales[i]?)))
                .collect();
            Arc::new(out)
        }
        DataType::Int64 => {
            let v = a.as_primitive::<Int64Type>();
            let out: Int64Array = (0..n)
                .map(|i| Some(trunc_i64(v.is_valid(i).then(|| v.value(i))?, scales[i]?)))
                .collect();
            Arc::new(out)
        }
        DataType::Decimal128(p, s) => {
            let v = a.as_primitive::<Decimal128Type>();
            let out: Decimal128Array = (0..n)
                .map(|i| {
                    Some(trunc_i128(
                        v.is_valid(i).then(|| v.value(i))?,
                        *s,
                        scales[i]?,
                    ))
                })
                .collect();
            Arc::new(
                out.with_precision_and_scale(*p, *s)
                    .map_err(|e| SharkError::exec(e.to_string()))?,
            )
        }
        other => cast(a, &DataType::Float64)
            .map_err(|e| SharkError::exec(format!("trunc of {other}: {e}")))?,
    })
}

/// The result type of the numeric form: the argument's.
pub(super) fn return_type(a: &[DataType]) -> DataType {
    coerce(a).map(|t| t[0].clone()).unwrap_or(DataType::Float64)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values: java.math.BigDecimal.valueOf(x).setScale(s, DOWN).
    #[test]
    fn truncation_toward_zero() {
        assert_eq!(trunc_f64(1234.5678, 2), 1234.56);
        assert_eq!(trunc_f64(1234.5678, 0), 1234.0);
        assert_eq!(trunc_f64(1234.5678, -2), 1200.0);
        assert_eq!(trunc_f64(-1234.5678, 1), -1234.5);
        assert_eq!(trunc_f64(0.1 + 0.2, 1), 0.3);
        assert_eq!(trunc_f64(99.0, -3), 0.0);
        assert_eq!(trunc_i64(1234, -2), 1200);
        assert_eq!(trunc_i64(-1299, -2), -1200);
        assert_eq!(trunc_i128(123_456, 3, 1), 123_400);
        assert_eq!(trunc_i128(123_456, 3, 5), 123_456);
    }
}
