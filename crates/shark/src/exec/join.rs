//! Hash joins. The build side is gathered into one batch with a hash table
//! on its arrow-row encoded keys; probe batches stream past it. A small
//! build side is broadcast to every probe partition (Hive's map join);
//! otherwise both sides are shuffled by key and joined partition by
//! partition. Joins without keys treat every build row as a candidate.

use super::exchange::fail;
use super::join_index::JoinIndex;
use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::expr::{evaluate_predicate, Expr};
use crate::plan::JoinKind;
use crate::table::BATCH_ROWS;
use arrow::array::*;
use arrow::compute::{concat_batches, take};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use rdd::{Rdd, TaskContext};
use std::sync::Arc;

/// What the join does, in probe/build terms: right joins run as left joins
/// with the sides swapped, inner joins may build on either side, and a
/// semi or anti join with `swapped` builds on its preserved (left) side
/// and emits the build rows that matched (semi) or did not (anti).
#[derive(Clone)]
pub(crate) struct JoinSpec {
    pub kind: JoinKind,
    pub probe_keys: Vec<Expr>,
    pub build_keys: Vec<Expr>,
    /// Over the output layout (left columns, then right columns).
    pub filter: Option<Expr>,
    pub null_safe: bool,
    pub null_aware: bool,
    /// The probe side is the query's right input.
    pub swapped: bool,
    pub probe_schema: SchemaRef,
    pub build_schema: SchemaRef,
    pub out_schema: SchemaRef,
    /// For a null-aware anti join split over partitions: what NOT IN needs
    /// to know about the whole build side, which no one partition sees.
    pub build_facts: Option<BuildFacts>,
}

/// Whether the whole build side has rows, and a NULL key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct BuildFacts {
    pub any_rows: bool,
    pub null_key: bool,
}

/// Runs a job over the build side for its `BuildFacts`.
pub(crate) fn build_facts(build: &Rdd<Batch>, keys: &[Expr]) -> Result<BuildFacts> {
    let keys = keys.to_vec();
    let per_batch = build
        .map(move |Batch(b)| {
            let null_key = keys.iter().any(|k| {
                crate::expr::evaluate(k, &b)
                    .map(|c| c.null_count() > 0)
                    .unwrap_or(true)
            });
            (b.num_rows() > 0, null_key)
        })
        .collect()?;
    Ok(BuildFacts {
        any_rows: per_batch.iter().any(|f| f.0),
        null_key: per_batch.iter().any(|f| f.0 && f.1),
    })
}

/// The build side: all rows in one batch, with a key → rows index.
pub(crate) struct JoinTable {
    batch: RecordBatch,
    /// `None` for a join without keys (every build row is a candidate).
    index: Option<JoinIndex>,
    has_null_key: bool,
    /// The most build rows one probe row can pair with.
    widest: usize,
}

/// Most (probe row, build row) candidates examined at once: a probe batch
/// whose candidates would pass it is probed a few rows at a time, so a
/// cross join or a many-to-many key holds memory for this many pairs, not
/// for their product.
const MAX_CANDIDATES: usize = 4 * BATCH_ROWS;

impl JoinTable {
    pub fn build(batches: Vec<RecordBatch>, spec: &JoinSpec) -> Result<JoinTable> {
        let batch = if batches.is_empty() {
            RecordBatch::new_empty(spec.build_schema.clone())
        } else {
            let conformed: Vec<RecordBatch> = batches
                .into_iter()
                .map(|b| {
                    RecordBatch::try_new_with_options(
                        spec.build_schema.clone(),
                        b.columns().to_vec(),
                        &RecordBatchOptions::new().with_row_count(Some(b.num_rows())),
                    )
                })
                .collect::<std::result::Result<_, _>>()?;
            concat_batches(&spec.build_schema, &conformed)?
        };
        let keyless = spec.build_keys.is_empty();
        let index = if keyless {
            None
        } else {
            let cols: Vec<ArrayRef> = spec
                .build_keys
                .iter()
                .map(|k| crate::expr::evaluate(k, &batch))
                .collect::<Result<_>>()?;
            Some(JoinIndex::build(&cols, batch.num_rows(), spec.null_safe)?)
        };
        let (widest, has_null_key) = match &index {
            Some(i) => (i.widest, i.has_null_key),
            None => (batch.num_rows(), false),
        };
        Ok(JoinTable {
            batch,
            index,
            has_null_key,
            widest,
        })
    }

