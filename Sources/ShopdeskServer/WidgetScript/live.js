// The widget's data and connection: session start, sending with an outbox, files, the contact
// form, read receipts, the live socket with backoff, and page tracking.

// ---- data ----
function accept(messages) {
  let fresh = false;
  for (const message of messages) {
    if (!state.messages.has(message.id)) fresh = true;
    state.messages.set(message.id, message);
    state.lastId = Math.max(state.lastId, message.id);
    if (message.from === 'agent' && message.id > state.lastAgentId && !state.survey) loadSurvey();
    if (message.from === 'agent') state.lastAgentId = Math.max(state.lastAgentId, message.id);
    if (message.client_id) state.outbox = state.outbox.filter((p) => p.client_id !== message.client_id);
  }
  saveOutbox();
  return fresh;
}

async function start() {
  const body = {
    page: { url: location.href, title: document.title, referrer: document.referrer || undefined },
    language: navigator.language,
  };
  if (state.token) body.token = state.token;
  if (options.identifier) { body.identifier = String(options.identifier); body.identifier_hash = options.identifierHash; }
  if (options.name) body.name = options.name;
  if (options.email) body.email = options.email;
  const previous = state.token;
  const session = await call(`/${encodeURIComponent(key)}/sessions`, { method: 'POST', body, anonymous: true });
  state.token = session.token || previous;
  if (session.token) {
    storage.set(':token', session.token);
    if (previous) { state.messages.clear(); state.lastId = 0; state.outbox = []; saveOutbox(); }
  }
  state.config = session.config;
  state.visitor = session.visitor;
  state.conversationId = session.conversation_id || null;
  accept(session.messages || []);
  launcher.hidden = false;
  if (state.open) toggle(true); else render();
  connect();
  startCampaigns();
}

async function submit() {
  const value = text.value.trim();
  if (!value) return;
  text.value = '';
  // The first message written from a campaign names its display (the agent sees the campaign).
  const fromCampaign = state.campaignShow && !state.conversationId ? { campaign_show_id: state.campaignShow } : {};
  state.campaignShow = null;
  queue({ client_id: clientId(), text: value, attachment_ids: [], ...fromCampaign });
}

function clientId() {
  return (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));
}

function queue(pending) {
  state.outbox.push(pending);
  saveOutbox();
  render();
  flush();
}

// Sends what waits in the outbox, oldest first; a message stays there until the server has
// stored it, and its client_id makes a resend after a lost answer harmless.
let flushing = false;
async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    while (state.outbox.length) {
      const pending = state.outbox[0];
      const answer = await call('/messages', { method: 'POST', body: pending });
      const started = !state.conversationId;
      state.conversationId = answer.conversation_id;
      state.outbox.shift();
      accept([answer.message]);
      if (started) {
        sendFrame({ type: 'watch' });
        // What was said before the socket watched the new conversation (the bot answers at once).
        const said = await call('/messages?after=' + state.lastId).catch(() => null);
        if (said) accept(said.messages);
      }
      render();
    }
  } catch (error) {
    if (error.status === 401) { storage.set(':token', null); state.token = null; }
    else if (error.status && error.status < 500 && error.status !== 429) { state.outbox.shift(); saveOutbox(); }
    render();
  } finally {
    flushing = false;
  }
}

async function upload() {
  const chosen = file.files && file.files[0];
  file.value = '';
  if (!chosen) return;
  try {
    const record = await call('/attachments', { method: 'POST', body: chosen, headers: { 'X-File-Name': encodeURIComponent(chosen.name), 'Content-Type': chosen.type || 'application/octet-stream' } });
    queue({ client_id: clientId(), text: text.value.trim(), attachment_ids: [record.id] });
    text.value = '';
  } catch (error) {
    notice.hidden = false;
    notice.textContent = error.status === 413 ? t('tooBig') : error.message;
  }
}

async function saveContact() {
  const email = emailInput.value.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) { contactError.textContent = t('badEmail'); emailInput.focus(); return; }
  try {
    await call('/contact', { method: 'POST', body: { name: nameInput.value.trim() || undefined, email } });
    state.visitor = Object.assign({}, state.visitor, { email, name: nameInput.value.trim() || (state.visitor && state.visitor.name) });
    contactError.textContent = '';
    render();
    text.focus();
  } catch (error) {
    contactError.textContent = error.message;
  }
}

function markRead() {
  if (!state.open || document.visibilityState !== 'visible' || !state.lastAgentId || state.readUpTo >= state.lastAgentId) return;
  state.readUpTo = state.lastAgentId;
  sendFrame({ type: 'read', message_id: state.lastAgentId });
}
document.addEventListener('visibilitychange', markRead);

