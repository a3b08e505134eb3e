//! Persistence, eviction, spill to disk, recomputation of lost partitions
//! from lineage, and memory-bounded shuffles.

mod common;
use common::tiny_memory;
use rdd::{Context, EventLog, StorageLevel};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn counted(ctx: &Context, n: i64, parts: usize, counter: &Arc<AtomicUsize>) -> rdd::Rdd<i64> {
    let c = counter.clone();
    ctx.parallelize((0..n).collect::<Vec<i64>>(), Some(parts))
        .map_partitions(move |it| {
            c.fetch_add(1, Ordering::SeqCst);
            it.map(|x| x * 3)
        })
}

#[test]
fn cached_partitions_are_computed_once() {
    for level in [
        StorageLevel::MEMORY_ONLY,
        StorageLevel::MEMORY_ONLY_SER,
        StorageLevel::MEMORY_AND_DISK,
        StorageLevel::DISK_ONLY,
    ] {
        let ctx = Context::new("local[2]", "cache").unwrap();
        let computed = Arc::new(AtomicUsize::new(0));
        let rdd = counted(&ctx, 1000, 4, &computed).persist(level);
        assert_eq!(rdd.storage_level(), level);
        assert_eq!(rdd.count().unwrap(), 1000);
        assert_eq!(rdd.reduce(|a, b| a + b).unwrap(), 3 * 999 * 1000 / 2);
        assert_eq!(rdd.collect().unwrap().len(), 1000);
        assert_eq!(computed.load(Ordering::SeqCst), 4, "{level:?}");
        let status = ctx.storage_status();
        assert_eq!(status.len(), 1);
        assert_eq!(status[0].cached_partitions, 4);
        if level.use_memory {
            assert!(status[0].memory_bytes > 0);
        } else {
            assert!(status[0].disk_bytes > 0 && status[0].memory_bytes == 0);
        }
        rdd.unpersist();
        assert!(ctx.storage_status().is_empty());
        rdd.count().unwrap();
        assert_eq!(computed.load(Ordering::SeqCst), 8);
    }
}

#[test]
fn a_dropped_cached_partition_is_recomputed_alone() {
    let ctx = Context::new("local[2]", "drop").unwrap();
    let computed = Arc::new(AtomicUsize::new(0));
    let rdd = counted(&ctx, 1000, 5, &computed).cache();
    rdd.count().unwrap();
    assert_eq!(computed.load(Ordering::SeqCst), 5);
    assert!(ctx.drop_cached_partition(rdd.id(), 3));
    assert_eq!(
        rdd.collect().unwrap(),
        (0..1000).map(|x| x * 3).collect::<Vec<_>>()
    );
    assert_eq!(computed.load(Ordering::SeqCst), 6);
}

#[test]
fn memory_only_blocks_past_the_budget_are_evicted_and_recomputed() {
    // 64 KiB of storage cannot hold 10 partitions of ~40 KB each.
    let ctx = tiny_memory("local[2]", "1m");
    let computed = Arc::new(AtomicUsize::new(0));
    let rdd = counted(&ctx, 50_000, 10, &computed).cache();
    let expected: i64 = (0..50_000i64).map(|x| x * 3).sum();
    assert_eq!(rdd.reduce(|a, b| a + b).unwrap(), expected);
    assert_eq!(rdd.reduce(|a, b| a + b).unwrap(), expected);
    assert!(
        computed.load(Ordering::SeqCst) > 10,
        "evicted partitions were recomputed"
    );
    assert!(ctx.storage_memory_used() <= 64 * 1024);
}

#[test]
fn memory_and_disk_blocks_past_the_budget_go_to_disk() {
    let ctx = tiny_memory("local[2]", "1m");
    let computed = Arc::new(AtomicUsize::new(0));
    let rdd = counted(&ctx, 50_000, 10, &computed).persist(StorageLevel::MEMORY_AND_DISK);
    let expected: i64 = (0..50_000i64).map(|x| x * 3).sum();
    assert_eq!(rdd.reduce(|a, b| a + b).unwrap(), expected);
    assert_eq!(rdd.reduce(|a, b| a + b).unwrap(), expected);
    assert_eq!(computed.load(Ordering::SeqCst), 10, "nothing recomputed");
    let status = &ctx.storage_status()[0];
    assert_eq!(status.cached_partitions, 10);
    assert!(status.disk_bytes > 0);
    assert!(status.memory_bytes <= 64 * 1024);
}

#[test]
fn shuffles_five_times_the_budget_finish_correctly() {
    // 256 KiB of execution memory per two tasks; ~3 MB of shuffled data.
    let ctx = tiny_memory("local[2]", "256k");
    let log = Arc::new(EventLog::default());
    ctx.add_listener(log.clone());
    let n = 200_000i64;
    let data = ctx.range(0, n, 1, Some(4)).unwrap().map(|i| (i % 5000, i));

    let groups = data
        .group_by_key(Some(3))
        .map_values(|v| (v.len(), v.iter().sum::<i64>()));
    let mut got = groups.collect().unwrap();
    got.sort();
    assert_eq!(got.len(), 5000);
    for (k, (len, sum)) in got {
        assert_eq!(len, 40);
        assert_eq!(sum, (0..40).map(|j| k + 5000 * j).sum::<i64>());
    }

    let sorted: Vec<i64> = data
        .map(move |(k, v)| (v * 7919 % n, k))
        .sort_by_key(true, Some(3))
        .keys()
        .collect()
        .unwrap();
    assert_eq!(sorted.len(), n as usize);
    assert!(sorted.windows(2).all(|w| w[0] <= w[1]));

    let distinct_keys = data
        .map(|(_, v)| (v, 1u8))
        .reduce_by_key(|a, _| a, Some(2))
        .count()
        .unwrap();
    assert_eq!(distinct_keys, n as u64);

    let cg = data
        .cogroup(&data.map_values(|v| -v), Some(2))
        .map_values(|(a, b)| a.len() + b.len());
    assert_eq!(cg.values().reduce(|a, b| a + b).unwrap(), 2 * n as usize);

    let metrics = log.total_task_metrics();
    assert!(metrics.disk_bytes_spilled > 0, "{metrics:?}");
    assert!(metrics.shuffle_write_bytes > 0);
}

#[test]
fn job_events_carry_task_metrics() {
    let ctx = Context::new("local[2]", "events").unwrap();
    let log = Arc::new(EventLog::default());
    ctx.add_listener(log.clone());
    ctx.parallelize((0..100).map(|i| (i % 3, i)).collect::<Vec<_>>(), Some(4))
        .reduce_by_key(|a, b| a + b, Some(2))
        .collect()
        .unwrap();
    let events = log.events();
    assert!(matches!(events.first(), Some(rdd::Event::JobStart { .. })));
    assert!(matches!(
        events.last(),
        Some(rdd::Event::JobEnd { error: None, .. })
    ));
    let starts = events
        .iter()
        .filter(|e| matches!(e, rdd::Event::TaskStart { .. }))
        .count();
    let ends = events
        .iter()
        .filter(|e| matches!(e, rdd::Event::TaskEnd { .. }))
        .count();
    assert_eq!((starts, ends), (6, 6));
    let completed: Vec<bool> = events
        .iter()
        .filter_map(|e| match e {
            rdd::Event::StageCompleted { info, .. } => Some(info.is_shuffle_map),
            _ => None,
        })
        .collect();
    assert_eq!(completed, vec![true, false]);
    let m = log.total_task_metrics();
    assert_eq!(m.records_read, 100);
    assert_eq!(m.shuffle_write_records, m.shuffle_read_records);
    assert!(m.shuffle_read_bytes > 0);
}
