//! The warehouse layout, exactly as Hive lays it out on disk.
//!
//! A warehouse is one folder. The `default` database lives in the warehouse
//! folder itself, every other database `x` in `<warehouse>/x.db`; a table `t`
//! is a folder inside its database's folder, and each partition of a table is
//! a chain of `key=value` folders inside the table's folder
//! (`<table>/ds=2024-01-01/hr=07`). Keys and values are escaped with Hive's
//! `FileUtils.escapePathName`, so any value (with `/`, `=`, `%`, …) maps to one
//! folder name and back, and a NULL or empty value is the
//! `__HIVE_DEFAULT_PARTITION__` folder. Keeping Hive's exact layout means a
//! warehouse written by Shark can be read by Hive and vice versa.
//!
//! Files and folders whose names start with `_` or `.` (`_SUCCESS`,
//! `_temporary`, `.part-0.crc`) are never data nor partitions.

use crate::{HiveError, Result};
use std::path::{Path, PathBuf};

/// The database every session starts in; its folder is the warehouse itself.
pub const DEFAULT_DATABASE: &str = "default";

/// The folder name Hive gives a partition whose value is NULL or empty.
pub const DEFAULT_PARTITION_NAME: &str = "__HIVE_DEFAULT_PARTITION__";

/// The folder of database `db`: the warehouse for `default`, else
/// `<warehouse>/<db>.db`. Names are case-insensitive, so folders are
/// lower-case, as Hive makes them.
pub fn database_dir(warehouse: &Path, db: &str) -> PathBuf {
    let db = db.to_lowercase();
    if db == DEFAULT_DATABASE {
        warehouse.to_path_buf()
    } else {
        warehouse.join(format!("{db}.db"))
    }
}

/// The default folder of table `db.table`: `<warehouse>/<table>` for the
/// `default` database, `<warehouse>/<db>.db/<table>` otherwise (lower-case).
pub fn table_dir(warehouse: &Path, db: &str, table: &str) -> PathBuf {
    database_dir(warehouse, db).join(table.to_lowercase())
}

/// True for a character Hive escapes in a path component: control characters,
/// DEL and `"#%'*/:=?\{[]^`. Everything else, non-ASCII included, is kept.
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{0}'
            ..='\u{1f}'
                | '"'
                | '#'
                | '%'
                | '\''
                | '*'
                | '/'
                | ':'
                | '='
                | '?'
                | '\\'
                | '\u{7f}'
                | '{'
                | '['
                | ']'
                | '^'
    )
}