// ---- live connection ----
function sendFrame(frame) {
  if (state.socket && state.socket.readyState === 1 && state.connected) state.socket.send(JSON.stringify(frame));
}

function connect() {
  if (state.socket) return;
  const socket = new WebSocket(base.replace(/^http/, 'ws') + '/api/v1/widget/socket');
  state.socket = socket;
  socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: state.token }));
  socket.onmessage = async (event) => {
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    if (frame.type === 'ready') {
      state.connected = true;
      state.retry = 0;
      // Catch up on anything said while disconnected, then send what waited.
      const missed = await call('/messages?after=' + state.lastId).catch(() => null);
      if (missed) {
        if (missed.conversation_id) state.conversationId = missed.conversation_id;
        accept(missed.messages);
      }
      if (!frame.conversation_id && state.conversationId) sendFrame({ type: 'watch' });
      render();
      flush();
      markRead();
    } else if (frame.type === 'watching') {
      // The socket now listens to the new conversation: fetch what was said before it did, so
      // an answer that came between our first fetch and the subscription is not lost.
      const said = await call('/messages?after=' + state.lastId).catch(() => null);
      if (said) accept(said.messages);
      render();
      markRead();
    } else if (frame.type === 'message') {
      const fresh = accept([frame.message]);
      if (frame.message.from === 'agent') {
        state.typingUntil = 0;
        sendFrame({ type: 'ack', message_id: frame.message.id });
        if (fresh && !state.open) dot.hidden = false;
      }
      render();
      markRead();
    } else if (frame.type === 'typing') {
      state.typingName = frame.name || '';
      state.typingUntil = Date.now() + 6000;
      renderTyping();
    } else if (frame.type === 'seen') {
      state.seenAt = Date.parse(frame.at);
      render();
    } else if (frame.type === 'reconnect') {
      // The server is shutting down: come back after the moment it names, not the backoff.
      if (typeof frame.after_ms === 'number') state.reconnectIn = Math.max(0, Math.min(frame.after_ms, 30000));
    } else if (frame.type === 'error') {
      // The session ended (or was never valid): start a fresh one.
      storage.set(':token', null);
      state.token = null;
    }
  };
  socket.onclose = () => {
    state.socket = null;
    state.connected = false;
    render();
    // Back off: 1 s, 2 s, 4 s … up to 30 s, with jitter so a restarted server is not stormed.
    const hinted = state.reconnectIn;
    state.reconnectIn = undefined;
    const delay = hinted ?? Math.min(30000, 1000 * 2 ** state.retry) * (0.75 + Math.random() / 2);
    state.retry = hinted === undefined ? Math.min(state.retry + 1, 5) : 0;
    setTimeout(() => (state.token ? connect() : start().catch(retryStart)), delay);
  };
}

function retryStart() {
  const delay = Math.min(30000, 1000 * 2 ** state.retry);
  state.retry = Math.min(state.retry + 1, 5);
  setTimeout(() => start().catch(retryStart), delay);
}

// Single-page shops change pages without reloading: tell the agent where the visitor went.
let lastURL = location.href;
const notePage = () => {
  if (location.href === lastURL || !state.token) return;
  lastURL = location.href;
  call('/pages', { method: 'POST', body: { url: location.href, title: document.title } }).catch(() => {});
};
window.addEventListener('popstate', notePage);
window.addEventListener('hashchange', notePage);
for (const method of ['pushState', 'replaceState']) {
  const original = history[method];
  history[method] = function (...args) { const result = original.apply(this, args); setTimeout(notePage, 0); return result; };
}

// Proactive campaigns: their document is read once; the code that shows them is loaded only when
// there are some (`/widget-campaigns.js`, from this same server), and handed what it needs.
let campaignsLoaded = false;
async function startCampaigns() {
  if (campaignsLoaded || !key) return;
  campaignsLoaded = true;
  let campaignDocument;
  try { campaignDocument = await call(`/${encodeURIComponent(key)}/campaigns`, { anonymous: true }); } catch { return; }
  if (!campaignDocument.campaigns?.length) return;
  window.__shopdeskCampaignHooks = { call, storage, state, h, root, t, toggle, clientId, options, startedAt, campaignDocument };
  document.head.append(Object.assign(document.createElement('script'), { src: base + '/widget-campaigns.js', async: true }));
}

launcher.hidden = true;
const mount = () => { document.body.append(host); start().catch(retryStart); };
if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
