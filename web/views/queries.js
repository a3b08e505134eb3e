// The Queries page: every query the server remembers, newest first, paged
// on the server (100 or 1,000 a page) and filtered by state. The table is
// one HTML string assigned once and measured as 'render-queries'.

import { api, qs } from '../api.js';
import { esc, num, duration, time, when, shorten, stateBadge } from '../format.js';
import { pagerHtml, createPager } from './paging.js';

const STATUSES = [['', 'all'], ['running', 'running'], ['queued', 'queued'], ['finished', 'finished'],
  ['failed', 'failed'], ['cancelled', 'cancelled']];

/** The rows of the queries table. */
function rowsHtml(queries) {
  const out = new Array(queries.length);
  for (let i = 0; i < queries.length; i += 1) {
    const q = queries[i];
    const id = esc(q.id);
    const err = q.error ? ` title="${esc(`${q.error.kind}: ${q.error.message}`)}"` : '';
    out[i] = `<tr class="clickable" data-query-id="${id}">` +
      `<td><a href="#/queries/${encodeURIComponent(q.id)}">${id}</a></td>` +
      `<td${err}>${stateBadge(q.state)}</td>` +
      `<td title="${esc(time(q.submittedAt))}">${esc(when(q.submittedAt))}</td>` +
      `<td class="num">${esc(duration(q.durationMs))}</td>` +
      `<td class="num">${q.rows === null || q.rows === undefined ? '–' : esc(num(q.rows))}</td>` +
      `<td title="${esc(q.session)}">${esc(shorten(q.session, 14))}</td>` +
      `<td class="sql" title="${esc(q.sql)}">${esc(shorten(q.sql, 160))}</td></tr>`;
  }
  return out.join('');
}

/** Draws the table body, measured as 'render-queries' (the only such entry). */
export function renderQueries(tbody, queries) {
  performance.clearMarks('render-queries-start');
  performance.clearMeasures('render-queries');
  performance.mark('render-queries-start');
  tbody.innerHTML = rowsHtml(queries);
  performance.measure('render-queries', 'render-queries-start');
}

export function mount(root, params, ctx) {
  root.innerHTML = `
    <div class="page-head"><h1>Queries</h1></div>
    ${pagerHtml('queries', { sizes: [100, 1000], statuses: STATUSES })}
    <div class="table-wrap"><table id="queries" class="data">
      <thead><tr><th>Query</th><th>State</th><th>Submitted</th><th class="num">Duration</th>
      <th class="num">Rows</th><th>Session</th><th>SQL</th></tr></thead><tbody></tbody>
    </table></div>`;
  const tbody = root.querySelector('#queries tbody');
  const pager = createPager(root, 'queries', { sizes: [100, 1000], onChange: () => ctx.refresh() });

  tbody.addEventListener('click', (ev) => {
    if (ev.target.closest('a')) return;
    const tr = ev.target.closest('tr[data-query-id]');
    if (tr && !getSelection().toString()) ctx.navigate(`#/queries/${encodeURIComponent(tr.dataset.queryId)}`);
  });

  return {
    wants: (u) => !u.changed || u.changed.includes('sql'),
    async refresh() {
      const p = pager.params();
      const got = await api(`/api/v1/sql${qs(p)}`);
      if (!pager.isCurrent(p)) return; // the pager moved while this loaded; the newer request draws
      const queries = got.queries || [];
      renderQueries(tbody, queries);
      if (!queries.length) tbody.innerHTML = '<tr><td colspan="7" class="empty">No queries.</td></tr>';
      pager.show(got.total ?? queries.length, queries.length, got.dropped || 0, p);
    },
    unmount() {},
  };
}
