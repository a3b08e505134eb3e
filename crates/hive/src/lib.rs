//! # hive — Hive's on-disk world
//!
//! Hive types and their Arrow equivalents, the text SerDe (LazySimpleSerDe:
//! `\001`-delimited fields, `\N` nulls) and Parquet files, all producing and
//! consuming Arrow record batches. The metastore and warehouse layout come
//! with the catalog.

#![deny(unsafe_code)]

pub mod parquet_file;
pub mod text;
pub mod types;

use thiserror::Error;

/// Errors reading or writing Hive data.
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
