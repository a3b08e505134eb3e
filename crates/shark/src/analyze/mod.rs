//! The analyzer: HiveQL queries (sqlparser's AST) to logical plans, with
//! Hive's name resolution, implicit conversions and error messages.
//!
//! A SELECT is planned in SQL's logical order: FROM (with joins) → WHERE
//! (subquery conjuncts become semi/anti joins) → GROUP BY and aggregates →
//! HAVING → SELECT list → DISTINCT → ORDER BY / SORT BY / DISTRIBUTE BY →
//! LIMIT.

pub mod expr;
pub mod scope;
mod subquery;
mod window;

use crate::catalog::Catalog;
use crate::error::{Result, SharkError};
use crate::expr::{BinaryOp, Expr};
use crate::plan::{join_schema, schema_of, AggExpr, JoinKind, LogicalPlan, SortKey};
use crate::scalar::ScalarValue;
use arrow::datatypes::DataType;
use expr::{bind, contains_aggregate, BindCtx, AGG_BASE};
use scope::{Scope, ScopeColumn};
use sqlparser::ast::{
    self as ast, Expr as SqlExpr, Query, Select, SelectItem, SetExpr, TableFactor,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A planned relation and the names visible over its output.
pub type Planned = (Arc<LogicalPlan>, Scope);

/// Turns queries into logical plans against a catalog.
pub struct Analyzer<'a> {
    catalog: &'a dyn Catalog,
    database: String,
    settings: &'a BTreeMap<String, String>,
    ctes: Vec<(String, Planned)>,
    broadcast: Vec<String>,
}

impl<'a> Analyzer<'a> {
    /// An analyzer resolving unqualified tables in `database`.
    pub fn new(
        catalog: &'a dyn Catalog,
        database: &str,
        settings: &'a BTreeMap<String, String>,
    ) -> Self {
        Analyzer {
            catalog,
            database: database.to_ascii_lowercase(),
            settings,
            ctes: Vec::new(),
            broadcast: Vec::new(),
        }
    }

    fn setting_true(&self, key: &str, default: bool) -> bool {
        self.settings
            .get(key)
            .map(|v| v.eq_ignore_ascii_case("true"))
            .unwrap_or(default)
    }

    /// Plans a whole query.
    pub fn plan_query(&mut self, q: &Query) -> Result<Planned> {
        let pushed = self.ctes.len();
        if let Some(with) = &q.with {
            if with.recursive {
                return Err(SharkError::unsupported("WITH RECURSIVE"));
            }
            for cte in &with.cte_tables {
                let (plan, scope) = self.plan_query(&cte.query)?;
                let (plan, scope) = rename_columns(plan, scope, &cte.alias)?;
                let name = cte.alias.name.value.to_ascii_lowercase();
                self.ctes
                    .push((name.clone(), (plan, scope.with_qualifier(&name))));
            }
        }
        let result = self.plan_query_body(q);
        self.ctes.truncate(pushed);
        result
    }

    fn plan_query_body(&mut self, q: &Query) -> Result<Planned> {
        let order_by: Vec<ast::OrderByExpr> = match &q.order_by {
            None => vec![],
            Some(ob) => match &ob.kind {
                ast::OrderByKind::Expressions(e) => e.clone(),
                ast::OrderByKind::All(_) => return Err(SharkError::unsupported("ORDER BY ALL")),
            },
        };
        let limit = self.limit(q)?;
        let (mut plan, scope) = match q.body.as_ref() {
            SetExpr::Select(select) => self.plan_select(select, &order_by)?,
            other => {
                let (plan, scope) = self.plan_set_expr(other)?;
                if order_by.is_empty() {
                    (plan, scope)
                } else {
                    let keys = self.output_sort_keys(&order_by, &scope)?;
                    (
                        Arc::new(LogicalPlan::Sort {
                            input: plan,
                            keys,
                            fetch: None,
                        }),
                        scope,
                    )
                }
            }
        };
        if let Some(n) = limit {
            plan = Arc::new(match plan.as_ref() {
                LogicalPlan::Sort {
                    input,
                    keys,
                    fetch: None,
                } => LogicalPlan::Sort {
                    input: input.clone(),
                    keys: keys.clone(),
                    fetch: Some(n),
                },
                _ => LogicalPlan::Limit {
                    input: plan,
                    fetch: n,
                },
            });
        }
        Ok((plan, scope))
    }

    fn limit(&self, q: &Query) -> Result<Option<usize>> {
        let as_count = |e: &SqlExpr| -> Result<usize> {
            match expr::bind_simple(e, &Scope::default())? {
                Expr::Literal(v) => v
                    .as_i64()
                    .filter(|n| *n >= 0)
                    .map(|n| n as usize)
                    .ok_or_else(|| {
                        SharkError::analysis(format!("LIMIT needs a non-negative integer, got {v}"))
                    }),
                other => Err(SharkError::analysis(format!(
                    "LIMIT needs a constant, got {other}"
                ))),
            }
        };
        match &q.limit_clause {
            None => Ok(None),
            Some(ast::LimitClause::LimitOffset { limit, offset, .. }) => {
                if let Some(o) = offset {
                    if as_count(&o.value)? != 0 {
                        return Err(SharkError::unsupported("OFFSET"));
                    }
                }
                limit.as_ref().map(as_count).transpose()
            }
            Some(ast::LimitClause::OffsetCommaLimit { offset, limit }) => {
                if as_count(offset)? != 0 {
                    return Err(SharkError::unsupported("LIMIT with an offset"));
                }
                Ok(Some(as_count(limit)?))
            }
        }
    }

