//! Subqueries in WHERE and in expressions, decorrelated into joins:
//! `EXISTS` / `IN` become left semi joins, `NOT EXISTS` / `NOT IN` left
//! anti joins (null-aware for NOT IN), scalar subqueries a single-row cross
//! join, or, when correlated by equalities, an aggregation grouped by the
//! correlation keys joined back on them.

use super::expr::{self, bind, BindCtx};
use super::scope::Scope;
use super::{
    build_join_with, rewrite_over_aggregate, split_conjuncts, split_equi, Analyzer, Planned,
};
use crate::error::{Result, SharkError};
use crate::expr::Expr;
use crate::plan::{join_schema, schema_of, AggExpr, AggFunc, JoinKind, LogicalPlan};
use crate::plan::{Aggregate, Filter, Join, Project};
use arrow::datatypes::DataType;
use sqlparser::ast::{self as ast, Expr as SqlExpr, Query, SelectItem, SetExpr};
use std::collections::HashMap;
use std::sync::Arc;

/// A subquery's FROM and WHERE with its correlation pulled out.
pub(super) struct Decorrelated {
    pub(super) plan: Arc<LogicalPlan>,
    pub(super) scope: Scope,
    /// (outer expression, inner expression) equalities.
    pub(super) keys: Vec<(Expr, Expr)>,
    /// Other correlated predicates, over outer ++ inner columns.
    pub(super) residual: Vec<Expr>,
}

