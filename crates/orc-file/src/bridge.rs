//! Batches and schemas moved between Arrow 59 (orc-rust's) and the
//! workspace's Arrow across the Arrow C data interface: the buffers are
//! handed over with their release callbacks, never copied.
//!
//! The C data interface fixes the memory layout of `ArrowArray` and
//! `ArrowSchema`; both Arrow crates declare them `#[repr(C)]` exactly as the
//! specification does, so a value of one crate's struct is a valid value of
//! the other's. That is the one unsafe assumption here.

use crate::{OrcError, Result};
use arrow::array::{Array, RecordBatch, RecordBatchOptions, StructArray};
use arrow::datatypes::{DataType, Schema, SchemaRef};
use arrow59 as old;
use std::sync::Arc;

/// A batch read by orc-rust as a batch of the workspace's Arrow.
pub fn batch_from_59(batch: old::array::RecordBatch) -> Result<RecordBatch> {
    let rows = batch.num_rows();
    if batch.num_columns() == 0 {
        return Ok(RecordBatch::try_new_with_options(
            Arc::new(Schema::empty()),
            vec![],
            &RecordBatchOptions::new().with_row_count(Some(rows)),
        )?);
    }
    let data = old::array::Array::to_data(&old::array::StructArray::from(batch));
    let (array, schema) = old::ffi::to_ffi(&data).map_err(|e| OrcError::Bridge(e.to_string()))?;
    // SAFETY: both crates declare the C data interface structs with the
    // layout the specification fixes (see the module comment); the values
    // move (the release callbacks run once, in the receiving crate).
    let (array, schema) = unsafe {
        (
            std::mem::transmute::<old::ffi::FFI_ArrowArray, arrow::ffi::FFI_ArrowArray>(array),
            std::mem::transmute::<old::ffi::FFI_ArrowSchema, arrow::ffi::FFI_ArrowSchema>(schema),
        )
    };
    // SAFETY: `array` and `schema` were exported together just above.
    let data = unsafe { arrow::ffi::from_ffi(array, &schema) }?;
    Ok(RecordBatch::from(StructArray::from(data)))
}

/// A batch of the workspace's Arrow as a batch for orc-rust's writer.
pub fn batch_to_59(batch: &RecordBatch) -> Result<old::array::RecordBatch> {
    let data = StructArray::from(batch.clone()).to_data();
    let (array, schema) = arrow::ffi::to_ffi(&data)?;
    // SAFETY: as in `batch_from_59`, the other way round.
    let (array, schema) = unsafe {
        (
            std::mem::transmute::<arrow::ffi::FFI_ArrowArray, old::ffi::FFI_ArrowArray>(array),
            std::mem::transmute::<arrow::ffi::FFI_ArrowSchema, old::ffi::FFI_ArrowSchema>(schema),
        )
    };
    // SAFETY: exported together just above.
    let data = unsafe { old::ffi::from_ffi(array, &schema) }
        .map_err(|e| OrcError::Bridge(e.to_string()))?;
    Ok(old::array::RecordBatch::from(
        old::array::StructArray::from(data),
    ))
}

/// An Arrow 59 schema as the workspace's.
pub fn schema_from_59(schema: &old::datatypes::Schema) -> Result<SchemaRef> {
    let as_struct = old::datatypes::DataType::Struct(schema.fields().clone());
    let ffi = old::ffi::FFI_ArrowSchema::try_from(&as_struct)
        .map_err(|e| OrcError::Bridge(e.to_string()))?;
    // SAFETY: see the module comment.
    let ffi = unsafe {
        std::mem::transmute::<old::ffi::FFI_ArrowSchema, arrow::ffi::FFI_ArrowSchema>(ffi)
    };
    match DataType::try_from(&ffi)? {
        DataType::Struct(fields) => Ok(Arc::new(Schema::new(fields))),
        other => Err(OrcError::Bridge(format!("expected a struct, got {other}"))),
    }
}

/// The workspace's schema as an Arrow 59 one, for orc-rust's writer.
pub fn schema_to_59(schema: &Schema) -> Result<old::datatypes::SchemaRef> {
    let as_struct = DataType::Struct(schema.fields().clone());
    let ffi = arrow::ffi::FFI_ArrowSchema::try_from(&as_struct)?;
    // SAFETY: see the module comment.
    let ffi = unsafe {
        std::mem::transmute::<arrow::ffi::FFI_ArrowSchema, old::ffi::FFI_ArrowSchema>(ffi)
    };
    match old::datatypes::DataType::try_from(&ffi).map_err(|e| OrcError::Bridge(e.to_string()))? {
        old::datatypes::DataType::Struct(fields) => {
            Ok(Arc::new(old::datatypes::Schema::new(fields)))
        }
        other => Err(OrcError::Bridge(format!("expected a struct, got {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, ListArray, StringArray};
    use arrow::datatypes::{Field, Int32Type};

    #[test]
    fn batches_cross_both_ways_unchanged() {
        let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), None]),
            None,
            Some(vec![]),
        ]);
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("l", list.data_type().clone(), true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])),
                Arc::new(StringArray::from(vec![Some("x"), Some("yy"), None])),
                Arc::new(list),
            ],
        )
        .unwrap();
        let there = batch_to_59(&batch).unwrap();
        assert_eq!(there.num_rows(), 3);
        let back = batch_from_59(there).unwrap();
        assert_eq!(back, batch);
        let s59 = schema_to_59(&schema).unwrap();
        assert_eq!(schema_from_59(&s59).unwrap(), schema);
    }

    #[test]
    fn a_batch_without_columns_keeps_its_rows() {
        let b = old::array::RecordBatch::try_new_with_options(
            Arc::new(old::datatypes::Schema::empty()),
            vec![],
            &old::array::RecordBatchOptions::new().with_row_count(Some(7)),
        )
        .unwrap();
        assert_eq!(batch_from_59(b).unwrap().num_rows(), 7);
    }
}
