// The console (home page): write SQL, run it, watch its progress, page
// through its result, chart it, download it. The catalog sidebar and the
// history sit on the left. The view stays mounted across tab switches so
// the editor text and the last result survive.

import { api, submit, download, ApiError } from '../api.js';
import { duration, num, stateClass, progressBar, setProgress } from '../format.js';
import { createEditor } from '../editor.js';
import { createResultGrid } from '../grid.js';
import { createChart } from '../chart.js';
import { createCatalog } from './catalog.js';
import { createHistory } from './history.js';

const FINAL = new Set(['finished', 'failed', 'cancelled']);
const EDITOR_KEY = 'shark.editor';
const CHANGES_CATALOG = /\b(create|drop|alter|rename|truncate|load|insert|msck|import|use)\b/i;

const LAYOUT = `
<div class="console">
  <aside class="sidebar">
    <section class="side-section side-catalog">
      <h3>Catalog <button id="catalog-refresh" class="link" title="Reload the catalog">reload</button></h3>
      <div id="catalog" class="tree"></div>
    </section>
    <section class="side-section side-history">
      <h3>History</h3>
      <ul id="history" class="history"></ul>
    </section>
  </aside>
  <section class="workspace">
    <div class="editor-wrap">
      <pre class="editor-overlay" aria-hidden="true"></pre>
      <textarea id="editor" spellcheck="false" wrap="off" autocapitalize="off" autocomplete="off"
        placeholder="select * from src limit 10;  -- Ctrl-Enter runs; select text to run part of it"></textarea>
      <ul id="completions" class="completions" hidden></ul>
    </div>
    <div class="toolbar">
      <button id="run" class="primary" title="Ctrl-Enter / Cmd-Enter">Run</button>
      <button id="cancel" disabled>Cancel</button>
      <span id="status" class="status"></span>
      ${progressBar(0, 0, 0, 0, ' id="progress"')}
      <span id="elapsed" class="muted"></span>
      <a id="query-link" class="muted" hidden></a>
    </div>
    <div id="error-box" class="error-box" hidden>
      <div id="error-where" class="error-where"></div>
      <div id="error" hidden></div>
    </div>
    <div class="results-bar">
      <button id="page-prev" disabled>‹ Prev</button>
      <span id="page-info" class="page-info"></span>
      <button id="page-next" disabled>Next ›</button>
      <label>Rows per page
        <select id="page-size"><option value="100" selected>100</option><option value="1000">1000</option><option value="10000">10000</option></select>
      </label>
      <span class="spacer"></span>
      <button id="download-csv" disabled>Download CSV</button>
      <button id="download-arrow" disabled>Download Arrow</button>
    </div>
    <div class="grid-wrap"><table id="grid" class="data"></table></div>
    <div class="chart-bar">
      <strong>Chart</strong>
      <label>type <select id="chart-type"><option value="bar">bar</option><option value="line">line</option><option value="scatter">scatter</option></select></label>
      <label>x <select id="chart-x"></select></label>
      <label>y <select id="chart-y"></select></label>
    </div>
    <div id="chart" class="chart"></div>
  </section>
</div>`;

