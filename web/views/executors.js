// The Executors page: one row per executor (the driver's local pool, or
// each worker) with task counts, task time, I/O and shuffle totals, memory
// in use against its maximum, and when it was last heard from.

import { api } from '../api.js';
import { esc, num, bytes, duration, time, when } from '../format.js';

export function mount(root) {
  root.innerHTML = `
    <div class="page-head"><h1>Executors</h1></div>
    <div class="table-wrap"><table id="executors" class="data"><thead><tr>
      <th>Executor</th><th>Address</th><th>Status</th><th class="num">Cores</th><th class="num">Active tasks</th>
      <th class="num">Completed</th><th class="num">Failed</th><th class="num">Task time</th><th class="num">Input</th>
      <th class="num">Shuffle read</th><th class="num">Shuffle write</th><th class="num">Memory used / max</th>
      <th class="num">Disk</th><th>Added</th><th>Last heartbeat</th></tr></thead><tbody></tbody></table></div>`;
  const tbody = root.querySelector('#executors tbody');
  return {
    wants: (u) => !u.changed || u.changed.includes('executors'),
    async refresh() {
      const list = await api('/api/v1/executors');
      tbody.innerHTML = list.length ? list.map((e) =>
        `<tr data-executor-id="${esc(e.id)}"><td>${esc(e.id)}</td><td>${esc(e.hostPort)}</td>` +
        `<td>${e.isActive ? '<span class="badge st-finished">active</span>' : '<span class="badge st-cancelled">dead</span>'}</td>` +
        `<td class="num">${esc(num(e.totalCores))}</td><td class="num">${esc(num(e.activeTasks))}</td>` +
        `<td class="num">${esc(num(e.completedTasks))}</td><td class="num">${esc(num(e.failedTasks))}</td>` +
        `<td class="num">${esc(duration(e.totalDurationMs))}</td><td class="num">${esc(bytes(e.totalInputBytes))}</td>` +
        `<td class="num">${esc(bytes(e.totalShuffleRead))}</td><td class="num">${esc(bytes(e.totalShuffleWrite))}</td>` +
        `<td class="num">${esc(`${bytes(e.memoryUsed)} / ${bytes(e.maxMemory)}`)}</td>` +
        `<td class="num">${esc(bytes(e.diskUsed))}</td><td title="${esc(time(e.addTime))}">${esc(when(e.addTime))}</td>` +
        `<td title="${esc(time(e.lastHeartbeat))}">${esc(when(e.lastHeartbeat))}</td></tr>`).join('')
        : '<tr><td colspan="15" class="empty">No executors.</td></tr>';
    },
    unmount() {},
  };
}
