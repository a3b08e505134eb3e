//! More of Hive's built-ins: nvl2, encodings (hex, unhex, bin, base64,
//! unbase64, crc32), string lookups (substring_index, find_in_set, elt,
//! field, levenshtein, chr) and integer helpers (factorial, shifts).

use super::digest::{bytes_at, text_or_binary};
use super::{arity, i64_arg, str_arg, strings, ScalarFunction};
use crate::error::Result;
use arrow::array::*;
use arrow::datatypes::DataType;
use base64::Engine;
use std::sync::Arc;

fn strs_to_str(args: &[ArrayRef], n: usize, f: impl Fn(&[&str]) -> Option<String>) -> ArrayRef {
    let cols: Vec<&StringArray> = args.iter().map(str_arg).collect();
    let out: StringArray = (0..n)
        .map(|i| {
            if cols.iter().any(|c| c.is_null(i)) {
                return None;
            }
            let vals: Vec<&str> = cols.iter().map(|c| c.value(i)).collect();
            f(&vals)
        })
        .collect();
    Arc::new(out)
}

fn ints_to_int(args: &[ArrayRef], n: usize, f: impl Fn(&[i64]) -> Option<i64>) -> ArrayRef {
    let cols: Vec<&Int64Array> = args.iter().map(i64_arg).collect();
    let out: Int64Array = (0..n)
        .map(|i| {
            if cols.iter().any(|c| c.is_null(i)) {
                return None;
            }
            let vals: Vec<i64> = cols.iter().map(|c| c.value(i)).collect();
            f(&vals)
        })
        .collect();
    Arc::new(out)
}

/// `hex(n)` of an integer is its two's-complement hex; of text, its bytes.
fn hex(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let out: StringArray = match args[0].data_type() {
        DataType::Int64 => {
            let a = i64_arg(&args[0]);
            (0..n)
                .map(|i| a.is_valid(i).then(|| format!("{:X}", a.value(i))))
                .collect()
        }
        _ => (0..n)
            .map(|i| {
                bytes_at(&args[0], i)
                    .map(|b| b.iter().map(|x| format!("{x:02X}")).collect::<String>())
            })
            .collect(),
    };
    Ok(Arc::new(out))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let padded = if text.len() % 2 == 1 {
        format!("0{text}")
    } else {
        text.to_string()
    };
    (0..padded.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&padded[i..i + 2], 16).ok())
        .collect()
}

fn levenshtein(a: &str, b: &str) -> i64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()] as i64
}

/// `substring_index(s, delim, count)`: before the count-th delimiter
/// (from the right when negative).
fn substring_index(s: &str, delim: &str, count: i64) -> String {
    if delim.is_empty() || count == 0 {
        return String::new();
    }
    if count > 0 {
        match s.match_indices(delim).nth(count as usize - 1) {
            Some((i, _)) => s[..i].to_string(),
            None => s.to_string(),
        }
    } else {
        match s
            .rmatch_indices(delim)
            .nth(count.unsigned_abs() as usize - 1)
        {
            Some((i, _)) => s[i + delim.len()..].to_string(),
            None => s.to_string(),
        }
    }
}

