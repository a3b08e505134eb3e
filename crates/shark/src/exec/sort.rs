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
use arrow::array::ArrayRef;
use arrow::compute::SortOptions;
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
    Ok(RowConverter::new(sort_fields(keys, &cols))?.convert_columns(&cols)?)
}

/// The row format's fields for sort keys evaluated to `cols`.
fn sort_fields(keys: &[SortKey], cols: &[ArrayRef]) -> Vec<SortField> {
    keys.iter()
        .zip(cols)
        .map(|(k, c)| {
            SortField::new_with_options(
                c.data_type().clone(),
                SortOptions {
                    descending: !k.asc,
                    nulls_first: k.nulls_first,
                },
            )
        })
        .collect()
}

/// The sort keys of every batch in row format, from one converter (so
/// rows of different batches compare).
fn key_rows(keys: &[SortKey], batches: &[RecordBatch]) -> Result<Vec<Rows>> {
    let mut converter: Option<RowConverter> = None;
    let mut out = Vec::with_capacity(batches.len());
    for b in batches {
        let cols: Vec<ArrayRef> = keys
            .iter()
            .map(|k| evaluate(&k.expr, b))
            .collect::<Result<_>>()?;
        if converter.is_none() {
            converter = Some(RowConverter::new(sort_fields(keys, &cols))?);
        }
        out.push(
            converter
                .as_ref()
                .expect("set above")
                .convert_columns(&cols)?,
        );
    }
    Ok(out)
}

/// Sorts a partition's batches, keeping the first `fetch` rows when
/// given: the output comes in batches of `BATCH_ROWS` rows gathered from
/// the inputs as they are read, so a sort holds its input and its keys,
/// never a second copy of the rows (no concatenation, no full `take`).
pub(crate) fn sorted_chunks(
    batches: Vec<RecordBatch>,
    keys: &[SortKey],
    fetch: Option<usize>,
) -> Result<Box<dyn Iterator<Item = Result<RecordBatch>> + Send>> {
    let batches: Vec<RecordBatch> = batches.into_iter().filter(|b| b.num_rows() > 0).collect();
    let Some(first) = batches.first() else {
        return Ok(Box::new(std::iter::empty()));
    };
    let schema = first.schema();
    let batches: Vec<RecordBatch> = batches
        .into_iter()
        .map(|b| RecordBatch::try_new(schema.clone(), b.columns().to_vec()))
        .collect::<std::result::Result<_, _>>()?;
    let rows = key_rows(keys, &batches)?;
    let mut order: Vec<(u32, u32)> = rows
        .iter()
        .enumerate()
        .flat_map(|(b, r)| (0..r.num_rows() as u32).map(move |i| (b as u32, i)))
        .collect();
    let cmp = |a: &(u32, u32), b: &(u32, u32)| {
        rows[a.0 as usize]
            .row(a.1 as usize)
            .cmp(&rows[b.0 as usize].row(b.1 as usize))
    };
    match fetch {
        Some(n) if n < order.len() => {
            // Top-n: partition around the n-th, then sort only the first n.
            if n == 0 {
                order.clear();
            } else {
                order.select_nth_unstable_by(n - 1, cmp);
                order.truncate(n);
            }
            order.sort_by(cmp);
        }
        _ => order.sort_by(cmp),
    }
    drop(rows);
    let mut at = 0;
    Ok(Box::new(std::iter::from_fn(move || {
        if at >= order.len() {
            return None;
        }
        let end = (at + BATCH_ROWS).min(order.len());
        let picks: Vec<(usize, usize)> = order[at..end]
            .iter()
            .map(|&(b, r)| (b as usize, r as usize))
            .collect();
        at = end;
        let sources: Vec<&RecordBatch> = batches.iter().collect();
        Some(
            arrow::compute::interleave_record_batch(&sources, &picks)
                .map_err(crate::error::SharkError::from),
        )
    })))
}

/// Sorts all batches of a partition into ordered batches, keeping the
/// first `fetch` rows when given.
pub(crate) fn sort_partition(
    batches: Vec<RecordBatch>,
    keys: &[SortKey],
    fetch: Option<usize>,
) -> Result<Vec<RecordBatch>> {
    sorted_chunks(batches, keys, fetch)?.collect()
}

fn bytes_of(batches: &[RecordBatch]) -> usize {
    batches.iter().map(|b| b.get_array_memory_size()).sum()
}

