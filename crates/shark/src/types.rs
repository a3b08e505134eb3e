//! Hive's type rules: SQL type names, implicit conversions, and the common
//! type of two operands (Hive's FunctionRegistry.getCommonClass*).

use crate::error::{Result, SharkError};
use arrow::datatypes::{DataType, TimeUnit};

/// The timestamp type: microseconds, no zone (Hive's local time).
pub const TIMESTAMP: DataType = DataType::Timestamp(TimeUnit::Microsecond, None);

/// The Arrow type of a SQL type in a CAST or a column definition.
pub fn sql_type(t: &sqlparser::ast::DataType) -> Result<DataType> {
    use sqlparser::ast::{DataType as D, ExactNumberInfo};
    Ok(match t {
        D::TinyInt(_) => DataType::Int8,
        D::SmallInt(_) => DataType::Int16,
        D::Int(_) | D::Integer(_) => DataType::Int32,
        D::BigInt(_) => DataType::Int64,
        D::Float(_) | D::Real => DataType::Float32,
        D::Double(_) | D::DoublePrecision => DataType::Float64,
        D::Boolean | D::Bool => DataType::Boolean,
        D::String(_)
        | D::Varchar(_)
        | D::Char(_)
        | D::Text
        | D::CharVarying(_)
        | D::Character(_) => DataType::Utf8,
        D::Date => DataType::Date32,
        D::Timestamp(_, _) | D::Datetime(_) => TIMESTAMP,
        D::Binary(_) | D::Varbinary(_) | D::Blob(_) | D::Bytea => DataType::Binary,
        D::Decimal(info) | D::Numeric(info) | D::Dec(info) => match info {
            ExactNumberInfo::None => DataType::Decimal128(10, 0),
            ExactNumberInfo::Precision(p) => DataType::Decimal128((*p).clamp(1, 38) as u8, 0),
            ExactNumberInfo::PrecisionAndScale(p, s) => {
                let p = (*p).clamp(1, 38) as u8;
                DataType::Decimal128(p, (*s).clamp(0, p as i64) as i8)
            }
        },
        D::Array(sqlparser::ast::ArrayElemTypeDef::AngleBracket(item))
        | D::Array(sqlparser::ast::ArrayElemTypeDef::SquareBracket(item, _))
        | D::Array(sqlparser::ast::ArrayElemTypeDef::Parenthesis(item)) => DataType::List(
            std::sync::Arc::new(arrow::datatypes::Field::new("item", sql_type(item)?, true)),
        ),
        D::Custom(name, args) => {
            let name = name.to_string().replace('`', "");
            let full = if args.is_empty() {
                name
            } else {
                format!(
                    "{name}({})",
                    args.iter()
                        .map(|a| a.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                )
            };
            hive::types::parse_hive_type(&full).map_err(|e| SharkError::analysis(e.to_string()))?
        }
        other => return Err(SharkError::unsupported(format!("type {other}"))),
    })
}

/// Hive's name of a type (for messages and DESCRIBE).
pub fn type_name(t: &DataType) -> String {
    hive::types::hive_type_name(t)
}

/// Hive's interval types (`interval_year_month`, `interval_day_time`).
pub fn is_interval(t: &DataType) -> bool {
    *t == hive::interval::YEAR_MONTH || *t == hive::interval::DAY_TIME
}

/// Integers of any width.
pub fn is_integer(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64
    )
}

/// Integers, decimals and floating point.
pub fn is_numeric(t: &DataType) -> bool {
    is_integer(t)
        || matches!(
            t,
            DataType::Float32 | DataType::Float64 | DataType::Decimal128(_, _)
        )
}

/// Strings.
pub fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8)
}

/// Dates and timestamps.
pub fn is_temporal(t: &DataType) -> bool {
    matches!(t, DataType::Date32 | DataType::Timestamp(_, _))
}

fn numeric_rank(t: &DataType) -> u8 {
    match t {
        DataType::Int8 => 1,
        DataType::Int16 => 2,
        DataType::Int32 => 3,
        DataType::Int64 => 4,
        DataType::Decimal128(_, _) => 5,
        DataType::Float32 => 6,
        _ => 7,
    }
}

/// The decimal type that holds every value of an integer type.
pub fn decimal_of(t: &DataType) -> (u8, i8) {
    match t {
        DataType::Int8 => (3, 0),
        DataType::Int16 => (5, 0),
        DataType::Int32 => (10, 0),
        DataType::Int64 => (19, 0),
        DataType::Decimal128(p, s) => (*p, *s),
        _ => (38, 18),
    }
}

/// The type of a DECIMAL division, Hive's rule (after SQL Server's):
/// scale max(6, s1 + p2 + 1), integer digits p1 - s1 + s2; beyond 38
/// digits the scale gives way, down to 6.
pub fn decimal_divide_type(l: (u8, i8), r: (u8, i8)) -> DataType {
    let (p1, s1, p2, s2) = (
        i32::from(l.0),
        i32::from(l.1),
        i32::from(r.0),
        i32::from(r.1),
    );
    let scale = (s1 + p2 + 1).max(6);
    let precision = p1 - s1 + s2 + scale;
    if precision <= 38 {
        return DataType::Decimal128(precision as u8, scale as i8);
    }
    let integer = precision - scale;
    let adjusted = (38 - integer).max(scale.min(6));
    DataType::Decimal128(38, adjusted as i8)
}

