// The one way the page talks to the server: every call carries the bearer
// token (kept in sessionStorage, never in a URL), every failure becomes an
// ApiError with the server's kind/message/line/column, and a 401/403 asks
// the app to show the token form.

const TOKEN_KEY = 'shark.token';
const SESSION_KEY = 'shark.session';

let authNeeded = () => {};

/** A failed call: HTTP status plus the server's error object. */
export class ApiError extends Error {
  constructor(status, error, body) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.kind = error?.kind || (status ? 'http' : 'network');
    this.line = error?.line ?? null;
    this.column = error?.column ?? null;
    this.body = body;
    // Only kind "auth" means the token was refused; "forbidden" (read-only
    // mode, path rules) would not change with another token.
    this.tokenRefused = status === 401 || (status === 403 && this.kind === 'auth');
  }
}

/** True for a token an Authorization header can carry: printable ASCII, no spaces. */
export function validToken(token) {
  return /^[\x21-\x7e]+$/.test(String(token ?? ''));
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Registers what to do when the server refuses the token, or the saved one
 * cannot be sent: `fn(message)` shows the form (message '' for the usual text).
 */
export function onAuthNeeded(fn) {
  authNeeded = fn;
}

function headers(extra) {
  const h = { ...extra };
  const token = getToken();
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

/** fetch() with the token; the raw Response, or an ApiError for a non-2xx answer. */
export async function apiRaw(path, { method = 'GET', body, accept, signal } = {}) {
  const init = { method, signal, headers: headers(accept ? { Accept: accept } : {}) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  // A token no header can carry makes fetch() throw a TypeError that is no
  // network trouble: build the headers first and ask for another token.
  try {
    if (getToken() && !validToken(getToken())) throw new TypeError('invalid token');
    init.headers = new Headers(init.headers);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    setToken('');
    const message = 'The saved token has characters a header cannot carry; enter it again.';
    const err = new ApiError(0, { kind: 'auth', message });
    err.tokenRefused = true;
    authNeeded(message);
    throw err;
  }
  let resp;
  try {
    resp = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { kind: 'network', message: `cannot reach the server (${e.message})` });
  }
  if (resp.ok) return resp;
  let parsed = null;
  try { parsed = await resp.json(); } catch { /* not JSON */ }
  const err = new ApiError(resp.status, parsed?.error || { message: `${resp.status} ${resp.statusText}` }, parsed);
  if (err.tokenRefused) authNeeded('');
  throw err;
}

/** A JSON call: the parsed answer, or an ApiError. */
export async function api(path, options) {
  const resp = await apiRaw(path, { accept: 'application/json', ...options });
  return resp.json();
}

/** A query string from an object, leaving out empty values. */
export function qs(params) {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** This tab's SQL session id, made on first use. */
export async function session() {
  const known = sessionStorage.getItem(SESSION_KEY);
  if (known) return known;
  const made = await api('/v1/sessions', { method: 'POST', body: {} });
  sessionStorage.setItem(SESSION_KEY, made.session_id);
  return made.session_id;
}

/** The session id without making one (null before the first statement). */
export function knownSession() {
  return sessionStorage.getItem(SESSION_KEY);
}

/**
 * Submits SQL in this tab's session; when the server has forgotten the
 * session (404 "no session"), makes a new one and submits once more.
 */
export async function submit(sql, waitMs = 0) {
  const send = async () => api('/v1/statements', {
    method: 'POST', body: { sql, session: await session(), wait_ms: waitMs },
  });
  try {
    return await send();
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404 || !/session/i.test(e.message)) throw e;
    sessionStorage.removeItem(SESSION_KEY);
    return send();
  }
}

/** Saves a response body as a file through a temporary object URL. */
export async function download(path, filename) {
  const resp = await apiRaw(path);
  const url = URL.createObjectURL(await resp.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