fn sorted_partitions(input: &Rdd<Batch>, keys: Vec<SortKey>, fetch: Option<usize>) -> Rdd<Batch> {
    input.map_partitions_with_context(false, move |_, tc, it| {
        // A sort holds its input and then its keys in row format (about
        // as large again): input past half its share of the task's budget
        // is sorted and spilled.
        let mut memory = tc.memory_holder();
        let mut held = 0usize;
        // What the kept top n took after the last time it was cut back.
        let mut kept = 0usize;
        let mut batches: Vec<RecordBatch> = Vec::new();
        let mut runs: Vec<SortedRun> = Vec::new();
        for Batch(b) in it {
            held += b.get_array_memory_size();
            batches.push(b);
            memory.set(held);
            let limit = memory.budget() / 2;
            if held <= limit.max(2 * kept) || (fetch.is_some() && batches.len() < 2) {
                continue;
            }
            if let (Some(n), true) = (fetch, 2 * kept <= limit) {
                // Top-n: keep only the best n rows seen so far. Cut back
                // only once the input doubled since the last cut, so the
                // work stays linear however large n is.
                match sort_partition(std::mem::take(&mut batches), &keys, Some(n)) {
                    Ok(top) => {
                        held = bytes_of(&top);
                        kept = held;
                        batches = top;
                    }
                    Err(e) => return fail(tc, e),
                }
                if held <= limit {
                    continue;
                }
            }
            // Past the budget (a top n too large for it included): sort
            // what is held and spill it as a run (its first n rows: no
            // later row of a run can be in the top n).
            match sorted_chunks(std::mem::take(&mut batches), &keys, fetch)
                .and_then(|sorted| write_run(tc, sorted))
            {
                Ok(run) => {
                    rdd::listener::TaskMetrics::add(&tc.metrics.memory_bytes_spilled, held as u64);
                    runs.push(run);
                    held = 0;
                    kept = 0;
                    memory.set(0);
                }
                Err(e) => return fail(tc, e),
            }
        }
        if tc.has_failed() {
            return Box::new(std::iter::empty());
        }
        let sorted = if runs.is_empty() {
            sorted_chunks(batches, &keys, fetch).map(|it| {
                let tc = tc.clone();
                Box::new(it.map_while(move |b| match b {
                    Ok(b) => Some(Batch(b)),
                    Err(e) => {
                        tc.fail(e.into());
                        None
                    }
                })) as rdd::BoxIter<Batch>
            })
        } else {
            narrow_runs(tc, runs, &keys, fetch)
                .and_then(|runs| merge_runs(tc, runs, batches, &keys))
        };
        let it = match (sorted, fetch) {
            (Ok(it), None) => it,
            (Ok(it), Some(n)) => first_rows(it, n),
            (Err(e), _) => return fail(tc, e),
        };
        // The held rows stay until the output has been read.
        Box::new(it.inspect(move |_| {
            let _ = &memory;
        }))
    })
}

/// Runs merged at once at most: the merge holds a batch of each.
const MAX_FAN_IN: usize = 16;

/// Merges runs in groups of [`MAX_FAN_IN`] into longer runs until few
/// enough are left for one final merge (its memory is a batch per run).
fn narrow_runs(
    tc: &Arc<TaskContext>,
    mut runs: Vec<SortedRun>,
    keys: &[SortKey],
    fetch: Option<usize>,
) -> Result<Vec<SortedRun>> {
    while runs.len() > MAX_FAN_IN {
        let group: Vec<SortedRun> = runs.drain(..MAX_FAN_IN).collect();
        let merged = merge_runs(tc, group, vec![], keys)?;
        let merged = match fetch {
            Some(n) => first_rows(merged, n),
            None => merged,
        };
        runs.push(write_run(tc, merged.map(|Batch(b)| Ok(b)))?);
        if tc.has_failed() {
            // The task fails with the error the merge recorded first.
            return Err(crate::error::SharkError::exec("merging sorted runs failed"));
        }
    }
    Ok(runs)
}

/// The first `n` rows of a stream of batches.
fn first_rows(it: rdd::BoxIter<Batch>, n: usize) -> rdd::BoxIter<Batch> {
    let mut left = n;
    Box::new(it.map_while(move |Batch(b)| {
        if left == 0 {
            return None;
        }
        let take = left.min(b.num_rows());
        left -= take;
        Some(Batch(b.slice(0, take)))
    }))
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

fn write_run(
    tc: &Arc<TaskContext>,
    sorted: impl Iterator<Item = Result<RecordBatch>>,
) -> Result<SortedRun> {
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = tc
        .context()
        .scratch_dir()
        .join(format!("sort-run-{}-{n}", tc.partition_id()));
    let run = SortedRun { path };
    let mut sorted = sorted.peekable();
    let schema = match sorted.peek() {
        None => return Ok(run),
        Some(Ok(first)) => first.schema(),
        Some(Err(_)) => return Err(sorted.next().expect("peeked").expect_err("an error")),
    };
    let f = std::fs::File::create(&run.path)
        .map_err(|e| crate::error::SharkError::exec(format!("{}: {e}", run.path.display())))?;
    let mut w = arrow::ipc::writer::StreamWriter::try_new(std::io::BufWriter::new(f), &schema)?;
    let mut bytes = 0u64;
    for b in sorted {
        let b = b?;
        bytes += b.get_array_memory_size() as u64;
        w.write(&b)?;
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
    // The in-memory rest is read in order as the merge goes, not copied
    // sorted first.
    let rest = sorted_chunks(rest, keys, None)?;
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
        batches: rest,
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