    fn rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// Every build row, in one batch.
    pub fn batch(&self) -> &RecordBatch {
        &self.batch
    }

    /// Bytes the table holds (rows plus index).
    fn memory(&self) -> usize {
        self.batch.get_array_memory_size() + self.index.as_ref().map_or(0, |i| i.memory())
    }

    /// Refuses a table larger than `budget` with advice, instead of
    /// letting the process run out of memory.
    fn check_budget(self, budget: usize) -> Result<Self> {
        let used = self.memory();
        if used > budget {
            return Err(SharkError::exec(format!(
                "join build side needs {} KB, more than the {} KB memory budget; raise shark.memory.execution or shark.shuffle.partitions",
                used >> 10,
                budget >> 10
            )));
        }
        Ok(self)
    }
}

/// A probe batch, with its rows' build chains when they were already
/// looked up (to cut the batch into slices).
struct ProbeSlice {
    batch: RecordBatch,
    /// Per row: (first build row, count), and whether its key is NULL.
    chains: Option<(Vec<(u32, u32)>, Vec<bool>)>,
}

/// Joins one probe batch against the table. `matched` records build rows
/// that found a partner (full joins, and semi joins built on their
/// preserved side, which need it).
#[allow(clippy::needless_range_loop)]
fn probe(
    table: &JoinTable,
    spec: &JoinSpec,
    slice: &ProbeSlice,
    matched: Option<&mut Vec<bool>>,
) -> Result<Vec<RecordBatch>> {
    if Leftover::of(spec) != Leftover::Nothing && matched.is_none() {
        return Err(SharkError::exec(
            "a join that emits build rows after its probe side ran without tracking them",
        ));
    }
    let probe = &slice.batch;
    let n = probe.num_rows();
    // Candidate pairs.
    let mut pi: Vec<u32> = Vec::new();
    let mut bi: Vec<u32> = Vec::new();
    let mut null_probe = vec![false; n];
    match &table.index {
        None => {
            for i in 0..n as u32 {
                for j in 0..table.rows() as u32 {
                    pi.push(i);
                    bi.push(j);
                }
            }
        }
        Some(index) => match &slice.chains {
            Some((chains, nulls)) => {
                null_probe.copy_from_slice(nulls);
                index.walk_chains(chains, 0, &mut |i, j| {
                    pi.push(i);
                    bi.push(j);
                });
            }
            None => {
                let cols: Vec<ArrayRef> = spec
                    .probe_keys
                    .iter()
                    .map(|k| crate::expr::evaluate(k, probe))
                    .collect::<Result<_>>()?;
                index.probe(&cols, n, spec.null_safe, &mut null_probe, &mut |i, j| {
                    pi.push(i);
                    bi.push(j);
                })?;
            }
        },
    }
    // The residual filter decides which candidates match.
    if let Some(f) = &spec.filter {
        if !pi.is_empty() {
            let combined = assemble(
                probe,
                &table.batch,
                &pi,
                &bi.iter().map(|&j| Some(j)).collect::<Vec<_>>(),
                spec,
                true,
            )?;
            let keep = evaluate_predicate(f, &combined)?;
            let (mut pi2, mut bi2) = (Vec::new(), Vec::new());
            for k in 0..pi.len() {
                if keep.value(k) {
                    pi2.push(pi[k]);
                    bi2.push(bi[k]);
                }
            }
            pi = pi2;
            bi = bi2;
        }
    }
    let mut has_match = vec![false; n];
    for &i in &pi {
        has_match[i as usize] = true;
    }
    if let Some(m) = matched {
        for &j in &bi {
            m[j as usize] = true;
        }
    }
    match spec.kind {
        // Built on the preserved side: matches are marked above and the
        // matched build rows come out when the probe side is done.
        JoinKind::LeftSemi | JoinKind::LeftAnti if spec.swapped => Ok(vec![]),
        JoinKind::LeftSemi => {
            let keep: Vec<u32> = (0..n as u32).filter(|&i| has_match[i as usize]).collect();
            Ok(vec![take_rows(probe, &keep, &spec.out_schema)?])
        }
        JoinKind::LeftAnti => {
            let (any_rows, null_key) = match spec.build_facts {
                Some(f) => (f.any_rows, f.null_key),
                None => (table.rows() > 0, table.has_null_key),
            };
            if spec.null_aware && null_key {
                return Ok(vec![]);
            }
            let build_empty = !any_rows;
            let keep: Vec<u32> = (0..n as u32)
                .filter(|&i| {
                    !has_match[i as usize]
                        && (!spec.null_aware || !null_probe[i as usize] || build_empty)
                })
                .collect();
            Ok(vec![take_rows(probe, &keep, &spec.out_schema)?])
        }
        JoinKind::Inner | JoinKind::Cross => {
            let b: Vec<Option<u32>> = bi.iter().map(|&j| Some(j)).collect();
            chunked(probe, &table.batch, &pi, &b, spec)
        }
        JoinKind::Left | JoinKind::Right | JoinKind::Full => {
            // Matches, plus unmatched probe rows with NULLs for the build side.
            let mut p2 = Vec::with_capacity(pi.len());
            let mut b2 = Vec::with_capacity(pi.len());
            let mut k = 0;
            for i in 0..n as u32 {
                let start = k;
                while k < pi.len() && pi[k] == i {
                    p2.push(i);
                    b2.push(Some(bi[k]));
                    k += 1;
                }
                if k == start {
                    p2.push(i);
                    b2.push(None);
                }
            }
            chunked(probe, &table.batch, &p2, &b2, spec)
        }
    }
}

