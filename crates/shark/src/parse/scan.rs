//! Reading HiveQL text without parsing it: keywords at the top level
//! (outside quotes, comments and parentheses), matching parentheses,
//! words. The Hive rewrites and the hand-parsed statements build on these.

use super::unescape;

/// Splits text into words, keeping quoted strings whole.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                cur.push(c);
            }
            None if c.is_whitespace() || c == '(' || c == ')' || c == ',' || c == '=' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                if !c.is_whitespace() {
                    out.push(c.to_string());
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub(super) fn unquote(s: &str) -> String {
    let t = s.trim_matches('\'').trim_matches('"');
    unescape(t)
}

/// Top-level (outside quotes and parentheses) positions of `keyword` as a
/// whole word, case-insensitively.
pub(super) fn top_level_positions(text: &str, keyword: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let kw = keyword.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0i32;
    outside_quotes(text, 0, |i, c| {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ if depth == 0
                && i + kw.len() <= bytes.len()
                && bytes[i..i + kw.len()].eq_ignore_ascii_case(kw)
                && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'_')
                && (i + kw.len() == bytes.len()
                    || !bytes[i + kw.len()].is_ascii_alphanumeric()
                        && bytes[i + kw.len()] != b'_') =>
            {
                out.push(i);
            }
            _ => {}
        }
        true
    });
    out
}

/// True when the keyword `first` appears at the top level of `text` (not
/// in quotes, comments or parentheses) with the word `second` next.
pub(super) fn followed_by(text: &str, first: &str, second: &str) -> bool {
    top_level_positions(text, first).into_iter().any(|p| {
        let rest = text[p + first.len()..].trim_start();
        rest.get(..second.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(second))
            && !rest[second.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The clauses that may follow a SELECT list's FROM (after WHERE).
pub(super) const AFTER_WHERE: [&str; 9] = [
    "group",
    "having",
    "order",
    "sort",
    "distribute",
    "cluster",
    "limit",
    "union",
    "window",
];

/// Where the first top-level keyword of `keywords` starts in `text`
/// (its end when there is none).
pub(super) fn first_keyword(text: &str, keywords: &[&str]) -> usize {
    keywords
        .iter()
        .filter_map(|kw| top_level_positions(text, kw).first().copied())
        .min()
        .unwrap_or(text.len())
}

/// Calls `visit` with each byte of `text` from `start` that is outside
/// quotes ('…', "…", `…`, with backslash escapes) and comments (`--` to the
/// line's end, `/* … */`), until it returns false.
pub(super) fn outside_quotes(text: &str, start: usize, mut visit: impl FnMut(usize, u8) -> bool) {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == b'-' && bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            None if c == b'/' && bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
                continue;
            }
            None if matches!(c, b'\'' | b'"' | b'`') => quote = Some(c),
            None => {
                if !visit(i, c) {
                    return;
                }
            }
        }
        i += 1;
    }
}

/// The position of the `)` closing the `(` at `open`, outside quotes.
pub(super) fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let (mut depth, mut close) = (0i32, None);
    outside_quotes(text, open, |i, c| {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            close = Some(i);
        }
        close.is_none()
    });
    close
}

pub(super) fn strip_leading_comments(text: &str) -> &str {
    let mut t = text.trim_start();
    while t.starts_with("--") {
        t = t
            .split_once('\n')
            .map(|(_, r)| r)
            .unwrap_or("")
            .trim_start();
    }
    t
}