/// The wider of two numeric types (Hive's numeric type hierarchy).
pub fn common_numeric(a: &DataType, b: &DataType) -> DataType {
    if a == b {
        return a.clone();
    }
    let (ra, rb) = (numeric_rank(a), numeric_rank(b));
    if ra == 5 || rb == 5 {
        if ra > 5 || rb > 5 {
            return DataType::Float64;
        }
        let (pa, sa) = decimal_of(a);
        let (pb, sb) = decimal_of(b);
        let scale = sa.max(sb);
        let int_digits = (pa as i16 - sa as i16).max(pb as i16 - sb as i16);
        let precision = (int_digits + scale as i16).clamp(1, 38) as u8;
        return DataType::Decimal128(precision, scale.min(precision as i8));
    }
    if ra >= rb {
        a.clone()
    } else {
        b.clone()
    }
}

/// The type both sides of a comparison are converted to.
pub fn comparison_type(a: &DataType, b: &DataType) -> Option<DataType> {
    if a == b {
        return Some(a.clone());
    }
    match (a, b) {
        (DataType::Null, t) | (t, DataType::Null) => Some(t.clone()),
        (x, y) if is_numeric(x) && is_numeric(y) => Some(common_numeric(x, y)),
        (x, y) if (is_string(x) && is_numeric(y)) || (is_numeric(x) && is_string(y)) => {
            Some(DataType::Float64)
        }
        (x, DataType::Date32) | (DataType::Date32, x) if is_string(x) => Some(DataType::Date32),
        (x, DataType::Timestamp(_, _)) | (DataType::Timestamp(_, _), x)
            if is_string(x) || *x == DataType::Date32 =>
        {
            Some(TIMESTAMP)
        }
        (x, DataType::Boolean) | (DataType::Boolean, x) if is_string(x) => Some(DataType::Boolean),
        _ => None,
    }
}

/// The type a value of either type converts to (UNION branches, CASE
/// results, COALESCE arguments, IN lists): Hive falls back to STRING.
pub fn common_type(a: &DataType, b: &DataType) -> Option<DataType> {
    if a == b {
        return Some(a.clone());
    }
    match (a, b) {
        (DataType::Null, t) | (t, DataType::Null) => Some(t.clone()),
        (x, y) if is_numeric(x) && is_numeric(y) => Some(common_numeric(x, y)),
        (DataType::Date32, DataType::Timestamp(_, _))
        | (DataType::Timestamp(_, _), DataType::Date32) => Some(TIMESTAMP),
        (x, y) if is_string(x) || is_string(y) => {
            let other = if is_string(x) { y } else { x };
            (is_numeric(other) || is_temporal(other) || *other == DataType::Boolean)
                .then_some(DataType::Utf8)
        }
        _ => None,
    }
}

/// The common type of many types, or an error naming them.
pub fn common_of(types: &[DataType], what: &str) -> Result<DataType> {
    let mut t = DataType::Null;
    for x in types {
        t = common_type(&t, x).ok_or_else(|| {
            SharkError::analysis(format!(
                "{what}: no common type for {} and {}",
                type_name(&t),
                type_name(x)
            ))
        })?;
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hive_widening() {
        assert_eq!(
            common_numeric(&DataType::Int32, &DataType::Int64),
            DataType::Int64
        );
        assert_eq!(
            common_numeric(&DataType::Int32, &DataType::Decimal128(5, 2)),
            DataType::Decimal128(12, 2)
        );
        assert_eq!(
            common_numeric(&DataType::Decimal128(5, 2), &DataType::Float64),
            DataType::Float64
        );
        assert_eq!(
            comparison_type(&DataType::Utf8, &DataType::Int32),
            Some(DataType::Float64)
        );
        assert_eq!(
            comparison_type(&DataType::Utf8, &DataType::Date32),
            Some(DataType::Date32)
        );
        assert_eq!(
            common_type(&DataType::Utf8, &DataType::Int32),
            Some(DataType::Utf8)
        );
        assert_eq!(common_type(&DataType::Boolean, &DataType::Int32), None);
    }
}

/// Serde for `SchemaRef` fields (`#[serde(with = "crate::types::schema_ref")]`):
/// the schema by value, shared again on the way back.
pub mod schema_ref {
    use arrow::datatypes::{Schema, SchemaRef};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::sync::Arc;

    /// Writes the schema itself.
    pub fn serialize<S: Serializer>(schema: &SchemaRef, s: S) -> Result<S::Ok, S::Error> {
        schema.as_ref().serialize(s)
    }

    /// Reads a schema into a new `Arc`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SchemaRef, D::Error> {
        Ok(Arc::new(Schema::deserialize(d)?))
    }
}
