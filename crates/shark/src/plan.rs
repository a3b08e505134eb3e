//! Logical plans: what a query computes, as a tree of relational operators
//! over positional columns. The analyzer builds them, the optimizer
//! rewrites them, `exec` turns them into RDDs of record batches.

use crate::expr::Expr;
use crate::table::TableSource;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use std::fmt;
use std::sync::Arc;

/// Aggregate functions, defined with their names, result types and
/// accumulators in `functions::aggregate`; re-exported so plans (and every
/// `crate::plan::AggFunc` path) keep naming them here.
pub use crate::functions::aggregate::AggFunc;

/// One aggregate call: `func(DISTINCT? args)`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AggExpr {
    /// The function.
    pub func: AggFunc,
    /// Its arguments, over the aggregate's input (empty for `count(*)`).
    pub args: Vec<Expr>,
    /// `DISTINCT` was given.
    pub distinct: bool,
    /// The result type.
    pub data_type: DataType,
}

impl fmt::Display for AggExpr {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let args: Vec<String> = self.args.iter().map(|a| a.to_string()).collect();
        let args = if args.is_empty() {
            "*".to_string()
        } else {
            args.join(", ")
        };
        write!(
            f,
            "{}({}{args})",
            format!("{:?}", self.func).to_lowercase(),
            if self.distinct { "DISTINCT " } else { "" }
        )
    }
}

/// Window (analytic) functions: `f(...) OVER (...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub enum WindowFunc {
    /// An aggregate over the frame.
    Agg(AggFunc),
    RowNumber,
    Rank,
    DenseRank,
    PercentRank,
    CumeDist,
    /// `ntile(n)`: the bucket 1..n of the row.
    Ntile,
    /// `lag(x[, offset[, default]])`.
    Lag,
    /// `lead(x[, offset[, default]])`.
    Lead,
    FirstValue,
    LastValue,
}

impl WindowFunc {
    /// The function called `name` when it has an OVER clause.
    pub fn from_name(name: &str) -> Option<WindowFunc> {
        if let Some(a) = AggFunc::from_name(name) {
            return Some(WindowFunc::Agg(a));
        }
        Some(match name.to_ascii_lowercase().as_str() {
            "row_number" => WindowFunc::RowNumber,
            "rank" => WindowFunc::Rank,
            "dense_rank" => WindowFunc::DenseRank,
            "percent_rank" => WindowFunc::PercentRank,
            "cume_dist" => WindowFunc::CumeDist,
            "ntile" => WindowFunc::Ntile,
            "lag" => WindowFunc::Lag,
            "lead" => WindowFunc::Lead,
            "first_value" => WindowFunc::FirstValue,
            "last_value" => WindowFunc::LastValue,
            _ => return None,
        })
    }

    /// True for functions computed over the frame (the others ignore it).
    pub fn uses_frame(&self) -> bool {
        matches!(
            self,
            WindowFunc::Agg(_) | WindowFunc::FirstValue | WindowFunc::LastValue
        )
    }
}

/// ROWS counts rows from the current one; RANGE compares ORDER BY values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub enum FrameUnits {
    Rows,
    Range,
}

/// One end of a window frame. Offsets are row counts (ROWS) or distances
/// between ORDER BY values (RANGE).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub enum FrameBound {
    UnboundedPreceding,
    Preceding(f64),
    CurrentRow,
    Following(f64),
    UnboundedFollowing,
}

/// The rows of its partition a window function sees from each row.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WindowFrame {
    /// How offsets are measured.
    pub units: FrameUnits,
    /// Where the frame starts.
    pub start: FrameBound,
    /// Where it ends (inclusive).
    pub end: FrameBound,
}

impl WindowFrame {
    /// The frame when none is given: to the current row's last peer with
    /// an ORDER BY, else the whole partition (SQL's and Hive's default).
    pub fn default_for(ordered: bool) -> WindowFrame {
        WindowFrame {
            units: FrameUnits::Range,
            start: FrameBound::UnboundedPreceding,
            end: if ordered {
                FrameBound::CurrentRow
            } else {
                FrameBound::UnboundedFollowing
            },
        }
    }
}

impl fmt::Display for FrameBound {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            FrameBound::UnboundedPreceding => write!(f, "UNBOUNDED PRECEDING"),
            FrameBound::Preceding(n) => write!(f, "{n} PRECEDING"),
            FrameBound::CurrentRow => write!(f, "CURRENT ROW"),
            FrameBound::Following(n) => write!(f, "{n} FOLLOWING"),
            FrameBound::UnboundedFollowing => write!(f, "UNBOUNDED FOLLOWING"),
        }
    }
}

