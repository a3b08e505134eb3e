//! Hive's built-in aggregate functions. Each family (`count.rs`, `sum.rs`,
//! `min_max.rs`, ...) holds its SQL names, the result type for an argument
//! type and the accumulators that compute it, so one function is defined in
//! one place; the registry here collects the families' entries, beside the
//! scalar registry of `functions`.
//!
//! Accumulators keep one typed state per group and update it from whole
//! argument arrays plus a group index per row. Partial states travel
//! through the shuffle as columns and are merged.
//!
//! Like the scalar functions, this layer knows nothing of expressions or
//! plans: execution describes a call as an `AggregateCall` (argument
//! types, result type, the constant arguments the function asks for,
//! already evaluated) before asking `create` for its accumulator.

mod collect;
mod count;
mod covariance;
mod distinct;
pub(crate) mod histogram;
mod min_max;
pub(crate) mod ngrams;
mod percentile;
mod sum;
mod variance;

use crate::error::Result;
use arrow::array::{Array, ArrayRef};
use arrow::datatypes::DataType;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Aggregate functions: what an aggregate call computes, independent of
/// the name it was called by (`mean` is `Avg`). Plans carry it, so it is
/// serializable; the plan module re-exports it as `AggFunc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AggFunc {
    /// `count(*)` when it has no argument, else the rows where every
    /// argument is non-NULL.
    Count,
    /// `sum(x)`: BIGINT for integers (wrapping), DECIMAL widened by 10
    /// digits, else DOUBLE.
    Sum,
    /// `avg(x)` / `mean(x)`: DOUBLE, or DECIMAL with 4 more digits of scale.
    Avg,
    /// `min(x)`: the smallest non-NULL value, in SQL order.
    Min,
    /// `max(x)`: the largest non-NULL value, in SQL order.
    Max,
    /// `var_pop(x)` / `variance(x)`: the population variance.
    VarPop,
    /// `var_samp(x)`: the sample variance.
    VarSamp,
    /// `stddev_pop(x)` / `stddev(x)` / `std(x)`: the population standard
    /// deviation.
    StddevPop,
    /// `stddev_samp(x)`: the sample standard deviation.
    StddevSamp,
    /// The value of a scalar subquery: at most one row allowed.
    SingleValue,
    /// Every non-NULL value, as an array.
    CollectList,
    /// The distinct non-NULL values, as an array.
    CollectSet,
    /// `percentile(x, p)` / `percentile_approx(x, p)`: the value at
    /// fraction `p` of the sorted non-NULL values, interpolated (exact for
    /// both; `p` may be an array of fractions).
    Percentile,
    /// `covar_pop(x, y)`: the population covariance over the pairs where
    /// both are non-NULL.
    CovarPop,
    /// `covar_samp(x, y)`: the sample covariance over the pairs where both
    /// are non-NULL.
    CovarSamp,
    /// `corr(x, y)`: Pearson's correlation over the pairs where both are
    /// non-NULL.
    Corr,
    /// `ngrams(sentences, n, k[, pf])`: the `k` most frequent runs of `n`
    /// words, with their counts.
    NGrams,
    /// `context_ngrams(sentences, context, k[, pf])`: the `k` most frequent
    /// fillings of the NULLs of a context of words.
    ContextNGrams,
    /// `histogram_numeric(x, b)`: a histogram of at most `b` bins (centre,
    /// height), built by merging the closest bins as values stream in.
    HistogramNumeric,
}

impl AggFunc {
    /// The function called `name` (case-insensitive), if it is an
    /// aggregate. Resolved through the registry, so analysis accepts
    /// exactly the names SHOW FUNCTIONS lists.
    pub fn from_name(name: &str) -> Option<AggFunc> {
        lookup(name).map(|f| f.func)
    }

    /// The result type for an argument type (Hive's rules), as the
    /// function's registry entry defines it.
    pub fn return_type(&self, arg: Option<&DataType>) -> DataType {
        (definition(*self).return_type)(arg)
    }