fn take_rows(batch: &RecordBatch, rows: &[u32], schema: &SchemaRef) -> Result<RecordBatch> {
    let idx = UInt32Array::from(rows.to_vec());
    let cols: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .map(|c| take(c, &idx, None))
        .collect::<std::result::Result<_, _>>()?;
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(rows.len())),
    )?)
}

fn chunked(
    probe: &RecordBatch,
    build: &RecordBatch,
    pi: &[u32],
    bi: &[Option<u32>],
    spec: &JoinSpec,
) -> Result<Vec<RecordBatch>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < pi.len() {
        let end = (start + BATCH_ROWS).min(pi.len());
        out.push(assemble(
            probe,
            build,
            &pi[start..end],
            &bi[start..end],
            spec,
            false,
        )?);
        start = end;
    }
    Ok(out)
}

/// Output rows from (probe row, build row or NULL) pairs, in the query's
/// column order (left then right).
fn assemble(
    probe: &RecordBatch,
    build: &RecordBatch,
    pi: &[u32],
    bi: &[Option<u32>],
    spec: &JoinSpec,
    for_filter: bool,
) -> Result<RecordBatch> {
    let p_idx = UInt32Array::from(pi.to_vec());
    let b_idx: UInt32Array = bi.iter().copied().collect();
    let p_cols: Vec<ArrayRef> = probe
        .columns()
        .iter()
        .map(|c| take(c, &p_idx, None))
        .collect::<std::result::Result<_, _>>()?;
    let b_cols: Vec<ArrayRef> = build
        .columns()
        .iter()
        .map(|c| take(c, &b_idx, None))
        .collect::<std::result::Result<_, _>>()?;
    let (mut cols, second) = if spec.swapped {
        (b_cols, p_cols)
    } else {
        (p_cols, b_cols)
    };
    cols.extend(second);
    let schema = if for_filter || matches!(spec.kind, JoinKind::LeftSemi | JoinKind::LeftAnti) {
        let mut fields: Vec<arrow::datatypes::FieldRef> = Vec::new();
        let (first, second) = if spec.swapped {
            (&spec.build_schema, &spec.probe_schema)
        } else {
            (&spec.probe_schema, &spec.build_schema)
        };
        fields.extend(
            first
                .fields()
                .iter()
                .map(|f| Arc::new(f.as_ref().clone().with_nullable(true))),
        );
        fields.extend(
            second
                .fields()
                .iter()
                .map(|f| Arc::new(f.as_ref().clone().with_nullable(true))),
        );
        Arc::new(arrow::datatypes::Schema::new(fields))
    } else {
        spec.out_schema.clone()
    };
    Ok(RecordBatch::try_new_with_options(
        schema,
        cols,
        &RecordBatchOptions::new().with_row_count(Some(pi.len())),
    )?)
}