    fn plan_set_expr(&mut self, body: &SetExpr) -> Result<Planned> {
        match body {
            SetExpr::Select(s) => self.plan_select(s, &[]),
            SetExpr::Query(q) => self.plan_query(q),
            SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } => {
                let (l, ls) = self.plan_set_expr(left)?;
                let (r, rs) = self.plan_set_expr(right)?;
                self.plan_set_operation(l, ls, r, rs, op, set_quantifier)
            }
            SetExpr::Values(values) => {
                let mut rows = Vec::new();
                for row in &values.rows {
                    let exprs = row
                        .content
                        .iter()
                        .map(|e| expr::bind_simple(e, &Scope::default()))
                        .collect::<Result<Vec<_>>>()?;
                    rows.push(exprs);
                }
                let width = rows.first().map(|r| r.len()).unwrap_or(0);
                if rows.iter().any(|r| r.len() != width) {
                    return Err(SharkError::analysis("VALUES rows have different lengths"));
                }
                let mut types = Vec::new();
                for c in 0..width {
                    let col: Vec<DataType> = rows.iter().map(|r| r[c].data_type()).collect();
                    types.push(crate::types::common_of(&col, "VALUES")?);
                }
                let cols: Vec<(String, DataType)> = types
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (format!("col{}", i + 1), t.clone()))
                    .collect();
                let schema = schema_of(&cols);
                let inputs = rows
                    .into_iter()
                    .map(|r| {
                        Arc::new(LogicalPlan::Project {
                            input: Arc::new(LogicalPlan::OneRow),
                            exprs: r
                                .into_iter()
                                .zip(&types)
                                .map(|(e, t)| e.cast_to(t))
                                .collect(),
                            schema: schema.clone(),
                        })
                    })
                    .collect();
                let plan = Arc::new(LogicalPlan::Union {
                    inputs,
                    schema: schema.clone(),
                });
                Ok((plan, Scope::from_schema(&schema, None)))
            }
            other => Err(SharkError::unsupported(format!("query body {other}"))),
        }
    }

    fn plan_set_operation(
        &mut self,
        l: Arc<LogicalPlan>,
        ls: Scope,
        r: Arc<LogicalPlan>,
        rs: Scope,
        op: &ast::SetOperator,
        quantifier: &ast::SetQuantifier,
    ) -> Result<Planned> {
        let visible = |s: &Scope| s.columns.iter().filter(|c| !c.hidden).count();
        if visible(&ls) != visible(&rs) {
            return Err(SharkError::analysis(format!(
                "Schema of both sides of {op} must match: {} columns on the left, {} on the right",
                visible(&ls),
                visible(&rs)
            )));
        }
        let mut types = Vec::new();
        for (a, b) in ls.columns.iter().zip(&rs.columns) {
            types.push(
                crate::types::common_type(&a.data_type, &b.data_type).ok_or_else(|| {
                    SharkError::analysis(format!(
                        "{op}: column {} has types {} and {}",
                        a.name,
                        crate::types::type_name(&a.data_type),
                        crate::types::type_name(&b.data_type)
                    ))
                })?,
            );
        }
        let names: Vec<(String, DataType)> = ls
            .columns
            .iter()
            .zip(&types)
            .map(|(c, t)| {
                (
                    c.name.clone(),
                    if *t == DataType::Null {
                        DataType::Utf8
                    } else {
                        t.clone()
                    },
                )
            })
            .collect();
        let schema = schema_of(&names);
        let conform = |p: Arc<LogicalPlan>, s: &Scope| -> Arc<LogicalPlan> {
            let exprs = s
                .columns
                .iter()
                .enumerate()
                .zip(&names)
                .map(|((i, c), (_, t))| {
                    Expr::column(i, c.name.clone(), c.data_type.clone()).cast_to(t)
                })
                .collect();
            Arc::new(LogicalPlan::Project {
                input: p,
                exprs,
                schema: schema.clone(),
            })
        };
        let (l, r) = (conform(l, &ls), conform(r, &rs));
        let scope = Scope::from_schema(&schema, None);
        let distinct = !matches!(quantifier, ast::SetQuantifier::All);
        let plan = match op {
            ast::SetOperator::Union => {
                let union = Arc::new(LogicalPlan::Union {
                    inputs: vec![l, r],
                    schema: schema.clone(),
                });
                if distinct {
                    distinct_of(union)
                } else {
                    union
                }
            }
            ast::SetOperator::Intersect | ast::SetOperator::Except | ast::SetOperator::Minus
                if !distinct =>
            {
                // Count each row on both sides, then repeat it min(l, r)
                // times (INTERSECT ALL) or l - r times (EXCEPT ALL).
                let width = names.len();
                let tag = |p: Arc<LogicalPlan>, l: i64, r: i64| -> Arc<LogicalPlan> {
                    let mut exprs: Vec<Expr> = names
                        .iter()
                        .enumerate()
                        .map(|(i, (n, t))| Expr::column(i, n.clone(), t.clone()))
                        .collect();
                    exprs.push(Expr::Literal(ScalarValue::Int64(l)));
                    exprs.push(Expr::Literal(ScalarValue::Int64(r)));
                    let mut cols = names.clone();
                    cols.push(("_l".into(), DataType::Int64));
                    cols.push(("_r".into(), DataType::Int64));
                    Arc::new(LogicalPlan::Project {
                        input: p,
                        exprs,
                        schema: schema_of(&cols),
                    })
                };
                let (tl, tr) = (tag(l, 1, 0), tag(r, 0, 1));
                let union_schema = tl.schema();
                let union = Arc::new(LogicalPlan::Union {
                    inputs: vec![tl, tr],
                    schema: union_schema,
                });
                let group: Vec<Expr> = names
                    .iter()
                    .enumerate()
                    .map(|(i, (n, t))| Expr::column(i, n.clone(), t.clone()))
                    .collect();
                let sum = |i: usize| AggExpr {
                    func: crate::plan::AggFunc::Sum,
                    args: vec![Expr::column(width + i, "_c", DataType::Int64)],
                    distinct: false,
                    data_type: DataType::Int64,
                };
                let mut cols = names.clone();
                cols.push(("_nl".into(), DataType::Int64));
                cols.push(("_nr".into(), DataType::Int64));
                let counted = Arc::new(LogicalPlan::Aggregate {
                    input: union,
                    group,
                    aggs: vec![sum(0), sum(1)],
                    schema: schema_of(&cols),
                });
                let (nl, nr) = (
                    Expr::column(width, "_nl", DataType::Int64),
                    Expr::column(width + 1, "_nr", DataType::Int64),
                );
                let times = if matches!(op, ast::SetOperator::Intersect) {
                    expr::call("least", vec![nl, nr])?
                } else {
                    expr::make_binary(BinaryOp::Minus, nl, nr)?
                };
                let repeated = Arc::new(LogicalPlan::Replicate {
                    input: counted,
                    times,
                });
                let exprs = names
                    .iter()
                    .enumerate()
                    .map(|(i, (n, t))| Expr::column(i, n.clone(), t.clone()))
                    .collect();
                Arc::new(LogicalPlan::Project {
                    input: repeated,
                    exprs,
                    schema: schema.clone(),
                })
            }
            ast::SetOperator::Intersect | ast::SetOperator::Except | ast::SetOperator::Minus => {
                let kind = if matches!(op, ast::SetOperator::Intersect) {
                    JoinKind::LeftSemi
                } else {
                    JoinKind::LeftAnti
                };
                let on = names
                    .iter()
                    .enumerate()
                    .map(|(i, (n, t))| {
                        (
                            Expr::column(i, n.clone(), t.clone()),
                            Expr::column(i, n.clone(), t.clone()),
                        )
                    })
                    .collect();
                let join = Arc::new(LogicalPlan::Join {
                    left: l,
                    right: r,
                    kind,
                    on,
                    filter: None,
                    null_safe: true,
                    null_aware: false,
                    broadcast_hint: false,
                    schema: schema.clone(),
                });
                distinct_of(join)
            }
        };
        Ok((plan, scope))
    }

    // ---------------------------------------------------------------- FROM

    fn plan_from(&mut self, from: &[ast::TableWithJoins]) -> Result<Planned> {
        let mut result: Option<Planned> = None;
        for twj in from {
            let next = self.plan_table_with_joins(twj)?;
            result = Some(match result {
                None => next,
                Some((lp, ls)) => {
                    let (rp, rs) = next;
                    check_distinct_aliases(&ls, &rs)?;
                    let schema = join_schema(&lp.schema(), &rp.schema(), JoinKind::Cross);
                    let broadcast_hint = self.is_broadcast(&rs);
                    (
                        Arc::new(LogicalPlan::Join {
                            left: lp,
                            right: rp,
                            kind: JoinKind::Cross,
                            on: vec![],
                            filter: None,
                            null_safe: false,
                            null_aware: false,
                            broadcast_hint,
                            schema,
                        }),
                        ls.concat(&rs),
                    )
                }
            });
        }
        Ok(result.unwrap_or_else(|| (Arc::new(LogicalPlan::OneRow), Scope::default())))
    }

    fn is_broadcast(&self, scope: &Scope) -> bool {
        scope
            .columns
            .iter()
            .filter_map(|c| c.qualifier.as_ref())
            .any(|q| self.broadcast.contains(q))
    }

    fn plan_table_with_joins(&mut self, twj: &ast::TableWithJoins) -> Result<Planned> {
        let (mut plan, mut scope) = self.plan_table_factor(&twj.relation)?;
        for join in &twj.joins {
            let (rp, rs) = self.plan_table_factor(&join.relation)?;
            use ast::JoinOperator as J;
            let (kind, constraint) = match &join.join_operator {
                J::Join(c) | J::Inner(c) => (JoinKind::Inner, Some(c)),
                J::Left(c) | J::LeftOuter(c) => (JoinKind::Left, Some(c)),
                J::Right(c) | J::RightOuter(c) => (JoinKind::Right, Some(c)),
                J::FullOuter(c) => (JoinKind::Full, Some(c)),
                J::CrossJoin(c) => (JoinKind::Cross, Some(c)),
                J::Semi(c) | J::LeftSemi(c) => (JoinKind::LeftSemi, Some(c)),
                J::Anti(c) | J::LeftAnti(c) => (JoinKind::LeftAnti, Some(c)),
                other => return Err(SharkError::unsupported(format!("join {other:?}"))),
            };
            check_distinct_aliases(&scope, &rs)?;
            let combined = scope.concat(&rs);
            let condition = match constraint {
                Some(ast::JoinConstraint::On(e)) => Some(expr::bind_simple(e, &combined)?),
                Some(ast::JoinConstraint::Using(names)) => {
                    let mut preds = Vec::new();
                    for n in names {
                        let name = n.to_string().to_ascii_lowercase();
                        let li = scope.resolve(None, &name)?.ok_or_else(|| {
                            SharkError::analysis(format!(
                                "USING column {name} not found on the left"
                            ))
                        })?;
                        let ri = rs.resolve(None, &name)?.ok_or_else(|| {
                            SharkError::analysis(format!(
                                "USING column {name} not found on the right"
                            ))
                        })?;
                        let lc = &scope.columns[li];
                        let rc = &rs.columns[ri];
                        preds.push(expr::make_binary(
                            BinaryOp::Eq,
                            Expr::column(li, name.clone(), lc.data_type.clone()),
                            Expr::column(scope.len() + ri, name, rc.data_type.clone()),
                        )?);
                    }
                    Some(Expr::and_all(preds))
                }
                Some(ast::JoinConstraint::None) | None => None,
                Some(other) => {
                    return Err(SharkError::unsupported(format!(
                        "join constraint {other:?}"
                    )))
                }
            };
            let broadcast_hint = self.is_broadcast(&rs);
            plan = build_join(plan, rp, kind, condition, scope.len(), broadcast_hint)?;
            scope = if matches!(kind, JoinKind::LeftSemi | JoinKind::LeftAnti) {
                scope
            } else {
                combined
            };
        }
        Ok((plan, scope))
    }

    fn plan_table_factor(&mut self, t: &TableFactor) -> Result<Planned> {
        match t {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                if args.is_some() {
                    return Err(SharkError::unsupported(format!("table function {name}")));
                }
                let parts: Vec<String> = name
                    .0
                    .iter()
                    .map(|p| p.to_string().trim_matches('`').to_ascii_lowercase())
                    .collect();
                let (plan, scope) = self.resolve_table(&parts, name)?;
                let qualifier = alias
                    .as_ref()
                    .map(|a| a.name.value.to_ascii_lowercase())
                    .unwrap_or_else(|| parts.last().cloned().unwrap_or_default());
                let (plan, scope) = match alias {
                    Some(a) => rename_columns(plan, scope, a)?,
                    None => (plan, scope),
                };
                Ok((plan, scope.with_qualifier(&qualifier)))
            }
            TableFactor::Derived {
                subquery,
                alias,
                lateral,
                ..
            } => {
                if *lateral {
                    return Err(SharkError::unsupported("LATERAL subqueries"));
                }
                let (plan, scope) = self.plan_query(subquery)?;
                let scope = Scope {
                    columns: scope.columns.into_iter().filter(|c| !c.hidden).collect(),
                    outer_start: None,
                };
                match alias {
                    Some(a) => {
                        let (plan, scope) = rename_columns(plan, scope, a)?;
                        Ok((plan, scope.with_qualifier(&a.name.value)))
                    }
                    None => Ok((plan, scope)),
                }
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let (plan, scope) = self.plan_table_with_joins(table_with_joins)?;
                match alias {
                    Some(a) => Ok((plan, scope.with_qualifier(&a.name.value))),
                    None => Ok((plan, scope)),
                }
            }
            other => Err(SharkError::unsupported(format!("FROM item {other}"))),
        }
    }

    fn resolve_table(&mut self, parts: &[String], name: &ast::ObjectName) -> Result<Planned> {
        if parts.len() == 1 {
            if let Some((_, planned)) = self.ctes.iter().rev().find(|(n, _)| n == &parts[0]) {
                return Ok(planned.clone());
            }
        }
        let (db, table) = match parts {
            [t] => (self.database.clone(), t.clone()),
            [d, t] => (d.clone(), t.clone()),
            _ => return Err(SharkError::analysis(format!("invalid table name {name}"))),
        };
        if let Some(text) = self.catalog.view(&db, &table)? {
            // Views expand where they are used, in their own database.
            let stmt = crate::parse::parse_statement(&text, 1)?;
            let crate::parse::HiveStatement::Sql(stmt) = stmt else {
                return Err(SharkError::analysis(format!(
                    "view {db}.{table} is not a query"
                )));
            };
            let sqlparser::ast::Statement::Query(q) = *stmt else {
                return Err(SharkError::analysis(format!(
                    "view {db}.{table} is not a query"
                )));
            };
            let saved = std::mem::replace(&mut self.database, db.clone());
            let planned = self.plan_query(&q);
            self.database = saved;
            let (plan, scope) = planned?;
            let scope = Scope {
                columns: scope.columns.into_iter().filter(|c| !c.hidden).collect(),
                outer_start: None,
            };
            return Ok((plan, scope));
        }
        let source = self.catalog.table(&db, &table)?.ok_or_else(|| {
            let span = name
                .0
                .first()
                .and_then(|p| p.as_ident())
                .map(|i| i.span)
                .unwrap_or(sqlparser::tokenizer::Span::empty());
            SharkError::analysis_at(format!("Table not found '{}'", parts.join(".")), span)
        })?;
        let schema = source.schema();
        let scope = Scope::from_schema(&schema, Some(&table));
        Ok((
            Arc::new(LogicalPlan::Scan {
                table: format!("{db}.{table}"),
                source,
                projection: None,
                filters: vec![],
                schema,
            }),
            scope,
        ))
    }

    // -------------------------------------------------------------- SELECT

    fn plan_select(&mut self, select: &Select, order_by: &[ast::OrderByExpr]) -> Result<Planned> {
        if !select.lateral_views.is_empty() {
            return Err(SharkError::unsupported("LATERAL VIEW"));
        }
        let previous_hints = std::mem::take(&mut self.broadcast);
        for hint in &select.optimizer_hints {
            self.broadcast.extend(parse_mapjoin_hint(&hint.text));
        }
        let result = self.plan_select_inner(select, order_by);
        self.broadcast = previous_hints;
        result
    }

    fn plan_select_inner(
        &mut self,
        select: &Select,
        order_by: &[ast::OrderByExpr],
    ) -> Result<Planned> {
        let (mut plan, mut scope) = self.plan_from(&select.from)?;

        // WHERE: subquery conjuncts become joins, the rest a filter.
        if let Some(w) = &select.selection {
            let mut rest = Vec::new();
            for c in split_conjuncts(w) {
                if let Some((p, s)) = self.plan_subquery_conjunct(c, &plan, &scope)? {
                    plan = p;
                    scope = s;
                } else {
                    rest.push(c);
                }
            }
            if !rest.is_empty() {
                let mut subqueries = HashMap::new();
                for c in &rest {
                    (plan, scope) = self.plan_scalar_subqueries(c, plan, scope, &mut subqueries)?;
                }
                let mut preds = Vec::new();
                for c in rest {
                    preds.push(
                        bind(c, &mut BindCtx::plain(&scope, &subqueries))?
                            .cast_to(&DataType::Boolean),
                    );
                }
                plan = Arc::new(LogicalPlan::Filter {
                    input: plan,
                    predicate: Expr::and_all(preds),
                });
            }
        }

        // Scalar subqueries in the select list, HAVING and ORDER BY.
        let mut subqueries = HashMap::new();
        let mut select_exprs: Vec<&SqlExpr> = Vec::new();
        for item in &select.projection {
            match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    select_exprs.push(e)
                }
                _ => {}
            }
        }
        for e in select_exprs
            .iter()
            .copied()
            .chain(select.having.iter())
            .chain(order_by.iter().map(|o| &o.expr))
        {
            (plan, scope) = self.plan_scalar_subqueries(e, plan, scope, &mut subqueries)?;
        }

        let group_exprs: Vec<SqlExpr> = match &select.group_by {
            ast::GroupByExpr::Expressions(exprs, modifiers) => {
                if !modifiers.is_empty() {
                    return Err(SharkError::unsupported("GROUPING SETS, ROLLUP and CUBE"));
                }
                exprs.clone()
            }
            ast::GroupByExpr::All(_) => return Err(SharkError::unsupported("GROUP BY ALL")),
        };
        let aggregating = !group_exprs.is_empty()
            || select_exprs.iter().any(|e| contains_aggregate(e))
            || select.having.as_ref().is_some_and(contains_aggregate)
            || order_by.iter().any(|o| contains_aggregate(&o.expr));

        // The select list (and HAVING, ORDER BY) over either the input rows
        // or the aggregation's output.
        let mut items: Vec<(Expr, String, bool)> = Vec::new(); // (expr, name, from_wildcard)
        let mut windows = window::WindowCalls::new(&select.named_window)?;
        let post_scope: Scope;
        let mut post_plan = plan.clone();
        let mut agg_state: Option<(Vec<Expr>, Vec<AggExpr>)> = None;
        if aggregating {
            let mut group = self.bind_group_by(&group_exprs, select, &scope, &subqueries)?;
            // A scalar subquery's value is the same for every row it is
            // joined to, so it can be carried through the aggregation as a key.
            let mut extra_keys: Vec<Expr> = subqueries
                .values()
                .filter(|e| matches!(e, Expr::Column { .. }))
                .cloned()
                .collect();
            extra_keys.sort_by_key(|e| {
                if let Expr::Column { index, .. } = e {
                    *index
                } else {
                    0
                }
            });
            for k in extra_keys {
                if !group.contains(&k) {
                    group.push(k);
                }
            }
            let mut aggs: Vec<AggExpr> = Vec::new();
            let mut raw_items = Vec::new();
            for (i, item) in select.projection.iter().enumerate() {
                match item {
                    SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                        let mut cx = BindCtx {
                            scope: &scope,
                            aggs: Some(&mut aggs),
                            subqueries: &subqueries,
                            windows: Some(&mut windows),
                        };
                        let bound = bind(e, &mut cx)?;
                        raw_items.push((bound, item_name(item, i), false));
                    }
                    SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                        for (idx, c) in wildcard_columns(item, &scope)? {
                            raw_items.push((
                                Expr::column(idx, c.name.clone(), c.data_type.clone()),
                                c.name.clone(),
                                true,
                            ));
                        }
                    }
                    other => return Err(SharkError::unsupported(format!("select item {other}"))),
                }
            }
            let having = select
                .having
                .as_ref()
                .map(|h| {
                    let mut cx = BindCtx {
                        scope: &scope,
                        aggs: Some(&mut aggs),
                        subqueries: &subqueries,
                        windows: None,
                    };
                    bind(h, &mut cx)
                })
                .transpose()?;
            // ORDER BY expressions may add aggregates too; bind them now.
            let mut order_bound = Vec::new();
            for o in order_by {
                let mut cx = BindCtx {
                    scope: &scope,
                    aggs: Some(&mut aggs),
                    subqueries: &subqueries,
                    windows: None,
                };
                order_bound.push(bind(&o.expr, &mut cx).ok());
            }
            let ng = group.len();
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
            let agg_schema = schema_of(&cols);
            post_plan = Arc::new(LogicalPlan::Aggregate {
                input: plan.clone(),
                group: group.clone(),
                aggs: aggs.clone(),
                schema: agg_schema.clone(),
            });
            let rewrite = |e: Expr| rewrite_over_aggregate(e, &group, ng);
            for (e, name, w) in raw_items {
                items.push((rewrite(e)?, name, w));
            }
            if let Some(h) = having {
                post_plan = Arc::new(LogicalPlan::Filter {
                    input: post_plan,
                    predicate: rewrite(h)?.cast_to(&DataType::Boolean),
                });
            }
            let mut s = Scope::from_schema(&agg_schema, None);
            for c in &mut s.columns {
                c.hidden = true;
            }
            post_scope = s;
            agg_state = Some((group, aggs));
            let _ = order_bound;
        } else {
            if select.having.is_some() {
                return Err(SharkError::analysis(
                    "HAVING without GROUP BY or aggregates",
                ));
            }
            for (i, item) in select.projection.iter().enumerate() {
                match item {
                    SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                        let mut cx = BindCtx::plain(&scope, &subqueries);
                        cx.windows = Some(&mut windows);
                        let bound = bind(e, &mut cx)?;
                        items.push((bound, item_name(item, i), false));
                    }
                    SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                        for (idx, c) in wildcard_columns(item, &scope)? {
                            items.push((
                                Expr::column(idx, c.name.clone(), c.data_type.clone()),
                                c.name.clone(),
                                true,
                            ));
                        }
                    }
                    other => return Err(SharkError::unsupported(format!("select item {other}"))),
                }
            }
            post_scope = scope.clone();
        }

        // Window functions: computed above the rows (or groups) the select
        // list reads, their placeholders replaced by their columns.
        if !windows.is_empty() {
            if let Some((group, _)) = &agg_state {
                windows.rewrite(&mut |e| rewrite_over_aggregate(e, group, group.len()))?;
            }
            let (p, columns) = window::plan_windows(post_plan, windows);
            post_plan = p;
            for item in &mut items {
                item.0 = window::place_results(item.0.clone(), &columns);
            }
        }

        // Output names: Hive numbers unnamed expressions _c0, _c1...
        let visible = items.len();
        let distinct = matches!(select.distinct, Some(ast::Distinct::Distinct));
        if let Some(ast::Distinct::On(_)) = select.distinct {
            return Err(SharkError::unsupported("DISTINCT ON"));
        }

        // ORDER BY / SORT BY / CLUSTER BY / DISTRIBUTE BY keys: output
        // columns by alias or position first, else expressions over the
        // pre-projection rows (added as hidden columns).
        let mut sort_keys: Vec<SortKey> = Vec::new();
        let mut extra: Vec<Expr> = Vec::new();
        let output_names: Vec<String> = items.iter().map(|(_, n, _)| n.clone()).collect();
        let resolve_key = |this: &Self, e: &SqlExpr, extra: &mut Vec<Expr>| -> Result<Expr> {
            // By output name.
            if let SqlExpr::Identifier(id) = e {
                let name = id.value.to_ascii_lowercase();
                let hits: Vec<usize> = output_names
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n == name)
                    .map(|(i, _)| i)
                    .collect();
                if hits.len() == 1
                    || (hits.len() > 1 && hits.iter().all(|&h| items[h].0 == items[hits[0]].0))
                {
                    return Ok(Expr::column(hits[0], name, items[hits[0]].0.data_type()));
                }
            }
            // By position (Hive: hive.orderby.position.alias, on by default).
            if let SqlExpr::Value(v) = e {
                if let ast::Value::Number(n, _) = &v.value {
                    if this.setting_true("hive.orderby.position.alias", true) {
                        let pos: usize = n
                            .parse()
                            .map_err(|_| SharkError::analysis(format!("invalid position {n}")))?;
                        if pos == 0 || pos > visible {
                            return Err(SharkError::analysis(format!(
                                "ORDER BY position {pos} is not in the select list"
                            )));
                        }
                        return Ok(Expr::column(
                            pos - 1,
                            output_names[pos - 1].clone(),
                            items[pos - 1].0.data_type(),
                        ));
                    }
                }
            }
            // Any expression over the rows before projection.
            let bound = match &agg_state {
                Some((group, aggs)) => {
                    let mut aggs2 = aggs.clone();
                    let mut cx = BindCtx {
                        scope: &scope,
                        aggs: Some(&mut aggs2),
                        subqueries: &subqueries,
                        windows: None,
                    };
                    let b = bind(e, &mut cx)?;
                    if aggs2.len() != aggs.len() {
                        return Err(SharkError::analysis(
                            "ORDER BY uses an aggregate that is not computed",
                        ));
                    }
                    rewrite_over_aggregate(b, group, group.len())?
                }
                None => bind(e, &mut BindCtx::plain(&post_scope, &subqueries))?,
            };
            if let Some(i) = items.iter().position(|(x, _, _)| *x == bound) {
                return Ok(Expr::column(i, output_names[i].clone(), bound.data_type()));
            }
            if let Some(j) = extra.iter().position(|x| *x == bound) {
                return Ok(Expr::column(
                    visible + j,
                    format!("_o{j}"),
                    bound.data_type(),
                ));
            }
            extra.push(bound.clone());
            Ok(Expr::column(
                visible + extra.len() - 1,
                format!("_o{}", extra.len() - 1),
                bound.data_type(),
            ))
        };
        for o in order_by {
            let key = resolve_key(self, &o.expr, &mut extra)?;
            sort_keys.push(sort_key(key, &o.options));
        }
        let mut local_keys = Vec::new();
        for o in &select.sort_by {
            let key = resolve_key(self, &o.expr, &mut extra)?;
            local_keys.push(sort_key(key, &o.options));
        }
        let mut distribute_keys = Vec::new();
        for e in select.distribute_by.iter().chain(select.cluster_by.iter()) {
            distribute_keys.push(resolve_key(self, e, &mut extra)?);
        }
        for e in &select.cluster_by {
            let key = resolve_key(self, e, &mut extra)?;
            local_keys.push(SortKey {
                expr: key,
                asc: true,
                nulls_first: true,
            });
        }
        if distinct && !extra.is_empty() {
            return Err(SharkError::analysis(
                "with SELECT DISTINCT, ORDER BY expressions must appear in the select list",
            ));
        }

        let mut exprs: Vec<Expr> = items.iter().map(|(e, _, _)| e.clone()).collect();
        exprs.extend(extra.iter().cloned());
        let mut cols: Vec<(String, DataType)> = items
            .iter()
            .map(|(e, n, _)| (n.clone(), e.data_type()))
            .collect();
        cols.extend(
            extra
                .iter()
                .enumerate()
                .map(|(j, e)| (format!("_o{j}"), e.data_type())),
        );
        let schema = schema_of(&cols);
        let mut out: Arc<LogicalPlan> = Arc::new(LogicalPlan::Project {
            input: post_plan,
            exprs,
            schema: schema.clone(),
        });
        if distinct {
            out = distinct_of(out);
        }
        if !distribute_keys.is_empty() {
            out = Arc::new(LogicalPlan::Distribute {
                input: out,
                keys: distribute_keys,
            });
        }
        if !local_keys.is_empty() {
            out = Arc::new(LogicalPlan::LocalSort {
                input: out,
                keys: local_keys,
            });
        }
        if !sort_keys.is_empty() {
            out = Arc::new(LogicalPlan::Sort {
                input: out,
                keys: sort_keys,
                fetch: None,
            });
        }
        if !extra.is_empty() {
            let keep: Vec<Expr> = cols[..visible]
                .iter()
                .enumerate()
                .map(|(i, (n, t))| Expr::column(i, n.clone(), t.clone()))
                .collect();
            let schema = schema_of(&cols[..visible]);
            out = Arc::new(LogicalPlan::Project {
                input: out,
                exprs: keep,
                schema,
            });
        }
        let out_scope = Scope::from_schema(&schema_of(&cols[..visible]), None);
        Ok((out, out_scope))
    }

    fn bind_group_by(
        &self,
        group_exprs: &[SqlExpr],
        select: &Select,
        scope: &Scope,
        subqueries: &HashMap<usize, Expr>,
    ) -> Result<Vec<Expr>> {
        let mut group = Vec::new();
        for g in group_exprs {
            // GROUP BY position, when enabled as in Hive.
            if let SqlExpr::Value(v) = g {
                if let ast::Value::Number(n, _) = &v.value {
                    if self.setting_true("hive.groupby.position.alias", false) {
                        let pos: usize = n.parse().unwrap_or(0);
                        let item = select.projection.get(pos.wrapping_sub(1)).ok_or_else(|| {
                            SharkError::analysis(format!(
                                "GROUP BY position {pos} is not in the select list"
                            ))
                        })?;
                        if let SelectItem::UnnamedExpr(e)
                        | SelectItem::ExprWithAlias { expr: e, .. } = item
                        {
                            group.push(bind(e, &mut BindCtx::plain(scope, subqueries))?);
                            continue;
                        }
                    }
                }
            }
            match bind(g, &mut BindCtx::plain(scope, subqueries)) {
                Ok(e) => group.push(e),
                Err(err) => {
                    // A select alias (as Spark allows) when no column has the name.
                    if let SqlExpr::Identifier(id) = g {
                        let alias = id.value.to_ascii_lowercase();
                        let found = select.projection.iter().find_map(|item| match item {
                            SelectItem::ExprWithAlias { expr, alias: a }
                                if a.value.to_ascii_lowercase() == alias =>
                            {
                                Some(expr)
                            }
                            _ => None,
                        });
                        if let Some(e) = found {
                            if !contains_aggregate(e) {
                                group.push(bind(e, &mut BindCtx::plain(scope, subqueries))?);
                                continue;
                            }
                        }
                    }
                    return Err(err);
                }
            }
        }
        Ok(group)
    }

    fn output_sort_keys(
        &self,
        order_by: &[ast::OrderByExpr],
        scope: &Scope,
    ) -> Result<Vec<SortKey>> {
        let mut keys = Vec::new();
        for o in order_by {
            let e = match &o.expr {
                SqlExpr::Value(v) if matches!(v.value, ast::Value::Number(_, _)) => {
                    let ast::Value::Number(n, _) = &v.value else {
                        unreachable!()
                    };
                    let pos: usize = n.parse().unwrap_or(0);
                    if pos == 0 || pos > scope.len() {
                        return Err(SharkError::analysis(format!(
                            "ORDER BY position {pos} is not in the select list"
                        )));
                    }
                    let c = &scope.columns[pos - 1];
                    Expr::column(pos - 1, c.name.clone(), c.data_type.clone())
                }
                other => {
                    // Qualified names refer to the output columns by name.
                    let unqualified = match other {
                        SqlExpr::CompoundIdentifier(parts) => {
                            SqlExpr::Identifier(parts[parts.len() - 1].clone())
                        }
                        e => e.clone(),
                    };
                    expr::bind_simple(&unqualified, scope)?
                }
            };
            keys.push(sort_key(e, &o.options));
        }
        Ok(keys)
    }
}

