//! String functions with Hive's semantics (1-based positions, `substr`
//! counting from the end for negative starts, NULL in → NULL out).

use super::{arity, check_value_size, i64_arg, regex_cache, str_arg, strings, ScalarFunction};
use crate::error::Result;
use arrow::array::*;
use arrow::datatypes::DataType;
use std::sync::Arc;

fn map_str(a: &ArrayRef, f: impl Fn(&str) -> String) -> ArrayRef {
    let out: StringArray = str_arg(a).iter().map(|v| v.map(&f)).collect();
    Arc::new(out)
}

fn map_str_i32(a: &ArrayRef, f: impl Fn(&str) -> i32) -> ArrayRef {
    let out: Int32Array = str_arg(a).iter().map(|v| v.map(&f)).collect();
    Arc::new(out)
}

fn str_int(
    args: &[DataType],
    min: usize,
    max: usize,
) -> std::result::Result<Vec<DataType>, String> {
    arity(args, min, max)?;
    Ok(args
        .iter()
        .enumerate()
        .map(|(i, _)| {
            if i == 0 {
                DataType::Utf8
            } else {
                DataType::Int64
            }
        })
        .collect())
}

/// Hive's substr: 1-based; 0 acts as 1; negative counts from the end.
fn substr(s: &str, pos: i64, len: Option<i64>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len() as i64;
    let start = if pos > 0 {
        pos - 1
    } else if pos < 0 {
        n + pos
    } else {
        0
    };
    if start < 0 || start >= n {
        return String::new();
    }
    let end = match len {
        Some(l) if l <= 0 => return String::new(),
        Some(l) => start.saturating_add(l).min(n),
        None => n,
    };
    chars[start as usize..end as usize].iter().collect()
}

fn pad(s: &str, len: i64, fill: &str, left: bool) -> Option<String> {
    if len < 0 {
        return None;
    }
    let len = len as usize;
    let chars: Vec<char> = s.chars().collect();
    if chars.len() >= len {
        return Some(chars[..len].iter().collect());
    }
    if fill.is_empty() {
        return None;
    }
    let padding: String = fill.chars().cycle().take(len - chars.len()).collect();
    Some(if left {
        padding + s
    } else {
        s.to_string() + &padding
    })
}

fn initcap(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c.is_whitespace();
    }
    out
}

