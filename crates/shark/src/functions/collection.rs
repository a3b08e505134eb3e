//! Array, map and struct functions: building them (`array`, `split`,
//! `map`, `str_to_map`, `struct`, `named_struct`) and reading them
//! (`size`, `a[i]` / `m[k]` as `index`, `map_keys`, `map_values`,
//! `sort_array`, `array_contains`, struct fields), the inputs of LATERAL VIEW.

use super::{arity, regex_cache, str_arg, strings, ScalarFunction};
use crate::error::Result;
use arrow::array::*;
use arrow::buffer::OffsetBuffer;
use arrow::compute::{interleave, sort_to_indices, take, SortOptions};
use arrow::datatypes::{DataType, Field};
use std::sync::Arc;

/// The type `array<item>`.
pub fn list_of(item: DataType) -> DataType {
    DataType::List(Arc::new(Field::new("item", item, true)))
}

fn one_map(args: &[DataType]) -> std::result::Result<(), String> {
    arity(args, 1, 1)?;
    match &args[0] {
        DataType::Map(..) => Ok(()),
        other => Err(format!(
            "needs a map, got {}",
            crate::types::type_name(other)
        )),
    }
}

fn map_kv(t: &DataType) -> (DataType, DataType) {
    match t {
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => {
                (kv[0].data_type().clone(), kv[1].data_type().clone())
            }
            _ => (DataType::Null, DataType::Null),
        },
        _ => (DataType::Null, DataType::Null),
    }
}

fn one_array(args: &[DataType]) -> std::result::Result<(), String> {
    arity(args, 1, 1)?;
    match &args[0] {
        DataType::List(_) | DataType::Null => Ok(()),
        other => Err(format!(
            "needs an array, got {}",
            crate::types::type_name(other)
        )),
    }
}

fn item_type(t: &DataType) -> DataType {
    match t {
        DataType::List(f) => f.data_type().clone(),
        _ => DataType::Null,
    }
}

/// `array(a, b, ...)`: row r holds the arguments' values at r.
fn make_array(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let item = args
        .first()
        .map(|a| a.data_type().clone())
        .unwrap_or(DataType::Utf8);
    let k = args.len();
    let values = if k == 0 {
        new_empty_array(&item)
    } else {
        let sources: Vec<&dyn Array> = args.iter().map(|a| a.as_ref()).collect();
        let order: Vec<(usize, usize)> = (0..n).flat_map(|r| (0..k).map(move |a| (a, r))).collect();
        interleave(&sources, &order)?
    };
    let offsets = OffsetBuffer::from_lengths(std::iter::repeat_n(k, n));
    Ok(Arc::new(ListArray::try_new(
        Arc::new(Field::new("item", item, true)),
        offsets,
        values,
        None,
    )?))
}

/// `split(s, regex)`: the pieces between matches, trailing empty ones kept
/// (Hive's `String.split(regex, -1)`); NULL for NULL.
fn split(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let (s, p) = (str_arg(&args[0]), str_arg(&args[1]));
    let mut b = ListBuilder::new(StringBuilder::new());
    for i in 0..n {
        if s.is_null(i) || p.is_null(i) {
            b.append(false);
            continue;
        }
        let re = regex_cache(p.value(i))?;
        let text = s.value(i);
        // Java drops the empty piece a zero-width match at the start makes.
        let skip = !text.is_empty()
            && re
                .find(text)
                .is_some_and(|m| m.start() == 0 && m.end() == 0);
        for piece in re.split(text).skip(skip as usize) {
            b.values().append_value(piece);
        }
        b.append(true);
    }
    Ok(Arc::new(b.finish()))
}

/// Hive's `sentences(str)`: the text cut into sentences (after `.`, `!`
/// or `?` and a space, or at a line break), each an array of its words
/// (runs of letters, digits and `_`, an apostrophe or a period inside a
/// word kept: "don't", "3.14"); punctuation is dropped.
fn sentences(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let s = str_arg(&args[0]);
    let mut b = ListBuilder::new(ListBuilder::new(StringBuilder::new()));
    for i in 0..n {
        if s.is_null(i) {
            b.append(false);
            continue;
        }
        for sentence in split_sentences(s.value(i)) {
            let words = sentence_words(sentence);
            if words.is_empty() {
                continue;
            }
            for w in words {
                b.values().values().append_value(w);
            }
            b.values().append(true);
        }
        b.append(true);
    }
    Ok(Arc::new(b.finish()))
}

fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(at, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, c)| c);
        let ends = match c {
            '\n' | '\r' => true,
            '.' | '!' | '?' => next.is_none_or(char::is_whitespace),
            _ => false,
        };
        if ends {
            out.push(&text[start..at + c.len_utf8()]);
            start = at + c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out
}

fn sentence_words(sentence: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    let mut words = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !chars[k].1.is_alphanumeric() {
            k += 1;
            continue;
        }
        let start = chars[k].0;
        let mut end = k + 1;
        while end < chars.len() {
            let c = chars[end].1;
            let joins = (c == '\'' || c == '.' || c == '\u{2019}')
                && chars
                    .get(end + 1)
                    .is_some_and(|&(_, d)| d.is_alphanumeric());
            // '_' joins letters and digits ("val_149"), as Unicode's word
            // rules (and Java's BreakIterator) do.
            if c.is_alphanumeric() || c == '_' || joins {
                end += 1;
            } else {
                break;
            }
        }
        let stop = chars.get(end).map_or(sentence.len(), |&(at, _)| at);
        words.push(&sentence[start..stop]);
        k = end;
    }
    words
}

fn size(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    if args[0].data_type() == &DataType::Null {
        return Ok(Arc::new(Int32Array::from(vec![-1; n])));
    }
    if let DataType::Map(..) = args[0].data_type() {
        let m = args[0].as_map();
        let o = m.value_offsets();
        return Ok(Arc::new(Int32Array::from_iter_values((0..n).map(|i| {
            if m.is_null(i) {
                -1
            } else {
                o[i + 1] - o[i]
            }
        }))));
    }
    let l = args[0].as_list::<i32>();
    Ok(Arc::new(Int32Array::from_iter_values((0..n).map(|i| {
        if l.is_null(i) {
            -1
        } else {
            l.value_length(i)
        }
    }))))
}

/// `sort_array(a)`: ascending, NULLs first.
fn sort_array(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    if args[0].data_type() == &DataType::Null {
        return Ok(args[0].clone());
    }
    let l = args[0].as_list::<i32>();
    let options = SortOptions {
        descending: false,
        nulls_first: true,
    };
    let mut order: Vec<u32> = Vec::with_capacity(l.values().len());
    for i in 0..n {
        let (s, e) = (
            l.value_offsets()[i] as usize,
            l.value_offsets()[i + 1] as usize,
        );
        if l.is_null(i) || s == e {
            continue;
        }
        let slice = l.values().slice(s, e - s);
        let idx = sort_to_indices(&slice, Some(options), None)?;
        order.extend(idx.values().iter().map(|j| j + s as u32));
    }
    // Rows keep their lengths; only the values inside each are reordered.
    let values = take(l.values(), &UInt32Array::from(order), None)?;
    let lengths = (0..n).map(|i| {
        if l.is_null(i) {
            0
        } else {
            l.value_length(i) as usize
        }
    });
    Ok(Arc::new(ListArray::try_new(
        Arc::new(Field::new("item", values.data_type().clone(), true)),
        OffsetBuffer::from_lengths(lengths),
        values,
        l.nulls().cloned(),
    )?))
}

/// `array_contains(a, v)`: NULL when either is NULL.
fn array_contains(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    if args[0].data_type() == &DataType::Null {
        return Ok(Arc::new(BooleanArray::new_null(n)));
    }
    let l = args[0].as_list::<i32>();
    let v = &args[1];
    let mut out = BooleanBuilder::with_capacity(n);
    for i in 0..n {
        if l.is_null(i) || v.is_null(i) {
            out.append_null();
            continue;
        }
        let items = l.value(i);
        let needle = Scalar::new(v.slice(i, 1));
        let hits = arrow::compute::kernels::cmp::eq(&items, &needle)?;
        out.append_value(hits.true_count() > 0);
    }
    Ok(Arc::new(out.finish()))
}

