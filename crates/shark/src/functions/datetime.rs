//! Date and time functions. TIMESTAMP is zone-less local time and the
//! session runs in UTC, as Hive in the tests; formats are Java
//! SimpleDateFormat patterns (`yyyy-MM-dd HH:mm:ss`).

use super::{arity, i64_arg, str_arg, ScalarFunction};
use crate::error::Result;
use arrow::array::*;
use arrow::datatypes::{DataType, Date32Type, TimestampMicrosecondType};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use std::sync::Arc;

const DAY_MICROS: i64 = 86_400_000_000;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

/// Parses Hive's date and timestamp text forms.
pub(crate) fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim_end();
    for f in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
            return Some(dt);
        }
        if f == "%Y-%m-%d" {
            if let Ok(d) = NaiveDate::parse_from_str(s, f) {
                return d.and_hms_opt(0, 0, 0);
            }
            // Hive's to_date('2024-01-31 extra') reads the leading date.
            if s.len() > 10 && s.is_char_boundary(10) {
                if let Ok(d) = NaiveDate::parse_from_str(&s[..10], f) {
                    return d.and_hms_opt(0, 0, 0);
                }
            }
        }
    }
    None
}

fn micros_to_dt(m: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp(
        m.div_euclid(1_000_000),
        (m.rem_euclid(1_000_000) * 1000) as u32,
    )
    .map(|d| d.naive_utc())
}

fn days_to_date(d: i32) -> Option<NaiveDate> {
    epoch().checked_add_signed(chrono::Duration::days(d as i64))
}

fn date_to_days(d: NaiveDate) -> i32 {
    (d - epoch()).num_days() as i32
}

/// Any date, timestamp or string column as date-times.
fn datetimes(a: &ArrayRef) -> Vec<Option<NaiveDateTime>> {
    match a.data_type() {
        DataType::Timestamp(_, _) => {
            let a = arrow::compute::cast(a, &crate::types::TIMESTAMP).expect("timestamp cast");
            a.as_primitive::<TimestampMicrosecondType>()
                .iter()
                .map(|v| v.and_then(micros_to_dt))
                .collect()
        }
        DataType::Date32 => a
            .as_primitive::<Date32Type>()
            .iter()
            .map(|v| {
                v.and_then(days_to_date)
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            })
            .collect(),
        DataType::Utf8 => str_arg(a)
            .iter()
            .map(|v| v.and_then(parse_datetime))
            .collect(),
        _ => vec![None; a.len()],
    }
}

fn dates(a: &ArrayRef) -> Vec<Option<NaiveDate>> {
    datetimes(a)
        .into_iter()
        .map(|v| v.map(|d| d.date()))
        .collect()
}

fn temporal_args(
    a: &[DataType],
    min: usize,
    max: usize,
    rest: DataType,
) -> std::result::Result<Vec<DataType>, String> {
    arity(a, min, max)?;
    Ok(a.iter()
        .enumerate()
        .map(|(i, t)| {
            if i == 0 {
                match t {
                    DataType::Date32 | DataType::Timestamp(_, _) | DataType::Utf8 => t.clone(),
                    _ => DataType::Utf8,
                }
            } else {
                rest.clone()
            }
        })
        .collect())
}

fn date_array(v: impl Iterator<Item = Option<NaiveDate>>) -> ArrayRef {
    let out: Date32Array = v.map(|d| d.map(date_to_days)).collect();
    Arc::new(out)
}

/// The time of day of each value, for `hour`, `minute`, `second`: a string
/// must hold a time (`2009-08-07 13:14:15` or `13:14:15`); a date alone has
/// none (NULL), as in Hive.
fn clock_field(args: &[ArrayRef], f: impl Fn(&chrono::NaiveTime) -> i32) -> Result<ArrayRef> {
    let times: Vec<Option<chrono::NaiveTime>> = match args[0].data_type() {
        DataType::Utf8 => str_arg(&args[0])
            .iter()
            .map(|v| {
                let v = v?.trim();
                if !v.contains(':') {
                    return None;
                }
                parse_datetime(v)
                    .map(|d| d.time())
                    .or_else(|| chrono::NaiveTime::parse_from_str(v, "%H:%M:%S%.f").ok())
            })
            .collect(),
        _ => datetimes(&args[0])
            .into_iter()
            .map(|v| v.map(|d| d.time()))
            .collect(),
    };
    let out: Int32Array = times.into_iter().map(|t| t.map(|t| f(&t))).collect();
    Ok(Arc::new(out))
}

