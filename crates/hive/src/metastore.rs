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
pub const SCHEMA_VERSION: i64 = 1;

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

/// How long a call waits for another process's write transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);
/// Extra attempts when SQLite reports busy despite the timeout (WAL recovery,
/// a stale read snapshot).
const BUSY_RETRIES: u32 = 50;

/// What kind of table a [`Table`] is, with Hive's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TableType {
    /// `MANAGED_TABLE`: Hive owns the data; DROP deletes it.
    #[default]
    Managed,
    /// `EXTERNAL_TABLE`: the data belongs to someone else; DROP keeps it.
    External,
    /// `VIRTUAL_VIEW`: a stored query, no data.
    VirtualView,
}

impl TableType {
    /// Hive's name, as stored and as `DESCRIBE FORMATTED` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            TableType::Managed => "MANAGED_TABLE",
            TableType::External => "EXTERNAL_TABLE",
            TableType::VirtualView => "VIRTUAL_VIEW",
        }
    }

    /// The type with Hive's name `s`, if any.
    pub fn parse(s: &str) -> Option<TableType> {
        match s {
            "MANAGED_TABLE" => Some(TableType::Managed),
            "EXTERNAL_TABLE" => Some(TableType::External),
            "VIRTUAL_VIEW" => Some(TableType::VirtualView),
            _ => None,
        }
    }
}

impl std::fmt::Display for TableType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A database (Hive's namespace of tables), as `CREATE DATABASE` defines it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Database {
    /// The name, lower-case once stored.
    pub name: String,
    /// `COMMENT '…'`.
    pub description: Option<String>,
    /// The folder holding its managed tables. Empty on create means the
    /// default, `<warehouse>/<name>.db` (the warehouse itself for `default`).
    pub location: String,
    /// The owner's name, as `DESCRIBE DATABASE` shows it.
    pub owner: Option<String>,
    /// `WITH DBPROPERTIES (…)`.
    pub parameters: BTreeMap<String, String>,
}

impl Database {
    /// A database with the default location and nothing else set.
    pub fn new(name: &str) -> Database {
        Database {
            name: name.to_string(),
            ..Database::default()
        }
    }
}

/// A column or partition key: name, Hive type string and comment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Column {
    /// The name, lower-case once stored.
    pub name: String,
    /// The Hive type as written in DDL (`int`, `decimal(10,2)`,
    /// `array<string>`), lower-case once stored.
    pub type_name: String,
    /// `COMMENT '…'`.
    pub comment: Option<String>,
}

impl Column {
    /// A column without comment.
    pub fn new(name: &str, type_name: &str) -> Column {
        Column {
            name: name.to_string(),
            type_name: type_name.to_string(),
            comment: None,
        }
    }
}

/// One `SORTED BY` column of a bucketed table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortColumn {
    /// The column name, lower-case once stored.
    pub name: String,
    /// `ASC` (true) or `DESC`.
    pub ascending: bool,
}

/// Where and how a table's data is stored (Hive's `StorageDescriptor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageDescriptor {
    /// The data folder. Empty on create means the default,
    /// `<database location>/<table>`; always empty for views.
    pub location: String,
    /// The input format class (what `STORED AS` chose).
    pub input_format: String,
    /// The output format class.
    pub output_format: String,
    /// The SerDe class.
    pub serde: String,
    /// SerDe properties: `field.delim`, `serialization.null.format`,
    /// `colelction.delim` (Hive's spelling), `mapkey.delim`, `line.delim`,
    /// `serialization.format`, …
    pub serde_params: BTreeMap<String, String>,
    /// Whether the data files are compressed.
    pub compressed: bool,
    /// `INTO n BUCKETS`; [`None`] for an unbucketed table (Hive prints -1).
    pub bucket_count: Option<u32>,
    /// `CLUSTERED BY (…)`.
    pub bucket_columns: Vec<String>,
    /// `SORTED BY (…)`.
    pub sort_columns: Vec<SortColumn>,
}

impl StorageDescriptor {
    /// Hive's default storage: delimited text through LazySimpleSerDe
    /// (`\001` fields, `\N` nulls), location to be defaulted.
    pub fn text() -> StorageDescriptor {
        StorageDescriptor {
            location: String::new(),
            input_format: TEXT_INPUT_FORMAT.to_string(),
            output_format: TEXT_OUTPUT_FORMAT.to_string(),
            serde: LAZY_SIMPLE_SERDE.to_string(),
            serde_params: BTreeMap::from([("serialization.format".into(), "1".into())]),
            compressed: false,
            bucket_count: None,
            bucket_columns: Vec::new(),
            sort_columns: Vec::new(),
        }
    }

