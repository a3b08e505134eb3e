//! Avro tables (`STORED AS AVRO`): one scan split per container file,
//! fields read by name and converted to the table's column types.

use crate::batch::Batch;
use crate::error::Result;
use crate::table::{
    file_positions, files_and_schema, files_version, piece_batches, with_sizes, SourceDescriptor,
    TableSource, BATCH_ROWS,
};
use arrow::datatypes::SchemaRef;
use rdd::{Context, Rdd};
use std::path::PathBuf;
use std::sync::Arc;

/// An Avro table: container files under a path.
pub struct AvroTable {
    schema: SchemaRef,
    files: Vec<(PathBuf, u64)>,
}

impl AvroTable {
    /// The Avro files under `path`, with the schema of the first file
    /// unless `schema` is given.
    pub fn try_new(path: impl Into<PathBuf>, schema: Option<SchemaRef>) -> Result<Self> {
        let path = path.into();
        let (schema, files) = files_and_schema(&path, schema, "Avro", |f| {
            Ok(hive::avro_file::read_schema(f)?)
        })?;
        Ok(AvroTable { schema, files })
    }

    /// A table of exactly these files.
    pub fn from_files(schema: SchemaRef, files: Vec<PathBuf>) -> AvroTable {
        AvroTable {
            schema,
            files: with_sizes(files),
        }
    }
}

impl TableSource for AvroTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn scan(
        &self,
        ctx: &Context,
        projection: Option<&[usize]>,
        _filters: &[crate::expr::Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        let files: Vec<PathBuf> = self.files.iter().map(|f| f.0.clone()).collect();
        let n = files.len().clamp(1, partitions.max(1));
        let columns: Vec<usize> = match projection {
            Some(p) => p.to_vec(),
            None => (0..self.schema.fields().len()).collect(),
        };
        let table = self.schema.clone();
        let target = Arc::new(self.schema.project(&columns)?);
        Ok(ctx
            .parallelize(files, Some(n))
            .map_partitions_with_context(false, move |_, tc, it| {
                let (target, tc, table) = (target.clone(), tc.clone(), table.clone());
                let wanted: Vec<String> =
                    target.fields().iter().map(|f| f.name().clone()).collect();
                Box::new(it.flat_map(move |path: PathBuf| {
                    let opened = hive::avro_file::read_schema(&path).and_then(|file| {
                        let (mut roots, positions) = file_positions(file.fields(), &table, &wanted);
                        // One column still counts the rows when none is wanted.
                        if roots.is_empty() && !file.fields().is_empty() {
                            roots.push(0);
                        }
                        Ok((hive::avro_file::read(&path, &roots, BATCH_ROWS)?, positions))
                    });
                    piece_batches(&tc, &target, opened)
                }))
            }))
    }

    fn estimated_bytes(&self) -> Option<u64> {
        Some(self.files.iter().map(|f| f.1).sum())
    }

    fn kind(&self) -> String {
        "avro".into()
    }

    fn descriptor(&self) -> SourceDescriptor {
        SourceDescriptor::Avro {
            schema: self.schema.clone(),
            files: self.files.iter().map(|f| f.0.clone()).collect(),
        }
    }

    fn version(&self) -> Option<u64> {
        files_version(self.files.iter().map(|f| f.0.as_path()))
    }
}
