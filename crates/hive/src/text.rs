//! Hive's text SerDe (LazySimpleSerDe): rows are lines, fields are separated
//! by a delimiter (`\001` by default), `\N` is NULL, missing trailing fields
//! are NULL, extra fields are ignored, and a field that does not parse as its
//! column's type is NULL. Values are written back the way Hive writes them,
//! which is also how the Hive CLI prints them.

use crate::Result;
use arrow::array::{Array, ArrayRef, AsArray, BinaryArray, StringBuilder};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{DataType, Float32Type, Float64Type, SchemaRef, TimeUnit};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use std::sync::Arc;

/// How a text table's rows are laid out.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TextFormat {
    /// Field separator (Hive default `\001`).
    pub field_delim: String,
    /// The text that stands for NULL (Hive default `\N`).
    pub null_string: String,
    /// Collection item separator for arrays (Hive default `\002`).
    pub collection_delim: String,
    /// Map key separator (Hive default `\003`).
    pub map_key_delim: String,
    /// `ESCAPED BY`: a delimiter (or this character) after it is data.
    pub escape: Option<char>,
}

impl Default for TextFormat {
    fn default() -> Self {
        TextFormat {
            field_delim: "\u{1}".into(),
            null_string: "\\N".into(),
            collection_delim: "\u{2}".into(),
            map_key_delim: "\u{3}".into(),
            escape: None,
        }
    }
}

impl TextFormat {
    /// A format with the given field delimiter and Hive's other defaults.
    pub fn delimited(field_delim: &str) -> Self {
        TextFormat {
            field_delim: field_delim.to_string(),
            ..Self::default()
        }
    }
}

/// Decodes lines into a batch of `schema`. Returns the batch and how many
/// non-null fields failed to parse (and became NULL).
pub fn parse_lines<S: AsRef<str>>(
    lines: &[S],
    schema: &SchemaRef,
    format: &TextFormat,
) -> Result<(RecordBatch, u64)> {
    let n = schema.fields().len();
    let mut builders: Vec<StringBuilder> = (0..n)
        .map(|_| StringBuilder::with_capacity(lines.len(), lines.len() * 8))
        .collect();
    for line in lines {
        match format.escape {
            None => {
                let mut fields = line.as_ref().split(format.field_delim.as_str());
                for b in builders.iter_mut() {
                    match fields.next() {
                        Some(f) if f != format.null_string => b.append_value(f),
                        _ => b.append_null(),
                    }
                }
            }
            Some(esc) => {
                let fields = split_escaped(line.as_ref(), &format.field_delim, esc);
                for (i, b) in builders.iter_mut().enumerate() {
                    match fields.get(i) {
                        Some((raw, f)) if raw != &format.null_string => b.append_value(f),
                        _ => b.append_null(),
                    }
                }
            }
        }
    }
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(n);
    let mut bad = 0u64;
    for (b, field) in builders.iter_mut().zip(schema.fields()) {
        let text: ArrayRef = Arc::new(b.finish());
        if field.data_type() == &DataType::Utf8 {
            columns.push(text);
            continue;
        }
        let target = field.data_type();
        if is_nested(target) {
            let seps = separators(format);
            let text = text.as_string::<i32>();
            columns.push(parse_nested(text, target, &seps, 1, &format.null_string)?);
            continue;
        }
        let parsed = parse_primitive(&text, target)?;
        bad += (parsed.null_count() - text.null_count()) as u64;
        columns.push(parsed);
    }
    let batch = RecordBatch::try_new_with_options(
        schema.clone(),
        columns,
        &RecordBatchOptions::new().with_row_count(Some(lines.len())),
    )?;
    Ok((batch, bad))
}

