//! The build side's key index of a hash join: for every distinct key the
//! chain of build rows holding it, without an allocation per row or per
//! key. A hash table holds one entry per distinct key (its first and last
//! row and the count); `next[row]` links the rows of a chain in build
//! order (DuckDB's chained hash table). A single integer key is hashed as
//! an `i64`; other keys as arrow-row encoded bytes kept in one buffer.

use crate::error::Result;
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type};
use arrow_row::{RowConverter, Rows, SortField};
use hashbrown::HashTable;
use std::hash::BuildHasher;

const END: u32 = u32::MAX;

/// One distinct key's chain.
#[derive(Clone, Copy)]
struct Chain {
    hash: u64,
    head: u32,
    tail: u32,
    len: u32,
}

/// How keys are compared.
enum Keys {
    /// One integer-like column, as i64 (no NULLs indexed).
    Int(Vec<i64>),
    /// Row-encoded keys (any types; NULLs encoded, for null-safe joins).
    Rows { converter: RowConverter, rows: Rows },
}

/// Build rows by key.
pub(crate) struct JoinIndex {
    keys: Keys,
    table: HashTable<Chain>,
    next: Vec<u32>,
    /// The longest chain: the most build rows one probe row can meet.
    pub widest: usize,
    /// A build row with a NULL key was left out (NOT IN needs to know).
    pub has_null_key: bool,
}

fn hasher() -> foldhash::fast::FixedState {
    foldhash::fast::FixedState::with_seed(0x6a6f696e)
}

/// The key as one i64 column when it is a single integer-like column.
fn int_key(cols: &[ArrayRef], null_safe: bool) -> Result<Option<ArrayRef>> {
    if cols.len() != 1 || null_safe {
        return Ok(None);
    }
    let c = &cols[0];
    match c.data_type() {
        DataType::Int64 => Ok(Some(c.clone())),
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::Date32 => Ok(Some(cast(c, &DataType::Int64)?)),
        _ => Ok(None),
    }
}

fn row_converter(cols: &[ArrayRef]) -> Result<RowConverter> {
    Ok(RowConverter::new(
        cols.iter()
            .map(|c| SortField::new(c.data_type().clone()))
            .collect(),
    )?)
}

impl JoinIndex {
    /// Indexes the rows of `cols` (the build side's key columns). Rows with
    /// a NULL key are left out unless `null_safe`.
    pub fn build(cols: &[ArrayRef], rows: usize, null_safe: bool) -> Result<JoinIndex> {
        let s = hasher();
        let mut table: HashTable<Chain> = HashTable::new();
        let mut next = vec![END; rows];
        let mut has_null_key = false;
        let mut link =
            |table: &mut HashTable<Chain>, hash: u64, i: u32, eq: &mut dyn FnMut(u32) -> bool| {
                match table.find_mut(hash, |c| c.hash == hash && eq(c.head)) {
                    Some(c) => {
                        next[c.tail as usize] = i;
                        c.tail = i;
                        c.len += 1;
                    }
                    None => {
                        table.insert_unique(
                            hash,
                            Chain {
                                hash,
                                head: i,
                                tail: i,
                                len: 1,
                            },
                            |c| c.hash,
                        );
                    }
                }
            };
        let keys = match int_key(cols, null_safe)? {
            Some(k) => {
                let a = k.as_primitive::<Int64Type>();
                let values = a.values();
                for i in 0..rows {
                    if a.is_null(i) {
                        has_null_key = true;
                        continue;
                    }
                    let v = values[i];
                    link(&mut table, s.hash_one(v), i as u32, &mut |j| {
                        values[j as usize] == v
                    });
                }
                Keys::Int(values.to_vec())
            }
            None => {
                let converter = row_converter(cols)?;
                let encoded = converter.convert_columns(cols)?;
                for i in 0..rows {
                    if !null_safe && cols.iter().any(|c| c.is_null(i)) {
                        has_null_key = true;
                        continue;
                    }
                    let key = encoded.row(i);
                    link(&mut table, s.hash_one(key.as_ref()), i as u32, &mut |j| {
                        encoded.row(j as usize) == key
                    });
                }
                Keys::Rows {
                    converter,
                    rows: encoded,
                }
            }
        };
        let widest = table.iter().map(|c| c.len as usize).max().unwrap_or(0);
        Ok(JoinIndex {
            keys,
            table,
            next,
            widest,
            has_null_key,
        })
    }

