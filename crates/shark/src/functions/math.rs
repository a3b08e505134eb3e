//! Math functions with Hive's semantics: `round` half away from zero,
//! `bround` half to even, `sqrt`/`ln` of out-of-domain values NULL,
//! `pmod` with the divisor's sign, `floor`/`ceil` returning BIGINT.

use super::{arity, f64_arg, ScalarFunction};
use crate::error::Result;
use crate::types::{common_of, is_integer, is_numeric};
use arrow::array::*;
use arrow::datatypes::{DataType, Float64Type};
use std::sync::Arc;

fn doubles(a: &[DataType], min: usize, max: usize) -> std::result::Result<Vec<DataType>, String> {
    arity(a, min, max)?;
    for t in a {
        if !is_numeric(t) && !crate::types::is_string(t) && *t != DataType::Null {
            return Err(format!(
                "expects numbers, got {}",
                crate::types::type_name(t)
            ));
        }
    }
    Ok(vec![DataType::Float64; a.len()])
}

fn map_f64(a: &ArrayRef, f: impl Fn(f64) -> Option<f64>) -> ArrayRef {
    let out: Float64Array = f64_arg(a).iter().map(|v| v.and_then(&f)).collect();
    Arc::new(out)
}

fn numeric_same(a: &[DataType]) -> std::result::Result<Vec<DataType>, String> {
    arity(a, 1, 1)?;
    let t = match &a[0] {
        t if is_numeric(t) => t.clone(),
        _ => DataType::Float64,
    };
    Ok(vec![t])
}

/// Rounds half away from zero (Java's BigDecimal HALF_UP) to `d` places.
pub(crate) fn round_half_up(x: f64, d: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let m = 10f64.powi(d.clamp(-30, 30) as i32);
    let scaled = x * m;
    // Correct representation error for values like 2.675 by rounding the
    // decimal text form.
    let text: f64 = format!("{scaled:.9}").parse().unwrap_or(scaled);
    (text.abs() + 0.5).floor().copysign(x) / m
}

fn round_half_even(x: f64, d: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let m = 10f64.powi(d.clamp(-30, 30) as i32);
    let scaled: f64 = format!("{:.9}", x * m).parse().unwrap_or(x * m);
    let r = scaled.round();
    let r = if (scaled - scaled.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - scaled.signum()
    } else {
        r
    };
    r / m
}

fn round_eval(args: &[ArrayRef], n: usize, even: bool) -> Result<ArrayRef> {
    let digits: Vec<Option<i64>> = match args.get(1) {
        Some(d) => d
            .as_primitive::<arrow::datatypes::Int64Type>()
            .iter()
            .collect(),
        None => vec![Some(0); n],
    };
    match args[0].data_type() {
        t if is_integer(t) => {
            let x = arrow::compute::cast(&args[0], &DataType::Int64)?;
            let x = x.as_primitive::<arrow::datatypes::Int64Type>();
            let out: Int64Array = x
                .iter()
                .zip(&digits)
                .map(|(v, d)| match (v, d) {
                    (Some(v), Some(d)) if *d >= 0 => Some(v),
                    (Some(v), Some(d)) => {
                        // In integers: exact, and `bround` halves to even.
                        let m = 10i64.checked_pow((-d) as u32)?;
                        let (q, r) = (v.div_euclid(m), v.rem_euclid(m));
                        let up = match (2 * r as i128).cmp(&(m as i128)) {
                            std::cmp::Ordering::Greater => true,
                            std::cmp::Ordering::Less => false,
                            // A half: away from zero (round), to even (bround).
                            std::cmp::Ordering::Equal if even => q.rem_euclid(2) == 1,
                            std::cmp::Ordering::Equal => v >= 0,
                        };
                        q.checked_add(up as i64)?.checked_mul(m)
                    }
                    _ => None,
                })
                .collect();
            Ok(arrow::compute::cast(
                &(Arc::new(out) as ArrayRef),
                args[0].data_type(),
            )?)
        }
        DataType::Decimal128(p, s) => {
            let (p, s) = (*p, *s);
            let x = args[0].as_primitive::<arrow::datatypes::Decimal128Type>();
            let d = digits
                .first()
                .copied()
                .flatten()
                .unwrap_or(0)
                .clamp(0, s as i64) as i8;
            let factor = 10i128.pow((s - d) as u32);
            let out: Decimal128Array = x
                .iter()
                .map(|v| {
                    v.map(|v| {
                        let q = v / factor;
                        let r = v % factor;
                        let twice = r.abs() * 2;
                        let up = if even {
                            twice > factor || (twice == factor && q % 2 != 0)
                        } else {
                            twice >= factor
                        };
                        if up {
                            q + v.signum()
                        } else {
                            q
                        }
                    })
                })
                .collect();
            Ok(Arc::new(out.with_precision_and_scale(p.min(38), d)?))
        }
        _ => {
            let x = arrow::compute::cast(&args[0], &DataType::Float64)?;
            let x = x.as_primitive::<Float64Type>();
            let out: Float64Array = x
                .iter()
                .zip(&digits)
                .map(|(v, d)| match (v, d) {
                    (Some(v), Some(d)) => Some(if even {
                        round_half_even(v, *d)
                    } else {
                        round_half_up(v, *d)
                    }),
                    _ => None,
                })
                .collect();
            Ok(Arc::new(out))
        }
    }
}

