//! The analyzer: HiveQL queries (sqlparser's AST) to logical plans, with
//! Hive's name resolution, implicit conversions and error messages.
//!
//! A SELECT is planned in SQL's logical order: FROM (with joins) → WHERE
//! (subquery conjuncts become semi/anti joins) → GROUP BY and aggregates →
//! HAVING → SELECT list → DISTINCT → ORDER BY / SORT BY / DISTRIBUTE BY →
//! LIMIT.

mod call;
pub mod expr;
mod grouping;
mod having;
mod lateral;
mod literal;
mod operators;
mod sample;
pub mod scope;
mod select;
mod subquery;
mod subquery_mark;
mod transform;
mod window;

pub(crate) use select::sort_key;

use crate::catalog::Catalog;
use crate::error::{Result, SharkError};
use crate::expr::rewrite::split_equi;
use crate::expr::{BinaryOp, Expr};
use crate::plan::{join_schema, schema_of, AggExpr, JoinKind, LogicalPlan, SortKey};
use crate::plan::{Aggregate, Join, Limit, Offset, Project, Replicate, Scan, Sort, Union};
use crate::scalar::ScalarValue;
use arrow::datatypes::DataType;
use expr::AGG_BASE;
use scope::Scope;
use sqlparser::ast::{self as ast, Expr as SqlExpr, Query, SetExpr, TableFactor};
use std::collections::BTreeMap;
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
    /// Whether TRANSFORM may run programs (shark-server's --allow-scripts).
    scripts_allowed: bool,
    /// Files added with ADD FILE, given to TRANSFORM scripts.
    script_files: Vec<std::path::PathBuf>,
}

impl<'a> Analyzer<'a> {
    /// An analyzer resolving unqualified tables in `database`.
    pub fn new(
        catalog: &'a dyn Catalog,
        database: &str,
        settings: &'a BTreeMap<String, String>,
    ) -> Self {
        // The session's time zone, for the functions that read the clock
        // or convert to and from epoch seconds (Hive's local time zone).
        let zone = settings
            .get("hive.local.time.zone")
            .filter(|z| !z.eq_ignore_ascii_case("LOCAL") && !z.trim().is_empty())
            .cloned()
            .or_else(|| std::env::var("TZ").ok().filter(|z| !z.trim().is_empty()));
        call::set_session_zone(zone);
        Analyzer {
            catalog,
            database: database.to_ascii_lowercase(),
            settings,
            ctes: Vec::new(),
            broadcast: Vec::new(),
            scripts_allowed: true,
            script_files: Vec::new(),
        }
    }

    /// The files ADD FILE added, which TRANSFORM scripts find in their folder.
    pub fn with_script_files(mut self, files: Vec<std::path::PathBuf>) -> Self {
        self.script_files = files;
        self
    }

    /// Whether TRANSFORM scripts may run (they do unless a front end says no).
    pub fn with_scripts(mut self, allowed: bool) -> Self {
        self.scripts_allowed = allowed;
        self
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
        let (limit, skip) = self.limit(q)?;
        let (mut plan, scope) = match q.body.as_ref() {
            SetExpr::Select(select) => self.plan_select(select, &order_by)?,
            other => {
                let (plan, scope) = self.plan_set_expr(other)?;
                if order_by.is_empty() {
                    (plan, scope)
                } else {
                    let keys = self.output_sort_keys(&order_by, &scope)?;
                    (
                        Arc::new(LogicalPlan::Sort(Sort {
                            input: plan,
                            keys,
                            fetch: None,
                        })),
                        scope,
                    )
                }
            }
        };
        // With an offset, the first `skip` of the first `skip + n` go.
        let limit = limit.map(|n| n.saturating_add(skip));
        if let Some(n) = limit {
            plan = Arc::new(match plan.as_ref() {
                LogicalPlan::Sort(Sort {
                    input,
                    keys,
                    fetch: None,
                }) => LogicalPlan::Sort(Sort {
                    input: input.clone(),
                    keys: keys.clone(),
                    fetch: Some(n),
                }),
                _ => LogicalPlan::Limit(Limit {
                    input: plan,
                    fetch: n,
                }),
            });
        }
        if skip > 0 {
            plan = Arc::new(LogicalPlan::Offset(Offset { input: plan, skip }));
        }
        Ok((plan, scope))
    }

