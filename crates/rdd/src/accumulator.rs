//! Accumulators: variables tasks only add to and the driver reads. A task's
//! additions are held in its context and applied when the task succeeds,
//! once per partition of an action, so retried and failed attempts never
//! count twice.

use crate::scheduler::task::{PendingUpdate, TaskContext};
use crate::Context;
use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How values of `T` are combined (Spark's `AccumulatorParam`).
pub trait AccumulatorParam<T>: Send + Sync + 'static {
    /// The identity element for a task's partial value (0 for sums).
    fn zero(&self, initial: &T) -> T;
    /// Adds `other` into `acc`.
    fn add_in_place(&self, acc: &mut T, other: T);
}

/// Sums with `+` (integers, floats).
#[derive(Debug, Clone, Copy, Default)]
pub struct SumParam;

macro_rules! sum_param {
    ($($t:ty),*) => {$(
        impl AccumulatorParam<$t> for SumParam {
            fn zero(&self, _: &$t) -> $t { 0 as $t }
            fn add_in_place(&self, acc: &mut $t, other: $t) { *acc += other; }
        }
    )*};
}
sum_param!(i32, i64, u32, u64, usize, f32, f64);

/// Collects elements into a vector (Spark's collection accumulator).
#[derive(Debug, Clone, Copy, Default)]
pub struct ListParam;

impl<E: Send + 'static> AccumulatorParam<Vec<E>> for ListParam {
    fn zero(&self, _: &Vec<E>) -> Vec<E> {
        Vec::new()
    }
    fn add_in_place(&self, acc: &mut Vec<E>, other: Vec<E>) {
        acc.extend(other);
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

struct Shared<T> {
    value: Mutex<T>,
    param: Box<dyn AccumulatorParam<T>>,
}

/// An add-only variable. Clone it into task closures; read it on the driver.
pub struct Accumulator<T> {
    id: u64,
    shared: Arc<Shared<T>>,
}

impl<T> Clone for Accumulator<T> {
    fn clone(&self) -> Self {
        Accumulator {
            id: self.id,
            shared: self.shared.clone(),
        }
    }
}

struct Pending<T: 'static> {
    value: T,
    target: Arc<Shared<T>>,
}

impl<T: Send + 'static> PendingUpdate for Pending<T> {
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn commit(self: Box<Self>) {
        let Pending { value, target } = *self;
        let mut v = target.value.lock().unwrap();
        target.param.add_in_place(&mut v, value);
    }
}

impl<T: Send + Clone + 'static> Accumulator<T> {
    /// Adds `v`: inside a task, to the task's pending update; on the driver,
    /// directly.
    pub fn add(&self, v: T) {
        match TaskContext::get() {
            Some(tc) => {
                let mut updates = tc.accumulators.lock().unwrap();
                let index = match updates.iter().position(|(id, _)| *id == self.id) {
                    Some(i) => i,
                    None => {
                        let zero = {
                            let current = self.shared.value.lock().unwrap();
                            self.shared.param.zero(&current)
                        };
                        updates.push((
                            self.id,
                            Box::new(Pending {
                                value: zero,
                                target: self.shared.clone(),
                            }),
                        ));
                        updates.len() - 1
                    }
                };
                let pending = updates[index]
                    .1
                    .as_any_mut()
                    .downcast_mut::<Pending<T>>()
                    .expect("accumulator ids are unique");
                self.shared.param.add_in_place(&mut pending.value, v);
            }
            None => {
                let mut current = self.shared.value.lock().unwrap();
                self.shared.param.add_in_place(&mut current, v);
            }
        }
    }

    /// The accumulated value (read on the driver, after actions).
    pub fn value(&self) -> T {
        self.shared.value.lock().unwrap().clone()
    }

    /// Replaces the value (driver only).
    pub fn set_value(&self, v: T) {
        *self.shared.value.lock().unwrap() = v;
    }
}

impl Context {
    /// A summing accumulator for numbers.
    pub fn accumulator<T>(&self, initial: T) -> Accumulator<T>
    where
        T: Send + Clone + 'static,
        SumParam: AccumulatorParam<T>,
    {
        self.accumulator_with(initial, SumParam)
    }

    /// An accumulator that collects elements into a vector.
    pub fn collection_accumulator<E: Send + Clone + 'static>(&self) -> Accumulator<Vec<E>> {
        self.accumulator_with(Vec::new(), ListParam)
    }

    /// An accumulator combined by a user-defined `param`.
    pub fn accumulator_with<T: Send + Clone + 'static>(
        &self,
        initial: T,
        param: impl AccumulatorParam<T>,
    ) -> Accumulator<T> {
        Accumulator {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            shared: Arc::new(Shared {
                value: Mutex::new(initial),
                param: Box::new(param),
            }),
        }
    }
}
