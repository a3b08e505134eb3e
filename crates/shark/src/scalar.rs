//! Constant values: literals, folded constants and subquery results. Never
//! used per row; operators work on Arrow arrays.

use crate::error::{Result, SharkError};
use arrow::array::*;
use arrow::datatypes::*;
use std::fmt;
use std::sync::Arc;

/// One typed constant.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub enum ScalarValue {
    Null,
    Boolean(bool),
    Int8(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    Float32(f32),
    Float64(f64),
    Decimal128(i128, u8, i8),
    Utf8(String),
    Date32(i32),
    /// Microseconds since the epoch, zone-less.
    Timestamp(i64),
    /// Hive's `interval_year_month`: months.
    IntervalYearMonth(i32),
    /// Hive's `interval_day_time`: microseconds.
    IntervalDayTime(i64),
}

impl ScalarValue {
    /// The Arrow type of the constant (`Null` for NULL).
    pub fn data_type(&self) -> DataType {
        match self {
            ScalarValue::Null => DataType::Null,
            ScalarValue::Boolean(_) => DataType::Boolean,
            ScalarValue::Int8(_) => DataType::Int8,
            ScalarValue::Int16(_) => DataType::Int16,
            ScalarValue::Int32(_) => DataType::Int32,
            ScalarValue::Int64(_) => DataType::Int64,
            ScalarValue::Float32(_) => DataType::Float32,
            ScalarValue::Float64(_) => DataType::Float64,
            ScalarValue::Decimal128(_, p, s) => DataType::Decimal128(*p, *s),
            ScalarValue::Utf8(_) => DataType::Utf8,
            ScalarValue::Date32(_) => DataType::Date32,
            ScalarValue::Timestamp(_) => DataType::Timestamp(TimeUnit::Microsecond, None),
            ScalarValue::IntervalYearMonth(_) => hive::interval::YEAR_MONTH,
            ScalarValue::IntervalDayTime(_) => hive::interval::DAY_TIME,
        }
    }

    /// True for NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, ScalarValue::Null)
    }

    /// An array repeating the constant `n` times.
    pub fn to_array(&self, n: usize) -> ArrayRef {
        match self {
            ScalarValue::Null => new_null_array(&DataType::Null, n),
            ScalarValue::Boolean(v) => Arc::new(BooleanArray::from(vec![*v; n])),
            ScalarValue::Int8(v) => Arc::new(Int8Array::from_value(*v, n)),
            ScalarValue::Int16(v) => Arc::new(Int16Array::from_value(*v, n)),
            ScalarValue::Int32(v) => Arc::new(Int32Array::from_value(*v, n)),
            ScalarValue::Int64(v) => Arc::new(Int64Array::from_value(*v, n)),
            ScalarValue::Float32(v) => Arc::new(Float32Array::from_value(*v, n)),
            ScalarValue::Float64(v) => Arc::new(Float64Array::from_value(*v, n)),
            ScalarValue::Decimal128(v, p, s) => Arc::new(
                Decimal128Array::from_value(*v, n)
                    .with_precision_and_scale(*p, *s)
                    .expect("valid decimal type"),
            ),
            ScalarValue::Utf8(v) => Arc::new(StringArray::from_iter_values(std::iter::repeat_n(
                v.as_str(),
                n,
            ))),
            ScalarValue::Date32(v) => Arc::new(Date32Array::from_value(*v, n)),
            ScalarValue::Timestamp(v) => Arc::new(TimestampMicrosecondArray::from_value(*v, n)),
            ScalarValue::IntervalYearMonth(v) => {
                Arc::new(IntervalYearMonthArray::from_value(*v, n))
            }
            ScalarValue::IntervalDayTime(v) => {
                Arc::new(DurationMicrosecondArray::from_value(*v, n))
            }
        }
    }

    /// The value at `i` of an array.
    pub fn from_array(array: &dyn Array, i: usize) -> Result<ScalarValue> {
        if array.is_null(i) {
            return Ok(ScalarValue::Null);
        }
        Ok(match array.data_type() {
            DataType::Null => ScalarValue::Null,
            DataType::Boolean => ScalarValue::Boolean(array.as_boolean().value(i)),
            DataType::Int8 => ScalarValue::Int8(array.as_primitive::<Int8Type>().value(i)),
            DataType::Int16 => ScalarValue::Int16(array.as_primitive::<Int16Type>().value(i)),
            DataType::Int32 => ScalarValue::Int32(array.as_primitive::<Int32Type>().value(i)),
            DataType::Int64 => ScalarValue::Int64(array.as_primitive::<Int64Type>().value(i)),
            DataType::Float32 => ScalarValue::Float32(array.as_primitive::<Float32Type>().value(i)),
            DataType::Float64 => ScalarValue::Float64(array.as_primitive::<Float64Type>().value(i)),
            DataType::Decimal128(p, s) => {
                ScalarValue::Decimal128(array.as_primitive::<Decimal128Type>().value(i), *p, *s)
            }
            DataType::Utf8 => ScalarValue::Utf8(array.as_string::<i32>().value(i).to_string()),
            DataType::Date32 => ScalarValue::Date32(array.as_primitive::<Date32Type>().value(i)),
            DataType::Timestamp(TimeUnit::Microsecond, _) => {
                ScalarValue::Timestamp(array.as_primitive::<TimestampMicrosecondType>().value(i))
            }
            DataType::Interval(IntervalUnit::YearMonth) => ScalarValue::IntervalYearMonth(
                array.as_primitive::<IntervalYearMonthType>().value(i),
            ),
            DataType::Duration(TimeUnit::Microsecond) => ScalarValue::IntervalDayTime(
                array.as_primitive::<DurationMicrosecondType>().value(i),
            ),
            other => return Err(SharkError::unsupported(format!("constant of type {other}"))),
        })
    }

    /// The constant as a boolean, if it is one (NULL is `None`).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            ScalarValue::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// The constant as an integer, if it is a whole number.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            ScalarValue::Int8(v) => Some(*v as i64),
            ScalarValue::Int16(v) => Some(*v as i64),
            ScalarValue::Int32(v) => Some(*v as i64),
            ScalarValue::Int64(v) => Some(*v),
            _ => None,
        }
    }

    /// The constant as text, if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ScalarValue::Utf8(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for ScalarValue {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ScalarValue::Null => write!(f, "NULL"),
            ScalarValue::Utf8(s) => write!(f, "'{}'", s.replace('\'', "\\'")),
            ScalarValue::Int64(v) => write!(f, "{v}L"),
            ScalarValue::Float64(v) => write!(f, "{}", hive::text::java_double(*v)),
            other => {
                let a = other.to_array(1);
                let v = hive::text::render_column(&a)
                    .ok()
                    .and_then(|mut c| c.pop().flatten());
                match (other, v) {
                    (ScalarValue::Date32(_), Some(v)) => write!(f, "DATE '{v}'"),
                    (ScalarValue::Timestamp(_), Some(v)) => write!(f, "TIMESTAMP '{v}'"),
                    (ScalarValue::IntervalYearMonth(_), Some(v)) => {
                        write!(f, "INTERVAL '{v}' YEAR TO MONTH")
                    }
                    (ScalarValue::IntervalDayTime(_), Some(v)) => {
                        write!(f, "INTERVAL '{v}' DAY TO SECOND")
                    }
                    (_, Some(v)) => write!(f, "{v}"),
                    (_, None) => write!(f, "?"),
                }
            }
        }
    }
}
