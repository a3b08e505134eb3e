//! Physical plans: how a query runs, decided once. The planner
//! (`planner.rs`) turns an optimized `LogicalPlan` into a `PhysicalPlan`,
//! choosing every strategy from statistics — join mode and build side,
//! aggregation phases, where rows move between partitions (explicit
//! `Exchange` nodes) and how many partitions they move to. `exec` builds the
//! RDDs of exactly this tree; adaptive execution (`exec::adaptive`) may
//! revise it between stages from measured sizes and says so on the node it
//! changed. EXPLAIN prints it, EXPLAIN ANALYZE prints it with the metrics
//! every node counted, and the whole tree serializes (serde), so that a
//! fragment can travel to another process as data.
//!
//! ```text
//!  LogicalPlan ─► planner (stats.rs estimates) ─► PhysicalPlan ─► exec ─► RDDs
//!                                                     ▲              │
//!                                                     └── adaptive ◄─┘ measured sizes
//! ```

mod bucket_join;
pub mod explain;
pub mod fragment;
pub mod metrics;
pub mod planner;
pub mod stats;

use crate::error::{Result, SharkError};
use crate::expr::Expr;
use crate::plan::{AggExpr, Generator, JoinKind, SortKey, WindowExpr, WindowSpec};
use crate::table::{SourceDescriptor, TableSource};
use arrow::datatypes::SchemaRef;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use planner::{plan, PlannerSettings};
pub use stats::Estimate;

/// One operator of a physical plan with its inputs. `id` is unique within
/// the query and stable (pre-order), so metrics and EXPLAIN refer to nodes
/// by it.
#[derive(Clone, Serialize, Deserialize)]
pub struct PhysicalPlan {
    /// The node's id within the query.
    pub id: usize,
    /// What the node does.
    pub op: Operator,
    /// Its inputs, in the order the operator names them (joins: probe, then
    /// build).
    pub inputs: Vec<PhysicalPlan>,
    /// The columns it produces.
    #[serde(with = "crate::types::schema_ref")]
    pub schema: SchemaRef,
    /// The planner's estimate of its output.
    pub estimate: Estimate,
    /// What adaptive execution changed here, if anything.
    pub adapted: Option<String>,
}

/// The physical operators.
#[derive(Clone, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Operator {
    Scan(Scan),
    /// One row without columns (`SELECT 1`).
    OneRow,
    /// No rows.
    Empty,
    Filter(Filter),
    Project(Project),
    HashAggregate(HashAggregate),
    Exchange(Exchange),
    HashJoin(HashJoin),
    NestedLoopJoin(NestedLoopJoin),
    Sort(Sort),
    Limit(Limit),
    Offset(Offset),
    /// UNION ALL of inputs with the same column types (no data moves).
    Union,
    Generate(Generate),
    Window(Window),
    Replicate(Replicate),
    ScriptTransform(ScriptTransform),
}

/// Reads a table: only `projection` columns, skipping what `filters` rule
/// out (partitions, files, row groups); rows failing them may still come.
#[derive(Clone, Serialize, Deserialize)]
pub struct Scan {
    /// The table's name, for plans.
    pub table: String,
    /// The table, as data; opened on the process that runs the scan.
    pub source: ScanSource,
    /// Table columns read (all when `None`).
    pub projection: Option<Vec<usize>>,
    /// Predicates over table columns the source may skip data with.
    pub filters: Vec<Expr>,
    /// Partitions the scan aims for (sources split by size as they can).
    pub partitions: usize,
}

/// A table to scan: a descriptor that serializes (format, paths, schema,
/// partitions), plus the source already opened in this process.
#[derive(Clone, Serialize, Deserialize)]
pub struct ScanSource {
    /// What the table is.
    pub descriptor: SourceDescriptor,
    /// `memory`, `text`, `parquet`..., for plans.
    pub kind: String,
    #[serde(skip)]
    opened: Option<Arc<dyn TableSource>>,
}

impl ScanSource {
    /// The descriptor of `source`, keeping the open source for this process.
    pub fn of(source: &Arc<dyn TableSource>) -> ScanSource {
        ScanSource {
            descriptor: source.descriptor(),
            kind: source.kind(),
            opened: Some(source.clone()),
        }
    }

    /// The table, opened from its descriptor unless already open here.
    pub fn open(&self, ctx: &rdd::Context) -> Result<Arc<dyn TableSource>> {
        match &self.opened {
            Some(s) => Ok(s.clone()),
            None => open_source(&self.descriptor, ctx),
        }
    }
}

