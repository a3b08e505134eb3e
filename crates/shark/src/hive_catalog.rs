//! The catalog of a Hive warehouse: tables and views from the metastore,
//! read with the storage their descriptors name.

use crate::catalog::Catalog;
use crate::error::{Result, SharkError};
use crate::hive_table::{FileLists, HiveTable, PartitionDir, StorageFormat};
use crate::table::TableSource;
use arrow::datatypes::{Field, Schema, SchemaRef};
use hive::metastore::{Metastore, Table};
use hive::text::TextFormat;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A warehouse folder with its metastore.
pub struct HiveCatalog {
    metastore: Metastore,
}

impl HiveCatalog {
    /// Opens (creating if needed) the warehouse at `warehouse`, with its
    /// metastore inside it.
    pub fn open(warehouse: &Path) -> Result<Arc<HiveCatalog>> {
        HiveCatalog::open_at(warehouse, None)
    }

    /// Opens the warehouse at `warehouse` (a folder or an `s3://` URL)
    /// with its metastore in the SQLite file `metastore` (default:
    /// `<warehouse>/metastore.db`; required for a warehouse on an object
    /// store). Staging folders and commit journals live beside the
    /// metastore then.
    pub fn open_at(warehouse: &Path, metastore: Option<&Path>) -> Result<Arc<HiveCatalog>> {
        if storage::is_remote(warehouse) {
            storage::check_location(warehouse)
                .map_err(|e| SharkError::exec(format!("cannot open warehouse: {e}")))?;
        } else {
            std::fs::create_dir_all(warehouse).map_err(|e| {
                SharkError::exec(format!(
                    "cannot create warehouse {}: {e}",
                    warehouse.display()
                ))
            })?;
        }
        let metastore = Metastore::open_at(warehouse, metastore)?;
        let catalog = HiveCatalog { metastore };
        let root = catalog.local_root();
        // Finish the commits of writers that died mid-commit before anyone
        // reads (only renames, uploads and one metastore call each).
        hive::commit::recover(&root, &catalog.metastore);
        hive::leftovers::sweep_staging(&root);
        // Undo the rest of what writers that died left behind, off this
        // thread: a large warehouse takes a while to walk.
        if !storage::is_remote(warehouse) {
            let dir = warehouse.to_path_buf();
            let _ = std::thread::Builder::new()
                .name("shark-sweep".into())
                .spawn(move || {
                    hive::leftovers::sweep_set_aside(&dir);
                });
        }
        Ok(Arc::new(catalog))
    }

    /// The local folder of writes in progress (staging folders, commit
    /// journals): the warehouse when its metastore is inside it, else a
    /// folder beside the metastore and named for it (`<file>.shark`), so
    /// journals are only ever recovered into their own metastore.
    pub fn local_root(&self) -> PathBuf {
        let ms = self.metastore.path();
        if ms == self.warehouse().join(hive::metastore::METASTORE_FILE) {
            return self.warehouse().to_path_buf();
        }
        let name = ms
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        ms.with_file_name(format!("{name}.shark"))
    }

    /// The metastore.
    pub fn metastore(&self) -> &Metastore {
        &self.metastore
    }

    /// The warehouse folder.
    pub fn warehouse(&self) -> &Path {
        self.metastore.warehouse()
    }

    /// The metastore definition of `db.name`.
    pub fn get(&self, db: &str, name: &str) -> Result<Option<Table>> {
        Ok(self.metastore.get_table(db, name)?)
    }
}

