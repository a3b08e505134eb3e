//! Vectorized evaluation of resolved expressions over record batches.

use super::{BinaryOp, Expr, LikeKind};
use crate::cast::hive_cast;
use crate::error::{Result, SharkError};
use crate::scalar::ScalarValue;
use arrow::array::*;
use arrow::compute::kernels::{boolean, cmp, numeric};
use arrow::compute::{and_kleene, is_not_null, is_null, not, or_kleene};
use arrow::datatypes::*;
use arrow::record_batch::RecordBatch;
use std::sync::Arc;

/// Evaluates `expr` over `batch`, one value per row.
pub fn evaluate(expr: &Expr, batch: &RecordBatch) -> Result<ArrayRef> {
    eval(expr, batch, batch.num_rows())
}

/// Evaluates a predicate into a mask where NULL counts as false.
pub fn evaluate_predicate(expr: &Expr, batch: &RecordBatch) -> Result<BooleanArray> {
    let v = evaluate(expr, batch)?;
    let b = v
        .as_boolean_opt()
        .ok_or_else(|| SharkError::exec(format!("predicate {expr} is not boolean")))?;
    Ok(null_as_false(b))
}

pub use crate::cast::null_as_false;

fn eval(expr: &Expr, batch: &RecordBatch, n: usize) -> Result<ArrayRef> {
    match expr {
        Expr::Column { index, .. } => Ok(batch.column(*index).clone()),
        Expr::Literal(v) => Ok(v.to_array(n)),
        Expr::Binary {
            op,
            left,
            right,
            data_type,
        } => {
            let l = eval(left, batch, n)?;
            let r = eval(right, batch, n)?;
            binary(*op, &l, &r, data_type)
        }
        Expr::Not(e) => {
            let v = eval(e, batch, n)?;
            Ok(Arc::new(not(as_bool(&v)?)?))
        }
        Expr::Negative(e) => {
            let v = eval(e, batch, n)?;
            Ok(numeric::neg_wrapping(&v)?)
        }
        Expr::BitNot(e) => {
            let v = eval(e, batch, n)?;
            let t = v.data_type().clone();
            let x = hive_cast(&v, &DataType::Int64)?;
            let out: Int64Array = x
                .as_primitive::<Int64Type>()
                .iter()
                .map(|v| v.map(|v| !v))
                .collect();
            hive_cast(&(Arc::new(out) as ArrayRef), &t)
        }
        Expr::IsNull { expr, negated } => {
            let v = eval(expr, batch, n)?;
            Ok(Arc::new(if *negated {
                is_not_null(&v)?
            } else {
                is_null(&v)?
            }))
        }
        Expr::Cast { expr, to } => {
            let v = eval(expr, batch, n)?;
            hive_cast(&v, to)
        }
        Expr::Case {
            branches,
            else_expr,
            data_type,
        } => {
            let mut result = match else_expr {
                Some(e) => eval(e, batch, n)?,
                None => new_null_array(data_type, n),
            };
            for (cond, value) in branches.iter().rev() {
                let c = eval(cond, batch, n)?;
                let mask = crate::cast::null_as_false(as_bool(&c)?);
                let v = eval(value, batch, n)?;
                result = arrow::compute::kernels::zip::zip(&mask, &v, &result)?;
            }
            Ok(result)
        }
        Expr::InList {
            expr,
            list,
            negated,
        } => {
            let v = eval(expr, batch, n)?;
            // x IN (a, b) = x = a OR x = b, with SQL's NULL rules.
            let mut acc: Option<BooleanArray> = None;
            for item in list {
                let i = eval(item, batch, n)?;
                let eq = cmp::eq(&v, &i)?;
                acc = Some(match acc {
                    None => eq,
                    Some(a) => or_kleene(&a, &eq)?,
                });
            }
            let acc = acc.unwrap_or_else(|| BooleanArray::from(vec![false; n]));
            Ok(Arc::new(if *negated { not(&acc)? } else { acc }))
        }
        Expr::InKeys { expr, keys } => Ok(Arc::new(keys.test(&eval(expr, batch, n)?)?)),
        Expr::Like {
            expr,
            pattern,
            negated,
            kind,
        } => {
            let v = eval(expr, batch, n)?;
            let p = eval(pattern, batch, n)?;
            let out = match kind {
                LikeKind::Like => arrow::compute::kernels::comparison::like(&v, &p)?,
                LikeKind::ILike => arrow::compute::kernels::comparison::ilike(&v, &p)?,
                LikeKind::RLike => rlike(&v, &p, pattern)?,
            };
            Ok(Arc::new(if *negated { not(&out)? } else { out }))
        }
        Expr::Function {
            func,
            args,
            data_type,
        } => {
            let values = args
                .iter()
                .map(|a| eval(a, batch, n))
                .collect::<Result<Vec<_>>>()?;
            let out = (func.eval)(&values, n)?;
            if out.data_type() == data_type {
                return Ok(out);
            }
            // Functions whose result type depends on constant arguments
            // (named_struct, a struct field) get it from the analyzer.
            if n == 0 {
                return Ok(new_empty_array(data_type));
            }
            if let (DataType::Struct(fields), DataType::Struct(got)) = (data_type, out.data_type())
            {
                if fields.len() == got.len() {
                    let st = out.as_struct();
                    return Ok(Arc::new(StructArray::try_new(
                        fields.clone(),
                        st.columns().to_vec(),
                        st.nulls().cloned(),
                    )?));
                }
            }
            Ok(out)
        }
    }
}

