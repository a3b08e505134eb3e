//! TRANSFORM: each partition's rows streamed as text lines to a script
//! (`/bin/sh -c command`, as Spark runs them), its output lines read back
//! into batches. A writer thread feeds stdin while the task reads stdout,
//! so neither side waits on the other; stderr is kept (its tail) for the
//! error when the script fails. The script starts at a partition's first
//! row, as Hive's ScriptOperator does: an empty partition runs nothing.
//! The script runs in a process group of its own, killed whole (pipes and
//! children included) when the task ends early, is cancelled, or fails.

use crate::batch::Batch;
use crate::error::SharkError;
use crate::script::ScriptSpec;
use crate::table::BATCH_ROWS;
use arrow::array::{ArrayRef, RecordBatch, StringBuilder};
use arrow::datatypes::SchemaRef;
use rdd::{BoxIter, Rdd, TaskContext};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Bytes of a failing script's stderr kept for its error message.
const STDERR_TAIL: usize = 4096;

/// Runs `spec` over each partition of `rdd`; output rows have `schema`.
pub(crate) fn transform(rdd: &Rdd<Batch>, spec: ScriptSpec, schema: SchemaRef) -> Rdd<Batch> {
    rdd.map_partitions_with_context(false, move |_, tc, it| {
        let mut it = it.peekable();
        if it.peek().is_none() {
            return Box::new(std::iter::empty());
        }
        match ScriptRun::start(&spec, Box::new(it), schema.clone(), tc.clone()) {
            Ok(run) => Box::new(run),
            Err(e) => {
                tc.fail(e.into());
                Box::new(std::iter::empty())
            }
        }
    })
}

/// One running script: its output as batches.
struct ScriptRun {
    spec: ScriptSpec,
    schema: SchemaRef,
    tc: Arc<TaskContext>,
    child: Child,
    stdout: BufReader<ChildStdout>,
    writer: Option<JoinHandle<Result<(), SharkError>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    /// Set when the script's output is no longer wanted: the writer stops
    /// pulling input and the watchdog ends.
    stop: Arc<AtomicBool>,
    watchdog: Option<JoinHandle<()>>,
    /// The folder holding links to ADD FILE's files, removed when dropped.
    workdir: Option<tempfile::TempDir>,
    line: Vec<u8>,
    done: bool,
}

/// Kills the script's whole process group (the shell and what it started),
/// through kill(1): this crate has no unsafe code for kill(2).
fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

impl ScriptRun {
    fn start(
        spec: &ScriptSpec,
        input: BoxIter<Batch>,
        schema: SchemaRef,
        tc: Arc<TaskContext>,
    ) -> Result<ScriptRun, SharkError> {
        let workdir = work_folder(&spec.files)?;
        let mut command = Command::new("/bin/sh");
        if let Some(dir) = &workdir {
            let dir = dir.path();
            let path = std::env::var_os("PATH").unwrap_or_default();
            let mut paths = vec![dir.to_path_buf()];
            paths.extend(std::env::split_paths(&path));
            command
                .current_dir(dir)
                .env("PATH", std::env::join_paths(paths).unwrap_or(path));
        }
        let mut child = command
            .arg("-c")
            .arg(&spec.command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|e| SharkError::exec(format!("cannot run script '{}': {e}", spec.command)))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::with_capacity(1 << 16, child.stdout.take().expect("piped"));
        let mut stderr = child.stderr.take().expect("piped");
        let format = spec.input.text_format();
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (tc, stop) = (tc.clone(), stop.clone());
            // The input's operators run here: as part of the task.
            std::thread::spawn(move || {
                TaskContext::run_as(&tc, || feed(input, stdin, &format, &stop))
            })
        };
        let watchdog = {
            let (tc, stop, pid) = (tc.clone(), stop.clone(), child.id());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if tc.is_cancelled() {
                        kill_group(pid);
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        let stderr = std::thread::spawn(move || {
            let mut tail = Vec::new();
            let mut buf = [0u8; 8192];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > 2 * STDERR_TAIL {
                    tail.drain(..tail.len() - STDERR_TAIL);
                }
            }
            tail
        });
        Ok(ScriptRun {
            spec: spec.clone(),
            schema,
            tc,
            child,
            stdout,
            writer: Some(writer),
            stderr: Some(stderr),
            stop,
            watchdog: Some(watchdog),
            workdir,
            line: Vec::new(),
            done: false,
        })
    }

    /// Up to a batch of output lines, without their line ends.
    fn read_lines(&mut self) -> Result<Vec<String>, SharkError> {
        let mut lines = Vec::new();
        while lines.len() < BATCH_ROWS {
            self.line.clear();
            let n = self
                .stdout
                .read_until(b'\n', &mut self.line)
                .map_err(|e| SharkError::exec(format!("reading script output: {e}")))?;
            if n == 0 {
                break;
            }
            if self.line.last() == Some(&b'\n') {
                self.line.pop();
            }
            lines.push(String::from_utf8_lossy(&self.line).into_owned());
        }
        Ok(lines)
    }

