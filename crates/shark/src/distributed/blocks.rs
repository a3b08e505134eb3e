//! An executor's shuffle blocks: what its map tasks wrote, per reduce
//! partition, until the driver says the shuffle is done. Each map task
//! writes one file; every reduce partition's rows in it are Arrow IPC
//! streams at recorded offsets (one per flush), so serving a block reads
//! only its own byte ranges. Folders of executors that died are swept
//! when an executor starts.

use crate::batch::Batch;
use crate::error::{Result, SharkError};
use arrow::compute::concat_batches;
use arrow::ipc::writer::StreamWriter;
use arrow::record_batch::RecordBatch;
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Rows held per map task before they go to its file.
const FLUSH_BYTES: usize = 16 << 20;

struct MapBlocks {
    file: PathBuf,
    /// Per reduce partition: (offset, length) of each IPC stream.
    segments: Vec<Vec<(u64, u64)>>,
}

impl Drop for MapBlocks {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.file);
    }
}

/// The blocks of one executor.
pub(crate) struct BlockStore {
    dir: PathBuf,
    maps: Mutex<HashMap<(usize, usize), Arc<MapBlocks>>>,
    next_file: AtomicUsize,
}

impl BlockStore {
    /// A store in a folder of its own under `base`, after removing the
    /// folders of executors no longer running.
    pub fn create(base: &Path) -> Result<BlockStore> {
        sweep(base);
        let dir = base.join(format!("executor-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| SharkError::Io(format!("{}: {e}", dir.display())))?;
        Ok(BlockStore {
            dir,
            maps: Mutex::default(),
            next_file: AtomicUsize::new(0),
        })
    }

    /// Writes one map task's output (`(reduce partition, batch)` records)
    /// and returns its bytes per reduce partition. A later attempt of the
    /// same map task replaces an earlier one's output.
    pub fn write(
        &self,
        shuffle: usize,
        map: usize,
        reducers: usize,
        records: impl Iterator<Item = (u64, Batch)>,
    ) -> Result<Vec<u64>> {
        let n = self.next_file.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.join(format!("shuffle_{shuffle}_{map}_{n}.arrow"));
        let mut blocks = MapBlocks {
            file: path.clone(),
            segments: vec![Vec::new(); reducers],
        };
        let io = |e: std::io::Error| SharkError::Io(format!("{}: {e}", path.display()));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io)?);
        let mut offset = 0u64;
        let mut pending: Vec<Vec<RecordBatch>> = vec![Vec::new(); reducers];
        let mut held = 0usize;
        let mut flush = |pending: &mut Vec<Vec<RecordBatch>>,
                         file: &mut std::io::BufWriter<std::fs::File>,
                         blocks: &mut MapBlocks|
         -> Result<()> {
            for (r, batches) in pending.iter_mut().enumerate() {
                if batches.is_empty() {
                    continue;
                }
                let schema = batches[0].schema();
                let batch = concat_batches(&schema, batches.iter())?;
                batches.clear();
                // Each segment travels as one message: slices keep them
                // under the message limit.
                for piece in super::pieces(&batch) {
                    let mut bytes = Vec::new();
                    {
                        let mut w = StreamWriter::try_new(&mut bytes, &schema)?;
                        w.write(&piece)?;
                        w.finish()?;
                    }
                    file.write_all(&bytes).map_err(io)?;
                    blocks.segments[r].push((offset, bytes.len() as u64));
                    offset += bytes.len() as u64;
                }
            }
            Ok(())
        };
        for (r, Batch(b)) in records {
            let r = r as usize;
            if r >= reducers {
                return Err(SharkError::exec(format!(
                    "a map task routed a row to partition {r} of {reducers}"
                )));
            }
            held += b.get_array_memory_size();
            pending[r].push(b);
            if held >= FLUSH_BYTES {
                flush(&mut pending, &mut file, &mut blocks)?;
                held = 0;
            }
        }
        flush(&mut pending, &mut file, &mut blocks)?;
        file.flush().map_err(io)?;
        let sizes = blocks
            .segments
            .iter()
            .map(|s| s.iter().map(|(_, len)| len).sum())
            .collect();
        self.maps
            .lock()
            .unwrap()
            .insert((shuffle, map), Arc::new(blocks));
        Ok(sizes)
    }