    /// Each probe row's chain of build rows with the same key, as (first
    /// build row, count); `(END, 0)` for no match. Rows with a NULL key
    /// (unless `null_safe`) are flagged in `null_probe`. One hash lookup
    /// per row: slicing and pairing both read these.
    pub fn find_chains(
        &self,
        cols: &[ArrayRef],
        n: usize,
        null_safe: bool,
        null_probe: &mut [bool],
    ) -> Result<Vec<(u32, u32)>> {
        let s = hasher();
        let mut out = vec![(END, 0u32); n];
        match &self.keys {
            Keys::Int(build) => {
                let k = int_key(cols, null_safe)?.ok_or_else(|| {
                    crate::error::SharkError::exec("join keys of different kinds on the two sides")
                })?;
                let a = k.as_primitive::<Int64Type>();
                let values = a.values();
                for i in 0..n {
                    if a.is_null(i) {
                        null_probe[i] = true;
                        continue;
                    }
                    let v = values[i];
                    let hash = s.hash_one(v);
                    if let Some(c) = self
                        .table
                        .find(hash, |c| c.hash == hash && build[c.head as usize] == v)
                    {
                        out[i] = (c.head, c.len);
                    }
                }
            }
            Keys::Rows { converter, rows } => {
                let probe = converter.convert_columns(cols)?;
                for (i, is_null) in null_probe.iter_mut().enumerate().take(n) {
                    if !null_safe && cols.iter().any(|c| c.is_null(i)) {
                        *is_null = true;
                        continue;
                    }
                    let key = probe.row(i);
                    let hash = s.hash_one(key.as_ref());
                    if let Some(c) = self.table.find(hash, |c| {
                        c.hash == hash && rows.row(c.head as usize).as_ref() == key.as_ref()
                    }) {
                        out[i] = (c.head, c.len);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Calls `pair(probe_row, build_row)` for every build row of every
    /// probe row's chain (from [`JoinIndex::find_chains`]), in order;
    /// `first` is the probe row number of `chains[0]`.
    pub fn walk_chains(&self, chains: &[(u32, u32)], first: u32, pair: &mut dyn FnMut(u32, u32)) {
        for (k, &(head, _)) in chains.iter().enumerate() {
            let mut j = head;
            while j != END {
                pair(first + k as u32, j);
                j = self.next[j as usize];
            }
        }
    }

    /// Calls `pair(probe_row, build_row)` for every build row whose key
    /// equals a probe row's; rows with a NULL key are flagged instead.
    pub fn probe(
        &self,
        cols: &[ArrayRef],
        n: usize,
        null_safe: bool,
        null_probe: &mut [bool],
        pair: &mut dyn FnMut(u32, u32),
    ) -> Result<()> {
        let chains = self.find_chains(cols, n, null_safe, null_probe)?;
        self.walk_chains(&chains, 0, pair);
        Ok(())
    }

    /// Bytes the index holds.
    pub fn memory(&self) -> usize {
        let keys = match &self.keys {
            Keys::Int(v) => v.len() * 8,
            Keys::Rows { rows, .. } => rows.size(),
        };
        keys + self.next.len() * 4 + self.table.capacity() * std::mem::size_of::<Chain>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int32Array, StringArray};
    use std::sync::Arc;

    fn pairs(index: &JoinIndex, cols: &[ArrayRef], n: usize) -> (Vec<(u32, u32)>, Vec<bool>) {
        let mut out = Vec::new();
        let mut nulls = vec![false; n];
        index
            .probe(cols, n, false, &mut nulls, &mut |i, j| out.push((i, j)))
            .unwrap();
        (out, nulls)
    }

    #[test]
    fn integer_keys_chain_rows_in_build_order() {
        let build: ArrayRef = Arc::new(Int32Array::from(vec![
            Some(1),
            Some(2),
            None,
            Some(1),
            Some(1),
        ]));
        let index = JoinIndex::build(&[build], 5, false).unwrap();
        assert!(index.has_null_key);
        assert_eq!(index.widest, 3);
        let probe: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None, Some(3), Some(2)]));
        let (got, nulls) = pairs(&index, &[probe], 4);
        assert_eq!(got, vec![(0, 0), (0, 3), (0, 4), (3, 1)]);
        assert_eq!(nulls, vec![false, true, false, false]);
    }

    #[test]
    fn composite_keys_go_through_row_encoding() {
        let a: ArrayRef = Arc::new(Int32Array::from(vec![1, 1, 2]));
        let b: ArrayRef = Arc::new(StringArray::from(vec!["x", "y", "x"]));
        let index = JoinIndex::build(&[a, b], 3, false).unwrap();
        let pa: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 2]));
        let pb: ArrayRef = Arc::new(StringArray::from(vec!["y", "x", "y"]));
        let (got, _) = pairs(&index, &[pa, pb], 3);
        assert_eq!(got, vec![(0, 1), (1, 2)]);
        let probe = [
            Arc::new(Int32Array::from(vec![1, 3])) as ArrayRef,
            Arc::new(StringArray::from(vec!["x", "x"])),
        ];
        let chains = index
            .find_chains(&probe, 2, false, &mut [false; 2])
            .unwrap();
        assert_eq!(chains, vec![(0, 1), (END, 0)]);
    }

    #[test]
    fn null_safe_keys_match_nulls() {
        let a: ArrayRef = Arc::new(Int32Array::from(vec![None, Some(1)]));
        let index = JoinIndex::build(std::slice::from_ref(&a), 2, true).unwrap();
        assert!(!index.has_null_key);
        let mut out = Vec::new();
        let mut nulls = vec![false; 2];
        index
            .probe(&[a], 2, true, &mut nulls, &mut |i, j| out.push((i, j)))
            .unwrap();
        assert_eq!(out, vec![(0, 0), (1, 1)]);
    }
}
