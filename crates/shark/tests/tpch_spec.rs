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
#[path = "common/tpch_check.rs"]
mod tpch_check;

use shark::table::MemTable;
use shark::{MemoryCatalog, Session};
use std::path::Path;
use std::sync::Arc;
use tpch_check::{check_queries, tables};

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
    tpch_check::load_as_parquet(&mut session, local.path());
    let failures = check_queries(&mut session);
    ctx.stop();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
