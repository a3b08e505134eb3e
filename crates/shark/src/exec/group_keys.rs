//! Group keys to dense group ids for hash aggregation. One integer (or
//! date) key and one string key, the common GROUP BYs, hash their values
//! directly into a typed store; several keys of integer, date, decimal,
//! boolean and string types are packed into plain bytes (cheaper than
//! arrow-row's order-preserving encoding, which only other keys use). The
//! table holds only group ids and finds keys in the store, so each key is
//! stored once.

use crate::error::{Result, SharkError};
use arrow::array::{Array, ArrayRef, AsArray, Int64Array, PrimitiveArray, StringArray};
use arrow::buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{ArrowNativeType, ArrowPrimitiveType, DataType};
use arrow_row::{RowConverter, Rows, SortField};
use std::hash::BuildHasher;
use std::sync::Arc;

/// The groups seen so far and the index that finds them.
pub(super) struct GroupTable {
    store: Store,
    map: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::FixedState,
    /// Number of groups.
    pub(super) groups: usize,
}

enum Store {
    /// No GROUP BY: exactly one group, even over no rows.
    One,
    /// One integer or date key: each group's value, and the NULL key's group.
    Int {
        data_type: DataType,
        values: Vec<i64>,
        null: Option<u32>,
    },
    /// One string key: the groups' keys back to back.
    Str {
        offsets: Vec<usize>,
        bytes: Vec<u8>,
        null: Option<u32>,
    },
    /// Several keys of integer, date, decimal, boolean and string types:
    /// each group's values packed back to back (see [`pack`]).
    Packed {
        types: Vec<DataType>,
        offsets: Vec<usize>,
        bytes: Vec<u8>,
        scratch: Vec<u8>,
    },
    /// Any other key: arrow-row encoded.
    Rows { converter: RowConverter, keys: Rows },
}

/// Whether a key of this type can be packed.
fn packable(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::Date32
            | DataType::Decimal128(..)
            | DataType::Utf8
    )
}

impl GroupTable {
    /// A table for keys of `key_types`.
    pub(super) fn new(key_types: &[DataType]) -> Result<Self> {
        let (store, groups) = match key_types {
            [] => (Store::One, 1),
            [t @ (DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::Date32)] => (
                Store::Int {
                    data_type: t.clone(),
                    values: Vec::new(),
                    null: None,
                },
                0,
            ),
            [DataType::Utf8] => (
                Store::Str {
                    offsets: vec![0],
                    bytes: Vec::new(),
                    null: None,
                },
                0,
            ),
            types if types.iter().all(packable) => (
                Store::Packed {
                    types: types.to_vec(),
                    offsets: vec![0],
                    bytes: Vec::new(),
                    scratch: Vec::new(),
                },
                0,
            ),
            _ => {
                let converter = RowConverter::new(
                    key_types
                        .iter()
                        .map(|t| SortField::new(t.clone()))
                        .collect(),
                )?;
                let keys = converter.empty_rows(1024, 16 * 1024);
                (Store::Rows { converter, keys }, 0)
            }
        };
        Ok(GroupTable {
            store,
            map: hashbrown::HashTable::new(),
            hasher: Default::default(),
            groups,
        })
    }

