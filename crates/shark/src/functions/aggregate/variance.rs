//! Variance and standard deviation, population (var_pop, alias variance;
//! stddev_pop, aliases stddev and std) and sample (var_samp, stddev_samp),
//! as DOUBLE: Welford's online update, partial states merged with Chan's
//! formula.

use super::{grow, Accumulator, AggFunc, AggregateCall, AggregateFunction};
use crate::error::Result;
use arrow::array::*;
use arrow::compute::cast;
use arrow::datatypes::*;
use std::sync::Arc;

pub(super) static FUNCTIONS: &[AggregateFunction] = &[
    AggregateFunction {
        name: "var_pop",
        func: AggFunc::VarPop,
        return_type: double,
    },
    AggregateFunction {
        name: "variance",
        func: AggFunc::VarPop,
        return_type: double,
    },
    AggregateFunction {
        name: "var_samp",
        func: AggFunc::VarSamp,
        return_type: double,
    },
    AggregateFunction {
        name: "stddev_pop",
        func: AggFunc::StddevPop,
        return_type: double,
    },
    AggregateFunction {
        name: "stddev",
        func: AggFunc::StddevPop,
        return_type: double,
    },
    AggregateFunction {
        name: "std",
        func: AggFunc::StddevPop,
        return_type: double,
    },
    AggregateFunction {
        name: "stddev_samp",
        func: AggFunc::StddevSamp,
        return_type: double,
    },
];

/// Always DOUBLE.
fn double(_: Option<&DataType>) -> DataType {
    DataType::Float64
}

/// The accumulator for a variance or standard deviation call.
pub(super) fn create(call: &AggregateCall) -> Result<Box<dyn Accumulator>> {
    Ok(Box::new(Variance {
        func: call.func,
        n: vec![],
        mean: vec![],
        m2: vec![],
    }))
}

/// Welford's online variance, merged with Chan's formula.
struct Variance {
    func: AggFunc,
    n: Vec<f64>,
    mean: Vec<f64>,
    m2: Vec<f64>,
}

impl Variance {
    fn combine(&mut self, g: usize, n2: f64, mean2: f64, m2_2: f64) {
        let n1 = self.n[g];
        if n2 == 0.0 {
            return;
        }
        let n = n1 + n2;
        let delta = mean2 - self.mean[g];
        self.mean[g] += delta * n2 / n;
        self.m2[g] += m2_2 + delta * delta * n1 * n2 / n;
        self.n[g] = n;
    }
}

impl Accumulator for Variance {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        grow(&mut self.n, n, 0.0);
        grow(&mut self.mean, n, 0.0);
        grow(&mut self.m2, n, 0.0);
        let v = cast(&args[0], &DataType::Float64)?;
        let v = v.as_primitive::<Float64Type>();
        for (i, &g) in groups.iter().enumerate() {
            if v.is_valid(i) {
                self.combine(g as usize, 1.0, v.value(i), 0.0);
            }
        }
        Ok(())
    }
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        grow(&mut self.n, n, 0.0);
        grow(&mut self.mean, n, 0.0);
        grow(&mut self.m2, n, 0.0);
        let (c, m, q) = (
            states[0].as_primitive::<Float64Type>(),
            states[1].as_primitive::<Float64Type>(),
            states[2].as_primitive::<Float64Type>(),
        );
        for (i, &g) in groups.iter().enumerate() {
            self.combine(g as usize, c.value(i), m.value(i), q.value(i));
        }
        Ok(())
    }
    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        grow(&mut self.n, n, 0.0);
        grow(&mut self.mean, n, 0.0);
        grow(&mut self.m2, n, 0.0);
        Ok(vec![
            Arc::new(Float64Array::from(std::mem::take(&mut self.n))),
            Arc::new(Float64Array::from(std::mem::take(&mut self.mean))),
            Arc::new(Float64Array::from(std::mem::take(&mut self.m2))),
        ])
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        grow(&mut self.n, n, 0.0);
        grow(&mut self.m2, n, 0.0);
        let out: Float64Array = self
            .n
            .iter()
            .zip(&self.m2)
            .map(|(&c, &m2)| match self.func {
                AggFunc::VarPop => (c > 0.0).then(|| m2 / c),
                AggFunc::StddevPop => (c > 0.0).then(|| (m2 / c).sqrt()),
                AggFunc::VarSamp => (c > 1.0).then(|| m2 / (c - 1.0)),
                _ => (c > 1.0).then(|| (m2 / (c - 1.0)).sqrt()),
            })
            .collect();
        self.n.clear();
        self.mean.clear();
        self.m2.clear();
        Ok(Arc::new(out))
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![DataType::Float64; 3]
    }
}
