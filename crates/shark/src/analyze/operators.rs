//! Operators with Hive's typing: comparisons, logic, bitwise, string
//! concatenation, arithmetic (integer, decimal and double rules) and the
//! date, timestamp and interval arithmetic of `+` and `-`.

use crate::error::{Result, SharkError};
use crate::expr::{BinaryOp, Expr};
use crate::scalar::ScalarValue;
use crate::types::{self, comparison_type, is_numeric, is_string};
use arrow::datatypes::DataType;

/// `l op r` with Hive's conversions.
pub fn make_binary(op: BinaryOp, l: Expr, r: Expr) -> Result<Expr> {
    let (lt, rt) = (l.data_type(), r.data_type());
    use BinaryOp::*;
    match op {
        Eq | NotEq | Lt | LtEq | Gt | GtEq | NullSafeEq => {
            let t = comparison_type(&lt, &rt).ok_or_else(|| {
                SharkError::analysis(format!(
                    "cannot compare {} with {}",
                    types::type_name(&lt),
                    types::type_name(&rt)
                ))
            })?;
            let t = if t == DataType::Null {
                DataType::Boolean
            } else {
                t
            };
            Ok(Expr::Binary {
                op,
                left: Box::new(l.cast_to(&t)),
                right: Box::new(r.cast_to(&t)),
                data_type: DataType::Boolean,
            })
        }
        And | Or => {
            let check = |t: &DataType| {
                if matches!(t, DataType::Boolean | DataType::Null) || is_numeric(t) || is_string(t)
                {
                    Ok(())
                } else {
                    Err(SharkError::analysis(format!(
                        "{op:?} needs booleans, got {}",
                        types::type_name(t)
                    )))
                }
            };
            check(&lt)?;
            check(&rt)?;
            Ok(Expr::Binary {
                op,
                left: Box::new(l.cast_to(&DataType::Boolean)),
                right: Box::new(r.cast_to(&DataType::Boolean)),
                data_type: DataType::Boolean,
            })
        }
        BitAnd | BitOr | BitXor => {
            for t in [&lt, &rt] {
                if !crate::types::is_integer(t) && *t != DataType::Null {
                    return Err(SharkError::analysis(format!(
                        "bitwise {op:?} needs integers, got {}",
                        types::type_name(t)
                    )));
                }
            }
            let t = match (&lt, &rt) {
                (DataType::Null, DataType::Null) => DataType::Int32,
                _ => types::common_numeric(&lt, &rt),
            };
            let t = if t == DataType::Null {
                DataType::Int32
            } else {
                t
            };
            Ok(Expr::Binary {
                op,
                left: Box::new(l.cast_to(&t)),
                right: Box::new(r.cast_to(&t)),
                data_type: t,
            })
        }
        Concat => Ok(Expr::Binary {
            op,
            left: Box::new(l.cast_to(&DataType::Utf8)),
            right: Box::new(r.cast_to(&DataType::Utf8)),
            data_type: DataType::Utf8,
        }),
        Divide => {
            let (l, r) = (numeric_operand(l, "/")?, numeric_operand(r, "/")?);
            let (lt, rt) = (l.data_type(), r.data_type());
            let exact =
                |t: &DataType| crate::types::is_integer(t) || matches!(t, DataType::Decimal128(..));
            // Hive: a DECIMAL divided by a DECIMAL or an integer (either
            // way round) is a DECIMAL; anything else is a DOUBLE.
            if exact(&lt)
                && exact(&rt)
                && (matches!(lt, DataType::Decimal128(..))
                    || matches!(rt, DataType::Decimal128(..)))
            {
                let (lp, ls) = literal_digits(&l).map_or(types::decimal_of(&lt), |p| (p, 0));
                let (rp, rs) = literal_digits(&r).map_or(types::decimal_of(&rt), |p| (p, 0));
                return Ok(Expr::Binary {
                    op,
                    left: Box::new(l.cast_to(&DataType::Decimal128(lp, ls))),
                    right: Box::new(r.cast_to(&DataType::Decimal128(rp, rs))),
                    data_type: types::decimal_divide_type((lp, ls), (rp, rs)),
                });
            }
            Ok(Expr::Binary {
                op,
                left: Box::new(l.cast_to(&DataType::Float64)),
                right: Box::new(r.cast_to(&DataType::Float64)),
                data_type: DataType::Float64,
            })
        }
        IntDivide => Ok(Expr::Binary {
            op,
            left: Box::new(numeric_operand(l, "DIV")?.cast_to(&DataType::Int64)),
            right: Box::new(numeric_operand(r, "DIV")?.cast_to(&DataType::Int64)),
            data_type: DataType::Int64,
        }),
        Plus | Minus if is_datetime_arithmetic(&lt, &rt) => datetime_arithmetic(op, l, r),
        Plus | Minus | Multiply | Modulo => {
            let l = numeric_operand(l, "arithmetic")?;
            let r = numeric_operand(r, "arithmetic")?;
            let (lt, rt) = (l.data_type(), r.data_type());
            let common = match (&lt, &rt) {
                (DataType::Null, DataType::Null) => DataType::Int32,
                _ => types::common_numeric(&lt, &rt),
            };
            let common = if common == DataType::Null {
                DataType::Int32
            } else {
                common
            };
            let (operand, result) = match (&common, op) {
                (DataType::Decimal128(p, s), Plus | Minus) => {
                    (common.clone(), DataType::Decimal128((*p + 1).min(38), *s))
                }
                (DataType::Decimal128(_, _), Multiply) => {
                    let (pl, sl) = types::decimal_of(&lt);
                    let (pr, sr) = types::decimal_of(&rt);
                    let s = (sl + sr).min(38);
                    let lt2 = DataType::Decimal128(pl.max(1), sl);
                    let rt2 = DataType::Decimal128(pr.max(1), sr);
                    return Ok(Expr::Binary {
                        op,
                        left: Box::new(l.cast_to(&lt2)),
                        right: Box::new(r.cast_to(&rt2)),
                        data_type: DataType::Decimal128((pl + pr + 1).min(38), s),
                    });
                }
                _ => (common.clone(), common.clone()),
            };
            Ok(Expr::Binary {
                op,
                left: Box::new(l.cast_to(&operand)),
                right: Box::new(r.cast_to(&operand)),
                data_type: result,
            })
        }
    }
}

