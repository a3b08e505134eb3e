//! Per-operator metrics: what each node of a running plan produced and what
//! it cost, counted per batch (never per row) by the tasks that run it and
//! sent, when each task ends, over the engine's listener bus as an
//! `OperatorMetricsUpdate` keyed by query id and node id (the way a task on
//! another process will report them). A `QueryProfile` holds a query's
//! final plan and the sums of those updates; the profiles of running and
//! recent queries are kept per engine context (`QueryProfiles`, itself a
//! listener), so EXPLAIN ANALYZE, the server's query status and the web UI
//! all read the same numbers.

use super::PhysicalPlan;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Counters of one node. Times and spills are inclusive of the inputs the
/// node pulled from in the same task; `exclusive` subtracts them.
#[derive(Default, Debug)]
pub struct NodeMetrics {
    /// Rows produced.
    pub rows: AtomicU64,
    /// Batches produced.
    pub batches: AtomicU64,
    /// Time spent producing them, inputs included (nanoseconds).
    pub time_ns: AtomicU64,
    /// Tasks that ran the node to the end.
    pub tasks: AtomicU64,
    /// Bytes spilled to disk by those tasks while this node ran.
    pub spilled_bytes: AtomicU64,
    /// The largest execution memory a task held while this node ran.
    pub peak_memory: AtomicU64,
}

/// A copy of a node's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NodeSnapshot {
    /// Rows produced.
    pub rows: u64,
    /// Batches produced.
    pub batches: u64,
    /// Time, inputs in the same task included (ns).
    pub time_ns: u64,
    /// Tasks that ran the node.
    pub tasks: u64,
    /// Bytes spilled while it ran.
    pub spilled_bytes: u64,
    /// Peak execution memory of one task while it ran.
    pub peak_memory: u64,
}

impl NodeSnapshot {
    /// Adds another task's counts (the larger peak stays).
    pub fn add(&mut self, d: &NodeSnapshot) {
        self.rows += d.rows;
        self.batches += d.batches;
        self.time_ns += d.time_ns;
        self.tasks += d.tasks;
        self.spilled_bytes += d.spilled_bytes;
        self.peak_memory = self.peak_memory.max(d.peak_memory);
    }
}

impl NodeMetrics {
    /// Adds one task's counts.
    pub fn apply(&self, d: &NodeSnapshot) {
        self.rows.fetch_add(d.rows, Ordering::Relaxed);
        self.batches.fetch_add(d.batches, Ordering::Relaxed);
        self.time_ns.fetch_add(d.time_ns, Ordering::Relaxed);
        self.tasks.fetch_add(d.tasks, Ordering::Relaxed);
        self.spilled_bytes
            .fetch_add(d.spilled_bytes, Ordering::Relaxed);
        self.peak_memory.fetch_max(d.peak_memory, Ordering::Relaxed);
    }

    /// The current values.
    pub fn snapshot(&self) -> NodeSnapshot {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        NodeSnapshot {
            rows: get(&self.rows),
            batches: get(&self.batches),
            time_ns: get(&self.time_ns),
            tasks: get(&self.tasks),
            spilled_bytes: get(&self.spilled_bytes),
            peak_memory: get(&self.peak_memory),
        }
    }
}

/// The counters of every node of one plan, by node id.
#[derive(Debug)]
pub struct PlanMetrics {
    nodes: Vec<Arc<NodeMetrics>>,
}

impl PlanMetrics {
    /// Counters for nodes `0..n`.
    pub fn new(n: usize) -> PlanMetrics {
        PlanMetrics {
            nodes: (0..n).map(|_| Arc::default()).collect(),
        }
    }

    /// The counters of node `id` (a fresh, unshared set past the end).
    pub fn node(&self, id: usize) -> Arc<NodeMetrics> {
        self.nodes.get(id).cloned().unwrap_or_default()
    }

    /// Node `id`'s values.
    pub fn snapshot(&self, id: usize) -> NodeSnapshot {
        self.nodes.get(id).map(|n| n.snapshot()).unwrap_or_default()
    }

    /// Node `id`'s own time and spill: its inclusive numbers less those of
    /// its inputs that ran in the same tasks (those not behind an exchange).
    pub fn exclusive(&self, plan: &PhysicalPlan) -> NodeSnapshot {
        let mut s = self.snapshot(plan.id);
        if matches!(plan.op, super::Operator::Exchange(_)) {
            return s;
        }
        for i in &plan.inputs {
            let c = self.snapshot(i.id);
            s.time_ns = s.time_ns.saturating_sub(c.time_ns);
            s.spilled_bytes = s.spilled_bytes.saturating_sub(c.spilled_bytes);
        }
        s
    }
}

