//! Array functions: building arrays (`array`, `split`) and reading them
//! (`size`, `sort_array`, `array_contains`), the inputs of LATERAL VIEW.

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
        for piece in re.split(s.value(i)) {
            b.values().append_value(piece);
        }
        b.append(true);
    }
    Ok(Arc::new(b.finish()))
}

fn size(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    if args[0].data_type() == &DataType::Null {
        return Ok(Arc::new(Int32Array::from(vec![-1; n])));
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

pub(super) static FUNCTIONS: &[ScalarFunction] = &[
    ScalarFunction {
        name: "index",
        coerce: |a| {
            arity(a, 2, 2)?;
            one_array(&a[..1])?;
            Ok(vec![a[0].clone(), DataType::Int64])
        },
        return_type: |a| match item_type(&a[0]) {
            DataType::Null => DataType::Utf8,
            t => t,
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
        name: "size",
        coerce: |a| {
            one_array(a)?;
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
}
