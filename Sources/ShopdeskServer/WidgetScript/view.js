// The widget's looks: its shadow root, style sheet, launcher and panel, and drawing the
// conversation.

// ---- DOM ----
// A tag of our own, pinned visible inline: a shop's `div { … }` rules cannot hide or move it.
const host = document.createElement('shopdesk-chat');
host.setAttribute('data-shopdesk-widget', '');
host.style.cssText = 'display:block !important; visibility:visible !important; opacity:1 !important; position:static !important; '
  + 'transform:none !important; filter:none !important; width:0 !important; height:0 !important; margin:0 !important;';
const root = host.attachShadow({ mode: 'open' });
const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (value !== false && value != null) el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child != null) el.append(child);
  return el;
};
const css = `
  :host { all: initial; }
  [hidden] { display: none !important; }
  svg { width: 24px; height: 24px; fill: currentColor; vertical-align: middle; }
  .attach svg { width: 18px; height: 18px; }
  .launcher .dot { position: absolute; top: 6px; right: 6px; width: 12px; height: 12px; border-radius: 50%; background: #d4002a; border: 2px solid #fff; }
  * { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  .launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%; border: 0; cursor: pointer;
    background: var(--c); color: var(--ink); box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 2147483646; font-size: 24px; }
  .launcher:focus-visible, button:focus-visible, textarea:focus-visible, input:focus-visible { outline: 3px solid #111; outline-offset: 2px; }
  .panel { position: fixed; right: 20px; bottom: 88px; width: 360px; max-width: calc(100vw - 24px); height: 520px; max-height: calc(100vh - 110px);
    background: #fff; color: #1b1b1f; border-radius: 12px; box-shadow: 0 8px 32px rgba(0,0,0,.25); display: flex; flex-direction: column;
    overflow: hidden; z-index: 2147483647; font-size: 14px; line-height: 1.4; }
  .panel[hidden] { display: none; }
  header { background: var(--c); color: var(--ink); padding: 12px 14px; display: flex; align-items: center; gap: 8px; }
  header h2 { margin: 0; font-size: 16px; flex: 1; }
  header p { margin: 2px 0 0; font-size: 12px; opacity: .9; }
  header button { background: transparent; border: 0; color: inherit; font-size: 20px; cursor: pointer; }
  .log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; background: #f6f6f8; }
  .msg { max-width: 80%; padding: 8px 10px; border-radius: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
  .msg.visitor { align-self: flex-end; background: var(--c); color: var(--ink); }
  .msg.agent { align-self: flex-start; background: #fff; border: 1px solid #dcdce2; }
  .msg.greeting { align-self: flex-start; background: #fff; border: 1px dashed #b9b9c3; }
  .msg .who { display: block; font-size: 11px; font-weight: 600; margin-bottom: 2px; color: #4a4a55; }
  .msg.pending { opacity: .7; }
  .meta { font-size: 11px; color: #55555f; align-self: flex-end; }
  .msg img { max-width: 100%; border-radius: 6px; display: block; margin-top: 4px; }
  .msg a { color: inherit; }
  .notice { padding: 8px 12px; background: #fff7d6; color: #3d3200; font-size: 13px; border-bottom: 1px solid #eadc9c; }
  .typing { font-size: 12px; color: #4a4a55; padding: 0 12px 4px; min-height: 18px; background: #f6f6f8; }
  form.composer { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #e4e4ea; align-items: flex-end; }
  form.composer textarea { flex: 1; resize: none; border: 1px solid #c4c4cc; border-radius: 8px; padding: 8px; font-size: 14px; max-height: 120px; color: #1b1b1f; }
  form.composer button, form.contact button { background: var(--c); color: var(--ink); border: 0; border-radius: 8px; padding: 8px 12px; cursor: pointer; font-size: 14px; }
  form.composer .attach { background: #e9e9ef; color: #1b1b1f; }
  form.contact { padding: 12px; display: flex; flex-direction: column; gap: 8px; border-top: 1px solid #e4e4ea; }
  form.contact label { font-size: 12px; color: #33333b; display: flex; flex-direction: column; gap: 3px; }
  form.contact input { border: 1px solid #c4c4cc; border-radius: 8px; padding: 8px; font-size: 14px; }
  .error { color: #a3001b; font-size: 12px; }
  @media (max-width: 480px) { .panel { right: 0; bottom: 0; width: 100vw; max-width: 100vw; height: 100vh; max-height: 100vh; border-radius: 0; } }
  .title { flex: 1; }
  .survey { background: #fff; border: 1px solid #dcdce2; border-radius: 10px; padding: 8px 10px; }
  .survey div { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 6px; }
  .track-open { font-size: 18px !important; }
  .choices { display: flex; flex-wrap: wrap; gap: 6px; align-self: flex-start; }
  .choices button { border: 1px solid var(--c); color: #1b1b1f; background: #fff; border-radius: 16px; padding: 6px 12px; cursor: pointer; font-size: 13px; }
  .tracked ul { margin: 4px 0; padding-left: 18px; }
  .tracked p { margin: 4px 0; }
  form.track .back { background: #e9e9ef; color: #1b1b1f; }
  .survey button { min-width: 32px; min-height: 32px; border: 1px solid #8a8a96; border-radius: 6px; background: #fff; color: #1b1b1f; cursor: pointer; }
`;
// A constructed style sheet is not inline CSS, so a shop's strict Content-Security-Policy
// (no 'unsafe-inline' styles) does not block it; older browsers get a <style> element.
let style = null;
if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];
} else {
  style = h('style');
  style.textContent = css;
}
// Icons drawn inline: no font or file to load, the same on every system.
const icon = (path) => {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const shape = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
};
const chatIcon = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2zm3 6v2h10V9H7zm0-3v2h10V6H7zm0 6v2h7v-2H7z';
const clipIcon = 'M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10h-1.5z';
const dot = h('span', { class: 'dot', hidden: true });
const launcher = h('button', { class: 'launcher', type: 'button', 'aria-label': t('open'), 'aria-expanded': 'false', onclick: () => toggle() }, icon(chatIcon), dot);
const title = h('h2', {}, '');
const subtitle = h('p', {}, '');
const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', tabindex: '0' });
const typing = h('div', { class: 'typing', 'aria-live': 'polite' });
const notice = h('div', { class: 'notice', role: 'status', hidden: true });
const text = h('textarea', { rows: '1', 'aria-label': t('placeholder'), placeholder: t('placeholder') });
const file = h('input', { type: 'file', hidden: true, onchange: () => upload() });
const composer = h('form', { class: 'composer', onsubmit: (event) => { event.preventDefault(); submit(); } },
  h('button', { type: 'button', class: 'attach', 'aria-label': t('attach'), title: t('attach'), onclick: () => file.click() }, icon(clipIcon)),
  text, file, h('button', { type: 'submit' }, t('send')));
