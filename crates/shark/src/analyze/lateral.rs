//! LATERAL VIEW [OUTER] explode(...) / posexplode(...) / json_tuple(...)
//! after FROM, and a
//! table-generating function alone in the select list (`SELECT
//! explode(...) AS x FROM t`), which is planned as the same lateral view.

use super::expr::{bind, function_args, BindCtx};
use super::scope::ScopeColumn;
use super::{Analyzer, Planned};
use crate::error::{Result, SharkError};
use crate::expr::Expr;
use crate::plan::Generate;
use crate::plan::{Generator, LogicalPlan};
use crate::scalar::ScalarValue;
use arrow::datatypes::{DataType, Field, Schema};
use sqlparser::ast::{self as ast, Expr as SqlExpr, Select, SelectItem};
use std::collections::HashMap;
use std::sync::Arc;

/// The generator a function name calls (json_tuple without its keys yet).
pub(crate) fn generator(name: &str) -> Option<Generator> {
    match name.to_ascii_lowercase().as_str() {
        "explode" => Some(Generator::Explode),
        "posexplode" => Some(Generator::PosExplode),
        "json_tuple" => Some(Generator::JsonTuple(vec![])),
        "inline" | "stack" => Some(Generator::Inline(vec![])),
        _ => None,
    }
}

/// Hive's column names when none are given.
fn default_names(g: &Generator, args: usize) -> Vec<String> {
    match g {
        Generator::Explode => vec!["col".into()],
        Generator::PosExplode => vec!["pos".into(), "val".into()],
        Generator::JsonTuple(_) => (0..args.saturating_sub(1))
            .map(|i| format!("c{i}"))
            .collect(),
        Generator::Inline(names) => names.clone(),
    }
}

