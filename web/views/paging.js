// Server-side paging controls shared by the list pages: a status filter, a
// page size, prev/next and "1–100 of 5,000", with ids made from a prefix
// (`#queries-next`, `#tasks-info`, ...) so tests can find them.

import { esc, num } from '../format.js';

/** The controls' HTML. `statuses` are [value, label] pairs ('' = all). */
export function pagerHtml(prefix, { sizes = [100], statuses = null, extra = '' } = {}) {
  const status = statuses
    ? `<label>Status <select id="${prefix}-status">${statuses.map(([v, l]) =>
      `<option value="${esc(v)}">${esc(l)}</option>`).join('')}</select></label>` : '';
  const size = sizes.length > 1
    ? `<label>Per page <select id="${prefix}-page-size">${sizes.map((n, i) =>
      `<option value="${n}"${i === 0 ? ' selected' : ''}>${n}</option>`).join('')}</select></label>` : '';
  return `<div class="controls">${status}${extra}` +
    `<button id="${prefix}-prev" disabled>‹ Prev</button>` +
    `<span id="${prefix}-info" class="page-info"></span>` +
    `<button id="${prefix}-next" disabled>Next ›</button>${size}</div>`;
}

/**
 * Wires the controls under `root`; `onChange()` runs after any of them
 * moves. `params()` gives {offset, length, status} for the next fetch;
 * `isCurrent(p)` says whether those params still hold (a page fetched for
 * older ones is dropped: the newer request draws); `show(total, shown,
 * dropped, p)` updates the info text and buttons for the page fetched
 * with `p`, and does nothing when `p` is stale.
 */
export function createPager(root, prefix, { sizes = [100], onChange }) {
  const $ = (s) => root.querySelector(`#${prefix}-${s}`);
  let offset = 0;
  const length = () => Number($('page-size')?.value) || sizes[0];
  const params = () => ({ offset, length: length(), status: $('status')?.value || '' });
  const isCurrent = (p) => {
    const now = params();
    return !p || (p.offset === now.offset && p.length === now.length && p.status === now.status);
  };
  $('prev').addEventListener('click', () => { offset = Math.max(0, offset - length()); onChange(); });
  $('next').addEventListener('click', () => { offset += length(); onChange(); });
  $('page-size')?.addEventListener('change', () => { offset = 0; onChange(); });
  $('status')?.addEventListener('change', () => { offset = 0; onChange(); });
  return {
    params,
    isCurrent,
    show(total, shown, dropped = 0, p = params()) {
      if (!isCurrent(p)) return;
      const at = p.offset;
      if (at > 0 && shown === 0 && total > 0) { // the list shrank under us
        offset = Math.max(0, Math.floor((total - 1) / p.length) * p.length);
        onChange();
        return;
      }
      const forgotten = dropped ? ` (${num(dropped)} older forgotten)` : '';
      $('info').textContent = shown
        ? `${num(at + 1)}–${num(at + shown)} of ${num(total)}${forgotten}`
        : `0 of ${num(total)}${forgotten}`;
      $('prev').disabled = at === 0;
      $('next').disabled = at + shown >= total;
    },
  };
}
