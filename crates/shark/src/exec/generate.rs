//! LATERAL VIEW explode / posexplode / json_tuple: pipelined inside a
//! task, each batch becomes the rows of its arrays' elements with their
//! input rows repeated by `take` (json_tuple: the rows as they are, with
//! the documents' values added).

use crate::batch::Batch;
use crate::error::{Result, SharkError};
use crate::expr::{evaluate, Expr};
use crate::plan::Generator;
use crate::table::BATCH_ROWS;
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
        Box::new(
            it.flat_map(move |Batch(b)| {
                let chunks: Box<dyn Iterator<Item = Result<RecordBatch>> + Send> = match &generator
                {
                    Generator::JsonTuple(keys) => {
                        Box::new(std::iter::once(json_tuple(&b, keys, &arg, &schema)))
                    }
                    g => match Exploder::new(b, g, &arg, outer, schema.clone()) {
                        Ok(e) => Box::new(e),
                        Err(e) => Box::new(std::iter::once(Err(e))),
                    },
                };
                let tc = tc.clone();
                chunks.map_while(move |out| match out {
                    Ok(out) => Some(Batch(out)),
                    Err(e) => {
                        tc.fail(e.into());
                        None
                    }
                })
            })
            .filter(|Batch(b)| b.num_rows() > 0),
        )
    })
}

/// The rows of one input batch's explode, at most `BATCH_ROWS` at a time,
/// so a batch of long arrays never becomes one huge output batch.
struct Exploder {
    batch: RecordBatch,
    /// Where each input row's elements start and end in `items`/`keys`.
    offsets: Vec<(usize, usize)>,
    /// The elements (arrays), or a map's keys and values.
    items: Option<ArrayRef>,
    values: Option<ArrayRef>,
    positions: bool,
    /// Elements are structs whose fields are the output columns (inline).
    inline: bool,
    outer: bool,
    schema: SchemaRef,
    row: usize,
    elem: usize,
}

impl Exploder {
    fn new(
        batch: RecordBatch,
        generator: &Generator,
        arg: &Expr,
        outer: bool,
        schema: SchemaRef,
    ) -> Result<Exploder> {
        let array = evaluate(arg, &batch)?;
        let n = batch.num_rows();
        let (offsets, items, values) = match array.data_type() {
            DataType::List(_) => {
                let l = array.as_list::<i32>();
                let o = l.value_offsets();
                let offsets = (0..n)
                    .map(|r| {
                        if l.is_valid(r) {
                            (o[r] as usize, o[r + 1] as usize)
                        } else {
                            (0, 0)
                        }
                    })
                    .collect();
                (offsets, Some(l.values().clone()), None)
            }
            DataType::Map(..) => {
                let m = array.as_map();
                let o = m.value_offsets();
                let offsets = (0..n)
                    .map(|r| {
                        if m.is_valid(r) {
                            (o[r] as usize, o[r + 1] as usize)
                        } else {
                            (0, 0)
                        }
                    })
                    .collect();
                (offsets, Some(m.keys().clone()), Some(m.values().clone()))
            }
            DataType::Null => (vec![(0, 0); n], None, None),
            other => {
                return Err(SharkError::exec(format!(
                    "explode needs an array or a map, got {}",
                    crate::types::type_name(other)
                )))
            }
        };
        Ok(Exploder {
            batch,
            offsets,
            items,
            values,
            positions: *generator == Generator::PosExplode,
            inline: matches!(generator, Generator::Inline(_)),
            outer,
            schema,
            row: 0,
            elem: 0,
        })
    }

    fn chunk(&mut self) -> Result<Option<RecordBatch>> {
        let (mut rows, mut items, mut positions) = (Vec::new(), Vec::new(), Vec::new());
        while self.row < self.offsets.len() && rows.len() < BATCH_ROWS {
            let (s, e) = self.offsets[self.row];
            if s == e {
                if self.outer {
                    rows.push(self.row as u32);
                    items.push(None);
                    positions.push(None);
                }
                self.row += 1;
                continue;
            }
            let j = s + self.elem;
            rows.push(self.row as u32);
            items.push(Some(j as u32));
            positions.push(Some((j - s) as i32));
            self.elem += 1;
            if s + self.elem == e {
                self.row += 1;
                self.elem = 0;
            }
        }
        if rows.is_empty() {
            return Ok(None);
        }
        let rows = UInt32Array::from(rows);
        let items = UInt32Array::from(items);
        let mut cols: Vec<ArrayRef> = self
            .batch
            .columns()
            .iter()
            .map(|c| take(c, &rows, None))
            .collect::<std::result::Result<_, _>>()?;
        if self.positions {
            cols.push(std::sync::Arc::new(Int32Array::from(positions)));
        }
        let width = self.schema.fields().len();
        if self.inline {
            let fields = width - self.batch.num_columns();
            match &self.items {
                Some(a) => {
                    let taken = take(a, &items, None)?;
                    let nulls = arrow::compute::is_null(&taken)?;
                    for (k, c) in taken.as_struct().columns().iter().enumerate() {
                        let want = self.schema.field(width - fields + k).data_type();
                        let c = arrow::compute::nullif(c, &nulls)?;
                        cols.push(if c.data_type() == want {
                            c
                        } else {
                            crate::cast::hive_cast(&c, want)?
                        });
                    }
                }
                None => {
                    for k in 0..fields {
                        let want = self.schema.field(width - fields + k).data_type();
                        cols.push(new_null_array(want, rows.len()));
                    }
                }
            }
            return Ok(Some(RecordBatch::try_new_with_options(
                self.schema.clone(),
                cols,
                &RecordBatchOptions::new().with_row_count(Some(rows.len())),
            )?));
        }
        let mut generated = Vec::new();
        for (k, source) in [&self.items, &self.values].into_iter().enumerate() {
            if source.is_none() && k == 1 {
                break;
            }
            let want = self
                .schema
                .field(width - 1 - usize::from(self.values.is_some()) + k)
                .data_type();
            let col = match source {
                Some(a) => take(a, &items, None)?,
                None => new_null_array(want, rows.len()),
            };
            generated.push(if col.data_type() == want {
                col
            } else {
                crate::cast::hive_cast(&col, want)?
            });
        }
        cols.extend(generated);
        Ok(Some(RecordBatch::try_new_with_options(
            self.schema.clone(),
            cols,
            &RecordBatchOptions::new().with_row_count(Some(rows.len())),
        )?))
    }
}

impl Iterator for Exploder {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Result<RecordBatch>> {
        self.chunk().transpose()
    }
}

/// The rows with each document's values of `keys` added.
fn json_tuple(
    b: &RecordBatch,
    keys: &[String],
    doc: &Expr,
    schema: &SchemaRef,
) -> Result<RecordBatch> {
    let docs = evaluate(doc, b)?;
    let docs = crate::cast::hive_cast(&docs, &DataType::Utf8)?;
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
