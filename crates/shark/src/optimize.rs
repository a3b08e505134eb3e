//! Rule-based rewrites of logical plans: constant folding, predicate
//! pushdown (through projections, into joins — turning WHERE equalities of
//! comma joins into join keys — and into scans), and column pruning so
//! scans read only the columns a query uses.

use crate::error::Result;
use crate::expr::rewrite::{deterministic, factor_or, fold, implied_by_disjunction, split_equi};
use crate::expr::{BinaryOp, Expr};
use crate::plan::{
    Aggregate, Distribute, Empty, Filter, Generate, Join, Limit, LocalSort, Offset, Project,
    Replicate, Scan, Sort, Union, Window,
};
use crate::plan::{JoinKind, LogicalPlan};
use crate::scalar::ScalarValue;
use std::sync::Arc;

/// Applies every rule.
pub fn optimize(plan: Arc<LogicalPlan>) -> Result<Arc<LogicalPlan>> {
    let plan = fold_plan(plan)?;
    let plan = push_filters(plan)?;
    let plan = reorder_joins(plan)?;
    let width = plan.schema().fields().len();
    let (plan, _) = crate::prune::prune(plan, &(0..width).collect::<Vec<_>>())?;
    Ok(plan)
}

fn fold_plan(plan: Arc<LogicalPlan>) -> Result<Arc<LogicalPlan>> {
    let plan = map_inputs(plan, &mut |p| fold_plan(p))?;
    Ok(match plan.as_ref() {
        LogicalPlan::Filter(Filter { input, predicate }) => {
            let p = fold(predicate.clone());
            match &p {
                Expr::Literal(ScalarValue::Boolean(true)) => input.clone(),
                Expr::Literal(ScalarValue::Boolean(false)) | Expr::Literal(ScalarValue::Null) => {
                    Arc::new(LogicalPlan::Empty(Empty {
                        schema: input.schema(),
                    }))
                }
                Expr::Cast { expr, .. } if matches!(**expr, Expr::Literal(ScalarValue::Null)) => {
                    Arc::new(LogicalPlan::Empty(Empty {
                        schema: input.schema(),
                    }))
                }
                _ => Arc::new(LogicalPlan::Filter(Filter {
                    input: input.clone(),
                    predicate: p,
                })),
            }
        }
        LogicalPlan::Project(Project {
            input,
            exprs,
            schema,
        }) => Arc::new(LogicalPlan::Project(Project {
            input: input.clone(),
            exprs: exprs.iter().cloned().map(fold).collect(),
            schema: schema.clone(),
        })),
        LogicalPlan::Limit(Limit { fetch: 0, .. })
        | LogicalPlan::Sort(Sort { fetch: Some(0), .. }) => Arc::new(LogicalPlan::Empty(Empty {
            schema: plan.schema(),
        })),
        _ => plan,
    })
}

