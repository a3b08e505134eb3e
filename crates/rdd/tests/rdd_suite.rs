//! RDD creation, narrow transformations and actions, each checked against a
//! plain sequential computation, across local, local[2] and local[4].

mod common;
use common::{each_master, sorted};
use rdd::{Context, RddError};

#[test]
fn parallelize_keeps_order_and_slices_like_spark() {
    each_master(|ctx| {
        let data: Vec<i32> = (1..=10).collect();
        let rdd = ctx.parallelize(data.clone(), Some(3));
        assert_eq!(rdd.num_partitions(), 3);
        assert_eq!(rdd.collect().unwrap(), data);
        let parts = rdd.glom().collect().unwrap();
        assert_eq!(parts, vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, 8, 9, 10]]);
    });
}

#[test]
fn more_partitions_than_elements_and_empty_rdds() {
    each_master(|ctx| {
        let rdd = ctx.parallelize(vec![1, 2], Some(5));
        assert_eq!(rdd.num_partitions(), 5);
        assert_eq!(rdd.collect().unwrap(), vec![1, 2]);
        assert_eq!(rdd.count().unwrap(), 2);
        let empty = ctx.parallelize(Vec::<i32>::new(), Some(3));
        assert_eq!(empty.count().unwrap(), 0);
        assert!(empty.collect().unwrap().is_empty());
        assert!(empty.is_empty().unwrap());
        assert_eq!(
            empty.reduce(|a, b| a + b),
            Err(RddError::EmptyCollection("reduce".into()))
        );
        assert_eq!(
            empty.first(),
            Err(RddError::EmptyCollection("first".into()))
        );
        assert_eq!(empty.fold(0, |a, b| a + b).unwrap(), 0);
        assert!(empty.take(3).unwrap().is_empty());
        let none = ctx.empty::<u8>();
        assert_eq!(none.num_partitions(), 0);
        assert_eq!(none.count().unwrap(), 0);
    });
}

#[test]
fn range_matches_the_sequential_sequence() {
    each_master(|ctx| {
        assert_eq!(
            ctx.range(0, 10, 3, Some(2)).unwrap().collect().unwrap(),
            vec![0, 3, 6, 9]
        );
        assert_eq!(
            ctx.range(10, 0, -4, Some(3)).unwrap().collect().unwrap(),
            vec![10, 6, 2]
        );
        assert_eq!(ctx.range(5, 5, 1, None).unwrap().count().unwrap(), 0);
        assert!(ctx.range(0, 1, 0, None).is_err());
        let big = ctx.range(0, 1_000_000, 1, Some(7)).unwrap();
        assert_eq!(big.count().unwrap(), 1_000_000);
        assert_eq!(big.reduce(|a, b| a + b).unwrap(), 499_999_500_000);
    });
}

#[test]
fn narrow_transformations_match_iterators() {
    each_master(|ctx| {
        let data: Vec<i64> = (0..1000).collect();
        let rdd = ctx.parallelize(data.clone(), Some(4));
        assert_eq!(
            rdd.map(|x| x * 2).collect().unwrap(),
            data.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert_eq!(
            rdd.filter(|x| x % 3 == 0).collect().unwrap(),
            data.iter()
                .copied()
                .filter(|x| x % 3 == 0)
                .collect::<Vec<_>>()
        );
        assert_eq!(
            rdd.flat_map(|x| vec![x; (x % 3) as usize])
                .collect()
                .unwrap(),
            data.iter()
                .flat_map(|&x| vec![x; (x % 3) as usize])
                .collect::<Vec<_>>()
        );
        let sums = rdd
            .map_partitions(|it| std::iter::once(it.sum::<i64>()))
            .collect()
            .unwrap();
        assert_eq!(sums.len(), 4);
        assert_eq!(sums.iter().sum::<i64>(), data.iter().sum::<i64>());
        let tagged = rdd
            .map_partitions_with_index(|i, it| it.map(move |x| (i, x)))
            .collect()
            .unwrap();
        assert_eq!(tagged[0], (0, 0));
        assert_eq!(tagged[999], (3, 999));
        assert_eq!(rdd.key_by(|x| x % 10).first().unwrap(), (0, 0));
    });
}

#[test]
fn transformations_are_lazy() {
    let ctx = Context::new("local[2]", "lazy").unwrap();
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = calls.clone();
    let mapped = ctx
        .parallelize((0..10).collect::<Vec<i32>>(), Some(2))
        .map(move |x| {
            c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            x
        });
    let filtered = mapped.filter(|x| x % 2 == 0);
    let _grouped = filtered.map(|x| (x, x)).group_by_key(None);
    let _sorted = filtered.map(|x| (x, x)).sort_by_key(true, None);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(filtered.count().unwrap(), 5);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 10);
}

