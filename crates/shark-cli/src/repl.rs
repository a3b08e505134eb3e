//! The interactive prompt: line editing and history (~/.shark_history),
//! statements spanning lines until `;`, the current database in the prompt,
//! tab completion of keywords, tables and columns.

use crate::{failed, Shell};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};
use std::cell::RefCell;
use std::rc::Rc;

const KEYWORDS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP BY",
    "ORDER BY",
    "SORT BY",
    "DISTRIBUTE BY",
    "CLUSTER BY",
    "HAVING",
    "LIMIT",
    "JOIN",
    "LEFT",
    "RIGHT",
    "FULL",
    "OUTER",
    "SEMI",
    "INNER",
    "CROSS",
    "ON",
    "AS",
    "AND",
    "OR",
    "NOT",
    "IN",
    "EXISTS",
    "BETWEEN",
    "LIKE",
    "RLIKE",
    "IS",
    "NULL",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "UNION",
    "ALL",
    "DISTINCT",
    "INSERT",
    "OVERWRITE",
    "INTO",
    "TABLE",
    "PARTITION",
    "VALUES",
    "CREATE",
    "EXTERNAL",
    "DROP",
    "ALTER",
    "DATABASE",
    "DATABASES",
    "SHOW",
    "TABLES",
    "PARTITIONS",
    "DESCRIBE",
    "FORMATTED",
    "EXTENDED",
    "EXPLAIN",
    "USE",
    "SET",
    "LOAD",
    "DATA",
    "LOCAL",
    "INPATH",
    "STORED",
    "TEXTFILE",
    "PARQUET",
    "LOCATION",
    "PARTITIONED",
    "ROW",
    "FORMAT",
    "DELIMITED",
    "FIELDS",
    "TERMINATED",
    "WITH",
    "COUNT",
    "SUM",
    "AVG",
    "MIN",
    "MAX",
    "CAST",
    "OVER",
    "PARTITION BY",
    "ROWS BETWEEN",
    "RANGE BETWEEN",
    "UNBOUNDED PRECEDING",
    "CURRENT ROW",
    "FOLLOWING",
    "WINDOW",
    "GROUPING SETS",
    "ROLLUP",
    "CUBE",
    "LATERAL VIEW",
    "EXPLODE",
    "POSEXPLODE",
    "CACHE",
    "UNCACHE",
    "ARRAY",
    "MAP",
    "STRUCT",
];

struct SqlHelper {
    words: Rc<RefCell<Vec<String>>>,
}

impl Helper for SqlHelper {}
impl Highlighter for SqlHelper {}
impl Validator for SqlHelper {}
impl Hinter for SqlHelper {
    type Hint = String;
}

impl Completer for SqlHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map(|i| i + 1)
            .unwrap_or(0);
        let prefix = &line[start..pos];
        if prefix.is_empty() {
            return Ok((pos, vec![]));
        }
        let lower = prefix.to_ascii_lowercase();
        let mut out: Vec<Pair> = KEYWORDS
            .iter()
            .filter(|k| k.to_ascii_lowercase().starts_with(&lower))
            .map(|k| {
                let text = if prefix.chars().next().is_some_and(|c| c.is_lowercase()) {
                    k.to_ascii_lowercase()
                } else {
                    k.to_string()
                };
                Pair {
                    display: text.clone(),
                    replacement: text,
                }
            })
            .collect();
        out.extend(
            self.words
                .borrow()
                .iter()
                .filter(|w| w.starts_with(&lower))
                .map(|w| Pair {
                    display: w.clone(),
                    replacement: w.clone(),
                }),
        );
        Ok((start, out))
    }
}

fn table_and_column_names(shell: &mut Shell) -> Vec<String> {
    let mut words = Vec::new();
    let tables: Vec<String> = match shell.session.query("SHOW TABLES") {
        Ok(bs) => bs
            .iter()
            .flat_map(|b| {
                crate::render::cells(b)
                    .into_iter()
                    .filter_map(|r| r[0].clone())
            })
            .collect(),
        Err(_) => vec![],
    };
    for t in tables {
        if let Ok(bs) = shell.session.query(&format!("SHOW COLUMNS IN {t}")) {
            words.extend(bs.iter().flat_map(|b| {
                crate::render::cells(b)
                    .into_iter()
                    .filter_map(|r| r[0].clone())
            }));
        }
        words.push(t);
    }
    words.sort();
    words.dedup();
    words
}

/// Runs the prompt until `quit;`, `exit;` or Ctrl-D.
pub fn run(shell: &mut Shell) -> Result<(), String> {
    let words = Rc::new(RefCell::new(table_and_column_names(shell)));
    let mut editor: Editor<SqlHelper, rustyline::history::DefaultHistory> =
        Editor::new().map_err(|e| e.to_string())?;
    editor.set_helper(Some(SqlHelper {
        words: words.clone(),
    }));
    let history = std::env::var("HOME")
        .map(|h| std::path::PathBuf::from(h).join(".shark_history"))
        .ok();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    let mut buffer = String::new();
    let stdout = std::io::stdout();
    loop {
        let db = shell.session.database().to_string();
        let prompt = if buffer.is_empty() {
            format!("shark ({db})> ")
        } else {
            format!("{}> ", " ".repeat(db.len() + 8))
        };
        match editor.readline(&prompt) {
            Ok(line) => {
                if buffer.is_empty() && line.trim().is_empty() {
                    continue;
                }
                buffer.push_str(&line);
                buffer.push('\n');
                if !shark::parse::is_complete(&buffer) {
                    continue;
                }
                let text = std::mem::take(&mut buffer);
                let _ = editor.add_history_entry(text.trim_end());
                let mut out = stdout.lock();
                let mut quit = false;
                for stmt in shark::parse::split_statements(&text) {
                    match shell.run_statement(&stmt.text, stmt.line, &mut out) {
                        Ok(true) => {}
                        Ok(false) => {
                            quit = true;
                            break;
                        }
                        Err(e) => {
                            eprintln!("{}", failed(&e));
                            break;
                        }
                    }
                }
                drop(out);
                let lower = text.to_ascii_lowercase();
                if ["create", "drop", "alter", "use"]
                    .iter()
                    .any(|k| lower.contains(k))
                {
                    *words.borrow_mut() = table_and_column_names(shell);
                }
                if quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.to_string()),
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    Ok(())
}
