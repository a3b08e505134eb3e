//! The web UI's files (`web/` at the top of the repository), embedded in
//! the binary at build time so one `shark-server` serves them: `/` is
//! `index.html`, `/static/<path>` any other file. They carry no data and
//! need no token (the API they call does). ETags are the files' SHA-256,
//! so a browser revalidates cheaply and never runs a stale script after an
//! upgrade. For working on the UI, `SHARK_WEB_DIR=/path/to/web` serves the
//! files from that folder instead, read at each request.

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::borrow::Cow;

#[derive(rust_embed::Embed)]
#[folder = "../../web/"]
struct Web;

/// What browsers are allowed to do with our pages: only our own scripts,
/// styles and API; no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data: blob:; \
     style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; \
     frame-ancestors 'none'; base-uri 'none'";

/// `GET /`: the UI's one page.
pub async fn index(headers: HeaderMap) -> Response {
    serve("index.html", &headers)
}

/// `GET /static/{*path}`: a script, style sheet or image of the UI.
pub async fn file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    serve(&path, &headers)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A file's bytes and its tag, from the binary or from `SHARK_WEB_DIR`.
fn lookup(path: &str) -> Option<(Cow<'static, [u8]>, String)> {
    // Only plain relative names: no way out of the folder.
    let safe = !path.is_empty()
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\\'));
    if !safe {
        return None;
    }
    if let Some(dir) = std::env::var_os("SHARK_WEB_DIR") {
        let bytes = std::fs::read(std::path::Path::new(&dir).join(path)).ok()?;
        let tag = format!("\"dev-{:x}\"", fnv(&bytes));
        return Some((Cow::Owned(bytes), tag));
    }
    let f = Web::get(path)?;
    let hash = f.metadata.sha256_hash();
    let tag: String = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
    Some((f.data, format!("\"{tag}\"")))
}

/// A quick hash for development tags.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn serve(path: &str, headers: &HeaderMap) -> Response {
    let Some((bytes, tag)) = lookup(path) else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        bytes.into_owned().into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    // Revalidate every time: cheap with the tag, never stale.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_its_scripts_are_embedded() {
        let (page, tag) = lookup("index.html").expect("index.html embedded");
        assert!(String::from_utf8_lossy(&page).contains("app.js"));
        assert!(tag.starts_with('"') && tag.len() > 10);
        assert!(lookup("app.js").is_some());
    }

    #[test]
    fn paths_cannot_leave_the_folder() {
        for p in [
            "../Cargo.toml",
            "views/../../README.md",
            "",
            "/etc/passwd",
            "a//b",
        ] {
            assert!(lookup(p).is_none(), "{p}");
        }
    }

    #[test]
    fn types_follow_the_extension() {
        assert_eq!(
            content_type("views/console.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.bin"), "application/octet-stream");
    }
}