pub(crate) fn sort_key(expr: Expr, options: &ast::OrderByOptions) -> SortKey {
    let asc = !matches!(options.sort, Some(ast::OrderBySort::Desc));
    SortKey {
        expr,
        asc,
        // Hive: NULLs first when ascending, last when descending.
        nulls_first: options.nulls_first.unwrap_or(asc),
    }
}

fn parse_mapjoin_hint(text: &str) -> Vec<String> {
    let upper = text.to_ascii_uppercase();
    let mut out = Vec::new();
    let mut rest = upper.as_str();
    while let Some(pos) = rest.find("MAPJOIN(") {
        let after = &rest[pos + 8..];
        if let Some(end) = after.find(')') {
            out.extend(
                after[..end]
                    .split(',')
                    .map(|s| s.trim().to_ascii_lowercase())
                    .filter(|s| !s.is_empty()),
            );
            rest = &after[end..];
        } else {
            break;
        }
    }
    out
}

fn item_name(item: &SelectItem, i: usize) -> String {
    match item {
        SelectItem::ExprWithAlias { alias, .. } => alias.value.to_ascii_lowercase(),
        SelectItem::UnnamedExpr(SqlExpr::Identifier(id)) => id.value.to_ascii_lowercase(),
        SelectItem::UnnamedExpr(SqlExpr::CompoundIdentifier(parts)) => {
            parts[parts.len() - 1].value.to_ascii_lowercase()
        }
        _ => format!("_c{i}"),
    }
}

