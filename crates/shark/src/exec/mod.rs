//! Execution: each node of a physical plan becomes an RDD of record
//! batches on the core engine, exactly as the plan says. Scans, filters and
//! projections pipeline inside one task; exchanges shuffle. Nothing here
//! chooses a strategy, except adaptive execution (`adaptive.rs`), which
//! revises the plan between stages from measured sizes and records it.

mod adaptive;
mod aggregate;
mod dynamic_filter;
pub(crate) mod exchange;
mod generate;
mod group_keys;
mod join;
mod join_index;
mod metered;
mod script;
pub(crate) mod sort;
mod window;

pub use adaptive::AdaptiveSettings;

use crate::batch::Batch;
use crate::error::Result;
use crate::expr::{evaluate, evaluate_predicate, Expr};
use crate::physical::{AggMode, Operator, Partitioning, PhysicalPlan};
use arrow::compute::filter_record_batch;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use rdd::Rdd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// How a plan runs: the engine, adaptive execution's settings and the
/// counters each node adds to.
#[derive(Clone)]
pub struct ExecContext {
    /// The engine.
    pub ctx: rdd::Context,
    /// Re-planning between stages from measured sizes.
    pub adaptive: AdaptiveSettings,
    /// The query whose profile the nodes' counts go to, over the listener
    /// bus (`None`: not measured).
    pub query: Option<u64>,
    /// Partitions of an exchange added at run time (a broadcast join whose
    /// build side turned out too big runs partitioned).
    pub shuffle_partitions: usize,
    /// `shark.sql.dynamicFilter.enabled`: the join keys one side of a
    /// join turned out to hold filter the other side's scans before it
    /// runs (see `dynamic_filter`).
    pub dynamic_filters: bool,
    /// The next id for a node added while the plan runs.
    pub next_id: Arc<AtomicUsize>,
    /// Set when the plan is one stage's fragment running on an executor:
    /// where the outputs of the exchanges below it are read from.
    pub remote: Option<Arc<dyn RemoteInputs>>,
}

/// The outputs of exchanges whose input side ran elsewhere: a fragment's
/// exchanges have no inputs, and read what other stages' tasks wrote.
pub trait RemoteInputs: Send + Sync {
    /// The output of exchange `exchange` (`partitions` partitions).
    fn read(&self, ctx: &rdd::Context, exchange: usize, partitions: usize) -> Result<Rdd<Batch>>;
}

