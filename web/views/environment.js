// The Environment page: the server's runtime facts (version, master,
// warehouse, pid), the engine settings in effect and the server's own
// options, as key/value tables. Secrets arrive already redacted.

import { api } from '../api.js';
import { esc, time } from '../format.js';

function kvTable(id, pairs) {
  const rows = pairs.length ? pairs.map(([k, v]) =>
    `<tr><td>${esc(k)}</td><td>${esc(typeof v === 'object' && v !== null ? JSON.stringify(v) : v)}</td></tr>`).join('')
    : '<tr><td colspan="2" class="empty">None.</td></tr>';
  return `<div class="table-wrap"><table id="${id}" class="data kv"><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function mount(root) {
  root.innerHTML = '<div class="page-head"><h1>Environment</h1></div><div id="environment"></div>';
  const box = root.querySelector('#environment');
  return {
    wants: () => false, // nothing here changes while the server runs
    async refresh() {
      const env = await api('/api/v1/environment');
      const runtime = Object.entries(env.runtime || {}).map(([k, v]) => [k, k === 'startTime' ? `${v} (${time(v)})` : v]);
      box.innerHTML =
        `<h2>Runtime</h2>${kvTable('env-runtime', runtime)}` +
        `<h2>Engine settings</h2>${kvTable('env-engine', env.engine || [])}` +
        `<h2>Server options</h2>${kvTable('env-server', env.server || [])}`;
    },
    unmount() {},
  };
}