/// Text of a primitive column parsed as Hive's LazySimpleSerDe would.
fn parse_primitive(text: &ArrayRef, target: &DataType) -> Result<ArrayRef> {
    let options = CastOptions {
        safe: true,
        ..Default::default()
    };
    Ok(match target {
        DataType::Utf8 => text.clone(),
        DataType::Boolean => parse_booleans(text),
        DataType::Binary => parse_binary(text),
        // Java's Double.parseDouble trims; its Integer.parseInt does not.
        DataType::Float32 | DataType::Float64 => {
            let s = text.as_string::<i32>();
            let trimmed: arrow::array::StringArray = s.iter().map(|v| v.map(str::trim)).collect();
            cast_with_options(&(Arc::new(trimmed) as ArrayRef), target, &options)?
        }
        _ => cast_with_options(&untrimmed_only(text), target, &options)?,
    })
}

/// BINARY fields as LazySimpleSerDe reads them: base64 (as Hive writes
/// them) decoded; text that is not base64 taken as its bytes.
fn parse_binary(text: &ArrayRef) -> ArrayRef {
    use base64::Engine;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let s = text.as_string::<i32>();
    let out: BinaryArray = s
        .iter()
        .map(|v| {
            v.map(|v| {
                let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                engine
                    .decode(compact.as_bytes())
                    .unwrap_or_else(|_| v.as_bytes().to_vec())
            })
        })
        .collect();
    Arc::new(out)
}

/// BINARY values as LazySimpleSerDe writes them: base64.
fn base64_column(array: &ArrayRef) -> Vec<Option<String>> {
    use base64::Engine;
    let b = array.as_binary::<i32>();
    b.iter()
        .map(|v| v.map(|v| base64::engine::general_purpose::STANDARD.encode(v)))
        .collect()
}

/// True for arrays, maps and structs.
pub fn is_nested(t: &DataType) -> bool {
    matches!(
        t,
        DataType::List(_) | DataType::Map(..) | DataType::Struct(_)
    )
}

/// Hive's separators by nesting level: fields, collection items, map keys,
/// then `\004` to `\010` for deeper levels.
fn separators(format: &TextFormat) -> Vec<String> {
    let mut seps = vec![
        format.field_delim.clone(),
        format.collection_delim.clone(),
        format.map_key_delim.clone(),
    ];
    seps.extend((4u8..=8).map(|c| (c as char).to_string()));
    seps
}

fn sep(seps: &[String], level: usize) -> Result<&str> {
    seps.get(level).map(|s| s.as_str()).ok_or_else(|| {
        crate::HiveError::UnknownType("a complex type nested deeper than text tables allow".into())
    })
}

