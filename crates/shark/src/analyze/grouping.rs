//! GROUPING SETS, ROLLUP and CUBE. Every input row is repeated once per
//! grouping set with the keys outside the set replaced by NULL and the
//! set's number added, then one ordinary aggregation groups by the keys and
//! that number (as Hive does). `grouping(key)` reads the set number.

use super::expr::{case_of, make_binary};
use crate::error::{Result, SharkError};
use crate::expr::{BinaryOp, Expr};
use crate::plan::{schema_of, LogicalPlan};
use crate::plan::{Aggregate, Project, Union};
use crate::scalar::ScalarValue;
use arrow::datatypes::DataType;
use sqlparser::ast::{self as ast, Expr as SqlExpr};
use std::sync::Arc;

/// Most grouping sets one GROUP BY may expand to (CUBE of 12 keys).
const MAX_SETS: usize = 4096;

/// A GROUP BY clause: its distinct keys and, with grouping sets, which keys
/// each set groups by.
pub(crate) struct GroupBy {
    /// The key expressions, each once.
    pub keys: Vec<SqlExpr>,
    /// Indices into `keys` per set; `None` for a plain GROUP BY.
    pub sets: Option<Vec<Vec<usize>>>,
}

/// The same key: equal text with identifiers' case folded (string
/// literals keep theirs).
fn same(a: &SqlExpr, b: &SqlExpr) -> bool {
    fn fold(e: &SqlExpr) -> String {
        let mut out = String::new();
        let mut quote: Option<char> = None;
        for c in e.to_string().chars() {
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                    out.push(c);
                }
                None => {
                    if c == '\'' || c == '"' {
                        quote = Some(c);
                    }
                    out.push(c.to_ascii_lowercase());
                }
            }
        }
        out
    }
    fold(a) == fold(b)
}

fn key_index(keys: &mut Vec<SqlExpr>, e: &SqlExpr) -> usize {
    match keys.iter().position(|k| same(k, e)) {
        Some(i) => i,
        None => {
            keys.push(e.clone());
            keys.len() - 1
        }
    }
}

fn rollup(elems: &[Vec<usize>]) -> Vec<Vec<usize>> {
    (0..=elems.len())
        .rev()
        .map(|n| elems[..n].concat())
        .collect()
}

fn cube(elems: &[Vec<usize>]) -> Result<Vec<Vec<usize>>> {
    if elems.len() > 12 {
        return Err(SharkError::analysis(format!(
            "CUBE of {} keys has too many grouping sets (at most 12 keys)",
            elems.len()
        )));
    }
    Ok((0..1usize << elems.len())
        .rev()
        .map(|mask| {
            (0..elems.len())
                .filter(|i| mask & (1 << (elems.len() - 1 - i)) != 0)
                .flat_map(|i| elems[i].clone())
                .collect()
        })
        .collect())
}

