//! Key-value operations and shuffles, checked against sequential answers,
//! with skew, empty partitions and one partition.

mod common;
use common::{each_master, sorted};
use rdd::{HashPartitioner, Partitioner};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

fn pairs(n: i64, keys: i64) -> Vec<(i64, i64)> {
    (0..n).map(|i| ((i * 7919) % keys, i)).collect()
}

fn seq_group(data: &[(i64, i64)]) -> BTreeMap<i64, Vec<i64>> {
    let mut m: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (k, v) in data {
        m.entry(*k).or_default().push(*v);
    }
    for v in m.values_mut() {
        v.sort();
    }
    m
}

#[test]
fn reduce_fold_aggregate_combine_by_key() {
    each_master(|ctx| {
        let data = pairs(5000, 37);
        let expected: BTreeMap<i64, i64> = seq_group(&data)
            .into_iter()
            .map(|(k, vs)| (k, vs.iter().sum()))
            .collect();
        let rdd = ctx.parallelize(data.clone(), Some(5));
        for n in [None, Some(1), Some(3), Some(64)] {
            let got: BTreeMap<i64, i64> = rdd
                .reduce_by_key(|a, b| a + b, n)
                .collect()
                .unwrap()
                .into_iter()
                .collect();
            assert_eq!(got, expected, "reduce_by_key {n:?}");
        }
        let folded: BTreeMap<i64, i64> = rdd
            .fold_by_key(0, |a, b| a + b, Some(4))
            .collect()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(folded, expected);
        let agg: BTreeMap<i64, (i64, u64)> = rdd
            .aggregate_by_key(
                (0i64, 0u64),
                |(s, c), v| (s + v, c + 1),
                |a, b| (a.0 + b.0, a.1 + b.1),
                None,
            )
            .collect()
            .unwrap()
            .into_iter()
            .collect();
        for (k, (s, c)) in agg {
            assert_eq!(s, expected[&k]);
            assert_eq!(c as usize, seq_group(&data)[&k].len());
        }
        let combined: BTreeMap<i64, Vec<i64>> = rdd
            .combine_by_key(
                |v| vec![v],
                |mut c, v| {
                    c.push(v);
                    c
                },
                |mut a, b| {
                    a.extend(b);
                    a
                },
                Some(2),
            )
            .map_values(sorted)
            .collect()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(combined, seq_group(&data));
    });
}

#[test]
fn group_by_key_with_skewed_keys() {
    each_master(|ctx| {
        // 90% of the records share one key.
        let mut data: Vec<(i64, i64)> = (0..9000).map(|i| (0, i)).collect();
        data.extend((0..1000).map(|i| (1 + i % 10, i)));
        let got: BTreeMap<i64, Vec<i64>> = ctx
            .parallelize(data.clone(), Some(4))
            .group_by_key(Some(3))
            .map_values(sorted)
            .collect()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(got, seq_group(&data));
    });
}

#[test]
fn map_values_keys_values_flat_map_values_count_by_key() {
    each_master(|ctx| {
        let rdd = ctx.parallelize(vec![(1, 2), (3, 4), (3, 6)], Some(2));
        assert_eq!(
            rdd.map_values(|v| v * 10).collect().unwrap(),
            vec![(1, 20), (3, 40), (3, 60)]
        );
        assert_eq!(rdd.keys().collect().unwrap(), vec![1, 3, 3]);
        assert_eq!(rdd.values().collect().unwrap(), vec![2, 4, 6]);
        assert_eq!(
            rdd.flat_map_values(|v| 0..v.min(2)).collect().unwrap(),
            vec![(1, 0), (1, 1), (3, 0), (3, 1), (3, 0), (3, 1)]
        );
        let counts = rdd.count_by_key().unwrap();
        assert_eq!(counts, HashMap::from([(1, 1), (3, 2)]));
    });
}

#[test]
fn joins_match_nested_loop_joins() {
    each_master(|ctx| {
        let left = vec![(1, "a"), (2, "b"), (2, "c"), (3, "d"), (5, "x")];
        let right = vec![(2, 20), (2, 21), (3, 30), (4, 40)];
        let l = ctx
            .parallelize(left.clone(), Some(2))
            .map_values(str::to_string);
        let r = ctx.parallelize(right.clone(), Some(3));
        let mut inner = Vec::new();
        for (k, v) in &left {
            for (k2, w) in &right {
                if k == k2 {
                    inner.push((*k, (v.to_string(), *w)));
                }
            }
        }
        assert_eq!(
            sorted(l.join(&r, None).collect().unwrap()),
            sorted(inner.clone())
        );
        let lo = sorted(l.left_outer_join(&r, Some(4)).collect().unwrap());
        assert_eq!(lo.len(), 7);
        assert!(lo.contains(&(1, ("a".to_string(), None))));
        assert!(lo.contains(&(2, ("c".to_string(), Some(21)))));
        let ro = sorted(l.right_outer_join(&r, None).collect().unwrap());
        assert_eq!(ro.len(), 6);
        assert!(ro.contains(&(4, (None, 40))));
        let fo = sorted(l.full_outer_join(&r, Some(1)).collect().unwrap());
        assert_eq!(fo.len(), 8);
        assert!(fo.contains(&(5, (Some("x".to_string()), None))));
        assert!(fo.contains(&(4, (None, Some(40)))));
        let sub = sorted(l.subtract_by_key(&r, None).collect().unwrap());
        assert_eq!(sub, vec![(1, "a".to_string()), (5, "x".to_string())]);
        let empty = ctx.parallelize(Vec::<(i32, i32)>::new(), Some(2));
        assert!(l.join(&empty, None).collect().unwrap().is_empty());
        assert_eq!(l.left_outer_join(&empty, None).count().unwrap(), 5);
    });
}