/// `index(a, i)`, what `a[i]` means: the element at 0-based `i`, NULL
/// past either end.
fn index(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    if args[0].data_type() == &DataType::Null {
        return Ok(new_null_array(&DataType::Utf8, n));
    }
    if let DataType::Map(..) = args[0].data_type() {
        return map_lookup(args[0].as_map(), &args[1], n);
    }
    let l = args[0].as_list::<i32>();
    let i = args[1].as_primitive::<arrow::datatypes::Int64Type>();
    let idx: UInt32Array = (0..n)
        .map(|r| {
            if l.is_null(r) || i.is_null(r) {
                return None;
            }
            let (k, len) = (i.value(r), l.value_length(r) as i64);
            (k >= 0 && k < len).then(|| (l.value_offsets()[r] as i64 + k) as u32)
        })
        .collect();
    Ok(take(l.values(), &idx, None)?)
}

/// `m[k]`: the value of key `k` (the first, if repeated), else NULL.
fn map_lookup(m: &MapArray, key: &ArrayRef, n: usize) -> Result<ArrayRef> {
    let o = m.value_offsets();
    let mut idx: Vec<Option<u32>> = Vec::with_capacity(n);
    for r in 0..n {
        if m.is_null(r) || key.is_null(r) {
            idx.push(None);
            continue;
        }
        let (s, e) = (o[r] as usize, o[r + 1] as usize);
        let keys = m.keys().slice(s, e - s);
        let hits = arrow::compute::kernels::cmp::eq(&keys, &Scalar::new(key.slice(r, 1)))?;
        let last = (0..hits.len())
            .rev()
            .find(|&j| hits.is_valid(j) && hits.value(j));
        idx.push(last.map(|j| (s + j) as u32));
    }
    Ok(take(m.values(), &UInt32Array::from(idx), None)?)
}

/// `map(k1, v1, k2, v2, ...)`: one entry per distinct key that is not
/// NULL, where its first occurrence is, with its last value (Hive fills a
/// LinkedHashMap).
fn make_map(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let pairs = args.len() / 2;
    let (kt, vt) = match args.first() {
        Some(k) => (k.data_type().clone(), args[1].data_type().clone()),
        None => (DataType::Utf8, DataType::Utf8),
    };
    if pairs == 0 {
        return build_map(new_empty_array(&kt), new_empty_array(&vt), vec![0; n]);
    }
    let keys: Vec<&dyn Array> = (0..pairs).map(|p| args[2 * p].as_ref()).collect();
    let values: Vec<&dyn Array> = (0..pairs).map(|p| args[2 * p + 1].as_ref()).collect();
    let converter = arrow_row::RowConverter::new(vec![arrow_row::SortField::new(kt.clone())])?;
    let rows: Vec<arrow_row::Rows> = (0..pairs)
        .map(|p| converter.convert_columns(std::slice::from_ref(&args[2 * p])))
        .collect::<std::result::Result<_, _>>()?;
    let (mut key_order, mut value_order) = (Vec::new(), Vec::new());
    let mut lengths = Vec::with_capacity(n);
    for r in 0..n {
        let before = key_order.len();
        for p in 0..pairs {
            if !keys[p].is_valid(r) {
                continue;
            }
            let seen = (before..key_order.len()).find(|&e| {
                let (q, _): (usize, usize) = key_order[e];
                rows[q].row(r) == rows[p].row(r)
            });
            match seen {
                Some(e) => value_order[e] = (p, r),
                None => {
                    key_order.push((p, r));
                    value_order.push((p, r));
                }
            }
        }
        lengths.push(key_order.len() - before);
    }
    let k = interleave(&keys, &key_order)?;
    let v = interleave(&values, &value_order)?;
    build_map(k, v, lengths)
}

fn build_map(keys: ArrayRef, values: ArrayRef, lengths: Vec<usize>) -> Result<ArrayRef> {
    let DataType::Map(entries, _) =
        hive::types::map_type(keys.data_type().clone(), values.data_type().clone())
    else {
        unreachable!("map_type builds a map")
    };
    let DataType::Struct(kv) = entries.data_type().clone() else {
        unreachable!("map entries are a struct")
    };
    let entries_array = StructArray::try_new(kv, vec![keys, values], None)?;
    Ok(Arc::new(MapArray::try_new(
        entries,
        OffsetBuffer::from_lengths(lengths),
        entries_array,
        None,
        false,
    )?))
}

