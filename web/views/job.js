// One job's page (#/jobs/ID): its facts, its query, and its stage attempts.

import { api } from '../api.js';
import { esc, num, duration, time, stateBadge, progressBar } from '../format.js';
import { STAGE_HEAD, stageBodyHtml } from './stages.js';

export function mount(root, params) {
  root.innerHTML = `
    <div class="page-head"><h1>Job ${esc(params.id)}</h1><span id="job-state"></span></div>
    <div id="job-facts" class="facts"></div>
    <div id="job-error" class="error-box" hidden></div>
    <h2>Stages</h2>
    <div class="table-wrap"><table id="job-stages" class="data">${STAGE_HEAD}<tbody></tbody></table></div>`;
  const $ = (id) => root.querySelector(`#${id}`);
  let done = false;
  return {
    wants: (u) => !done || !u.changed,
    async refresh() {
      const j = await api(`/api/v1/jobs/${encodeURIComponent(params.id)}`);
      done = j.status !== 'RUNNING';
      $('job-state').innerHTML = stateBadge(j.status);
      const fact = (k, v) => `<div><span>${esc(k)}</span><span>${v}</span></div>`;
      $('job-facts').innerHTML =
        fact('Description', esc(j.name)) +
        fact('Query', j.sqlId ? `<a href="#/queries/${encodeURIComponent(j.sqlId)}">${esc(j.sqlId)}</a>` : '–') +
        fact('Submitted', esc(time(j.submissionTime))) +
        fact('Completed', esc(time(j.completionTime))) +
        fact('Duration', esc(duration(j.durationMs))) +
        fact('Stages', esc(`${num(j.numCompletedStages)}/${num(j.numStages)}${j.numFailedStages ? `, ${num(j.numFailedStages)} failed` : ''}`)) +
        fact('Tasks', progressBar(j.numCompletedTasks, j.numTasks, j.numActiveTasks, j.numFailedTasks));
      $('job-error').hidden = !j.errorMessage;
      $('job-error').textContent = j.errorMessage || '';
      $('job-stages').tBodies[0].innerHTML = stageBodyHtml(j.stages || []);
    },
    unmount() {},
  };
}
