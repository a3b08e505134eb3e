// Turning server values into text for the page: HTML escaping (every server
// string goes through `esc` before it reaches innerHTML) and the human forms
// of numbers, bytes, durations, times and query/job/stage states.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"']/;

/** Text made safe for HTML content and attribute values. */
export function esc(value) {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return NEEDS_ESCAPE.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]) : s;
}

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

// num, bytes and duration answer "–" for anything that is not a finite
// number, so their output never needs escaping (and esc() of it is a no-op).

/** A count with thousands separators ("1,234"); "–" when unknown. */
export function num(n) {
  if (n === null || n === undefined || n === '') return '–';
  const v = Number(n);
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? INTEGER.format(v) : DECIMAL.format(v);
}

/** Bytes in binary units ("12.3 MiB"); "–" when unknown. */
export function bytes(n) {
  if (n === null || n === undefined || n === '') return '–';
  let v = Number(n);
  if (!Number.isFinite(v)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u += 1; }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

/** A duration in milliseconds as "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". */
export function duration(ms) {
  if (ms === null || ms === undefined || ms === '') return '–';
  const v = Number(ms);
  if (!Number.isFinite(v)) return '–';
  if (v < 1) return `${v.toFixed(2)} ms`;
  if (v < 10) return `${v.toFixed(1)} ms`;
  if (v < 1000) return `${Math.round(v)} ms`;
  const s = v / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A duration in nanoseconds, in the same forms as `duration`. */
export function nanos(ns) {
  if (ns === null || ns === undefined) return '–';
  return duration(Number(ns) / 1e6);
}

/** A point in time (RFC 3339 text or epoch milliseconds) as local "YYYY-MM-DD HH:MM:SS". */
export function time(t) {
  if (t === null || t === undefined || t === '') return '–';
  const d = new Date(typeof t === 'number' ? t : String(t));
  if (Number.isNaN(d.getTime())) return String(t);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A point in time, short for tables: "08:01:39" today, else "12-06 08:01". Full form in `time`. */
export function when(t) {
  if (t === null || t === undefined || t === '') return '–';
  const d = new Date(typeof t === 'number' ? t : String(t));
  if (Number.isNaN(d.getTime())) return String(t);
  const full = time(t);
  return d.toDateString() === new Date().toDateString() ? full.slice(11) : full.slice(5, 16);
}

/** The text cut to `max` characters with an ellipsis, on one line. */
export function shorten(text, max) {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// Every state name the API uses (queries, jobs, stages, tasks), by colour family.
const STATE_FAMILY = {
  running: 'running', active: 'running',
  queued: 'queued', pending: 'queued',
  finished: 'finished', succeeded: 'finished', complete: 'finished', success: 'finished',
  failed: 'failed', fetch_failed: 'failed',
  cancelled: 'cancelled', killed: 'cancelled', skipped: 'cancelled',
};

/** The CSS class colouring a state ("st-running", "st-finished", ...). */
export function stateClass(state) {
  return `st-${STATE_FAMILY[String(state || '').toLowerCase()] || 'other'}`;
}

/** A coloured badge with the state's name in lower case. */
export function stateBadge(state) {
  const name = String(state || 'unknown').toLowerCase().replace('_', ' ');
  return `<span class="badge ${stateClass(state)}">${esc(name)}</span>`;
}

/**
 * A progress bar: `done` of `total` filled, `running` shown striped after it.
 * The data attributes carry the raw counts for tests and tooltips.
 */
export function progressBar(done, total, running = 0, failed = 0, attrs = '') {
  const t = Math.max(0, Number(total) || 0);
  const d = Math.max(0, Number(done) || 0);
  const r = Math.max(0, Number(running) || 0);
  const pct = (x) => (t > 0 ? Math.min(100, (100 * x) / t) : 0).toFixed(2);
  const label = `${num(d)}/${num(t)}${r ? ` (+${num(r)})` : ''}${failed ? ` (${num(failed)} failed)` : ''}`;
  return `<div class="progress" data-done="${d}" data-total="${t}"${attrs}>` +
    `<div class="progress-done" style="width:${pct(d)}%"></div>` +
    `<div class="progress-running" style="width:${pct(r)}%"></div>` +
    `<span class="progress-label">${esc(label)}</span></div>`;
}

/** A value of a result cell as text: NULL, JSON for arrays/maps/structs. */
export function cellText(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Updates a bar made by `progressBar` in place (the element stays the same node). */
export function setProgress(el, done, total, running = 0) {
  const t = Math.max(0, Number(total) || 0);
  const d = Math.max(0, Number(done) || 0);
  const r = Math.max(0, Number(running) || 0);
  const pct = (x) => `${(t > 0 ? Math.min(100, (100 * x) / t) : 0).toFixed(2)}%`;
  el.dataset.done = String(d);
  el.dataset.total = String(t);
  el.querySelector('.progress-done').style.width = pct(d);
  el.querySelector('.progress-running').style.width = pct(r);
  el.querySelector('.progress-label').textContent = t ? `${num(d)}/${num(t)} tasks${r ? ` (+${num(r)})` : ''}` : '';
}