/// `str_to_map(text[, pair_delim[, key_delim]])`: Hive's defaults are `,`
/// and `:`, both regular expressions; trailing empty pairs are dropped (as
/// Java's `split` does) and a repeated key keeps its first place and last
/// value.
fn str_to_map(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let text = str_arg(&args[0]);
    let (pd, kd) = (args.get(1).map(str_arg), args.get(2).map(str_arg));
    let (mut keys, mut values): (Vec<String>, Vec<Option<String>>) = (Vec::new(), Vec::new());
    let mut lengths = Vec::with_capacity(n);
    for r in 0..n {
        let before = keys.len();
        if text.is_valid(r) {
            let pair = regex_cache(pd.filter(|d| d.is_valid(r)).map_or(",", |d| d.value(r)))?;
            let key = regex_cache(kd.filter(|d| d.is_valid(r)).map_or(":", |d| d.value(r)))?;
            let mut entries: Vec<&str> = pair.split(text.value(r)).collect();
            while entries.len() > 1 && entries.last() == Some(&"") {
                entries.pop();
            }
            for entry in entries {
                let mut kv = key.splitn(entry, 2);
                let k = kv.next().unwrap_or("").to_string();
                let v = kv.next().map(str::to_string);
                match keys[before..].iter().position(|x| *x == k) {
                    Some(i) => values[before + i] = v,
                    None => {
                        keys.push(k);
                        values.push(v);
                    }
                }
            }
        }
        lengths.push(keys.len() - before);
    }
    build_map(
        Arc::new(StringArray::from(keys)),
        Arc::new(StringArray::from(values)),
        lengths,
    )
}

fn map_part(args: &[ArrayRef], n: usize, keys: bool) -> Result<ArrayRef> {
    let m = args[0].as_map();
    let part = if keys { m.keys() } else { m.values() };
    let o = m.value_offsets();
    let lengths = (0..n).map(|i| {
        if m.is_null(i) {
            0
        } else {
            (o[i + 1] - o[i]) as usize
        }
    });
    let (s, e) = (o[0] as usize, o[n] as usize);
    Ok(Arc::new(ListArray::try_new(
        Arc::new(Field::new("item", part.data_type().clone(), true)),
        OffsetBuffer::from_lengths(lengths),
        part.slice(s, e - s),
        m.nulls().cloned(),
    )?))
}

/// `struct(a, b, ...)` (fields col1, col2, ...) and `named_struct` (the
/// analyzer gives the names): the values side by side.
fn make_struct(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    if args.is_empty() {
        return Ok(Arc::new(StructArray::new_empty_fields(n, None)));
    }
    let fields: Vec<Field> = args
        .iter()
        .enumerate()
        .map(|(i, a)| Field::new(format!("col{}", i + 1), a.data_type().clone(), true))
        .collect();
    Ok(Arc::new(StructArray::try_new(
        fields.into(),
        args.to_vec(),
        None,
    )?))
}

/// A struct's field by name (`s.x`); the analyzer checked the name.
fn struct_field(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    if n == 0 {
        return Ok(new_empty_array(&DataType::Null));
    }
    let name = str_arg(&args[1]).value(0).to_string();
    let st = args[0].as_struct();
    let col = st
        .column_by_name(&name)
        .cloned()
        .ok_or_else(|| crate::error::SharkError::exec(format!("struct has no field '{name}'")))?;
    // A NULL struct has NULL fields.
    match st.nulls() {
        Some(nulls) if nulls.null_count() > 0 => {
            let keep = BooleanArray::new(nulls.inner().clone(), None);
            Ok(arrow::compute::nullif(&col, &arrow::compute::not(&keep)?)?)
        }
        _ => Ok(col),
    }
}

/// The struct type `struct(a, b, ...)` returns.
fn struct_of(args: &[DataType]) -> DataType {
    DataType::Struct(
        args.iter()
            .enumerate()
            .map(|(i, t)| Field::new(format!("col{}", i + 1), t.clone(), true))
            .collect::<Vec<_>>()
            .into(),
    )
}

