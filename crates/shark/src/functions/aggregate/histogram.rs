//! `histogram_numeric(x, b)`: an approximate histogram of the non-NULL
//! values in at most `b` bins, as Hive builds it (Ben-Haim and Tom-Tov's
//! streaming histogram): each value is a bin of height 1 (or raises the
//! bin already at that value), and while there are more than `b` bins the
//! two closest neighbours merge into one at their weighted mean. Partial
//! histograms merge the same way. With at most `b` distinct values the
//! answer is exact; beyond that it depends on the order values arrive in,
//! as Hive's does.

use super::{Accumulator, AggFunc, AggregateCall, AggregateFunction};
use crate::error::{Result, SharkError};
use arrow::array::*;
use arrow::datatypes::*;
use std::sync::Arc;

pub(super) static FUNCTIONS: &[AggregateFunction] = &[AggregateFunction {
    name: "histogram_numeric",
    func: AggFunc::HistogramNumeric,
    return_type: |_| result_type(),
}];

/// The bin count: evaluated once by the caller.
pub(super) const CONSTANT_ARGS: &[usize] = &[1];

fn bin_fields() -> Fields {
    Fields::from(vec![
        Field::new("x", DataType::Float64, true),
        Field::new("y", DataType::Float64, true),
    ])
}

/// ARRAY<STRUCT<x: DOUBLE, y: DOUBLE>>: bin centres and heights, by x.
pub fn result_type() -> DataType {
    DataType::List(Arc::new(Field::new(
        "item",
        DataType::Struct(bin_fields()),
        true,
    )))
}

/// The accumulator for a call, with its bin count.
pub(super) fn create(call: &AggregateCall) -> Result<Box<dyn Accumulator>> {
    let bad =
        || SharkError::exec("histogram_numeric needs a constant number of bins of at least 2");
    let a = call.constant(CONSTANT_ARGS[0]).ok_or_else(bad)?;
    let v = arrow::compute::cast(a, &DataType::Int64)?;
    let v = v.as_primitive::<Int64Type>();
    if v.is_null(0) || v.value(0) < 2 {
        return Err(bad());
    }
    Ok(Box::new(Histogram {
        bins: v.value(0) as usize,
        groups: vec![],
    }))
}

struct Histogram {
    bins: usize,
    /// Each group's bins, sorted by centre.
    groups: Vec<Vec<(f64, f64)>>,
}

impl Histogram {
    fn grow(&mut self, n: usize) {
        if self.groups.len() < n {
            self.groups.resize_with(n, Vec::new);
        }
    }

    /// Adds `height` at `x` to a group's bins, then merges down to `max`.
    fn add(bins: &mut Vec<(f64, f64)>, x: f64, height: f64, max: usize) {
        match bins.binary_search_by(|b| b.0.total_cmp(&x)) {
            Ok(i) => bins[i].1 += height,
            Err(i) => bins.insert(i, (x, height)),
        }
        while bins.len() > max {
            let closest = (0..bins.len() - 1)
                .min_by(|&a, &b| {
                    let ga = bins[a + 1].0 - bins[a].0;
                    let gb = bins[b + 1].0 - bins[b].0;
                    ga.total_cmp(&gb)
                })
                .expect("more than one bin");
            let (x1, y1) = bins[closest];
            let (x2, y2) = bins.remove(closest + 1);
            bins[closest] = ((x1 * y1 + x2 * y2) / (y1 + y2), y1 + y2);
        }
    }
}

impl Accumulator for Histogram {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        self.grow(n);
        let values = arrow::compute::cast(&args[0], &DataType::Float64)?;
        let values = values.as_primitive::<Float64Type>();
        for (i, &g) in groups.iter().enumerate() {
            if values.is_valid(i) && !values.value(i).is_nan() {
                Self::add(
                    &mut self.groups[g as usize],
                    values.value(i),
                    1.0,
                    self.bins,
                );
            }
        }
        Ok(())
    }

    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        self.grow(n);
        let lists = states[0].as_list::<i32>();
        for (i, &g) in groups.iter().enumerate() {
            if lists.is_null(i) {
                continue;
            }
            let bins = lists.value(i);
            let bins = bins.as_struct();
            let (xs, ys) = (
                bins.column(0).as_primitive::<Float64Type>(),
                bins.column(1).as_primitive::<Float64Type>(),
            );
            for j in 0..bins.len() {
                Self::add(
                    &mut self.groups[g as usize],
                    xs.value(j),
                    ys.value(j),
                    self.bins,
                );
            }
        }
        Ok(())
    }

    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate(n)?])
    }

    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        self.grow(n);
        let (mut xs, mut ys) = (Float64Builder::new(), Float64Builder::new());
        let mut offsets = vec![0i32];
        let mut valid = Vec::with_capacity(n);
        for bins in self.groups.drain(..).take(n) {
            valid.push(!bins.is_empty());
            for (x, y) in &bins {
                xs.append_value(*x);
                ys.append_value(*y);
            }
            offsets.push(offsets.last().copied().unwrap_or(0) + bins.len() as i32);
        }
        let entries = StructArray::new(
            bin_fields(),
            vec![Arc::new(xs.finish()), Arc::new(ys.finish())],
            None,
        );
        Ok(Arc::new(ListArray::new(
            Arc::new(Field::new("item", DataType::Struct(bin_fields()), true)),
            arrow::buffer::OffsetBuffer::new(offsets.into()),
            Arc::new(entries),
            // No values: NULL, as Hive gives.
            Some(arrow::buffer::NullBuffer::from(valid)),
        )))
    }

    fn state_types(&self) -> Vec<DataType> {
        vec![result_type()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_bins_merge_at_their_weighted_mean() {
        let mut bins = Vec::new();
        for v in [1.0, 2.5, 10.0, 11.0] {
            Histogram::add(&mut bins, v, 1.0, 3);
        }
        // Gaps 1.5, 7.5, 1: 10 and 11 merge.
        assert_eq!(bins, vec![(1.0, 1.0), (2.5, 1.0), (10.5, 2.0)]);
        Histogram::add(&mut bins, 2.0, 1.0, 3);
        assert_eq!(bins, vec![(1.0, 1.0), (2.25, 2.0), (10.5, 2.0)]);
        Histogram::add(&mut bins, 3.0, 1.0, 3);
        assert_eq!(bins, vec![(1.0, 1.0), (2.5, 3.0), (10.5, 2.0)]);
        // The first of equal gaps merges, as Hive's loop picks it.
        let mut tie = Vec::new();
        for v in [1.0, 2.0, 10.0, 11.0] {
            Histogram::add(&mut tie, v, 1.0, 3);
        }
        assert_eq!(tie, vec![(1.5, 2.0), (10.0, 1.0), (11.0, 1.0)]);
    }
}
