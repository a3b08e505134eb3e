//! Rewriting helpers shared by the analyzer and the optimizer: constant
//! folding, OR factoring, and splitting equalities into join keys. They
//! live here, below both passes, so neither pass imports the other.

use super::{BinaryOp, Expr};
use crate::scalar::ScalarValue;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use std::sync::Arc;

/// Evaluates constant subexpressions once.
pub fn fold(e: Expr) -> Expr {
    e.transform(&mut |x| {
        if matches!(x, Expr::Literal(_)) || !x.is_constant() {
            return simplify(x);
        }
        let one = RecordBatch::try_new_with_options(
            Arc::new(arrow::datatypes::Schema::empty()),
            vec![],
            &RecordBatchOptions::new().with_row_count(Some(1)),
        )
        .expect("empty batch");
        match super::evaluate(&x, &one).and_then(|a| ScalarValue::from_array(a.as_ref(), 0)) {
            Ok(v) if v.is_null() => {
                let t = x.data_type();
                if t == arrow::datatypes::DataType::Null {
                    Expr::Literal(ScalarValue::Null)
                } else {
                    Expr::Cast {
                        expr: Box::new(Expr::Literal(ScalarValue::Null)),
                        to: t,
                    }
                }
            }
            Ok(v) if v.data_type() == x.data_type() => Expr::Literal(v),
            _ => x,
        }
    })
}

fn simplify(e: Expr) -> Expr {
    match e {
        Expr::Binary {
            op: BinaryOp::And,
            left,
            right,
            data_type,
        } => match (&*left, &*right) {
            (Expr::Literal(ScalarValue::Boolean(true)), _) => *right,
            (_, Expr::Literal(ScalarValue::Boolean(true))) => *left,
            (Expr::Literal(ScalarValue::Boolean(false)), _)
            | (_, Expr::Literal(ScalarValue::Boolean(false))) => {
                Expr::Literal(ScalarValue::Boolean(false))
            }
            _ => Expr::Binary {
                op: BinaryOp::And,
                left,
                right,
                data_type,
            },
        },
        Expr::Binary {
            op: BinaryOp::Or,
            left,
            right,
            data_type,
        } => match (&*left, &*right) {
            (Expr::Literal(ScalarValue::Boolean(false)), _) => *right,
            (_, Expr::Literal(ScalarValue::Boolean(false))) => *left,
            (Expr::Literal(ScalarValue::Boolean(true)), _)
            | (_, Expr::Literal(ScalarValue::Boolean(true))) => {
                Expr::Literal(ScalarValue::Boolean(true))
            }
            _ => Expr::Binary {
                op: BinaryOp::Or,
                left,
                right,
                data_type,
            },
        },
        Expr::Binary {
            op,
            left,
            right,
            data_type,
        } => match date_against_timestamp(op, &left, &right) {
            Some(e) => e,
            None => Expr::Binary {
                op,
                left,
                right,
                data_type,
            },
        },
        other => other,
    }
}

const MICROS_PER_DAY: i64 = 86_400_000_000;

/// `cast(d AS timestamp) <op> TIMESTAMP 't'` for a DATE `d` (what
/// `d <= date '…' - interval '90' day` becomes) as a comparison of dates:
/// no cast per row, and the scan can use the column's statistics. Exact:
/// a date is its midnight, so against day D at time t > 0, `<` and `<=`
/// mean `d <= D`, `>` and `>=` mean `d >= D + 1`.
fn date_against_timestamp(op: BinaryOp, left: &Expr, right: &Expr) -> Option<Expr> {
    use arrow::datatypes::DataType;
    let flip = |op: BinaryOp| match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::LtEq => BinaryOp::GtEq,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::GtEq => BinaryOp::LtEq,
        other => other,
    };
    let date_col = |e: &Expr| match e {
        Expr::Cast { expr, to }
            if matches!(to, DataType::Timestamp(_, None))
                && expr.data_type() == DataType::Date32 =>
        {
            Some((**expr).clone())
        }
        _ => None,
    };
    let (col, micros, op) = match (left, right) {
        (l, Expr::Literal(ScalarValue::Timestamp(t))) => (date_col(l)?, *t, op),
        (Expr::Literal(ScalarValue::Timestamp(t)), r) => (date_col(r)?, *t, flip(op)),
        _ => return None,
    };
    let day = i32::try_from(micros.div_euclid(MICROS_PER_DAY)).ok()?;
    let midnight = micros.rem_euclid(MICROS_PER_DAY) == 0;
    let (op, day) = match (op, midnight) {
        (
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::LtEq
            | BinaryOp::Gt
            | BinaryOp::GtEq,
            true,
        ) => (op, day),
        (BinaryOp::Lt | BinaryOp::LtEq, false) => (BinaryOp::LtEq, day),
        (BinaryOp::Gt | BinaryOp::GtEq, false) => (BinaryOp::GtEq, day.checked_add(1)?),
        _ => return None,
    };
    Some(Expr::Binary {
        op,
        left: Box::new(col),
        right: Box::new(Expr::Literal(ScalarValue::Date32(day))),
        data_type: DataType::Boolean,
    })
}

