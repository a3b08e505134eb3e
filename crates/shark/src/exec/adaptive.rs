//! Adaptive execution (Shark's partial DAG execution, Spark's AQE): the
//! map stage under an exchange that feeds a partitioned join or a final
//! aggregation runs on its own first, and what it measured decides how the
//! rest runs:
//!
//! - a partitioned join whose build side came out within the broadcast
//!   threshold becomes a broadcast join, and its probe side is not
//!   shuffled at all (the build side is measured first);
//! - adjacent small reduce partitions are read as one (coalescing), aiming
//!   at `advisoryPartitionSizeInBytes` while keeping the engine's workers
//!   busy (Spark's `parallelismFirst`);
//! - a join partition much larger than the median (skew) is split by
//!   ranges of map outputs, each piece joined with the whole matching
//!   partition of the other side.
//!
//! Each change is written on the plan node it changed (`adapted`), so
//! EXPLAIN ANALYZE shows the plan that really ran. Settings carry Spark's
//! names (`spark.sql.adaptive.*`).

use super::dynamic_filter::{self, add_note};
use super::exchange::hash_shuffle;
use super::join::{self, JoinSpec};
use super::{execute, measured, ExecContext};
use crate::batch::Batch;
use crate::error::Result;
use crate::expr::key_set::KeySet;
use crate::expr::Expr;
use crate::physical::{HashJoin, JoinMode, NestedLoopJoin, Operator, Partitioning, PhysicalPlan};
use crate::plan::JoinKind;
use rdd::{MapStageStatistics, Rdd, ReadSpec};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// Adaptive execution's switches and sizes.
#[derive(Clone, Debug)]
pub struct AdaptiveSettings {
    /// `spark.sql.adaptive.enabled`: re-plan between stages at all.
    pub enabled: bool,
    /// `spark.sql.adaptive.coalescePartitions.enabled`.
    pub coalesce: bool,
    /// `spark.sql.adaptive.advisoryPartitionSizeInBytes`: the size aimed at
    /// when coalescing and when splitting skewed partitions.
    pub advisory_bytes: u64,
    /// `spark.sql.adaptive.coalescePartitions.minPartitionSize`.
    pub min_partition_bytes: u64,
    /// Workers to keep busy: coalescing leaves at least about this many
    /// partitions when there is data for them.
    pub parallelism: usize,
    /// `spark.sql.adaptive.skewJoin.enabled`.
    pub skew_join: bool,
    /// `spark.sql.adaptive.skewJoin.skewedPartitionFactor`.
    pub skew_factor: f64,
    /// `spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes`.
    pub skew_threshold: u64,
    /// `spark.sql.adaptive.autoBroadcastJoinThreshold`: a build side
    /// measured at most this large is broadcast (0: never converted).
    pub broadcast_threshold: u64,
}

impl AdaptiveSettings {
    /// Spark's defaults over `settings` (session `SET`s), for an engine of
    /// `parallelism` workers; `broadcast_threshold` is the static one.
    pub fn from_settings(
        settings: &BTreeMap<String, String>,
        parallelism: usize,
        broadcast_threshold: u64,
    ) -> AdaptiveSettings {
        let get = |k: &str| settings.get(&format!("spark.sql.adaptive.{k}"));
        let flag = |k: &str, default: bool| {
            get(k).map_or(default, |v| !v.trim().eq_ignore_ascii_case("false"))
        };
        let bytes = |k: &str, default: u64| {
            get(k)
                .and_then(|v| rdd::conf::parse_bytes(v))
                .unwrap_or(default)
        };
        AdaptiveSettings {
            enabled: flag("enabled", true),
            coalesce: flag("coalescePartitions.enabled", true),
            advisory_bytes: bytes("advisoryPartitionSizeInBytes", 64 << 20).max(1),
            min_partition_bytes: bytes("coalescePartitions.minPartitionSize", 1 << 20),
            parallelism: parallelism.max(1),
            skew_join: flag("skewJoin.enabled", true),
            skew_factor: get("skewJoin.skewedPartitionFactor")
                .and_then(|v| v.parse().ok())
                .unwrap_or(5.0),
            skew_threshold: bytes("skewJoin.skewedPartitionThresholdInBytes", 256 << 20),
            broadcast_threshold: get("autoBroadcastJoinThreshold")
                .and_then(|v| v.parse::<i64>().ok())
                .map_or(broadcast_threshold, |v| v.max(0) as u64),
        }
    }

