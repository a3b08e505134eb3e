//! The physical planner: the one place where strategies are chosen. Each
//! logical operator becomes one or more physical nodes; wherever rows must
//! move between partitions an explicit `Exchange` is placed, so the stage
//! boundaries are visible in the plan. Decisions, from `stats::estimate`:
//!
//! - joins: the build side is the right input, or the smaller one of an
//!   inner join when only it has a size; it is broadcast when its estimate
//!   is within the broadcast threshold (or the query hints MAPJOIN, or the
//!   join has no keys), else both sides are hash-exchanged on the keys; a
//!   keyless join whose build side exceeds the memory budget runs as nested
//!   loops over pairs of partitions. FULL joins are always partitioned.
//! - aggregation: partial per partition, hash exchange on the keys (single
//!   partition without keys), final; DISTINCT aggregates skip the partial
//!   phase.
//! - ORDER BY: range exchange then a sort per partition; ORDER BY ... LIMIT
//!   a top-n per partition, a single-partition exchange and a final top-n.

use super::stats::{estimate, Estimate};
use super::*;
use crate::plan::LogicalPlan;

/// What the planner needs to know besides the query.
#[derive(Clone, Debug)]
pub struct PlannerSettings {
    /// Partitions of every hash and range exchange.
    pub partitions: usize,
    /// Build sides estimated at most this many bytes are broadcast
    /// (`hive.mapjoin.smalltable.filesize`; 0 turns broadcasting off).
    pub broadcast_threshold: u64,
    /// A task's memory for execution: keyless joins over it use nested loops.
    pub execution_budget: u64,
}

/// The physical plan of an optimized logical plan, node ids numbered.
pub fn plan(logical: &LogicalPlan, settings: &PlannerSettings) -> Result<PhysicalPlan> {
    let mut p = Planner { s: settings }.plan(logical)?;
    renumber(&mut p);
    Ok(p)
}

/// Numbers nodes in pre-order from 0.
pub fn renumber(plan: &mut PhysicalPlan) {
    fn go(p: &mut PhysicalPlan, next: &mut usize) {
        p.id = *next;
        *next += 1;
        for i in &mut p.inputs {
            go(i, next);
        }
    }
    go(plan, &mut 0);
}

fn node(op: Operator, inputs: Vec<PhysicalPlan>, schema: SchemaRef, est: Estimate) -> PhysicalPlan {
    PhysicalPlan {
        id: 0,
        op,
        inputs,
        schema,
        estimate: est,
        adapted: None,
    }
}

/// True when `p` passes its input's columns through unchanged (by
/// position and type; names may differ).
fn is_identity_project(p: &PhysicalPlan) -> bool {
    let Operator::Project(pr) = &p.op else {
        return false;
    };
    let Some(input) = p.inputs.first() else {
        return false;
    };
    let fields = input.schema.fields();
    pr.exprs.len() == fields.len()
        && pr.exprs.iter().enumerate().all(|(i, e)| {
            matches!(e, crate::expr::Expr::Column { index, data_type, .. }
                if *index == i && data_type == fields[i].data_type())
        })
}

/// Adds a union's input to `out`, splicing in the inputs of a union it
/// merely renames: `a UNION ALL b UNION ALL c …` is analyzed as nested
/// pairs, run as one n-way union (nested ones cost time quadratic, or
/// worse, in the number of branches).
fn splice_union(input: PhysicalPlan, out: &mut Vec<PhysicalPlan>) {
    let mut depth = 0;
    let mut p = &input;
    while is_identity_project(p) {
        p = &p.inputs[0];
        depth += 1;
    }
    if !matches!(p.op, Operator::Union) {
        out.push(input);
        return;
    }
    let mut node = input;
    for _ in 0..depth {
        node = node.inputs.swap_remove(0);
    }
    out.extend(node.inputs);
}

