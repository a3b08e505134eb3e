//! Column pruning: every operator keeps only the columns something above it
//! reads, so scans read (and Parquet decodes) only those. Returns, with the
//! new plan, where each old output column went (`None` when dropped).

use crate::error::Result;
use crate::expr::Expr;
use crate::plan::{join_schema, JoinKind, LogicalPlan, SortKey};
use crate::plan::{
    Aggregate, Distribute, Empty, Filter, Generate, Join, Limit, LocalSort, Offset, Project,
    Replicate, Scan, Sort, Union, Window,
};
use arrow::datatypes::{Schema, SchemaRef};
use std::sync::Arc;

type Mapping = Vec<Option<usize>>;

fn sorted_unique(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}

fn mapping_for(width: usize, kept: &[usize]) -> Mapping {
    let mut m = vec![None; width];
    for (new, &old) in kept.iter().enumerate() {
        m[old] = Some(new);
    }
    m
}

fn remap(e: Expr, m: &Mapping) -> Expr {
    e.remap_columns(&|c| m[c].expect("pruned column still referenced"))
}

fn remap_keys(keys: &[SortKey], m: &Mapping) -> Vec<SortKey> {
    keys.iter()
        .map(|k| SortKey {
            expr: remap(k.expr.clone(), m),
            asc: k.asc,
            nulls_first: k.nulls_first,
        })
        .collect()
}

fn cols_of<'a>(exprs: impl IntoIterator<Item = &'a Expr>, out: &mut Vec<usize>) {
    for e in exprs {
        e.columns(out);
    }
}

fn project_schema(schema: &SchemaRef, kept: &[usize]) -> SchemaRef {
    Arc::new(Schema::new(
        kept.iter()
            .map(|&i| schema.field(i).clone())
            .collect::<Vec<_>>(),
    ))
}