/// `stack(n, v1, ..., vk)` as the array of its `n` rows, each a struct of
/// `k / n` values (rounded up; missing ones NULL), column types unified.
fn stack_rows(args: Vec<Expr>) -> Result<Expr> {
    let mut it = args.into_iter();
    let n = match it.next() {
        Some(Expr::Literal(v)) => v.as_i64().filter(|n| *n > 0),
        _ => None,
    }
    .ok_or_else(|| SharkError::analysis("stack's first argument must be a positive constant"))?
        as usize;
    let values: Vec<Expr> = it.collect();
    if values.is_empty() {
        return Err(SharkError::analysis(
            "stack needs values after the row count",
        ));
    }
    // More rows than values would only add rows of NULLs (and a huge
    // count, one expression a row, would exhaust memory).
    if n > values.len() {
        return Err(SharkError::analysis(format!(
            "stack({n}, ...) asks for more rows than its {} values",
            values.len()
        )));
    }
    let cols = values.len().div_ceil(n);
    let at = |r: usize, c: usize| {
        values
            .get(r * cols + c)
            .cloned()
            .unwrap_or(Expr::Literal(ScalarValue::Null))
    };
    let types = (0..cols)
        .map(|c| {
            let ts: Vec<DataType> = (0..n).map(|r| at(r, c).data_type()).collect();
            crate::types::common_of(&ts, "stack").map(|t| {
                if t == DataType::Null {
                    DataType::Utf8
                } else {
                    t
                }
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let rows = (0..n)
        .map(|r| {
            let vals = (0..cols).map(|c| at(r, c).cast_to(&types[c])).collect();
            super::expr::call("struct", vals)
        })
        .collect::<Result<Vec<_>>>()?;
    super::expr::call("array", rows)
}

/// The generator with its argument and output column types.
fn typed(name: &str, g: Generator, args: Vec<Expr>) -> Result<(Generator, Expr, Vec<DataType>)> {
    if let Generator::Inline(_) = g {
        let array = if name.eq_ignore_ascii_case("stack") {
            stack_rows(args)?
        } else {
            let [a] = <[Expr; 1]>::try_from(args)
                .map_err(|_| SharkError::analysis("inline takes one array of structs"))?;
            a
        };
        let DataType::List(item) = array.data_type() else {
            return Err(SharkError::analysis(format!(
                "{name} needs an array of structs, got {}",
                crate::types::type_name(&array.data_type())
            )));
        };
        let DataType::Struct(fields) = item.data_type() else {
            return Err(SharkError::analysis(format!(
                "{name} needs an array of structs, got {}",
                crate::types::type_name(&array.data_type())
            )));
        };
        let (names, types) = if name.eq_ignore_ascii_case("stack") {
            (
                (0..fields.len()).map(|i| format!("col{i}")).collect(),
                fields.iter().map(|f| f.data_type().clone()).collect(),
            )
        } else {
            (
                fields
                    .iter()
                    .map(|f| f.name().to_ascii_lowercase())
                    .collect(),
                fields.iter().map(|f| f.data_type().clone()).collect(),
            )
        };
        return Ok((Generator::Inline(names), array, types));
    }
    if let Generator::JsonTuple(_) = g {
        let mut it = args.into_iter();
        let doc = it.next().ok_or_else(|| {
            SharkError::analysis("json_tuple takes a JSON document and at least one key")
        })?;
        let keys = it
            .map(|k| match k {
                Expr::Literal(ScalarValue::Utf8(s)) => Ok(s),
                other => Err(SharkError::analysis(format!(
                    "json_tuple's keys must be string constants, got {other}"
                ))),
            })
            .collect::<Result<Vec<_>>>()?;
        if keys.is_empty() {
            return Err(SharkError::analysis(
                "json_tuple takes a JSON document and at least one key",
            ));
        }
        let types = vec![DataType::Utf8; keys.len()];
        return Ok((
            Generator::JsonTuple(keys),
            doc.cast_to(&DataType::Utf8),
            types,
        ));
    }
    let [array] = <[Expr; 1]>::try_from(args)
        .map_err(|_| SharkError::analysis(format!("{name} takes exactly one argument")))?;
    let item = match array.data_type() {
        DataType::List(f) => f.data_type().clone(),
        DataType::Null => DataType::Utf8,
        DataType::Map(entries, _) if g == Generator::Explode => {
            let DataType::Struct(kv) = entries.data_type() else {
                return Err(SharkError::analysis(format!("{name}: malformed map type")));
            };
            let types = vec![kv[0].data_type().clone(), kv[1].data_type().clone()];
            return Ok((g, array, types));
        }
        DataType::Map(..) => return Err(SharkError::unsupported(format!("{name} of a map"))),
        other => {
            return Err(SharkError::analysis(format!(
                "{name} needs an array, got {}",
                crate::types::type_name(&other)
            )))
        }
    };
    let types = if g == Generator::PosExplode {
        vec![DataType::Int32, item]
    } else {
        vec![item]
    };
    Ok((g, array, types))
}

/// The alias the lateral view of a lone select-list generator gets.
const SELECT_UDTF: &str = "_udtf";

/// `SELECT explode(a) [AS x] FROM ...` (the generator alone in the list)
/// as `SELECT x FROM ... LATERAL VIEW explode(a) _udtf AS x`; `None` for
/// any other select list.
pub(crate) fn select_generator(select: &Select) -> Result<Option<Select>> {
    let calls_generator = |e: &SqlExpr| {
        matches!(e, SqlExpr::Function(f) if f.over.is_none()
            && generator(&f.name.to_string()).is_some())
    };
    let items: Vec<(&SqlExpr, Vec<String>)> = select
        .projection
        .iter()
        .filter_map(|item| match item {
            SelectItem::UnnamedExpr(e) => Some((e, vec![])),
            SelectItem::ExprWithAlias { expr, alias } => Some((expr, vec![alias.value.clone()])),
            SelectItem::ExprWithAliases { expr, aliases } => {
                Some((expr, aliases.iter().map(|a| a.value.clone()).collect()))
            }
            _ => None,
        })
        .collect();
    if !items.iter().any(|(e, _)| calls_generator(e)) {
        return Ok(None);
    }
    if select.projection.len() != 1 || !select.lateral_views.is_empty() {
        return Err(SharkError::analysis(
            "a table-generating function (explode, posexplode) must be alone in the SELECT list; \
             use LATERAL VIEW to combine it with other columns",
        ));
    }
    let (expr, aliases) = &items[0];
    let mut rewritten = select.clone();
    rewritten.lateral_views.push(ast::LateralView {
        lateral_view: (*expr).clone(),
        lateral_view_name: ast::ObjectName::from(vec![ast::Ident::new(SELECT_UDTF)]),
        lateral_col_alias: aliases
            .iter()
            .map(|n| ast::Ident::new(n.as_str()))
            .collect(),
        outer: false,
    });
    // Without aliases the view names its columns (col; pos, val; key,
    // value; c0, c1, ...), and the select list takes them all.
    rewritten.projection = if aliases.is_empty() {
        vec![SelectItem::QualifiedWildcard(
            ast::SelectItemQualifiedWildcardKind::ObjectName(ast::ObjectName::from(vec![
                ast::Ident::new(SELECT_UDTF),
            ])),
            Default::default(),
        )]
    } else {
        aliases
            .iter()
            .map(|n| {
                SelectItem::UnnamedExpr(SqlExpr::CompoundIdentifier(vec![
                    ast::Ident::new(SELECT_UDTF),
                    ast::Ident::new(n.as_str()),
                ]))
            })
            .collect()
    };
    Ok(Some(rewritten))
}

impl Analyzer<'_> {
    /// Applies the LATERAL VIEWs of a SELECT, in order, to its FROM rows.
    pub(super) fn plan_lateral_views(
        &self,
        views: &[ast::LateralView],
        (mut plan, mut scope): Planned,
    ) -> Result<Planned> {
        let no_subqueries = HashMap::new();
        for v in views {
            let SqlExpr::Function(f) = &v.lateral_view else {
                return Err(SharkError::analysis(format!(
                    "LATERAL VIEW needs a table-generating function, got {}",
                    v.lateral_view
                )));
            };
            let name = f.name.to_string();
            let g = generator(&name).ok_or_else(|| {
                SharkError::unsupported(format!(
                    "LATERAL VIEW {name}(...) (explode, posexplode and json_tuple are supported)"
                ))
            })?;
            let (args, _, _) = function_args(f)?;
            let arg_count = args.len();
            let bound = args
                .iter()
                .map(|a| bind(a, &mut BindCtx::plain(&scope, &no_subqueries)))
                .collect::<Result<Vec<_>>>()?;
            let (g, arg, types) = typed(&name, g, bound)?;
            let names: Vec<String> = if v.lateral_col_alias.is_empty() {
                if g == Generator::Explode && types.len() == 2 {
                    vec!["key".into(), "value".into()]
                } else {
                    default_names(&g, arg_count)
                }
            } else {
                v.lateral_col_alias
                    .iter()
                    .map(|a| a.value.to_ascii_lowercase())
                    .collect()
            };
            if names.len() != types.len() {
                return Err(SharkError::analysis(format!(
                    "{name} produces {} column(s), but {} alias(es) were given",
                    types.len(),
                    names.len()
                )));
            }
            let qualifier = v.lateral_view_name.to_string().to_ascii_lowercase();
            let mut fields: Vec<Field> = plan
                .schema()
                .fields()
                .iter()
                .map(|f| f.as_ref().clone())
                .collect();
            for (n, t) in names.iter().zip(&types) {
                fields.push(Field::new(n, t.clone(), true));
                scope.columns.push(ScopeColumn {
                    qualifier: Some(qualifier.clone()),
                    name: n.clone(),
                    data_type: t.clone(),
                    hidden: false,
                    partition_key: false,
                    char_width: None,
                });
            }
            plan = Arc::new(LogicalPlan::Generate(Generate {
                input: plan,
                generator: g,
                arg,
                outer: v.outer,
                schema: Arc::new(Schema::new(fields)),
            }));
        }
        Ok((plan, scope))
    }
}
