//! Hive's bucket map join: two tables bucketed on the join keys into the
//! same number of buckets (by Hive's hash, files laid out by bucket) are
//! joined bucket by bucket, each side scanned one partition per bucket,
//! with no shuffle: equal keys hash to the same bucket on both sides.

use super::{Operator, PhysicalPlan, ScanSource};
use crate::expr::Expr;
use crate::plan::LogicalPlan;
use crate::table::{SourceDescriptor, TableSource};
use arrow::datatypes::DataType;
use std::sync::Arc;

/// The bucket count and key types of one join side when it is a bucketed
/// table read through filters and column-only projections, and `keys` are
/// exactly its clustering columns in order; None otherwise.
fn bucketed_side(plan: &LogicalPlan, keys: &[Expr]) -> Option<(u32, Vec<DataType>)> {
    let mut idx: Vec<usize> = keys
        .iter()
        .map(|k| match k {
            Expr::Column { index, .. } => Some(*index),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let mut node = plan;
    loop {
        match node {
            LogicalPlan::Filter(f) => node = &f.input,
            LogicalPlan::Project(p) => {
                idx = idx
                    .iter()
                    .map(|&i| match p.exprs.get(i)? {
                        Expr::Column { index, .. } => Some(*index),
                        _ => None,
                    })
                    .collect::<Option<_>>()?;
                node = &p.input;
            }
            LogicalPlan::Scan(s) => {
                let SourceDescriptor::Hive(h) = s.source.descriptor() else {
                    return None;
                };
                let (columns, count) = h.bucketing?;
                let data = h.data_schema.fields().len();
                if h.partitions.is_some()
                    || h.buckets.is_some()
                    || s.projection
                        .as_ref()
                        .is_some_and(|p| p.iter().any(|&c| c >= data))
                {
                    return None;
                }
                let table_idx: Vec<usize> = idx
                    .iter()
                    .map(|&i| s.projection.as_ref().map_or(Some(i), |p| p.get(i).copied()))
                    .collect::<Option<_>>()?;
                if table_idx != columns {
                    return None;
                }
                // Every file must name its bucket: a bucket-by-bucket scan
                // reads no other file.
                let files = crate::table::data_files(&h.location).ok()?;
                if !files
                    .iter()
                    .all(|(f, _)| crate::table::bucket_of_file(f).is_some_and(|b| b < count))
                {
                    return None;
                }
                return Some((count, keys.iter().map(Expr::data_type).collect()));
            }
            _ => return None,
        }
    }
}

/// The bucket count both sides share when a join on `probe_keys` /
/// `build_keys` can run bucket by bucket.
pub(super) fn shared_buckets(
    probe: &LogicalPlan,
    build: &LogicalPlan,
    probe_keys: &[Expr],
    build_keys: &[Expr],
) -> Option<u32> {
    if probe_keys.is_empty() {
        return None;
    }
    let (n, probe_types) = bucketed_side(probe, probe_keys)?;
    let (m, build_types) = bucketed_side(build, build_keys)?;
    // Hive's hash differs between types (an INT and a BIGINT of one value
    // may land in different buckets): the keys must have the same types.
    (n == m && probe_types == build_types).then_some(n)
}

/// Turns the scan at the bottom of `plan` (through single-input nodes)
/// into a scan of one partition per bucket; false when there is none.
pub(super) fn scan_by_bucket(plan: &mut PhysicalPlan) -> bool {
    let mut node = plan;
    loop {
        if let Operator::Scan(s) = &mut node.op {
            let SourceDescriptor::Hive(h) = &s.source.descriptor else {
                return false;
            };
            let table: Arc<dyn TableSource> =
                Arc::new(crate::hive_table::HiveTable::from_descriptor(h).by_bucket());
            s.source = ScanSource::of(&table);
            return true;
        }
        if node.inputs.len() != 1 {
            return false;
        }
        node = &mut node.inputs[0];
    }
}