    /// The size coalescing aims at for `total` bytes in all.
    fn coalesce_target(&self, total: u64) -> u64 {
        let spread = total / self.parallelism as u64;
        self.advisory_bytes
            .min(spread.max(self.min_partition_bytes))
            .max(1)
    }
}

fn join_spec(
    plan: &PhysicalPlan,
    probe_keys: &[Expr],
    build_keys: &[Expr],
    j: &HashJoin,
) -> JoinSpec {
    JoinSpec {
        kind: j.kind,
        probe_keys: probe_keys.to_vec(),
        build_keys: build_keys.to_vec(),
        filter: j.filter.clone(),
        null_safe: j.null_safe,
        null_aware: j.null_aware,
        swapped: j.swapped,
        probe_schema: plan.inputs[0].schema.clone(),
        build_schema: plan.inputs[1].schema.clone(),
        out_schema: plan.schema.clone(),
        build_facts: None,
    }
}

/// The join spec of a nested-loop join node.
pub(super) fn nested_spec(plan: &PhysicalPlan, n: &NestedLoopJoin) -> JoinSpec {
    let j = HashJoin {
        mode: JoinMode::Broadcast,
        kind: JoinKind::Inner,
        probe_keys: vec![],
        build_keys: vec![],
        filter: n.filter.clone(),
        null_safe: false,
        null_aware: false,
        swapped: n.swapped,
    };
    join_spec(plan, &[], &[], &j)
}

