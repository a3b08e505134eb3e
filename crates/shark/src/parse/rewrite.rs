//! Hive's spellings rewritten, as text, into what sqlparser reads:
//! complex type names, FROM-first queries (nested too), windows written
//! with DISTRIBUTE/SORT/CLUSTER BY, `STORED AS ORCFILE`, and `SKEWED BY`
//! (cut out and kept as table properties).

use super::scan::{
    first_keyword, matching_paren, outside_quotes, strip_leading_comments, top_level_positions,
    unquote, AFTER_WHERE,
};
use super::{transform, HiveStatement};
use crate::error::{Location, Result, SharkError};

/// Hive's complex column types (`array<...>`, `map<...>`, `struct<...>`)
/// as backquoted type names, which sqlparser's Hive dialect reads as one
/// custom type (it does not parse `map<` or `struct<` itself). Text in
/// quotes is left alone.
pub(super) fn quote_complex_types(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote {
            // Whole UTF-8 characters, so quoted names keep their letters.
            let ch = text[i..].chars().next().expect("in bounds");
            out.push(ch);
            let mut step = ch.len_utf8();
            if c == b'\\' && q != b'`' && i + 1 < bytes.len() {
                let escaped = text[i + 1..].chars().next().expect("in bounds");
                out.push(escaped);
                step += escaped.len_utf8();
            } else if c == q {
                quote = None;
            }
            i += step;
            continue;
        }
        if matches!(c, b'\'' | b'"' | b'`') {
            quote = Some(c);
            out.push(c as char);
            i += 1;
            continue;
        }
        let word_start = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        // Not at a character boundary (inside a multi-byte character): no
        // keyword starts here.
        let rest = text.get(i..).unwrap_or("");
        let kw = ["array", "map", "struct"].into_iter().find(|k| {
            word_start
                && rest.len() > k.len()
                && rest
                    .get(..k.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(k))
        });
        if let Some(k) = kw {
            let after = rest[k.len()..].trim_start();
            if after.starts_with('<') {
                let open = i + (rest.len() - after.len());
                let mut depth = 0;
                let mut end = None;
                for (j, ch) in text[open..].char_indices() {
                    match ch {
                        '<' => depth += 1,
                        '>' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(open + j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(end) = end {
                    let spelled: String = text[i..=end]
                        .chars()
                        .filter(|c| !c.is_whitespace() && *c != '`')
                        .collect();
                    out.push('`');
                    out.push_str(&spelled.to_ascii_lowercase());
                    out.push('`');
                    i = end + 1;
                    continue;
                }
            }
        }
        // Copy one whole UTF-8 character.
        let ch = text[i..].chars().next().expect("in bounds");
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// Parenthesized FROM-first queries (`FROM (FROM src SELECT …) a …`,
/// `… JOIN (FROM t MAP … USING …) m …`) rewritten, innermost first, into
/// ordinary SELECTs; the statement around them is left as it is.
pub(super) fn nested_from_first(text: &str) -> String {
    let mut found: Option<(usize, usize)> = None;
    outside_quotes(text, 0, |i, c| {
        if c != b'(' {
            return true;
        }
        let rest = text[i + 1..].trim_start();
        let starts_from = rest
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("from"))
            && rest.as_bytes().get(4).is_some_and(u8::is_ascii_whitespace);
        if starts_from {
            found = matching_paren(text, i).map(|close| (i, close));
        }
        found.is_none()
    });
    let Some((open, close)) = found else {
        return text.to_string();
    };
    let inner = nested_from_first(&text[open + 1..close]);
    let parts = rewrite_from_first(&transform::map_reduce_as_transform(strip_leading_comments(
        &inner,
    )));
    let inner = match parts.as_slice() {
        [one] => one.clone(),
        _ => inner,
    };
    format!(
        "{}({}){}",
        &text[..open],
        inner,
        nested_from_first(&text[close + 1..])
    )
}

/// Window specifications written Hive's way, `(DISTRIBUTE BY p SORT BY o)`
/// and `(CLUSTER BY c)`, after OVER or in a WINDOW clause, as the standard
/// `(PARTITION BY p ORDER BY o)` and `(PARTITION BY c ORDER BY c)`.
pub(super) fn hive_window_specs(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("over") && !lower.contains("window") {
        return text.to_string();
    }
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    outside_quotes(text, 0, |i, c| {
        if c != b'(' {
            return true;
        }
        let before = lower[..i].trim_end();
        let opens_spec = before.ends_with("over")
            || (before.ends_with(" as") && {
                let b = before[..before.len() - 3].trim_end();
                let name_start = b
                    .rfind(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .map_or(0, |p| p + 1);
                let head = b[..name_start].trim_end();
                let windows = top_level_positions(head, "window");
                head.ends_with("window")
                    || (head.ends_with(',')
                        && windows.last().is_some_and(|&w| {
                            top_level_positions(&head[w..], "select").is_empty()
                                && top_level_positions(&head[w..], "with").is_empty()
                        }))
            });
        if !opens_spec {
            return true;
        }
        let Some(close) = matching_paren(text, i) else {
            return true;
        };
        let spec = &text[i + 1..close];
        let by = |kw: &str| {
            top_level_positions(spec, kw).into_iter().find(|&p| {
                spec[p + kw.len()..]
                    .trim_start()
                    .get(..2)
                    .is_some_and(|w| w.eq_ignore_ascii_case("by"))
            })
        };
        let rewritten = match (by("distribute"), by("sort"), by("cluster")) {
            (None, None, None) => return true,
            (_, _, Some(c)) => {
                // `cluster` then `by` (checked above), the keys, a frame.
                let after = spec[c + "cluster".len()..].trim_start();
                let keys_and_frame = after[2..].trim_start();
                let frame = ["rows", "range"]
                    .iter()
                    .filter_map(|k| top_level_positions(keys_and_frame, k).first().copied())
                    .min()
                    .unwrap_or(keys_and_frame.len());
                let (keys, rest) = keys_and_frame.split_at(frame);
                let keys = keys.trim();
                format!("{} PARTITION BY {keys} ORDER BY {keys} {rest}", &spec[..c])
            }
            (d, s, None) => {
                let mut out = spec.to_string();
                let mut spots: Vec<(usize, usize, &str)> = Vec::new();
                if let Some(d) = d {
                    spots.push((d, "distribute".len(), "PARTITION"));
                }
                if let Some(s) = s {
                    spots.push((s, "sort".len(), "ORDER"));
                }
                spots.sort_unstable();
                for (p, len, word) in spots.into_iter().rev() {
                    out.replace_range(p..p + len, word);
                }
                out
            }
        };
        edits.push((i + 1..close, rewritten));
        true
    });
    let mut out = text.to_string();
    for (range, with) in edits.into_iter().rev() {
        out.replace_range(range, &with);
    }
    out
}

/// Table properties that record a `SKEWED BY` clause (Hive keeps it in
/// the storage descriptor; DESCRIBE FORMATTED shows it there).
pub const SKEWED_COLUMNS: &str = "shark.skewed.columns";

/// See [`SKEWED_COLUMNS`]: the skewed values, as `[[v1], [v2]]`.
pub const SKEWED_VALUES: &str = "shark.skewed.values";

/// See [`SKEWED_COLUMNS`]: `true` for `STORED AS DIRECTORIES`.
pub const SKEWED_AS_DIRECTORIES: &str = "shark.skewed.directories";

/// `SKEWED BY (cols) ON (values) [STORED AS DIRECTORIES]` cut out of a
/// CREATE TABLE, as the table properties that record it. The data needs
/// nothing more: scans read a table's subfolders (list bucketing's
/// folders) too.
pub(super) fn strip_skewed(text: &str, line: u64) -> Result<(String, Vec<(String, String)>)> {
    let bad = || SharkError::Parse {
        message: "SKEWED BY (columns) ON (values) [STORED AS DIRECTORIES]".into(),
        location: Location { line, column: 1 },
    };
    let at = top_level_positions(text, "skewed")
        .into_iter()
        .find(|&p| {
            text[p + 6..]
                .trim_start()
                .get(..2)
                .is_some_and(|w| w.eq_ignore_ascii_case("by"))
        })
        .ok_or_else(bad)?;
    let open_cols = text[at..].find('(').map(|p| at + p).ok_or_else(bad)?;
    let close_cols = matching_paren(text, open_cols).ok_or_else(bad)?;
    let between = text[at + 6..open_cols].trim();
    if !between.eq_ignore_ascii_case("by") {
        return Err(bad());
    }
    let after = &text[close_cols + 1..];
    let on = after.trim_start();
    if !on.get(..2).is_some_and(|w| w.eq_ignore_ascii_case("on")) {
        return Err(bad());
    }
    let open_vals = close_cols + 1 + after.find('(').ok_or_else(bad)?;
    let close_vals = matching_paren(text, open_vals).ok_or_else(bad)?;
    let mut end = close_vals + 1;
    let tail = text[end..].trim_start();
    let words: Vec<&str> = tail.split_whitespace().take(3).collect();
    let dirs = words.len() == 3
        && words[0].eq_ignore_ascii_case("stored")
        && words[1].eq_ignore_ascii_case("as")
        && words[2].eq_ignore_ascii_case("directories");
    if dirs {
        let skip = text[end..].len() - tail.len();
        let d = tail.to_ascii_lowercase().find("directories").expect("seen") + "directories".len();
        end += skip + d;
    }
    let columns: Vec<String> = text[open_cols + 1..close_cols]
        .split(',')
        .map(|c| c.trim().trim_matches('`').to_ascii_lowercase())
        .collect();
    let inner = &text[open_vals + 1..close_vals];
    let mut items = Vec::new();
    let mut start = 0;
    let mut depth = 0;
    outside_quotes(inner, 0, |i, c| {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                items.push(inner[start..i].to_string());
                start = i + 1;
            }
            _ => {}
        }
        true
    });
    items.push(inner[start..].to_string());
    let values: Vec<String> = items
        .iter()
        .map(|item| {
            let item = item.trim().trim_start_matches('(').trim_end_matches(')');
            let mut cuts = vec![];
            outside_quotes(item, 0, |i, c| {
                if c == b',' {
                    cuts.push(i);
                }
                true
            });
            cuts.push(item.len());
            let mut from = 0;
            let vals: Vec<String> = cuts
                .into_iter()
                .map(|to| {
                    let v = unquote(item[from..to].trim());
                    from = to + 1;
                    v
                })
                .collect();
            format!("[{}]", vals.join(", "))
        })
        .collect();
    let props = vec![
        (SKEWED_COLUMNS.to_string(), columns.join(",")),
        (
            SKEWED_VALUES.to_string(),
            format!("[{}]", values.join(", ")),
        ),
        (SKEWED_AS_DIRECTORIES.to_string(), dirs.to_string()),
    ];
    Ok((format!("{}{}", &text[..at], &text[end..]), props))
}

/// A CREATE TABLE with `props` added to its TBLPROPERTIES.
pub(super) fn with_table_properties(
    stmt: HiveStatement,
    props: Vec<(String, String)>,
) -> HiveStatement {
    use sqlparser::ast::{CreateTableOptions, Expr, Ident, SqlOption, Statement, Value};
    let add = |ct: &mut sqlparser::ast::CreateTable| {
        let options = props.into_iter().map(|(k, v)| SqlOption::KeyValue {
            key: Ident::with_quote('\'', k).into(),
            value: Expr::value(Value::SingleQuotedString(v)),
        });
        match &mut ct.table_options {
            CreateTableOptions::TableProperties(existing) => existing.extend(options),
            other => *other = CreateTableOptions::TableProperties(options.collect()),
        }
    };
    match stmt {
        HiveStatement::Sql(mut s) => {
            if let Statement::CreateTable(ct) = s.as_mut() {
                add(ct);
            }
            HiveStatement::Sql(s)
        }
        HiveStatement::CreateExternal(mut s) => {
            if let Statement::CreateTable(ct) = s.as_mut() {
                add(ct);
            }
            HiveStatement::CreateExternal(s)
        }
        other => other,
    }
}

/// `STORED AS ORCFILE` (Hive's older spelling) as `STORED AS ORC`, which
/// sqlparser knows.
pub(super) fn orcfile_as_orc(text: &str) -> String {
    let mut out = text.to_string();
    for p in top_level_positions(text, "orcfile").into_iter().rev() {
        let before = text[..p].trim_end().to_ascii_lowercase();
        if before.ends_with(" as") {
            out.replace_range(p..p + "orcfile".len(), "ORC");
        }
    }
    out
}

/// Rewrites `FROM refs INSERT ... SELECT list [WHERE ...] ...` (one or
/// more inserts) and `FROM refs SELECT ...` into ordinary statements with
/// the FROM clause after each select list.
pub(super) fn rewrite_from_first(text: &str) -> Vec<String> {
    rewrite_from_first_with(text, "")
}

/// [`rewrite_from_first`], with `with` (a `WITH ...` clause, or "") put
/// before each SELECT.
pub(super) fn rewrite_from_first_with(text: &str, with: &str) -> Vec<String> {
    let inserts = top_level_positions(text, "insert");
    let selects = top_level_positions(text, "select");
    let Some(&first) = inserts.first().or(selects.first()) else {
        return vec![];
    };
    let from = text[4..first].trim();
    // `FROM UNIQUEJOIN …`: joins, and a condition every body's rows meet.
    let (from, keep) = match super::uniquejoin::rewrite(from) {
        Some((joins, keep)) => (joins, Some(keep)),
        None => (from.to_string(), None),
    };
    let mut bodies: Vec<&str> = Vec::new();
    if inserts.is_empty() {
        bodies.push(&text[first..]);
    } else {
        for (n, &start) in inserts.iter().enumerate() {
            let end = inserts.get(n + 1).copied().unwrap_or(text.len());
            bodies.push(&text[start..end]);
        }
    }
    let mut out = Vec::new();
    for body in bodies {
        let Some(&sel) = top_level_positions(body, "select").first() else {
            return vec![];
        };
        let after = &body[sel..];
        let cut = first_keyword(after, &AFTER_WHERE).min(first_keyword(after, &["where"]));
        let tail = match &keep {
            None => after[cut..].to_string(),
            Some(keep) if after[cut..].to_ascii_lowercase().starts_with("where") => {
                let cond = &after[cut + 5..];
                let end = first_keyword(cond, &AFTER_WHERE);
                format!("WHERE ({keep}) AND ({}) {}", &cond[..end], &cond[end..])
            }
            Some(keep) => format!("WHERE {keep} {}", &after[cut..]),
        };
        out.push(format!(
            "{}{}{} FROM {from} {tail}",
            &body[..sel],
            with,
            &after[..cut],
        ));
    }
    out
}
