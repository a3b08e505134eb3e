//! `SharkDialect`: sqlparser's Hive dialect with Hive's real lexical rules
//! (see ../shared/notes/sqlparser-hive.md): only backticks quote
//! identifiers (`"..."` is a string), backslash escapes in strings, `DIV`,
//! `/*+ MAPJOIN */` hints kept, `LIMIT a, b`.

use sqlparser::ast::Expr;
use sqlparser::dialect::{Dialect, HiveDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use std::any::TypeId;

/// The dialect every statement is parsed with.
#[derive(Debug, Default)]
pub struct SharkDialect {
    hive: HiveDialect,
}

impl Dialect for SharkDialect {
    fn dialect(&self) -> TypeId {
        // Keep sqlparser's Hive-specific parsing paths.
        TypeId::of::<HiveDialect>()
    }
    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        ch == '`'
    }
    fn is_identifier_start(&self, ch: char) -> bool {
        ch.is_ascii_alphabetic() || ch == '_' || ch == '$' || ch.is_ascii_digit()
    }
    fn is_identifier_part(&self, ch: char) -> bool {
        ch.is_ascii_alphanumeric() || ch == '_' || ch == '$'
    }
    fn supports_string_literal_backslash_escape(&self) -> bool {
        true
    }
    fn supports_numeric_prefix(&self) -> bool {
        true
    }
    fn supports_comment_optimizer_hint(&self) -> bool {
        true
    }
    fn supports_limit_comma(&self) -> bool {
        true
    }
    fn supports_filter_during_aggregation(&self) -> bool {
        true
    }
    fn supports_bang_not_operator(&self) -> bool {
        true
    }
    fn supports_load_data(&self) -> bool {
        true
    }
    fn supports_table_sample_before_alias(&self) -> bool {
        true
    }
    fn supports_group_by_with_modifier(&self) -> bool {
        true
    }
    /// `SELECT posexplode(a) AS (pos, x)`.
    fn supports_select_item_multi_column_alias(&self) -> bool {
        true
    }
    fn supports_from_first_insert(&self) -> bool {
        true
    }
    fn require_interval_qualifier(&self) -> bool {
        true
    }
    fn supports_string_literal_column_alias(&self, _explicit: bool) -> bool {
        false
    }
    fn identifier_quote_style(&self, _identifier: &str) -> Option<char> {
        Some('`')
    }
    fn is_table_factor(&self, kw: &Keyword, parser: &mut Parser) -> bool {
        self.hive.is_table_factor(kw, parser)
    }
    fn parse_prefix(&self, parser: &mut Parser) -> Option<Result<Expr, ParserError>> {
        super::transform::at_transform(parser).then(|| super::transform::parse_transform(parser))
    }
    fn parse_infix(
        &self,
        parser: &mut Parser,
        expr: &Expr,
        precedence: u8,
    ) -> Option<Result<Expr, ParserError>> {
        if parser.parse_keyword(Keyword::DIV) {
            return Some(
                parser
                    .parse_subexpr(precedence)
                    .map(|right| Expr::BinaryOp {
                        left: Box::new(expr.clone()),
                        op: sqlparser::ast::BinaryOperator::MyIntegerDivide,
                        right: Box::new(right),
                    }),
            );
        }
        None
    }
}
