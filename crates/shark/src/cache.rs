//! Shark's in-memory columnar cache: `CACHE TABLE t` keeps the table's
//! Arrow batches in the engine's block store (memory first, spilled to the
//! scratch disk past `shark.memory.storage`), and queries read them instead
//! of the files. One cache per engine context, shared by every session.
//!
//! A cached copy is never served stale: each lookup compares the table's
//! current version (its files, sizes and times) with the cached one, and a
//! table written since (by Shark, Hive or anything else) is re-cached from
//! its new contents on its next scan. `CACHE TABLE t AS SELECT ...` caches
//! a query's rows under a name of their own. As in Shark, a table named
//! `*_cached` or with `TBLPROPERTIES ('shark.cache'='true')` is cached
//! whenever it is read and not cached (UNCACHE TABLE frees its copy; the
//! next read caches it again).

use crate::batch::Batch;
use crate::catalog::Catalog;
use crate::error::Result;
use crate::expr::Expr;
use crate::table::TableSource;
use arrow::datatypes::SchemaRef;
use rdd::{Context, Rdd, StorageLevel};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// What a cached name stands for.
#[derive(Clone, Copy, PartialEq)]
enum Origin {
    /// A table, at this version (`None`: its source cannot tell, so the
    /// copy is kept until uncached, as Spark does).
    Table(Option<u64>),
    /// A query's rows (`CACHE TABLE t AS SELECT ...`).
    Query,
}

/// What the cache holds for one name.
struct Entry {
    origin: Origin,
    cached: Arc<CachedTable>,
}

/// The cached tables of one engine context, by `scope/db.table`.
#[derive(Default)]
pub struct TableCache {
    entries: Mutex<BTreeMap<String, Entry>>,
}

/// One cached name, as storage listings show it.
#[derive(Debug, Clone)]
pub struct CacheEntryInfo {
    /// `scope/db.table`.
    pub key: String,
    /// The persisted RDD of its rows.
    pub rdd_id: usize,
    /// Partitions of that RDD.
    pub partitions: usize,
    /// What it caches (the source's kind).
    pub kind: String,
    /// True for `CACHE TABLE t AS SELECT …` (a query's rows).
    pub from_query: bool,
}

/// A table served from the cache.
pub struct CachedTable {
    key: String,
    schema: SchemaRef,
    rdd: Rdd<Batch>,
    kind: String,
    bytes: Option<u64>,
    rows: Option<u64>,
    chars: Vec<(usize, u32)>,
}

impl CachedTable {
    fn over(
        ctx: &Context,
        key: &str,
        source: &Arc<dyn TableSource>,
        partitions: usize,
    ) -> Result<CachedTable> {
        let rdd = source
            .scan(ctx, None, &[], partitions)?
            .persist(StorageLevel::MEMORY_AND_DISK);
        // Storage listings show the table's name, not the scope it is under.
        rdd.set_name(format!(
            "cached {}",
            key.rsplit_once('/').map_or(key, |(_, name)| name)
        ));
        Ok(CachedTable {
            key: key.to_string(),
            schema: source.schema(),
            rdd,
            kind: format!("{}, cached", source.kind()),
            bytes: source.estimated_bytes(),
            rows: source.estimated_rows(),
            chars: source.char_columns(),
        })
    }

    /// The cached rows (persisted; computed on first use).
    pub fn rdd(&self) -> &Rdd<Batch> {
        &self.rdd
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        self.cached.rdd.unpersist();
    }
}

impl TableSource for CachedTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn scan(
        &self,
        _: &Context,
        projection: Option<&[usize]>,
        _: &[Expr],
        _: usize,
    ) -> Result<Rdd<Batch>> {
        let Some(p) = projection else {
            return Ok(self.rdd.clone());
        };
        let p = p.to_vec();
        Ok(self.rdd.map(move |Batch(b)| {
            Batch(
                b.project(&p)
                    .expect("projection of the table's own columns"),
            )
        }))
    }
    fn estimated_bytes(&self) -> Option<u64> {
        self.bytes
    }
    fn estimated_rows(&self) -> Option<u64> {
        self.rows
    }
    fn kind(&self) -> String {
        self.kind.clone()
    }
    fn descriptor(&self) -> crate::table::SourceDescriptor {
        crate::table::SourceDescriptor::Cached {
            key: self.key.clone(),
        }
    }
    fn char_columns(&self) -> Vec<(usize, u32)> {
        self.chars.clone()
    }
}