fn wildcard_columns<'s>(
    item: &SelectItem,
    scope: &'s Scope,
) -> Result<Vec<(usize, &'s ScopeColumn)>> {
    match item {
        SelectItem::Wildcard(_) => Ok(scope
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.hidden)
            .collect()),
        SelectItem::QualifiedWildcard(kind, _) => {
            let q = match kind {
                ast::SelectItemQualifiedWildcardKind::ObjectName(n) => {
                    n.0.last()
                        .map(|p| p.to_string().trim_matches('`').to_ascii_lowercase())
                        .unwrap_or_default()
                }
                ast::SelectItemQualifiedWildcardKind::Expr(e) => e.to_string().to_ascii_lowercase(),
            };
            if !scope.has_qualifier(&q) {
                return Err(SharkError::analysis(format!("Invalid table alias '{q}'")));
            }
            Ok(scope
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.hidden && c.qualifier.as_deref() == Some(q.as_str()))
                .collect())
        }
        _ => Ok(vec![]),
    }
}

/// Two FROM items may not share an alias.
fn check_distinct_aliases(left: &Scope, right: &Scope) -> Result<()> {
    let lq: std::collections::HashSet<&str> = left
        .columns
        .iter()
        .filter_map(|c| c.qualifier.as_deref())
        .collect();
    if let Some(q) = right
        .columns
        .iter()
        .filter_map(|c| c.qualifier.as_deref())
        .find(|q| lq.contains(q))
    {
        return Err(SharkError::analysis(format!(
            "Ambiguous table alias '{q}': two FROM items have this name"
        )));
    }
    Ok(())
}

