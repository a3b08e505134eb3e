// The shell of the web UI: routes `location.hash` to a view module, keeps the
// nav tabs and server info current, asks for the token when the server
// refuses one, and keeps every view live from one Server-Sent Events stream
// (read with fetch so the token travels in a header), polling each second
// while the stream is down.
//
// A view module exports `mount(root, params, ctx)` returning
// `{ refresh(update), unmount(), wants?(update) }`; refreshes are coalesced
// so at most one is in flight per view.

import { api, apiRaw, ApiError, getToken, setToken, validToken, onAuthNeeded } from './api.js';
import { esc } from './format.js';

const POLL_MS = 1000;
const STREAM_RETRY_MS = 5000;
const STREAM_SILENCE_MS = 45000;

// Views get a copy of ctx; ctx.info is one object updated in place, so they all see the latest.
const ctx = { info: { readOnly: false }, navigate: (hash) => { location.hash = hash; } };
let current = null;        // { name, key, view, refresh }
let consoleView = null;    // the console stays mounted so its editor and results survive tab switches
let pollTimer = null;
let streamAbort = null;

/** The view module and its parameters for a hash such as "#/stages/3/0" ("missing" for a bad one). */
function route(hash) {
  let parts;
  try {
    parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  } catch { // URIError: a malformed %-escape
    return { name: 'missing', params: { hash } };
  }
  const [top = 'console', a, b] = parts;
  switch (top) {
    case 'console': return { name: 'console', params: {} };
    case 'queries': return a ? { name: 'query', params: { id: a } } : { name: 'queries', params: {} };
    case 'jobs': return a ? { name: 'job', params: { id: a } } : { name: 'jobs', params: {} };
    case 'stages': return a ? { name: 'stage', params: { id: a, attempt: b } } : { name: 'stages', params: {} };
    case 'storage': case 'executors': case 'environment': return { name: top, params: {} };
    default: return { name: 'missing', params: { hash } };
  }
}

/** Runs `view.refresh` with at most one call in flight; calls during one collapse into one more. */
function coalesced(view) {
  let inFlight = false;
  let pending = null;
  const run = async (update) => {
    if (inFlight) { pending = update || pending || {}; return; }
    inFlight = true;
    try {
      await view.refresh(update);
      hideBanner();
    } catch (e) {
      if (e.name !== 'AbortError') showBanner(e);
    } finally {
      inFlight = false;
    }
    if (pending) { const next = pending; pending = null; run(next); }
  };
  return run;
}

async function show() {
  const { name, params } = route(location.hash);
  const key = `${name}:${JSON.stringify(params)}`;
  const tab = name === 'query' ? 'queries' : name === 'job' ? 'jobs' : name === 'stage' ? 'stages' : name;
  for (const a of document.querySelectorAll('.tabs a')) a.classList.toggle('active', a.dataset.tab === tab);
  if (current?.key === key) return;
  if (current && current.name !== 'console') current.view.unmount();
  current = null;
  const viewRoot = document.getElementById('view');
  const consoleRoot = document.getElementById('console-view');
  viewRoot.innerHTML = '';
  consoleRoot.hidden = name !== 'console';
  viewRoot.hidden = name === 'console';
  if (name === 'missing') {
    viewRoot.innerHTML = `<p class="empty">No page at ${esc(params.hash)}. <a href="#/console">Back to the console</a>.</p>`;
    return;
  }
  try {
    if (name === 'console') {
      if (!consoleView) {
        const mod = await import('./views/console.js');
        const entry = { name, key };
        entry.view = mod.mount(consoleRoot, params, { ...ctx, refresh: () => entry.refresh() });
        entry.refresh = coalesced(entry.view);
        consoleView = entry;
      }
      current = consoleView;
      current.view.shown?.();
    } else {
      const mod = await import(`./views/${name}.js`);
      if (route(location.hash).name !== name) return; // the user moved on while it loaded
      // A fresh element per view: a late answer for a view already left lands in a detached node.
      const el = document.createElement('div');
      viewRoot.replaceChildren(el);
      const entry = { name, key };
      entry.view = mod.mount(el, params, { ...ctx, refresh: () => entry.refresh() });
      entry.refresh = coalesced(entry.view);
      current = entry;
    }
    document.title = `Shark · ${tab[0].toUpperCase()}${tab.slice(1)}`;
    current.refresh();
  } catch (e) {
    showBanner(e);
  }
}