/// Rows of the build side nobody matched, with NULLs for the probe side.
fn unmatched_build(
    table: &JoinTable,
    matched: &[bool],
    spec: &JoinSpec,
) -> Result<Vec<RecordBatch>> {
    let rows: Vec<u32> = (0..table.rows() as u32)
        .filter(|&j| !matched[j as usize])
        .collect();
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let b_idx = UInt32Array::from(rows.clone());
    let nulls: UInt32Array = rows.iter().map(|_| None::<u32>).collect();
    let empty_probe = RecordBatch::new_empty(spec.probe_schema.clone());
    let p_cols: Vec<ArrayRef> = empty_probe
        .columns()
        .iter()
        .map(|c| {
            let one = arrow::array::new_null_array(c.data_type(), 1);
            take(&one, &nulls, None)
        })
        .collect::<std::result::Result<_, _>>()?;
    let b_cols: Vec<ArrayRef> = table
        .batch
        .columns()
        .iter()
        .map(|c| take(c, &b_idx, None))
        .collect::<std::result::Result<_, _>>()?;
    let (mut cols, second) = if spec.swapped {
        (b_cols, p_cols)
    } else {
        (p_cols, b_cols)
    };
    cols.extend(second);
    Ok(vec![RecordBatch::try_new_with_options(
        spec.out_schema.clone(),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(rows.len())),
    )?])
}

/// Rows of the build side some probe row matched (`wanted` true: a semi
/// join built on its preserved side) or none did (false: an anti join
/// built so), build columns only.
fn build_rows_where(
    table: &JoinTable,
    matched: &[bool],
    wanted: bool,
    spec: &JoinSpec,
) -> Result<Vec<RecordBatch>> {
    let rows: Vec<u32> = (0..table.rows() as u32)
        .filter(|&j| matched[j as usize] == wanted)
        .collect();
    if rows.is_empty() {
        return Ok(vec![]);
    }
    Ok(vec![take_rows(&table.batch, &rows, &spec.out_schema)?])
}

/// What a partition's build rows add once its probe side is done.
#[derive(Clone, Copy, PartialEq)]
enum Leftover {
    /// Nothing (most joins).
    Nothing,
    /// The build rows nobody matched, with NULLs (full outer joins).
    Unmatched,
    /// The build rows somebody matched (semi joins built on the preserved side).
    Matched,
    /// The build rows nobody matched, build columns only (anti joins
    /// built on the preserved side).
    NeverMatched,
}

impl Leftover {
    fn of(spec: &JoinSpec) -> Leftover {
        match spec.kind {
            JoinKind::Full => Leftover::Unmatched,
            JoinKind::LeftSemi if spec.swapped => Leftover::Matched,
            JoinKind::LeftAnti if spec.swapped => Leftover::NeverMatched,
            _ => Leftover::Nothing,
        }
    }
}

/// Streams probe batches through a shared table.
/// `probe` cut into slices of rows whose candidate pairs stay within
/// `MAX_CANDIDATES` (a single row may pass it alone: its candidates are at
/// most the build side, which fits the budget).
fn probe_slices(table: &JoinTable, spec: &JoinSpec, probe: RecordBatch) -> Result<Vec<ProbeSlice>> {
    let n = probe.num_rows();
    if n.saturating_mul(table.widest) <= MAX_CANDIDATES {
        return Ok(vec![ProbeSlice {
            batch: probe,
            chains: None,
        }]);
    }
    // Each row's chain is looked up once: its length cuts the batch, and
    // the slices walk it without a second lookup.
    let chains: Option<(Vec<(u32, u32)>, Vec<bool>)> = match &table.index {
        None => None,
        Some(index) => {
            let cols: Vec<ArrayRef> = spec
                .probe_keys
                .iter()
                .map(|k| crate::expr::evaluate(k, &probe))
                .collect::<Result<_>>()?;
            let mut nulls = vec![false; n];
            let found = index.find_chains(&cols, n, spec.null_safe, &mut nulls)?;
            Some((found, nulls))
        }
    };
    let count = |i: usize| match &chains {
        None => table.rows(),
        Some((c, _)) => c[i].1 as usize,
    };
    let cut = |start: usize, end: usize| ProbeSlice {
        batch: probe.slice(start, end - start),
        chains: chains
            .as_ref()
            .map(|(c, z)| (c[start..end].to_vec(), z[start..end].to_vec())),
    };
    let mut slices = Vec::new();
    let (mut start, mut held) = (0, 0);
    for i in 0..n {
        let c = count(i);
        if i > start && held + c > MAX_CANDIDATES {
            slices.push(cut(start, i));
            start = i;
            held = 0;
        }
        held += c;
    }
    slices.push(cut(start, n));
    Ok(slices)
}