#[test]
fn cogroup_two_and_three_inputs() {
    each_master(|ctx| {
        let a = ctx.parallelize(vec![(1, 'a'), (2, 'b'), (1, 'c')], Some(2));
        let b = ctx.parallelize(vec![(1, 10u8), (3, 30)], Some(1));
        let c = ctx.parallelize(vec![(3, "z".to_string())], Some(2));
        let two: BTreeMap<i32, (Vec<char>, Vec<u8>)> = a
            .cogroup(&b, None)
            .map_values(|(x, y)| (sorted(x), y))
            .collect()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(two[&1], (vec!['a', 'c'], vec![10]));
        assert_eq!(two[&2], (vec!['b'], vec![]));
        assert_eq!(two[&3], (vec![], vec![30]));
        let three = a.cogroup3(&b, &c, Some(3)).collect().unwrap();
        assert_eq!(three.len(), 3);
        let k3 = three.iter().find(|(k, _)| *k == 3).unwrap();
        assert_eq!(k3.1, (vec![], vec![30], vec!["z".to_string()]));
    });
}

#[test]
fn co_partitioned_inputs_are_not_shuffled_again() {
    let ctx = rdd::Context::new("local[2]", "copart").unwrap();
    let p: Arc<dyn Partitioner<i32>> = Arc::new(HashPartitioner::new(4));
    let a = ctx
        .parallelize((0..100).map(|i| (i % 10, i)).collect::<Vec<_>>(), Some(3))
        .partition_by(p.clone());
    let b = ctx
        .parallelize((0..50).map(|i| (i % 10, -i)).collect::<Vec<_>>(), Some(2))
        .partition_by(p.clone());
    assert_eq!(a.partitioner_id(), Some(p.id()));
    assert_eq!(a.partition_by(p.clone()).id(), a.id());
    let joined = a.join(&b, None);
    assert_eq!(joined.partitioner_id(), Some(p.id()));
    // Only the two partition_by shuffles exist in the lineage.
    assert_eq!(ctx.shuffle_ids(&joined).len(), 2);
    assert_eq!(joined.count().unwrap(), 10 * 10 * 5);
    let reduced = a.reduce_by_key(|x, y| x + y, None);
    assert_eq!(ctx.shuffle_ids(&reduced).len(), 1);
    // map_values keeps the partitioner, map drops it.
    assert_eq!(a.map_values(|v| v + 1).partitioner_id(), Some(p.id()));
    assert_eq!(a.map(|x| x).partitioner_id(), None);
}

#[test]
fn lookup_uses_the_partitioner() {
    let ctx = rdd::Context::new("local[2]", "lookup").unwrap();
    let log = Arc::new(rdd::EventLog::default());
    let rdd = ctx
        .parallelize((0..1000).map(|i| (i % 50, i)).collect::<Vec<_>>(), Some(4))
        .partition_by(Arc::new(HashPartitioner::new(8)));
    rdd.count().unwrap();
    ctx.add_listener(log.clone());
    let mut got = rdd.lookup(&7).unwrap();
    got.sort();
    assert_eq!(got, (0..1000).filter(|i| i % 50 == 7).collect::<Vec<_>>());
    let tasks = log
        .events()
        .iter()
        .filter(|e| matches!(e, rdd::Event::TaskEnd { .. }))
        .count();
    assert_eq!(tasks, 1);
    let unpartitioned = ctx.parallelize(vec![(1, 'a'), (2, 'b'), (1, 'c')], Some(2));
    assert_eq!(unpartitioned.lookup(&1).unwrap(), vec!['a', 'c']);
    assert!(unpartitioned.lookup(&9).unwrap().is_empty());
}

