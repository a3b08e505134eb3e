//! Hive's JSON functions: `get_json_object(json, path)` here, and the
//! value lookup `json_tuple` (a LATERAL VIEW generator) shares. Values come
//! back as strings: a JSON string unquoted, numbers and booleans as their
//! text, objects and arrays as compact JSON in their original key order;
//! JSON null, a missing value and a malformed document give NULL.

use super::{str_arg, strings, ScalarFunction};
use crate::error::Result;
use arrow::array::*;
use arrow::datatypes::DataType;
use serde_json::Value;
use std::sync::Arc;

/// One step of a JSONPath.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
    AnyIndex,
}

/// `$`, `.key`, `['key']`, `[n]`, `[*]`; `None` for anything else.
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut rest = path.trim().strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let key = &r[..end];
            if key.is_empty() {
                return None;
            }
            steps.push(Step::Key(key.to_string()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = r[..end].trim();
            steps.push(if inner == "*" {
                Step::AnyIndex
            } else if let Some(q) = inner
                .strip_prefix('\'')
                .and_then(|x| x.strip_suffix('\''))
                .or_else(|| inner.strip_prefix('"').and_then(|x| x.strip_suffix('"')))
            {
                Step::Key(q.to_string())
            } else {
                Step::Index(inner.parse().ok()?)
            });
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

fn select<'a>(v: &'a Value, steps: &[Step], out: &mut Vec<&'a Value>) {
    let Some((step, rest)) = steps.split_first() else {
        out.push(v);
        return;
    };
    match (step, v) {
        (Step::Key(k), Value::Object(m)) => {
            if let Some(x) = m.get(k) {
                select(x, rest, out);
            }
        }
        // A key applied to an array reaches into each element (Hive).
        (Step::Key(_), Value::Array(items)) => {
            for x in items {
                select(x, steps, out);
            }
        }
        (Step::Index(i), Value::Array(items)) => {
            if let Some(x) = items.get(*i) {
                select(x, rest, out);
            }
        }
        (Step::AnyIndex, Value::Array(items)) => {
            for x in items {
                select(x, rest, out);
            }
        }
        _ => {}
    }
}

/// A value as Hive's JSON functions return it.
pub(crate) fn render(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => serde_json::to_string(v).ok(),
    }
}

/// The document, or `None` when it is not JSON.
pub(crate) fn parse(doc: &str) -> Option<Value> {
    serde_json::from_str(doc).ok()
}

/// `get_json_object` of one document.
fn extract(doc: &str, path: &str) -> Option<String> {
    let steps = parse_path(path)?;
    let v = parse(doc)?;
    let mut found = Vec::new();
    select(&v, &steps, &mut found);
    let fans_out = steps.contains(&Step::AnyIndex) || found.len() > 1;
    if fans_out {
        let items: Vec<Value> = found
            .into_iter()
            .filter(|x| !x.is_null())
            .cloned()
            .collect();
        if items.is_empty() {
            return None;
        }
        return serde_json::to_string(&Value::Array(items)).ok();
    }
    found.first().and_then(|x| render(x))
}

fn get_json_object(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let (docs, paths) = (str_arg(&args[0]), str_arg(&args[1]));
    let out: StringArray = (0..n)
        .map(|i| {
            if docs.is_null(i) || paths.is_null(i) {
                return None;
            }
            extract(docs.value(i), paths.value(i))
        })
        .collect();
    Ok(Arc::new(out))
}

pub(super) static FUNCTIONS: &[ScalarFunction] = &[ScalarFunction {
    name: "get_json_object",
    coerce: |a| strings(a, 2, 2),
    return_type: |_| DataType::Utf8,
    eval: get_json_object,
    deterministic: true,
}];

#[cfg(test)]
mod tests {
    use super::extract;

    #[test]
    fn paths_pick_values_as_hive_prints_them() {
        let doc = r#"{"z":1,"a":{"b":[10,{"c":"x y"}],"t":true},"items":[{"sku":"a1"},{"sku":"b2"}],"n":null}"#;
        let get = |p: &str| extract(doc, p);
        assert_eq!(get("$.z").as_deref(), Some("1"));
        assert_eq!(get("$.a.b[1].c").as_deref(), Some("x y"));
        assert_eq!(get("$.a.t").as_deref(), Some("true"));
        assert_eq!(
            get("$.a").as_deref(),
            Some(r#"{"b":[10,{"c":"x y"}],"t":true}"#)
        );
        assert_eq!(get("$['z']").as_deref(), Some("1"));
        assert_eq!(get("$.items[*].sku").as_deref(), Some(r#"["a1","b2"]"#));
        assert_eq!(get("$.items.sku").as_deref(), Some(r#"["a1","b2"]"#));
        assert_eq!(get("$.n"), None);
        assert_eq!(get("$.missing"), None);
        assert_eq!(get("$.a.b[9]"), None);
        assert_eq!(get("a.b"), None);
        assert_eq!(extract("{\"a\":1", "$.a"), None);
        assert_eq!(extract("[1,2,3]", "$[1]").as_deref(), Some("2"));
        assert_eq!(
            extract("{\"z\":1,\"a\":2}", "$").as_deref(),
            Some("{\"z\":1,\"a\":2}")
        );
    }
}
