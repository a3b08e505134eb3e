//! covar_pop, covar_samp and corr, as DOUBLE, over the pairs where both
//! arguments are non-NULL.

use super::{Accumulator, AggFunc, AggregateCall, AggregateFunction};
use crate::error::Result;
use arrow::array::*;
use arrow::datatypes::*;
use std::sync::Arc;

pub(super) static FUNCTIONS: &[AggregateFunction] = &[
    AggregateFunction {
        name: "covar_pop",
        func: AggFunc::CovarPop,
        return_type: double,
    },
    AggregateFunction {
        name: "covar_samp",
        func: AggFunc::CovarSamp,
        return_type: double,
    },
    AggregateFunction {
        name: "corr",
        func: AggFunc::Corr,
        return_type: double,
    },
];

/// Always DOUBLE.
fn double(_: Option<&DataType>) -> DataType {
    DataType::Float64
}

/// The accumulator for a covariance or correlation call.
pub(super) fn create(call: &AggregateCall) -> Result<Box<dyn Accumulator>> {
    Ok(Box::new(Covariance {
        func: call.func,
        parts: vec![],
    }))
}

/// covar_pop, covar_samp, corr: per group the count, the means, the
/// co-moment and both second moments, combined pairwise (Chan et al.), so
/// partial states merge exactly.
struct Covariance {
    func: AggFunc,
    /// (n, mean x, mean y, c_xy, m2 x, m2 y) per group.
    parts: Vec<[f64; 6]>,
}

impl Covariance {
    fn combine(p: &mut [f64; 6], o: [f64; 6]) {
        let (n1, n2) = (p[0], o[0]);
        if n2 == 0.0 {
            return;
        }
        let n = n1 + n2;
        let (dx, dy) = (o[1] - p[1], o[2] - p[2]);
        p[3] += o[3] + dx * dy * n1 * n2 / n;
        p[4] += o[4] + dx * dx * n1 * n2 / n;
        p[5] += o[5] + dy * dy * n1 * n2 / n;
        p[1] += dx * n2 / n;
        p[2] += dy * n2 / n;
        p[0] = n;
    }

    fn grow(&mut self, n: usize) {
        if self.parts.len() < n {
            self.parts.resize(n, [0.0; 6]);
        }
    }
}

impl Accumulator for Covariance {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        self.grow(n);
        if args.iter().any(|a| a.data_type() == &DataType::Null) {
            return Ok(());
        }
        let (x, y) = (
            args[0].as_primitive::<Float64Type>(),
            args[1].as_primitive::<Float64Type>(),
        );
        for (i, &g) in groups.iter().enumerate() {
            if x.is_valid(i) && y.is_valid(i) {
                let one = [1.0, x.value(i), y.value(i), 0.0, 0.0, 0.0];
                Self::combine(&mut self.parts[g as usize], one);
            }
        }
        Ok(())
    }
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        self.grow(n);
        let cols: Vec<&Float64Array> = states
            .iter()
            .map(|s| s.as_primitive::<Float64Type>())
            .collect();
        for (i, &g) in groups.iter().enumerate() {
            let mut o = [0.0; 6];
            for (k, c) in cols.iter().enumerate() {
                o[k] = c.value(i);
            }
            Self::combine(&mut self.parts[g as usize], o);
        }
        Ok(())
    }
    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        self.grow(n);
        let parts = std::mem::take(&mut self.parts);
        Ok((0..6)
            .map(|k| {
                Arc::new(Float64Array::from_iter_values(parts.iter().map(|p| p[k]))) as ArrayRef
            })
            .collect())
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        self.grow(n);
        let func = self.func;
        let out: Float64Array = std::mem::take(&mut self.parts)
            .iter()
            .map(|p| {
                let c = p[0];
                match func {
                    AggFunc::CovarPop => (c > 0.0).then(|| p[3] / c),
                    AggFunc::CovarSamp => (c > 1.0).then(|| p[3] / (c - 1.0)),
                    _ => (c > 1.0 && p[4] > 0.0 && p[5] > 0.0).then(|| p[3] / (p[4] * p[5]).sqrt()),
                }
            })
            .collect();
        Ok(Arc::new(out))
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![DataType::Float64; 6]
    }
}