fn probe_stream(
    table: Arc<JoinTable>,
    spec: JoinSpec,
    input: rdd::BoxIter<Batch>,
    tc: Arc<TaskContext>,
    leftover: Leftover,
) -> rdd::BoxIter<Batch> {
    let tracks = leftover != Leftover::Nothing;
    let mut matched = vec![false; if tracks { table.rows() } else { 0 }];
    let mut input = input;
    let mut ready: std::collections::VecDeque<RecordBatch> = Default::default();
    let mut pending: std::collections::VecDeque<ProbeSlice> = Default::default();
    let mut done = false;
    Box::new(std::iter::from_fn(move || loop {
        if let Some(b) = ready.pop_front() {
            if b.num_rows() == 0 {
                continue;
            }
            return Some(Batch(b));
        }
        if tc.is_cancelled() {
            tc.fail(rdd::RddError::Cancelled);
            return None;
        }
        if let Some(slice) = pending.pop_front() {
            match probe(&table, &spec, &slice, tracks.then_some(&mut matched)) {
                Ok(bs) => ready.extend(bs),
                Err(e) => {
                    tc.fail(e.into());
                    pending.clear();
                    done = true;
                }
            }
            continue;
        }
        if done {
            return None;
        }
        match input.next() {
            Some(Batch(b)) => match probe_slices(&table, &spec, b) {
                Ok(slices) => pending.extend(slices),
                Err(e) => {
                    tc.fail(e.into());
                    done = true;
                }
            },
            None => {
                done = true;
                if tracks && !tc.has_failed() {
                    let rest = match leftover {
                        Leftover::Matched => build_rows_where(&table, &matched, true, &spec),
                        Leftover::NeverMatched => build_rows_where(&table, &matched, false, &spec),
                        _ => unmatched_build(&table, &matched, &spec),
                    };
                    match rest {
                        Ok(bs) => ready.extend(bs),
                        Err(e) => tc.fail(e.into()),
                    }
                }
            }
        }
    }))
}

/// A broadcast hash join's build side, collected once on the driver and
/// indexed (then shared by every probe task, `broadcast_probe`). `None`
/// when it turned out over the memory budget: the caller runs the join
/// another way (nested loops without keys, a partitioned hash join with
/// them) and says so on the plan.
pub(crate) fn collect_table(build: &Rdd<Batch>, spec: &JoinSpec) -> Result<Option<JoinTable>> {
    if crate::physical::keeps_build_rows(spec.kind, spec.swapped) {
        return Err(SharkError::exec(
            "a broadcast join cannot emit build rows after its probe side",
        ));
    }
    let budget = build
        .context()
        .conf()
        .get_bytes(rdd::conf::MEMORY_EXECUTION, 512 << 20)? as usize;
    let batches: Vec<RecordBatch> = match collect_within(build, budget, true)? {
        Some(b) => b,
        None => return Ok(None),
    };
    let table = JoinTable::build(batches, spec)?;
    if table.memory() > budget {
        return Ok(None);
    }
    Ok(Some(table))
}

/// Probes every partition of `probe` against `table`, broadcast once.
pub(crate) fn broadcast_probe(probe: &Rdd<Batch>, table: JoinTable, spec: JoinSpec) -> Rdd<Batch> {
    let shared = probe.context().broadcast(Arc::new(table));
    probe.map_partitions_with_context(false, move |_, tc, it| {
        let table = match shared.try_value() {
            Ok(t) => (*t).clone(),
            Err(e) => return fail(tc, SharkError::from(e)),
        };
        probe_stream(table, spec.clone(), it, tc.clone(), Leftover::Nothing)
    })
}

