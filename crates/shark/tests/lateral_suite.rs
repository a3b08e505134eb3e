//! LATERAL VIEW and table-generating functions beyond the golden files:
//! many batches, filters that run before rows are repeated, and errors.

use arrow::array::{Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use shark::table::MemTable;
use shark::{MemoryCatalog, Session};
use std::sync::Arc;

mod common;
use common::rows;

/// `docs(id, body)`: 20,000 rows of words in 8 batches; every 100th body NULL.
fn session() -> Session {
    let ctx = rdd::Context::new("local[2]", "lateral-suite").unwrap();
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("body", DataType::Utf8, true),
    ]));
    let batches = (0..8)
        .map(|b| {
            let ids: Vec<i64> = (b * 2500..(b + 1) * 2500).collect();
            let bodies: Vec<Option<String>> = ids
                .iter()
                .map(|i| (i % 100 != 0).then(|| format!("w{} w{} common", i % 7, i % 3)))
                .collect();
            RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(Int64Array::from(ids)),
                    Arc::new(StringArray::from(bodies)),
                ],
            )
            .unwrap()
        })
        .collect();
    let catalog = Arc::new(MemoryCatalog::new());
    catalog.register(
        "default",
        "docs",
        Arc::new(MemTable::try_new(schema, batches).unwrap()),
    );
    Session::new(ctx, catalog)
}

#[test]
fn word_count_over_many_batches() {
    let mut s = session();
    let got = rows(
        &mut s,
        "SELECT w, count(*) FROM docs LATERAL VIEW explode(split(body, ' ')) v AS w \
         GROUP BY w ORDER BY w",
    );
    let bodies = (0..20_000).filter(|i| i % 100 != 0);
    let count = |f: &dyn Fn(i64) -> bool| bodies.clone().filter(|&i| f(i)).count();
    let mut want = vec![format!("common\t{}", count(&|_| true))];
    for k in 0..7 {
        let n = count(&|i| i % 7 == k) + if k < 3 { count(&|i| i % 3 == k) } else { 0 };
        want.push(format!("w{k}\t{n}"));
    }
    assert_eq!(got, want);
    let outer = rows(
        &mut s,
        "SELECT count(*), count(w) FROM docs LATERAL VIEW OUTER explode(split(body, ' ')) v AS w",
    );
    assert_eq!(outer, vec![format!("{}\t{}", 19_800 * 3 + 200, 19_800 * 3)]);
}

#[test]
fn filters_on_the_input_run_before_rows_are_repeated() {
    let mut s = session();
    let sql = "SELECT id, pos, w FROM docs LATERAL VIEW posexplode(split(body, ' ')) v AS pos, w \
               WHERE id = 7 AND pos > 0";
    assert_eq!(rows(&mut s, sql), vec!["7\t1\tw1", "7\t2\tcommon"]);
    let plan = rows(&mut s, &format!("EXPLAIN EXTENDED {sql}")).join("\n");
    let optimized = plan.split("== Optimized Logical Plan ==").nth(1).unwrap();
    let logical = optimized.split("== Physical Plan ==").next().unwrap();
    let (view, id_filter, pos_filter) = (
        logical.find("LateralView").unwrap(),
        logical.find("= 7").unwrap(),
        logical.find("> 0").unwrap(),
    );
    assert!(pos_filter < view && view < id_filter, "{logical}");
}

#[test]
fn misplaced_generators_are_errors() {
    let mut s = session();
    let mut err = |sql: &str| match s.query(sql) {
        Ok(_) => panic!("{sql} should fail"),
        Err(e) => e.to_string(),
    };
    let e = err("SELECT id, explode(split(body, ' ')) FROM docs");
    assert!(e.contains("must be alone in the SELECT list"), "{e}");
    let e = err("SELECT upper(explode(split(body, ' '))) FROM docs");
    assert!(e.contains("must be alone"), "{e}");
    let e = err("SELECT id FROM docs LATERAL VIEW posexplode(split(body, ' ')) v AS w");
    assert!(e.contains("2 column(s), but 1 alias"), "{e}");
    let e = err("SELECT id FROM docs LATERAL VIEW explode(body) v AS w");
    assert!(e.contains("needs an array"), "{e}");
    let e = err("SELECT size(body) FROM docs");
    assert!(e.contains("needs an array"), "{e}");
}

#[test]
fn long_arrays_explode_in_bounded_batches() {
    let mut s = session();
    let batches = s
        .query(
            "SELECT id, w FROM docs LATERAL VIEW posexplode(split(repeat('a,', 30000), ',')) v AS p, w \
             WHERE id < 2",
        )
        .unwrap();
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(total, 2 * 30001);
    assert!(
        batches.iter().all(|b| b.num_rows() <= 8192),
        "{:?}",
        batches.iter().map(|b| b.num_rows()).collect::<Vec<_>>()
    );
}
