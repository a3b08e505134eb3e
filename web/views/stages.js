// The Stages page: one row per stage attempt ("3.1" is stage 3's second
// attempt, so resubmitted stages stay visible), newest first, paged on the
// server, with task progress as "succeeded/total (+running)" and the
// stage's I/O, shuffle and spill totals.

import { api, qs } from '../api.js';
import { esc, num, bytes, duration, time, when, stateBadge, progressBar } from '../format.js';
import { pagerHtml, createPager } from './paging.js';

const STATUSES = [['', 'all'], ['active', 'active'], ['complete', 'complete'], ['failed', 'failed']];

export const STAGE_HEAD = `<thead><tr><th>Stage</th><th>Job</th><th>Description</th><th>Status</th>
  <th>Submitted</th><th class="num">Duration</th><th>Tasks: succeeded/total</th><th class="num">Input</th>
  <th class="num">Output</th><th class="num">Shuffle read</th><th class="num">Shuffle write</th>
  <th class="num" title="memory / disk">Spill</th></tr></thead>`;

const ioCell = (b, records) => `<td class="num" title="${esc(num(records))} records">${b ? esc(bytes(b)) : ''}</td>`;

/** The <tr> of one stage attempt. */
export function stageRowHtml(s) {
  const key = `${s.stageId}.${s.attemptId}`;
  const spill = s.memoryBytesSpilled || s.diskBytesSpilled
    ? `${bytes(s.memoryBytesSpilled)} / ${bytes(s.diskBytesSpilled)}` : '';
  return `<tr data-stage="${esc(key)}">` +
    `<td><a href="#/stages/${encodeURIComponent(s.stageId)}/${encodeURIComponent(s.attemptId)}">${esc(key)}</a></td>` +
    `<td><a href="#/jobs/${encodeURIComponent(s.jobId)}">${esc(s.jobId)}</a></td>` +
    `<td>${esc(s.name)} <span class="muted">${s.isShuffleMap ? 'shuffle map' : 'result'}</span></td>` +
    `<td>${stateBadge(s.status)}</td>` +
    `<td title="${esc(time(s.submissionTime))}">${esc(when(s.submissionTime))}</td>` +
    `<td class="num">${esc(duration(s.durationMs))}</td>` +
    `<td>${progressBar(s.numCompleteTasks, s.numTasks, s.numActiveTasks, s.numFailedTasks)}</td>` +
    ioCell(s.inputBytes, s.inputRecords) + ioCell(s.outputBytes, s.outputRecords) +
    ioCell(s.shuffleReadBytes, s.shuffleReadRecords) + ioCell(s.shuffleWriteBytes, s.shuffleWriteRecords) +
    `<td class="num">${esc(spill)}</td></tr>`;
}

/** A whole tbody of stage attempts, or a one-cell "none" row. */
export function stageBodyHtml(stages) {
  return stages.length ? stages.map(stageRowHtml).join('')
    : '<tr><td colspan="12" class="empty">No stages.</td></tr>';
}

export function mount(root, params, ctx) {
  root.innerHTML = `
    <div class="page-head"><h1>Stages</h1></div>
    ${pagerHtml('stages', { statuses: STATUSES })}
    <div class="table-wrap"><table id="stages" class="data">${STAGE_HEAD}<tbody></tbody></table></div>`;
  const tbody = root.querySelector('#stages tbody');
  const pager = createPager(root, 'stages', { onChange: () => ctx.refresh() });
  return {
    wants: (u) => !u.changed || u.changed.includes('stages'),
    async refresh() {
      const p = pager.params();
      const got = await api(`/api/v1/stages${qs(p)}`);
      if (!pager.isCurrent(p)) return; // the pager moved while this loaded; the newer request draws
      const stages = got.stages || [];
      tbody.innerHTML = stageBodyHtml(stages);
      pager.show(got.total ?? stages.length, stages.length, got.dropped || 0, p);
    },
    unmount() {},
  };
}
