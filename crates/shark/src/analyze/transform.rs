//! A SELECT whose list is a TRANSFORM clause (the parser's marker call):
//! the SELECT without it computes the script's input rows (FROM, WHERE,
//! GROUP BY apply before the script), the script's output columns are the
//! AS list (or `key`, `value`), and DISTRIBUTE/SORT/CLUSTER/ORDER BY and
//! LIMIT apply to the script's output, as in Hive.

use super::scope::Scope;
use super::{Analyzer, Planned};
use crate::error::{Result, SharkError};
use crate::plan::{LogicalPlan, ScriptTransform};
use crate::script::{ScriptClause, ScriptSpec, MARKER};
use arrow::datatypes::{DataType, Field, Schema};
use sqlparser::ast::{self as ast, Expr as SqlExpr, Select, SelectItem};
use std::sync::Arc;

/// The clause and input expressions of a SELECT that is a TRANSFORM.
fn marker(select: &Select) -> Result<Option<(ScriptClause, Vec<SelectItem>)>> {
    let [SelectItem::UnnamedExpr(SqlExpr::Function(f))] = select.projection.as_slice() else {
        return Ok(None);
    };
    if !f.name.to_string().eq_ignore_ascii_case(MARKER) {
        return Ok(None);
    }
    let ast::FunctionArguments::List(list) = &f.args else {
        return Ok(None);
    };
    let Some(ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(SqlExpr::Value(v)))) =
        list.args.first()
    else {
        return Ok(None);
    };
    let ast::Value::SingleQuotedString(json) = &v.value else {
        return Ok(None);
    };
    let clause: ScriptClause = serde_json::from_str(json)
        .map_err(|e| SharkError::analysis(format!("bad TRANSFORM clause: {e}")))?;
    let args = list.args[1..]
        .iter()
        .map(|a| match a {
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Wildcard) => Ok(SelectItem::Wildcard(
                ast::WildcardAdditionalOptions::default(),
            )),
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => {
                Ok(SelectItem::UnnamedExpr(e.clone()))
            }
            other => Err(SharkError::unsupported(format!("TRANSFORM input {other}"))),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some((clause, args)))
}

/// The script's output columns: the AS list with its types (STRING when
/// none is given), or Hive's `key` and `value`.
fn output_schema(clause: &ScriptClause) -> Result<Schema> {
    let Some(cols) = &clause.columns else {
        return Ok(Schema::new(vec![
            Field::new("key", DataType::Utf8, true),
            Field::new("value", DataType::Utf8, true),
        ]));
    };
    let mut fields = Vec::with_capacity(cols.len());
    for (name, ty) in cols {
        let t = match ty {
            None => DataType::Utf8,
            Some(t) => hive::types::parse_hive_type(t)
                .map_err(|e| SharkError::analysis(format!("TRANSFORM ... AS {name} {t}: {e}")))?,
        };
        if fields.iter().any(|f: &Field| f.name() == name) {
            return Err(SharkError::analysis(format!(
                "TRANSFORM ... AS names column '{name}' twice"
            )));
        }
        fields.push(Field::new(name, t, true));
    }
    Ok(Schema::new(fields))
}

impl Analyzer<'_> {
    /// Plans `select` when it is a TRANSFORM; `None` when it is not.
    pub(super) fn plan_script_select(
        &mut self,
        select: &Select,
        order_by: &[ast::OrderByExpr],
    ) -> Result<Option<Planned>> {
        let Some((clause, args)) = marker(select)? else {
            return Ok(None);
        };
        let mut inner = select.clone();
        inner.projection = args;
        inner.cluster_by.clear();
        inner.distribute_by.clear();
        inner.sort_by.clear();
        let (input, _) = self.plan_select(&inner, &[])?;
        let schema = Arc::new(output_schema(&clause)?);
        let plan = Arc::new(LogicalPlan::ScriptTransform(ScriptTransform {
            input,
            spec: ScriptSpec {
                command: clause.command,
                key_value: clause.columns.is_none(),
                input: clause.input,
                output: clause.output,
                files: self.script_files.clone(),
            },
            schema: schema.clone(),
        }));
        // Refused only now, after the whole clause was checked, so that a
        // server without scripts still reports the query's own mistakes.
        if !self.scripts_allowed {
            return Err(SharkError::unsupported(
                "TRANSFORM scripts are disabled here (shark-server runs them only when started \
                 with --allow-scripts)",
            ));
        }
        let scope = Scope::from_schema(&schema, None);
        let tails = !select.cluster_by.is_empty()
            || !select.distribute_by.is_empty()
            || !select.sort_by.is_empty()
            || !order_by.is_empty();
        if !tails {
            return Ok(Some((plan, scope)));
        }
        // The ordering clauses name the script's output columns: plan them
        // over `SELECT * FROM <the transform>`, the transform standing in
        // as a named relation for the time.
        let name = format!("__transform_{}", self.ctes.len());
        let crate::parse::HiveStatement::Sql(stmt) =
            crate::parse::parse_statement(&format!("SELECT * FROM {name}"), 1)?
        else {
            unreachable!("a SELECT parses as SQL")
        };
        let ast::Statement::Query(q) = *stmt else {
            unreachable!("a SELECT parses as a query")
        };
        let ast::SetExpr::Select(outer) = *q.body else {
            unreachable!("a SELECT")
        };
        let mut outer = *outer;
        outer.cluster_by = select.cluster_by.clone();
        outer.distribute_by = select.distribute_by.clone();
        outer.sort_by = select.sort_by.clone();
        self.ctes.push((name, (plan, scope)));
        let result = self.plan_select(&outer, order_by);
        self.ctes.pop();
        result.map(Some)
    }
}