export function mount(root) {
  root.innerHTML = LAYOUT;
  const $ = (id) => root.querySelector(`#${id}`);
  let query = null;        // { id, state, lineBase, colBase }
  let polling = false;
  let pollAgain = false;
  let pollTimer = null;
  let pollDelay = 100;
  let pollErrorShown = false; // the error box shows a failed poll (cleared by the next good one)

  const catalog = createCatalog($('catalog'), { onInsert: (text) => insertText(text) });
  const history = createHistory($('history'), { onPick: (sql) => { editor.text = sql; editor.focus(); } });
  const chart = createChart({ container: $('chart'), typeSelect: $('chart-type'), xSelect: $('chart-x'), ySelect: $('chart-y') });
  const grid = createResultGrid({
    table: $('grid'), pageSize: $('page-size'), prev: $('page-prev'), next: $('page-next'), info: $('page-info'),
    onPage: (columns, rows) => chart.setData(columns, rows),
    onError: (err) => showError(err),
  });
  const textarea = $('editor');
  const editor = createEditor({ textarea, overlay: root.querySelector('.editor-overlay'), list: $('completions'), catalog, onRun: run });
  editor.text = sessionStorage.getItem(EDITOR_KEY) || '';
  textarea.addEventListener('input', () => {
    try { sessionStorage.setItem(EDITOR_KEY, textarea.value); } catch { /* storage full: the text stays in the editor */ }
  });

  function insertText(text) {
    textarea.focus();
    textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, 'end');
    textarea.dispatchEvent(new Event('input'));
  }

  function setStatus(state) {
    const el = $('status');
    el.textContent = state;
    el.className = `status ${stateClass(state)}`;
  }

  function showError(err) {
    const box = $('error-box');
    const el = $('error');
    const line = err.line ?? null;
    const column = err.column ?? null;
    el.textContent = err.message || 'the query failed';
    if (line) el.dataset.line = String(line); else delete el.dataset.line;
    if (column) el.dataset.column = String(column); else delete el.dataset.column;
    $('error-where').textContent = `${err.kind || 'error'} error${line ? ` at line ${line}${column ? `, column ${column}` : ''}` : ''}`;
    box.hidden = false;
    el.hidden = false;
    if (line) editor.markError(line, column || 1);
  }

  function clearError() {
    pollErrorShown = false;
    $('error-box').hidden = true;
    $('error').hidden = true;
    editor.clearError();
  }

  /** An error position in the submitted text, moved to the editor's (when a selection was run). */
  function inEditor(err) {
    if (!err || !err.line || !query) return err;
    const line = err.line + query.lineBase;
    const column = err.line === 1 && err.column ? err.column + query.colBase : err.column;
    return { ...err, line, column };
  }

  function setRunning(running) {
    $('run').disabled = running;
    $('cancel').disabled = !running;
  }

  async function run() {
    if (query && !FINAL.has(query.state)) return;
    const text = textarea.value;
    const [s, e] = [textarea.selectionStart, textarea.selectionEnd];
    const sql = s !== e ? text.slice(s, e) : text;
    if (!sql.trim()) return;
    const before = s !== e ? text.slice(0, s) : '';
    query = { id: null, state: 'submitting', lineBase: before.split('\n').length - 1, colBase: before.length - before.lastIndexOf('\n') - 1 };
    clearError();
    grid.clear();
    chart.clear();
    $('download-csv').disabled = true;
    $('download-arrow').disabled = true;
    $('query-link').hidden = true;
    $('elapsed').textContent = '';
    setProgress($('progress'), 0, 0);
    setStatus('submitting');
    setRunning(true);
    let answer;
    try {
      answer = await submit(sql, 0);
    } catch (err) {
      query.state = 'failed';
      setRunning(false);
      setStatus('failed');
      history.add(err.body?.query_id || null, sql, 'failed');
      showError(inEditor(err));
      return;
    }
    query.id = answer.query_id;
    query.state = answer.state || 'queued';
    history.add(query.id, sql, query.state);
    const link = $('query-link');
    link.href = `#/queries/${encodeURIComponent(query.id)}`;
    link.textContent = `query ${query.id}`;
    link.hidden = false;
    setStatus(query.state);
    pollDelay = 100;
    schedulePoll();
    if (CHANGES_CATALOG.test(sql)) query.touchesCatalog = true;
  }

  function schedulePoll() {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(async () => {
      await poll(); // never throws: a failure is shown and the next poll tries again
      pollDelay = Math.min(1000, pollDelay * 2);
      if (query && !FINAL.has(query.state)) schedulePoll();
    }, pollDelay);
  }

  /** Fetches the running query's state; at most one fetch in flight. Never throws. */
  async function poll() {
    if (!query || !query.id || FINAL.has(query.state)) return;
    if (polling) { pollAgain = true; return; }
    polling = true;
    const q = query;
    try {
      const s = await api(`/v1/queries/${encodeURIComponent(q.id)}`);
      if (q === query) await apply(q, s);
    } catch (err) {
      if (q === query) pollFailed(q, err);
    } finally {
      polling = false;
    }
    if (pollAgain) { pollAgain = false; await poll(); }
  }

  /** A poll that failed: the query is gone (404), or the next poll tries again. */
  function pollFailed(q, err) {
    if (err?.name === 'AbortError') return;
    if (err instanceof ApiError && err.status === 404) { // the server no longer knows the query
      q.state = 'failed';
      clearTimeout(pollTimer);
      setRunning(false);
      setStatus('failed');
      history.update(q.id, 'failed');
      showError(err);
      return;
    }
    if (err instanceof ApiError && err.tokenRefused) return; // the token form asks; polling goes on
    showError({ kind: err?.kind || 'network', message: `cannot get the query's state (retrying): ${err?.message || err}` });
    pollErrorShown = true;
  }

  async function apply(q, s) {
    if (pollErrorShown) clearError();
    q.state = s.state;
    setStatus(s.state);
    history.update(q.id, s.state);
    const p = s.progress || {};
    const statements = s.statements > 1 ? ` · statement ${num(Math.min(s.statements_done + 1, s.statements))}/${num(s.statements)}` : '';
    $('elapsed').textContent = `${duration(s.elapsed_ms)}${statements}`;
    const total = p.tasks_total || 0;
    setProgress($('progress'), s.state === 'finished' ? total : p.tasks_done || 0, total);
    if (!FINAL.has(s.state)) return;
    setRunning(false);
    clearTimeout(pollTimer);
    if (q.touchesCatalog) catalog.refresh();
    if (s.state === 'failed') showError(inEditor(s.error || { message: 'the query failed' }));
    if (s.state === 'finished') {
      $('download-csv').disabled = false;
      $('download-arrow').disabled = false;
      try {
        await grid.show(q.id);
      } catch (err) {
        if (q === query) showError(err);
      }
    }
  }

  $('run').addEventListener('click', run);
  $('cancel').addEventListener('click', async () => {
    const q = query;
    if (!q?.id) return;
    $('cancel').disabled = true;
    try {
      await api(`/v1/queries/${encodeURIComponent(q.id)}`, { method: 'DELETE' });
    } catch (err) {
      if (q !== query) return;
      showError({ kind: err.kind, message: `could not cancel: ${err.message}` });
      if (!FINAL.has(q.state)) $('cancel').disabled = false;
    }
    poll(); // never throws
  });
  $('download-csv').addEventListener('click', () => query?.id &&
    download(`/v1/queries/${encodeURIComponent(query.id)}/results?format=csv`, `${query.id}.csv`).catch(showError));
  $('download-arrow').addEventListener('click', () => query?.id &&
    download(`/v1/queries/${encodeURIComponent(query.id)}/results?format=arrow`, `${query.id}.arrow`).catch(showError));
  $('catalog-refresh').addEventListener('click', () => catalog.refresh());
  window.addEventListener('resize', () => chart.redraw());

  catalog.refresh();
  setStatus('idle');
  setProgress($('progress'), 0, 0);

  return {
    /** Live updates matter only while a query of ours runs. */
    wants: () => !!query && !!query.id && !FINAL.has(query.state),
    refresh: (update) => (update?.auth ? Promise.all([catalog.refresh(), poll()]) : poll()),
    shown: () => { chart.redraw(); },
    unmount() { clearTimeout(pollTimer); },
  };
}