/// A hash join node (its inputs: probe, then build under an exchange).
pub(super) fn hash_join(
    plan: &mut PhysicalPlan,
    j: HashJoin,
    ex: &ExecContext,
) -> Result<Rdd<Batch>> {
    let spec = join_spec(plan, &j.probe_keys, &j.build_keys, &j);
    if j.mode == JoinMode::Broadcast {
        // Usually the build side first: its keys filter the probe side's
        // scans; where the probe side is expected the smaller, the other
        // way round.
        let mut probe = None;
        let cap = ex
            .adaptive
            .broadcast_threshold
            .max(1 << 20)
            .saturating_mul(2);
        if ex.dynamic_filters
            && runs_probe_side_first(plan, &j)
            && plan.inputs[0].estimate.bytes.is_some_and(|b| b <= cap)
        {
            probe = Some(collect_probe_side_first(plan, &j, cap as usize, ex)?);
        }
        let build = execute(&mut plan.inputs[1], ex)?;
        let table = join::collect_table(&build, &spec)?;
        if let Some(table) = table {
            let probe = match probe {
                Some(p) => p,
                None => {
                    filter_probe_side(plan, &j, &table, ex)?;
                    execute(&mut plan.inputs[0], ex)?
                }
            };
            return Ok(join::broadcast_probe(&probe, table, spec));
        }
        // Over the memory budget.
        if j.probe_keys.is_empty() && j.kind != JoinKind::Inner {
            return Err(crate::error::SharkError::exec(format!(
                "the build side of a {:?} join without equality keys is over the memory budget; raise shark.memory.execution",
                j.kind
            )));
        }
        let probe = match probe {
            Some(p) => p,
            None => execute(&mut plan.inputs[0], ex)?,
        };
        if j.probe_keys.is_empty() {
            plan.op = Operator::NestedLoopJoin(NestedLoopJoin {
                filter: j.filter.clone(),
                swapped: j.swapped,
            });
            plan.adapted =
                Some("broadcast -> nested loop: the build side passed the memory budget".into());
            return Ok(join::nested_loop_join(&probe, &build, spec));
        }
        if ex.remote.is_some() {
            // One task of a stage cannot shuffle its stage's whole input.
            return Err(crate::error::SharkError::exec(
                "the broadcast side of a join is over an executor task's memory budget; raise shark.memory.execution or lower spark.sql.autoBroadcastJoinThreshold",
            ));
        }
        // Estimated small, found big: both sides hash-partitioned.
        let n = ex.shuffle_partitions;
        if let Operator::HashJoin(h) = &mut plan.op {
            h.mode = JoinMode::Partitioned;
        }
        plan.adapted = Some(format!(
            "broadcast -> partitioned ({n} partitions): the build side passed the memory budget"
        ));
        let probe = super::exchange::hash_exchange(&probe, j.probe_keys.clone(), n);
        let build = super::exchange::hash_exchange(&build, j.build_keys.clone(), n);
        return partitioned(probe, build, spec);
    }
    let hashed = |p: &PhysicalPlan| match &p.op {
        Operator::Exchange(e) => match &e.partitioning {
            Partitioning::Hash(k) => Some((k.clone(), e.partitions)),
            _ => None,
        },
        _ => None,
    };
    let sides = hashed(&plan.inputs[0]).zip(hashed(&plan.inputs[1]));
    let Some(((probe_keys, n), (build_keys, _))) = sides.filter(|_| ex.adaptive.enabled) else {
        let probe = execute(&mut plan.inputs[0], ex)?;
        let build = execute(&mut plan.inputs[1], ex)?;
        return partitioned(probe, build, spec);
    };
    if ex.dynamic_filters && runs_probe_side_first(plan, &j) {
        return probe_side_first(plan, j, spec, (probe_keys, build_keys, n), ex);
    }
    // The build side's map stage first: if it is small, the probe side
    // need not move at all.
    let (build_shuffle, build_stats) = run_side(plan, 1, build_keys, n, ex)?;
    let build_bytes = build_stats.total_bytes();
    let threshold = ex.adaptive.broadcast_threshold;
    let keeps_build = crate::physical::keeps_build_rows(j.kind, j.swapped);
    if !keeps_build && threshold > 0 && build_bytes <= threshold {
        let build = measured(build_shuffle.rdd().values(), plan.inputs[1].id, ex);
        let probe_node = plan.inputs[0].inputs.remove(0);
        plan.inputs[0] = probe_node;
        if let Some(table) = join::collect_table(&build, &spec)? {
            if let Operator::HashJoin(h) = &mut plan.op {
                h.mode = JoinMode::Broadcast;
            }
            plan.adapted = Some(format!(
                "partitioned -> broadcast: build side measured {build_bytes} bytes (threshold {threshold}); probe side not shuffled"
            ));
            filter_probe_side(plan, &j, &table, ex)?;
            let probe = execute(&mut plan.inputs[0], ex)?;
            return Ok(join::broadcast_probe(&probe, table, spec));
        }
        return Err(crate::error::SharkError::exec(
            "a keyed join's build side could not be broadcast",
        ));
    }
    if ex.dynamic_filters
        && build_bytes <= KEYS_FROM_SHUFFLE_BYTES
        && dynamic_filter::drops_unmatched_probe_rows(&j)
        && dynamic_filter::may_reduce(&plan.inputs[1])
    {
        if let Some(at) = filter_side(plan, 0, &build_shuffle, &j.build_keys, &j.probe_keys, ex)? {
            add_note(plan, format!("build keys filter the probe side at {at}"));
        }
    }
    let probe = run_side(plan, 0, probe_keys, n, ex)?;
    join_measured(plan, &j, spec, probe, (build_shuffle, build_stats), ex)
}

/// Runs the map stage under join input `side`'s hash exchange.
fn run_side(
    plan: &mut PhysicalPlan,
    side: usize,
    keys: Vec<Expr>,
    n: usize,
    ex: &ExecContext,
) -> Result<Measured> {
    let child = execute(&mut plan.inputs[side].inputs[0], ex)?;
    let shuffle = hash_shuffle(&child, keys, n);
    let stats = shuffle.run_map_stage()?;
    Ok((shuffle, stats))
}

