//! Binding SQL expressions to resolved `Expr`s: names to column positions,
//! literals to typed constants, operators and functions with Hive's
//! implicit conversions made explicit.

pub use super::call::call;
use super::literal::*;
pub use super::operators::make_binary;
use super::operators::numeric_operand;
use super::scope::Scope;
use crate::error::{Result, SharkError};
use crate::expr::{BinaryOp, Expr, LikeKind};
use crate::plan::{AggExpr, AggFunc};
use crate::scalar::ScalarValue;
use crate::types::{self, comparison_type, is_numeric, is_string};
use arrow::datatypes::DataType;
use sqlparser::ast::{
    self as ast, Expr as SqlExpr, FunctionArg, FunctionArgExpr, FunctionArguments,
};
use std::collections::HashMap;

/// Column indices at or above this refer to aggregate results while a
/// select list is bound over an aggregation.
pub const AGG_BASE: usize = 1 << 30;

/// What an expression is bound against.
pub struct BindCtx<'a> {
    /// The visible columns.
    pub scope: &'a Scope,
    /// Aggregates found so far, when aggregate calls are allowed.
    pub aggs: Option<&'a mut Vec<AggExpr>>,
    /// Scalar subqueries already planned, by the address of their AST node.
    pub subqueries: &'a HashMap<usize, Expr>,
    /// Window function calls found so far, where they are allowed (the
    /// select list).
    pub windows: Option<&'a mut super::window::WindowCalls>,
    /// The grouping sets of the aggregation, for `grouping()`.
    pub grouping: Option<&'a super::grouping::GroupingSets>,
}

impl<'a> BindCtx<'a> {
    /// A context without aggregates or subqueries.
    pub fn plain(scope: &'a Scope, subqueries: &'a HashMap<usize, Expr>) -> Self {
        BindCtx {
            scope,
            aggs: None,
            subqueries,
            windows: None,
            grouping: None,
        }
    }
}

fn no_subqueries() -> &'static HashMap<usize, Expr> {
    static EMPTY: std::sync::OnceLock<HashMap<usize, Expr>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(HashMap::new)
}

/// Binds an expression with no aggregates or subqueries in `scope`.
pub fn bind_simple(e: &SqlExpr, scope: &Scope) -> Result<Expr> {
    bind(e, &mut BindCtx::plain(scope, no_subqueries()))
}

/// Field `name` of a struct value.
fn struct_field(value: Expr, name: &str) -> Result<Expr> {
    let DataType::Struct(fields) = value.data_type() else {
        return Err(SharkError::analysis(format!(
            "{value} is not a struct, so it has no field '{name}'"
        )));
    };
    let field = fields
        .iter()
        .find(|f| f.name().eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            let known: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
            SharkError::analysis(format!(
                "struct has no field '{name}' (fields: {})",
                known.join(", ")
            ))
        })?;
    Ok(Expr::Function {
        func: crate::functions::lookup("struct_field").expect("registered"),
        args: vec![value, Expr::lit(ScalarValue::Utf8(field.name().clone()))],
        data_type: field.data_type().clone(),
    })
}

/// `named_struct('a', x, 'b', y)`: names must be string constants.
fn named_struct(args: Vec<Expr>) -> Result<Expr> {
    if !args.len().is_multiple_of(2) || args.is_empty() {
        return Err(SharkError::analysis("named_struct takes name, value pairs"));
    }
    let mut fields = Vec::new();
    let mut values = Vec::new();
    for pair in args.chunks(2) {
        let Expr::Literal(ScalarValue::Utf8(name)) = &pair[0] else {
            return Err(SharkError::analysis(format!(
                "named_struct's field names must be string constants, got {}",
                pair[0]
            )));
        };
        let v = if pair[1].data_type() == DataType::Null {
            pair[1].clone().cast_to(&DataType::Utf8)
        } else {
            pair[1].clone()
        };
        fields.push(arrow::datatypes::Field::new(name, v.data_type(), true));
        values.push(v);
    }
    Ok(Expr::Function {
        func: crate::functions::lookup("struct").expect("registered"),
        args: values,
        data_type: DataType::Struct(fields.into()),
    })
}

pub(crate) fn case_of(branches: Vec<(Expr, Expr)>, else_expr: Option<Expr>) -> Result<Expr> {
    let mut result_types: Vec<DataType> = branches.iter().map(|(_, r)| r.data_type()).collect();
    if let Some(e) = &else_expr {
        result_types.push(e.data_type());
    }
    let t = types::common_of(&result_types, "CASE")?;
    Ok(Expr::Case {
        branches: branches
            .into_iter()
            .map(|(c, r)| (c.cast_to(&DataType::Boolean), r.cast_to(&t)))
            .collect(),
        else_expr: else_expr.map(|e| Box::new(e.cast_to(&t))),
        data_type: t,
    })
}

