// The conversation list: loading pages, rendering rows, picking and bulk actions.

import { channelGlyphs, channelName } from './channel-names.js';
import { api, query } from './api.js';
import { clear, h } from './dom.js';
import { formatMinutes, formatNumber, formatTime, label, t } from './i18n.js';
import { scheduleConversationRefresh } from './conversation.js';
import { showError } from './main.js';
import { conversationHash, listParams, renderViews, viewTitle } from './shell.js';
import { dispatch, state } from './state.js';

let listRefresh = null;

// MARK: Conversation list

/// Loads the list. `more` appends the next page; `keep` (refreshes after realtime events and
/// changes) reloads as many rows as are shown, up to 200, so pages loaded with "Load more" stay.
/// A load asked for while one runs is not lost: it runs again when that one ends.
export async function loadList(more = false, keep = false) {
  if (state.loadingList) {
    dispatch({ type: 'listStale' });
    return;
  }
  dispatch({ type: 'listLoading' });
  try {
    if (state.search) {
      const result = await api('GET', `/search${query({ q: state.search, limit: 50 })}`);
      dispatch({ type: 'listLoaded', items: result.items, cursor: null });
    } else {
      const limit = keep ? Math.min(200, Math.max(50, state.items.length)) : 50;
      const page = await api('GET', `/conversations${query({ ...listParams(), sort: state.sort, limit, cursor: more ? state.cursor : null })}`);
      dispatch({ type: 'listLoaded', items: page.items, more, cursor: page.next_cursor, counts: page.counts });
    }
  } catch (failure) {
    dispatch({ type: 'listFailed' });
    showError(failure.message);
  }
  // A refresh asked for while this one ran runs now.
  if (state.listStale) return loadList(false, true);
  renderViews();
  renderList();
}

/// "SLA 25 min" while a target runs, "SLA missed" once one was missed or is past due.
export function slaBadge(item) {
  if (!item.sla_due_at && !item.sla_breached) return null;
  const left = item.sla_due_at ? new Date(item.sla_due_at).getTime() - Date.now() : -1;
  if (item.sla_breached || left <= 0) {
    return h('span', { class: 'badge sla overdue', title: item.sla_due_at ? formatTime(item.sla_due_at) : '' }, t('slaOverdue'));
  }
  const minutes = Math.round(left / 60000);
  return h('span', { class: `badge sla${minutes <= 30 ? ' soon' : ''}`, title: formatTime(item.sla_due_at) }, `${t('slaDueIn')} ${formatMinutes(minutes)}`);
}

export function renderList() {
  const list = document.getElementById('conversations');
  if (!list) return;
  document.getElementById('list-title').textContent = state.search ? `${t('searchResults')}: ${state.search}` : viewTitle();
  dispatch({ type: 'pickKeptTo', ids: state.items.map((item) => item.id) });
  clear(list);
  if (state.items.length === 0) list.append(h('li', { class: 'empty' }, t('noConversations')));
  for (const item of state.items) {
    const customer = customerLabel(item);
    const unread = Boolean(item.unread) && item.id !== state.selectedId;
    const pick = h('input', { type: 'checkbox', class: 'pick', 'aria-label': `${t('pick')} #${item.number}`, checked: state.picked.has(item.id) });
    pick.addEventListener('change', () => {
      dispatch({ type: 'picked', id: item.id, on: pick.checked });
      renderBulk();
    });
    const row = h('li', {
      class: `row${item.id === state.selectedId ? ' selected' : ''}${unread ? ' unread' : ''}`,
      'data-id': item.id, 'aria-selected': item.id === state.selectedId ? 'true' : 'false',
    },
      pick,
      unread ? h('span', { class: 'unread-dot', role: 'img', title: t('unread'), 'aria-label': t('unread') }) : null,
      h('a', { href: conversationHash(item.id) },
        h('span', { class: 'row-top' },
          h('span', { class: 'who' }, customer),
          h('time', { datetime: item.last_message?.at }, formatTime(item.last_message?.at))),
        h('span', { class: 'subject' }, conversationTitle(item)),
        h('span', { class: 'preview' }, item.last_message?.preview || ''),
        h('span', { class: 'badges' },
          channelBadge(item),
          slaBadge(item),
          item.priority !== 'normal' ? h('span', { class: `badge priority-${item.priority}` }, t(item.priority)) : null,
          item.urgent ? h('span', { class: 'badge urgent' }, '!') : null,
          item.intent ? h('span', { class: 'badge intent' }, label('intent', item.intent)) : null,
          ...item.tags.map((tag) => h('span', { class: 'badge tag' }, tag)))));
    list.append(row);
  }
  document.getElementById('load-more').hidden = !state.cursor;
  renderBulk();
}

