//! sum and avg (alias mean): exact DECIMAL arithmetic for decimals,
//! wrapping BIGINT for integers, DOUBLE otherwise. Partial states are the
//! running sums (and counts, for avg), which add up.

use super::{grow, Accumulator, AggFunc, AggregateCall, AggregateFunction};
use crate::error::Result;
use arrow::array::*;
use arrow::compute::cast;
use arrow::datatypes::*;
use std::sync::Arc;

pub(super) static FUNCTIONS: &[AggregateFunction] = &[
    AggregateFunction {
        name: "sum",
        func: AggFunc::Sum,
        return_type: sum_type,
    },
    AggregateFunction {
        name: "avg",
        func: AggFunc::Avg,
        return_type: avg_type,
    },
    AggregateFunction {
        name: "mean",
        func: AggFunc::Avg,
        return_type: avg_type,
    },
];

/// Hive's sum: BIGINT over integers, DECIMAL(p + 10, s) over decimals,
/// DOUBLE otherwise.
fn sum_type(arg: Option<&DataType>) -> DataType {
    match arg {
        Some(t) if crate::types::is_integer(t) => DataType::Int64,
        Some(DataType::Decimal128(p, s)) => DataType::Decimal128((*p + 10).min(38), *s),
        _ => DataType::Float64,
    }
}

/// Hive's avg: DECIMAL(p + 4, s + 4) over decimals, DOUBLE otherwise.
fn avg_type(arg: Option<&DataType>) -> DataType {
    match arg {
        Some(DataType::Decimal128(p, s)) => {
            DataType::Decimal128((*p + 4).min(38), (*s + 4).min(38))
        }
        _ => DataType::Float64,
    }
}

/// The accumulator for a sum or avg call, chosen by its result type (and,
/// for a decimal avg, its argument's scale).
pub(super) fn create(call: &AggregateCall) -> Result<Box<dyn Accumulator>> {
    let acc: Box<dyn Accumulator> = match call.func {
        AggFunc::Sum => match call.return_type {
            DataType::Int64 => Box::new(SumPrimitive::<Int64Type>::new()),
            DataType::Decimal128(p, s) => Box::new(SumDecimal {
                sums: vec![],
                seen: vec![],
                precision: *p,
                scale: *s,
            }),
            _ => Box::new(SumPrimitive::<Float64Type>::new()),
        },
        _ => match (call.return_type, call.arg_type()) {
            (DataType::Decimal128(p, s), Some(DataType::Decimal128(_, in_s))) => {
                Box::new(AvgDecimal {
                    sums: vec![],
                    counts: vec![],
                    precision: *p,
                    scale: *s,
                    input_scale: *in_s,
                })
            }
            _ => Box::new(AvgF64 {
                sums: vec![],
                counts: vec![],
            }),
        },
    };
    Ok(acc)
}

/// SUM over BIGINT (wrapping on overflow, as Hive's long arithmetic) or
/// DOUBLE: one running total per group, NULL for groups with no value.
struct SumPrimitive<T: ArrowPrimitiveType> {
    sums: Vec<T::Native>,
    seen: Vec<bool>,
}

impl<T: ArrowPrimitiveType> SumPrimitive<T> {
    fn new() -> Self {
        SumPrimitive {
            sums: vec![],
            seen: vec![],
        }
    }

    fn add(&mut self, groups: &[u32], v: &ArrayRef, n: usize) -> Result<()> {
        grow(&mut self.sums, n, T::Native::ZERO);
        grow(&mut self.seen, n, false);
        let v = cast(v, &T::DATA_TYPE)?;
        let v = v.as_primitive::<T>();
        for (i, &g) in groups.iter().enumerate() {
            if v.is_valid(i) {
                let g = g as usize;
                self.sums[g] = self.sums[g].add_wrapping(v.value(i));
                self.seen[g] = true;
            }
        }
        Ok(())
    }
}

impl<T: ArrowPrimitiveType> Accumulator for SumPrimitive<T> {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        self.add(groups, &args[0], n)
    }
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        self.add(groups, &states[0], n)
    }
    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.evaluate(n)?])
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        grow(&mut self.sums, n, T::Native::ZERO);
        grow(&mut self.seen, n, false);
        let out: PrimitiveArray<T> = self
            .sums
            .iter()
            .zip(&self.seen)
            .map(|(s, seen)| seen.then_some(*s))
            .collect();
        self.sums.clear();
        self.seen.clear();
        Ok(Arc::new(out))
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![T::DATA_TYPE]
    }
}

/// `v` as decimals of `scale`: as it is when it has that scale (the stored
/// integers do not depend on the precision), else cast.
fn decimals_at(v: &ArrayRef, scale: i8) -> Result<ArrayRef> {
    match v.data_type() {
        DataType::Decimal128(_, s) if *s == scale => Ok(v.clone()),
        _ => Ok(cast(v, &DataType::Decimal128(38, scale))?),
    }
}

struct SumDecimal {
    sums: Vec<i128>,
    seen: Vec<bool>,
    precision: u8,
    scale: i8,
}

impl SumDecimal {
    /// The sums (NULL for groups without a value) and starts over; `last`
    /// sums beyond the result's precision are NULL, as Hive's overflow is
    /// (partial states keep them, a later row may bring them back).
    fn sums_array(&mut self, n: usize, last: bool) -> Result<ArrayRef> {
        grow(&mut self.sums, n, 0);
        grow(&mut self.seen, n, false);
        let limit = 10u128
            .checked_pow(u32::from(self.precision))
            .unwrap_or(u128::MAX);
        let out: Decimal128Array = self
            .sums
            .iter()
            .zip(&self.seen)
            .map(|(s, seen)| {
                seen.then_some(*s)
                    .filter(|s| !last || s.unsigned_abs() < limit)
            })
            .collect();
        self.sums.clear();
        self.seen.clear();
        Ok(Arc::new(
            out.with_precision_and_scale(self.precision, self.scale)?,
        ))
    }

