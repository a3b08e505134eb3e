//! Window functions: rows are hash-partitioned by the PARTITION BY keys
//! (gathered in one partition without), sorted by those keys and the ORDER
//! BY keys (the external sort, which spills), then read in order; every run
//! of complete window partitions is computed at once, column by column.
//!
//! Frames become a start and end row per row. Aggregates over them reuse
//! the grouped accumulators of GROUP BY: one group per partition for
//! whole-partition frames; for frames anchored at the partition's start (or
//! end) a segmented prefix scan that merges partial states in log rounds;
//! for sliding frames one group per row over the rows of its frame.

use super::aggregate::accumulator;
use super::sort::sort_rows;
use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::expr::evaluate;
use crate::functions::aggregate::Accumulator;
use crate::plan::{
    AggExpr, FrameBound, FrameUnits, SortKey, WindowExpr, WindowFrame, WindowFunc, WindowSpec,
};
use arrow::array::*;
use arrow::compute::{cast, concat_batches, take};
use arrow::datatypes::{DataType, Float64Type, Int64Type, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow_row::{OwnedRow, Rows};
use rdd::{BoxIter, Rdd, TaskContext};
use std::ops::Range;
use std::sync::Arc;

/// (row, frame row) pairs a sliding-frame aggregate expands at once.
const FRAME_PAIRS_AT_ONCE: usize = 1 << 20;

/// The window operator over `sorted`: input already partitioned by the
/// PARTITION BY keys (the plan's exchange) and sorted by them and the ORDER
/// BY keys within each partition (the plan's sort).
pub(crate) fn window(
    sorted: &Rdd<Batch>,
    spec: WindowSpec,
    exprs: Vec<WindowExpr>,
    schema: SchemaRef,
) -> Rdd<Batch> {
    let op = Arc::new(WindowOp {
        spec,
        exprs,
        schema,
    });
    sorted.map_partitions_with_context(false, move |_, tc, it| {
        Box::new(WindowStream {
            op: op.clone(),
            input: it,
            pending: Vec::new(),
            last_key: None,
            done: false,
            tc: tc.clone(),
        })
    })
}

fn partition_keys(spec: &WindowSpec) -> Vec<SortKey> {
    spec.partition_by
        .iter()
        .map(|e| SortKey {
            expr: e.clone(),
            asc: true,
            nulls_first: true,
        })
        .collect()
}

struct WindowOp {
    spec: WindowSpec,
    exprs: Vec<WindowExpr>,
    schema: SchemaRef,
}

/// Sorted rows in, rows with their window columns out, one run of
/// complete partitions at a time.
struct WindowStream {
    op: Arc<WindowOp>,
    input: BoxIter<Batch>,
    pending: Vec<RecordBatch>,
    last_key: Option<OwnedRow>,
    done: bool,
    tc: Arc<TaskContext>,
}

impl WindowStream {
    /// Where the last partition of `b` starts, if one starts in `b`;
    /// remembers `b`'s last key.
    fn last_boundary(&mut self, b: &RecordBatch) -> Result<Option<usize>> {
        if self.op.spec.partition_by.is_empty() {
            return Ok(None);
        }
        let rows = sort_rows(&partition_keys(&self.op.spec), b)?;
        let n = b.num_rows();
        let mut at = (1..n).rev().find(|&j| rows.row(j) != rows.row(j - 1));
        if at.is_none() && !self.pending.is_empty() {
            if let Some(k) = &self.last_key {
                if k.row() != rows.row(0) {
                    at = Some(0);
                }
            }
        }
        self.last_key = Some(rows.row(n - 1).owned());
        Ok(at)
    }

    fn take_unit(&mut self, extra: Option<RecordBatch>) -> Result<RecordBatch> {
        let mut parts = std::mem::take(&mut self.pending);
        parts.extend(extra);
        let schema = parts[0].schema();
        Ok(concat_batches(&schema, &parts)?)
    }

    fn step(&mut self) -> Result<Option<RecordBatch>> {
        loop {
            if self.done {
                return Ok(None);
            }
            match self.input.next() {
                Some(Batch(b)) if b.num_rows() == 0 => continue,
                Some(Batch(b)) => match self.last_boundary(&b)? {
                    None => self.pending.push(b),
                    Some(p) => {
                        let unit = self.take_unit((p > 0).then(|| b.slice(0, p)))?;
                        self.pending.push(b.slice(p, b.num_rows() - p));
                        if unit.num_rows() > 0 {
                            return self.op.compute(&unit).map(Some);
                        }
                    }
                },
                None => {
                    self.done = true;
                    if self.pending.is_empty() {
                        return Ok(None);
                    }
                    let unit = self.take_unit(None)?;
                    return self.op.compute(&unit).map(Some);
                }
            }
        }
    }
}

impl Iterator for WindowStream {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        match self.step() {
            Ok(b) => b.map(Batch),
            Err(e) => {
                self.done = true;
                self.tc.fail(e.into());
                None
            }
        }
    }
}

