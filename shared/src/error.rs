//! Typed errors of the shared library. Every error about a file names it
//! and, where the reader can do something about it, says what.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The reason is in the message, not in `source()`, so that `{:#}`
    /// chains do not print it twice.
    #[error("{path}: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error(
        "{path}: not an index file (wrong magic bytes); build one with `indexer build LIBRARY -o {path}`"
    )]
    NotAnIndex { path: PathBuf },
    #[error(
        "{path}: index format version {found} is not supported (this build reads version {supported}); rebuild it with `indexer build LIBRARY -o {path}`"
    )]
    Incompatible {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{path}: index is corrupt: {why}; rebuild it with `indexer build LIBRARY -o {path}`")]
    Corrupt { path: PathBuf, why: String },
    #[error("index has too many {what} for the format ({count})")]
    TooLarge { what: &'static str, count: usize },
}

impl IndexError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        IndexError::Io {
            path: path.into(),
            cause: source,
        }
    }

    pub fn corrupt(path: impl Into<PathBuf>, why: impl Into<String>) -> Self {
        IndexError::Corrupt {
            path: path.into(),
            why: why.into(),
        }
    }
}

/// Why a screenshot could not be searched.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("the image could not be decoded: {0}")]
    InvalidImage(String),
    #[error("the image is too large: {0}")]
    TooLarge(String),
}
