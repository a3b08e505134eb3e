//! The metastore's records: databases, tables with their storage
//! descriptor and columns, partitions, and Hive's name patterns.

use super::rows::join_location;
use super::{
    AVRO_INPUT_FORMAT, AVRO_OUTPUT_FORMAT, AVRO_SERDE, LAZY_SIMPLE_SERDE, ORC_INPUT_FORMAT,
    ORC_OUTPUT_FORMAT, ORC_SERDE, PARQUET_INPUT_FORMAT, PARQUET_OUTPUT_FORMAT, PARQUET_SERDE,
    TEXT_INPUT_FORMAT, TEXT_OUTPUT_FORMAT,
};
use crate::warehouse;
use std::collections::BTreeMap;

/// What kind of table a [`Table`] is, with Hive's names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
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
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SortColumn {
    /// The column name, lower-case once stored.
    pub name: String,
    /// `ASC` (true) or `DESC`.
    pub ascending: bool,
}

/// Where and how a table's data is stored (Hive's `StorageDescriptor`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

    /// `STORED AS ORC`, location to be defaulted.
    pub fn orc() -> StorageDescriptor {
        StorageDescriptor {
            input_format: ORC_INPUT_FORMAT.to_string(),
            output_format: ORC_OUTPUT_FORMAT.to_string(),
            serde: ORC_SERDE.to_string(),
            serde_params: BTreeMap::from([("serialization.format".into(), "1".into())]),
            ..StorageDescriptor::text()
        }
    }

    /// `STORED AS AVRO`, location to be defaulted.
    pub fn avro() -> StorageDescriptor {
        StorageDescriptor {
            input_format: AVRO_INPUT_FORMAT.to_string(),
            output_format: AVRO_OUTPUT_FORMAT.to_string(),
            serde: AVRO_SERDE.to_string(),
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
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
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
    /// The partition's own data columns when they differ from the table's
    /// (`ALTER TABLE … PARTITION (…) ADD|CHANGE|REPLACE COLUMNS`): its
    /// files are read with these and converted to the table's. None: the
    /// table's columns.
    pub columns: Option<Vec<Column>>,
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
