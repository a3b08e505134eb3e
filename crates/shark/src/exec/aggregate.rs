//! Hash aggregation: partial aggregation in each input partition, a shuffle
//! of the partial states by group key, and a final merge (Spark's and
//! Shark's plan). Group keys map to group ids in a `GroupTable`;
//! aggregates keep typed per-group state (the accumulators of
//! `functions::aggregate`, built from a plan's calls by [`accumulator`]).

use super::exchange::fail;
use super::group_keys::GroupTable;
use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::expr::{evaluate, Expr};
use crate::functions::aggregate::{Accumulator, AggregateCall};
use crate::plan::AggExpr;
use crate::table::BATCH_ROWS;
use arrow::array::ArrayRef;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use rdd::{Rdd, TaskContext};
use std::sync::Arc;

/// The accumulator computing `agg`. The functions layer sees no
/// expressions, so this describes the call by its argument and result
/// types, and evaluates (on one row, each time, as percentile always did)
/// the arguments the function needs as values: only those it names in
/// `AggFunc::constant_args`, so no other argument is evaluated outside the
/// rows it aggregates.
pub(crate) fn accumulator(agg: &AggExpr) -> Result<Box<dyn Accumulator>> {
    let arg_types: Vec<DataType> = agg.args.iter().map(|a| a.data_type()).collect();
    let mut constants: Vec<Option<ArrayRef>> = vec![None; agg.args.len()];
    let wanted = agg.func.constant_args();
    if !wanted.is_empty() {
        let one = RecordBatch::try_new_with_options(
            Arc::new(Schema::empty()),
            vec![],
            &RecordBatchOptions::new().with_row_count(Some(1)),
        )?;
        for &i in wanted {
            if let Some(arg) = agg.args.get(i) {
                constants[i] = Some(evaluate(arg, &one)?);
            }
        }
    }
    crate::functions::aggregate::create(&AggregateCall {
        func: agg.func,
        arg_types: &arg_types,
        return_type: &agg.data_type,
        distinct: agg.distinct,
        constants: &constants,
    })
}

/// Which rows the aggregator consumes and what it emits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mode {
    /// Raw rows in, partial states out.
    Partial,
    /// Partial states in, final values out.
    Final,
    /// Raw rows in, final values out (DISTINCT aggregates).
    Single,
}

struct Aggregator {
    mode: Mode,
    group: Vec<Expr>,
    aggs: Vec<AggExpr>,
    table: GroupTable,
    accs: Vec<Box<dyn Accumulator>>,
    key_types: Vec<DataType>,
    out_schema: SchemaRef,
    state_offsets: Vec<usize>,
}

impl Aggregator {
    fn new(
        mode: Mode,
        group: &[Expr],
        aggs: &[AggExpr],
        key_types: Vec<DataType>,
        out_schema: SchemaRef,
    ) -> Result<Self> {
        let accs: Vec<Box<dyn Accumulator>> =
            aggs.iter().map(accumulator).collect::<Result<_>>()?;
        let mut offsets = Vec::new();
        let mut at = key_types.len();
        for a in &accs {
            offsets.push(at);
            at += a.state_types().len();
        }
        Ok(Aggregator {
            mode,
            group: group.to_vec(),
            aggs: aggs.to_vec(),
            table: GroupTable::new(&key_types)?,
            accs,
            key_types,
            out_schema,
            state_offsets: offsets,
        })
    }

