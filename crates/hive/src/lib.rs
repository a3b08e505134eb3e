//! # hive — Hive's on-disk world
//!
//! Hive types and their Arrow equivalents, the text SerDe (LazySimpleSerDe:
//! `\001`-delimited fields, `\N` nulls) and Parquet files, all producing and
//! consuming Arrow record batches; the persistent metastore (databases,
//! tables, partitions in SQLite inside the warehouse) and Hive's warehouse
//! folder layout.

#![deny(unsafe_code)]

pub mod avro_file;
pub mod commit;
pub mod data_file;
pub mod interval;
pub mod leftovers;
pub mod metastore;
pub mod parquet_file;
pub mod projection;
pub mod text;
pub mod types;
pub mod warehouse;
pub mod writers;

use thiserror::Error;

/// Errors reading or writing Hive data or the metastore.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum HiveError {
    /// A type name Hive does not know.
    #[error("unknown Hive type '{0}'")]
    UnknownType(String),
    /// A file could not be read or written.
    #[error("I/O error on {path}: {message}")]
    Io { path: String, message: String },
    /// A Parquet or Arrow operation failed.
    #[error("{0}")]
    Format(String),
    /// A database, table or partition to be created exists already, e.g.
    /// "Table default.t already exists".
    #[error("{0}")]
    AlreadyExists(String),
    /// A database, table or partition to be used does not exist, e.g.
    /// "Database does not exist: x".
    #[error("{0}")]
    NotFound(String),
    /// A request the metastore refuses in the current state, e.g. dropping a
    /// non-empty database without CASCADE.
    #[error("{0}")]
    InvalidOperation(String),
    /// A malformed name, partition spec or partition folder name.
    #[error("{0}")]
    Invalid(String),
    /// A file on a store (or on disk) that could not be reached.
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
    /// The metastore database itself failed: SQLite errors, a corrupt file,
    /// a schema version this build does not know.
    #[error("{0}")]
    Metastore(String),
}

/// Shorthand.
pub type Result<T, E = HiveError> = std::result::Result<T, E>;

impl From<arrow::error::ArrowError> for HiveError {
    fn from(e: arrow::error::ArrowError) -> Self {
        HiveError::Format(e.to_string())
    }
}

impl From<parquet::errors::ParquetError> for HiveError {
    fn from(e: parquet::errors::ParquetError) -> Self {
        HiveError::Format(e.to_string())
    }
}

impl HiveError {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<std::path::Path>, e: std::io::Error) -> Self {
        HiveError::Io {
            path: path.as_ref().display().to_string(),
            message: e.to_string(),
        }
    }
}