/// Hive's `FileUtils.escapePathName`: each special character becomes `%XX`
/// (upper-case hex), so a value can be one folder name; an empty string
/// becomes [`DEFAULT_PARTITION_NAME`].
pub fn escape_path_name(s: &str) -> String {
    if s.is_empty() {
        return DEFAULT_PARTITION_NAME.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if needs_escape(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Hive's `FileUtils.unescapePathName`: `%XX` with two hex digits becomes
/// that character; any other `%` is kept as it is (folders written by other
/// tools may hold a literal `%`).
pub fn unescape_path_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let hex = rest.get(i + 1..i + 3);
        match hex.and_then(|h| {
            let ok = h.bytes().all(|b| b.is_ascii_hexdigit());
            ok.then(|| u8::from_str_radix(h, 16).ok()).flatten()
        }) {
            Some(code) => {
                out.push(char::from(code));
                rest = &rest[i + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The relative folder of one partition, `k1=v1/k2=v2`, as Hive's
/// `Warehouse.makePartName` builds it: keys lower-cased, keys and values
/// escaped, a NULL or empty value written as [`DEFAULT_PARTITION_NAME`].
/// This string is also the partition's name in the metastore and in
/// `SHOW PARTITIONS`.
pub fn partition_path(spec: &[(String, Option<String>)]) -> String {
    spec.iter()
        .map(|(k, v)| {
            let v = match v.as_deref() {
                None | Some("") => DEFAULT_PARTITION_NAME.to_string(),
                Some(v) => escape_path_name(v),
            };
            format!("{}={}", escape_path_name(&k.to_lowercase()), v)
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Parse one `key=value` folder name into the unescaped key and value
/// ([`None`] for the default partition). Errors on a name without exactly one
/// `=` or with an empty key or value: such a folder is not a partition.
pub fn parse_partition_component(name: &str) -> Result<(String, Option<String>)> {
    let bad = || HiveError::Invalid(format!("Invalid partition name '{name}'"));
    let (k, v) = name.split_once('=').ok_or_else(bad)?;
    if k.is_empty() || v.is_empty() || v.contains('=') || k.contains('/') || v.contains('/') {
        return Err(bad());
    }
    let value = if v == DEFAULT_PARTITION_NAME {
        None
    } else {
        Some(unescape_path_name(v))
    };
    Ok((unescape_path_name(k), value))
}

/// The inverse of [`partition_path`]: `"k=v/k2=v%3A2"` →
/// `[("k", Some("v")), ("k2", Some("v:2"))]`, with [`None`] for
/// `__HIVE_DEFAULT_PARTITION__`. Errors on empty or malformed components.
pub fn parse_partition_path(path: &str) -> Result<Vec<(String, Option<String>)>> {
    if path.is_empty() {
        return Err(HiveError::Invalid("Empty partition name".to_string()));
    }
    path.split('/').map(parse_partition_component).collect()
}

/// True for names that are never data: those starting with `_` or `.`
/// (`_SUCCESS`, `_temporary`, `.crc` files), as Hive's hidden-file filter.
pub fn is_hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

/// A partition folder found on disk by [`list_partition_dirs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionDir {
    /// The full path of the leaf folder.
    pub path: PathBuf,
    /// The unescaped values, in the order of the keys asked for; [`None`]
    /// for the default (NULL) partition.
    pub values: Vec<Option<String>>,
}

/// Every partition folder under `table_dir` for partition `keys`, for
/// `MSCK REPAIR TABLE`: walks `key=value` folders to a depth of `keys.len()`,
/// skipping hidden names and plain files. As Hive with its default
/// `hive.msck.path.validation=throw`, a visible folder whose name is not
/// `<expected key>=<value>` (keys compared case-insensitively) is an error.
/// A missing `table_dir` has no partitions. The result is sorted by path.
pub fn list_partition_dirs(table_dir: &Path, keys: &[String]) -> Result<Vec<PartitionDir>> {
    let mut found = Vec::new();
    if keys.is_empty() || !storage::is_dir(table_dir)? {
        return Ok(found);
    }
    walk(table_dir, keys, &mut Vec::new(), &mut found)?;
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

fn walk(
    dir: &Path,
    keys: &[String],
    values: &mut Vec<Option<String>>,
    found: &mut Vec<PartitionDir>,
) -> Result<()> {
    let depth = values.len();
    // Folders only (on a store: the prefixes with objects under them).
    let folders = storage::list_dirs(dir)?;
    for path in folders {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return Err(HiveError::Invalid(format!(
                "Invalid partition name {}",
                path.display()
            )));
        };
        if is_hidden(name) {
            continue;
        }
        let (_, value) = parse_partition_component(name)
            .ok()
            .filter(|(k, _)| k.eq_ignore_ascii_case(&keys[depth]))
            .ok_or_else(|| {
                HiveError::Invalid(format!(
                    "Invalid partition name {} (expected {}=<value>)",
                    path.display(),
                    keys[depth]
                ))
            })?;
        values.push(value);
        if values.len() == keys.len() {
            found.push(PartitionDir {
                path: path.clone(),
                values: values.clone(),
            });
        } else {
            walk(&path, keys, values, found)?;
        }
        values.pop();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(pairs: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect()
    }

    #[test]
    fn database_and_table_folders() {
        let wh = Path::new("/wh");
        assert_eq!(database_dir(wh, "default"), PathBuf::from("/wh"));
        assert_eq!(database_dir(wh, "DEFAULT"), PathBuf::from("/wh"));
        assert_eq!(database_dir(wh, "Sales"), PathBuf::from("/wh/sales.db"));
        assert_eq!(table_dir(wh, "default", "T"), PathBuf::from("/wh/t"));
        assert_eq!(table_dir(wh, "s", "t"), PathBuf::from("/wh/s.db/t"));
    }

    #[test]
    fn escaping_matches_hive() {
        assert_eq!(escape_path_name("a/b"), "a%2Fb");
        assert_eq!(escape_path_name("50%"), "50%25");
        assert_eq!(escape_path_name("x=y"), "x%3Dy");
        assert_eq!(escape_path_name("12:30:00"), "12%3A30%3A00");
        assert_eq!(escape_path_name("a b"), "a b");
        assert_eq!(escape_path_name("tab\there"), "tab%09here");
        assert_eq!(escape_path_name("\u{7f}"), "%7F");
        assert_eq!(
            escape_path_name("\"#'*?\\{[]^"),
            "%22%23%27%2A%3F%5C%7B%5B%5D%5E"
        );
        assert_eq!(escape_path_name("}|<>-_.,;!~"), "}|<>-_.,;!~");
        assert_eq!(escape_path_name("日本"), "日本");
        assert_eq!(escape_path_name(""), DEFAULT_PARTITION_NAME);
    }

    #[test]
    fn unescaping_is_lenient_like_hive() {
        assert_eq!(unescape_path_name("a%2Fb"), "a/b");
        assert_eq!(unescape_path_name("a%2fb"), "a/b");
        assert_eq!(unescape_path_name("100%"), "100%");
        assert_eq!(unescape_path_name("%ZZ%4"), "%ZZ%4");
        assert_eq!(unescape_path_name("%25%25"), "%%");
        assert_eq!(unescape_path_name("日%3A本"), "日:本");
    }

    #[test]
    fn partition_paths() {
        let s = spec(&[("DS", Some("2024-01-01")), ("hr", Some("07:30"))]);
        assert_eq!(partition_path(&s), "ds=2024-01-01/hr=07%3A30");
        let s = spec(&[("k", None), ("k2", Some(""))]);
        assert_eq!(
            partition_path(&s),
            "k=__HIVE_DEFAULT_PARTITION__/k2=__HIVE_DEFAULT_PARTITION__"
        );
        assert_eq!(
            parse_partition_path("k=v/k2=v%3A2").unwrap(),
            spec(&[("k", Some("v")), ("k2", Some("v:2"))])
        );
    }

    #[test]
    fn nasty_values_round_trip() {
        let nasty = [
            Some("a/b"),
            Some("50%"),
            Some("x=y"),
            Some("with spaces "),
            Some(" "),
            Some("日本語 ü"),
            Some("%2F"),
            Some("a\nb\u{1}\u{7f}"),
            Some("..\\..\\etc"),
            Some("__HIVE_DEFAULT_PARTITION__x"),
            Some("😀"),
            None,
        ];
        for v in nasty {
            let s = spec(&[("p", v), ("q", Some("1"))]);
            let path = partition_path(&s);
            assert_eq!(path.matches('/').count(), 1, "{path}");
            assert_eq!(path.matches('=').count(), 2, "{path}");
            assert_eq!(parse_partition_path(&path).unwrap(), s, "{path}");
        }
        // Empty is NULL once written: it comes back as None.
        let path = partition_path(&spec(&[("p", Some(""))]));
        assert_eq!(parse_partition_path(&path).unwrap(), spec(&[("p", None)]));
    }

    #[test]
    fn malformed_partition_paths_are_rejected() {
        for bad in [
            "", "k", "=v", "k=", "k=v/", "/k=v", "k=v//j=w", "k=v=w", "k=v/j",
        ] {
            assert!(parse_partition_path(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn hidden_names() {
        assert!(is_hidden("_SUCCESS"));
        assert!(is_hidden("_temporary"));
        assert!(is_hidden(".part-0.crc"));
        assert!(!is_hidden("part-00000"));
        assert!(!is_hidden("ds=1"));
    }

    #[test]
    fn partition_folders_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path();
        let mk = |p: &str| std::fs::create_dir_all(t.join(p)).unwrap();
        mk("ds=1/hr=00");
        mk("ds=1/hr=01");
        mk("ds=a%2Fb/hr=__HIVE_DEFAULT_PARTITION__");
        mk("ds=2"); // no hr level: not a partition
        mk("_temporary/ds=9/hr=9");
        mk("ds=1/.hidden");
        std::fs::write(t.join("ds=1/hr=00/part-0"), "x").unwrap();
        std::fs::write(t.join("stray-file"), "x").unwrap();
        let keys = vec!["ds".to_string(), "HR".to_string()];
        let found = list_partition_dirs(t, &keys).unwrap();
        let vals: Vec<_> = found.iter().map(|d| d.values.clone()).collect();
        assert_eq!(
            vals,
            vec![
                vec![Some("1".into()), Some("00".into())],
                vec![Some("1".into()), Some("01".into())],
                vec![Some("a/b".into()), None],
            ]
        );
        assert_eq!(found[0].path, t.join("ds=1/hr=00"));

        mk("ds=1/junk");
        assert!(list_partition_dirs(t, &keys).is_err());
        assert!(list_partition_dirs(&t.join("nosuch"), &keys)
            .unwrap()
            .is_empty());
    }
}