fn as_bool(a: &ArrayRef) -> Result<&BooleanArray> {
    a.as_boolean_opt()
        .ok_or_else(|| SharkError::exec(format!("expected a boolean, got {}", a.data_type())))
}

fn rlike(v: &ArrayRef, p: &ArrayRef, pattern: &Expr) -> Result<BooleanArray> {
    let values = v.as_string::<i32>();
    if let Expr::Literal(ScalarValue::Utf8(re)) = pattern {
        let re = crate::functions::regex_cache(re)?;
        return Ok(values.iter().map(|s| s.map(|s| re.is_match(s))).collect());
    }
    let pats = p.as_string::<i32>();
    values
        .iter()
        .zip(pats.iter())
        .map(|(s, p)| match (s, p) {
            (Some(s), Some(p)) => Ok(Some(crate::functions::regex_cache(p)?.is_match(s))),
            _ => Ok(None),
        })
        .collect()
}

/// Replaces zeros in a divisor by NULL (Hive: division by zero is NULL).
fn null_zeros(r: &ArrayRef) -> Result<ArrayRef> {
    let zero = ScalarValue::Int8(0).to_array(1);
    let zero = hive_cast(&zero, r.data_type())?;
    let is_zero = cmp::eq(r, &Scalar::new(zero))?;
    Ok(arrow::compute::nullif(r, &is_zero)?)
}

fn binary(op: BinaryOp, l: &ArrayRef, r: &ArrayRef, out: &DataType) -> Result<ArrayRef> {
    use BinaryOp::*;
    let result: ArrayRef = match op {
        Plus => numeric::add_wrapping(l, r)?,
        Minus => numeric::sub_wrapping(l, r)?,
        Multiply => {
            if let (DataType::Decimal128(p1, s1), DataType::Decimal128(p2, s2)) =
                (l.data_type(), r.data_type())
            {
                let product = decimal_mul(l, r, *s1 + *s2)?;
                // A product of p1 and p2 digits has at most p1 + p2: when
                // that fits the result type no value needs checking.
                match out {
                    DataType::Decimal128(p, s) if p1 + p2 <= *p && *s == *s1 + *s2 => Arc::new(
                        product
                            .as_primitive::<Decimal128Type>()
                            .clone()
                            .with_precision_and_scale(*p, *s)?,
                    ),
                    _ => product,
                }
            } else {
                numeric::mul_wrapping(l, r)?
            }
        }
        Divide if matches!(out, DataType::Decimal128(..)) => decimal_div(l, r, out)?,
        Divide => {
            let l = hive_cast(l, &DataType::Float64)?;
            let r = null_zeros(&hive_cast(r, &DataType::Float64)?)?;
            numeric::div(&l, &r)?
        }
        IntDivide => {
            let l = hive_cast(l, &DataType::Int64)?;
            let r = null_zeros(&hive_cast(r, &DataType::Int64)?)?;
            numeric::div(&l, &r)?
        }
        Modulo => {
            let r = null_zeros(r)?;
            numeric::rem(l, &r)?
        }
        Eq => Arc::new(cmp::eq(l, r)?),
        NotEq => Arc::new(cmp::neq(l, r)?),
        Lt => Arc::new(cmp::lt(l, r)?),
        LtEq => Arc::new(cmp::lt_eq(l, r)?),
        Gt => Arc::new(cmp::gt(l, r)?),
        GtEq => Arc::new(cmp::gt_eq(l, r)?),
        NullSafeEq => Arc::new(cmp::not_distinct(l, r)?),
        And => Arc::new(and_kleene(as_bool(l)?, as_bool(r)?)?),
        Or => Arc::new(or_kleene(as_bool(l)?, as_bool(r)?)?),
        BitAnd | BitOr | BitXor => {
            let a = hive_cast(l, &DataType::Int64)?;
            let b = hive_cast(r, &DataType::Int64)?;
            let (a, b) = (a.as_primitive::<Int64Type>(), b.as_primitive::<Int64Type>());
            let out: Int64Array = a
                .iter()
                .zip(b.iter())
                .map(|(x, y)| match (x, y) {
                    (Some(x), Some(y)) => Some(match op {
                        BitAnd => x & y,
                        BitOr => x | y,
                        _ => x ^ y,
                    }),
                    _ => None,
                })
                .collect();
            Arc::new(out)
        }
        Concat => {
            let l = hive_cast(l, &DataType::Utf8)?;
            let r = hive_cast(r, &DataType::Utf8)?;
            Arc::new(
                arrow::compute::kernels::concat_elements::concat_elements_utf8(
                    l.as_string::<i32>(),
                    r.as_string::<i32>(),
                )?,
            )
        }
    };
    let _ = boolean::is_null;
    if result.data_type() != out {
        return hive_cast(&result, out);
    }
    Ok(result)
}