/// The build side's batches, collected a few partitions at a time; `None`
/// as soon as they pass `budget` when `may_stop` (the caller then joins
/// without collecting), so the driver never holds much more than that.
pub(crate) fn collect_within(
    build: &Rdd<Batch>,
    budget: usize,
    may_stop: bool,
) -> Result<Option<Vec<RecordBatch>>> {
    let ctx = build.context().clone();
    let n = build.num_partitions();
    let window = ctx.workers().max(1) * 2;
    let (mut out, mut held) = (Vec::new(), 0usize);
    let mut first = 0;
    while first < n {
        let parts: Vec<usize> = (first..(first + window).min(n)).collect();
        first += parts.len();
        let results = ctx.run_job(build, Some(&parts), |_, it| {
            Ok(it.map(|b| b.0).collect::<Vec<RecordBatch>>())
        })?;
        for b in results.into_iter().flatten() {
            held += b.get_array_memory_size();
            out.push(b);
        }
        if may_stop && held > budget {
            return Ok(None);
        }
    }
    Ok(Some(out))
}

/// A join without keys (inner or cross) whose build side is too big to
/// broadcast: every probe partition meets every build partition (the RDD
/// cartesian product, which holds one build partition per task), batch by
/// batch, a few probe rows at a time. Slower, but bounded by a partition,
/// not by the build side.
pub(crate) fn nested_loop_join(
    probe: &Rdd<Batch>,
    build: &Rdd<Batch>,
    spec: JoinSpec,
) -> Rdd<Batch> {
    probe
        .cartesian(build)
        .map_partitions_with_context(false, move |_, tc, it| {
            let (spec, tc) = (spec.clone(), tc.clone());
            Box::new(it.flat_map(move |(Batch(p), Batch(b))| {
                match JoinTable::build(vec![b], &spec) {
                    Ok(table) => probe_stream(
                        Arc::new(table),
                        spec.clone(),
                        Box::new(std::iter::once(Batch(p))),
                        tc.clone(),
                        Leftover::Nothing,
                    ),
                    Err(e) => fail(&tc, e),
                }
            }))
        })
}

/// Partitioned hash join over inputs already exchanged alike (partition
/// `i` of each side holds the same keys), joined partition by partition
/// (full joins emit unmatched build rows at the end, semi joins built on
/// their preserved side the matched ones).
pub(crate) fn partitioned_join(
    p: &Rdd<Batch>,
    b: &Rdd<Batch>,
    spec: JoinSpec,
) -> Result<Rdd<Batch>> {
    if spec.probe_keys.is_empty() {
        return Err(SharkError::exec("a partitioned join needs keys"));
    }
    let leftover = Leftover::of(&spec);
    Ok(p.zip_partitions(b, move |tc, probe_it, build_it| {
        // The build side's share of the task's budget.
        let mut memory = tc.memory_holder();
        let mut batches: Vec<RecordBatch> = Vec::new();
        let mut held = 0usize;
        let mut build_it = build_it;
        for Batch(b) in build_it.by_ref() {
            // Rows plus the hash index the table will add (~64 bytes a row).
            held += b.get_array_memory_size() + b.num_rows() * 64;
            batches.push(b);
            memory.set(held);
            if held > memory.budget() {
                // Grace hash join: both sides to bucket files, joined bucket by bucket.
                return match grace_join(tc, &spec, batches, build_it, probe_it, leftover) {
                    Ok(it) => it,
                    Err(e) => fail(tc, e),
                };
            }
        }
        match JoinTable::build(batches, &spec).and_then(|t| t.check_budget(memory.budget())) {
            Ok(t) => {
                let it = probe_stream(Arc::new(t), spec.clone(), probe_it, tc.clone(), leftover);
                // The table is held until the probe side is done.
                Box::new(it.inspect(move |_| {
                    let _ = &memory;
                }))
            }
            Err(e) => fail(tc, e),
        }
    })?)
}

const GRACE_BUCKETS: usize = 64;

/// Bucket files for one side of a grace hash join (removed on drop).
struct Buckets {
    dir: std::path::PathBuf,
    writers: Vec<Option<arrow::ipc::writer::StreamWriter<std::io::BufWriter<std::fs::File>>>>,
}

