//! Size estimates for planning: bytes and rows of each operator's output,
//! from what the sources know (file sizes, memory tables' exact sizes, the
//! cache) and propagated upwards. Filters and projections keep their
//! input's size (an upper bound, which is what broadcast decisions need);
//! joins have no static estimate — adaptive execution measures them.

use crate::plan::{JoinKind, LogicalPlan};
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
        LogicalPlan::Scan(crate::plan::Scan {
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
            let rows = source
                .estimated_rows()
                .unwrap_or_else(|| total / row_width(&table));
            let _ = schema;
            Estimate::exact(rows, bytes)
        }
        LogicalPlan::OneRow => Estimate::exact(1, 0),
        LogicalPlan::Empty(crate::plan::Empty { .. }) => Estimate::exact(0, 0),
        LogicalPlan::Filter(crate::plan::Filter { input, .. })
        | LogicalPlan::Project(crate::plan::Project { input, .. })
        | LogicalPlan::Sort(crate::plan::Sort {
            input, fetch: None, ..
        })
        | LogicalPlan::Distribute(crate::plan::Distribute { input, .. })
        | LogicalPlan::LocalSort(crate::plan::LocalSort { input, .. })
        | LogicalPlan::Window(crate::plan::Window { input, .. })
        | LogicalPlan::Offset(crate::plan::Offset { input, .. }) => estimate(input),
        LogicalPlan::Replicate(crate::plan::Replicate { input, .. }) => {
            estimate(input).scaled(2, 1)
        }
        LogicalPlan::Generate(crate::plan::Generate { input, .. }) => estimate(input).scaled(4, 1),
        LogicalPlan::Sort(crate::plan::Sort { fetch: Some(n), .. })
        | LogicalPlan::Limit(crate::plan::Limit { fetch: n, .. }) => {
            Estimate::exact(*n as u64, *n as u64 * 64)
        }
        LogicalPlan::Aggregate(crate::plan::Aggregate { input, group, .. }) => {
            if group.is_empty() {
                Estimate::exact(1, 64)
            } else {
                estimate(input)
            }
        }
        LogicalPlan::Union(crate::plan::Union { inputs, .. }) => {
            let parts: Vec<Estimate> = inputs.iter().map(|i| estimate(i)).collect();
            Estimate {
                rows: parts.iter().map(|e| e.rows).sum(),
                bytes: parts.iter().map(|e| e.bytes).sum(),
            }
        }
        LogicalPlan::Join(crate::plan::Join {
            kind: JoinKind::LeftSemi | JoinKind::LeftAnti,
            left,
            ..
        }) => estimate(left),
        LogicalPlan::Join(crate::plan::Join { .. }) => Estimate::UNKNOWN,
    }
}
