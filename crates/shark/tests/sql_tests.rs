//! Runs the golden SQL tests under `sql-tests/` (expected results from
//! DuckDB, see sql-tests/README.md) through a Shark session.
//!
//! `SQL_TEST_FILTER=join cargo test -p shark --test sql_tests` runs only
//! the files whose name contains `join`.

#[path = "common/goldens.rs"]
mod goldens;

#[test]
fn golden_sql_files() {
    run_goldens(&[]);
}

/// Every golden query planned, serialized, read back and run from the
/// decoded plan (what cluster mode ships), without adaptive execution.
#[test]
fn golden_sql_files_from_serialized_plans() {
    run_goldens(&[
        ("shark.plan.roundTrip", "true"),
        ("spark.sql.adaptive.enabled", "false"),
    ]);
}

/// Every join planned partitioned and turned into a broadcast join at run
/// time from its measured build side; skew splitting on at any size.
#[test]
fn golden_sql_files_with_joins_converted_at_run_time() {
    run_goldens(&[
        ("spark.sql.autoBroadcastJoinThreshold", "-1"),
        ("spark.sql.adaptive.autoBroadcastJoinThreshold", "10485760"),
        (
            "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes",
            "1",
        ),
        ("spark.sql.adaptive.skewJoin.skewedPartitionFactor", "1"),
        ("spark.sql.adaptive.advisoryPartitionSizeInBytes", "1"),
    ]);
}

/// Every join partitioned, partitions coalesced and skewed ones split by
/// map ranges wherever adaptive execution finds any.
#[test]
fn golden_sql_files_with_partitions_coalesced_and_split() {
    run_goldens(&[
        ("hive.auto.convert.join", "false"),
        (
            "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes",
            "1",
        ),
        ("spark.sql.adaptive.skewJoin.skewedPartitionFactor", "1.5"),
        ("spark.sql.adaptive.advisoryPartitionSizeInBytes", "2k"),
        (
            "spark.sql.adaptive.coalescePartitions.minPartitionSize",
            "1",
        ),
    ]);
}

fn run_goldens(settings: &[(&str, &str)]) {
    let filter = std::env::var("SQL_TEST_FILTER").unwrap_or_default();
    let ctx = rdd::Context::new("local[2]", "sql-tests").unwrap();
    goldens::run_goldens_on(&ctx, settings, &filter);
}
