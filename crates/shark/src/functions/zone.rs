//! Time zones, from the IANA database (`chrono-tz`): `from_utc_timestamp`
//! and `to_utc_timestamp` shift Hive's zone-less timestamps between UTC and
//! a zone's wall clock, daylight saving included. Zones are IANA names
//! (`America/Los_Angeles`), Java's three-letter IDs (`PST`), or offsets
//! (`+08:00`, `GMT+8`); an unknown zone is UTC, as Java's
//! `TimeZone.getTimeZone` makes it.

use super::{arity, str_arg, ScalarFunction};
use crate::types::TIMESTAMP;
use arrow::array::*;
use arrow::datatypes::{DataType, TimestampMicrosecondType};
use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone};
use std::sync::Arc;

/// A zone by the names Hive users write.
#[derive(Clone, Copy)]
enum Zone {
    Named(chrono_tz::Tz),
    Fixed(FixedOffset),
}

/// Java's short IDs that are not IANA names.
const JAVA_IDS: &[(&str, &str)] = &[
    ("PST", "America/Los_Angeles"),
    ("PDT", "America/Los_Angeles"),
    ("MST", "America/Denver"),
    ("CST", "America/Chicago"),
    ("EST", "America/New_York"),
    ("AST", "America/Anchorage"),
    ("HST", "Pacific/Honolulu"),
    ("IST", "Asia/Kolkata"),
    ("JST", "Asia/Tokyo"),
    ("CTT", "Asia/Shanghai"),
    ("AET", "Australia/Sydney"),
    ("ECT", "Europe/Paris"),
    ("BST", "Asia/Dhaka"),
];

fn offset(text: &str) -> Option<FixedOffset> {
    let t = text
        .strip_prefix("GMT")
        .or_else(|| text.strip_prefix("UTC"))
        .unwrap_or(text);
    let (sign, t) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let (h, m) = t.split_once(':').unwrap_or((t, "0"));
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 18 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

fn zone(name: &str) -> Zone {
    let name = name.trim();
    if let Ok(tz) = name.parse::<chrono_tz::Tz>() {
        return Zone::Named(tz);
    }
    if let Some((_, iana)) = JAVA_IDS
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(name))
    {
        if let Ok(tz) = iana.parse::<chrono_tz::Tz>() {
            return Zone::Named(tz);
        }
    }
    Zone::Fixed(offset(name).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC")))
}

/// The wall-clock time in the zone named `zone` of the UTC time `utc`.
pub(super) fn local_time(utc: NaiveDateTime, name: &str) -> NaiveDateTime {
    from_utc(utc, zone(name))
}

/// The wall-clock time in `zone` of the UTC time `utc`.
fn from_utc(utc: NaiveDateTime, z: Zone) -> NaiveDateTime {
    match z {
        Zone::Named(tz) => tz.from_utc_datetime(&utc).naive_local(),
        Zone::Fixed(off) => off.from_utc_datetime(&utc).naive_local(),
    }
}

/// The UTC time of the wall-clock time `local` in `zone` (the earlier one
/// in a fall-back overlap; in a spring-forward gap, as if before it).
fn to_utc(local: NaiveDateTime, z: Zone) -> NaiveDateTime {
    let off = |o: FixedOffset| local - chrono::Duration::seconds(o.local_minus_utc() as i64);
    match z {
        Zone::Fixed(o) => off(o),
        Zone::Named(tz) => match tz.from_local_datetime(&local) {
            chrono::LocalResult::Single(d) | chrono::LocalResult::Ambiguous(d, _) => d.naive_utc(),
            chrono::LocalResult::None => {
                let before = tz.offset_from_utc_datetime(&(local - chrono::Duration::hours(3)));
                off(before.fix())
            }
        },
    }
}

fn shift(
    args: &[ArrayRef],
    f: fn(NaiveDateTime, Zone) -> NaiveDateTime,
) -> crate::error::Result<ArrayRef> {
    let ts = args[0].as_primitive::<TimestampMicrosecondType>();
    let zones = str_arg(&args[1]);
    let out: TimestampMicrosecondArray = (0..ts.len())
        .map(|i| {
            if ts.is_null(i) || zones.is_null(i) {
                return None;
            }
            let t = DateTime::from_timestamp_micros(ts.value(i))?.naive_utc();
            Some(f(t, zone(zones.value(i))).and_utc().timestamp_micros())
        })
        .collect();
    Ok(Arc::new(out))
}

fn timestamp_and_zone(a: &[DataType]) -> std::result::Result<Vec<DataType>, String> {
    arity(a, 2, 2)?;
    Ok(vec![TIMESTAMP, DataType::Utf8])
}

pub(super) const FUNCTIONS: &[ScalarFunction] = &[
    ScalarFunction {
        name: "from_utc_timestamp",
        coerce: timestamp_and_zone,
        return_type: |_| TIMESTAMP,
        eval: |args, _| shift(args, from_utc),
        deterministic: true,
    },
    ScalarFunction {
        name: "to_utc_timestamp",
        coerce: timestamp_and_zone,
        return_type: |_| TIMESTAMP,
        eval: |args, _| shift(args, to_utc),
        deterministic: true,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn zones_shift_with_daylight_saving() {
        let utc = at("2017-07-01 12:00:00");
        assert_eq!(
            from_utc(utc, zone("America/Los_Angeles")),
            at("2017-07-01 05:00:00")
        );
        assert_eq!(
            from_utc(at("2017-01-01 12:00:00"), zone("PST")),
            at("2017-01-01 04:00:00")
        );
        assert_eq!(
            from_utc(utc, zone("Asia/Kolkata")),
            at("2017-07-01 17:30:00")
        );
        assert_eq!(from_utc(utc, zone("+08:00")), at("2017-07-01 20:00:00"));
        assert_eq!(from_utc(utc, zone("GMT-3")), at("2017-07-01 09:00:00"));
        assert_eq!(from_utc(utc, zone("Nowhere/Atlantis")), utc);
        assert_eq!(
            to_utc(at("2017-07-01 05:00:00"), zone("America/Los_Angeles")),
            utc
        );
        // A fall-back hour read twice: the first.
        assert_eq!(
            to_utc(at("2017-11-05 01:30:00"), zone("America/Los_Angeles")),
            at("2017-11-05 08:30:00")
        );
    }
}