    /// The group of each of `rows` rows with keys `key_cols`, adding
    /// groups for keys not seen before.
    pub(super) fn group_ids(&mut self, key_cols: &[ArrayRef], rows: usize) -> Result<Vec<u32>> {
        let GroupTable {
            store,
            map,
            hasher,
            groups,
        } = self;
        match store {
            Store::One => Ok(vec![0; rows]),
            Store::Int { values, null, .. } => {
                let col = &key_cols[0];
                // Int64 keys are hashed in place; narrower ones widened.
                let widened: Vec<i64>;
                let ints: &[i64] = match col.data_type() {
                    DataType::Int64 => col.as_primitive::<arrow::datatypes::Int64Type>().values(),
                    DataType::Int8 => {
                        widened = widen(col.as_primitive::<arrow::datatypes::Int8Type>());
                        &widened
                    }
                    DataType::Int16 => {
                        widened = widen(col.as_primitive::<arrow::datatypes::Int16Type>());
                        &widened
                    }
                    DataType::Int32 => {
                        widened = widen(col.as_primitive::<arrow::datatypes::Int32Type>());
                        &widened
                    }
                    DataType::Date32 => {
                        widened = widen(col.as_primitive::<arrow::datatypes::Date32Type>());
                        &widened
                    }
                    other => return Err(SharkError::exec(format!("integer key of type {other}"))),
                };
                let mut ids = Vec::with_capacity(rows);
                for (i, &v) in ints.iter().enumerate() {
                    if col.is_null(i) {
                        ids.push(*null.get_or_insert_with(|| {
                            values.push(0);
                            *groups += 1;
                            (*groups - 1) as u32
                        }));
                        continue;
                    }
                    let hash = hasher.hash_one(v);
                    let id = match map.find(hash, |&g| values[g as usize] == v && Some(g) != *null)
                    {
                        Some(&g) => g,
                        None => {
                            let g = *groups as u32;
                            values.push(v);
                            map.insert_unique(hash, g, |&g| hasher.hash_one(values[g as usize]));
                            *groups += 1;
                            g
                        }
                    };
                    ids.push(id);
                }
                Ok(ids)
            }
            Store::Str {
                offsets,
                bytes,
                null,
            } => {
                let col = key_cols[0]
                    .as_string_opt::<i32>()
                    .ok_or_else(|| SharkError::exec("a string group key of another type"))?;
                let mut ids = Vec::with_capacity(rows);
                for i in 0..rows {
                    if col.is_null(i) {
                        ids.push(*null.get_or_insert_with(|| {
                            offsets.push(bytes.len());
                            *groups += 1;
                            (*groups - 1) as u32
                        }));
                        continue;
                    }
                    let s = col.value(i).as_bytes();
                    let hash = hasher.hash_one(s);
                    let found =
                        map.find(hash, |&g| Some(g) != *null && &bytes[span(offsets, g)] == s);
                    let id = match found {
                        Some(&g) => g,
                        None => {
                            let g = *groups as u32;
                            bytes.extend_from_slice(s);
                            offsets.push(bytes.len());
                            map.insert_unique(hash, g, |&g| {
                                hasher.hash_one(&bytes[span(offsets, g)])
                            });
                            *groups += 1;
                            g
                        }
                    };
                    ids.push(id);
                }
                Ok(ids)
            }
            Store::Packed {
                offsets,
                bytes,
                scratch,
                ..
            } => {
                let cols: Vec<KeyCol> = key_cols.iter().map(KeyCol::of).collect::<Result<_>>()?;
                let mut ids = Vec::with_capacity(rows);
                for i in 0..rows {
                    scratch.clear();
                    for col in &cols {
                        col.pack(i, scratch);
                    }
                    let hash = hasher.hash_one(&scratch[..]);
                    let found = map.find(hash, |&g| bytes[span(offsets, g)] == scratch[..]);
                    let id = match found {
                        Some(&g) => g,
                        None => {
                            let g = *groups as u32;
                            bytes.extend_from_slice(scratch);
                            offsets.push(bytes.len());
                            map.insert_unique(hash, g, |&g| {
                                hasher.hash_one(&bytes[span(offsets, g)])
                            });
                            *groups += 1;
                            g
                        }
                    };
                    ids.push(id);
                }
                Ok(ids)
            }
            Store::Rows { converter, keys } => {
                let encoded = converter.convert_columns(key_cols)?;
                let mut ids = Vec::with_capacity(rows);
                for row in encoded.iter() {
                    let bytes = row.as_ref();
                    let hash = hasher.hash_one(bytes);
                    let found = map
                        .find(hash, |&id| keys.row(id as usize).as_ref() == bytes)
                        .copied();
                    let id = match found {
                        Some(id) => id,
                        None => {
                            let id = *groups as u32;
                            keys.push(row);
                            map.insert_unique(hash, id, |&g| {
                                hasher.hash_one(keys.row(g as usize).as_ref())
                            });
                            *groups += 1;
                            id
                        }
                    };
                    ids.push(id);
                }
                Ok(ids)
            }
        }
    }

