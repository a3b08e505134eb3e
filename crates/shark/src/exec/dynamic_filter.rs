//! Dynamic join filters. Once one side of a hash join has run, the keys
//! it holds are known, and a row of the other side whose key is not among
//! them can never match. Where the join would not output that row anyway
//! (`drops_unmatched_probe_rows`, `drops_unmatched_build_rows`), it is
//! dropped as early as possible: the set (`Expr::InKeys`) moves down the
//! other side's plan, before that side runs, through filters, projections
//! of the key column, exchanges, sorts, group keys of aggregations and the
//! sides of other joins that keep their rows, to the scan that reads the
//! key, where its min/max also lets Parquet and ORC skip row groups and a
//! partition column prunes partitions (Spark's runtime filters and dynamic
//! partition pruning, DuckDB's join filter pushdown). Which side runs
//! first is adaptive execution's choice (`adaptive.rs`); each place a
//! filter lands says so on its plan node.

use super::ExecContext;
use crate::batch::Batch;
use crate::error::Result;
use crate::expr::key_set::{integer_like, KeySet};
use crate::expr::rewrite::deterministic;
use crate::expr::{BinaryOp, Expr};
use crate::physical::{AggMode, Filter, HashJoin, Operator, PhysicalPlan};
use crate::plan::JoinKind;
use crate::scalar::ScalarValue;
use arrow::array::AsArray;
use arrow::datatypes::{DataType, Int64Type};
use arrow::record_batch::RecordBatch;
use rdd::Rdd;
use std::sync::Arc;

/// Whether `side` may hold fewer keys than its tables do: something in it
/// filters rows. The keys of a side that reads its tables whole (the
/// orders of every customer, every supplier) filter nothing worth the
/// cost of collecting and testing them.
pub(super) fn may_reduce(side: &PhysicalPlan) -> bool {
    match &side.op {
        Operator::Scan(s) => !s.filters.is_empty(),
        Operator::Sort(s) if s.fetch.is_some() => true,
        Operator::Project(_)
        | Operator::Exchange(_)
        | Operator::Sort(_)
        | Operator::HashAggregate(_)
        | Operator::Union => side.inputs.iter().any(may_reduce),
        Operator::HashJoin(j) => match j.kind {
            JoinKind::Inner => side.inputs.iter().any(may_reduce),
            JoinKind::Left => may_reduce(&side.inputs[0]),
            JoinKind::Full => false,
            _ => true,
        },
        Operator::Window(_) => side.inputs.iter().any(may_reduce),
        // Literal rows, limits, generated values...
        _ => true,
    }
}

/// Whether running `side` twice may be seen from outside (a script).
pub(super) fn has_side_effects(side: &PhysicalPlan) -> bool {
    matches!(side.op, Operator::ScriptTransform(_)) || side.inputs.iter().any(has_side_effects)
}

/// Whether a join never emits a probe row that found no build row, so
/// that filtering its probe side by the build keys changes nothing (a
/// semi or anti join built on its preserved side emits build rows).
pub(super) fn drops_unmatched_probe_rows(j: &HashJoin) -> bool {
    !j.null_safe
        && match j.kind {
            JoinKind::Inner | JoinKind::LeftSemi => true,
            JoinKind::LeftAnti => j.swapped && !j.null_aware,
            _ => false,
        }
}

/// Whether a join never emits a build row that found no probe row, so
/// that filtering its build side by the probe keys changes nothing (NOT
/// IN must still see a NULL or any row of its build side).
pub(super) fn drops_unmatched_build_rows(j: &HashJoin) -> bool {
    !j.null_safe
        && match j.kind {
            JoinKind::Inner | JoinKind::Left => true,
            JoinKind::LeftSemi | JoinKind::LeftAnti => !j.swapped && !j.null_aware,
            _ => false,
        }
}

