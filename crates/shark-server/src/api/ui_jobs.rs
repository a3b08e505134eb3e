//! `/api/v1/jobs` and `/api/v1/stages`: the engine's jobs, stage attempts
//! and tasks in the shapes of Spark's REST API (camelCase fields, status
//! names in capitals), paged on the server, newest first.

use super::ui_params::{page, Page};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::ui::store::{
    JobRecord, JobStatus, Records, StageRecord, StageStatus, TaskRecord, TaskStatus,
};
use crate::users::Principal;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query as Params, State};
use axum::{Extension, Json};
use rdd::TaskMetricsSnapshot;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

fn job_status(s: JobStatus) -> &'static str {
    match s {
        JobStatus::Running => "RUNNING",
        JobStatus::Succeeded => "SUCCEEDED",
        JobStatus::Failed => "FAILED",
    }
}

fn stage_status(s: StageStatus) -> &'static str {
    match s {
        StageStatus::Active => "ACTIVE",
        StageStatus::Complete => "COMPLETE",
        StageStatus::Failed => "FAILED",
    }
}

fn task_status(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Running => "RUNNING",
        TaskStatus::Success => "SUCCESS",
        TaskStatus::Failed => "FAILED",
        TaskStatus::FetchFailed => "FETCH_FAILED",
        TaskStatus::Killed => "KILLED",
    }
}

/// A job as `/api/v1/jobs` lists it.
pub(super) fn job_json(j: &JobRecord, r: &Records) -> Value {
    let stage = |k: &(usize, usize)| r.stages.get(k).map(|s| s.status);
    let count = |want: StageStatus| j.stages.iter().filter(|k| stage(k) == Some(want)).count();
    let mut ids: Vec<usize> = j.stages.iter().map(|(id, _)| *id).collect();
    ids.dedup();
    json!({
        "jobId": j.id,
        "name": j.name,
        "status": job_status(j.status),
        "sqlId": j.query,
        "submissionTime": j.submitted.to_rfc3339(),
        "completionTime": j.duration.map(|d| (j.submitted + d).to_rfc3339()),
        "durationMs": j.elapsed().as_millis() as u64,
        "stageIds": ids,
        "numTasks": j.num_tasks,
        "numActiveTasks": j.active_tasks,
        "numCompletedTasks": j.completed_tasks,
        "numFailedTasks": j.failed_tasks,
        "numStages": j.stages.len(),
        "numActiveStages": count(StageStatus::Active),
        "numCompletedStages": count(StageStatus::Complete),
        "numFailedStages": count(StageStatus::Failed),
        "errorMessage": j.error,
    })
}

/// A stage attempt's summary, with exact totals over all its tasks.
pub(super) fn stage_json(s: &StageRecord) -> Value {
    let t = &s.totals;
    json!({
        "stageId": s.stage_id,
        "attemptId": s.attempt,
        "jobId": s.job_id,
        "name": s.name,
        "status": stage_status(s.status),
        "isShuffleMap": s.is_shuffle_map,
        "numTasks": s.num_tasks,
        "numActiveTasks": s.active_tasks,
        "numCompleteTasks": s.complete_tasks,
        "numFailedTasks": s.failed_tasks,
        "submissionTime": s.submitted.to_rfc3339(),
        "completionTime": s.completed.map(|c| c.to_rfc3339()),
        "durationMs": s.elapsed().as_millis() as u64,
        "executorRunTimeMs": t.duration.as_millis() as u64,
        "inputBytes": t.bytes_read,
        "inputRecords": t.records_read,
        "outputBytes": t.bytes_written,
        "outputRecords": t.records_written,
        "shuffleReadBytes": t.shuffle_read_bytes,
        "shuffleReadRecords": t.shuffle_read_records,
        "shuffleWriteBytes": t.shuffle_write_bytes,
        "shuffleWriteRecords": t.shuffle_write_records,
        "memoryBytesSpilled": t.memory_bytes_spilled,
        "diskBytesSpilled": t.disk_bytes_spilled,
        "peakExecutionMemory": t.peak_execution_memory,
        "tasksRetained": s.tasks.len(),
        "tasksDropped": s.tasks_dropped,
    })
}

fn metrics_json(m: &TaskMetricsSnapshot, into: &mut Value) {
    let fields = [
        ("recordsRead", m.records_read),
        ("bytesRead", m.bytes_read),
        ("recordsWritten", m.records_written),
        ("bytesWritten", m.bytes_written),
        ("shuffleReadBytes", m.shuffle_read_bytes),
        ("shuffleReadRecords", m.shuffle_read_records),
        ("shuffleWriteBytes", m.shuffle_write_bytes),
        ("shuffleWriteRecords", m.shuffle_write_records),
        ("memoryBytesSpilled", m.memory_bytes_spilled),
        ("diskBytesSpilled", m.disk_bytes_spilled),
        ("peakExecutionMemory", m.peak_execution_memory),
    ];
    for (k, v) in fields {
        into[k] = json!(v);
    }
}

