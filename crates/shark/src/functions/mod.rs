//! Hive's built-in scalar functions. Each function declares how its
//! arguments are converted (`coerce`), its result type, and a vectorized
//! implementation over Arrow arrays. Aggregate functions (names, result
//! types and accumulators) have their own registry in [`aggregate`].

pub mod aggregate;
mod collection;
pub mod docs;

pub use collection::list_of;
mod datetime;
mod digest;
mod hive_hash;
pub(crate) use hive_hash::hash_rows;
pub(crate) mod json;
mod math;
mod misc;
mod string;
mod trunc_number;
mod url;
mod xpath;
mod zone;

use crate::error::{Result, SharkError};
use arrow::array::*;
use arrow::datatypes::DataType;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Argument conversion: the types each argument is cast to, or a message
/// explaining why the arguments do not fit.
pub type CoerceFn = fn(&[DataType]) -> std::result::Result<Vec<DataType>, String>;
/// The result type for already-converted argument types.
pub type ReturnTypeFn = fn(&[DataType]) -> DataType;
/// The implementation: arguments as arrays of `rows` values.
pub type EvalFn = fn(&[ArrayRef], usize) -> Result<ArrayRef>;

/// A built-in scalar function.
pub struct ScalarFunction {
    /// Lower-case name.
    pub name: &'static str,
    /// Argument conversion.
    pub coerce: CoerceFn,
    /// Result type.
    pub return_type: ReturnTypeFn,
    /// Implementation.
    pub eval: EvalFn,
    /// False for `rand()`, `current_timestamp()`...: never folded.
    pub deterministic: bool,
}

impl std::fmt::Debug for ScalarFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}", self.name)
    }
}

fn registry() -> &'static HashMap<&'static str, &'static ScalarFunction> {
    static REGISTRY: OnceLock<HashMap<&'static str, &'static ScalarFunction>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut m = HashMap::new();
        for f in string::FUNCTIONS
            .iter()
            .chain(math::FUNCTIONS)
            .chain(datetime::FUNCTIONS)
            .chain(collection::FUNCTIONS)
            .chain(json::FUNCTIONS)
            .chain(misc::FUNCTIONS)
            .chain(digest::FUNCTIONS)
            .chain(hive_hash::FUNCTIONS)
            .chain(url::FUNCTIONS)
            .chain(zone::FUNCTIONS)
            .chain(xpath::FUNCTIONS)
            .chain(CONDITIONAL)
        {
            m.insert(f.name, f);
        }
        for (alias, target) in ALIASES {
            if let Some(f) = m.get(target).copied() {
                m.insert(alias, f);
            }
        }
        m
    })
}

const ALIASES: &[(&str, &str)] = &[
    ("substring", "substr"),
    ("ceiling", "ceil"),
    ("power", "pow"),
    ("signum", "sign"),
    ("dayofmonth", "day"),
    ("ucase", "upper"),
    ("lcase", "lower"),
    ("reflect", "java_method"),
];

/// The wall-clock time in zone `zone` (an IANA name, a Java short ID or
/// an offset; unknown is UTC) of the UTC time `utc`.
pub fn local_time(utc: chrono::NaiveDateTime, zone: &str) -> chrono::NaiveDateTime {
    zone::local_time(utc, zone)
}

/// The function called `name` (case-insensitive).
pub fn lookup(name: &str) -> Option<&'static ScalarFunction> {
    registry().get(name.to_ascii_lowercase().as_str()).copied()
}

/// Names of all built-in scalar functions, sorted (SHOW FUNCTIONS lists
/// them with [`aggregate::names`]).
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = registry().keys().copied().collect();
    v.sort();
    v
}

/// A compiled regular expression, cached by pattern text.
pub fn regex_cache(pattern: &str) -> Result<Arc<regex::Regex>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<regex::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(r) = cache.lock().unwrap().get(pattern) {
        return Ok(r.clone());
    }
    let re =
        Arc::new(regex::Regex::new(pattern).map_err(|e| {
            SharkError::exec(format!("invalid regular expression '{pattern}': {e}"))
        })?);
    let mut c = cache.lock().unwrap();
    if c.len() > 1024 {
        c.clear();
    }
    c.insert(pattern.to_string(), re.clone());
    Ok(re)
}

/// The engine setting bounding one value a function makes
/// (`--hiveconf`/`--conf shark.sql.maxValueBytes=128m`): past it the query
/// fails with the function's name — never a silent cut, never unbounded
/// growth.
pub const MAX_VALUE_BYTES_KEY: &str = "shark.sql.maxValueBytes";

/// Its default.
pub const MAX_VALUE_BYTES: u64 = 64 << 20;

/// Values up to this size never look the setting up (it is at least this).
const ALWAYS_ALLOWED: u64 = 1 << 20;

