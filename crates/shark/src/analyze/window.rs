//! Window functions in a select list: `f(...) OVER (...)` calls are bound
//! to placeholder columns (as aggregates are), then planned as Window
//! operators — one per distinct PARTITION BY / ORDER BY — above the rows or
//! the aggregation they read, and the placeholders become their columns.

use super::expr::{agg_call, bind, function_args, BindCtx, AGG_BASE};
use crate::error::{Result, SharkError};
use crate::expr::Expr;
use crate::plan::Window;
use crate::plan::{
    AggFunc, FrameBound, FrameUnits, LogicalPlan, WindowExpr, WindowFrame, WindowFunc, WindowSpec,
};
use crate::scalar::ScalarValue;
use arrow::datatypes::{DataType, Field, Schema};
use sqlparser::ast::{self as ast, Expr as SqlExpr};
use std::collections::HashMap;
use std::sync::Arc;

/// Column indices from here up to `AGG_BASE` stand for window function
/// results while a select list is bound.
pub const WIN_BASE: usize = 1 << 29;

/// The window calls of one select list, and its named windows.
#[derive(Default)]
pub struct WindowCalls {
    named: HashMap<String, ast::WindowSpec>,
    calls: Vec<(WindowSpec, WindowExpr)>,
}

impl WindowCalls {
    /// Calls of a SELECT with `WINDOW name AS (...)` definitions.
    pub fn new(defs: &[ast::NamedWindowDefinition]) -> Result<WindowCalls> {
        let mut named = HashMap::new();
        let mut aliases = Vec::new();
        for ast::NamedWindowDefinition(name, def) in defs {
            let key = name.value.to_ascii_lowercase();
            match def {
                ast::NamedWindowExpr::WindowSpec(spec) => {
                    named.insert(key, spec.clone());
                }
                ast::NamedWindowExpr::NamedWindow(other) => {
                    aliases.push((key, other.value.to_ascii_lowercase()))
                }
            }
        }
        for (alias, target) in aliases {
            let spec = named
                .get(&target)
                .cloned()
                .ok_or_else(|| SharkError::analysis(format!("unknown window '{target}'")))?;
            named.insert(alias, spec);
        }
        Ok(WindowCalls {
            named,
            calls: Vec::new(),
        })
    }

    /// True when no window function was found.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The window an OVER clause names or spells out (a spec may start
    /// from a named window and add to it).
    fn resolve(&self, over: &ast::WindowType) -> Result<ast::WindowSpec> {
        let lookup = |name: &ast::Ident| {
            self.named
                .get(&name.value.to_ascii_lowercase())
                .cloned()
                .ok_or_else(|| SharkError::analysis(format!("unknown window '{}'", name.value)))
        };
        match over {
            ast::WindowType::NamedWindow(name) => lookup(name),
            ast::WindowType::WindowSpec(spec) => match &spec.window_name {
                None => Ok(spec.clone()),
                Some(name) => {
                    let mut base = lookup(name)?;
                    if !spec.partition_by.is_empty() {
                        base.partition_by = spec.partition_by.clone();
                    }
                    if !spec.order_by.is_empty() {
                        base.order_by = spec.order_by.clone();
                    }
                    if spec.window_frame.is_some() {
                        base.window_frame = spec.window_frame.clone();
                    }
                    base.window_name = None;
                    Ok(base)
                }
            },
        }
    }

    /// Rewrites every call's expressions (e.g. onto an aggregation's output).
    pub fn rewrite(&mut self, f: &mut dyn FnMut(Expr) -> Result<Expr>) -> Result<()> {
        for (spec, w) in &mut self.calls {
            spec.partition_by = std::mem::take(&mut spec.partition_by)
                .into_iter()
                .map(&mut *f)
                .collect::<Result<_>>()?;
            for k in &mut spec.order_by {
                k.expr = f(k.expr.clone())?;
            }
            w.args = std::mem::take(&mut w.args)
                .into_iter()
                .map(&mut *f)
                .collect::<Result<_>>()?;
        }
        Ok(())
    }
}

/// Binds `name(...) OVER (...)` to a placeholder for its result column.
pub(crate) fn bind_window_call(f: &ast::Function, name: &str, cx: &mut BindCtx) -> Result<Expr> {
    let Some(calls) = cx.windows.take() else {
        return Err(SharkError::analysis(format!(
            "window function {name} is only allowed in the SELECT list"
        )));
    };
    // While its arguments are bound, no window function inside another.
    let placeholder = bind_call(f, name, &mut *calls, cx)?;
    cx.windows = Some(calls);
    Ok(placeholder)
}