/// The sets of values the integer-like `keys` take over `rdd` (one side
/// of a join, already shuffled: its output is read again by the join),
/// `None` for a key that is not integer-like.
pub(super) fn collect_keys(
    rdd: &Rdd<Batch>,
    keys: &[Expr],
    join: usize,
) -> Result<Vec<Option<KeySet>>> {
    let wanted = integer_keys(keys);
    let per_key = wanted.clone();
    let parts = rdd.context().run_job(rdd, None, move |_, it| {
        let mut values: Vec<Vec<i64>> = vec![Vec::new(); per_key.len()];
        for Batch(b) in it {
            add_values(&b, &per_key, &mut values)?;
        }
        // Each task sends its distinct keys only.
        Ok(values
            .into_iter()
            .map(|v| KeySet::from_keys(join, v).keys())
            .collect::<Vec<_>>())
    })?;
    let mut merged: Vec<Vec<i64>> = vec![Vec::new(); wanted.len()];
    for part in parts {
        for (m, v) in merged.iter_mut().zip(part) {
            m.extend(v);
        }
    }
    Ok(sets_of(&wanted, merged, join))
}

/// The sets of values the integer-like `keys` take over `batches` (held on
/// the driver), `None` for a key that is not integer-like.
pub(super) fn keys_of_batches(
    batches: &[RecordBatch],
    keys: &[Expr],
    join: usize,
) -> Result<Vec<Option<KeySet>>> {
    let wanted = integer_keys(keys);
    let mut values: Vec<Vec<i64>> = vec![Vec::new(); wanted.len()];
    for b in batches {
        add_values(b, &wanted, &mut values)?;
    }
    Ok(sets_of(&wanted, values, join))
}

fn integer_keys(keys: &[Expr]) -> Vec<Option<Expr>> {
    keys.iter()
        .map(|k| integer_like(&k.data_type()).then(|| k.clone()))
        .collect()
}

/// Adds the non-NULL values of each wanted key over `b` to its list.
fn add_values(b: &RecordBatch, wanted: &[Option<Expr>], values: &mut [Vec<i64>]) -> Result<()> {
    for (k, out) in wanted.iter().zip(values.iter_mut()) {
        if let Some(k) = k {
            let col = crate::expr::evaluate(k, b)?;
            let col = arrow::compute::cast(&col, &DataType::Int64)?;
            out.extend(col.as_primitive::<Int64Type>().iter().flatten());
        }
    }
    Ok(())
}

fn sets_of(wanted: &[Option<Expr>], values: Vec<Vec<i64>>, join: usize) -> Vec<Option<KeySet>> {
    wanted
        .iter()
        .zip(values)
        .map(|(w, v)| w.as_ref().map(|_| KeySet::from_keys(join, v)))
        .collect()
}

/// Pushes `keys`, the values build key column `build_key` takes, into the
/// probe side `probe` along probe key `probe_key`, when both are plain
/// integer-like columns. Returns the id of the node it landed on.
pub(super) fn push(
    probe: &mut PhysicalPlan,
    probe_key: &Expr,
    keys: Arc<KeySet>,
    ex: &ExecContext,
) -> Option<usize> {
    let Expr::Column {
        index, data_type, ..
    } = probe_key
    else {
        return None;
    };
    if !integer_like(data_type) {
        return None;
    }
    Some(place(probe, *index, &keys, ex))
}