pub(crate) fn function_args(f: &ast::Function) -> Result<(Vec<&SqlExpr>, bool, bool)> {
    match &f.args {
        FunctionArguments::None => Ok((vec![], false, false)),
        FunctionArguments::Subquery(_) => {
            Err(SharkError::unsupported("subquery as a function argument"))
        }
        FunctionArguments::List(list) => {
            let distinct = matches!(
                list.duplicate_treatment,
                Some(ast::DuplicateTreatment::Distinct)
            );
            let mut out = Vec::new();
            let mut star = false;
            for a in &list.args {
                match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => out.push(e),
                    FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => star = true,
                    other => {
                        return Err(SharkError::unsupported(format!(
                            "function argument {other}"
                        )))
                    }
                }
            }
            Ok((out, distinct, star))
        }
    }
}

/// True when `e` calls an aggregate function outside any subquery.
pub fn contains_aggregate(e: &SqlExpr) -> bool {
    let mut found = false;
    visit(e, &mut |x| {
        if let SqlExpr::Function(f) = x {
            if f.over.is_none() && AggFunc::from_name(&f.name.to_string()).is_some() {
                found = true;
            }
        }
    });
    found
}

/// Calls `f` on every node of `e`, not descending into subqueries.
pub fn visit<'a>(e: &'a SqlExpr, f: &mut dyn FnMut(&'a SqlExpr)) {
    f(e);
    let mut go = |x: &'a SqlExpr| visit(x, f);
    match e {
        SqlExpr::BinaryOp { left, right, .. } => {
            go(left);
            go(right);
        }
        SqlExpr::UnaryOp { expr, .. }
        | SqlExpr::Nested(expr)
        | SqlExpr::IsNull(expr)
        | SqlExpr::IsNotNull(expr)
        | SqlExpr::IsTrue(expr)
        | SqlExpr::IsFalse(expr)
        | SqlExpr::IsNotTrue(expr)
        | SqlExpr::IsNotFalse(expr)
        | SqlExpr::Cast { expr, .. }
        | SqlExpr::Extract { expr, .. }
        | SqlExpr::Ceil { expr, .. }
        | SqlExpr::Floor { expr, .. } => go(expr),
        SqlExpr::IsDistinctFrom(a, b) | SqlExpr::IsNotDistinctFrom(a, b) => {
            go(a);
            go(b);
        }
        SqlExpr::Between {
            expr, low, high, ..
        } => {
            go(expr);
            go(low);
            go(high);
        }
        SqlExpr::Like { expr, pattern, .. }
        | SqlExpr::ILike { expr, pattern, .. }
        | SqlExpr::RLike { expr, pattern, .. } => {
            go(expr);
            go(pattern);
        }
        SqlExpr::In { expr, target, .. } => {
            go(expr);
            if let ast::InTarget::List(list) = target {
                list.iter().for_each(&mut go);
            }
        }
        SqlExpr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            if let Some(o) = operand {
                go(o);
            }
            for c in conditions {
                go(&c.condition);
                go(&c.result);
            }
            if let Some(e) = else_result {
                go(e);
            }
        }
        SqlExpr::CompoundFieldAccess { root, access_chain } => {
            go(root);
            for a in access_chain {
                match a {
                    ast::AccessExpr::Subscript(ast::Subscript::Index { index }) => go(index),
                    ast::AccessExpr::Dot(e) => go(e),
                    _ => {}
                }
            }
        }
        SqlExpr::Function(func) => {
            if let FunctionArguments::List(list) = &func.args {
                for a in &list.args {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) = a {
                        go(x);
                    }
                }
            }
        }
        SqlExpr::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => {
            go(expr);
            if let Some(x) = substring_from {
                go(x);
            }
            if let Some(x) = substring_for {
                go(x);
            }
        }
        SqlExpr::Trim { expr, .. } => go(expr),
        SqlExpr::Position { expr, r#in } => {
            go(expr);
            go(r#in);
        }
        _ => {}
    }
}

