//! Shared helpers for the behaviour suites.
#![allow(dead_code)]

use rdd::{Conf, Context};

/// The masters every behaviour must agree across.
pub const MASTERS: [&str; 3] = ["local", "local[2]", "local[4]"];

/// Runs `f` once per master with a fresh context, stopping it afterwards.
pub fn each_master(f: impl Fn(&Context)) {
    for m in MASTERS {
        let ctx = Context::new(m, "test").unwrap();
        f(&ctx);
        ctx.stop();
    }
}

/// A context whose memory budgets are tiny, so spilling paths run.
pub fn tiny_memory(master: &str, execution: &str) -> Context {
    let conf = Conf::new()
        .set(rdd::conf::MEMORY_EXECUTION, execution)
        .set(rdd::conf::SHUFFLE_MEMORY, "64k")
        .set(rdd::conf::MEMORY_STORAGE, "64k");
    Context::with_conf(master, "test", conf).unwrap()
}

pub fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}