impl Buckets {
    fn new(tc: &Arc<TaskContext>, side: &str) -> Result<Buckets> {
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = tc
            .context()
            .scratch_dir()
            .join(format!("grace-{side}-{}-{n}", tc.partition_id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| SharkError::exec(format!("{}: {e}", dir.display())))?;
        Ok(Buckets {
            dir,
            writers: (0..GRACE_BUCKETS).map(|_| None).collect(),
        })
    }

    /// Routes rows by a second hash of their keys (the shuffle used the first).
    fn write(&mut self, b: &RecordBatch, keys: &[Expr], tc: &Arc<TaskContext>) -> Result<()> {
        if b.num_rows() == 0 {
            return Ok(());
        }
        let rows = super::exchange::key_rows(keys, b)?;
        let mut idx: Vec<Vec<u32>> = vec![Vec::new(); GRACE_BUCKETS];
        for i in 0..rows.num_rows() {
            let h = rdd::hash::hash_key(rows.row(i).as_ref());
            idx[((h >> 40) % GRACE_BUCKETS as u64) as usize].push(i as u32);
        }
        for (k, rows) in idx.into_iter().enumerate() {
            if rows.is_empty() {
                continue;
            }
            let part = arrow::compute::take_record_batch(b, &UInt32Array::from(rows))?;
            rdd::listener::TaskMetrics::add(
                &tc.metrics.disk_bytes_spilled,
                part.get_array_memory_size() as u64,
            );
            if self.writers[k].is_none() {
                let path = self.dir.join(format!("{k}"));
                let f = std::fs::File::create(&path)
                    .map_err(|e| SharkError::exec(format!("{}: {e}", path.display())))?;
                self.writers[k] = Some(arrow::ipc::writer::StreamWriter::try_new(
                    std::io::BufWriter::new(f),
                    &part.schema(),
                )?);
            }
            self.writers[k].as_mut().expect("writer").write(&part)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        for w in self.writers.iter_mut() {
            if let Some(mut w) = w.take() {
                w.finish()?;
            }
        }
        Ok(())
    }

    fn read(&self, k: usize) -> Result<Vec<RecordBatch>> {
        let path = self.dir.join(format!("{k}"));
        if !path.exists() {
            return Ok(vec![]);
        }
        let f = std::fs::File::open(&path)
            .map_err(|e| SharkError::exec(format!("{}: {e}", path.display())))?;
        let r = arrow::ipc::reader::StreamReader::try_new(std::io::BufReader::new(f), None)?;
        Ok(r.collect::<std::result::Result<Vec<_>, _>>()?)
    }
}

impl Drop for Buckets {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn grace_join(
    tc: &Arc<TaskContext>,
    spec: &JoinSpec,
    held: Vec<RecordBatch>,
    build_rest: rdd::BoxIter<Batch>,
    probe: rdd::BoxIter<Batch>,
    leftover: Leftover,
) -> Result<rdd::BoxIter<Batch>> {
    let mut build = Buckets::new(tc, "build")?;
    let mut has_null_key = false;
    let mut note_nulls = |b: &RecordBatch| -> Result<()> {
        if !spec.null_safe && !has_null_key {
            for k in &spec.build_keys {
                if crate::expr::evaluate(k, b)?.null_count() > 0 {
                    has_null_key = true;
                }
            }
        }
        Ok(())
    };
    for b in held {
        note_nulls(&b)?;
        build.write(&b, &spec.build_keys, tc)?;
    }
    for Batch(b) in build_rest {
        note_nulls(&b)?;
        build.write(&b, &spec.build_keys, tc)?;
    }
    build.finish()?;
    let mut probes = Buckets::new(tc, "probe")?;
    for Batch(b) in probe {
        if tc.is_cancelled() {
            return Err(SharkError::Cancelled);
        }
        probes.write(&b, &spec.probe_keys, tc)?;
    }
    probes.finish()?;
    let (spec, tc) = (spec.clone(), tc.clone());
    let mut bucket = 0usize;
    let mut current: Option<rdd::BoxIter<Batch>> = None;
    Ok(Box::new(std::iter::from_fn(move || {
        let _keep = (&build, &probes);
        loop {
            if let Some(it) = current.as_mut() {
                if let Some(b) = it.next() {
                    return Some(b);
                }
                current = None;
            }
            if bucket >= GRACE_BUCKETS || tc.has_failed() {
                return None;
            }
            let k = bucket;
            bucket += 1;
            // A bucket holds 1/64 of the partition; allow it some slack
            // over the budget rather than splitting again.
            let table = build
                .read(k)
                .and_then(|bs| JoinTable::build(bs, &spec))
                .and_then(|t| t.check_budget(tc.execution_budget() * 8));
            match (table, probes.read(k)) {
                (Ok(mut t), Ok(ps)) => {
                    t.has_null_key |= has_null_key;
                    let input: rdd::BoxIter<Batch> = Box::new(ps.into_iter().map(Batch));
                    current = Some(probe_stream(
                        Arc::new(t),
                        spec.clone(),
                        input,
                        tc.clone(),
                        leftover,
                    ));
                }
                (Err(e), _) | (_, Err(e)) => {
                    tc.fail(e.into());
                    return None;
                }
            }
        }
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};

    fn batch(name: &str, values: Vec<i64>) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new(name, DataType::Int64, true)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(values))]).unwrap()
    }

    fn spec(keys: bool) -> JoinSpec {
        let l = batch("l", vec![]).schema();
        let r = batch("r", vec![]).schema();
        let col = |n: &str| Expr::column(0, n, DataType::Int64);
        JoinSpec {
            kind: JoinKind::Inner,
            probe_keys: if keys { vec![col("l")] } else { vec![] },
            build_keys: if keys { vec![col("r")] } else { vec![] },
            filter: None,
            null_safe: false,
            null_aware: false,
            swapped: false,
            probe_schema: l.clone(),
            build_schema: r.clone(),
            out_schema: crate::plan::join_schema(&l, &r, JoinKind::Inner),
            build_facts: None,
        }
    }

    #[test]
    fn wide_probes_are_cut_to_bounded_candidates() {
        // A cross join: 3,000 build rows, so each probe row has 3,000 pairs.
        let s = spec(false);
        let table = JoinTable::build(vec![batch("r", (0..3000).collect())], &s).unwrap();
        let slices = probe_slices(&table, &s, batch("l", (0..500).collect())).unwrap();
        assert!(slices.len() > 1);
        assert_eq!(
            slices.iter().map(|b| b.batch.num_rows()).sum::<usize>(),
            500
        );
        assert!(slices
            .iter()
            .all(|b| b.batch.num_rows() * 3000 <= MAX_CANDIDATES));
        // Many-to-many keys: only rows with many matches are cut apart.
        let s = spec(true);
        let build: Vec<i64> = (0..MAX_CANDIDATES as i64 + 2).map(|i| i % 2).collect();
        let table = JoinTable::build(vec![batch("r", build)], &s).unwrap();
        let slices = probe_slices(&table, &s, batch("l", vec![0, 5, 1, 7, 9])).unwrap();
        let sizes: Vec<usize> = slices.iter().map(|b| b.batch.num_rows()).collect();
        assert_eq!(
            sizes,
            vec![2, 3],
            "key 0 and 1 each pair with half the build side"
        );
        // The slices carry their rows' chains: probing them pairs the same
        // rows as probing the whole batch.
        let whole = ProbeSlice {
            batch: batch("l", vec![0, 5, 1, 7, 9]),
            chains: None,
        };
        let rows_of = |bs: Vec<RecordBatch>| bs.iter().map(|b| b.num_rows()).sum::<usize>();
        let sliced: usize = slices
            .iter()
            .map(|sl| rows_of(probe(&table, &s, sl, None).unwrap()))
            .sum();
        assert_eq!(sliced, rows_of(probe(&table, &s, &whole, None).unwrap()));
        assert_eq!(sliced, MAX_CANDIDATES + 2);
        // Narrow joins are probed whole.
        let table = JoinTable::build(vec![batch("r", vec![1, 2, 3])], &s).unwrap();
        assert_eq!(
            probe_slices(&table, &s, batch("l", (0..5000).collect()))
                .unwrap()
                .len(),
            1
        );
    }
}
