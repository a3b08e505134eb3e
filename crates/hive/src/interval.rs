//! Hive's two interval types, as Arrow types and in Hive's text forms.
//!
//! - `interval_year_month`: a count of months; Arrow `Interval(YearMonth)`;
//!   written `Y-M` (`1-2`, `-0-3`).
//! - `interval_day_time`: a span of time; Arrow `Duration(Microsecond)`
//!   (the precision of Shark's timestamps, so `timestamp - timestamp` is
//!   exact); written `D HH:MM:SS.fffffffff` (`1 02:03:04.000000000`) with
//!   nine fractional digits as Hive prints them.
//!
//! Literals are parsed from the text of `INTERVAL '…' <unit> [TO <unit>]`.

use arrow::datatypes::{DataType, IntervalUnit, TimeUnit};

/// Arrow type of Hive's `interval_year_month`.
pub const YEAR_MONTH: DataType = DataType::Interval(IntervalUnit::YearMonth);
/// Arrow type of Hive's `interval_day_time`.
pub const DAY_TIME: DataType = DataType::Duration(TimeUnit::Microsecond);

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SECOND;
const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
const MICROS_PER_DAY: i64 = 24 * MICROS_PER_HOUR;

/// A unit an interval literal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Unit {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

impl Unit {
    fn is_year_month(self) -> bool {
        matches!(self, Unit::Year | Unit::Month)
    }

    fn micros(self) -> i64 {
        match self {
            Unit::Day => MICROS_PER_DAY,
            Unit::Hour => MICROS_PER_HOUR,
            Unit::Minute => MICROS_PER_MINUTE,
            _ => MICROS_PER_SECOND,
        }
    }
}

/// An interval value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// Months.
    YearMonth(i32),
    /// Microseconds.
    DayTime(i64),
}

/// `months` as Hive writes an `interval_year_month`.
pub fn format_year_month(months: i32) -> String {
    let sign = if months < 0 { "-" } else { "" };
    let m = (months as i64).abs();
    format!("{sign}{}-{}", m / 12, m % 12)
}

/// `micros` as Hive writes an `interval_day_time`.
pub fn format_day_time(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let m = (micros as i128).abs();
    let day = MICROS_PER_DAY as i128;
    let (days, rest) = (m / day, m % day);
    let hours = rest / MICROS_PER_HOUR as i128;
    let minutes = rest % MICROS_PER_HOUR as i128 / MICROS_PER_MINUTE as i128;
    let seconds = rest % MICROS_PER_MINUTE as i128 / MICROS_PER_SECOND as i128;
    let nanos = rest % MICROS_PER_SECOND as i128 * 1000;
    format!("{sign}{days} {hours:02}:{minutes:02}:{seconds:02}.{nanos:09}")
}

fn bad(text: &str, what: &str) -> String {
    format!("invalid interval value '{text}' for {what}")
}

/// Splits a leading sign off.
fn signed(text: &str) -> (i64, &str) {
    let t = text.trim();
    match t.as_bytes().first() {
        Some(b'-') => (-1, t[1..].trim_start()),
        Some(b'+') => (1, t[1..].trim_start()),
        _ => (1, t),
    }
}

fn whole(text: &str, original: &str, what: &str) -> Result<i64, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(original, what));
    }
    text.parse::<i64>().map_err(|_| bad(original, what))
}

/// Seconds with up to nine fractional digits, as microseconds (digits past
/// the sixth are dropped: timestamps hold microseconds).
fn seconds_micros(text: &str, original: &str, what: &str) -> Result<i64, String> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let secs = whole(if int.is_empty() { "0" } else { int }, original, what)?;
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(original, what));
    }
    let mut digits = frac.to_string();
    digits.truncate(6);
    while digits.len() < 6 {
        digits.push('0');
    }
    let frac: i64 = digits.parse().unwrap_or(0);
    secs.checked_mul(MICROS_PER_SECOND)
        .and_then(|s| s.checked_add(frac))
        .ok_or_else(|| bad(original, what))
}

fn months(n: i64, original: &str, what: &str) -> Result<Interval, String> {
    i32::try_from(n)
        .map(Interval::YearMonth)
        .map_err(|_| bad(original, what))
}

