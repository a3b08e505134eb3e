//! Size estimates for planning: bytes and rows of each operator's output,
//! from what the sources know (file sizes, Parquet footers' row counts,
//! ANALYZE TABLE's `numRows`, memory tables' exact sizes, the cache) and
//! propagated upwards: filters scale by a selectivity per predicate kind
//! (DuckDB's and Spark's defaults in spirit: equality 0.1, ranges 1/3),
//! equi-joins keep their larger side's rows (a key/foreign-key guess).
//! Estimates only choose strategies: a build side estimated small and found
//! big at run time turns partitioned (see `exec::adaptive`).

use crate::expr::{BinaryOp, Expr};
use crate::plan::{
    Aggregate, Distribute, Empty, Filter, Generate, Join, JoinKind, Limit, LocalSort, LogicalPlan,
    Offset, Project, Replicate, Scan, Sort, Union, Window,
};
use arrow::datatypes::{DataType, Schema};
use serde::{Deserialize, Serialize};

/// What the planner expects an operator to produce.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    /// Rows, when known.
    pub rows: Option<u64>,
    /// Bytes, when known.
    pub bytes: Option<u64>,
}

impl Estimate {
    const UNKNOWN: Estimate = Estimate {
        rows: None,
        bytes: None,
    };

    fn scaled(self, num: u64, den: u64) -> Estimate {
        let den = den.max(1);
        Estimate {
            rows: self.rows.map(|r| r * num / den),
            bytes: self.bytes.map(|b| b * num / den),
        }
    }

    /// The estimate with only `share` (0 to 1) of its rows kept.
    fn kept(self, share: f64) -> Estimate {
        Estimate {
            rows: self.rows.map(|r| ((r as f64 * share).ceil() as u64).min(r)),
            bytes: self
                .bytes
                .map(|b| ((b as f64 * share).ceil() as u64).min(b)),
        }
    }

    fn exact(rows: u64, bytes: u64) -> Estimate {
        Estimate {
            rows: Some(rows),
            bytes: Some(bytes),
        }
    }
}

/// A rough width in bytes of one row of `schema` (for rows from bytes).
pub fn row_width(schema: &Schema) -> u64 {
    schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Boolean | DataType::Int8 => 1,
            DataType::Int16 => 2,
            DataType::Int32 | DataType::Float32 | DataType::Date32 => 4,
            DataType::Decimal128(..) => 16,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Binary => 16,
            DataType::List(_) | DataType::Map(..) | DataType::Struct(_) => 32,
            _ => 8,
        })
        .sum::<u64>()
        .max(1)
}

/// The estimated output of `plan`.
pub fn estimate(plan: &LogicalPlan) -> Estimate {
    match plan {
        LogicalPlan::Scan(Scan {
            source,
            projection,
            schema,
            ..
        }) => {
            let Some(total) = source.estimated_bytes() else {
                return Estimate::UNKNOWN;
            };
            let table = source.schema();
            let bytes = match projection {
                Some(p) => total * p.len().max(1) as u64 / table.fields().len().max(1) as u64,
                None => total,
            };
            // Files are compressed: once decoded, the columns read take at
            // least their width per row (what a broadcast holds in memory).
            let (rows, bytes) = match source.estimated_rows() {
                Some(rows) => (rows, bytes.max(rows.saturating_mul(row_width(schema)))),
                None => (total / row_width(&table), bytes),
            };
            Estimate::exact(rows, bytes)
        }
        LogicalPlan::OneRow => Estimate::exact(1, 0),
        LogicalPlan::Empty(Empty { .. }) => Estimate::exact(0, 0),
        LogicalPlan::Filter(Filter { input, predicate }) => {
            estimate(input).kept(selectivity(predicate))
        }
        LogicalPlan::Project(Project { input, .. })
        | LogicalPlan::Sort(Sort {
            input, fetch: None, ..
        })
        | LogicalPlan::Distribute(Distribute { input, .. })
        | LogicalPlan::LocalSort(LocalSort { input, .. })
        | LogicalPlan::Window(Window { input, .. })
        | LogicalPlan::Offset(Offset { input, .. }) => estimate(input),
        LogicalPlan::Replicate(Replicate { input, .. }) => estimate(input).scaled(2, 1),
        LogicalPlan::Generate(Generate { input, .. }) => estimate(input).scaled(4, 1),
        // A script may write any number of lines per row; as many as it reads.
        LogicalPlan::ScriptTransform(t) => estimate(&t.input),
        LogicalPlan::Sort(Sort { fetch: Some(n), .. })
        | LogicalPlan::Limit(Limit { fetch: n, .. }) => Estimate::exact(*n as u64, *n as u64 * 64),
        LogicalPlan::Aggregate(Aggregate { input, group, .. }) => {
            if group.is_empty() {
                Estimate::exact(1, 64)
            } else {
                estimate(input)
            }
        }
        LogicalPlan::Union(Union { inputs, .. }) => {
            let parts: Vec<Estimate> = inputs.iter().map(|i| estimate(i)).collect();
            Estimate {
                rows: parts.iter().map(|e| e.rows).sum(),
                bytes: parts.iter().map(|e| e.bytes).sum(),
            }
        }
        // A semi join keeps the left rows whose key the right side holds:
        // with the right side's rows a filtered share of its table's, as
        // many of the left's (the containment guess), but never less than
        // a tenth (the right side's key may repeat, its filters overlap).
        LogicalPlan::Join(Join {
            kind: JoinKind::LeftSemi,
            left,
            right,
            on,
            ..
        }) if !on.is_empty() => estimate(left).kept(kept_fraction(right).max(0.1)),
        LogicalPlan::Join(Join {
            kind: JoinKind::LeftSemi | JoinKind::LeftAnti,
            left,
            ..
        }) => estimate(left),
        LogicalPlan::Join(j) => join_estimate(j),
    }
}

