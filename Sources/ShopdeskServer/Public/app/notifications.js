// The agent's notifications (a bell with the unread count and a panel of them: mentioned in a
// note, assigned, a followed conversation answered), read when their conversation is opened;
// and the Follow button of a conversation.

import { api, query } from './api.js';
import { h } from './dom.js';
import { formatNumber, formatTime, t } from './i18n.js';
import { conversationHash } from './router.js';
import { mount } from './mount.js';
import { dispatch, state, subscribe } from './state.js';

// The bell's count and the panel's list are views of their props.
const bellCount = mount(() => document.getElementById('notifications-count'), (props) => [document.createTextNode(formatNumber(props.unread))],
  (s) => ({ unread: s.unreadNotifications }), {
    hidden: (props) => props.unread === 0,
    drawn: (props) => document.getElementById('notifications-button')?.setAttribute('title', `${t('notifications')}: ${formatNumber(props.unread)}`),
  });
const panelMount = mount(() => document.getElementById('notifications-panel'), panelView,
  (s) => ({ notifications: s.notifications, unread: s.unreadNotifications, agents: s.agents }));

subscribe((next, previous, action) => {
  // Opening a conversation reads what it was notified for.
  if (action.type === 'conversationSelected' && next.selectedId
      && next.notifications.some((item) => !item.read && item.conversation_id === next.selectedId)) {
    markRead({ conversation_id: next.selectedId });
  }
});

export async function loadNotifications() {
  try {
    const page = await api('GET', `/notifications${query({ limit: 30 })}`);
    dispatch({ type: 'notificationsLoaded', items: page.items, unread: page.unread_count });
  } catch { /* the bell keeps its last count; the next event tries again */ }
}

async function markRead(body) {
  try {
    await api('POST', '/notifications/read', body);
    await loadNotifications();
  } catch { /* still unread; shown as such */ }
}

/** A live `notification.created` for this agent: the bell counts it, and the desktop says so when allowed. */
export function onNotification(message) {
  if (message.payload?.agent_id !== state.me?.id) return;
  loadNotifications().then(() => {
    const item = state.notifications.find((entry) => entry.id === message.payload.notification_id);
    if (item && localStorage.getItem('shopdesk.notify') === '1' && 'Notification' in window && Notification.permission === 'granted') {
      new Notification(describe(item), { body: item.preview || '', tag: `notification-${item.id}` });
    }
  });
}

/** What a notification says, in the agent's language. */
function describe(item, agents = state.agents) {
  const who = item.actor_agent_id ? agents.get(item.actor_agent_id)?.name || t('someone') : t('someone');
  return t(`notice.${item.kind}`).replace('{name}', who);
}

/** A bell drawn as SVG (not an emoji: a machine without an emoji font shows a box). */
function bellIcon() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z');
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

/** The bell in the top bar; its panel opens under it. */
export function notificationsButton() {
  const button = h('button', { type: 'button', id: 'notifications-button', class: 'bell', 'aria-expanded': 'false',
    'aria-controls': 'notifications-panel', title: t('notifications') },
  bellIcon(), h('span', { class: 'visually-hidden' }, t('notifications')),
  h('span', { class: 'bell-count', id: 'notifications-count', hidden: true }));
  const panel = h('section', { class: 'notifications-panel', id: 'notifications-panel', hidden: true, 'aria-label': t('notifications') });
  button.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    button.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) /** @type {HTMLElement | null} */ (panel.querySelector('a, button'))?.focus();
  });
  panel.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  });
  // Drawn once the shell has put the bell on the page.
  queueMicrotask(renderNotifications);
  return h('span', { class: 'bell-wrap' }, button, panel);
}

/** Draws the bell's count and panel again (a new shell, or the language changed). */
function renderNotifications() {
  bellCount.draw();
  panelMount.draw();
}

/** @param {{ notifications: any[], unread: number, agents: Map<number, any> }} props */
function panelView(props) {
  const readAll = h('button', { type: 'button', class: 'link-button', id: 'notifications-read-all', disabled: props.unread === 0 },
    t('markAllRead'));
  readAll.addEventListener('click', () => markRead({ all: true }));
  const list = h('ul', { id: 'notifications-list' }, ...props.notifications.map((item) => {
    const link = h('a', { href: conversationHash('all', item.conversation_id), class: item.read ? 'read' : 'unread', 'data-kind': item.kind },
      h('strong', {}, describe(item, props.agents)),
      h('span', {}, `#${item.conversation_number ?? item.conversation_id} ${item.conversation_subject || ''}`),
      item.preview ? h('span', { class: 'preview' }, item.preview) : null,
      h('time', { datetime: item.created_at }, formatTime(item.created_at)));
    link.addEventListener('click', () => {
      const open = document.getElementById('notifications-panel');
      if (open) open.hidden = true;
      document.getElementById('notifications-button')?.setAttribute('aria-expanded', 'false');
    });
    return h('li', {}, link);
  }));
  return [h('header', {}, h('h2', {}, t('notifications')), readAll),
    ...(props.notifications.length === 0 ? [h('p', { class: 'empty' }, t('noNotifications'))] : []), list];
}

/** Follow or stop following the open conversation; the title names who follows. */
/**
 * Follow or stop following the conversation, with who follows it.
 * @param {any} conversation @param {number[]} followers agent ids @param {Map<number, any>} agents @param {number} me
 */
export function followButton(conversation, followers, agents, me) {
  const following = followers.includes(me);
  const names = followers.map((id) => agents.get(id)?.name).filter(Boolean);
  const button = h('button', { type: 'button', id: 'follow', class: 'follow', 'aria-pressed': following ? 'true' : 'false',
    title: names.length ? `${t('followers')}: ${names.join(', ')}` : t('followHint') }, following ? t('followingIt') : t('follow'),
  names.length ? h('span', { class: 'count' }, ` ${formatNumber(names.length)}`) : null);
  button.addEventListener('click', async () => {
    try {
      const answer = await api(following ? 'DELETE' : 'PUT', `/conversations/${conversation.id}/followers/${me}`);
      dispatch({ type: 'followersChanged', conversationId: conversation.id, followers: answer.agent_ids });
    } catch { /* unchanged: the button still says what is true */ }
  });
  return button;
}

/** Settings → Your account: whether notifications left unread are emailed. */
export async function notificationSettings() {
  const { email } = await api('GET', '/auth/me/notifications');
  const box = h('input', { type: 'checkbox', id: 'notify-email', checked: email });
  const status = h('span', { class: 'hint', role: 'status' });
  box.addEventListener('change', async () => {
    try {
      await api('PUT', '/auth/me/notifications', { email: box.checked });
      status.textContent = t('saved');
    } catch (failure) { status.textContent = failure.message; }
  });
  return h('section', { class: 'admin-panel', id: 'admin-notifications', 'aria-labelledby': 'admin-notifications-title' },
    h('h3', { id: 'admin-notifications-title' }, t('notifications')),
    h('label', { class: 'check' }, box, ' ', t('notifyEmail')), status);
}
