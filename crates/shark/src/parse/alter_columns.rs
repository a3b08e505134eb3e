//! `ALTER TABLE t [PARTITION (…)] ADD|REPLACE COLUMNS (…)` and
//! `… CHANGE [COLUMN] old new type [COMMENT 'c'] [FIRST | AFTER col]`, each
//! with Hive's trailing `CASCADE | RESTRICT`, parsed by hand (sqlparser
//! takes neither the partition nor CASCADE).

use super::scan::{matching_paren, words};
use super::{parse_statement, ColumnChange, ColumnPosition, HiveStatement};
use crate::error::{Location, Result, SharkError};
use sqlparser::ast::{ColumnDef, Statement};

/// The statement, or None when `text` is another ALTER TABLE form.
pub(super) fn parse_alter_columns(text: &str, line: u64) -> Result<Option<HiveStatement>> {
    let err = |m: String| SharkError::Parse {
        message: m,
        location: Location { line, column: 1 },
    };
    let text = text.trim().trim_end_matches(';').trim_end();
    // `ALTER`, `TABLE`, the name: three leading words without quotes.
    let mut rest = text;
    let mut head = Vec::new();
    for _ in 0..3 {
        rest = rest.trim_start();
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        head.push(&rest[..end]);
        rest = &rest[end..];
    }
    if !head[0].eq_ignore_ascii_case("alter") || !head[1].eq_ignore_ascii_case("table") {
        return Ok(None);
    }
    let table = head[2].replace('`', "").to_ascii_lowercase();
    rest = rest.trim_start();
    let mut partition = None;
    if starts_with_word(rest, "partition") {
        let open = rest
            .find('(')
            .ok_or_else(|| err("expected ( after PARTITION".into()))?;
        let close = matching_paren(rest, open).ok_or_else(|| err("unclosed PARTITION (".into()))?;
        let fake = format!("INSERT INTO x PARTITION {} SELECT 1", &rest[open..=close]);
        if let HiveStatement::Sql(stmt) = parse_statement(&fake, line)? {
            if let Statement::Insert(ins) = *stmt {
                partition = ins.partitioned;
            }
        }
        if partition.is_none() {
            return Err(err(format!("bad partition spec {}", &rest[open..=close])));
        }
        rest = rest[close + 1..].trim_start();
    }
    let verb = rest
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if !matches!(verb.as_str(), "add" | "replace" | "change") {
        return Ok(None);
    }
    if verb != "change"
        && !rest
            .split_whitespace()
            .nth(1)
            .is_some_and(|w| w.to_ascii_lowercase().starts_with("columns"))
    {
        return Ok(None);
    }
    let mut cascade = false;
    let last = rest
        .split_whitespace()
        .last()
        .unwrap_or("")
        .to_ascii_lowercase();
    if last == "cascade" || last == "restrict" {
        cascade = last == "cascade";
        rest = rest[..rest.len() - last.len()].trim_end();
    }
    let change = if verb == "change" {
        parse_change(&rest[verb.len()..], line)?
    } else {
        let open = rest
            .find('(')
            .ok_or_else(|| err("expected ( after COLUMNS".into()))?;
        let close = matching_paren(rest, open).ok_or_else(|| err("unclosed COLUMNS (".into()))?;
        if !rest[close + 1..].trim().is_empty() {
            return Err(err(format!(
                "unexpected {} after the column list",
                rest[close + 1..].trim()
            )));
        }
        let columns = column_defs(&rest[open..=close], line)?;
        if verb == "add" {
            ColumnChange::Add(columns)
        } else {
            ColumnChange::Replace(columns)
        }
    };
    Ok(Some(HiveStatement::AlterColumns {
        table,
        partition,
        change,
        cascade,
    }))
}