/** Refreshes what is on screen (and the console in the background when it has a query running). */
function refreshViews(update) {
  if (current && (!update || !current.view.wants || current.view.wants(update))) current.refresh(update);
  if (consoleView && consoleView !== current && update && consoleView.view.wants?.(update)) {
    consoleView.refresh(update);
  }
}

function showBanner(e) {
  if (e instanceof ApiError && e.tokenRefused) return; // the token form says it
  const banner = document.getElementById('banner');
  banner.textContent = e instanceof ApiError ? `${e.kind}: ${e.message}` : String(e.message || e);
  banner.hidden = false;
}

function hideBanner() {
  document.getElementById('banner').hidden = true;
}

// ---- live updates ------------------------------------------------------------

function setLive(state) {
  const el = document.getElementById('live');
  el.className = `live live-${state}`;
  el.textContent = { on: 'live', poll: 'polling', off: 'connecting' }[state];
}

function startPolling() {
  setLive('poll');
  if (!pollTimer) pollTimer = setInterval(() => refreshViews(null), POLL_MS);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

/** Reads one SSE stream until it ends; calls `onEvent(name, data)` per message. */
async function readStream(resp, onEvent, abort) {
  const reader = resp.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let silence = setTimeout(() => abort.abort(), STREAM_SILENCE_MS);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      clearTimeout(silence);
      silence = setTimeout(() => abort.abort(), STREAM_SILENCE_MS);
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue; // keep-alive comment
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = val;
          else if (field === 'data') data.push(val);
        }
        if (data.length) onEvent(event, data.join('\n'));
      }
    }
  } finally {
    clearTimeout(silence);
  }
}

/** Keeps one event stream open; polls while it is down and retries it every few seconds. */
async function streamLoop() {
  for (;;) {
    const abort = new AbortController();
    streamAbort = abort;
    try {
      const resp = await apiRaw('/api/v1/events', { accept: 'text/event-stream', signal: abort.signal });
      stopPolling();
      setLive('on');
      refreshViews(null); // catch up on whatever changed while disconnected
      await readStream(resp, (event, data) => {
        if (event !== 'update' && event !== 'message') return;
        let update = {};
        try { update = JSON.parse(data); } catch { /* treat as "something changed" */ }
        refreshViews(update);
      }, abort);
    } catch { /* fall through to polling */ }
    if (streamAbort !== abort) return; // a newer loop took over (after a new token)
    startPolling();
    await new Promise((resolve) => setTimeout(resolve, STREAM_RETRY_MS));
    if (streamAbort !== abort) return;
  }
}

function restartStream() {
  streamAbort?.abort();
  streamAbort = null;
  streamLoop();
}

// ---- auth and server info ----------------------------------------------------

function askForToken(message = '') {
  const box = document.getElementById('auth');
  if (!box.hidden) return;
  document.getElementById('token-message').textContent =
    message || (getToken() ? 'The server refused the saved token.' : '');
  box.hidden = false;
  document.getElementById('token-input').focus();
}

async function loadInfo() {
  try {
    const info = await api('/api/v1/info');
    Object.assign(ctx.info, info);
    document.body.classList.toggle('read-only', !!info.readOnly);
    document.getElementById('server-info').innerHTML =
      `${info.readOnly ? '<span class="badge st-other">read-only</span> ' : ''}` +
      (info.auth && info.user
        ? `<span class="user" title="${info.user.admin ? 'admin: sees every user\'s queries' : 'sees own queries'}">` +
          `${esc(info.user.name)}${info.user.admin ? ' (admin)' : ''}</span> `
        : '') +
      `<span title="${esc(info.master || '')}">v${esc(info.version || '?')}</span>`;
  } catch { /* the views say what is wrong */ }
}

function start() {
  onAuthNeeded(askForToken);
  document.getElementById('token-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = document.getElementById('token-input');
    const token = input.value.trim();
    if (!validToken(token)) {
      document.getElementById('token-message').textContent = token
        ? 'A token is printable ASCII without spaces; check what was pasted.'
        : 'Enter the token.';
      input.focus();
      return;
    }
    input.value = ''; // the token lives in sessionStorage only, not in the page
    try {
      setToken(token);
    } catch (e) {
      document.getElementById('token-message').textContent = `Cannot keep the token in this tab: ${e.message}`;
      return;
    }
    document.getElementById('auth').hidden = true;
    await loadInfo();
    const again = { auth: true }; // views reload what the refused token kept from them
    if (current) current.refresh(again);
    if (consoleView && consoleView !== current) consoleView.refresh(again);
    restartStream();
  });
  window.addEventListener('hashchange', show);
  loadInfo().then(show);
  streamLoop();
}

start();
