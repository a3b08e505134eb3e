//! IN and EXISTS inside expressions (under OR, in the select list): each
//! becomes a boolean column computed by a left join — of the subquery's
//! distinct values for IN (with a one-row count of its rows and NULLs, for
//! SQL's NULL semantics), of its distinct correlation keys for a correlated
//! EXISTS, or a one-row count for an uncorrelated one.

use super::expr::{self, bind, BindCtx};
use super::scope::Scope;
use super::subquery::{correlated, is_simple, key_pairs, mark_join, only_column};
use super::Analyzer;
use crate::error::{Result, SharkError};
use crate::expr::Expr;
use crate::plan::Aggregate;
use crate::plan::{schema_of, AggExpr, AggFunc, JoinKind, LogicalPlan};
use arrow::datatypes::DataType;
use sqlparser::ast::{self as ast, Expr as SqlExpr, Query};
use std::collections::HashMap;
use std::sync::Arc;

impl Analyzer<'_> {
    /// `x [NOT] IN (q)` or `[NOT] EXISTS (q)` as a boolean column: a left
    /// join of the distinct values (or correlation keys) of `q`, and for IN
    /// a one-row count of q's rows and NULLs, so that a value not found is
    /// NULL (not false) when x is NULL or q holds a NULL, as SQL says.
    pub(super) fn plan_mark(
        &mut self,
        m: &SqlExpr,
        plan: Arc<LogicalPlan>,
        scope: Scope,
        found: &HashMap<usize, Expr>,
    ) -> Result<(Arc<LogicalPlan>, Scope, Expr)> {
        match m {
            SqlExpr::Exists { subquery, negated } => {
                let (plan, scope, exists) = self.plan_exists_mark(subquery, plan, scope)?;
                Ok((
                    plan,
                    scope,
                    if *negated {
                        Expr::Not(Box::new(exists))
                    } else {
                        exists
                    },
                ))
            }
            SqlExpr::In {
                expr: x,
                target: ast::InTarget::Subquery(q),
                negated,
                ..
            } => {
                let value = bind(x, &mut BindCtx::plain(&scope, found))?;
                let (p, s) = self
                    .plan_query(q)
                    .map_err(|e| correlated(e, "a correlated IN subquery inside an expression"))?;
                let inner = only_column(&s, "an IN subquery")?;
                let t = crate::types::comparison_type(&value.data_type(), &inner.data_type())
                    .ok_or_else(|| {
                        SharkError::analysis(format!(
                            "cannot compare {} with {} in IN",
                            crate::types::type_name(&value.data_type()),
                            crate::types::type_name(&inner.data_type())
                        ))
                    })?;
                // One row: how many rows q has, and how many non-NULL.
                let count = |args: Vec<Expr>| AggExpr {
                    func: AggFunc::Count,
                    args,
                    distinct: false,
                    data_type: DataType::Int64,
                };
                let stats = Arc::new(LogicalPlan::Aggregate(Aggregate {
                    input: p.clone(),
                    group: vec![],
                    aggs: vec![count(vec![]), count(vec![inner.clone()])],
                    schema: schema_of(&[
                        ("_n".to_string(), DataType::Int64),
                        ("_nn".to_string(), DataType::Int64),
                    ]),
                }));
                let distinct = Arc::new(LogicalPlan::Aggregate(Aggregate {
                    input: p,
                    group: vec![inner.cast_to(&t)],
                    aggs: vec![],
                    schema: schema_of(&[("_v".to_string(), t.clone())]),
                }));
                let ow = scope.len();
                let crossed = mark_join(plan, stats.clone(), JoinKind::Cross, vec![], true);
                let joined = mark_join(
                    crossed,
                    distinct.clone(),
                    JoinKind::Left,
                    vec![(value.clone().cast_to(&t), Expr::column(0, "_v", t.clone()))],
                    false,
                );
                let mut new_scope = scope
                    .concat(&Scope::from_schema(&stats.schema(), None))
                    .concat(&Scope::from_schema(&distinct.schema(), None));
                for c in &mut new_scope.columns[ow..] {
                    c.hidden = true;
                }
                let n = Expr::column(ow, "_n", DataType::Int64);
                let nn = Expr::column(ow + 1, "_nn", DataType::Int64);
                let v = Expr::column(ow + 2, "_v", t);
                let lit = |b: bool| Expr::Literal(crate::scalar::ScalarValue::Boolean(b));
                let zero = Expr::Literal(crate::scalar::ScalarValue::Int64(0));
                let is_null = |e: Expr, negated: bool| Expr::IsNull {
                    expr: Box::new(e),
                    negated,
                };
                let unknown = expr::make_binary(
                    crate::expr::BinaryOp::Or,
                    is_null(value, false),
                    expr::make_binary(crate::expr::BinaryOp::Gt, n.clone(), nn)?,
                )?;
                let (hit, miss) = (lit(!*negated), lit(*negated));
                let mark = expr::case_of(
                    vec![
                        (is_null(v, true), hit),
                        (
                            expr::make_binary(crate::expr::BinaryOp::Eq, n, zero)?,
                            miss.clone(),
                        ),
                        (
                            unknown,
                            Expr::Literal(crate::scalar::ScalarValue::Null)
                                .cast_to(&DataType::Boolean),
                        ),
                    ],
                    Some(miss),
                )?;
                Ok((joined, new_scope, mark))
            }
            _ => Err(SharkError::unsupported(format!("subquery {m}"))),
        }
    }

    /// `EXISTS (q)` as a boolean column: correlated by equalities, a left
    /// join of q's distinct correlation keys; uncorrelated, a one-row count.
    fn plan_exists_mark(
        &mut self,
        q: &Query,
        plan: Arc<LogicalPlan>,
        scope: Scope,
    ) -> Result<(Arc<LogicalPlan>, Scope, Expr)> {
        let ow = scope.len();
        if let Some(select) = is_simple(q) {
            let d = self.decorrelate(select, &scope)?;
            if !d.keys.is_empty() {
                if !d.residual.is_empty() {
                    return Err(SharkError::unsupported(
                        "EXISTS inside an expression correlated by more than equalities",
                    ));
                }
                let group: Vec<Expr> = d.keys.iter().map(|(_, i)| i.clone()).collect();
                let cols: Vec<(String, DataType)> = group
                    .iter()
                    .enumerate()
                    .map(|(i, g)| (format!("_k{i}"), g.data_type()))
                    .collect();
                let keys = Arc::new(LogicalPlan::Aggregate(Aggregate {
                    input: d.plan,
                    group: group.clone(),
                    aggs: vec![],
                    schema: schema_of(&cols),
                }));
                let on = key_pairs(&d.keys);
                let joined = mark_join(plan, keys.clone(), JoinKind::Left, on, false);
                let mut new_scope = scope.concat(&Scope::from_schema(&keys.schema(), None));
                for c in &mut new_scope.columns[ow..] {
                    c.hidden = true;
                }
                // A matched row's key equals a non-NULL outer value.
                let k0 = Expr::column(ow, "_k0", group[0].data_type());
                let mark = Expr::IsNull {
                    expr: Box::new(k0),
                    negated: true,
                };
                return Ok((joined, new_scope, mark));
            }
        }
        let (p, _) = self
            .plan_query(q)
            .map_err(|e| correlated(e, "this correlated EXISTS inside an expression"))?;
        let count = Arc::new(LogicalPlan::Aggregate(Aggregate {
            input: p,
            group: vec![],
            aggs: vec![AggExpr {
                func: AggFunc::Count,
                args: vec![],
                distinct: false,
                data_type: DataType::Int64,
            }],
            schema: schema_of(&[("_n".to_string(), DataType::Int64)]),
        }));
        let joined = mark_join(plan, count.clone(), JoinKind::Cross, vec![], true);
        let mut new_scope = scope.concat(&Scope::from_schema(&count.schema(), None));
        new_scope.columns[ow].hidden = true;
        let n = Expr::column(ow, "_n", DataType::Int64);
        let zero = Expr::Literal(crate::scalar::ScalarValue::Int64(0));
        let mark = expr::make_binary(crate::expr::BinaryOp::Gt, n, zero)?;
        Ok((joined, new_scope, mark))
    }
}