    /// One reduce partition of one map task's output: its Arrow IPC
    /// streams, as written.
    pub fn read(&self, shuffle: usize, map: usize, reduce: usize) -> Result<Vec<Vec<u8>>> {
        let blocks = self
            .maps
            .lock()
            .unwrap()
            .get(&(shuffle, map))
            .cloned()
            .ok_or_else(|| {
                SharkError::exec(format!(
                    "this executor holds no output of map task {map} of shuffle {shuffle}"
                ))
            })?;
        let segments = blocks.segments.get(reduce).ok_or_else(|| {
            SharkError::exec(format!(
                "shuffle {shuffle} has no reduce partition {reduce}"
            ))
        })?;
        let io = |e: std::io::Error| SharkError::Io(format!("{}: {e}", blocks.file.display()));
        let mut out = Vec::new();
        if segments.is_empty() {
            return Ok(out);
        }
        let mut file = std::fs::File::open(&blocks.file).map_err(io)?;
        for &(offset, len) in segments {
            file.seek(SeekFrom::Start(offset)).map_err(io)?;
            let mut bytes = vec![0u8; len as usize];
            file.read_exact(&mut bytes).map_err(io)?;
            out.push(bytes);
        }
        Ok(out)
    }

    /// Drops a shuffle's blocks (and their files).
    pub fn remove_shuffle(&self, shuffle: usize) {
        self.maps.lock().unwrap().retain(|(s, _), _| *s != shuffle);
    }
}

impl Drop for BlockStore {
    fn drop(&mut self) {
        self.maps.lock().unwrap().clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Removes the block folders of executors whose process is gone.
fn sweep(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_prefix("executor-")
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = Path::new(&format!("/proc/{pid}")).exists();
        if !alive || pid == std::process::id() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::ipc::reader::StreamReader;

    fn batch(values: Vec<i64>) -> Batch {
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
        Batch(RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(values))]).unwrap())
    }

    #[test]
    fn blocks_read_back_by_reduce_partition_and_go_with_their_shuffle() {
        let base = tempfile::tempdir().unwrap();
        // A leftover of an executor that is gone.
        std::fs::create_dir_all(base.path().join("executor-999999999")).unwrap();
        let store = BlockStore::create(base.path()).unwrap();
        assert!(!base.path().join("executor-999999999").exists());
        let records = vec![
            (1, batch(vec![1, 2])),
            (0, batch(vec![3])),
            (1, batch(vec![4])),
        ];
        let sizes = store.write(7, 0, 3, records.into_iter()).unwrap();
        assert!(sizes[0] > 0 && sizes[1] > 0 && sizes[2] == 0);
        let rows = |streams: Vec<Vec<u8>>| -> Vec<i64> {
            streams
                .into_iter()
                .flat_map(|s| {
                    StreamReader::try_new(std::io::Cursor::new(s), None)
                        .unwrap()
                        .map(|b| b.unwrap())
                        .collect::<Vec<_>>()
                })
                .flat_map(|b| {
                    let a = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
                    a.values().to_vec()
                })
                .collect()
        };
        assert_eq!(rows(store.read(7, 0, 1).unwrap()), vec![1, 2, 4]);
        assert_eq!(rows(store.read(7, 0, 0).unwrap()), vec![3]);
        assert!(store.read(7, 0, 2).unwrap().is_empty());
        assert!(store.read(7, 1, 0).is_err());
        store.remove_shuffle(7);
        assert!(store.read(7, 0, 1).is_err());
        let files = std::fs::read_dir(&store.dir).unwrap().count();
        assert_eq!(files, 0, "the shuffle's file is deleted with it");
    }
}