#[test]
fn sort_by_key_orders_globally() {
    each_master(|ctx| {
        let data: Vec<(i64, i64)> = (0..5000).map(|i| ((i * 7919) % 1013, i)).collect();
        let mut expected = data.clone();
        expected.sort_by_key(|p| p.0);
        let rdd = ctx.parallelize(data.clone(), Some(5));
        let asc = rdd.sort_by_key(true, Some(4));
        assert_eq!(asc.num_partitions(), 4);
        let got = asc.collect().unwrap();
        assert_eq!(
            got.iter().map(|p| p.0).collect::<Vec<_>>(),
            expected.iter().map(|p| p.0).collect::<Vec<_>>()
        );
        assert_eq!(sorted(got), sorted(data.clone()));
        let desc: Vec<i64> = rdd.sort_by_key(false, None).keys().collect().unwrap();
        let mut exp_desc: Vec<i64> = data.iter().map(|p| p.0).collect();
        exp_desc.sort_by(|a, b| b.cmp(a));
        assert_eq!(desc, exp_desc);
        let words = ctx.parallelize(vec!["pear", "fig", "banana", "kiwi"], Some(2));
        assert_eq!(
            words
                .map(str::to_string)
                .sort_by(|w| w.len(), true, Some(2))
                .collect()
                .unwrap(),
            vec!["fig", "pear", "kiwi", "banana"]
        );
        let empty = ctx.parallelize(Vec::<(i32, i32)>::new(), Some(3));
        assert!(empty.sort_by_key(true, None).collect().unwrap().is_empty());
        let one = ctx
            .parallelize(vec![(1, 1); 100], Some(3))
            .sort_by_key(true, Some(5));
        assert_eq!(one.count().unwrap(), 100);
    });
}

#[test]
fn shuffle_outputs_are_reused_by_later_jobs() {
    let ctx = rdd::Context::new("local[2]", "reuse").unwrap();
    let log = Arc::new(rdd::EventLog::default());
    ctx.add_listener(log.clone());
    let counts = ctx
        .parallelize((0..100).map(|i| (i % 5, 1)).collect::<Vec<_>>(), Some(4))
        .reduce_by_key(|a, b| a + b, Some(2));
    counts.count().unwrap();
    let stages_first = log
        .events()
        .iter()
        .filter(|e| matches!(e, rdd::Event::StageSubmitted { .. }))
        .count();
    assert_eq!(stages_first, 2);
    counts.collect().unwrap();
    let stages_total = log
        .events()
        .iter()
        .filter(|e| matches!(e, rdd::Event::StageSubmitted { .. }))
        .count();
    assert_eq!(stages_total, 3, "the map stage ran again");
}

#[test]
fn dropping_an_rdd_frees_its_shuffle() {
    let ctx = rdd::Context::new("local", "free").unwrap();
    {
        let r = ctx
            .parallelize(vec![(1, 2), (3, 4)], Some(2))
            .group_by_key(None);
        r.count().unwrap();
        assert_eq!(ctx.shuffle_stats().0, 1);
    }
    assert_eq!(ctx.shuffle_stats(), (0, 0));
}

#[test]
fn string_keys_and_tuple_values_shuffle() {
    each_master(|ctx| {
        let words: Vec<String> = "the quick brown fox jumps over the lazy dog the end"
            .split(' ')
            .map(str::to_string)
            .collect();
        let mut expected: BTreeMap<String, u32> = BTreeMap::new();
        for w in &words {
            *expected.entry(w.clone()).or_default() += 1;
        }
        let got: BTreeMap<String, u32> = ctx
            .parallelize(words, Some(3))
            .map(|w| (w, 1u32))
            .reduce_by_key(|a, b| a + b, None)
            .collect()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(got, expected);
    });
}

/// Records whose sizes are known stay records in memory (no encoding);
/// past the task's budget they are encoded and spill; either way the
/// reduce side sees every record once, and a lost map output is rebuilt.
#[test]
fn sized_shuffles_keep_records_in_memory_or_spill() {
    for (master, budget) in [("local[2]", None), ("local[2]", Some("4k"))] {
        let ctx = match budget {
            None => rdd::Context::new(master, "sized").unwrap(),
            Some(b) => common::tiny_memory(master, b),
        };
        let data = pairs(20_000, 101);
        let size: rdd::shuffle::dependency::RecordSize<i64, i64> = Arc::new(|_| 16);
        let shuffle = ctx
            .parallelize(data.clone(), Some(4))
            .shuffle_sized(Arc::new(HashPartitioner::new(5)), size);
        let stats = shuffle.run_map_stage().unwrap();
        assert_eq!(stats.bytes_by_partition().len(), 5);
        if budget.is_none() {
            // Kept as records: sizes are the records' memory.
            assert_eq!(stats.total_bytes(), 20_000 * 16);
        }
        let got = sorted(shuffle.rdd().collect().unwrap());
        assert_eq!(got, sorted(data.clone()));
        let p = HashPartitioner::new(5);
        for (i, part) in shuffle
            .rdd()
            .glom()
            .collect()
            .unwrap()
            .into_iter()
            .enumerate()
        {
            assert!(part.iter().all(|(k, _)| p.partition_of(k) == i));
        }
        let id = ctx.shuffle_ids(&shuffle.rdd())[0];
        assert!(ctx.lose_shuffle_output(id, 1));
        assert_eq!(sorted(shuffle.rdd().collect().unwrap()), sorted(data));
        ctx.stop();
    }
}