/// `[COLUMN] old new type [COMMENT 'c'] [FIRST | AFTER col]`.
fn parse_change(text: &str, line: u64) -> Result<ColumnChange> {
    let err = |m: &str| SharkError::Parse {
        message: m.into(),
        location: Location { line, column: 1 },
    };
    let mut text = text.trim();
    if starts_with_word(text, "column") {
        text = text[6..].trim_start();
    }
    let w = words(text);
    let mut position = None;
    let lower = text.to_ascii_lowercase();
    if w.last().is_some_and(|x| x.eq_ignore_ascii_case("first")) {
        position = Some(ColumnPosition::First);
        text = text[..text.len() - 5].trim_end();
    } else if w.len() >= 2 && w[w.len() - 2].eq_ignore_ascii_case("after") {
        // The last AFTER that is a word of its own.
        let at = lower
            .rmatch_indices("after")
            .map(|(i, _)| i)
            .find(|&i| {
                let before = lower[..i].chars().next_back();
                let after = lower[i + 5..].chars().next();
                before.is_some_and(char::is_whitespace) && after.is_some_and(char::is_whitespace)
            })
            .ok_or_else(|| err("expected AFTER column"))?;
        position = Some(ColumnPosition::After(
            w[w.len() - 1].replace('`', "").to_ascii_lowercase(),
        ));
        text = text[..at].trim_end();
    }
    let end = text
        .find(char::is_whitespace)
        .ok_or_else(|| err("CHANGE needs the old name, the new name and a type"))?;
    let old = text[..end].replace('`', "").to_ascii_lowercase();
    let mut defs = column_defs(&format!("({})", text[end..].trim()), line)?;
    if defs.len() != 1 {
        return Err(err("CHANGE takes one column"));
    }
    Ok(ColumnChange::Change {
        old,
        column: defs.remove(0),
        position,
    })
}

/// Column definitions `(a int, b string COMMENT 'c')`, parsed as CREATE
/// TABLE parses them.
fn column_defs(parenthesized: &str, line: u64) -> Result<Vec<ColumnDef>> {
    let fake = format!("CREATE TABLE x {parenthesized}");
    if let HiveStatement::Sql(stmt) = parse_statement(&fake, line)? {
        if let Statement::CreateTable(ct) = *stmt {
            return Ok(ct.columns);
        }
    }
    Err(SharkError::Parse {
        message: format!("bad column list {parenthesized}"),
        location: Location { line, column: 1 },
    })
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.len() >= word.len()
        && text[..word.len()].eq_ignore_ascii_case(word)
        && text[word.len()..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == '(')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> HiveStatement {
        parse_alter_columns(text, 1)
            .unwrap()
            .expect("an ALTER … COLUMNS")
    }

    #[test]
    fn partition_and_cascade_are_read() {
        let HiveStatement::AlterColumns {
            table,
            partition,
            change: ColumnChange::Add(cols),
            cascade,
        } = parse("ALTER TABLE T PARTITION (ds='1', hr=2) ADD COLUMNS (c int, d string) CASCADE")
        else {
            panic!("not ADD");
        };
        assert_eq!(table, "t");
        assert_eq!(partition.unwrap().len(), 2);
        assert_eq!(cols.len(), 2);
        assert!(cascade);
    }

    #[test]
    fn change_takes_comment_and_position() {
        let HiveStatement::AlterColumns {
            change:
                ColumnChange::Change {
                    old,
                    column,
                    position,
                },
            cascade,
            partition,
            ..
        } = parse(
            "alter table t change column `a` b decimal(10, 2) comment 'x y' after c restrict",
        )
        else {
            panic!("not CHANGE");
        };
        assert_eq!(old, "a");
        assert_eq!(column.name.value, "b");
        assert_eq!(column.data_type.to_string().to_lowercase(), "decimal(10,2)");
        assert!(matches!(position, Some(ColumnPosition::After(c)) if c == "c"));
        assert!(!cascade && partition.is_none());
        let HiveStatement::AlterColumns {
            change: ColumnChange::Change { position, .. },
            ..
        } = parse("alter table t change a a string first")
        else {
            panic!("not CHANGE");
        };
        assert!(matches!(position, Some(ColumnPosition::First)));
        let HiveStatement::AlterColumns {
            change: ColumnChange::Change {
                position, column, ..
            },
            ..
        } = parse("alter table t change a after_x int after\tcreated_after")
        else {
            panic!("not CHANGE");
        };
        assert_eq!(column.name.value, "after_x");
        assert!(matches!(position, Some(ColumnPosition::After(c)) if c == "created_after"));
    }

    #[test]
    fn other_alters_are_left_alone() {
        assert!(parse_alter_columns("alter table t set location '/x'", 1)
            .unwrap()
            .is_none());
        assert!(parse_alter_columns("alter table t add partition (a=1)", 1)
            .unwrap()
            .is_none());
        assert!(parse_alter_columns("alter table t change", 1).is_err());
    }
}
