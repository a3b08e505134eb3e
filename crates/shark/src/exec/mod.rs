//! Physical execution: each logical operator becomes an RDD of record
//! batches on the core engine. Scans, filters and projections pipeline
//! inside one task; aggregations, joins, sorts and DISTRIBUTE BY shuffle.

mod accumulator;
mod aggregate;
pub(crate) mod exchange;
mod generate;
mod join;
mod sort;
mod window;

use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::expr::{evaluate, evaluate_predicate, Expr};
use crate::plan::{JoinKind, LogicalPlan};
use arrow::compute::filter_record_batch;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use join::JoinSpec;
use rdd::Rdd;

/// How a query runs: the engine, shuffle width, and join thresholds.
#[derive(Clone)]
pub struct ExecContext {
    /// The engine.
    pub ctx: rdd::Context,
    /// Partitions of every shuffle.
    pub partitions: usize,
    /// Build sides estimated below this many bytes are broadcast.
    pub broadcast_threshold: u64,
    /// Plan without running anything (EXPLAIN): broadcast sides stay empty.
    pub dry_run: bool,
}

/// Turns a plan into the RDD that computes it.
pub fn execute(plan: &LogicalPlan, ex: &ExecContext) -> Result<Rdd<Batch>> {
    match plan {
        LogicalPlan::Scan {
            source,
            projection,
            filters,
            ..
        } => source.scan(&ex.ctx, projection.as_deref(), filters, ex.partitions),
        LogicalPlan::OneRow => {
            let b = RecordBatch::try_new_with_options(
                plan.schema(),
                vec![],
                &RecordBatchOptions::new().with_row_count(Some(1)),
            )?;
            Ok(ex.ctx.parallelize(vec![Batch(b)], Some(1)))
        }
        LogicalPlan::Empty { .. } => Ok(ex.ctx.parallelize(Vec::new(), Some(1))),
        LogicalPlan::Filter { input, predicate } => {
            let rdd = execute(input, ex)?;
            let predicate = predicate.clone();
            Ok(rdd.map_partitions_with_context(false, move |_, tc, it| {
                let (predicate, tc) = (predicate.clone(), tc.clone());
                Box::new(it.filter_map(move |Batch(b)| {
                    let kept = evaluate_predicate(&predicate, &b)
                        .and_then(|mask| Ok(filter_record_batch(&b, &mask)?));
                    match kept {
                        Ok(k) if k.num_rows() > 0 => Some(Batch(k)),
                        Ok(_) => None,
                        Err(e) => {
                            tc.fail(e.into());
                            None
                        }
                    }
                }))
            }))
        }
        LogicalPlan::Project {
            input,
            exprs,
            schema,
        } => {
            let rdd = execute(input, ex)?;
            let (exprs, schema) = (exprs.clone(), schema.clone());
            Ok(rdd.map_partitions_with_context(false, move |_, tc, it| {
                let (exprs, schema, tc) = (exprs.clone(), schema.clone(), tc.clone());
                Box::new(
                    it.filter_map(move |Batch(b)| match project(&b, &exprs, &schema) {
                        Ok(p) => Some(Batch(p)),
                        Err(e) => {
                            tc.fail(e.into());
                            None
                        }
                    }),
                )
            }))
        }
        LogicalPlan::Aggregate {
            input,
            group,
            aggs,
            schema,
        } => {
            let rdd = execute(input, ex)?;
            aggregate::aggregate(
                &rdd,
                group.clone(),
                aggs.clone(),
                schema.clone(),
                ex.partitions,
            )
        }
        LogicalPlan::Join {
            left,
            right,
            kind,
            on,
            filter,
            null_safe,
            null_aware,
            broadcast_hint,
            schema,
        } => {
            let l = execute(left, ex)?;
            let r = execute(right, ex)?;
            let swap = *kind == JoinKind::Right;
            let (probe, build, probe_plan, build_plan) = if swap {
                (r, l, right, left)
            } else {
                (l, r, left, right)
            };
            let (probe_keys, build_keys): (Vec<Expr>, Vec<Expr>) = if swap {
                on.iter().map(|(a, b)| (b.clone(), a.clone())).unzip()
            } else {
                on.iter().cloned().unzip()
            };
            let spec = JoinSpec {
                kind: match kind {
                    JoinKind::Right => JoinKind::Left,
                    JoinKind::Cross => JoinKind::Inner,
                    k => *k,
                },
                probe_keys,
                build_keys,
                filter: filter.clone(),
                null_safe: *null_safe,
                null_aware: *null_aware,
                swapped: swap,
                probe_schema: probe_plan.schema(),
                build_schema: build_plan.schema(),
                out_schema: schema.clone(),
                build_facts: None,
            };
            let keyless = on.is_empty();
            if *kind == JoinKind::Full {
                if keyless {
                    return Err(SharkError::unsupported(
                        "FULL OUTER JOIN without an equality condition",
                    ));
                }
                return join::shuffle_join(&probe, &build, spec, ex.partitions);
            }
            let estimate = estimate_bytes(build_plan);
            let small = estimate.is_some_and(|b| b <= ex.broadcast_threshold);
            let budget = ex
                .ctx
                .conf()
                .get_bytes(rdd::conf::MEMORY_EXECUTION, 512 << 20)?;
            if join::nested_loop_fits(&spec) && estimate.is_some_and(|b| b > budget) {
                Ok(join::nested_loop_join(&probe, &build, spec))
            } else if keyless || *broadcast_hint || small {
                join::broadcast_join(&probe, &build, spec, ex.dry_run)
            } else {
                let mut spec = spec;
                if spec.null_aware && !ex.dry_run {
                    spec.build_facts = Some(join::build_facts(&build, &spec.build_keys)?);
                }
                join::shuffle_join(&probe, &build, spec, ex.partitions)
            }
        }
        LogicalPlan::Sort { input, keys, fetch } => {
            let rdd = execute(input, ex)?;
            Ok(sort::global_sort(&rdd, keys.clone(), *fetch, ex.partitions))
        }
        LogicalPlan::Limit { input, fetch } => {
            let rdd = execute(input, ex)?;
            let n = *fetch;
            let local = limit_each(&rdd, n);
            Ok(limit_each(&exchange::single_partition(&local), n))
        }
        LogicalPlan::Offset { input, skip } => {
            let rdd = exchange::single_partition(&execute(input, ex)?);
            let skip = *skip;
            Ok(rdd.map_partitions(move |it| {
                let mut left = skip;
                Box::new(it.filter_map(move |Batch(b)| {
                    if left >= b.num_rows() {
                        left -= b.num_rows();
                        return None;
                    }
                    let out = b.slice(left, b.num_rows() - left);
                    left = 0;
                    Some(Batch(out))
                }))
            }))
        }
        LogicalPlan::Union { inputs, schema } => {
            let mut out: Option<Rdd<Batch>> = None;
            for i in inputs {
                let schema = schema.clone();
                let rdd = execute(i, ex)?.map(move |Batch(b)| {
                    Batch(
                        RecordBatch::try_new_with_options(
                            schema.clone(),
                            b.columns().to_vec(),
                            &RecordBatchOptions::new().with_row_count(Some(b.num_rows())),
                        )
                        .unwrap_or(b),
                    )
                });
                out = Some(match out {
                    None => rdd,
                    Some(o) => o.union(&rdd),
                });
            }
            Ok(out.unwrap_or_else(|| ex.ctx.parallelize(Vec::new(), Some(1))))
        }
        LogicalPlan::Distribute { input, keys } => {
            let rdd = execute(input, ex)?;
            Ok(exchange::hash_exchange(&rdd, keys.clone(), ex.partitions))
        }
        LogicalPlan::LocalSort { input, keys } => {
            let rdd = execute(input, ex)?;
            Ok(sort::local_sort(&rdd, keys.clone()))
        }
        LogicalPlan::Generate {
            input,
            generator,
            arg,
            outer,
            schema,
        } => {
            let rdd = execute(input, ex)?;
            Ok(generate::generate(
                &rdd,
                generator.clone(),
                arg.clone(),
                *outer,
                schema.clone(),
            ))
        }
        LogicalPlan::Window {
            input,
            spec,
            exprs,
            schema,
        } => {
            let rdd = execute(input, ex)?;
            Ok(window::window(
                &rdd,
                spec.clone(),
                exprs.clone(),
                schema.clone(),
                ex.partitions,
            ))
        }
        LogicalPlan::Replicate { input, times } => {
            let rdd = execute(input, ex)?;
            let times = times.clone();
            Ok(rdd.map_partitions_with_context(false, move |_, tc, it| {
                let (times, tc) = (times.clone(), tc.clone());
                Box::new(it.filter_map(move |Batch(b)| match replicate(&b, &times) {
                    Ok(r) if r.num_rows() > 0 => Some(Batch(r)),
                    Ok(_) => None,
                    Err(e) => {
                        tc.fail(e.into());
                        None
                    }
                }))
            }))
        }
    }
}

