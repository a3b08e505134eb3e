//! The engine's error type. Errors are values that travel from tasks on worker
//! threads back to the driver, so they are `Clone` and carry messages, not
//! `std::io::Error`s.

use thiserror::Error;

/// Everything that can go wrong in the engine, from a bad master URL to a job
/// whose task kept failing.
///
/// It serializes: a task that ran on an executor reports its end as one of
/// these, so the driver tells a fetch failure from a failed task by kind,
/// never by parsing a message.
#[derive(Debug, Error, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum RddError {
    /// The master string given to `Context::new` is not one we can run.
    #[error("invalid master URL '{0}': expected local, local[K], local[*], local[K,F], local-cluster[N,C,M] or shark://host:port")]
    InvalidMaster(String),
    /// A configuration value does not parse or is out of range.
    #[error("invalid setting {key}={value}: {reason}")]
    InvalidConf {
        key: String,
        value: String,
        reason: String,
    },
    /// An input path (file, directory or glob) matched nothing.
    #[error("input path does not exist: {0}")]
    InputNotFound(String),
    /// A file system operation failed.
    #[error("I/O error on {path}: {message}")]
    Io { path: String, message: String },
    /// `save_as_text_file` refuses to overwrite, as Spark does.
    #[error("output directory {0} already exists")]
    OutputExists(String),
    /// A task kept failing until its attempts ran out, so the job was aborted.
    #[error("job aborted: stage {stage} failed: task for partition {partition} failed {attempts} time(s); last error: {cause}")]
    JobFailed {
        stage: usize,
        partition: usize,
        attempts: usize,
        cause: String,
    },
    /// A stage kept losing its shuffle inputs.
    #[error("job aborted: stage {stage} was resubmitted {attempts} times after lost shuffle output; last error: {cause}")]
    StageFailed {
        stage: usize,
        attempts: usize,
        cause: String,
    },
    /// A task panicked or a user function reported an error.
    #[error("{0}")]
    Task(String),
    /// A failure another attempt would repeat (a bad value, a failed
    /// assertion, an invalid argument): the job fails at once, untried.
    #[error("{0}")]
    Fatal(String),
    /// A reduce task could not read one map task's output; the scheduler
    /// answers by re-running that map task (Spark's FetchFailed path).
    #[error("shuffle {shuffle_id}: output of map task {map_id} is missing")]
    FetchFailed { shuffle_id: usize, map_id: usize },
    /// The executor running a task went away (it exited, or stopped
    /// answering heartbeats): the task runs again elsewhere, and the map
    /// outputs it held are computed again.
    #[error("executor {executor} lost: {reason}")]
    ExecutorLost { executor: String, reason: String },
    /// Data could not be encoded or decoded.
    #[error("serialization error: {0}")]
    Serde(String),
    /// `reduce`, `first` and friends have no answer on an empty RDD.
    #[error("{0}: the RDD is empty")]
    EmptyCollection(std::borrow::Cow<'static, str>),
    /// A destroyed broadcast variable was read.
    #[error("broadcast {0} was destroyed and cannot be read")]
    BroadcastDestroyed(u64),
    /// The job was cancelled by its caller.
    #[error("job cancelled")]
    Cancelled,
    /// The context was stopped; create a new one.
    #[error("the context has been stopped")]
    ContextStopped,
    /// An argument is outside its domain (negative fraction, zero partitions...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

/// Shorthand used across the crate.
pub type Result<T, E = RddError> = std::result::Result<T, E>;

impl RddError {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl AsRef<std::path::Path>, err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::NotFound {
            return RddError::Io {
                path: path.as_ref().display().to_string(),
                message: "no such file or directory".into(),
            };
        }
        RddError::Io {
            path: path.as_ref().display().to_string(),
            message: err.to_string(),
        }
    }
}