/// True when `e` gives the same value every time for the same row.
pub fn deterministic(e: &Expr) -> bool {
    match e {
        Expr::Function { func, args, .. } => func.deterministic && args.iter().all(deterministic),
        other => other.children().iter().all(|c| deterministic(c)),
    }
}

fn disjuncts(e: Expr) -> Vec<Expr> {
    match e {
        Expr::Binary {
            op: BinaryOp::Or,
            left,
            right,
            ..
        } => {
            let mut v = disjuncts(*left);
            v.extend(disjuncts(*right));
            v
        }
        other => vec![other],
    }
}

/// `(a AND b) OR (a AND c)` → `a AND (b OR c)`: conjuncts common to every
/// branch of an OR come out, so join keys written inside ORs (TPC-H Q19)
/// still become join keys.
pub fn factor_or(e: Expr) -> Expr {
    let branches = disjuncts(e.clone());
    if branches.len() < 2 {
        return e;
    }
    let sets: Vec<Vec<Expr>> = branches.into_iter().map(|b| b.conjuncts()).collect();
    let common: Vec<Expr> = sets[0]
        .iter()
        .filter(|c| deterministic(c) && sets[1..].iter().all(|s| s.contains(c)))
        .cloned()
        .collect();
    if common.is_empty() {
        return e;
    }
    let mut rest_branches = Vec::new();
    for set in sets {
        let rest: Vec<Expr> = set.into_iter().filter(|c| !common.contains(c)).collect();
        if rest.is_empty() {
            // One branch is exactly the common part: the OR is just that.
            return Expr::and_all(common);
        }
        rest_branches.push(Expr::and_all(rest));
    }
    let mut or = rest_branches.remove(0);
    for b in rest_branches {
        or = Expr::Binary {
            op: BinaryOp::Or,
            left: Box::new(or),
            right: Box::new(b),
            data_type: arrow::datatypes::DataType::Boolean,
        };
    }
    let mut all = common;
    all.push(or);
    Expr::and_all(all)
}

/// `l = r` with `l` over left columns only and `r` over right columns only
/// (either order): the key pair, right side re-based to the right input.
pub(crate) fn split_equi(e: &Expr, left_width: usize) -> Option<(Expr, Expr)> {
    let Expr::Binary {
        op: BinaryOp::Eq,
        left,
        right,
        ..
    } = e
    else {
        return None;
    };
    let side = |x: &Expr| -> Option<bool> {
        let mut cols = Vec::new();
        x.columns(&mut cols);
        if cols.is_empty() {
            return None;
        }
        if cols.iter().all(|&c| c < left_width) {
            Some(true)
        } else if cols.iter().all(|&c| c >= left_width) {
            Some(false)
        } else {
            None
        }
    };
    let rebase = |x: Expr| x.remap_columns(&|c| c - left_width);
    match (side(left)?, side(right)?) {
        (true, false) => Some((*left.clone(), rebase(*right.clone()))),
        (false, true) => Some((*right.clone(), rebase(*left.clone()))),
        _ => None,
    }
}

/// A predicate over only the columns `over` accepts that holds for every
/// row satisfying `e`: for an OR whose every branch has conjuncts over
/// those columns alone, the OR of those conjuncts (`(n1 = 'A' AND n2 = 'B')
/// OR (n1 = 'B' AND n2 = 'A')` implies `n1 = 'A' OR n1 = 'B'`), so a join
/// filter can also prune each side before the join (TPC-H Q7; Spark and
/// DuckDB infer the same).
pub fn implied_by_disjunction(e: &Expr, over: &dyn Fn(usize) -> bool) -> Option<Expr> {
    let branches = disjuncts(e.clone());
    if branches.len() < 2 || !deterministic(e) {
        return None;
    }
    let mut implied = Vec::new();
    for b in branches {
        let own: Vec<Expr> = b
            .conjuncts()
            .into_iter()
            .filter(|c| {
                let mut cols = Vec::new();
                c.columns(&mut cols);
                !cols.is_empty() && cols.iter().all(|&i| over(i))
            })
            .collect();
        if own.is_empty() {
            return None;
        }
        implied.push(Expr::and_all(own));
    }
    let mut or = implied.remove(0);
    for b in implied {
        or = Expr::Binary {
            op: BinaryOp::Or,
            left: Box::new(or),
            right: Box::new(b),
            data_type: arrow::datatypes::DataType::Boolean,
        };
    }
    Some(or)
}
