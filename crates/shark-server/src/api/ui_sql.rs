//! `/api/v1/sql`: the server's queries as the web UI's Queries pages show
//! them — a paged list, and one query with its physical plan as nodes and
//! edges (live per-operator metrics), its EXPLAIN ANALYZE text (one line
//! per node) and its engine jobs. Spark's SQL REST API has this shape.

use super::ui_jobs::job_json;
use super::ui_params::{page, Page};
use crate::error::{ApiError, ApiResult};
use crate::query::Query;
use crate::state::AppState;
use crate::users::Principal;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query as Params, State};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Characters of SQL a list row carries.
const SNIPPET: usize = 300;

fn summary(q: &Query, jobs: &[usize], full_sql: bool) -> Value {
    let (queued, ran) = q.timings();
    let i = q.inner();
    let sql: String = if full_sql {
        q.sql.clone()
    } else {
        q.sql.chars().take(SNIPPET).collect()
    };
    let mut v = json!({
        "id": q.id,
        "state": i.state,
        "session": q.session,
        "sql": sql,
        "submittedAt": q.submitted_at.to_rfc3339(),
        "durationMs": (queued + ran).as_millis() as u64,
        "rows": i.result.rows,
        "jobIds": jobs,
    });
    if let Some(e) = &i.error {
        v["error"] = json!(e);
    }
    v
}

/// Job ids by the query that ran them, from the UI's records.
fn jobs_by_query(state: &AppState) -> HashMap<String, Vec<usize>> {
    let r = state.ui.read();
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    for j in r.jobs.values() {
        if let Some(q) = &j.query {
            out.entry(q.clone()).or_default().push(j.id);
        }
    }
    out
}

#[derive(Deserialize, Default)]
pub(super) struct ListParams {
    offset: Option<usize>,
    length: Option<usize>,
    status: Option<String>,
    session: Option<String>,
}

/// `GET /api/v1/sql`: newest first.
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    p: Result<Params<ListParams>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let p = p
        .map(|Params(t)| t)
        .map_err(|e| ApiError::request(e.body_text()))?;
    let all = state.queries.recent_of(usize::MAX, &user);
    let retained = all.len();
    let matching: Vec<Arc<Query>> = all
        .into_iter()
        .filter(|q| {
            p.status
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case(q.state().name()))
                && p.session
                    .as_deref()
                    .is_none_or(|s| q.session.as_deref() == Some(s))
        })
        .collect();
    let Page { offset, items } = page(&matching, p.offset, p.length)?;
    let jobs = jobs_by_query(&state);
    let none = Vec::new();
    let queries: Vec<Value> = items
        .iter()
        .map(|q| summary(q, jobs.get(&q.id).unwrap_or(&none), false))
        .collect();
    Ok(Json(json!({
        "total": matching.len(),
        "offset": offset,
        "retained": retained,
        "dropped": state.queries.dropped(),
        "queries": queries,
    })))
}

/// The nested plan JSON of `physical::explain::to_json` as a node list and
/// child → parent edges, in EXPLAIN's order.
fn nodes_and_edges(tree: &Value) -> Value {
    fn walk(n: &Value, parent: Option<&Value>, nodes: &mut Vec<Value>, edges: &mut Vec<Value>) {
        nodes.push(json!({
            "id": n["id"],
            "name": n["operator"],
            "details": n["details"],
            "stage": n["stage"],
            "estimate": n["estimate"],
            "metrics": n["metrics"],
            "adaptive": n["adaptive"],
        }));
        if let Some(p) = parent {
            edges.push(json!({ "from": n["id"], "to": p["id"] }));
        }
        if let Some(inputs) = n["inputs"].as_array() {
            for i in inputs {
                walk(i, Some(n), nodes, edges);
            }
        }
    }
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    walk(tree, None, &mut nodes, &mut edges);
    json!({ "nodes": nodes, "edges": edges })
}

/// `GET /api/v1/sql/{id}`
pub(super) async fn detail(
    State(state): State<Arc<AppState>>,
    Extension(user): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let q = super::queries::find(&state, &id, &user)?;
    let jobs = jobs_by_query(&state).remove(&q.id).unwrap_or_default();
    let mut v = summary(&q, &jobs, true);
    let (profile, done) = {
        let i = q.inner();
        (i.plan.clone(), i.statements_done)
    };
    v["statements"] = json!(q.statements);
    v["statementsDone"] = json!(done);
    v["progress"] = json!(q.progress.snapshot());
    match profile {
        Some(p) => {
            v["plan"] = nodes_and_edges(&p.to_json());
            v["planText"] = json!(p.render());
        }
        None => {
            v["plan"] = Value::Null;
            v["planText"] = Value::Null;
        }
    }
    let r = state.ui.read();
    v["jobs"] = jobs
        .iter()
        .filter_map(|j| r.jobs.get(j))
        .map(|j| {
            let mut jv = job_json(j, &r);
            jv["stages"] = j
                .stages
                .iter()
                .filter_map(|k| r.stages.get(k))
                .map(super::ui_jobs::stage_json)
                .collect();
            jv
        })
        .collect();
    Ok(Json(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_becomes_nodes_and_child_to_parent_edges() {
        let tree = json!({
            "id": 0, "operator": "Project", "details": "a", "stage": 0,
            "estimate": {"rows": 1, "bytes": 8}, "metrics": null, "adaptive": null,
            "inputs": [
                {"id": 1, "operator": "Scan", "details": "t", "stage": 0, "estimate": {},
                 "metrics": null, "adaptive": null, "inputs": []},
                {"id": 2, "operator": "Scan", "details": "u", "stage": 1, "estimate": {},
                 "metrics": null, "adaptive": null, "inputs": []}
            ]
        });
        let g = nodes_and_edges(&tree);
        assert_eq!(g["nodes"].as_array().unwrap().len(), 3);
        assert_eq!(g["nodes"][1]["name"], "Scan");
        assert_eq!(
            g["edges"],
            json!([{"from": 1, "to": 0}, {"from": 2, "to": 0}])
        );
    }
}