#[test]
fn actions_agree_with_sequential_answers() {
    each_master(|ctx| {
        let data: Vec<i64> = (1..=100).rev().collect();
        let rdd = ctx.parallelize(data.clone(), Some(6));
        assert_eq!(rdd.reduce(|a, b| a + b).unwrap(), 5050);
        assert_eq!(rdd.fold(0, |a, b| a + b).unwrap(), 5050);
        assert_eq!(
            rdd.aggregate(
                (0i64, 0u64),
                |(s, c), x| (s + x, c + 1),
                |a, b| (a.0 + b.0, a.1 + b.1)
            )
            .unwrap(),
            (5050, 100)
        );
        assert_eq!(rdd.count().unwrap(), 100);
        assert_eq!(rdd.first().unwrap(), 100);
        assert_eq!(rdd.take(5).unwrap(), vec![100, 99, 98, 97, 96]);
        assert_eq!(rdd.take(1000).unwrap().len(), 100);
        assert_eq!(rdd.take(0).unwrap(), Vec::<i64>::new());
        assert_eq!(rdd.top(3).unwrap(), vec![100, 99, 98]);
        assert_eq!(rdd.take_ordered(3).unwrap(), vec![1, 2, 3]);
        assert_eq!(rdd.max().unwrap(), 100);
        assert_eq!(rdd.min().unwrap(), 1);
        let counts = ctx
            .parallelize(vec!["a", "b", "a", "c", "a"], Some(2))
            .map(|s| s.to_string())
            .count_by_value()
            .unwrap();
        assert_eq!(counts["a"], 3);
        assert_eq!(counts["c"], 1);
    });
}

#[test]
fn take_scans_only_the_partitions_it_needs() {
    let ctx = Context::new("local[2]", "take").unwrap();
    let log = std::sync::Arc::new(rdd::EventLog::default());
    ctx.add_listener(log.clone());
    let rdd = ctx.parallelize((0..1000).collect::<Vec<i32>>(), Some(10));
    assert_eq!(rdd.take(3).unwrap(), vec![0, 1, 2]);
    let tasks = log
        .events()
        .iter()
        .filter(|e| matches!(e, rdd::Event::TaskEnd { .. }))
        .count();
    assert_eq!(tasks, 1);
    // Partitions 0..2 are empty: take grows the scan until it finds data.
    let sparse = ctx
        .parallelize((0..10).collect::<Vec<i32>>(), Some(10))
        .filter(|x| *x >= 8);
    assert_eq!(sparse.take(2).unwrap(), vec![8, 9]);
}

#[test]
fn foreach_runs_on_every_element() {
    each_master(|ctx| {
        let acc = ctx.accumulator(0i64);
        let a = acc.clone();
        ctx.parallelize((1..=10).collect::<Vec<i64>>(), Some(3))
            .foreach(move |x| a.add(x))
            .unwrap();
        assert_eq!(acc.value(), 55);
        let parts = ctx.accumulator(0u64);
        let p = parts.clone();
        ctx.parallelize((1..=10).collect::<Vec<i64>>(), Some(3))
            .foreach_partition(move |_| p.add(1))
            .unwrap();
        assert_eq!(parts.value(), 3);
    });
}

#[test]
fn sample_is_deterministic_and_close_to_the_fraction() {
    each_master(|ctx| {
        let rdd = ctx.parallelize((0..10_000).collect::<Vec<i32>>(), Some(4));
        let a = rdd.sample(false, 0.1, 42).unwrap().collect().unwrap();
        let b = rdd.sample(false, 0.1, 42).unwrap().collect().unwrap();
        assert_eq!(a, b);
        assert!((800..1200).contains(&a.len()), "{}", a.len());
        let with = rdd.sample(true, 2.0, 7).unwrap().count().unwrap();
        assert!((18_000..22_000).contains(&with), "{with}");
        assert!(rdd.sample(false, 1.5, 1).is_err());
        assert!(rdd.sample(true, -1.0, 1).is_err());
        assert_eq!(rdd.sample(false, 0.0, 1).unwrap().count().unwrap(), 0);
    });
}