/// Parses the text of `INTERVAL 'text' from [TO to]`.
pub fn parse(text: &str, from: Unit, to: Option<Unit>) -> Result<Interval, String> {
    let (sign, body) = signed(text);
    let to = to.filter(|t| *t != from);
    match (from, to) {
        (Unit::Year, None) => {
            let what = "YEAR";
            let y = whole(body, text, what)?;
            months(
                sign * y.checked_mul(12).ok_or_else(|| bad(text, what))?,
                text,
                what,
            )
        }
        (Unit::Month, None) => months(sign * whole(body, text, "MONTH")?, text, "MONTH"),
        (Unit::Year, Some(Unit::Month)) => {
            let what = "YEAR TO MONTH";
            let (y, m) = body.split_once('-').ok_or_else(|| bad(text, what))?;
            let (y, m) = (whole(y.trim(), text, what)?, whole(m.trim(), text, what)?);
            if m > 11 {
                return Err(bad(text, what));
            }
            let total = y.checked_mul(12).and_then(|y| y.checked_add(m));
            months(sign * total.ok_or_else(|| bad(text, what))?, text, what)
        }
        (Unit::Second, None) => Ok(Interval::DayTime(
            sign * seconds_micros(body, text, "SECOND")?,
        )),
        (unit, None) => {
            let what = format!("{unit:?}").to_uppercase();
            let n = whole(body, text, &what)?;
            n.checked_mul(unit.micros())
                .map(|m| Interval::DayTime(sign * m))
                .ok_or_else(|| bad(text, &what))
        }
        (from, Some(to)) if !from.is_year_month() && !to.is_year_month() && from < to => {
            let what = format!("{from:?} TO {to:?}").to_uppercase();
            day_time_range(body, from, to, text, &what).map(|m| Interval::DayTime(sign * m))
        }
        (from, Some(to)) => Err(format!(
            "INTERVAL ... {} TO {} is not an interval Hive knows",
            format!("{from:?}").to_uppercase(),
            format!("{to:?}").to_uppercase()
        )),
    }
}

/// `D H:M:S.f` and its ranges (`DAY TO HOUR` is `D H`, `HOUR TO SECOND`
/// is `H:M:S.f`, …), in microseconds.
fn day_time_range(body: &str, from: Unit, to: Unit, text: &str, what: &str) -> Result<i64, String> {
    let mut total: i64 = 0;
    let mut rest = body.trim();
    let add = |total: i64, n: i64, unit: Unit| {
        n.checked_mul(unit.micros())
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| bad(text, what))
    };
    if from == Unit::Day {
        let (d, r) = rest.split_once(' ').ok_or_else(|| bad(text, what))?;
        total = add(total, whole(d, text, what)?, Unit::Day)?;
        rest = r.trim();
    }
    let parts: Vec<&str> = rest.split(':').collect();
    let units: Vec<Unit> = [Unit::Hour, Unit::Minute, Unit::Second]
        .into_iter()
        .filter(|u| *u >= from.max(Unit::Hour) && *u <= to)
        .collect();
    if parts.len() != units.len() {
        return Err(bad(text, what));
    }
    for (p, u) in parts.iter().zip(&units) {
        let p = p.trim();
        total = if *u == Unit::Second {
            total
                .checked_add(seconds_micros(p, text, what)?)
                .ok_or_else(|| bad(text, what))?
        } else {
            let n = whole(p, text, what)?;
            let limit = if *u == Unit::Hour { 23 } else { 59 };
            if *u != from && n > limit {
                return Err(bad(text, what));
            }
            add(total, n, *u)?
        };
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_parse_as_hive_reads_them() {
        assert_eq!(
            parse("90", Unit::Day, None),
            Ok(Interval::DayTime(90 * MICROS_PER_DAY))
        );
        assert_eq!(parse("3", Unit::Month, None), Ok(Interval::YearMonth(3)));
        assert_eq!(parse("1", Unit::Year, None), Ok(Interval::YearMonth(12)));
        assert_eq!(
            parse("-1-2", Unit::Year, Some(Unit::Month)),
            Ok(Interval::YearMonth(-14))
        );
        assert_eq!(
            parse("1 2:03:04", Unit::Day, Some(Unit::Second)),
            Ok(Interval::DayTime(
                MICROS_PER_DAY
                    + 2 * MICROS_PER_HOUR
                    + 3 * MICROS_PER_MINUTE
                    + 4 * MICROS_PER_SECOND
            ))
        );
        assert_eq!(
            parse("1.5", Unit::Second, None),
            Ok(Interval::DayTime(1_500_000))
        );
        assert_eq!(
            parse("10:30", Unit::Hour, Some(Unit::Minute)),
            Ok(Interval::DayTime(
                10 * MICROS_PER_HOUR + 30 * MICROS_PER_MINUTE
            ))
        );
        assert!(parse("x", Unit::Day, None).is_err());
        assert!(parse("1-12", Unit::Year, Some(Unit::Month)).is_err());
        assert!(parse("1 25:00:00", Unit::Day, Some(Unit::Second)).is_err());
        assert!(parse("1", Unit::Day, Some(Unit::Month)).is_err());
        assert!(parse("99999999999", Unit::Year, None).is_err());
    }

    #[test]
    fn values_print_as_hive_prints_them() {
        assert_eq!(format_year_month(14), "1-2");
        assert_eq!(format_year_month(-3), "-0-3");
        assert_eq!(
            format_day_time(
                MICROS_PER_DAY
                    + 2 * MICROS_PER_HOUR
                    + 3 * MICROS_PER_MINUTE
                    + 4 * MICROS_PER_SECOND
            ),
            "1 02:03:04.000000000"
        );
        assert_eq!(format_day_time(-1_500_000), "-0 00:00:01.500000000");
        assert_eq!(format_day_time(i64::MIN).chars().next(), Some('-'));
    }
}