impl TableCache {
    /// The cache of `ctx`.
    pub fn of(ctx: &Context) -> Arc<TableCache> {
        ctx.extension::<TableCache>()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Caches `source` (a table, when `versioned`, or a query's rows) under
    /// `key`, replacing what was there; the rows are computed by the first
    /// scan (or by the caller, to cache eagerly).
    pub fn insert(
        &self,
        ctx: &Context,
        key: &str,
        source: Arc<dyn TableSource>,
        versioned: bool,
        partitions: usize,
    ) -> Result<Arc<CachedTable>> {
        let cached = Arc::new(CachedTable::over(ctx, key, &source, partitions)?);
        let origin = if versioned {
            Origin::Table(source.version())
        } else {
            Origin::Query
        };
        self.lock().insert(
            key.to_string(),
            Entry {
                origin,
                cached: cached.clone(),
            },
        );
        Ok(cached)
    }

    /// The cached table under `key`, as it is (no staleness check: a plan
    /// that names it was planned against this copy).
    pub fn get(&self, key: &str) -> Option<Arc<dyn TableSource>> {
        let entries = self.lock();
        entries
            .get(key)
            .map(|e| e.cached.clone() as Arc<dyn TableSource>)
    }

    /// Drops `key`'s cached rows; `false` if it was not cached.
    pub fn remove(&self, key: &str) -> bool {
        self.lock().remove(key).is_some()
    }

    /// Drops every cached table.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// True when `key` is cached.
    pub fn contains(&self, key: &str) -> bool {
        self.lock().contains_key(key)
    }

    /// Each cached name with the RDD holding its rows and what it caches
    /// (for storage listings), sorted by name.
    pub fn entries(&self) -> Vec<CacheEntryInfo> {
        self.lock()
            .iter()
            .map(|(key, e)| CacheEntryInfo {
                key: key.clone(),
                rdd_id: e.cached.rdd.id(),
                partitions: e.cached.rdd.num_partitions(),
                kind: e.cached.kind.clone(),
                from_query: e.origin == Origin::Query,
            })
            .collect()
    }

    /// The cached names, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// What to scan for `key`, whose table is now `current` (`None` when
    /// no table has the name): the cached copy when it is current, a fresh
    /// copy when the table changed, `current` itself when not cached.
    fn lookup(
        &self,
        ctx: &Context,
        key: &str,
        current: Option<Arc<dyn TableSource>>,
    ) -> Result<Option<Arc<dyn TableSource>>> {
        let mut entries = self.lock();
        let Some(entry) = entries.get(key) else {
            return Ok(current);
        };
        let (origin, partitions) = (entry.origin, entry.cached.rdd.num_partitions());
        match (origin, current) {
            (Origin::Query, None) => Ok(Some(entry.cached.clone())),
            // A real table took the name of a cached query: the table wins.
            (Origin::Query, Some(table)) => {
                entries.remove(key);
                Ok(Some(table))
            }
            // Dropped since it was cached.
            (Origin::Table(_), None) => {
                entries.remove(key);
                Ok(None)
            }
            (Origin::Table(None), Some(_)) => Ok(Some(entry.cached.clone())),
            (Origin::Table(Some(v)), Some(table)) => {
                let now = table.version();
                if now == Some(v) {
                    return Ok(Some(entry.cached.clone()));
                }
                if now.is_none() {
                    // Cannot tell now (files moving under a concurrent
                    // write): read the table itself, and look again next time.
                    return Ok(Some(table));
                }
                // Written since it was cached: cache the new contents.
                let fresh = Arc::new(CachedTable::over(ctx, key, &table, partitions)?);
                entries.insert(
                    key.to_string(),
                    Entry {
                        origin: Origin::Table(now),
                        cached: fresh.clone(),
                    },
                );
                Ok(Some(fresh))
            }
        }
    }
}

/// A catalog whose tables are served from the context's cache when cached.
pub struct CachingCatalog {
    inner: Arc<dyn Catalog>,
    cache: Arc<TableCache>,
    ctx: Context,
}

impl CachingCatalog {
    /// `inner`, with the cache of `ctx` in front.
    pub fn new(inner: Arc<dyn Catalog>, ctx: &Context) -> CachingCatalog {
        CachingCatalog {
            inner,
            cache: TableCache::of(ctx),
            ctx: ctx.clone(),
        }
    }

    /// The cache key of `db.table` in this catalog.
    pub fn key(&self, db: &str, table: &str) -> String {
        format!("{}/{db}.{table}", self.inner.cache_scope())
    }

    /// The underlying catalog.
    pub fn inner(&self) -> &Arc<dyn Catalog> {
        &self.inner
    }

    /// The shared cache.
    pub fn cache(&self) -> &Arc<TableCache> {
        &self.cache
    }
}

impl Catalog for CachingCatalog {
    fn table(&self, db: &str, name: &str) -> Result<Option<Arc<dyn TableSource>>> {
        let current = self.inner.table(db, name)?;
        let key = self.key(db, name);
        // Shark's tables that ask for it (a name ending in `_cached`, or
        // `shark.cache`='true') are cached when first read. The cheap checks
        // go first: `version` lists the table's files.
        if let Some(t) = &current {
            if (name.ends_with("_cached") || t.wants_cache())
                && !self.cache.contains(&key)
                && t.version().is_some()
            {
                let partitions = self.ctx.default_parallelism().max(2) * 2;
                self.cache
                    .insert(&self.ctx, &key, t.clone(), true, partitions)?;
            }
        }
        self.cache.lookup(&self.ctx, &key, current)
    }
    fn view(&self, db: &str, name: &str) -> Result<Option<String>> {
        self.inner.view(db, name)
    }
    fn bucket_columns(&self, db: &str, name: &str) -> Result<Vec<String>> {
        self.inner.bucket_columns(db, name)
    }
    fn bucket_count(&self, db: &str, name: &str) -> Result<Option<u32>> {
        self.inner.bucket_count(db, name)
    }
    fn table_names(&self, db: &str) -> Result<Vec<String>> {
        self.inner.table_names(db)
    }
    fn databases(&self) -> Result<Vec<String>> {
        self.inner.databases()
    }
    fn cache_scope(&self) -> String {
        self.inner.cache_scope()
    }
}