impl ExecContext {
    /// An id no node of the plan has (for nodes added at run time).
    pub(crate) fn fresh_id(&self) -> usize {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}

/// Builds the RDD that computes `plan`. Joins' broadcast builds are
/// collected and, with adaptive execution, exchanges under joins and
/// aggregations run their map stages here, so that what follows is chosen
/// from measured sizes; every change is written into `plan` (its node's
/// `adapted` note), which then describes what really runs.
pub fn execute(plan: &mut PhysicalPlan, ex: &ExecContext) -> Result<Rdd<Batch>> {
    let rdd = build(plan, ex)?;
    Ok(measured(rdd, plan.id, ex))
}

/// Counts what node `id` produces, batch by batch.
fn measured(rdd: Rdd<Batch>, id: usize, ex: &ExecContext) -> Rdd<Batch> {
    let Some(query) = ex.query else {
        return rdd;
    };
    rdd.map_partitions_with_context(true, move |_, tc, it| {
        Box::new(metered::Metered::new(it, query, id, tc.clone()))
    })
}

fn build(plan: &mut PhysicalPlan, ex: &ExecContext) -> Result<Rdd<Batch>> {
    let schema = plan.schema.clone();
    let op = plan.op.clone();
    match op {
        Operator::Scan(s) => {
            let source = s.source.open(&ex.ctx)?;
            let rdd = source.scan(&ex.ctx, s.projection.as_deref(), &s.filters, s.partitions)?;
            // Sources may skip data with their filters; the dynamic ones
            // (join keys) hold exactly, row by row, over the scan's output
            // (filters name table columns).
            let output_of = |table_col: usize| match &s.projection {
                Some(p) => p.iter().position(|&c| c == table_col),
                None => Some(table_col),
            };
            let read = |f: &Expr| {
                let mut cols = Vec::new();
                f.columns(&mut cols);
                cols.iter().all(|&c| output_of(c).is_some())
            };
            let exact: Vec<Expr> = s
                .filters
                .iter()
                .filter(|f| matches!(f, Expr::InKeys { .. }) && read(f))
                .map(|f| f.clone().remap_columns(&|c| output_of(c).unwrap_or(c)))
                .collect();
            if exact.is_empty() {
                return Ok(rdd);
            }
            Ok(filtered(&rdd, Expr::and_all(exact)))
        }
        Operator::OneRow => {
            let b = RecordBatch::try_new_with_options(
                schema,
                vec![],
                &RecordBatchOptions::new().with_row_count(Some(1)),
            )?;
            Ok(ex.ctx.parallelize(vec![Batch(b)], Some(1)))
        }
        Operator::Empty => Ok(ex.ctx.parallelize(Vec::new(), Some(1))),
        Operator::Filter(f) => {
            let rdd = execute(&mut plan.inputs[0], ex)?;
            Ok(filtered(&rdd, f.predicate))
        }
        Operator::Project(p) => {
            let rdd = execute(&mut plan.inputs[0], ex)?;
            let exprs = p.exprs;
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
        Operator::HashAggregate(a) => {
            let rdd = if a.mode == AggMode::Final {
                adaptive::coalesced_input(&mut plan.inputs[0], ex)?
            } else {
                execute(&mut plan.inputs[0], ex)?
            };
            Ok(aggregate::hash_aggregate(
                &rdd, a.mode, a.group, a.aggs, a.output,
            ))
        }
        Operator::Exchange(e) if plan.inputs.is_empty() => match &ex.remote {
            Some(remote) => remote.read(&ex.ctx, plan.id, e.partitions.max(1)),
            None => Err(crate::error::SharkError::exec(format!(
                "exchange #{} has no input in this process",
                plan.id
            ))),
        },
        Operator::Exchange(e) => {
            let rdd = execute(&mut plan.inputs[0], ex)?;
            Ok(match e.partitioning {
                Partitioning::Hash(keys) => exchange::hash_exchange(&rdd, keys, e.partitions),
                Partitioning::Range(keys) => sort::range_exchange(&rdd, keys, e.partitions),
                Partitioning::Single => exchange::single_partition(&rdd),
                // The join above collects it.
                Partitioning::Broadcast => rdd,
            })
        }
        Operator::HashJoin(j) => adaptive::hash_join(plan, j, ex),
        Operator::NestedLoopJoin(n) => {
            let spec = adaptive::nested_spec(plan, &n);
            let probe = execute(&mut plan.inputs[0], ex)?;
            let build = execute(&mut plan.inputs[1], ex)?;
            Ok(join::nested_loop_join(&probe, &build, spec))
        }
        Operator::Sort(s) => {
            let rdd = execute(&mut plan.inputs[0], ex)?;
            Ok(sort::sort_each(&rdd, s.keys, s.fetch))
        }
        Operator::Limit(l) => {
            let rdd = execute(&mut plan.inputs[0], ex)?;
            Ok(limit_each(&rdd, l.fetch))
        }
        Operator::Offset(o) => {
            let rdd = execute(&mut plan.inputs[0], ex)?;
            let skip = o.skip;
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
        Operator::Union => {
            let mut out: Option<Rdd<Batch>> = None;
            for i in plan.inputs.iter_mut() {
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
        Operator::Generate(g) => {
            let rdd = execute(&mut plan.inputs[0], ex)?;
            Ok(generate::generate(
                &rdd,
                g.generator,
                g.arg,
                g.outer,
                schema,
            ))
        }
        Operator::ScriptTransform(t) => {
            let rdd = execute(&mut plan.inputs[0], ex)?;
            Ok(script::transform(&rdd, t.spec, schema))
        }
        Operator::Window(w) => {
            let rdd = execute(&mut plan.inputs[0], ex)?;
            Ok(window::window(&rdd, w.spec, w.exprs, schema))
        }
        Operator::Replicate(r) => {
            let rdd = execute(&mut plan.inputs[0], ex)?;
            let times = r.times;
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

/// The rows of `rdd` where `predicate` holds.
fn filtered(rdd: &Rdd<Batch>, predicate: Expr) -> Rdd<Batch> {
    rdd.map_partitions_with_context(false, move |_, tc, it| {
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
    })
}

fn replicate(b: &RecordBatch, times: &Expr) -> Result<RecordBatch> {
    let t = crate::cast::hive_cast(&evaluate(times, b)?, &arrow::datatypes::DataType::Int64)?;
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
                crate::cast::hive_cast(&c, f.data_type())
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