/// The keys and grouping sets of a GROUP BY, in Hive's forms (`GROUP BY a,
/// b WITH ROLLUP`, `... WITH CUBE`, `... GROUPING SETS ((a, b), (a), ())`)
/// and the standard ones (`GROUP BY ROLLUP(a, b)`, `CUBE(...)`, `GROUPING
/// SETS (...)`, combined with plain keys as a cross product). Duplicate
/// sets are dropped, as Hive's planner does.
pub(crate) fn group_by(g: &ast::GroupByExpr) -> Result<GroupBy> {
    let (exprs, modifiers) = match g {
        ast::GroupByExpr::Expressions(exprs, modifiers) => (exprs, modifiers),
        ast::GroupByExpr::All(_) => return Err(SharkError::unsupported("GROUP BY ALL")),
    };
    let mut keys = Vec::new();
    let elements = |list: &[Vec<SqlExpr>], keys: &mut Vec<SqlExpr>| -> Vec<Vec<usize>> {
        list.iter()
            .map(|set| set.iter().map(|e| key_index(keys, e)).collect())
            .collect()
    };
    // Each GROUP BY item as alternatives; the sets are their cross product.
    let mut factors: Vec<Vec<Vec<usize>>> = Vec::new();
    let mut plain = Vec::new();
    let mut special = false;
    for e in exprs {
        match e {
            SqlExpr::Rollup(list) => {
                special = true;
                factors.push(rollup(&elements(list, &mut keys)));
            }
            SqlExpr::Cube(list) => {
                special = true;
                factors.push(cube(&elements(list, &mut keys))?);
            }
            SqlExpr::GroupingSets(list) => {
                special = true;
                factors.push(elements(list, &mut keys));
            }
            // Hive's dialect parses `ROLLUP(a, b)` and `CUBE(a, b)` as calls.
            SqlExpr::Function(f)
                if ["rollup", "cube"]
                    .contains(&f.name.to_string().to_ascii_lowercase().as_str()) =>
            {
                special = true;
                let (args, _, _) = super::expr::function_args(f)?;
                let list: Vec<Vec<SqlExpr>> = args
                    .into_iter()
                    .map(|a| match a {
                        SqlExpr::Tuple(items) => items.clone(),
                        SqlExpr::Nested(inner) => vec![(**inner).clone()],
                        other => vec![other.clone()],
                    })
                    .collect();
                let elems = elements(&list, &mut keys);
                factors.push(if f.name.to_string().eq_ignore_ascii_case("rollup") {
                    rollup(&elems)
                } else {
                    cube(&elems)?
                });
            }
            other => {
                let i = key_index(&mut keys, other);
                plain.push(vec![i]);
                factors.push(vec![vec![i]]);
            }
        }
    }
    for m in modifiers {
        special = true;
        let sets = match m {
            ast::GroupByWithModifier::Rollup => rollup(&plain),
            ast::GroupByWithModifier::Cube => cube(&plain)?,
            ast::GroupByWithModifier::GroupingSets(SqlExpr::GroupingSets(list)) => {
                elements(list, &mut keys)
            }
            other => return Err(SharkError::unsupported(format!("GROUP BY ... {other}"))),
        };
        // The modifier's sets replace the plain keys' single combination.
        factors.retain(|f| f.len() != 1 || !plain.contains(&f[0]));
        factors.push(sets);
    }
    if !special {
        return Ok(GroupBy { keys, sets: None });
    }
    let mut sets: Vec<Vec<usize>> = vec![vec![]];
    for f in factors {
        let mut next = Vec::new();
        for s in &sets {
            for alt in &f {
                next.push([s.clone(), alt.clone()].concat());
            }
        }
        if next.len() > MAX_SETS {
            return Err(SharkError::analysis(format!(
                "more than {MAX_SETS} grouping sets"
            )));
        }
        sets = next;
    }
    let mut unique: Vec<Vec<usize>> = Vec::new();
    for mut s in sets {
        s.sort_unstable();
        s.dedup();
        if !unique.contains(&s) {
            unique.push(s);
        }
    }
    Ok(GroupBy {
        keys,
        sets: Some(unique),
    })
}

/// Grouping sets being planned: what `grouping()` needs.
pub struct GroupingSets {
    keys: Vec<Expr>,
    sets: Vec<Vec<usize>>,
    set_column: Expr,
    input: Arc<LogicalPlan>,
    grand_total: Option<usize>,
}

impl GroupingSets {
    /// Repeats `input`'s rows once per set (keys outside it NULL, plus the
    /// set number). Returns the new input, the aggregation's group
    /// expressions over it, and the expressions select items are matched
    /// against (the original keys, then the set number).
    pub(crate) fn expand(
        input: Arc<LogicalPlan>,
        keys: Vec<Expr>,
        sets: Vec<Vec<usize>>,
    ) -> (Arc<LogicalPlan>, Vec<Expr>, GroupingSets) {
        let schema = input.schema();
        let width = schema.fields().len();
        let mut cols: Vec<(String, DataType)> = schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect();
        for (i, k) in keys.iter().enumerate() {
            cols.push((format!("_k{i}"), k.data_type()));
        }
        cols.push(("_gset".into(), DataType::Int32));
        let out = schema_of(&cols);
        // The empty set is aggregated on its own (see `aggregate`), so that
        // it gives its one row even over no input.
        let grand_total = sets.iter().position(|s| s.is_empty());
        let inputs = sets
            .iter()
            .enumerate()
            .filter(|(_, set)| !set.is_empty())
            .map(|(j, set)| {
                let mut exprs: Vec<Expr> = (0..width)
                    .map(|c| Expr::column(c, cols[c].0.clone(), cols[c].1.clone()))
                    .collect();
                for (i, k) in keys.iter().enumerate() {
                    exprs.push(if set.contains(&i) {
                        k.clone()
                    } else {
                        Expr::lit(ScalarValue::Null).cast_to(&k.data_type())
                    });
                }
                exprs.push(Expr::lit(ScalarValue::Int32(j as i32)));
                Arc::new(LogicalPlan::Project(Project {
                    input: input.clone(),
                    exprs,
                    schema: out.clone(),
                }))
            })
            .collect();
        let expanded = Arc::new(LogicalPlan::Union(Union {
            inputs,
            schema: out,
        }));
        let set_column = Expr::column(width + keys.len(), "_gset", DataType::Int32);
        let group: Vec<Expr> = (0..=keys.len())
            .map(|i| {
                Expr::column(
                    width + i,
                    cols[width + i].0.clone(),
                    cols[width + i].1.clone(),
                )
            })
            .collect();
        let gs = GroupingSets {
            keys,
            sets,
            set_column,
            input,
            grand_total,
        };
        (expanded, group, gs)
    }

