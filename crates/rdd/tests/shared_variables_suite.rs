//! Broadcast variables and accumulators.

use rdd::{AccumulatorParam, Context, RddError};
use std::collections::HashSet;

#[test]
fn tasks_read_one_shared_broadcast_value() {
    let ctx = Context::new("local[4]", "bc").unwrap();
    let table = ctx.broadcast((0..1000).map(|i| i * 2).collect::<Vec<i64>>());
    let t = table.clone();
    let sum = ctx
        .parallelize((0..1000).collect::<Vec<usize>>(), Some(8))
        .map(move |i| t.value()[i])
        .reduce(|a, b| a + b)
        .unwrap();
    assert_eq!(sum, 999 * 1000);
    // Every task saw the same allocation.
    let t = table.clone();
    let addresses: HashSet<usize> = ctx
        .parallelize((0..8).collect::<Vec<i32>>(), Some(8))
        .map(move |_| std::sync::Arc::as_ptr(&t.value()) as usize)
        .collect()
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(addresses.len(), 1);
    table.unpersist();
    assert!(table.is_valid());
    table.destroy();
    assert_eq!(
        table.try_value().unwrap_err(),
        RddError::BroadcastDestroyed(table.id())
    );
    let t = table.clone();
    let err = ctx
        .parallelize(vec![1], None)
        .map(move |_| t.value().len())
        .collect()
        .unwrap_err();
    assert!(err.to_string().contains("destroyed"), "{err}");
}

#[test]
fn accumulators_count_each_partition_once_despite_retries() {
    let ctx = Context::new("local[2]", "acc").unwrap();
    let sum = ctx.accumulator(0i64);
    let floats = ctx.accumulator(0.0f64);
    let (s, f) = (sum.clone(), floats.clone());
    ctx.faults().fail_tasks(Some(1), Some(0), 1);
    ctx.faults().fail_tasks(Some(2), None, 2);
    ctx.parallelize((1..=100).collect::<Vec<i64>>(), Some(4))
        .foreach(move |x| {
            s.add(x);
            f.add(0.5);
        })
        .unwrap();
    assert_eq!(sum.value(), 5050);
    assert_eq!(floats.value(), 50.0);
    // Driver-side adds apply directly.
    sum.add(1);
    assert_eq!(sum.value(), 5051);
}

#[test]
fn failed_attempts_do_not_leak_updates() {
    let ctx = Context::new("local", "leak").unwrap();
    let acc = ctx.accumulator(0u64);
    let a = acc.clone();
    let tries = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let t = tries.clone();
    ctx.parallelize(vec![1u64; 10], Some(1))
        .foreach(move |x| {
            a.add(x);
            if t.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 5 {
                panic!("fail mid-partition once");
            }
        })
        .unwrap();
    assert_eq!(acc.value(), 10);
}

#[derive(Clone, Copy)]
struct MaxParam;
impl AccumulatorParam<i64> for MaxParam {
    fn zero(&self, _: &i64) -> i64 {
        i64::MIN
    }
    fn add_in_place(&self, acc: &mut i64, other: i64) {
        *acc = (*acc).max(other);
    }
}

#[test]
fn collection_and_user_defined_accumulators() {
    let ctx = Context::new("local[3]", "custom").unwrap();
    let seen = ctx.collection_accumulator::<i32>();
    let max = ctx.accumulator_with(i64::MIN, MaxParam);
    let (s, m) = (seen.clone(), max.clone());
    ctx.parallelize((0..30).collect::<Vec<i32>>(), Some(3))
        .foreach(move |x| {
            s.add(vec![x]);
            m.add(x as i64 * 3);
        })
        .unwrap();
    let mut values = seen.value();
    values.sort();
    assert_eq!(values, (0..30).collect::<Vec<_>>());
    assert_eq!(max.value(), 87);
}