/// Renames a relation's columns to `alias(a, b, ...)` when given.
fn rename_columns(
    plan: Arc<LogicalPlan>,
    scope: Scope,
    alias: &ast::TableAlias,
) -> Result<Planned> {
    if alias.columns.is_empty() {
        return Ok((plan, scope));
    }
    if alias.columns.len() != scope.len() {
        return Err(SharkError::analysis(format!(
            "alias {} names {} columns, the relation has {}",
            alias.name,
            alias.columns.len(),
            scope.len()
        )));
    }
    let cols: Vec<(String, DataType)> = alias
        .columns
        .iter()
        .zip(&scope.columns)
        .map(|(a, c)| (a.name.value.to_ascii_lowercase(), c.data_type.clone()))
        .collect();
    let schema = schema_of(&cols);
    let exprs = scope
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| Expr::column(i, c.name.clone(), c.data_type.clone()))
        .collect();
    let plan = Arc::new(LogicalPlan::Project {
        input: plan,
        exprs,
        schema: schema.clone(),
    });
    Ok((plan, Scope::from_schema(&schema, None)))
}

/// `SELECT DISTINCT`: an aggregation on every column.
pub(crate) fn distinct_of(input: Arc<LogicalPlan>) -> Arc<LogicalPlan> {
    let schema = input.schema();
    let group = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| Expr::column(i, f.name().clone(), f.data_type().clone()))
        .collect();
    Arc::new(LogicalPlan::Aggregate {
        input,
        group,
        aggs: vec![],
        schema,
    })
}

