//! `TRANSFORM (exprs) [ROW FORMAT …] USING 'command' [AS cols | AS (col
//! type, …)] [ROW FORMAT …]` inside a select list, parsed through the
//! dialect's prefix hook into one marker call (`script::MARKER`) whose
//! first argument is the clause as JSON and the rest its input
//! expressions; the analyzer turns a SELECT of that marker into a script
//! transform. `MAP …` and `REDUCE …` (Hive's spellings in FROM-first
//! queries) are rewritten to `SELECT TRANSFORM(…)` by [`map_reduce_as_transform`].

use crate::script::{ScriptClause, ScriptRowFormat, MARKER};
use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentList, FunctionArguments,
    HiveDelimiter, HiveRowFormat, Ident, ObjectName, Value,
};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// True when the parser stands at `TRANSFORM (`.
pub(super) fn at_transform(parser: &Parser) -> bool {
    matches!(&parser.peek_token().token, Token::Word(w) if w.value.eq_ignore_ascii_case("transform"))
        && parser.peek_nth_token(1).token == Token::LParen
}

fn error(message: impl Into<String>) -> ParserError {
    ParserError::ParserError(message.into())
}

/// Parses a TRANSFORM clause (the parser at `TRANSFORM`) into the marker call.
pub(super) fn parse_transform(parser: &mut Parser) -> Result<Expr, ParserError> {
    parser.next_token();
    parser.expect_token(&Token::LParen)?;
    let args = if parser.consume_token(&Token::RParen) {
        vec![]
    } else {
        let args = parser.parse_comma_separated(|p| {
            Ok(if p.consume_token(&Token::Mul) {
                FunctionArgExpr::Wildcard
            } else {
                FunctionArgExpr::Expr(p.parse_expr()?)
            })
        })?;
        parser.expect_token(&Token::RParen)?;
        args
    };
    let input = row_format(parser)?;
    parser.expect_keyword_is(Keyword::USING)?;
    let command = parser.parse_literal_string()?;
    let columns = if parser.parse_keyword(Keyword::AS) {
        Some(if parser.consume_token(&Token::LParen) {
            let cols = parser.parse_comma_separated(|p| {
                let name = p.parse_identifier()?;
                let ty = match p.peek_token().token {
                    Token::Comma | Token::RParen => None,
                    _ => Some(p.parse_data_type()?.to_string()),
                };
                Ok((super::ident_value(&name).to_ascii_lowercase(), ty))
            })?;
            parser.expect_token(&Token::RParen)?;
            cols
        } else {
            parser
                .parse_comma_separated(Parser::parse_identifier)?
                .iter()
                .map(|i| (super::ident_value(i).to_ascii_lowercase(), None))
                .collect()
        })
    } else {
        None
    };
    let output = row_format(parser)?;
    if matches!(&parser.peek_token().token, Token::Word(w)
        if w.value.eq_ignore_ascii_case("recordreader") || w.value.eq_ignore_ascii_case("recordwriter"))
    {
        return Err(error(
            "TRANSFORM with RECORDREADER/RECORDWRITER is not supported (scripts read and write text lines)",
        ));
    }
    let clause = ScriptClause {
        command,
        columns,
        input,
        output,
    };
    let spec = serde_json::to_string(&clause).map_err(|e| error(e.to_string()))?;
    let mut call_args = vec![FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::value(
        Value::SingleQuotedString(spec),
    )))];
    call_args.extend(args.into_iter().map(FunctionArg::Unnamed));
    Ok(Expr::Function(Function {
        name: ObjectName::from(vec![Ident::new(MARKER)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: call_args,
            clauses: vec![],
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: vec![],
    }))
}

/// An optional `ROW FORMAT DELIMITED …` or `ROW FORMAT SERDE
/// '…LazySimpleSerDe' [WITH SERDEPROPERTIES (…)]` of a TRANSFORM.
fn row_format(parser: &mut Parser) -> Result<ScriptRowFormat, ParserError> {
    let mut f = ScriptRowFormat::default();
    if !parser.parse_keyword(Keyword::ROW) {
        return Ok(f);
    }
    match parser.parse_row_format()? {
        HiveRowFormat::DELIMITED { delimiters } => {
            for d in delimiters {
                let v = super::unescape(d.char.value.trim_matches('\'').trim_matches('"'));
                match d.delimiter {
                    HiveDelimiter::FieldsTerminatedBy => f.field_delim = v,
                    HiveDelimiter::NullDefinedAs => f.null = v,
                    HiveDelimiter::LinesTerminatedBy if v == "\n" => {}
                    HiveDelimiter::LinesTerminatedBy => {
                        return Err(error("TRANSFORM rows end with '\\n' only"))
                    }
                    // Collection and map delimiters shape nested values,
                    // which scripts see in their default text form.
                    _ => {}
                }
            }
        }
        HiveRowFormat::SERDE { class } => {
            if !class.to_ascii_lowercase().ends_with("lazysimpleserde") {
                return Err(error(format!(
                    "TRANSFORM with ROW FORMAT SERDE '{class}' is not supported (only LazySimpleSerDe)"
                )));
            }
            if parser.parse_keyword(Keyword::WITH) {
                parser.expect_keyword_is(Keyword::SERDEPROPERTIES)?;
                parser.expect_token(&Token::LParen)?;
                let props = parser.parse_comma_separated(|p| {
                    let k = p.parse_literal_string()?;
                    p.expect_token(&Token::Eq)?;
                    Ok((k, p.parse_literal_string()?))
                })?;
                parser.expect_token(&Token::RParen)?;
                for (k, v) in props {
                    match k.as_str() {
                        "field.delim" => f.field_delim = super::unescape(&v),
                        "serialization.null.format" => f.null = super::unescape(&v),
                        _ => {}
                    }
                }
            }
        }
    }
    Ok(f)
}

/// Hive's `MAP a, b USING …` and `REDUCE a, b USING …` (at the top level
/// of `text`) as `SELECT TRANSFORM(a, b) USING …`.
pub(super) fn map_reduce_as_transform(text: &str) -> String {
    let mut out = text.to_string();
    let mut spots: Vec<(usize, usize)> = Vec::new();
    for kw in ["map", "reduce"] {
        for p in super::top_level_positions(text, kw) {
            let after = text[p + kw.len()..].trim_start();
            if after.starts_with('(') || after.starts_with('<') {
                continue;
            }
            let using = super::top_level_positions(&text[p..], "using")
                .first()
                .map(|u| p + u);
            if let Some(u) = using {
                spots.push((p, kw.len()));
                spots.push((u, 0));
            }
        }
    }
    spots.sort_unstable();
    // From the end, so earlier positions stay valid: `USING` gets the
    // closing parenthesis, the keyword becomes `SELECT TRANSFORM(`.
    for &(p, len) in spots.iter().rev() {
        if len == 0 {
            out.insert_str(p, ") ");
        } else {
            out.replace_range(p..p + len, "SELECT TRANSFORM(");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_and_reduce_become_select_transform() {
        assert_eq!(
            map_reduce_as_transform("FROM src MAP key, value USING 'cat' AS k, v"),
            "FROM src SELECT TRANSFORM( key, value ) USING 'cat' AS k, v"
        );
        assert_eq!(
            map_reduce_as_transform(
                "FROM t INSERT OVERWRITE TABLE d REDUCE t.a USING 'x.py' AS (a INT)"
            ),
            "FROM t INSERT OVERWRITE TABLE d SELECT TRANSFORM( t.a ) USING 'x.py' AS (a INT)"
        );
        // map(...) calls and map<...> types stay.
        let plain = "SELECT map(1, 2) FROM src";
        assert_eq!(map_reduce_as_transform(plain), plain);
    }
}
