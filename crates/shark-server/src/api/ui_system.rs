//! The web UI's views of the server itself: `/api/v1/info` (what the UI
//! needs to know at start), `/api/v1/storage/{rdd,tables}` (what is
//! cached, and how many bytes it takes), `/api/v1/executors` (in local
//! mode one executor: the driver's worker threads) and
//! `/api/v1/environment` (settings, versions, paths; secrets redacted).

use crate::state::AppState;
use crate::users::Principal;
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// What replaces a secret wherever settings are shown.
const REDACTED: &str = "*********(redacted)";

/// `GET /api/v1/info`
pub(super) async fn info(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
) -> Json<Value> {
    Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "master": state.ctx.master(),
        "workers": state.ctx.workers(),
        "readOnly": state.config.read_only,
        "auth": !state.users.is_open(),
        "user": { "name": user.name, "admin": user.admin },
        "startTime": state.started_at.to_rfc3339(),
        "uptimeMs": state.started.elapsed().as_millis() as u64,
    }))
}

/// What the block store holds, by RDD id.
fn held(state: &AppState) -> HashMap<usize, rdd::storage::RddStorageInfo> {
    state
        .ctx
        .storage_status()
        .into_iter()
        .map(|i| (i.rdd_id, i))
        .collect()
}

/// `GET /api/v1/storage/rdd`: every persisted RDD with what it holds.
pub(super) async fn storage_rdds(State(state): State<Arc<AppState>>) -> Json<Value> {
    let held = held(&state);
    let out: Vec<Value> = state
        .ctx
        .persistent_rdds()
        .iter()
        .map(|r| {
            let h = held.get(&r.id);
            json!({
                "id": r.id,
                "name": r.name.clone().unwrap_or_else(|| format!("{} [{}]", r.op, r.id)),
                "storageLevel": r.level.description(),
                "numPartitions": r.num_partitions,
                "numCachedPartitions": h.map_or(0, |h| h.cached_partitions),
                "memoryUsed": h.map_or(0, |h| h.memory_bytes),
                "diskUsed": h.map_or(0, |h| h.disk_bytes),
            })
        })
        .collect();
    Json(Value::Array(out))
}

/// `GET /api/v1/storage/tables`: Shark's cached tables (`CACHE TABLE`,
/// `*_cached`, `shark.cache`), with the bytes their RDDs hold.
pub(super) async fn storage_tables(State(state): State<Arc<AppState>>) -> Json<Value> {
    let held = held(&state);
    let levels: HashMap<usize, String> = state
        .ctx
        .persistent_rdds()
        .into_iter()
        .map(|r| (r.id, r.level.description()))
        .collect();
    let out: Vec<Value> = shark::cache::TableCache::of(&state.ctx)
        .entries()
        .iter()
        .map(|e| {
            // Keys are `scope/db.table`; the scope is the warehouse.
            let name = e.key.rsplit_once('/').map_or(e.key.as_str(), |(_, n)| n);
            let (db, table) = name.split_once('.').unwrap_or(("default", name));
            let h = held.get(&e.rdd_id);
            json!({
                "name": name,
                "database": db,
                "table": table,
                "rddId": e.rdd_id,
                "kind": e.kind,
                "fromQuery": e.from_query,
                "storageLevel": levels.get(&e.rdd_id),
                "numPartitions": e.partitions,
                "numCachedPartitions": h.map_or(0, |h| h.cached_partitions),
                "memoryUsed": h.map_or(0, |h| h.memory_bytes),
                "diskUsed": h.map_or(0, |h| h.disk_bytes),
            })
        })
        .collect();
    Json(Value::Array(out))
}