/// One query as it runs: its plan (as finally executed) and the counters.
pub struct QueryProfile {
    /// Unique within the engine context.
    pub id: u64,
    /// The SQL text.
    pub sql: String,
    /// The plan; adaptive execution updates it as it revises the plan.
    pub plan: Mutex<PhysicalPlan>,
    /// Counters by node id.
    pub metrics: Arc<PlanMetrics>,
    /// When execution began.
    pub started: Instant,
}

impl QueryProfile {
    /// The plan as it stands, with the metrics so far, as EXPLAIN ANALYZE
    /// prints it.
    pub fn render(&self) -> Vec<String> {
        let plan = self.plan.lock().unwrap();
        super::explain::render(&plan, Some(&self.metrics))
    }

    /// The plan with metrics as JSON (for the server and the web UI).
    pub fn to_json(&self) -> serde_json::Value {
        let plan = self.plan.lock().unwrap();
        super::explain::to_json(&plan, Some(&self.metrics))
    }
}

impl std::fmt::Debug for QueryProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryProfile")
            .field("id", &self.id)
            .field("sql", &self.sql)
            .finish_non_exhaustive()
    }
}

/// What one task measured for one plan node: the listener-bus event
/// (`rdd::Event::Custom`) operator metrics travel in.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct OperatorMetricsUpdate {
    /// The query (`QueryProfile::id`).
    pub query: u64,
    /// The plan node.
    pub node: usize,
    /// The task's counts for it.
    pub delta: NodeSnapshot,
}

/// The profiles of the latest queries of one engine context (a bounded
/// history, newest last).
#[derive(Default)]
pub struct QueryProfiles {
    recent: Mutex<VecDeque<Arc<QueryProfile>>>,
    next: AtomicU64,
    listening: std::sync::atomic::AtomicBool,
}

/// Applies operator metrics from the bus to the profiles.
struct ProfileListener(std::sync::Weak<QueryProfiles>);

impl rdd::Listener for ProfileListener {
    fn on_event(&self, event: &rdd::Event) {
        let rdd::Event::Custom(any) = event else {
            return;
        };
        let (Some(u), Some(profiles)) = (
            any.downcast_ref::<OperatorMetricsUpdate>(),
            self.0.upgrade(),
        ) else {
            return;
        };
        if let Some(p) = profiles.get(u.query) {
            p.metrics.node(u.node).apply(&u.delta);
        }
    }
}

/// How many profiles a context remembers.
const KEPT: usize = 200;

impl QueryProfiles {
    /// The registry of `ctx` (listening to its bus from the first call).
    pub fn of(ctx: &rdd::Context) -> Arc<QueryProfiles> {
        let profiles = ctx.extension::<QueryProfiles>();
        if !profiles.listening.swap(true, Ordering::SeqCst) {
            ctx.add_listener(Arc::new(ProfileListener(Arc::downgrade(&profiles))));
        }
        profiles
    }

    /// Registers a query about to run `plan`.
    pub fn start(&self, sql: &str, plan: &PhysicalPlan) -> Arc<QueryProfile> {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let profile = Arc::new(QueryProfile {
            id,
            sql: sql.to_string(),
            // Room for the nodes adaptive execution may add (a dynamic
            // filter per join key; past this room, a node's counts are
            // not kept).
            metrics: Arc::new(PlanMetrics::new(2 * plan.node_count() + 64)),
            plan: Mutex::new(plan.clone()),
            started: Instant::now(),
        });
        let mut r = self.recent.lock().unwrap();
        if r.len() >= KEPT {
            r.pop_front();
        }
        r.push_back(profile.clone());
        profile
    }

    /// The profile of query `id`, while remembered.
    pub fn get(&self, id: u64) -> Option<Arc<QueryProfile>> {
        let r = self.recent.lock().unwrap();
        r.iter().find(|p| p.id == id).cloned()
    }

    /// The remembered profiles, oldest first.
    pub fn list(&self) -> Vec<Arc<QueryProfile>> {
        self.recent.lock().unwrap().iter().cloned().collect()
    }
}
