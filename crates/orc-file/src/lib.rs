//! # orc-file — ORC files as Arrow record batches
//!
//! Hive warehouses are mostly ORC. This crate reads ORC files (a file's
//! schema and stripes; a byte range of stripes with projection and
//! row-group pruning by simple comparisons) and writes them, in the
//! workspace's Arrow version. The codec is `orc-rust`, which builds on
//! Arrow 59; its batches cross over through the Arrow C data interface
//! without copying ([`bridge`]). When orc-rust moves to the workspace's
//! Arrow, `bridge` goes and nothing else changes.

pub mod bridge;
mod encode;
mod read;
mod write;

pub use read::{
    inspect, read_stripes, CompareOp, Comparison, Literal, OrcBatches, OrcFile, OrcSource, Stripe,
};
pub use write::OrcWriter;

use thiserror::Error;

/// Errors reading or writing ORC files.
#[derive(Debug, Error)]
pub enum OrcError {
    /// The file could not be opened, read or written.
    #[error("I/O error on {path}: {message}")]
    Io { path: String, message: String },
    /// The file is not valid ORC, or orc-rust could not decode it.
    #[error("ORC file {path}: {message}")]
    Format { path: String, message: String },
    /// A value or type could not cross between the Arrow versions.
    #[error("ORC data could not be converted: {0}")]
    Bridge(String),
    /// An Arrow operation failed.
    #[error("{0}")]
    Arrow(#[from] arrow::error::ArrowError),
    /// A column type the ORC writer cannot store.
    #[error("{0}")]
    Unsupported(String),
}

/// Shorthand.
pub type Result<T, E = OrcError> = std::result::Result<T, E>;

impl OrcError {
    fn io(path: &std::path::Path, e: impl std::fmt::Display) -> OrcError {
        OrcError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }

    fn format(path: &std::path::Path, e: impl std::fmt::Display) -> OrcError {
        OrcError::Format {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }
}