fn task_json(t: &TaskRecord) -> Value {
    let mut v = json!({
        "taskId": t.task_id,
        "index": t.index,
        "attempt": t.attempt,
        "status": task_status(t.status),
        "launchTime": t.launched.to_rfc3339(),
        "durationMs": t.duration.map(|d| d.as_millis() as u64),
        "executorId": "driver",
        "errorMessage": t.error,
    });
    metrics_json(&t.metrics, &mut v);
    v
}

#[derive(Deserialize, Default)]
pub(super) struct ListParams {
    offset: Option<usize>,
    length: Option<usize>,
    status: Option<String>,
}

fn wanted(status: &Option<String>, name: &str) -> bool {
    status
        .as_deref()
        .is_none_or(|s| s.eq_ignore_ascii_case(name))
}

fn params<T>(p: Result<Params<T>, QueryRejection>) -> ApiResult<T> {
    p.map(|Params(t)| t)
        .map_err(|e| ApiError::request(e.body_text()))
}

/// True when `user` may see a job: an admin sees all, anyone else only
/// the jobs of their own queries.
fn job_visible(state: &AppState, user: &Principal, j: &JobRecord) -> bool {
    user.admin
        || j.query
            .as_deref()
            .and_then(|q| state.queries.get(q))
            .is_some_and(|q| q.user == user.name)
}

/// True when `user` may see a stage (that of a job they may see).
fn stage_visible(state: &AppState, user: &Principal, r: &Records, s: &StageRecord) -> bool {
    user.admin
        || r.jobs
            .get(&s.job_id)
            .is_some_and(|j| job_visible(state, user, j))
}

