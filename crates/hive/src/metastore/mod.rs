//! The Hive metastore: databases, tables, storage descriptors and partitions,
//! persisted in SQLite at `<warehouse>/metastore.db`.
//!
//! Hive keeps its catalog in a relational database (an embedded Derby by
//! default); Shark does the same with an embedded SQLite so that the catalog
//! lives with the data it describes and survives restarts. The model follows
//! Hive's (`DBS`, `TBLS`, `COLUMNS`, `PARTITION_KEYS`, `TABLE_PARAMS`,
//! `SERDE_PARAMS`, `PARTITIONS`, `PARTITION_KEY_VALS`, …) with the storage
//! descriptor folded into the table row, since a Shark table has exactly one.
//!
//! Guarantees:
//! - every mutating call is one SQLite transaction: after a crash or an error
//!   the catalog holds the old state or the new one, never a mix;
//! - nothing is cached: two [`Metastore`]s on one warehouse (two processes, or
//!   two handles in one process) see each other's commits on their next call;
//! - writers take the write lock up front (`BEGIN IMMEDIATE`) and wait for
//!   each other (`busy_timeout`) instead of failing; the database runs in WAL
//!   mode so readers never wait for writers;
//! - a `VERSION` table records the schema version; [`Metastore::open`] creates
//!   or migrates the schema and refuses a newer one.
//!
//! The metastore only records metadata: it never creates, moves or deletes
//! data folders. Callers do that (and use the locations it returns).
//! Database, table and column names are case-insensitive and stored
//! lower-case; partition values are case-sensitive strings.