/// `GET /api/v1/executors`: in local mode the driver is the one executor.
pub(super) async fn executors(State(state): State<Arc<AppState>>) -> Json<Value> {
    let storage = state.ctx.storage_status();
    let disk: u64 = storage.iter().map(|s| s.disk_bytes).sum();
    let max_memory = state
        .ctx
        .conf()
        .get_bytes(rdd::conf::MEMORY_STORAGE, 512 << 20)
        .unwrap_or(512 << 20);
    let e = state.ui.read().executor.clone();
    let t = &e.totals;
    let driver = json!({
        "id": "driver",
        "hostPort": state.config.bind,
        "isActive": !state.ctx.is_stopped(),
        "totalCores": state.ctx.workers(),
        "activeTasks": e.active_tasks,
        "completedTasks": e.completed_tasks,
        "failedTasks": e.failed_tasks,
        "totalTasks": e.completed_tasks + e.failed_tasks + e.active_tasks,
        "totalDurationMs": t.duration.as_millis() as u64,
        "totalInputBytes": t.bytes_read,
        "totalShuffleRead": t.shuffle_read_bytes,
        "totalShuffleWrite": t.shuffle_write_bytes,
        "memoryBytesSpilled": t.memory_bytes_spilled,
        "diskBytesSpilled": t.disk_bytes_spilled,
        "memoryUsed": state.ctx.storage_memory_used(),
        "maxMemory": max_memory,
        "diskUsed": disk,
        "rddBlocks": storage.iter().map(|s| s.cached_partitions).sum::<usize>(),
        "addTime": state.started_at.to_rfc3339(),
        // In-process: alive whenever this answers; the last task event
        // says when it last did work.
        "lastHeartbeat": chrono::Utc::now().to_rfc3339(),
        "lastTaskEvent": e.last_event.map(|t| t.to_rfc3339()),
    });
    // On a cluster master, the executors the driver knows, alive and lost
    // (Spark lists removed ones with their reason too).
    let cluster = shark::distributed::SqlCluster::of(&state.ctx)
        .map(|c| c.executors())
        .unwrap_or_default();
    let mut all = vec![driver];
    all.extend(cluster.into_iter().map(|x| {
        json!({
            "id": x.id,
            "hostPort": x.address,
            "isActive": x.alive,
            "totalCores": x.cores,
            "activeTasks": x.running,
            "completedTasks": x.finished,
            "failedTasks": x.failed,
            "totalTasks": x.finished + x.failed + x.running as u64,
            "maxMemory": (x.memory_mb as u64) << 20,
            "pid": x.pid,
            "removeReason": x.lost_reason,
            // Counted on the driver per task, not per executor (yet).
            "totalDurationMs": 0,
            "totalInputBytes": 0,
            "totalShuffleRead": 0,
            "totalShuffleWrite": 0,
            "memoryUsed": 0,
            "diskUsed": 0,
            "addTime": null,
            "lastHeartbeat": null,
        })
    }));
    Json(Value::Array(all))
}

/// True for setting names whose values must not be shown.
pub use storage::config::is_secret;

fn pair(k: &str, v: impl ToString) -> Value {
    let v = if is_secret(k) {
        REDACTED.to_string()
    } else {
        v.to_string()
    };
    json!([k, v])
}

/// `GET /api/v1/environment`
pub(super) async fn environment(State(state): State<Arc<AppState>>) -> Json<Value> {
    let c = &state.config;
    let mut engine: Vec<Value> = state.ctx.conf().iter().map(|(k, v)| pair(k, v)).collect();
    engine.sort_by(|a, b| a[0].as_str().cmp(&b[0].as_str()));
    let opt = |p: &Option<std::path::PathBuf>| {
        p.as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    };
    let server = vec![
        pair("--warehouse", c.warehouse.display()),
        pair("--bind", &c.bind),
        pair("--flight-bind", &c.flight_bind),
        pair("--master", &c.master),
        json!([
            "--token",
            if c.token.is_some() {
                REDACTED
            } else {
                "(none)"
            }
        ]),
        pair("--users", opt(&c.users)),
        pair("--connection-idle-secs", c.connection_idle_secs),
        pair("--read-only", c.read_only),
        pair(
            "--allow-path",
            c.allow_paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        pair("--tls-cert", opt(&c.tls_cert)),
        pair("--tls-key", opt(&c.tls_key)),
        pair("--max-concurrent", c.max_concurrent),
        pair("--max-queued", c.max_queued),
        pair("--max-rows", c.max_rows),
        pair("--max-result-bytes", c.max_result_bytes),
        pair("--max-spool-bytes", c.max_spool_bytes),
        pair("--max-streams", c.max_streams),
        pair("--query-timeout-secs", c.query_timeout_secs),
        pair("--session-idle-secs", c.session_idle_secs),
        pair("--result-ttl-secs", c.result_ttl_secs),
        pair("--max-kept-queries", c.max_kept_queries),
    ];
    Json(json!({
        "runtime": {
            "version": env!("CARGO_PKG_VERSION"),
            "master": state.ctx.master(),
            "workers": state.ctx.workers(),
            "warehouse": c.warehouse.display().to_string(),
            "scratch": state.ctx.scratch_dir().display().to_string(),
            "pid": std::process::id(),
            "startTime": state.started_at.to_rfc3339(),
            "os": std::env::consts::OS,
            "arch": std::env::consts::ARCH,
        },
        "engine": engine,
        "server": server,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_told_by_their_names() {
        assert!(is_secret("--token"));
        assert!(is_secret("fs.s3a.secret.key"));
        assert!(is_secret("fs.s3a.access.key"));
        assert!(!is_secret("shark.memory.storage"));
        assert_eq!(pair("x.password", "hunter2")[1], REDACTED);
    }
}