    /// LIMIT's row count (if any) and OFFSET's rows to skip.
    fn limit(&self, q: &Query) -> Result<(Option<usize>, usize)> {
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
            None => Ok((None, 0)),
            Some(ast::LimitClause::LimitOffset { limit, offset, .. }) => {
                let skip = match offset {
                    Some(o) => as_count(&o.value)?,
                    None => 0,
                };
                Ok((limit.as_ref().map(as_count).transpose()?, skip))
            }
            Some(ast::LimitClause::OffsetCommaLimit { offset, limit }) => {
                Ok((Some(as_count(limit)?), as_count(offset)?))
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
                        Arc::new(LogicalPlan::Project(Project {
                            input: Arc::new(LogicalPlan::OneRow),
                            exprs: r
                                .into_iter()
                                .zip(&types)
                                .map(|(e, t)| e.cast_to(t))
                                .collect(),
                            schema: schema.clone(),
                        }))
                    })
                    .collect();
                let plan = Arc::new(LogicalPlan::Union(Union {
                    inputs,
                    schema: schema.clone(),
                }));
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
            Arc::new(LogicalPlan::Project(Project {
                input: p,
                exprs,
                schema: schema.clone(),
            }))
        };
        let (l, r) = (conform(l, &ls), conform(r, &rs));
        let scope = Scope::from_schema(&schema, None);
        let distinct = !matches!(quantifier, ast::SetQuantifier::All);
        let plan = match op {
            ast::SetOperator::Union => {
                let union = Arc::new(LogicalPlan::Union(Union {
                    inputs: vec![l, r],
                    schema: schema.clone(),
                }));
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
                    Arc::new(LogicalPlan::Project(Project {
                        input: p,
                        exprs,
                        schema: schema_of(&cols),
                    }))
                };
                let (tl, tr) = (tag(l, 1, 0), tag(r, 0, 1));
                let union_schema = tl.schema();
                let union = Arc::new(LogicalPlan::Union(Union {
                    inputs: vec![tl, tr],
                    schema: union_schema,
                }));
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
                let counted = Arc::new(LogicalPlan::Aggregate(Aggregate {
                    input: union,
                    group,
                    aggs: vec![sum(0), sum(1)],
                    schema: schema_of(&cols),
                }));
                let (nl, nr) = (
                    Expr::column(width, "_nl", DataType::Int64),
                    Expr::column(width + 1, "_nr", DataType::Int64),
                );
                let times = if matches!(op, ast::SetOperator::Intersect) {
                    expr::call("least", vec![nl, nr])?
                } else {
                    expr::make_binary(BinaryOp::Minus, nl, nr)?
                };
                let repeated = Arc::new(LogicalPlan::Replicate(Replicate {
                    input: counted,
                    times,
                }));
                let exprs = names
                    .iter()
                    .enumerate()
                    .map(|(i, (n, t))| Expr::column(i, n.clone(), t.clone()))
                    .collect();
                Arc::new(LogicalPlan::Project(Project {
                    input: repeated,
                    exprs,
                    schema: schema.clone(),
                }))
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
                let join = Arc::new(LogicalPlan::Join(Join {
                    left: l,
                    right: r,
                    kind,
                    on,
                    filter: None,
                    null_safe: true,
                    null_aware: false,
                    broadcast_hint: false,
                    schema: schema.clone(),
                }));
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
                        Arc::new(LogicalPlan::Join(Join {
                            left: lp,
                            right: rp,
                            kind: JoinKind::Cross,
                            on: vec![],
                            filter: None,
                            null_safe: false,
                            null_aware: false,
                            broadcast_hint,
                            schema,
                        })),
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
                name,
                alias,
                args,
                sample,
                ..
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
                // Never ignored: a sample read as the whole table is a wrong
                // answer (what is not supported is an error).
                let (plan, scope) = match sample {
                    Some(
                        ast::TableSampleKind::BeforeTableAlias(s)
                        | ast::TableSampleKind::AfterTableAlias(s),
                    ) => {
                        let table = parts.last().cloned().unwrap_or_default();
                        let db = match parts.as_slice() {
                            [d, _] => d.clone(),
                            _ => self.database.clone(),
                        };
                        self.plan_sample(s, (&db, &table), plan, scope)?
                    }
                    None => (plan, scope),
                };
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
                let mut scope = Scope {
                    columns: scope.columns.into_iter().filter(|c| !c.hidden).collect(),
                    outer_start: None,
                };
                // UNIQUEJOIN's presence markers are not the user's columns.
                for c in &mut scope.columns {
                    c.hidden |= c.name == crate::parse::UNIQUEJOIN_MARKER;
                }
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
        if !crate::virtual_columns::supported(source.as_ref()) {
            let mut scope = Scope::from_schema(&schema, Some(&table));
            for (i, n) in source.char_columns() {
                if let Some(c) = scope.columns.get_mut(i) {
                    c.char_width = Some(n);
                }
            }
            return Ok((
                Arc::new(LogicalPlan::Scan(Scan {
                    table: format!("{db}.{table}"),
                    source,
                    projection: None,
                    filters: vec![],
                    schema,
                })),
                scope,
            ));
        }
        // A stored table also offers Hive's virtual columns, hidden from
        // `*`; pruning drops them unless the query names them.
        let width = schema.fields().len();
        let mut fields: Vec<arrow::datatypes::Field> =
            schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        fields.extend(crate::virtual_columns::fields());
        let with_virtual = Arc::new(arrow::datatypes::Schema::new(fields));
        let mut scope = Scope::from_schema(&with_virtual, Some(&table));
        for c in &mut scope.columns[width..] {
            c.hidden = true;
        }
        for (i, n) in source.char_columns() {
            if let Some(c) = scope.columns.get_mut(i) {
                c.char_width = Some(n);
            }
        }
        if let crate::table::SourceDescriptor::Hive(h) = source.descriptor() {
            if h.partitions.is_some() {
                let data = h.data_schema.fields().len();
                for c in &mut scope.columns[data..width] {
                    c.partition_key = true;
                }
            }
        }
        Ok((
            Arc::new(LogicalPlan::Scan(Scan {
                table: format!("{db}.{table}"),
                source,
                projection: Some((0..width + 2).collect()),
                filters: vec![],
                schema: with_virtual,
            })),
            scope,
        ))
    }

    // -------------------------------------------------------------- SELECT

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
    let plan = Arc::new(LogicalPlan::Project(Project {
        input: plan,
        exprs,
        schema: schema.clone(),
    }));
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
    Arc::new(LogicalPlan::Aggregate(Aggregate {
        input,
        group,
        aggs: vec![],
        schema,
    }))
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
        for conj in crate::expr::rewrite::factor_or(c).conjuncts() {
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
    Ok(Arc::new(LogicalPlan::Join(Join {
        left,
        right,
        kind,
        on,
        filter: (!rest.is_empty()).then(|| Expr::and_all(rest)),
        null_safe: false,
        null_aware: false,
        broadcast_hint,
        schema,
    })))
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
    Arc::new(LogicalPlan::Join(Join {
        left,
        right,
        kind,
        on,
        filter: (!residual.is_empty()).then(|| Expr::and_all(residual)),
        null_safe: false,
        null_aware,
        broadcast_hint: false,
        schema,
    }))
}

#[cfg(test)]
mod tests {
    use super::literal::number_literal;
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
            super::select::parse_mapjoin_hint(" MAPJOIN(b, c) STREAMTABLE(a) "),
            vec!["b", "c"]
        );
    }
}
