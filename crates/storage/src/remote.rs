//! Locations on object stores: `s3://bucket/key` (also Hadoop's `s3a://`
//! and `s3n://` spellings), the stores opened for them, and the listing
//! cache that keeps one query from listing a prefix twice.

use crate::config;
use crate::error::{Result, StorageError};
use object_store::path::Path as ObjectPath;
use object_store::ObjectStore;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The schemes read as S3.
const S3_SCHEMES: [&str; 3] = ["s3", "s3a", "s3n"];

/// True for the schemes read as S3.
pub(crate) fn is_s3(scheme: &str) -> bool {
    S3_SCHEMES.contains(&scheme)
}

/// One object-store location, split.
#[derive(Clone)]
pub struct Remote {
    /// `s3://bucket`: what the location's paths start with.
    pub root: String,
    /// The bucket's store.
    pub store: Arc<dyn ObjectStore>,
    /// The key, without leading or trailing `/` (empty for the bucket).
    pub key: String,
}

impl Remote {
    /// The key as the store's path.
    pub fn object(&self) -> Result<ObjectPath> {
        ObjectPath::parse(&self.key)
            .map_err(|e| StorageError::Config(format!("{}/{}: {e}", self.root, self.key)))
    }

    /// The location of an object of this store, as a path.
    pub fn path_of(&self, object: &ObjectPath) -> PathBuf {
        PathBuf::from(format!("{}/{}", self.root, object.as_ref()))
    }

    /// This location as a path.
    pub fn path(&self) -> PathBuf {
        if self.key.is_empty() {
            PathBuf::from(&self.root)
        } else {
            PathBuf::from(format!("{}/{}", self.root, self.key))
        }
    }
}

/// `(scheme, bucket, key)` of a URL-like path with a scheme other than
/// `file`; `None` for local paths.
pub(crate) fn split_url(path: &Path) -> Option<(String, String, String)> {
    let s = path.to_str()?;
    let (scheme, rest) = s.split_once("://")?;
    if scheme.eq_ignore_ascii_case("file") || scheme.is_empty() || scheme.contains('/') {
        return None;
    }
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    let key = key
        .split('/')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    Some((scheme.to_ascii_lowercase(), bucket.to_string(), key))
}

struct Opened {
    generation: u64,
    stores: HashMap<String, Arc<dyn ObjectStore>>,
}

static OPENED: Mutex<Option<Opened>> = Mutex::new(None);

/// The store and key of a remote location; `Ok(None)` for local paths.
pub(crate) fn resolve(path: &Path) -> Result<Option<Remote>> {
    let Some((scheme, bucket, key)) = split_url(path) else {
        return Ok(None);
    };
    if !is_s3(&scheme) {
        return Err(StorageError::Config(format!(
            "{}: unsupported file system '{scheme}://' (Shark reads local paths, file:// and s3://)",
            path.display()
        )));
    }
    if bucket.is_empty() {
        return Err(StorageError::Config(format!(
            "{}: no bucket in the location",
            path.display()
        )));
    }
    // One spelling for every S3 scheme: paths that name the same object
    // compare equal (and key the same file list).
    let root = format!("s3://{bucket}");
    let generation = config::generation();
    let mut opened = OPENED.lock().unwrap_or_else(|e| e.into_inner());
    if opened.as_ref().is_none_or(|o| o.generation != generation) {
        *opened = Some(Opened {
            generation,
            stores: HashMap::new(),
        });
        clear_listings();
    }
    let stores = &mut opened.as_mut().expect("set above").stores;
    let store = match stores.get(&bucket) {
        Some(s) => s.clone(),
        None => {
            crate::install_tls_provider();
            let s: Arc<dyn ObjectStore> = Arc::new(config::open_s3(&bucket)?);
            stores.insert(bucket.clone(), s.clone());
            s
        }
    };
    Ok(Some(Remote { root, store, key }))
}

/// How long a listing is reused: long enough for one query's planning
/// and scans, short enough that files added by others show up soon.
const LISTING_TTL: Duration = Duration::from_secs(5);

/// One object found by a listing: its key and size.
pub(crate) type Listed = Arc<Vec<(ObjectPath, u64)>>;

static LISTINGS: Mutex<Option<HashMap<String, (Instant, Listed)>>> = Mutex::new(None);
/// Bumped after every change this process makes to a store: a listing
/// that started before a change is not cached.
static CHANGES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Sizes of objects seen by listings and HEAD requests, by location,
/// kept as long as listings: opening a file just listed needs no HEAD.
static SIZES: Mutex<Option<HashMap<String, (Instant, u64)>>> = Mutex::new(None);