fn replicate(b: &RecordBatch, times: &Expr) -> Result<RecordBatch> {
    let t = crate::expr::cast::hive_cast(&evaluate(times, b)?, &arrow::datatypes::DataType::Int64)?;
    let t = arrow::array::AsArray::as_primitive::<arrow::datatypes::Int64Type>(&t);
    let mut idx: Vec<u32> = Vec::new();
    for i in 0..b.num_rows() {
        let n = if arrow::array::Array::is_valid(t, i) {
            t.value(i).max(0)
        } else {
            0
        };
        idx.extend(std::iter::repeat_n(i as u32, n as usize));
    }
    Ok(arrow::compute::take_record_batch(
        b,
        &arrow::array::UInt32Array::from(idx),
    )?)
}

fn project(b: &RecordBatch, exprs: &[Expr], schema: &SchemaRef) -> Result<RecordBatch> {
    let cols = exprs
        .iter()
        .map(|e| evaluate(e, b))
        .collect::<Result<Vec<_>>>()?;
    let cols = cols
        .into_iter()
        .zip(schema.fields())
        .map(|(c, f)| {
            if c.data_type() == f.data_type() {
                Ok(c)
            } else {
                crate::expr::cast::hive_cast(&c, f.data_type())
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(b.num_rows())),
    )?)
}

