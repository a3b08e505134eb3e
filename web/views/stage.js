// One stage attempt's page (#/stages/ID/ATTEMPT): its totals, the
// distribution of its finished tasks (min, quartiles, max) and its task
// table paged on the server 100 at a time, as Spark's stage page shows them.
// Without an attempt in the address the latest attempt is shown.

import { api, qs } from '../api.js';
import { esc, num, bytes, duration, time, when, stateBadge, progressBar } from '../format.js';
import { pagerHtml, createPager } from './paging.js';

const QUANTILES = '0,0.25,0.5,0.75,1';
const SUMMARY_ROWS = [
  ['Duration', 'durationMs', duration],
  ['Records read', 'recordsRead', num],
  ['Bytes read', 'bytesRead', bytes],
  ['Shuffle read', 'shuffleReadBytes', bytes],
  ['Shuffle write', 'shuffleWriteBytes', bytes],
  ['Spill (memory)', 'memoryBytesSpilled', bytes],
  ['Spill (disk)', 'diskBytesSpilled', bytes],
  ['Peak execution memory', 'peakExecutionMemory', bytes],
];
const SORTS = [['index', 'by index'], ['-duration', 'longest first'], ['duration', 'shortest first']];

function summaryHtml(sum) {
  const head = '<thead><tr><th>Metric</th><th class="num">Min</th><th class="num">25th</th>' +
    '<th class="num">Median</th><th class="num">75th</th><th class="num">Max</th></tr></thead>';
  if (!sum || !sum.tasks || !(sum.durationMs || []).length) {
    return `${head}<tbody><tr><td colspan="6" class="empty">No finished tasks yet.</td></tr></tbody>`;
  }
  const rows = SUMMARY_ROWS.map(([label, key, fmt]) => {
    const vals = sum[key] || [];
    return `<tr><td>${esc(label)}</td>${[0, 1, 2, 3, 4].map((i) =>
      `<td class="num">${esc(vals[i] === undefined ? '–' : fmt(vals[i]))}</td>`).join('')}</tr>`;
  }).join('');
  return `${head}<tbody>${rows}</tbody>`;
}

function taskRowHtml(t) {
  const spill = t.memoryBytesSpilled || t.diskBytesSpilled
    ? `${bytes(t.memoryBytesSpilled)} / ${bytes(t.diskBytesSpilled)}` : '';
  return `<tr data-task-id="${esc(t.taskId)}"><td class="num">${esc(t.index)}</td><td class="num">${esc(t.taskId)}</td>` +
    `<td class="num">${esc(t.attempt)}</td><td>${stateBadge(t.status)}</td><td>${esc(t.executorId)}</td>` +
    `<td title="${esc(time(t.launchTime))}">${esc(when(t.launchTime))}</td><td class="num">${esc(duration(t.durationMs))}</td>` +
    `<td class="num">${esc(num(t.recordsRead))}</td><td class="num">${esc(bytes(t.bytesRead))}</td>` +
    `<td class="num">${esc(num(t.recordsWritten))}</td>` +
    `<td class="num">${esc(bytes(t.shuffleReadBytes))}</td><td class="num">${esc(bytes(t.shuffleWriteBytes))}</td>` +
    `<td class="num">${esc(spill)}</td><td class="num">${esc(bytes(t.peakExecutionMemory))}</td>` +
    `<td class="wrap">${esc(t.errorMessage || '')}</td></tr>`;
}

