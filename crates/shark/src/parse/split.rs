//! Splits a script into statements at `;` outside quotes and comments, as
//! the Hive CLI does, remembering where each statement starts so errors can
//! name the script's line.

/// One statement of a script.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementText {
    /// The statement without its `;`, trimmed.
    pub text: String,
    /// Line of the script the statement starts on (1-based).
    pub line: u64,
}

/// The statements of `script`, empty ones dropped.
pub fn split_statements(script: &str) -> Vec<StatementText> {
    let mut out = Vec::new();
    let chars: Vec<char> = script.chars().collect();
    let mut current = String::new();
    let mut line = 1u64;
    let mut start_line = 1u64;
    let mut i = 0;
    let mut quote: Option<char> = None;
    let push = |current: &mut String, start_line: u64, out: &mut Vec<StatementText>| {
        let leading = current
            .chars()
            .take_while(|c| c.is_whitespace())
            .filter(|c| *c == '\n')
            .count() as u64;
        let text = current.trim().to_string();
        if !text.is_empty() && !is_only_comments(&text) {
            out.push(StatementText {
                text,
                line: start_line + leading,
            });
        }
        current.clear();
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
        }
        match quote {
            Some(q) => {
                current.push(c);
                if c == '\\' && q != '`' && i + 1 < chars.len() {
                    current.push(chars[i + 1]);
                    if chars[i + 1] == '\n' {
                        line += 1;
                    }
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == '\'' || c == '"' || c == '`' {
                    quote = Some(c);
                    current.push(c);
                } else if c == '-' && chars.get(i + 1) == Some(&'-') {
                    while i < chars.len() && chars[i] != '\n' {
                        current.push(chars[i]);
                        i += 1;
                    }
                    continue;
                } else if c == '/' && chars.get(i + 1) == Some(&'*') {
                    current.push_str("/*");
                    i += 2;
                    while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                        if chars[i] == '\n' {
                            line += 1;
                        }
                        current.push(chars[i]);
                        i += 1;
                    }
                    current.push_str("*/");
                    i += 2;
                    continue;
                } else if c == ';' {
                    push(&mut current, start_line, &mut out);
                    start_line = line;
                } else {
                    current.push(c);
                }
            }
        }
        i += 1;
    }
    push(&mut current, start_line, &mut out);
    out
}

/// True when a script fragment ends a statement: it has a `;` outside
/// quotes and comments (the CLI uses this to know when to stop reading).
pub fn is_complete(text: &str) -> bool {
    let trimmed = text.trim_end();
    if trimmed.is_empty() {
        return false;
    }
    // Re-split with a sentinel: complete when the text after the last `;`
    // is only whitespace or comments.
    let with = format!("{text}\n;__sentinel__");
    let parts = split_statements(&with);
    match parts.last() {
        Some(last) if last.text == "__sentinel__" => {
            let before: String = parts[..parts.len() - 1]
                .iter()
                .map(|p| p.text.clone())
                .collect();
            !before.is_empty() && ends_with_semicolon(text)
        }
        _ => false,
    }
}

fn ends_with_semicolon(text: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut last_significant = None;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) => {
                if c == '\\' && q != '`' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == '\'' || c == '"' || c == '`' {
                    quote = Some(c);
                    last_significant = Some(c);
                } else if c == '-' && chars.get(i + 1) == Some(&'-') {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                    continue;
                } else if !c.is_whitespace() {
                    last_significant = Some(c);
                }
            }
        }
        i += 1;
    }
    quote.is_none() && last_significant == Some(';')
}

fn is_only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with("--")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_outside_quotes_and_comments() {
        let s = split_statements("select 'a;b';\n-- c;d\nselect \"x;\" -- tail;\n;\n\nselect 3");
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            vec!["select 'a;b'", "-- c;d\nselect \"x;\" -- tail;", "select 3"]
        );
        assert_eq!(s[2].line, 6);
        assert!(split_statements("  ;; -- only\n").is_empty());
    }

    #[test]
    fn completeness_for_the_prompt() {
        assert!(is_complete("select 1;"));
        assert!(is_complete("select 1; -- done"));
        assert!(!is_complete("select ';'"));
        assert!(!is_complete("select 1"));
        assert!(!is_complete("select 1 -- ;"));
    }
}