fn round_coerce(a: &[DataType]) -> std::result::Result<Vec<DataType>, String> {
    arity(a, 1, 2)?;
    let first = if is_numeric(&a[0]) {
        a[0].clone()
    } else {
        DataType::Float64
    };
    let mut t = vec![if first == DataType::Float32 {
        DataType::Float64
    } else {
        first
    }];
    if a.len() == 2 {
        t.push(DataType::Int64);
    }
    Ok(t)
}

fn round_type(a: &[DataType]) -> DataType {
    match &a[0] {
        DataType::Decimal128(p, _) => DataType::Decimal128(*p, 0),
        t => t.clone(),
    }
}

fn floor_ceil(args: &[ArrayRef], ceil: bool) -> Result<ArrayRef> {
    if is_integer(args[0].data_type()) {
        return Ok(arrow::compute::cast(&args[0], &DataType::Int64)?);
    }
    let x = arrow::compute::cast(&args[0], &DataType::Float64)?;
    let out: Int64Array = x
        .as_primitive::<Float64Type>()
        .iter()
        .map(|v| {
            v.filter(|v| v.is_finite())
                .map(|v| if ceil { v.ceil() } else { v.floor() } as i64)
        })
        .collect();
    Ok(Arc::new(out))
}

fn extreme(args: &[ArrayRef], n: usize, greatest: bool) -> Result<ArrayRef> {
    let mut result = args[0].clone();
    for a in &args[1..] {
        let pick_new = if greatest {
            arrow::compute::kernels::cmp::gt(a, &result)?
        } else {
            arrow::compute::kernels::cmp::lt(a, &result)?
        };
        let mask = crate::cast::null_as_false(&pick_new);
        let mut merged = arrow::compute::kernels::zip::zip(&mask, a, &result)?;
        // Hive: any NULL argument makes the result NULL.
        let either_null = arrow::compute::or(
            &arrow::compute::is_null(a)?,
            &arrow::compute::is_null(&result)?,
        )?;
        merged = arrow::compute::nullif(&merged, &either_null)?;
        result = merged;
    }
    let _ = n;
    Ok(result)
}

/// `conv(num, from, to)` for one value: the digits of `num` in base
/// `from` (2..36; the longest valid prefix, a leading `-` negates) as
/// base `to` digits, upper case. As Hive's: the value is a 64-bit
/// unsigned number (a negative one in two's complement) unless `to` is
/// negative, which prints it signed; overflow saturates to all ones.
pub(crate) fn conv(num: &str, from: i64, to: i64) -> Option<String> {
    let (from_base, to_base) = (from.unsigned_abs(), to.unsigned_abs());
    if !(2..=36).contains(&from_base) || !(2..=36).contains(&to_base) {
        return None;
    }
    let t = num.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let mut value: u64 = 0;
    let mut any = false;
    for c in digits.chars() {
        let Some(d) = c.to_digit(36).filter(|d| (*d as u64) < from_base) else {
            break;
        };
        any = true;
        value = value
            .checked_mul(from_base)
            .and_then(|v| v.checked_add(d as u64))
            .unwrap_or(u64::MAX);
    }
    if !any {
        return None;
    }
    if negative {
        value = (value as i64).wrapping_neg() as u64;
    }
    let (sign, mut magnitude) = if to < 0 && (value as i64) < 0 {
        ("-", (value as i64).unsigned_abs())
    } else {
        ("", value)
    };
    let mut out = Vec::new();
    loop {
        let d = (magnitude % to_base) as u32;
        out.push(
            std::char::from_digit(d, 36)
                .unwrap_or('0')
                .to_ascii_uppercase(),
        );
        magnitude /= to_base;
        if magnitude == 0 {
            break;
        }
    }
    Some(format!("{sign}{}", out.iter().rev().collect::<String>()))
}