    fn add(&mut self, groups: &[u32], v: &ArrayRef, n: usize) -> Result<()> {
        grow(&mut self.sums, n, 0);
        grow(&mut self.seen, n, false);
        let v = decimals_at(v, self.scale)?;
        let v = v.as_primitive::<Decimal128Type>();
        if v.null_count() == 0 {
            for (&g, &x) in groups.iter().zip(v.values().iter()) {
                self.sums[g as usize] = self.sums[g as usize].wrapping_add(x);
                self.seen[g as usize] = true;
            }
            return Ok(());
        }
        for (i, &g) in groups.iter().enumerate() {
            if v.is_valid(i) {
                self.sums[g as usize] = self.sums[g as usize].wrapping_add(v.value(i));
                self.seen[g as usize] = true;
            }
        }
        Ok(())
    }
}

impl Accumulator for SumDecimal {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        self.add(groups, &args[0], n)
    }
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        self.add(groups, &states[0], n)
    }
    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.sums_array(n, false)?])
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        self.sums_array(n, true)
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![DataType::Decimal128(self.precision, self.scale)]
    }
}

struct AvgF64 {
    sums: Vec<f64>,
    counts: Vec<i64>,
}

impl Accumulator for AvgF64 {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        grow(&mut self.sums, n, 0.0);
        grow(&mut self.counts, n, 0);
        let v = cast(&args[0], &DataType::Float64)?;
        let v = v.as_primitive::<Float64Type>();
        for (i, &g) in groups.iter().enumerate() {
            if v.is_valid(i) {
                self.sums[g as usize] += v.value(i);
                self.counts[g as usize] += 1;
            }
        }
        Ok(())
    }
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        grow(&mut self.sums, n, 0.0);
        grow(&mut self.counts, n, 0);
        let s = states[0].as_primitive::<Float64Type>();
        let c = states[1].as_primitive::<Int64Type>();
        for (i, &g) in groups.iter().enumerate() {
            self.sums[g as usize] += s.value(i);
            self.counts[g as usize] += c.value(i);
        }
        Ok(())
    }
    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        grow(&mut self.sums, n, 0.0);
        grow(&mut self.counts, n, 0);
        let s = Float64Array::from(std::mem::take(&mut self.sums));
        let c = Int64Array::from(std::mem::take(&mut self.counts));
        Ok(vec![Arc::new(s), Arc::new(c)])
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        grow(&mut self.sums, n, 0.0);
        grow(&mut self.counts, n, 0);
        let out: Float64Array = self
            .sums
            .iter()
            .zip(&self.counts)
            .map(|(s, c)| (*c > 0).then(|| s / *c as f64))
            .collect();
        self.sums.clear();
        self.counts.clear();
        Ok(Arc::new(out))
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![DataType::Float64, DataType::Int64]
    }
}

struct AvgDecimal {
    sums: Vec<i128>,
    counts: Vec<i64>,
    precision: u8,
    scale: i8,
    input_scale: i8,
}

impl Accumulator for AvgDecimal {
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], n: usize) -> Result<()> {
        grow(&mut self.sums, n, 0);
        grow(&mut self.counts, n, 0);
        let v = decimals_at(&args[0], self.input_scale)?;
        let v = v.as_primitive::<Decimal128Type>();
        if v.null_count() == 0 {
            for (&g, &x) in groups.iter().zip(v.values().iter()) {
                self.sums[g as usize] += x;
                self.counts[g as usize] += 1;
            }
            return Ok(());
        }
        for (i, &g) in groups.iter().enumerate() {
            if v.is_valid(i) {
                self.sums[g as usize] += v.value(i);
                self.counts[g as usize] += 1;
            }
        }
        Ok(())
    }
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], n: usize) -> Result<()> {
        grow(&mut self.sums, n, 0);
        grow(&mut self.counts, n, 0);
        let s = states[0].as_primitive::<Decimal128Type>();
        let c = states[1].as_primitive::<Int64Type>();
        for (i, &g) in groups.iter().enumerate() {
            self.sums[g as usize] += s.value(i);
            self.counts[g as usize] += c.value(i);
        }
        Ok(())
    }
    fn state(&mut self, n: usize) -> Result<Vec<ArrayRef>> {
        grow(&mut self.sums, n, 0);
        grow(&mut self.counts, n, 0);
        let s = Decimal128Array::from(std::mem::take(&mut self.sums))
            .with_precision_and_scale(38, self.input_scale)?;
        let c = Int64Array::from(std::mem::take(&mut self.counts));
        Ok(vec![Arc::new(s), Arc::new(c)])
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        grow(&mut self.sums, n, 0);
        grow(&mut self.counts, n, 0);
        let shift = 10i128.pow((self.scale - self.input_scale).max(0) as u32);
        let out: Decimal128Array = self
            .sums
            .iter()
            .zip(&self.counts)
            .map(|(s, c)| {
                (*c > 0).then(|| {
                    let num = s * shift;
                    let q = num / *c as i128;
                    let r = num % *c as i128;
                    // Round half away from zero.
                    if (r.abs() * 2) >= *c as i128 {
                        q + num.signum()
                    } else {
                        q
                    }
                })
            })
            .collect();
        self.sums.clear();
        self.counts.clear();
        Ok(Arc::new(
            out.with_precision_and_scale(self.precision, self.scale)?,
        ))
    }
    fn state_types(&self) -> Vec<DataType> {
        vec![DataType::Decimal128(38, self.input_scale), DataType::Int64]
    }
}
