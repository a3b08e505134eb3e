//! EXPLAIN's text of a physical plan: one line per node with its id,
//! operator, details, the stage it runs in and the planner's estimate;
//! with metrics (EXPLAIN ANALYZE) also what it measured. Stages are
//! numbered from the root: every exchange starts a new one below it.

use super::metrics::PlanMetrics;
use super::*;
use crate::plan::SortKey;
use serde_json::json;

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn keys(keys: &[SortKey]) -> String {
    list(keys)
}

/// The operator's settings as EXPLAIN shows them.
pub fn details(plan: &PhysicalPlan) -> String {
    match &plan.op {
        Operator::Scan(s) => {
            let cols = match &s.projection {
                Some(p) => format!(" columns={p:?}"),
                None => String::new(),
            };
            let filters = if s.filters.is_empty() {
                String::new()
            } else {
                format!(" pushed=[{}]", list(&s.filters))
            };
            format!("{}{cols}{filters}", s.table)
        }
        Operator::Filter(f) => f.predicate.to_string(),
        Operator::Project(p) => list(&p.exprs),
        Operator::HashAggregate(a) => {
            format!("keys=[{}] aggs=[{}]", list(&a.group), list(&a.aggs))
        }
        Operator::Exchange(e) => match &e.partitioning {
            Partitioning::Hash(k) => format!("[{}] {} partitions", list(k), e.partitions),
            Partitioning::Range(k) => format!("[{}] {} partitions", keys(k), e.partitions),
            Partitioning::Single | Partitioning::Broadcast => String::new(),
        },
        Operator::HashJoin(j) => {
            let on: Vec<String> = j
                .probe_keys
                .iter()
                .zip(&j.build_keys)
                .map(|(p, b)| format!("{p} = {b}"))
                .collect();
            let mut s = format!(
                "{:?} build={} on [{}]",
                j.kind,
                if j.swapped { "left" } else { "right" },
                on.join(", ")
            );
            if let Some(f) = &j.filter {
                s.push_str(&format!(" filter {f}"));
            }
            if j.null_aware {
                s.push_str(" null-aware");
            }
            if j.null_safe {
                s.push_str(" null-safe");
            }
            s
        }
        Operator::NestedLoopJoin(n) => match &n.filter {
            Some(f) => format!("filter {f}"),
            None => String::new(),
        },
        Operator::Sort(s) => match s.fetch {
            Some(n) => format!("{n} [{}]", keys(&s.keys)),
            None => format!("[{}]", keys(&s.keys)),
        },
        Operator::Limit(l) => l.fetch.to_string(),
        Operator::Offset(o) => o.skip.to_string(),
        Operator::Generate(g) => format!(
            "{}({}){}",
            g.generator.name(),
            g.arg,
            if g.outer { " OUTER" } else { "" }
        ),
        Operator::Window(w) => list(&w.exprs),
        Operator::ScriptTransform(t) => format!("USING '{}'", t.spec.command),
        Operator::Replicate(r) => format!("times {}", r.times),
        Operator::OneRow | Operator::Empty | Operator::Union => String::new(),
    }
}

fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let (mut v, mut u) = (b as f64, 0);
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn estimate_text(e: &Estimate) -> String {
    let rows = e.rows.map_or("?".into(), |r| r.to_string());
    let bytes = e.bytes.map_or("?".into(), human_bytes);
    format!("est rows={rows} bytes={bytes}")
}

/// Calls `f(node, depth, stage)` on every node, parents first; a node
/// below an exchange runs in a new stage.
fn walk_stages(plan: &PhysicalPlan, f: &mut dyn FnMut(&PhysicalPlan, usize, usize)) {
    fn go(
        p: &PhysicalPlan,
        depth: usize,
        stage: usize,
        next: &mut usize,
        f: &mut dyn FnMut(&PhysicalPlan, usize, usize),
    ) {
        f(p, depth, stage);
        for i in &p.inputs {
            let s = if matches!(p.op, Operator::Exchange(_)) {
                *next += 1;
                *next
            } else {
                stage
            };
            go(i, depth + 1, s, next, f);
        }
    }
    go(plan, 0, 0, &mut 0, f);
}

/// The plan's lines; with `metrics`, each node's measured numbers too.
pub fn render(plan: &PhysicalPlan, metrics: Option<&PlanMetrics>) -> Vec<String> {
    let mut out = Vec::new();
    walk_stages(plan, &mut |n, depth, stage| {
        let mut line = format!("{}{}: {}", "  ".repeat(depth), n.id, n.name());
        let d = details(n);
        if !d.is_empty() {
            line.push(' ');
            line.push_str(&d);
        }
        line.push_str(&format!(
            " | stage {stage} | {}",
            estimate_text(&n.estimate)
        ));
        if let Some(m) = metrics {
            let s = m.exclusive(n);
            line.push_str(&format!(
                " | rows={} batches={} time={:.3}ms tasks={}",
                s.rows,
                s.batches,
                s.time_ns as f64 / 1e6,
                s.tasks
            ));
            if s.spilled_bytes > 0 {
                line.push_str(&format!(" spilled={}", human_bytes(s.spilled_bytes)));
            }
            if s.peak_memory > 0 {
                line.push_str(&format!(" peak_memory={}", human_bytes(s.peak_memory)));
            }
        }
        if let Some(a) = &n.adapted {
            line.push_str(&format!(" | adaptive: {a}"));
        }
        out.push(line);
    });
    out
}

/// The plan as a JSON tree (`id`, `operator`, `details`, `stage`,
/// `estimate`, `metrics`, `adaptive`, `inputs`).
pub fn to_json(plan: &PhysicalPlan, metrics: Option<&PlanMetrics>) -> serde_json::Value {
    let mut stages = std::collections::HashMap::new();
    walk_stages(plan, &mut |n, _, stage| {
        stages.insert(n.id, stage);
    });
    fn go(
        p: &PhysicalPlan,
        metrics: Option<&PlanMetrics>,
        stages: &std::collections::HashMap<usize, usize>,
    ) -> serde_json::Value {
        json!({
            "id": p.id,
            "operator": p.name(),
            "details": details(p),
            "stage": stages.get(&p.id),
            "estimate": {"rows": p.estimate.rows, "bytes": p.estimate.bytes},
            "metrics": metrics.map(|m| m.exclusive(p)),
            "adaptive": p.adapted,
            "inputs": p.inputs.iter().map(|i| go(i, metrics, stages)).collect::<Vec<_>>(),
        })
    }
    go(plan, metrics, &stages)
}