/// A shuffled join side and what its map stage measured.
type Measured = (rdd::Shuffle<u64, Batch>, MapStageStatistics);

/// The partitioned join of two sides whose map stages ran: both read as
/// their measurements say (coalesced, skewed partitions split).
fn join_measured(
    plan: &mut PhysicalPlan,
    j: &HashJoin,
    spec: JoinSpec,
    (probe_shuffle, probe_stats): Measured,
    (build_shuffle, build_stats): Measured,
    ex: &ExecContext,
) -> Result<Rdd<Batch>> {
    // A join that emits build rows after its probe side must not split
    // a probe partition (as for FULL).
    let keeps_build = crate::physical::keeps_build_rows(j.kind, j.swapped);
    let kind = if keeps_build { JoinKind::Full } else { j.kind };
    let (probe, build) = match plan_reads(&probe_stats, &build_stats, kind, &ex.adaptive) {
        Some(reads) => {
            add_note(plan, reads.note);
            (
                probe_shuffle.read(reads.probe).values(),
                build_shuffle.read(reads.build).values(),
            )
        }
        None => (probe_shuffle.rdd().values(), build_shuffle.rdd().values()),
    };
    let probe = measured(probe, plan.inputs[0].id, ex);
    let build = measured(build, plan.inputs[1].id, ex);
    partitioned(probe, build, spec)
}

/// Most bytes of a shuffled join side whose keys are collected to filter
/// the other side: past this, collecting costs about what filtering saves.
const KEYS_FROM_SHUFFLE_BYTES: u64 = 64 << 20;

/// Whether a partitioned join runs its probe side first to filter its
/// build side by the probe keys: the probe side is not expected to be the
/// larger one (in rows, where both are estimated; a tie usually means
/// both come from one table, and the probe side's own joins — which the
/// estimates do not see through — filter it) and build rows without a
/// partner are never emitted.
fn runs_probe_side_first(plan: &PhysicalPlan, j: &HashJoin) -> bool {
    let rows = |p: &PhysicalPlan| p.estimate.rows;
    match (rows(&plan.inputs[0]), rows(&plan.inputs[1])) {
        (Some(p), Some(b)) => {
            p <= b
                && !j.probe_keys.is_empty()
                && !dynamic_filter::has_side_effects(&plan.inputs[0])
                && dynamic_filter::drops_unmatched_build_rows(j)
                && dynamic_filter::may_reduce(&plan.inputs[0])
        }
        _ => false,
    }
}

/// A broadcast join's probe side, expected smaller than its build side
/// and within `cap` bytes (twice the broadcast threshold), run first and
/// held on the driver while it stays within `cap`: its keys then filter
/// the build side's scans, and the held batches are what is probed. Past
/// `cap`, the probe side as it is (run again by the join, unfiltered).
fn collect_probe_side_first(
    plan: &mut PhysicalPlan,
    j: &HashJoin,
    cap: usize,
    ex: &ExecContext,
) -> Result<Rdd<Batch>> {
    let probe = execute(&mut plan.inputs[0], ex)?;
    let Some(batches) = join::collect_within(&probe, cap, true)? else {
        return Ok(probe);
    };
    let sets = dynamic_filter::keys_of_batches(&batches, &j.probe_keys, plan.id)?;
    if let Some(at) = push_sets(&mut plan.inputs[1], sets, &j.build_keys, ex) {
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        add_note(
            plan,
            format!("probe side ran first ({rows} rows); its keys filter the build side at {at}"),
        );
    }
    let parts = ex.ctx.default_parallelism().min(batches.len()).max(1);
    Ok(ex
        .ctx
        .parallelize(batches.into_iter().map(Batch).collect(), Some(parts)))
}

