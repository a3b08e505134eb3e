//! Key/value settings of a context, with the engine's defaults.

use crate::error::{RddError, Result};
use std::collections::BTreeMap;

/// Default parallelism for shuffles and `parallelize` (defaults to the worker count).
pub const DEFAULT_PARALLELISM: &str = "shark.default.parallelism";
/// Bytes of cached RDD blocks held in memory before LRU eviction.
pub const MEMORY_STORAGE: &str = "shark.memory.storage";
/// Bytes of aggregation and sort buffers all running tasks may hold together;
/// each task gets an equal share and spills past it.
pub const MEMORY_EXECUTION: &str = "shark.memory.execution";
/// Bytes of finished map outputs kept in memory; the rest go to scratch files.
pub const SHUFFLE_MEMORY: &str = "shark.shuffle.memory";
/// Parent folder of the context's scratch directory.
pub const LOCAL_DIR: &str = "shark.local.dir";
/// Attempts a task gets before its job fails.
pub const TASK_MAX_FAILURES: &str = "shark.task.maxFailures";
/// `FAIR` (default) lets concurrent jobs share the workers evenly, so a short
/// query is not queued behind a long scan's backlog; `FIFO` runs jobs in order.
pub const SCHEDULER_MODE: &str = "shark.scheduler.mode";
/// Tasks one job may run at once (0, the default: all workers). Tasks are not
/// preempted, so a server that must answer short queries while a job of
/// hour-long tasks runs sets this below the worker count (Spark's `maxShare`).
pub const MAX_RUNNING_TASKS_PER_JOB: &str = "shark.scheduler.maxRunningTasksPerJob";
/// Times a stage is resubmitted after lost shuffle output before its job fails.
pub const STAGE_MAX_ATTEMPTS: &str = "shark.stage.maxConsecutiveAttempts";

/// The settings a context reads once, when it starts: changing them later
/// would do nothing, so front ends refuse `SET` on them at run time.
pub const STATIC_KEYS: [&str; 9] = [
    DEFAULT_PARALLELISM,
    MEMORY_STORAGE,
    MEMORY_EXECUTION,
    SHUFFLE_MEMORY,
    LOCAL_DIR,
    TASK_MAX_FAILURES,
    SCHEDULER_MODE,
    MAX_RUNNING_TASKS_PER_JOB,
    STAGE_MAX_ATTEMPTS,
];

/// True for a setting the context reads only when it starts.
pub fn is_static(key: &str) -> bool {
    STATIC_KEYS.contains(&key)
}

/// The settings of a properties file (`shark-defaults.conf`, as Spark's
/// `spark-defaults.conf`): one `key value` or `key=value` a line, `#` and
/// `!` comment lines; an error names the line.
pub fn parse_properties(text: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let split = line
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(line.len());
        let key = line[..split].trim();
        let value = line[split..]
            .trim_start()
            .strip_prefix('=')
            .unwrap_or(line[split..].trim_start())
            .trim();
        if key.is_empty() {
            return Err(format!("line {}: a setting needs a key", n + 1));
        }
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
}

/// The properties file a front end reads when none is given: `$SHARK_CONF_DIR/shark-defaults.conf`, if it exists.
pub fn default_properties_file() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("SHARK_CONF_DIR")?;
    let path = std::path::Path::new(&dir).join("shark-defaults.conf");
    path.is_file().then_some(path)
}

/// Reads a properties file's settings.
pub fn read_properties(
    path: &std::path::Path,
) -> std::result::Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_properties(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A context's settings: string keys and values, as Spark's `SparkConf`, with
/// typed getters that report bad values as errors instead of ignoring them.
#[derive(Debug, Clone, Default)]
pub struct Conf {
    values: BTreeMap<String, String>,
}

impl Conf {
    /// An empty configuration: every key takes its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`, builder style.
    pub fn set(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.values.insert(key.into(), value.into());
        self
    }

    /// Sets `key` to `value` in place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.values.insert(key.into(), value.into());
    }

    /// The raw value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|s| s.as_str())
    }

    /// All settings, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `key` as an unsigned integer, or `default` when unset.
    pub fn get_usize(&self, key: &str, default: usize) -> Result<usize> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| bad(key, v, "expected a whole number")),
        }
    }

    /// `key` as a byte size (`1048576`, `64k`, `512m`, `2g`), or `default` when unset.
    pub fn get_bytes(&self, key: &str, default: u64) -> Result<u64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => {
                parse_bytes(v).ok_or_else(|| bad(key, v, "expected a size such as 512m or 2g"))
            }
        }
    }
}

fn bad(key: &str, value: &str, reason: &str) -> RddError {
    RddError::InvalidConf {
        key: key.into(),
        value: value.into(),
        reason: reason.into(),
    }
}

/// Parses sizes the way Spark does: a number with an optional k/m/g/t suffix
/// (and optional trailing `b`), binary multiples.
pub fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (digits, shift) = match t.chars().last()? {
        'k' => (&t[..t.len() - 1], 10),
        'm' => (&t[..t.len() - 1], 20),
        'g' => (&t[..t.len() - 1], 30),
        't' => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let n: u64 = digits.trim().parse().ok()?;
    n.checked_mul(1u64 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_files_read_as_spark_writes_them() {
        let text = "# engine\nshark.memory.execution   64m\n! old style\nshark.memory.storage=32m\n\nhive.cli.print.header = true\nempty\n";
        assert_eq!(
            parse_properties(text).unwrap(),
            [
                ("shark.memory.execution".to_string(), "64m".to_string()),
                ("shark.memory.storage".into(), "32m".into()),
                ("hive.cli.print.header".into(), "true".into()),
            ]
            .into_iter()
            .chain(std::iter::once(("empty".to_string(), String::new())))
            .collect::<Vec<_>>()
        );
        assert!(parse_properties("=x").unwrap_err().contains("line 1"));
        assert!(is_static(MEMORY_EXECUTION) && !is_static("shark.shuffle.partitions"));
    }

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_bytes("1024"), Some(1024));
        assert_eq!(parse_bytes("64k"), Some(65536));
        assert_eq!(parse_bytes("2g"), Some(2 << 30));
        assert_eq!(parse_bytes("512MB"), Some(512 << 20));
        assert_eq!(parse_bytes("lots"), None);
    }

    #[test]
    fn bad_values_are_errors() {
        let conf = Conf::new().set(TASK_MAX_FAILURES, "four");
        assert!(conf.get_usize(TASK_MAX_FAILURES, 4).is_err());
        assert_eq!(conf.get_usize("unset", 7).unwrap(), 7);
    }
}
