//! Calls of built-in functions: arguments converted as each function
//! declares, and the clock and epoch functions planned in the session's
//! time zone.

use crate::error::{Result, SharkError};
use crate::expr::Expr;
use crate::scalar::ScalarValue;
use crate::types;
use arrow::datatypes::DataType;

thread_local! {
    /// The time zone of the session whose statement is being analyzed
    /// (`None`: UTC).
    static SESSION_ZONE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Sets the zone [`call`] plans clock and epoch functions in (the
/// analyzer does, from `hive.local.time.zone` or `TZ`).
pub(crate) fn set_session_zone(zone: Option<String>) {
    SESSION_ZONE.with(|z| *z.borrow_mut() = zone);
}

/// `name(args)`, resolved. In a session with a time zone, the functions
/// that read the clock or convert epoch seconds work in its local time,
/// as Hive's do: `current_timestamp` / `current_date` are its wall clock
/// (one value per query, fixed when planned), `from_unixtime` formats and
/// `unix_timestamp` parses local times.
pub fn call(name: &str, args: Vec<Expr>) -> Result<Expr> {
    let zone = SESSION_ZONE.with(|z| z.borrow().clone());
    let lower = name.to_ascii_lowercase();
    let now = || match &zone {
        Some(z) => crate::functions::local_time(chrono::Utc::now().naive_utc(), z),
        None => chrono::Utc::now().naive_utc(),
    };
    let text = |s: &str| Expr::Literal(ScalarValue::Utf8(s.to_string()));
    match (lower.as_str(), args.len(), &zone) {
        ("current_timestamp", 0, _) => {
            let micros = now().and_utc().timestamp_micros();
            return Ok(Expr::Literal(ScalarValue::Timestamp(micros)));
        }
        ("current_date", 0, _) => {
            let days = now()
                .date()
                .signed_duration_since(chrono::NaiveDate::default());
            return Ok(Expr::Literal(ScalarValue::Date32(days.num_days() as i32)));
        }
        ("from_unixtime", 1 | 2, Some(z)) => {
            // The instant as the zone's wall clock, then formatted.
            let mut args = args;
            let fmt = if args.len() == 2 {
                args.pop().expect("two arguments")
            } else {
                text("yyyy-MM-dd HH:mm:ss")
            };
            let secs = args.pop().expect("one argument").cast_to(&DataType::Int64);
            let local = call_utc(
                "from_utc_timestamp",
                vec![secs.cast_to(&types::TIMESTAMP), text(z)],
            )?;
            return call_utc("date_format", vec![local, fmt]);
        }
        ("unix_timestamp", 1 | 2, Some(z)) => {
            // Read as a wall-clock time of the zone: its instant.
            let wall = call_utc("from_unixtime", vec![call_utc("unix_timestamp", args)?])?
                .cast_to(&types::TIMESTAMP);
            let instant = call_utc("to_utc_timestamp", vec![wall, text(z)])?;
            return call_utc("unix_timestamp", vec![instant]);
        }
        _ => {}
    }
    call_utc(name, args)
}

/// `name(args)` with its arguments converted, with no session-zone
/// handling.
fn call_utc(name: &str, args: Vec<Expr>) -> Result<Expr> {
    let func = crate::functions::lookup(name)
        .ok_or_else(|| SharkError::analysis(format!("Invalid function {name}")))?;
    let types_in: Vec<DataType> = args.iter().map(|a| a.data_type()).collect();
    let target = (func.coerce)(&types_in)
        .map_err(|m| SharkError::analysis(format!("function {name} {m}")))?;
    let args: Vec<Expr> = args
        .into_iter()
        .zip(&target)
        .map(|(a, t)| a.cast_to(t))
        .collect();
    let mut data_type = (func.return_type)(&target);
    // round(decimal, d) keeps d decimal places.
    if matches!(func.name, "round" | "bround") {
        let digits = args.get(1).map(|d| crate::expr::rewrite::fold(d.clone()));
        if let (DataType::Decimal128(p, s), Some(Expr::Literal(d))) = (&target[0], digits.as_ref())
        {
            if let Some(d) = d.as_i64() {
                data_type = DataType::Decimal128(*p, d.clamp(0, *s as i64) as i8);
            }
        }
    }
    Ok(Expr::Function {
        func,
        args,
        data_type,
    })
}
