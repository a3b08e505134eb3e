//! ORDER BY: sample the sort keys to choose range bounds (on the driver,
//! just before the shuffle runs), shuffle rows by range, sort each
//! partition; partitions come out in key order. ORDER BY ... LIMIT n keeps
//! only the top n of each partition before gathering them.

use super::exchange::{exchange, fail, single_partition, DirectPartitioner, PartitionFn};
use crate::batch::Batch;
use crate::error::Result;
use crate::expr::evaluate;
use crate::plan::SortKey;
use crate::table::BATCH_ROWS;
use arrow::array::{ArrayRef, UInt32Array};
use arrow::compute::{concat_batches, take_record_batch, SortOptions};
use arrow::record_batch::RecordBatch;
use arrow_row::{RowConverter, Rows, SortField};
use rdd::{Rdd, TaskContext};
use std::sync::{Arc, OnceLock};

/// Row-format sort keys: comparing the bytes compares by the keys.
pub(crate) fn sort_rows(keys: &[SortKey], batch: &RecordBatch) -> Result<Rows> {
    let cols: Vec<ArrayRef> = keys
        .iter()
        .map(|k| evaluate(&k.expr, batch))
        .collect::<Result<_>>()?;
    let fields: Vec<SortField> = keys
        .iter()
        .zip(&cols)
        .map(|(k, c)| {
            SortField::new_with_options(
                c.data_type().clone(),
                SortOptions {
                    descending: !k.asc,
                    nulls_first: k.nulls_first,
                },
            )
        })
        .collect();
    Ok(RowConverter::new(fields)?.convert_columns(&cols)?)
}

/// Sorts all batches of a partition into one ordered stream of batches,
/// keeping the first `fetch` rows when given.
pub(crate) fn sort_partition(
    batches: Vec<RecordBatch>,
    keys: &[SortKey],
    fetch: Option<usize>,
) -> Result<Vec<RecordBatch>> {
    let batches: Vec<RecordBatch> = batches.into_iter().filter(|b| b.num_rows() > 0).collect();
    if batches.is_empty() {
        return Ok(vec![]);
    }
    let schema = batches[0].schema();
    let batches: Vec<RecordBatch> = batches
        .into_iter()
        .map(|b| RecordBatch::try_new(schema.clone(), b.columns().to_vec()))
        .collect::<std::result::Result<_, _>>()?;
    let all = concat_batches(&schema, &batches)?;
    let rows = sort_rows(keys, &all)?;
    let mut order: Vec<u32> = (0..all.num_rows() as u32).collect();
    order.sort_by(|&a, &b| rows.row(a as usize).cmp(&rows.row(b as usize)));
    if let Some(n) = fetch {
        order.truncate(n);
    }
    let sorted = take_record_batch(&all, &UInt32Array::from(order))?;
    let mut out = Vec::new();
    let mut offset = 0;
    while offset < sorted.num_rows() {
        let len = BATCH_ROWS.min(sorted.num_rows() - offset);
        out.push(sorted.slice(offset, len));
        offset += len;
    }
    Ok(out)
}

fn sorted_partitions(input: &Rdd<Batch>, keys: Vec<SortKey>, fetch: Option<usize>) -> Rdd<Batch> {
    input.map_partitions_with_context(false, move |_, tc, it| {
        let budget = tc.execution_budget();
        let mut held = 0usize;
        let mut batches: Vec<RecordBatch> = Vec::new();
        let mut runs: Vec<SortedRun> = Vec::new();
        for Batch(b) in it {
            held += b.get_array_memory_size();
            batches.push(b);
            if let Some(n) = fetch {
                // Top-n: keep only the best n rows seen so far.
                if held > budget / 2 && batches.len() > 1 {
                    match sort_partition(std::mem::take(&mut batches), &keys, Some(n)) {
                        Ok(top) => {
                            held = top.iter().map(|b| b.get_array_memory_size()).sum();
                            batches = top;
                        }
                        Err(e) => return fail(tc, e),
                    }
                }
            } else if held > budget {
                // Past the budget: sort what is held and spill it as a run.
                match sort_partition(std::mem::take(&mut batches), &keys, None)
                    .and_then(|sorted| write_run(tc, &sorted))
                {
                    Ok(run) => {
                        rdd::listener::TaskMetrics::add(
                            &tc.metrics.memory_bytes_spilled,
                            held as u64,
                        );
                        runs.push(run);
                        held = 0;
                    }
                    Err(e) => return fail(tc, e),
                }
            }
        }
        if !runs.is_empty() && !tc.has_failed() {
            return match merge_runs(tc, runs, batches, &keys) {
                Ok(it) => it,
                Err(e) => fail(tc, e),
            };
        }
        if tc.has_failed() {
            return Box::new(std::iter::empty());
        }
        match sort_partition(batches, &keys, fetch) {
            Ok(bs) => Box::new(bs.into_iter().map(Batch)),
            Err(e) => fail(tc, e),
        }
    })
}

