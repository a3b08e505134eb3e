//! Fragments: a physical plan cut at its exchanges, one fragment per stage.
//! A fragment is what the tasks of one stage compute — its subtree, where
//! each exchange below its root stays as a node without inputs that stands
//! for reading that exchange's output — plus which exchanges it reads and
//! which one it writes. Each serializes on its own: cluster mode ships a
//! stage's fragment to the executors that run its tasks.

use super::{Operator, PhysicalPlan};
use crate::error::{Result, SharkError};
use serde::{Deserialize, Serialize};

/// One stage's share of a plan.
#[derive(Clone, Serialize, Deserialize)]
pub struct Fragment {
    /// The stage, numbered as EXPLAIN numbers them (0 is the result).
    pub stage: usize,
    /// The subtree the stage computes; exchanges below its root have no
    /// inputs here (they read the exchange's output).
    pub plan: PhysicalPlan,
    /// Ids of the exchanges whose outputs it reads.
    pub reads: Vec<usize>,
    /// The exchange whose input side it computes (`None`: the result).
    pub writes: Option<usize>,
}

impl Fragment {
    /// The fragment as bytes (the plan's compact encoding).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        postcard::to_stdvec(self)
            .map_err(|e| SharkError::exec(format!("cannot serialize a plan fragment: {e}")))
    }

    /// A fragment from `to_bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Fragment> {
        postcard::from_bytes(bytes)
            .map_err(|e| SharkError::exec(format!("cannot read a plan fragment: {e}")))
    }
}

impl PhysicalPlan {
    /// The plan cut into its stages' fragments, the result stage first.
    pub fn fragments(&self) -> Vec<Fragment> {
        let mut out = Vec::new();
        let mut next = 0;
        cut(self, 0, None, &mut next, &mut out);
        out.sort_by_key(|f| f.stage);
        out
    }

    /// The plan again from all of its fragments.
    pub fn from_fragments(fragments: &[Fragment]) -> Result<PhysicalPlan> {
        let root = fragments
            .iter()
            .find(|f| f.writes.is_none())
            .ok_or_else(|| SharkError::exec("no result fragment"))?;
        let mut plan = root.plan.clone();
        attach(&mut plan, fragments, 0)?;
        Ok(plan)
    }
}

/// Adds the fragment rooted at `node` (stage `stage`) and, through `next`,
/// the fragments below its exchanges.
fn cut(
    node: &PhysicalPlan,
    stage: usize,
    writes: Option<usize>,
    next: &mut usize,
    out: &mut Vec<Fragment>,
) {
    let mut reads = Vec::new();
    let plan = strip(node, next, &mut reads, out);
    out.push(Fragment {
        stage,
        plan,
        reads,
        writes,
    });
}

/// A copy of `node` with every exchange's inputs moved into fragments of
/// their own (numbered in EXPLAIN's pre-order).
fn strip(
    node: &PhysicalPlan,
    next: &mut usize,
    reads: &mut Vec<usize>,
    out: &mut Vec<Fragment>,
) -> PhysicalPlan {
    let mut copy = PhysicalPlan {
        inputs: Vec::new(),
        ..node.clone()
    };
    if matches!(node.op, Operator::Exchange(_)) {
        reads.push(node.id);
        for i in &node.inputs {
            *next += 1;
            cut(i, *next, Some(node.id), next, out);
        }
    } else {
        copy.inputs = node
            .inputs
            .iter()
            .map(|i| strip(i, next, reads, out))
            .collect();
    }
    copy
}

fn attach(node: &mut PhysicalPlan, fragments: &[Fragment], depth: usize) -> Result<()> {
    if depth > fragments.len() {
        return Err(SharkError::exec("plan fragments form a cycle"));
    }
    if matches!(node.op, Operator::Exchange(_)) && node.inputs.is_empty() {
        let below = fragments
            .iter()
            .find(|f| f.writes == Some(node.id))
            .ok_or_else(|| SharkError::exec(format!("no fragment writes exchange {}", node.id)))?;
        let mut child = below.plan.clone();
        attach(&mut child, fragments, depth + 1)?;
        node.inputs.push(child);
        return Ok(());
    }
    for i in &mut node.inputs {
        attach(i, fragments, depth)?;
    }
    Ok(())
}