/// Splits `a AND b AND c` (SQL AST) into its conjuncts.
pub(crate) fn split_conjuncts(e: &SqlExpr) -> Vec<&SqlExpr> {
    match e {
        SqlExpr::BinaryOp {
            left,
            op: ast::BinaryOperator::And,
            right,
        } => {
            let mut v = split_conjuncts(left);
            v.extend(split_conjuncts(right));
            v
        }
        SqlExpr::Nested(inner)
            if matches!(
                inner.as_ref(),
                SqlExpr::BinaryOp {
                    op: ast::BinaryOperator::And,
                    ..
                }
            ) =>
        {
            split_conjuncts(inner)
        }
        other => vec![other],
    }
}

/// Maps a select-list expression bound over the aggregate's input onto the
/// aggregate's output: group expressions become their group column,
/// aggregate placeholders their aggregate column; any other column is an
/// error (it is neither grouped nor aggregated).
pub(crate) fn rewrite_over_aggregate(e: Expr, group: &[Expr], ng: usize) -> Result<Expr> {
    if let Some(i) = group.iter().position(|g| *g == e) {
        return Ok(Expr::column(i, format!("_g{i}"), e.data_type()));
    }
    match e {
        Expr::Column {
            index,
            name,
            data_type,
        } if index >= AGG_BASE => Ok(Expr::column(ng + index - AGG_BASE, name, data_type)),
        // Window results are placed later, above the aggregation.
        Expr::Column { index, .. } if index >= window::WIN_BASE => Ok(e),
        Expr::Column { name, .. } => Err(SharkError::analysis(format!(
            "Expression not in GROUP BY key '{name}'"
        ))),
        Expr::Literal(_) => Ok(e),
        other => map_children(other, &mut |c| rewrite_over_aggregate(c, group, ng)),
    }
}

