// The console's result grid: one page of a query's rows at a time, fetched
// from the server (offset/limit), so the browser never holds the whole
// result. The page is drawn as one HTML string assigned once, measured as
// performance.measure('render-grid'), because pages go up to 10,000 rows.

import { api, qs } from './api.js';
import { esc, num, cellText } from './format.js';

const NUMERIC_TYPE = /^(tinyint|smallint|int|integer|bigint|float|double|real|decimal|numeric)\b/i;

/** True for a Hive type name whose values are numbers. */
export function isNumericType(type) {
  return NUMERIC_TYPE.test(String(type || ''));
}

/**
 * Right-aligns the numeric columns with one stylesheet rule per column
 * rather than a class on each of up to 10,000 × N cells.
 */
function alignNumericColumns(table, numeric) {
  let sheet = document.getElementById('grid-align');
  if (!sheet) {
    sheet = document.createElement('style');
    sheet.id = 'grid-align';
    document.head.appendChild(sheet);
  }
  sheet.textContent = numeric.map((isNum, i) => (isNum
    ? `#${table.id} td:nth-child(${i + 1}), #${table.id} th:nth-child(${i + 1}) { text-align: right; font-variant-numeric: tabular-nums; }`
    : '')).join('\n');
}

/** The <thead>/<tbody> HTML of a page; NULL dimmed. */
function pageHtml(columns, rows) {
  const head = columns.map((c) => `<th title="${esc(c.type)}">${esc(c.name)}</th>`).join('');
  const body = new Array(rows.length);
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r];
    let tr = '<tr>';
    for (let c = 0; c < columns.length; c += 1) {
      const v = row[c];
      if (v === null || v === undefined) tr += '<td class="null">NULL</td>';
      else if (typeof v === 'number') tr += `<td>${v}</td>`;
      else tr += `<td>${esc(typeof v === 'object' ? cellText(v) : v)}</td>`;
    }
    body[r] = `${tr}</tr>`;
  }
  return `<thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody>`;
}

/** Draws a page into the table, measured as 'render-grid' (the only such entry). */
export function renderGrid(table, columns, rows) {
  performance.clearMarks('render-grid-start');
  performance.clearMeasures('render-grid');
  performance.mark('render-grid-start');
  alignNumericColumns(table, columns.map((c) => isNumericType(c.type)));
  table.innerHTML = pageHtml(columns, rows);
  performance.measure('render-grid', 'render-grid-start');
}

/**
 * The grid with its pager: `#page-size`, `#page-prev`, `#page-next`,
 * `#page-info`. `onPage(columns, rows)` hears of every page shown,
 * `onError(err)` of a page the pager buttons could not load.
 */
export function createResultGrid({ table, pageSize, prev, next, info, onPage, onError }) {
  let queryId = null;
  let offset = 0;
  let page = { columns: [], rows: [], total_rows: 0, complete: true };
  let loading = 0;

  const limit = () => Number(pageSize.value) || 100;

  const drawInfo = () => {
    const n = page.rows.length;
    const total = page.total_rows ?? page.row_count ?? n;
    const more = page.complete === false ? '+' : '';
    const cut = page.truncated ? ' (truncated by the server)' : '';
    info.textContent = queryId === null ? ''
      : n === 0 ? `0 rows${offset ? ` at ${num(offset)}` : ''} of ${num(total)}${more}${cut}`
        : `${num(offset + 1)}–${num(offset + n)} of ${num(total)}${more}${cut}`;
    prev.disabled = queryId === null || offset === 0;
    next.disabled = queryId === null || (page.complete !== false && offset + n >= total);
  };

  /** Loads the page at `at`; the offset moves only once that page is here. */
  const load = async (at) => {
    if (queryId === null) return;
    const ticket = ++loading;
    const id = queryId;
    let got;
    try {
      got = await api(`/v1/queries/${encodeURIComponent(id)}/results${qs({ offset: at, limit: limit() })}`);
    } catch (e) {
      if (ticket !== loading || id !== queryId) return; // a newer page was asked for
      throw e;
    }
    if (ticket !== loading || id !== queryId) return; // a newer page was asked for
    offset = at;
    page = got;
    renderGrid(table, got.columns || [], got.rows || []);
    drawInfo();
    onPage?.(got.columns || [], got.rows || []);
  };

  const go = (at) => load(at).catch((e) => { if (e.name !== 'AbortError') onError?.(e); });
  prev.addEventListener('click', () => go(Math.max(0, offset - limit())));
  next.addEventListener('click', () => go(offset + limit()));
  pageSize.addEventListener('change', () => go(Math.floor(offset / limit()) * limit()));

  drawInfo();
  return {
    /** Shows the first page of a finished query's result. */
    async show(id) { queryId = id; offset = 0; await load(0); },
    /** Empties the grid (a new query started). */
    clear() {
      queryId = null;
      loading += 1;
      page = { columns: [], rows: [], total_rows: 0, complete: true };
      table.innerHTML = '';
      drawInfo();
    },
  };
}
