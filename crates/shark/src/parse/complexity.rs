//! A bound on how complex one statement may be, checked on its tokens
//! before it is parsed. The parser reads a chain like `1 + 1 + … + 1` or
//! `a OR b OR …` in a loop, but the tree it builds is as deep as the chain
//! is long, and every later pass (analysis, optimization, planning,
//! evaluation, even freeing the tree) walks it recursively. Past the bound
//! a statement gets a clear error instead of exhausting a thread's stack;
//! below it the threads that run statements have stack enough
//! (`STATEMENT_STACK`).

use crate::error::{Location, Result, SharkError};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::Token;

/// Operators, set operations, CASE branches and parentheses one statement
/// may have.
pub const MAX_COMPLEXITY: usize = 10_000;

/// The stack a thread that runs statements needs for a statement at the
/// bound (reserved address space; pages are used only as deep as a
/// statement goes).
pub const STATEMENT_STACK: usize = 512 << 20;

/// Counts what deepens the statement's tree; an error past the bound.
pub fn check<'a>(tokens: impl IntoIterator<Item = &'a Token>, line: u64) -> Result<()> {
    let mut n = 0usize;
    for t in tokens {
        let deepens = match t {
            Token::Plus
            | Token::Minus
            | Token::Mul
            | Token::Div
            | Token::Mod
            | Token::StringConcat
            | Token::Ampersand
            | Token::Pipe
            | Token::Caret
            | Token::Eq
            | Token::DoubleEq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::Spaceship
            | Token::LParen => true,
            Token::Word(w) if w.quote_style.is_none() => matches!(
                w.keyword,
                Keyword::AND
                    | Keyword::OR
                    | Keyword::NOT
                    | Keyword::UNION
                    | Keyword::INTERSECT
                    | Keyword::EXCEPT
                    | Keyword::WHEN
                    | Keyword::LIKE
                    | Keyword::RLIKE
                    | Keyword::BETWEEN
                    | Keyword::IN
            ),
            _ => false,
        };
        if deepens {
            n += 1;
        }
    }
    if n > MAX_COMPLEXITY {
        return Err(SharkError::Parse {
            message: format!(
                "statement too complex: {n} operators, set operations, CASE branches and \
                 parentheses (at most {MAX_COMPLEXITY}); split it, or use a temporary table"
            ),
            location: Location { line, column: 1 },
        });
    }
    Ok(())
}

/// Runs `f` (which parses, plans or runs a statement) on a thread with
/// `STATEMENT_STACK`, for callers on threads with small stacks (async
/// runtimes); inline when no thread can be started.
pub fn with_statement_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    let mut f = Some(f);
    let out = std::thread::scope(|s| {
        let spawned = std::thread::Builder::new()
            .name("shark-statement".into())
            .stack_size(STATEMENT_STACK)
            .spawn_scoped(s, || (f.take().expect("run once"))());
        spawned.ok().map(|h| h.join())
    });
    match out {
        Some(Ok(r)) => r,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        None => (f.take().expect("not yet run"))(),
    }
}
