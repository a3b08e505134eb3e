//! Values read from a table's files brought to what the table declares:
//! CHAR(n) values without their trailing blanks (Hive's text SerDe writes
//! them padded to n, and CHAR comparisons ignore the padding), and a
//! partition stored with its own columns converted, column by column in
//! order, to the table's columns (Hive reads each partition with the
//! partition's schema and converts its rows to the table's).

use crate::error::Result;
use arrow::array::{Array, ArrayRef, StringArray};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use std::sync::Arc;

/// The width of a `char(n)` Hive type name, None for other types.
pub fn char_width(type_name: &str) -> Option<u32> {
    let t = type_name.trim().to_ascii_lowercase();
    let inner = t.strip_prefix("char(")?.strip_suffix(')')?;
    inner.trim().parse().ok()
}

/// `s` as a CHAR(`n`) value: at most `n` characters, trailing blanks off.
pub fn char_value(s: &str, n: u32) -> &str {
    let cut = match s.char_indices().nth(n as usize) {
        Some((at, _)) => &s[..at],
        None => s,
    };
    cut.trim_end_matches(' ')
}

/// `array` (strings) with each value made a CHAR(`n`) value.
pub fn strip_chars(array: &ArrayRef, n: u32) -> ArrayRef {
    let Some(strings) = array.as_any().downcast_ref::<StringArray>() else {
        return array.clone();
    };
    let needs = strings
        .iter()
        .flatten()
        .any(|s| char_value(s, n).len() != s.len());
    if !needs {
        return array.clone();
    }
    Arc::new(
        strings
            .iter()
            .map(|v| v.map(|s| char_value(s, n)))
            .collect::<StringArray>(),
    )
}

/// `array` (strings) padded with blanks to `n` characters, as Hive prints
/// and writes to text a CHAR(n) value.
pub fn pad_chars(array: &ArrayRef, n: u32) -> ArrayRef {
    let Some(strings) = array.as_any().downcast_ref::<StringArray>() else {
        return array.clone();
    };
    let mut b =
        arrow::array::StringBuilder::with_capacity(strings.len(), strings.len() * n as usize);
    let mut padded = String::new();
    for v in strings.iter() {
        match v {
            None => b.append_null(),
            Some(s) => {
                padded.clear();
                padded.push_str(s);
                let have = s.chars().count();
                padded.extend(std::iter::repeat_n(' ', (n as usize).saturating_sub(have)));
                b.append_value(&padded);
            }
        }
    }
    Arc::new(b.finish())
}

/// `batch` with the columns at `columns` (position in the batch, width)
/// made CHAR values.
pub fn strip_char_columns(batch: RecordBatch, columns: &[(usize, u32)]) -> Result<RecordBatch> {
    if columns.is_empty() {
        return Ok(batch);
    }
    let mut cols: Vec<ArrayRef> = batch.columns().to_vec();
    for &(i, n) in columns {
        if let Some(c) = cols.get_mut(i) {
            *c = strip_chars(c, n);
        }
    }
    Ok(RecordBatch::try_new_with_options(
        batch.schema(),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(batch.num_rows())),
    )?)
}

/// Rows read with a partition's own columns as rows of the table's:
/// column `j` of the result is the batch's column `take[j]` cast to
/// `target`'s column `j`, or NULL where `take[j]` is None (the partition
/// lacks the column).
pub fn to_table_columns(
    batch: &RecordBatch,
    take: &[Option<usize>],
    target: &SchemaRef,
) -> Result<RecordBatch> {
    let n = batch.num_rows();
    let mut cols = Vec::with_capacity(take.len());
    for (j, t) in take.iter().enumerate() {
        let to: &DataType = target.field(j).data_type();
        cols.push(match t {
            None => arrow::array::new_null_array(to, n),
            Some(k) => {
                let c = batch.column(*k);
                if c.data_type() == to {
                    c.clone()
                } else {
                    crate::cast::hive_cast(c, to)?
                }
            }
        });
    }
    Ok(RecordBatch::try_new_with_options(
        target.clone(),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(n)),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_values_lose_padding_and_excess() {
        assert_eq!(char_width("CHAR( 5 )"), Some(5));
        assert_eq!(char_width("varchar(5)"), None);
        assert_eq!(char_value("ab   ", 5), "ab");
        assert_eq!(char_value("abcdefg", 3), "abc");
        assert_eq!(char_value("ab c  x", 4), "ab c");
        assert_eq!(char_value("ünï  ", 5), "ünï");
    }

    #[test]
    fn padding_counts_characters() {
        let a: ArrayRef = Arc::new(StringArray::from(vec![Some("ab"), None, Some("ü")]));
        let p = pad_chars(&a, 3);
        let p = p.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(p.value(0), "ab ");
        assert!(p.is_null(1));
        assert_eq!(p.value(2), "ü  ");
        let back = strip_chars(&(Arc::new(p.clone()) as ArrayRef), 3);
        assert_eq!(back.as_ref(), a.as_ref());
    }

    #[test]
    fn partition_rows_become_table_rows() {
        use arrow::datatypes::{Field, Schema};
        let read = Arc::new(Schema::new(vec![Field::new("a", DataType::Utf8, true)]));
        let batch = RecordBatch::try_new(
            read,
            vec![Arc::new(StringArray::from(vec![Some("7"), Some("x")]))],
        )
        .unwrap();
        let target = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("b", DataType::Utf8, true),
        ]));
        let out = to_table_columns(&batch, &[Some(0), None], &target).unwrap();
        let a = out
            .column(0)
            .as_any()
            .downcast_ref::<arrow::array::Int32Array>()
            .unwrap();
        assert_eq!(a.value(0), 7);
        assert!(a.is_null(1));
        assert_eq!(out.column(1).null_count(), 2);
    }
}
