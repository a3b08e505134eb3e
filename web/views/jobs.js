// The Jobs page: every job the scheduler ran, newest first and paged on the
// server, with its query, stage counts and task progress as
// "succeeded/total (+running)".

import { api, qs } from '../api.js';
import { esc, num, duration, time, when, stateBadge, progressBar, shorten } from '../format.js';
import { pagerHtml, createPager } from './paging.js';

const STATUSES = [['', 'all'], ['running', 'running'], ['succeeded', 'succeeded'], ['failed', 'failed']];

export const JOB_HEAD = `<thead><tr><th>Job</th><th>Description</th><th>Query</th><th>Status</th>
  <th>Submitted</th><th class="num">Duration</th><th class="num">Stages: succeeded/total</th>
  <th>Tasks: succeeded/total</th></tr></thead>`;

/** The <tr> of one job. */
export function jobRowHtml(j) {
  const stages = `${num(j.numCompletedStages)}/${num(j.numStages)}` +
    (j.numActiveStages ? ` (+${num(j.numActiveStages)})` : '') +
    (j.numFailedStages ? ` (${num(j.numFailedStages)} failed)` : '');
  return `<tr class="clickable" data-job-id="${esc(j.jobId)}">` +
    `<td><a href="#/jobs/${encodeURIComponent(j.jobId)}">${esc(j.jobId)}</a></td>` +
    `<td title="${esc(j.errorMessage || j.name)}">${esc(shorten(j.name, 60))}</td>` +
    `<td>${j.sqlId ? `<a href="#/queries/${encodeURIComponent(j.sqlId)}">${esc(shorten(j.sqlId, 24))}</a>` : ''}</td>` +
    `<td>${stateBadge(j.status)}</td>` +
    `<td title="${esc(time(j.submissionTime))}">${esc(when(j.submissionTime))}</td>` +
    `<td class="num">${esc(duration(j.durationMs))}</td>` +
    `<td class="num">${esc(stages)}</td>` +
    `<td>${progressBar(j.numCompletedTasks, j.numTasks, j.numActiveTasks, j.numFailedTasks)}</td></tr>`;
}

export function mount(root, params, ctx) {
  root.innerHTML = `
    <div class="page-head"><h1>Jobs</h1></div>
    ${pagerHtml('jobs', { statuses: STATUSES })}
    <div class="table-wrap"><table id="jobs" class="data">${JOB_HEAD}<tbody></tbody></table></div>`;
  const tbody = root.querySelector('#jobs tbody');
  const pager = createPager(root, 'jobs', { onChange: () => ctx.refresh() });
  tbody.addEventListener('click', (ev) => {
    const tr = ev.target.closest('tr[data-job-id]');
    if (tr && !ev.target.closest('a')) ctx.navigate(`#/jobs/${encodeURIComponent(tr.dataset.jobId)}`);
  });
  return {
    wants: (u) => !u.changed || u.changed.includes('jobs'),
    async refresh() {
      const p = pager.params();
      const got = await api(`/api/v1/jobs${qs(p)}`);
      if (!pager.isCurrent(p)) return; // the pager moved while this loaded; the newer request draws
      const jobs = got.jobs || [];
      tbody.innerHTML = jobs.length ? jobs.map(jobRowHtml).join('')
        : '<tr><td colspan="8" class="empty">No jobs.</td></tr>';
      pager.show(got.total ?? jobs.length, jobs.length, got.dropped || 0, p);
    },
    unmount() {},
  };
}