/// The toolbar for the picked conversations: assign to me, resolve, tag.
function renderBulk() {
  const bar = document.getElementById('bulk');
  if (!bar) return;
  clear(bar);
  bar.hidden = state.picked.size === 0;
  if (bar.hidden) return;
  const action = (id, label, changes) => {
    const button = h('button', { type: 'button', id }, label);
    button.addEventListener('click', () => bulk(changes));
    return button;
  };
  const tag = h('input', { type: 'text', id: 'bulk-tag', placeholder: t('addTag'), 'aria-label': t('addTag'), size: 10 });
  tag.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && tag.value.trim()) bulk({ add_tags: [tag.value.trim()] });
  });
  const none = h('button', { type: 'button', id: 'bulk-clear' }, t('close'));
  none.addEventListener('click', () => { dispatch({ type: 'pickCleared' }); renderList(); });
  bar.append(h('span', { id: 'bulk-count' }, `${formatNumber(state.picked.size)} ${t('picked')}`),
    action('bulk-assign', t('assignToMe'), { assignee_id: state.me.id }),
    action('bulk-resolve', t('resolve'), { status: 'resolved' }), tag, none);
}

async function bulk(changes) {
  try {
    const result = await api('POST', '/conversations/bulk', { ids: [...state.picked], changes });
    if (result.failed.length) showError(result.failed.map((failure) => `#${failure.id}: ${failure.detail}`).join(' · '));
    dispatch({ type: 'pickCleared' });
    await loadList(false, true);
    if (state.selectedId) scheduleConversationRefresh();
  } catch (failure) {
    showError(failure.message);
  }
}

export function scheduleListRefresh() {
  clearTimeout(listRefresh);
  listRefresh = setTimeout(() => loadList(false, true), 250);
}

/// Which channel the conversation is on, as a glyph with its name for screen readers.
/**
 * Who a conversation is with, in words: the customer's name, email or phone; an anonymous site
 * visitor as "Visitor 153", anyone else as "Customer 153".
 * @param {{ customer?: { name?: string, email?: string, phone?: string }, customer_id: number, inbox_id: number }} item
 */
export function customerLabel(item) {
  const known = item.customer?.name || item.customer?.email || item.customer?.phone;
  if (known) return known;
  const kind = (state.inboxes || []).find((inbox) => inbox.id === item.inbox_id)?.kind;
  return `${t(kind === 'chat' ? 'visitor' : 'customer')} ${item.customer_id}`;
}

/**
 * What a conversation is about: its subject; without one (chats and messengers) what the
 * customer wants, as the models read it; else "Conversation #202".
 * @param {{ subject?: string, intent?: string, number: number }} item
 */
export function conversationTitle(item) {
  if (item.subject) return item.subject;
  if (item.intent) {
    const words = label('intent', item.intent);
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return t('conversationNumber').replace('{number}', String(item.number));
}

export function channelBadge(item) {
  const kind = (state.inboxes || []).find((inbox) => inbox.id === item.inbox_id)?.kind;
  if (!kind || !channelGlyphs[kind]) return null;
  const name = channelName(kind);
  return h('span', { class: `badge channel channel-${kind}`, role: 'img', title: name, 'aria-label': name }, channelGlyphs[kind]);
}
