// Shopdesk chat widget. Installed on a shop's pages with one tag:
//   <script src="//DESK/widget.js" data-inbox="sdw_…" async></script>
// Optional, for a signed-in customer: data-identifier, data-identifier-hash (HMAC-SHA256 of the
// identifier with the inbox token, computed by the shop's server), data-name, data-email; or the
// same as window.ShopdeskChat = { identifier, identifierHash, name, email } before the tag.
// Everything lives in a shadow root so the shop's CSS cannot reach it; all text goes in as text.
// This part: where the widget was loaded from, the page's options, storage, the visitor's state
// and the API call. `/widget.js` is this file and strings.js, view.js and live.js, in that order,
// inside one function (WidgetScript.swift), so a shop still loads a single script.

const script = document.currentScript || document.querySelector('script[data-inbox]');
if (!script || window.__shopdeskWidget) return;
window.__shopdeskWidget = true;
const key = script.dataset.inbox;
const startedAt = Date.now();
const base = new URL(script.src, location.href).origin;
const api = base + '/api/v1/widget';
const options = Object.assign({}, window.ShopdeskChat || {});
for (const [attr, name] of [['identifier', 'identifier'], ['identifierHash', 'identifierHash'], ['name', 'name'], ['email', 'email']]) {
  if (script.dataset[attr]) options[name] = script.dataset[attr];
}
const storeKey = 'shopdesk:' + key;
const storage = {
  get(name) { try { return localStorage.getItem(storeKey + name); } catch { return null; } },
  set(name, value) { try { value == null ? localStorage.removeItem(storeKey + name) : localStorage.setItem(storeKey + name, value); } catch { /* private mode: this page only */ } },
};

// ---- state ----
const state = {
  token: storage.get(':token'), config: null, visitor: null, conversationId: null,
  messages: new Map(), lastId: 0, lastAgentId: 0, open: storage.get(':open') === '1',
  outbox: JSON.parse(storage.get(':outbox') || '[]'), socket: null, retry: 0, typingUntil: 0, typingName: '', seenAt: 0,
  connected: false, survey: null, tracking: false, campaignShow: null, campaignMessage: null,
  /** Set by a server shutting down: how long to wait before reconnecting (ms). */
  reconnectIn: /** @type {number | undefined} */ (undefined),
};
const saveOutbox = () => storage.set(':outbox', state.outbox.length ? JSON.stringify(state.outbox) : null);

async function call(path, { method = 'GET', body, headers = {}, anonymous = false } = {}) {
  const init = { method, headers: Object.assign({}, headers), credentials: 'omit', mode: 'cors' };
  if (state.token && !anonymous) init.headers['X-Visitor-Token'] = state.token;
  if (body instanceof Blob) init.body = body;
  else if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const response = await fetch(api + path, init);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.detail || response.statusText), { status: response.status, field: data.field });
  return data;
}