    /// Positions of the arguments the accumulator needs as values, not
    /// columns (percentile's fraction): the caller evaluates them once, on
    /// a one-row batch, into `AggregateCall::constants`, because this
    /// layer cannot evaluate expressions. Empty for most functions, so no
    /// other argument is ever evaluated outside the rows.
    pub fn constant_args(&self) -> &'static [usize] {
        match self {
            AggFunc::Percentile => percentile::CONSTANT_ARGS,
            AggFunc::NGrams | AggFunc::ContextNGrams => ngrams::CONSTANT_ARGS,
            AggFunc::HistogramNumeric => histogram::CONSTANT_ARGS,
            _ => &[],
        }
    }
}

/// A built-in aggregate function, as one SQL name sees it: aliases
/// (`mean` for `avg`) are entries of their own with the same `func` and
/// `return_type`, so each name is listed and resolved the same way.
pub struct AggregateFunction {
    /// Lower-case name, as SQL calls it and SHOW FUNCTIONS lists it.
    pub name: &'static str,
    /// What it computes: selects the accumulator `create` builds.
    pub func: AggFunc,
    /// The result type for the first argument's type (`None` for
    /// `count(*)`), by Hive's rules; analysis types aggregate calls with it.
    pub return_type: fn(Option<&DataType>) -> DataType,
}

impl std::fmt::Debug for AggregateFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}", self.name)
    }
}

/// Every family's named entries, in registry order.
fn entries() -> impl Iterator<Item = &'static AggregateFunction> {
    count::FUNCTIONS
        .iter()
        .chain(sum::FUNCTIONS)
        .chain(min_max::FUNCTIONS)
        .chain(variance::FUNCTIONS)
        .chain(collect::FUNCTIONS)
        .chain(percentile::FUNCTIONS)
        .chain(covariance::FUNCTIONS)
        .chain(ngrams::FUNCTIONS)
        .chain(histogram::FUNCTIONS)
}

fn registry() -> &'static HashMap<&'static str, &'static AggregateFunction> {
    static REGISTRY: OnceLock<HashMap<&'static str, &'static AggregateFunction>> = OnceLock::new();
    REGISTRY.get_or_init(|| entries().map(|f| (f.name, f)).collect())
}

/// The aggregate function called `name` (case-insensitive). The scalar
/// subquery's single value has no SQL name and is not found here.
pub fn lookup(name: &str) -> Option<&'static AggregateFunction> {
    registry().get(name.to_ascii_lowercase().as_str()).copied()
}

/// Names of all built-in aggregate functions, aliases included, sorted
/// (SHOW FUNCTIONS lists them beside the scalar ones).
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = registry().keys().copied().collect();
    v.sort();
    v
}

/// The entry defining `func` (its first name, for aliased functions), so
/// every `AggFunc` has exactly one result-type rule. SingleValue's entry is
/// kept out of the name registry: it has no SQL name.
pub fn definition(func: AggFunc) -> &'static AggregateFunction {
    if func == AggFunc::SingleValue {
        return &min_max::SINGLE_VALUE;
    }
    entries()
        .find(|f| f.func == func)
        .expect("every aggregate function has a registry entry")
}

/// One aggregate's state for every group.
pub(crate) trait Accumulator: Send {
    /// Adds raw input rows: row `i` belongs to group `groups[i]`.
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], num_groups: usize) -> Result<()>;
    /// Adds partial states (one per row) produced by `state`.
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], num_groups: usize) -> Result<()>;
    /// The partial state of each group, as columns.
    fn state(&mut self, num_groups: usize) -> Result<Vec<ArrayRef>>;
    /// The final value of each group.
    fn evaluate(&mut self, num_groups: usize) -> Result<ArrayRef>;
    /// Types of the state columns.
    fn state_types(&self) -> Vec<DataType>;
}