pub(super) static FUNCTIONS: &[ScalarFunction] = &[
    ScalarFunction {
        name: "conv",
        coerce: |a| {
            super::arity(a, 3, 3)?;
            Ok(vec![DataType::Utf8, DataType::Int64, DataType::Int64])
        },
        return_type: |_| DataType::Utf8,
        eval: |args, _| {
            let nums = super::str_arg(&args[0]);
            let (from, to) = (super::i64_arg(&args[1]), super::i64_arg(&args[2]));
            let out: StringArray = (0..nums.len())
                .map(|i| {
                    if nums.is_null(i) || from.is_null(i) || to.is_null(i) {
                        return None;
                    }
                    conv(nums.value(i), from.value(i), to.value(i))
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "abs",
        coerce: numeric_same,
        return_type: |a| a[0].clone(),
        eval: |args, _| {
            let zero = crate::scalar::ScalarValue::Int8(0).to_array(args[0].len());
            let zero = crate::cast::hive_cast(&zero, args[0].data_type())?;
            let neg = arrow::compute::kernels::cmp::lt(&args[0], &zero)?;
            let negated = arrow::compute::kernels::numeric::neg_wrapping(&args[0])?;
            Ok(arrow::compute::kernels::zip::zip(&neg, &negated, &args[0])?)
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "round",
        coerce: round_coerce,
        return_type: round_type,
        eval: |args, n| round_eval(args, n, false),
        deterministic: true,
    },
    ScalarFunction {
        name: "bround",
        coerce: round_coerce,
        return_type: round_type,
        eval: |args, n| round_eval(args, n, true),
        deterministic: true,
    },
    ScalarFunction {
        name: "floor",
        coerce: numeric_same,
        return_type: |_| DataType::Int64,
        eval: |args, _| floor_ceil(args, false),
        deterministic: true,
    },
    ScalarFunction {
        name: "ceil",
        coerce: numeric_same,
        return_type: |_| DataType::Int64,
        eval: |args, _| floor_ceil(args, true),
        deterministic: true,
    },
    ScalarFunction {
        name: "pow",
        coerce: |a| doubles(a, 2, 2),
        return_type: |_| DataType::Float64,
        eval: |args, n| {
            let (x, y) = (f64_arg(&args[0]), f64_arg(&args[1]));
            let out: Float64Array = (0..n)
                .map(|i| (x.is_valid(i) && y.is_valid(i)).then(|| x.value(i).powf(y.value(i))))
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "sqrt",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| (v >= 0.0).then(|| v.sqrt()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "cbrt",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| Some(v.cbrt()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "exp",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| Some(v.exp()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "ln",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| (v > 0.0).then(|| v.ln()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "log10",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| (v > 0.0).then(|| v.log10()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "log2",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| (v > 0.0).then(|| v.log2()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "log",
        coerce: |a| doubles(a, 1, 2),
        return_type: |_| DataType::Float64,
        eval: |args, n| {
            if args.len() == 1 {
                return Ok(map_f64(&args[0], |v| (v > 0.0).then(|| v.ln())));
            }
            let (b, x) = (f64_arg(&args[0]), f64_arg(&args[1]));
            let out: Float64Array = (0..n)
                .map(|i| {
                    if b.is_null(i) || x.is_null(i) {
                        return None;
                    }
                    let (b, x) = (b.value(i), x.value(i));
                    (b > 0.0 && b != 1.0 && x > 0.0).then(|| x.ln() / b.ln())
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "pmod",
        coerce: |a| {
            arity(a, 2, 2)?;
            let t = common_of(a, "pmod").map_err(|e| e.to_string())?;
            let t = if is_numeric(&t) { t } else { DataType::Float64 };
            Ok(vec![t.clone(), t])
        },
        return_type: |a| a[0].clone(),
        eval: |args, _| {
            use arrow::compute::kernels::numeric::{add_wrapping, rem};
            let zero = crate::scalar::ScalarValue::Int8(0).to_array(args[1].len());
            let zero = crate::cast::hive_cast(&zero, args[1].data_type())?;
            let is_zero = arrow::compute::kernels::cmp::eq(&args[1], &zero)?;
            let b = arrow::compute::nullif(&args[1], &is_zero)?;
            let r = rem(&args[0], &b)?;
            Ok(rem(&add_wrapping(&r, &b)?, &b)?)
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "sign",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| {
            Ok(map_f64(&args[0], |v| {
                Some(if v > 0.0 {
                    1.0
                } else if v < 0.0 {
                    -1.0
                } else {
                    0.0
                })
            }))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "greatest",
        coerce: |a| {
            arity(a, 2, usize::MAX)?;
            let t = common_of(a, "greatest").map_err(|e| e.to_string())?;
            Ok(vec![t; a.len()])
        },
        return_type: |a| a[0].clone(),
        eval: |args, n| extreme(args, n, true),
        deterministic: true,
    },
    ScalarFunction {
        name: "least",
        coerce: |a| {
            arity(a, 2, usize::MAX)?;
            let t = common_of(a, "least").map_err(|e| e.to_string())?;
            Ok(vec![t; a.len()])
        },
        return_type: |a| a[0].clone(),
        eval: |args, n| extreme(args, n, false),
        deterministic: true,
    },
    ScalarFunction {
        name: "degrees",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| Some(v.to_degrees()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "radians",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| Some(v.to_radians()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "sin",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| Some(v.sin()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "cos",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| Some(v.cos()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "tan",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| Some(v.tan()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "atan",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| Ok(map_f64(&args[0], |v| Some(v.atan()))),
        deterministic: true,
    },
    ScalarFunction {
        name: "asin",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| {
            // Hive checks asin's domain (NULL outside [-1, 1]); its acos
            // does not (Java's NaN).
            Ok(map_f64(&args[0], |v| {
                (-1.0..=1.0).contains(&v).then(|| v.asin())
            }))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "acos",
        coerce: |a| doubles(a, 1, 1),
        return_type: |_| DataType::Float64,
        eval: |args, _| {
            // Java's Math.acos: NaN outside [-1, 1], as Hive returns it.
            Ok(map_f64(&args[0], |v| Some(v.acos())))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "pi",
        coerce: |a| {
            arity(a, 0, 0)?;
            Ok(vec![])
        },
        return_type: |_| DataType::Float64,
        eval: |_, n| Ok(Arc::new(Float64Array::from_value(std::f64::consts::PI, n))),
        deterministic: true,
    },
    ScalarFunction {
        name: "e",
        coerce: |a| {
            arity(a, 0, 0)?;
            Ok(vec![])
        },
        return_type: |_| DataType::Float64,
        eval: |_, n| Ok(Arc::new(Float64Array::from_value(std::f64::consts::E, n))),
        deterministic: true,
    },
    ScalarFunction {
        name: "rand",
        coerce: |a| {
            arity(a, 0, 1)?;
            Ok(vec![DataType::Int64; a.len()])
        },
        return_type: |_| DataType::Float64,
        eval: |args, n| {
            use std::sync::atomic::{AtomicU64, Ordering};
            static STATE: AtomicU64 = AtomicU64::new(0x5eed);
            let seed = match args.first() {
                Some(s) => s
                    .as_primitive::<arrow::datatypes::Int64Type>()
                    .iter()
                    .next()
                    .flatten()
                    .unwrap_or(0) as u64,
                None => STATE.fetch_add(0x9e37_79b9, Ordering::Relaxed) ^ std::process::id() as u64,
            };
            let mut rng = rdd::sample::SplitMix64::new(seed);
            Ok(Arc::new(Float64Array::from_iter_values(
                (0..n).map(|_| rng.next_f64()),
            )))
        },
        deterministic: false,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_modes() {
        assert_eq!(round_half_up(2.5, 0), 3.0);
        assert_eq!(round_half_up(-2.5, 0), -3.0);
        assert_eq!(round_half_up(1.005, 2), 1.01);
        assert_eq!(round_half_up(1234.5678, -2), 1200.0);
        assert_eq!(round_half_even(2.5, 0), 2.0);
        assert_eq!(round_half_even(3.5, 0), 4.0);
        assert_eq!(round_half_even(-2.5, 0), -2.0);
    }
}

#[cfg(test)]
mod conv_tests {
    use super::conv;

    #[test]
    fn bases_convert_as_hive_converts_them() {
        assert_eq!(conv("100", 2, 10).as_deref(), Some("4"));
        assert_eq!(conv("255", 10, 16).as_deref(), Some("FF"));
        assert_eq!(conv("-10", 16, -10).as_deref(), Some("-16"));
        assert_eq!(conv("-1", 10, 16).as_deref(), Some("FFFFFFFFFFFFFFFF"));
        assert_eq!(conv("12abc", 10, 10).as_deref(), Some("12"));
        assert_eq!(conv("zz", 36, 10).as_deref(), Some("1295"));
        assert_eq!(conv("xyz", 10, 10), None);
        assert_eq!(conv("10", 1, 10), None);
        assert_eq!(conv("10", 10, 37), None);
        assert_eq!(conv("0", 10, 2).as_deref(), Some("0"));
    }
}
