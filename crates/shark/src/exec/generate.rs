//! LATERAL VIEW explode / posexplode / json_tuple: pipelined inside a
//! task, each batch becomes the rows of its arrays' elements with their
//! input rows repeated by `take` (json_tuple: the rows as they are, with
//! the documents' values added).

use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::expr::{evaluate, Expr};
use crate::plan::Generator;
use arrow::array::*;
use arrow::compute::take;
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use rdd::Rdd;

/// The lateral view over `input`.
pub(crate) fn generate(
    input: &Rdd<Batch>,
    generator: Generator,
    arg: Expr,
    outer: bool,
    schema: SchemaRef,
) -> Rdd<Batch> {
    input.map_partitions_with_context(false, move |_, tc, it| {
        let (generator, arg, schema, tc) =
            (generator.clone(), arg.clone(), schema.clone(), tc.clone());
        Box::new(it.filter_map(move |Batch(b)| {
            let out = match &generator {
                Generator::JsonTuple(keys) => json_tuple(&b, keys, &arg, &schema),
                g => explode(&b, g, &arg, outer, &schema),
            };
            match out {
                Ok(out) if out.num_rows() > 0 => Some(Batch(out)),
                Ok(_) => None,
                Err(e) => {
                    tc.fail(e.into());
                    None
                }
            }
        }))
    })
}

/// explode(map): one row per entry, with its key and value.
fn explode_map(
    b: &RecordBatch,
    m: &MapArray,
    outer: bool,
    schema: &SchemaRef,
) -> Result<RecordBatch> {
    let o = m.value_offsets();
    let (mut rows, mut entries) = (Vec::new(), Vec::new());
    for r in 0..b.num_rows() {
        let (s, e) = if m.is_valid(r) {
            (o[r] as u32, o[r + 1] as u32)
        } else {
            (0, 0)
        };
        for j in s..e {
            rows.push(r as u32);
            entries.push(Some(j));
        }
        if s == e && outer {
            rows.push(r as u32);
            entries.push(None);
        }
    }
    let rows = UInt32Array::from(rows);
    let entries = UInt32Array::from(entries);
    let mut cols: Vec<ArrayRef> = b
        .columns()
        .iter()
        .map(|c| take(c, &rows, None))
        .collect::<std::result::Result<_, _>>()?;
    cols.push(take(m.keys(), &entries, None)?);
    cols.push(take(m.values(), &entries, None)?);
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(rows.len())),
    )?)
}

/// The rows with each document's values of `keys` added.
fn json_tuple(
    b: &RecordBatch,
    keys: &[String],
    doc: &Expr,
    schema: &SchemaRef,
) -> Result<RecordBatch> {
    let docs = evaluate(doc, b)?;
    let docs = crate::expr::cast::hive_cast(&docs, &DataType::Utf8)?;
    let docs = docs.as_string::<i32>();
    let parsed: Vec<Option<serde_json::Value>> = (0..b.num_rows())
        .map(|i| {
            docs.is_valid(i)
                .then(|| crate::functions::json::parse(docs.value(i)))
                .flatten()
        })
        .collect();
    let mut cols = b.columns().to_vec();
    for k in keys {
        let values: StringArray = parsed
            .iter()
            .map(|d| match d {
                Some(serde_json::Value::Object(m)) => {
                    m.get(k).and_then(crate::functions::json::render)
                }
                _ => None,
            })
            .collect();
        cols.push(std::sync::Arc::new(values));
    }
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(b.num_rows())),
    )?)
}

fn explode(
    b: &RecordBatch,
    generator: &Generator,
    array: &Expr,
    outer: bool,
    schema: &SchemaRef,
) -> Result<RecordBatch> {
    let values = evaluate(array, b)?;
    if let DataType::Map(..) = values.data_type() {
        return explode_map(b, values.as_map(), outer, schema);
    }
    let n = b.num_rows();
    let (mut rows, mut items, mut positions) = (Vec::new(), Vec::new(), Vec::new());
    let list = match values.data_type() {
        DataType::List(_) => Some(values.as_list::<i32>()),
        DataType::Null => None,
        other => {
            return Err(SharkError::exec(format!(
                "explode needs an array, got {}",
                crate::types::type_name(other)
            )))
        }
    };
    for r in 0..n {
        let (start, end) = match list {
            Some(l) if l.is_valid(r) => (l.value_offsets()[r], l.value_offsets()[r + 1]),
            _ => (0, 0),
        };
        for j in start..end {
            rows.push(r as u32);
            items.push(Some(j as u32));
            positions.push(Some(j - start));
        }
        if start == end && outer {
            rows.push(r as u32);
            items.push(None);
            positions.push(None);
        }
    }
    let rows = UInt32Array::from(rows);
    let mut cols: Vec<ArrayRef> = b
        .columns()
        .iter()
        .map(|c| take(c, &rows, None))
        .collect::<std::result::Result<_, _>>()?;
    if *generator == Generator::PosExplode {
        cols.push(std::sync::Arc::new(Int32Array::from(positions)));
    }
    let item_type = schema.field(schema.fields().len() - 1).data_type();
    let elements = match list {
        Some(l) => take(l.values(), &UInt32Array::from(items), None)?,
        None => new_null_array(item_type, rows.len()),
    };
    let elements = if elements.data_type() == item_type {
        elements
    } else {
        crate::expr::cast::hive_cast(&elements, item_type)?
    };
    cols.push(elements);
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(rows.len())),
    )?)
}
