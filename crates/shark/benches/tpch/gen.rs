//! The TPC-H tables as Hive sees them, from the `tpchgen` generator:
//! shared by the TPC-H bench (which writes them as Parquet) and the test
//! that runs the spec's queries at a small scale factor.

use arrow::array::{ArrayRef, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use std::sync::Arc;
use tpchgen::generators::{
    CustomerGenerator, LineItemGenerator, NationGenerator, OrderGenerator, PartGenerator,
    PartSuppGenerator, RegionGenerator, SupplierGenerator,
};
use tpchgen_arrow::{
    CustomerArrow, LineItemArrow, NationArrow, OrderArrow, PartArrow, PartSuppArrow, RegionArrow,
    SupplierArrow,
};

/// A table's rows, batch by batch.
pub type Batches = Box<dyn Iterator<Item = Result<RecordBatch, arrow::error::ArrowError>> + Send>;

/// One part (1-based, of `parts`) of a table's rows as Arrow batches.
pub fn generate(table: &str, sf: f64, part: i32, parts: i32) -> Batches {
    match table {
        "nation" => Box::new(NationArrow::new(NationGenerator::new(sf, part, parts))),
        "region" => Box::new(RegionArrow::new(RegionGenerator::new(sf, part, parts))),
        "part" => Box::new(PartArrow::new(PartGenerator::new(sf, part, parts))),
        "supplier" => Box::new(SupplierArrow::new(SupplierGenerator::new(sf, part, parts))),
        "partsupp" => Box::new(PartSuppArrow::new(PartSuppGenerator::new(sf, part, parts))),
        "customer" => Box::new(CustomerArrow::new(CustomerGenerator::new(sf, part, parts))),
        "orders" => Box::new(OrderArrow::new(OrderGenerator::new(sf, part, parts))),
        "lineitem" => Box::new(LineItemArrow::new(LineItemGenerator::new(sf, part, parts))),
        other => panic!("unknown table {other}"),
    }
}

/// Hive's types: `string` is Utf8 (the generator makes Utf8View), and
/// every column is nullable.
pub fn hive_schema(schema: &Schema) -> SchemaRef {
    Arc::new(Schema::new(
        schema
            .fields()
            .iter()
            .map(|f| {
                let t = match f.data_type() {
                    DataType::Utf8View | DataType::LargeUtf8 => DataType::Utf8,
                    t => t.clone(),
                };
                Field::new(f.name(), t, true)
            })
            .collect::<Vec<_>>(),
    ))
}

/// A generated batch with Hive's types.
pub fn to_hive(batch: &RecordBatch, schema: &SchemaRef) -> RecordBatch {
    let columns: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(c, f)| {
            if c.data_type() == f.data_type() {
                c.clone()
            } else {
                arrow::compute::cast(c, f.data_type()).expect("string cast")
            }
        })
        .collect();
    RecordBatch::try_new(schema.clone(), columns).expect("hive batch")
}
