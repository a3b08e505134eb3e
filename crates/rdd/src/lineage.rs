//! `to_debug_string`: the lineage of an RDD as Spark prints it, one RDD per
//! line, a new indentation level (`+-`) at each shuffle, i.e. each stage.

use crate::rdd::{Dependency, RddBase};
use crate::StorageLevel;
use std::sync::Arc;

pub(crate) fn debug_string(rdd: &Arc<dyn RddBase>) -> String {
    let mut lines = Vec::new();
    walk(rdd, 0, true, &mut lines);
    lines.join("\n")
}

fn label(rdd: &Arc<dyn RddBase>) -> String {
    let core = rdd.core();
    let name = core.name().map(|n| format!("{n} ")).unwrap_or_default();
    let level = core.storage_level();
    let storage = if level == StorageLevel::NONE {
        "[]".to_string()
    } else {
        format!("[{}]", level.description())
    };
    format!("{name}{}[{}] {storage}", core.op(), core.id())
}

fn walk(rdd: &Arc<dyn RddBase>, depth: usize, head: bool, lines: &mut Vec<String>) {
    let line = if head {
        let prefix = if depth == 0 {
            String::new()
        } else {
            format!(" {}+-", "   ".repeat(depth - 1))
        };
        format!("{prefix}({}) {}", rdd.num_partitions(), label(rdd))
    } else {
        format!(" {}|  {}", "   ".repeat(depth), label(rdd))
    };
    lines.push(line);
    for dep in rdd.dependencies() {
        match dep {
            Dependency::Narrow(parent) => walk(&parent, depth, false, lines),
            Dependency::Shuffle(d) => walk(&d.parent(), depth + 1, true, lines),
        }
    }
}
