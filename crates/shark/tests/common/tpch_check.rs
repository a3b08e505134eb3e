//! The 22 TPC-H queries as the spec writes them, at scale factor 0.01,
//! checked against DuckDB's answers on the same generated data: shared by
//! the local and S3 runs (`tpch_spec.rs`) and the cluster run (shark-cli's
//! `cluster_suite.rs`). See `tpch_spec.rs` for how rows are compared.

#[path = "../../benches/tpch/gen.rs"]
mod gen;

use arrow::array::RecordBatch;
use shark::{Session, StatementResult};
use std::path::Path;

const SF: f64 = 0.01;
pub const TABLES: [&str; 8] = [
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
pub fn tables() -> Vec<(&'static str, arrow::datatypes::SchemaRef, Vec<RecordBatch>)> {
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
pub fn check_queries(session: &mut Session) -> Vec<String> {
    // Q11's FRACTION: 0.0001 / SF.
    session.set_var("q11_fraction", "0.01");
    // The shark crate's folder, from its tests and from shark-cli's.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shark");
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
        let mut got = crate::common::text_rows(&batches);
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

/// Creates the tables in `session`'s warehouse as Parquet tables and
/// loads them (LOAD DATA from files written under `scratch`).
pub fn load_as_parquet(session: &mut Session, scratch: &Path) {
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
        let file = scratch.join(format!("{table}.parquet"));
        hive::parquet_file::write_file(&file, schema, &batches).unwrap();
        session
            .execute(&format!(
                "LOAD DATA LOCAL INPATH '{}' INTO TABLE {table}",
                file.display()
            ))
            .unwrap();
    }
}
