//! Hive's primitive types as Arrow types, and back.

use crate::{HiveError, Result};
use arrow::datatypes::{DataType, TimeUnit};

/// The Arrow type a Hive type name is stored as: `int` → Int32, `string`
/// (and `varchar(n)`, `char(n)`) → Utf8, `decimal(p,s)` → Decimal128,
/// `timestamp` → microseconds without zone (Hive's zone-less local time).
pub fn parse_hive_type(name: &str) -> Result<DataType> {
    let n = name.trim().to_ascii_lowercase();
    if let Some(t) = parse_complex(&n)? {
        return Ok(t);
    }
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
        "interval_year_month" => crate::interval::YEAR_MONTH,
        "interval_day_time" => crate::interval::DAY_TIME,
        "decimal" | "numeric" => {
            let p = args.first().copied().unwrap_or(10).clamp(1, 38);
            let s = args.get(1).copied().unwrap_or(0).min(p);
            DataType::Decimal128(p, s as i8)
        }
        _ => return Err(HiveError::UnknownType(name.to_string())),
    })
}

/// Splits `a, b<c, d>, e` at the commas outside angle brackets.
fn split_top(text: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..].trim());
    out
}

/// The type of a map's entries, as Arrow's Map wants them.
pub fn map_type(key: DataType, value: DataType) -> DataType {
    let entries = arrow::datatypes::Field::new(
        "entries",
        DataType::Struct(
            vec![
                arrow::datatypes::Field::new("key", key, false),
                arrow::datatypes::Field::new("value", value, true),
            ]
            .into(),
        ),
        false,
    );
    DataType::Map(std::sync::Arc::new(entries), false)
}

/// `array<T>`, `map<K,V>`, `struct<name:T,...>` (nested freely); `None`
/// for a primitive type name.
fn parse_complex(n: &str) -> Result<Option<DataType>> {
    let Some(open) = n.find('<') else {
        return Ok(None);
    };
    let bad = || HiveError::UnknownType(n.to_string());
    let inner = n[open + 1..].strip_suffix('>').ok_or_else(bad)?;
    let base = n[..open].trim();
    let parts = split_top(inner);
    Ok(Some(match base {
        "array" => {
            let [item] = parts.as_slice() else {
                return Err(bad());
            };
            DataType::List(std::sync::Arc::new(arrow::datatypes::Field::new(
                "item",
                parse_hive_type(item)?,
                true,
            )))
        }
        "map" => {
            let [k, v] = parts.as_slice() else {
                return Err(bad());
            };
            map_type(parse_hive_type(k)?, parse_hive_type(v)?)
        }
        "struct" => {
            let fields = parts
                .iter()
                .map(|f| {
                    let (name, t) = f.split_once(':').ok_or_else(bad)?;
                    Ok(arrow::datatypes::Field::new(
                        name.trim().trim_matches('`'),
                        parse_hive_type(t)?,
                        true,
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            DataType::Struct(fields.into())
        }
        _ => return Err(bad()),
    }))
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
        DataType::Interval(_) => "interval_year_month".into(),
        DataType::Duration(_) => "interval_day_time".into(),
        DataType::List(f) => format!("array<{}>", hive_type_name(f.data_type())),
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => format!(
                "map<{},{}>",
                hive_type_name(kv[0].data_type()),
                hive_type_name(kv[1].data_type())
            ),
            other => format!("{other}").to_ascii_lowercase(),
        },
        DataType::Struct(fields) => format!(
            "struct<{}>",
            fields
                .iter()
                .map(|f| format!("{}:{}", f.name(), hive_type_name(f.data_type())))
                .collect::<Vec<_>>()
                .join(",")
        ),
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
        for n in [
            "array<string>",
            "map<string,int>",
            "struct<a:int,b:array<double>>",
            "array<map<string,struct<x:bigint>>>",
        ] {
            assert_eq!(hive_type_name(&parse_hive_type(n).unwrap()), n);
        }
        assert_eq!(
            hive_type_name(&parse_hive_type("MAP< STRING , INT >").unwrap()),
            "map<string,int>"
        );
        assert!(parse_hive_type("map<string>").is_err());
    }
}