pub(super) fn is_simple(q: &Query) -> Option<&ast::Select> {
    if q.with.is_some() || q.order_by.is_some() || q.limit_clause.is_some() {
        return None;
    }
    match q.body.as_ref() {
        SetExpr::Select(s)
            if s.distinct.is_none() && s.having.is_none() && s.lateral_views.is_empty() =>
        {
            match &s.group_by {
                ast::GroupByExpr::Expressions(g, m) if g.is_empty() && m.is_empty() => Some(s),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A subquery that names the outer query's columns where only an
/// uncorrelated one can be planned: unsupported (`what`), not unknown.
pub(super) fn correlated(e: SharkError, what: &str) -> SharkError {
    match e {
        SharkError::Analysis { message, .. }
            if message.contains("Invalid table alias or column reference") =>
        {
            SharkError::unsupported(format!("{what} ({message})"))
        }
        other => other,
    }
}

/// The one visible column of a subquery's result, or an error naming
/// `what` when it has more or fewer.
pub(super) fn only_column(s: &Scope, what: &str) -> Result<Expr> {
    let mut visible = s.columns.iter().enumerate().filter(|(_, c)| !c.hidden);
    match (visible.next(), visible.next()) {
        (Some((i, c)), None) => Ok(Expr::column(i, c.name.clone(), c.data_type.clone())),
        _ => Err(SharkError::analysis(format!(
            "{what} must return exactly one column"
        ))),
    }
}

/// Join keys: each correlation's outer expression with the subquery
/// side's column `_k{i}` (its i-th column).
pub(super) fn key_pairs(keys: &[(Expr, Expr)]) -> Vec<(Expr, Expr)> {
    keys.iter()
        .enumerate()
        .map(|(i, (o, inner))| {
            (
                o.clone(),
                Expr::column(i, format!("_k{i}"), inner.data_type()),
            )
        })
        .collect()
}

/// `left` joined with `right` (a subquery's side) as `kind` on `on`.
pub(super) fn mark_join(
    left: Arc<LogicalPlan>,
    right: Arc<LogicalPlan>,
    kind: JoinKind,
    on: Vec<(Expr, Expr)>,
    broadcast_hint: bool,
) -> Arc<LogicalPlan> {
    Arc::new(LogicalPlan::Join(Join {
        schema: join_schema(&left.schema(), &right.schema(), kind),
        left,
        right,
        kind,
        on,
        filter: None,
        null_safe: false,
        null_aware: false,
        broadcast_hint,
    }))
}

impl Analyzer<'_> {
    pub(super) fn decorrelate(
        &mut self,
        select: &ast::Select,
        outer: &Scope,
    ) -> Result<Decorrelated> {
        let (mut plan, mut scope) = self.plan_from(&select.from)?;
        // Subqueries inside this subquery's WHERE first: IN / EXISTS as
        // joins of the inner plan, scalar subqueries (Q20's) as joins that
        // add their value as a hidden column of it.
        let mut rest: Vec<&SqlExpr> = Vec::new();
        let mut scalars = HashMap::new();
        if let Some(w) = &select.selection {
            for c in split_conjuncts(w) {
                if let Some((p, _)) = self.plan_subquery_conjunct(c, &plan, &scope)? {
                    plan = p;
                    continue;
                }
                (plan, scope) = self.plan_scalar_subqueries(c, plan, scope, &mut scalars)?;
                rest.push(c);
            }
        }
        let (iw, ow) = (scope.len(), outer.len());
        // Bind against inner ++ outer (inner names win), then re-lay the
        // columns as outer ++ inner, the join's layout.
        let mut both = scope.concat(outer);
        both.outer_start = Some(iw);
        let relayout = |e: Expr| e.remap_columns(&|c| if c < iw { ow + c } else { c - iw });
        let mut inner_preds = Vec::new();
        let mut keys = Vec::new();
        let mut residual = Vec::new();
        for c in rest {
            let bound = bind(c, &mut BindCtx::plain(&both, &scalars))?;
            let mut cols = Vec::new();
            bound.columns(&mut cols);
            if cols.iter().all(|&i| i < iw) {
                inner_preds.push(bound);
                continue;
            }
            let e = relayout(bound);
            match split_equi(&e, ow) {
                Some(pair) => keys.push(pair),
                None => residual.push(e),
            }
        }
        let plan = if inner_preds.is_empty() {
            plan
        } else {
            Arc::new(LogicalPlan::Filter(Filter {
                input: plan,
                predicate: Expr::and_all(inner_preds),
            }))
        };
        Ok(Decorrelated {
            plan,
            scope,
            keys,
            residual,
        })
    }

    /// Plans a WHERE conjunct that is `[NOT] EXISTS (q)` or `x [NOT] IN (q)`
    /// as a join of `plan`; `None` when the conjunct is something else.
    pub(super) fn plan_subquery_conjunct(
        &mut self,
        c: &SqlExpr,
        plan: &Arc<LogicalPlan>,
        scope: &Scope,
    ) -> Result<Option<Planned>> {
        let (c, flip) = match c {
            SqlExpr::UnaryOp {
                op: ast::UnaryOperator::Not,
                expr,
            } => (expr.as_ref(), true),
            other => (other, false),
        };
        let c = match c {
            SqlExpr::Nested(inner) => inner.as_ref(),
            other => other,
        };
        let (query, in_expr, negated) = match c {
            SqlExpr::Exists { subquery, negated } => (subquery.as_ref(), None, *negated != flip),
            SqlExpr::In {
                expr,
                target: ast::InTarget::Subquery(q),
                negated,
                ..
            } => (q.as_ref(), Some(expr.as_ref()), *negated != flip),
            _ => return Ok(None),
        };
        let kind = if negated {
            JoinKind::LeftAnti
        } else {
            JoinKind::LeftSemi
        };
        let ow = scope.len();
        let (right, mut keys, residual, value) = match is_simple(query) {
            Some(select) if !select.projection.iter().any(|i| matches!(i, SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } if expr::contains_aggregate(e))) => {
                let d = self.decorrelate(select, scope)?;
                let value = match in_expr {
                    None => None,
                    Some(_) => {
                        let items: Vec<&SqlExpr> = select
                            .projection
                            .iter()
                            .filter_map(|i| match i {
                                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => Some(e),
                                _ => None,
                            })
                            .collect();
                        if items.len() != 1 || select.projection.len() != 1 {
                            return Err(SharkError::analysis("IN subquery must return exactly one column"));
                        }
                        Some(expr::bind_simple(items[0], &d.scope)?)
                    }
                };
                (d.plan, d.keys, d.residual, value)
            }
            _ => {
                let (p, s) = self.plan_query(query).map_err(|e| match e {
                    SharkError::Analysis { message, .. } if message.contains("Invalid table alias or column reference") => {
                        SharkError::unsupported(format!("this correlated subquery ({message})"))
                    }
                    other => other,
                })?;
                let value = match in_expr {
                    None => None,
                    Some(_) => {
                        Some(only_column(&s, "an IN subquery")?)
                    }
                };
                (p, vec![], vec![], value)
            }
        };
        let mut null_aware = false;
        if let (Some(x), Some(v)) = (in_expr, value) {
            let x = expr::bind_simple(x, scope)?;
            let t =
                crate::types::comparison_type(&x.data_type(), &v.data_type()).ok_or_else(|| {
                    SharkError::analysis(format!(
                        "IN subquery: cannot compare {} with {}",
                        crate::types::type_name(&x.data_type()),
                        crate::types::type_name(&v.data_type())
                    ))
                })?;
            null_aware = negated && keys.is_empty();
            keys.push((x.cast_to(&t), v.cast_to(&t)));
        }
        let _ = ow;
        let join = build_join_with(plan.clone(), right, kind, keys, residual, null_aware);
        Ok(Some((join, scope.clone())))
    }

    /// Plans the scalar subqueries inside `e` as joins of `plan`, recording
    /// the column each one's value lands in.
    pub(super) fn plan_scalar_subqueries(
        &mut self,
        e: &SqlExpr,
        mut plan: Arc<LogicalPlan>,
        mut scope: Scope,
        found: &mut HashMap<usize, Expr>,
    ) -> Result<Planned> {
        let mut queries: Vec<&Query> = Vec::new();
        let mut marks: Vec<&SqlExpr> = Vec::new();
        expr::visit(e, &mut |x| match x {
            SqlExpr::Subquery(q) => queries.push(q),
            SqlExpr::In {
                target: ast::InTarget::Subquery(_),
                ..
            }
            | SqlExpr::Exists { .. } => marks.push(x),
            _ => {}
        });
        // IN / EXISTS inside an expression (under OR, in the select list):
        // a boolean column from a left join, with IN's NULL semantics.
        for m in marks {
            let key = m as *const SqlExpr as usize;
            if found.contains_key(&key) {
                continue;
            }
            let (p, s, value) = self.plan_mark(m, plan, scope, found)?;
            plan = p;
            scope = s;
            found.insert(key, value);
        }
        for q in queries {
            let key = q as *const Query as usize;
            if found.contains_key(&key) {
                continue;
            }
            let (p, s, value) = self.plan_scalar_subquery(q, plan, scope)?;
            plan = p;
            scope = s;
            found.insert(key, value);
        }
        Ok((plan, scope))
    }

    fn plan_scalar_subquery(
        &mut self,
        q: &Query,
        plan: Arc<LogicalPlan>,
        scope: Scope,
    ) -> Result<(Arc<LogicalPlan>, Scope, Expr)> {
        let ow = scope.len();
        if let Some(select) = is_simple(q) {
            let item = match select.projection.as_slice() {
                [SelectItem::UnnamedExpr(e)] | [SelectItem::ExprWithAlias { expr: e, .. }] => e,
                _ => {
                    return Err(SharkError::analysis(
                        "a scalar subquery must return exactly one column",
                    ))
                }
            };
            if expr::contains_aggregate(item) {
                let d = self.decorrelate(select, &scope)?;
                if !d.keys.is_empty() {
                    if !d.residual.is_empty() {
                        return Err(SharkError::unsupported(
                            "correlated scalar subquery with non-equality correlation",
                        ));
                    }
                    // Aggregate per correlation key, then join back on the key.
                    let group: Vec<Expr> = d.keys.iter().map(|(_, i)| i.clone()).collect();
                    let mut aggs: Vec<AggExpr> = Vec::new();
                    let empty = HashMap::new();
                    let bound = {
                        let mut cx = BindCtx {
                            scope: &d.scope,
                            aggs: Some(&mut aggs),
                            subqueries: &empty,
                            windows: None,
                            grouping: None,
                        };
                        bind(item, &mut cx)?
                    };
                    let ng = group.len();
                    let value = rewrite_over_aggregate(bound, &group, ng)?;
                    let mut cols: Vec<(String, DataType)> = group
                        .iter()
                        .enumerate()
                        .map(|(i, g)| (format!("_g{i}"), g.data_type()))
                        .collect();
                    cols.extend(
                        aggs.iter()
                            .enumerate()
                            .map(|(j, a)| (format!("_a{j}"), a.data_type.clone())),
                    );
                    let agg = Arc::new(LogicalPlan::Aggregate(Aggregate {
                        input: d.plan,
                        group: group.clone(),
                        aggs: aggs.clone(),
                        schema: schema_of(&cols),
                    }));
                    let mut out_cols: Vec<(String, DataType)> = group
                        .iter()
                        .enumerate()
                        .map(|(i, g)| (format!("_k{i}"), g.data_type()))
                        .collect();
                    out_cols.push(("_subquery".into(), value.data_type()));
                    let mut exprs: Vec<Expr> = group
                        .iter()
                        .enumerate()
                        .map(|(i, g)| Expr::column(i, format!("_g{i}"), g.data_type()))
                        .collect();
                    exprs.push(value.clone());
                    let right = Arc::new(LogicalPlan::Project(Project {
                        input: agg,
                        exprs,
                        schema: schema_of(&out_cols),
                    }));
                    let on = key_pairs(&d.keys);
                    let rs = Scope::from_schema(&right.schema(), None);
                    let schema = join_schema(&plan.schema(), &right.schema(), JoinKind::Left);
                    let joined = Arc::new(LogicalPlan::Join(Join {
                        left: plan,
                        right,
                        kind: JoinKind::Left,
                        on,
                        filter: None,
                        null_safe: false,
                        null_aware: false,
                        broadcast_hint: false,
                        schema,
                    }));
                    let mut new_scope = scope.concat(&rs);
                    for c in &mut new_scope.columns[ow..] {
                        c.hidden = true;
                    }
                    let idx = ow + ng;
                    let mut result = Expr::column(idx, "_subquery", value.data_type());
                    // count over no rows is 0, not NULL.
                    if let SqlExpr::Function(f) = item {
                        if f.name.to_string().eq_ignore_ascii_case("count") {
                            result = expr::call(
                                "coalesce",
                                vec![result, Expr::Literal(crate::scalar::ScalarValue::Int64(0))],
                            )?;
                        }
                    }
                    return Ok((joined, new_scope, result));
                }
            }
        }
        // Uncorrelated: exactly one value (NULL when empty, an error when
        // more than one row), joined to every row.
        let (p, s) = self
            .plan_query(q)
            .map_err(|e| correlated(e, "this correlated scalar subquery"))?;
        let value = only_column(&s, "a scalar subquery")?;
        let t = value.data_type();
        let one = Arc::new(LogicalPlan::Aggregate(Aggregate {
            input: p,
            group: vec![],
            aggs: vec![AggExpr {
                func: AggFunc::SingleValue,
                args: vec![value],
                distinct: false,
                data_type: t.clone(),
            }],
            schema: schema_of(&[("_subquery".to_string(), t.clone())]),
        }));
        let rs = Scope::from_schema(&one.schema(), None);
        let schema = join_schema(&plan.schema(), &one.schema(), JoinKind::Cross);
        let joined = Arc::new(LogicalPlan::Join(Join {
            left: plan,
            right: one,
            kind: JoinKind::Cross,
            on: vec![],
            filter: None,
            null_safe: false,
            null_aware: false,
            broadcast_hint: true,
            schema,
        }));
        let mut new_scope = scope.concat(&rs);
        new_scope.columns[ow].hidden = true;
        Ok((joined, new_scope, Expr::column(ow, "_subquery", t)))
    }
}
