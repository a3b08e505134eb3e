//! A SELECT block: FROM, WHERE, GROUP BY and aggregates, HAVING, window
//! functions, the select list, DISTINCT and the ORDER / SORT / DISTRIBUTE /
//! CLUSTER BY keys, in SQL's logical order.

use super::expr::{bind, contains_aggregate, BindCtx};
use super::scope::{Scope, ScopeColumn};
use super::{distinct_of, rewrite_over_aggregate, split_conjuncts, Analyzer, Planned};
use super::{grouping, lateral, window};
use crate::error::{Result, SharkError};
use crate::expr::Expr;
use crate::plan::{schema_of, AggExpr, LogicalPlan, SortKey};
use crate::plan::{Aggregate, Distribute, Filter, LocalSort, Project, Sort};
use arrow::datatypes::DataType;
use sqlparser::ast::{self as ast, Expr as SqlExpr, Select, SelectItem};
use std::collections::HashMap;
use std::sync::Arc;

impl Analyzer<'_> {
    pub(super) fn plan_select(
        &mut self,
        select: &Select,
        order_by: &[ast::OrderByExpr],
    ) -> Result<Planned> {
        if select.into.is_some() {
            return Err(SharkError::unsupported(
                "SELECT ... INTO (HiveQL has no SELECT INTO; use CREATE TABLE t AS SELECT ...)",
            ));
        }
        if let Some(rewritten) = lateral::select_generator(select)? {
            return self.plan_select(&rewritten, order_by);
        }
        if let Some(planned) = self.plan_script_select(select, order_by)? {
            return Ok(planned);
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
        // HAVING's IN / EXISTS subqueries are planned over the groups.
        let (select, having_subqueries) = super::having::split_having(select);
        let select = &select;
        let from = self.plan_from(&select.from)?;
        let (plan, scope) = self.plan_lateral_views(&select.lateral_views, from)?;
        let (plan, scope) = self.plan_where(select, plan, scope)?;
        let (plan, scope, subqueries) =
            self.plan_select_subqueries(select, order_by, plan, scope)?;
        let group_by = grouping::group_by(&select.group_by)?;
        let aggregating = !group_by.keys.is_empty()
            || group_by.sets.is_some()
            || select_exprs(select).iter().any(|e| contains_aggregate(e))
            || select.having.as_ref().is_some_and(contains_aggregate)
            || order_by.iter().any(|o| contains_aggregate(&o.expr));
        let mut windows = window::WindowCalls::new(&select.named_window)?;
        if !aggregating && !having_subqueries.is_empty() {
            return Err(SharkError::analysis(
                "HAVING without GROUP BY or aggregates",
            ));
        }
        let mut list = if aggregating {
            let mut list = self.bind_grouped_list(
                select,
                order_by,
                group_by,
                plan,
                &scope,
                &subqueries,
                &mut windows,
            )?;
            if !having_subqueries.is_empty() {
                let Some((group, _, None)) = &list.grouped else {
                    return Err(SharkError::unsupported(
                        "HAVING with IN or EXISTS subqueries over grouping sets",
                    ));
                };
                list.plan = self.plan_having_subqueries(
                    &having_subqueries,
                    list.plan.clone(),
                    &scope,
                    group,
                )?;
            }
            list
        } else {
            if select.having.is_some() {
                return Err(SharkError::analysis(
                    "HAVING without GROUP BY or aggregates",
                ));
            }
            bind_plain_list(select, plan, &scope, &subqueries, &mut windows)?
        };
        list.place_windows(windows)?;
        let distinct = matches!(select.distinct, Some(ast::Distinct::Distinct));
        if let Some(ast::Distinct::On(_)) = select.distinct {
            return Err(SharkError::unsupported("DISTINCT ON"));
        }
        let keys = self.output_keys(select, order_by, &list, &scope, &subqueries)?;
        if distinct && !keys.extra.is_empty() {
            return Err(SharkError::analysis(
                "with SELECT DISTINCT, ORDER BY expressions must appear in the select list",
            ));
        }
        list.char_casts = char_casts(select, &list.items);
        Ok(list.finish(keys, distinct))
    }

    /// WHERE: subquery conjuncts become joins, the rest a filter.
    fn plan_where(
        &mut self,
        select: &Select,
        mut plan: Arc<LogicalPlan>,
        mut scope: Scope,
    ) -> Result<Planned> {
        let Some(w) = &select.selection else {
            return Ok((plan, scope));
        };
        let mut rest = Vec::new();
        for c in split_conjuncts(w) {
            if let Some((p, s)) = self.plan_subquery_conjunct(c, &plan, &scope)? {
                plan = p;
                scope = s;
            } else {
                rest.push(c);
            }
        }
        if rest.is_empty() {
            return Ok((plan, scope));
        }
        let mut subqueries = HashMap::new();
        for c in &rest {
            (plan, scope) = self.plan_scalar_subqueries(c, plan, scope, &mut subqueries)?;
        }
        let mut preds = Vec::new();
        for c in rest {
            preds.push(
                bind(c, &mut BindCtx::plain(&scope, &subqueries))?.cast_to(&DataType::Boolean),
            );
        }
        let plan = Arc::new(LogicalPlan::Filter(Filter {
            input: plan,
            predicate: Expr::and_all(preds),
        }));
        Ok((plan, scope))
    }

    /// Scalar subqueries in the select list, HAVING and ORDER BY, joined to
    /// the rows; the map says which column holds each one's value.
    fn plan_select_subqueries(
        &mut self,
        select: &Select,
        order_by: &[ast::OrderByExpr],
        mut plan: Arc<LogicalPlan>,
        mut scope: Scope,
    ) -> Result<(Arc<LogicalPlan>, Scope, HashMap<usize, Expr>)> {
        let mut subqueries = HashMap::new();
        for e in select_exprs(select)
            .into_iter()
            .chain(select.having.iter())
            .chain(order_by.iter().map(|o| &o.expr))
        {
            (plan, scope) = self.plan_scalar_subqueries(e, plan, scope, &mut subqueries)?;
        }
        Ok((plan, scope, subqueries))
    }

    /// GROUP BY (and grouping sets), the aggregates of the select list,
    /// HAVING and ORDER BY, and the select list over the groups.
    fn bind_grouped_list(
        &mut self,
        select: &Select,
        order_by: &[ast::OrderByExpr],
        group_by: grouping::GroupBy,
        plan: Arc<LogicalPlan>,
        scope: &Scope,
        subqueries: &HashMap<usize, Expr>,
        windows: &mut window::WindowCalls,
    ) -> Result<SelectList> {
        let mut group = self.bind_group_by(&group_by.keys, select, scope, subqueries)?;
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
        let plain_keys = group.len();
        for k in extra_keys {
            if !group.contains(&k) {
                group.push(k);
            }
        }
        // Grouping sets: the rows repeated per set; items are matched
        // against the original keys and the set number.
        let mut agg_input = plan.clone();
        let mut agg_group = group.clone();
        let mut sets_info = None;
        if let Some(sets) = group_by.sets {
            let always: Vec<usize> = (plain_keys..group.len()).collect();
            let sets = sets
                .into_iter()
                .map(|s| [s, always.clone()].concat())
                .collect();
            let (input, g, info) =
                grouping::GroupingSets::expand(plan.clone(), group.clone(), sets);
            agg_input = input;
            agg_group = g;
            group = info.matching();
            sets_info = Some(info);
        }
        let mut aggs: Vec<AggExpr> = Vec::new();
        let mut raw_items = Vec::new();
        for (i, item) in select.projection.iter().enumerate() {
            match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    let mut cx = BindCtx {
                        scope,
                        aggs: Some(&mut aggs),
                        subqueries,
                        windows: Some(&mut *windows),
                        grouping: sets_info.as_ref(),
                    };
                    let bound = bind(e, &mut cx)?;
                    raw_items.push((bound, item_name(item, i), false));
                }
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                    for (idx, c) in wildcard_columns(item, scope)? {
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
        let bind_with_aggs = |e: &SqlExpr, aggs: &mut Vec<AggExpr>| {
            let mut cx = BindCtx {
                scope,
                aggs: Some(aggs),
                subqueries,
                windows: None,
                grouping: sets_info.as_ref(),
            };
            bind(e, &mut cx)
        };
        let having = select
            .having
            .as_ref()
            .map(|h| bind_with_aggs(h, &mut aggs))
            .transpose()?;
        // ORDER BY expressions may add aggregates too (bound again later,
        // over the groups; a key that does not bind here is resolved then).
        for o in order_by {
            let _ = bind_with_aggs(&o.expr, &mut aggs);
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
        let mut post_plan = match &sets_info {
            Some(gs) => gs.aggregate(agg_input, agg_group, aggs.clone(), agg_schema.clone()),
            None => Arc::new(LogicalPlan::Aggregate(Aggregate {
                input: agg_input,
                group: agg_group,
                aggs: aggs.clone(),
                schema: agg_schema.clone(),
            })),
        };
        let rewrite = |e: Expr| rewrite_over_aggregate(e, &group, ng);
        let mut items = Vec::new();
        for (e, name, w) in raw_items {
            items.push((rewrite(e)?, name, w));
        }
        if let Some(h) = having {
            post_plan = Arc::new(LogicalPlan::Filter(Filter {
                input: post_plan,
                predicate: rewrite(h)?.cast_to(&DataType::Boolean),
            }));
        }
        let mut post_scope = Scope::from_schema(&agg_schema, None);
        for c in &mut post_scope.columns {
            c.hidden = true;
        }
        for (c, g) in post_scope.columns.iter_mut().zip(&group) {
            c.char_width = char_width_of(g, scope);
        }
        Ok(SelectList {
            items,
            plan: post_plan,
            scope: post_scope,
            grouped: Some((group, aggs, sets_info)),
            char_casts: Vec::new(),
        })
    }

    /// ORDER BY / SORT BY / CLUSTER BY / DISTRIBUTE BY keys: output columns
    /// by alias or position first, else expressions over the rows before
    /// the projection (added as hidden columns).
    fn output_keys(
        &self,
        select: &Select,
        order_by: &[ast::OrderByExpr],
        list: &SelectList,
        scope: &Scope,
        subqueries: &HashMap<usize, Expr>,
    ) -> Result<OutputKeys> {
        let mut r = KeyResolver {
            analyzer: self,
            list,
            scope,
            subqueries,
            names: list.items.iter().map(|(_, n, _)| n.clone()).collect(),
            extra: Vec::new(),
        };
        let mut keys = OutputKeys::default();
        for o in order_by {
            keys.sort.push(sort_key(r.resolve(&o.expr)?, &o.options));
        }
        for o in &select.sort_by {
            keys.local.push(sort_key(r.resolve(&o.expr)?, &o.options));
        }
        for e in select.distribute_by.iter().chain(select.cluster_by.iter()) {
            keys.distribute.push(r.resolve(e)?);
        }
        for e in &select.cluster_by {
            keys.local.push(SortKey {
                expr: r.resolve(e)?,
                asc: true,
                nulls_first: true,
            });
        }
        keys.extra = r.extra;
        Ok(keys)
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
}

/// The select list's expressions (not its wildcards).
fn select_exprs(select: &Select) -> Vec<&SqlExpr> {
    select
        .projection
        .iter()
        .filter_map(|item| match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => Some(e),
            _ => None,
        })
        .collect()
}

/// The select list of a query without aggregation, over its rows.
fn bind_plain_list(
    select: &Select,
    plan: Arc<LogicalPlan>,
    scope: &Scope,
    subqueries: &HashMap<usize, Expr>,
    windows: &mut window::WindowCalls,
) -> Result<SelectList> {
    let mut items = Vec::new();
    for (i, item) in select.projection.iter().enumerate() {
        match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                let mut cx = BindCtx::plain(scope, subqueries);
                cx.windows = Some(&mut *windows);
                let bound = bind(e, &mut cx)?;
                items.push((bound, item_name(item, i), false));
            }
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                for (idx, c) in wildcard_columns(item, scope)? {
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
    Ok(SelectList {
        items,
        plan,
        scope: scope.clone(),
        grouped: None,
        char_casts: Vec::new(),
    })
}

/// The group keys, aggregates and grouping sets of an aggregating SELECT.
type Grouped = (Vec<Expr>, Vec<AggExpr>, Option<grouping::GroupingSets>);

/// A bound select list: `(expression, output name, from a wildcard)` per
/// item, over `plan` (the rows, or the groups and HAVING) seen as `scope`.
struct SelectList {
    items: Vec<(Expr, String, bool)>,
    plan: Arc<LogicalPlan>,
    scope: Scope,
    grouped: Option<Grouped>,
    /// Per item, n when it is written `CAST(… AS CHAR(n))`.
    char_casts: Vec<Option<u32>>,
}

/// The keys of ORDER BY (`sort`), SORT BY and CLUSTER BY (`local`),
/// DISTRIBUTE BY and CLUSTER BY (`distribute`), over the output columns
/// plus `extra` hidden ones.
#[derive(Default)]
struct OutputKeys {
    sort: Vec<SortKey>,
    local: Vec<SortKey>,
    distribute: Vec<Expr>,
    extra: Vec<Expr>,
}

impl SelectList {
    /// Window functions: computed above the rows (or groups) the select
    /// list reads, their placeholders replaced by their columns.
    fn place_windows(&mut self, mut windows: window::WindowCalls) -> Result<()> {
        if windows.is_empty() {
            return Ok(());
        }
        if let Some((group, _, _)) = &self.grouped {
            windows.rewrite(&mut |e| rewrite_over_aggregate(e, group, group.len()))?;
        }
        let (p, columns) = window::plan_windows(self.plan.clone(), windows);
        self.plan = p;
        for item in &mut self.items {
            item.0 = window::place_results(item.0.clone(), &columns);
        }
        Ok(())
    }

    /// The projection, then DISTINCT, DISTRIBUTE BY, SORT BY, ORDER BY, and
    /// a last projection dropping hidden key columns.
    fn finish(self, keys: OutputKeys, distinct: bool) -> Planned {
        let visible = self.items.len();
        let mut exprs: Vec<Expr> = self.items.iter().map(|(e, _, _)| e.clone()).collect();
        exprs.extend(keys.extra.iter().cloned());
        let mut cols: Vec<(String, DataType)> = self
            .items
            .iter()
            .map(|(e, n, _)| (n.clone(), e.data_type()))
            .collect();
        cols.extend(
            keys.extra
                .iter()
                .enumerate()
                .map(|(j, e)| (format!("_o{j}"), e.data_type())),
        );
        let schema = schema_of(&cols);
        let mut out: Arc<LogicalPlan> = Arc::new(LogicalPlan::Project(Project {
            input: self.plan,
            exprs,
            schema,
        }));
        if distinct {
            out = distinct_of(out);
        }
        if !keys.distribute.is_empty() {
            out = Arc::new(LogicalPlan::Distribute(Distribute {
                input: out,
                keys: keys.distribute,
            }));
        }
        if !keys.local.is_empty() {
            out = Arc::new(LogicalPlan::LocalSort(LocalSort {
                input: out,
                keys: keys.local,
            }));
        }
        if !keys.sort.is_empty() {
            out = Arc::new(LogicalPlan::Sort(Sort {
                input: out,
                keys: keys.sort,
                fetch: None,
            }));
        }
        if !keys.extra.is_empty() {
            let keep: Vec<Expr> = cols[..visible]
                .iter()
                .enumerate()
                .map(|(i, (n, t))| Expr::column(i, n.clone(), t.clone()))
                .collect();
            out = Arc::new(LogicalPlan::Project(Project {
                input: out,
                exprs: keep,
                schema: schema_of(&cols[..visible]),
            }));
        }
        let mut scope = Scope::from_schema(&schema_of(&cols[..visible]), None);
        for (i, (c, (e, _, _))) in scope.columns.iter_mut().zip(&self.items).enumerate() {
            c.char_width =
                char_width_of(e, &self.scope).or(self.char_casts.get(i).copied().flatten());
            // A partition column passed on keeps Hive's name for NULL.
            c.partition_key = matches!(e, Expr::Column { index, .. }
                if self.scope.columns.get(*index).is_some_and(|s| s.partition_key));
        }
        (out, scope)
    }
}

/// The CHAR(n) width `e` keeps: a column of `scope` that is one.
fn char_width_of(e: &Expr, scope: &Scope) -> Option<u32> {
    match e {
        Expr::Column { index, .. } => scope.columns.get(*index).and_then(|c| c.char_width),
        _ => None,
    }
}

/// For each of `items` (the select list, wildcards expanded), n when the
/// item is written `CAST(… AS CHAR(n))`.
fn char_casts(select: &Select, items: &[(Expr, String, bool)]) -> Vec<Option<u32>> {
    let mut written =
        select_exprs(select).into_iter().map(|e| match e {
            SqlExpr::Cast {
                data_type:
                    ast::DataType::Char(Some(ast::CharacterLength::IntegerLength { length, .. }))
                    | ast::DataType::Character(Some(ast::CharacterLength::IntegerLength {
                        length, ..
                    })),
                ..
            } => u32::try_from(*length).ok(),
            _ => None,
        });
    items
        .iter()
        .map(|(_, _, wildcard)| {
            if *wildcard {
                None
            } else {
                written.next().flatten()
            }
        })
        .collect()
}

/// Finds what an ORDER BY (SORT BY, ...) key refers to.
struct KeyResolver<'a, 'c> {
    analyzer: &'a Analyzer<'c>,
    list: &'a SelectList,
    /// The rows before aggregation.
    scope: &'a Scope,
    subqueries: &'a HashMap<usize, Expr>,
    names: Vec<String>,
    /// Keys that are no output column, added as hidden columns.
    extra: Vec<Expr>,
}

impl KeyResolver<'_, '_> {
    fn resolve(&mut self, e: &SqlExpr) -> Result<Expr> {
        let items = &self.list.items;
        let visible = items.len();
        // By output name.
        if let SqlExpr::Identifier(id) = e {
            let name = id.value.to_ascii_lowercase();
            let hits: Vec<usize> = self
                .names
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
                if self
                    .analyzer
                    .setting_true("hive.orderby.position.alias", true)
                {
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
                        self.names[pos - 1].clone(),
                        items[pos - 1].0.data_type(),
                    ));
                }
            }
        }
        // Any expression over the rows before projection.
        let bound = match &self.list.grouped {
            Some((group, aggs, sets)) => {
                let mut aggs2 = aggs.clone();
                let mut cx = BindCtx {
                    scope: self.scope,
                    aggs: Some(&mut aggs2),
                    subqueries: self.subqueries,
                    windows: None,
                    grouping: sets.as_ref(),
                };
                let b = bind(e, &mut cx)?;
                if aggs2.len() != aggs.len() {
                    return Err(SharkError::analysis(
                        "ORDER BY uses an aggregate that is not computed",
                    ));
                }
                rewrite_over_aggregate(b, group, group.len())?
            }
            None => bind(e, &mut BindCtx::plain(&self.list.scope, self.subqueries))?,
        };
        if let Some(i) = items.iter().position(|(x, _, _)| *x == bound) {
            return Ok(Expr::column(i, self.names[i].clone(), bound.data_type()));
        }
        let j = match self.extra.iter().position(|x| *x == bound) {
            Some(j) => j,
            None => {
                self.extra.push(bound.clone());
                self.extra.len() - 1
            }
        };
        Ok(Expr::column(
            visible + j,
            format!("_o{j}"),
            bound.data_type(),
        ))
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

pub(super) fn parse_mapjoin_hint(text: &str) -> Vec<String> {
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
