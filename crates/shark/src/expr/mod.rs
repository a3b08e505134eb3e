//! Resolved expressions. The analyzer turns SQL expressions into `Expr`s
//! bound to input column positions, with every implicit conversion made an
//! explicit `Cast`; `eval` evaluates them over whole record batches with
//! Arrow kernels.

pub mod eval;
pub mod key_set;
pub mod rewrite;

use crate::functions::ScalarFunction;
use crate::scalar::ScalarValue;
use arrow::datatypes::DataType;
use std::fmt;

pub use crate::cast;
pub use eval::{evaluate, evaluate_predicate};

/// Binary operators, after coercion (both sides have the types the
/// operator needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Plus,
    Minus,
    Multiply,
    /// `/`: always DOUBLE in Hive; division by zero is NULL.
    Divide,
    /// `DIV`: integer division; by zero is NULL.
    IntDivide,
    Modulo,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    /// `<=>`: equality where NULL equals NULL.
    NullSafeEq,
    And,
    Or,
    /// `||` on strings.
    Concat,
    BitAnd,
    BitOr,
    BitXor,
}

impl BinaryOp {
    /// Comparisons and logical operators return BOOLEAN.
    pub fn is_predicate(&self) -> bool {
        use BinaryOp::*;
        matches!(
            self,
            Eq | NotEq | Lt | LtEq | Gt | GtEq | NullSafeEq | And | Or
        )
    }

    fn symbol(&self) -> &'static str {
        use BinaryOp::*;
        match self {
            Plus => "+",
            Minus => "-",
            Multiply => "*",
            Divide => "/",
            IntDivide => "DIV",
            Modulo => "%",
            Eq => "=",
            NotEq => "<>",
            Lt => "<",
            LtEq => "<=",
            Gt => ">",
            GtEq => ">=",
            NullSafeEq => "<=>",
            And => "AND",
            Or => "OR",
            Concat => "||",
            BitAnd => "&",
            BitOr => "|",
            BitXor => "^",
        }
    }
}

/// LIKE flavours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LikeKind {
    /// `LIKE` with `%` and `_`.
    Like,
    /// `ILIKE`, case-insensitive.
    ILike,
    /// `RLIKE` / `REGEXP`: a regular expression found anywhere in the value.
    RLike,
}

/// A resolved expression. Serializable (functions travel by name), so a
/// plan can be shipped to another process.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub enum Expr {
    /// Column `index` of the input.
    Column {
        index: usize,
        name: String,
        data_type: DataType,
    },
    Literal(ScalarValue),
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
        data_type: DataType,
    },
    Not(Box<Expr>),
    Negative(Box<Expr>),
    /// `~x` on integers.
    BitNot(Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// Hive casts: a value that does not convert becomes NULL.
    Cast {
        expr: Box<Expr>,
        to: DataType,
    },
    /// `CASE WHEN c THEN v ... ELSE e END` (the operand form is rewritten
    /// into this one by the analyzer).
    Case {
        branches: Vec<(Expr, Expr)>,
        else_expr: Option<Box<Expr>>,
        data_type: DataType,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
        kind: LikeKind,
    },
    Function {
        #[serde(with = "function_by_name")]
        func: &'static ScalarFunction,
        args: Vec<Expr>,
        data_type: DataType,
    },
    /// Whether `expr` (an integer-like value) is one of a join build
    /// side's keys: the dynamic filter adaptive execution pushes into the
    /// join's probe side. NULL is never in the set (false, not NULL).
    InKeys {
        expr: Box<Expr>,
        keys: std::sync::Arc<key_set::KeySet>,
    },
}