    /// The aggregation of the expanded rows by `group`, with `aggs`; the
    /// grand total (the empty set), when asked for, is a separate global
    /// aggregation of the original rows unioned in.
    pub(crate) fn aggregate(
        &self,
        expanded: Arc<LogicalPlan>,
        group: Vec<Expr>,
        aggs: Vec<crate::plan::AggExpr>,
        schema: arrow::datatypes::SchemaRef,
    ) -> Arc<LogicalPlan> {
        let sets_left = self.sets.len() - self.grand_total.is_some() as usize;
        let grouped = Arc::new(LogicalPlan::Aggregate(Aggregate {
            input: expanded,
            group: group.clone(),
            aggs: aggs.clone(),
            schema: schema.clone(),
        }));
        let Some(j) = self.grand_total else {
            return grouped;
        };
        let agg_cols: Vec<(String, DataType)> = aggs
            .iter()
            .enumerate()
            .map(|(a, x)| (format!("_a{a}"), x.data_type.clone()))
            .collect();
        let total = Arc::new(LogicalPlan::Aggregate(Aggregate {
            input: self.input.clone(),
            group: vec![],
            aggs: aggs.clone(),
            schema: schema_of(&agg_cols),
        }));
        let mut exprs: Vec<Expr> = group
            .iter()
            .take(self.keys.len())
            .map(|g| Expr::lit(ScalarValue::Null).cast_to(&g.data_type()))
            .collect();
        exprs.push(Expr::lit(ScalarValue::Int32(j as i32)));
        exprs.extend(
            agg_cols
                .iter()
                .enumerate()
                .map(|(a, (n, t))| Expr::column(a, n.clone(), t.clone())),
        );
        let total = Arc::new(LogicalPlan::Project(Project {
            input: total,
            exprs,
            schema: schema.clone(),
        }));
        if sets_left == 0 {
            return total;
        }
        Arc::new(LogicalPlan::Union(Union {
            inputs: vec![grouped, total],
            schema,
        }))
    }

    /// The keys select items are matched against: the original keys, then
    /// the set number.
    pub(crate) fn matching(&self) -> Vec<Expr> {
        let mut m = self.keys.clone();
        m.push(self.set_column.clone());
        m
    }

    /// `grouping(k1, ..., kn)`: bit n-1-p is 1 when key `kp` is rolled up
    /// (NULL because it is not in the row's set), else 0.
    pub(crate) fn grouping_call(&self, args: Vec<Expr>) -> Result<Expr> {
        if args.is_empty() {
            return Err(SharkError::analysis("grouping() needs at least one key"));
        }
        let idx = args
            .iter()
            .map(|a| {
                self.keys.iter().position(|k| k == a).ok_or_else(|| {
                    SharkError::analysis(format!("grouping() argument {a} is not a GROUP BY key"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let n = idx.len();
        let mut branches = Vec::new();
        for (j, set) in self.sets.iter().enumerate() {
            let value: i32 = idx
                .iter()
                .enumerate()
                .filter(|(_, i)| !set.contains(i))
                .map(|(p, _)| 1 << (n - 1 - p))
                .sum();
            if value != 0 {
                let is_set = make_binary(
                    BinaryOp::Eq,
                    self.set_column.clone(),
                    Expr::lit(ScalarValue::Int32(j as i32)),
                )?;
                branches.push((is_set, Expr::lit(ScalarValue::Int32(value))));
            }
        }
        if branches.is_empty() {
            return Ok(Expr::lit(ScalarValue::Int32(0)));
        }
        case_of(branches, Some(Expr::lit(ScalarValue::Int32(0))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollup_and_cube_sets() {
        let e = |v: Vec<usize>| v.into_iter().map(|i| vec![i]).collect::<Vec<_>>();
        assert_eq!(rollup(&e(vec![0, 1])), vec![vec![0, 1], vec![0], vec![]]);
        assert_eq!(
            cube(&e(vec![0, 1])).unwrap(),
            vec![vec![0, 1], vec![0], vec![1], vec![]]
        );
    }
}