/// An aggregate call as its accumulator needs it: what a plan's aggregate
/// expression says, with the expressions replaced by their types (and the
/// values of the constant arguments the function asks for), since this
/// layer cannot see plans or evaluate expressions.
pub(crate) struct AggregateCall<'a> {
    /// The function.
    pub func: AggFunc,
    /// The type of each argument (empty for `count(*)`).
    pub arg_types: &'a [DataType],
    /// The call's result type, as analysis typed it.
    pub return_type: &'a DataType,
    /// `DISTINCT` was given: each group's repeated argument values are
    /// aggregated once.
    pub distinct: bool,
    /// `constants[i]`: argument `i` evaluated on one row, for the positions
    /// in [`AggFunc::constant_args`]; `None` (or missing) elsewhere.
    pub constants: &'a [Option<ArrayRef>],
}

impl AggregateCall<'_> {
    /// The type of the first argument, which decides most accumulators'
    /// state (`None` for `count(*)`).
    pub fn arg_type(&self) -> Option<&DataType> {
        self.arg_types.first()
    }

    /// The value of argument `i`, when the caller evaluated it.
    pub fn constant(&self, i: usize) -> Option<&ArrayRef> {
        self.constants.get(i).and_then(Option::as_ref)
    }
}

/// Builds the accumulator for `call`, wrapped to see each group's distinct
/// argument values once for `DISTINCT`.
pub(crate) fn create(call: &AggregateCall) -> Result<Box<dyn Accumulator>> {
    let base = match call.func {
        AggFunc::Count => count::create(call)?,
        AggFunc::Sum | AggFunc::Avg => sum::create(call)?,
        AggFunc::Min | AggFunc::Max | AggFunc::SingleValue => min_max::create(call)?,
        AggFunc::VarPop | AggFunc::VarSamp | AggFunc::StddevPop | AggFunc::StddevSamp => {
            variance::create(call)?
        }
        AggFunc::CollectList | AggFunc::CollectSet => collect::create(call)?,
        AggFunc::Percentile => percentile::create(call)?,
        AggFunc::NGrams | AggFunc::ContextNGrams => ngrams::create(call)?,
        AggFunc::HistogramNumeric => histogram::create(call)?,
        AggFunc::CovarPop | AggFunc::CovarSamp | AggFunc::Corr => covariance::create(call)?,
    };
    if call.distinct {
        return Ok(distinct::wrap(base));
    }
    Ok(base)
}

// ---- helpers shared by the families ----

/// Grows per-group state to `n` groups, new groups starting at `init`.
fn grow<T: Clone>(v: &mut Vec<T>, n: usize, init: T) {
    if v.len() < n {
        v.resize(n, init);
    }
}

