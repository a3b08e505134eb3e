//! The join keys a hash join's build side holds, as a set a probe-side
//! scan can test its rows against before they travel: a dynamic (runtime)
//! join filter. DuckDB pushes the min/max of a join's build keys into the
//! probe side's scan, Spark's runtime filters and dynamic partition
//! pruning do the same with a Bloom filter or the build side's values; for
//! integer-like keys we keep the exact set — a bitmap over `[min, max]`
//! when that range is dense enough, a hash set otherwise — so a row
//! without a partner is dropped at the scan and never shuffled or probed.

use crate::error::Result;
use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::buffer::BooleanBuffer;
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type};
use hashbrown::HashTable;
use std::fmt;
use std::hash::BuildHasher;

/// Most bits a bitmap spends per distinct key before a hash set is used.
const BITS_PER_KEY: u64 = 64;
/// A bitmap of at most this many bits is always fine (512 KB).
const SMALL_RANGE: u64 = 1 << 22;

/// The distinct non-NULL integer keys of a join's build side.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(from = "KeyList", into = "KeyList")]
pub struct KeySet {
    /// The join node the keys came from (for plans).
    pub join: usize,
    /// The smallest key (`i64::MAX` when there is none).
    pub min: i64,
    /// The largest key (`i64::MIN` when there is none).
    pub max: i64,
    /// How many distinct keys.
    pub len: usize,
    members: Members,
}

#[derive(Clone)]
enum Members {
    /// Bit `k` stands for key `min + k`.
    Bits(Vec<u64>),
    Hashed(HashTable<i64>),
}

/// The serialized form: the keys themselves.
#[derive(serde::Serialize, serde::Deserialize)]
struct KeyList {
    join: usize,
    keys: Vec<i64>,
}

impl From<KeyList> for KeySet {
    fn from(l: KeyList) -> KeySet {
        KeySet::from_keys(l.join, l.keys)
    }
}

impl From<KeySet> for KeyList {
    fn from(s: KeySet) -> KeyList {
        KeyList {
            join: s.join,
            keys: s.keys(),
        }
    }
}

fn hasher() -> foldhash::fast::FixedState {
    foldhash::fast::FixedState::with_seed(0x6b657973)
}

/// Whether a column of `t` has integer keys a set can hold.
pub fn integer_like(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::Date32
    )
}

fn as_i64(col: &ArrayRef) -> Result<ArrayRef> {
    Ok(match col.data_type() {
        DataType::Int64 => col.clone(),
        _ => cast(col, &DataType::Int64)?,
    })
}

impl KeySet {
    /// The set of `keys` (any order, repeats allowed).
    pub fn from_keys(join: usize, keys: Vec<i64>) -> KeySet {
        let (mut min, mut max) = (i64::MAX, i64::MIN);
        for &k in &keys {
            min = min.min(k);
            max = max.max(k);
        }
        if keys.is_empty() {
            return KeySet {
                join,
                min,
                max,
                len: 0,
                members: Members::Bits(Vec::new()),
            };
        }
        let range = (max as i128 - min as i128 + 1) as u128;
        let bitmap = |keys: &mut dyn Iterator<Item = i64>| {
            let mut bits = vec![0u64; (range as usize).div_ceil(64)];
            for k in keys {
                let i = (k as i128 - min as i128) as usize;
                bits[i / 64] |= 1 << (i % 64);
            }
            let len = bits.iter().map(|w| w.count_ones() as usize).sum();
            (len, Members::Bits(bits))
        };
        let (len, members) = if range <= SMALL_RANGE as u128 {
            bitmap(&mut keys.iter().copied())
        } else {
            // Distinct keys first: repeats must not make a wide range look dense.
            let s = hasher();
            let mut table = HashTable::with_capacity(keys.len().min(1 << 20));
            for &k in &keys {
                let h = s.hash_one(k);
                if table.find(h, |v| *v == k).is_none() {
                    table.insert_unique(h, k, |v| s.hash_one(*v));
                }
            }
            if range <= (table.len() as u128) * BITS_PER_KEY as u128 {
                bitmap(&mut table.iter().copied())
            } else {
                (table.len(), Members::Hashed(table))
            }
        };
        KeySet {
            join,
            min,
            max,
            len,
            members,
        }
    }

    /// The distinct non-NULL values of `col` (an integer-like column).
    pub fn from_column(join: usize, col: &ArrayRef) -> Result<KeySet> {
        let a = as_i64(col)?;
        let a = a.as_primitive::<Int64Type>();
        let keys: Vec<i64> = if a.null_count() == 0 {
            a.values().to_vec()
        } else {
            a.iter().flatten().collect()
        };
        Ok(KeySet::from_keys(join, keys))
    }