/// Rebuilds a node with each child replaced by `f(child)`.
pub(crate) fn map_children(e: Expr, f: &mut dyn FnMut(Expr) -> Result<Expr>) -> Result<Expr> {
    Ok(match e {
        Expr::Binary {
            op,
            left,
            right,
            data_type,
        } => Expr::Binary {
            op,
            left: Box::new(f(*left)?),
            right: Box::new(f(*right)?),
            data_type,
        },
        Expr::Not(x) => Expr::Not(Box::new(f(*x)?)),
        Expr::Negative(x) => Expr::Negative(Box::new(f(*x)?)),
        Expr::BitNot(x) => Expr::BitNot(Box::new(f(*x)?)),
        Expr::IsNull { expr, negated } => Expr::IsNull {
            expr: Box::new(f(*expr)?),
            negated,
        },
        Expr::Cast { expr, to } => Expr::Cast {
            expr: Box::new(f(*expr)?),
            to,
        },
        Expr::Case {
            branches,
            else_expr,
            data_type,
        } => Expr::Case {
            branches: branches
                .into_iter()
                .map(|(c, r)| Ok((f(c)?, f(r)?)))
                .collect::<Result<_>>()?,
            else_expr: else_expr.map(|x| f(*x).map(Box::new)).transpose()?,
            data_type,
        },
        Expr::InList {
            expr,
            list,
            negated,
        } => Expr::InList {
            expr: Box::new(f(*expr)?),
            list: list.into_iter().map(&mut *f).collect::<Result<_>>()?,
            negated,
        },
        Expr::Like {
            expr,
            pattern,
            negated,
            kind,
        } => Expr::Like {
            expr: Box::new(f(*expr)?),
            pattern: Box::new(f(*pattern)?),
            negated,
            kind,
        },
        Expr::Function {
            func,
            args,
            data_type,
        } => Expr::Function {
            func,
            args: args.into_iter().map(&mut *f).collect::<Result<_>>()?,
            data_type,
        },
        leaf => leaf,
    })
}

