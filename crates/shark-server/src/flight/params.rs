//! Prepared statements' parameters: the `?` markers of a statement (found
//! by HiveQL's own tokenizer, so a `?` inside a string or a comment is not
//! one) replaced by SQL literals of the values a client bound as Arrow.
//! Each value keeps its Arrow type as the HiveQL type of its literal.

use arrow::array::{Array, AsArray};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use arrow::util::display::array_value_to_string;
use shark::parse::dialect::SharkDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// Byte ranges of the statement's `?` markers, in order.
pub fn markers(sql: &str) -> Result<Vec<std::ops::Range<usize>>, String> {
    let dialect = SharkDialect::default();
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .map_err(|e| e.to_string())?;
    let lines: Vec<usize> = std::iter::once(0)
        .chain(sql.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |line: u64, column: u64| -> Option<usize> {
        let start = *lines.get((line as usize).checked_sub(1)?)?;
        let col = (column as usize).checked_sub(1)?;
        sql[start..].char_indices().nth(col).map(|(i, _)| start + i)
    };
    let mut out = Vec::new();
    for t in tokens {
        if matches!(&t.token, Token::Placeholder(p) if p == "?") {
            let at = offset(t.span.start.line, t.span.start.column)
                .filter(|&i| sql[i..].starts_with('?'))
                .ok_or_else(|| "cannot locate a parameter marker".to_string())?;
            out.push(at..at + 1);
        }
    }
    Ok(out)
}

/// The statement once per row of `params`, the row's values in place of
/// its markers.
pub fn bind_rows(sql: &str, params: &RecordBatch) -> Result<Vec<String>, String> {
    let marks = markers(sql)?;
    if marks.len() != params.num_columns() {
        return Err(format!(
            "the statement has {} parameter(s) but {} were bound",
            marks.len(),
            params.num_columns()
        ));
    }
    (0..params.num_rows())
        .map(|row| {
            let mut out = String::with_capacity(sql.len() + 16 * marks.len());
            let mut last = 0;
            for (mark, column) in marks.iter().zip(params.columns()) {
                out.push_str(&sql[last..mark.start]);
                out.push_str(&literal(column.as_ref(), row)?);
                last = mark.end;
            }
            out.push_str(&sql[last..]);
            Ok(out)
        })
        .collect()
}

/// The statement with every marker as NULL: enough to plan it and learn
/// its result's columns before any value is bound.
pub fn unbound(sql: &str) -> Result<String, String> {
    let mut out = String::with_capacity(sql.len());
    let mut last = 0;
    for m in markers(sql)? {
        out.push_str(&sql[last..m.start]);
        out.push_str("NULL");
        last = m.end;
    }
    out.push_str(&sql[last..]);
    Ok(out)
}

/// A HiveQL string literal that reads back as `s` exactly: backslash
/// escapes as Hive reads them, control characters and `$` as `\uXXXX`
/// (so no value is taken for a `${variable}` or an octal escape).
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '$' => out.push_str("\\u0024"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Value `row` of `array` as a HiveQL literal of the matching type.
pub fn literal(array: &dyn Array, row: usize) -> Result<String, String> {
    if array.is_null(row) {
        return Ok("NULL".into());
    }
    let text = || array_value_to_string(array, row).map_err(|e| e.to_string());
    let cast =
        |t: &str| -> Result<String, String> { Ok(format!("CAST({} AS {t})", quoted(&text()?))) };
    match array.data_type() {
        DataType::Null => Ok("NULL".into()),
        DataType::Boolean => Ok(if array.as_boolean().value(row) { "true" } else { "false" }.into()),
        DataType::Int8 => cast("TINYINT"),
        DataType::Int16 | DataType::UInt8 => cast("SMALLINT"),
        // In parentheses: `1-?` bound to -3 must not read as `1--3`.
        DataType::Int32 | DataType::UInt16 => Ok(format!("({})", text()?)),
        DataType::Int64 | DataType::UInt32 => cast("BIGINT"),
        DataType::UInt64 => cast("DECIMAL(20,0)"),
        DataType::Float16 | DataType::Float32 => cast("FLOAT"),
        DataType::Float64 => cast("DOUBLE"),
        DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => {
            cast(&format!("DECIMAL({},{})", (*p).min(38), s))
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Ok(quoted(&text()?)),
        DataType::Date32 | DataType::Date64 => Ok(format!("DATE {}", quoted(&text()?))),
        DataType::Timestamp(_, _) => {
            // Zoned values as their UTC wall-clock time, as Hive stores them.
            let local = arrow::compute::cast(
                &array.slice(row, 1),
                &DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, None),
            )
            .map_err(|e| e.to_string())?;
            let shown = array_value_to_string(&local, 0).map_err(|e| e.to_string())?;
            Ok(format!("TIMESTAMP {}", quoted(&shown.replace('T', " "))))
        }
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            let bytes: &[u8] = match array.data_type() {
                DataType::Binary => array.as_binary::<i32>().value(row),
                DataType::LargeBinary => array.as_binary::<i64>().value(row),
                DataType::BinaryView => array.as_binary_view().value(row),
                _ => array.as_fixed_size_binary().value(row),
            };
            let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
            Ok(format!("unhex('{hex}')"))
        }
        other => Err(format!(
            "a parameter of type {other} cannot be bound; bind strings, numbers, booleans, dates, timestamps or binary"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{
        ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, StringArray,
    };
    use std::sync::Arc;

    fn batch(cols: Vec<ArrayRef>) -> RecordBatch {
        RecordBatch::try_from_iter(
            cols.into_iter()
                .enumerate()
                .map(|(i, c)| (format!("p{i}"), c)),
        )
        .unwrap()
    }

    #[test]
    fn markers_skip_strings_and_comments() {
        let sql = "SELECT '?', `a?b`, ? -- why?\n FROM t WHERE k = ? AND v = \"?\"";
        let m = markers(sql).unwrap();
        assert_eq!(m.len(), 2);
        assert!(m.iter().all(|r| &sql[r.clone()] == "?"));
        assert_eq!(
            unbound(sql).unwrap(),
            "SELECT '?', `a?b`, NULL -- why?\n FROM t WHERE k = NULL AND v = \"?\""
        );
    }

    #[test]
    fn values_become_typed_literals() {
        let b = batch(vec![
            Arc::new(Int64Array::from(vec![Some(7), None])),
            Arc::new(StringArray::from(vec!["it's a \\ 'x'", "é"])),
            Arc::new(BooleanArray::from(vec![true, false])),
            Arc::new(Float64Array::from(vec![1.5, -0.25])),
            Arc::new(Date32Array::from(vec![19000, 0])),
            Arc::new(Int32Array::from(vec![3, 4])),
        ]);
        let sql = "SELECT ?, ?, ?, ?, ?, ?";
        let rows = bind_rows(sql, &b).unwrap();
        assert_eq!(
            rows[0],
            "SELECT CAST('7' AS BIGINT), 'it\\'s a \\\\ \\'x\\'', true, CAST('1.5' AS DOUBLE), DATE '2022-01-08', (3)"
        );
        assert_eq!(
            rows[1],
            "SELECT NULL, 'é', false, CAST('-0.25' AS DOUBLE), DATE '1970-01-01', (4)"
        );
        let short = batch(vec![Arc::new(Int32Array::from(vec![1]))]);
        assert!(bind_rows("SELECT ?, ?", &short)
            .unwrap_err()
            .contains("2 parameter(s) but 1"));
    }

    #[test]
    fn bound_values_cannot_change_the_statement() {
        // A negative number after a minus is not a comment.
        let b = batch(vec![Arc::new(Int32Array::from(vec![-3]))]);
        assert_eq!(
            bind_rows("SELECT 1-? AND x", &b).unwrap()[0],
            "SELECT 1-(-3) AND x"
        );
        // `${...}`, a NUL before digits and quotes stay data.
        let s = batch(vec![Arc::new(StringArray::from(vec![
            "${env:HOME}\u{0}12'",
        ]))]);
        let bound = bind_rows("SELECT ?", &s).unwrap().remove(0);
        assert_eq!(bound, r"SELECT '\u0024{env:HOME}\u000012\''");
        let vars = std::collections::BTreeMap::new();
        assert_eq!(shark::parse::substitute(&bound, &vars, &vars), bound);
        assert_eq!(
            shark::parse::unescape(r"\u0024{env:HOME}\u000012\'"),
            "${env:HOME}\u{0}12'"
        );
    }
}
