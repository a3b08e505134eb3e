//! `/v1/catalog`: databases, their tables, and one table's columns,
//! partition keys, partitions and storage, read from the metastore.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use hive::metastore::{Column, Metastore};
use serde_json::{json, Value};
use std::sync::Arc;

/// Partitions listed at most for one table.
const MAX_PARTITIONS: usize = 10_000;

/// Runs a metastore read on a blocking thread (SQLite calls block).
async fn read<T: Send + 'static>(
    state: &Arc<AppState>,
    f: impl FnOnce(&Metastore) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || f(st.catalog.metastore()))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
}

fn meta(e: hive::HiveError) -> ApiError {
    ApiError::internal(format!("metastore: {e}"))
}

fn columns(cols: &[Column]) -> Value {
    Value::Array(
        cols.iter()
            .map(|c| json!({ "name": c.name, "type": c.type_name, "comment": c.comment }))
            .collect(),
    )
}

fn exists(ms: &Metastore, db: &str) -> ApiResult<()> {
    match ms.get_database(db).map_err(meta)? {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found(format!("no database '{db}'"))),
    }
}

pub(super) async fn databases(State(state): State<Arc<AppState>>) -> ApiResult<Json<Value>> {
    read(&state, |ms| {
        let mut out = Vec::new();
        for name in ms.list_databases(None).map_err(meta)? {
            if let Some(d) = ms.get_database(&name).map_err(meta)? {
                out.push(json!({
                    "name": d.name,
                    "description": d.description,
                    "location": d.location,
                    "owner": d.owner,
                    "parameters": d.parameters,
                }));
            }
        }
        Ok(Json(json!({ "databases": out })))
    })
    .await
}

pub(super) async fn tables(
    State(state): State<Arc<AppState>>,
    Path(db): Path<String>,
) -> ApiResult<Json<Value>> {
    let db = db.to_ascii_lowercase();
    read(&state, move |ms| {
        exists(ms, &db)?;
        let mut out = Vec::new();
        for name in ms.list_tables(&db, None).map_err(meta)? {
            if let Some(t) = ms.get_table(&db, &name).map_err(meta)? {
                out.push(json!({
                    "name": t.name,
                    "type": t.table_type.as_str(),
                    "partitioned": t.is_partitioned(),
                    "comment": t.comment,
                }));
            }
        }
        Ok(Json(json!({ "database": db, "tables": out })))
    })
    .await
}

pub(super) async fn table(
    State(state): State<Arc<AppState>>,
    Path((db, name)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let (db, name) = (db.to_ascii_lowercase(), name.to_ascii_lowercase());
    read(&state, move |ms| {
        exists(ms, &db)?;
        let t = ms
            .get_table(&db, &name)
            .map_err(meta)?
            .ok_or_else(|| ApiError::not_found(format!("no table '{db}.{name}'")))?;
        let parts = if t.is_partitioned() {
            ms.list_partitions(&db, &name).map_err(meta)?
        } else {
            vec![]
        };
        let partitions: Vec<Value> = parts
            .iter()
            .take(MAX_PARTITIONS)
            .map(|p| {
                json!({
                    "name": t.partition_name(&p.values),
                    "values": p.values,
                    "location": p.location,
                })
            })
            .collect();
        let sd = &t.storage;
        Ok(Json(json!({
            "database": t.db,
            "name": t.name,
            "type": t.table_type.as_str(),
            "comment": t.comment,
            "owner": t.owner,
            "create_time": t.create_time,
            "columns": columns(&t.columns),
            "partition_keys": columns(&t.partition_keys),
            "partitions": partitions,
            "partition_count": parts.len(),
            "storage": {
                "location": sd.location,
                "input_format": sd.input_format,
                "output_format": sd.output_format,
                "serde": sd.serde,
                "serde_parameters": sd.serde_params,
                "compressed": sd.compressed,
                "bucket_count": sd.bucket_count,
                "bucket_columns": sd.bucket_columns,
            },
            "parameters": t.parameters,
            "view_text": t.view_text,
        })))
    })
    .await
}
