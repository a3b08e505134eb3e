// The physical plan as an SVG tree, root at the top: each operator a box
// with its name, shortened details and live metrics (rows, time, spill,
// peak memory), shaded by its share of the query's time. Plans are trees,
// so a simple tidy layout does: leaves take consecutive slots left to
// right and each parent sits centred over its children.

import { esc, num, bytes, nanos, shorten } from './format.js';

const BOX_W = 220;
const BOX_H = 72;
const GAP_X = 24;
const GAP_Y = 30;
const PAD = 12;

/** Parent → children lists and the roots (nodes that are no edge's `from`). */
function treeOf(plan) {
  const children = new Map(plan.nodes.map((n) => [n.id, []]));
  const isChild = new Set();
  for (const e of plan.edges || []) {
    if (!children.has(e.to) || !children.has(e.from)) continue;
    children.get(e.to).push(e.from);
    isChild.add(e.from);
  }
  const roots = plan.nodes.filter((n) => !isChild.has(n.id)).map((n) => n.id);
  return { children, roots: roots.length ? roots : [plan.nodes[0].id] };
}

/** Slot (x in box widths) and depth of every node reachable from the roots. */
export function layoutPlan(plan) {
  const { children, roots } = treeOf(plan);
  const pos = new Map();
  let slot = 0;
  let depthMax = 0;
  const place = (id, depth) => {
    if (pos.has(id)) return;
    pos.set(id, null); // guards against a cycle in bad input
    depthMax = Math.max(depthMax, depth);
    const kids = children.get(id).filter((k) => !pos.has(k));
    kids.forEach((k) => place(k, depth + 1));
    const xs = kids.map((k) => pos.get(k)?.x).filter((x) => x !== undefined);
    pos.set(id, { x: xs.length ? (xs[0] + xs[xs.length - 1]) / 2 : slot++, depth });
  };
  roots.forEach((r) => place(r, 0));
  for (const n of plan.nodes) if (!pos.has(n.id)) place(n.id, 0); // stray nodes, left of nothing
  return { pos, children, slots: Math.max(1, slot), depth: depthMax + 1 };
}

function metricLines(node) {
  const m = node.metrics;
  if (!m) {
    const est = node.estimate?.rows;
    return [est !== null && est !== undefined ? `est. rows ~${num(est)}` : 'not started', ''];
  }
  const first = [`rows ${num(m.rows)}`, nanos(m.time_ns)];
  const second = [];
  if (m.spilled_bytes) second.push(`spill ${bytes(m.spilled_bytes)}`);
  if (m.peak_memory) second.push(`peak ${bytes(m.peak_memory)}`);
  return [first.join(' · '), second.join(' · ')];
}

function nodeTitle(node) {
  const m = node.metrics || {};
  return [
    `${node.name} (node ${node.id}${node.stage !== null && node.stage !== undefined ? `, plan stage ${node.stage} as EXPLAIN numbers it` : ''})`,
    node.details || '',
    node.metrics ? `rows ${num(m.rows)}, batches ${num(m.batches)}, tasks ${num(m.tasks)}, time ${nanos(m.time_ns)}` : '',
    m.spilled_bytes ? `spilled ${bytes(m.spilled_bytes)}` : '',
    m.peak_memory ? `peak memory ${bytes(m.peak_memory)}` : '',
    node.estimate ? `estimate: rows ${num(node.estimate.rows)}, ${bytes(node.estimate.bytes)}` : '',
    node.adaptive ? `adaptive: ${node.adaptive}` : '',
  ].filter(Boolean).join('\n');
}

/** The SVG of a plan ({nodes, edges}); '' when there is none. */
export function planSvg(plan) {
  if (!plan || !plan.nodes || !plan.nodes.length) return '';
  const { pos, children, slots, depth } = layoutPlan(plan);
  const totalTime = plan.nodes.reduce((s, n) => s + (Number(n.metrics?.time_ns) || 0), 0);
  const left = (id) => PAD + pos.get(id).x * (BOX_W + GAP_X);
  const top = (id) => PAD + pos.get(id).depth * (BOX_H + GAP_Y);
  const width = PAD * 2 + slots * (BOX_W + GAP_X) - GAP_X;
  const height = PAD * 2 + depth * (BOX_H + GAP_Y) - GAP_Y;

  let edges = '';
  for (const [parent, kids] of children) {
    if (!pos.get(parent)) continue;
    const px = left(parent) + BOX_W / 2;
    const py = top(parent) + BOX_H;
    for (const k of kids) {
      if (!pos.get(k)) continue;
      const cx = left(k) + BOX_W / 2;
      const cy = top(k);
      const mid = py + GAP_Y / 2;
      edges += `<path class="plan-edge" d="M${px} ${py} V${mid} H${cx} V${cy}"/>`;
    }
  }

  let boxes = '';
  for (const node of plan.nodes) {
    if (!pos.get(node.id)) continue;
    const x = left(node.id);
    const y = top(node.id);
    const share = totalTime > 0 ? (Number(node.metrics?.time_ns) || 0) / totalTime : 0;
    const fill = `hsl(28, 95%, ${(97 - share * 40).toFixed(1)}%)`;
    const [m1, m2] = metricLines(node);
    const stage = node.stage !== null && node.stage !== undefined ? `s${node.stage}` : '';
    const cls = `plan-node${node.metrics ? '' : ' pending'}${node.adaptive ? ' adaptive' : ''}`;
    boxes += `<g class="${cls}" data-node-id="${esc(node.id)}" transform="translate(${x} ${y})">` +
      `<title>${esc(nodeTitle(node))}</title>` +
      `<rect width="${BOX_W}" height="${BOX_H}" rx="4" style="fill:${fill}"/>` +
      `<text class="plan-name" x="8" y="17">${esc(shorten(node.name, stage ? 22 : 30))}</text>` +
      (stage ? `<text class="plan-stage" x="${BOX_W - 8}" y="16" text-anchor="end">${esc(stage)}</text>` : '') +
      `<text class="plan-details" x="8" y="33">${esc(shorten(node.details || '', 31))}</text>` +
      `<text class="plan-metrics" x="8" y="50">${esc(m1)}</text>` +
      `<text class="plan-metrics" x="8" y="65">${esc(m2 || (node.adaptive ? `adaptive: ${shorten(node.adaptive, 24)}` : ''))}</text>` +
      (share > 0 ? `<rect class="plan-share" x="0" y="${BOX_H - 3}" width="${(BOX_W * share).toFixed(1)}" height="3"/>` : '') +
      '</g>';
  }
  return `<svg class="plan-svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${edges}${boxes}</svg>`;
}

const drawn = new WeakMap(); // container → the HTML it shows, to skip identical redraws

/** Draws the plan into its scrollable container, keeping the scroll position across redraws. */
export function renderPlan(container, plan) {
  const html = planSvg(plan) || '<p class="empty">No plan for this query.</p>';
  if (drawn.get(container) === html) return;
  const { scrollLeft, scrollTop } = container;
  container.innerHTML = html;
  drawn.set(container, html);
  container.scrollLeft = scrollLeft;
  container.scrollTop = scrollTop;
}
