// The console's catalog sidebar (#catalog): databases → tables → columns and
// partitions, loaded lazily from /v1/catalog. It is also the editor's source
// of table and column names for completion, loading the columns of tables
// the SQL text names.

import { api } from '../api.js';
import { esc, num } from '../format.js';

const NOT_ALIAS = new Set(['where', 'join', 'on', 'group', 'order', 'left', 'right', 'full', 'inner',
  'cross', 'limit', 'union', 'lateral', 'having', 'sort', 'cluster', 'distribute', 'semi', 'anti',
  'outer', 'select', 'insert', 'window', 'as', 'using', 'tablesample']);

const enc = encodeURIComponent;

export function createCatalog(root, { onInsert }) {
  let databases = [];                 // [{name, description}]
  const tables = new Map();           // db → [{name, type, partitioned}]
  const details = new Map();          // "db.t" → table detail, or a Promise while loading
  const detailErrors = new Map();     // "db.t" → why its detail could not be loaded (not a cache)
  const open = new Set();             // expanded "db" and "db.t" keys
  let failed = null;

  const draw = () => {
    if (failed) { root.innerHTML = `<p class="empty">${esc(failed)}</p>`; return; }
    root.innerHTML = databases.map((db) => {
      const isOpen = open.has(db.name);
      const list = tables.get(db.name);
      const inner = !isOpen ? '' : !list ? '<div class="muted">loading…</div>'
        : list.length ? list.map((t) => tableHtml(db.name, t)).join('') : '<div class="muted">no tables</div>';
      return `<div class="db${isOpen ? ' open' : ''}" data-db="${esc(db.name)}" title="${esc(db.description || '')}">` +
        `<div class="node-label"><span class="twisty"></span>${esc(db.name)}</div>` +
        `<div class="children">${inner}</div></div>`;
    }).join('') || '<p class="empty">No databases.</p>';
  };

  const tableHtml = (db, t) => {
    const key = `${db}.${t.name}`;
    const isOpen = open.has(key);
    const d = details.get(key);
    let inner = '';
    if (isOpen && !d && detailErrors.has(key)) inner = `<div class="muted">${esc(detailErrors.get(key))}</div>`;
    else if (isOpen && (!d || d instanceof Promise)) inner = '<div class="muted">loading…</div>';
    else if (isOpen) {
      inner = (d.columns || []).map((c) =>
        `<div class="column" data-name="${esc(c.name)}" title="${esc(c.comment || '')}">` +
        `<span>${esc(c.name)}</span><span class="type">${esc(c.type)}</span></div>`).join('');
      inner += (d.partition_keys || []).map((c) =>
        `<div class="column partition-key" data-name="${esc(c.name)}"><span>${esc(c.name)}</span>` +
        `<span class="type">${esc(c.type)} · partition</span></div>`).join('');
      if ((d.partition_keys || []).length) {
        const parts = d.partitions || [];
        const more = (d.partition_count ?? parts.length) - parts.length;
        inner += `<div class="partitions"><div class="muted">${esc(num(d.partition_count ?? parts.length))} partitions</div>` +
          parts.map((p) => `<div class="partition" title="${esc(p.location || '')}">${esc(p.name)}</div>`).join('') +
          (more > 0 ? `<div class="muted">… ${esc(num(more))} more</div>` : '') + '</div>';
      }
    }
    const kind = String(t.type || '').toLowerCase().includes('view') ? 'view' : t.partitioned ? 'partitioned' : '';
    return `<div class="table${isOpen ? ' open' : ''}" data-table="${esc(key)}" title="${esc(t.comment || '')}">` +
      `<div class="node-label"><span class="twisty"></span>${esc(t.name)}` +
      (kind ? ` <span class="type">${esc(kind)}</span>` : '') + '</div>' +
      `<div class="children">${inner}</div></div>`;
  };

  const loadTables = async (db) => {
    const got = await api(`/v1/catalog/databases/${enc(db)}/tables`);
    tables.set(db, got.tables || []);
  };

  /**
   * The detail of "db.t", fetched once; null when it cannot be had. A failed
   * load is not kept (the next ask tries again), nor is an answer that
   * arrives after refresh() emptied the cache.
   */
  const loadDetail = (key) => {
    const known = details.get(key);
    if (known) return known instanceof Promise ? known : Promise.resolve(known);
    const [db, ...rest] = key.split('.');
    detailErrors.delete(key);
    const p = api(`/v1/catalog/databases/${enc(db)}/tables/${enc(rest.join('.'))}`)
      .then((d) => { if (details.get(key) === p) details.set(key, d); return d; })
      .catch((e) => {
        if (details.get(key) === p) { details.delete(key); detailErrors.set(key, `cannot load: ${e.message}`); }
        return null;
      });
    details.set(key, p);
    return p;
  };

  root.addEventListener('click', async (ev) => {
    const leaf = ev.target.closest('.column, .partition');
    if (leaf) { onInsert(leaf.classList.contains('partition') ? leaf.textContent : leaf.dataset.name); return; }
    const node = ev.target.closest('.table, .db');
    if (!node || node.querySelector(':scope > .children')?.contains(ev.target)) return;
    const key = node.classList.contains('db') ? node.dataset.db : node.dataset.table;
    if (open.has(key)) { open.delete(key); draw(); return; }
    open.add(key);
    draw();
    try {
      if (node.classList.contains('db')) { if (!tables.has(key)) await loadTables(key); } else await loadDetail(key);
    } catch (e) { failed = e.message; }
    draw();
  });
  root.addEventListener('dblclick', (ev) => {
    const t = ev.target.closest('.table');
    if (t && !ev.target.closest('.column, .partition')) onInsert(t.dataset.table);
  });

  /** Every known table as {db, name, key}. */
  const allTables = () => [...tables].flatMap(([db, list]) => list.map((t) => ({ db, name: t.name, key: `${db}.${t.name}` })));

  /** "db.t" keys of the tables the text names, with alias → key. */
  const named = (text) => {
    const byName = new Map();
    for (const t of allTables()) {
      byName.set(t.key.toLowerCase(), t.key);
      if (!byName.has(t.name.toLowerCase()) || t.db === 'default') byName.set(t.name.toLowerCase(), t.key);
    }
    const keys = new Set();
    const aliases = new Map();
    for (const m of text.matchAll(/\b(?:from|join|table|into)\s+([A-Za-z_][\w.]*)(?:\s+(?:as\s+)?([A-Za-z_]\w*))?/gi)) {
      const key = byName.get(m[1].toLowerCase());
      if (!key) continue;
      keys.add(key);
      if (m[2] && !NOT_ALIAS.has(m[2].toLowerCase())) aliases.set(m[2].toLowerCase(), key);
    }
    for (const w of text.toLowerCase().match(/[a-z_][\w.]*/g) || []) {
      const key = byName.get(w);
      if (key) keys.add(key);
    }
    return { keys, aliases, byName };
  };

  const columnsOf = (key) => {
    const d = details.get(key);
    if (!d || d instanceof Promise) return [];
    return [...(d.columns || []), ...(d.partition_keys || [])].map((c) => ({ label: c.name, kind: `column · ${key.split('.').pop()}` }));
  };

  return {
    /** Loads the databases and each one's tables (the names completion offers). */
    async refresh() {
      details.clear(); // columns and partitions may have changed too; open tables reload below
      detailErrors.clear();
      try {
        const got = await api('/v1/catalog/databases');
        databases = got.databases || [];
        await Promise.all(databases.slice(0, 20).map((d) => loadTables(d.name).catch(() => {})));
        failed = null;
        draw();
        await Promise.all([...open].filter((k) => k.includes('.')).map(loadDetail));
      } catch (e) {
        failed = `Catalog unavailable: ${e.message}`;
      }
      draw();
    },

    /** Completion candidates: `{items, pending}` (pending while columns load). */
    candidates(text, qualifier) {
      const { keys, aliases, byName } = named(text);
      const waits = [];
      const cols = (key) => {
        const d = details.get(key);
        // A failed table is retried by opening it or reloading, not per keystroke.
        if (!d && !detailErrors.has(key)) waits.push(loadDetail(key));
        else if (d instanceof Promise) waits.push(d);
        return columnsOf(key);
      };
      let items = [];
      if (qualifier) {
        const q = qualifier.toLowerCase();
        if (tables.has(qualifier)) {
          items = tables.get(qualifier).map((t) => ({ label: t.name, kind: 'table' }));
        } else {
          const key = aliases.get(q) || byName.get(q);
          if (key) items = cols(key);
        }
      } else {
        const loadedOpen = [...open].filter((k) => k.includes('.'));
        for (const key of new Set([...keys, ...loadedOpen])) items.push(...cols(key));
        items.push(...allTables().map((t) => ({ label: t.name, kind: t.db === 'default' ? 'table' : `table · ${t.db}` })));
        items.push(...databases.map((d) => ({ label: d.name, kind: 'database' })));
      }
      return { items, pending: waits.length ? Promise.all(waits) : null };
    },
  };
}