fn bind_call(
    f: &ast::Function,
    name: &str,
    calls: &mut WindowCalls,
    cx: &mut BindCtx,
) -> Result<Expr> {
    let func = WindowFunc::from_name(name)
        .ok_or_else(|| SharkError::analysis(format!("{name} is not a window function")))?;
    let over = f.over.as_ref().expect("a window call has OVER");
    let spec = calls.resolve(over)?;
    let (args, distinct, star) = function_args(f)?;
    // Arguments and keys see the rows (or groups) the window reads.
    let bound: Vec<Expr> = args.iter().map(|a| bind(a, cx)).collect::<Result<_>>()?;
    let partition_by: Vec<Expr> = spec
        .partition_by
        .iter()
        .map(|e| bind(e, cx))
        .collect::<Result<_>>()?;
    let order_by = spec
        .order_by
        .iter()
        .map(|o| Ok(super::sort_key(bind(&o.expr, cx)?, &o.options)))
        .collect::<Result<Vec<_>>>()?;
    let ignore_nulls = matches!(f.null_treatment, Some(ast::NullTreatment::IgnoreNulls));
    let (args, data_type, ignore_nulls) =
        typed_args(func, name, bound, distinct, star, ignore_nulls)?;
    let frame = match &spec.window_frame {
        Some(fr) if func.uses_frame() => frame(fr)?,
        _ => WindowFrame::default_for(!order_by.is_empty()),
    };
    if frame.units == FrameUnits::Range
        && [frame.start, frame.end]
            .iter()
            .any(|b| matches!(b, FrameBound::Preceding(_) | FrameBound::Following(_)))
        && order_by.len() != 1
    {
        return Err(SharkError::analysis(
            "a RANGE frame with an offset needs exactly one ORDER BY key",
        ));
    }
    let call = (
        WindowSpec {
            partition_by,
            order_by,
        },
        WindowExpr {
            func,
            args,
            distinct,
            ignore_nulls,
            frame,
            data_type: data_type.clone(),
        },
    );
    let index = match calls.calls.iter().position(|c| *c == call) {
        Some(i) => i,
        None => {
            calls.calls.push(call);
            calls.calls.len() - 1
        }
    };
    Ok(Expr::column(WIN_BASE + index, name, data_type))
}

fn literal_number(e: &SqlExpr, what: &str) -> Result<f64> {
    let bad = || SharkError::analysis(format!("{what} must be a non-negative number, got {e}"));
    match e {
        SqlExpr::Value(v) => match &v.value {
            ast::Value::Number(n, _) => n.parse::<f64>().ok().filter(|x| *x >= 0.0).ok_or_else(bad),
            _ => Err(bad()),
        },
        SqlExpr::Nested(inner) => literal_number(inner, what),
        _ => Err(bad()),
    }
}

fn bound(b: &ast::WindowFrameBound, start: bool) -> Result<FrameBound> {
    Ok(match b {
        ast::WindowFrameBound::CurrentRow => FrameBound::CurrentRow,
        ast::WindowFrameBound::Preceding(None) => FrameBound::UnboundedPreceding,
        ast::WindowFrameBound::Following(None) => FrameBound::UnboundedFollowing,
        ast::WindowFrameBound::Preceding(Some(n)) => {
            FrameBound::Preceding(literal_number(n, "a frame offset")?)
        }
        ast::WindowFrameBound::Following(Some(n)) => {
            FrameBound::Following(literal_number(n, "a frame offset")?)
        }
    })
    .and_then(|fb| match (fb, start) {
        (FrameBound::UnboundedFollowing, true) => Err(SharkError::analysis(
            "a window frame cannot start at UNBOUNDED FOLLOWING",
        )),
        (FrameBound::UnboundedPreceding, false) => Err(SharkError::analysis(
            "a window frame cannot end at UNBOUNDED PRECEDING",
        )),
        (fb, _) => Ok(fb),
    })
}

fn frame(f: &ast::WindowFrame) -> Result<WindowFrame> {
    let units = match f.units {
        ast::WindowFrameUnits::Rows => FrameUnits::Rows,
        ast::WindowFrameUnits::Range => FrameUnits::Range,
        ast::WindowFrameUnits::Groups => return Err(SharkError::unsupported("GROUPS frames")),
    };
    let start = bound(&f.start_bound, true)?;
    // `ROWS 2 PRECEDING` ends at the current row.
    let end = match &f.end_bound {
        Some(b) => bound(b, false)?,
        None => FrameBound::CurrentRow,
    };
    Ok(WindowFrame { units, start, end })
}

