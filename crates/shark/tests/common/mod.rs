//! What the shark test files share.

#![allow(dead_code)]

use arrow::record_batch::RecordBatch;
use shark::Session;

/// Rows as the CLI prints them: fields in Hive's text form, NULL as `NULL`.
pub fn text_rows(batches: &[RecordBatch]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for b in batches {
        let cols: Vec<Vec<Option<String>>> = b
            .columns()
            .iter()
            .map(|c| hive::text::render_column(c).unwrap())
            .collect();
        for r in 0..b.num_rows() {
            out.push(
                cols.iter()
                    .map(|c| c[r].clone().unwrap_or_else(|| "NULL".into()))
                    .collect(),
            );
        }
    }
    out
}

/// The rows of a query, fields joined by TAB; panics naming the query.
pub fn rows(s: &mut Session, sql: &str) -> Vec<String> {
    let batches = s.query(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    text_rows(&batches)
        .into_iter()
        .map(|r| r.join("\t"))
        .collect()
}

/// A session on a new warehouse with `src` (key INT, value STRING) holding
/// (1,'a'), (2,'b'), (3,'c'), (4,'d'); keep the folder while it is used.
pub fn session_with_src(name: &str) -> (Session, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = rdd::Context::new("local[2]", name).unwrap();
    let mut s = Session::with_warehouse(ctx, &dir.path().join("wh")).unwrap();
    s.execute_script(
        "CREATE TABLE src (key INT, value STRING); \
         INSERT INTO src VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')",
    )
    .unwrap();
    (s, dir)
}