/// A partitioned join whose probe side runs (and is measured) first: when
/// it came out small enough, its keys filter the build side's scans
/// before the build side runs; then both sides are read as usual.
fn probe_side_first(
    plan: &mut PhysicalPlan,
    j: HashJoin,
    spec: JoinSpec,
    (probe_keys, build_keys, n): (Vec<Expr>, Vec<Expr>, usize),
    ex: &ExecContext,
) -> Result<Rdd<Batch>> {
    let (probe_shuffle, probe_stats) = run_side(plan, 0, probe_keys, n, ex)?;
    if probe_stats.total_bytes() <= KEYS_FROM_SHUFFLE_BYTES {
        if let Some(at) = filter_side(plan, 1, &probe_shuffle, &j.probe_keys, &j.build_keys, ex)? {
            add_note(
                plan,
                format!(
                    "probe side ran first ({} bytes); its keys filter the build side at {at}",
                    probe_stats.total_bytes()
                ),
            );
        }
    }
    let build = run_side(plan, 1, build_keys, n, ex)?;
    join_measured(plan, &j, spec, (probe_shuffle, probe_stats), build, ex)
}

/// Filters join input `side` (below its exchange, before it runs) by the
/// values `keys_of` takes over the other side's shuffled output; where
/// the filters landed (see `push_sets`).
fn filter_side(
    plan: &mut PhysicalPlan,
    side: usize,
    other: &rdd::Shuffle<u64, Batch>,
    keys_of: &[Expr],
    keys: &[Expr],
    ex: &ExecContext,
) -> Result<Option<String>> {
    let sets = dynamic_filter::collect_keys(&other.rdd().values(), keys_of, plan.id)?;
    Ok(push_sets(&mut plan.inputs[side].inputs[0], sets, keys, ex))
}

/// Pushes each set into `side` along its key; the nodes they landed on
/// (`#8, #14`), if any.
fn push_sets(
    side: &mut PhysicalPlan,
    sets: Vec<Option<KeySet>>,
    keys: &[Expr],
    ex: &ExecContext,
) -> Option<String> {
    let mut landed = Vec::new();
    for (set, key) in sets.into_iter().zip(keys) {
        let Some(set) = set else { continue };
        if let Some(at) = dynamic_filter::push(side, key, Arc::new(set), ex) {
            landed.push(format!("#{at}"));
        }
    }
    (!landed.is_empty()).then(|| landed.join(", "))
}

/// Pushes the keys of a collected build side into the join's probe side
/// (see `dynamic_filter`), one filter per integer-like key, noting on the
/// join where each went.
fn filter_probe_side(
    plan: &mut PhysicalPlan,
    j: &HashJoin,
    table: &join::JoinTable,
    ex: &ExecContext,
) -> Result<()> {
    if !ex.dynamic_filters
        || !dynamic_filter::drops_unmatched_probe_rows(j)
        || !dynamic_filter::may_reduce(&plan.inputs[1])
    {
        return Ok(());
    }
    let sets = dynamic_filter::keys_of_batches(
        std::slice::from_ref(table.batch()),
        &j.build_keys,
        plan.id,
    )?;
    if let Some(at) = push_sets(&mut plan.inputs[0], sets, &j.probe_keys, ex) {
        add_note(plan, format!("build keys filter the probe side at {at}"));
    }
    Ok(())
}

fn partitioned(probe: Rdd<Batch>, build: Rdd<Batch>, mut spec: JoinSpec) -> Result<Rdd<Batch>> {
    if spec.null_aware {
        spec.build_facts = Some(join::build_facts(&build, &spec.build_keys)?);
    }
    join::partitioned_join(&probe, &build, spec)
}

