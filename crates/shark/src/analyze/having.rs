//! HAVING conjuncts with IN / EXISTS subqueries (`HAVING key IN (SELECT
//! ...)`, `HAVING NOT EXISTS (SELECT ... WHERE t.k = key)`, or such a
//! subquery under OR): planned over the groups, after the aggregation, as
//! Hive does — not below it, where their result would be neither a group
//! key nor an aggregate. Their outer side may name the GROUP BY columns.

use super::expr::{bind, BindCtx};
use super::scope::{Scope, ScopeColumn};
use super::{split_conjuncts, Analyzer, Planned};
use crate::error::{Result, SharkError};
use crate::expr::Expr;
use crate::plan::{Filter, LogicalPlan};
use arrow::datatypes::DataType;
use sqlparser::ast::{Expr as SqlExpr, Select};
use std::collections::HashMap;
use std::sync::Arc;

/// True when `e` holds an IN (subquery) or EXISTS anywhere.
fn has_in_or_exists(e: &SqlExpr) -> bool {
    match e {
        SqlExpr::Exists { .. } => true,
        SqlExpr::In {
            target: sqlparser::ast::InTarget::Subquery(_),
            ..
        } => true,
        SqlExpr::BinaryOp { left, right, .. } => has_in_or_exists(left) || has_in_or_exists(right),
        SqlExpr::UnaryOp { expr, .. } | SqlExpr::Nested(expr) => has_in_or_exists(expr),
        SqlExpr::IsNull(e) | SqlExpr::IsNotNull(e) | SqlExpr::IsTrue(e) | SqlExpr::IsFalse(e) => {
            has_in_or_exists(e)
        }
        _ => false,
    }
}

/// `select` with its HAVING split: the conjuncts planned as before (in the
/// returned select) and those with IN / EXISTS subqueries.
pub(super) fn split_having(select: &Select) -> (Select, Vec<SqlExpr>) {
    let Some(h) = &select.having else {
        return (select.clone(), vec![]);
    };
    let (subs, plain): (Vec<&SqlExpr>, Vec<&SqlExpr>) = split_conjuncts(h)
        .into_iter()
        .partition(|c| has_in_or_exists(c));
    let mut out = select.clone();
    out.having = plain.into_iter().cloned().reduce(|a, b| SqlExpr::BinaryOp {
        left: Box::new(a),
        op: sqlparser::ast::BinaryOperator::And,
        right: Box::new(b),
    });
    (out, subs.into_iter().cloned().collect())
}

impl Analyzer<'_> {
    /// Filters the groups (`plan`, the aggregation's output: keys first)
    /// by HAVING conjuncts with IN / EXISTS subqueries. `group` are the
    /// keys over the rows' `scope`: a key that is a column keeps its name.
    pub(super) fn plan_having_subqueries(
        &mut self,
        conjuncts: &[SqlExpr],
        plan: Arc<LogicalPlan>,
        scope: &Scope,
        group: &[Expr],
    ) -> Result<Arc<LogicalPlan>> {
        let keys = Scope {
            columns: group
                .iter()
                .enumerate()
                .map(|(i, g)| match g {
                    Expr::Column {
                        index, data_type, ..
                    } if *index < scope.columns.len() => ScopeColumn {
                        data_type: data_type.clone(),
                        hidden: false,
                        ..scope.columns[*index].clone()
                    },
                    other => ScopeColumn {
                        qualifier: None,
                        name: format!("_g{i}"),
                        data_type: other.data_type(),
                        hidden: true,
                        partition_key: false,
                        char_width: None,
                    },
                })
                .chain(
                    // The aggregates' columns: there, but not by name.
                    plan.schema()
                        .fields()
                        .iter()
                        .skip(group.len())
                        .map(|f| ScopeColumn {
                            qualifier: None,
                            name: f.name().clone(),
                            data_type: f.data_type().clone(),
                            hidden: true,
                            partition_key: false,
                            char_width: None,
                        }),
                )
                .collect(),
            outer_start: None,
        };
        let (mut plan, mut now) = (plan, keys);
        for c in conjuncts {
            let aggregate_named = |e: SharkError| {
                if e.to_string().contains("aggregate function") {
                    SharkError::unsupported(
                        "an aggregate beside an IN or EXISTS subquery in HAVING (name GROUP BY columns there, or filter an outer query)",
                    )
                } else {
                    e
                }
            };
            if let Some((p, s)) = self
                .plan_subquery_conjunct(c, &plan, &now)
                .map_err(aggregate_named)?
            {
                (plan, now) = (p, s);
                continue;
            }
            // Under OR or NOT: mark joins, then a filter over their marks.
            let mut found = HashMap::new();
            let planned: Planned = self
                .plan_scalar_subqueries(c, plan, now, &mut found)
                .map_err(aggregate_named)?;
            (plan, now) = planned;
            let predicate = bind(c, &mut BindCtx::plain(&now, &found)).map_err(|e| {
                SharkError::analysis(format!(
                    "HAVING with an IN or EXISTS subquery may name GROUP BY columns, not aggregates: {e}"
                ))
            })?;
            plan = Arc::new(LogicalPlan::Filter(Filter {
                input: plan,
                predicate: predicate.cast_to(&DataType::Boolean),
            }));
        }
        Ok(plan)
    }
}