/// `GET /api/v1/jobs`
pub(super) async fn jobs(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    p: Result<Params<ListParams>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let p = params(p)?;
    let r = state.ui.read();
    let matching: Vec<&JobRecord> = r
        .jobs
        .values()
        .rev()
        .filter(|j| wanted(&p.status, job_status(j.status)) && job_visible(&state, &user, j))
        .collect();
    let Page { offset, items } = page(&matching, p.offset, p.length)?;
    Ok(Json(json!({
        "total": matching.len(),
        "offset": offset,
        "dropped": r.jobs_dropped,
        "jobs": items.iter().map(|j| job_json(j, &r)).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/jobs/{id}`
pub(super) async fn job(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path(id): Path<usize>,
) -> ApiResult<Json<Value>> {
    let r = state.ui.read();
    let j = r
        .jobs
        .get(&id)
        .filter(|j| job_visible(&state, &user, j))
        .ok_or_else(|| {
            ApiError::not_found(format!("no job {id} (never run, or no longer retained)"))
        })?;
    let mut v = job_json(j, &r);
    v["stages"] = j
        .stages
        .iter()
        .filter_map(|k| r.stages.get(k))
        .map(stage_json)
        .collect();
    Ok(Json(v))
}

/// `GET /api/v1/stages`
pub(super) async fn stages(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    p: Result<Params<ListParams>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let p = params(p)?;
    let r = state.ui.read();
    let matching: Vec<&StageRecord> = r
        .stages
        .values()
        .rev()
        .filter(|s| {
            wanted(&p.status, stage_status(s.status)) && stage_visible(&state, &user, &r, s)
        })
        .collect();
    let Page { offset, items } = page(&matching, p.offset, p.length)?;
    Ok(Json(json!({
        "total": matching.len(),
        "offset": offset,
        "dropped": r.stages_dropped,
        "stages": items.iter().map(|s| stage_json(s)).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/stages/{id}`: every retained attempt of a stage.
pub(super) async fn stage_attempts(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path(id): Path<usize>,
) -> ApiResult<Json<Value>> {
    let r = state.ui.read();
    let attempts: Vec<Value> = r
        .stages
        .range((id, 0)..=(id, usize::MAX))
        .filter(|(_, s)| stage_visible(&state, &user, &r, s))
        .map(|(_, s)| stage_json(s))
        .collect();
    if attempts.is_empty() {
        return Err(no_stage(id, None));
    }
    Ok(Json(json!({ "attempts": attempts })))
}

fn no_stage(id: usize, attempt: Option<usize>) -> ApiError {
    let which = match attempt {
        Some(a) => format!("{id}.{a}"),
        None => id.to_string(),
    };
    ApiError::not_found(format!(
        "no stage {which} (never run, or no longer retained)"
    ))
}

/// `GET /api/v1/stages/{id}/{attempt}`
pub(super) async fn stage(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path((id, attempt)): Path<(usize, usize)>,
) -> ApiResult<Json<Value>> {
    let r = state.ui.read();
    let s = r
        .stages
        .get(&(id, attempt))
        .filter(|s| stage_visible(&state, &user, &r, s))
        .ok_or_else(|| no_stage(id, Some(attempt)))?;
    Ok(Json(stage_json(s)))
}

#[derive(Deserialize, Default)]
pub(super) struct TaskParams {
    offset: Option<usize>,
    length: Option<usize>,
    #[serde(rename = "sortBy")]
    sort_by: Option<String>,
}

/// `GET /api/v1/stages/{id}/{attempt}/taskList`: 100 tasks a page.
pub(super) async fn task_list(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path((id, attempt)): Path<(usize, usize)>,
    p: Result<Params<TaskParams>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let p = params(p)?;
    let r = state.ui.read();
    let s = r
        .stages
        .get(&(id, attempt))
        .filter(|s| stage_visible(&state, &user, &r, s))
        .ok_or_else(|| no_stage(id, Some(attempt)))?;
    let mut tasks: Vec<&TaskRecord> = s.tasks.values().collect();
    let by_duration = |t: &&TaskRecord| t.duration.unwrap_or_default();
    match p.sort_by.as_deref().unwrap_or("index") {
        "index" => tasks.sort_by_key(|t| (t.index, t.attempt)),
        "duration" => tasks.sort_by_key(by_duration),
        "-duration" => tasks.sort_by_key(|t| std::cmp::Reverse(by_duration(t))),
        "launchTime" => {}
        other => {
            return Err(ApiError::request(format!(
                "sortBy must be index, duration, -duration or launchTime, not '{other}'"
            )))
        }
    }
    let Page { offset, items } = page(&tasks, p.offset, p.length)?;
    Ok(Json(json!({
        "total": tasks.len(),
        "offset": offset,
        "dropped": s.tasks_dropped,
        "tasks": items.iter().map(|t| task_json(t)).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize, Default)]
pub(super) struct SummaryParams {
    quantiles: Option<String>,
}

/// The value at quantile `q` of sorted `v` (nearest rank, as Spark's
/// task summary picks an actual task's value).
fn quantile(v: &[u64], q: f64) -> u64 {
    let i = ((v.len() - 1) as f64 * q).round() as usize;
    v[i.min(v.len() - 1)]
}

/// `GET /api/v1/stages/{id}/{attempt}/taskSummary`: quantiles over the
/// stage's ended, retained tasks.
pub(super) async fn task_summary(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path((id, attempt)): Path<(usize, usize)>,
    p: Result<Params<SummaryParams>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let p = params(p)?;
    let qs: Vec<f64> = match p.quantiles.as_deref() {
        None => vec![0.0, 0.25, 0.5, 0.75, 1.0],
        Some(text) => text
            .split(',')
            .map(|q| match q.trim().parse::<f64>() {
                Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
                _ => Err(ApiError::request(format!(
                    "quantiles: '{q}' is not a number from 0 to 1"
                ))),
            })
            .collect::<ApiResult<_>>()?,
    };
    let r = state.ui.read();
    let s = r
        .stages
        .get(&(id, attempt))
        .filter(|s| stage_visible(&state, &user, &r, s))
        .ok_or_else(|| no_stage(id, Some(attempt)))?;
    let done: Vec<&TaskRecord> = s.tasks.values().filter(|t| t.duration.is_some()).collect();
    let column = |f: &dyn Fn(&TaskRecord) -> u64| -> Value {
        if done.is_empty() {
            return json!([]);
        }
        let mut v: Vec<u64> = done.iter().map(|t| f(t)).collect();
        v.sort_unstable();
        qs.iter().map(|q| quantile(&v, *q)).collect()
    };
    Ok(Json(json!({
        "quantiles": qs,
        "tasks": done.len(),
        "durationMs": column(&|t| t.duration.unwrap_or_default().as_millis() as u64),
        "recordsRead": column(&|t| t.metrics.records_read),
        "bytesRead": column(&|t| t.metrics.bytes_read),
        "shuffleReadBytes": column(&|t| t.metrics.shuffle_read_bytes),
        "shuffleWriteBytes": column(&|t| t.metrics.shuffle_write_bytes),
        "memoryBytesSpilled": column(&|t| t.metrics.memory_bytes_spilled),
        "diskBytesSpilled": column(&|t| t.metrics.disk_bytes_spilled),
        "peakExecutionMemory": column(&|t| t.metrics.peak_execution_memory),
    })))
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_pick_actual_values() {
        let v = [1, 2, 3, 4, 100];
        assert_eq!(quantile(&v, 0.0), 1);
        assert_eq!(quantile(&v, 0.5), 3);
        assert_eq!(quantile(&v, 0.75), 4);
        assert_eq!(quantile(&v, 1.0), 100);
        assert_eq!(quantile(&[7], 0.25), 7);
    }
}