#[test]
fn union_cartesian_coalesce_glom() {
    each_master(|ctx| {
        let a = ctx.parallelize(vec![1, 2, 3], Some(2));
        let b = ctx.parallelize(vec![4, 5], Some(3));
        let u = a.union(&b);
        assert_eq!(u.num_partitions(), 5);
        assert_eq!(u.collect().unwrap(), vec![1, 2, 3, 4, 5]);
        let c = a.cartesian(&ctx.parallelize(vec!['x', 'y'], Some(2)));
        assert_eq!(c.num_partitions(), 4);
        assert_eq!(
            sorted(c.collect().unwrap()),
            vec![(1, 'x'), (1, 'y'), (2, 'x'), (2, 'y'), (3, 'x'), (3, 'y')]
        );
        let many = ctx.parallelize((0..100).collect::<Vec<i32>>(), Some(10));
        let fewer = many.coalesce(3);
        assert_eq!(fewer.num_partitions(), 3);
        assert_eq!(fewer.collect().unwrap(), (0..100).collect::<Vec<_>>());
        assert_eq!(many.coalesce(50).num_partitions(), 10);
    });
}

#[test]
fn distinct_repartition_zip_with_index() {
    each_master(|ctx| {
        let data = vec![3, 1, 3, 2, 1, 3, 5, 5];
        let rdd = ctx.parallelize(data, Some(3));
        assert_eq!(
            sorted(rdd.distinct(None).collect().unwrap()),
            vec![1, 2, 3, 5]
        );
        assert_eq!(
            sorted(rdd.distinct(Some(1)).collect().unwrap()),
            vec![1, 2, 3, 5]
        );
        let skewed = ctx.parallelize((0..1000).collect::<Vec<i32>>(), Some(1));
        let spread = skewed.repartition(4);
        assert_eq!(spread.num_partitions(), 4);
        let sizes: Vec<usize> = spread
            .glom()
            .collect()
            .unwrap()
            .iter()
            .map(|p| p.len())
            .collect();
        assert!(sizes.iter().all(|&s| s == 250), "{sizes:?}");
        assert_eq!(
            sorted(spread.collect().unwrap()),
            (0..1000).collect::<Vec<_>>()
        );
        let zipped = ctx
            .parallelize(vec!['a', 'b', 'c', 'd', 'e'], Some(3))
            .zip_with_index()
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(
            zipped,
            vec![('a', 0), ('b', 1), ('c', 2), ('d', 3), ('e', 4)]
        );
    });
}

#[test]
fn lineage_string_shows_stage_boundaries() {
    let ctx = Context::new("local", "lineage").unwrap();
    let counts = ctx
        .parallelize(vec!["a b".to_string()], Some(2))
        .flat_map(|l| l.split(' ').map(str::to_string).collect::<Vec<_>>())
        .map(|w| (w, 1))
        .reduce_by_key(|a, b| a + b, None);
    let s = counts.to_debug_string();
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines[0].starts_with("(2) reduce_by_key"), "{s}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(" +-(2) combine_locally")),
        "{s}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("    |  parallelize")),
        "{s}"
    );
    counts.cache();
    assert!(counts
        .to_debug_string()
        .contains("[Memory Deserialized 1x Replicated]"));
}

#[test]
fn invalid_master_is_a_clear_error() {
    match Context::new("local[zero]", "x") {
        Err(e) => assert!(e.to_string().contains("local[zero]")),
        Ok(_) => panic!("accepted a bad master"),
    }
}

#[test]
fn concurrent_jobs_on_one_context_all_complete() {
    let ctx = Context::new("local[2]", "concurrent").unwrap();
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let ctx = ctx.clone();
            std::thread::spawn(move || {
                let n = 1000 * (i + 1);
                let sum = ctx
                    .parallelize((0..n).collect::<Vec<i64>>(), Some(4))
                    .map(|x| (x % 7, x))
                    .reduce_by_key(|a, b| a + b, Some(3))
                    .values()
                    .reduce(|a, b| a + b)
                    .unwrap();
                (n, sum)
            })
        })
        .collect();
    for h in handles {
        let (n, sum) = h.join().unwrap();
        assert_eq!(sum, n * (n - 1) / 2);
    }
}

