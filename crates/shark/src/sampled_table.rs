//! Block sampling, `TABLESAMPLE (n PERCENT)` and `TABLESAMPLE (nB|K|M|G)`,
//! as Hive does it: whole blocks of the input are read or skipped, never
//! single rows, until at least the asked share (or size) is covered. The
//! block is Hive's usual input split, 128 MiB, so a table smaller than a
//! block is read whole, as Hive reads it. Shark's scan partitions stand in
//! for the blocks (each a `total / partitions` share); which ones are read
//! starts at `hive.sample.seednumber` (default 0), as in Hive.

use crate::batch::Batch;
use crate::error::Result;
use crate::expr::Expr;
pub use crate::table::SampleSize;
use crate::table::{SourceDescriptor, TableSource};
use arrow::datatypes::SchemaRef;
use rdd::{Context, Rdd};
use std::sync::Arc;

/// Hive's input split, the unit block sampling reads.
pub const BLOCK_BYTES: u64 = 128 << 20;

/// A table read through a block sample.
pub struct SampledTable {
    inner: Arc<dyn TableSource>,
    size: SampleSize,
    seed: u64,
}

impl SampledTable {
    /// `inner` read through `size`, the first block read being chosen by `seed`.
    pub fn new(inner: Arc<dyn TableSource>, size: SampleSize, seed: u64) -> SampledTable {
        SampledTable { inner, size, seed }
    }

    /// Of `partitions` partitions of a table of `total` bytes, how many to read.
    fn kept(&self, partitions: usize, total: Option<u64>) -> usize {
        let Some(total) = total.filter(|t| *t > 0) else {
            return partitions;
        };
        let wanted = match self.size {
            SampleSize::Percent(p) => (total as f64 * p.clamp(0.0, 100.0) / 100.0).ceil() as u64,
            SampleSize::Bytes(b) => b,
        };
        // Whole blocks: at least one, so a small table is read whole.
        let covered = wanted.max(1).div_ceil(BLOCK_BYTES) * BLOCK_BYTES;
        let per_partition = total.div_ceil(partitions.max(1) as u64).max(1);
        (covered.div_ceil(per_partition) as usize).clamp(1, partitions.max(1))
    }
}

impl TableSource for SampledTable {
    fn schema(&self) -> SchemaRef {
        self.inner.schema()
    }

    fn scan(
        &self,
        ctx: &Context,
        projection: Option<&[usize]>,
        filters: &[Expr],
        partitions: usize,
    ) -> Result<Rdd<Batch>> {
        let rdd = self.inner.scan(ctx, projection, filters, partitions)?;
        let n = rdd.num_partitions();
        let kept = self.kept(n, self.inner.estimated_bytes());
        if kept >= n {
            return Ok(rdd);
        }
        let first = (self.seed % n as u64) as usize;
        Ok(rdd.map_partitions_with_index(move |i, it| {
            // Partitions first..first+kept (wrapping) are read; the rest
            // are never pulled, so their files are not read.
            let read = (i + n - first) % n < kept;
            it.take(if read { usize::MAX } else { 0 })
        }))
    }

    fn estimated_bytes(&self) -> Option<u64> {
        self.inner.estimated_bytes()
    }

    fn kind(&self) -> String {
        format!("{} (block sample)", self.inner.kind())
    }

    fn descriptor(&self) -> SourceDescriptor {
        SourceDescriptor::Sampled {
            inner: Box::new(self.inner.descriptor()),
            size: self.size,
            seed: self.seed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampled(size: SampleSize) -> SampledTable {
        let schema = Arc::new(arrow::datatypes::Schema::empty());
        let inner = Arc::new(crate::table::MemTable::try_new(schema, vec![]).unwrap());
        SampledTable::new(inner, size, 0)
    }

    #[test]
    fn whole_blocks_are_read() {
        let gib = 1u64 << 30;
        // A table under a block is read whole, whatever the share.
        assert_eq!(sampled(SampleSize::Percent(1.0)).kept(4, Some(10 << 20)), 4);
        // 10% of 8 GiB is 820 MiB: 7 blocks of 128 MiB = 896 MiB of 64 x 128 MiB.
        assert_eq!(
            sampled(SampleSize::Percent(10.0)).kept(64, Some(8 * gib)),
            7
        );
        assert_eq!(
            sampled(SampleSize::Bytes(300 << 20)).kept(64, Some(8 * gib)),
            3
        );
        assert_eq!(
            sampled(SampleSize::Percent(100.0)).kept(64, Some(8 * gib)),
            64
        );
        assert_eq!(sampled(SampleSize::Percent(0.0)).kept(64, Some(8 * gib)), 1);
        // Unknown size: everything.
        assert_eq!(sampled(SampleSize::Percent(1.0)).kept(5, None), 5);
    }
}
