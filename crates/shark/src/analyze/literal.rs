//! Literals as Hive reads them: integer literals typed by size and suffix
//! (`10Y`, `10S`, `10L`, `1.5BD`), decimals, typed strings (DATE '...',
//! TIMESTAMP '...'), and identifiers' names.

use crate::error::{Result, SharkError};
use crate::expr::Expr;
use crate::scalar::ScalarValue;
use crate::types;
use sqlparser::ast::{self as ast, Value};

pub(super) fn ident_name(i: &ast::Ident) -> String {
    crate::parse::ident_value(i).to_ascii_lowercase()
}

/// Hive's typed numeric literals: `10L`, `10S`, `10Y`, `10BD`, `1.5D`.
pub(super) fn suffixed_number(s: &str) -> Option<ScalarValue> {
    let upper = s.to_ascii_uppercase();
    let (digits, kind) = if let Some(d) = upper.strip_suffix("BD") {
        (d, "BD")
    } else if upper.len() > 1 {
        upper.split_at(upper.len() - 1)
    } else {
        return None;
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some(match kind {
        "L" => ScalarValue::Int64(digits.parse().ok()?),
        "S" => ScalarValue::Int16(digits.parse().ok()?),
        "Y" => ScalarValue::Int8(digits.parse().ok()?),
        "D" => ScalarValue::Float64(digits.parse().ok()?),
        "BD" => decimal_literal(digits)?,
        _ => return None,
    })
}

pub(super) fn decimal_literal(text: &str) -> Option<ScalarValue> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = format!("{int}{frac}");
    let v: i128 = digits.parse().ok()?;
    let scale = frac.len() as i8;
    let precision = (digits.trim_start_matches('0').len().max(1) as u8)
        .max(scale as u8 + 1)
        .min(38);
    Some(ScalarValue::Decimal128(v, precision, scale))
}

/// A numeric literal as Hive types it: integers INT, then BIGINT, then
/// DECIMAL; anything with a point or exponent DOUBLE.
pub fn number_literal(s: &str) -> Result<ScalarValue> {
    if let Some(v) = suffixed_number(s) {
        return Ok(v);
    }
    if s.contains(['.', 'e', 'E']) {
        return s
            .parse::<f64>()
            .map(ScalarValue::Float64)
            .map_err(|_| SharkError::analysis(format!("invalid number {s}")));
    }
    if let Ok(v) = s.parse::<i32>() {
        return Ok(ScalarValue::Int32(v));
    }
    if let Ok(v) = s.parse::<i64>() {
        return Ok(ScalarValue::Int64(v));
    }
    decimal_literal(s).ok_or_else(|| SharkError::analysis(format!("invalid number {s}")))
}

pub(super) fn literal(v: &Value) -> Result<ScalarValue> {
    Ok(match v {
        Value::Number(n, _) => number_literal(n)?,
        Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => {
            ScalarValue::Utf8(crate::parse::unescape(s))
        }
        Value::Boolean(b) => ScalarValue::Boolean(*b),
        Value::Null => ScalarValue::Null,
        other => return Err(SharkError::unsupported(format!("literal {other}"))),
    })
}

pub(super) fn typed_string(data_type: &ast::DataType, value: &Value) -> Result<Expr> {
    let text = match value {
        Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => crate::parse::unescape(s),
        other => other.to_string(),
    };
    let to = types::sql_type(data_type)?;
    let array = crate::cast::hive_cast(&ScalarValue::Utf8(text.clone()).to_array(1), &to)?;
    let v = ScalarValue::from_array(array.as_ref(), 0)?;
    if v.is_null() {
        return Err(SharkError::analysis(format!(
            "invalid {} literal '{text}'",
            types::type_name(&to)
        )));
    }
    Ok(Expr::Literal(v))
}

pub(super) fn negate_literal(v: &ScalarValue) -> Option<ScalarValue> {
    Some(match v {
        ScalarValue::Int32(x) => ScalarValue::Int32(x.checked_neg()?),
        ScalarValue::Int64(x) => ScalarValue::Int64(x.checked_neg()?),
        ScalarValue::Int16(x) => ScalarValue::Int16(x.checked_neg()?),
        ScalarValue::Int8(x) => ScalarValue::Int8(x.checked_neg()?),
        ScalarValue::Float64(x) => ScalarValue::Float64(-x),
        ScalarValue::Float32(x) => ScalarValue::Float32(-x),
        ScalarValue::Decimal128(x, p, s) => ScalarValue::Decimal128(-x, *p, *s),
        ScalarValue::Null => ScalarValue::Null,
        ScalarValue::IntervalYearMonth(x) => ScalarValue::IntervalYearMonth(x.checked_neg()?),
        ScalarValue::IntervalDayTime(x) => ScalarValue::IntervalDayTime(x.checked_neg()?),
        _ => return None,
    })
}

/// `INTERVAL '90' DAY`, `INTERVAL 3 MONTHS`, `INTERVAL '1-2' YEAR TO MONTH`,
/// `INTERVAL '1 2:03:04' DAY TO SECOND`: Hive's interval literals, as
/// constants of its two interval types.
pub(super) fn interval(iv: &ast::Interval) -> Result<ScalarValue> {
    use hive::interval::{Interval, Unit};
    use sqlparser::ast::DateTimeField as F;
    let unit = |f: &F| -> Result<Unit> {
        Ok(match f {
            F::Year | F::Years => Unit::Year,
            F::Month | F::Months => Unit::Month,
            F::Day | F::Days => Unit::Day,
            F::Hour | F::Hours => Unit::Hour,
            F::Minute | F::Minutes => Unit::Minute,
            F::Second | F::Seconds => Unit::Second,
            other => {
                return Err(SharkError::analysis(format!(
                    "INTERVAL ... {other}: Hive's intervals are in YEAR, MONTH, DAY, HOUR, MINUTE or SECOND"
                )))
            }
        })
    };
    let Some(from) = &iv.leading_field else {
        return Err(SharkError::analysis(format!(
            "{iv}: name the interval's unit (INTERVAL '1' DAY)"
        )));
    };
    let from = unit(from)?;
    let to = iv.last_field.as_ref().map(unit).transpose()?;
    // The value: a string or a number, maybe negated.
    let (negated, value) = match iv.value.as_ref() {
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => (true, expr.as_ref()),
        v => (false, v),
    };
    let text = match value {
        ast::Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s.clone(),
            Value::Number(n, _) => n.to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    if text.is_empty() {
        return Err(SharkError::unsupported(format!(
            "{iv}: an interval's value must be a constant string or number"
        )));
    }
    let text = if negated { format!("-{text}") } else { text };
    match hive::interval::parse(&text, from, to).map_err(SharkError::analysis)? {
        Interval::YearMonth(m) => Ok(ScalarValue::IntervalYearMonth(m)),
        Interval::DayTime(us) => Ok(ScalarValue::IntervalDayTime(us)),
    }
}