/// Values of a nested type from their text: items split by the level's
/// separator, each item parsed as the element type one level down. An
/// empty field is an empty collection; the null string is NULL.
fn parse_nested(
    text: &arrow::array::StringArray,
    target: &DataType,
    seps: &[String],
    level: usize,
    null: &str,
) -> Result<ArrayRef> {
    use arrow::array::{ListArray, MapArray, StructArray};
    use arrow::buffer::{NullBuffer, OffsetBuffer};
    let nulls = NullBuffer::from_iter((0..text.len()).map(|i| text.is_valid(i)));
    let item = |s: &str| (s != null).then(|| s.to_string());
    match target {
        DataType::List(f) => {
            let d = sep(seps, level)?;
            let mut items: Vec<Option<String>> = Vec::new();
            let mut lengths = Vec::with_capacity(text.len());
            for i in 0..text.len() {
                let before = items.len();
                if text.is_valid(i) && !text.value(i).is_empty() {
                    items.extend(text.value(i).split(d).map(item));
                }
                lengths.push(items.len() - before);
            }
            let items = arrow::array::StringArray::from(items);
            let values = parse_nested(&items, f.data_type(), seps, level + 1, null)?;
            Ok(Arc::new(ListArray::try_new(
                f.clone(),
                OffsetBuffer::from_lengths(lengths),
                values,
                Some(nulls),
            )?))
        }
        DataType::Map(entries, sorted) => {
            let DataType::Struct(kv) = entries.data_type() else {
                return Err(crate::HiveError::UnknownType(format!("{target}")));
            };
            let (d, kd) = (sep(seps, level)?, sep(seps, level + 1)?);
            let (mut keys, mut values) = (Vec::new(), Vec::new());
            let mut lengths = Vec::with_capacity(text.len());
            for i in 0..text.len() {
                let before = keys.len();
                if text.is_valid(i) && !text.value(i).is_empty() {
                    for entry in text.value(i).split(d) {
                        let (k, v) = match entry.split_once(kd) {
                            Some((k, v)) => (k, Some(v)),
                            None => (entry, None),
                        };
                        if k == null {
                            continue; // map keys are never NULL
                        }
                        keys.push(Some(k.to_string()));
                        values.push(v.and_then(item));
                    }
                }
                lengths.push(keys.len() - before);
            }
            let keys = parse_nested(&keys.into(), kv[0].data_type(), seps, level + 2, null)?;
            let values = parse_nested(&values.into(), kv[1].data_type(), seps, level + 2, null)?;
            // As Hive's LazyMap: a key that does not parse is dropped, and a
            // repeated key keeps its first entry.
            let converter = arrow::row::RowConverter::new(vec![arrow::row::SortField::new(
                keys.data_type().clone(),
            )])?;
            let rows = converter.convert_columns(std::slice::from_ref(&keys))?;
            let mut keep = Vec::with_capacity(keys.len());
            let mut start = 0;
            for len in lengths.iter_mut() {
                let end = start + *len;
                let mut kept = 0;
                for j in start..end {
                    let fresh = keys.is_valid(j)
                        && !(start..j).any(|e| keep[e] && rows.row(e) == rows.row(j));
                    keep.push(fresh);
                    kept += fresh as usize;
                }
                *len = kept;
                start = end;
            }
            let keep = arrow::array::BooleanArray::from(keep);
            let keys = arrow::compute::filter(&keys, &keep)?;
            let values = arrow::compute::filter(&values, &keep)?;
            let entries_array = StructArray::try_new(kv.clone(), vec![keys, values], None)?;
            Ok(Arc::new(MapArray::try_new(
                entries.clone(),
                OffsetBuffer::from_lengths(lengths),
                entries_array,
                Some(nulls),
                *sorted,
            )?))
        }
        DataType::Struct(fields) => {
            let d = sep(seps, level)?;
            let mut parts: Vec<Vec<Option<String>>> =
                vec![Vec::with_capacity(text.len()); fields.len()];
            for i in 0..text.len() {
                let mut pieces = if text.is_valid(i) {
                    text.value(i).split(d).collect::<Vec<_>>()
                } else {
                    vec![]
                };
                pieces.resize(fields.len(), null);
                for (f, p) in parts.iter_mut().zip(pieces) {
                    f.push(item(p));
                }
            }
            let children = parts
                .into_iter()
                .zip(fields.iter())
                .map(|(p, f)| parse_nested(&p.into(), f.data_type(), seps, level + 1, null))
                .collect::<Result<Vec<_>>>()?;
            Ok(Arc::new(StructArray::try_new(
                fields.clone(),
                children,
                Some(nulls),
            )?))
        }
        primitive => parse_primitive(&(Arc::new(text.clone()) as ArrayRef), primitive),
    }
}