/// Rows where every argument is non-NULL.
fn all_valid(args: &[ArrayRef], i: usize) -> bool {
    args.iter()
        .all(|a| a.is_valid(i) && a.data_type() != &DataType::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{AsArray, Float64Array, Int64Array};
    use arrow::datatypes::Float64Type;
    use std::sync::Arc;

    #[test]
    fn names_and_aliases_resolve_as_before() {
        let expected = [
            ("count", AggFunc::Count),
            ("SUM", AggFunc::Sum),
            ("avg", AggFunc::Avg),
            ("mean", AggFunc::Avg),
            ("min", AggFunc::Min),
            ("max", AggFunc::Max),
            ("variance", AggFunc::VarPop),
            ("var_pop", AggFunc::VarPop),
            ("var_samp", AggFunc::VarSamp),
            ("stddev", AggFunc::StddevPop),
            ("std", AggFunc::StddevPop),
            ("stddev_pop", AggFunc::StddevPop),
            ("stddev_samp", AggFunc::StddevSamp),
            ("collect_list", AggFunc::CollectList),
            ("collect_set", AggFunc::CollectSet),
            ("percentile", AggFunc::Percentile),
            ("percentile_approx", AggFunc::Percentile),
            ("covar_pop", AggFunc::CovarPop),
            ("covar_samp", AggFunc::CovarSamp),
            ("corr", AggFunc::Corr),
            ("ngrams", AggFunc::NGrams),
            ("context_ngrams", AggFunc::ContextNGrams),
            ("histogram_numeric", AggFunc::HistogramNumeric),
        ];
        for (name, func) in expected {
            assert_eq!(AggFunc::from_name(name), Some(func), "{name}");
        }
        assert_eq!(AggFunc::from_name("single_value"), None);
        assert_eq!(AggFunc::from_name("upper"), None);
        let listed = names();
        assert_eq!(listed.len(), expected.len());
        assert!(listed.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_function_has_one_definition() {
        for func in [
            AggFunc::Count,
            AggFunc::Sum,
            AggFunc::Avg,
            AggFunc::Min,
            AggFunc::Max,
            AggFunc::VarPop,
            AggFunc::VarSamp,
            AggFunc::StddevPop,
            AggFunc::StddevSamp,
            AggFunc::SingleValue,
            AggFunc::CollectList,
            AggFunc::CollectSet,
            AggFunc::Percentile,
            AggFunc::CovarPop,
            AggFunc::CovarSamp,
            AggFunc::Corr,
            AggFunc::NGrams,
            AggFunc::ContextNGrams,
            AggFunc::HistogramNumeric,
        ] {
            assert_eq!(definition(func).func, func);
        }
        assert_eq!(definition(AggFunc::Avg).name, "avg");
        assert!(lookup("single_value").is_none());
    }

    #[test]
    fn return_types_follow_hive() {
        let dec = DataType::Decimal128(10, 2);
        assert_eq!(AggFunc::Count.return_type(None), DataType::Int64);
        assert_eq!(
            AggFunc::Sum.return_type(Some(&DataType::Int32)),
            DataType::Int64
        );
        assert_eq!(
            AggFunc::Sum.return_type(Some(&dec)),
            DataType::Decimal128(20, 2)
        );
        assert_eq!(
            AggFunc::Avg.return_type(Some(&dec)),
            DataType::Decimal128(14, 6)
        );
        assert_eq!(
            AggFunc::Avg.return_type(Some(&DataType::Int64)),
            DataType::Float64
        );
        assert_eq!(
            AggFunc::SingleValue.return_type(Some(&DataType::Utf8)),
            DataType::Utf8
        );
        assert_eq!(AggFunc::Max.return_type(None), DataType::Null);
        assert_eq!(
            AggFunc::CollectSet.return_type(None),
            crate::functions::list_of(DataType::Utf8)
        );
        assert_eq!(
            AggFunc::Corr.return_type(Some(&DataType::Float64)),
            DataType::Float64
        );
    }

    #[test]
    fn distinct_counts_each_value_once() {
        let call = AggregateCall {
            func: AggFunc::Count,
            arg_types: &[DataType::Int64],
            return_type: &DataType::Int64,
            distinct: true,
            constants: &[],
        };
        let mut acc = create(&call).unwrap();
        let x: ArrayRef = Arc::new(Int64Array::from(vec![Some(1), Some(1), None, Some(2)]));
        acc.update(&[0, 0, 0, 1], &[x], 2).unwrap();
        let out = acc.evaluate(2).unwrap();
        let counts = out.as_primitive::<arrow::datatypes::Int64Type>();
        assert_eq!(counts.values().to_vec(), vec![1, 1]);
    }

    #[test]
    fn percentile_reads_its_fraction_from_the_constants() {
        let fraction: ArrayRef = Arc::new(Float64Array::from(vec![0.5]));
        let constants = [None, Some(fraction)];
        let call = AggregateCall {
            func: AggFunc::Percentile,
            arg_types: &[DataType::Float64, DataType::Float64],
            return_type: &DataType::Float64,
            distinct: false,
            constants: &constants,
        };
        let mut acc = create(&call).unwrap();
        let x: ArrayRef = Arc::new(Float64Array::from(vec![1.0, 4.0, 2.0]));
        acc.update(&[0, 0, 0], &[x.clone(), x], 1).unwrap();
        let out = acc.evaluate(1).unwrap();
        assert_eq!(out.as_primitive::<Float64Type>().value(0), 2.0);
        let missing = AggregateCall {
            constants: &[],
            ..call
        };
        assert!(create(&missing).is_err());
    }
}
