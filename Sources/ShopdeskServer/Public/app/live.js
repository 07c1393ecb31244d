// Live updates from the realtime socket into the app: changes reload the list and the open
// conversation, colleagues' presence and the chat visitor's typing show, rules' notices appear;
// after a reconnect everything shown is read again.

import { t } from './i18n.js';
import { scheduleConversationRefresh, scheduleListRefresh } from './loaders.js';
import { refreshPresence } from './presence.js';
import { onNotification } from './notifications.js';
import { dispatch, state } from './state.js';

/// After the live connection comes back: messages and changes that arrived while it was down
/// are read again (the list and the open conversation), so nothing stays missing until a reload.
export function catchUp() {
  scheduleListRefresh();
  if (state.selectedId) scheduleConversationRefresh();
}

export function onRealtime(message) {
  if (message.type === 'hello' || message.type === 'conversation.read') return;
  if (message.type === 'notification.created') {
    onNotification(message);
    return;
  }
  if (message.type === 'visitor.typing') {
    if (message.conversation_id !== state.selectedId) return;
    dispatch({ type: 'visitorTyping', until: message.payload?.state === 'typing' ? Date.now() + 6000 : 0 });
    refreshPresence();
    setTimeout(refreshPresence, 6100);
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
    if (key === state.selectedId) refreshPresence();
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
