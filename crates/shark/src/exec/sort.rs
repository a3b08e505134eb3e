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
                return fail(
                    tc,
                    crate::error::SharkError::exec(format!(
                        "sorting a partition needs more than the {} MB memory budget; raise shark.memory.execution or shark.shuffle.partitions",
                        budget >> 20
                    )),
                );
            }
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

/// Hive's SORT BY: each partition sorted on its own.
pub(crate) fn local_sort(input: &Rdd<Batch>, keys: Vec<SortKey>) -> Rdd<Batch> {
    sorted_partitions(input, keys, None)
}

/// ORDER BY [LIMIT n] over the whole input.
pub(crate) fn global_sort(
    input: &Rdd<Batch>,
    keys: Vec<SortKey>,
    fetch: Option<usize>,
    partitions: usize,
) -> Rdd<Batch> {
    if let Some(n) = fetch {
        let top = sorted_partitions(input, keys.clone(), Some(n));
        return sorted_partitions(&single_partition(&top), keys, Some(n));
    }
    if input.num_partitions() <= 1 || partitions <= 1 {
        return sorted_partitions(&single_partition(input), keys, None);
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
    let shuffled = exchange(
        input,
        partitions,
        route,
        DirectPartitioner::with_prepare(partitions, prepare),
    );
    sorted_partitions(&shuffled, keys, None)
}