pub(super) static FUNCTIONS: &[ScalarFunction] = &[
    ScalarFunction {
        name: "map",
        coerce: |a| {
            if a.len() % 2 != 0 {
                return Err("takes key, value pairs".into());
            }
            let keys: Vec<DataType> = a.iter().step_by(2).cloned().collect();
            let values: Vec<DataType> = a.iter().skip(1).step_by(2).cloned().collect();
            let kt = crate::types::common_of(&keys, "map keys").map_err(|e| e.to_string())?;
            let vt = crate::types::common_of(&values, "map values").map_err(|e| e.to_string())?;
            let kt = if kt == DataType::Null {
                DataType::Utf8
            } else {
                kt
            };
            let vt = if vt == DataType::Null {
                DataType::Utf8
            } else {
                vt
            };
            Ok(a.iter()
                .enumerate()
                .map(|(i, _)| if i % 2 == 0 { kt.clone() } else { vt.clone() })
                .collect())
        },
        return_type: |a| match a {
            [k, v, ..] => hive::types::map_type(k.clone(), v.clone()),
            _ => hive::types::map_type(DataType::Utf8, DataType::Utf8),
        },
        eval: make_map,
        deterministic: true,
    },
    ScalarFunction {
        name: "str_to_map",
        coerce: |a| strings(a, 1, 3),
        return_type: |_| hive::types::map_type(DataType::Utf8, DataType::Utf8),
        eval: str_to_map,
        deterministic: true,
    },
    ScalarFunction {
        name: "map_keys",
        coerce: |a| {
            one_map(a)?;
            Ok(a.to_vec())
        },
        return_type: |a| list_of(map_kv(&a[0]).0),
        eval: |args, n| map_part(args, n, true),
        deterministic: true,
    },
    ScalarFunction {
        name: "map_values",
        coerce: |a| {
            one_map(a)?;
            Ok(a.to_vec())
        },
        return_type: |a| list_of(map_kv(&a[0]).1),
        eval: |args, n| map_part(args, n, false),
        deterministic: true,
    },
    ScalarFunction {
        name: "struct",
        coerce: |a| {
            Ok(a.iter()
                .map(|t| {
                    if *t == DataType::Null {
                        DataType::Utf8
                    } else {
                        t.clone()
                    }
                })
                .collect())
        },
        return_type: struct_of,
        eval: make_struct,
        deterministic: true,
    },
    ScalarFunction {
        name: "named_struct",
        coerce: |a| {
            if a.len() % 2 != 0 {
                return Err("takes name, value pairs".into());
            }
            Ok(a.to_vec())
        },
        return_type: struct_of,
        eval: make_struct,
        deterministic: true,
    },
    ScalarFunction {
        name: "struct_field",
        coerce: |a| {
            arity(a, 2, 2)?;
            if !matches!(a[0], DataType::Struct(_)) {
                return Err(format!("struct_field needs a struct, not {}", a[0]));
            }
            Ok(vec![a[0].clone(), DataType::Utf8])
        },
        return_type: |_| DataType::Null,
        eval: struct_field,
        deterministic: true,
    },
    ScalarFunction {
        name: "index",
        coerce: |a| {
            arity(a, 2, 2)?;
            if let DataType::Map(..) = &a[0] {
                return Ok(vec![a[0].clone(), map_kv(&a[0]).0]);
            }
            one_array(&a[..1])?;
            Ok(vec![a[0].clone(), DataType::Int64])
        },
        return_type: |a| match (&a[0], item_type(&a[0])) {
            (DataType::Map(..), _) => map_kv(&a[0]).1,
            (_, DataType::Null) => DataType::Utf8,
            (_, t) => t,
        },
        eval: index,
        deterministic: true,
    },
    ScalarFunction {
        name: "array",
        coerce: |args| {
            if args.is_empty() {
                return Ok(vec![]);
            }
            let t = crate::types::common_of(args, "array").map_err(|e| e.to_string())?;
            // An array of only NULLs holds strings, as in Hive.
            let t = if t == DataType::Null {
                DataType::Utf8
            } else {
                t
            };
            Ok(vec![t; args.len()])
        },
        return_type: |args| list_of(args.first().cloned().unwrap_or(DataType::Utf8)),
        eval: make_array,
        deterministic: true,
    },
    ScalarFunction {
        name: "split",
        coerce: |a| strings(a, 2, 2),
        return_type: |_| list_of(DataType::Utf8),
        eval: split,
        deterministic: true,
    },
    ScalarFunction {
        name: "sentences",
        coerce: |a| strings(a, 1, 3),
        return_type: |_| list_of(list_of(DataType::Utf8)),
        eval: sentences,
        deterministic: true,
    },
    ScalarFunction {
        name: "size",
        coerce: |a| {
            if one_map(a).is_err() {
                one_array(a)?;
            }
            Ok(a.to_vec())
        },
        return_type: |_| DataType::Int32,
        eval: size,
        deterministic: true,
    },
    ScalarFunction {
        name: "sort_array",
        coerce: |a| {
            one_array(a)?;
            Ok(a.to_vec())
        },
        return_type: |a| a[0].clone(),
        eval: sort_array,
        deterministic: true,
    },
    ScalarFunction {
        name: "array_contains",
        coerce: |a| {
            arity(a, 2, 2)?;
            one_array(&a[..1])?;
            let item = item_type(&a[0]);
            let t = crate::types::comparison_type(&item, &a[1])
                .ok_or_else(|| "value cannot be compared with the array's items".to_string())?;
            Ok(vec![list_of(t.clone()), t])
        },
        return_type: |_| DataType::Boolean,
        eval: array_contains,
        deterministic: true,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(a: &ArrayRef) -> Vec<Option<Vec<Option<String>>>> {
        let l = a.as_list::<i32>();
        (0..l.len())
            .map(|i| {
                (!l.is_null(i)).then(|| {
                    let v = l.value(i);
                    let s = v.as_string::<i32>();
                    (0..s.len())
                        .map(|j| (!s.is_null(j)).then(|| s.value(j).to_string()))
                        .collect()
                })
            })
            .collect()
    }

    #[test]
    fn split_keeps_inner_and_trailing_pieces() {
        let s: ArrayRef = Arc::new(StringArray::from(vec![Some("a,,b,"), Some(""), None]));
        let p: ArrayRef = Arc::new(StringArray::from(vec![","; 3]));
        let got = texts(&split(&[s, p], 3).unwrap());
        let some = |v: &[&str]| Some(v.iter().map(|x| Some(x.to_string())).collect());
        assert_eq!(got, vec![some(&["a", "", "b", ""]), some(&[""]), None]);
        // Characters, as Java's split("", -1) gives them.
        let s: ArrayRef = Arc::new(StringArray::from(vec!["abc"]));
        let p: ArrayRef = Arc::new(StringArray::from(vec![""]));
        assert_eq!(
            texts(&split(&[s, p], 1).unwrap()),
            vec![some(&["a", "b", "c", ""])]
        );
    }

    #[test]
    fn arrays_sort_and_contain() {
        let a: ArrayRef = Arc::new(StringArray::from(vec![Some("b"), None]));
        let b: ArrayRef = Arc::new(StringArray::from(vec![None, Some("a")]));
        let c: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), Some("c")]));
        let arr = make_array(&[a, b, c], 2).unwrap();
        let sorted = texts(&sort_array(std::slice::from_ref(&arr), 2).unwrap());
        assert_eq!(
            sorted,
            vec![
                Some(vec![None, Some("a".into()), Some("b".into())]),
                Some(vec![None, Some("a".into()), Some("c".into())]),
            ]
        );
        let needle: ArrayRef = Arc::new(StringArray::from(vec!["a", "b"]));
        let hits = array_contains(&[arr.clone(), needle], 2).unwrap();
        assert_eq!(
            hits.as_boolean().values().iter().collect::<Vec<_>>(),
            vec![true, false]
        );
        assert_eq!(
            size(&[arr], 2)
                .unwrap()
                .as_primitive::<arrow::datatypes::Int32Type>()
                .values()
                .to_vec(),
            vec![3, 3]
        );
    }

    #[test]
    fn sentences_cut_text_into_words() {
        let a: ArrayRef = Arc::new(StringArray::from(vec![
            Some("Hello there! How are you? I don't know 3.14 things.\nNew line_2"),
            None,
            Some(""),
        ]));
        let out = sentences(&[a], 3).unwrap();
        let l = out.as_list::<i32>();
        let first = l.value(0);
        let got: Vec<Vec<Option<String>>> = texts(&first).into_iter().map(|s| s.unwrap()).collect();
        let want: Vec<Vec<&str>> = vec![
            vec!["Hello", "there"],
            vec!["How", "are", "you"],
            vec!["I", "don't", "know", "3.14", "things"],
            vec!["New", "line_2"],
        ];
        let got: Vec<Vec<String>> = got
            .into_iter()
            .map(|s| s.into_iter().map(Option::unwrap).collect())
            .collect();
        assert_eq!(got, want);
        assert!(l.is_null(1));
        assert_eq!(l.value(2).len(), 0);
    }
}