/// The arguments with Hive's conversions, the result type, and whether
/// NULLs are skipped (first_value/last_value's second argument).
fn typed_args(
    func: WindowFunc,
    name: &str,
    args: Vec<Expr>,
    distinct: bool,
    star: bool,
    ignore_nulls: bool,
) -> Result<(Vec<Expr>, DataType, bool)> {
    let arity = |lo: usize, hi: usize| {
        if args.len() < lo || args.len() > hi || star || distinct {
            Err(SharkError::analysis(format!(
                "{name} takes {} argument{}",
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo} to {hi}")
                },
                if hi == 1 { "" } else { "s" }
            )))
        } else {
            Ok(())
        }
    };
    Ok(match func {
        WindowFunc::Agg(a) => {
            let agg = agg_call(name, a, args, distinct, star)?;
            if a == AggFunc::SingleValue {
                return Err(SharkError::analysis(format!(
                    "{name} is not a window function"
                )));
            }
            (agg.args, agg.data_type, false)
        }
        WindowFunc::RowNumber | WindowFunc::Rank | WindowFunc::DenseRank => {
            arity(0, 0)?;
            (args, DataType::Int32, false)
        }
        WindowFunc::PercentRank | WindowFunc::CumeDist => {
            arity(0, 0)?;
            (args, DataType::Float64, false)
        }
        WindowFunc::Ntile => {
            arity(1, 1)?;
            constant(&args[0], name)?;
            (args, DataType::Int32, false)
        }
        WindowFunc::Lag | WindowFunc::Lead => {
            arity(1, 3)?;
            let mut args = args;
            if let Some(o) = args.get(1) {
                constant(o, name)?;
            }
            let value_type = args[0].data_type();
            let t = match (&value_type, args.get(2)) {
                (DataType::Null, Some(d)) => d.data_type(),
                _ => value_type,
            };
            args[0] = args[0].clone().cast_to(&t);
            if let Some(d) = args.get_mut(2) {
                *d = d.clone().cast_to(&t);
            }
            (args, t, false)
        }
        WindowFunc::FirstValue | WindowFunc::LastValue => {
            arity(1, 2)?;
            let mut args = args;
            let skip = match args.get(1) {
                None => ignore_nulls,
                Some(Expr::Literal(ScalarValue::Boolean(b))) => *b || ignore_nulls,
                Some(other) => {
                    return Err(SharkError::analysis(format!(
                        "{name}'s second argument must be TRUE or FALSE, got {other}"
                    )))
                }
            };
            args.truncate(1);
            let t = args[0].data_type();
            (args, t, skip)
        }
    })
}

fn constant(e: &Expr, name: &str) -> Result<()> {
    let mut cols = Vec::new();
    e.columns(&mut cols);
    if cols.is_empty() {
        Ok(())
    } else {
        Err(SharkError::analysis(format!(
            "{name}'s numeric arguments must be constants"
        )))
    }
}

/// Plans the calls above `input`: one Window operator per distinct
/// PARTITION BY / ORDER BY, in the order they first appear; the column of
/// each call's result, by call index.
pub(crate) fn plan_windows(
    input: Arc<LogicalPlan>,
    calls: WindowCalls,
) -> (Arc<LogicalPlan>, Vec<(usize, DataType)>) {
    let mut specs: Vec<WindowSpec> = Vec::new();
    for (s, _) in &calls.calls {
        if !specs.contains(s) {
            specs.push(s.clone());
        }
    }
    let mut column = vec![(0, DataType::Null); calls.calls.len()];
    let mut plan = input;
    for spec in specs {
        let mut fields: Vec<Field> = plan
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        let mut exprs = Vec::new();
        for (k, (s, w)) in calls.calls.iter().enumerate() {
            if *s == spec {
                column[k] = (fields.len(), w.data_type.clone());
                fields.push(Field::new(format!("_w{k}"), w.data_type.clone(), true));
                exprs.push(w.clone());
            }
        }
        plan = Arc::new(LogicalPlan::Window(Window {
            input: plan,
            spec,
            exprs,
            schema: Arc::new(Schema::new(fields)),
        }));
    }
    (plan, column)
}

/// Replaces window placeholders in `e` with the columns of their results.
pub(crate) fn place_results(e: Expr, columns: &[(usize, DataType)]) -> Expr {
    e.transform(&mut |x| match x {
        Expr::Column { index, name, .. } if (WIN_BASE..AGG_BASE).contains(&index) => {
            let (c, t) = &columns[index - WIN_BASE];
            Expr::column(*c, name, t.clone())
        }
        other => other,
    })
}