/// Serializes a built-in function as its name and finds it again by name.
mod function_by_name {
    use crate::functions::{lookup, ScalarFunction};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(f: &&'static ScalarFunction, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(f.name)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<&'static ScalarFunction, D::Error> {
        let name = String::deserialize(d)?;
        lookup(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown function {name}")))
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        use Expr::*;
        match (self, other) {
            (Column { index: a, .. }, Column { index: b, .. }) => a == b,
            (Literal(a), Literal(b)) => a == b,
            (
                Binary {
                    op: o1,
                    left: l1,
                    right: r1,
                    ..
                },
                Binary {
                    op: o2,
                    left: l2,
                    right: r2,
                    ..
                },
            ) => o1 == o2 && l1 == l2 && r1 == r2,
            (Not(a), Not(b)) | (Negative(a), Negative(b)) | (BitNot(a), BitNot(b)) => a == b,
            (
                IsNull {
                    expr: a,
                    negated: n1,
                },
                IsNull {
                    expr: b,
                    negated: n2,
                },
            ) => a == b && n1 == n2,
            (Cast { expr: a, to: t1 }, Cast { expr: b, to: t2 }) => a == b && t1 == t2,
            (
                Case {
                    branches: b1,
                    else_expr: e1,
                    ..
                },
                Case {
                    branches: b2,
                    else_expr: e2,
                    ..
                },
            ) => b1 == b2 && e1 == e2,
            (
                InList {
                    expr: a,
                    list: l1,
                    negated: n1,
                },
                InList {
                    expr: b,
                    list: l2,
                    negated: n2,
                },
            ) => a == b && l1 == l2 && n1 == n2,
            (
                Like {
                    expr: a,
                    pattern: p1,
                    negated: n1,
                    kind: k1,
                },
                Like {
                    expr: b,
                    pattern: p2,
                    negated: n2,
                    kind: k2,
                },
            ) => a == b && p1 == p2 && n1 == n2 && k1 == k2,
            (InKeys { expr: a, keys: k1 }, InKeys { expr: b, keys: k2 }) => {
                a == b && std::sync::Arc::ptr_eq(k1, k2)
            }
            (
                Function {
                    func: f1, args: a1, ..
                },
                Function {
                    func: f2, args: a2, ..
                },
            ) => std::ptr::eq(*f1, *f2) && a1 == a2,
            _ => false,
        }
    }
}

impl Expr {
    /// The type of the expression's values.
    pub fn data_type(&self) -> DataType {
        match self {
            Expr::Column { data_type, .. } => data_type.clone(),
            Expr::Literal(v) => v.data_type(),
            Expr::Binary { data_type, .. } => data_type.clone(),
            Expr::Not(_)
            | Expr::IsNull { .. }
            | Expr::InList { .. }
            | Expr::Like { .. }
            | Expr::InKeys { .. } => DataType::Boolean,
            Expr::Negative(e) | Expr::BitNot(e) => e.data_type(),
            Expr::Cast { to, .. } => to.clone(),
            Expr::Case { data_type, .. } => data_type.clone(),
            Expr::Function { data_type, .. } => data_type.clone(),
        }
    }

    /// A column reference.
    pub fn column(index: usize, name: impl Into<String>, data_type: DataType) -> Expr {
        Expr::Column {
            index,
            name: name.into(),
            data_type,
        }
    }

    /// A literal.
    pub fn lit(v: ScalarValue) -> Expr {
        Expr::Literal(v)
    }

    /// Wraps in a cast unless already of type `to`.
    pub fn cast_to(self, to: &DataType) -> Expr {
        if &self.data_type() == to {
            return self;
        }
        if let Expr::Literal(ScalarValue::Null) = self {
            return Expr::Cast {
                expr: Box::new(self),
                to: to.clone(),
            };
        }
        Expr::Cast {
            expr: Box::new(self),
            to: to.clone(),
        }
    }

    /// Children, for walking the tree.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Column { .. } | Expr::Literal(_) => vec![],
            Expr::Binary { left, right, .. } => vec![left, right],
            Expr::Not(e) | Expr::Negative(e) | Expr::BitNot(e) => vec![e],
            Expr::IsNull { expr, .. } | Expr::Cast { expr, .. } | Expr::InKeys { expr, .. } => {
                vec![expr]
            }
            Expr::Case {
                branches,
                else_expr,
                ..
            } => {
                let mut v: Vec<&Expr> = branches.iter().flat_map(|(c, r)| [c, r]).collect();
                if let Some(e) = else_expr {
                    v.push(e);
                }
                v
            }
            Expr::InList { expr, list, .. } => {
                std::iter::once(expr.as_ref()).chain(list.iter()).collect()
            }
            Expr::Like { expr, pattern, .. } => vec![expr, pattern],
            Expr::Function { args, .. } => args.iter().collect(),
        }
    }

    /// Rebuilds the tree bottom-up, letting `f` replace any node.
    pub fn transform(self, f: &mut dyn FnMut(Expr) -> Expr) -> Expr {
        let rebuilt = match self {
            Expr::Binary {
                op,
                left,
                right,
                data_type,
            } => Expr::Binary {
                op,
                left: Box::new(left.transform(f)),
                right: Box::new(right.transform(f)),
                data_type,
            },
            Expr::Not(e) => Expr::Not(Box::new(e.transform(f))),
            Expr::Negative(e) => Expr::Negative(Box::new(e.transform(f))),
            Expr::BitNot(e) => Expr::BitNot(Box::new(e.transform(f))),
            Expr::IsNull { expr, negated } => Expr::IsNull {
                expr: Box::new(expr.transform(f)),
                negated,
            },
            Expr::Cast { expr, to } => Expr::Cast {
                expr: Box::new(expr.transform(f)),
                to,
            },
            Expr::Case {
                branches,
                else_expr,
                data_type,
            } => Expr::Case {
                branches: branches
                    .into_iter()
                    .map(|(c, r)| (c.transform(f), r.transform(f)))
                    .collect(),
                else_expr: else_expr.map(|e| Box::new(e.transform(f))),
                data_type,
            },
            Expr::InList {
                expr,
                list,
                negated,
            } => Expr::InList {
                expr: Box::new(expr.transform(f)),
                list: list.into_iter().map(|e| e.transform(f)).collect(),
                negated,
            },
            Expr::Like {
                expr,
                pattern,
                negated,
                kind,
            } => Expr::Like {
                expr: Box::new(expr.transform(f)),
                pattern: Box::new(pattern.transform(f)),
                negated,
                kind,
            },
            Expr::Function {
                func,
                args,
                data_type,
            } => Expr::Function {
                func,
                args: args.into_iter().map(|e| e.transform(f)).collect(),
                data_type,
            },
            Expr::InKeys { expr, keys } => Expr::InKeys {
                expr: Box::new(expr.transform(f)),
                keys,
            },
            leaf => leaf,
        };
        f(rebuilt)
    }