/// The Arrow schema of Hive columns.
pub fn columns_schema(cols: &[hive::metastore::Column]) -> Result<SchemaRef> {
    let fields = cols
        .iter()
        .map(|c| {
            Ok(Field::new(
                &c.name,
                hive::types::parse_hive_type(&c.type_name)
                    .map_err(|e| SharkError::analysis(e.to_string()))?,
                true,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(Schema::new(fields)))
}

/// Table property: `true` while every file of a bucketed table was written
/// by bucket (Shark's bucketed inserts), so bucket `i` is exactly the files
/// named `00000i_…` and sampling may read only those. Dropped when files
/// arrive another way (LOAD DATA, CLUSTERED BY over existing data).
pub const BUCKETED_FILES: &str = "shark.bucketed.files";

/// A table's bucketing when its files are laid out by bucket by Hive's
/// version-1 hash: the clustering columns' positions and the bucket count.
pub fn bucket_layout(t: &Table) -> Option<(Vec<usize>, u32)> {
    let laid_out = t
        .parameters
        .get(BUCKETED_FILES)
        .is_some_and(|v| v == "true");
    let murmur = t
        .parameters
        .get("bucketing_version")
        .is_some_and(|v| v == "2");
    let count = t.storage.bucket_count.filter(|n| *n > 0)?;
    if !laid_out || murmur || t.storage.bucket_columns.is_empty() {
        return None;
    }
    let columns = t
        .storage
        .bucket_columns
        .iter()
        .map(|c| t.columns.iter().position(|d| d.name == *c))
        .collect::<Option<Vec<_>>>()?;
    Some((columns, count))
}

/// How a table's files are read, from its storage descriptor.
pub fn storage_format(t: &Table) -> StorageFormat {
    let sd = &t.storage;
    let lower = format!("{} {}", sd.serde, sd.input_format).to_ascii_lowercase();
    if lower.contains("parquet") {
        return StorageFormat::Parquet;
    }
    if lower.contains(".orc.") {
        return StorageFormat::Orc;
    }
    if lower.contains("avro") {
        return StorageFormat::Avro;
    }
    let mut f = TextFormat::default();
    if let Some(d) = sd.serde_params.get("field.delim") {
        f.field_delim = d.clone();
    }
    if let Some(n) = sd.serde_params.get("serialization.null.format") {
        f.null_string = n.clone();
    }
    if let Some(c) = sd
        .serde_params
        .get("colelction.delim")
        .or_else(|| sd.serde_params.get("collection.delim"))
    {
        f.collection_delim = c.clone();
    }
    if let Some(m) = sd.serde_params.get("mapkey.delim") {
        f.map_key_delim = m.clone();
    }
    if let Some(e) = sd.serde_params.get("escape.delim") {
        f.escape = e.chars().next();
    }
    StorageFormat::Text(f)
}

/// Where a table's (or partition's) location string points on disk.
pub fn location_path(location: &str) -> PathBuf {
    PathBuf::from(
        location
            .strip_prefix("file://")
            .or_else(|| location.strip_prefix("file:"))
            .unwrap_or(location),
    )
}

impl HiveCatalog {
    /// A scan source for a table definition.
    pub fn source(&self, t: &Table) -> Result<Arc<dyn TableSource>> {
        let data = columns_schema(&t.columns)?;
        let format = storage_format(t);
        let location = location_path(&t.storage.location);
        let wants_cache = t
            .parameters
            .get("shark.cache")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let analyzed_rows = t
            .parameters
            .get("numRows")
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|&n| n >= 0)
            .map(|n| n as u64);
        let chars: Vec<(usize, u32)> = t
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| crate::conform::char_width(&c.type_name).map(|n| (i, n)))
            .collect();
        if !t.is_partitioned() {
            let lists = self.file_lists(&location, std::slice::from_ref(&location))?;
            let mut table = HiveTable::new(data, format, location)
                .with_file_lists(lists)
                .with_wants_cache(wants_cache)
                .with_chars(chars)
                .with_analyzed_rows(analyzed_rows);
            if let Some((columns, count)) = bucket_layout(t) {
                table = table.with_bucketing(columns, count);
            }
            return Ok(Arc::new(table));
        }
        let keys = columns_schema(&t.partition_keys)?;
        let partitions = self
            .metastore
            .list_partitions(&t.db, &t.name)?
            .into_iter()
            .map(|p| PartitionDir {
                values: p
                    .values
                    .iter()
                    .map(|v| (v != hive::warehouse::DEFAULT_PARTITION_NAME).then(|| v.clone()))
                    .collect(),
                location: location_path(&p.location),
                columns: p
                    .columns
                    .map(|cs| cs.into_iter().map(|c| (c.name, c.type_name)).collect()),
            })
            .collect::<Vec<PartitionDir>>();
        let dirs: Vec<PathBuf> = partitions.iter().map(|p| p.location.clone()).collect();
        let lists = self.file_lists(&location, &dirs)?;
        Ok(Arc::new(
            HiveTable::partitioned(data, keys, format, location, partitions)
                .with_file_lists(lists)
                .with_wants_cache(wants_cache)
                .with_chars(chars),
        ))
    }
}

impl HiveCatalog {
    /// The recorded files of those of `dirs` on object stores (one query
    /// for the ones under the table's `location`).
    fn file_lists(&self, location: &Path, dirs: &[PathBuf]) -> Result<FileLists> {
        let mut out = FileLists::new();
        if !dirs.iter().any(|d| storage::is_remote(d)) {
            return Ok(out);
        }
        let under: std::collections::HashMap<String, hive::metastore::FileList> = self
            .metastore
            .file_lists_under(&location.to_string_lossy())?
            .into_iter()
            .collect();
        for d in dirs.iter().filter(|d| storage::is_remote(d)) {
            let key = storage::canonical(d).to_string_lossy().to_string();
            let list = match under.get(&key) {
                Some(l) => Some(l.clone()),
                None => self.metastore.file_list(&key)?,
            };
            if let Some(list) = list {
                let files = list
                    .into_iter()
                    .map(|(n, size)| (d.join(n), size))
                    .collect();
                out.insert(d.clone(), files);
            }
        }
        Ok(out)
    }
}

impl Catalog for HiveCatalog {
    fn table(&self, db: &str, name: &str) -> Result<Option<Arc<dyn TableSource>>> {
        match self.metastore.get_table(db, name)? {
            Some(t) if !t.is_view() => Ok(Some(self.source(&t)?)),
            _ => Ok(None),
        }
    }
    fn view(&self, db: &str, name: &str) -> Result<Option<String>> {
        Ok(self
            .metastore
            .get_table(db, name)?
            .filter(|t| t.is_view())
            .and_then(|t| t.view_text))
    }
    fn bucket_columns(&self, db: &str, name: &str) -> Result<Vec<String>> {
        Ok(self
            .metastore
            .get_table(db, name)?
            .map(|t| t.storage.bucket_columns)
            .unwrap_or_default())
    }
    fn bucket_count(&self, db: &str, name: &str) -> Result<Option<u32>> {
        // Only a layout Shark wrote by Hive's (version 1) bucketing hash;
        // Hive 3's murmur buckets (bucketing_version=2) are not read by file.
        Ok(self
            .metastore
            .get_table(db, name)?
            .and_then(|t| bucket_layout(&t).map(|(_, n)| n)))
    }
    fn table_names(&self, db: &str) -> Result<Vec<String>> {
        Ok(self.metastore.list_tables(db, None)?)
    }
    fn databases(&self) -> Result<Vec<String>> {
        Ok(self.metastore.list_databases(None)?)
    }
    fn cache_scope(&self) -> String {
        format!("warehouse:{}", self.warehouse().display())
    }
}
