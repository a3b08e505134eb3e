//! collect_list and collect_set: each group's non-NULL values (distinct
//! ones for collect_set) as an array, kept in arrow-row form.

use super::{Accumulator, AggFunc, AggregateCall, AggregateFunction};
use crate::error::Result;
use arrow::array::*;
use arrow::datatypes::*;
use arrow_row::{RowConverter, SortField};
use std::collections::HashSet;
use std::sync::Arc;

pub(super) static FUNCTIONS: &[AggregateFunction] = &[
    AggregateFunction {
        name: "collect_list",
        func: AggFunc::CollectList,
        return_type: list_type,
    },
    AggregateFunction {
        name: "collect_set",
        func: AggFunc::CollectSet,
        return_type: list_type,
    },
];

/// An array of the argument's type (of strings without one).
fn list_type(arg: Option<&DataType>) -> DataType {
    DataType::List(Arc::new(Field::new(
        "item",
        arg.cloned().unwrap_or(DataType::Utf8),
        true,
    )))
}

/// The accumulator for a collect_list or collect_set call.
pub(super) fn create(call: &AggregateCall) -> Result<Box<dyn Accumulator>> {
    Ok(Box::new(Collect::new(
        call.arg_type().cloned().unwrap_or(DataType::Utf8),
        call.func == AggFunc::CollectSet,
    )?))
}

/// collect_list / collect_set: each group's values in arrow-row form.
struct Collect {
    converter: RowConverter,
    data_type: DataType,
    values: Vec<Vec<Vec<u8>>>,
    distinct: bool,
    seen: Vec<HashSet<Vec<u8>>>,
}

impl Collect {
    fn new(data_type: DataType, distinct: bool) -> Result<Self> {
        Ok(Collect {
            converter: RowConverter::new(vec![SortField::new(data_type.clone())])?,
            data_type,
            values: vec![],
            distinct,
            seen: vec![],
        })
    }

    fn add(&mut self, groups: &[u32], v: &ArrayRef, n: usize) -> Result<()> {
        if self.values.len() < n {
            self.values.resize_with(n, Vec::new);
            self.seen.resize_with(n, HashSet::new);
        }
        let rows = self.converter.convert_columns(std::slice::from_ref(v))?;
        for (i, &g) in groups.iter().enumerate() {
            if v.is_null(i) || v.data_type() == &DataType::Null {
                continue;
            }
            let bytes = rows.row(i).as_ref().to_vec();
            if self.distinct && !self.seen[g as usize].insert(bytes.clone()) {
                continue;
            }
            self.values[g as usize].push(bytes);
        }
        Ok(())
    }
}

impl Accumulator for Collect {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        self.add(groups, &args[0], n)
    }
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        let lists = states[0].as_list::<i32>();
        for (i, &g) in groups.iter().enumerate() {
            if lists.is_null(i) {
                continue;
            }
            let items = lists.value(i);
            let gs = vec![g; items.len()];
            self.add(&gs, &items, n)?;
        }
        Ok(())
    }
    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate(n)?])
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        if self.values.len() < n {
            self.values.resize_with(n, Vec::new);
        }
        let parser = self.converter.parser();
        let mut offsets = vec![0i32];
        let mut rows = Vec::new();
        for g in &self.values {
            for v in g {
                rows.push(parser.parse(v));
            }
            offsets.push(rows.len() as i32);
        }
        let values = if rows.is_empty() {
            new_empty_array(&self.data_type)
        } else {
            self.converter.convert_rows(rows)?.remove(0)
        };
        let field = Arc::new(Field::new("item", self.data_type.clone(), true));
        let list = ListArray::new(
            field,
            arrow::buffer::OffsetBuffer::new(offsets.into()),
            values,
            None,
        );
        self.values.clear();
        self.seen.clear();
        Ok(Arc::new(list))
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![DataType::List(Arc::new(Field::new(
            "item",
            self.data_type.clone(),
            true,
        )))]
    }
}
