//! Hive's `FROM UNIQUEJOIN [PRESERVE] t1 a (a.k), [PRESERVE] t2 b (b.k) …`
//! rewritten as text into full outer joins plus a filter.
//!
//! Hive groups the rows of every table by the key; for each key value it
//! emits every combination of the tables' rows (a table without a row for
//! the key contributes one row of NULLs), but only when every table has a
//! row for the key or some PRESERVE table has one. Full outer joins on
//! the key give those combinations; each table gets a hidden marker
//! column so the filter can tell a missing row from a row of NULLs. A NULL
//! key matches nothing (so such a row is kept only by PRESERVE).

use super::scan::{matching_paren, outside_quotes};

/// The name of a table's presence marker: columns named so are hidden
/// from `*` (see `analyze::scope`).
pub const MARKER: &str = "__shark_hidden_uniquejoin";

/// The join a UNIQUEJOIN source (`from`, the text after FROM) stands for,
/// and the condition its rows must meet; None when `from` is not one.
pub(super) fn rewrite(from: &str) -> Option<(String, String)> {
    let from = from.trim();
    let lead = from.split_whitespace().next()?;
    if !lead.eq_ignore_ascii_case("uniquejoin") {
        return None;
    }
    let rest = &from[lead.len()..];
    let mut sources = Vec::new();
    let mut pos = 0;
    while pos < rest.len() {
        let (source, next) = one_source(rest, pos)?;
        sources.push(source);
        pos = next;
    }
    let width = sources.first()?.keys.len();
    if sources.len() < 2 || width == 0 || sources.iter().any(|s| s.keys.len() != width) {
        return None;
    }
    let mut sql = String::new();
    for (i, s) in sources.iter().enumerate() {
        let table = format!("(SELECT *, true AS {MARKER} FROM {}) {}", s.table, s.alias);
        if i == 0 {
            sql.push_str(&table);
            continue;
        }
        let on: Vec<String> = (0..width)
            .map(|k| {
                let before: Vec<&str> = sources[..i].iter().map(|p| p.keys[k].as_str()).collect();
                let left = if before.len() == 1 {
                    before[0].to_string()
                } else {
                    format!("coalesce({})", before.join(", "))
                };
                format!("{left} = {}", s.keys[k])
            })
            .collect();
        sql.push_str(&format!(" FULL OUTER JOIN {table} ON {}", on.join(" AND ")));
    }
    let present = |s: &Source| format!("{}.{MARKER} IS NOT NULL", s.alias);
    let all: Vec<String> = sources.iter().map(present).collect();
    let mut keep = vec![format!("({})", all.join(" AND "))];
    keep.extend(sources.iter().filter(|s| s.preserve).map(present));
    Some((sql, keep.join(" OR ")))
}

/// `SELECT list FROM UNIQUEJOIN sources [clauses]` as `FROM UNIQUEJOIN
/// sources SELECT list [clauses]`; None when it is not that.
pub(super) fn select_as_from_first(text: &str) -> Option<String> {
    use super::scan::{first_keyword, top_level_positions, AFTER_WHERE};
    let from = *top_level_positions(text, "from").first()?;
    let after = &text[from..];
    let end = first_keyword(after, &AFTER_WHERE).min(first_keyword(after, &["where"]));
    rewrite(after[4..end].trim())?;
    Some(format!(
        "{} {} {}",
        after[..end].trim(),
        text[..from].trim(),
        &after[end..]
    ))
}

/// One `[PRESERVE] table [alias] (key, …)`.
struct Source {
    preserve: bool,
    table: String,
    alias: String,
    keys: Vec<String>,
}

/// The source starting at `pos` of `text`, and where the next one starts.
fn one_source(text: &str, pos: usize) -> Option<(Source, usize)> {
    let open = text[pos..].find('(')? + pos;
    let close = matching_paren(text, open)?;
    let words: Vec<&str> = text[pos..open].split_whitespace().collect();
    let (preserve, words) = match words.split_first() {
        Some((w, rest)) if w.eq_ignore_ascii_case("preserve") => (true, rest),
        _ => (false, &words[..]),
    };
    let (table, alias) = match words {
        [t] => (*t, t.rsplit('.').next()?),
        [t, a] => (*t, *a),
        [t, as_, a] if as_.eq_ignore_ascii_case("as") => (*t, *a),
        _ => return None,
    };
    let keys = split_top_level(&text[open + 1..close]);
    let after = text[close + 1..].trim_start();
    let next = if after.is_empty() {
        text.len()
    } else {
        let comma = after.strip_prefix(',')?;
        text.len() - comma.len()
    };
    Some((
        Source {
            preserve,
            table: table.to_string(),
            alias: alias.to_string(),
            keys,
        },
        next,
    ))
}

/// `a, f(b, c), d` split at its top-level commas.
fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    outside_quotes(text, 0, |i, c| {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(text[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
        true
    });
    parts.push(text[start..].trim().to_string());
    parts.retain(|p| !p.is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_become_full_outer_joins_and_a_filter() {
        let (sql, keep) =
            rewrite("UNIQUEJOIN PRESERVE t1 a (a.key), t2 b (b.key), PRESERVE db.t3 (t3.key)")
                .unwrap();
        assert_eq!(
            sql,
            format!(
                "(SELECT *, true AS {MARKER} FROM t1) a FULL OUTER JOIN (SELECT *, true AS {MARKER} \
                 FROM t2) b ON a.key = b.key FULL OUTER JOIN (SELECT *, true AS {MARKER} FROM \
                 db.t3) t3 ON coalesce(a.key, b.key) = t3.key"
            )
        );
        assert_eq!(
            keep,
            format!(
                "(a.{MARKER} IS NOT NULL AND b.{MARKER} IS NOT NULL AND t3.{MARKER} IS NOT NULL) \
                 OR a.{MARKER} IS NOT NULL OR t3.{MARKER} IS NOT NULL"
            )
        );
    }

    #[test]
    fn keys_of_several_columns_pair_up() {
        let (sql, _) =
            rewrite("uniquejoin t1 a (a.k, concat(a.v, 'x,y')), t2 b (b.k, b.v)").unwrap();
        assert!(
            sql.ends_with("ON a.k = b.k AND concat(a.v, 'x,y') = b.v"),
            "{sql}"
        );
    }

    #[test]
    fn select_first_spelling_moves_the_select_list() {
        assert_eq!(
            select_as_from_first("SELECT a.k FROM UNIQUEJOIN t1 a (a.k), t2 b (b.k) WHERE a.k > 1")
                .unwrap(),
            "FROM UNIQUEJOIN t1 a (a.k), t2 b (b.k) SELECT a.k WHERE a.k > 1"
        );
        assert!(select_as_from_first("SELECT 1 FROM t").is_none());
    }

    #[test]
    fn malformed_sources_are_not_rewritten() {
        assert!(rewrite("src a").is_none());
        assert!(rewrite("uniquejoin t1 a (a.k)").is_none());
        assert!(rewrite("uniquejoin t1 a (a.k), t2 b (b.k, b.v)").is_none());
        assert!(rewrite("uniquejoin t1 a (a.k) t2 b (b.k)").is_none());
    }
}