/// Prunes `plan` to the output columns `required` (sorted, unique).
pub fn prune(plan: Arc<LogicalPlan>, required: &[usize]) -> Result<(Arc<LogicalPlan>, Mapping)> {
    let width = plan.schema().fields().len();
    let required = sorted_unique(required.to_vec());
    Ok(match plan.as_ref() {
        LogicalPlan::Scan(node) => prune_scan(node, &required, width)?,
        LogicalPlan::OneRow => (plan.clone(), vec![]),
        LogicalPlan::Empty(Empty { schema }) => (
            Arc::new(LogicalPlan::Empty(Empty {
                schema: project_schema(schema, &required),
            })),
            mapping_for(width, &required),
        ),
        LogicalPlan::Filter(Filter { input, predicate }) => {
            let mut need = required.clone();
            predicate.columns(&mut need);
            let (input, m) = prune(input.clone(), &need)?;
            let predicate = remap(predicate.clone(), &m);
            let filter = Arc::new(LogicalPlan::Filter(Filter { input, predicate }));
            if required.is_empty() || sorted_unique(need).len() == required.len() {
                (filter, m)
            } else {
                // Columns only the predicate reads are dropped right after
                // it: they never travel through an exchange or a join.
                let kept: Vec<usize> = required
                    .iter()
                    .map(|&c| m[c].expect("a required column is kept"))
                    .collect();
                let schema = filter.schema();
                let exprs = kept
                    .iter()
                    .map(|&i| {
                        let f = schema.field(i);
                        Expr::column(i, f.name().clone(), f.data_type().clone())
                    })
                    .collect();
                let project = Project {
                    input: filter.clone(),
                    exprs,
                    schema: project_schema(&schema, &kept),
                };
                (
                    Arc::new(LogicalPlan::Project(project)),
                    mapping_for(width, &required),
                )
            }
        }
        LogicalPlan::Project(node) => prune_project(node, &required, width)?,
        LogicalPlan::Aggregate(node) => prune_aggregate(node, &required, width)?,
        LogicalPlan::Join(node) => prune_join(node, &required)?,
        LogicalPlan::Sort(Sort { input, keys, fetch }) => {
            let mut need = required.clone();
            cols_of(keys.iter().map(|k| &k.expr), &mut need);
            let (input, m) = prune(input.clone(), &need)?;
            let keys = remap_keys(keys, &m);
            (
                Arc::new(LogicalPlan::Sort(Sort {
                    input,
                    keys,
                    fetch: *fetch,
                })),
                m,
            )
        }
        LogicalPlan::LocalSort(LocalSort { input, keys }) => {
            let mut need = required.clone();
            cols_of(keys.iter().map(|k| &k.expr), &mut need);
            let (input, m) = prune(input.clone(), &need)?;
            let keys = remap_keys(keys, &m);
            (
                Arc::new(LogicalPlan::LocalSort(LocalSort { input, keys })),
                m,
            )
        }
        LogicalPlan::Distribute(Distribute { input, keys }) => {
            let mut need = required.clone();
            cols_of(keys.iter(), &mut need);
            let (input, m) = prune(input.clone(), &need)?;
            let keys = keys.iter().map(|k| remap(k.clone(), &m)).collect();
            (
                Arc::new(LogicalPlan::Distribute(Distribute { input, keys })),
                m,
            )
        }
        LogicalPlan::Generate(node) => prune_generate(node, &required, width)?,
        LogicalPlan::Window(node) => prune_window(node, &required)?,
        LogicalPlan::Replicate(Replicate { input, times }) => {
            let mut need = required.clone();
            times.columns(&mut need);
            let (input, m) = prune(input.clone(), &need)?;
            let times = remap(times.clone(), &m);
            (
                Arc::new(LogicalPlan::Replicate(Replicate { input, times })),
                m,
            )
        }
        LogicalPlan::Limit(Limit { input, fetch }) => {
            let (input, m) = prune(input.clone(), &required)?;
            (
                Arc::new(LogicalPlan::Limit(Limit {
                    input,
                    fetch: *fetch,
                })),
                m,
            )
        }
        LogicalPlan::Offset(Offset { input, skip }) => {
            let (input, m) = prune(input.clone(), &required)?;
            (
                Arc::new(LogicalPlan::Offset(Offset { input, skip: *skip })),
                m,
            )
        }
        LogicalPlan::Union(node) => prune_union(node, &required, width)?,
        // The script reads every input column and writes every output one.
        LogicalPlan::ScriptTransform(t) => {
            let all: Vec<usize> = (0..t.input.schema().fields().len()).collect();
            let (input, _) = prune(t.input.clone(), &all)?;
            (
                Arc::new(LogicalPlan::ScriptTransform(crate::plan::ScriptTransform {
                    input,
                    spec: t.spec.clone(),
                    schema: t.schema.clone(),
                })),
                (0..width).map(Some).collect(),
            )
        }
    })
}

/// `prune` for one Scan node.
fn prune_scan(
    node: &Scan,
    required: &[usize],
    width: usize,
) -> Result<(Arc<LogicalPlan>, Mapping)> {
    let Scan {
        table,
        source,
        projection,
        filters,
        schema,
    } = node;
    Ok({
        let full: Vec<usize> = projection.clone().unwrap_or_else(|| (0..width).collect());
        // Keep one column so rows are still counted.
        let kept = if required.is_empty() && width > 0 {
            vec![0]
        } else {
            required.to_vec()
        };
        let new_projection: Vec<usize> = kept.iter().map(|&i| full[i]).collect();
        let scan = Arc::new(LogicalPlan::Scan(Scan {
            table: table.clone(),
            source: source.clone(),
            projection: Some(new_projection),
            filters: filters.clone(),
            schema: project_schema(schema, &kept),
        }));
        (scan, mapping_for(width, &kept))
    })
}

/// `prune` for one Project node.
fn prune_project(
    node: &Project,
    required: &[usize],
    width: usize,
) -> Result<(Arc<LogicalPlan>, Mapping)> {
    let Project {
        input,
        exprs,
        schema,
    } = node;
    Ok({
        let kept_exprs: Vec<&Expr> = required.iter().map(|&i| &exprs[i]).collect();
        let mut need = Vec::new();
        cols_of(kept_exprs.iter().copied(), &mut need);
        let (input, m) = prune(input.clone(), &need)?;
        let exprs: Vec<Expr> = kept_exprs
            .into_iter()
            .map(|e| remap(e.clone(), &m))
            .collect();
        (
            Arc::new(LogicalPlan::Project(Project {
                input,
                exprs,
                schema: project_schema(schema, required),
            })),
            mapping_for(width, required),
        )
    })
}

