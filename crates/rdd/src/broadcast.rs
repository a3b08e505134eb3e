//! Broadcast variables: a read-only value every task can read. In local mode
//! all workers share one copy behind an `Arc`; no task copies it.

use crate::error::{RddError, Result};
use crate::Context;
use std::sync::{Arc, RwLock};

/// A handle on a broadcast value; cheap to clone into closures.
pub struct Broadcast<T> {
    id: u64,
    value: Arc<RwLock<Option<Arc<T>>>>,
}

impl<T> Clone for Broadcast<T> {
    fn clone(&self) -> Self {
        Broadcast {
            id: self.id,
            value: self.value.clone(),
        }
    }
}

impl<T: Send + Sync + 'static> Broadcast<T> {
    /// The broadcast's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The value, or an error once the broadcast was destroyed.
    pub fn try_value(&self) -> Result<Arc<T>> {
        self.value
            .read()
            .unwrap()
            .clone()
            .ok_or(RddError::BroadcastDestroyed(self.id))
    }

    /// The value. Reading a destroyed broadcast inside a task fails that
    /// task with a clear message (use `try_value` to handle it yourself).
    pub fn value(&self) -> Arc<T> {
        match self.try_value() {
            Ok(v) => v,
            Err(e) => std::panic::panic_any(e),
        }
    }

    /// Drops cached copies on executors. In local mode there are none, so
    /// the value stays readable, as in Spark.
    pub fn unpersist(&self) {}

    /// Frees the value; later reads are errors.
    pub fn destroy(&self) {
        *self.value.write().unwrap() = None;
    }

    /// True until `destroy`.
    pub fn is_valid(&self) -> bool {
        self.value.read().unwrap().is_some()
    }
}

impl Context {
    /// Shares `value` read-only with every task.
    pub fn broadcast<T: Send + Sync + 'static>(&self, value: T) -> Broadcast<T> {
        Broadcast {
            id: self.new_broadcast_id(),
            value: Arc::new(RwLock::new(Some(Arc::new(value)))),
        }
    }
}