thread_local! {
    /// The bound of the engine whose statement this thread is planning
    /// (constant expressions are evaluated then, outside any task).
    static PLANNING_BOUND: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Sets the bound for what this thread evaluates outside tasks (the
/// session does before planning a statement, from its engine's settings).
pub fn set_planning_bound(ctx: &rdd::Context) {
    let bound = ctx
        .conf()
        .get_bytes(MAX_VALUE_BYTES_KEY, MAX_VALUE_BYTES)
        .unwrap_or(MAX_VALUE_BYTES);
    PLANNING_BOUND.with(|b| b.set(Some(bound)));
}

/// The bound for the task running on this thread, else for the statement
/// it plans.
fn max_value_bytes() -> u64 {
    rdd::TaskContext::get()
        .and_then(|tc| {
            tc.context()
                .conf()
                .get_bytes(MAX_VALUE_BYTES_KEY, MAX_VALUE_BYTES)
                .ok()
        })
        .or_else(|| PLANNING_BOUND.with(|b| b.get()))
        .unwrap_or(MAX_VALUE_BYTES)
        .max(ALWAYS_ALLOWED)
}

/// Fails `function` when a value of `bytes` would pass the bound.
pub(crate) fn check_value_size(function: &str, bytes: u64) -> Result<()> {
    if bytes <= ALWAYS_ALLOWED {
        return Ok(());
    }
    let max = max_value_bytes();
    if bytes > max {
        let bound = if max.is_multiple_of(1 << 20) {
            format!("{} MiB", max >> 20)
        } else {
            format!("{max} bytes")
        };
        return Err(SharkError::exec(format!(
            "{function}: the result would take {bytes} bytes, more than the {bound} one value may \
             hold ({MAX_VALUE_BYTES_KEY})"
        )));
    }
    Ok(())
}

// ---- helpers shared by the function families ----

pub(crate) fn arity(args: &[DataType], min: usize, max: usize) -> std::result::Result<(), String> {
    if args.len() < min || args.len() > max {
        let expected = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(format!("takes {expected} argument(s), got {}", args.len()));
    }
    Ok(())
}

pub(crate) fn strings(
    args: &[DataType],
    min: usize,
    max: usize,
) -> std::result::Result<Vec<DataType>, String> {
    arity(args, min, max)?;
    Ok(vec![DataType::Utf8; args.len()])
}

pub(crate) fn str_arg(a: &ArrayRef) -> &StringArray {
    a.as_string::<i32>()
}

pub(crate) fn i64_arg(a: &ArrayRef) -> &Int64Array {
    a.as_primitive::<arrow::datatypes::Int64Type>()
}

pub(crate) fn f64_arg(a: &ArrayRef) -> &Float64Array {
    a.as_primitive::<arrow::datatypes::Float64Type>()
}

// ---- conditional functions ----

static CONDITIONAL: &[ScalarFunction] = &[
    ScalarFunction {
        name: "coalesce",
        coerce: |args| {
            arity(args, 1, usize::MAX)?;
            let t = crate::types::common_of(args, "coalesce").map_err(|e| e.to_string())?;
            Ok(vec![t; args.len()])
        },
        return_type: |args| args[0].clone(),
        eval: |args, _| {
            let mut result = args[args.len() - 1].clone();
            for a in args[..args.len() - 1].iter().rev() {
                let present = arrow::compute::is_not_null(a)?;
                result = arrow::compute::kernels::zip::zip(&present, a, &result)?;
            }
            Ok(result)
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "nvl",
        coerce: |args| {
            arity(args, 2, 2)?;
            let t = crate::types::common_of(args, "nvl").map_err(|e| e.to_string())?;
            Ok(vec![t; 2])
        },
        return_type: |args| args[0].clone(),
        eval: |args, _| {
            let present = arrow::compute::is_not_null(&args[0])?;
            Ok(arrow::compute::kernels::zip::zip(
                &present, &args[0], &args[1],
            )?)
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "nullif",
        coerce: |args| {
            arity(args, 2, 2)?;
            let t = crate::types::comparison_type(&args[0], &args[1])
                .ok_or_else(|| "arguments cannot be compared".to_string())?;
            Ok(vec![t.clone(), t])
        },
        return_type: |args| args[0].clone(),
        eval: |args, _| {
            let equal = arrow::compute::kernels::cmp::eq(&args[0], &args[1])?;
            Ok(arrow::compute::nullif(&args[0], &equal)?)
        },
        deterministic: true,
    },
    ScalarFunction {
        name: "isnull",
        coerce: |args| {
            arity(args, 1, 1)?;
            Ok(args.to_vec())
        },
        return_type: |_| DataType::Boolean,
        eval: |args, _| Ok(Arc::new(arrow::compute::is_null(&args[0])?)),
        deterministic: true,
    },
    ScalarFunction {
        name: "isnotnull",
        coerce: |args| {
            arity(args, 1, 1)?;
            Ok(args.to_vec())
        },
        return_type: |_| DataType::Boolean,
        eval: |args, _| Ok(Arc::new(arrow::compute::is_not_null(&args[0])?)),
        deterministic: true,
    },
    ScalarFunction {
        name: "assert_true",
        coerce: |args| {
            arity(args, 1, 1)?;
            Ok(vec![DataType::Boolean])
        },
        return_type: |_| DataType::Null,
        eval: |args, n| {
            let b = args[0].as_boolean();
            if b.iter().any(|v| v != Some(true)) {
                return Err(SharkError::exec("ASSERT_TRUE(): assertion failed."));
            }
            Ok(new_null_array(&DataType::Null, n))
        },
        deterministic: true,
    },
];
