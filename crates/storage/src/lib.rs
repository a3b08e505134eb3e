//! Where Shark's files live. A location is a path: a local one
//! (`/data/wh`, `file:///data/wh`) or an object-store URL
//! (`s3://bucket/wh`), as Hadoop's `Path` is a URI. Every file operation
//! the engine needs on a table's files — list, size, read all or a byte
//! range, write, upload, delete — is here once and works on both, so the
//! layers above name a location without caring where it is. Object stores
//! have no folders and no rename: a "folder" is a key prefix, and callers
//! that must commit atomically do it by recording file names (see the
//! metastore's file lists), never by renaming here.

#![deny(unsafe_code)]

pub mod config;
mod error;
mod reader;
mod remote;
mod runtime;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Result, StorageError};
pub use reader::RangeReader;

use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutPayload};
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Requests this process made to object stores, by kind (a `get` is one
/// read call: a whole object, one range, or a batch of ranges the store
/// client may merge), for benchmarks and EXPLAIN-style reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Listings (each page counts once per call).
    pub list: u64,
    /// HEAD requests (file sizes).
    pub head: u64,
    /// Reads.
    pub get: u64,
    /// Writes (a multipart upload counts each part).
    pub put: u64,
    /// Deletes and copies.
    pub delete: u64,
    /// Bytes the reads returned.
    pub bytes_read: u64,
}

static COUNTS: [std::sync::atomic::AtomicU64; 6] =
    [const { std::sync::atomic::AtomicU64::new(0) }; 6];

fn count_bytes(n: usize) {
    COUNTS[5].fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
}

