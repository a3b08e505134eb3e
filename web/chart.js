// A chart of the result page the grid shows, drawn here as SVG (no chart
// library): bars for a category column, a line over dates, a scatter over
// numbers. The user picks the type and the x/y columns in three selects;
// the defaults follow the column types.

import { esc, num, shorten, cellText } from './format.js';
import { isNumericType } from './grid.js';

const MAX_BARS = 50;
const HEIGHT = 320;
const MARGIN = { top: 14, right: 20, bottom: 64, left: 72 };

const isTemporalType = (t) => /^(date|timestamp)/i.test(String(t || ''));
const isStringType = (t) => /^(string|varchar|char)/i.test(String(t || ''));

/** The default {type, x, y} for result columns, by the contract's rules. */
export function defaultChoice(columns) {
  if (!columns.length) return { type: 'bar', x: 0, y: -1 };
  let x = columns.findIndex((c) => isStringType(c.type) || isTemporalType(c.type));
  if (x < 0) x = 0;
  const y = columns.findIndex((c, i) => i !== x && isNumericType(c.type));
  const xt = columns[x].type;
  const type = isTemporalType(xt) ? 'line' : isNumericType(xt) ? 'scatter' : 'bar';
  return { type, x, y };
}

function toNumber(v) {
  if (v === null || v === undefined || v === '' || typeof v === 'boolean') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A date or timestamp as epoch ms, read as UTC so labels show the values as written. */
function toTime(v) {
  if (v === null || v === undefined) return null;
  let s = String(v).trim().replace(' ', 'T');
  if (/T/.test(s) && !/(Z|[+-]\d\d:?\d\d)$/.test(s)) s += 'Z';
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

const HOUR = 3600000;
const DAY = 24 * HOUR;

/** Round points in time within [lo, hi]: whole hours, days, weeks, months or years. */
function timeTicks(lo, hi, count = 6) {
  const span = hi - lo || DAY;
  const ticks = [];
  if (span > 60 * DAY) {
    const months = [1, 2, 3, 6, 12, 24, 60, 120].find((m) => span / (m * 30 * DAY) <= count) || 240;
    const d = new Date(lo);
    let y = d.getUTCFullYear();
    let m = Math.ceil((d.getUTCMonth() + (d.getUTCDate() > 1 ? 1 : 0)) / months) * months;
    for (;;) {
      const t = Date.UTC(y + Math.floor(m / 12), m % 12, 1);
      if (t > hi) break;
      if (t >= lo) ticks.push(t);
      m += months;
    }
  } else {
    const step = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY]
      .find((s) => span / s <= count) || 28 * DAY;
    for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push(t);
  }
  return ticks.length ? ticks : [lo];
}

/**
 * About `count` round tick values covering [lo, hi]. Huge values whose
 * spacing is below a double's precision (1e17 and 1e17 + 16) end the loop
 * rather than spin on `v += step` that no longer moves; then [lo, hi] is
 * all there is.
 */
export function niceTicks(lo, hi, count = 6) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) { // one value: a range around it that the doubles can tell apart
    const pad = Math.max(1, Math.abs(lo) * 1e-9);
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  const ticks = [];
  for (let v = Math.floor(lo / step) * step, n = 0; v <= hi + step * 1e-9 && n < 1000; v += step, n += 1) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    if (v + step === v) break; // below the precision of v
  }
  if (!ticks.length) return [lo, hi];
  if (ticks[0] > lo && ticks[0] - step < ticks[0]) ticks.unshift(ticks[0] - step);
  const last = ticks[ticks.length - 1];
  if (last < hi && last + step > last) ticks.push(last + step);
  return ticks.length > 1 && ticks[0] < ticks[ticks.length - 1] ? ticks : [lo, hi];
}

/** A tick number in short form: 1,234 / 12.5 / 3.4M. */
function tickLabel(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4 || Number.isInteger(v)) return num(Math.round(v * 100) / 100);
  return String(+v.toPrecision(4));
}

function dateLabel(t, span) {
  const iso = new Date(t).toISOString();
  if (span < 2 * 86400000) return iso.slice(0, 16).replace('T', ' ');
  return span > 60 * 86400000 ? iso.slice(0, 7) : iso.slice(0, 10);
}