fn int_field(args: &[ArrayRef], f: impl Fn(&NaiveDateTime) -> i32) -> Result<ArrayRef> {
    let out: Int32Array = datetimes(&args[0])
        .into_iter()
        .map(|v| v.map(|d| f(&d)))
        .collect();
    Ok(Arc::new(out))
}

/// Translates a Java SimpleDateFormat pattern into a chrono format string.
pub(crate) fn java_format(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '\'' {
                out.push(chars[j]);
                j += 1;
            }
            if j == i + 1 {
                out.push('\'');
            }
            i = j + 1;
            continue;
        }
        let mut run = 1;
        while i + run < chars.len() && chars[i + run] == c {
            run += 1;
        }
        let spec = match (c, run) {
            ('y', 2) => "%y".to_string(),
            ('y', _) => "%Y".to_string(),
            // Java's week-based year (its ISO form here).
            ('Y', 2) => "%g".to_string(),
            ('Y', _) => "%G".to_string(),
            ('M', 1) => "%-m".to_string(),
            ('M', 2) => "%m".to_string(),
            ('M', 3) => "%b".to_string(),
            ('M', _) => "%B".to_string(),
            ('d', 1) => "%-d".to_string(),
            ('d', _) => "%d".to_string(),
            ('H', 1) => "%-H".to_string(),
            ('H', _) => "%H".to_string(),
            ('h', 1) => "%-I".to_string(),
            ('h', _) => "%I".to_string(),
            ('m', 1) => "%-M".to_string(),
            ('m', _) => "%M".to_string(),
            ('s', 1) => "%-S".to_string(),
            ('s', _) => "%S".to_string(),
            ('S', n) => format!("%{}f", n.min(9)),
            ('a', _) => "%p".to_string(),
            ('E', 1..=3) => "%a".to_string(),
            ('E', _) => "%A".to_string(),
            ('D', _) => "%j".to_string(),
            ('u', _) => "%u".to_string(),
            ('%', _) => "%%".repeat(run),
            (other, n) => other.to_string().repeat(n),
        };
        out.push_str(&spec);
        i += run;
    }
    out
}

fn format_dt(dt: &NaiveDateTime, pattern: &str) -> Option<String> {
    use std::fmt::Write;
    let mut s = String::new();
    write!(s, "{}", dt.format(&java_format(pattern))).ok()?;
    Some(s)
}

fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