use crate::warehouse::{self, DEFAULT_DATABASE, DEFAULT_PARTITION_NAME};
use crate::{HiveError, Result};
use rusqlite::{
    params, Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The file name of the metastore inside the warehouse folder.
pub const METASTORE_FILE: &str = "metastore.db";

/// The schema version this build reads and writes; recorded in `VERSION`.
pub const SCHEMA_VERSION: i64 = 3;

/// The table and partition parameter Hive stamps with the time (seconds since
/// the epoch) of the last DDL change; `DESCRIBE FORMATTED` shows it.
pub const DDL_TIME: &str = "transient_lastDdlTime";

/// Hive's input format class for text tables.
pub const TEXT_INPUT_FORMAT: &str = "org.apache.hadoop.mapred.TextInputFormat";
/// Hive's output format class for text tables.
pub const TEXT_OUTPUT_FORMAT: &str = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
/// Hive's SerDe class for delimited text (the default for `CREATE TABLE`).
pub const LAZY_SIMPLE_SERDE: &str = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
/// Hive's input format class for Parquet tables.
pub const PARQUET_INPUT_FORMAT: &str =
    "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
/// Hive's output format class for Parquet tables.
pub const PARQUET_OUTPUT_FORMAT: &str =
    "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
/// Hive's SerDe class for Parquet tables.
pub const PARQUET_SERDE: &str = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";

/// Hive's input format class for ORC tables.
pub const ORC_INPUT_FORMAT: &str = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat";
/// Hive's output format class for ORC tables.
pub const ORC_OUTPUT_FORMAT: &str = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat";
/// Hive's SerDe class for ORC tables.
pub const ORC_SERDE: &str = "org.apache.hadoop.hive.ql.io.orc.OrcSerde";
/// Hive's input format class for Avro tables.
pub const AVRO_INPUT_FORMAT: &str = "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat";
/// Hive's output format class for Avro tables.
pub const AVRO_OUTPUT_FORMAT: &str = "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat";
/// Hive's SerDe class for Avro tables.
pub const AVRO_SERDE: &str = "org.apache.hadoop.hive.serde2.avro.AvroSerDe";

/// How long a call waits for another process's write transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);
/// Extra attempts when SQLite reports busy despite the timeout (WAL recovery,
/// a stale read snapshot).
const BUSY_RETRIES: u32 = 50;

mod file_lists;
mod model;
mod rows;

pub use file_lists::{CommitRecord, FileList, FileListChange, ListChange};

pub use model::*;
use rows::*;

/// The persistent catalog of one warehouse. Cheap to share between threads
/// (`Send + Sync`; calls from one handle are serialized by a mutex around its
/// SQLite connection); open one handle per process.
pub struct Metastore {
    warehouse: PathBuf,
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Metastore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metastore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Internal failure: a Hive-level error to return as is, or an SQLite error
/// (retried when it says busy, else wrapped into [`HiveError::Metastore`]).
enum Failure {
    Hive(HiveError),
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sql(e)
    }
}

impl From<HiveError> for Failure {
    fn from(e: HiveError) -> Self {
        Failure::Hive(e)
    }
}

type R<T> = std::result::Result<T, Failure>;

impl Metastore {
    /// Open (creating if needed) the metastore of `warehouse`, at
    /// `<warehouse>/metastore.db`. Creates the warehouse folder, the schema
    /// and the `default` database (location = the warehouse) on first use,
    /// migrates an older schema, and refuses one newer than
    /// [`SCHEMA_VERSION`] or a file that is not a metastore.
    pub fn open(warehouse: &Path) -> Result<Metastore> {
        Metastore::open_at(warehouse, None)
    }

    /// [`Metastore::open`] with the catalog in the SQLite file `file`
    /// instead of `<warehouse>/metastore.db`. A warehouse on an object
    /// store (`s3://…`) needs one: SQLite cannot live there.
    pub fn open_at(warehouse: &Path, file: Option<&Path>) -> Result<Metastore> {
        let remote = storage::is_remote(warehouse);
        let warehouse = if remote {
            PathBuf::from(path_string(warehouse)?.trim_end_matches('/'))
        } else {
            let local = storage::local_path(warehouse).unwrap_or_default();
            let abs = std::path::absolute(&local).map_err(|e| HiveError::io(&local, e))?;
            std::fs::create_dir_all(&abs).map_err(|e| HiveError::io(&abs, e))?;
            abs
        };
        let location = path_string(&warehouse)?;
        let path = match file {
            Some(f) => {
                let f = std::path::absolute(f).map_err(|e| HiveError::io(f, e))?;
                if let Some(parent) = f.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| HiveError::io(parent, e))?;
                }
                f
            }
            None if remote => {
                return Err(HiveError::Invalid(format!(
                    "the warehouse {location} is on an object store: give a local metastore file (--metastore PATH)"
                )))
            }
            None => warehouse.join(METASTORE_FILE),
        };
        let conn = Connection::open(&path)
            .and_then(|c| c.busy_timeout(BUSY_TIMEOUT).map(|_| c))
            .map_err(|e| sql_error(&path, e))?;
        let ms = Metastore {
            warehouse,
            path,
            conn: Mutex::new(conn),
        };
        {
            let conn = ms.lock();
            retry_busy(|| {
                // Per-connection settings; journal_mode=WAL persists in the file.
                let _mode: String =
                    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
                conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")?;
                Ok(())
            })
            .map_err(|e| ms.failure(e))?;
        }
        ms.write(|tx| {
            init_schema(tx, &ms.path)?;
            tx.execute(
                "INSERT OR IGNORE INTO DBS (name, description, location, owner)
                 VALUES (?1, 'Default Hive database', ?2, 'public')",
                params![DEFAULT_DATABASE, location],
            )?;
            // A metastore named apart from its warehouse serves that
            // warehouse only: another one would write into the first.
            let recorded: String = tx.query_row(
                "SELECT location FROM DBS WHERE name = ?1",
                [DEFAULT_DATABASE],
                |r| r.get(0),
            )?;
            let same = storage::canonical_name(&recorded) == storage::canonical_name(&location);
            if file.is_some() && !same {
                return Err(HiveError::InvalidOperation(format!(
                    "the metastore {} belongs to the warehouse {recorded}, not {location}",
                    ms.path.display()
                ))
                .into());
            }
            Ok(())
        })?;
        Ok(ms)
    }

    /// The warehouse folder (absolute).
    pub fn warehouse(&self) -> &Path {
        &self.warehouse
    }

    /// The SQLite file holding the catalog.
    pub fn path(&self) -> &Path {
        &self.path
    }

    // ----- databases -----------------------------------------------------

    /// `CREATE DATABASE [IF NOT EXISTS]`. An empty location becomes
    /// `<warehouse>/<name>.db`. Returns the stored database, or [`None`] if it
    /// existed and `if_not_exists` is set.
    pub fn create_database(&self, db: &Database, if_not_exists: bool) -> Result<Option<Database>> {
        let mut db = db.clone();
        db.name = db.name.to_lowercase();
        validate_name(&db.name)?;
        if db.location.is_empty() {
            db.location = path_string(&warehouse::database_dir(&self.warehouse, &db.name))?;
        }
        self.write(|tx| {
            if db_row(tx, &db.name)?.is_some() {
                if if_not_exists {
                    return Ok(None);
                }
                return Err(HiveError::AlreadyExists(format!(
                    "Database {} already exists",
                    db.name
                ))
                .into());
            }
            tx.execute(
                "INSERT INTO DBS (name, description, location, owner) VALUES (?1, ?2, ?3, ?4)",
                params![db.name, db.description, db.location, db.owner],
            )?;
            let id = tx.last_insert_rowid();
            write_params(tx, "DATABASE_PARAMS", "db_id", id, &db.parameters)?;
            Ok(Some(db.clone()))
        })
    }

    /// The database `name`, if it exists.
    pub fn get_database(&self, name: &str) -> Result<Option<Database>> {
        let name = name.to_lowercase();
        self.read(|tx| load_database(tx, &name))
    }

    /// Database names matching `pattern` (see [`HivePattern`]; all if
    /// [`None`]), sorted.
    pub fn list_databases(&self, pattern: Option<&str>) -> Result<Vec<String>> {
        let names = self.read(|tx| strings(tx, "SELECT name FROM DBS ORDER BY name", []))?;
        Ok(filter_names(names, pattern))
    }

    /// `ALTER DATABASE name SET …`: replace description, location (unless
    /// empty), owner and properties of database `name` with those of `db`
    /// (`db.name` is ignored: databases cannot be renamed).
    pub fn alter_database(&self, name: &str, db: &Database) -> Result<()> {
        let name = name.to_lowercase();
        self.write(|tx| {
            let (id, _) = db_row(tx, &name)?.ok_or_else(|| db_not_found(&name))?;
            tx.execute(
                "UPDATE DBS SET description = ?1, owner = ?3,
                     location = CASE WHEN ?2 = '' THEN location ELSE ?2 END
                 WHERE db_id = ?4",
                params![db.description, db.location, db.owner, id],
            )?;
            tx.execute("DELETE FROM DATABASE_PARAMS WHERE db_id = ?1", [id])?;
            write_params(tx, "DATABASE_PARAMS", "db_id", id, &db.parameters)?;
            Ok(())
        })
    }

    /// `DROP DATABASE [IF EXISTS] name [CASCADE]`. Returns the tables dropped
    /// with it (only with `cascade`) so the caller can delete managed data.
    /// Refuses `default`, and a database with tables unless `cascade`.
    pub fn drop_database(&self, name: &str, if_exists: bool, cascade: bool) -> Result<Vec<Table>> {
        let name = name.to_lowercase();
        if name == DEFAULT_DATABASE {
            return Err(HiveError::InvalidOperation(
                "Can not drop default database".to_string(),
            ));
        }
        self.write(|tx| {
            let Some((id, _)) = db_row(tx, &name)? else {
                if if_exists {
                    return Ok(Vec::new());
                }
                return Err(db_not_found(&name).into());
            };
            let ids: Vec<i64> = {
                let mut st =
                    tx.prepare("SELECT tbl_id FROM TBLS WHERE db_id = ?1 ORDER BY name")?;
                let rows = st.query_map([id], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            if !ids.is_empty() && !cascade {
                return Err(HiveError::InvalidOperation(format!(
                    "Database {name} is not empty. One or more tables exist."
                ))
                .into());
            }
            let tables = ids
                .iter()
                .map(|&t| load_table(tx, t))
                .collect::<R<Vec<_>>>()?;
            tx.execute("DELETE FROM DBS WHERE db_id = ?1", [id])?;
            file_lists::forget_unreferenced(tx)?;
            Ok(tables)
        })
    }

    // ----- tables --------------------------------------------------------

    /// Where a managed table `name` of `db` keeps its files when created
    /// without a LOCATION (`<database location>/<name>`), known before it
    /// exists (CREATE TABLE AS SELECT puts its files there first).
    pub fn default_table_location(&self, db: &str, name: &str) -> Result<String> {
        let d = self
            .get_database(db)?
            .ok_or_else(|| db_not_found(&db.to_lowercase()))?;
        Ok(join_location(&d.location, &name.to_lowercase()))
    }

    /// `CREATE TABLE|VIEW [IF NOT EXISTS]`. Names are lower-cased and
    /// checked; an empty location of a table (not a view) becomes
    /// `<database location>/<table>`; `create_time` 0 becomes now and
    /// [`DDL_TIME`] is set unless given. Returns the stored table, or [`None`]
    /// if it existed and `if_not_exists` is set.
    pub fn create_table(&self, table: &Table, if_not_exists: bool) -> Result<Option<Table>> {
        let t = normalize_table(table)?;
        self.write(|tx| create_table_in(tx, &t, if_not_exists))
    }

    /// The table or view `db.name`, if it (and its database) exists.
    pub fn get_table(&self, db: &str, name: &str) -> Result<Option<Table>> {
        let (db, name) = (db.to_lowercase(), name.to_lowercase());
        self.read(|tx| match table_id(tx, &db, &name)? {
            Some(id) => Ok(Some(load_table(tx, id)?)),
            None => Ok(None),
        })
    }

    /// Names of the tables and views of `db` matching `pattern` (see
    /// [`HivePattern`]; all if [`None`]), sorted. Errors if `db` does not
    /// exist.
    pub fn list_tables(&self, db: &str, pattern: Option<&str>) -> Result<Vec<String>> {
        let db = db.to_lowercase();
        let names = self.read(|tx| {
            let (id, _) = db_row(tx, &db)?.ok_or_else(|| db_not_found(&db))?;
            strings(
                tx,
                "SELECT name FROM TBLS WHERE db_id = ?1 ORDER BY name",
                [id],
            )
        })?;
        Ok(filter_names(names, pattern))
    }

    /// `DROP TABLE|VIEW [IF EXISTS]`: removes the table with its partitions
    /// and returns what was dropped (so the caller can delete managed data),
    /// or [`None`] if it did not exist and `if_exists` is set.
    pub fn drop_table(&self, db: &str, name: &str, if_exists: bool) -> Result<Option<Table>> {
        let (db, name) = (db.to_lowercase(), name.to_lowercase());
        self.write(|tx| {
            let Some(id) = table_id(tx, &db, &name)? else {
                if if_exists {
                    return Ok(None);
                }
                return Err(table_not_found(&db, &name).into());
            };
            let t = load_table(tx, id)?;
            tx.execute("DELETE FROM TBLS WHERE tbl_id = ?1", [id])?;
            file_lists::forget_unreferenced(tx)?;
            Ok(Some(t))
        })
    }

    /// `ALTER TABLE db.name …`: replace the definition of `db.name` with
    /// `table`, keeping its partitions. When `table.db`/`table.name` differ
    /// this is a rename (the target database must exist, the target name
    /// must be free) and the partitions follow. As in Hive, renaming a
    /// managed table that sits at its default location, without asking for
    /// another location, moves it to the new default location, and partition
    /// locations under the old folder are rewritten; the caller moves the
    /// data (compare the returned table's location with the old one).
    /// Partition key names cannot change. `create_time` 0 keeps the old one;
    /// [`DDL_TIME`] becomes now. Returns the stored table.
    pub fn alter_table(&self, db: &str, name: &str, table: &Table) -> Result<Table> {
        self.alter_table_columns(db, name, table, &[])
    }

    /// [`Metastore::alter_table`], and in the same transaction the own
    /// columns of the partitions listed (values, columns; None: the
    /// table's): `ALTER TABLE … ADD|REPLACE|CHANGE COLUMNS`, where Hive
    /// leaves existing partitions their columns unless told CASCADE.
    pub fn alter_table_columns(
        &self,
        db: &str,
        name: &str,
        table: &Table,
        partitions: &[(Vec<String>, Option<Vec<Column>>)],
    ) -> Result<Table> {
        let (db, name) = (db.to_lowercase(), name.to_lowercase());
        let new = normalize_table(table)?;
        self.write(|tx| alter_in(tx, &db, &name, &new, partitions))
    }

    /// `ALTER TABLE … COLUMNS` decided on what is stored at the moment of
    /// the change: `change` sees the table and its partitions inside the
    /// write transaction and returns the new table and the partitions'
    /// own columns (as [`Metastore::alter_table_columns`] takes them), so
    /// a partition added meanwhile cannot be missed.
    pub fn change_columns(
        &self,
        db: &str,
        name: &str,
        change: impl Fn(&Table, &[Partition]) -> Result<(Table, PartitionColumns)>,
    ) -> Result<Table> {
        let (db, name) = (db.to_lowercase(), name.to_lowercase());
        self.write(|tx| {
            let id = table_id(tx, &db, &name)?.ok_or_else(|| table_not_found(&db, &name))?;
            let stored = load_table(tx, id)?;
            let parts = load_partitions(tx, id, None)?;
            let (new, partitions) = change(&stored, &parts)?;
            let new = normalize_table(&new)?;
            alter_in(tx, &db, &name, &new, &partitions)
        })
    }

    /// `ALTER TABLE SET TBLPROPERTIES`: add or replace `parameters` of
    /// `db.name` (others are kept) and stamp [`DDL_TIME`].
    pub fn set_table_parameters(
        &self,
        db: &str,
        name: &str,
        parameters: &BTreeMap<String, String>,
    ) -> Result<()> {
        let (db, name) = (db.to_lowercase(), name.to_lowercase());
        self.write(|tx| {
            let id = table_id(tx, &db, &name)?.ok_or_else(|| table_not_found(&db, &name))?;
            let mut all = parameters.clone();
            all.insert(DDL_TIME.to_string(), now().to_string());
            for (k, v) in &all {
                tx.execute(
                    "INSERT OR REPLACE INTO TABLE_PARAMS (tbl_id, param_key, param_value)
                     VALUES (?1, ?2, ?3)",
                    params![id, k, v],
                )?;
            }
            Ok(())
        })
    }

    /// `ALTER TABLE UNSET TBLPROPERTIES [IF EXISTS]`: remove `keys` from the
    /// parameters of `db.name` and stamp [`DDL_TIME`]. Without `if_exists` a
    /// missing key is an error and nothing changes.
    pub fn unset_table_parameters(
        &self,
        db: &str,
        name: &str,
        keys: &[String],
        if_exists: bool,
    ) -> Result<()> {
        let (db, name) = (db.to_lowercase(), name.to_lowercase());
        self.write(|tx| {
            let id = table_id(tx, &db, &name)?.ok_or_else(|| table_not_found(&db, &name))?;
            for k in keys {
                let n = tx.execute(
                    "DELETE FROM TABLE_PARAMS WHERE tbl_id = ?1 AND param_key = ?2",
                    params![id, k],
                )?;
                if n == 0 && !if_exists {
                    return Err(HiveError::InvalidOperation(format!(
                        "Attempt to unset non-existent property: {k} in table {db}.{name}"
                    ))
                    .into());
                }
            }
            tx.execute(
                "INSERT OR REPLACE INTO TABLE_PARAMS (tbl_id, param_key, param_value)
                 VALUES (?1, ?2, ?3)",
                params![id, DDL_TIME, now().to_string()],
            )?;
            Ok(())
        })
    }

    // ----- partitions ----------------------------------------------------

    /// `ALTER TABLE ADD [IF NOT EXISTS] PARTITION …` (also what INSERT and
    /// MSCK REPAIR use). All or nothing: without `if_not_exists` one existing
    /// partition (or a duplicate in `partitions`) fails the call and adds
    /// none; with it, existing ones are skipped. Empty locations become the
    /// default `<table location>/k=v/…`, `create_time` 0 becomes now and
    /// [`DDL_TIME`] is set unless given. Returns the partitions added.
    pub fn add_partitions(
        &self,
        db: &str,
        table: &str,
        partitions: &[Partition],
        if_not_exists: bool,
    ) -> Result<Vec<Partition>> {
        let (db, table) = (db.to_lowercase(), table.to_lowercase());
        self.write(|tx| add_partitions_in(tx, &db, &table, partitions, if_not_exists))
    }

    /// `ALTER TABLE DROP [IF EXISTS] PARTITION …` for full value lists. All
    /// or nothing: without `if_exists` a missing partition fails the call and
    /// drops none. Returns the partitions dropped (their locations tell the
    /// caller what data to delete).
    pub fn drop_partitions(
        &self,
        db: &str,
        table: &str,
        values: &[Vec<String>],
        if_exists: bool,
    ) -> Result<Vec<Partition>> {
        let (db, table) = (db.to_lowercase(), table.to_lowercase());
        self.write(|tx| {
            let (id, t) = require_table(tx, &db, &table)?;
            let mut dropped = Vec::new();
            for v in values {
                let v = check_values(&t, v)?;
                let name = t.partition_name(&v);
                let Some(part_id) = partition_id(tx, id, &name)? else {
                    if if_exists {
                        continue;
                    }
                    return Err(partition_not_found(&t, &name).into());
                };
                dropped.extend(load_partitions(tx, id, Some(part_id))?);
                tx.execute("DELETE FROM PARTITIONS WHERE part_id = ?1", [part_id])?;
            }
            let gone: Vec<String> = dropped.iter().map(|p| p.location.clone()).collect();
            file_lists::forget_locations(tx, &gone)?;
            Ok(dropped)
        })
    }

    /// The partition of `db.table` with `values` (in key order), if any.
    /// Errors if the table does not exist or the number of values is wrong.
    pub fn get_partition(
        &self,
        db: &str,
        table: &str,
        values: &[String],
    ) -> Result<Option<Partition>> {
        let (db, table) = (db.to_lowercase(), table.to_lowercase());
        self.read(|tx| {
            let (id, t) = require_table(tx, &db, &table)?;
            let v = check_values(&t, values)?;
            match partition_id(tx, id, &t.partition_name(&v))? {
                Some(part_id) => Ok(load_partitions(tx, id, Some(part_id))?.pop()),
                None => Ok(None),
            }
        })
    }

    /// All partitions of `db.table`, sorted as Hive lists them: by partition
    /// name (`k1=v1/k2=v2`, escaped), which is value order for ordinary
    /// values. Errors if the table does not exist.
    pub fn list_partitions(&self, db: &str, table: &str) -> Result<Vec<Partition>> {
        self.list_partitions_filtered(db, table, |_| true)
    }

    /// The partitions of `db.table` whose values satisfy `keep` (partition
    /// pruning), in [`list_partitions`](Self::list_partitions) order.
    pub fn list_partitions_filtered(
        &self,
        db: &str,
        table: &str,
        keep: impl Fn(&[String]) -> bool,
    ) -> Result<Vec<Partition>> {
        let (db, table) = (db.to_lowercase(), table.to_lowercase());
        let parts = self.read(|tx| {
            let (id, _) = require_table(tx, &db, &table)?;
            load_partitions(tx, id, None)
        })?;
        Ok(parts.into_iter().filter(|p| keep(&p.values)).collect())
    }

    /// The partitions matching a partial spec, `SHOW PARTITIONS t
    /// PARTITION (k='v')`: every `(key, value)` of `spec` must hold (keys
    /// case-insensitive, any subset of the partition keys in any order).
    /// Errors on a key that is not a partition key.
    pub fn list_partitions_by_spec(
        &self,
        db: &str,
        table: &str,
        spec: &[(String, String)],
    ) -> Result<Vec<Partition>> {
        let (db, table) = (db.to_lowercase(), table.to_lowercase());
        self.read(|tx| {
            let (id, t) = require_table(tx, &db, &table)?;
            let mut wanted = Vec::new();
            for (k, v) in spec {
                let k = k.to_lowercase();
                let pos = t
                    .partition_keys
                    .iter()
                    .position(|c| c.name == k)
                    .ok_or_else(|| {
                        HiveError::Invalid(format!(
                            "{k} is not a partition key of {}",
                            t.qualified_name()
                        ))
                    })?;
                wanted.push((pos, normalize_value(v)));
            }
            let parts = load_partitions(tx, id, None)?;
            Ok(parts
                .into_iter()
                .filter(|p| wanted.iter().all(|(pos, v)| p.values[*pos] == *v))
                .collect())
        })
    }

    /// `ALTER TABLE … PARTITION (…) SET LOCATION|SERDEPROPERTIES…`: replace
    /// the location (empty = default), parameters, own columns and create
    /// time (0 = keep) of the partition with `partition.values`; stamps
    /// [`DDL_TIME`].
    pub fn alter_partition(&self, db: &str, table: &str, partition: &Partition) -> Result<()> {
        let (db, table) = (db.to_lowercase(), table.to_lowercase());
        self.write(|tx| {
            let (id, t) = require_table(tx, &db, &table)?;
            let values = check_values(&t, &partition.values)?;
            let name = t.partition_name(&values);
            let part_id =
                partition_id(tx, id, &name)?.ok_or_else(|| partition_not_found(&t, &name))?;
            let location = if partition.location.is_empty() {
                t.default_partition_location(&values)
            } else {
                partition.location.clone()
            };
            let old: String = tx.query_row(
                "SELECT location FROM PARTITIONS WHERE part_id = ?1",
                [part_id],
                |r| r.get(0),
            )?;
            tx.execute(
                "UPDATE PARTITIONS SET location = ?1,
                     create_time = CASE WHEN ?2 = 0 THEN create_time ELSE ?2 END
                 WHERE part_id = ?3",
                params![location, partition.create_time, part_id],
            )?;
            let mut parameters = partition.parameters.clone();
            parameters.insert(DDL_TIME.to_string(), now().to_string());
            tx.execute("DELETE FROM PARTITION_PARAMS WHERE part_id = ?1", [part_id])?;
            write_params(tx, "PARTITION_PARAMS", "part_id", part_id, &parameters)?;
            write_partition_columns(tx, part_id, partition.columns.as_deref())?;
            file_lists::forget_locations(tx, &[old])?;
            Ok(())
        })
    }

    /// `ALTER TABLE … PARTITION (old) RENAME TO PARTITION (new)`. A partition
    /// at its default location gets the new default location (the caller
    /// moves the data). Returns the renamed partition.
    pub fn rename_partition(
        &self,
        db: &str,
        table: &str,
        old_values: &[String],
        new_values: &[String],
    ) -> Result<Partition> {
        let (db, table) = (db.to_lowercase(), table.to_lowercase());
        self.write(|tx| {
            let (id, t) = require_table(tx, &db, &table)?;
            let old_values = check_values(&t, old_values)?;
            let new_values = check_values(&t, new_values)?;
            let old_name = t.partition_name(&old_values);
            let new_name = t.partition_name(&new_values);
            let part_id = partition_id(tx, id, &old_name)?
                .ok_or_else(|| partition_not_found(&t, &old_name))?;
            if partition_id(tx, id, &new_name)?.is_some() {
                return Err(HiveError::AlreadyExists(format!(
                    "Partition already exists: {}/{new_name}",
                    t.qualified_name()
                ))
                .into());
            }
            let mut p = load_partitions(tx, id, Some(part_id))?
                .pop()
                .ok_or_else(|| partition_not_found(&t, &old_name))?;
            let old = p.location.clone();
            if p.location == t.default_partition_location(&old_values) {
                p.location = t.default_partition_location(&new_values);
            }
            p.values = new_values;
            p.parameters.insert(DDL_TIME.to_string(), now().to_string());
            tx.execute("DELETE FROM PARTITIONS WHERE part_id = ?1", [part_id])?;
            insert_partition(tx, id, &new_name, &p)?;
            file_lists::forget_locations(tx, &[old])?;
            Ok(p)
        })
    }

    // ----- plumbing ------------------------------------------------------

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic mid-call rolled its transaction back (Transaction's drop),
        // so the connection is still sound.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Run `f` in one write transaction (taking the write lock up front, so
    /// concurrent writers queue on `busy_timeout` instead of deadlocking).
    fn write<T>(&self, f: impl FnMut(&Transaction<'_>) -> R<T>) -> Result<T> {
        self.run(TransactionBehavior::Immediate, f)
    }

    /// Run `f` in one read transaction: a consistent snapshot across queries.
    fn read<T>(&self, f: impl FnMut(&Transaction<'_>) -> R<T>) -> Result<T> {
        self.run(TransactionBehavior::Deferred, f)
    }

    fn run<T>(
        &self,
        behavior: TransactionBehavior,
        mut f: impl FnMut(&Transaction<'_>) -> R<T>,
    ) -> Result<T> {
        let mut conn = self.lock();
        retry_busy(|| {
            let tx = conn.transaction_with_behavior(behavior)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .map_err(|e| self.failure(e))
    }

    fn failure(&self, e: Failure) -> HiveError {
        match e {
            Failure::Hive(e) => e,
            Failure::Sql(e) => sql_error(&self.path, e),
        }
    }
}

/// The body of [`Metastore::create_table`] in transaction `tx` (`t`
/// already normalized).
fn create_table_in(tx: &Transaction<'_>, t: &Table, if_not_exists: bool) -> R<Option<Table>> {
    let (db_id, db_location) = db_row(tx, &t.db)?.ok_or_else(|| db_not_found(&t.db))?;
    if table_id(tx, &t.db, &t.name)?.is_some() {
        if if_not_exists {
            return Ok(None);
        }
        return Err(HiveError::AlreadyExists(format!(
            "Table {} already exists",
            t.qualified_name()
        ))
        .into());
    }
    let mut t = t.clone();
    let now = now();
    if t.create_time == 0 {
        t.create_time = now;
    }
    t.parameters
        .entry(DDL_TIME.to_string())
        .or_insert_with(|| now.to_string());
    if t.storage.location.is_empty() && !t.is_view() {
        t.storage.location = join_location(&db_location, &t.name);
        if t.table_type == TableType::Managed && !t.is_partitioned() {
            file_lists::start_empty(tx, &t.storage.location)?;
        }
    }
    insert_table(tx, db_id, &t)?;
    Ok(Some(t))
}

/// The body of [`Metastore::add_partitions`] in transaction `tx` (names
/// already lower-cased).
fn add_partitions_in(
    tx: &Transaction<'_>,
    db: &str,
    table: &str,
    partitions: &[Partition],
    if_not_exists: bool,
) -> R<Vec<Partition>> {
    let (id, t) = require_table(tx, db, table)?;
    let now = now();
    let mut added: Vec<Partition> = Vec::new();
    let mut seen = HashSet::new();
    for p in partitions {
        let values = check_values(&t, &p.values)?;
        let name = t.partition_name(&values);
        if !seen.insert(name.clone()) || partition_id(tx, id, &name)?.is_some() {
            if if_not_exists {
                continue;
            }
            return Err(HiveError::AlreadyExists(format!(
                "Partition already exists: {}/{name}",
                t.qualified_name()
            ))
            .into());
        }
        let mut p = p.clone();
        p.values = values;
        if p.location.is_empty() {
            p.location = t.default_partition_location(&p.values);
        }
        if p.create_time == 0 {
            p.create_time = now;
        }
        p.parameters
            .entry(DDL_TIME.to_string())
            .or_insert_with(|| now.to_string());
        insert_partition(tx, id, &name, &p)?;
        added.push(p);
    }
    Ok(added)
}

/// Partitions' own columns to store: values, columns (None: the table's).
pub type PartitionColumns = Vec<(Vec<String>, Option<Vec<Column>>)>;

/// The body of an ALTER TABLE: `new` replaces `db.name`, and the listed
/// partitions get their own columns, in transaction `tx`.
fn alter_in(
    tx: &Transaction<'_>,
    db: &str,
    name: &str,
    new: &Table,
    partitions: &[(Vec<String>, Option<Vec<Column>>)],
) -> R<Table> {
    let id = table_id(tx, db, name)?.ok_or_else(|| table_not_found(db, name))?;
    let stored = load_table(tx, id)?;
    for (values, cols) in partitions {
        let values = check_values(&stored, values)?;
        let pname = stored.partition_name(&values);
        let part_id =
            partition_id(tx, id, &pname)?.ok_or_else(|| partition_not_found(&stored, &pname))?;
        write_partition_columns(tx, part_id, cols.as_deref())?;
    }
    let old = load_table(tx, id)?;
    let mut new = new.clone();
    let (new_db_id, new_db_location) = db_row(tx, &new.db)?.ok_or_else(|| db_not_found(&new.db))?;
    let renamed = new.db != old.db || new.name != old.name;
    if renamed && table_id(tx, &new.db, &new.name)?.is_some() {
        return Err(HiveError::AlreadyExists(format!(
            "Table {} already exists",
            new.qualified_name()
        ))
        .into());
    }
    let old_keys: Vec<&str> = old.partition_keys.iter().map(|c| c.name.as_str()).collect();
    let new_keys: Vec<&str> = new.partition_keys.iter().map(|c| c.name.as_str()).collect();
    if old_keys != new_keys {
        return Err(HiveError::InvalidOperation(format!(
            "Partition keys of {} can not be changed",
            old.qualified_name()
        ))
        .into());
    }
    if new.create_time == 0 {
        new.create_time = old.create_time;
    }
    new.parameters
        .insert(DDL_TIME.to_string(), now().to_string());
    let mut moved = false;
    if renamed
        && old.table_type == TableType::Managed
        && new.table_type == TableType::Managed
        && (new.storage.location.is_empty() || new.storage.location == old.storage.location)
    {
        let (_, old_db_location) = db_row(tx, &old.db)?.ok_or_else(|| db_not_found(&old.db))?;
        if old.storage.location == join_location(&old_db_location, &old.name) {
            new.storage.location = join_location(&new_db_location, &new.name);
            moved = true;
        }
    }
    if new.storage.location.is_empty() && !new.is_view() {
        new.storage.location = if renamed {
            join_location(&new_db_location, &new.name)
        } else {
            old.storage.location.clone()
        };
    }
    update_table(tx, id, new_db_id, &new)?;
    if moved {
        relocate_partitions(tx, id, &old.storage.location, &new.storage.location)?;
    }
    file_lists::forget_unreferenced(tx)?;
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hive_patterns() {
        let p = HivePattern::new("src*|Dest");
        assert!(p.matches("src"));
        assert!(p.matches("SRC_part"));
        assert!(p.matches("dest"));
        assert!(!p.matches("dest1"));
        assert!(!p.matches("mysrc"));
        assert!(HivePattern::new("*").matches("anything"));
        assert!(HivePattern::new("a.c").matches("abc"));
        assert!(!HivePattern::new("(").matches("("));
        assert!(HivePattern::new(" t1 | t2 ").matches("t2"));
    }

    #[test]
    fn names_are_checked() {
        assert!(validate_name("t_1").is_ok());
        assert!(validate_name("").is_err());
        assert!(validate_name("a-b").is_err());
        assert!(validate_name("a.b").is_err());
        assert!(validate_name("a/b").is_err());
        assert!(validate_name(&"x".repeat(129)).is_err());
    }

    #[test]
    fn metastore_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Metastore>();
    }
}