    /// The key columns of every group, in group id order.
    pub(super) fn key_columns(&mut self) -> Result<Vec<ArrayRef>> {
        let n = self.groups;
        match &self.store {
            Store::One => Ok(vec![]),
            Store::Int {
                data_type,
                values,
                null,
            } => {
                let nulls = null_at(*null, n);
                let ints = Int64Array::new(ScalarBuffer::from(values.clone()), nulls);
                Ok(vec![int_column(ints, data_type)?])
            }
            Store::Str {
                offsets,
                bytes,
                null,
            } => {
                let ends: Vec<i32> = offsets
                    .iter()
                    .map(|&o| i32::try_from(o))
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|_| SharkError::exec("group keys over 2 GiB in one aggregation"))?;
                let col = StringArray::try_new(
                    OffsetBuffer::new(ScalarBuffer::from(ends)),
                    arrow::buffer::Buffer::from_slice_ref(bytes),
                    null_at(*null, n),
                )?;
                Ok(vec![Arc::new(col)])
            }
            Store::Packed {
                types,
                offsets,
                bytes,
                ..
            } => unpack(types, offsets, bytes),
            Store::Rows { converter, keys } => Ok(converter.convert_rows(keys.iter())?),
        }
    }

    /// Bytes held: the keys as allocated and the hash index.
    pub(super) fn memory(&self) -> usize {
        let keys = match &self.store {
            Store::One => 0,
            Store::Int { values, .. } => values.capacity() * 8,
            Store::Str { offsets, bytes, .. } => offsets.capacity() * 8 + bytes.capacity(),
            Store::Packed { offsets, bytes, .. } => offsets.capacity() * 8 + bytes.capacity(),
            Store::Rows { keys, .. } => keys.size(),
        };
        keys + self.map.capacity() * (std::mem::size_of::<u32>() + 1)
    }
}