/// The share of its tables' rows `plan` is guessed to keep through
/// filters (1 where unknown: aggregations, unions, outer sides).
fn kept_fraction(plan: &LogicalPlan) -> f64 {
    match plan {
        LogicalPlan::Filter(Filter { input, predicate }) => {
            selectivity(predicate) * kept_fraction(input)
        }
        LogicalPlan::Project(Project { input, .. })
        | LogicalPlan::Sort(Sort {
            input, fetch: None, ..
        })
        | LogicalPlan::Distribute(Distribute { input, .. })
        | LogicalPlan::LocalSort(LocalSort { input, .. }) => kept_fraction(input),
        LogicalPlan::Join(Join {
            kind: JoinKind::LeftSemi,
            left,
            right,
            ..
        }) => kept_fraction(left) * kept_fraction(right),
        _ => 1.0,
    }
}

fn join_estimate(j: &Join) -> Estimate {
    let (l, r) = (estimate(&j.left), estimate(&j.right));
    let (Some(lr), Some(rr), Some(lb), Some(rb)) = (l.rows, r.rows, l.bytes, r.bytes) else {
        return Estimate::UNKNOWN;
    };
    let width = lb / lr.max(1) + rb / rr.max(1);
    let rows = if j.on.is_empty() {
        lr.saturating_mul(rr)
    } else {
        match j.kind {
            JoinKind::Full => lr + rr,
            _ => lr.max(rr),
        }
    };
    let rows = match &j.filter {
        Some(f) => (rows as f64 * selectivity(f)).ceil() as u64,
        None => rows,
    };
    Estimate {
        rows: Some(rows),
        bytes: Some(rows.saturating_mul(width.max(1))),
    }
}

/// The fraction of rows a predicate is guessed to keep.
pub fn selectivity(p: &Expr) -> f64 {
    let s = match p {
        Expr::Binary {
            op, left, right, ..
        } => match op {
            BinaryOp::And => selectivity(left) * selectivity(right),
            BinaryOp::Or => selectivity(left) + selectivity(right),
            BinaryOp::Eq | BinaryOp::NullSafeEq => 0.1,
            BinaryOp::NotEq => 0.9,
            BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => 1.0 / 3.0,
            _ => 0.5,
        },
        Expr::Not(e) => 1.0 - selectivity(e),
        Expr::IsNull { negated, .. } => {
            if *negated {
                0.9
            } else {
                0.1
            }
        }
        Expr::InList { list, negated, .. } => {
            let s = (0.1 * list.len() as f64).min(0.5);
            if *negated {
                1.0 - s
            } else {
                s
            }
        }
        Expr::Like { negated, .. } => {
            if *negated {
                0.75
            } else {
                0.25
            }
        }
        Expr::Literal(crate::scalar::ScalarValue::Boolean(true)) => 1.0,
        Expr::Literal(_) => 0.0,
        _ => 0.5,
    };
    s.clamp(0.0, 1.0)
}
