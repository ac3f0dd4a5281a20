// The client of tandem's JSON API (docs/server.md) as the browser uses it: the session cookie
// (HttpOnly, set by POST /api/session) plus the CSRF token it returns, sent as X-CSRF-Token on
// every POST, PUT and DELETE; versions as ETags (If-Match on replace); errors as
// {"error": {status, code, message, fields}} turned into ApiError.
//
// Every request goes to the page's own origin: nothing is loaded from anywhere else.

export class ApiError extends Error {
  constructor(status, body, fallback) {
    const error = body?.error ?? {};
    super(error.message || fallback || `HTTP ${status}`);
    this.status = status;
    this.code = error.code ?? '';
    this.fields = error.fields ?? [];
  }
}

let csrfToken = null;
const unauthorisedListeners = new Set();

export function setCsrfToken(token) {
  csrfToken = token ?? null;
}

// Called when a request answers 401 (the session expired or was ended elsewhere).
export function onUnauthorised(listener) {
  unauthorisedListeners.add(listener);
  return () => unauthorisedListeners.delete(listener);
}

function versionOf(response) {
  const etag = response.headers.get('ETag');
  if (!etag) return undefined;
  const n = Number(etag.replace(/^W\//, '').replace(/"/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

// api('GET', '/workspaces') -> {status, data, version}. Options: body (JSON; POST with no body
// sends {}), ifMatch (a version number), quiet401 (do not tell the listeners: the login page).
// text: a text body (an actuals CSV) sent as text/csv instead of JSON.
export async function api(method, path, { body, text, ifMatch, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (text !== undefined) {
    headers['Content-Type'] = 'text/csv';
    init.body = text;
  } else if (method === 'POST' || method === 'PUT') {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (ifMatch !== undefined && ifMatch !== null) headers['If-Match'] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(`/api${path}`, init);
  } catch (e) {
    throw new ApiError(0, null, `The server did not answer (${e.message}). Is tandem serve running?`);
  }
  const type = response.headers.get('Content-Type') ?? '';
  let data = null;
  if (type.includes('json')) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  } else {
    data = await response.text();
  }
  if (!response.ok) {
    if (response.status === 401 && !quiet401) for (const listener of unauthorisedListeners) listener();
    throw new ApiError(response.status, data, `${method} ${path}: HTTP ${response.status}`);
  }
  return { status: response.status, data, version: versionOf(response) };
}

export const get = (path, options) => api('GET', path, options);
export const post = (path, body, options = {}) => api('POST', path, { ...options, body });
export const put = (path, body, ifMatch, options = {}) => api('PUT', path, { ...options, body, ifMatch });
export const putText = (path, text) => api('PUT', path, { text });
export const del = (path, ifMatch, options = {}) => api('DELETE', path, { ...options, ifMatch });

export function wsPath(ws, rest = '') {
  return `/workspaces/${encodeURIComponent(ws)}${rest}`;
}

export function campaignPath(ws, id, rest = '') {
  return wsPath(ws, `/campaigns/${encodeURIComponent(id)}${rest}`);
}

// What an error means for the person at the screen, in a sentence.
export function explainError(error, what = 'That') {
  if (!(error instanceof ApiError)) return `${what} failed: ${error?.message ?? error}`;
  switch (error.status) {
    case 0: return error.message;
    case 401: return 'Your session has ended: log in again.';
    case 403: return `${what} is not allowed for your role: ${error.message}`;
    case 404: return `${what} was not found: ${error.message}`;
    case 409: return `${what} conflicts with the current state: ${error.message}`;
    case 422: return `${what} would make the model invalid: ${error.message}`;
    case 428: return `${what} needs the version you read (If-Match): reload and try again.`;
    case 429: return 'Too many requests: wait a second and try again.';
    default: return `${what} failed: ${error.message}`;
  }
}