/// The input of a final aggregation: its hash exchange, run first and read
/// coalesced when adaptive execution is on.
pub(super) fn coalesced_input(exchange: &mut PhysicalPlan, ex: &ExecContext) -> Result<Rdd<Batch>> {
    let keys = match &exchange.op {
        Operator::Exchange(e) => match &e.partitioning {
            Partitioning::Hash(k) if e.partitions > 1 => Some((k.clone(), e.partitions)),
            _ => None,
        },
        _ => None,
    };
    let Some((keys, n)) = keys.filter(|_| ex.adaptive.enabled && ex.adaptive.coalesce) else {
        return execute(exchange, ex);
    };
    let child = execute(&mut exchange.inputs[0], ex)?;
    let shuffle = hash_shuffle(&child, keys, n);
    let stats = shuffle.run_map_stage()?;
    let sizes = stats.bytes_by_partition();
    let groups = coalesce(&sizes, ex.adaptive.coalesce_target(stats.total_bytes()));
    let rdd = if groups.len() < n {
        exchange.adapted = Some(format!(
            "coalesced {n} -> {} partitions ({} bytes measured)",
            groups.len(),
            stats.total_bytes()
        ));
        shuffle
            .read(groups.into_iter().map(ReadSpec::coalesced).collect())
            .values()
    } else {
        shuffle.rdd().values()
    };
    Ok(measured(rdd, exchange.id, ex))
}

/// Adjacent partitions grouped while their sizes add up to at most
/// `target` (a partition over it stands alone).
fn coalesce(sizes: &[u64], target: u64) -> Vec<Range<usize>> {
    let mut groups = Vec::new();
    let (mut start, mut held) = (0, 0u64);
    for (i, &s) in sizes.iter().enumerate() {
        if i > start && held + s > target {
            groups.push(start..i);
            start = i;
            held = 0;
        }
        held += s;
    }
    if start < sizes.len() {
        groups.push(start..sizes.len());
    }
    groups
}

/// How both sides of a partitioned join are read, partition by partition.
struct Reads {
    probe: Vec<ReadSpec>,
    build: Vec<ReadSpec>,
    note: String,
}

fn median(v: &[u64]) -> u64 {
    let mut s = v.to_vec();
    s.sort_unstable();
    s.get(s.len() / 2).copied().unwrap_or(0)
}

/// Map ranges of reduce partition `r` of about `target` bytes each (`[None]`
/// when it does not split).
fn split_by_maps(stats: &MapStageStatistics, r: usize, target: u64) -> Vec<Option<Range<usize>>> {
    let mut out = Vec::new();
    let (mut start, mut held) = (0, 0u64);
    let maps = stats.bytes.len();
    for (m, sizes) in stats.bytes.iter().enumerate() {
        held += sizes[r];
        if held >= target && m + 1 < maps {
            out.push(Some(start..m + 1));
            start = m + 1;
            held = 0;
        }
    }
    if start < maps {
        out.push(Some(start..maps));
    }
    if out.len() <= 1 {
        vec![None]
    } else {
        out
    }
}