/// Rebuilds a plan with each input replaced by `f(input)`.
pub fn map_inputs(
    plan: Arc<LogicalPlan>,
    f: &mut dyn FnMut(Arc<LogicalPlan>) -> Result<Arc<LogicalPlan>>,
) -> Result<Arc<LogicalPlan>> {
    Ok(match plan.as_ref() {
        LogicalPlan::Scan(Scan { .. }) | LogicalPlan::OneRow | LogicalPlan::Empty(Empty { .. }) => {
            plan
        }
        LogicalPlan::Filter(Filter { input, predicate }) => Arc::new(LogicalPlan::Filter(Filter {
            input: f(input.clone())?,
            predicate: predicate.clone(),
        })),
        LogicalPlan::Project(Project {
            input,
            exprs,
            schema,
        }) => Arc::new(LogicalPlan::Project(Project {
            input: f(input.clone())?,
            exprs: exprs.clone(),
            schema: schema.clone(),
        })),
        LogicalPlan::Aggregate(Aggregate {
            input,
            group,
            aggs,
            schema,
        }) => Arc::new(LogicalPlan::Aggregate(Aggregate {
            input: f(input.clone())?,
            group: group.clone(),
            aggs: aggs.clone(),
            schema: schema.clone(),
        })),
        LogicalPlan::Join(Join {
            left,
            right,
            kind,
            on,
            filter,
            null_safe,
            null_aware,
            broadcast_hint,
            schema,
        }) => Arc::new(LogicalPlan::Join(Join {
            left: f(left.clone())?,
            right: f(right.clone())?,
            kind: *kind,
            on: on.clone(),
            filter: filter.clone(),
            null_safe: *null_safe,
            null_aware: *null_aware,
            broadcast_hint: *broadcast_hint,
            schema: schema.clone(),
        })),
        LogicalPlan::Sort(Sort { input, keys, fetch }) => Arc::new(LogicalPlan::Sort(Sort {
            input: f(input.clone())?,
            keys: keys.clone(),
            fetch: *fetch,
        })),
        LogicalPlan::Limit(Limit { input, fetch }) => Arc::new(LogicalPlan::Limit(Limit {
            input: f(input.clone())?,
            fetch: *fetch,
        })),
        LogicalPlan::Offset(Offset { input, skip }) => Arc::new(LogicalPlan::Offset(Offset {
            input: f(input.clone())?,
            skip: *skip,
        })),
        LogicalPlan::Union(Union { inputs, schema }) => Arc::new(LogicalPlan::Union(Union {
            inputs: inputs.iter().map(|i| f(i.clone())).collect::<Result<_>>()?,
            schema: schema.clone(),
        })),
        LogicalPlan::Distribute(Distribute { input, keys }) => {
            Arc::new(LogicalPlan::Distribute(Distribute {
                input: f(input.clone())?,
                keys: keys.clone(),
            }))
        }
        LogicalPlan::ScriptTransform(t) => {
            Arc::new(LogicalPlan::ScriptTransform(crate::plan::ScriptTransform {
                input: f(t.input.clone())?,
                spec: t.spec.clone(),
                schema: t.schema.clone(),
            }))
        }
        LogicalPlan::Replicate(Replicate { input, times }) => {
            Arc::new(LogicalPlan::Replicate(Replicate {
                input: f(input.clone())?,
                times: times.clone(),
            }))
        }
        LogicalPlan::LocalSort(LocalSort { input, keys }) => {
            Arc::new(LogicalPlan::LocalSort(LocalSort {
                input: f(input.clone())?,
                keys: keys.clone(),
            }))
        }
        LogicalPlan::Generate(Generate {
            input,
            generator,
            arg,
            outer,
            schema,
        }) => Arc::new(LogicalPlan::Generate(Generate {
            input: f(input.clone())?,
            generator: generator.clone(),
            arg: arg.clone(),
            outer: *outer,
            schema: schema.clone(),
        })),
        LogicalPlan::Window(Window {
            input,
            spec,
            exprs,
            schema,
        }) => Arc::new(LogicalPlan::Window(Window {
            input: f(input.clone())?,
            spec: spec.clone(),
            exprs: exprs.clone(),
            schema: schema.clone(),
        })),
    })
}

fn filter_over(input: Arc<LogicalPlan>, preds: Vec<Expr>) -> Arc<LogicalPlan> {
    if preds.is_empty() {
        input
    } else {
        Arc::new(LogicalPlan::Filter(Filter {
            input,
            predicate: Expr::and_all(preds),
        }))
    }
}

/// Pushes the deterministic predicates whose columns `allowed` accepts into
/// the one input of `plan` (whose first columns are that input's); keeps
/// the rest above it.
fn push_through(
    plan: Arc<LogicalPlan>,
    preds: Vec<Expr>,
    allowed: &dyn Fn(&[usize]) -> bool,
) -> Result<Arc<LogicalPlan>> {
    let (down, keep): (Vec<Expr>, Vec<Expr>) = preds.into_iter().partition(|p| {
        let mut cols = Vec::new();
        p.columns(&mut cols);
        deterministic(p) && allowed(&cols)
    });
    let mut down = Some(down);
    let inner = map_inputs(plan, &mut |input| {
        push_into(input, down.take().unwrap_or_default())
    })?;
    Ok(filter_over(inner, keep))
}

/// Pushes filters as far down as they can go.
fn push_filters(plan: Arc<LogicalPlan>) -> Result<Arc<LogicalPlan>> {
    match plan.as_ref() {
        // A filter's conjuncts (ORs factored), and a join's own ON
        // conjuncts over one side, move down from here.
        LogicalPlan::Filter(_) | LogicalPlan::Join(_) => push_into(plan.clone(), Vec::new()),
        _ => map_inputs(plan, &mut |p| push_filters(p)),
    }
}

