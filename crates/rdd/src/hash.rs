//! The one fixed hash the engine partitions by. It must be the same in every
//! worker and every run (a random seed would send one key to two reducers),
//! so it is FxHash followed by a 64-bit finalizer that spreads low bits.

use std::hash::{Hash, Hasher};

/// Hash maps keyed by user keys inside tasks: foldhash with a fixed seed
/// (fast, well distributed in the high bits hashbrown probes with, and
/// deterministic).
pub type TaskHashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// The partitioning hash of a key: deterministic across threads and runs.
pub fn hash_key<K: Hash + ?Sized>(key: &K) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    key.hash(&mut h);
    mix64(h.finish())
}

/// MurmurHash3's fmix64: every input bit affects every output bit.
pub fn mix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_integers_spread_over_partitions() {
        let mut counts = [0usize; 8];
        for k in 0..8000u32 {
            counts[(hash_key(&k) % 8) as usize] += 1;
        }
        assert!(counts.iter().all(|&c| c > 800 && c < 1200), "{counts:?}");
    }
}