/// Coalesced and skew-split reads for a join's two measured sides; `None`
/// when reading them as they are is already right.
fn plan_reads(
    probe: &MapStageStatistics,
    build: &MapStageStatistics,
    kind: JoinKind,
    s: &AdaptiveSettings,
) -> Option<Reads> {
    let (pb, bb) = (probe.bytes_by_partition(), build.bytes_by_partition());
    let n = pb.len();
    if n == 0 || bb.len() != n {
        return None;
    }
    let (pm, bm) = (median(&pb), median(&bb));
    let skewed = |bytes: u64, med: u64| {
        s.skew_join && bytes > s.skew_threshold && bytes as f64 > s.skew_factor * med.max(1) as f64
    };
    // A probe partition may be split for joins that stream it against the
    // whole build partition; a build partition only for inner joins.
    let probe_splits = matches!(
        kind,
        JoinKind::Inner | JoinKind::Left | JoinKind::LeftSemi | JoinKind::LeftAnti
    );
    let build_splits = kind == JoinKind::Inner;
    let total: u64 = pb.iter().chain(&bb).sum();
    let target = if s.coalesce {
        s.coalesce_target(total)
    } else {
        0
    };
    let (mut reads_p, mut reads_b) = (Vec::new(), Vec::new());
    let (mut split_parts, mut group): (Vec<usize>, Option<(usize, u64)>) = (Vec::new(), None);
    let flush = |group: &mut Option<(usize, u64)>,
                 end: usize,
                 p: &mut Vec<ReadSpec>,
                 b: &mut Vec<ReadSpec>| {
        if let Some((start, _)) = group.take() {
            p.push(ReadSpec::coalesced(start..end));
            b.push(ReadSpec::coalesced(start..end));
        }
    };
    for i in 0..n {
        let split_p = probe_splits && skewed(pb[i], pm);
        let split_b = build_splits && skewed(bb[i], bm);
        if split_p || split_b {
            let ps = if split_p {
                split_by_maps(probe, i, s.advisory_bytes.max(pm))
            } else {
                vec![None]
            };
            let bs = if split_b {
                split_by_maps(build, i, s.advisory_bytes.max(bm))
            } else {
                vec![None]
            };
            if ps.len() * bs.len() > 1 {
                flush(&mut group, i, &mut reads_p, &mut reads_b);
                split_parts.push(i);
                for p in &ps {
                    for b in &bs {
                        reads_p.push(ReadSpec {
                            reducers: i..i + 1,
                            maps: p.clone(),
                        });
                        reads_b.push(ReadSpec {
                            reducers: i..i + 1,
                            maps: b.clone(),
                        });
                    }
                }
                continue;
            }
        }
        let size = pb[i] + bb[i];
        match &mut group {
            Some((_, held)) if *held + size <= target => *held += size,
            _ => {
                flush(&mut group, i, &mut reads_p, &mut reads_b);
                group = Some((i, size));
            }
        }
    }
    flush(&mut group, n, &mut reads_p, &mut reads_b);
    let coalesced = reads_p.len() - split_parts.len() < n - split_parts.len();
    if split_parts.is_empty() && !coalesced {
        return None;
    }
    let mut notes = Vec::new();
    if !split_parts.is_empty() {
        notes.push(format!(
            "skewed partitions {split_parts:?} split by map ranges"
        ));
    }
    if reads_p.len() != n {
        notes.push(format!("{n} -> {} partitions read", reads_p.len()));
    }
    notes.push(format!(
        "measured probe {} bytes, build {} bytes",
        probe.total_bytes(),
        build.total_bytes()
    ));
    Some(Reads {
        probe: reads_p,
        build: reads_b,
        note: notes.join("; "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> AdaptiveSettings {
        AdaptiveSettings::from_settings(&BTreeMap::new(), 2, 10 << 20)
    }

    #[test]
    fn coalesces_adjacent_small_partitions() {
        assert_eq!(coalesce(&[1, 1, 1, 5, 1], 3), vec![0..3, 3..4, 4..5]);
        assert_eq!(coalesce(&[10, 10], 3), vec![0..1, 1..2]);
        assert_eq!(coalesce(&[], 3), Vec::<Range<usize>>::new());
    }

    #[test]
    fn splits_a_skewed_probe_partition_by_map_ranges() {
        let mut s = settings();
        s.skew_threshold = 10;
        s.advisory_bytes = 100;
        s.coalesce = false;
        // 4 maps x 3 reducers; reducer 1 is 40x the others.
        let probe = MapStageStatistics {
            bytes: vec![vec![10, 400, 10]; 4],
        };
        let build = MapStageStatistics {
            bytes: vec![vec![10, 10, 10]; 4],
        };
        let r = plan_reads(&probe, &build, JoinKind::Inner, &s).unwrap();
        assert_eq!(r.probe.len(), 2 + 4);
        assert!(r.probe.iter().filter(|p| p.maps.is_some()).count() == 4);
        // Each probe piece meets the whole build partition 1.
        for (p, b) in r.probe.iter().zip(&r.build) {
            assert_eq!(p.reducers, b.reducers);
            if p.maps.is_some() {
                assert_eq!(b.maps, None);
            }
        }
        // A FULL join never splits.
        let s2 = AdaptiveSettings { ..s };
        assert!(plan_reads(&probe, &build, JoinKind::Full, &s2).is_none());
    }
}