    /// `STORED AS PARQUET`, location to be defaulted.
    pub fn parquet() -> StorageDescriptor {
        StorageDescriptor {
            input_format: PARQUET_INPUT_FORMAT.to_string(),
            output_format: PARQUET_OUTPUT_FORMAT.to_string(),
            serde: PARQUET_SERDE.to_string(),
            serde_params: BTreeMap::from([("serialization.format".into(), "1".into())]),
            ..StorageDescriptor::text()
        }
    }

    /// Views store no data: no location, no formats.
    pub fn none() -> StorageDescriptor {
        StorageDescriptor {
            input_format: String::new(),
            output_format: String::new(),
            serde: String::new(),
            serde_params: BTreeMap::new(),
            ..StorageDescriptor::text()
        }
    }
}

impl Default for StorageDescriptor {
    /// Text, as a plain `CREATE TABLE` in Hive.
    fn default() -> Self {
        StorageDescriptor::text()
    }
}

/// A table or view, as Hive's metastore describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// The database name, lower-case once stored.
    pub db: String,
    /// The table name, lower-case once stored.
    pub name: String,
    /// Managed, external or view.
    pub table_type: TableType,
    /// The data columns, in order.
    pub columns: Vec<Column>,
    /// `PARTITIONED BY (…)` keys, in order; empty if not partitioned.
    pub partition_keys: Vec<Column>,
    /// Location, formats, SerDe and bucketing.
    pub storage: StorageDescriptor,
    /// `TBLPROPERTIES`, including [`DDL_TIME`] (set by the metastore).
    pub parameters: BTreeMap<String, String>,
    /// The query text of a view; [`None`] for tables.
    pub view_text: Option<String>,
    /// `COMMENT '…'` (kept here, not in `parameters`).
    pub comment: Option<String>,
    /// The owner's name.
    pub owner: Option<String>,
    /// Seconds since the epoch; 0 on create means now.
    pub create_time: i64,
}

impl Table {
    /// A managed text table with default location, for tests and simple DDL.
    pub fn new(db: &str, name: &str, columns: Vec<Column>) -> Table {
        Table {
            db: db.to_string(),
            name: name.to_string(),
            columns,
            ..Table::default()
        }
    }

    /// `db.name`, as error messages and `DESCRIBE` print it.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.db, self.name)
    }

    /// True if the table has partition keys.
    pub fn is_partitioned(&self) -> bool {
        !self.partition_keys.is_empty()
    }

    /// True for views.
    pub fn is_view(&self) -> bool {
        self.table_type == TableType::VirtualView
    }

    /// The partition's name and relative folder, `k1=v1/k2=v2`, escaped as
    /// Hive does (what `SHOW PARTITIONS` prints). `values` are in key order.
    pub fn partition_name(&self, values: &[String]) -> String {
        let spec: Vec<(String, Option<String>)> = self
            .partition_keys
            .iter()
            .zip(values)
            .map(|(k, v)| (k.name.clone(), Some(v.clone())))
            .collect();
        warehouse::partition_path(&spec)
    }

    /// The default folder of the partition with `values`:
    /// `<table location>/k1=v1/k2=v2`.
    pub fn default_partition_location(&self, values: &[String]) -> String {
        join_location(&self.storage.location, &self.partition_name(values))
    }
}

/// One partition of a table: its key values and where its data lives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Partition {
    /// One value per partition key, in key order, as strings; the NULL
    /// partition's value is [`DEFAULT_PARTITION_NAME`] (an empty string is
    /// stored as that too).
    pub values: Vec<String>,
    /// The data folder. Empty on add means the default,
    /// `<table location>/k1=v1/k2=v2`.
    pub location: String,
    /// The partition's own parameters, including [`DDL_TIME`].
    pub parameters: BTreeMap<String, String>,
    /// Seconds since the epoch; 0 on add means now.
    pub create_time: i64,
}

impl Partition {
    /// A partition with default location.
    pub fn new(values: &[&str]) -> Partition {
        Partition {
            values: values.iter().map(|v| v.to_string()).collect(),
            ..Partition::default()
        }
    }
}