/// Runs of equal rows.
fn runs(rows: &Rows) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for j in 1..=rows.num_rows() {
        if j == rows.num_rows() || rows.row(j) != rows.row(j - 1) {
            out.push(start..j);
            start = j;
        }
    }
    out
}

/// Where each row's partition and peer group (rows equal on every key)
/// start and end.
struct Layout {
    parts: Vec<Range<usize>>,
    part_of: Vec<usize>,
    peer_start: Vec<usize>,
    peer_end: Vec<usize>,
}

impl Layout {
    fn new(op: &WindowOp, b: &RecordBatch) -> Result<Layout> {
        let n = b.num_rows();
        let pk = partition_keys(&op.spec);
        let parts = if pk.is_empty() {
            std::iter::once(0..n).collect()
        } else {
            runs(&sort_rows(&pk, b)?)
        };
        let all: Vec<SortKey> = pk.into_iter().chain(op.spec.order_by.clone()).collect();
        let peers = if op.spec.order_by.is_empty() {
            parts.clone()
        } else {
            runs(&sort_rows(&all, b)?)
        };
        let mut part_of = vec![0; n];
        for (p, r) in parts.iter().enumerate() {
            part_of[r.clone()].fill(p);
        }
        let (mut peer_start, mut peer_end) = (vec![0; n], vec![0; n]);
        for r in &peers {
            peer_start[r.clone()].fill(r.start);
            peer_end[r.clone()].fill(r.end);
        }
        Ok(Layout {
            parts,
            part_of,
            peer_start,
            peer_end,
        })
    }

    fn part(&self, i: usize) -> &Range<usize> {
        &self.parts[self.part_of[i]]
    }
}

/// Each row's frame as `start..end` rows of the run (empty when start >= end).
struct Frames {
    start: Vec<usize>,
    end: Vec<usize>,
}

impl WindowOp {
    fn compute(&self, b: &RecordBatch) -> Result<RecordBatch> {
        let layout = Layout::new(self, b)?;
        let mut cols: Vec<ArrayRef> = b.columns().to_vec();
        let mut order_values: Option<Float64Array> = None;
        for w in &self.exprs {
            let col = self.function(w, b, &layout, &mut order_values)?;
            let want = self.schema.field(cols.len()).data_type();
            let col = if col.data_type() == want {
                col
            } else {
                crate::cast::hive_cast(&col, want)?
            };
            cols.push(col);
        }
        Ok(RecordBatch::try_new(self.schema.clone(), cols)?)
    }

