//! Object-store settings, written the way Hadoop users write them
//! (`fs.s3a.endpoint`, `fs.s3a.access.key`, per bucket
//! `fs.s3a.bucket.<name>.endpoint`, …), on top of the standard AWS
//! environment variables (`AWS_ACCESS_KEY_ID`, `AWS_REGION`, …). The
//! settings are the process's, as Hadoop's FileSystem cache is: a session
//! that `SET`s one changes the stores every later statement opens.

use crate::error::{Result, StorageError};
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey::Client};
use object_store::{ClientConfigKey, RetryConfig};
use std::collections::BTreeMap;
use std::sync::{Mutex, RwLock};
use std::time::Duration;

/// The prefix of every setting this crate reads.
pub const S3A_PREFIX: &str = "fs.s3a.";

/// What `SET` prints instead of a secret's value.
pub const REDACTED: &str = "********";

static SETTINGS: RwLock<BTreeMap<String, String>> = RwLock::new(BTreeMap::new());
/// Bumped on every change, so opened stores are rebuilt.
static GENERATION: Mutex<u64> = Mutex::new(0);

/// True for keys this crate reads (`fs.s3a.*`).
pub fn is_storage_key(key: &str) -> bool {
    key.to_ascii_lowercase().starts_with(S3A_PREFIX)
}

/// True for settings whose values are credentials: never printed by
/// `SET` or the server's environment page, never logged (Hadoop's
/// `hadoop.security.sensitive-config-keys` and Hive's
/// `hive.conf.hidden.list` name the same keys).
pub fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "credential",
        "access.key",
        "private",
    ]
    .iter()
    .any(|s| k.contains(s))
}

/// `value`, or [`REDACTED`] when `key` names a secret.
pub fn shown_value<'a>(key: &str, value: &'a str) -> &'a str {
    if is_secret(key) {
        REDACTED
    } else {
        value
    }
}

/// Sets (or with `None`, removes) one `fs.s3a.*` setting; other keys
/// are ignored. Stores opened under the old value are dropped.
pub fn set(key: &str, value: Option<&str>) {
    if !is_storage_key(key) {
        return;
    }
    let key = key.to_ascii_lowercase();
    let mut s = SETTINGS.write().unwrap_or_else(|e| e.into_inner());
    let changed = match value {
        Some(v) => s.insert(key, v.to_string()).as_deref() != Some(v),
        None => s.remove(&key).is_some(),
    };
    drop(s);
    if changed {
        *GENERATION.lock().unwrap_or_else(|e| e.into_inner()) += 1;
    }
}

/// The settings' version: changes whenever a setting does.
pub(crate) fn generation() -> u64 {
    *GENERATION.lock().unwrap_or_else(|e| e.into_inner())
}

/// The setting `fs.s3a.bucket.<bucket>.<name>`, else `fs.s3a.<name>`.
fn setting(bucket: &str, name: &str) -> Option<String> {
    let s = SETTINGS.read().unwrap_or_else(|e| e.into_inner());
    s.get(&format!("{S3A_PREFIX}bucket.{bucket}.{name}"))
        .or_else(|| s.get(&format!("{S3A_PREFIX}{name}")))
        .cloned()
}

fn flag(bucket: &str, name: &str) -> Option<bool> {
    setting(bucket, name).map(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Opens the S3 (or S3-compatible) store for `bucket` from the settings
/// and the environment. Endpoints without a scheme get `https://`, or
/// `http://` with `fs.s3a.connection.ssl.enabled=false`, as in S3A.
pub(crate) fn open_s3(bucket: &str) -> Result<AmazonS3> {
    let mut b = AmazonS3Builder::from_env().with_bucket_name(bucket);
    let ssl = flag(bucket, "connection.ssl.enabled").unwrap_or(true);
    let path_style = flag(bucket, "path.style.access").unwrap_or(false);
    if let Some(endpoint) = setting(bucket, "endpoint").filter(|e| !e.trim().is_empty()) {
        let endpoint = endpoint.trim().trim_end_matches('/');
        let endpoint = if endpoint.contains("://") {
            endpoint.to_string()
        } else if ssl {
            format!("https://{endpoint}")
        } else {
            format!("http://{endpoint}")
        };
        b = b.with_allow_http(endpoint.starts_with("http://"));
        if path_style {
            b = b.with_endpoint(endpoint);
        } else {
            // A virtual-hosted endpoint names the bucket in the host.
            let (scheme, host) = endpoint.split_once("://").unwrap_or(("https", &endpoint));
            b = b
                .with_endpoint(format!("{scheme}://{bucket}.{host}"))
                .with_virtual_hosted_style_request(true);
        }
    }
    if let Some(v) = setting(bucket, "access.key") {
        b = b.with_access_key_id(v);
    }
    if let Some(v) = setting(bucket, "secret.key") {
        b = b.with_secret_access_key(v);
    }
    if let Some(v) = setting(bucket, "session.token") {
        b = b.with_token(v);
    }
    if let Some(v) = setting(bucket, "endpoint.region").or_else(|| setting(bucket, "region")) {
        b = b.with_region(v);
    }
    let attempts = setting(bucket, "attempts.maximum")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(3);
    let retry = RetryConfig {
        max_retries: attempts,
        retry_timeout: Duration::from_secs(30),
        ..RetryConfig::default()
    };
    // Set key by key: `with_client_options` would drop `allow_http` and
    // what the environment set.
    b.with_retry(retry)
        .with_config(Client(ClientConfigKey::ConnectTimeout), "10s")
        .with_config(Client(ClientConfigKey::Timeout), "300s")
        .build()
        .map_err(|e| StorageError::Config(format!("s3://{bucket}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_named_by_their_keys() {
        assert!(is_secret("fs.s3a.secret.key"));
        assert!(is_secret("fs.s3a.access.key"));
        assert!(is_secret("fs.s3a.bucket.b.secret.key"));
        assert!(is_secret("fs.s3a.session.token"));
        assert!(is_secret("javax.jdo.option.ConnectionPassword"));
        assert!(!is_secret("fs.s3a.endpoint"));
        assert!(!is_secret("hive.exec.dynamic.partition"));
        assert_eq!(shown_value("fs.s3a.secret.key", "abc"), REDACTED);
        assert_eq!(shown_value("fs.s3a.endpoint", "abc"), "abc");
    }
}
