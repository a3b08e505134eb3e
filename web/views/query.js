// One query's page (#/queries/ID): its SQL and state, the physical plan as
// an SVG tree with live per-operator metrics, the EXPLAIN ANALYZE text, and
// its jobs and stages with progress bars that move while it runs; a cancel
// button while it runs.

import { api } from '../api.js';
import { esc, num, duration, time, stateBadge, progressBar } from '../format.js';
import { renderPlan } from '../plan-graph.js';

const FINAL = new Set(['finished', 'failed', 'cancelled']);
const MAX_JOBS_FETCHED = 20;

function stageLine(s) {
  return `<div class="stage" data-stage="${esc(`${s.stageId}.${s.attemptId}`)}">` +
    `<a href="#/stages/${encodeURIComponent(s.stageId)}/${encodeURIComponent(s.attemptId)}">Stage ${esc(s.stageId)}.${esc(s.attemptId)}</a>` +
    `<span>${esc(s.name)} <span class="muted">${s.isShuffleMap ? 'shuffle map' : 'result'}</span></span>` +
    progressBar(s.numCompleteTasks, s.numTasks, s.numActiveTasks, s.numFailedTasks) +
    `<span>${stateBadge(s.status)}</span><span class="num">${esc(duration(s.durationMs))}</span></div>`;
}

function jobHtml(j) {
  const stages = j.stages || [];
  return `<div class="job" data-job-id="${esc(j.jobId)}"><div class="job-head">` +
    `<a href="#/jobs/${encodeURIComponent(j.jobId)}"><strong>Job ${esc(j.jobId)}</strong></a>` +
    `<span>${esc(j.name)}</span>${stateBadge(j.status)}` +
    `<span class="muted">${esc(duration(j.durationMs))}</span>` +
    `<span class="spacer"></span>${progressBar(j.numCompletedTasks, j.numTasks, j.numActiveTasks, j.numFailedTasks)}</div>` +
    (j.errorMessage ? `<div class="error-box">${esc(j.errorMessage)}</div>` : '') +
    (stages.length ? stages.map(stageLine).join('')
      : (j.stageIds || []).map((id) => `<div class="stage muted">Stage ${esc(id)}</div>`).join('')) +
    '</div>';
}

/**
 * The query's jobs, each with its stage summaries: those in the query's
 * answer when there, else /api/v1/jobs/{id}, fetched once per finished job
 * (`done` keeps finished jobs by jobId across refreshes).
 */
async function jobsWithStages(jobs, done) {
  let fetched = 0;
  return Promise.all(jobs.map(async (j) => {
    if (j.stages) {
      if (j.status !== 'RUNNING') done.set(j.jobId, j);
      return j;
    }
    if (done.has(j.jobId)) return done.get(j.jobId);
    if (fetched >= MAX_JOBS_FETCHED) return j;
    fetched += 1;
    try {
      const full = await api(`/api/v1/jobs/${encodeURIComponent(j.jobId)}`);
      if (full.status !== 'RUNNING') done.set(j.jobId, full);
      return full;
    } catch {
      return j;
    }
  }));
}

export function mount(root, params, ctx) {
  const id = params.id;
  root.innerHTML = `
    <div class="page-head"><h1>Query <span class="muted">${esc(id)}</span></h1><span id="query-state"></span>
      <button id="query-cancel" class="danger" hidden>Cancel</button></div>
    <div id="query-facts" class="facts"></div>
    <div id="query-error" class="error-box" hidden></div>
    <pre id="query-sql" class="sql"></pre>
    <h2>Plan</h2>
    <div id="plan" class="plan"></div>
    <h2>Jobs and stages</h2>
    <div id="query-jobs"></div>
    <h2>EXPLAIN ANALYZE</h2>
    <pre id="plan-text" class="plan-text"></pre>`;
  const $ = (x) => root.querySelector(`#${x}`);
  let state = null;
  let cancelError = ''; // why the last cancel failed, shown until the query ends or a cancel works
  const doneJobs = new Map(); // jobId → a finished job with its stages (they change no more)

  const showError = (q) => {
    const e = q?.error;
    const where = e?.line ? ` at line ${e.line}${e.column ? `, column ${e.column}` : ''}` : '';
    const text = e ? `${e.kind} error${where}: ${e.message}` : cancelError;
    $('query-error').hidden = !text;
    $('query-error').textContent = text;
  };

  $('query-cancel').addEventListener('click', async () => {
    $('query-cancel').disabled = true;
    try {
      await api(`/v1/queries/${encodeURIComponent(id)}`, { method: 'DELETE' });
      cancelError = '';
    } catch (e) {
      cancelError = `Could not cancel: ${e.kind ? `${e.kind}: ` : ''}${e.message}`;
      showError(null);
    } finally {
      $('query-cancel').disabled = false;
      ctx.refresh();
    }
  });

  return {
    wants: (u) => !FINAL.has(state) || (u.running || []).includes(id),
    async refresh() {
      const q = await api(`/api/v1/sql/${encodeURIComponent(id)}`);
      state = q.state;
      $('query-state').innerHTML = stateBadge(q.state);
      $('query-cancel').hidden = FINAL.has(q.state);
      const p = q.progress || {};
      const fact = (k, v) => `<div><span>${esc(k)}</span><span>${v}</span></div>`;
      $('query-facts').innerHTML =
        fact('Session', esc(q.session)) +
        fact('Submitted', esc(time(q.submittedAt))) +
        fact('Duration', esc(duration(q.durationMs))) +
        fact('Rows', esc(num(q.rows))) +
        (q.statements > 1 ? fact('Statements', esc(`${num(q.statementsDone)}/${num(q.statements)}`)) : '') +
        fact('Records read', esc(num(p.records_read))) +
        fact('Tasks', progressBar(p.tasks_done, p.tasks_total));
      if (FINAL.has(q.state)) cancelError = '';
      showError(q);
      if ($('query-sql').textContent !== q.sql) $('query-sql').textContent = q.sql || '';
      renderPlan($('plan'), q.plan);
      const text = (q.planText || []).join('\n');
      if ($('plan-text').textContent !== text) $('plan-text').textContent = text || '(no plan)';
      const jobs = await jobsWithStages(q.jobs || [], doneJobs);
      $('query-jobs').innerHTML = jobs.length ? jobs.map(jobHtml).join('')
        : '<p class="empty">No jobs (yet).</p>';
    },
    unmount() {},
  };
}