/// Builds a join from a bound ON condition (over left ++ right columns):
/// `left = right` conjuncts become keys, the rest the join's filter.
pub(crate) fn build_join(
    left: Arc<LogicalPlan>,
    right: Arc<LogicalPlan>,
    mut kind: JoinKind,
    condition: Option<Expr>,
    left_width: usize,
    broadcast_hint: bool,
) -> Result<Arc<LogicalPlan>> {
    let mut on = Vec::new();
    let mut rest = Vec::new();
    if let Some(c) = condition {
        for conj in crate::optimize::factor_or(c).conjuncts() {
            match split_equi(&conj, left_width) {
                Some(pair) => on.push(pair),
                None => rest.push(conj),
            }
        }
    }
    if kind == JoinKind::Inner && on.is_empty() {
        kind = JoinKind::Cross;
    }
    if kind == JoinKind::Cross && !on.is_empty() {
        kind = JoinKind::Inner;
    }
    let schema = join_schema(&left.schema(), &right.schema(), kind);
    Ok(Arc::new(LogicalPlan::Join {
        left,
        right,
        kind,
        on,
        filter: (!rest.is_empty()).then(|| Expr::and_all(rest)),
        null_safe: false,
        null_aware: false,
        broadcast_hint,
        schema,
    }))
}

/// A join from already split keys and residual predicates.
pub(crate) fn build_join_with(
    left: Arc<LogicalPlan>,
    right: Arc<LogicalPlan>,
    kind: JoinKind,
    on: Vec<(Expr, Expr)>,
    residual: Vec<Expr>,
    null_aware: bool,
) -> Arc<LogicalPlan> {
    let schema = join_schema(&left.schema(), &right.schema(), kind);
    Arc::new(LogicalPlan::Join {
        left,
        right,
        kind,
        on,
        filter: (!residual.is_empty()).then(|| Expr::and_all(residual)),
        null_safe: false,
        null_aware,
        broadcast_hint: false,
        schema,
    })
}

/// `l = r` with `l` over left columns only and `r` over right columns only
/// (either order): the key pair, right side re-based to the right input.
pub(crate) fn split_equi(e: &Expr, left_width: usize) -> Option<(Expr, Expr)> {
    let Expr::Binary {
        op: BinaryOp::Eq,
        left,
        right,
        ..
    } = e
    else {
        return None;
    };
    let side = |x: &Expr| -> Option<bool> {
        let mut cols = Vec::new();
        x.columns(&mut cols);
        if cols.is_empty() {
            return None;
        }
        if cols.iter().all(|&c| c < left_width) {
            Some(true)
        } else if cols.iter().all(|&c| c >= left_width) {
            Some(false)
        } else {
            None
        }
    };
    let rebase = |x: Expr| x.remap_columns(&|c| c - left_width);
    match (side(left)?, side(right)?) {
        (true, false) => Some((*left.clone(), rebase(*right.clone()))),
        (false, true) => Some((*right.clone(), rebase(*left.clone()))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::expr::number_literal;
    use crate::scalar::ScalarValue;

    #[test]
    fn hive_literal_types() {
        assert_eq!(number_literal("1").unwrap(), ScalarValue::Int32(1));
        assert_eq!(
            number_literal("3000000000").unwrap(),
            ScalarValue::Int64(3_000_000_000)
        );
        assert_eq!(number_literal("0.1").unwrap(), ScalarValue::Float64(0.1));
        assert_eq!(number_literal("10L").unwrap(), ScalarValue::Int64(10));
        assert_eq!(number_literal("7Y").unwrap(), ScalarValue::Int8(7));
        assert_eq!(
            number_literal("1.50BD").unwrap(),
            ScalarValue::Decimal128(150, 3, 2)
        );
    }

    #[test]
    fn mapjoin_hints_parse() {
        assert_eq!(
            super::parse_mapjoin_hint(" MAPJOIN(b, c) STREAMTABLE(a) "),
            vec!["b", "c"]
        );
    }
}