/// A sorted run spilled to a scratch file (removed on drop).
struct SortedRun {
    path: std::path::PathBuf,
}

impl Drop for SortedRun {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn write_run(tc: &Arc<TaskContext>, sorted: &[RecordBatch]) -> Result<SortedRun> {
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = tc
        .context()
        .scratch_dir()
        .join(format!("sort-run-{}-{n}", tc.partition_id()));
    let run = SortedRun { path };
    let Some(first) = sorted.first() else {
        return Ok(run);
    };
    let f = std::fs::File::create(&run.path)
        .map_err(|e| crate::error::SharkError::exec(format!("{}: {e}", run.path.display())))?;
    let mut w =
        arrow::ipc::writer::StreamWriter::try_new(std::io::BufWriter::new(f), &first.schema())?;
    let mut bytes = 0u64;
    for b in sorted {
        bytes += b.get_array_memory_size() as u64;
        w.write(b)?;
    }
    w.finish()?;
    rdd::listener::TaskMetrics::add(&tc.metrics.disk_bytes_spilled, bytes);
    Ok(run)
}

/// One input of the merge: a sorted stream of batches with the current
/// batch's keys and position.
struct Cursor {
    batches: Box<dyn Iterator<Item = Result<RecordBatch>> + Send>,
    batch: Option<(usize, RecordBatch, Rows)>,
    row: usize,
}

/// Merges spilled runs and the sorted in-memory rest, streaming batches of
/// `BATCH_ROWS` rows built with `interleave`.
fn merge_runs(
    tc: &Arc<TaskContext>,
    runs: Vec<SortedRun>,
    rest: Vec<RecordBatch>,
    keys: &[SortKey],
) -> Result<rdd::BoxIter<Batch>> {
    let rest = sort_partition(rest, keys, None)?;
    let mut cursors: Vec<Cursor> = Vec::new();
    for run in &runs {
        if !run.path.exists() {
            continue;
        }
        let f = std::fs::File::open(&run.path)
            .map_err(|e| crate::error::SharkError::exec(format!("{}: {e}", run.path.display())))?;
        let reader = arrow::ipc::reader::StreamReader::try_new(std::io::BufReader::new(f), None)?;
        cursors.push(Cursor {
            batches: Box::new(reader.map(|b| b.map_err(crate::error::SharkError::from))),
            batch: None,
            row: 0,
        });
    }
    cursors.push(Cursor {
        batches: Box::new(rest.into_iter().map(Ok)),
        batch: None,
        row: 0,
    });
    let keys = keys.to_vec();
    let tc = tc.clone();
    let mut sources: Vec<RecordBatch> = Vec::new();
    let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<(Vec<u8>, usize)>> =
        Default::default();
    // Load each cursor's first batch.
    let advance = |c: &mut Cursor,
                   sources: &mut Vec<RecordBatch>,
                   keys: &[SortKey]|
     -> Result<Option<Vec<u8>>> {
        loop {
            if let Some((_, _, rows)) = &c.batch {
                if c.row < rows.num_rows() {
                    return Ok(Some(rows.row(c.row).as_ref().to_vec()));
                }
            }
            match c.batches.next() {
                None => {
                    c.batch = None;
                    return Ok(None);
                }
                Some(b) => {
                    let b = b?;
                    let rows = sort_rows(keys, &b)?;
                    sources.push(b.clone());
                    c.batch = Some((sources.len() - 1, b, rows));
                    c.row = 0;
                }
            }
        }
    };
    for (i, c) in cursors.iter_mut().enumerate() {
        if let Some(k) = advance(c, &mut sources, &keys)? {
            heap.push(std::cmp::Reverse((k, i)));
        }
    }
    let _keep_runs = runs;
    let mut done = false;
    Ok(Box::new(std::iter::from_fn(move || {
        let _ = &_keep_runs;
        if done {
            return None;
        }
        let mut picks: Vec<(usize, usize)> = Vec::with_capacity(BATCH_ROWS);
        while picks.len() < BATCH_ROWS {
            let Some(std::cmp::Reverse((_, i))) = heap.pop() else {
                done = true;
                break;
            };
            let c = &mut cursors[i];
            let (src, _, _) = c.batch.as_ref().expect("cursor with a batch");
            picks.push((*src, c.row));
            c.row += 1;
            match advance(c, &mut sources, &keys) {
                Ok(Some(k)) => heap.push(std::cmp::Reverse((k, i))),
                Ok(None) => {}
                Err(e) => {
                    tc.fail(e.into());
                    done = true;
                    return None;
                }
            }
        }
        if picks.is_empty() {
            return None;
        }
        let schema = sources[0].schema();
        let columns: std::result::Result<Vec<ArrayRef>, _> = (0..schema.fields().len())
            .map(|c| {
                let arrays: Vec<&dyn arrow::array::Array> =
                    sources.iter().map(|b| b.column(c).as_ref()).collect();
                arrow::compute::interleave(&arrays, &picks)
            })
            .collect();
        // Keep only the batches cursors still read from.
        let mut live = Vec::new();
        for c in cursors.iter_mut() {
            if let Some((idx, b, _)) = &mut c.batch {
                live.push(b.clone());
                *idx = live.len() - 1;
            }
        }
        sources = live;
        match columns
            .map_err(crate::error::SharkError::from)
            .and_then(|cols| Ok(RecordBatch::try_new(schema, cols)?))
        {
            Ok(b) => Some(Batch(b)),
            Err(e) => {
                tc.fail(e.into());
                done = true;
                None
            }
        }
    })))
}

/// Each partition sorted; with `fetch`, only its first `fetch` rows kept.
pub(crate) fn sort_each(
    input: &Rdd<Batch>,
    keys: Vec<SortKey>,
    fetch: Option<usize>,
) -> Rdd<Batch> {
    sorted_partitions(input, keys, fetch)
}

/// Moves rows into `partitions` sorted ranges of `keys` (bounds sampled
/// from the input when the exchange runs), so sorting each partition sorts
/// the whole.
pub(crate) fn range_exchange(
    input: &Rdd<Batch>,
    keys: Vec<SortKey>,
    partitions: usize,
) -> Rdd<Batch> {
    if input.num_partitions() <= 1 || partitions <= 1 {
        return single_partition(input);
    }
    // Range bounds from a sample of the keys, taken when the shuffle runs.
    let bounds: Arc<OnceLock<Vec<Vec<u8>>>> = Arc::new(OnceLock::new());
    let (sample_input, sample_keys, sample_bounds) = (input.clone(), keys.clone(), bounds.clone());
    let prepare = Box::new(move || -> rdd::Result<()> {
        if sample_bounds.get().is_some() {
            return Ok(());
        }
        let per_partition = (20 * partitions * 3).div_ceil(sample_input.num_partitions().max(1));
        let keys = sample_keys.clone();
        let samples = sample_input.context().run_job(
            &sample_input,
            None,
            move |tc: &Arc<TaskContext>, it| {
                tc.mark_auxiliary();
                let mut rng = rdd::sample::SplitMix64::new(0x5eed ^ tc.partition_id() as u64);
                let mut reservoir: Vec<Vec<u8>> = Vec::new();
                let mut seen = 0u64;
                for Batch(b) in it {
                    let rows = sort_rows(&keys, &b).map_err(rdd::RddError::from)?;
                    for i in 0..rows.num_rows() {
                        seen += 1;
                        if reservoir.len() < per_partition {
                            reservoir.push(rows.row(i).as_ref().to_vec());
                        } else {
                            let j = rng.next_below(seen) as usize;
                            if j < per_partition {
                                reservoir[j] = rows.row(i).as_ref().to_vec();
                            }
                        }
                    }
                }
                Ok((seen, reservoir))
            },
        )?;
        let mut weighted: Vec<(Vec<u8>, f64)> = Vec::new();
        for (count, sample) in samples {
            if sample.is_empty() {
                continue;
            }
            let w = count as f64 / sample.len() as f64;
            weighted.extend(sample.into_iter().map(|s| (s, w)));
        }
        weighted.sort_by(|a, b| a.0.cmp(&b.0));
        let total: f64 = weighted.iter().map(|w| w.1).sum();
        let step = total / partitions as f64;
        let mut chosen: Vec<Vec<u8>> = Vec::new();
        let (mut acc, mut target) = (0.0, step);
        for (key, w) in weighted {
            acc += w;
            if acc >= target && chosen.len() + 1 < partitions {
                if chosen.last().is_none_or(|l| *l < key) {
                    chosen.push(key);
                }
                target += step;
            }
        }
        let _ = sample_bounds.set(chosen);
        Ok(())
    });
    let (route_keys, route_bounds) = (keys.clone(), bounds.clone());
    let route: PartitionFn = Arc::new(move |batch: &RecordBatch| {
        let rows = sort_rows(&route_keys, batch)?;
        let bounds = route_bounds.get().map(|b| b.as_slice()).unwrap_or(&[]);
        Ok((0..rows.num_rows())
            .map(|i| bounds.partition_point(|b| b.as_slice() < rows.row(i).as_ref()) as u32)
            .collect())
    });
    exchange(
        input,
        partitions,
        route,
        DirectPartitioner::with_prepare(partitions, prepare),
    )
}
