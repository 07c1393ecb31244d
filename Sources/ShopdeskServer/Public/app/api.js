// The REST API as the web app uses it: the session cookie authenticates, writes carry the
// session's CSRF token, and errors arrive as problem+json with a message meant for people —
// in the agent's language where the problem carries a code the app knows (`error.<code>`).

import { t } from './i18n.js';

let csrfToken = null;
let onSignedOut = () => {};

export function setCsrfToken(token) { csrfToken = token; }
export function whenSignedOut(callback) { onSignedOut = callback; }

export class APIError extends Error {
  constructor(status, problem, retryAfter = null) {
    super(problemText(problem, retryAfter) || problem?.detail || problem?.title || t('requestFailed').replace('{status}', String(status)));
    this.status = status;
    this.problem = problem;
  }
}

export async function api(method, path, body, extraHeaders = {}) {
  const headers = { Accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new APIError(0, { code: 'unreachable', detail: 'The server cannot be reached. Check your connection; nothing was changed.' });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text.slice(0, 200) }; }
  if (!response.ok) {
    // An expired or revoked session: back to the sign-in form, keeping what the agent typed.
    if (response.status === 401 && path !== '/auth/login') onSignedOut();
    throw new APIError(response.status, data, response.headers.get('Retry-After'));
  }
  return data;
}

/**
 * The problem's words in the agent's language, when the app knows its code (its `values` and
 * a Retry-After filled in); null otherwise.
 * @param {{ code?: string, values?: Record<string, string> } | null | undefined} problem
 * @param {string | null} [retryAfter]
 */
export function problemText(problem, retryAfter = null) {
  if (!problem?.code) return null;
  const key = `error.${problem.code}`;
  const text = t(key);
  if (text === key) return null;
  const values = { seconds: String(retryAfter ?? '…'), ...(problem.values || {}) };
  return text.replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole);
}

/// Uploads a file for a reply; resolves to the attachment (id, file_name, size, …).
export function upload(file) {
  return sendFile('/attachments', file, { 'Content-Type': file.type || 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name) });
}

/// Posts a file's bytes as the body (attachments, CSV imports) with the session's CSRF token.
export async function sendFile(path, file, headers) {
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: 'POST', credentials: 'same-origin', body: file,
      headers: { Accept: 'application/json', 'X-CSRF-Token': csrfToken || '', ...headers },
    });
  } catch {
    throw new APIError(0, { detail: `${file.name} could not be uploaded: the server cannot be reached.` });
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401) onSignedOut();
    throw new APIError(response.status, { detail: `${file.name}: ${data?.detail || response.statusText}` });
  }
  return data;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
