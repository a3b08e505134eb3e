//! Hive's primitive types as Arrow types, and back.

use crate::{HiveError, Result};
use arrow::datatypes::{DataType, TimeUnit};

/// The Arrow type a Hive type name is stored as: `int` → Int32, `string`
/// (and `varchar(n)`, `char(n)`) → Utf8, `decimal(p,s)` → Decimal128,
/// `timestamp` → microseconds without zone (Hive's zone-less local time).
pub fn parse_hive_type(name: &str) -> Result<DataType> {
    let n = name.trim().to_ascii_lowercase();
    let base = n.split('(').next().unwrap_or("").trim();
    let args: Vec<u8> = n
        .find('(')
        .and_then(|i| n[i + 1..].strip_suffix(')'))
        .map(|a| a.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_default();
    Ok(match base {
        "tinyint" => DataType::Int8,
        "smallint" => DataType::Int16,
        "int" | "integer" => DataType::Int32,
        "bigint" => DataType::Int64,
        "float" => DataType::Float32,
        "double" | "double precision" => DataType::Float64,
        "boolean" => DataType::Boolean,
        "string" | "varchar" | "char" => DataType::Utf8,
        "date" => DataType::Date32,
        "timestamp" => DataType::Timestamp(TimeUnit::Microsecond, None),
        "binary" => DataType::Binary,
        "decimal" | "numeric" => {
            let p = args.first().copied().unwrap_or(10).clamp(1, 38);
            let s = args.get(1).copied().unwrap_or(0).min(p);
            DataType::Decimal128(p, s as i8)
        }
        _ => return Err(HiveError::UnknownType(name.to_string())),
    })
}

/// The Hive name of an Arrow type, as DESCRIBE prints it.
pub fn hive_type_name(t: &DataType) -> String {
    match t {
        DataType::Int8 => "tinyint".into(),
        DataType::Int16 => "smallint".into(),
        DataType::Int32 => "int".into(),
        DataType::Int64 => "bigint".into(),
        DataType::Float32 => "float".into(),
        DataType::Float64 => "double".into(),
        DataType::Boolean => "boolean".into(),
        DataType::Utf8 | DataType::LargeUtf8 => "string".into(),
        DataType::Date32 => "date".into(),
        DataType::Timestamp(_, _) => "timestamp".into(),
        DataType::Binary => "binary".into(),
        DataType::Decimal128(p, s) => format!("decimal({p},{s})"),
        DataType::Null => "void".into(),
        DataType::List(f) => format!("array<{}>", hive_type_name(f.data_type())),
        other => format!("{other}").to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for n in [
            "tinyint",
            "smallint",
            "int",
            "bigint",
            "double",
            "boolean",
            "string",
            "date",
            "timestamp",
            "decimal(12,3)",
        ] {
            assert_eq!(hive_type_name(&parse_hive_type(n).unwrap()), n);
        }
        assert_eq!(parse_hive_type("VARCHAR(20)").unwrap(), DataType::Utf8);
        assert_eq!(
            parse_hive_type("decimal").unwrap(),
            DataType::Decimal128(10, 0)
        );
        assert!(parse_hive_type("widget").is_err());
    }
}