/// Nested values as a text table stores them: items joined by the level's
/// separator, NULL items as the null string.
fn render_nested(
    array: &ArrayRef,
    seps: &[String],
    level: usize,
    null: &str,
) -> Result<Vec<Option<String>>> {
    let join = |items: Vec<Option<String>>, d: &str| {
        items
            .into_iter()
            .map(|v| v.unwrap_or_else(|| null.to_string()))
            .collect::<Vec<_>>()
            .join(d)
    };
    Ok(match array.data_type() {
        DataType::List(_) => {
            let l = array.as_list::<i32>();
            let d = sep(seps, level)?;
            let items = render_nested(l.values(), seps, level + 1, null)?;
            let o = l.value_offsets();
            (0..l.len())
                .map(|i| {
                    l.is_valid(i)
                        .then(|| join(items[o[i] as usize..o[i + 1] as usize].to_vec(), d))
                })
                .collect()
        }
        DataType::Map(..) => {
            let m = array.as_map();
            let (d, kd) = (sep(seps, level)?, sep(seps, level + 1)?);
            let keys = render_nested(m.keys(), seps, level + 2, null)?;
            let values = render_nested(m.values(), seps, level + 2, null)?;
            let o = m.value_offsets();
            (0..m.len())
                .map(|i| {
                    m.is_valid(i).then(|| {
                        (o[i] as usize..o[i + 1] as usize)
                            .map(|j| {
                                format!(
                                    "{}{kd}{}",
                                    keys[j].clone().unwrap_or_else(|| null.to_string()),
                                    values[j].clone().unwrap_or_else(|| null.to_string())
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(d)
                    })
                })
                .collect()
        }
        DataType::Struct(_) => {
            let st = array.as_struct();
            let d = sep(seps, level)?;
            let children = st
                .columns()
                .iter()
                .map(|c| render_nested(c, seps, level + 1, null))
                .collect::<Result<Vec<_>>>()?;
            (0..st.len())
                .map(|i| {
                    st.is_valid(i)
                        .then(|| join(children.iter().map(|c| c[i].clone()).collect(), d))
                })
                .collect()
        }
        _ => render_column(array)?,
    })
}

/// Splits at unescaped delimiters: (raw text, unescaped value) per field.
fn split_escaped(line: &str, delim: &str, esc: char) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut raw, mut value) = (String::new(), String::new());
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == esc {
            raw.push(c);
            if let Some((_, n)) = chars.next() {
                raw.push(n);
                value.push(n);
            }
        } else if line[i..].starts_with(delim) {
            out.push((std::mem::take(&mut raw), std::mem::take(&mut value)));
            for _ in 1..delim.chars().count() {
                chars.next();
            }
        } else {
            raw.push(c);
            value.push(c);
        }
    }
    out.push((raw, value));
    out
}

/// Hive does not trim numbers and dates: `'  42'` is not an int. Arrow's
/// parser does trim, so values with surrounding spaces become NULL first.
fn untrimmed_only(text: &ArrayRef) -> ArrayRef {
    let s = text.as_string::<i32>();
    if !s
        .iter()
        .flatten()
        .any(|v| v.starts_with(char::is_whitespace) || v.ends_with(char::is_whitespace))
    {
        return text.clone();
    }
    let out: arrow::array::StringArray = s
        .iter()
        .map(|v| {
            v.filter(|v| !v.starts_with(char::is_whitespace) && !v.ends_with(char::is_whitespace))
        })
        .collect();
    Arc::new(out)
}

/// Hive's LazyBoolean: `true`/`false` in any case; anything else is NULL.
fn parse_booleans(text: &ArrayRef) -> ArrayRef {
    let s = text.as_string::<i32>();
    let out: arrow::array::BooleanArray = s
        .iter()
        .map(|v| {
            v.and_then(|v| {
                if v.eq_ignore_ascii_case("true") {
                    Some(true)
                } else if v.eq_ignore_ascii_case("false") {
                    Some(false)
                } else {
                    None
                }
            })
        })
        .collect();
    Arc::new(out)
}