/// True when `+` or `-` of these types is date, timestamp or interval
/// arithmetic.
fn is_datetime_arithmetic(l: &DataType, r: &DataType) -> bool {
    use types::{is_interval, is_temporal};
    let null = |t: &DataType| *t == DataType::Null;
    (is_interval(l) && (is_interval(r) || is_temporal(r) || null(r)))
        || (is_interval(r) && (is_temporal(l) || null(l)))
        || (is_temporal(l) && is_temporal(r))
}

/// Hive's date and interval arithmetic: DATE ± interval_year_month is a
/// DATE; DATE ± interval_day_time, TIMESTAMP ± either interval a
/// TIMESTAMP; TIMESTAMP (or DATE) − TIMESTAMP (or DATE) an
/// interval_day_time; intervals of one kind add and subtract.
fn datetime_arithmetic(op: BinaryOp, l: Expr, r: Expr) -> Result<Expr> {
    use hive::interval::{DAY_TIME, YEAR_MONTH};
    let (lt, rt) = (l.data_type(), r.data_type());
    let binary = |l: Expr, r: Expr, data_type: DataType| {
        Ok(Expr::Binary {
            op,
            left: Box::new(l),
            right: Box::new(r),
            data_type,
        })
    };
    let ts = types::TIMESTAMP;
    let bad = || {
        Err(SharkError::analysis(format!(
            "cannot {} {} and {}",
            if op == BinaryOp::Plus {
                "add"
            } else {
                "subtract"
            },
            types::type_name(&lt),
            types::type_name(&rt)
        )))
    };
    // NULL takes the type the other side needs.
    let (l, r) = match (&lt, &rt) {
        (DataType::Null, t) => (l.cast_to(t), r),
        (t, DataType::Null) => {
            let t = t.clone();
            (l, r.cast_to(&t))
        }
        _ => (l, r),
    };
    let (lt, rt) = (l.data_type(), r.data_type());
    match (&lt, &rt) {
        (a, b) if a == b && types::is_interval(a) => binary(l, r, a.clone()),
        (DataType::Date32, t) if *t == YEAR_MONTH => binary(l, r, DataType::Date32),
        (t, DataType::Date32) if *t == YEAR_MONTH && op == BinaryOp::Plus => {
            binary(r, l, DataType::Date32)
        }
        (DataType::Date32 | DataType::Timestamp(_, _), t) if types::is_interval(t) => {
            binary(l.cast_to(&ts), r, ts.clone())
        }
        (t, DataType::Date32 | DataType::Timestamp(_, _))
            if types::is_interval(t) && op == BinaryOp::Plus =>
        {
            binary(r.cast_to(&ts), l, ts.clone())
        }
        (a, b) if types::is_temporal(a) && types::is_temporal(b) && op == BinaryOp::Minus => {
            binary(l.cast_to(&ts), r.cast_to(&ts), DAY_TIME)
        }
        _ => bad(),
    }
}

/// Strings in arithmetic are read as doubles (Hive); other non-numbers are errors.
/// The digits of an integer constant: Hive sizes a constant operand of
/// decimal arithmetic by its value (`4` is a DECIMAL(1,0)), not its type.
fn literal_digits(e: &Expr) -> Option<u8> {
    let v: i64 = match e {
        Expr::Literal(ScalarValue::Int8(v)) => i64::from(*v),
        Expr::Literal(ScalarValue::Int16(v)) => i64::from(*v),
        Expr::Literal(ScalarValue::Int32(v)) => i64::from(*v),
        Expr::Literal(ScalarValue::Int64(v)) => *v,
        _ => return None,
    };
    Some(v.unsigned_abs().checked_ilog10().map_or(1, |d| d as u8 + 1))
}

pub(super) fn numeric_operand(e: Expr, what: &str) -> Result<Expr> {
    let t = e.data_type();
    if is_numeric(&t) || t == DataType::Null {
        Ok(e)
    } else if is_string(&t) {
        Ok(e.cast_to(&DataType::Float64))
    } else {
        Err(SharkError::analysis(format!(
            "{what} needs numbers, got {} in {e}",
            types::type_name(&t)
        )))
    }
}
