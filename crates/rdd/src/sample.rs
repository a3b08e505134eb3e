//! Random sampling for `sample`, `take_sample` and range partitioning:
//! deterministic for a seed, so a recomputed partition samples the same rows.

/// A small, fast, seedable generator (SplitMix64). Good statistical quality
/// for sampling; not for cryptography.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 {
            state: seed ^ 0x9e37_79b9_7f4a_7c15,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        crate::hash::mix64(self.state)
    }

    /// A uniform double in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform integer in `[0, n)`.
    pub fn next_below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A Poisson-distributed count with mean `lambda` (Knuth's method for
    /// small means, a normal approximation for large ones).
    pub fn next_poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            // Box-Muller normal approximation.
            let u1 = self.next_f64().max(f64::MIN_POSITIVE);
            let u2 = self.next_f64();
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            return (lambda + z * lambda.sqrt()).round().max(0.0) as u64;
        }
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0u64, 1.0);
        loop {
            p *= self.next_f64();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
}

/// The per-partition seed Spark derives from a job seed and a partition index.
pub fn partition_seed(seed: u64, partition: usize) -> u64 {
    crate::hash::mix64(seed ^ crate::hash::mix64(partition as u64 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_mean_is_close_to_lambda() {
        let mut rng = SplitMix64::new(7);
        for lambda in [0.5, 2.0, 50.0] {
            let n = 20_000;
            let sum: u64 = (0..n).map(|_| rng.next_poisson(lambda)).sum();
            let mean = sum as f64 / n as f64;
            assert!(
                (mean - lambda).abs() < lambda * 0.05 + 0.02,
                "{lambda}: {mean}"
            );
        }
    }

    #[test]
    fn same_seed_same_sequence() {
        let a: Vec<u64> = (0..5)
            .scan(SplitMix64::new(3), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..5)
            .scan(SplitMix64::new(3), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
    }
}
