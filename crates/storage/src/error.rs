//! What can go wrong reaching a file, local or remote.

use std::path::{Path, PathBuf};

/// A file operation that failed, with the location it was about.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    /// Nothing at this location (no file, no object, no folder).
    #[error("{0}: no such file or directory")]
    NotFound(PathBuf),
    /// A local file-system error.
    #[error("{path}: {message}")]
    Io {
        /// Where.
        path: PathBuf,
        /// The OS's kind of error.
        kind: std::io::ErrorKind,
        /// The OS's reason.
        message: String,
    },
    /// The object store refused or could not be reached.
    #[error("{path}: {message}")]
    Remote {
        /// The `s3://…` location.
        path: PathBuf,
        /// The store's reason (never credentials).
        message: String,
    },
    /// A location or setting that cannot be used as written.
    #[error("{0}")]
    Config(String),
    /// A request ended without an answer (its client panicked).
    #[error("a storage request was aborted")]
    Aborted,
}

impl StorageError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> StorageError {
        if source.kind() == std::io::ErrorKind::NotFound {
            return StorageError::NotFound(path.to_path_buf());
        }
        StorageError::Io {
            path: path.to_path_buf(),
            kind: source.kind(),
            message: source.to_string(),
        }
    }

    pub(crate) fn remote(path: &Path, e: object_store::Error) -> StorageError {
        match e {
            object_store::Error::NotFound { .. } => StorageError::NotFound(path.to_path_buf()),
            other => StorageError::Remote {
                path: path.to_path_buf(),
                message: other.to_string(),
            },
        }
    }

    /// True when nothing was found at the location.
    pub fn is_not_found(&self) -> bool {
        matches!(self, StorageError::NotFound(_))
    }
}

/// Results of file operations.
pub type Result<T> = std::result::Result<T, StorageError>;