export function mount(root, params, ctx) {
  const sortSelect = `<label>Sort <select id="tasks-sort">${SORTS.map(([v, l]) =>
    `<option value="${v}">${esc(l)}</option>`).join('')}</select></label>`;
  root.innerHTML = `
    <div class="page-head"><h1 id="stage-title">Stage ${esc(params.id)}</h1><span id="stage-state"></span></div>
    <div id="stage-attempts" class="controls"></div>
    <div id="stage-facts" class="facts"></div>
    <h2>Summary of finished tasks</h2>
    <div class="table-wrap"><table id="task-summary" class="data"></table></div>
    <h2>Tasks</h2>
    ${pagerHtml('tasks', { extra: sortSelect })}
    <div class="table-wrap"><table id="tasks" class="data"><thead><tr>
      <th class="num">Index</th><th class="num">Task</th><th class="num">Attempt</th><th>Status</th><th>Executor</th>
      <th>Launched</th><th class="num">Duration</th><th class="num">Records read</th><th class="num">Bytes read</th>
      <th class="num">Records written</th><th class="num">Shuffle read</th><th class="num">Shuffle write</th>
      <th class="num" title="memory / disk">Spill</th><th class="num">Peak memory</th><th>Error</th>
    </tr></thead><tbody></tbody></table></div>`;
  const $ = (id) => root.querySelector(`#${id}`);
  const pager = createPager(root, 'tasks', { onChange: () => ctx.refresh() });
  $('tasks-sort').addEventListener('change', () => ctx.refresh());
  const stageId = encodeURIComponent(params.id);
  let attempt = params.attempt;
  let active = true;

  return {
    wants: (u) => active || !u.changed,
    async refresh() {
      const all = await api(`/api/v1/stages/${stageId}`);
      const attempts = all.attempts || [];
      if (attempt === undefined && attempts.length) attempt = String(attempts[attempts.length - 1].attemptId);
      const s = attempts.find((a) => String(a.attemptId) === String(attempt)) ||
        await api(`/api/v1/stages/${stageId}/${encodeURIComponent(attempt)}`);
      active = s.status === 'ACTIVE';
      $('stage-title').textContent = `Stage ${s.stageId}.${s.attemptId}: ${s.name}`;
      $('stage-state').innerHTML = stateBadge(s.status);
      $('stage-attempts').innerHTML = attempts.length > 1 ? `Attempts: ${attempts.map((a) =>
        `<a href="#/stages/${esc(stageId)}/${esc(encodeURIComponent(a.attemptId))}" class="${String(a.attemptId) === String(attempt) ? 'active' : ''}">` +
        `${esc(`${a.stageId}.${a.attemptId}`)}</a> ${stateBadge(a.status)}`).join(' ')}` : '';
      const fact = (k, v) => `<div><span>${esc(k)}</span><span>${v}</span></div>`;
      const io = (b, r) => esc(`${bytes(b)} / ${num(r)} records`);
      $('stage-facts').innerHTML =
        fact('Job', `<a href="#/jobs/${encodeURIComponent(s.jobId)}">${esc(s.jobId)}</a>`) +
        fact('Kind', s.isShuffleMap ? 'shuffle map' : 'result') +
        fact('Submitted', esc(time(s.submissionTime))) +
        fact('Duration', esc(duration(s.durationMs))) +
        fact('Task time', esc(duration(s.executorRunTimeMs))) +
        fact('Tasks', progressBar(s.numCompleteTasks, s.numTasks, s.numActiveTasks, s.numFailedTasks)) +
        fact('Input', io(s.inputBytes, s.inputRecords)) +
        fact('Output', io(s.outputBytes, s.outputRecords)) +
        fact('Shuffle read', io(s.shuffleReadBytes, s.shuffleReadRecords)) +
        fact('Shuffle write', io(s.shuffleWriteBytes, s.shuffleWriteRecords)) +
        fact('Spill', esc(`${bytes(s.memoryBytesSpilled)} memory, ${bytes(s.diskBytesSpilled)} disk`)) +
        fact('Peak memory', esc(bytes(s.peakExecutionMemory))) +
        (s.tasksDropped ? fact('Tasks kept', esc(`${num(s.tasksRetained)} (${num(s.tasksDropped)} dropped; totals are exact)`)) : '');

      const base = `/api/v1/stages/${stageId}/${encodeURIComponent(attempt)}`;
      const p = pager.params();
      const sortBy = $('tasks-sort').value;
      const [sum, list] = await Promise.all([
        api(`${base}/taskSummary?quantiles=${QUANTILES}`),
        api(`${base}/taskList${qs({ offset: p.offset, length: p.length, sortBy })}`),
      ]);
      $('task-summary').innerHTML = summaryHtml(sum);
      // The pager or sort moved while this loaded: the newer request draws the tasks.
      if (!pager.isCurrent(p) || sortBy !== $('tasks-sort').value) return;
      const tasks = list.tasks || [];
      $('tasks').tBodies[0].innerHTML = tasks.length ? tasks.map(taskRowHtml).join('')
        : '<tr><td colspan="15" class="empty">No tasks.</td></tr>';
      pager.show(list.total ?? tasks.length, tasks.length, list.dropped || 0, p);
    },
    unmount() {},
  };
}
