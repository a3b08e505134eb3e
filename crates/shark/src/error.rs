//! Errors of the SQL engine, in Hive's families: parse errors with line and
//! column, semantic (analysis) errors naming what was not found, execution
//! errors from the engine, and unsupported features.

use thiserror::Error;

/// Where in the statement text something is, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// Line, from 1.
    pub line: u64,
    /// Column, from 1.
    pub column: u64,
}

/// Everything a statement can fail with.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SharkError {
    /// The text is not valid HiveQL.
    #[error("ParseException line {}:{} {message}", location.line, location.column)]
    Parse { message: String, location: Location },
    /// The statement is valid HiveQL but does not make sense here: unknown
    /// table, column or function, wrong argument types.
    #[error("SemanticException {}{message}", location.map(|l| format!("[{}:{}] ", l.line, l.column)).unwrap_or_default())]
    Analysis {
        message: String,
        location: Option<Location>,
    },
    /// The statement names something this front end does not allow it to
    /// touch (a path outside shark-server's allowed folders).
    #[error("Permission denied: {0}")]
    Forbidden(String),
    /// Running the statement failed.
    #[error("Execution Error: {0}")]
    Execution(String),
    /// Reading or writing files failed: unlike other execution errors,
    /// another attempt of the task may succeed, so tasks retry it.
    #[error("Execution Error: {0}")]
    Io(String),
    /// A HiveQL feature Shark does not run (yet).
    #[error("Unsupported: {0}")]
    Unsupported(String),
    /// The job was cancelled.
    #[error("Query cancelled")]
    Cancelled,
    /// A failure the engine's scheduler acts on by kind (a lost map
    /// output, a lost executor), kept as it is on its way through the SQL
    /// layer: a task on an executor that hits it while building its stage
    /// must report it as such, not as a message.
    #[error("Execution Error: {0}")]
    Engine(rdd::RddError),
}

/// Shorthand.
pub type Result<T, E = SharkError> = std::result::Result<T, E>;

impl SharkError {
    /// A semantic error without a position.
    pub fn analysis(message: impl Into<String>) -> Self {
        SharkError::Analysis {
            message: message.into(),
            location: None,
        }
    }

    /// A semantic error at a position in the statement.
    pub fn analysis_at(message: impl Into<String>, span: sqlparser::tokenizer::Span) -> Self {
        let location = (span.start.line > 0).then_some(Location {
            line: span.start.line,
            column: span.start.column,
        });
        SharkError::Analysis {
            message: message.into(),
            location,
        }
    }

    /// The error of a statement that starts on line `line` of a script,
    /// with its position counted in the script (parse errors already are).
    pub fn in_script_at_line(self, line: u64) -> Self {
        match self {
            SharkError::Analysis {
                message,
                location: Some(l),
            } if line > 1 => SharkError::Analysis {
                message,
                location: Some(Location {
                    line: l.line + line - 1,
                    column: l.column,
                }),
            },
            other => other,
        }
    }

    /// An unsupported feature.
    pub fn unsupported(what: impl Into<String>) -> Self {
        SharkError::Unsupported(what.into())
    }

    /// An execution failure.
    pub fn exec(message: impl Into<String>) -> Self {
        SharkError::Execution(message.into())
    }

    /// The family name Hive uses (`parse`, `analysis`, ...), for APIs.
    pub fn kind(&self) -> &'static str {
        match self {
            SharkError::Parse { .. } => "parse",
            SharkError::Analysis { .. } => "analysis",
            SharkError::Execution(_) | SharkError::Io(_) | SharkError::Engine(_) => "execution",
            SharkError::Unsupported(_) => "analysis",
            SharkError::Cancelled => "cancelled",
            SharkError::Forbidden(_) => "forbidden",
        }
    }
}

impl From<arrow::error::ArrowError> for SharkError {
    fn from(e: arrow::error::ArrowError) -> Self {
        match e {
            arrow::error::ArrowError::IoError(..) => SharkError::Io(e.to_string()),
            other => SharkError::Execution(other.to_string()),
        }
    }
}

impl From<rdd::RddError> for SharkError {
    fn from(e: rdd::RddError) -> Self {
        match e {
            rdd::RddError::Cancelled => SharkError::Cancelled,
            e @ (rdd::RddError::FetchFailed { .. } | rdd::RddError::ExecutorLost { .. }) => {
                SharkError::Engine(e)
            }
            rdd::RddError::Fatal(message) => SharkError::Execution(message),
            other => SharkError::Execution(other.to_string()),
        }
    }
}

impl From<storage::StorageError> for SharkError {
    fn from(e: storage::StorageError) -> Self {
        SharkError::Io(e.to_string())
    }
}

impl From<hive::HiveError> for SharkError {
    fn from(e: hive::HiveError) -> Self {
        SharkError::Io(e.to_string())
    }
}

impl From<SharkError> for rdd::RddError {
    fn from(e: SharkError) -> Self {
        match e {
            SharkError::Cancelled => rdd::RddError::Cancelled,
            SharkError::Engine(e) => e,
            // Files may read on another attempt; a value never converts.
            io @ SharkError::Io(_) => rdd::RddError::Task(io.to_string()),
            SharkError::Execution(message) => rdd::RddError::Fatal(message),
            other => rdd::RddError::Fatal(other.to_string()),
        }
    }
}