    fn function(
        &self,
        w: &WindowExpr,
        b: &RecordBatch,
        l: &Layout,
        order_values: &mut Option<Float64Array>,
    ) -> Result<ArrayRef> {
        let n = b.num_rows();
        let within = |i: usize| i - l.part(i).start;
        let size = |i: usize| l.part(i).len();
        Ok(match w.func {
            WindowFunc::RowNumber => int_column((0..n).map(|i| within(i) as i64 + 1)),
            WindowFunc::Rank => {
                int_column((0..n).map(|i| (l.peer_start[i] - l.part(i).start) as i64 + 1))
            }
            WindowFunc::DenseRank => {
                let mut out = Vec::with_capacity(n);
                let mut rank = 0;
                for i in 0..n {
                    if i == l.part(i).start {
                        rank = 0;
                    }
                    if i == l.peer_start[i] {
                        rank += 1;
                    }
                    out.push(rank);
                }
                int_column(out.into_iter())
            }
            WindowFunc::PercentRank => Arc::new(Float64Array::from_iter_values((0..n).map(|i| {
                let rank = (l.peer_start[i] - l.part(i).start) as f64;
                if size(i) <= 1 {
                    0.0
                } else {
                    rank / (size(i) - 1) as f64
                }
            }))),
            WindowFunc::CumeDist => {
                Arc::new(Float64Array::from_iter_values((0..n).map(|i| {
                    (l.peer_end[i] - l.part(i).start) as f64 / size(i) as f64
                })))
            }
            WindowFunc::Ntile => {
                let buckets = constant_int(&w.args[0], b, "ntile")?;
                if buckets <= 0 {
                    return Err(SharkError::exec(format!(
                        "ntile needs a positive number of buckets, got {buckets}"
                    )));
                }
                int_column((0..n).map(|i| ntile(within(i) as i64, size(i) as i64, buckets)))
            }
            WindowFunc::Lag | WindowFunc::Lead => self.offset_value(w, b, l)?,
            WindowFunc::FirstValue | WindowFunc::LastValue => {
                let f = self.frames(&w.frame, b, l, order_values)?;
                let values = evaluate(&w.args[0], b)?;
                edge_value(
                    &values,
                    &f,
                    w.func == WindowFunc::FirstValue,
                    w.ignore_nulls,
                )?
            }
            WindowFunc::Agg(_) => {
                let f = self.frames(&w.frame, b, l, order_values)?;
                let agg = w.agg().expect("an aggregate window function");
                let args = agg
                    .args
                    .iter()
                    .map(|a| evaluate(a, b))
                    .collect::<Result<Vec<_>>>()?;
                aggregate_frames(&agg, &args, &f, l)?
            }
        })
    }

    /// lag/lead: the value `offset` rows before/after, else the default.
    fn offset_value(&self, w: &WindowExpr, b: &RecordBatch, l: &Layout) -> Result<ArrayRef> {
        let values = evaluate(&w.args[0], b)?;
        let offset = match w.args.get(1) {
            Some(e) => constant_int(e, b, "lag/lead offset")?,
            None => 1,
        };
        if offset < 0 {
            return Err(SharkError::exec(format!(
                "lag/lead offset must not be negative, got {offset}"
            )));
        }
        let n = b.num_rows();
        let idx: UInt32Array = (0..n)
            .map(|i| {
                let p = l.part(i);
                let j = if w.func == WindowFunc::Lag {
                    (i as i64) - offset
                } else {
                    (i as i64) + offset
                };
                (j >= p.start as i64 && j < p.end as i64).then_some(j as u32)
            })
            .collect();
        let taken = take(&values, &idx, None)?;
        let Some(default) = w.args.get(2) else {
            return Ok(taken);
        };
        let default = evaluate(default, b)?;
        let default = if default.data_type() == taken.data_type() {
            default
        } else {
            crate::cast::hive_cast(&default, taken.data_type())?
        };
        let inside = BooleanArray::from_iter((0..n).map(|i| Some(idx.is_valid(i))));
        Ok(arrow::compute::kernels::zip::zip(
            &inside, &taken, &default,
        )?)
    }

    /// Each row's frame.
    fn frames(
        &self,
        frame: &WindowFrame,
        b: &RecordBatch,
        l: &Layout,
        order_values: &mut Option<Float64Array>,
    ) -> Result<Frames> {
        let n = b.num_rows();
        let offsets =
            |x: &FrameBound| matches!(x, FrameBound::Preceding(_) | FrameBound::Following(_));
        let by_value =
            frame.units == FrameUnits::Range && (offsets(&frame.start) || offsets(&frame.end));
        if by_value && order_values.is_none() {
            *order_values = Some(self.order_values(b)?);
        }
        let values = order_values.as_ref().filter(|_| by_value);
        let desc = self.spec.order_by.first().is_some_and(|k| !k.asc);
        let mut start = Vec::with_capacity(n);
        let mut end = Vec::with_capacity(n);
        for i in 0..n {
            let p = l.part(i).clone();
            let (s, e) = match (frame.units, values) {
                (FrameUnits::Rows, _) => (
                    row_bound(&frame.start, i, &p, false),
                    row_bound(&frame.end, i, &p, true),
                ),
                (FrameUnits::Range, None) => (
                    peer_bound(&frame.start, i, &p, l, false),
                    peer_bound(&frame.end, i, &p, l, true),
                ),
                (FrameUnits::Range, Some(v)) => (
                    value_bound(&frame.start, i, &p, l, v, desc, false),
                    value_bound(&frame.end, i, &p, l, v, desc, true),
                ),
            };
            start.push(s);
            end.push(e.max(s));
        }
        Ok(Frames { start, end })
    }