/// A chain of inner and cross joins, flattened: its inputs in FROM order and
/// every join predicate over the concatenation of their columns.
struct JoinGraph {
    leaves: Vec<(Arc<LogicalPlan>, bool)>,
    predicates: Vec<Expr>,
}

fn flatten(plan: &Arc<LogicalPlan>, base: usize, hinted: bool, g: &mut JoinGraph) {
    if let LogicalPlan::Join(Join {
        left,
        right,
        kind: JoinKind::Inner | JoinKind::Cross,
        on,
        filter,
        null_safe: false,
        broadcast_hint,
        ..
    }) = plan.as_ref()
    {
        let lw = left.schema().fields().len();
        flatten(left, base, false, g);
        flatten(right, base + lw, *broadcast_hint, g);
        for (l, r) in on {
            let l = l.clone().remap_columns(&|c| c + base);
            let r = r.clone().remap_columns(&|c| c + base + lw);
            g.predicates.push(Expr::Binary {
                op: BinaryOp::Eq,
                left: Box::new(l),
                right: Box::new(r),
                data_type: arrow::datatypes::DataType::Boolean,
            });
        }
        if let Some(f) = filter {
            g.predicates
                .extend(f.clone().remap_columns(&|c| c + base).conjuncts());
        }
        return;
    }
    g.leaves.push((plan.clone(), hinted));
}

/// Reorders chains of inner/cross joins so each join has an equality with
/// what is already joined when one exists (comma joins list tables in any
/// order; TPC-H Q2, Q8 and Q9 start with two unrelated tables). Only done
/// when the written order has a cross join the new order avoids; a final
/// projection restores the column order.
fn reorder_joins(plan: Arc<LogicalPlan>) -> Result<Arc<LogicalPlan>> {
    let plan = map_inputs(plan, &mut |p| reorder_joins(p))?;
    if !matches!(
        plan.as_ref(),
        LogicalPlan::Join(Join {
            kind: JoinKind::Inner | JoinKind::Cross,
            null_safe: false,
            ..
        })
    ) {
        return Ok(plan);
    }
    let mut g = JoinGraph {
        leaves: vec![],
        predicates: vec![],
    };
    flatten(&plan, 0, false, &mut g);
    let n = g.leaves.len();
    if n < 3 {
        return Ok(plan);
    }
    let mut offsets = Vec::with_capacity(n);
    let mut at = 0;
    for (l, _) in &g.leaves {
        offsets.push(at);
        at += l.schema().fields().len();
    }
    let total = at;
    let leaf_of = |c: usize| {
        offsets
            .iter()
            .rposition(|&o| o <= c)
            .expect("column in some leaf")
    };
    let leaves_of = |e: &Expr| {
        let mut cols = Vec::new();
        e.columns(&mut cols);
        let mut ls: Vec<usize> = cols.into_iter().map(leaf_of).collect();
        ls.sort_unstable();
        ls.dedup();
        ls
    };
    let is_equi = |e: &Expr| {
        matches!(
            e,
            Expr::Binary {
                op: BinaryOp::Eq,
                ..
            }
        )
    };
    // Greedy: keep FROM order, but take next the first input that an
    // equality links to the inputs joined so far.
    let mut order = vec![0usize];
    let mut remaining: Vec<usize> = (1..n).collect();
    let mut written_has_cross = false;
    let mut new_has_cross = false;
    while !remaining.is_empty() {
        let linked = |r: usize, set: &[usize]| {
            g.predicates.iter().any(|p| {
                let ls = leaves_of(p);
                is_equi(p)
                    && ls.contains(&r)
                    && ls.iter().all(|l| *l == r || set.contains(l))
                    && ls.len() > 1
            })
        };
        let next_written = remaining[0];
        if !linked(next_written, &order) {
            written_has_cross = true;
        }
        let pick = remaining
            .iter()
            .position(|&r| linked(r, &order))
            .unwrap_or_else(|| {
                new_has_cross = true;
                0
            });
        order.push(remaining.remove(pick));
    }
    if !written_has_cross || new_has_cross || order.iter().enumerate().all(|(i, &o)| i == o) {
        return Ok(plan);
    }
    // Rebuild left-deep in the new order.
    let mut used = vec![false; g.predicates.len()];
    let mut layout: Vec<usize> = (offsets[order[0]]
        ..offsets[order[0]] + g.leaves[order[0]].0.schema().fields().len())
        .collect();
    let mut current = g.leaves[order[0]].0.clone();
    for &leaf in &order[1..] {
        let (right, hinted) = g.leaves[leaf].clone();
        let rw = right.schema().fields().len();
        let mut combined = layout.clone();
        combined.extend(offsets[leaf]..offsets[leaf] + rw);
        let position = |c: usize| combined.iter().position(|&x| x == c);
        let lw = layout.len();
        let (mut on, mut rest) = (Vec::new(), Vec::new());
        for (i, p) in g.predicates.iter().enumerate() {
            if used[i] {
                continue;
            }
            let mut cols = Vec::new();
            p.columns(&mut cols);
            if cols.iter().all(|&c| position(c).is_some()) {
                used[i] = true;
                let local = p.clone().remap_columns(&|c| position(c).expect("covered"));
                match split_equi(&local, lw) {
                    Some(pair) => on.push(pair),
                    None => rest.push(local),
                }
            }
        }
        let kind = if on.is_empty() {
            JoinKind::Cross
        } else {
            JoinKind::Inner
        };
        let schema = crate::plan::join_schema(&current.schema(), &right.schema(), kind);
        current = Arc::new(LogicalPlan::Join(Join {
            left: current,
            right,
            kind,
            on,
            filter: (!rest.is_empty()).then(|| Expr::and_all(rest)),
            null_safe: false,
            null_aware: false,
            broadcast_hint: hinted,
            schema,
        }));
        layout = combined;
    }
    let leftover: Vec<Expr> = g
        .predicates
        .iter()
        .enumerate()
        .filter(|(i, _)| !used[*i])
        .map(|(_, p)| {
            p.clone().remap_columns(&|c| {
                layout
                    .iter()
                    .position(|&x| x == c)
                    .expect("all columns joined")
            })
        })
        .collect();
    if !leftover.is_empty() {
        current = Arc::new(LogicalPlan::Filter(Filter {
            input: current,
            predicate: Expr::and_all(leftover),
        }));
    }
    // Back to the written column order.
    let schema = plan.schema();
    let joined = current.schema();
    let exprs: Vec<Expr> = (0..total)
        .map(|c| {
            let at = layout
                .iter()
                .position(|&x| x == c)
                .expect("all columns joined");
            Expr::column(
                at,
                joined.field(at).name().clone(),
                joined.field(at).data_type().clone(),
            )
        })
        .collect();
    Ok(Arc::new(LogicalPlan::Project(Project {
        input: current,
        exprs,
        schema,
    })))
}