/// A `SHOW TABLES`/`SHOW DATABASES` pattern, as Hive reads it: alternatives
/// separated by `|`, `*` matching any run of characters, the rest a
/// (Java-style) regular expression, matched case-insensitively against the
/// whole name. An alternative that is not a valid expression matches
/// nothing, as in Hive.
#[derive(Debug, Clone)]
pub struct HivePattern {
    alternatives: Vec<regex::Regex>,
}

impl HivePattern {
    /// Compile `pattern`.
    pub fn new(pattern: &str) -> HivePattern {
        let alternatives = pattern
            .trim()
            .split('|')
            .filter_map(|alt| {
                let re = format!("(?i)^(?:{})$", alt.trim().replace('*', ".*"));
                regex::Regex::new(&re).ok()
            })
            .collect();
        HivePattern { alternatives }
    }

    /// True if `name` matches one alternative.
    pub fn matches(&self, name: &str) -> bool {
        self.alternatives.iter().any(|re| re.is_match(name))
    }
}

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

/// Hive's schema, simplified: one storage descriptor per table, folded into
/// `TBLS`. Child rows go with their parent (`ON DELETE CASCADE`).
const SCHEMA: &str = "
CREATE TABLE VERSION (
    ver_id INTEGER PRIMARY KEY CHECK (ver_id = 1),
    schema_version INTEGER NOT NULL,
    version_comment TEXT NOT NULL
);
CREATE TABLE DBS (
    db_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    location TEXT NOT NULL,
    owner TEXT
);
CREATE TABLE DATABASE_PARAMS (
    db_id INTEGER NOT NULL REFERENCES DBS (db_id) ON DELETE CASCADE,
    param_key TEXT NOT NULL,
    param_value TEXT NOT NULL,
    PRIMARY KEY (db_id, param_key)
);
CREATE TABLE TBLS (
    tbl_id INTEGER PRIMARY KEY,
    db_id INTEGER NOT NULL REFERENCES DBS (db_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    owner TEXT,
    create_time INTEGER NOT NULL,
    table_type TEXT NOT NULL,
    view_text TEXT,
    comment TEXT,
    location TEXT NOT NULL,
    input_format TEXT NOT NULL,
    output_format TEXT NOT NULL,
    serde TEXT NOT NULL,
    compressed INTEGER NOT NULL,
    bucket_count INTEGER,
    UNIQUE (db_id, name)
);
CREATE TABLE COLUMNS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    type_name TEXT NOT NULL,
    comment TEXT,
    PRIMARY KEY (tbl_id, position)
);
CREATE TABLE PARTITION_KEYS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    type_name TEXT NOT NULL,
    comment TEXT,
    PRIMARY KEY (tbl_id, position)
);
CREATE TABLE TABLE_PARAMS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    param_key TEXT NOT NULL,
    param_value TEXT NOT NULL,
    PRIMARY KEY (tbl_id, param_key)
);
CREATE TABLE SERDE_PARAMS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    param_key TEXT NOT NULL,
    param_value TEXT NOT NULL,
    PRIMARY KEY (tbl_id, param_key)
);
CREATE TABLE BUCKETING_COLS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (tbl_id, position)
);
CREATE TABLE SORT_COLS (
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    ascending INTEGER NOT NULL,
    PRIMARY KEY (tbl_id, position)
);
CREATE TABLE PARTITIONS (
    part_id INTEGER PRIMARY KEY,
    tbl_id INTEGER NOT NULL REFERENCES TBLS (tbl_id) ON DELETE CASCADE,
    part_name TEXT NOT NULL,
    location TEXT NOT NULL,
    create_time INTEGER NOT NULL,
    UNIQUE (tbl_id, part_name)
);
CREATE TABLE PARTITION_KEY_VALS (
    part_id INTEGER NOT NULL REFERENCES PARTITIONS (part_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (part_id, position)
);
CREATE TABLE PARTITION_PARAMS (
    part_id INTEGER NOT NULL REFERENCES PARTITIONS (part_id) ON DELETE CASCADE,
    param_key TEXT NOT NULL,
    param_value TEXT NOT NULL,
    PRIMARY KEY (part_id, param_key)
);
CREATE INDEX TBLS_DB ON TBLS (db_id);
CREATE INDEX PARTITIONS_TBL ON PARTITIONS (tbl_id);
";

/// `MIGRATIONS[i]` upgrades a schema of version `i + 1` to `i + 2`. Empty
/// while version 1 is the only one; append a step when the schema changes
/// and bump [`SCHEMA_VERSION`].
const MIGRATIONS: &[&str] = &[];

impl Metastore {
    /// Open (creating if needed) the metastore of `warehouse`, at
    /// `<warehouse>/metastore.db`. Creates the warehouse folder, the schema
    /// and the `default` database (location = the warehouse) on first use,
    /// migrates an older schema, and refuses one newer than
    /// [`SCHEMA_VERSION`] or a file that is not a metastore.
    pub fn open(warehouse: &Path) -> Result<Metastore> {
        let warehouse = std::path::absolute(warehouse).map_err(|e| HiveError::io(warehouse, e))?;
        std::fs::create_dir_all(&warehouse).map_err(|e| HiveError::io(&warehouse, e))?;
        let location = path_string(&warehouse)?;
        let path = warehouse.join(METASTORE_FILE);
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
            Ok(tables)
        })
    }

    // ----- tables --------------------------------------------------------

    /// `CREATE TABLE|VIEW [IF NOT EXISTS]`. Names are lower-cased and
    /// checked; an empty location of a table (not a view) becomes
    /// `<database location>/<table>`; `create_time` 0 becomes now and
    /// [`DDL_TIME`] is set unless given. Returns the stored table, or [`None`]
    /// if it existed and `if_not_exists` is set.
    pub fn create_table(&self, table: &Table, if_not_exists: bool) -> Result<Option<Table>> {
        let t = normalize_table(table)?;
        self.write(|tx| {
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
            }
            insert_table(tx, db_id, &t)?;
            Ok(Some(t))
        })
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
        let (db, name) = (db.to_lowercase(), name.to_lowercase());
        let new = normalize_table(table)?;
        self.write(|tx| {
            let id = table_id(tx, &db, &name)?.ok_or_else(|| table_not_found(&db, &name))?;
            let old = load_table(tx, id)?;
            let mut new = new.clone();
            let (new_db_id, new_db_location) =
                db_row(tx, &new.db)?.ok_or_else(|| db_not_found(&new.db))?;
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
                let (_, old_db_location) =
                    db_row(tx, &old.db)?.ok_or_else(|| db_not_found(&old.db))?;
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
            Ok(new)
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
        self.write(|tx| {
            let (id, t) = require_table(tx, &db, &table)?;
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
        })
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
    /// the location (empty = default), parameters and create time (0 = keep)
    /// of the partition with `partition.values`; stamps [`DDL_TIME`].
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
            if p.location == t.default_partition_location(&old_values) {
                p.location = t.default_partition_location(&new_values);
            }
            p.values = new_values;
            p.parameters.insert(DDL_TIME.to_string(), now().to_string());
            tx.execute("DELETE FROM PARTITIONS WHERE part_id = ?1", [part_id])?;
            insert_partition(tx, id, &new_name, &p)?;
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

/// Run `op`, again after a pause while SQLite says the database is busy or
/// locked (the busy timeout covers most waits; this covers the rest).
fn retry_busy<T>(mut op: impl FnMut() -> R<T>) -> R<T> {
    let mut attempt = 0;
    loop {
        match op() {
            Err(Failure::Sql(e)) if is_busy(&e) && attempt < BUSY_RETRIES => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(10 * u64::from(attempt.min(20))));
            }
            other => return other,
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn sql_error(path: &Path, e: rusqlite::Error) -> HiveError {
    HiveError::Metastore(format!("metastore {}: {e}", path.display()))
}

/// Create the schema in a fresh file, check or migrate an existing one.
fn init_schema(tx: &Transaction<'_>, path: &Path) -> R<()> {
    let tables: i64 = tx.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
        [],
        |r| r.get(0),
    )?;
    let has_version: i64 = tx.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'VERSION'",
        [],
        |r| r.get(0),
    )?;
    let bad = |msg: String| -> Failure {
        HiveError::Metastore(format!("metastore {}: {msg}", path.display())).into()
    };
    if has_version == 0 {
        if tables > 0 {
            return Err(bad("not a Shark metastore (no VERSION table)".into()));
        }
        tx.execute_batch(SCHEMA)?;
        tx.execute(
            "INSERT INTO VERSION (ver_id, schema_version, version_comment) VALUES (1, ?1, ?2)",
            params![SCHEMA_VERSION, "Shark metastore schema"],
        )?;
        return Ok(());
    }
    let version: Option<i64> = tx
        .query_row(
            "SELECT schema_version FROM VERSION WHERE ver_id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let version = version.ok_or_else(|| bad("the VERSION table is empty".into()))?;
    if version > SCHEMA_VERSION {
        return Err(bad(format!(
            "schema version {version} is newer than this Shark supports ({SCHEMA_VERSION}); \
             use a newer Shark or another warehouse"
        )));
    }
    if version < 1 {
        return Err(bad(format!("unknown schema version {version}")));
    }
    for from in version..SCHEMA_VERSION {
        let step = MIGRATIONS
            .get((from - 1) as usize)
            .ok_or_else(|| bad(format!("no migration from schema version {from}")))?;
        tx.execute_batch(step)?;
    }
    if version != SCHEMA_VERSION {
        tx.execute(
            "UPDATE VERSION SET schema_version = ?1 WHERE ver_id = 1",
            [SCHEMA_VERSION],
        )?;
    }
    Ok(())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn path_string(p: &Path) -> Result<String> {
    p.to_str()
        .map(str::to_string)
        .ok_or_else(|| HiveError::Invalid(format!("path is not UTF-8: {}", p.display())))
}

/// `base/child` for locations stored as strings.
fn join_location(base: &str, child: &str) -> String {
    format!("{}/{child}", base.trim_end_matches('/'))
}

/// Hive's rule for database and table names (`[A-Za-z0-9_]+`, at most 128
/// characters): they become folder names and must not need quoting.
fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(HiveError::Invalid(format!(
            "{name} is not a valid object name"
        )))
    }
}

/// Lower-case the names of `t`, check them, and check the columns.
fn normalize_table(t: &Table) -> Result<Table> {
    let mut t = t.clone();
    t.db = t.db.to_lowercase();
    t.name = t.name.to_lowercase();
    validate_name(&t.db)?;
    validate_name(&t.name)?;
    let data_columns = t.columns.len();
    let mut seen = HashSet::new();
    for (i, c) in t
        .columns
        .iter_mut()
        .chain(t.partition_keys.iter_mut())
        .enumerate()
    {
        c.name = c.name.to_lowercase();
        c.type_name = c.type_name.trim().to_lowercase();
        if c.name.is_empty() {
            return Err(HiveError::Invalid("Empty column name".to_string()));
        }
        if !seen.insert(c.name.clone()) {
            return Err(HiveError::Invalid(if i < data_columns {
                format!("Duplicate column name: {}", c.name)
            } else {
                format!("Column repeated in partitioning columns: {}", c.name)
            }));
        }
    }
    for c in &mut t.storage.bucket_columns {
        *c = c.to_lowercase();
    }
    for c in &mut t.storage.sort_columns {
        c.name = c.name.to_lowercase();
    }
    if t.is_view() && t.view_text.is_none() {
        return Err(HiveError::Invalid(format!(
            "View {} has no query text",
            t.qualified_name()
        )));
    }
    Ok(t)
}

/// Values checked against the partition keys of `t`, empty ones replaced by
/// [`DEFAULT_PARTITION_NAME`].
fn check_values(t: &Table, values: &[String]) -> R<Vec<String>> {
    if !t.is_partitioned() {
        return Err(
            HiveError::Invalid(format!("Table {} is not partitioned", t.qualified_name())).into(),
        );
    }
    if values.len() != t.partition_keys.len() {
        let keys: Vec<&str> = t.partition_keys.iter().map(|c| c.name.as_str()).collect();
        return Err(HiveError::Invalid(format!(
            "Partition spec of {} has {} values; the partition keys are ({})",
            t.qualified_name(),
            values.len(),
            keys.join(", ")
        ))
        .into());
    }
    Ok(values.iter().map(|v| normalize_value(v)).collect())
}

fn normalize_value(v: &str) -> String {
    if v.is_empty() {
        DEFAULT_PARTITION_NAME.to_string()
    } else {
        v.to_string()
    }
}

fn filter_names(names: Vec<String>, pattern: Option<&str>) -> Vec<String> {
    match pattern {
        None => names,
        Some(p) => {
            let p = HivePattern::new(p);
            names.into_iter().filter(|n| p.matches(n)).collect()
        }
    }
}

fn db_not_found(name: &str) -> HiveError {
    HiveError::NotFound(format!("Database does not exist: {name}"))
}

fn table_not_found(db: &str, name: &str) -> HiveError {
    HiveError::NotFound(format!("Table not found: {db}.{name}"))
}

fn partition_not_found(t: &Table, name: &str) -> HiveError {
    HiveError::NotFound(format!(
        "Partition not found: {}/{name}",
        t.qualified_name()
    ))
}

fn strings(c: &Connection, sql: &str, p: impl rusqlite::Params) -> R<Vec<String>> {
    let mut st = c.prepare(sql)?;
    let rows = st.query_map(p, |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The id and location of database `name`.
fn db_row(c: &Connection, name: &str) -> R<Option<(i64, String)>> {
    Ok(c.query_row(
        "SELECT db_id, location FROM DBS WHERE name = ?1",
        [name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?)
}

fn load_database(c: &Connection, name: &str) -> R<Option<Database>> {
    let row = c
        .query_row(
            "SELECT db_id, name, description, location, owner FROM DBS WHERE name = ?1",
            [name],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    Database {
                        name: r.get(1)?,
                        description: r.get(2)?,
                        location: r.get(3)?,
                        owner: r.get(4)?,
                        parameters: BTreeMap::new(),
                    },
                ))
            },
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((id, mut db)) => {
            db.parameters = load_params(c, "DATABASE_PARAMS", "db_id", id)?;
            Ok(Some(db))
        }
    }
}

fn table_id(c: &Connection, db: &str, name: &str) -> R<Option<i64>> {
    Ok(c.query_row(
        "SELECT t.tbl_id FROM TBLS t JOIN DBS d ON d.db_id = t.db_id
             WHERE d.name = ?1 AND t.name = ?2",
        [db, name],
        |r| r.get(0),
    )
    .optional()?)
}

fn require_table(c: &Connection, db: &str, name: &str) -> R<(i64, Table)> {
    let id = table_id(c, db, name)?.ok_or_else(|| table_not_found(db, name))?;
    Ok((id, load_table(c, id)?))
}

fn load_table(c: &Connection, id: i64) -> R<Table> {
    let (mut t, table_type, bucket_count) = c.query_row(
        "SELECT d.name, t.name, t.owner, t.create_time, t.table_type, t.view_text, t.comment,
                t.location, t.input_format, t.output_format, t.serde, t.compressed, t.bucket_count
         FROM TBLS t JOIN DBS d ON d.db_id = t.db_id WHERE t.tbl_id = ?1",
        [id],
        |r| {
            let t = Table {
                db: r.get(0)?,
                name: r.get(1)?,
                owner: r.get(2)?,
                create_time: r.get(3)?,
                view_text: r.get(5)?,
                comment: r.get(6)?,
                storage: StorageDescriptor {
                    location: r.get(7)?,
                    input_format: r.get(8)?,
                    output_format: r.get(9)?,
                    serde: r.get(10)?,
                    compressed: r.get(11)?,
                    ..StorageDescriptor::none()
                },
                ..Table::default()
            };
            Ok((t, r.get::<_, String>(4)?, r.get::<_, Option<i64>>(12)?))
        },
    )?;
    t.table_type = TableType::parse(&table_type).ok_or_else(|| {
        HiveError::Metastore(format!(
            "table {} has unknown type {table_type}",
            t.qualified_name()
        ))
    })?;
    t.storage.bucket_count = bucket_count.map(|n| n as u32);
    t.columns = load_columns(c, "COLUMNS", id)?;
    t.partition_keys = load_columns(c, "PARTITION_KEYS", id)?;
    t.parameters = load_params(c, "TABLE_PARAMS", "tbl_id", id)?;
    t.storage.serde_params = load_params(c, "SERDE_PARAMS", "tbl_id", id)?;
    t.storage.bucket_columns = strings(
        c,
        "SELECT name FROM BUCKETING_COLS WHERE tbl_id = ?1 ORDER BY position",
        [id],
    )?;
    let mut st =
        c.prepare("SELECT name, ascending FROM SORT_COLS WHERE tbl_id = ?1 ORDER BY position")?;
    let rows = st.query_map([id], |r| {
        Ok(SortColumn {
            name: r.get(0)?,
            ascending: r.get(1)?,
        })
    })?;
    t.storage.sort_columns = rows.collect::<rusqlite::Result<_>>()?;
    Ok(t)
}

/// `table` is one of the constant names COLUMNS / PARTITION_KEYS.
fn load_columns(c: &Connection, table: &str, id: i64) -> R<Vec<Column>> {
    let mut st = c.prepare(&format!(
        "SELECT name, type_name, comment FROM {table} WHERE tbl_id = ?1 ORDER BY position"
    ))?;
    let rows = st.query_map([id], |r| {
        Ok(Column {
            name: r.get(0)?,
            type_name: r.get(1)?,
            comment: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `table` and `id_col` are constant names of a `*_PARAMS` table.
fn load_params(c: &Connection, table: &str, id_col: &str, id: i64) -> R<BTreeMap<String, String>> {
    let mut st = c.prepare(&format!(
        "SELECT param_key, param_value FROM {table} WHERE {id_col} = ?1"
    ))?;
    let rows = st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn write_params(
    c: &Connection,
    table: &str,
    id_col: &str,
    id: i64,
    params: &BTreeMap<String, String>,
) -> R<()> {
    let mut st = c.prepare(&format!(
        "INSERT INTO {table} ({id_col}, param_key, param_value) VALUES (?1, ?2, ?3)"
    ))?;
    for (k, v) in params {
        st.execute(params![id, k, v])?;
    }
    Ok(())
}

fn insert_table(c: &Connection, db_id: i64, t: &Table) -> R<i64> {
    c.execute(
        "INSERT INTO TBLS (db_id, name, owner, create_time, table_type, view_text, comment,
                           location, input_format, output_format, serde, compressed, bucket_count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            db_id,
            t.name,
            t.owner,
            t.create_time,
            t.table_type.as_str(),
            t.view_text,
            t.comment,
            t.storage.location,
            t.storage.input_format,
            t.storage.output_format,
            t.storage.serde,
            t.storage.compressed,
            t.storage.bucket_count,
        ],
    )?;
    let id = c.last_insert_rowid();
    write_table_children(c, id, t)?;
    Ok(id)
}

/// Rewrite the row and children of table `id` in place: its id stays, so
/// its partitions stay attached (also across a rename).
fn update_table(c: &Connection, id: i64, db_id: i64, t: &Table) -> R<()> {
    c.execute(
        "UPDATE TBLS SET db_id = ?1, name = ?2, owner = ?3, create_time = ?4, table_type = ?5,
                view_text = ?6, comment = ?7, location = ?8, input_format = ?9,
                output_format = ?10, serde = ?11, compressed = ?12, bucket_count = ?13
         WHERE tbl_id = ?14",
        params![
            db_id,
            t.name,
            t.owner,
            t.create_time,
            t.table_type.as_str(),
            t.view_text,
            t.comment,
            t.storage.location,
            t.storage.input_format,
            t.storage.output_format,
            t.storage.serde,
            t.storage.compressed,
            t.storage.bucket_count,
            id,
        ],
    )?;
    for child in [
        "COLUMNS",
        "PARTITION_KEYS",
        "TABLE_PARAMS",
        "SERDE_PARAMS",
        "BUCKETING_COLS",
        "SORT_COLS",
    ] {
        c.execute(&format!("DELETE FROM {child} WHERE tbl_id = ?1"), [id])?;
    }
    write_table_children(c, id, t)
}

fn write_table_children(c: &Connection, id: i64, t: &Table) -> R<()> {
    for (table, cols) in [
        ("COLUMNS", &t.columns),
        ("PARTITION_KEYS", &t.partition_keys),
    ] {
        let mut st = c.prepare(&format!(
            "INSERT INTO {table} (tbl_id, position, name, type_name, comment)
             VALUES (?1, ?2, ?3, ?4, ?5)"
        ))?;
        for (i, col) in cols.iter().enumerate() {
            st.execute(params![id, i as i64, col.name, col.type_name, col.comment])?;
        }
    }
    write_params(c, "TABLE_PARAMS", "tbl_id", id, &t.parameters)?;
    write_params(c, "SERDE_PARAMS", "tbl_id", id, &t.storage.serde_params)?;
    let mut st =
        c.prepare("INSERT INTO BUCKETING_COLS (tbl_id, position, name) VALUES (?1, ?2, ?3)")?;
    for (i, name) in t.storage.bucket_columns.iter().enumerate() {
        st.execute(params![id, i as i64, name])?;
    }
    let mut st = c.prepare(
        "INSERT INTO SORT_COLS (tbl_id, position, name, ascending) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, s) in t.storage.sort_columns.iter().enumerate() {
        st.execute(params![id, i as i64, s.name, s.ascending])?;
    }
    Ok(())
}

/// Partition locations at or under `old` move under `new` (a renamed
/// managed table's folder moves with its partitions).
fn relocate_partitions(c: &Connection, tbl_id: i64, old: &str, new: &str) -> R<()> {
    let rows: Vec<(i64, String)> = {
        let mut st = c.prepare("SELECT part_id, location FROM PARTITIONS WHERE tbl_id = ?1")?;
        let rows = st.query_map([tbl_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let old = old.trim_end_matches('/');
    for (id, loc) in rows {
        let rest = match loc.strip_prefix(old) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
            _ => continue,
        };
        c.execute(
            "UPDATE PARTITIONS SET location = ?1 WHERE part_id = ?2",
            params![format!("{}{rest}", new.trim_end_matches('/')), id],
        )?;
    }
    Ok(())
}

fn partition_id(c: &Connection, tbl_id: i64, name: &str) -> R<Option<i64>> {
    Ok(c.query_row(
        "SELECT part_id FROM PARTITIONS WHERE tbl_id = ?1 AND part_name = ?2",
        params![tbl_id, name],
        |r| r.get(0),
    )
    .optional()?)
}

fn insert_partition(c: &Connection, tbl_id: i64, name: &str, p: &Partition) -> R<i64> {
    c.execute(
        "INSERT INTO PARTITIONS (tbl_id, part_name, location, create_time)
         VALUES (?1, ?2, ?3, ?4)",
        params![tbl_id, name, p.location, p.create_time],
    )?;
    let id = c.last_insert_rowid();
    let mut st =
        c.prepare("INSERT INTO PARTITION_KEY_VALS (part_id, position, value) VALUES (?1, ?2, ?3)")?;
    for (i, v) in p.values.iter().enumerate() {
        st.execute(params![id, i as i64, v])?;
    }
    write_params(c, "PARTITION_PARAMS", "part_id", id, &p.parameters)?;
    Ok(id)
}

/// The partitions of table `tbl_id` (only `part_id` if given), ordered by
/// partition name as Hive orders them.
fn load_partitions(c: &Connection, tbl_id: i64, only: Option<i64>) -> R<Vec<Partition>> {
    let mut parts: Vec<(i64, Partition)> = {
        let mut st = c.prepare(
            "SELECT part_id, location, create_time FROM PARTITIONS
             WHERE tbl_id = ?1 AND (?2 IS NULL OR part_id = ?2) ORDER BY part_name",
        )?;
        let rows = st.query_map(params![tbl_id, only], |r| {
            Ok((
                r.get(0)?,
                Partition {
                    values: Vec::new(),
                    location: r.get(1)?,
                    parameters: BTreeMap::new(),
                    create_time: r.get(2)?,
                },
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let index: HashMap<i64, usize> = parts
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let mut st = c.prepare(
        "SELECT v.part_id, v.value FROM PARTITION_KEY_VALS v JOIN PARTITIONS p
             ON p.part_id = v.part_id
         WHERE p.tbl_id = ?1 AND (?2 IS NULL OR p.part_id = ?2) ORDER BY v.part_id, v.position",
    )?;
    let mut rows = st.query(params![tbl_id, only])?;
    while let Some(r) = rows.next()? {
        let (id, v): (i64, String) = (r.get(0)?, r.get(1)?);
        if let Some(&i) = index.get(&id) {
            parts[i].1.values.push(v);
        }
    }
    let mut st = c.prepare(
        "SELECT pp.part_id, pp.param_key, pp.param_value FROM PARTITION_PARAMS pp
         JOIN PARTITIONS p ON p.part_id = pp.part_id
         WHERE p.tbl_id = ?1 AND (?2 IS NULL OR p.part_id = ?2)",
    )?;
    let mut rows = st.query(params![tbl_id, only])?;
    while let Some(r) = rows.next()? {
        let (id, k, v): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if let Some(&i) = index.get(&id) {
            parts[i].1.parameters.insert(k, v);
        }
    }
    Ok(parts.into_iter().map(|(_, p)| p).collect())
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