pub(super) static FUNCTIONS: &[ScalarFunction] = &[
    ScalarFunction {
        name: "concat",
        coerce: |a| strings(a, 1, usize::MAX),
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let cols: Vec<&StringArray> = args.iter().map(str_arg).collect();
            let mut b = StringBuilder::with_capacity(n, n * 8);
            'rows: for i in 0..n {
                let mut s = String::new();
                for c in &cols {
                    if c.is_null(i) {
                        b.append_null();
                        continue 'rows;
                    }
                    s.push_str(c.value(i));
                }
                b.append_value(s);
            }
            Ok(Arc::new(b.finish()))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "concat_ws",
        // Strings, or arrays whose elements are joined in place (Hive's
        // concat_ws(sep, array<string>, ...)).
        coerce: |a| {
            super::arity(a, 2, usize::MAX)?;
            let list = DataType::List(Arc::new(arrow::datatypes::Field::new_list_field(
                DataType::Utf8,
                true,
            )));
            Ok(a.iter()
                .enumerate()
                .map(|(i, t)| match t {
                    DataType::List(_) if i > 0 => list.clone(),
                    _ => DataType::Utf8,
                })
                .collect())
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let sep = str_arg(&args[0]);
            let out: StringArray = (0..n)
                .map(|i| {
                    if sep.is_null(i) {
                        return None;
                    }
                    let mut parts: Vec<String> = Vec::new();
                    for a in &args[1..] {
                        if a.is_null(i) {
                            continue;
                        }
                        match a.data_type() {
                            DataType::List(_) => {
                                let items = a.as_list::<i32>().value(i);
                                let items = items.as_string::<i32>();
                                parts.extend(items.iter().flatten().map(str::to_string));
                            }
                            _ => parts.push(str_arg(a).value(i).to_string()),
                        }
                    }
                    Some(parts.join(sep.value(i)))
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "length",
        // A BINARY's length is its bytes; anything else is read as a string.
        coerce: |a| match a {
            [DataType::Binary] => Ok(vec![DataType::Binary]),
            _ => strings(a, 1, 1),
        },
        return_type: |_| DataType::Int32,
        eval: |args, _| match args[0].data_type() {
            DataType::Binary => {
                let b = args[0].as_binary::<i32>();
                let out: Int32Array = b.iter().map(|v| v.map(|v| v.len() as i32)).collect();
                Ok(Arc::new(out))
            }
            _ => Ok(map_str_i32(&args[0], |s| s.chars().count() as i32)),
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "lower",
        coerce: |a| strings(a, 1, 1),
        return_type: |_| DataType::Utf8,
        eval: |args, _| Ok(map_str(&args[0], |s| s.to_lowercase())),
        deterministic: true,
    },
    ScalarFunction {
        name: "upper",
        coerce: |a| strings(a, 1, 1),
        return_type: |_| DataType::Utf8,
        eval: |args, _| Ok(map_str(&args[0], |s| s.to_uppercase())),
        deterministic: true,
    },
    ScalarFunction {
        name: "trim",
        coerce: |a| strings(a, 1, 1),
        return_type: |_| DataType::Utf8,
        eval: |args, _| Ok(map_str(&args[0], |s| s.trim_matches(' ').to_string())),
        deterministic: true,
    },
    ScalarFunction {
        name: "ltrim",
        coerce: |a| strings(a, 1, 1),
        return_type: |_| DataType::Utf8,
        eval: |args, _| Ok(map_str(&args[0], |s| s.trim_start_matches(' ').to_string())),
        deterministic: true,
    },
    ScalarFunction {
        name: "rtrim",
        coerce: |a| strings(a, 1, 1),
        return_type: |_| DataType::Utf8,
        eval: |args, _| Ok(map_str(&args[0], |s| s.trim_end_matches(' ').to_string())),
        deterministic: true,
    },
    ScalarFunction {
        name: "reverse",
        coerce: |a| strings(a, 1, 1),
        return_type: |_| DataType::Utf8,
        eval: |args, _| Ok(map_str(&args[0], |s| s.chars().rev().collect())),
        deterministic: true,
    },
    ScalarFunction {
        name: "initcap",
        coerce: |a| strings(a, 1, 1),
        return_type: |_| DataType::Utf8,
        eval: |args, _| Ok(map_str(&args[0], initcap)),
        deterministic: true,
    },
    ScalarFunction {
        name: "ascii",
        coerce: |a| strings(a, 1, 1),
        return_type: |_| DataType::Int32,
        eval: |args, _| {
            Ok(map_str_i32(&args[0], |s| {
                s.bytes().next().map(|b| b as i8 as i32).unwrap_or(0)
            }))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "substr",
        coerce: |a| str_int(a, 2, 3),
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let s = str_arg(&args[0]);
            let pos = i64_arg(&args[1]);
            let len = args.get(2).map(i64_arg);
            let out: StringArray = (0..n)
                .map(|i| {
                    if s.is_null(i) || pos.is_null(i) || len.is_some_and(|l| l.is_null(i)) {
                        return None;
                    }
                    Some(substr(s.value(i), pos.value(i), len.map(|l| l.value(i))))
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "instr",
        coerce: |a| strings(a, 2, 2),
        return_type: |_| DataType::Int32,
        eval: |args, n| {
            let (s, sub) = (str_arg(&args[0]), str_arg(&args[1]));
            let out: Int32Array = (0..n)
                .map(|i| {
                    (s.is_valid(i) && sub.is_valid(i)).then(|| {
                        s.value(i)
                            .find(sub.value(i))
                            .map(|b| s.value(i)[..b].chars().count() as i32 + 1)
                            .unwrap_or(0)
                    })
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "locate",
        coerce: |a| {
            arity(a, 2, 3)?;
            let mut t = vec![DataType::Utf8, DataType::Utf8];
            if a.len() == 3 {
                t.push(DataType::Int64);
            }
            Ok(t)
        },
        return_type: |_| DataType::Int32,
        eval: |args, n| {
            let (sub, s) = (str_arg(&args[0]), str_arg(&args[1]));
            let from = args.get(2).map(i64_arg);
            let out: Int32Array = (0..n)
                .map(|i| {
                    if sub.is_null(i) || s.is_null(i) || from.is_some_and(|f| f.is_null(i)) {
                        return None;
                    }
                    let start = from.map(|f| f.value(i)).unwrap_or(1);
                    if start < 1 {
                        return Some(0);
                    }
                    let chars: Vec<char> = s.value(i).chars().collect();
                    let skip = (start - 1) as usize;
                    if skip > chars.len() {
                        return Some(0);
                    }
                    let rest: String = chars[skip..].iter().collect();
                    Some(
                        rest.find(sub.value(i))
                            .map(|b| (rest[..b].chars().count() + skip) as i32 + 1)
                            .unwrap_or(0),
                    )
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "lpad",
        coerce: |a| {
            arity(a, 3, 3)?;
            Ok(vec![DataType::Utf8, DataType::Int64, DataType::Utf8])
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| pad_eval(args, n, true),
        deterministic: true,
    },
    ScalarFunction {
        name: "rpad",
        coerce: |a| {
            arity(a, 3, 3)?;
            Ok(vec![DataType::Utf8, DataType::Int64, DataType::Utf8])
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| pad_eval(args, n, false),
        deterministic: true,
    },
    ScalarFunction {
        name: "repeat",
        coerce: |a| str_int(a, 2, 2),
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let (s, k) = (str_arg(&args[0]), i64_arg(&args[1]));
            let out: StringArray = (0..n)
                .map(|i| {
                    if !(s.is_valid(i) && k.is_valid(i)) {
                        return Ok(None);
                    }
                    let times = k.value(i).max(0) as u64;
                    check_value_size("repeat", (s.value(i).len() as u64).saturating_mul(times))?;
                    Ok(Some(s.value(i).repeat(times as usize)))
                })
                .collect::<Result<_>>()?;
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "space",
        coerce: |a| {
            arity(a, 1, 1)?;
            Ok(vec![DataType::Int64])
        },
        return_type: |_| DataType::Utf8,
        eval: |args, _| {
            let k = i64_arg(&args[0]);
            let out: StringArray = k
                .iter()
                .map(|v| match v {
                    None => Ok(None),
                    Some(v) => {
                        let v = v.max(0) as u64;
                        check_value_size("space", v)?;
                        Ok(Some(" ".repeat(v as usize)))
                    }
                })
                .collect::<Result<_>>()?;
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "replace",
        coerce: |a| strings(a, 3, 3),
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let (s, from, to) = (str_arg(&args[0]), str_arg(&args[1]), str_arg(&args[2]));
            let out: StringArray = (0..n)
                .map(|i| {
                    (s.is_valid(i) && from.is_valid(i) && to.is_valid(i)).then(|| {
                        if from.value(i).is_empty() {
                            s.value(i).to_string()
                        } else {
                            s.value(i).replace(from.value(i), to.value(i))
                        }
                    })
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "translate",
        coerce: |a| strings(a, 3, 3),
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let (s, from, to) = (str_arg(&args[0]), str_arg(&args[1]), str_arg(&args[2]));
            let out: StringArray = (0..n)
                .map(|i| {
                    if s.is_null(i) || from.is_null(i) || to.is_null(i) {
                        return None;
                    }
                    let from: Vec<char> = from.value(i).chars().collect();
                    let to: Vec<char> = to.value(i).chars().collect();
                    Some(
                        s.value(i)
                            .chars()
                            .filter_map(|c| match from.iter().position(|f| *f == c) {
                                Some(p) => to.get(p).copied(),
                                None => Some(c),
                            })
                            .collect::<String>(),
                    )
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "regexp_replace",
        coerce: |a| strings(a, 3, 3),
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let (s, p, r) = (str_arg(&args[0]), str_arg(&args[1]), str_arg(&args[2]));
            let mut b = StringBuilder::with_capacity(n, n * 8);
            for i in 0..n {
                if s.is_null(i) || p.is_null(i) || r.is_null(i) {
                    b.append_null();
                    continue;
                }
                let re = regex_cache(p.value(i))?;
                b.append_value(re.replace_all(s.value(i), r.value(i)));
            }
            Ok(Arc::new(b.finish()))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "regexp_extract",
        coerce: |a| {
            arity(a, 2, 3)?;
            let mut t = vec![DataType::Utf8, DataType::Utf8];
            if a.len() == 3 {
                t.push(DataType::Int64);
            }
            Ok(t)
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let (s, p) = (str_arg(&args[0]), str_arg(&args[1]));
            let idx = args.get(2).map(i64_arg);
            let mut b = StringBuilder::with_capacity(n, n * 8);
            for i in 0..n {
                if s.is_null(i) || p.is_null(i) || idx.is_some_and(|x| x.is_null(i)) {
                    b.append_null();
                    continue;
                }
                let re = regex_cache(p.value(i))?;
                let group = idx.map(|x| x.value(i)).unwrap_or(1);
                if group < 0 || group as usize > re.captures_len() - 1 {
                    return Err(crate::error::SharkError::exec(format!(
                        "regexp_extract: group {group} does not exist in '{}'",
                        p.value(i)
                    )));
                }
                let found = re
                    .captures(s.value(i))
                    .and_then(|c| c.get(group as usize).map(|m| m.as_str().to_string()))
                    .unwrap_or_default();
                b.append_value(found);
            }
            Ok(Arc::new(b.finish()))
        },
        deterministic: true,
    },
];

fn pad_eval(args: &[ArrayRef], n: usize, left: bool) -> Result<ArrayRef> {
    let (s, len, fill) = (str_arg(&args[0]), i64_arg(&args[1]), str_arg(&args[2]));
    let out: StringArray = (0..n)
        .map(|i| {
            if s.is_null(i) || len.is_null(i) || fill.is_null(i) {
                return Ok(None);
            }
            let (text, fill_text) = (s.value(i), fill.value(i));
            let missing = (len.value(i).max(0) as u64).saturating_sub(text.chars().count() as u64);
            let per_char = fill_text.len().div_ceil(fill_text.chars().count().max(1)) as u64;
            let bytes = (text.len() as u64).saturating_add(missing.saturating_mul(per_char));
            check_value_size(if left { "lpad" } else { "rpad" }, bytes)?;
            Ok(pad(text, len.value(i), fill_text, left))
        })
        .collect::<Result<_>>()?;
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hive_substr_and_pad() {
        assert_eq!(substr("facebook", 5, None), "book");
        assert_eq!(substr("facebook", 5, Some(1)), "b");
        assert_eq!(substr("facebook", -4, Some(2)), "bo");
        assert_eq!(substr("facebook", 0, Some(4)), "face");
        assert_eq!(substr("facebook", 20, None), "");
        assert_eq!(pad("hi", 5, "??", true).unwrap(), "???hi");
        assert_eq!(pad("hello", 3, "x", false).unwrap(), "hel");
        assert_eq!(initcap("hello wORLD"), "Hello World");
    }
}
