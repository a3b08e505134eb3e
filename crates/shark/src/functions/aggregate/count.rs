//! count: the rows where every argument is non-NULL (every row for
//! `count(*)`), as BIGINT; partial counts add up.

use super::{all_valid, grow, Accumulator, AggFunc, AggregateCall, AggregateFunction};
use crate::error::Result;
use arrow::array::*;
use arrow::datatypes::*;
use std::sync::Arc;

pub(super) static FUNCTIONS: &[AggregateFunction] = &[AggregateFunction {
    name: "count",
    func: AggFunc::Count,
    return_type: |_| DataType::Int64,
}];

/// The accumulator for a count call.
pub(super) fn create(_call: &AggregateCall) -> Result<Box<dyn Accumulator>> {
    Ok(Box::new(Count { counts: vec![] }))
}

struct Count {
    counts: Vec<i64>,
}

impl Accumulator for Count {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        grow(&mut self.counts, n, 0);
        if args
            .iter()
            .all(|a| a.null_count() == 0 && a.data_type() != &DataType::Null)
        {
            for &g in groups {
                self.counts[g as usize] += 1;
            }
        } else {
            for (i, &g) in groups.iter().enumerate() {
                if all_valid(args, i) {
                    self.counts[g as usize] += 1;
                }
            }
        }
        Ok(())
    }
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        grow(&mut self.counts, n, 0);
        let c = states[0].as_primitive::<Int64Type>();
        for (i, &g) in groups.iter().enumerate() {
            self.counts[g as usize] += c.value(i);
        }
        Ok(())
    }
    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate(n)?])
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        grow(&mut self.counts, n, 0);
        Ok(Arc::new(Int64Array::from(std::mem::take(&mut self.counts))))
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![DataType::Int64]
    }
}