fn count(kind: usize) {
    COUNTS[kind].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// The requests made so far by this process.
pub fn request_counts() -> RequestCounts {
    let n = |i: usize| COUNTS[i].load(std::sync::atomic::Ordering::Relaxed);
    RequestCounts {
        list: n(0),
        head: n(1),
        get: n(2),
        put: n(3),
        delete: n(4),
        bytes_read: n(5),
    }
}

/// Makes ring the process's default TLS provider (if none is yet).
/// reqwest is built without a provider of its own (no C crypto library to
/// build), so every reqwest client in the process — the stores' and any
/// test's — needs one installed before it is built. Ring is already in
/// the tree for the server's TLS; it has no post-quantum key exchange,
/// hence the deprecation.
pub fn install_tls_provider() {
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// True for object-store locations (`s3://…`); false for local paths and
/// `file://` URLs.
pub fn is_remote(path: &Path) -> bool {
    remote::split_url(path).is_some()
}

/// The local path of a `file://` URL or plain path (`None` for a remote
/// location).
pub fn local_path(path: &Path) -> Option<PathBuf> {
    if is_remote(path) {
        return None;
    }
    let s = path.to_string_lossy();
    Some(match s.strip_prefix("file://") {
        Some(rest) => PathBuf::from(rest),
        None => path.to_path_buf(),
    })
}

/// The one spelling of a location: for a store `s3://bucket/key` (the
/// `s3a://` and `s3n://` schemes, doubled and trailing slashes folded);
/// a local path without trailing slashes. Locations that name the same
/// place compare equal in this form. Pure: nothing is opened or read.
pub fn canonical_name(location: &str) -> String {
    if let Some((scheme, bucket, key)) = remote::split_url(Path::new(location)) {
        let scheme = if remote::is_s3(&scheme) {
            "s3"
        } else {
            &scheme
        };
        return match key.is_empty() {
            true => format!("{scheme}://{bucket}"),
            false => format!("{scheme}://{bucket}/{key}"),
        };
    }
    let trimmed = location.trim_end_matches('/');
    if trimmed.is_empty() && !location.is_empty() {
        return "/".into();
    }
    trimmed.to_string()
}

/// [`canonical_name`] of a path.
pub fn canonical(path: &Path) -> PathBuf {
    PathBuf::from(canonical_name(&path.to_string_lossy()))
}

/// Checks that a location can be used: a supported scheme with a bucket,
/// and settings that open a store. Nothing is read.
pub fn check_location(path: &Path) -> Result<()> {
    remote::resolve(path).map(|_| ())
}

/// Hadoop's hidden-file rule: names starting with `_` or `.` (`_SUCCESS`,
/// `.crc`, `_temporary`) are never data.
pub fn is_hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

/// The data files at `path` with their sizes, sorted: the file itself, or
/// the visible files under the folder (with `recursive`, in visible
/// subfolders too). Nothing at `path` is [`StorageError::NotFound`].
pub fn list_files(path: &Path, recursive: bool) -> Result<Vec<(PathBuf, u64)>> {
    list_files_with(path, recursive, remote::list_all)
}

/// [`list_files`] listed now, never from the cache: for decisions a
/// write makes (what a location holds before it commits there).
pub fn list_files_now(path: &Path, recursive: bool) -> Result<Vec<(PathBuf, u64)>> {
    list_files_with(path, recursive, remote::list_fresh)
}

fn list_files_with(
    path: &Path,
    recursive: bool,
    list: fn(&remote::Remote) -> Result<remote::Listed>,
) -> Result<Vec<(PathBuf, u64)>> {
    let Some(r) = remote::resolve(path)? else {
        return list_local(&local_path(path).unwrap_or_default(), recursive);
    };
    // A store lists by whole segments: a file's own key is not under
    // its "folder", so nothing listed means a file or nothing.
    let listed = list(&r)?;
    let prefix = if r.key.is_empty() {
        String::new()
    } else {
        format!("{}/", r.key)
    };
    let mut out = Vec::new();
    let mut any = false;
    for (k, size) in listed.iter() {
        let Some(rel) = k.as_ref().strip_prefix(&prefix) else {
            continue;
        };
        any = true;
        let parts: Vec<&str> = rel.split('/').collect();
        if parts.iter().any(|p| is_hidden(p)) || (!recursive && parts.len() > 1) {
            continue;
        }
        out.push((r.path_of(k), *size));
    }
    if !any {
        if r.key.is_empty() {
            return Ok(out);
        }
        return file_size(path).map(|size| vec![(r.path(), size)]);
    }
    out.sort();
    Ok(out)
}

fn list_local(path: &Path, recursive: bool) -> Result<Vec<(PathBuf, u64)>> {
    let meta = std::fs::metadata(path).map_err(|e| StorageError::io(path, e))?;
    if meta.is_file() {
        return Ok(vec![(path.to_path_buf(), meta.len())]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| StorageError::io(&dir, e))? {
            let entry = entry.map_err(|e| StorageError::io(&dir, e))?;
            if is_hidden(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let m = entry.metadata().map_err(|e| StorageError::io(&dir, e))?;
            if m.is_dir() {
                if recursive {
                    stack.push(entry.path());
                }
            } else {
                out.push((entry.path(), m.len()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The immediate subfolders of `dir` (hidden ones included), sorted;
/// none when `dir` does not exist.
pub fn list_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let Some(r) = remote::resolve(dir)? else {
        let dir = local_path(dir).unwrap_or_default();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(Vec::new());
        };
        let mut out: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        out.sort();
        return Ok(out);
    };
    let listed = remote::list_all(&r)?;
    let prefix = if r.key.is_empty() {
        String::new()
    } else {
        format!("{}/", r.key)
    };
    let mut names: Vec<&str> = listed
        .iter()
        .filter_map(|(k, _)| k.as_ref().strip_prefix(&prefix)?.split_once('/'))
        .map(|(first, _)| first)
        .collect();
    names.sort();
    names.dedup();
    Ok(names.into_iter().map(|n| dir.join(n)).collect())
}

/// True when something is at `path`: a file, a folder, or (remote) any
/// object under the prefix. Only "nothing there" is `false`: a store that
/// cannot be reached is an error, never taken for an empty location.
pub fn exists(path: &Path) -> Result<bool> {
    if remote::resolve(path)?.is_none() {
        return Ok(local_path(path).is_some_and(|p| p.exists()));
    }
    match list_files(path, true) {
        Ok(_) => Ok(true),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}

/// True when `path` is a folder: a local directory, or a prefix with
/// objects under it (errors as for [`exists`]).
pub fn is_dir(path: &Path) -> Result<bool> {
    let Some(r) = remote::resolve(path)? else {
        return Ok(local_path(path).is_some_and(|p| p.is_dir()));
    };
    let prefix = format!("{}/", r.key);
    Ok(remote::list_all(&r)?
        .iter()
        .any(|(k, _)| r.key.is_empty() || k.as_ref().starts_with(&prefix)))
}

/// The size of the file at `path`.
pub fn file_size(path: &Path) -> Result<u64> {
    let Some(r) = remote::resolve(path)? else {
        let p = local_path(path).unwrap_or_default();
        return std::fs::metadata(&p)
            .map(|m| m.len())
            .map_err(|e| StorageError::io(&p, e));
    };
    if let Some(size) = remote::known_size(&r) {
        return Ok(size);
    }
    count(1);
    let changes = remote::changes();
    let (store, object, at) = (r.store.clone(), r.object()?, path.to_path_buf());
    let size = runtime::wait(async move { store.head(&object).await })?
        .map(|m| m.size)
        .map_err(|e| StorageError::remote(&at, e))?;
    remote::learn_sizes(&r.root, changes, std::iter::once((r.object()?, size)));
    Ok(size)
}

/// The whole file at `path`.
pub fn read(path: &Path) -> Result<Bytes> {
    let Some(r) = remote::resolve(path)? else {
        let p = local_path(path).unwrap_or_default();
        return std::fs::read(&p)
            .map(Bytes::from)
            .map_err(|e| StorageError::io(&p, e));
    };
    count(2);
    let (store, object, at) = (r.store.clone(), r.object()?, path.to_path_buf());
    runtime::wait(async move {
        let got = store.get(&object).await?;
        got.bytes().await
    })?
    .inspect(|b| count_bytes(b.len()))
    .map_err(|e| StorageError::remote(&at, e))
}

/// Bytes `range` of the file at `path` (one ranged GET on a store).
pub fn read_range(path: &Path, range: Range<u64>) -> Result<Bytes> {
    let Some(r) = remote::resolve(path)? else {
        let p = local_path(path).unwrap_or_default();
        let mut f = std::fs::File::open(&p).map_err(|e| StorageError::io(&p, e))?;
        std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(range.start))
            .map_err(|e| StorageError::io(&p, e))?;
        let mut buf = Vec::with_capacity((range.end - range.start) as usize);
        f.take(range.end - range.start)
            .read_to_end(&mut buf)
            .map_err(|e| StorageError::io(&p, e))?;
        return Ok(Bytes::from(buf));
    };
    if range.is_empty() {
        return Ok(Bytes::new());
    }
    count(2);
    let (store, object, at) = (r.store.clone(), r.object()?, path.to_path_buf());
    runtime::wait(async move { store.get_range(&object, range).await })?
        .inspect(|b| count_bytes(b.len()))
        .map_err(|e| StorageError::remote(&at, e))
}

/// Ranges closer than this are fetched as one request: on S3 a request
/// costs tens of milliseconds, about what reading a megabyte more does
/// (object_store's own coalescing uses the same gap).
const MERGE_GAP: u64 = 1 << 20;
/// Requests in flight at once for one call.
const CONCURRENT_GETS: usize = 8;

/// Several byte ranges of the file at `path`, fetched concurrently from
/// a store (nearby ranges merged into one request); read one after
/// another locally.
pub fn read_ranges(path: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
    let Some(r) = remote::resolve(path)? else {
        return ranges.iter().map(|x| read_range(path, x.clone())).collect();
    };
    let mut sorted: Vec<Range<u64>> = ranges.iter().filter(|x| !x.is_empty()).cloned().collect();
    sorted.sort_by_key(|x| x.start);
    let mut merged: Vec<Range<u64>> = Vec::new();
    for x in sorted {
        match merged.last_mut() {
            Some(m) if x.start <= m.end + MERGE_GAP => m.end = m.end.max(x.end),
            _ => merged.push(x),
        }
    }
    let (store, object, at) = (r.store.clone(), r.object()?, path.to_path_buf());
    let fetch = merged.clone();
    for _ in &merged {
        count(2);
    }
    let got: Vec<Bytes> = runtime::wait(async move {
        use futures_util::{StreamExt, TryStreamExt};
        futures_util::stream::iter(fetch)
            .map(|x| {
                let (store, object) = (store.clone(), object.clone());
                async move { store.get_range(&object, x).await }
            })
            .buffered(CONCURRENT_GETS)
            .try_collect()
            .await
    })?
    .map_err(|e| StorageError::remote(&at, e))?;
    count_bytes(got.iter().map(Bytes::len).sum());
    Ok(ranges
        .iter()
        .map(|x| {
            if x.is_empty() {
                return Bytes::new();
            }
            let i = merged.partition_point(|m| m.start <= x.start) - 1;
            let (m, bytes) = (&merged[i], &got[i]);
            let (from, to) = ((x.start - m.start) as usize, (x.end - m.start) as usize);
            bytes.slice(from.min(bytes.len())..to.min(bytes.len()))
        })
        .collect())
}

/// Writes `data` as the file at `path` (parents made locally; one PUT on
/// a store, which readers see whole or not at all).
pub fn write(path: &Path, data: Bytes) -> Result<()> {
    let Some(r) = remote::resolve(path)? else {
        let p = local_path(path).unwrap_or_default();
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| StorageError::io(parent, e))?;
        }
        return std::fs::write(&p, &data).map_err(|e| StorageError::io(&p, e));
    };
    let _changing = remote::Changing::begin();
    count(3);
    let (store, object, at) = (r.store.clone(), r.object()?, path.to_path_buf());
    runtime::wait(async move { store.put(&object, PutPayload::from(data)).await })?
        .map(|_| ())
        .map_err(|e| StorageError::remote(&at, e))
}

/// Parts of a multipart upload (S3's minimum is 5 MB).
const PART_BYTES: usize = 16 << 20;

/// Copies the local file `from` to `to` (any location). Large files go to
/// a store in parts, never whole in memory; the object appears only when
/// the upload completes.
pub fn upload(from: &Path, to: &Path) -> Result<()> {
    let Some(r) = remote::resolve(to)? else {
        return copy_file(from, to);
    };
    let _changing = remote::Changing::begin();
    let size = std::fs::metadata(from)
        .map_err(|e| StorageError::io(from, e))?
        .len();
    if size as usize <= PART_BYTES {
        let data = std::fs::read(from).map_err(|e| StorageError::io(from, e))?;
        return write(to, Bytes::from(data));
    }
    let mut file = std::fs::File::open(from).map_err(|e| StorageError::io(from, e))?;
    let (store, object, at) = (r.store.clone(), r.object()?, to.to_path_buf());
    let err = |e| StorageError::remote(&at, e);
    let mut upload =
        runtime::wait(async move { store.put_multipart(&object).await })?.map_err(err)?;
    let sent = (|| -> Result<()> {
        loop {
            let mut part = Vec::with_capacity(PART_BYTES);
            (&mut file)
                .take(PART_BYTES as u64)
                .read_to_end(&mut part)
                .map_err(|e| StorageError::io(from, e))?;
            if part.is_empty() {
                return Ok(());
            }
            count(3);
            runtime::wait(upload.put_part(PutPayload::from(part)))?.map_err(err)?;
        }
    })();
    match sent {
        Ok(()) => runtime::wait(async move {
            let done = upload.complete().await;
            if done.is_err() {
                let _ = upload.abort().await;
            }
            done
        })?
        .map(|_| ())
        .map_err(err),
        Err(e) => {
            // An upload left open is kept (and billed) by the store.
            let _ = runtime::wait(async move { upload.abort().await });
            Err(e)
        }
    }
}

/// Copies the store object `from` to the local file `to`, streamed; the
/// file appears whole (written beside it, synced, renamed) or not at all.
pub fn download(from: &Path, to: &Path) -> Result<()> {
    let size = file_size(from)?;
    let tmp = to.with_file_name(format!(
        ".{}.part",
        to.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| StorageError::io(parent, e))?;
    }
    let written = (|| -> Result<()> {
        let mut out = std::fs::File::create(&tmp).map_err(|e| StorageError::io(&tmp, e))?;
        let mut input = RangeReader::new(from.to_path_buf(), 0, size);
        std::io::copy(&mut input, &mut out).map_err(|e| StorageError::io(&tmp, e))?;
        out.sync_all().map_err(|e| StorageError::io(&tmp, e))?;
        std::fs::rename(&tmp, to).map_err(|e| StorageError::io(to, e))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Copies the file `from` to `to`, wherever each is.
pub fn copy_file(from: &Path, to: &Path) -> Result<()> {
    match (remote::resolve(from)?, remote::resolve(to)?) {
        (None, None) => {
            let (f, t) = (
                local_path(from).unwrap_or_default(),
                local_path(to).unwrap_or_default(),
            );
            if let Some(parent) = t.parent() {
                std::fs::create_dir_all(parent).map_err(|e| StorageError::io(parent, e))?;
            }
            std::fs::copy(&f, &t)
                .map(|_| ())
                .map_err(|e| StorageError::io(&f, e))
        }
        (None, Some(_)) => upload(&local_path(from).unwrap_or_default(), to),
        (Some(a), Some(b)) if a.root == b.root => {
            let _changing = remote::Changing::begin();
            count(4);
            let (store, x, y, at) = (
                a.store.clone(),
                a.object()?,
                b.object()?,
                from.to_path_buf(),
            );
            runtime::wait(async move { store.copy(&x, &y).await })?
                .map_err(|e| StorageError::remote(&at, e))
        }
        (Some(_), None) => download(from, &local_path(to).unwrap_or_default()),
        (Some(_), Some(_)) => write(to, read(from)?),
    }
}

/// Deletes the file at `path`; nothing there is not an error.
pub fn delete_file(path: &Path) -> Result<()> {
    let Some(r) = remote::resolve(path)? else {
        let p = local_path(path).unwrap_or_default();
        return gone_already(std::fs::remove_file(&p), &p);
    };
    let _changing = remote::Changing::begin();
    delete_object(&r, r.object()?)
}

/// A local removal's outcome, nothing there counting as done.
fn gone_already(removed: std::io::Result<()>, path: &Path) -> Result<()> {
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StorageError::io(path, e)),
        _ => Ok(()),
    }
}

/// Deletes one object of `r`'s store; nothing there counts as done.
fn delete_object(r: &remote::Remote, object: ObjectPath) -> Result<()> {
    count(4);
    let (store, at) = (r.store.clone(), r.path_of(&object));
    match runtime::wait(async move { store.delete(&object).await })? {
        Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
        Err(e) => Err(StorageError::remote(&at, e)),
    }
}

/// Deletes the folder `path` and everything under it (every object under
/// the prefix on a store); nothing there is not an error.
pub fn delete_dir(path: &Path) -> Result<()> {
    let Some(r) = remote::resolve(path)? else {
        let p = local_path(path).unwrap_or_default();
        return gone_already(std::fs::remove_dir_all(&p), &p);
    };
    if r.key.is_empty() {
        return Err(StorageError::Config(format!(
            "{}: refusing to delete a whole bucket",
            path.display()
        )));
    }
    let prefix = format!("{}/", r.key);
    // Listed now, not from the cache: files others wrote a moment ago go too.
    let doomed: Vec<ObjectPath> = remote::list_fresh(&r)?
        .iter()
        .filter(|(k, _)| k.as_ref().starts_with(&prefix))
        .map(|(k, _)| k.clone())
        .collect();
    let _changing = remote::Changing::begin();
    doomed
        .into_iter()
        .try_for_each(|object| delete_object(&r, object))
}

/// Makes the folder `path` (a no-op on a store, where folders are
/// prefixes that exist once a file is under them).
pub fn create_dir_all(path: &Path) -> Result<()> {
    match remote::resolve(path)? {
        Some(_) => Ok(()),
        None => {
            let p = local_path(path).unwrap_or_default();
            std::fs::create_dir_all(&p).map_err(|e| StorageError::io(&p, e))
        }
    }
}

/// The file at `path` for reading from byte `start`: a local file, or
/// ranged GETs of a store object fetched as they are read.
pub fn open(path: &Path, start: u64) -> Result<Box<dyn Read + Send>> {
    match remote::resolve(path)? {
        None => {
            let p = local_path(path).unwrap_or_default();
            let mut f = std::fs::File::open(&p).map_err(|e| StorageError::io(&p, e))?;
            std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(start))
                .map_err(|e| StorageError::io(&p, e))?;
            Ok(Box::new(f))
        }
        Some(_) => {
            let size = file_size(path)?;
            Ok(Box::new(RangeReader::new(path.to_path_buf(), start, size)))
        }
    }
}