    /// Whether `k` is in the set.
    pub fn contains(&self, k: i64) -> bool {
        if k < self.min || k > self.max {
            return false;
        }
        match &self.members {
            Members::Bits(bits) => {
                let i = (k as i128 - self.min as i128) as usize;
                bits[i / 64] & (1 << (i % 64)) != 0
            }
            Members::Hashed(t) => t.find(hasher().hash_one(k), |v| *v == k).is_some(),
        }
    }

    /// Per row of `col`: whether its value is in the set (NULL: false).
    pub fn test(&self, col: &ArrayRef) -> Result<BooleanArray> {
        let a = as_i64(col)?;
        let a = a.as_primitive::<Int64Type>();
        let values = a.values();
        let bits = match a.nulls() {
            None => BooleanBuffer::collect_bool(a.len(), |i| self.contains(values[i])),
            Some(n) => {
                BooleanBuffer::collect_bool(a.len(), |i| n.is_valid(i) && self.contains(values[i]))
            }
        };
        Ok(BooleanArray::new(bits, None))
    }

    /// The keys, ascending.
    pub fn keys(&self) -> Vec<i64> {
        match &self.members {
            Members::Bits(bits) => {
                let mut out = Vec::with_capacity(self.len);
                for (w, word) in bits.iter().enumerate() {
                    let mut word = *word;
                    while word != 0 {
                        let b = word.trailing_zeros() as usize;
                        out.push((self.min as i128 + (w * 64 + b) as i128) as i64);
                        word &= word - 1;
                    }
                }
                out
            }
            Members::Hashed(t) => {
                let mut out: Vec<i64> = t.iter().copied().collect();
                out.sort_unstable();
                out
            }
        }
    }

    /// Bytes the set holds.
    pub fn memory(&self) -> usize {
        match &self.members {
            Members::Bits(b) => b.len() * 8,
            Members::Hashed(t) => t.capacity() * 16,
        }
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.len == 0 {
            return write!(f, "<no keys of join #{}>", self.join);
        }
        write!(
            f,
            "<{} keys of join #{} in [{}, {}]>",
            self.len, self.join, self.min, self.max
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Date32Array, Int32Array, Int64Array};
    use std::sync::Arc;

    #[test]
    fn dense_keys_use_a_bitmap_and_sparse_ones_a_hash_set() {
        let dense = KeySet::from_keys(1, vec![10, 12, 10, 15]);
        assert!(matches!(dense.members, Members::Bits(_)));
        assert_eq!((dense.min, dense.max, dense.len), (10, 15, 3));
        let sparse = KeySet::from_keys(1, vec![-(1 << 40), 7, 1 << 40]);
        assert!(matches!(sparse.members, Members::Hashed(_)));
        // Repeats do not make a wide range dense.
        let repeated = KeySet::from_keys(1, [0, 1 << 30].repeat(1 << 20));
        assert!(matches!(repeated.members, Members::Hashed(_)));
        assert_eq!(repeated.len, 2);
        for s in [&dense, &sparse] {
            for k in s.keys() {
                assert!(s.contains(k));
            }
        }
        assert!(!dense.contains(11) && !dense.contains(9) && !dense.contains(16));
        assert!(!sparse.contains(8) && sparse.contains(1 << 40));
        assert!(KeySet::from_keys(1, vec![i64::MIN, i64::MAX]).contains(i64::MIN));
    }

    #[test]
    fn tests_rows_of_any_integer_type_and_nulls_fail() {
        let build: ArrayRef = Arc::new(Int64Array::from(vec![Some(3), None, Some(5)]));
        let set = KeySet::from_column(4, &build).unwrap();
        assert_eq!(set.keys(), vec![3, 5]);
        let probe: ArrayRef = Arc::new(Int32Array::from(vec![Some(3), Some(4), None, Some(5)]));
        let got = set.test(&probe).unwrap();
        assert_eq!(got, BooleanArray::from(vec![true, false, false, true]));
        let dates: ArrayRef = Arc::new(Date32Array::from(vec![5, 6]));
        assert_eq!(
            set.test(&dates).unwrap(),
            BooleanArray::from(vec![true, false])
        );
        assert_eq!(set.to_string(), "<2 keys of join #4 in [3, 5]>");
    }

    #[test]
    fn an_empty_set_rejects_everything_and_survives_serialization() {
        let empty = KeySet::from_keys(2, vec![]);
        let probe: ArrayRef = Arc::new(Int64Array::from(vec![0, i64::MIN, i64::MAX]));
        assert_eq!(empty.test(&probe).unwrap().true_count(), 0);
        let set = KeySet::from_keys(9, vec![1, 1 << 50, 99]);
        let back: KeySet = postcard::from_bytes(&postcard::to_stdvec(&set).unwrap()).unwrap();
        assert_eq!(back.keys(), set.keys());
        assert_eq!(back.join, 9);
    }
}