    /// The single ORDER BY key as numbers, for RANGE offsets.
    fn order_values(&self, b: &RecordBatch) -> Result<Float64Array> {
        let [key] = self.spec.order_by.as_slice() else {
            return Err(SharkError::analysis(
                "a RANGE frame with an offset needs exactly one ORDER BY key",
            ));
        };
        let v = evaluate(&key.expr, b)?;
        let v = match v.data_type() {
            DataType::Date32 => cast(&v, &DataType::Int32)?,
            _ => v,
        };
        if !v.data_type().is_numeric() {
            return Err(SharkError::analysis(format!(
                "a RANGE frame with an offset needs a numeric ORDER BY key, got {}",
                crate::types::type_name(v.data_type())
            )));
        }
        Ok(cast(&v, &DataType::Float64)?
            .as_primitive::<Float64Type>()
            .clone())
    }
}

fn int_column(values: impl Iterator<Item = i64>) -> ArrayRef {
    Arc::new(Int64Array::from_iter_values(values))
}

/// The value of a constant argument (the same on every row).
fn constant_int(e: &crate::expr::Expr, b: &RecordBatch, what: &str) -> Result<i64> {
    let v = cast(&evaluate(e, b)?, &DataType::Int64)?;
    let v = v.as_primitive::<Int64Type>();
    if v.is_empty() || v.is_null(0) {
        return Err(SharkError::exec(format!(
            "{what} must be a constant number"
        )));
    }
    Ok(v.value(0))
}

/// The 1-based bucket of row `r` of `n` rows split into `k` buckets whose
/// sizes differ by at most one, the larger first.
fn ntile(r: i64, n: i64, k: i64) -> i64 {
    let size = n / k;
    let extra = n % k;
    if size == 0 {
        return r + 1;
    }
    let big = extra * (size + 1);
    if r < big {
        r / (size + 1) + 1
    } else {
        extra + (r - big) / size + 1
    }
}

fn clamp(x: i64, p: &Range<usize>) -> usize {
    x.clamp(p.start as i64, p.end as i64) as usize
}

/// A ROWS bound of row `i`; `end` bounds are exclusive.
fn row_bound(b: &FrameBound, i: usize, p: &Range<usize>, end: bool) -> usize {
    let at = |d: i64| clamp(i as i64 + d + end as i64, p);
    match b {
        FrameBound::UnboundedPreceding => p.start,
        FrameBound::UnboundedFollowing => p.end,
        FrameBound::CurrentRow => at(0),
        FrameBound::Preceding(k) => at(-(*k as i64)),
        FrameBound::Following(k) => at(*k as i64),
    }
}

/// A RANGE bound without offsets: the current row's peers.
fn peer_bound(b: &FrameBound, i: usize, p: &Range<usize>, l: &Layout, end: bool) -> usize {
    match b {
        FrameBound::UnboundedPreceding => p.start,
        FrameBound::UnboundedFollowing => p.end,
        _ if end => l.peer_end[i],
        _ => l.peer_start[i],
    }
}

/// A RANGE bound with offsets: the first row whose ORDER BY value reaches
/// the current one's moved by the offset. NULL keys are peers only of each
/// other.
fn value_bound(
    b: &FrameBound,
    i: usize,
    p: &Range<usize>,
    l: &Layout,
    v: &Float64Array,
    desc: bool,
    end: bool,
) -> usize {
    let delta = match b {
        FrameBound::UnboundedPreceding => return p.start,
        FrameBound::UnboundedFollowing => return p.end,
        FrameBound::CurrentRow => 0.0,
        FrameBound::Preceding(k) => -k,
        FrameBound::Following(k) => *k,
    };
    if v.is_null(i) {
        return if end { l.peer_end[i] } else { l.peer_start[i] };
    }
    // The non-NULL rows of the partition: NULL keys sort together at one
    // end and are one peer group.
    let lo = if v.is_null(p.start) {
        l.peer_end[p.start]
    } else {
        p.start
    };
    let hi = if v.is_null(p.end - 1) {
        l.peer_start[p.end - 1]
    } else {
        p.end
    }
    .max(lo);
    let x = v.value(i);
    let t = if desc { x - delta } else { x + delta };
    // Rows before the bound, in the partition's order.
    let before = |y: f64| match (desc, end) {
        (false, false) => y < t,
        (false, true) => y <= t,
        (true, false) => y > t,
        (true, true) => y >= t,
    };
    // Binary search in [lo, hi) for the first row not `before`.
    let (mut a, mut z) = (lo, hi);
    while a < z {
        let m = (a + z) / 2;
        if before(v.value(m)) {
            a = m + 1;
        } else {
            z = m;
        }
    }
    a
}