/// PARTITION BY and ORDER BY of a window: the rows a function sees and
/// their order. Functions sharing one are computed in one pass.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WindowSpec {
    /// Rows with equal values form a partition.
    pub partition_by: Vec<Expr>,
    /// The order inside a partition.
    pub order_by: Vec<SortKey>,
}

/// One window function call.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WindowExpr {
    /// The function.
    pub func: WindowFunc,
    /// Its arguments over the window's input (lag/lead: value, offset,
    /// default; ntile: buckets).
    pub args: Vec<Expr>,
    /// `DISTINCT` was given (aggregates).
    pub distinct: bool,
    /// first_value/last_value skip NULLs (`first_value(x, true)`).
    pub ignore_nulls: bool,
    /// The frame (ignored by ranking functions and lag/lead).
    pub frame: WindowFrame,
    /// The result type.
    pub data_type: DataType,
}

impl WindowExpr {
    /// The aggregate computed over each frame, for `WindowFunc::Agg`.
    pub fn agg(&self) -> Option<AggExpr> {
        match self.func {
            WindowFunc::Agg(func) => Some(AggExpr {
                func,
                args: self.args.clone(),
                distinct: self.distinct,
                data_type: self.data_type.clone(),
            }),
            _ => None,
        }
    }
}

impl fmt::Display for WindowExpr {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.agg() {
            Some(a) => write!(f, "{a}")?,
            None => {
                let args: Vec<String> = self.args.iter().map(|a| a.to_string()).collect();
                write!(
                    f,
                    "{}({})",
                    format!("{:?}", self.func).to_lowercase(),
                    args.join(", ")
                )?
            }
        }
        if self.func.uses_frame() {
            let units = match self.frame.units {
                FrameUnits::Rows => "ROWS",
                FrameUnits::Range => "RANGE",
            };
            write!(
                f,
                " {units} BETWEEN {} AND {}",
                self.frame.start, self.frame.end
            )?;
        }
        Ok(())
    }
}

/// What a LATERAL VIEW generates from each row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Generator {
    /// One row per element of an array: the element.
    Explode,
    /// One row per element: its position (from 0), then the element.
    PosExplode,
    /// One row per JSON document: the values of these top-level keys, as
    /// strings.
    JsonTuple(Vec<String>),
    /// One row per element of an array of structs, the struct's fields as
    /// columns (these names): `inline`, and `stack` planned as one.
    Inline(Vec<String>),
}

impl Generator {
    /// The function's name, for plans.
    pub fn name(&self) -> &'static str {
        match self {
            Generator::Explode => "explode",
            Generator::PosExplode => "posexplode",
            Generator::JsonTuple(_) => "json_tuple",
            Generator::Inline(_) => "inline",
        }
    }
}

/// Join types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
    /// Left rows with a match; only left columns.
    LeftSemi,
    /// Left rows without a match; only left columns.
    LeftAnti,
    /// Every pair (possibly with a filter).
    Cross,
}

/// One ORDER BY / SORT BY key.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SortKey {
    /// The key expression.
    pub expr: Expr,
    /// Ascending.
    pub asc: bool,
    /// NULLs before other values (Hive: first when ascending, last when descending).
    pub nulls_first: bool,
}

impl fmt::Display for SortKey {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{} {}{}",
            self.expr,
            if self.asc { "ASC" } else { "DESC" },
            if self.nulls_first {
                " NULLS FIRST"
            } else {
                " NULLS LAST"
            }
        )
    }
}

/// Rows of a table. `projection` picks table columns (all when `None`);
/// `filters` (over table column indices) let the source skip data, the
/// plan still filters above the scan.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Scan {
    pub table: String,
    pub source: Arc<dyn TableSource>,
    pub projection: Option<Vec<usize>>,
    pub filters: Vec<Expr>,
    pub schema: SchemaRef,
}

/// No rows.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Empty {
    pub schema: SchemaRef,
}

/// The `Filter` operator.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Filter {
    pub input: Arc<LogicalPlan>,
    pub predicate: Expr,
}

/// The `Project` operator.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Project {
    pub input: Arc<LogicalPlan>,
    pub exprs: Vec<Expr>,
    pub schema: SchemaRef,
}

