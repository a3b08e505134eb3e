//! Fault tolerance: retried tasks, jobs that exhaust their retries, lost
//! shuffle outputs recomputed from lineage (the FetchFailed path).

use rdd::{Conf, Context, Event, EventLog, RddError};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn word_pairs(ctx: &Context) -> rdd::Rdd<(i64, i64)> {
    ctx.parallelize((0..2000).map(|i| (i % 13, i)).collect::<Vec<_>>(), Some(4))
}

fn expected_sums() -> Vec<(i64, i64)> {
    let mut sums = vec![0i64; 13];
    for i in 0..2000 {
        sums[(i % 13) as usize] += i;
    }
    sums.into_iter()
        .enumerate()
        .map(|(k, s)| (k as i64, s))
        .collect()
}

#[test]
fn failed_tasks_are_retried_and_the_answer_is_unchanged() {
    let ctx = Context::new("local[2]", "retry").unwrap();
    ctx.faults().fail_tasks(Some(1), Some(0), 2);
    ctx.faults().fail_tasks(Some(3), None, 3);
    let mut got = word_pairs(&ctx)
        .reduce_by_key(|a, b| a + b, Some(3))
        .collect()
        .unwrap();
    got.sort();
    assert_eq!(got, expected_sums());
    assert_eq!(ctx.faults().injected(), 5);
}

#[test]
fn random_failures_do_not_change_results() {
    let ctx = Context::new("local[4]", "random").unwrap();
    ctx.faults().fail_random(0.3, 99, 2);
    let mut got = word_pairs(&ctx)
        .reduce_by_key(|a, b| a + b, Some(5))
        .collect()
        .unwrap();
    got.sort();
    assert_eq!(got, expected_sums());
    assert!(ctx.faults().injected() > 0);
}

#[test]
fn a_panicking_task_fails_the_job_with_its_message_and_partition() {
    let ctx = Context::new("local[2]", "panic").unwrap();
    let attempts = Arc::new(AtomicUsize::new(0));
    let a = attempts.clone();
    let err = ctx
        .parallelize((0..10).collect::<Vec<i32>>(), Some(5))
        .map(move |x| {
            if x == 5 {
                a.fetch_add(1, Ordering::SeqCst);
                panic!("cannot handle {x}");
            }
            x
        })
        .collect()
        .unwrap_err();
    match &err {
        RddError::JobFailed {
            partition,
            attempts: n,
            cause,
            ..
        } => {
            assert_eq!(*partition, 2);
            assert_eq!(*n, 4);
            assert!(cause.contains("cannot handle 5"), "{cause}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("stage"));
    assert_eq!(attempts.load(Ordering::SeqCst), 4);
    // The context survives and runs the next job.
    assert_eq!(ctx.parallelize(vec![1, 2], None).count().unwrap(), 2);
}

#[test]
fn task_retries_follow_the_setting_and_master() {
    let ctx = Context::with_conf(
        "local[2]",
        "retries",
        Conf::new().set(rdd::conf::TASK_MAX_FAILURES, "2"),
    )
    .unwrap();
    ctx.faults().fail_tasks(Some(0), None, 10);
    match ctx.parallelize(vec![1, 2, 3], Some(2)).count() {
        Err(RddError::JobFailed { attempts, .. }) => assert_eq!(attempts, 2),
        other => panic!("{other:?}"),
    }
    let ctx = Context::new("local[2,1]", "no-retries").unwrap();
    ctx.faults().fail_tasks(Some(0), None, 1);
    assert!(matches!(
        ctx.parallelize(vec![1], Some(1)).count(),
        Err(RddError::JobFailed { attempts: 1, .. })
    ));
}

#[test]
fn lost_shuffle_output_reruns_only_the_missing_map_tasks() {
    let ctx = Context::new("local[2]", "fetchfail").unwrap();
    let computed = Arc::new(AtomicUsize::new(0));
    let c = computed.clone();
    let sums = ctx
        .parallelize((0..2000).collect::<Vec<i64>>(), Some(4))
        .map_partitions_with_index(move |_, it| {
            c.fetch_add(1, Ordering::SeqCst);
            it.map(|i| (i % 13, i))
        })
        .reduce_by_key(|a, b| a + b, Some(3));
    let mut first = sums.collect().unwrap();
    first.sort();
    assert_eq!(first, expected_sums());
    assert_eq!(computed.load(Ordering::SeqCst), 4);
    let shuffle = ctx.shuffle_ids(&sums)[0];
    assert!(ctx.lose_shuffle_output(shuffle, 2));
    let log = Arc::new(EventLog::default());
    ctx.add_listener(log.clone());
    let mut second = sums.collect().unwrap();
    second.sort();
    assert_eq!(second, expected_sums());
    // Only map task 2 ran again.
    assert_eq!(computed.load(Ordering::SeqCst), 5);
    let map_tasks: Vec<usize> = log
        .events()
        .iter()
        .filter_map(|e| match e {
            Event::TaskEnd {
                partition,
                outcome: rdd::listener::TaskOutcome::Success,
                ..
            } => Some(*partition),
            _ => None,
        })
        .collect();
    assert!(map_tasks.contains(&2));
}

#[test]
fn lost_output_during_a_job_is_a_fetch_failure_that_recovers() {
    // A reduce task deletes a map output of its own shuffle the first time
    // it runs, so the scheduler must take the FetchFailed path mid-job.
    let ctx = Context::new("local[2]", "midjob").unwrap();
    let pairs = ctx.parallelize(
        (0..1000).map(|i| (i % 7, 1i64)).collect::<Vec<_>>(),
        Some(3),
    );
    let counts = pairs.reduce_by_key(|a, b| a + b, Some(2));
    let shuffle = ctx.shuffle_ids(&counts)[0];
    let sabotaged = Arc::new(AtomicUsize::new(0));
    let s = sabotaged.clone();
    let ctx2 = ctx.clone();
    let with_sabotage = counts.map_partitions_with_index(move |i, it| {
        let v: Vec<(i64, i64)> = it.collect();
        if i == 0 && s.fetch_add(1, Ordering::SeqCst) == 0 {
            ctx2.lose_shuffle_output(shuffle, 1);
            if let Some(tc) = rdd::TaskContext::get() {
                tc.fail(RddError::FetchFailed {
                    shuffle_id: shuffle,
                    map_id: 1,
                });
            }
        }
        v
    });
    let log = Arc::new(EventLog::default());
    ctx.add_listener(log.clone());
    let mut got = with_sabotage.collect().unwrap();
    got.sort();
    assert_eq!(got.iter().map(|p| p.1).sum::<i64>(), 1000);
    assert_eq!(got.len(), 7);
    let fetch_failures = log
        .events()
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::TaskEnd {
                    outcome: rdd::listener::TaskOutcome::FetchFailed(_),
                    ..
                }
            )
        })
        .count();
    // The other reduce task may also have found the output missing.
    assert!((1..=2).contains(&fetch_failures), "{fetch_failures}");
}

