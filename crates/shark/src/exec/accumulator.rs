//! Aggregate accumulators over groups: each keeps one typed state per group
//! and updates it from whole argument arrays plus a group index per row.
//! Partial states travel through the shuffle as columns and are merged.

use crate::error::{Result, SharkError};
use crate::plan::{AggExpr, AggFunc};
use arrow::array::*;
use arrow::compute::cast;
use arrow::datatypes::*;
use arrow_row::{RowConverter, Rows, SortField};
use std::collections::HashSet;
use std::sync::Arc;

/// One aggregate's state for every group.
pub(crate) trait Accumulator: Send {
    /// Adds raw input rows: row `i` belongs to group `groups[i]`.
    fn update(&mut self, groups: &[u32], args: &[ArrayRef], num_groups: usize) -> Result<()>;
    /// Adds partial states (one per row) produced by `state`.
    fn merge(&mut self, groups: &[u32], states: &[ArrayRef], num_groups: usize) -> Result<()>;
    /// The partial state of each group, as columns.
    fn state(&mut self, num_groups: usize) -> Result<Vec<ArrayRef>>;
    /// The final value of each group.
    fn evaluate(&mut self, num_groups: usize) -> Result<ArrayRef>;
    /// Types of the state columns.
    fn state_types(&self) -> Vec<DataType>;
}

/// Builds the accumulator for `agg`.
pub(crate) fn create(agg: &AggExpr) -> Result<Box<dyn Accumulator>> {
    let arg_type = agg.args.first().map(|a| a.data_type());
    let base: Box<dyn Accumulator> = match agg.func {
        AggFunc::Count => Box::new(Count { counts: vec![] }),
        AggFunc::Sum => match &agg.data_type {
            DataType::Int64 => Box::new(SumPrimitive::<Int64Type>::new()),
            DataType::Decimal128(p, s) => Box::new(SumDecimal {
                sums: vec![],
                seen: vec![],
                precision: *p,
                scale: *s,
            }),
            _ => Box::new(SumPrimitive::<Float64Type>::new()),
        },
        AggFunc::Avg => match (&agg.data_type, &arg_type) {
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
        AggFunc::Min | AggFunc::Max | AggFunc::SingleValue => {
            Box::new(MinMax::new(arg_type.unwrap_or(DataType::Null), agg.func)?)
        }
        AggFunc::CollectList | AggFunc::CollectSet => Box::new(Collect::new(
            arg_type.unwrap_or(DataType::Utf8),
            agg.func == AggFunc::CollectSet,
        )?),
        AggFunc::Percentile => Box::new(Percentile::new(agg)?),
        AggFunc::CovarPop | AggFunc::CovarSamp | AggFunc::Corr => Box::new(Covariance {
            func: agg.func,
            parts: vec![],
        }),
        AggFunc::VarPop | AggFunc::VarSamp | AggFunc::StddevPop | AggFunc::StddevSamp => {
            Box::new(Variance {
                func: agg.func,
                n: vec![],
                mean: vec![],
                m2: vec![],
            })
        }
    };
    if agg.distinct {
        return Ok(Box::new(Distinct {
            inner: base,
            seen: vec![],
        }));
    }
    Ok(base)
}

fn grow<T: Clone>(v: &mut Vec<T>, n: usize, init: T) {
    if v.len() < n {
        v.resize(n, init);
    }
}

/// Rows where every argument is non-NULL.
fn all_valid(args: &[ArrayRef], i: usize) -> bool {
    args.iter()
        .all(|a| a.is_valid(i) && a.data_type() != &DataType::Null)
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

struct SumDecimal {
    sums: Vec<i128>,
    seen: Vec<bool>,
    precision: u8,
    scale: i8,
}

impl SumDecimal {
    fn add(&mut self, groups: &[u32], v: &ArrayRef, n: usize) -> Result<()> {
        grow(&mut self.sums, n, 0);
        grow(&mut self.seen, n, false);
        let v = cast(v, &DataType::Decimal128(38, self.scale))?;
        let v = v.as_primitive::<Decimal128Type>();
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
        Ok(vec![self.evaluate(n)?])
    }
    fn evaluate(&mut self, n: usize) -> Result<ArrayRef> {
        grow(&mut self.sums, n, 0);
        grow(&mut self.seen, n, false);
        let out: Decimal128Array = self
            .sums
            .iter()
            .zip(&self.seen)
            .map(|(s, seen)| seen.then_some(*s))
            .collect();
        self.sums.clear();
        self.seen.clear();
        Ok(Arc::new(
            out.with_precision_and_scale(self.precision, self.scale)?,
        ))
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
        let v = cast(&args[0], &DataType::Decimal128(38, self.input_scale))?;
        let v = v.as_primitive::<Decimal128Type>();
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

/// percentile / percentile_approx: each group's values, sorted at the end.
/// Exact (Hive's percentile): the value at position p * (n - 1), linearly
/// interpolated between its neighbours.
struct Percentile {
    values: Vec<Vec<f64>>,
    fractions: Vec<f64>,
    array: bool,
}

impl Percentile {
    fn new(agg: &AggExpr) -> Result<Self> {
        let one = arrow::record_batch::RecordBatch::try_new_with_options(
            Arc::new(Schema::empty()),
            vec![],
            &arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(1)),
        )?;
        let p = crate::expr::evaluate(&agg.args[1], &one)?;
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