const nameInput = h('input', { type: 'text', autocomplete: 'name', maxlength: '200' });
const emailInput = h('input', { type: 'email', autocomplete: 'email', required: true, maxlength: '254' });
const contactError = h('div', { class: 'error', role: 'alert' });
const contact = h('form', { class: 'contact', hidden: true, onsubmit: (event) => { event.preventDefault(); saveContact(); } },
  h('label', {}, t('name'), nameInput), h('label', {}, t('email'), emailInput), contactError, h('button', { type: 'submit' }, t('start')));
const panel = h('section', { class: 'panel', role: 'dialog', 'aria-label': t('open'), hidden: true },
  h('header', {}, h('div', { class: 'title' }, title, subtitle),
    h('button', { type: 'button', 'aria-label': t('close'), onclick: () => toggle(false) }, '×')),
  notice, log, typing, contact, composer);
root.append(...(style ? [style] : []), launcher, panel);
text.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); submit(); }
});
text.addEventListener('input', () => {
  if (Date.now() - (state.lastTypingSent || 0) > 3000) {
    state.lastTypingSent = Date.now();
    sendFrame({ type: 'typing', state: 'typing' });
  }
});
panel.addEventListener('keydown', (event) => { if (event.key === 'Escape') { toggle(false); launcher.focus(); } });

function toggle(open = !state.open) {
  state.open = open;
  storage.set(':open', open ? '1' : null);
  panel.hidden = !open;
  launcher.setAttribute('aria-expanded', String(open));
  launcher.setAttribute('aria-label', open ? t('close') : t('open'));
  if (open) { dot.hidden = true; render(); (contact.hidden ? text : nameInput).focus(); markRead(); }
}