#[test]
fn zip_partitions_pairs_partitions_by_index() {
    each_master(|ctx| {
        let a = ctx.parallelize((0..10).collect::<Vec<i32>>(), Some(3));
        let b = ctx.parallelize((100..106).collect::<Vec<i32>>(), Some(3));
        let z = a
            .zip_partitions(&b, |_, x, y| {
                Box::new(std::iter::once((x.count(), y.sum::<i32>())))
            })
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(z, vec![(3, 201), (3, 205), (4, 209)]);
        assert!(a
            .zip_partitions(&ctx.parallelize(vec![1], Some(1)), |_, x, _| x)
            .is_err());
    });
}

/// Latency of a one-task job submitted while a 40-task job of 30 ms tasks
/// keeps the only worker busy.
fn short_job_latency_behind_long_job(mode: &str) -> std::time::Duration {
    let conf = rdd::Conf::new().set(rdd::conf::SCHEDULER_MODE, mode);
    let ctx = Context::with_conf("local[1]", "sharing", conf).unwrap();
    let long_ctx = ctx.clone();
    let long = std::thread::spawn(move || {
        long_ctx
            .parallelize((0..40).collect::<Vec<i32>>(), Some(40))
            .map(|x| {
                std::thread::sleep(std::time::Duration::from_millis(30));
                x
            })
            .count()
            .unwrap()
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    let started = std::time::Instant::now();
    let short = ctx.parallelize(vec![1, 2, 3], Some(1)).collect().unwrap();
    let latency = started.elapsed();
    assert_eq!(short, vec![1, 2, 3]);
    assert_eq!(long.join().unwrap(), 40);
    ctx.stop();
    latency
}

#[test]
fn fair_mode_does_not_queue_a_short_job_behind_a_long_one() {
    // FIFO must wait for the ~36 queued 30 ms tasks (> 1 s); FAIR waits for
    // at most the one task running.
    let fifo = short_job_latency_behind_long_job("FIFO");
    assert!(fifo.as_millis() >= 700, "FIFO short job took {fifo:?}");
    let fair = short_job_latency_behind_long_job("FAIR");
    assert!(fair.as_millis() < 500, "FAIR short job took {fair:?}");
}

#[test]
fn unknown_scheduler_mode_is_a_conf_error() {
    let conf = rdd::Conf::new().set(rdd::conf::SCHEDULER_MODE, "lottery");
    match Context::with_conf("local", "x", conf) {
        Err(e) => assert!(e.to_string().contains("lottery"), "{e}"),
        Ok(_) => panic!("accepted a bad scheduler mode"),
    }
}

#[test]
fn a_job_capped_below_the_workers_leaves_one_free_for_others() {
    // local[2], one task per job at most: a short job runs beside a job of
    // long tasks instead of waiting for one of them to end.
    let conf = rdd::Conf::new().set(rdd::conf::MAX_RUNNING_TASKS_PER_JOB, "1");
    let ctx = Context::with_conf("local[2]", "cap", conf).unwrap();
    let long_ctx = ctx.clone();
    let long = std::thread::spawn(move || {
        long_ctx
            .parallelize((0..4).collect::<Vec<i32>>(), Some(4))
            .map(|x| {
                std::thread::sleep(std::time::Duration::from_millis(400));
                x
            })
            .count()
            .unwrap()
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    let started = std::time::Instant::now();
    assert_eq!(
        ctx.parallelize(vec![7], Some(1)).collect().unwrap(),
        vec![7]
    );
    let latency = started.elapsed();
    let long_started = std::time::Instant::now();
    assert_eq!(long.join().unwrap(), 4);
    // The long job ran its 4 tasks one at a time (~1.6 s in all).
    assert!(
        long_started.elapsed().as_millis() >= 900,
        "long job was not capped"
    );
    assert!(latency.as_millis() < 300, "short job waited {latency:?}");
    ctx.stop();
}