/// Keeps the first `n` rows of each partition (and stops reading there).
fn limit_each(rdd: &Rdd<Batch>, n: usize) -> Rdd<Batch> {
    rdd.map_partitions(move |it| {
        let mut left = n;
        it.take_while(move |_| left > 0)
            .filter_map(move |Batch(b)| {
                if left == 0 {
                    return None;
                }
                let take = left.min(b.num_rows());
                left -= take;
                Some(Batch(b.slice(0, take)))
            })
            .collect::<Vec<_>>()
    })
}

/// A rough size of a plan's output, for choosing broadcast joins: known
/// for scans (and what only shrinks them), unknown after joins.
pub fn estimate_bytes(plan: &LogicalPlan) -> Option<u64> {
    match plan {
        LogicalPlan::Replicate { input, .. } => estimate_bytes(input).map(|b| b * 2),
        LogicalPlan::Scan {
            source,
            projection,
            schema,
            ..
        } => {
            let total = source.estimated_bytes()?;
            match projection {
                Some(p) => Some(
                    total * p.len().max(1) as u64 / source.schema().fields().len().max(1) as u64,
                ),
                None => {
                    let _ = schema;
                    Some(total)
                }
            }
        }
        LogicalPlan::OneRow | LogicalPlan::Empty { .. } => Some(0),
        LogicalPlan::Filter { input, .. }
        | LogicalPlan::Project { input, .. }
        | LogicalPlan::Sort {
            input, fetch: None, ..
        }
        | LogicalPlan::Distribute { input, .. }
        | LogicalPlan::LocalSort { input, .. }
        | LogicalPlan::Window { input, .. } => estimate_bytes(input),
        LogicalPlan::Generate { input, .. } => estimate_bytes(input).map(|b| b * 4),
        LogicalPlan::Sort { fetch: Some(n), .. } | LogicalPlan::Limit { fetch: n, .. } => {
            Some(*n as u64 * 64)
        }
        LogicalPlan::Offset { input, .. } => estimate_bytes(input),
        LogicalPlan::Aggregate { input, group, .. } => {
            if group.is_empty() {
                Some(64)
            } else {
                estimate_bytes(input)
            }
        }
        LogicalPlan::Union { inputs, .. } => inputs.iter().map(|i| estimate_bytes(i)).sum(),
        LogicalPlan::Join {
            kind: JoinKind::LeftSemi | JoinKind::LeftAnti,
            left,
            ..
        } => estimate_bytes(left),
        LogicalPlan::Join { .. } => None,
    }
}