/// Output: the group keys, then the aggregates.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Aggregate {
    pub input: Arc<LogicalPlan>,
    pub group: Vec<Expr>,
    pub aggs: Vec<AggExpr>,
    pub schema: SchemaRef,
}

/// Output: left columns then right columns (left only for semi/anti).
/// `on` pairs a left key with a right key; `filter` is over the
/// combined columns. `null_safe` makes NULL keys match (set
/// operations); `null_aware` gives NOT IN's semantics to an anti join.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Join {
    pub left: Arc<LogicalPlan>,
    pub right: Arc<LogicalPlan>,
    pub kind: JoinKind,
    pub on: Vec<(Expr, Expr)>,
    pub filter: Option<Expr>,
    pub null_safe: bool,
    pub null_aware: bool,
    pub broadcast_hint: bool,
    pub schema: SchemaRef,
}

/// ORDER BY, optionally keeping only the first `fetch` rows.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Sort {
    pub input: Arc<LogicalPlan>,
    pub keys: Vec<SortKey>,
    pub fetch: Option<usize>,
}

/// The `Limit` operator.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Limit {
    pub input: Arc<LogicalPlan>,
    pub fetch: usize,
}

/// Skips the first `skip` rows of the (ordered) input: `LIMIT m, n`
/// and `OFFSET m`.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Offset {
    pub input: Arc<LogicalPlan>,
    pub skip: usize,
}

/// UNION ALL of inputs with identical column types.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Union {
    pub inputs: Vec<Arc<LogicalPlan>>,
    pub schema: SchemaRef,
}

/// Hive's DISTRIBUTE BY: rows with equal keys in one partition.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Distribute {
    pub input: Arc<LogicalPlan>,
    pub keys: Vec<Expr>,
}

/// Hive's SORT BY: each partition sorted, no global order.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct LocalSort {
    pub input: Arc<LogicalPlan>,
    pub keys: Vec<SortKey>,
}

/// Each input row repeated `times` times (INTERSECT ALL, EXCEPT ALL).
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Replicate {
    pub input: Arc<LogicalPlan>,
    pub times: Expr,
}

/// LATERAL VIEW [OUTER]: each input row once per element of the array
/// `arg` (once with NULLs when OUTER and the array is empty or NULL), or
/// once with the values of a JSON document. Output: the input columns,
/// then the generated ones.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Generate {
    pub input: Arc<LogicalPlan>,
    pub generator: Generator,
    pub arg: Expr,
    pub outer: bool,
    pub schema: SchemaRef,
}

/// Hive's TRANSFORM: each partition's rows written as text to a script's
/// stdin, its stdout lines read back as the output columns (`schema`).
#[derive(Clone)]
#[allow(missing_docs)]
pub struct ScriptTransform {
    pub input: Arc<LogicalPlan>,
    pub spec: crate::script::ScriptSpec,
    pub schema: SchemaRef,
}

/// Window functions sharing one PARTITION BY / ORDER BY. Output: the
/// input columns, then one column per function.
#[derive(Clone)]
#[allow(missing_docs)]
pub struct Window {
    pub input: Arc<LogicalPlan>,
    pub spec: WindowSpec,
    pub exprs: Vec<WindowExpr>,
    pub schema: SchemaRef,
}

/// A relational operator tree. Each operator's fields are a struct of
/// its own, so passes can hold and pass one operator by name.
#[derive(Clone)]
pub enum LogicalPlan {
    /// Rows of a table. `projection` picks table columns (all when `None`);
    /// `filters` (over table column indices) let the source skip data, the
    /// plan still filters above the scan.
    Scan(Scan),
    /// One row with no columns: the input of `SELECT 1`.
    OneRow,
    /// No rows.
    Empty(Empty),
    /// The `Filter` operator.
    Filter(Filter),
    /// The `Project` operator.
    Project(Project),
    /// Output: the group keys, then the aggregates.
    Aggregate(Aggregate),
    /// Output: left columns then right columns (left only for semi/anti).
    /// `on` pairs a left key with a right key; `filter` is over the
    /// combined columns. `null_safe` makes NULL keys match (set
    /// operations); `null_aware` gives NOT IN's semantics to an anti join.
    Join(Join),
    /// ORDER BY, optionally keeping only the first `fetch` rows.
    Sort(Sort),
    /// The `Limit` operator.
    Limit(Limit),
    /// Skips the first `skip` rows of the (ordered) input: `LIMIT m, n`
    /// and `OFFSET m`.
    Offset(Offset),
    /// UNION ALL of inputs with identical column types.
    Union(Union),
    /// Hive's DISTRIBUTE BY: rows with equal keys in one partition.
    Distribute(Distribute),
    /// Hive's SORT BY: each partition sorted, no global order.
    LocalSort(LocalSort),
    /// Each input row repeated `times` times (INTERSECT ALL, EXCEPT ALL).
    Replicate(Replicate),
    /// LATERAL VIEW [OUTER]: each input row once per element of the array
    /// `arg` (once with NULLs when OUTER and the array is empty or NULL), or
    /// once with the values of a JSON document. Output: the input columns,
    /// then the generated ones.
    Generate(Generate),
    /// Window functions sharing one PARTITION BY / ORDER BY. Output: the
    /// input columns, then one column per function.
    Window(Window),
    /// TRANSFORM … USING 'script': rows through an external program.
    ScriptTransform(ScriptTransform),
}