/// Forgets every listing and size: called before and after this process
/// changes a store, so nothing seen while a change was under way stays.
pub(crate) fn clear_listings() {
    let mut sizes = SIZES.lock().unwrap_or_else(|e| e.into_inner());
    let mut listings = LISTINGS.lock().unwrap_or_else(|e| e.into_inner());
    CHANGES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    *listings = None;
    *sizes = None;
}

/// A change to a store under way: what was cached is forgotten when it
/// begins and again when it ends (also on error), so nothing listed or
/// sized while it ran stays cached.
pub(crate) struct Changing;

impl Changing {
    pub(crate) fn begin() -> Changing {
        clear_listings();
        Changing
    }
}

impl Drop for Changing {
    fn drop(&mut self) {
        clear_listings();
    }
}

/// The count of changes this process made to stores (see [`clear_listings`]).
pub(crate) fn changes() -> u64 {
    CHANGES.load(std::sync::atomic::Ordering::SeqCst)
}

/// Notes the sizes of objects of the store `root`, seen by a request that
/// started when [`changes`] was `changes`: if this process changed a
/// store since, they may be old and are not kept.
pub(crate) fn learn_sizes(
    root: &str,
    changes: u64,
    objects: impl Iterator<Item = (ObjectPath, u64)>,
) {
    let mut sizes = SIZES.lock().unwrap_or_else(|e| e.into_inner());
    if self::changes() != changes {
        return;
    }
    let m = sizes.get_or_insert_with(HashMap::new);
    if m.len() > 100_000 {
        m.retain(|_, (at, _)| at.elapsed() < LISTING_TTL);
    }
    let now = Instant::now();
    for (o, size) in objects {
        m.insert(format!("{root}/{}", o.as_ref()), (now, size));
    }
}

/// The size of the object at `r` if a recent listing or HEAD saw it.
pub(crate) fn known_size(r: &Remote) -> Option<u64> {
    let sizes = SIZES.lock().unwrap_or_else(|e| e.into_inner());
    let (at, size) = sizes.as_ref()?.get(&format!("{}/{}", r.root, r.key))?;
    (at.elapsed() < LISTING_TTL).then_some(*size)
}

/// Every object under `r` (recursively), from the cache when fresh.
pub(crate) fn list_all(r: &Remote) -> Result<Listed> {
    let cache_key = format!("{}/{}", r.root, r.key);
    if let Some(m) = LISTINGS.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        if let Some((at, listed)) = m.get(&cache_key) {
            if at.elapsed() < LISTING_TTL {
                return Ok(listed.clone());
            }
        }
    }
    let changes = changes();
    let listed = list_fresh(r)?;
    learn_sizes(&r.root, changes, listed.iter().cloned());
    let mut cache = LISTINGS.lock().unwrap_or_else(|e| e.into_inner());
    if self::changes() == changes {
        let m = cache.get_or_insert_with(HashMap::new);
        m.retain(|_, (at, _)| at.elapsed() < LISTING_TTL);
        m.insert(cache_key, (Instant::now(), listed.clone()));
    }
    Ok(listed)
}

/// Every object under `r` (recursively), listed now.
pub(crate) fn list_fresh(r: &Remote) -> Result<Listed> {
    crate::count(0);
    let store = r.store.clone();
    let prefix = (!r.key.is_empty()).then(|| r.object()).transpose()?;
    let path = r.path();
    let found = crate::runtime::wait(async move {
        use futures_util::TryStreamExt;
        store
            .list(prefix.as_ref())
            .map_ok(|m| (m.location, m.size))
            .try_collect::<Vec<_>>()
            .await
    })?
    .map_err(|e| StorageError::remote(&path, e))?;
    Ok(Arc::new(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_scheme_bucket_and_key() {
        let s = |p: &str| split_url(Path::new(p));
        assert_eq!(
            s("s3://b/wh/t/"),
            Some(("s3".into(), "b".into(), "wh/t".into()))
        );
        assert_eq!(s("S3A://b"), Some(("s3a".into(), "b".into(), "".into())));
        assert_eq!(s("/tmp/x"), None);
        assert_eq!(s("file:///tmp/x"), None);
        assert!(resolve(Path::new("hdfs://nn/x")).is_err());
    }
}
