// The agent web app's entry: live updates over the realtime socket and keyboard shortcuts; the
// other modules hold sign-in, layout, list, conversation and sidebar.
// Plain DOM: every piece of text from the server is set as text, never parsed as HTML.

import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { chooseMacro, setMode } from './composer.js';
import { openConversation, scheduleConversationRefresh, update } from './conversation.js';
import { renderList, scheduleListRefresh } from './list.js';
import { conversationHash } from './shell.js';
import { start } from './signin.js';
import { dispatch, state } from './state.js';
import { insertArticleLink } from './suggestions.js';

// MARK: Realtime

/// After the live connection comes back: messages and changes that arrived while it was down
/// are read again (the list and the open conversation), so nothing stays missing until a reload.
export function catchUp() {
  scheduleListRefresh();
  if (state.selectedId) scheduleConversationRefresh();
}

export function onRealtime(message) {
  if (message.type === 'hello' || message.type === 'conversation.read') return;
  if (message.type === 'visitor.typing') {
    if (message.conversation_id !== state.selectedId) return;
    dispatch({ type: 'visitorTyping', until: message.payload?.state === 'typing' ? Date.now() + 6000 : 0 });
    showPresence();
    setTimeout(showPresence, 6100);
    return;
  }
  if (message.type === 'presence') {
    if (message.payload?.agent_id === state.me?.id) return;
    const key = message.conversation_id;
    const arrived = message.payload.state !== 'left' && !state.presence.get(key)?.has(message.payload.agent_id);
    dispatch({ type: 'presenceChanged', conversationId: key, agentId: message.payload.agent_id, name: message.payload.name,
      state: message.payload.state, at: Date.now() });
    // A colleague just opened the conversation this agent has open: say so back, once, so both
    // see each other (they announce themselves only on opening).
    if (arrived && key === state.selectedId) state.realtime?.presence(key, 'viewing');
    if (key === state.selectedId) showPresence();
    return;
  }
  if (message.type === 'agents.notified' && isAudience(message.payload)) notice(message);
  if (message.type === 'conversation.assignee_changed' && message.payload?.to === state.me?.id
      && message.actor?.id !== state.me?.id && localStorage.getItem('shopdesk.notify') === '1'
      && 'Notification' in window && Notification.permission === 'granted') {
    new Notification(t('newAssigned'), { body: `#${message.conversation_id}`, tag: `conversation-${message.conversation_id}` });
  }
  scheduleListRefresh();
  if (message.conversation_id && message.conversation_id === state.selectedId) scheduleConversationRefresh();
}

/// Whether a rule's notification is meant for the signed-in agent.
function isAudience(payload) {
  const me = state.me;
  if (!payload || !me) return false;
  switch (payload.audience) {
    case 'all': return true;
    case 'admins': return me.role === 'admin' || me.role === 'owner';
    case 'assignee': return payload.assignee_id === me.id;
    case 'team': return state.teams.some((team) => team.id === payload.team_id && (team.member_ids || []).includes(me.id));
    default: return false;
  }
}

/// Shows a rule's notification in the app, and on the desktop when the agent allowed it.
function notice(message) {
  const text = `${message.payload.message || message.payload.rule} (#${message.conversation_id})`;
  const banner = document.getElementById('notice');
  if (banner) {
    banner.textContent = `🔔 ${text}`;
    banner.hidden = false;
    setTimeout(() => { banner.hidden = true; }, 8000);
  }
  if (localStorage.getItem('shopdesk.notify') === '1' && 'Notification' in window && Notification.permission === 'granted') {
    new Notification(t('notice'), { body: text, tag: `notice-${message.conversation_id}` });
  }
}

// While a conversation stays open, colleagues keep seeing it (their view of it lasts 30 s);
// not while the agent types, whose own frames say "typing".
setInterval(() => {
  if (!state.selectedId || document.visibilityState !== 'visible' || document.activeElement?.id === 'composer-text') return;
  state.realtime?.presence(state.selectedId, 'viewing');
}, 20_000);

function showPresence() {
  const element = document.getElementById('presence');
  if (element) element.textContent = presenceText(state.selectedId);
}

export function presenceText(id) {
  const entries = state.presence.get(id);
  const fresh = entries ? [...entries.values()].filter((entry) => Date.now() - entry.at < 30_000) : [];
  const parts = fresh.map((entry) => `${entry.name} ${entry.state === 'typing' ? t('typing') : t('viewing')}`);
  if (id === state.selectedId && Date.now() < (state.visitorTypingUntil || 0)) parts.unshift(t('customerTyping'));
  return parts.join(' · ');
}

// MARK: Keyboard

document.addEventListener('keydown', (event) => {
  if (!state.me) return;
  const target = event.target;
  const typing = target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  // The settings page has no conversation to act on.
  if (document.querySelector('.layout.admin-mode') && event.key !== '?') return;
  switch (event.key) {
    case 'j': move(1); break;
    case 'k': move(-1); break;
    case 'r': if (state.conversation) { event.preventDefault(); setMode('reply'); } break;
    case 'n': if (state.conversation) { event.preventDefault(); setMode('note'); } break;
    case 'e': if (state.conversation) update({ status: 'resolved' }); break;
    case 'm': if (state.conversation) { event.preventDefault(); chooseMacro(); } break;
    case 'l': if (state.conversation && insertArticleLink(0)) event.preventDefault(); break;
    case 'a': if (state.conversation) update({ assignee_id: state.me.id }); break;
    case '/': event.preventDefault(); document.getElementById('search')?.focus(); break;
    case 'x':
      if (state.selectedId) {
        dispatch({ type: 'picked', id: state.selectedId, on: !state.picked.has(state.selectedId) });
        renderList();
      }
      break;
    case '?': showHelp(); break;
    default: return;
  }
});

function move(step) {
  if (state.items.length === 0) return;
  const index = state.items.findIndex((item) => item.id === state.selectedId);
  const next = index === -1 ? 0 : Math.min(state.items.length - 1, Math.max(0, index + step));
  const id = state.items[next].id;
  if (id === state.selectedId) return;
  // Select at once rather than on the hashchange event, which arrives later: a key pressed in
  // between (e to resolve, a to assign) must act on the conversation the agent moved to.
  history.pushState(null, '', conversationHash(id));
  openConversation(id);
}

function showHelp() {
  const dialog = /** @type {HTMLDialogElement} */ (document.getElementById('help'));
  clear(dialog);
  const closeButton = h('button', { type: 'button', class: 'primary' }, t('close'));
  closeButton.addEventListener('click', () => dialog.close());
  dialog.append(h('h2', { id: 'help-title' }, t('shortcuts')),
    h('dl', { class: 'keys' }, ...t('keys').flatMap(([key, what]) => [h('dt', {}, h('kbd', {}, key)), h('dd', {}, what)])),
    closeButton);
  dialog.showModal();
  closeButton.focus();
}

export function showError(message) {
  const banner = document.getElementById('connection');
  if (!banner) return;
  banner.textContent = message;
  banner.hidden = false;
  setTimeout(() => { banner.hidden = true; banner.textContent = t('connectionLost'); }, 6000);
}

start();