fn empty_schema() -> SchemaRef {
    static EMPTY: std::sync::OnceLock<SchemaRef> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Arc::new(Schema::empty())).clone()
}

impl LogicalPlan {
    /// The output columns.
    pub fn schema(&self) -> SchemaRef {
        match self {
            LogicalPlan::Scan(Scan { schema, .. })
            | LogicalPlan::Empty(Empty { schema })
            | LogicalPlan::Project(Project { schema, .. })
            | LogicalPlan::Aggregate(Aggregate { schema, .. })
            | LogicalPlan::Join(Join { schema, .. })
            | LogicalPlan::Window(Window { schema, .. })
            | LogicalPlan::Generate(Generate { schema, .. })
            | LogicalPlan::ScriptTransform(ScriptTransform { schema, .. })
            | LogicalPlan::Union(Union { schema, .. }) => schema.clone(),
            LogicalPlan::OneRow => empty_schema(),
            LogicalPlan::Filter(Filter { input, .. })
            | LogicalPlan::Sort(Sort { input, .. })
            | LogicalPlan::Limit(Limit { input, .. })
            | LogicalPlan::Offset(Offset { input, .. })
            | LogicalPlan::Distribute(Distribute { input, .. })
            | LogicalPlan::LocalSort(LocalSort { input, .. })
            | LogicalPlan::Replicate(Replicate { input, .. }) => input.schema(),
        }
    }

    /// Direct inputs.
    pub fn inputs(&self) -> Vec<&Arc<LogicalPlan>> {
        match self {
            LogicalPlan::Scan(Scan { .. })
            | LogicalPlan::OneRow
            | LogicalPlan::Empty(Empty { .. }) => vec![],
            LogicalPlan::Filter(Filter { input, .. })
            | LogicalPlan::Project(Project { input, .. })
            | LogicalPlan::Aggregate(Aggregate { input, .. })
            | LogicalPlan::Sort(Sort { input, .. })
            | LogicalPlan::Limit(Limit { input, .. })
            | LogicalPlan::Offset(Offset { input, .. })
            | LogicalPlan::Distribute(Distribute { input, .. })
            | LogicalPlan::LocalSort(LocalSort { input, .. })
            | LogicalPlan::Window(Window { input, .. })
            | LogicalPlan::Generate(Generate { input, .. })
            | LogicalPlan::ScriptTransform(ScriptTransform { input, .. })
            | LogicalPlan::Replicate(Replicate { input, .. }) => vec![input],
            LogicalPlan::Join(Join { left, right, .. }) => vec![left, right],
            LogicalPlan::Union(Union { inputs, .. }) => inputs.iter().collect(),
        }
    }

