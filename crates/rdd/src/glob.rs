//! Hadoop-style path globs: `*`, `?`, `[abc]`, `[a-z]`, `[!a]` within one
//! path component, and `{a,b}` alternatives.

use std::path::{Path, PathBuf};

/// Paths matching `pattern`, sorted. Hidden entries are never matched by a
/// wildcard.
pub fn expand(pattern: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in expand_braces(pattern) {
        let absolute = p.starts_with('/');
        let start = if absolute {
            PathBuf::from("/")
        } else {
            PathBuf::from(".")
        };
        let parts: Vec<&str> = p.split('/').filter(|c| !c.is_empty()).collect();
        walk(&start, &parts, !absolute, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

fn walk(base: &Path, parts: &[&str], relative: bool, out: &mut Vec<PathBuf>) {
    let Some((first, rest)) = parts.split_first() else {
        out.push(base.to_path_buf());
        return;
    };
    let join = |name: &str| {
        if relative && base == Path::new(".") {
            PathBuf::from(name)
        } else {
            base.join(name)
        }
    };
    if !first.contains(['*', '?', '[']) {
        let next = join(first);
        if next.exists() {
            walk(&next, rest, relative, out);
        }
        return;
    }
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !crate::rdd::text_file::is_hidden(n))
        .filter(|n| matches(first.as_bytes(), n.as_bytes()))
        .collect();
    names.sort();
    for name in names {
        walk(&join(&name), rest, relative, out);
    }
}

fn expand_braces(p: &str) -> Vec<String> {
    let Some(open) = p.find('{') else {
        return vec![p.to_string()];
    };
    let Some(close_rel) = p[open..].find('}') else {
        return vec![p.to_string()];
    };
    let close = open + close_rel;
    let (head, body, tail) = (&p[..open], &p[open + 1..close], &p[close + 1..]);
    body.split(',')
        .flat_map(|alt| expand_braces(&format!("{head}{alt}{tail}")))
        .collect()
}

/// Wildcard match of one component.
pub fn matches(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.first() {
        None => name.is_empty(),
        Some(b'*') => (0..=name.len()).any(|i| matches(&pattern[1..], &name[i..])),
        Some(b'?') => !name.is_empty() && matches(&pattern[1..], &name[1..]),
        Some(b'[') => {
            let Some(end) = pattern.iter().position(|&c| c == b']') else {
                return name.first() == Some(&b'[') && matches(&pattern[1..], &name[1..]);
            };
            let Some(&c) = name.first() else {
                return false;
            };
            let mut class = &pattern[1..end];
            let negate = matches!(class.first(), Some(b'!') | Some(b'^'));
            if negate {
                class = &class[1..];
            }
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == b'-' {
                    hit |= class[i] <= c && c <= class[i + 2];
                    i += 3;
                } else {
                    hit |= class[i] == c;
                    i += 1;
                }
            }
            hit != negate && matches(&pattern[end + 1..], &name[1..])
        }
        Some(&p) => name.first() == Some(&p) && matches(&pattern[1..], &name[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_hadoop() {
        assert!(matches(b"part-*", b"part-00000"));
        assert!(matches(b"*.txt", b"a.txt"));
        assert!(!matches(b"*.txt", b"a.csv"));
        assert!(matches(b"f?le", b"file"));
        assert!(matches(b"[a-c]x", b"bx"));
        assert!(!matches(b"[!a-c]x", b"bx"));
        assert_eq!(expand_braces("a/{x,y}/b"), vec!["a/x/b", "a/y/b"]);
    }
}