/// Renders every row of a batch as Hive writes it: fields joined by the
/// delimiter, NULL as the null string.
pub fn format_rows(batch: &RecordBatch, format: &TextFormat) -> Result<Vec<String>> {
    let seps = separators(format);
    let columns: Vec<Vec<Option<String>>> = batch
        .columns()
        .iter()
        .map(|c| {
            if is_nested(c.data_type()) {
                render_nested(c, &seps, 1, &format.null_string)
            } else if c.data_type() == &DataType::Binary {
                Ok(base64_column(c))
            } else {
                render_column(c)
            }
        })
        .collect::<Result<_>>()?;
    let escape = |v: &str| -> String {
        match format.escape {
            None => v.to_string(),
            Some(e) => {
                let mut out = String::with_capacity(v.len());
                for (i, c) in v.char_indices() {
                    if c == e || v[i..].starts_with(format.field_delim.as_str()) {
                        out.push(e);
                    }
                    out.push(c);
                }
                out
            }
        }
    };
    Ok((0..batch.num_rows())
        .map(|r| {
            columns
                .iter()
                .map(|c| match &c[r] {
                    Some(v) => escape(v),
                    None => format.null_string.clone(),
                })
                .collect::<Vec<String>>()
                .join(&format.field_delim)
        })
        .collect())
}

/// The Hive text form of every value in a column (`None` for NULL).
pub fn render_column(array: &ArrayRef) -> Result<Vec<Option<String>>> {
    let n = array.len();
    let mut out = Vec::with_capacity(n);
    match array.data_type() {
        DataType::Float64 => {
            let a = array.as_primitive::<Float64Type>();
            for i in 0..n {
                out.push(a.is_valid(i).then(|| java_double(a.value(i))));
            }
        }
        DataType::Float32 => {
            let a = array.as_primitive::<Float32Type>();
            for i in 0..n {
                out.push(a.is_valid(i).then(|| java_float(a.value(i))));
            }
        }
        DataType::Timestamp(unit, _) => {
            let micros = cast_with_options(
                array,
                &DataType::Timestamp(TimeUnit::Microsecond, None),
                &CastOptions::default(),
            )?;
            let a = micros.as_primitive::<arrow::datatypes::TimestampMicrosecondType>();
            let _ = unit;
            for i in 0..n {
                out.push(a.is_valid(i).then(|| format_timestamp_micros(a.value(i))));
            }
        }
        DataType::Boolean => {
            let a = array.as_boolean();
            for i in 0..n {
                out.push(a.is_valid(i).then(|| a.value(i).to_string()));
            }
        }
        DataType::Interval(arrow::datatypes::IntervalUnit::YearMonth) => {
            let a = array.as_primitive::<arrow::datatypes::IntervalYearMonthType>();
            for i in 0..n {
                out.push(
                    a.is_valid(i)
                        .then(|| crate::interval::format_year_month(a.value(i))),
                );
            }
        }
        DataType::Duration(_) => {
            let micros =
                cast_with_options(array, &crate::interval::DAY_TIME, &CastOptions::default())?;
            let a = micros.as_primitive::<arrow::datatypes::DurationMicrosecondType>();
            for i in 0..n {
                out.push(
                    a.is_valid(i)
                        .then(|| crate::interval::format_day_time(a.value(i))),
                );
            }
        }
        DataType::Null => out.resize(n, None),
        // Hive prints a BINARY value's bytes as they are.
        DataType::Binary => {
            let b = array.as_binary::<i32>();
            for i in 0..n {
                out.push(
                    b.is_valid(i)
                        .then(|| String::from_utf8_lossy(b.value(i)).into_owned()),
                );
            }
        }
        DataType::List(_) => {
            let a = array.as_list::<i32>();
            let items = json_items(a.values())?;
            let o = a.value_offsets();
            for i in 0..n {
                out.push(
                    a.is_valid(i).then(|| {
                        format!("[{}]", items[o[i] as usize..o[i + 1] as usize].join(","))
                    }),
                );
            }
        }
        DataType::Map(..) => {
            let m = array.as_map();
            let (keys, values) = (json_items(m.keys())?, json_items(m.values())?);
            let o = m.value_offsets();
            for i in 0..n {
                out.push(m.is_valid(i).then(|| {
                    let entries: Vec<String> = (o[i] as usize..o[i + 1] as usize)
                        .map(|j| format!("{}:{}", keys[j], values[j]))
                        .collect();
                    format!("{{{}}}", entries.join(","))
                }));
            }
        }
        DataType::Struct(fields) => {
            let st = array.as_struct();
            let children = st
                .columns()
                .iter()
                .map(json_items)
                .collect::<Result<Vec<_>>>()?;
            for i in 0..n {
                out.push(st.is_valid(i).then(|| {
                    let parts: Vec<String> = fields
                        .iter()
                        .zip(&children)
                        .map(|(f, c)| format!("\"{}\":{}", f.name(), c[i]))
                        .collect();
                    format!("{{{}}}", parts.join(","))
                }));
            }
        }
        _ => {
            let formatter =
                arrow::util::display::ArrayFormatter::try_new(array.as_ref(), &Default::default())?;
            for i in 0..n {
                out.push(array.is_valid(i).then(|| formatter.value(i).to_string()));
            }
        }
    }
    Ok(out)
}