/** Scale from a [lo, hi] domain onto [a, b] pixels. */
const scale = (lo, hi, a, b) => (v) => a + ((v - lo) / (hi - lo || 1)) * (b - a);

function axes({ width, yTicks, ys, xTicksHtml, xTitle, yTitle }) {
  const plotBottom = HEIGHT - MARGIN.bottom;
  let out = '';
  for (const t of yTicks) {
    const y = ys(t);
    out += `<line class="grid-line" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y}" y2="${y}"/>` +
      `<text class="tick" x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${esc(tickLabel(t))}</text>`;
  }
  out += `<line class="axis" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${plotBottom}" y2="${plotBottom}"/>`;
  out += `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${plotBottom}"/>`;
  out += xTicksHtml;
  out += `<text class="axis-title" x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${HEIGHT - 6}" text-anchor="middle">${esc(xTitle)}</text>`;
  out += `<text class="axis-title" transform="translate(14 ${(MARGIN.top + plotBottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yTitle)}</text>`;
  return out;
}

function yDomain(values) {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const ticks = niceTicks(lo, hi);
  return { ticks, ys: scale(ticks[0], ticks[ticks.length - 1], HEIGHT - MARGIN.bottom, MARGIN.top) };
}

function barSvg(width, labels, values, titles) {
  const { ticks, ys } = yDomain(values);
  const plotW = width - MARGIN.left - MARGIN.right;
  const band = plotW / labels.length;
  const rotate = labels.length > 10;
  let bars = '';
  let xt = '';
  labels.forEach((label, i) => {
    const v = values[i];
    const x = MARGIN.left + i * band + band * 0.1;
    const y0 = ys(0);
    const y1 = ys(v);
    bars += `<rect class="bar" x="${x}" y="${Math.min(y0, y1)}" width="${band * 0.8}" height="${Math.abs(y1 - y0)}">` +
      `<title>${esc(titles[i])}</title></rect>`;
    const cx = MARGIN.left + (i + 0.5) * band;
    const ty = HEIGHT - MARGIN.bottom + 14;
    xt += rotate
      ? `<text class="tick" transform="translate(${cx + 3} ${ty - 6}) rotate(-40)" text-anchor="end">${esc(shorten(label, 14))}</text>`
      : `<text class="tick" x="${cx}" y="${ty}" text-anchor="middle">${esc(shorten(label, Math.max(3, band / 7)))}</text>`;
  });
  return { body: bars, yTicks: ticks, ys, xTicksHtml: xt };
}

function pointsSvg(width, xsRaw, values, titles, { line, temporal }) {
  const { ticks, ys } = yDomain(values);
  const lo = Math.min(...xsRaw);
  const hi = Math.max(...xsRaw);
  const xTicks = temporal ? timeTicks(lo, hi) : niceTicks(lo, hi, 7);
  const xs = temporal
    ? scale(lo, hi === lo ? lo + DAY : hi, MARGIN.left + 8, width - MARGIN.right - 8)
    : scale(xTicks[0], xTicks[xTicks.length - 1], MARGIN.left, width - MARGIN.right);
  const order = xsRaw.map((_, i) => i);
  if (line) order.sort((a, b) => xsRaw[a] - xsRaw[b]);
  let body = '';
  if (line) {
    body += `<path class="line" d="${order.map((i, k) => `${k ? 'L' : 'M'}${xs(xsRaw[i]).toFixed(1)} ${ys(values[i]).toFixed(1)}`).join(' ')}"/>`;
  }
  for (const i of order) {
    body += `<circle class="${line ? 'point small' : 'point'}" cx="${xs(xsRaw[i]).toFixed(1)}" cy="${ys(values[i]).toFixed(1)}" r="${line ? 2.5 : 3.5}">` +
      `<title>${esc(titles[i])}</title></circle>`;
  }
  let xt = '';
  for (const t of xTicks) {
    const x = xs(t);
    const label = temporal ? dateLabel(t, hi - lo) : tickLabel(t);
    xt += `<line class="axis" x1="${x}" x2="${x}" y1="${HEIGHT - MARGIN.bottom}" y2="${HEIGHT - MARGIN.bottom + 4}"/>` +
      `<text class="tick" x="${x}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${esc(label)}</text>`;
  }
  return { body, yTicks: ticks, ys, xTicksHtml: xt };
}