/// Opens the table a descriptor describes.
pub fn open_source(d: &SourceDescriptor, ctx: &rdd::Context) -> Result<Arc<dyn TableSource>> {
    use crate::table::{MemTable, ParquetTable, TextTable};
    Ok(match d {
        SourceDescriptor::Memory { ipc } => {
            let reader =
                arrow::ipc::reader::StreamReader::try_new(std::io::Cursor::new(ipc), None)?;
            let schema = reader.schema();
            let batches = reader.collect::<std::result::Result<Vec<_>, _>>()?;
            Arc::new(MemTable::try_new(schema, batches)?)
        }
        SourceDescriptor::Text {
            schema,
            path,
            format,
        } => Arc::new(TextTable::new(schema.clone(), path.clone(), format.clone())),
        SourceDescriptor::Parquet { schema, files } => {
            Arc::new(ParquetTable::from_files(schema.clone(), files.clone()))
        }
        SourceDescriptor::Orc { schema, files } => Arc::new(
            crate::orc_table::OrcTable::from_files(schema.clone(), files.clone()),
        ),
        SourceDescriptor::Avro { schema, files } => Arc::new(
            crate::avro_table::AvroTable::from_files(schema.clone(), files.clone()),
        ),
        SourceDescriptor::Hive(h) => Arc::new(crate::hive_table::HiveTable::from_descriptor(h)),
        SourceDescriptor::Cached { key } => {
            crate::cache::TableCache::of(ctx).get(key).ok_or_else(|| {
                SharkError::exec(format!("cached table {key} is no longer in the cache"))
            })?
        }
        SourceDescriptor::Sampled { inner, size, seed } => Arc::new(
            crate::sampled_table::SampledTable::new(open_source(inner, ctx)?, *size, *seed),
        ),
        SourceDescriptor::Local { kind } => {
            return Err(SharkError::exec(format!(
                "a {kind} source cannot be opened outside the process that made it"
            )))
        }
    })
}

/// Keeps the rows where `predicate` is true.
#[derive(Clone, Serialize, Deserialize)]
pub struct Filter {
    /// A BOOLEAN expression over the input.
    pub predicate: Expr,
}

/// Computes `exprs` over each input row.
#[derive(Clone, Serialize, Deserialize)]
pub struct Project {
    /// One expression per output column.
    pub exprs: Vec<Expr>,
}

/// Which phase of a hash aggregation a node runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AggMode {
    /// Raw rows in, one partial state per group and partition out.
    Partial,
    /// Partial states in (all of a group's in one partition), values out.
    Final,
    /// Raw rows in (all of a group's in one partition), values out: the
    /// plan for DISTINCT aggregates.
    Single,
}

/// GROUP BY with aggregates, in one of its phases. Output: the group keys,
/// then the aggregates (partial states for `Partial`).
#[derive(Clone, Serialize, Deserialize)]
pub struct HashAggregate {
    /// The phase.
    pub mode: AggMode,
    /// Group keys over the aggregation's input.
    pub group: Vec<Expr>,
    /// The aggregates, over the aggregation's input.
    pub aggs: Vec<AggExpr>,
    /// The final output (keys, then values).
    #[serde(with = "crate::types::schema_ref")]
    pub output: SchemaRef,
}

/// How an exchange moves rows between partitions.
#[derive(Clone, Serialize, Deserialize)]
pub enum Partitioning {
    /// Rows with equal keys to one partition.
    Hash(Vec<Expr>),
    /// Sorted ranges of the keys (bounds sampled when the exchange runs).
    Range(Vec<SortKey>),
    /// Everything into one partition.
    Single,
    /// Every row to every task of the consuming operator (a join's build
    /// side, collected once).
    Broadcast,
}

/// Moves rows between partitions: the boundary between two stages.
#[derive(Clone, Serialize, Deserialize)]
pub struct Exchange {
    /// How rows are routed.
    pub partitioning: Partitioning,
    /// Partitions after the exchange (1 for single and broadcast).
    pub partitions: usize,
}

/// How a hash join meets its inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JoinMode {
    /// The build side collected once and shared by every probe task
    /// (Hive's map join).
    Broadcast,
    /// Both sides hash-partitioned by key, joined partition by partition
    /// (spilling to a grace hash join past the memory budget).
    Partitioned,
}

/// A hash join: inputs are the probe side, then the build side (under a
/// broadcast or hash exchange).
#[derive(Clone, Serialize, Deserialize)]
pub struct HashJoin {
    /// Broadcast or partitioned.
    pub mode: JoinMode,
    /// The join type with the probe side as the left input (a RIGHT join
    /// becomes LEFT with the sides swapped; cross joins become inner); a
    /// LeftSemi with `swapped` builds on the preserved side (see
    /// [`keeps_build_rows`]).
    pub kind: JoinKind,
    /// Key expressions over the probe side.
    pub probe_keys: Vec<Expr>,
    /// Key expressions over the build side.
    pub build_keys: Vec<Expr>,
    /// Over the query's output layout (left columns, then right).
    pub filter: Option<Expr>,
    /// NULL keys match each other (set operations).
    pub null_safe: bool,
    /// NOT IN semantics for an anti join.
    pub null_aware: bool,
    /// The probe side is the query's right input.
    pub swapped: bool,
}