/// `format_number(x, d)`: `d` decimals (half-even), thousands grouped.
fn format_number(x: f64, d: i64) -> Option<String> {
    if !(0..=50).contains(&d) || !x.is_finite() {
        return None;
    }
    let text = format!("{:.*}", d as usize, x.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let grouped = group(&int);
    let negative = x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    Some(format!(
        "{}{grouped}{}",
        if negative { "-" } else { "" },
        frac.map(|f| format!(".{f}")).unwrap_or_default()
    ))
}

/// The widest field (and most decimals) printf pads to.
const MAX_PRINTF_WIDTH: usize = 1 << 16;

/// `printf(format, args...)`: Java's `String.format` for the common
/// conversions: `%s %d %f %e %x %X %o %c %b %%`, with flags `-0+ ,`, a
/// width and a precision.
fn printf(format: &str, args: &[Option<String>]) -> std::result::Result<String, String> {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    let mut next = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        let conv = loop {
            match chars.next() {
                Some(ch) if "-0+ ,#.0123456789".contains(ch) => spec.push(ch),
                Some(ch) => break ch,
                None => return Err("format ends inside a conversion".into()),
            }
        };
        if conv == '%' {
            out.push('%');
            continue;
        }
        if conv == 'n' {
            out.push('\n');
            continue;
        }
        let arg = args.get(next).cloned().flatten();
        next += 1;
        let left = spec.contains('-');
        let zero = spec.contains('0')
            && !left
            && spec
                .trim_start_matches(['-', '+', ' ', ',', '#'])
                .starts_with('0');
        let plus = spec.contains('+');
        let (width, precision) = {
            let digits: String = spec
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let digits = digits.trim_start_matches('0');
            match digits.split_once('.') {
                Some((w, p)) => (w.parse::<usize>().ok(), p.parse::<usize>().ok()),
                None => (digits.parse::<usize>().ok(), None),
            }
        };
        if width.unwrap_or(0) > MAX_PRINTF_WIDTH || precision.unwrap_or(0) > MAX_PRINTF_WIDTH {
            return Err(format!(
                "width and precision may be at most {MAX_PRINTF_WIDTH}"
            ));
        }
        let body = match (conv, &arg) {
            (_, None) => "null".to_string(),
            ('s' | 'S', Some(v)) => {
                let v = match precision {
                    Some(p) => v.chars().take(p).collect(),
                    None => v.clone(),
                };
                if conv == 'S' {
                    v.to_uppercase()
                } else {
                    v
                }
            }
            ('d', Some(v)) => {
                let n: i64 = v
                    .parse()
                    .map_err(|_| format!("%d needs an integer, got {v}"))?;
                let s = n.abs().to_string();
                let s = if spec.contains(',') { group(&s) } else { s };
                format!(
                    "{}{s}",
                    if n < 0 {
                        "-"
                    } else if plus {
                        "+"
                    } else {
                        ""
                    }
                )
            }
            ('f' | 'e' | 'E', Some(v)) => {
                let x: f64 = v
                    .parse()
                    .map_err(|_| format!("%{conv} needs a number, got {v}"))?;
                let p = precision.unwrap_or(6);
                let s = match conv {
                    'f' => format!("{:.*}", p, x.abs()),
                    _ => {
                        let e = format!("{:.*e}", p, x.abs());
                        let (m, exp) = e.split_once('e').unwrap_or((&e, "0"));
                        let exp: i32 = exp.parse().unwrap_or(0);
                        let t = format!("{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
                        if conv == 'E' {
                            t.to_uppercase()
                        } else {
                            t
                        }
                    }
                };
                let s = if spec.contains(',') && conv == 'f' {
                    match s.split_once('.') {
                        Some((i, f)) => format!("{}.{f}", group(i)),
                        None => group(&s),
                    }
                } else {
                    s
                };
                format!(
                    "{}{s}",
                    if x < 0.0 {
                        "-"
                    } else if plus {
                        "+"
                    } else {
                        ""
                    }
                )
            }
            ('x' | 'X' | 'o', Some(v)) => {
                let n: i64 = v
                    .parse()
                    .map_err(|_| format!("%{conv} needs an integer, got {v}"))?;
                match conv {
                    'x' => format!("{n:x}"),
                    'X' => format!("{n:X}"),
                    _ => format!("{n:o}"),
                }
            }
            ('c', Some(v)) => match v.parse::<u32>() {
                // A number is a code point, as Java's %c takes it.
                Ok(code) => char::from_u32(code).map(String::from).unwrap_or_default(),
                Err(_) => v.chars().next().map(String::from).unwrap_or_default(),
            },
            ('b' | 'B', Some(v)) => (!v.is_empty() && v != "false").to_string(),
            (other, _) => return Err(format!("unknown conversion %{other}")),
        };
        let pad = width.unwrap_or(0).saturating_sub(body.chars().count());
        if left {
            out.push_str(&body);
            out.push_str(&" ".repeat(pad));
        } else if zero && matches!(conv, 'd' | 'f' | 'e' | 'E' | 'x' | 'X' | 'o') {
            let (sign, digits) = match body.strip_prefix(['-', '+']) {
                Some(d) => (&body[..1], d),
                None => ("", body.as_str()),
            };
            out.push_str(sign);
            out.push_str(&"0".repeat(pad));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(pad));
            out.push_str(&body);
        }
    }
    Ok(out)
}