/// Describes the physical strategy chosen for each operator (EXPLAIN).
pub fn physical_description(plan: &LogicalPlan, ex: &ExecContext) -> String {
    let mut out = String::new();
    describe(plan, ex, 0, &mut out);
    out
}

fn describe(plan: &LogicalPlan, ex: &ExecContext, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let line = match plan {
        LogicalPlan::Scan { table, source, .. } => format!("{} scan {table}", source.kind()),
        LogicalPlan::Filter { .. } => "Filter (pipelined)".into(),
        LogicalPlan::Project { .. } => "Project (pipelined)".into(),
        LogicalPlan::Aggregate { group, aggs, .. } => {
            if aggs.iter().any(|a| a.distinct) {
                format!(
                    "HashAggregate single phase (DISTINCT) after exchange on {} keys",
                    group.len()
                )
            } else if group.is_empty() {
                "HashAggregate partial -> exchange to one partition -> final".into()
            } else {
                format!(
                    "HashAggregate partial -> hash exchange ({} partitions) -> final",
                    ex.partitions
                )
            }
        }
        LogicalPlan::Join {
            kind,
            on,
            broadcast_hint,
            right,
            left,
            ..
        } => {
            let build = if *kind == JoinKind::Right {
                left
            } else {
                right
            };
            let estimate = estimate_bytes(build);
            let small = estimate.is_some_and(|b| b <= ex.broadcast_threshold);
            let budget = ex
                .ctx
                .conf()
                .get_bytes(rdd::conf::MEMORY_EXECUTION, 512 << 20)
                .unwrap_or(512 << 20);
            let nested = on.is_empty()
                && matches!(kind, JoinKind::Inner | JoinKind::Cross)
                && estimate.is_some_and(|b| b > budget);
            let strategy = if *kind == JoinKind::Full {
                "ShuffleHashJoin"
            } else if nested {
                "NestedLoopJoin (cartesian of partitions; the build side is over the memory budget)"
            } else if on.is_empty() || *broadcast_hint || small {
                "BroadcastHashJoin (map join)"
            } else {
                "ShuffleHashJoin"
            };
            format!("{strategy} {kind:?} on {} keys", on.len())
        }
        LogicalPlan::Sort { fetch: Some(n), .. } => {
            format!("TopN {n}: per-partition top n -> one partition")
        }
        LogicalPlan::Sort { .. } => format!(
            "Sort: sample -> range exchange ({} partitions) -> local sort",
            ex.partitions
        ),
        LogicalPlan::Limit { fetch, .. } => {
            format!("Limit {fetch}: local limit -> one partition -> limit")
        }
        LogicalPlan::Offset { skip, .. } => format!("Offset {skip}: one partition, rows skipped"),
        LogicalPlan::Union { .. } => "Union (narrow)".into(),
        LogicalPlan::Distribute { .. } => format!("Hash exchange ({} partitions)", ex.partitions),
        LogicalPlan::LocalSort { .. } => "Sort within partitions".into(),
        LogicalPlan::Replicate { .. } => "Replicate rows (pipelined)".into(),
        LogicalPlan::Generate { .. } => "Lateral view (pipelined)".into(),
        LogicalPlan::Window { spec, .. } if spec.partition_by.is_empty() => {
            "Window: one partition, sorted, functions in one pass".into()
        }
        LogicalPlan::Window { .. } => format!(
            "Window: hash exchange ({} partitions), sort within partitions, functions in one pass",
            ex.partitions
        ),
        LogicalPlan::OneRow => "OneRow".into(),
        LogicalPlan::Empty { .. } => "Empty".into(),
    };
    out.push_str(&format!("{pad}{line}\n"));
    for i in plan.inputs() {
        describe(i, ex, depth + 1, out);
    }
}
