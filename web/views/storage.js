// The Storage page: Shark's cached tables (CACHE TABLE, `_cached` names,
// shark.cache) and every cached RDD, with storage level, partitions cached
// and memory/disk bytes; an Uncache button per table unless the server is
// read-only.

import { api, submit } from '../api.js';
import { esc, num, bytes } from '../format.js';

const partitions = (cached, total) => `${num(cached)} / ${num(total)}`;

export function mount(root, params, ctx) {
  root.innerHTML = `
    <div class="page-head"><h1>Storage</h1></div>
    <div id="storage-error" class="error-box" hidden></div>
    <h2>Cached tables</h2>
    <div class="table-wrap"><table id="storage-tables" class="data"><thead><tr>
      <th>Table</th><th>Kind</th><th class="num">RDD</th><th class="num">Partitions cached</th>
      <th class="num">Memory</th><th class="num">Disk</th><th></th></tr></thead><tbody></tbody></table></div>
    <h2>Cached RDDs</h2>
    <div class="table-wrap"><table id="storage-rdds" class="data"><thead><tr>
      <th class="num">RDD</th><th>Name</th><th>Storage level</th><th class="num">Partitions cached</th>
      <th class="num">Fraction cached</th><th class="num">Memory</th><th class="num">Disk</th></tr></thead><tbody></tbody></table></div>`;
  const $ = (id) => root.querySelector(`#${id}`);

  $('storage-tables').addEventListener('click', async (ev) => {
    const button = ev.target.closest('button.uncache');
    if (!button) return;
    const name = button.closest('tr').dataset.table;
    button.disabled = true;
    $('storage-error').hidden = true;
    try {
      // Quoted, so no table name can change the statement.
      const quote = (part) => '`' + part.replaceAll('`', '``') + '`';
      const dot = name.indexOf('.');
      await submit(`UNCACHE TABLE ${quote(name.slice(0, dot))}.${quote(name.slice(dot + 1))}`, 5000);
    } catch (e) {
      $('storage-error').textContent = `Could not uncache ${name}: ${e.message}`;
      $('storage-error').hidden = false;
      button.disabled = false;
    }
    ctx.refresh();
  });

  return {
    wants: (u) => !u.changed || u.changed.includes('storage'),
    async refresh() {
      const [tables, rdds] = await Promise.all([api('/api/v1/storage/tables'), api('/api/v1/storage/rdd')]);
      const readOnly = !!ctx.info.readOnly;
      $('storage-tables').tBodies[0].innerHTML = tables.length ? tables.map((t) =>
        `<tr data-table="${esc(t.name)}"><td>${esc(t.name)}</td><td>${esc(t.kind)}</td>` +
        `<td class="num">${esc(t.rddId ?? '–')}</td>` +
        `<td class="num">${esc(partitions(t.numCachedPartitions, t.numPartitions))}</td>` +
        `<td class="num">${esc(bytes(t.memoryUsed))}</td><td class="num">${esc(bytes(t.diskUsed))}</td>` +
        `<td><button class="uncache write-action"${readOnly ? ' hidden' : ''}>Uncache</button></td></tr>`).join('')
        : '<tr><td colspan="7" class="empty">No cached tables. <code>CACHE TABLE name</code> in the console caches one.</td></tr>';
      $('storage-rdds').tBodies[0].innerHTML = rdds.length ? rdds.map((r) => {
        const frac = r.numPartitions ? `${Math.round((100 * r.numCachedPartitions) / r.numPartitions)}%` : '–';
        return `<tr data-rdd-id="${esc(r.id)}"><td class="num">${esc(r.id)}</td><td>${esc(r.name)}</td>` +
          `<td>${esc(r.storageLevel)}</td><td class="num">${esc(partitions(r.numCachedPartitions, r.numPartitions))}</td>` +
          `<td class="num">${esc(frac)}</td><td class="num">${esc(bytes(r.memoryUsed))}</td>` +
          `<td class="num">${esc(bytes(r.diskUsed))}</td></tr>`;
      }).join('') : '<tr><td colspan="7" class="empty">No cached RDDs.</td></tr>';
    },
    unmount() {},
  };
}