/// first_value / last_value over each frame (NULL for an empty frame).
fn edge_value(values: &ArrayRef, f: &Frames, first: bool, skip_nulls: bool) -> Result<ArrayRef> {
    let n = values.len();
    // Nearest non-NULL row at or after / at or before each row.
    let next_valid: Vec<usize> = if skip_nulls && first {
        let mut out = vec![n; n + 1];
        for j in (0..n).rev() {
            out[j] = if values.is_valid(j) { j } else { out[j + 1] };
        }
        out
    } else {
        vec![]
    };
    let prev_valid: Vec<Option<usize>> = if skip_nulls && !first {
        let mut out = vec![None; n];
        let mut last = None;
        for (j, o) in out.iter_mut().enumerate() {
            if values.is_valid(j) {
                last = Some(j);
            }
            *o = last;
        }
        out
    } else {
        vec![]
    };
    let idx: UInt32Array = (0..n)
        .map(|i| {
            let (s, e) = (f.start[i], f.end[i]);
            if s >= e {
                return None;
            }
            let j = match (first, skip_nulls) {
                (true, false) => Some(s),
                (false, false) => Some(e - 1),
                (true, true) => Some(next_valid[s]).filter(|&j| j < e),
                (false, true) => prev_valid[e - 1].filter(|&j| j >= s),
            };
            j.map(|j| j as u32)
        })
        .collect();
    Ok(take(values, &idx, None)?)
}

fn take_all(args: &[ArrayRef], idx: &[u32]) -> Result<Vec<ArrayRef>> {
    let idx = UInt32Array::from(idx.to_vec());
    Ok(args
        .iter()
        .map(|a| take(a, &idx, None))
        .collect::<std::result::Result<_, _>>()?)
}

/// An aggregate over each row's frame.
fn aggregate_frames(agg: &AggExpr, args: &[ArrayRef], f: &Frames, l: &Layout) -> Result<ArrayRef> {
    let n = f.start.len();
    let part = |i: usize| l.part(i);
    let whole = (0..n).all(|i| f.start[i] == part(i).start && f.end[i] == part(i).end);
    if whole {
        let groups: Vec<u32> = l.part_of.iter().map(|&p| p as u32).collect();
        let mut acc = accumulator(agg)?;
        acc.update(&groups, args, l.parts.len())?;
        let per_part = acc.evaluate(l.parts.len())?;
        return Ok(take(&per_part, &UInt32Array::from(groups), None)?);
    }
    // The prefix scan merges states; a percentile's state is all its
    // values, which would grow with the square of the partition there.
    let mergeable = !agg.distinct && agg.func != crate::plan::AggFunc::Percentile;
    if mergeable && (0..n).all(|i| f.start[i] == part(i).start) {
        return anchored(agg, args, &f.end, l, true);
    }
    if mergeable && (0..n).all(|i| f.end[i] == part(i).end) {
        return anchored(agg, args, &f.start, l, false);
    }
    // Sliding frames: every row is a group over the rows of its frame,
    // taken a chunk of rows at a time so the copied arguments stay bounded.
    let mut parts: Vec<ArrayRef> = Vec::new();
    let mut start = 0;
    while start < n {
        let mut end = start;
        let mut pairs = 0;
        while end < n
            && (end == start || pairs + (f.end[end] - f.start[end]) <= FRAME_PAIRS_AT_ONCE)
        {
            pairs += f.end[end] - f.start[end];
            end += 1;
        }
        let (mut idx, mut groups) = (Vec::with_capacity(pairs), Vec::with_capacity(pairs));
        for i in start..end {
            for j in f.start[i]..f.end[i] {
                idx.push(j as u32);
                groups.push((i - start) as u32);
            }
        }
        let mut acc = accumulator(agg)?;
        acc.update(&groups, &take_all(args, &idx)?, end - start)?;
        parts.push(acc.evaluate(end - start)?);
        start = end;
    }
    if parts.is_empty() {
        return Ok(new_empty_array(&agg.data_type));
    }
    let refs: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
    Ok(arrow::compute::concat(&refs)?)
}

