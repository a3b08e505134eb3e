// The console's history (#history): the statements this tab's session ran,
// newest first, with their final state. Kept in sessionStorage so a reload
// of the tab keeps it; clicking one puts its SQL back in the editor.

import { esc, shorten, stateBadge, time, when } from '../format.js';

const KEY = 'shark.history';
const MAX = 200;
const MAX_SQL = 10000; // characters of one statement's SQL kept in sessionStorage

export function createHistory(list, { onPick }) {
  let items = [];
  try { items = JSON.parse(sessionStorage.getItem(KEY) || '[]'); } catch { items = []; }
  if (!Array.isArray(items)) items = [];

  /**
   * Writes the newest items to sessionStorage, long SQL cut short; when the
   * storage is full, fewer items, and at worst none (the list on screen
   * stays whole for this page's life).
   */
  const save = () => {
    const stored = items.slice(0, MAX).map((it) =>
      (it.sql && it.sql.length > MAX_SQL ? { ...it, sql: it.sql.slice(0, MAX_SQL) } : it));
    for (const n of [stored.length, 50, 10, 0]) {
      if (n > stored.length) continue;
      try {
        if (n) sessionStorage.setItem(KEY, JSON.stringify(stored.slice(0, n)));
        else sessionStorage.removeItem(KEY);
        return;
      } catch { /* QuotaExceededError: try with fewer */ }
    }
  };

  /** Runs a change to the list; the console's flow never sees an error from here. */
  const safely = (change) => {
    try { change(); } catch (e) { console.warn('history:', e); }
  };

  const draw = () => {
    list.innerHTML = items.map((it, i) =>
      `<li data-i="${i}" data-query-id="${esc(it.id || '')}" title="${esc(it.sql)}">` +
      `<div class="history-head">${stateBadge(it.state)}<span class="muted" title="${esc(time(it.at))}">${esc(when(it.at))}</span>` +
      (it.id ? `<a class="history-link" href="#/queries/${encodeURIComponent(it.id)}" title="Query page">details</a>` : '') +
      `</div><code>${esc(shorten(it.sql, 140))}</code></li>`).join('');
  };

  list.addEventListener('click', (ev) => {
    if (ev.target.closest('a')) return;
    const li = ev.target.closest('li[data-i]');
    if (li) onPick(items[Number(li.dataset.i)].sql);
  });

  draw();
  return {
    /** Records a statement just submitted (id null when the server rejected it up front). */
    add(id, sql, state) {
      safely(() => {
        items.unshift({ id, sql: String(sql ?? ''), state, at: Date.now() });
        items.length = Math.min(items.length, MAX);
        save();
        draw();
      });
    },
    /** Sets the state of a recorded query. */
    update(id, state) {
      safely(() => {
        const it = items.find((x) => x.id === id);
        if (!it || it.state === state) return;
        it.state = state;
        save();
        draw();
      });
    },
  };
}