/// Values inside a printed array, map or struct, as the Hive CLI shows
/// them: strings quoted, NULL as `null`, nested values recursively.
fn json_items(array: &ArrayRef) -> Result<Vec<String>> {
    let quoted = matches!(array.data_type(), DataType::Utf8 | DataType::LargeUtf8);
    Ok(render_column(array)?
        .into_iter()
        .map(|v| match v {
            None => "null".to_string(),
            Some(s) if quoted => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
            Some(s) => s,
        })
        .collect())
}

/// Java's `Double.toString`: shortest digits that round-trip, scientific
/// notation outside [1e-3, 1e7), integral values with `.0`.
pub fn java_double(v: f64) -> String {
    java_decimal(
        v.is_nan(),
        v.is_infinite(),
        v.is_sign_negative(),
        v.abs(),
        &format!("{v}"),
        &format!("{v:e}"),
    )
}

/// Java's `Float.toString`, the same rules for 32-bit floats.
pub fn java_float(v: f32) -> String {
    java_decimal(
        v.is_nan(),
        v.is_infinite(),
        v.is_sign_negative(),
        v.abs() as f64,
        &format!("{v}"),
        &format!("{v:e}"),
    )
}

fn java_decimal(nan: bool, inf: bool, negative: bool, abs: f64, plain: &str, sci: &str) -> String {
    if nan {
        return "NaN".into();
    }
    if inf {
        return if negative { "-Infinity" } else { "Infinity" }.into();
    }
    if abs == 0.0 {
        return if negative { "-0.0" } else { "0.0" }.into();
    }
    if (1e-3..1e7).contains(&abs) {
        if plain.contains('.') {
            plain.to_string()
        } else {
            format!("{plain}.0")
        }
    } else {
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exp}")
    }
}

