//! `agg(DISTINCT args)`: any aggregate fed each group's distinct argument
//! values once.

use super::{all_valid, Accumulator};
use crate::error::{Result, SharkError};
use arrow::array::*;
use arrow::datatypes::*;
use arrow_row::{RowConverter, SortField};
use std::collections::HashSet;

/// `inner`, fed only the first occurrence of each group's argument values.
pub(super) fn wrap(inner: Box<dyn Accumulator>) -> Box<dyn Accumulator> {
    Box::new(Distinct {
        inner,
        seen: vec![],
    })
}

/// `agg(DISTINCT args)`: forwards each group's first occurrence of a value.
/// Runs in a single phase (rows are shuffled by group first).
struct Distinct {
    inner: Box<dyn Accumulator>,
    seen: Vec<HashSet<Vec<u8>>>,
}

impl Accumulator for Distinct {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        if self.seen.len() < n {
            self.seen.resize_with(n, HashSet::new);
        }
        let fields: Vec<SortField> = args
            .iter()
            .map(|a| SortField::new(a.data_type().clone()))
            .collect();
        let converter = RowConverter::new(fields)?;
        let rows = converter.convert_columns(args)?;
        let mut keep_idx = Vec::new();
        let mut keep_groups = Vec::new();
        for (i, &g) in groups.iter().enumerate() {
            if !all_valid(args, i) {
                continue;
            }
            if self.seen[g as usize].insert(rows.row(i).as_ref().to_vec()) {
                keep_idx.push(i as u32);
                keep_groups.push(g);
            }
        }
        if keep_idx.is_empty() {
            return self.inner.update(
                &[],
                &args.iter().map(|a| a.slice(0, 0)).collect::<Vec<_>>(),
                n,
            );
        }
        let idx = UInt32Array::from(keep_idx);
        let taken: Vec<ArrayRef> = args
            .iter()
            .map(|a| arrow::compute::take(a, &idx, None))
            .collect::<std::result::Result<_, _>>()?;
        self.inner.update(&keep_groups, &taken, n)
    }
    fn merge(&mut self, _: &[u32], _: &[ArrayRef], _: usize) -> Result<()> {
        Err(SharkError::exec("DISTINCT aggregates run in one phase"))
    }
    fn state(&mut self, _: usize) -> Result<Vec<ArrayRef>> {
        Err(SharkError::exec("DISTINCT aggregates run in one phase"))
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        self.seen.clear();
        self.inner.evaluate(n)
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![]
    }
}