    /// The lines as output rows.
    fn to_batch(&self, lines: &[String]) -> Result<RecordBatch, SharkError> {
        let format = self.spec.output.text_format();
        if self.spec.key_value {
            // Without AS: the key is the text up to the first separator,
            // the value all the rest (NULL when there is no separator).
            let (mut keys, mut values) = (StringBuilder::new(), StringBuilder::new());
            for l in lines {
                let (k, v) = match l.split_once(format.field_delim.as_str()) {
                    Some((k, v)) => (k, Some(v)),
                    None => (l.as_str(), None),
                };
                keys.append_option((k != format.null_string).then_some(k));
                values.append_option(v.filter(|v| *v != format.null_string));
            }
            let columns: Vec<ArrayRef> = vec![Arc::new(keys.finish()), Arc::new(values.finish())];
            return Ok(RecordBatch::try_new(self.schema.clone(), columns)?);
        }
        let (batch, bad) = hive::text::parse_lines(lines, &self.schema, &format)?;
        rdd::listener::TaskMetrics::add(&self.tc.metrics.invalid_values, bad);
        Ok(batch)
    }

    /// After the last output line: the script's exit, the writer's end.
    fn finish(&mut self) -> Result<(), SharkError> {
        self.done = true;
        let status = self
            .child
            .wait()
            .map_err(|e| SharkError::exec(format!("waiting for script: {e}")))?;
        self.stop.store(true, Ordering::Relaxed);
        if self.tc.is_cancelled() {
            return Err(SharkError::Cancelled);
        }
        let fed = self.writer.take().map(|w| w.join());
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        if !status.success() {
            let text = String::from_utf8_lossy(&stderr);
            let text = text.trim();
            let what = match status.code() {
                Some(c) => format!("exited with status {c}"),
                None => "was killed by a signal".to_string(),
            };
            return Err(SharkError::exec(format!(
                "script '{}' {what}{}{}",
                self.spec.command,
                if text.is_empty() { "" } else { ": " },
                text
            )));
        }
        match fed {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(SharkError::exec("the script's input writer panicked")),
            None => Ok(()),
        }
    }
}

/// Writes the input rows to the script's stdin, then closes it. A script
/// that exits without reading everything (`head -1`) is not an error here:
/// its exit status decides.
fn feed(
    input: BoxIter<Batch>,
    mut stdin: std::process::ChildStdin,
    format: &hive::text::TextFormat,
    stop: &AtomicBool,
) -> Result<(), SharkError> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut stdin);
    for Batch(b) in input {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let lines = hive::text::format_rows(&b, format)?;
        for l in lines {
            let written = out
                .write_all(l.as_bytes())
                .and_then(|_| out.write_all(b"\n"));
            match written {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                Err(e) => return Err(SharkError::exec(format!("writing to script: {e}"))),
            }
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(SharkError::exec(format!("writing to script: {e}")))
        }
        _ => Ok(()),
    }
}

impl Iterator for ScriptRun {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        if self.done {
            return None;
        }
        let step = self.read_lines().and_then(|lines| {
            if lines.is_empty() {
                self.finish().map(|_| None)
            } else {
                self.to_batch(&lines).map(Some)
            }
        });
        match step {
            Ok(Some(b)) => Some(Batch(b)),
            Ok(None) => None,
            Err(e) => {
                self.stop_script();
                self.tc.fail(e.into());
                None
            }
        }
    }
}

impl ScriptRun {
    /// Stops the script and the threads serving it (once).
    fn stop_script(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if !self.done {
            self.done = true;
            kill_group(self.child.id());
            let _ = self.child.wait();
        }
        // Its pipes are closed now: the threads end at their next write or read.
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
        if let Some(w) = self.watchdog.take() {
            let _ = w.join();
        }
        if let Some(e) = self.stderr.take() {
            let _ = e.join();
        }
        // The working folder goes with its TempDir.
        self.workdir.take();
    }
}

/// A new private folder (random name, created exclusively, owner-only)
/// with a link to each added file by its name, or None when no file was
/// added. Two added files of one name are an error: one would hide the other.
fn work_folder(files: &[std::path::PathBuf]) -> Result<Option<tempfile::TempDir>, SharkError> {
    if files.is_empty() {
        return Ok(None);
    }
    let dir = tempfile::Builder::new()
        .prefix("shark-script-")
        .tempdir()
        .map_err(|e| SharkError::exec(format!("cannot make a folder for the script: {e}")))?;
    for f in files {
        let Some(name) = f.file_name() else { continue };
        let link = dir.path().join(name);
        if link.symlink_metadata().is_ok() {
            return Err(SharkError::exec(format!(
                "two added files are named {}: a script would see only one",
                name.to_string_lossy()
            )));
        }
        std::os::unix::fs::symlink(f, &link)
            .map_err(|e| SharkError::exec(format!("linking {}: {e}", f.display())))?;
    }
    Ok(Some(dir))
}

impl Drop for ScriptRun {
    /// A task that stops early (LIMIT, cancellation) stops the script.
    fn drop(&mut self) {
        self.stop_script();
    }
}
