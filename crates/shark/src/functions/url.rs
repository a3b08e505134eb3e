//! `parse_url(url, part [, key])`: a part of a URL as Java's `java.net.URL`
//! splits it (HOST, PATH, QUERY, REF, PROTOCOL, AUTHORITY, FILE,
//! USERINFO), or one query parameter's value; NULL when the part is absent
//! or the text is not a URL.

use super::{arity, str_arg, ScalarFunction};
use arrow::array::*;
use arrow::datatypes::DataType;
use std::sync::Arc;

/// A URL cut into the parts `parse_url` names.
struct Url<'a> {
    protocol: &'a str,
    authority: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    reference: Option<&'a str>,
}

fn split(url: &str) -> Option<Url<'_>> {
    let (protocol, rest) = url.split_once("://")?;
    if protocol.is_empty()
        || !protocol
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let (rest, reference) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    Some(Url {
        protocol,
        authority,
        path,
        query,
        reference,
    })
}

/// The part `part` of `url`, or the value of query parameter `key`.
fn part(url: &str, part: &str, key: Option<&str>) -> Option<String> {
    let u = split(url.trim())?;
    let host = || {
        let h = u.authority.rsplit_once('@').map_or(u.authority, |(_, h)| h);
        // IPv6 hosts keep their brackets; a port goes.
        match h.rfind(':') {
            Some(i) if !h[i..].contains(']') => h[..i].to_string(),
            _ => h.to_string(),
        }
    };
    Some(match (part, key) {
        ("QUERY", Some(k)) => {
            return u.query?.split('&').find_map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (name == k).then(|| value.to_string())
            })
        }
        (_, Some(_)) => return None,
        ("HOST", _) => host(),
        ("PATH", _) => u.path.to_string(),
        ("QUERY", _) => u.query?.to_string(),
        ("REF", _) => u.reference?.to_string(),
        ("PROTOCOL", _) => u.protocol.to_string(),
        ("AUTHORITY", _) => u.authority.to_string(),
        ("FILE", _) => match u.query {
            Some(q) => format!("{}?{q}", u.path),
            None => u.path.to_string(),
        },
        ("USERINFO", _) => u.authority.rsplit_once('@')?.0.to_string(),
        _ => return None,
    })
}

pub(super) const FUNCTIONS: &[ScalarFunction] = &[ScalarFunction {
    name: "parse_url",
    coerce: |a| {
        arity(a, 2, 3)?;
        Ok(vec![DataType::Utf8; a.len()])
    },
    return_type: |_| DataType::Utf8,
    eval: |args, _| {
        let (urls, parts) = (str_arg(&args[0]), str_arg(&args[1]));
        let keys = args.get(2).map(str_arg);
        let out: StringArray = (0..urls.len())
            .map(|i| {
                if urls.is_null(i) || parts.is_null(i) {
                    return None;
                }
                let key = match keys {
                    Some(k) if k.is_null(i) => return None,
                    Some(k) => Some(k.value(i)),
                    None => None,
                };
                part(urls.value(i), parts.value(i), key)
            })
            .collect();
        Ok(Arc::new(out))
    },
    deterministic: true,
}];

#[cfg(test)]
mod tests {
    use super::part;

    #[test]
    fn parts_are_split_as_java_splits_them() {
        let u = "http://user:pw@facebook.com:8080/path1/p.php?k1=v1&k2=v2#Ref1";
        let p = |name: &str| part(u, name, None);
        assert_eq!(p("HOST").as_deref(), Some("facebook.com"));
        assert_eq!(p("PATH").as_deref(), Some("/path1/p.php"));
        assert_eq!(p("QUERY").as_deref(), Some("k1=v1&k2=v2"));
        assert_eq!(p("REF").as_deref(), Some("Ref1"));
        assert_eq!(p("PROTOCOL").as_deref(), Some("http"));
        assert_eq!(p("AUTHORITY").as_deref(), Some("user:pw@facebook.com:8080"));
        assert_eq!(p("FILE").as_deref(), Some("/path1/p.php?k1=v1&k2=v2"));
        assert_eq!(p("USERINFO").as_deref(), Some("user:pw"));
        assert_eq!(part(u, "QUERY", Some("k2")).as_deref(), Some("v2"));
        assert_eq!(part(u, "QUERY", Some("k3")), None);
        assert_eq!(part("http://a.com", "QUERY", None), None);
        assert_eq!(part("not a url", "HOST", None), None);
        assert_eq!(part(u, "host", None), None, "parts are upper case");
    }
}