/// Places `preds` (over `plan`'s output) at or below `plan`.
fn push_into(plan: Arc<LogicalPlan>, preds: Vec<Expr>) -> Result<Arc<LogicalPlan>> {
    match plan.as_ref() {
        LogicalPlan::Filter(Filter { input, predicate }) => {
            let mut all: Vec<Expr> = predicate
                .clone()
                .conjuncts()
                .into_iter()
                .flat_map(|p| factor_or(p).conjuncts())
                .collect();
            all.extend(preds);
            push_into(input.clone(), all)
        }
        LogicalPlan::Project(Project {
            input,
            exprs,
            schema,
        }) => {
            // Rewrite through the projection when deterministic.
            let (mut down, mut keep) = (Vec::new(), Vec::new());
            for p in preds {
                if deterministic(&p) && exprs.iter().all(deterministic) {
                    down.push(p.transform(&mut |e| match e {
                        Expr::Column { index, .. } => exprs[index].clone(),
                        other => other,
                    }));
                } else {
                    keep.push(p);
                }
            }
            let input = push_into(input.clone(), down)?;
            Ok(filter_over(
                Arc::new(LogicalPlan::Project(Project {
                    input,
                    exprs: exprs.clone(),
                    schema: schema.clone(),
                })),
                keep,
            ))
        }
        LogicalPlan::Join(Join {
            left,
            right,
            kind,
            on,
            filter,
            null_safe,
            null_aware,
            broadcast_hint,
            schema,
        }) => {
            let lw = left.schema().fields().len();
            let (mut to_left, mut to_right, mut keep) = (Vec::new(), Vec::new(), Vec::new());
            let mut on = on.clone();
            let mut join_filter: Vec<Expr> =
                filter.clone().map(|f| f.conjuncts()).unwrap_or_default();
            let mut kind = *kind;
            for p in preds {
                let mut cols = Vec::new();
                p.columns(&mut cols);
                let left_only = !cols.is_empty() && cols.iter().all(|&c| c < lw);
                let right_only = !cols.is_empty() && cols.iter().all(|&c| c >= lw);
                let inner_like = matches!(kind, JoinKind::Inner | JoinKind::Cross);
                if left_only
                    && matches!(
                        kind,
                        JoinKind::Inner
                            | JoinKind::Cross
                            | JoinKind::Left
                            | JoinKind::LeftSemi
                            | JoinKind::LeftAnti
                    )
                    && deterministic(&p)
                {
                    to_left.push(p);
                } else if right_only
                    && matches!(kind, JoinKind::Inner | JoinKind::Cross | JoinKind::Right)
                    && deterministic(&p)
                {
                    to_right.push(p.remap_columns(&|c| c - lw));
                } else if inner_like && deterministic(&p) {
                    match split_equi(&p, lw) {
                        Some(pair) => on.push(pair),
                        None => join_filter.push(p),
                    }
                } else {
                    keep.push(p);
                }
            }
            if kind == JoinKind::Cross && !on.is_empty() {
                kind = JoinKind::Inner;
            }
            // Join-filter conjuncts over one side of an inner join go down too.
            if matches!(kind, JoinKind::Inner | JoinKind::Cross) {
                let mut rest = Vec::new();
                for p in join_filter {
                    let mut cols = Vec::new();
                    p.columns(&mut cols);
                    if !cols.is_empty() && cols.iter().all(|&c| c < lw) && deterministic(&p) {
                        to_left.push(p);
                    } else if !cols.is_empty() && cols.iter().all(|&c| c >= lw) && deterministic(&p)
                    {
                        to_right.push(p.remap_columns(&|c| c - lw));
                    } else {
                        match split_equi(&p, lw) {
                            Some(pair) => on.push(pair),
                            None => {
                                // An OR over both sides still prunes each side.
                                if let Some(l) = implied_by_disjunction(&p, &|c| c < lw) {
                                    if !to_left.contains(&l) {
                                        to_left.push(l);
                                    }
                                }
                                if let Some(r) = implied_by_disjunction(&p, &|c| c >= lw) {
                                    let r = r.remap_columns(&|c| c - lw);
                                    if !to_right.contains(&r) {
                                        to_right.push(r);
                                    }
                                }
                                rest.push(p)
                            }
                        }
                    }
                }
                join_filter = rest;
                if kind == JoinKind::Cross && !on.is_empty() {
                    kind = JoinKind::Inner;
                }
            }
            // ON conjuncts over the side an outer, semi or anti join does
            // not preserve only decide which of its rows can match: they
            // filter that side first (NOT IN excepted: its build side's
            // NULLs count whatever else holds).
            let unpreserved = match kind {
                JoinKind::Left | JoinKind::LeftSemi | JoinKind::LeftAnti if !*null_aware => {
                    Some(false)
                }
                JoinKind::Right => Some(true),
                _ => None,
            };
            if let Some(left_side) = unpreserved {
                let mut rest = Vec::new();
                for p in join_filter {
                    let mut cols = Vec::new();
                    p.columns(&mut cols);
                    let on_side = !cols.is_empty()
                        && cols.iter().all(|&c| (c < lw) == left_side)
                        && deterministic(&p);
                    match (on_side, left_side) {
                        (true, true) => to_left.push(p),
                        (true, false) => to_right.push(p.remap_columns(&|c| c - lw)),
                        (false, _) => rest.push(p),
                    }
                }
                join_filter = rest;
            }
            let left = push_into(left.clone(), to_left)?;
            let right = push_into(right.clone(), to_right)?;
            let joined = Arc::new(LogicalPlan::Join(Join {
                left,
                right,
                kind,
                on,
                filter: (!join_filter.is_empty()).then(|| Expr::and_all(join_filter)),
                null_safe: *null_safe,
                null_aware: *null_aware,
                broadcast_hint: *broadcast_hint,
                schema: schema.clone(),
            }));
            Ok(filter_over(joined, keep))
        }
        LogicalPlan::Aggregate(Aggregate {
            input,
            group,
            aggs,
            schema,
        }) => {
            // Predicates on group columns only filter the input first.
            let ng = group.len();
            let (mut down, mut keep) = (Vec::new(), Vec::new());
            for p in preds {
                let mut cols = Vec::new();
                p.columns(&mut cols);
                if !cols.is_empty()
                    && cols.iter().all(|&c| c < ng)
                    && deterministic(&p)
                    && group.iter().all(deterministic)
                {
                    down.push(p.transform(&mut |e| match e {
                        Expr::Column { index, .. } => group[index].clone(),
                        other => other,
                    }));
                } else {
                    keep.push(p);
                }
            }
            let input = push_into(input.clone(), down)?;
            Ok(filter_over(
                Arc::new(LogicalPlan::Aggregate(Aggregate {
                    input,
                    group: group.clone(),
                    aggs: aggs.clone(),
                    schema: schema.clone(),
                })),
                keep,
            ))
        }
        LogicalPlan::Union(Union { inputs, schema }) => {
            let inputs = inputs
                .iter()
                .map(|i| push_into(i.clone(), preds.clone()))
                .collect::<Result<_>>()?;
            Ok(Arc::new(LogicalPlan::Union(Union {
                inputs,
                schema: schema.clone(),
            })))
        }
        LogicalPlan::Scan(Scan {
            table,
            source,
            projection,
            filters,
            schema,
        }) => {
            // The scan may skip data with them; the filter stays above.
            let mut f = filters.clone();
            for p in &preds {
                let mapped = match projection {
                    Some(proj) => p.clone().remap_columns(&|c| proj[c]),
                    None => p.clone(),
                };
                if !f.contains(&mapped) {
                    f.push(mapped);
                }
            }
            let scan = Arc::new(LogicalPlan::Scan(Scan {
                table: table.clone(),
                source: source.clone(),
                projection: projection.clone(),
                filters: f,
                schema: schema.clone(),
            }));
            Ok(filter_over(scan, preds))
        }
        LogicalPlan::Empty(Empty { .. }) => Ok(plan),
        LogicalPlan::Generate(Generate { input, .. }) => {
            // Filters on the input's columns alone may run before the rows
            // are repeated.
            let width = input.schema().fields().len();
            push_through(plan.clone(), preds, &|cols| cols.iter().all(|&c| c < width))
        }
        LogicalPlan::Window(Window { spec, .. }) => {
            // A filter on PARTITION BY columns keeps or drops whole
            // partitions, so it may run before the window.
            let keys: Vec<usize> = spec
                .partition_by
                .iter()
                .filter_map(|e| match e {
                    Expr::Column { index, .. } => Some(*index),
                    _ => None,
                })
                .collect();
            push_through(plan.clone(), preds, &|cols| {
                cols.iter().all(|c| keys.contains(c))
            })
        }
        _ => {
            let inner = map_inputs(plan, &mut |p| push_filters(p))?;
            Ok(filter_over(inner, preds))
        }
    }
}
#[cfg(test)]
mod tests {
    use crate::catalog::MemoryCatalog;
    use crate::parse::{parse_statement, HiveStatement};
    use crate::plan::{Empty, Filter, Join, JoinKind, LogicalPlan, Scan};
    use crate::table::MemTable;
    use arrow::datatypes::{DataType, Field, Schema};
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn plan(sql: &str) -> Arc<LogicalPlan> {
        let catalog = MemoryCatalog::new();
        for t in ["a", "b"] {
            let schema = Arc::new(Schema::new(vec![
                Field::new("k", DataType::Int32, true),
                Field::new("v", DataType::Utf8, true),
                Field::new("w", DataType::Float64, true),
            ]));
            catalog.register(
                "default",
                t,
                Arc::new(MemTable::try_new(schema, vec![]).unwrap()),
            );
        }
        let HiveStatement::Sql(stmt) = parse_statement(sql, 1).unwrap() else {
            panic!()
        };
        let sqlparser::ast::Statement::Query(q) = *stmt else {
            panic!()
        };
        let settings = BTreeMap::new();
        let (p, _) = crate::analyze::Analyzer::new(&catalog, "default", &settings)
            .plan_query(&q)
            .unwrap();
        super::optimize(p).unwrap()
    }