pub(super) static FUNCTIONS: &[ScalarFunction] = &[
    // `timestamp(x)` and `date(x)`: casts written as functions.
    ScalarFunction {
        name: "timestamp",
        coerce: |a| {
            arity(a, 1, 1)?;
            Ok(vec![a[0].clone()])
        },
        return_type: |_| crate::types::TIMESTAMP,
        eval: |args, _| crate::cast::hive_cast(&args[0], &crate::types::TIMESTAMP),
        deterministic: true,
    },
    ScalarFunction {
        name: "date",
        coerce: |a| {
            arity(a, 1, 1)?;
            Ok(vec![a[0].clone()])
        },
        return_type: |_| DataType::Date32,
        eval: |args, _| crate::cast::hive_cast(&args[0], &DataType::Date32),
        deterministic: true,
    },
    ScalarFunction {
        name: "current_date",
        coerce: |a| {
            arity(a, 0, 0)?;
            Ok(vec![])
        },
        return_type: |_| DataType::Date32,
        eval: |_, n| {
            Ok(Arc::new(Date32Array::from_value(
                (now_micros().div_euclid(DAY_MICROS)) as i32,
                n,
            )))
        },
        deterministic: false,
    },
    ScalarFunction {
        name: "current_timestamp",
        coerce: |a| {
            arity(a, 0, 0)?;
            Ok(vec![])
        },
        return_type: |_| crate::types::TIMESTAMP,
        eval: |_, n| {
            Ok(Arc::new(TimestampMicrosecondArray::from_value(
                now_micros(),
                n,
            )))
        },
        deterministic: false,
    },
    ScalarFunction {
        name: "unix_timestamp",
        coerce: |a| temporal_args(a, 0, 2, DataType::Utf8),
        return_type: |_| DataType::Int64,
        eval: |args, n| {
            if args.is_empty() {
                return Ok(Arc::new(Int64Array::from_value(
                    now_micros().div_euclid(1_000_000),
                    n,
                )));
            }
            let values: Vec<Option<NaiveDateTime>> = match (args[0].data_type(), args.get(1)) {
                (DataType::Utf8, Some(fmt)) => {
                    let (s, f) = (str_arg(&args[0]), str_arg(fmt));
                    (0..n)
                        .map(|i| {
                            if s.is_null(i) || f.is_null(i) {
                                return None;
                            }
                            let fmt = java_format(f.value(i));
                            NaiveDateTime::parse_from_str(s.value(i), &fmt)
                                .ok()
                                .or_else(|| {
                                    NaiveDate::parse_from_str(s.value(i), &fmt)
                                        .ok()
                                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                                })
                        })
                        .collect()
                }
                _ => datetimes(&args[0]),
            };
            let out: Int64Array = values
                .into_iter()
                .map(|v| v.map(|d| d.and_utc().timestamp()))
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: false,
    },
    ScalarFunction {
        name: "from_unixtime",
        coerce: |a| {
            arity(a, 1, 2)?;
            let mut t = vec![DataType::Int64];
            if a.len() == 2 {
                t.push(DataType::Utf8);
            }
            Ok(t)
        },
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let secs = i64_arg(&args[0]);
            let fmt = args.get(1).map(str_arg);
            let out: StringArray = (0..n)
                .map(|i| {
                    if secs.is_null(i) || fmt.is_some_and(|f| f.is_null(i)) {
                        return None;
                    }
                    let dt = micros_to_dt(secs.value(i).checked_mul(1_000_000)?)?;
                    format_dt(
                        &dt,
                        fmt.map(|f| f.value(i)).unwrap_or("yyyy-MM-dd HH:mm:ss"),
                    )
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "to_date",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Date32,
        eval: |args, _| Ok(date_array(dates(&args[0]).into_iter())),
        deterministic: true,
    },
    ScalarFunction {
        name: "year",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Int32,
        eval: |args, _| int_field(args, |d| d.year()),
        deterministic: true,
    },
    ScalarFunction {
        name: "quarter",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Int32,
        eval: |args, _| int_field(args, |d| (d.month() as i32 - 1) / 3 + 1),
        deterministic: true,
    },
    ScalarFunction {
        name: "month",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Int32,
        eval: |args, _| int_field(args, |d| d.month() as i32),
        deterministic: true,
    },
    ScalarFunction {
        name: "day",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Int32,
        eval: |args, _| int_field(args, |d| d.day() as i32),
        deterministic: true,
    },
    ScalarFunction {
        name: "hour",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Int32,
        eval: |args, _| clock_field(args, |d| d.hour() as i32),
        deterministic: true,
    },
    ScalarFunction {
        name: "minute",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Int32,
        eval: |args, _| clock_field(args, |d| d.minute() as i32),
        deterministic: true,
    },
    ScalarFunction {
        name: "second",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Int32,
        eval: |args, _| clock_field(args, |d| d.second() as i32),
        deterministic: true,
    },
    ScalarFunction {
        name: "weekofyear",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Int32,
        eval: |args, _| int_field(args, |d| d.iso_week().week() as i32),
        deterministic: true,
    },
    ScalarFunction {
        name: "dayofweek",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Int32,
        eval: |args, _| int_field(args, |d| d.weekday().num_days_from_sunday() as i32 + 1),
        deterministic: true,
    },
    ScalarFunction {
        name: "datediff",
        coerce: |a| {
            arity(a, 2, 2)?;
            Ok(a.iter()
                .map(|t| match t {
                    DataType::Date32 | DataType::Timestamp(_, _) | DataType::Utf8 => t.clone(),
                    _ => DataType::Utf8,
                })
                .collect())
        },
        return_type: |_| DataType::Int32,
        eval: |args, _| {
            let (a, b) = (dates(&args[0]), dates(&args[1]));
            let out: Int32Array = a
                .into_iter()
                .zip(b)
                .map(|(x, y)| Some((x? - y?).num_days() as i32))
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "date_add",
        coerce: |a| temporal_args(a, 2, 2, DataType::Int64),
        return_type: |_| DataType::Date32,
        eval: |args, _| shift_days(args, 1),
        deterministic: true,
    },
    ScalarFunction {
        name: "date_sub",
        coerce: |a| temporal_args(a, 2, 2, DataType::Int64),
        return_type: |_| DataType::Date32,
        eval: |args, _| shift_days(args, -1),
        deterministic: true,
    },
    ScalarFunction {
        name: "add_months",
        coerce: |a| {
            let mut t = temporal_args(a, 2, 3, DataType::Int64)?;
            if t.len() == 3 {
                t[2] = DataType::Utf8;
            }
            Ok(t)
        },
        // With an output format (Hive 3), a string keeping the time of day.
        return_type: |a| {
            if a.len() == 3 {
                DataType::Utf8
            } else {
                DataType::Date32
            }
        },
        eval: |args, n| {
            let k = i64_arg(&args[1]);
            if let Some(fmt) = args.get(2) {
                let fmt = str_arg(fmt);
                let starts = datetimes(&args[0]);
                let out: StringArray = (0..n)
                    .map(|i| {
                        let start = starts[i]?;
                        let d = add_months(start.date(), k.is_valid(i).then(|| k.value(i))?)?;
                        let pattern = fmt.is_valid(i).then(|| fmt.value(i))?;
                        format_dt(&d.and_time(start.time()), pattern)
                    })
                    .collect();
                return Ok(Arc::new(out));
            }
            Ok(date_array(
                dates(&args[0])
                    .into_iter()
                    .zip(k.iter())
                    .map(|(d, k)| add_months(d?, k?)),
            ))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "last_day",
        coerce: |a| temporal_args(a, 1, 1, DataType::Null),
        return_type: |_| DataType::Date32,
        eval: |args, _| {
            Ok(date_array(
                dates(&args[0])
                    .into_iter()
                    .map(|d| d.and_then(|d| last_day_of(d.year(), d.month()))),
            ))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "next_day",
        coerce: |a| temporal_args(a, 2, 2, DataType::Utf8),
        return_type: |_| DataType::Date32,
        eval: |args, n| {
            let days = dates(&args[0]);
            let names = str_arg(&args[1]);
            Ok(date_array((0..n).map(|i| {
                let d = days[i]?;
                let name = names
                    .is_valid(i)
                    .then(|| names.value(i).to_ascii_lowercase())?;
                // Hive takes "MO", "MON" or "MONDAY" (any case).
                let days = [
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                    "sunday",
                ];
                let target = days
                    .iter()
                    .position(|d| name == *d || name == d[..2] || name == d[..3])?
                    as i64;
                let today = d.weekday().num_days_from_monday() as i64;
                let ahead = (target - today).rem_euclid(7);
                d.checked_add_signed(chrono::Duration::days(if ahead == 0 { 7 } else { ahead }))
            })))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "months_between",
        coerce: |a| {
            arity(a, 2, 3)?;
            let t = |t: &DataType| match t {
                DataType::Date32 | DataType::Timestamp(_, _) | DataType::Utf8 => t.clone(),
                _ => DataType::Utf8,
            };
            let mut out = vec![t(&a[0]), t(&a[1])];
            if a.len() == 3 {
                out.push(DataType::Boolean);
            }
            Ok(out)
        },
        return_type: |_| DataType::Float64,
        eval: |args, n| {
            let (x, y) = (datetimes(&args[0]), datetimes(&args[1]));
            let round = args.get(2).map(|r| r.as_boolean());
            let out: Float64Array = (0..n)
                .map(|i| {
                    let rounded = round.is_none_or(|r| !r.is_valid(i) || r.value(i));
                    Some(months_between(x[i]?, y[i]?, rounded))
                })
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "date_format",
        coerce: |a| temporal_args(a, 2, 2, DataType::Utf8),
        return_type: |_| DataType::Utf8,
        eval: |args, n| {
            let values = datetimes(&args[0]);
            let f = str_arg(&args[1]);
            let out: StringArray = (0..n)
                .map(|i| format_dt(values[i].as_ref()?, f.is_valid(i).then(|| f.value(i))?))
                .collect();
            Ok(Arc::new(out))
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "trunc",
        coerce: |a| match a.first() {
            Some(t) if super::trunc_number::is_numeric_form(t) => super::trunc_number::coerce(a),
            _ => temporal_args(a, 2, 2, DataType::Utf8),
        },
        return_type: |a| match a.first() {
            Some(t) if super::trunc_number::is_numeric_form(t) => {
                super::trunc_number::return_type(a)
            }
            _ => DataType::Date32,
        },
        eval: |args, n| {
            if super::trunc_number::is_numeric_form(args[0].data_type()) {
                return super::trunc_number::eval(args, n);
            }
            let values = dates(&args[0]);
            let f = str_arg(&args[1]);
            Ok(date_array((0..n).map(|i| {
                let d = values[i]?;
                match f
                    .is_valid(i)
                    .then(|| f.value(i).to_ascii_uppercase())?
                    .as_str()
                {
                    "MM" | "MON" | "MONTH" => NaiveDate::from_ymd_opt(d.year(), d.month(), 1),
                    "YYYY" | "YY" | "YEAR" => NaiveDate::from_ymd_opt(d.year(), 1, 1),
                    "Q" | "QUARTER" => {
                        NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1)
                    }
                    "WEEK" | "W" => d.checked_sub_signed(chrono::Duration::days(
                        d.weekday().num_days_from_monday() as i64,
                    )),
                    _ => None,
                }
            })))
        },
        deterministic: true,
    },
];

/// `d` plus `k` months; the last day of a month (or a day past the
/// target month's end) maps to the target month's last day, as in Hive.
fn add_months(d: NaiveDate, k: i64) -> Option<NaiveDate> {
    let total = d.year() as i64 * 12 + d.month0() as i64 + k;
    let (y, m) = (total.div_euclid(12) as i32, total.rem_euclid(12) as u32 + 1);
    let last = last_day_of(y, m)?;
    let day = if d.day() >= last.day() || Some(d) == last_day_of(d.year(), d.month()) {
        last.day()
    } else {
        d.day()
    };
    NaiveDate::from_ymd_opt(y, m, day)
}

/// Hive's months_between: whole months when both days are the same day
/// of the month or both month ends, else the day difference over 31,
/// time of day included, rounded to 8 decimals.
fn months_between(a: NaiveDateTime, b: NaiveDateTime, rounded: bool) -> f64 {
    let months = (a.year() - b.year()) as f64 * 12.0 + a.month() as f64 - b.month() as f64;
    let end = |d: NaiveDateTime| last_day_of(d.year(), d.month()) == Some(d.date());
    if a.day() == b.day() || (end(a) && end(b)) {
        return months;
    }
    let secs =
        |d: NaiveDateTime| (d.day() as f64 - 1.0) * 86_400.0 + d.num_seconds_from_midnight() as f64;
    let v = months + (secs(a) - secs(b)) / (31.0 * 86_400.0);
    if rounded {
        (v * 1e8).round() / 1e8
    } else {
        v
    }
}

fn last_day_of(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

fn shift_days(args: &[ArrayRef], sign: i64) -> Result<ArrayRef> {
    let k = i64_arg(&args[1]);
    Ok(date_array(dates(&args[0]).into_iter().zip(k.iter()).map(
        // Past the calendar's range (or i64's): NULL, not a panic.
        |(d, k)| d?.checked_add_signed(chrono::Duration::try_days(k?.checked_mul(sign)?)?),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_patterns_translate() {
        assert_eq!(java_format("yyyy-MM-dd HH:mm:ss"), "%Y-%m-%d %H:%M:%S");
        assert_eq!(java_format("yyyyMMdd'T'HH"), "%Y%m%dT%H");
        assert_eq!(java_format("MMM d, yyyy"), "%b %-d, %Y");
        let dt = parse_datetime("2024-03-05 07:08:09").unwrap();
        assert_eq!(format_dt(&dt, "dd/MM/yy H:mm").unwrap(), "05/03/24 7:08");
        assert_eq!(last_day_of(2024, 2).unwrap().to_string(), "2024-02-29");
    }

    #[test]
    fn days_past_the_calendar_are_null() {
        let d: ArrayRef = Arc::new(StringArray::from(vec!["2024-01-01"; 4]));
        let k: ArrayRef = Arc::new(Int64Array::from(vec![1, i64::MAX, i64::MIN, 3_000_000_000]));
        for sign in [1, -1] {
            let out = shift_days(&[d.clone(), k.clone()], sign).unwrap();
            assert!(out.is_valid(0));
            assert!(
                out.is_null(1) && out.is_null(2) && out.is_null(3),
                "{out:?}"
            );
        }
    }
}