/// Where a filter on column `col` of `node`'s output can go instead: the
/// input and that input's column, when filtering the input's rows there
/// leaves `node`'s output the same as filtering it.
fn below(node: &PhysicalPlan, col: usize) -> Option<(usize, usize)> {
    match &node.op {
        // Rows a non-deterministic filter or projection sees must not change.
        Operator::Filter(f) => deterministic(&f.predicate).then_some((0, col)),
        Operator::Exchange(_) => Some((0, col)),
        Operator::Sort(s) if s.fetch.is_none() => Some((0, col)),
        Operator::Project(p) if p.exprs.iter().all(deterministic) => match p.exprs.get(col)? {
            Expr::Column { index, .. } => Some((0, *index)),
            _ => None,
        },
        // A final aggregation reads partial states: group keys first.
        Operator::HashAggregate(a) if a.mode == AggMode::Final => {
            (col < a.group.len()).then_some((0, col))
        }
        Operator::HashAggregate(a) => match a.group.get(col)? {
            Expr::Column { index, .. } => Some((0, *index)),
            _ => None,
        },
        Operator::HashJoin(j) => {
            let (probe_w, build_w) = (
                node.inputs[0].schema.fields().len(),
                node.inputs[1].schema.fields().len(),
            );
            match j.kind {
                // Semi and anti joins output their preserved side only.
                JoinKind::LeftSemi | JoinKind::LeftAnti => {
                    Some((if j.swapped { 1 } else { 0 }, col))
                }
                JoinKind::Inner | JoinKind::Left => {
                    if node.schema.fields().len() != probe_w + build_w {
                        return None;
                    }
                    // Query order: left columns, then right.
                    let (left, left_w) = if j.swapped {
                        (1, build_w)
                    } else {
                        (0, probe_w)
                    };
                    let (side, c) = if col < left_w {
                        (left, col)
                    } else {
                        (1 - left, col - left_w)
                    };
                    // A LEFT join keeps every probe row: only there.
                    (j.kind == JoinKind::Inner || side == 0).then_some((side, c))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn place(node: &mut PhysicalPlan, col: usize, keys: &Arc<KeySet>, ex: &ExecContext) -> usize {
    if let Some((input, c)) = below(node, col) {
        if let Some(child) = node.inputs.get_mut(input) {
            if child.schema.fields().len() > c {
                return place(child, c, keys, ex);
            }
        }
    }
    let field = node.schema.field(col);
    let column =
        |index: usize| Expr::column(index, field.name().clone(), field.data_type().clone());
    let in_keys = |expr: Expr| Expr::InKeys {
        expr: Box::new(expr),
        keys: keys.clone(),
    };
    let test = in_keys(column(col));
    let note = format!("dynamic filter: {} IN {keys}", field.name());
    match &mut node.op {
        Operator::Scan(s) => {
            // A scan's filters name table columns, not its output's.
            let key = column(s.projection.as_ref().map_or(col, |p| p[col]));
            s.filters.extend(bounds(&key, keys));
            s.filters.push(in_keys(key));
            add_note(node, note);
            node.id
        }
        Operator::Filter(f) => {
            f.predicate = Expr::and_all(vec![f.predicate.clone(), test]);
            add_note(node, note);
            node.id
        }
        _ => {
            let id = ex.fresh_id();
            let input = std::mem::replace(node, placeholder(id));
            *node = PhysicalPlan {
                id,
                op: Operator::Filter(Filter { predicate: test }),
                schema: input.schema.clone(),
                estimate: input.estimate,
                adapted: Some(note),
                inputs: vec![input],
            };
            id
        }
    }
}

/// Adds `note` to what adaptive execution says it changed at `node`.
pub(super) fn add_note(node: &mut PhysicalPlan, note: String) {
    node.adapted = Some(match node.adapted.take() {
        Some(n) => format!("{n}; {note}"),
        None => note,
    });
}

fn placeholder(id: usize) -> PhysicalPlan {
    PhysicalPlan {
        id,
        op: Operator::Empty,
        inputs: vec![],
        schema: Arc::new(arrow::datatypes::Schema::empty()),
        estimate: Default::default(),
        adapted: None,
    }
}

/// `col >= min AND col <= max` as comparisons a file's statistics can
/// rule out (for the types whose literals compare with them directly).
fn bounds(expr: &Expr, keys: &KeySet) -> Vec<Expr> {
    if keys.len == 0 {
        return vec![];
    }
    let lit = |v: i64| match expr.data_type() {
        DataType::Int64 => Some(ScalarValue::Int64(v)),
        DataType::Int32 => i32::try_from(v).ok().map(ScalarValue::Int32),
        _ => None,
    };
    let (Some(lo), Some(hi)) = (lit(keys.min), lit(keys.max)) else {
        return vec![];
    };
    [(BinaryOp::GtEq, lo), (BinaryOp::LtEq, hi)]
        .into_iter()
        .map(|(op, v)| Expr::Binary {
            op,
            left: Box::new(expr.clone()),
            right: Box::new(Expr::Literal(v)),
            data_type: DataType::Boolean,
        })
        .collect()
}