fn group(digits: &str) -> String {
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// shiftleft/shiftright keep INT as INT (shift masked by 31) and take
/// BIGINT otherwise (masked by 63), as Hive's overloads do.
fn shift_args(a: &[DataType]) -> std::result::Result<Vec<DataType>, String> {
    arity(a, 2, 2)?;
    let value = match &a[0] {
        DataType::Int8 | DataType::Int16 | DataType::Int32 => DataType::Int32,
        _ => DataType::Int64,
    };
    Ok(vec![value, DataType::Int64])
}

fn shift(args: &[ArrayRef], n: usize, left: bool) -> Result<ArrayRef> {
    let by = i64_arg(&args[1]);
    if args[0].data_type() == &DataType::Int32 {
        let v = args[0].as_primitive::<arrow::datatypes::Int32Type>();
        let out: Int32Array = (0..n)
            .map(|i| {
                (v.is_valid(i) && by.is_valid(i)).then(|| {
                    let k = (by.value(i) & 31) as u32;
                    if left {
                        v.value(i).wrapping_shl(k)
                    } else {
                        v.value(i).wrapping_shr(k)
                    }
                })
            })
            .collect();
        return Ok(Arc::new(out));
    }
    Ok(ints_to_int(args, n, |v| {
        let k = (v[1] & 63) as u32;
        Some(if left {
            v[0].wrapping_shl(k)
        } else {
            v[0].wrapping_shr(k)
        })
    }))
}

/// Steps (characters of one string times those of the other) one
/// `levenshtein` pair may take: about a second.
const MAX_LEVENSHTEIN_CELLS: u64 = 100_000_000;

pub(super) static FUNCTIONS: &[ScalarFunction] = &[
    // Hive calls Java methods by reflection; there is no Java here.
    ScalarFunction {
        name: "java_method",
        coerce: |_| {
            Err("java_method and reflect call Java methods by reflection; Shark runs no Java code, so they are not supported".into())
        },
        return_type: |_| DataType::Utf8,
        eval: |args, _| {
            Ok(new_null_array(
                &DataType::Utf8,
                args.first().map_or(0, |a| a.len()),
            ))
        },
        deterministic: false,
    },
    ScalarFunction {
        name: "format_number",
        coerce: |a| {
            arity(a, 2, 2)?;
            Ok(vec![DataType::Float64, DataType::Int64])
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let (x, d) = (super::f64_arg(&args[0]), i64_arg(&args[1]));
            let out: StringArray = (0..n)
                .map(|i| {
                    (x.is_valid(i) && d.is_valid(i))
                        .then(|| format_number(x.value(i), d.value(i)))
                        .flatten()
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "printf",
        coerce: |a| {
            arity(a, 1, usize::MAX)?;
            Ok(vec![DataType::Utf8; a.len()])
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let cols: Vec<&StringArray> = args.iter().map(str_arg).collect();
            let mut out = StringBuilder::new();
            for i in 0..n {
                if cols[0].is_null(i) {
                    out.append_null();
                    continue;
                }
                let vals: Vec<Option<String>> = cols[1..]
                    .iter()
                    .map(|c| c.is_valid(i).then(|| c.value(i).to_string()))
                    .collect();
                let text = printf(cols[0].value(i), &vals)
                    .map_err(|e| crate::error::SharkError::exec(format!("printf: {e}")))?;
                out.append_value(text);
            }
            Ok(Arc::new(out.finish()))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "nvl2",
        coerce: |a| {
            arity(a, 3, 3)?;
            let t = crate::types::common_of(&a[1..], "nvl2").map_err(|e| e.to_string())?;
            Ok(vec![a[0].clone(), t.clone(), t])
        },
        return_type: |a| a[1].clone(),
        eval: |args, _| {
            let present = arrow::compute::is_not_null(&args[0])?;
            Ok(arrow::compute::kernels::zip::zip(
                &present, &args[1], &args[2],
            )?)
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "hex",
        coerce: |a| {
            arity(a, 1, 1)?;
            Ok(vec![if crate::types::is_integer(&a[0]) {
                DataType::Int64
            } else if a[0] == DataType::Binary {
                DataType::Binary
            } else {
                DataType::Utf8
            }])
        },
        return_type: |_| DataType::Utf8,
        eval: hex,
        deterministic: true,
    },
    ScalarFunction {
        name: "unhex",
        coerce: |a| strings(a, 1, 1),
        return_type: |_| DataType::Binary,
        eval: |args, n| {
            let s = str_arg(&args[0]);
            let out: BinaryArray = (0..n)
                .map(|i| s.is_valid(i).then(|| unhex(s.value(i))).flatten())
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "bin",
        coerce: |a| {
            arity(a, 1, 1)?;
            Ok(vec![DataType::Int64])
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let a = i64_arg(&args[0]);
            let out: StringArray = (0..n)
                .map(|i| a.is_valid(i).then(|| format!("{:b}", a.value(i))))
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "base64",
        coerce: |a| text_or_binary(a, 1),
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let out: StringArray = (0..n)
                .map(|i| {
                    bytes_at(&args[0], i)
                        .map(|b| base64::engine::general_purpose::STANDARD.encode(b))
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "unbase64",
        coerce: |a| strings(a, 1, 1),
        return_type: |_| DataType::Binary,
        eval: |args, n| {
            let s = str_arg(&args[0]);
            let out: BinaryArray = (0..n)
                .map(|i| {
                    s.is_valid(i)
                        .then(|| {
                            base64::engine::general_purpose::STANDARD
                                .decode(s.value(i))
                                .ok()
                        })
                        .flatten()
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "crc32",
        coerce: |a| text_or_binary(a, 1),
        return_type: |_| DataType::Int64,
        eval: |args, n| {
            let out: Int64Array = (0..n)
                .map(|i| bytes_at(&args[0], i).map(|b| crc32fast::hash(b) as i64))
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "substring_index",
        coerce: |a| {
            arity(a, 3, 3)?;
            Ok(vec![DataType::Utf8, DataType::Utf8, DataType::Int64])
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let (s, d, c) = (str_arg(&args[0]), str_arg(&args[1]), i64_arg(&args[2]));
            let out: StringArray = (0..n)
                .map(|i| {
                    (s.is_valid(i) && d.is_valid(i) && c.is_valid(i))
                        .then(|| substring_index(s.value(i), d.value(i), c.value(i)))
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "find_in_set",
        coerce: |a| strings(a, 2, 2),
        return_type: |_| DataType::Int32,
        eval: |args, n| {
            let (s, set) = (str_arg(&args[0]), str_arg(&args[1]));
            let out: Int32Array = (0..n)
                .map(|i| {
                    if s.is_null(i) || set.is_null(i) {
                        return None;
                    }
                    // A string holding a comma is never found (Hive).
                    if s.value(i).contains(',') {
                        return Some(0);
                    }
                    Some(
                        set.value(i)
                            .split(',')
                            .position(|x| x == s.value(i))
                            .map_or(0, |p| p as i32 + 1),
                    )
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "levenshtein",
        coerce: |a| strings(a, 2, 2),
        return_type: |_| DataType::Int32,
        eval: |args, n| {
            // The distance takes len(a) x len(b) steps: bounded, so two long
            // strings fail the query at once instead of running for hours.
            let (a, b) = (str_arg(&args[0]), str_arg(&args[1]));
            for i in 0..n {
                if a.is_valid(i) && b.is_valid(i) {
                    let cells =
                        a.value(i).chars().count() as u64 * b.value(i).chars().count() as u64;
                    if cells > MAX_LEVENSHTEIN_CELLS {
                        return Err(crate::error::SharkError::exec(format!(
                            "levenshtein: strings of {} and {} characters need {cells} steps, more than the {MAX_LEVENSHTEIN_CELLS} allowed for one pair",
                            a.value(i).chars().count(),
                            b.value(i).chars().count()
                        )));
                    }
                }
            }
            let r = strs_to_str(args, n, |v| Some(levenshtein(v[0], v[1]).to_string()));
            Ok(arrow::compute::cast(&r, &DataType::Int32)?)
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "elt",
        coerce: |a| {
            arity(a, 2, usize::MAX)?;
            let mut t = vec![DataType::Int64];
            t.extend(std::iter::repeat_n(DataType::Utf8, a.len() - 1));
            Ok(t)
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let k = i64_arg(&args[0]);
            let strs: Vec<&StringArray> = args[1..].iter().map(str_arg).collect();
            let out: StringArray = (0..n)
                .map(|i| {
                    let k = k.is_valid(i).then(|| k.value(i))?;
                    let s = strs.get(usize::try_from(k).ok()?.checked_sub(1)?)?;
                    s.is_valid(i).then(|| s.value(i).to_string())
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "field",
        coerce: |a| strings(a, 2, usize::MAX),
        return_type: |_| DataType::Int32,
        eval: |args, n| {
            let strs: Vec<&StringArray> = args.iter().map(str_arg).collect();
            let out: Int32Array = (0..n)
                .map(|i| {
                    if strs[0].is_null(i) {
                        return Some(0);
                    }
                    let v = strs[0].value(i);
                    Some(
                        strs[1..]
                            .iter()
                            .position(|s| s.is_valid(i) && s.value(i) == v)
                            .map_or(0, |p| p as i32 + 1),
                    )
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "chr",
        coerce: |a| {
            arity(a, 1, 1)?;
            Ok(vec![DataType::Int64])
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let a = i64_arg(&args[0]);
            let out: StringArray = (0..n)
                .map(|i| {
                    let c = a.is_valid(i).then(|| a.value(i))?;
                    Some(if c < 0 {
                        String::new()
                    } else {
                        char::from_u32((c % 256) as u32)
                            .map(String::from)
                            .unwrap_or_default()
                    })
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "factorial",
        coerce: |a| {
            arity(a, 1, 1)?;
            Ok(vec![DataType::Int64])
        },
        return_type: |_| DataType::Int64,
        eval: |args, n| {
            Ok(ints_to_int(args, n, |v| {
                (0..=20)
                    .contains(&v[0])
                    .then(|| (1..=v[0]).product::<i64>())
            }))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "shiftleft",
        coerce: shift_args,
        return_type: |a| a[0].clone(),
        eval: |args, n| shift(args, n, true),
        deterministic: true,
    },
    ScalarFunction {
        name: "shiftright",
        coerce: shift_args,
        return_type: |a| a[0].clone(),
        eval: |args, n| shift(args, n, false),
        deterministic: true,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_helpers() {
        assert_eq!(substring_index("www.apache.org", ".", 2), "www.apache");
        assert_eq!(substring_index("www.apache.org", ".", -2), "apache.org");
        assert_eq!(substring_index("a", ".", 3), "a");
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(unhex("4D7953"), Some(b"MyS".to_vec()));
        assert_eq!(unhex("F"), Some(vec![15]));
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex("aéb"), None);
        assert_eq!(unhex("+F"), None);
        assert_eq!(substring_index("a.b", ".", i64::MIN), "a.b");
        assert!(printf("%99999999999999d", &[Some("1".into())]).is_err());
        assert_eq!(
            printf("%c%c", &[Some("65".into()), Some("b".into())]).unwrap(),
            "Ab"
        );
        assert_eq!(format_number(1234567.891, 2).unwrap(), "1,234,567.89");
        assert_eq!(format_number(-1234.5, 0).unwrap(), "-1,234");
        assert_eq!(format_number(0.5, 3).unwrap(), "0.500");
        let s = |v: &[&str]| v.iter().map(|x| Some(x.to_string())).collect::<Vec<_>>();
        assert_eq!(printf("%s=%d", &s(&["a", "5"])).unwrap(), "a=5");
        assert_eq!(
            printf(
                "[%5s|%-5s|%05d|%.2f|%x]",
                &s(&["ab", "cd", "-42", "3.14159", "255"])
            )
            .unwrap(),
            "[   ab|cd   |-0042|3.14|ff]"
        );
        assert_eq!(printf("%,d %%", &s(&["1234567"])).unwrap(), "1,234,567 %");
    }
}
