//! Writing an RDD as text files, committed the way Hadoop's output
//! committer does: each task writes to a private attempt file and renames it
//! into a staging folder when it succeeds; the job renames the staging
//! folder to the target when every task has. A failed job leaves nothing.

use crate::error::{RddError, Result};
use crate::listener::TaskMetrics;
use crate::rdd::{Data, Rdd};
use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) fn save_as_text_file<T: Data + std::fmt::Display>(
    rdd: &Rdd<T>,
    path: &str,
) -> Result<()> {
    let target = PathBuf::from(path);
    if target.exists() {
        return Err(RddError::OutputExists(path.to_string()));
    }
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| RddError::io(&parent, e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .ok_or_else(|| RddError::InvalidArgument(format!("'{path}' is not a file name")))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let staging = parent.join(format!(".{name}._staging-{}-{nanos}", std::process::id()));
    let attempts = staging.join("_attempts");
    std::fs::create_dir_all(&attempts).map_err(|e| RddError::io(&attempts, e))?;

    let result = (|| {
        let dir = staging.clone();
        rdd.context().run_job(rdd, None, move |tc, it| {
            let part = dir.join(format!("part-{:05}", tc.partition_id()));
            let attempt = dir.join("_attempts").join(format!(
                "part-{:05}-{}",
                tc.partition_id(),
                tc.attempt_number()
            ));
            let file = std::fs::File::create(&attempt).map_err(|e| RddError::io(&attempt, e))?;
            let mut w = std::io::BufWriter::with_capacity(256 * 1024, file);
            let (mut records, mut bytes) = (0u64, 0u64);
            for x in it {
                let line = format!("{x}\n");
                w.write_all(line.as_bytes())
                    .map_err(|e| RddError::io(&attempt, e))?;
                records += 1;
                bytes += line.len() as u64;
            }
            if let Some(e) = tc.take_error() {
                let _ = std::fs::remove_file(&attempt);
                return Err(e);
            }
            w.flush().map_err(|e| RddError::io(&attempt, e))?;
            drop(w);
            std::fs::rename(&attempt, &part).map_err(|e| RddError::io(&part, e))?;
            TaskMetrics::add(&tc.metrics.records_written, records);
            TaskMetrics::add(&tc.metrics.bytes_written, bytes);
            Ok(())
        })?;
        std::fs::remove_dir_all(&attempts).map_err(|e| RddError::io(&attempts, e))?;
        let success = staging.join("_SUCCESS");
        std::fs::File::create(&success).map_err(|e| RddError::io(&success, e))?;
        commit(&staging, &target, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn commit(staging: &Path, target: &Path, path: &str) -> Result<()> {
    if target.exists() {
        return Err(RddError::OutputExists(path.to_string()));
    }
    std::fs::rename(staging, target).map_err(|e| RddError::io(target, e))
}