/// Frames that all start at their partition's start (`forward`, each row
/// given its exclusive end in `edge`) or all end at its end (each row given
/// its start): rows are cut into chunks between consecutive edges, each
/// chunk aggregated, then a segmented scan (log rounds of merges with the
/// chunk `d` away in the same partition) turns chunk states into prefix (or
/// suffix) states. Merges keep row order, for collect_list.
fn anchored(
    agg: &AggExpr,
    args: &[ArrayRef],
    edge: &[usize],
    l: &Layout,
    forward: bool,
) -> Result<ArrayRef> {
    let n = edge.len();
    let mut chunk_of_row = vec![0u32; n];
    let mut chunk_part: Vec<usize> = Vec::new();
    let (mut idx, mut groups) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for (p, r) in l.parts.iter().enumerate() {
        if forward {
            // Chunk k holds rows [previous edge, edge_k).
            let mut covered = r.start;
            let mut last_edge = None;
            for i in r.clone() {
                if last_edge != Some(edge[i]) {
                    chunk_part.push(p);
                    let k = (chunk_part.len() - 1) as u32;
                    for j in covered..edge[i] {
                        idx.push(j as u32);
                        groups.push(k);
                    }
                    covered = covered.max(edge[i]);
                    last_edge = Some(edge[i]);
                }
                chunk_of_row[i] = (chunk_part.len() - 1) as u32;
            }
        } else {
            // Walking backwards, chunk k holds rows [edge_k, previous edge).
            let first = chunk_part.len();
            let mut uncovered = r.end;
            let mut last_edge = None;
            let mut local: Vec<(usize, usize)> = Vec::new(); // (row, chunk order from the end)
            for i in r.clone().rev() {
                if last_edge != Some(edge[i]) {
                    local.push((edge[i], uncovered));
                    uncovered = uncovered.min(edge[i]);
                    last_edge = Some(edge[i]);
                }
                chunk_of_row[i] = (local.len() - 1) as u32;
            }
            // Chunks in row order: reverse the local numbering.
            let m = local.len();
            for (c, (lo, hi)) in local.iter().rev().enumerate() {
                chunk_part.push(p);
                for j in *lo..*hi {
                    idx.push(j as u32);
                    groups.push((first + c) as u32);
                }
            }
            for i in r.clone() {
                chunk_of_row[i] = (first + m - 1 - chunk_of_row[i] as usize) as u32;
            }
        }
    }
    let k = chunk_part.len();
    let mut acc = accumulator(agg)?;
    acc.update(&groups, &take_all(args, &idx)?, k)?;
    let mut states = acc.state(k)?;
    let mut d = 1;
    while d < k {
        let mut sources = Vec::with_capacity(2 * k);
        let mut targets = Vec::with_capacity(2 * k);
        let neighbours = (0..k).filter_map(|g| {
            let o = if forward {
                g.checked_sub(d)
            } else {
                (g + d < k).then_some(g + d)
            };
            o.filter(|&o| chunk_part[o] == chunk_part[g])
                .map(|o| (o, g))
        });
        let own = (0..k).map(|g| (g, g));
        if forward {
            neighbours.chain(own).for_each(|(s, t)| {
                sources.push(s as u32);
                targets.push(t as u32);
            });
        } else {
            own.chain(neighbours).for_each(|(s, t)| {
                sources.push(s as u32);
                targets.push(t as u32);
            });
        }
        if sources.len() == k {
            break; // no chunk has a neighbour this far in its partition
        }
        let mut next: Box<dyn Accumulator> = accumulator(agg)?;
        next.merge(&targets, &take_all(&states, &sources)?, k)?;
        states = next.state(k)?;
        d *= 2;
    }
    let mut fin = accumulator(agg)?;
    let all: Vec<u32> = (0..k as u32).collect();
    fin.merge(&all, &states, k)?;
    let per_chunk = fin.evaluate(k)?;
    Ok(take(&per_chunk, &UInt32Array::from(chunk_of_row), None)?)
}

#[cfg(test)]
mod tests {
    use super::ntile;

    #[test]
    fn ntile_splits_larger_buckets_first() {
        let buckets = |n, k| (0..n).map(|r| ntile(r, n, k)).collect::<Vec<_>>();
        assert_eq!(buckets(10, 4), vec![1, 1, 1, 2, 2, 2, 3, 3, 4, 4]);
        assert_eq!(buckets(3, 5), vec![1, 2, 3]);
        assert_eq!(buckets(4, 2), vec![1, 1, 2, 2]);
    }
}