    fn describe(&self) -> String {
        let keys = |ks: &[SortKey]| {
            ks.iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let list = |es: &[Expr]| {
            es.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            LogicalPlan::Scan(Scan {
                table,
                projection,
                filters,
                schema,
                source,
            }) => {
                let cols: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
                let mut s = format!("Scan {table} [{}] ({})", cols.join(", "), source.kind());
                if projection.is_some() {
                    s.push_str(" projected");
                }
                if !filters.is_empty() {
                    s.push_str(&format!(" pushed filters: {}", list(filters)));
                }
                s
            }
            LogicalPlan::OneRow => "OneRow".into(),
            LogicalPlan::Empty(Empty { .. }) => "Empty".into(),
            LogicalPlan::Filter(Filter { predicate, .. }) => format!("Filter {predicate}"),
            LogicalPlan::Project(Project { exprs, schema, .. }) => {
                let items: Vec<String> = exprs
                    .iter()
                    .zip(schema.fields())
                    .map(|(e, f)| format!("{e} AS {}", f.name()))
                    .collect();
                format!("Project {}", items.join(", "))
            }
            LogicalPlan::Aggregate(Aggregate { group, aggs, .. }) => {
                let a: Vec<String> = aggs.iter().map(|a| a.to_string()).collect();
                format!("Aggregate group=[{}] aggs=[{}]", list(group), a.join(", "))
            }
            LogicalPlan::Join(Join {
                kind,
                on,
                filter,
                null_aware,
                broadcast_hint,
                ..
            }) => {
                let keys: Vec<String> = on.iter().map(|(l, r)| format!("{l} = {r}")).collect();
                let mut s = format!("Join {kind:?} on [{}]", keys.join(", "));
                if let Some(f) = filter {
                    s.push_str(&format!(" filter {f}"));
                }
                if *null_aware {
                    s.push_str(" null-aware");
                }
                if *broadcast_hint {
                    s.push_str(" MAPJOIN hint");
                }
                s
            }
            LogicalPlan::Sort(Sort { keys: k, fetch, .. }) => match fetch {
                Some(n) => format!("TopN {n} by {}", keys(k)),
                None => format!("Sort {}", keys(k)),
            },
            LogicalPlan::Limit(Limit { fetch, .. }) => format!("Limit {fetch}"),
            LogicalPlan::Offset(Offset { skip, .. }) => format!("Offset {skip}"),
            LogicalPlan::Union(Union { inputs, .. }) => {
                format!("UnionAll ({} inputs)", inputs.len())
            }
            LogicalPlan::Distribute(Distribute { keys, .. }) => {
                format!("DistributeBy {}", list(keys))
            }
            LogicalPlan::LocalSort(LocalSort { keys: k, .. }) => format!("SortBy {}", keys(k)),
            LogicalPlan::Replicate(Replicate { times, .. }) => format!("Replicate {times} times"),
            LogicalPlan::ScriptTransform(ScriptTransform { spec, .. }) => {
                format!("ScriptTransform USING '{}'", spec.command)
            }
            LogicalPlan::Generate(Generate {
                generator,
                arg,
                outer,
                ..
            }) => {
                let keys = match generator {
                    Generator::JsonTuple(keys) => format!(", {}", keys.join(", ")),
                    _ => String::new(),
                };
                format!(
                    "LateralView{} {}({arg}{keys})",
                    if *outer { " OUTER" } else { "" },
                    generator.name()
                )
            }
            LogicalPlan::Window(Window { spec, exprs, .. }) => {
                let fs: Vec<String> = exprs.iter().map(|e| e.to_string()).collect();
                format!(
                    "Window partition=[{}] order=[{}] [{}]",
                    list(&spec.partition_by),
                    keys(&spec.order_by),
                    fs.join(", ")
                )
            }
        }
    }

    fn fmt_indent(&self, f: &mut fmt::Formatter, depth: usize) -> fmt::Result {
        writeln!(f, "{}{}", "  ".repeat(depth), self.describe())?;
        for i in self.inputs() {
            i.fmt_indent(f, depth + 1)?;
        }
        Ok(())
    }
}

impl fmt::Display for LogicalPlan {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.fmt_indent(f, 0)
    }
}

/// A schema from names and types (all nullable, as Hive's columns are).
pub fn schema_of(cols: &[(String, DataType)]) -> SchemaRef {
    Arc::new(Schema::new(
        cols.iter()
            .map(|(n, t)| Field::new(n, t.clone(), true))
            .collect::<Vec<_>>(),
    ))
}

/// The output schema of a join of `left` and `right`.
pub fn join_schema(left: &SchemaRef, right: &SchemaRef, kind: JoinKind) -> SchemaRef {
    let mut fields: Vec<Field> = left
        .fields()
        .iter()
        .map(|f| f.as_ref().clone().with_nullable(true))
        .collect();
    if !matches!(kind, JoinKind::LeftSemi | JoinKind::LeftAnti) {
        fields.extend(
            right
                .fields()
                .iter()
                .map(|f| f.as_ref().clone().with_nullable(true)),
        );
    }
    Arc::new(Schema::new(fields))
}
