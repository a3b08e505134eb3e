//! percentile and percentile_approx (both exact): each group's values,
//! sorted at the end. The fraction (or array of fractions) is a constant
//! argument, which the caller evaluates for the accumulator.

use super::{Accumulator, AggFunc, AggregateCall, AggregateFunction};
use crate::error::{Result, SharkError};
use arrow::array::*;
use arrow::datatypes::*;
use std::sync::Arc;

pub(super) static FUNCTIONS: &[AggregateFunction] = &[
    AggregateFunction {
        name: "percentile",
        func: AggFunc::Percentile,
        return_type: double,
    },
    AggregateFunction {
        name: "percentile_approx",
        func: AggFunc::Percentile,
        return_type: double,
    },
];

/// The fraction argument, `p` in `percentile(x, p)`: evaluated once by the
/// caller (see `AggFunc::constant_args`).
pub(super) const CONSTANT_ARGS: &[usize] = &[1];

/// DOUBLE for one fraction; analysis types an array of fractions itself
/// (ARRAY<DOUBLE>), since that depends on the second argument.
fn double(_: Option<&DataType>) -> DataType {
    DataType::Float64
}

/// The accumulator for a percentile call, with its fractions.
pub(super) fn create(call: &AggregateCall) -> Result<Box<dyn Accumulator>> {
    Ok(Box::new(Percentile::new(call)?))
}

/// percentile / percentile_approx: each group's values, sorted at the end.
/// Exact (Hive's percentile): the value at position p * (n - 1), linearly
/// interpolated between its neighbours.
struct Percentile {
    values: Vec<Vec<f64>>,
    fractions: Vec<f64>,
    array: bool,
}

impl Percentile {
    /// Reads the fractions from the call's evaluated second argument (one
    /// row: a DOUBLE, or an array of them).
    fn new(call: &AggregateCall) -> Result<Self> {
        let p = call.constant(CONSTANT_ARGS[0]).ok_or_else(|| {
            SharkError::exec("percentile needs its fraction evaluated as a constant")
        })?;
        let (fractions, array): (Vec<Option<f64>>, bool) = match p.data_type() {
            DataType::List(_) => {
                let l = p.as_list::<i32>();
                if l.is_null(0) {
                    (vec![None], true)
                } else {
                    (
                        l.value(0).as_primitive::<Float64Type>().iter().collect(),
                        true,
                    )
                }
            }
            _ => (
                vec![(!p.is_null(0)).then(|| p.as_primitive::<Float64Type>().value(0))],
                false,
            ),
        };
        let fractions = fractions
            .into_iter()
            .map(|f| match f {
                Some(f) if (0.0..=1.0).contains(&f) => Ok(f),
                other => Err(SharkError::exec(format!(
                    "percentile needs fractions between 0 and 1, got {}",
                    other.map_or("NULL".to_string(), |f| f.to_string())
                ))),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Percentile {
            values: vec![],
            fractions,
            array,
        })
    }

    fn at(sorted: &[f64], p: f64) -> f64 {
        let pos = p * (sorted.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        if lo == hi {
            sorted[lo]
        } else {
            (hi as f64 - pos) * sorted[lo] + (pos - lo as f64) * sorted[hi]
        }
    }
}

impl Accumulator for Percentile {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        if self.values.len() < n {
            self.values.resize_with(n, Vec::new);
        }
        if args[0].data_type() == &DataType::Null {
            return Ok(());
        }
        let x = args[0].as_primitive::<Float64Type>();
        for (i, &g) in groups.iter().enumerate() {
            if x.is_valid(i) {
                self.values[g as usize].push(x.value(i));
            }
        }
        Ok(())
    }
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        if self.values.len() < n {
            self.values.resize_with(n, Vec::new);
        }
        let lists = states[0].as_list::<i32>();
        for (i, &g) in groups.iter().enumerate() {
            if lists.is_valid(i) {
                let v = lists.value(i);
                self.values[g as usize].extend(v.as_primitive::<Float64Type>().values().iter());
            }
        }
        Ok(())
    }
    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        if self.values.len() < n {
            self.values.resize_with(n, Vec::new);
        }
        let mut b = ListBuilder::new(Float64Builder::new());
        for v in std::mem::take(&mut self.values) {
            b.values().append_slice(&v);
            b.append(true);
        }
        Ok(vec![Arc::new(b.finish())])
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        if self.values.len() < n {
            self.values.resize_with(n, Vec::new);
        }
        let mut groups = std::mem::take(&mut self.values);
        for v in &mut groups {
            v.sort_by(|a, b| a.total_cmp(b));
        }
        if self.array {
            let mut b = ListBuilder::new(Float64Builder::new());
            for v in &groups {
                if v.is_empty() {
                    b.append(false);
                    continue;
                }
                for &p in &self.fractions {
                    b.values().append_value(Self::at(v, p));
                }
                b.append(true);
            }
            return Ok(Arc::new(b.finish()));
        }
        let p = self.fractions[0];
        Ok(Arc::new(Float64Array::from_iter(
            groups
                .iter()
                .map(|v| (!v.is_empty()).then(|| Self::at(v, p))),
        )))
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![crate::functions::list_of(DataType::Float64)]
    }
}