/// Binds `e` in `cx`.
pub fn bind(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    match e {
        SqlExpr::Identifier(..) => bind_identifier(e, cx),
        SqlExpr::CompoundIdentifier(..) => bind_compound_identifier(e, cx),
        SqlExpr::Value(v) => Ok(Expr::Literal(literal(&v.value)?)),
        SqlExpr::TypedString(ts) => typed_string(&ts.data_type, &ts.value.value),
        SqlExpr::Interval(iv) => Ok(Expr::Literal(super::literal::interval(iv)?)),
        SqlExpr::Nested(inner) => bind(inner, cx),
        // `a[i]`: Hive's index(a, i), 0-based.
        SqlExpr::CompoundFieldAccess { .. } => bind_field_access(e, cx),
        SqlExpr::BinaryOp { .. } => bind_binary_op(e, cx),
        SqlExpr::UnaryOp { .. } => bind_unary_op(e, cx),
        SqlExpr::IsNull(x) => Ok(Expr::IsNull {
            expr: Box::new(bind(x, cx)?),
            negated: false,
        }),
        SqlExpr::IsNotNull(x) => Ok(Expr::IsNull {
            expr: Box::new(bind(x, cx)?),
            negated: true,
        }),
        SqlExpr::IsTrue(x)
        | SqlExpr::IsFalse(x)
        | SqlExpr::IsNotTrue(x)
        | SqlExpr::IsNotFalse(x) => {
            let want = matches!(e, SqlExpr::IsTrue(_) | SqlExpr::IsNotFalse(_));
            let v = bind(x, cx)?.cast_to(&DataType::Boolean);
            let test = make_binary(
                BinaryOp::NullSafeEq,
                v,
                Expr::Literal(ScalarValue::Boolean(true)),
            )?;
            let positive = matches!(e, SqlExpr::IsTrue(_) | SqlExpr::IsFalse(_));
            let base = if want == positive {
                test
            } else {
                Expr::Not(Box::new(test))
            };
            // IS FALSE: value is false, not NULL.
            if matches!(e, SqlExpr::IsFalse(_) | SqlExpr::IsNotFalse(_)) {
                let v = bind(x, cx)?.cast_to(&DataType::Boolean);
                let is_false = make_binary(
                    BinaryOp::NullSafeEq,
                    v,
                    Expr::Literal(ScalarValue::Boolean(false)),
                )?;
                return Ok(if matches!(e, SqlExpr::IsFalse(_)) {
                    is_false
                } else {
                    Expr::Not(Box::new(is_false))
                });
            }
            Ok(base)
        }
        SqlExpr::IsDistinctFrom(a, b) => Ok(Expr::Not(Box::new(make_binary(
            BinaryOp::NullSafeEq,
            bind(a, cx)?,
            bind(b, cx)?,
        )?))),
        SqlExpr::IsNotDistinctFrom(a, b) => {
            make_binary(BinaryOp::NullSafeEq, bind(a, cx)?, bind(b, cx)?)
        }
        SqlExpr::Between { .. } => bind_between(e, cx),
        SqlExpr::In {
            expr,
            target,
            negated,
            ..
        } => match target {
            ast::InTarget::List(list) => {
                let v = bind(expr, cx)?;
                let items = list
                    .iter()
                    .map(|x| bind(x, cx))
                    .collect::<Result<Vec<_>>>()?;
                let mut t = v.data_type();
                for i in &items {
                    t = comparison_type(&t, &i.data_type()).ok_or_else(|| {
                        SharkError::analysis(format!(
                            "IN list: cannot compare {} with {}",
                            types::type_name(&t),
                            types::type_name(&i.data_type())
                        ))
                    })?;
                }
                Ok(Expr::InList {
                    expr: Box::new(v.cast_to(&t)),
                    list: items.into_iter().map(|i| i.cast_to(&t)).collect(),
                    negated: *negated,
                })
            }
            ast::InTarget::Subquery(_) => cx
                .subqueries
                .get(&(e as *const SqlExpr as usize))
                .cloned()
                .ok_or_else(|| SharkError::unsupported("IN (subquery) here")),
            _ => Err(SharkError::unsupported(format!("IN {target}"))),
        },
        SqlExpr::Like {
            negated,
            expr,
            pattern,
            escape_char,
            any: false,
        }
        | SqlExpr::ILike {
            negated,
            expr,
            pattern,
            escape_char,
            any: false,
        } => {
            if escape_char.is_some() {
                return Err(SharkError::unsupported("LIKE ... ESCAPE"));
            }
            let kind = if matches!(e, SqlExpr::ILike { .. }) {
                LikeKind::ILike
            } else {
                LikeKind::Like
            };
            Ok(like(bind(expr, cx)?, bind(pattern, cx)?, *negated, kind))
        }
        SqlExpr::RLike {
            negated,
            expr,
            pattern,
            ..
        } => Ok(like(
            bind(expr, cx)?,
            bind(pattern, cx)?,
            *negated,
            LikeKind::RLike,
        )),
        SqlExpr::Cast {
            expr, data_type, ..
        } => {
            let v = bind(expr, cx)?;
            let to = types::sql_type(data_type)?;
            let cast = Expr::Cast {
                expr: Box::new(v),
                to,
            };
            // VARCHAR(n) keeps the first n characters, as Hive's cast does;
            // CHAR(n) too, and its trailing spaces do not count.
            match data_type {
                ast::DataType::Varchar(Some(ast::CharacterLength::IntegerLength {
                    length,
                    ..
                })) => fit_to_length(cast, *length, false),
                ast::DataType::Char(Some(ast::CharacterLength::IntegerLength {
                    length, ..
                }))
                | ast::DataType::Character(Some(ast::CharacterLength::IntegerLength {
                    length,
                    ..
                })) => fit_to_length(cast, *length, true),
                _ => Ok(cast),
            }
        }
        SqlExpr::Case { .. } => bind_case(e, cx),
        SqlExpr::Extract { .. } => bind_extract(e, cx),
        SqlExpr::Ceil { expr, .. } => call("ceil", vec![bind(expr, cx)?]),
        SqlExpr::Floor { expr, .. } => call("floor", vec![bind(expr, cx)?]),
        SqlExpr::Position { expr, r#in } => call("locate", vec![bind(expr, cx)?, bind(r#in, cx)?]),
        SqlExpr::Substring { .. } => bind_substring(e, cx),
        SqlExpr::Trim { .. } => bind_trim(e, cx),
        SqlExpr::Subquery(q) => {
            let key = &**q as *const ast::Query as usize;
            cx.subqueries
                .get(&key)
                .cloned()
                .ok_or_else(|| SharkError::unsupported("a scalar subquery here"))
        }
        SqlExpr::Exists { .. } => cx
            .subqueries
            .get(&(e as *const SqlExpr as usize))
            .cloned()
            .ok_or_else(|| SharkError::unsupported("EXISTS here")),
        SqlExpr::Function(f) => bind_function(f, cx),
        other => Err(SharkError::unsupported(format!("expression {other}"))),
    }
}

fn bind_identifier(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    let SqlExpr::Identifier(id) = e else {
        unreachable!("bind_identifier is called on Identifier")
    };
    let name = ident_name(id);
    match cx.scope.resolve(None, &name)? {
        Some(i) => Ok(column(cx.scope, i)),
        None => {
            if id.quote_style.is_none() {
                if let Some(v) = suffixed_number(&id.value) {
                    return Ok(Expr::Literal(v));
                }
            }
            Err(SharkError::analysis_at(
                cx.scope.not_found(None, &name),
                id.span,
            ))
        }
    }
}

fn bind_compound_identifier(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    let SqlExpr::CompoundIdentifier(parts) = e else {
        unreachable!("bind_compound_identifier is called on CompoundIdentifier")
    };
    let n = parts.len();
    let name = ident_name(&parts[n - 1]);
    let qualifier = ident_name(&parts[n - 2]);
    match cx.scope.resolve(Some(&qualifier), &name)? {
        Some(i) if n == 2 => Ok(column(cx.scope, i)),
        _ => {
            // `s.f`, `t.s.f`, `s.f.g`: a struct column's fields.
            let names: Vec<String> = parts.iter().map(ident_name).collect();
            let start = [(2, Some(&names[0]), &names[1]), (1, None, &names[0])]
                .into_iter()
                .filter(|(used, _, _)| *used < n)
                .find_map(|(used, q, c)| {
                    cx.scope
                        .resolve(q.map(|q| q.as_str()), c)
                        .ok()
                        .flatten()
                        .map(|i| (used, i))
                });
            match start {
                Some((used, i)) => {
                    let mut value = column(cx.scope, i);
                    for f in &names[used..] {
                        value = struct_field(value, f)?;
                    }
                    Ok(value)
                }
                None => Err(SharkError::analysis_at(
                    cx.scope.not_found(Some(&qualifier), &name),
                    parts[0].span,
                )),
            }
        }
    }
}

fn bind_field_access(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    let SqlExpr::CompoundFieldAccess { root, access_chain } = e else {
        unreachable!("bind_field_access is called on CompoundFieldAccess")
    };
    let mut value = bind(root, cx)?;
    for access in access_chain {
        match access {
            ast::AccessExpr::Subscript(ast::Subscript::Index { index }) => {
                let i = bind(index, cx)?;
                value = call("index", vec![value, i])?;
            }
            ast::AccessExpr::Dot(SqlExpr::Identifier(field)) => {
                value = struct_field(value, &ident_name(field))?;
            }
            other => return Err(SharkError::unsupported(format!("field access {other}"))),
        }
    }
    Ok(value)
}

fn bind_binary_op(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    let SqlExpr::BinaryOp { left, op, right } = e else {
        unreachable!("bind_binary_op is called on BinaryOp")
    };
    use ast::BinaryOperator as B;
    let op = match op {
        B::Plus => BinaryOp::Plus,
        B::Minus => BinaryOp::Minus,
        B::Multiply => BinaryOp::Multiply,
        B::Divide => BinaryOp::Divide,
        B::Modulo => BinaryOp::Modulo,
        B::MyIntegerDivide | B::DuckIntegerDivide => BinaryOp::IntDivide,
        B::Eq => BinaryOp::Eq,
        B::NotEq => BinaryOp::NotEq,
        B::Lt => BinaryOp::Lt,
        B::LtEq => BinaryOp::LtEq,
        B::Gt => BinaryOp::Gt,
        B::GtEq => BinaryOp::GtEq,
        B::Spaceship => BinaryOp::NullSafeEq,
        B::And => BinaryOp::And,
        B::Or => BinaryOp::Or,
        B::StringConcat => BinaryOp::Concat,
        B::BitwiseAnd => BinaryOp::BitAnd,
        B::BitwiseOr => BinaryOp::BitOr,
        B::BitwiseXor | B::PGExp => BinaryOp::BitXor,
        B::Regexp => {
            let l = bind(left, cx)?;
            let r = bind(right, cx)?;
            return Ok(like(l, r, false, LikeKind::RLike));
        }
        other => return Err(SharkError::unsupported(format!("operator {other}"))),
    };
    let l = bind(left, cx)?;
    let r = bind(right, cx)?;
    if let Some(e) = default_partition_test(op, &l, &r, cx) {
        return Ok(e);
    }
    make_binary(op, l, r)
}

/// Hive's name for the NULL partition value.
const DEFAULT_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// `k = '__HIVE_DEFAULT_PARTITION__'` (or `<>`) on a partition column: the
/// NULL partition by its folder name, as Hive's partition pruning reads it
/// (the rows' `k` is NULL), so `k IS [NOT] NULL`.
fn default_partition_test(op: BinaryOp, l: &Expr, r: &Expr, cx: &BindCtx) -> Option<Expr> {
    let negated = match op {
        BinaryOp::Eq => false,
        BinaryOp::NotEq => true,
        _ => return None,
    };
    let (column, literal) = match (l, r) {
        (c @ Expr::Column { .. }, Expr::Literal(v))
        | (Expr::Literal(v), c @ Expr::Column { .. }) => (c, v),
        _ => return None,
    };
    let Expr::Column { index, .. } = column else {
        return None;
    };
    let is_key = cx
        .scope
        .columns
        .get(*index)
        .is_some_and(|c| c.partition_key);
    (is_key && literal.as_str() == Some(DEFAULT_PARTITION)).then(|| Expr::IsNull {
        expr: Box::new(column.clone()),
        negated,
    })
}

fn bind_unary_op(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    let SqlExpr::UnaryOp { op, expr } = e else {
        unreachable!("bind_unary_op is called on UnaryOp")
    };
    let v = bind(expr, cx)?;
    match op {
        ast::UnaryOperator::Not | ast::UnaryOperator::BangNot => {
            Ok(Expr::Not(Box::new(v.cast_to(&DataType::Boolean))))
        }
        ast::UnaryOperator::Minus => {
            if let Expr::Literal(lit) = &v {
                if let Some(neg) = negate_literal(lit) {
                    return Ok(Expr::Literal(neg));
                }
            }
            if types::is_interval(&v.data_type()) {
                return Ok(Expr::Negative(Box::new(v)));
            }
            if v.data_type() == DataType::Null {
                return Ok(v.cast_to(&DataType::Int32));
            }
            Ok(Expr::Negative(Box::new(numeric_operand(v, "unary minus")?)))
        }
        ast::UnaryOperator::Plus => numeric_operand(v, "unary plus"),
        ast::UnaryOperator::BitwiseNot => {
            let t = v.data_type();
            if !crate::types::is_integer(&t) && t != DataType::Null {
                return Err(SharkError::analysis(format!(
                    "~ needs an integer, got {}",
                    types::type_name(&t)
                )));
            }
            Ok(Expr::BitNot(Box::new(if t == DataType::Null {
                v.cast_to(&DataType::Int32)
            } else {
                v
            })))
        }
        other => Err(SharkError::unsupported(format!("operator {other}"))),
    }
}

fn bind_between(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    let SqlExpr::Between {
        expr,
        negated,
        low,
        high,
    } = e
    else {
        unreachable!("bind_between is called on Between")
    };
    let v = bind(expr, cx)?;
    let lo = make_binary(BinaryOp::GtEq, v.clone(), bind(low, cx)?)?;
    let hi = make_binary(BinaryOp::LtEq, v, bind(high, cx)?)?;
    let both = make_binary(BinaryOp::And, lo, hi)?;
    Ok(if *negated {
        Expr::Not(Box::new(both))
    } else {
        both
    })
}

fn bind_case(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    let SqlExpr::Case {
        operand,
        conditions,
        else_result,
        ..
    } = e
    else {
        unreachable!("bind_case is called on Case")
    };
    let op = operand.as_ref().map(|o| bind(o, cx)).transpose()?;
    let mut branches = Vec::new();
    for c in conditions {
        let cond = bind(&c.condition, cx)?;
        let cond = match &op {
            Some(o) => make_binary(BinaryOp::Eq, o.clone(), cond)?,
            None => cond,
        };
        branches.push((cond, bind(&c.result, cx)?));
    }
    let else_expr = else_result.as_ref().map(|x| bind(x, cx)).transpose()?;
    case_of(branches, else_expr)
}

fn bind_extract(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    let SqlExpr::Extract { field, expr, .. } = e else {
        unreachable!("bind_extract is called on Extract")
    };
    let name = match field {
        ast::DateTimeField::Year => "year",
        ast::DateTimeField::Month => "month",
        ast::DateTimeField::Day => "day",
        ast::DateTimeField::Hour => "hour",
        ast::DateTimeField::Minute => "minute",
        ast::DateTimeField::Second => "second",
        ast::DateTimeField::Quarter => "quarter",
        ast::DateTimeField::Week(_) => "weekofyear",
        other => return Err(SharkError::unsupported(format!("EXTRACT({other})"))),
    };
    call(name, vec![bind(expr, cx)?])
}

fn bind_substring(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    let SqlExpr::Substring {
        expr,
        substring_from,
        substring_for,
        ..
    } = e
    else {
        unreachable!("bind_substring is called on Substring")
    };
    let mut args = vec![bind(expr, cx)?];
    args.push(match substring_from {
        Some(f) => bind(f, cx)?,
        None => Expr::Literal(ScalarValue::Int32(1)),
    });
    if let Some(l) = substring_for {
        args.push(bind(l, cx)?);
    }
    call("substr", args)
}

fn bind_trim(e: &SqlExpr, cx: &mut BindCtx) -> Result<Expr> {
    let SqlExpr::Trim {
        expr,
        trim_where,
        trim_what,
        trim_characters,
    } = e
    else {
        unreachable!("bind_trim is called on Trim")
    };
    if trim_what.is_some() || trim_characters.is_some() {
        return Err(SharkError::unsupported(
            "TRIM of characters other than spaces",
        ));
    }
    let name = match trim_where {
        Some(ast::TrimWhereField::Leading) => "ltrim",
        Some(ast::TrimWhereField::Trailing) => "rtrim",
        _ => "trim",
    };
    call(name, vec![bind(expr, cx)?])
}

fn like(v: Expr, p: Expr, negated: bool, kind: LikeKind) -> Expr {
    Expr::Like {
        expr: Box::new(v.cast_to(&DataType::Utf8)),
        pattern: Box::new(p.cast_to(&DataType::Utf8)),
        negated,
        kind,
    }
}

fn column(scope: &Scope, i: usize) -> Expr {
    let c = &scope.columns[i];
    Expr::column(i, c.name.clone(), c.data_type.clone())
}

fn bind_function(f: &ast::Function, cx: &mut BindCtx) -> Result<Expr> {
    let name = f.name.to_string().to_ascii_lowercase();
    if f.over.is_some() {
        return super::window::bind_window_call(f, &name, cx);
    }
    let (args, distinct, star) = function_args(f)?;
    if super::lateral::generator(&name).is_some() {
        return Err(SharkError::analysis(format!(
            "{name} must be alone in the SELECT list or in a LATERAL VIEW"
        )));
    }
    if name == "grouping" {
        let mut inner = BindCtx::plain(cx.scope, cx.subqueries);
        let bound: Vec<Expr> = args
            .iter()
            .map(|a| bind(a, &mut inner))
            .collect::<Result<_>>()?;
        return match (cx.grouping, cx.aggs.is_some()) {
            (Some(g), _) => g.grouping_call(bound),
            // A plain GROUP BY rolls nothing up.
            (None, true) => Ok(Expr::lit(ScalarValue::Int32(0))),
            (None, false) => Err(SharkError::analysis(
                "grouping() is only allowed in an aggregation",
            )),
        };
    }
    if let Some(func) = AggFunc::from_name(&name) {
        let Some(aggs) = cx.aggs.as_deref_mut() else {
            return Err(SharkError::analysis(format!(
                "aggregate function {name} is not allowed here (only in SELECT, HAVING and ORDER BY of a query)"
            )));
        };
        // Arguments see the rows being aggregated, not other aggregates.
        let mut inner = BindCtx {
            scope: cx.scope,
            aggs: None,
            subqueries: cx.subqueries,
            windows: None,
            grouping: None,
        };
        let bound: Vec<Expr> = args
            .iter()
            .map(|a| bind(a, &mut inner))
            .collect::<Result<_>>()?;
        let agg = agg_call(&name, func, bound, distinct, star)?;
        let data_type = agg.data_type.clone();
        let index = match aggs.iter().position(|a| *a == agg) {
            Some(i) => i,
            None => {
                aggs.push(agg);
                aggs.len() - 1
            }
        };
        return Ok(Expr::column(AGG_BASE + index, name.to_string(), data_type));
    }
    if distinct || star {
        return Err(SharkError::analysis(format!(
            "{name} is not an aggregate function"
        )));
    }
    let bound: Vec<Expr> = args.iter().map(|a| bind(a, cx)).collect::<Result<_>>()?;
    match name.as_str() {
        "named_struct" => named_struct(bound),
        "if" => {
            if bound.len() != 3 {
                return Err(SharkError::analysis("function if takes 3 arguments"));
            }
            let mut it = bound.into_iter();
            let (c, a, b) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
            case_of(vec![(c, a)], Some(b))
        }
        _ => call(&name, bound).map_err(|e| match e {
            SharkError::Analysis {
                message,
                location: None,
            } => SharkError::analysis_at(
                message,
                f.name
                    .0
                    .first()
                    .and_then(|p| p.as_ident())
                    .map(|i| i.span)
                    .unwrap_or(sqlparser::tokenizer::Span::empty()),
            ),
            other => other,
        }),
    }
}

/// `percentile(x, p)` / `percentile_approx(x, p[, accuracy])`: `p` a
/// constant fraction or an array of them; DOUBLE or ARRAY<DOUBLE>.
fn percentile_call(name: &str, bound: Vec<Expr>, distinct: bool, star: bool) -> Result<AggExpr> {
    if star || !(2..=3).contains(&bound.len()) {
        return Err(SharkError::analysis(format!(
            "{name} takes a value, a fraction (or an array of them) and, for percentile_approx, an accuracy"
        )));
    }
    let mut it = bound.into_iter();
    let x = it.next().expect("checked");
    let p = it.next().expect("checked");
    if !is_numeric(&x.data_type()) && x.data_type() != DataType::Null {
        return Err(SharkError::analysis(format!(
            "{name} needs a number, got {}",
            types::type_name(&x.data_type())
        )));
    }
    let mut cols = Vec::new();
    p.columns(&mut cols);
    if !cols.is_empty() {
        return Err(SharkError::analysis(format!(
            "{name}'s fraction must be a constant"
        )));
    }
    let (p, data_type) = match p.data_type() {
        DataType::List(_) => (
            p.cast_to(&crate::functions::list_of(DataType::Float64)),
            crate::functions::list_of(DataType::Float64),
        ),
        _ => (p.cast_to(&DataType::Float64), DataType::Float64),
    };
    Ok(AggExpr {
        func: AggFunc::Percentile,
        args: vec![x.cast_to(&DataType::Float64), p],
        distinct,
        data_type,
    })
}

/// `ngrams(sentences, n, k[, pf])`: sentences as ARRAY<ARRAY<STRING>> (or
/// one ARRAY<STRING>), `n` and `k` constant numbers (`pf` accepted).
fn ngrams_call(bound: Vec<Expr>, distinct: bool, star: bool) -> Result<AggExpr> {
    let usage = || {
        SharkError::analysis(
            "ngrams takes sentences (ARRAY<ARRAY<STRING>>, as sentences() makes), n, k and optionally a precision",
        )
    };
    if star || !(3..=4).contains(&bound.len()) {
        return Err(usage());
    }
    let mut it = bound.into_iter();
    let x = sentences_arg(it.next().expect("checked")).ok_or_else(usage)?;
    let mut args = vec![x];
    for c in it.take(2) {
        let mut cols = Vec::new();
        c.columns(&mut cols);
        if !cols.is_empty() || !is_numeric(&c.data_type()) {
            return Err(SharkError::analysis(
                "ngrams' n and k must be constant numbers",
            ));
        }
        args.push(c.cast_to(&DataType::Int64));
    }
    Ok(AggExpr {
        func: AggFunc::NGrams,
        args,
        distinct,
        data_type: crate::functions::aggregate::ngrams::result_type(),
    })
}

/// ngrams' first argument as sentences of words (ARRAY<ARRAY<STRING>>)
/// or one list of words (ARRAY<STRING>); None for anything else.
fn sentences_arg(x: Expr) -> Option<Expr> {
    let words = crate::functions::list_of(DataType::Utf8);
    match x.data_type() {
        DataType::List(f) if matches!(f.data_type(), DataType::List(_)) => {
            Some(x.cast_to(&crate::functions::list_of(words)))
        }
        DataType::List(_) => Some(x.cast_to(&words)),
        _ => None,
    }
}

/// True when `e` reads no column (its value is the same on every row).
fn is_constant(e: &Expr) -> bool {
    let mut cols = Vec::new();
    e.columns(&mut cols);
    cols.is_empty()
}

/// `context_ngrams(sentences, context, k[, pf])`: sentences as ngrams
/// takes them, a constant ARRAY<STRING> context, a constant k.
fn context_ngrams_call(bound: Vec<Expr>, distinct: bool, star: bool) -> Result<AggExpr> {
    let usage = || {
        SharkError::analysis(
            "context_ngrams(sentences, context, k[, pf]) takes arrays of strings, a constant \
             ARRAY<STRING> context and a constant k",
        )
    };
    if star || !(3..=4).contains(&bound.len()) {
        return Err(usage());
    }
    let mut it = bound.into_iter();
    let x = sentences_arg(it.next().expect("checked")).ok_or_else(usage)?;
    let words = crate::functions::list_of(DataType::Utf8);
    let context = it.next().expect("checked");
    if !is_constant(&context) || !matches!(context.data_type(), DataType::List(_)) {
        return Err(usage());
    }
    let k = it.next().expect("checked");
    if !is_constant(&k) || !is_numeric(&k.data_type()) {
        return Err(usage());
    }
    Ok(AggExpr {
        func: AggFunc::ContextNGrams,
        args: vec![x, context.cast_to(&words), k.cast_to(&DataType::Int64)],
        distinct,
        data_type: crate::functions::aggregate::ngrams::result_type(),
    })
}

/// `histogram_numeric(x, b)`: numbers and a constant bin count.
fn histogram_call(bound: Vec<Expr>, distinct: bool, star: bool) -> Result<AggExpr> {
    let usage =
        || SharkError::analysis("histogram_numeric(x, b) takes numbers and a constant bin count");
    let [x, b] = <[Expr; 2]>::try_from(bound).map_err(|_| usage())?;
    let t = x.data_type();
    if star || !(is_numeric(&t) || is_string(&t) || t == DataType::Null) {
        return Err(usage());
    }
    if !is_constant(&b) || !is_numeric(&b.data_type()) {
        return Err(usage());
    }
    Ok(AggExpr {
        func: AggFunc::HistogramNumeric,
        args: vec![x.cast_to(&DataType::Float64), b.cast_to(&DataType::Int64)],
        distinct,
        data_type: crate::functions::aggregate::histogram::result_type(),
    })
}

/// A string value as Hive's VARCHAR(n) (`is_char` false) or CHAR(n) holds
/// it: its first `n` characters, and for CHAR without trailing spaces,
/// which CHAR does not count. Casts and INSERT both fit values this way.
pub(crate) fn fit_to_length(e: Expr, n: u64, is_char: bool) -> Result<Expr> {
    let cut = call(
        "substr",
        vec![
            e,
            Expr::Literal(ScalarValue::Int32(1)),
            Expr::Literal(ScalarValue::Int32(i32::try_from(n).unwrap_or(i32::MAX))),
        ],
    )?;
    if is_char {
        call("rtrim", vec![cut])
    } else {
        Ok(cut)
    }
}

/// `e` (a string) padded with blanks to `n` characters: a CHAR(n) value
/// as Hive prints it and writes it to text.
pub(crate) fn pad_to_length(e: Expr, n: u32) -> Result<Expr> {
    call(
        "rpad",
        vec![
            e,
            Expr::Literal(ScalarValue::Int32(i32::try_from(n).unwrap_or(i32::MAX))),
            Expr::Literal(ScalarValue::Utf8(" ".into())),
        ],
    )
}

/// An aggregate call with Hive's argument conversions and result type.
pub(crate) fn agg_call(
    name: &str,
    func: AggFunc,
    bound: Vec<Expr>,
    distinct: bool,
    star: bool,
) -> Result<AggExpr> {
    if func == AggFunc::Percentile {
        return percentile_call(name, bound, distinct, star);
    }
    if func == AggFunc::NGrams {
        return ngrams_call(bound, distinct, star);
    }
    if func == AggFunc::ContextNGrams {
        return context_ngrams_call(bound, distinct, star);
    }
    if func == AggFunc::HistogramNumeric {
        return histogram_call(bound, distinct, star);
    }
    if matches!(func, AggFunc::CovarPop | AggFunc::CovarSamp | AggFunc::Corr) {
        if star || bound.len() != 2 {
            return Err(SharkError::analysis(format!("{name} takes two arguments")));
        }
        let mut args = Vec::new();
        for a in bound {
            let t = a.data_type();
            if !is_numeric(&t) && !is_string(&t) && t != DataType::Null {
                return Err(SharkError::analysis(format!(
                    "{name} needs numbers, got {}",
                    types::type_name(&t)
                )));
            }
            args.push(a.cast_to(&DataType::Float64));
        }
        return Ok(AggExpr {
            func,
            args,
            distinct,
            data_type: DataType::Float64,
        });
    }
    let (func, bound) = match (func, star, bound.len()) {
        (AggFunc::Count, true, 0) if distinct => {
            return Err(SharkError::analysis(
                "count(DISTINCT *) names no columns: count(DISTINCT col, ...)",
            ))
        }
        (AggFunc::Count, true, 0) => (AggFunc::Count, vec![]),
        (AggFunc::Count, false, n) if n >= 1 => (AggFunc::Count, bound),
        (AggFunc::Count, _, _) => {
            return Err(SharkError::analysis(
                "count takes * or at least one argument",
            ))
        }
        (f, false, 1) => {
            let a = bound.into_iter().next().unwrap();
            let t = a.data_type();
            let a = match f {
                AggFunc::Sum
                | AggFunc::Avg
                | AggFunc::VarPop
                | AggFunc::VarSamp
                | AggFunc::StddevPop
                | AggFunc::StddevSamp => {
                    if is_numeric(&t) {
                        a
                    } else if is_string(&t) || t == DataType::Null {
                        a.cast_to(&DataType::Float64)
                    } else {
                        return Err(SharkError::analysis(format!(
                            "{name} needs a number, got {}",
                            types::type_name(&t)
                        )));
                    }
                }
                _ => a,
            };
            let a = match (f, a.data_type()) {
                (
                    AggFunc::VarPop | AggFunc::VarSamp | AggFunc::StddevPop | AggFunc::StddevSamp,
                    _,
                ) => a.cast_to(&DataType::Float64),
                (AggFunc::Avg, t) if !matches!(t, DataType::Decimal128(_, _)) => {
                    a.cast_to(&DataType::Float64)
                }
                (AggFunc::Sum, DataType::Float32) => a.cast_to(&DataType::Float64),
                _ => a,
            };
            (f, vec![a])
        }
        (_, _, n) => {
            return Err(SharkError::analysis(format!(
                "{name} takes exactly one argument, got {n}"
            )))
        }
    };
    let data_type = func.return_type(bound.first().map(|a| a.data_type()).as_ref());
    Ok(AggExpr {
        func,
        args: bound,
        distinct,
        data_type,
    })
}