// ---- rendering ----
// Text on the inbox colour: black or white, whichever contrasts more (WCAG relative luminance).
function ink(hex) {
  const channel = (i) => { const c = parseInt(hex.slice(i, i + 2), 16) / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#111' : '#fff';
}

function needsContact() {
  if (!state.config || (state.visitor && state.visitor.email)) return false;
  const away = !state.config.open || !state.config.online;
  return (state.config.prechat_form || away) && !state.conversationId;
}

function render() {
  const config = state.config;
  if (!config) return;
  host.style.setProperty('--c', config.color);
  host.style.setProperty('--ink', ink(config.color));
  title.textContent = config.name;
  const away = !config.open || !config.online;
  subtitle.textContent = state.connected || !state.token ? (away ? '' : t('online')) : t('reconnecting');
  notice.hidden = !away;
  notice.textContent = away ? t('away') : '';
  // While the order-tracking form is open it takes the place of the conversation.
  contact.hidden = state.tracking || !needsContact();
  composer.hidden = state.tracking || needsContact();
  log.hidden = state.tracking;
  typing.hidden = state.tracking;
  const rows = [];
  if (config.greeting) rows.push(h('div', { class: 'msg greeting' }, config.greeting));
  if (state.campaignMessage) rows.push(h('div', { class: 'msg greeting campaign-said' }, state.campaignMessage));
  const sorted = [...state.messages.values()].sort((a, b) => a.id - b.id);
  for (const message of sorted) rows.push(messageRow(message));
  // The bot's quick replies, under its latest message while it is the last word.
  const last = sorted[sorted.length - 1];
  if (last && last.from === 'bot' && last.choices?.length && !state.outbox.length) {
    rows.push(h('div', { class: 'choices', role: 'group', 'aria-label': t('bot') }, ...last.choices.map((choice) =>
      h('button', { type: 'button', 'data-choice': choice, onclick: () => queue({ client_id: clientId(), text: t('choice.' + choice), attachment_ids: [] }) },
        t('choice.' + choice)))));
  }
  for (const pending of state.outbox) rows.push(h('div', { class: 'msg visitor pending' }, pending.text || t('attach')), h('div', { class: 'meta' }, state.connected ? t('sending') : t('failed')));
  if (state.survey) rows.push(surveyRow(state.survey));
  const lastVisitor = sorted.filter((m) => m.from === 'visitor').pop();
  if (lastVisitor && state.seenAt && state.seenAt >= Date.parse(lastVisitor.created_at)) rows.push(h('div', { class: 'meta' }, t('seen')));
  log.replaceChildren(...rows);
  log.scrollTop = log.scrollHeight;
  renderTyping();
}

function messageRow(message) {
  const mine = message.from === 'visitor';
  const row = h('div', { class: 'msg ' + (mine ? 'visitor' : message.from === 'bot' ? 'agent bot' : 'agent'), 'data-id': String(message.id) });
  if (!mine) row.append(h('span', { class: 'who' }, message.from === 'bot' ? '🤖 ' + t('bot') : message.author_name || t('someone')));
  if (message.text) row.append(document.createTextNode(message.text));
  for (const attachment of message.attachments || []) row.append(attachmentView(attachment));
  return row;
}

// The satisfaction survey of a resolved chat, answered with one tap.
function surveyRow(survey) {
  if (survey.score != null) return h('div', { class: 'survey', role: 'status' }, t('thanks'));
  const answer = async (score) => {
    try { state.survey = (await call('/survey', { method: 'POST', body: { score } })).survey; } catch { /* the link in the message still works */ }
    render();
  };
  return h('div', { class: 'survey', role: 'group', 'aria-label': t('rate') }, t('rate'),
    h('div', {}, ...survey.scores.map((score) => h('button', { type: 'button', onclick: () => answer(score) }, String(score)))));
}

async function loadSurvey() {
  if (!state.token || !state.conversationId) return;
  try { state.survey = (await call('/survey')).survey; render(); } catch { /* shown at the next message */ }
}

const blobs = new Map();
function attachmentView(attachment) {
  const holder = h('div');
  const load = async () => {
    if (!blobs.has(attachment.id)) {
      const response = await fetch(api + '/attachments/' + attachment.id, { headers: { 'X-Visitor-Token': state.token }, credentials: 'omit' });
      if (!response.ok) return;
      blobs.set(attachment.id, URL.createObjectURL(await response.blob()));
    }
    const url = blobs.get(attachment.id);
    if (/^image\/(png|jpeg|gif|webp)$/.test(attachment.content_type)) holder.replaceChildren(h('img', { src: url, alt: attachment.file_name }));
    else holder.replaceChildren(h('a', { href: url, download: attachment.file_name }, attachment.file_name));
  };
  holder.append(h('span', {}, attachment.file_name));
  load().catch(() => {});
  return holder;
}

function renderTyping() {
  const active = Date.now() < state.typingUntil;
  typing.textContent = active ? t('typing', { name: state.typingName || t('someone') }) : '';
  if (active) setTimeout(renderTyping, state.typingUntil - Date.now() + 50);
}
