// The console's history (#history): the statements this tab's session ran,
// newest first, with their final state. Kept in sessionStorage so a reload
// of the tab keeps it; clicking one puts its SQL back in the editor.

import { esc, shorten, stateBadge, time, when } from '../format.js';

const KEY = 'shark.history';
const MAX = 200;

export function createHistory(list, { onPick }) {
  let items = [];
  try { items = JSON.parse(sessionStorage.getItem(KEY) || '[]'); } catch { items = []; }

  const save = () => sessionStorage.setItem(KEY, JSON.stringify(items.slice(0, MAX)));

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
      items.unshift({ id, sql, state, at: Date.now() });
      items.length = Math.min(items.length, MAX);
      save();
      draw();
    },
    /** Sets the state of a recorded query. */
    update(id, state) {
      const it = items.find((x) => x.id === id);
      if (!it || it.state === state) return;
      it.state = state;
      save();
      draw();
    },
  };
}