/// `prune` for one Aggregate node.
fn prune_aggregate(
    node: &Aggregate,
    required: &[usize],
    width: usize,
) -> Result<(Arc<LogicalPlan>, Mapping)> {
    let Aggregate {
        input,
        group,
        aggs,
        schema,
    } = node;
    Ok({
        let ng = group.len();
        let kept_aggs: Vec<usize> = required
            .iter()
            .filter(|&&i| i >= ng)
            .map(|&i| i - ng)
            .collect();
        let mut need = Vec::new();
        cols_of(group.iter(), &mut need);
        for &j in &kept_aggs {
            cols_of(aggs[j].args.iter(), &mut need);
        }
        let (input, m) = prune(input.clone(), &need)?;
        let group: Vec<Expr> = group.iter().map(|g| remap(g.clone(), &m)).collect();
        let new_aggs = kept_aggs
            .iter()
            .map(|&j| {
                let mut a = aggs[j].clone();
                a.args = a.args.into_iter().map(|x| remap(x, &m)).collect();
                a
            })
            .collect();
        let mut kept_out: Vec<usize> = (0..ng).collect();
        kept_out.extend(kept_aggs.iter().map(|j| ng + j));
        (
            Arc::new(LogicalPlan::Aggregate(Aggregate {
                input,
                group,
                aggs: new_aggs,
                schema: project_schema(schema, &kept_out),
            })),
            mapping_for(width, &kept_out),
        )
    })
}

/// `prune` for one Join node.
fn prune_join(node: &Join, required: &[usize]) -> Result<(Arc<LogicalPlan>, Mapping)> {
    let Join {
        left,
        right,
        kind,
        on,
        filter,
        null_safe,
        null_aware,
        broadcast_hint,
        ..
    } = node;
    Ok({
        let lw = left.schema().fields().len();
        let semi = matches!(kind, JoinKind::LeftSemi | JoinKind::LeftAnti);
        let mut need_l: Vec<usize> = required.iter().copied().filter(|&c| c < lw).collect();
        let mut need_r: Vec<usize> = if semi {
            vec![]
        } else {
            required
                .iter()
                .filter(|&&c| c >= lw)
                .map(|&c| c - lw)
                .collect()
        };
        cols_of(on.iter().map(|(l, _)| l), &mut need_l);
        cols_of(on.iter().map(|(_, r)| r), &mut need_r);
        if let Some(f) = filter {
            let mut fc = Vec::new();
            f.columns(&mut fc);
            need_l.extend(fc.iter().copied().filter(|&c| c < lw));
            need_r.extend(fc.iter().filter(|&&c| c >= lw).map(|&c| c - lw));
        }
        let (new_left, lm) = prune(left.clone(), &need_l)?;
        let (new_right, rm) = prune(right.clone(), &need_r)?;
        let new_lw = new_left.schema().fields().len();
        let combined: Mapping = lm
            .iter()
            .copied()
            .chain(rm.iter().map(|x| x.map(|c| c + new_lw)))
            .collect();
        let on = on
            .iter()
            .map(|(l, r)| (remap(l.clone(), &lm), remap(r.clone(), &rm)))
            .collect();
        let filter = filter.clone().map(|f| remap(f, &combined));
        let schema = join_schema(&new_left.schema(), &new_right.schema(), *kind);
        let out_map: Mapping = if semi { lm.clone() } else { combined };
        (
            Arc::new(LogicalPlan::Join(Join {
                left: new_left,
                right: new_right,
                kind: *kind,
                on,
                filter,
                null_safe: *null_safe,
                null_aware: *null_aware,
                broadcast_hint: *broadcast_hint,
                schema,
            })),
            out_map,
        )
    })
}