    /// Column indices the expression reads.
    pub fn columns(&self, out: &mut Vec<usize>) {
        if let Expr::Column { index, .. } = self {
            if !out.contains(index) {
                out.push(*index);
            }
        }
        for c in self.children() {
            c.columns(out);
        }
    }

    /// Re-points column references through `map` (old index → new index).
    pub fn remap_columns(self, map: &dyn Fn(usize) -> usize) -> Expr {
        self.transform(&mut |e| match e {
            Expr::Column {
                index,
                name,
                data_type,
            } => Expr::Column {
                index: map(index),
                name,
                data_type,
            },
            other => other,
        })
    }

    /// True when the expression reads no column and is deterministic.
    pub fn is_constant(&self) -> bool {
        match self {
            Expr::Column { .. } => false,
            Expr::Function { func, args, .. } => {
                func.deterministic && args.iter().all(|a| a.is_constant())
            }
            other => other.children().iter().all(|c| c.is_constant()),
        }
    }

    /// Splits `a AND b AND c` into its conjuncts.
    pub fn conjuncts(self) -> Vec<Expr> {
        match self {
            Expr::Binary {
                op: BinaryOp::And,
                left,
                right,
                ..
            } => {
                let mut v = left.conjuncts();
                v.extend(right.conjuncts());
                v
            }
            other => vec![other],
        }
    }

    /// Joins predicates with AND (`true` when empty).
    pub fn and_all(mut preds: Vec<Expr>) -> Expr {
        if preds.is_empty() {
            return Expr::Literal(ScalarValue::Boolean(true));
        }
        let mut e = preds.remove(0);
        for p in preds {
            e = Expr::Binary {
                op: BinaryOp::And,
                left: Box::new(e),
                right: Box::new(p),
                data_type: DataType::Boolean,
            };
        }
        e
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Expr::Column { name, index, .. } => write!(f, "{name}#{index}"),
            Expr::Literal(v) => write!(f, "{v}"),
            Expr::Binary {
                op, left, right, ..
            } => write!(f, "({left} {} {right})", op.symbol()),
            Expr::Not(e) => write!(f, "NOT {e}"),
            Expr::Negative(e) => write!(f, "-{e}"),
            Expr::BitNot(e) => write!(f, "~{e}"),
            Expr::IsNull { expr, negated } => {
                write!(f, "{expr} IS {}NULL", if *negated { "NOT " } else { "" })
            }
            Expr::Cast { expr, to } => write!(f, "CAST({expr} AS {})", crate::types::type_name(to)),
            Expr::Case {
                branches,
                else_expr,
                ..
            } => {
                write!(f, "CASE")?;
                for (c, r) in branches {
                    write!(f, " WHEN {c} THEN {r}")?;
                }
                if let Some(e) = else_expr {
                    write!(f, " ELSE {e}")?;
                }
                write!(f, " END")
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                let items: Vec<String> = list.iter().map(|e| e.to_string()).collect();
                write!(
                    f,
                    "{expr} {}IN ({})",
                    if *negated { "NOT " } else { "" },
                    items.join(", ")
                )
            }
            Expr::Like {
                expr,
                pattern,
                negated,
                kind,
            } => {
                let k = match kind {
                    LikeKind::Like => "LIKE",
                    LikeKind::ILike => "ILIKE",
                    LikeKind::RLike => "RLIKE",
                };
                write!(
                    f,
                    "{expr} {}{k} {pattern}",
                    if *negated { "NOT " } else { "" }
                )
            }
            Expr::Function { func, args, .. } => {
                let a: Vec<String> = args.iter().map(|e| e.to_string()).collect();
                write!(f, "{}({})", func.name, a.join(", "))
            }
            Expr::InKeys { expr, keys } => write!(f, "{expr} IN {keys}"),
        }
    }
}