/// `2024-01-31 12:00:00`, with fractional seconds only when non-zero.
pub fn format_timestamp_micros(micros: i64) -> String {
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let dt = chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.naive_utc())
        .unwrap_or_default();
    let mut s = dt.format("%Y-%m-%d %H:%M:%S").to_string();
    if frac != 0 {
        let f = format!("{frac:06}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::{Field, Schema};

    #[test]
    fn doubles_print_like_java() {
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(0.1), "0.1");
        assert_eq!(java_double(-2.5), "-2.5");
        assert_eq!(java_double(1e10), "1.0E10");
        assert_eq!(java_double(12345678.9), "1.23456789E7");
        assert_eq!(java_double(0.00001234), "1.234E-5");
        assert_eq!(java_double(f64::NAN), "NaN");
        assert_eq!(java_double(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(java_double(100.0), "100.0");
        assert_eq!(java_float(0.1f32), "0.1");
    }

    #[test]
    fn lines_parse_with_hive_rules() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("b", DataType::Utf8, true),
            Field::new("c", DataType::Boolean, true),
            Field::new("d", DataType::Date32, true),
        ]));
        let lines = [
            "1\u{1}x\u{1}TRUE\u{1}2024-01-31",
            "oops\u{1}\\N",
            "  42\u{1}y\u{1}false\u{1}2024-02-30\u{1}extra",
        ];
        let (batch, bad) = parse_lines(&lines, &schema, &TextFormat::default()).unwrap();
        let rows = format_rows(&batch, &TextFormat::delimited("|")).unwrap();
        assert_eq!(
            rows,
            vec!["1|x|true|2024-01-31", "\\N|\\N|\\N|\\N", "\\N|y|false|\\N"]
        );
        assert_eq!(bad, 3);
    }

    #[test]
    fn escaped_delimiters_are_data() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Utf8, true),
            Field::new("b", DataType::Utf8, true),
        ]));
        let format = TextFormat {
            escape: Some('\\'),
            ..TextFormat::delimited(",")
        };
        let (batch, _) = parse_lines(&["x\\,y,z", "\\\\,\\N"], &schema, &format).unwrap();
        let rows = format_rows(&batch, &format).unwrap();
        assert_eq!(rows, vec!["x\\,y,z", "\\\\,\\N"]);
        let col = render_column(batch.column(0)).unwrap();
        assert_eq!(col, vec![Some("x,y".to_string()), Some("\\".to_string())]);
    }

    #[test]
    fn timestamps_drop_zero_fractions() {
        assert_eq!(format_timestamp_micros(0), "1970-01-01 00:00:00");
        assert_eq!(format_timestamp_micros(1_500_000), "1970-01-01 00:00:01.5");
    }
}

#[cfg(test)]
mod binary_tests {
    use super::*;
    use arrow::datatypes::{Field, Schema};

    #[test]
    fn binary_fields_are_written_as_base64_and_read_back_whole() {
        let schema: SchemaRef =
            Arc::new(Schema::new(vec![Field::new("b", DataType::Binary, true)]));
        let values: BinaryArray = vec![
            Some(&b"0"[..]),
            Some(&[0u8, 255, 10][..]),
            None,
            Some(&b""[..]),
        ]
        .into_iter()
        .collect();
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(values.clone())]).unwrap();
        let format = TextFormat::default();
        let lines = format_rows(&batch, &format).unwrap();
        assert_eq!(lines[0], "MA==");
        assert_eq!(lines[1], "AP8K");
        let (back, bad) = parse_lines(&lines, &schema, &format).unwrap();
        assert_eq!(bad, 0);
        assert_eq!(back.column(0).as_binary::<i32>(), &values);
        // Text that is not base64 (a file another tool wrote) is its bytes.
        let (raw, _) = parse_lines(&["hello world!"], &schema, &format).unwrap();
        assert_eq!(raw.column(0).as_binary::<i32>().value(0), b"hello world!");
        // Hive prints the bytes themselves.
        assert_eq!(
            render_column(batch.column(0)).unwrap()[0].as_deref(),
            Some("0")
        );
    }
}

#[cfg(test)]
mod number_tests {
    use super::*;
    use arrow::datatypes::{Field, Int32Type, Schema};

    #[test]
    fn numbers_with_spaces_are_doubles_but_not_ints() {
        let schema: SchemaRef = Arc::new(Schema::new(vec![
            Field::new("i", DataType::Int32, true),
            Field::new("d", DataType::Float64, true),
        ]));
        let lines = [" 7 \u{1} 7.5 ", "7\u{1}7"];
        let (b, bad) = parse_lines(&lines, &schema, &TextFormat::default()).unwrap();
        assert_eq!(bad, 1);
        assert!(b.column(0).is_null(0));
        assert_eq!(b.column(1).as_primitive::<Float64Type>().value(0), 7.5);
        assert_eq!(b.column(0).as_primitive::<Int32Type>().value(1), 7);
    }
}