/// An exchange over `input`.
pub fn exchange(
    input: PhysicalPlan,
    partitioning: Partitioning,
    partitions: usize,
) -> PhysicalPlan {
    let partitions = match partitioning {
        Partitioning::Single | Partitioning::Broadcast => 1,
        _ => partitions.max(1),
    };
    let (schema, est) = (input.schema.clone(), input.estimate);
    node(
        Operator::Exchange(Exchange {
            partitioning,
            partitions,
        }),
        vec![input],
        schema,
        est,
    )
}

struct Planner<'a> {
    s: &'a PlannerSettings,
}

impl Planner<'_> {
    fn plan(&self, lp: &LogicalPlan) -> Result<PhysicalPlan> {
        let est = estimate(lp);
        let schema = lp.schema();
        let unary = |op: Operator, input: &LogicalPlan| -> Result<PhysicalPlan> {
            Ok(node(op, vec![self.plan(input)?], schema.clone(), est))
        };
        Ok(match lp {
            LogicalPlan::Scan(crate::plan::Scan {
                table,
                source,
                projection,
                filters,
                ..
            }) => node(
                Operator::Scan(Scan {
                    table: table.clone(),
                    source: ScanSource::of(source),
                    projection: projection.clone(),
                    filters: filters.clone(),
                    partitions: self.s.partitions,
                }),
                vec![],
                schema,
                est,
            ),
            LogicalPlan::OneRow => node(Operator::OneRow, vec![], schema, est),
            LogicalPlan::Empty(crate::plan::Empty { .. }) => {
                node(Operator::Empty, vec![], schema, est)
            }
            LogicalPlan::Filter(crate::plan::Filter { input, predicate }) => unary(
                Operator::Filter(Filter {
                    predicate: predicate.clone(),
                }),
                input,
            )?,
            LogicalPlan::Project(crate::plan::Project { input, exprs, .. }) => unary(
                Operator::Project(Project {
                    exprs: exprs.clone(),
                }),
                input,
            )?,
            LogicalPlan::Aggregate(crate::plan::Aggregate {
                input, group, aggs, ..
            }) => self.aggregate(input, group, aggs, schema, est)?,
            LogicalPlan::Join(j) => self.join(j, schema, est)?,
            LogicalPlan::Sort(crate::plan::Sort { input, keys, fetch }) => {
                let input = self.plan(input)?;
                let sort = |fetch| {
                    Operator::Sort(Sort {
                        keys: keys.clone(),
                        fetch,
                    })
                };
                match fetch {
                    Some(n) => {
                        let local = node(sort(Some(*n)), vec![input], schema.clone(), est);
                        let one = exchange(local, Partitioning::Single, 1);
                        node(sort(Some(*n)), vec![one], schema, est)
                    }
                    None => {
                        let moved = if self.s.partitions <= 1 {
                            exchange(input, Partitioning::Single, 1)
                        } else {
                            exchange(input, Partitioning::Range(keys.clone()), self.s.partitions)
                        };
                        node(sort(None), vec![moved], schema, est)
                    }
                }
            }
            LogicalPlan::Limit(crate::plan::Limit { input, fetch }) => {
                let limit = || Operator::Limit(Limit { fetch: *fetch });
                let local = node(limit(), vec![self.plan(input)?], schema.clone(), est);
                let one = exchange(local, Partitioning::Single, 1);
                node(limit(), vec![one], schema, est)
            }
            LogicalPlan::Offset(crate::plan::Offset { input, skip }) => {
                let one = exchange(self.plan(input)?, Partitioning::Single, 1);
                node(
                    Operator::Offset(Offset { skip: *skip }),
                    vec![one],
                    schema,
                    est,
                )
            }
            LogicalPlan::Union(crate::plan::Union { inputs, .. }) => {
                let mut flat = Vec::with_capacity(inputs.len());
                for i in inputs {
                    splice_union(self.plan(i)?, &mut flat);
                }
                node(Operator::Union, flat, schema, est)
            }
            LogicalPlan::Distribute(crate::plan::Distribute { input, keys }) => exchange(
                self.plan(input)?,
                Partitioning::Hash(keys.clone()),
                self.s.partitions,
            ),
            LogicalPlan::LocalSort(crate::plan::LocalSort { input, keys }) => unary(
                Operator::Sort(Sort {
                    keys: keys.clone(),
                    fetch: None,
                }),
                input,
            )?,
            LogicalPlan::Replicate(crate::plan::Replicate { input, times }) => unary(
                Operator::Replicate(Replicate {
                    times: times.clone(),
                }),
                input,
            )?,
            LogicalPlan::ScriptTransform(t) => unary(
                Operator::ScriptTransform(ScriptTransform {
                    spec: t.spec.clone(),
                }),
                &t.input,
            )?,
            LogicalPlan::Generate(crate::plan::Generate {
                input,
                generator,
                arg,
                outer,
                ..
            }) => unary(
                Operator::Generate(Generate {
                    generator: generator.clone(),
                    arg: arg.clone(),
                    outer: *outer,
                }),
                input,
            )?,
            LogicalPlan::Window(crate::plan::Window {
                input, spec, exprs, ..
            }) => {
                let input = self.plan(input)?;
                let moved = if spec.partition_by.is_empty() {
                    exchange(input, Partitioning::Single, 1)
                } else {
                    exchange(
                        input,
                        Partitioning::Hash(spec.partition_by.clone()),
                        self.s.partitions,
                    )
                };
                let keys: Vec<SortKey> = spec
                    .partition_by
                    .iter()
                    .map(|e| SortKey {
                        expr: e.clone(),
                        asc: true,
                        nulls_first: true,
                    })
                    .chain(spec.order_by.iter().cloned())
                    .collect();
                let sorted = if keys.is_empty() {
                    moved
                } else {
                    let s = moved.schema.clone();
                    node(
                        Operator::Sort(Sort { keys, fetch: None }),
                        vec![moved],
                        s,
                        est,
                    )
                };
                node(
                    Operator::Window(Window {
                        spec: spec.clone(),
                        exprs: exprs.clone(),
                    }),
                    vec![sorted],
                    schema,
                    est,
                )
            }
        })
    }

    fn aggregate(
        &self,
        input: &LogicalPlan,
        group: &[Expr],
        aggs: &[AggExpr],
        schema: SchemaRef,
        est: Estimate,
    ) -> Result<PhysicalPlan> {
        let input = self.plan(input)?;
        let agg = |mode| {
            Operator::HashAggregate(HashAggregate {
                mode,
                group: group.to_vec(),
                aggs: aggs.to_vec(),
                output: schema.clone(),
            })
        };
        let by_keys = |keys: Vec<Expr>| {
            if keys.is_empty() {
                (Partitioning::Single, 1)
            } else {
                (Partitioning::Hash(keys), self.s.partitions)
            }
        };
        if aggs.iter().any(|a| a.distinct) {
            if let Some(two) = self.distinct_in_two_steps(&input, group, aggs, &schema, est) {
                return Ok(two);
            }
            let (p, n) = by_keys(group.to_vec());
            let moved = exchange(input, p, n);
            return Ok(node(agg(AggMode::Single), vec![moved], schema, est));
        }
        // The partial states' first columns are the group keys.
        let keys: Vec<Expr> = group
            .iter()
            .enumerate()
            .map(|(i, g)| Expr::column(i, format!("_g{i}"), g.data_type()))
            .collect();
        let partial = node(agg(AggMode::Partial), vec![input], schema.clone(), est);
        let (p, n) = by_keys(keys);
        let moved = exchange(partial, p, n);
        Ok(node(agg(AggMode::Final), vec![moved], schema, est))
    }

    /// `agg(DISTINCT x)` as two hash aggregations: one that groups by the
    /// keys and `x` (deduplicating, in bounded memory: it spills like any
    /// grouping), then the aggregate over those rows without DISTINCT.
    /// Only when every aggregate is DISTINCT over the same arguments (one
    /// set of values to deduplicate); other mixes run in one phase.
    fn distinct_in_two_steps(
        &self,
        input: &PhysicalPlan,
        group: &[Expr],
        aggs: &[AggExpr],
        schema: &SchemaRef,
        est: Estimate,
    ) -> Option<PhysicalPlan> {
        let args = &aggs.first()?.args;
        // Constant arguments (percentile's fraction) are evaluated once,
        // not read from rows: such calls stay in one phase.
        if args.is_empty()
            || !aggs
                .iter()
                .all(|a| a.distinct && &a.args == args && a.func.constant_args().is_empty())
        {
            return None;
        }
        let k = group.len();
        let inner_group: Vec<Expr> = group.iter().chain(args).cloned().collect();
        let refs: Vec<Expr> = inner_group
            .iter()
            .enumerate()
            .map(|(i, e)| Expr::column(i, format!("_g{i}"), e.data_type()))
            .collect();
        let inner_schema: SchemaRef = Arc::new(arrow::datatypes::Schema::new(
            refs.iter()
                .map(|e| {
                    let Expr::Column {
                        name, data_type, ..
                    } = e
                    else {
                        unreachable!("column references")
                    };
                    arrow::datatypes::Field::new(name, data_type.clone(), true)
                })
                .collect::<Vec<_>>(),
        ));
        let hash = |mode, group: Vec<Expr>, aggs: Vec<AggExpr>, output: SchemaRef| {
            Operator::HashAggregate(HashAggregate {
                mode,
                group,
                aggs,
                output,
            })
        };
        let spread = |keys: Vec<Expr>| {
            if keys.is_empty() {
                (Partitioning::Single, 1)
            } else {
                (Partitioning::Hash(keys), self.s.partitions)
            }
        };
        // Step 1: the distinct (keys, args) rows.
        let inner_est = input.estimate;
        let partial = node(
            hash(
                AggMode::Partial,
                inner_group.clone(),
                vec![],
                inner_schema.clone(),
            ),
            vec![input.clone()],
            inner_schema.clone(),
            inner_est,
        );
        let (p, n) = spread(refs.clone());
        let deduped = node(
            hash(AggMode::Final, refs.clone(), vec![], inner_schema.clone()),
            vec![exchange(partial, p, n)],
            inner_schema,
            inner_est,
        );
        // Step 2: the aggregates over them, plainly.
        let keys = refs[..k].to_vec();
        let plain: Vec<AggExpr> = aggs
            .iter()
            .map(|a| AggExpr {
                args: refs[k..].to_vec(),
                distinct: false,
                ..a.clone()
            })
            .collect();
        let partial = node(
            hash(
                AggMode::Partial,
                keys.clone(),
                plain.clone(),
                schema.clone(),
            ),
            vec![deduped],
            schema.clone(),
            est,
        );
        let final_keys: Vec<Expr> = keys
            .iter()
            .enumerate()
            .map(|(i, g)| Expr::column(i, format!("_g{i}"), g.data_type()))
            .collect();
        let (p, n) = spread(final_keys);
        Some(node(
            hash(AggMode::Final, keys, plain, schema.clone()),
            vec![exchange(partial, p, n)],
            schema.clone(),
            est,
        ))
    }

    fn join(
        &self,
        j: &crate::plan::Join,
        schema: SchemaRef,
        est: Estimate,
    ) -> Result<PhysicalPlan> {
        let crate::plan::Join {
            left,
            right,
            kind,
            on,
            filter,
            null_safe,
            null_aware,
            broadcast_hint,
            ..
        } = j;
        let keyless = on.is_empty();
        let (l_est, r_est) = (estimate(left), estimate(right));
        // Build on the right, except for RIGHT joins, and for inner joins
        // whose left side is the one known to be smaller.
        let left_smaller = match (l_est.bytes, r_est.bytes) {
            (Some(l), Some(r)) => l < r,
            (Some(_), None) => true,
            _ => false,
        };
        // A semi or anti join (EXISTS, IN, NOT EXISTS) whose preserved left
        // side is the smaller one, and whose right side is too big to
        // broadcast, builds on the left and emits the left rows some right
        // row matched (or none did).
        // Known to be big: a side of unknown size may turn out small
        // enough for adaptive execution to broadcast, which a semi join
        // built on its left could no longer do.
        let right_big = r_est.bytes.is_some_and(|b| b > self.s.broadcast_threshold);
        // NOT IN (null-aware) keeps its probe-side build: it must see
        // every build key and NULL before answering for a row.
        let semi_on_left = matches!(kind, JoinKind::LeftSemi | JoinKind::LeftAnti)
            && !keyless
            && !broadcast_hint
            && !*null_aware
            && left_smaller
            && right_big;
        let swap = *kind == JoinKind::Right
            || (*kind == JoinKind::Inner && !keyless && !broadcast_hint && left_smaller)
            || semi_on_left;
        let (probe, build, build_est) = if swap {
            (right, left, l_est)
        } else {
            (left, right, r_est)
        };
        let (probe_keys, build_keys): (Vec<Expr>, Vec<Expr>) = if swap {
            on.iter().map(|(a, b)| (b.clone(), a.clone())).unzip()
        } else {
            on.iter().cloned().unzip()
        };
        let kind = match kind {
            JoinKind::Right => JoinKind::Left,
            JoinKind::Cross => JoinKind::Inner,
            k => *k,
        };
        // NOT IN (null-aware) needs to see every build row: not by bucket.
        let buckets = if *broadcast_hint || keyless || *null_aware {
            None
        } else {
            super::bucket_join::shared_buckets(probe, build, &probe_keys, &build_keys)
        };
        let (mut probe, mut build) = (self.plan(probe)?, self.plan(build)?);
        if buckets.is_some()
            && super::bucket_join::scan_by_bucket(&mut probe)
            && super::bucket_join::scan_by_bucket(&mut build)
        {
            // Both sides bucketed alike on the keys: bucket i meets bucket
            // i, no rows move (Hive's bucket map join).
            let op = Operator::HashJoin(HashJoin {
                mode: JoinMode::Partitioned,
                kind,
                probe_keys,
                build_keys,
                filter: filter.clone(),
                null_safe: *null_safe,
                null_aware: *null_aware,
                swapped: swap,
            });
            return Ok(node(op, vec![probe, build], schema, est));
        }
        if kind == JoinKind::Full && keyless {
            return Err(SharkError::unsupported(
                "FULL OUTER JOIN without an equality condition",
            ));
        }
        let bytes = build_est.bytes;
        let small = bytes.is_some_and(|b| b <= self.s.broadcast_threshold);
        let nested_fits = keyless && kind == JoinKind::Inner;
        if nested_fits && bytes.is_some_and(|b| b > self.s.execution_budget) {
            let op = Operator::NestedLoopJoin(NestedLoopJoin {
                filter: filter.clone(),
                swapped: swap,
            });
            return Ok(node(op, vec![probe, build], schema, est));
        }
        let mode = if !super::keeps_build_rows(kind, swap) && (keyless || *broadcast_hint || small)
        {
            JoinMode::Broadcast
        } else {
            JoinMode::Partitioned
        };
        let op = Operator::HashJoin(HashJoin {
            mode,
            kind,
            probe_keys: probe_keys.clone(),
            build_keys: build_keys.clone(),
            filter: filter.clone(),
            null_safe: *null_safe,
            null_aware: *null_aware,
            swapped: swap,
        });
        let inputs = match mode {
            JoinMode::Broadcast => vec![probe, exchange(build, Partitioning::Broadcast, 1)],
            JoinMode::Partitioned => vec![
                exchange(probe, Partitioning::Hash(probe_keys), self.s.partitions),
                exchange(build, Partitioning::Hash(build_keys), self.s.partitions),
            ],
        };
        Ok(node(op, inputs, schema, est))
    }
}
