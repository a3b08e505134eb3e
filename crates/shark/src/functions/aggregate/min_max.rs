//! min and max for any orderable type, and the value of a scalar subquery
//! (which has no SQL name and fails on a second row). Values are compared
//! in arrow's row format, whose byte order is the SQL order.

use super::{grow, Accumulator, AggFunc, AggregateCall, AggregateFunction};
use crate::error::{Result, SharkError};
use arrow::array::*;
use arrow::datatypes::*;
use arrow_row::{RowConverter, Rows, SortField};
use std::sync::Arc;

pub(super) static FUNCTIONS: &[AggregateFunction] = &[
    AggregateFunction {
        name: "min",
        func: AggFunc::Min,
        return_type: value_type,
    },
    AggregateFunction {
        name: "max",
        func: AggFunc::Max,
        return_type: value_type,
    },
];

/// The scalar subquery's value: not callable from SQL, so it stays out of
/// `FUNCTIONS` (and SHOW FUNCTIONS); `definition` finds it here.
pub(super) static SINGLE_VALUE: AggregateFunction = AggregateFunction {
    name: "single_value",
    func: AggFunc::SingleValue,
    return_type: value_type,
};

/// The argument's own type (NULL without one).
fn value_type(arg: Option<&DataType>) -> DataType {
    arg.cloned().unwrap_or(DataType::Null)
}

/// The accumulator for a min, max or scalar-subquery call.
pub(super) fn create(call: &AggregateCall) -> Result<Box<dyn Accumulator>> {
    Ok(Box::new(MinMax::new(
        call.arg_type().cloned().unwrap_or(DataType::Null),
        call.func,
    )?))
}

/// min, max and scalar-subquery values for any orderable type: values are
/// kept in arrow's row format, whose byte order is the SQL order.
struct MinMax {
    converter: RowConverter,
    best: Vec<Option<Vec<u8>>>,
    counts: Vec<i64>,
    func: AggFunc,
    data_type: DataType,
}

impl MinMax {
    fn new(data_type: DataType, func: AggFunc) -> Result<Self> {
        Ok(MinMax {
            converter: RowConverter::new(vec![SortField::new(data_type.clone())])?,
            best: vec![],
            counts: vec![],
            func,
            data_type,
        })
    }

    fn add(
        &mut self,
        groups: &[u32],
        v: &ArrayRef,
        counts: Option<&Int64Array>,
        n: usize,
    ) -> Result<()> {
        grow(&mut self.best, n, None);
        grow(&mut self.counts, n, 0);
        let rows: Rows = self.converter.convert_columns(std::slice::from_ref(v))?;
        for (i, &g) in groups.iter().enumerate() {
            let g = g as usize;
            if self.func == AggFunc::SingleValue {
                self.counts[g] += counts.map(|c| c.value(i)).unwrap_or(1);
                if self.counts[g] > 1 {
                    return Err(SharkError::exec(
                        "Scalar subquery returned more than one row",
                    ));
                }
            }
            if v.is_null(i) {
                continue;
            }
            let row = rows.row(i);
            let better = match &self.best[g] {
                None => true,
                Some(cur) => match self.func {
                    AggFunc::Min => row.as_ref() < cur.as_slice(),
                    AggFunc::Max => row.as_ref() > cur.as_slice(),
                    _ => false,
                },
            };
            if better {
                self.best[g] = Some(row.as_ref().to_vec());
            }
        }
        Ok(())
    }
}

impl Accumulator for MinMax {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        self.add(groups, &args[0], None, n)
    }
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        let counts = states.get(1).map(|c| c.as_primitive::<Int64Type>().clone());
        self.add(groups, &states[0], counts.as_ref(), n)
    }
    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        let counts = {
            grow(&mut self.counts, n, 0);
            Int64Array::from(self.counts.clone())
        };
        let v = self.evaluate(n)?;
        Ok(vec![v, Arc::new(counts)])
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        grow(&mut self.best, n, None);
        let parser = self.converter.parser();
        // NULL groups: take a NULL value's encoding.
        let null_row = self
            .converter
            .convert_columns(&[new_null_array(&self.data_type, 1)])?;
        let rows: Vec<arrow_row::Row> = self
            .best
            .iter()
            .map(|b| match b {
                Some(bytes) => parser.parse(bytes),
                None => null_row.row(0),
            })
            .collect();
        let mut cols = self.converter.convert_rows(rows)?;
        self.best.clear();
        self.counts.clear();
        Ok(cols.remove(0))
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![self.data_type.clone(), DataType::Int64]
    }
}