#[test]
fn non_retryable_errors_fail_fast() {
    let ctx = Context::new("local[2]", "fast").unwrap();
    let log = Arc::new(EventLog::default());
    ctx.add_listener(log.clone());
    let err = ctx.text_file("/no/such/input", None).count().unwrap_err();
    assert!(matches!(err, RddError::InputNotFound(_)));
    let tasks = log
        .events()
        .iter()
        .filter(|e| matches!(e, Event::TaskEnd { .. }))
        .count();
    assert_eq!(tasks, 1);
}

#[test]
fn cancelled_jobs_stop_and_the_context_stays_usable() {
    let ctx = Context::new("local[2]", "cancel").unwrap();
    let token = rdd::CancelToken::new();
    let t = token.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        t.cancel();
    });
    let started = std::time::Instant::now();
    let slow = ctx.range(0, 1_000_000_000, 1, Some(2)).unwrap().map(|x| {
        if x % 1_000_000 == 0 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        x
    });
    let result = ctx.run_with_cancel(&token, || slow.count());
    assert_eq!(result, Err(RddError::Cancelled));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(ctx.parallelize(vec![1, 2, 3], None).count().unwrap(), 3);
}

#[test]
fn a_stopped_context_refuses_jobs() {
    let ctx = Context::new("local[2]", "stop").unwrap();
    let dir = ctx.scratch_dir().to_path_buf();
    assert!(dir.exists());
    let rdd = ctx.parallelize(vec![1, 2, 3], None);
    ctx.stop();
    assert!(!dir.exists());
    assert_eq!(rdd.count(), Err(RddError::ContextStopped));
}

#[test]
fn released_shuffles_are_recomputed_from_lineage() {
    let ctx = rdd::Context::new("local[2]", "release").unwrap();
    let counts = ctx
        .parallelize((0..1000u64).collect(), Some(4))
        .map(|x| (x % 10, 1u64))
        .reduce_by_key(|a, b| a + b, Some(3));
    let mut first = counts.collect().unwrap();
    assert_eq!(ctx.shuffle_stats().0, 1);
    ctx.release_shuffles(&counts);
    assert_eq!(ctx.shuffle_stats().0, 0);
    let mut again = counts.collect().unwrap();
    first.sort();
    again.sort();
    assert_eq!(first, again);
    assert_eq!(again.len(), 10);
}