/// `prune` for one Generate node.
fn prune_generate(
    node: &Generate,
    required: &[usize],
    width: usize,
) -> Result<(Arc<LogicalPlan>, Mapping)> {
    let Generate {
        input,
        generator,
        arg,
        outer,
        schema,
    } = node;
    Ok({
        let in_w = input.schema().fields().len();
        let mut need: Vec<usize> = required.iter().copied().filter(|&c| c < in_w).collect();
        arg.columns(&mut need);
        let (input, m) = prune(input.clone(), &need)?;
        let new_w = input.schema().fields().len();
        let mut fields: Vec<_> = input.schema().fields().iter().cloned().collect();
        fields.extend(schema.fields()[in_w..].iter().cloned());
        let mut out = m.clone();
        out.extend((0..width - in_w).map(|j| Some(new_w + j)));
        (
            Arc::new(LogicalPlan::Generate(Generate {
                input,
                generator: generator.clone(),
                arg: remap(arg.clone(), &m),
                outer: *outer,
                schema: Arc::new(Schema::new(fields)),
            })),
            out,
        )
    })
}

/// `prune` for one Window node.
fn prune_window(node: &Window, required: &[usize]) -> Result<(Arc<LogicalPlan>, Mapping)> {
    let Window {
        input,
        spec,
        exprs,
        schema,
    } = node;
    Ok({
        let in_w = input.schema().fields().len();
        let kept: Vec<usize> = (0..exprs.len())
            .filter(|j| required.contains(&(in_w + j)))
            .collect();
        let mut need: Vec<usize> = required.iter().copied().filter(|&c| c < in_w).collect();
        if kept.is_empty() {
            // No function is read: the window changes nothing.
            let (input, mut m) = prune(input.clone(), &need)?;
            m.extend(std::iter::repeat_n(None, exprs.len()));
            return Ok((input, m));
        }
        cols_of(spec.partition_by.iter(), &mut need);
        cols_of(spec.order_by.iter().map(|k| &k.expr), &mut need);
        for &j in &kept {
            cols_of(exprs[j].args.iter(), &mut need);
        }
        let (input, m) = prune(input.clone(), &need)?;
        let new_w = input.schema().fields().len();
        let spec = crate::plan::WindowSpec {
            partition_by: spec
                .partition_by
                .iter()
                .map(|e| remap(e.clone(), &m))
                .collect(),
            order_by: remap_keys(&spec.order_by, &m),
        };
        let new_exprs: Vec<_> = kept
            .iter()
            .map(|&j| {
                let mut w = exprs[j].clone();
                w.args = w.args.into_iter().map(|a| remap(a, &m)).collect();
                w
            })
            .collect();
        let mut fields: Vec<_> = input.schema().fields().iter().cloned().collect();
        fields.extend(kept.iter().map(|&j| schema.fields()[in_w + j].clone()));
        let mut out = m.clone();
        out.extend((0..exprs.len()).map(|j| kept.iter().position(|&k| k == j).map(|p| new_w + p)));
        (
            Arc::new(LogicalPlan::Window(Window {
                input,
                spec,
                exprs: new_exprs,
                schema: Arc::new(Schema::new(fields)),
            })),
            out,
        )
    })
}

/// `prune` for one Union node.
fn prune_union(
    node: &Union,
    required: &[usize],
    width: usize,
) -> Result<(Arc<LogicalPlan>, Mapping)> {
    let Union { inputs, schema } = node;
    Ok({
        let new_schema = project_schema(schema, required);
        let mut new_inputs = Vec::new();
        for i in inputs {
            let (p, m) = prune(i.clone(), required)?;
            // Lay every branch out exactly as `required`.
            let exprs: Vec<Expr> = required
                .iter()
                .map(|&c| {
                    let f = schema.field(c);
                    Expr::column(
                        m[c].expect("kept"),
                        f.name().clone(),
                        p.schema().field(m[c].expect("kept")).data_type().clone(),
                    )
                })
                .collect();
            new_inputs.push(Arc::new(LogicalPlan::Project(Project {
                input: p,
                exprs,
                schema: new_schema.clone(),
            })));
        }
        (
            Arc::new(LogicalPlan::Union(Union {
                inputs: new_inputs,
                schema: new_schema,
            })),
            mapping_for(width, required),
        )
    })
}