/// Decimal product with scale `s1 + s2` (NULL on overflow).
/// DECIMAL `l / r` as the decimal `out`, rounded half away from zero as
/// Hive rounds; NULL for a zero divisor or a quotient `out` cannot hold.
fn decimal_div(l: &ArrayRef, r: &ArrayRef, out: &DataType) -> Result<ArrayRef> {
    use arrow::datatypes::i256;
    let DataType::Decimal128(p, s) = *out else {
        unreachable!("decimal_div is called for a decimal result")
    };
    let (l, r) = (
        hive_cast(l, &DataType::Decimal128(38, decimal_scale(l)))?,
        hive_cast(r, &DataType::Decimal128(38, decimal_scale(r)))?,
    );
    let (s1, s2) = (decimal_scale(&l), decimal_scale(&r));
    let a = l.as_primitive::<Decimal128Type>();
    let b = r.as_primitive::<Decimal128Type>();
    // num / den = (x * 10^(s - s1 + s2)) / y, the quotient at scale s.
    let shift = i32::from(s) - i32::from(s1) + i32::from(s2);
    let ten = i256::from_i128(10);
    let pow = |k: i32| (0..k).try_fold(i256::ONE, |acc, _| acc.checked_mul(ten));
    let (up, down) = (pow(shift.max(0)), pow((-shift).max(0)));
    let limit = pow(i32::from(p));
    let quotient = |x: i128, y: i128| -> Option<i128> {
        if y == 0 {
            return None;
        }
        let num = i256::from_i128(x).checked_mul(up?)?;
        let den = i256::from_i128(y).checked_mul(down?)?;
        let (q, rem) = (num.checked_div(den)?, num.checked_rem(den)?);
        let twice = rem.checked_mul(i256::from_i128(2))?.wrapping_abs();
        let q = if twice >= den.wrapping_abs() {
            if (num < i256::ZERO) == (den < i256::ZERO) {
                q.checked_add(i256::ONE)?
            } else {
                q.checked_sub(i256::ONE)?
            }
        } else {
            q
        };
        (q.wrapping_abs() < limit?).then(|| q.as_i128())
    };
    let out: Decimal128Array = a
        .iter()
        .zip(b.iter())
        .map(|(x, y)| quotient(x?, y?))
        .collect();
    Ok(Arc::new(out.with_precision_and_scale(p, s)?))
}

fn decimal_scale(a: &ArrayRef) -> i8 {
    match a.data_type() {
        DataType::Decimal128(_, s) => *s,
        _ => 0,
    }
}

fn decimal_mul(l: &ArrayRef, r: &ArrayRef, scale: i8) -> Result<ArrayRef> {
    let a = l.as_primitive::<Decimal128Type>();
    let b = r.as_primitive::<Decimal128Type>();
    // A product of more than 38 fraction digits is rounded to 38 (half
    // away from zero), as Hive's decimal rounds to its type's scale.
    let excess = (i32::from(scale) - 38).max(0) as u32;
    let down = 10i128.checked_pow(excess);
    let rescale = |v: i128| -> Option<i128> {
        let d = down?;
        if d == 1 {
            return Some(v);
        }
        let (q, rem) = (v / d, v % d);
        Some(if rem.unsigned_abs() * 2 >= d.unsigned_abs() {
            q + v.signum()
        } else {
            q
        })
    };
    // Without overflow (the usual case) one pass of the kernel; an
    // overflowing product is NULL, which the slow pass below gives.
    if excess == 0 {
        if let Ok(out) =
            arrow::compute::kernels::arity::try_binary::<_, _, _, Decimal128Type>(a, b, |x, y| {
                x.checked_mul(y)
                    .ok_or_else(|| arrow::error::ArrowError::ComputeError("overflow".into()))
            })
        {
            return Ok(Arc::new(out.with_precision_and_scale(38, scale)?));
        }
    }
    let out: Decimal128Array = a
        .iter()
        .zip(b.iter())
        .map(|(x, y)| rescale(x?.checked_mul(y?)?))
        .collect();
    Ok(Arc::new(out.with_precision_and_scale(38, scale.min(38))?))
}