    fn consume(&mut self, batch: &RecordBatch) -> Result<()> {
        let rows = batch.num_rows();
        if rows == 0 {
            return Ok(());
        }
        let keys: Vec<ArrayRef> = match self.mode {
            Mode::Final => batch.columns()[..self.key_types.len()].to_vec(),
            _ => self
                .group
                .iter()
                .map(|g| evaluate(g, batch))
                .collect::<Result<_>>()?,
        };
        // The group table stores keys by their declared types.
        let keys = keys
            .into_iter()
            .zip(&self.key_types)
            .map(|(k, t)| {
                if k.data_type() == t {
                    Ok(k)
                } else {
                    crate::cast::hive_cast(&k, t)
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let ids = self.table.group_ids(&keys, rows)?;
        let n = self.table.groups;
        for (j, acc) in self.accs.iter_mut().enumerate() {
            match self.mode {
                Mode::Final => {
                    let width = acc.state_types().len();
                    let off = self.state_offsets[j];
                    acc.merge(&ids, &batch.columns()[off..off + width], n)?;
                }
                _ => {
                    let args: Vec<ArrayRef> = self.aggs[j]
                        .args
                        .iter()
                        .map(|a| evaluate(a, batch))
                        .collect::<Result<_>>()?;
                    acc.update(&ids, &args, n)?;
                }
            }
        }
        Ok(())
    }

    /// The partial states of `batch` with every row its own group: what a
    /// partial aggregation that does not reduce its input emits instead of
    /// hashing (the final phase merges the rows of a group as usual).
    fn pass_through(&self, batch: &RecordBatch) -> Result<RecordBatch> {
        let n = batch.num_rows();
        let ids: Vec<u32> = (0..n as u32).collect();
        let mut columns: Vec<ArrayRef> = self
            .group
            .iter()
            .map(|g| evaluate(g, batch))
            .collect::<Result<_>>()?;
        for agg in &self.aggs {
            let mut acc = accumulator(agg)?;
            let args: Vec<ArrayRef> = agg
                .args
                .iter()
                .map(|a| evaluate(a, batch))
                .collect::<Result<_>>()?;
            acc.update(&ids, &args, n)?;
            columns.extend(acc.state(n)?);
        }
        let schema = self.state_schema();
        let columns = columns
            .into_iter()
            .zip(schema.fields())
            .map(|(c, f)| crate::cast::hive_cast(&c, f.data_type()))
            .collect::<Result<Vec<_>>>()?;
        Ok(RecordBatch::try_new_with_options(
            schema,
            columns,
            &RecordBatchOptions::new().with_row_count(Some(n)),
        )?)
    }

    /// Emits the current groups as partial states, whatever the mode.
    fn finish_as_state(&mut self) -> Result<Vec<RecordBatch>> {
        let mode = self.mode;
        self.mode = Mode::Partial;
        let out = self.finish();
        self.mode = mode;
        out
    }

    fn state_schema(&self) -> SchemaRef {
        state_schema(&self.key_types, &self.accs)
    }

    /// Bytes the aggregation holds: the keys' buffers and the hash index
    /// as allocated (capacity, not just use: they grow by doubling), and
    /// the accumulators' per-group state.
    fn memory(&self) -> usize {
        self.table.memory() + self.table.groups * 16 * self.accs.len().max(1)
    }

    /// Emits every group and resets (a partial aggregator can flush early).
    fn finish(&mut self) -> Result<Vec<RecordBatch>> {
        let n = self.table.groups;
        let mut columns = self.table.key_columns()?;
        for acc in self.accs.iter_mut() {
            match self.mode {
                Mode::Partial => columns.extend(acc.state(n)?),
                _ => columns.push(acc.evaluate(n)?),
            }
        }
        let schema = match self.mode {
            Mode::Partial => state_schema(&self.key_types, &self.accs),
            _ => self.out_schema.clone(),
        };
        let columns = columns
            .into_iter()
            .zip(schema.fields())
            .map(|(c, f)| crate::cast::hive_cast(&c, f.data_type()))
            .collect::<Result<Vec<_>>>()?;
        let batch = RecordBatch::try_new_with_options(
            schema,
            columns,
            &RecordBatchOptions::new().with_row_count(Some(n)),
        )?;
        self.table = GroupTable::new(&self.key_types)?;
        if self.mode == Mode::Partial && self.key_types.is_empty() {
            // Keep "one group" semantics for the next flush.
        }
        let mut out = Vec::new();
        let mut offset = 0;
        while offset < n {
            let len = BATCH_ROWS.min(n - offset);
            out.push(batch.slice(offset, len));
            offset += len;
        }
        Ok(out)
    }
}

/// Final-phase overflow: partial states written to `BUCKETS` files by a
/// second hash of the group key, each later aggregated on its own (so each
/// needs about 1/BUCKETS of the memory).
struct Spill {
    dir: std::path::PathBuf,
    writers: Vec<Option<arrow::ipc::writer::StreamWriter<std::io::BufWriter<std::fs::File>>>>,
    schema: SchemaRef,
    keys: usize,
    bytes: u64,
    level: u32,
}

const BUCKETS: usize = 16;
/// Spill levels at most: a bucket still over the budget is split again
/// by other bits of the key's hash, up to here (16^4 buckets).
const MAX_SPILL_LEVEL: u32 = 4;

impl Spill {
    fn new(tc: &TaskContext, schema: SchemaRef, keys: usize, level: u32) -> Result<Spill> {
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = tc
            .context()
            .scratch_dir()
            .join(format!("agg-spill-{}-{n}", tc.partition_id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| SharkError::exec(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Spill {
            dir,
            writers: (0..BUCKETS).map(|_| None).collect(),
            schema,
            keys,
            bytes: 0,
            level,
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let batch = RecordBatch::try_new(self.schema.clone(), batch.columns().to_vec())?;
        let keys: Vec<Expr> = (0..self.keys)
            .map(|i| {
                Expr::column(
                    i,
                    format!("_g{i}"),
                    batch.schema().field(i).data_type().clone(),
                )
            })
            .collect();
        let rows = super::exchange::key_rows(&keys, &batch)?;
        let mut idx: Vec<Vec<u32>> = vec![Vec::new(); BUCKETS];
        for i in 0..rows.num_rows() {
            let h = rdd::hash::hash_key(rows.row(i).as_ref()).rotate_left(16 * self.level);
            idx[((h >> 40) % BUCKETS as u64) as usize].push(i as u32);
        }
        for (b, rows) in idx.into_iter().enumerate() {
            if rows.is_empty() {
                continue;
            }
            let part =
                arrow::compute::take_record_batch(&batch, &arrow::array::UInt32Array::from(rows))?;
            self.bytes += part.get_array_memory_size() as u64;
            if self.writers[b].is_none() {
                let path = self.dir.join(format!("bucket-{b}"));
                let f = std::fs::File::create(&path).map_err(|e| {
                    SharkError::exec(format!("cannot create {}: {e}", path.display()))
                })?;
                self.writers[b] = Some(arrow::ipc::writer::StreamWriter::try_new(
                    std::io::BufWriter::new(f),
                    &self.schema,
                )?);
            }
            self.writers[b].as_mut().expect("writer").write(&part)?;
        }
        Ok(())
    }

    /// Finishes the files and returns the buckets that have data.
    fn finish(&mut self) -> Result<Vec<std::path::PathBuf>> {
        let mut out = Vec::new();
        for (b, w) in self.writers.iter_mut().enumerate() {
            if let Some(mut w) = w.take() {
                w.finish()?;
                out.push(self.dir.join(format!("bucket-{b}")));
            }
        }
        Ok(out)
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A spilled bucket's batches, read as they are consumed.
fn read_bucket(tc: &Arc<TaskContext>, path: &std::path::Path) -> Result<rdd::BoxIter<Batch>> {
    let f = std::fs::File::open(path)
        .map_err(|e| SharkError::exec(format!("cannot read {}: {e}", path.display())))?;
    let reader = arrow::ipc::reader::StreamReader::try_new(std::io::BufReader::new(f), None)?;
    let tc = tc.clone();
    Ok(Box::new(reader.map_while(move |b| match b {
        Ok(b) => Some(Batch(b)),
        Err(e) => {
            tc.fail(SharkError::from(e).into());
            None
        }
    })))
}

fn state_schema(key_types: &[DataType], accs: &[Box<dyn Accumulator>]) -> SchemaRef {
    let mut fields: Vec<Field> = key_types
        .iter()
        .enumerate()
        .map(|(i, t)| Field::new(format!("_g{i}"), t.clone(), true))
        .collect();
    for (j, a) in accs.iter().enumerate() {
        for (k, t) in a.state_types().into_iter().enumerate() {
            fields.push(Field::new(format!("_s{j}_{k}"), t, true));
        }
    }
    Arc::new(Schema::new(fields))
}

/// Runs an aggregator over a partition, flushing partial results early
/// when the task's memory budget is reached.
/// Input rows a partial aggregation hashes before judging its reduction.
const SKIP_PARTIAL_PROBE_ROWS: usize = 100_000;
/// Groups per input row from which partial aggregation is not worth it.
const SKIP_PARTIAL_RATIO: f64 = 0.8;

#[allow(clippy::too_many_arguments)]
fn run(
    level: u32,
    mode: Mode,
    group: Vec<Expr>,
    aggs: Vec<AggExpr>,
    key_types: Vec<DataType>,
    out_schema: SchemaRef,
    tc: Arc<TaskContext>,
    input: rdd::BoxIter<Batch>,
) -> rdd::BoxIter<Batch> {
    let mut agg = match Aggregator::new(mode, &group, &aggs, key_types, out_schema) {
        Ok(a) => a,
        Err(e) => return fail(&tc, e),
    };
    // This aggregation's share of the task's budget (a shuffle writer or
    // a join fed by it holds the rest).
    let mut memory = tc.memory_holder();
    let mut input = input;
    let mut done = false;
    let mut ready: std::collections::VecDeque<RecordBatch> = Default::default();
    let mut spill: Option<Spill> = None;
    // After a spill: the buckets' results, aggregated one bucket at a time
    // as the consumer reads them.
    let mut buckets: Option<rdd::BoxIter<Batch>> = None;
    // Partial aggregation that barely reduces its input (nearly a group per
    // row) stops hashing and passes rows on as states (DataFusion's and
    // DuckDB's skip of partial aggregation; same thresholds as DataFusion).
    let (mut seen, mut passing) = (0usize, false);
    Box::new(std::iter::from_fn(move || loop {
        if let Some(b) = ready.pop_front() {
            return Some(Batch(b));
        }
        if let Some(it) = buckets.as_mut() {
            return it.next();
        }
        if done {
            return None;
        }
        if tc.is_cancelled() {
            tc.fail(rdd::RddError::Cancelled);
            return None;
        }
        match input.next() {
            Some(Batch(b)) => {
                if let Some(sp) = spill.as_mut() {
                    if let Err(e) = sp.write(&b) {
                        tc.fail(e.into());
                        done = true;
                    }
                    continue;
                }
                if passing {
                    match agg.pass_through(&b) {
                        Ok(s) => ready.push_back(s),
                        Err(e) => {
                            tc.fail(e.into());
                            done = true;
                        }
                    }
                    continue;
                }
                if let Err(e) = agg.consume(&b) {
                    tc.fail(e.into());
                    done = true;
                    continue;
                }
                seen += b.num_rows();
                if mode == Mode::Partial
                    && !agg.key_types.is_empty()
                    && seen >= SKIP_PARTIAL_PROBE_ROWS
                    && agg.table.groups as f64 >= SKIP_PARTIAL_RATIO * seen as f64
                {
                    passing = true;
                    match agg.finish() {
                        Ok(bs) => ready.extend(bs),
                        Err(e) => {
                            tc.fail(e.into());
                            done = true;
                        }
                    }
                    continue;
                }
                let used = agg.memory();
                tc.metrics.note_memory(used as u64);
                memory.set(used);
                let budget = memory.budget();
                // Emitting the groups builds their columns (a copy as large
                // again), so the table itself may fill half the budget.
                // (One phase never emits early: its whole share is its limit.)
                let limit = if mode == Mode::Single {
                    budget
                } else {
                    budget / 2
                };
                if used > limit && (mode != Mode::Final || level < MAX_SPILL_LEVEL) {
                    if mode == Mode::Partial {
                        match agg.finish() {
                            Ok(bs) => ready.extend(bs),
                            Err(e) => {
                                tc.fail(e.into());
                                done = true;
                            }
                        }
                    } else if mode == Mode::Final {
                        // Spill the groups so far and route the rest of the
                        // input to the spill files too.
                        let result = (|| -> Result<()> {
                            if spill.is_none() {
                                spill = Some(Spill::new(
                                    &tc,
                                    agg.state_schema(),
                                    agg.key_types.len(),
                                    level,
                                )?);
                            }
                            let states = agg.finish_as_state()?;
                            let sp = spill.as_mut().expect("spill");
                            for s in &states {
                                sp.write(s)?;
                            }
                            rdd::listener::TaskMetrics::add(
                                &tc.metrics.disk_bytes_spilled,
                                sp.bytes,
                            );
                            Ok(())
                        })();
                        if let Err(e) = result {
                            tc.fail(e.into());
                            done = true;
                        }
                    } else {
                        tc.fail(
                            SharkError::exec(format!(
                                "DISTINCT aggregation needs more than its memory budget of {} KB per task; raise shark.memory.execution",
                                limit >> 10
                            ))
                            .into(),
                        );
                        done = true;
                    }
                    memory.set(agg.memory());
                }
            }
            None => {
                done = true;
                memory.set(0);
                if tc.has_failed() {
                    return None;
                }
                if let Some(mut sp) = spill.take() {
                    // Aggregate each spilled bucket on its own, lazily: only
                    // one bucket's groups are in memory at a time (a bucket
                    // still too large spills again, one level down).
                    let paths = (|| -> Result<Vec<std::path::PathBuf>> {
                        for s in agg.finish_as_state()? {
                            sp.write(&s)?;
                        }
                        sp.finish()
                    })();
                    let mut paths = match paths {
                        Ok(p) => p.into_iter(),
                        Err(e) => {
                            tc.fail(e.into());
                            continue;
                        }
                    };
                    let (group, aggs) = (agg.group.clone(), agg.aggs.clone());
                    let (key_types, out_schema) = (agg.key_types.clone(), agg.out_schema.clone());
                    let tc = tc.clone();
                    let mut current: Option<rdd::BoxIter<Batch>> = None;
                    buckets = Some(Box::new(std::iter::from_fn(move || {
                        let _files = &sp;
                        loop {
                            if let Some(b) = current.as_mut().and_then(|it| it.next()) {
                                return Some(b);
                            }
                            if tc.has_failed() || tc.is_cancelled() {
                                return None;
                            }
                            let path = paths.next()?;
                            let input = match read_bucket(&tc, &path) {
                                Ok(it) => it,
                                Err(e) => {
                                    tc.fail(e.into());
                                    return None;
                                }
                            };
                            current = Some(run(
                                level + 1,
                                Mode::Final,
                                group.clone(),
                                aggs.clone(),
                                key_types.clone(),
                                out_schema.clone(),
                                tc.clone(),
                                input,
                            ));
                        }
                    })));
                    continue;
                }
                match agg.finish() {
                    Ok(bs) => ready.extend(
                        bs.into_iter()
                            .filter(|b| b.num_rows() > 0 || mode != Mode::Partial),
                    ),
                    Err(e) => tc.fail(e.into()),
                }
            }
        }
    }))
}

/// One phase of a hash aggregation over each partition of `input` (the
/// plan places the exchange between the partial and final phases).
pub(crate) fn hash_aggregate(
    input: &Rdd<Batch>,
    mode: crate::physical::AggMode,
    group: Vec<Expr>,
    aggs: Vec<AggExpr>,
    out_schema: SchemaRef,
) -> Rdd<Batch> {
    let key_types: Vec<DataType> = group.iter().map(|g| g.data_type()).collect();
    let mode = match mode {
        crate::physical::AggMode::Partial => Mode::Partial,
        crate::physical::AggMode::Final => Mode::Final,
        crate::physical::AggMode::Single => Mode::Single,
    };
    input.map_partitions_with_context(false, move |_, tc, it| {
        run(
            0,
            mode,
            group.clone(),
            aggs.clone(),
            key_types.clone(),
            out_schema.clone(),
            tc.clone(),
            it,
        )
    })
}