/** The SVG (or a note saying why there is none) for a page and a choice. */
export function chartHtml(columns, rows, { type, x, y }, width) {
  if (!columns.length || !rows.length) return '<p class="empty">No rows to chart.</p>';
  if (y < 0 || !columns[y]) return '<p class="empty">Pick a numeric column for y.</p>';
  const xType = columns[x].type;
  const temporal = isTemporalType(xType);
  const numericX = isNumericType(xType);
  const picked = [];
  const limit = type === 'bar' ? MAX_BARS : rows.length;
  for (const row of rows.slice(0, limit)) {
    const yv = toNumber(row[y]);
    if (yv === null) continue;
    const xv = type === 'bar' ? cellText(row[x]) : temporal ? toTime(row[x]) : numericX ? toNumber(row[x]) : null;
    if (xv === null && type !== 'bar') continue;
    picked.push({ xv, yv, title: `${cellText(row[x])}: ${cellText(row[y])}` });
  }
  if (!picked.length) {
    return type !== 'bar' && !temporal && !numericX
      ? '<p class="empty">A line or scatter chart needs a numeric or date column for x; try a bar chart.</p>'
      : '<p class="empty">No numeric values in the y column.</p>';
  }
  const values = picked.map((p) => p.yv);
  const titles = picked.map((p) => p.title);
  const parts = type === 'bar'
    ? barSvg(width, picked.map((p) => p.xv), values, titles)
    : pointsSvg(width, picked.map((p) => p.xv), values, titles, { line: type === 'line', temporal });
  const note = type === 'bar' && rows.length > MAX_BARS ? ` (first ${MAX_BARS} rows)` : '';
  return `<svg class="chart-svg chart-${esc(type)}" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" role="img">` +
    `<desc>${esc(`${type} chart of ${columns[y].name} by ${columns[x].name}${note}`)}</desc>` +
    axes({ width, yTicks: parts.yTicks, ys: parts.ys, xTicksHtml: parts.xTicksHtml,
      xTitle: `${columns[x].name}${note}`, yTitle: columns[y].name }) +
    parts.body + '</svg>';
}

/**
 * Wires `#chart` and its selects; `setData(columns, rows)` with each page
 * (keeping the user's picks while the columns stay the same).
 */
export function createChart({ container, typeSelect, xSelect, ySelect }) {
  let columns = [];
  let rows = [];
  let signature = '';

  // The selects' values are column names (what a reader sees); the first column of that name is meant.
  const indexOf = (name) => columns.findIndex((c) => c.name === name);
  const draw = () => {
    const choice = { type: typeSelect.value, x: Math.max(0, indexOf(xSelect.value)), y: indexOf(ySelect.value) };
    const width = Math.max(480, (container.parentElement?.clientWidth || 900) - 2);
    container.innerHTML = columns.length ? chartHtml(columns, rows, choice, width) : '';
  };

  for (const s of [typeSelect, xSelect, ySelect]) s.addEventListener('change', draw);

  return {
    setData(newColumns, newRows) {
      const sig = JSON.stringify(newColumns);
      columns = newColumns;
      rows = newRows;
      if (sig !== signature) {
        signature = sig;
        const d = defaultChoice(columns);
        const opts = columns.map((c) => `<option value="${esc(c.name)}">${esc(c.name)}</option>`).join('');
        xSelect.innerHTML = opts;
        ySelect.innerHTML = `<option value="">—</option>${opts}`;
        typeSelect.value = d.type;
        xSelect.value = columns[d.x]?.name ?? '';
        ySelect.value = d.y >= 0 ? columns[d.y].name : '';
      }
      draw();
    },
    clear() { columns = []; rows = []; signature = ''; container.innerHTML = ''; xSelect.innerHTML = ''; ySelect.innerHTML = ''; },
    redraw: draw,
  };
}
