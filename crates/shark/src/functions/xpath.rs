//! Hive's xpath family over XML strings, with XPath 1.0 (sxd-xpath):
//! `xpath` gives the text of the selected text, attribute and comment
//! nodes (elements have no text of their own, as in Java's DOM);
//! `xpath_string`/`_boolean` the expression's string or boolean value;
//! the numeric ones its number value cast as Java casts a double (NaN is 0
//! for the integer types). NULL or empty arguments give NULL; a document
//! that is not XML or an expression that does not compile is an error, as
//! in Hive.

use super::collection::list_of;
use super::{str_arg, strings, ScalarFunction};
use crate::error::{Result, SharkError};
use arrow::array::*;
use arrow::datatypes::DataType;
use std::sync::Arc;
use sxd_xpath::nodeset::Node;
use sxd_xpath::{Context, Factory, Value, XPath};

/// The value of `path` over the XML `doc`, given to `f`.
fn evaluate<T>(doc: &str, path: &XPath, f: impl FnOnce(&Value) -> Result<T>) -> Result<T> {
    if element_depth(doc) > MAX_XML_DEPTH {
        return Err(SharkError::exec(format!(
            "Invalid XML document: elements nested deeper than {MAX_XML_DEPTH} levels"
        )));
    }
    let package = sxd_document::parser::parse(doc)
        .map_err(|e| SharkError::exec(format!("Invalid XML document: {e:?}")))?;
    let document = package.as_document();
    let context = Context::new();
    let value = path
        .evaluate(&context, document.root())
        .map_err(|e| SharkError::exec(format!("Error evaluating XPath: {e}")))?;
    f(&value)
}

/// Deepest element nesting of a document parsed (its parser recurses).
const MAX_XML_DEPTH: usize = 512;

/// About how deep `doc`'s elements nest: tags opened minus tags closed
/// (`</a>` and `<a/>`), at the deepest point.
fn element_depth(doc: &str) -> usize {
    let b = doc.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    for i in 0..b.len() {
        match (b[i], b.get(i + 1)) {
            (b'<', Some(b'/')) | (b'/', Some(b'>')) => depth = depth.saturating_sub(1),
            (b'<', Some(c)) if c.is_ascii_alphabetic() || *c == b'_' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            _ => {}
        }
    }
    deepest
}

/// Longest XPath expression compiled.
const MAX_XPATH_LEN: usize = 16 * 1024;
/// Deepest nesting of parentheses and brackets in an XPath expression.
const MAX_XPATH_NESTING: usize = 64;

/// Compiles `path`, keeping the last one (the path is nearly always a constant).
struct Compiled {
    text: String,
    xpath: Option<XPath>,
}

