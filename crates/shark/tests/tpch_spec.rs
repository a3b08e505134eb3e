//! The 22 TPC-H queries as the spec writes them (`benches/tpch/qNN.sql`:
//! interval arithmetic, Q20's scalar subquery inside an IN subquery) at
//! scale factor 0.01, against DuckDB's answers on the same generated data
//! (`tests/tpch/sf0.01/qNN.tsv`, written by `benches/tpch/check.py --save`;
//! see `tests/tpch/README.md`).
//!
//! Rows are compared as multisets (the bench's check.py also checks ORDER
//! BY order, at SF1); numbers agree within a relative 1e-6 or, where DuckDB
//! computes a double and Shark prints a fixed-point decimal (Hive types
//! `avg` of a decimal as a decimal), within half a unit of Shark's last
//! printed digit.

mod common;
#[path = "../benches/tpch/gen.rs"]
mod gen;

use arrow::array::RecordBatch;
use shark::table::MemTable;
use shark::{MemoryCatalog, Session, StatementResult};
use std::path::Path;
use std::sync::Arc;

const SF: f64 = 0.01;
const TABLES: [&str; 8] = [
    "nation", "region", "part", "supplier", "partsupp", "customer", "orders", "lineitem",
];

fn cells_agree(got: &str, want: &str) -> bool {
    if got == want {
        return true;
    }
    let (Ok(g), Ok(w)) = (got.parse::<f64>(), want.parse::<f64>()) else {
        return false;
    };
    let scale = got.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
    let half_unit = 0.5 * 10f64.powi(-scale);
    (g - w).abs() <= (1e-6 * w.abs()).max(half_unit * 1.000_001)
}

/// The generated tables: name, Hive-typed schema and batches.
fn tables() -> Vec<(&'static str, arrow::datatypes::SchemaRef, Vec<RecordBatch>)> {
    TABLES
        .iter()
        .map(|table| {
            let batches: Vec<RecordBatch> =
                gen::generate(table, SF, 1, 1).map(|b| b.unwrap()).collect();
            let schema = gen::hive_schema(&batches[0].schema());
            let batches = batches.iter().map(|b| gen::to_hive(b, &schema)).collect();
            (*table, schema, batches)
        })
        .collect()
}

/// Runs the 22 queries in `session`; what differs from DuckDB's answers.
fn check_queries(session: &mut Session) -> Vec<String> {
    // Q11's FRACTION: 0.0001 / SF.
    session.set_var("q11_fraction", "0.01");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    for q in 1..=22 {
        let name = format!("q{q:02}");
        let sql = std::fs::read_to_string(dir.join(format!("benches/tpch/{name}.sql"))).unwrap();
        let expected =
            std::fs::read_to_string(dir.join(format!("tests/tpch/sf0.01/{name}.tsv"))).unwrap();
        let mut want: Vec<Vec<String>> = expected
            .lines()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect();
        let mut batches = Vec::new();
        let ran = session.execute_script(&sql).and_then(|results| {
            for r in results {
                if let StatementResult::Rows(rows) = r {
                    batches = rows.collect_batches()?;
                }
            }
            Ok(())
        });
        if let Err(e) = ran {
            failures.push(format!("{name}: {e}"));
            continue;
        }
        let mut got = common::text_rows(&batches);
        got.sort();
        want.sort();
        if got.len() != want.len() {
            failures.push(format!("{name}: {} rows, DuckDB {}", got.len(), want.len()));
            continue;
        }
        let differs = got.iter().zip(&want).find(|(g, w)| {
            g.len() != w.len() || g.iter().zip(w.iter()).any(|(a, b)| !cells_agree(a, b))
        });
        if let Some((g, w)) = differs {
            failures.push(format!("{name}: row {g:?}, DuckDB {w:?}"));
        }
    }
    failures
}

#[test]
fn spec_queries_match_duckdb_at_sf_0_01() {
    let catalog = Arc::new(MemoryCatalog::new());
    for (table, schema, batches) in tables() {
        let t = MemTable::try_new(schema, batches).unwrap();
        catalog.register("default", table, Arc::new(t));
    }
    let ctx = rdd::Context::new("local[2]", "tpch-spec").unwrap();
    let mut session = Session::new(ctx.clone(), catalog);
    let failures = check_queries(&mut session);
    ctx.stop();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same queries over Parquet tables in a warehouse on an S3-compatible
/// store (moto): files uploaded by LOAD DATA, read back by ranged GETs.
#[test]
fn spec_queries_match_duckdb_from_an_s3_warehouse() {
    let Some(server) = storage::testing::S3Server::shared() else {
        return;
    };
    server.create_bucket("tpch-spec");
    let local = tempfile::tempdir().unwrap();
    let ctx = rdd::Context::new("local[2]", "tpch-s3").unwrap();
    let mut session = Session::with_warehouse_at(
        ctx.clone(),
        Path::new("s3://tpch-spec/warehouse"),
        Some(&local.path().join("metastore.db")),
    )
    .unwrap();
    for (table, schema, batches) in tables() {
        let columns: Vec<String> = schema
            .fields()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f.name(),
                    hive::types::hive_type_name(f.data_type())
                )
            })
            .collect();
        session
            .execute(&format!(
                "CREATE TABLE {table} ({}) STORED AS PARQUET",
                columns.join(", ")
            ))
            .unwrap();
        let file = local.path().join(format!("{table}.parquet"));
        hive::parquet_file::write_file(&file, schema, &batches).unwrap();
        session
            .execute(&format!(
                "LOAD DATA LOCAL INPATH '{}' INTO TABLE {table}",
                file.display()
            ))
            .unwrap();
    }
    let failures = check_queries(&mut session);
    ctx.stop();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