/// A key column seen as its type, once per batch.
enum KeyCol<'a> {
    Bool(&'a arrow::array::BooleanArray),
    I8(&'a PrimitiveArray<arrow::datatypes::Int8Type>),
    I16(&'a PrimitiveArray<arrow::datatypes::Int16Type>),
    I32(&'a PrimitiveArray<arrow::datatypes::Int32Type>),
    Date(&'a PrimitiveArray<arrow::datatypes::Date32Type>),
    I64(&'a PrimitiveArray<arrow::datatypes::Int64Type>),
    Dec(&'a PrimitiveArray<arrow::datatypes::Decimal128Type>),
    Str(&'a StringArray),
}

impl<'a> KeyCol<'a> {
    fn of(col: &'a ArrayRef) -> Result<KeyCol<'a>> {
        Ok(match col.data_type() {
            DataType::Boolean => KeyCol::Bool(col.as_boolean()),
            DataType::Int8 => KeyCol::I8(col.as_primitive()),
            DataType::Int16 => KeyCol::I16(col.as_primitive()),
            DataType::Int32 => KeyCol::I32(col.as_primitive()),
            DataType::Date32 => KeyCol::Date(col.as_primitive()),
            DataType::Int64 => KeyCol::I64(col.as_primitive()),
            DataType::Decimal128(..) => KeyCol::Dec(col.as_primitive()),
            DataType::Utf8 => KeyCol::Str(col.as_string::<i32>()),
            other => return Err(SharkError::exec(format!("a group key of type {other}"))),
        })
    }

    /// Appends row `i` to a packed key: a NULL as 0; a value as 1 then
    /// its bytes (integers and dates as 8, decimals as 16, booleans as 1
    /// byte, strings as a 4-byte length and their UTF-8), so that equal
    /// keys pack to equal bytes and different ones never do.
    fn pack(&self, i: usize, out: &mut Vec<u8>) {
        let valid = match self {
            KeyCol::Bool(a) => a.is_valid(i),
            KeyCol::I8(a) => a.is_valid(i),
            KeyCol::I16(a) => a.is_valid(i),
            KeyCol::I32(a) => a.is_valid(i),
            KeyCol::Date(a) => a.is_valid(i),
            KeyCol::I64(a) => a.is_valid(i),
            KeyCol::Dec(a) => a.is_valid(i),
            KeyCol::Str(a) => a.is_valid(i),
        };
        if !valid {
            out.push(0);
            return;
        }
        out.push(1);
        match self {
            KeyCol::Bool(a) => out.push(u8::from(a.value(i))),
            KeyCol::I8(a) => out.extend_from_slice(&i64::from(a.value(i)).to_le_bytes()),
            KeyCol::I16(a) => out.extend_from_slice(&i64::from(a.value(i)).to_le_bytes()),
            KeyCol::I32(a) => out.extend_from_slice(&i64::from(a.value(i)).to_le_bytes()),
            KeyCol::Date(a) => out.extend_from_slice(&i64::from(a.value(i)).to_le_bytes()),
            KeyCol::I64(a) => out.extend_from_slice(&a.value(i).to_le_bytes()),
            KeyCol::Dec(a) => out.extend_from_slice(&a.value(i).to_le_bytes()),
            KeyCol::Str(a) => {
                let s = a.value(i).as_bytes();
                out.extend_from_slice(&(s.len() as u32).to_le_bytes());
                out.extend_from_slice(s);
            }
        }
    }
}

/// The key columns of packed keys, in group order.
fn unpack(types: &[DataType], offsets: &[usize], bytes: &[u8]) -> Result<Vec<ArrayRef>> {
    use arrow::array::{BooleanBuilder, Decimal128Builder, Int64Builder, StringBuilder};
    enum Builder {
        Bool(BooleanBuilder),
        Int(Int64Builder),
        Dec(Decimal128Builder),
        Str(StringBuilder),
    }
    let groups = offsets.len() - 1;
    let mut builders: Vec<Builder> = types
        .iter()
        .map(|t| match t {
            DataType::Boolean => Builder::Bool(BooleanBuilder::with_capacity(groups)),
            DataType::Decimal128(..) => Builder::Dec(Decimal128Builder::with_capacity(groups)),
            DataType::Utf8 => Builder::Str(StringBuilder::with_capacity(groups, groups * 8)),
            _ => Builder::Int(Int64Builder::with_capacity(groups)),
        })
        .collect();
    let take = |at: &mut usize, n: usize| -> &[u8] {
        let s = &bytes[*at..*at + n];
        *at += n;
        s
    };
    for &start in &offsets[..groups] {
        let mut at = start;
        for b in builders.iter_mut() {
            let present = take(&mut at, 1)[0] == 1;
            match b {
                Builder::Bool(b) if present => b.append_value(take(&mut at, 1)[0] == 1),
                Builder::Int(b) if present => {
                    b.append_value(i64::from_le_bytes(take(&mut at, 8).try_into().expect("8")))
                }
                Builder::Dec(b) if present => b.append_value(i128::from_le_bytes(
                    take(&mut at, 16).try_into().expect("16"),
                )),
                Builder::Str(b) if present => {
                    let n = u32::from_le_bytes(take(&mut at, 4).try_into().expect("4")) as usize;
                    let s = std::str::from_utf8(take(&mut at, n))
                        .map_err(|e| SharkError::exec(format!("group key: {e}")))?;
                    b.append_value(s);
                }
                Builder::Bool(b) => b.append_null(),
                Builder::Int(b) => b.append_null(),
                Builder::Dec(b) => b.append_null(),
                Builder::Str(b) => b.append_null(),
            }
        }
    }
    builders
        .into_iter()
        .zip(types)
        .map(|(b, t)| -> Result<ArrayRef> {
            Ok(match b {
                Builder::Bool(mut b) => Arc::new(b.finish()),
                Builder::Str(mut b) => Arc::new(b.finish()),
                Builder::Dec(mut b) => {
                    let DataType::Decimal128(p, s) = t else {
                        unreachable!("decimal builder for a decimal key")
                    };
                    Arc::new(b.finish().with_precision_and_scale(*p, *s)?)
                }
                Builder::Int(mut b) => int_column(b.finish(), t)?,
            })
        })
        .collect()
}

/// Integer keys held as i64 back in their type.
fn int_column(ints: Int64Array, t: &DataType) -> Result<ArrayRef> {
    Ok(match t {
        DataType::Int64 => Arc::new(ints),
        DataType::Date32 => {
            let days = arrow::compute::cast(&ints, &DataType::Int32)?;
            Arc::new(
                days.as_primitive::<arrow::datatypes::Int32Type>()
                    .reinterpret_cast::<arrow::datatypes::Date32Type>(),
            )
        }
        other => arrow::compute::cast(&ints, other)?,
    })
}

/// Where group `g`'s key lies in a string store's bytes.
fn span(offsets: &[usize], g: u32) -> std::ops::Range<usize> {
    offsets[g as usize]..offsets[g as usize + 1]
}

/// Integer values as i64 (NULL slots hold whatever the array holds).
fn widen<T: ArrowPrimitiveType>(a: &PrimitiveArray<T>) -> Vec<i64> {
    a.values()
        .iter()
        .map(|v| v.to_i64().unwrap_or_default())
        .collect()
}

/// Validity with only `null` (a group id) unset.
fn null_at(null: Option<u32>, n: usize) -> Option<NullBuffer> {
    null.map(|g| NullBuffer::from_iter((0..n).map(|i| i != g as usize)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Date32Array, Int32Array};

    fn roundtrip(t: DataType, batches: Vec<ArrayRef>) -> (Vec<Vec<u32>>, ArrayRef) {
        let mut table = GroupTable::new(&[t]).unwrap();
        let ids = batches
            .iter()
            .map(|b| table.group_ids(std::slice::from_ref(b), b.len()).unwrap())
            .collect();
        (ids, table.key_columns().unwrap().remove(0))
    }

    #[test]
    fn integer_keys_group_with_null_apart_from_zero() {
        let (ids, keys) = roundtrip(
            DataType::Int32,
            vec![
                Arc::new(Int32Array::from(vec![Some(5), None, Some(0), Some(5)])),
                Arc::new(Int32Array::from(vec![Some(0), None, Some(-7)])),
            ],
        );
        assert_eq!(ids, vec![vec![0, 1, 2, 0], vec![2, 1, 3]]);
        let want: ArrayRef = Arc::new(Int32Array::from(vec![Some(5), None, Some(0), Some(-7)]));
        assert_eq!(keys.as_ref(), want.as_ref());
        let (_, dates) = roundtrip(
            DataType::Date32,
            vec![Arc::new(Date32Array::from(vec![Some(19000), None]))],
        );
        assert_eq!(dates.data_type(), &DataType::Date32);
        assert_eq!(dates.null_count(), 1);
    }

    #[test]
    fn several_keys_pack_and_come_back() {
        use arrow::array::{BooleanArray, Decimal128Array};
        let types = vec![
            DataType::Utf8,
            DataType::Int32,
            DataType::Decimal128(10, 2),
            DataType::Boolean,
            DataType::Date32,
        ];
        let batch: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec![
                Some("a"),
                Some("a"),
                None,
                Some("ab"),
                Some("a"),
            ])),
            Arc::new(Int32Array::from(vec![
                Some(1),
                Some(1),
                Some(1),
                None,
                Some(2),
            ])),
            Arc::new(
                Decimal128Array::from(vec![Some(150), Some(150), None, Some(-1), Some(150)])
                    .with_precision_and_scale(10, 2)
                    .unwrap(),
            ),
            Arc::new(BooleanArray::from(vec![
                Some(true),
                Some(true),
                None,
                Some(false),
                Some(true),
            ])),
            Arc::new(Date32Array::from(vec![
                Some(1),
                Some(1),
                None,
                Some(0),
                Some(1),
            ])),
        ];
        let mut table = GroupTable::new(&types).unwrap();
        assert!(matches!(table.store, Store::Packed { .. }));
        assert_eq!(table.group_ids(&batch, 5).unwrap(), vec![0, 0, 1, 2, 3]);
        let keys = table.key_columns().unwrap();
        for (k, b) in keys.iter().zip(&batch) {
            let want = arrow::compute::take(
                b.as_ref(),
                &arrow::array::UInt32Array::from(vec![0, 2, 3, 4]),
                None,
            )
            .unwrap();
            assert_eq!(k.as_ref(), want.as_ref());
        }
    }

    #[test]
    fn string_keys_group_with_null_apart_from_empty() {
        let (ids, keys) = roundtrip(
            DataType::Utf8,
            vec![
                Arc::new(StringArray::from(vec![
                    Some("a"),
                    None,
                    Some(""),
                    Some("a"),
                ])),
                Arc::new(StringArray::from(vec![Some(""), Some("bb"), None])),
            ],
        );
        assert_eq!(ids, vec![vec![0, 1, 2, 0], vec![2, 3, 1]]);
        let want: ArrayRef = Arc::new(StringArray::from(vec![
            Some("a"),
            None,
            Some(""),
            Some("bb"),
        ]));
        assert_eq!(keys.as_ref(), want.as_ref());
    }
}