impl Compiled {
    fn get(&mut self, text: &str) -> Result<&XPath> {
        if self.xpath.is_none() || self.text != text {
            // The XPath parser recurses per nesting level: bound it so a
            // hostile expression cannot exhaust the stack.
            let mut depth = 0usize;
            let mut deepest = 0usize;
            for c in text.chars() {
                match c {
                    '(' | '[' => {
                        depth += 1;
                        deepest = deepest.max(depth);
                    }
                    ')' | ']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            if deepest > MAX_XPATH_NESTING || text.len() > MAX_XPATH_LEN {
                return Err(SharkError::exec(format!(
                    "XPath expression too long or too deeply nested (at most {MAX_XPATH_LEN} \
                     characters and {MAX_XPATH_NESTING} levels)"
                )));
            }
            let x = Factory::new()
                .build(text)
                .map_err(|e| SharkError::exec(format!("Invalid XPath '{text}': {e}")))?
                .ok_or_else(|| SharkError::exec(format!("Invalid XPath '{text}'")))?;
            self.text = text.to_string();
            self.xpath = Some(x);
        }
        Ok(self.xpath.as_ref().expect("compiled above"))
    }
}

/// For each row with a non-empty document and path, `f` of the value.
fn each_row<T>(
    args: &[ArrayRef],
    n: usize,
    mut f: impl FnMut(&Value) -> Result<T>,
) -> Result<Vec<Option<T>>> {
    let (docs, paths) = (str_arg(&args[0]), str_arg(&args[1]));
    let mut compiled = Compiled {
        text: String::new(),
        xpath: None,
    };
    (0..n)
        .map(|i| {
            if docs.is_null(i) || paths.is_null(i) {
                return Ok(None);
            }
            let (doc, path) = (docs.value(i), paths.value(i));
            if doc.is_empty() || path.is_empty() {
                return Ok(None);
            }
            let xpath = compiled.get(path)?;
            evaluate(doc, xpath, &mut f).map(Some)
        })
        .collect()
}

/// The texts of the nodes a node-set holds, in document order.
fn node_texts(v: &Value) -> Result<Vec<String>> {
    let Value::Nodeset(nodes) = v else {
        return Err(SharkError::exec(
            "xpath: the expression does not select nodes (use xpath_string, xpath_number or xpath_boolean)",
        ));
    };
    Ok(nodes
        .document_order()
        .into_iter()
        .filter_map(|n| match n {
            Node::Text(t) => Some(t.text().to_string()),
            Node::Attribute(a) => Some(a.value().to_string()),
            Node::Comment(c) => Some(c.text().to_string()),
            Node::ProcessingInstruction(p) => Some(p.value().unwrap_or("").to_string()),
            _ => None,
        })
        .collect())
}

fn xpath(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let rows = each_row(args, n, node_texts)?;
    let mut b = ListBuilder::new(StringBuilder::new());
    for r in rows {
        match r {
            Some(texts) => {
                for t in texts {
                    b.values().append_value(t);
                }
                b.append(true);
            }
            None => b.append(false),
        }
    }
    Ok(Arc::new(b.finish()))
}

fn xpath_string(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let rows = each_row(args, n, |v| Ok(v.string()))?;
    Ok(Arc::new(StringArray::from(rows)))
}

fn xpath_boolean(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let rows = each_row(args, n, |v| Ok(v.boolean()))?;
    Ok(Arc::new(BooleanArray::from(rows)))
}

fn numbers(args: &[ArrayRef], n: usize) -> Result<Vec<Option<f64>>> {
    each_row(args, n, |v| Ok(v.number()))
}

fn xpath_double(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    Ok(Arc::new(Float64Array::from(numbers(args, n)?)))
}

fn xpath_float(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let v: Float32Array = numbers(args, n)?
        .into_iter()
        .map(|x| x.map(|x| x as f32))
        .collect();
    Ok(Arc::new(v))
}

// Java's (int) and (long) casts of a double saturate and give 0 for NaN,
// as Rust's `as` does; (short) goes through int and keeps the low bits.
fn xpath_int(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let v: Int32Array = numbers(args, n)?
        .into_iter()
        .map(|x| x.map(|x| x as i32))
        .collect();
    Ok(Arc::new(v))
}

fn xpath_long(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let v: Int64Array = numbers(args, n)?
        .into_iter()
        .map(|x| x.map(|x| x as i64))
        .collect();
    Ok(Arc::new(v))
}

fn xpath_short(args: &[ArrayRef], n: usize) -> Result<ArrayRef> {
    let v: Int16Array = numbers(args, n)?
        .into_iter()
        .map(|x| x.map(|x| x as i32 as i16))
        .collect();
    Ok(Arc::new(v))
}

macro_rules! xpath_function {
    ($name:literal, $ret:expr, $eval:expr) => {
        ScalarFunction {
            name: $name,
            coerce: |a| strings(a, 2, 2),
            return_type: |_| $ret,
            eval: $eval,
            deterministic: true,
        }
    };
}

pub(super) static FUNCTIONS: &[ScalarFunction] = &[
    xpath_function!("xpath", list_of(DataType::Utf8), xpath),
    xpath_function!("xpath_string", DataType::Utf8, xpath_string),
    xpath_function!("xpath_boolean", DataType::Boolean, xpath_boolean),
    xpath_function!("xpath_number", DataType::Float64, xpath_double),
    xpath_function!("xpath_double", DataType::Float64, xpath_double),
    xpath_function!("xpath_float", DataType::Float32, xpath_float),
    xpath_function!("xpath_int", DataType::Int32, xpath_int),
    xpath_function!("xpath_long", DataType::Int64, xpath_long),
    xpath_function!("xpath_short", DataType::Int16, xpath_short),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn one(f: fn(&[ArrayRef], usize) -> Result<ArrayRef>, doc: &str, path: &str) -> ArrayRef {
        let args: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec![doc])),
            Arc::new(StringArray::from(vec![path])),
        ];
        f(&args, 1).unwrap()
    }

    #[test]
    fn values_follow_xpath_and_java_casts() {
        let doc = "<a><b id=\"x\">b1</b><b id=\"y\">b2</b><c>7.9</c><!--note--></a>";
        let list = one(xpath, doc, "a/b/text()");
        let list = list.as_any().downcast_ref::<ListArray>().unwrap();
        let texts = list.value(0);
        let texts = texts.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(texts.iter().flatten().collect::<Vec<_>>(), ["b1", "b2"]);
        // Elements have no text of their own; attributes and comments do.
        let elements = one(xpath, doc, "a/b");
        assert_eq!(
            elements
                .as_any()
                .downcast_ref::<ListArray>()
                .unwrap()
                .value(0)
                .len(),
            0
        );
        let ids = one(xpath, doc, "//@id");
        assert_eq!(
            ids.as_any()
                .downcast_ref::<ListArray>()
                .unwrap()
                .value(0)
                .len(),
            2
        );
        let s = one(xpath_string, doc, "a/b");
        assert_eq!(
            s.as_any().downcast_ref::<StringArray>().unwrap().value(0),
            "b1"
        );
        let i = one(xpath_int, doc, "a/c");
        assert_eq!(i.as_any().downcast_ref::<Int32Array>().unwrap().value(0), 7);
        let nan = one(xpath_int, doc, "a/b");
        assert_eq!(
            nan.as_any().downcast_ref::<Int32Array>().unwrap().value(0),
            0
        );
        let d = one(xpath_double, doc, "sum(a/c) * 2");
        assert_eq!(
            d.as_any().downcast_ref::<Float64Array>().unwrap().value(0),
            15.8
        );
        let b = one(xpath_boolean, doc, "count(a/b) = 2");
        assert!(b.as_any().downcast_ref::<BooleanArray>().unwrap().value(0));
        let empty = one(xpath_string, "", "a");
        assert!(empty.is_null(0));
    }

    #[test]
    fn bad_documents_and_paths_are_errors() {
        let args = |d: &str, p: &str| -> Vec<ArrayRef> {
            vec![
                Arc::new(StringArray::from(vec![d])),
                Arc::new(StringArray::from(vec![p])),
            ]
        };
        assert!(xpath_string(&args("<a><b></a>", "a"), 1).is_err());
        assert!(xpath_string(&args("<a/>", "a[["), 1).is_err());
        assert!(xpath(&args("<a/>", "count(a)"), 1).is_err());
        // Nesting past the limits is an error, not a stack overflow.
        let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
        assert!(xpath_string(&args(&deep, "a"), 1).is_err());
        let nested = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(xpath_string(&args("<a/>", &nested), 1).is_err());
        // Many siblings are no depth.
        let wide = format!("<r>{}</r>", "<b/>".repeat(5_000));
        let n = xpath_double(&args(&wide, "count(r/b)"), 1).unwrap();
        assert_eq!(
            n.as_any().downcast_ref::<Float64Array>().unwrap().value(0),
            5000.0
        );
    }
}