    /// The nodes of `p` that `f` accepts, parents first.
    fn nodes<'a>(p: &'a LogicalPlan, f: &dyn Fn(&LogicalPlan) -> bool) -> Vec<&'a LogicalPlan> {
        let mut out = Vec::new();
        find(p, f, &mut out);
        out
    }

    fn find<'a>(
        p: &'a LogicalPlan,
        f: &dyn Fn(&LogicalPlan) -> bool,
        out: &mut Vec<&'a LogicalPlan>,
    ) {
        if f(p) {
            out.push(p);
        }
        for i in p.inputs() {
            find(i, f, out);
        }
    }

    #[test]
    fn where_equalities_of_a_comma_join_become_join_keys() {
        let p = plan("SELECT a.v FROM a, b WHERE a.k = b.k AND b.w > 1 AND a.v = 'x'");
        let mut joins = Vec::new();
        find(
            &p,
            &|n| matches!(n, LogicalPlan::Join(Join { .. })),
            &mut joins,
        );
        let LogicalPlan::Join(Join {
            kind,
            on,
            left,
            right,
            ..
        }) = joins[0]
        else {
            unreachable!()
        };
        assert_eq!(*kind, JoinKind::Inner);
        assert_eq!(on.len(), 1);
        // Single-side predicates moved below the join (under a projection
        // when a column only the predicate reads is dropped after it).
        let filtered = |side: &LogicalPlan| match side {
            LogicalPlan::Project(crate::plan::Project { input, .. }) => {
                matches!(input.as_ref(), LogicalPlan::Filter(Filter { .. }))
            }
            other => matches!(other, LogicalPlan::Filter(Filter { .. })),
        };
        assert!(filtered(left), "{p}");
        assert!(filtered(right), "{p}");
    }

    #[test]
    fn an_or_across_join_sides_also_prunes_each_side() {
        let p = plan(
            "SELECT a.v FROM a JOIN b ON a.k = b.k \
             WHERE (a.v = 'x' AND b.v = 'y') OR (a.v = 'y' AND b.v = 'x')",
        );
        let scans = nodes(&p, &|n| matches!(n, LogicalPlan::Scan(Scan { .. })));
        assert_eq!(scans.len(), 2);
        for scan in scans {
            let LogicalPlan::Scan(Scan { filters, .. }) = scan else {
                unreachable!()
            };
            // Each side gets `v = 'x' OR v = 'y'` (over its own columns).
            assert!(
                filters.iter().any(|f| {
                    let t = f.to_string();
                    t.contains(" OR ") && t.contains("'x'") && t.contains("'y'")
                }),
                "{p}"
            );
        }
        // The original condition stays on the join.
        assert!(p.to_string().contains("OR"), "{p}");
    }

    #[test]
    fn scans_read_only_used_columns_and_get_pushed_filters() {
        let p = plan("SELECT v FROM a WHERE k > 5");
        let mut scans = Vec::new();
        find(
            &p,
            &|n| matches!(n, LogicalPlan::Scan(Scan { .. })),
            &mut scans,
        );
        let LogicalPlan::Scan(Scan {
            projection,
            filters,
            ..
        }) = scans[0]
        else {
            unreachable!()
        };
        assert_eq!(projection.as_deref(), Some(&[0usize, 1][..]));
        assert_eq!(filters.len(), 1);
        // count(*) keeps one column to count rows.
        let p = plan("SELECT count(*) FROM a");
        let mut scans = Vec::new();
        find(
            &p,
            &|n| matches!(n, LogicalPlan::Scan(Scan { .. })),
            &mut scans,
        );
        let LogicalPlan::Scan(Scan { projection, .. }) = scans[0] else {
            unreachable!()
        };
        assert_eq!(projection.as_ref().map(|p| p.len()), Some(1));
    }

    #[test]
    fn join_keys_inside_ors_are_factored_out() {
        let p =
            plan("SELECT a.v FROM a, b WHERE (a.k = b.k AND a.w > 1) OR (a.k = b.k AND b.w < 2)");
        let mut joins = Vec::new();
        find(
            &p,
            &|n| matches!(n, LogicalPlan::Join(Join { .. })),
            &mut joins,
        );
        let LogicalPlan::Join(Join {
            kind, on, filter, ..
        }) = joins[0]
        else {
            unreachable!()
        };
        assert_eq!(*kind, JoinKind::Inner, "{p}");
        assert_eq!(on.len(), 1);
        assert!(filter.is_some());
    }

    #[test]
    fn comma_joins_are_reordered_to_avoid_cross_products() {
        // a and b are unrelated; both join c: (a, b, c) would start with a
        // cross join, (a, c, b) does not.
        let p = plan("SELECT a.v, b.v FROM a, b, a c WHERE a.k = c.k AND b.w = c.w");
        let mut joins = Vec::new();
        find(
            &p,
            &|n| matches!(n, LogicalPlan::Join(Join { .. })),
            &mut joins,
        );
        assert_eq!(joins.len(), 2, "{p}");
        for j in joins {
            let LogicalPlan::Join(Join { kind, .. }) = j else {
                unreachable!()
            };
            assert_eq!(*kind, JoinKind::Inner, "{p}");
        }
    }

    #[test]
    fn constants_fold_and_false_filters_empty_the_plan() {
        let p = plan("SELECT 1 + 2 * 3 AS x FROM a WHERE 1 = 0");
        let mut empties = Vec::new();
        find(
            &p,
            &|n| matches!(n, LogicalPlan::Empty(Empty { .. })),
            &mut empties,
        );
        assert_eq!(empties.len(), 1, "{p}");
        let p = plan("SELECT k + (2 * 3) FROM a");
        assert!(p.to_string().contains("+ 6"), "{p}");
    }

    #[test]
    fn on_conditions_over_an_outer_joins_other_side_filter_that_side() {
        // Each scan's pushed filters, in plan order (a first).
        let pushed = |sql: &str| {
            let p = plan(sql);
            nodes(&p, &|n| matches!(n, LogicalPlan::Scan(Scan { .. })))
                .iter()
                .map(|s| match s {
                    LogicalPlan::Scan(Scan { filters, .. }) => filters.len(),
                    _ => unreachable!(),
                })
                .collect::<Vec<_>>()
        };
        // LEFT: b's condition filters b; a's stays in the join (a keeps
        // every row).
        assert_eq!(
            pushed("SELECT a.k FROM a LEFT JOIN b ON a.k = b.k AND b.v <> 'x' AND a.w > 1"),
            [0, 1]
        );
        assert_eq!(
            pushed("SELECT b.k FROM a RIGHT JOIN b ON a.k = b.k AND a.v <> 'x' AND b.w > 1"),
            [1, 0]
        );
        assert_eq!(
            pushed("SELECT a.k FROM a LEFT SEMI JOIN b ON a.k = b.k AND b.w > 1"),
            [0, 1]
        );
        assert_eq!(
            pushed("SELECT a.k FROM a FULL JOIN b ON a.k = b.k AND b.w > 1"),
            [0, 0]
        );
        // NOT IN keeps its subquery whole (its NULLs count).
        assert_eq!(
            pushed("SELECT k FROM a WHERE k NOT IN (SELECT k FROM b)"),
            [0, 0]
        );
    }

    #[test]
    fn an_or_of_join_conditions_below_another_join_still_gives_join_keys() {
        let p = plan(
            "SELECT * FROM (SELECT a.k FROM a, b WHERE (a.k = b.k AND a.w = 1) \
             OR (a.k = b.k AND a.w = 2)) t JOIN b ON t.k = b.k",
        );
        let joins = nodes(&p, &|n| matches!(n, LogicalPlan::Join(Join { .. })));
        assert_eq!(joins.len(), 2);
        for j in joins {
            let LogicalPlan::Join(Join { kind, on, .. }) = j else {
                unreachable!()
            };
            assert_eq!((*kind, on.len()), (JoinKind::Inner, 1), "{p}");
        }
    }

    #[test]
    fn filters_on_group_keys_move_below_the_aggregate() {
        let p = plan("SELECT k, count(*) FROM a GROUP BY k HAVING k > 3");
        let text = p.to_string();
        let agg = text.find("Aggregate").unwrap();
        let filter = text.find("Filter").unwrap();
        assert!(
            filter > agg,
            "filter should be under the aggregate:\n{text}"
        );
    }
}