/// Whether a hash join emits build rows after its probe side: FULL joins
/// (the unmatched ones), and semi and anti joins built on their preserved
/// side (`swapped`; the matched, or never matched, ones). Each build row must then meet every
/// probe row of its key in one task: never broadcast, no probe partition
/// split.
pub fn keeps_build_rows(kind: crate::plan::JoinKind, swapped: bool) -> bool {
    use crate::plan::JoinKind;
    kind == JoinKind::Full || (matches!(kind, JoinKind::LeftSemi | JoinKind::LeftAnti) && swapped)
}

/// A join without keys whose build side is too big to broadcast: every
/// probe partition meets every build partition.
#[derive(Clone, Serialize, Deserialize)]
pub struct NestedLoopJoin {
    /// The pair filter, over the output layout.
    pub filter: Option<Expr>,
    /// The probe side is the query's right input.
    pub swapped: bool,
}

/// Sorts each partition (a global order when under a range exchange or in
/// one partition); with `fetch`, keeps only the first rows of each.
#[derive(Clone, Serialize, Deserialize)]
pub struct Sort {
    /// The order.
    pub keys: Vec<SortKey>,
    /// Top-n: keep at most this many rows.
    pub fetch: Option<usize>,
}

/// The first `fetch` rows of each partition.
#[derive(Clone, Serialize, Deserialize)]
pub struct Limit {
    /// Rows kept per partition.
    pub fetch: usize,
}

/// Skips the first `skip` rows of its one, ordered partition.
#[derive(Clone, Serialize, Deserialize)]
pub struct Offset {
    /// Rows skipped.
    pub skip: usize,
}

/// LATERAL VIEW: rows generated from each input row.
#[derive(Clone, Serialize, Deserialize)]
pub struct Generate {
    /// What is generated.
    pub generator: Generator,
    /// Its argument over the input.
    pub arg: Expr,
    /// Keep rows that generate nothing (with NULLs).
    pub outer: bool,
}

/// TRANSFORM: each partition's rows through an external program.
#[derive(Clone, Serialize, Deserialize)]
pub struct ScriptTransform {
    /// The command and how rows are written to it and read from it.
    pub spec: crate::script::ScriptSpec,
}

/// Window functions over input already partitioned and sorted by the spec.
#[derive(Clone, Serialize, Deserialize)]
pub struct Window {
    /// PARTITION BY / ORDER BY.
    pub spec: WindowSpec,
    /// The functions.
    pub exprs: Vec<WindowExpr>,
}

/// Each row repeated `times` times (INTERSECT ALL, EXCEPT ALL).
#[derive(Clone, Serialize, Deserialize)]
pub struct Replicate {
    /// How often, per row.
    pub times: Expr,
}

impl PhysicalPlan {
    /// Calls `f` on every node, parents before children.
    pub fn walk(&self, f: &mut dyn FnMut(&PhysicalPlan)) {
        f(self);
        for i in &self.inputs {
            i.walk(f);
        }
    }

    /// The node with `id`.
    pub fn find(&self, id: usize) -> Option<&PhysicalPlan> {
        if self.id == id {
            return Some(self);
        }
        self.inputs.iter().find_map(|i| i.find(id))
    }

    /// The largest node id plus one.
    pub fn node_count(&self) -> usize {
        let mut max = 0;
        self.walk(&mut |n| max = max.max(n.id));
        max + 1
    }

    /// The plan as bytes (a compact binary encoding).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        postcard::to_stdvec(self)
            .map_err(|e| SharkError::exec(format!("cannot serialize the plan: {e}")))
    }

    /// A plan from `to_bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<PhysicalPlan> {
        postcard::from_bytes(bytes)
            .map_err(|e| SharkError::exec(format!("cannot read a serialized plan: {e}")))
    }

    /// The operator's name as EXPLAIN prints it.
    pub fn name(&self) -> String {
        match &self.op {
            Operator::Scan(s) => format!("Scan {}", s.source.kind),
            Operator::OneRow => "OneRow".into(),
            Operator::Empty => "Empty".into(),
            Operator::Filter(_) => "Filter".into(),
            Operator::Project(_) => "Project".into(),
            Operator::HashAggregate(a) => format!("HashAggregate {:?}", a.mode).to_string(),
            Operator::Exchange(e) => match e.partitioning {
                Partitioning::Hash(_) => "Exchange hash".into(),
                Partitioning::Range(_) => "Exchange range".into(),
                Partitioning::Single => "Exchange single".into(),
                Partitioning::Broadcast => "Exchange broadcast".into(),
            },
            Operator::HashJoin(j) => format!("HashJoin {:?}", j.mode),
            Operator::NestedLoopJoin(_) => "NestedLoopJoin".into(),
            Operator::Sort(s) if s.fetch.is_some() => "TopN".into(),
            Operator::Sort(_) => "Sort".into(),
            Operator::Limit(_) => "Limit".into(),
            Operator::Offset(_) => "Offset".into(),
            Operator::Union => "Union".into(),
            Operator::Generate(_) => "Generate".into(),
            Operator::ScriptTransform(_) => "ScriptTransform".into(),
            Operator::Window(_) => "Window".into(),
            Operator::Replicate(_) => "Replicate".into(),
        }
    }
}
