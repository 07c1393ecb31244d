// The conversation list: its rows, picking and bulk actions. It draws itself when the store's
// list or the open conversation changes; loading is `loaders.js`'s.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { formatNumber, formatTime, label, t } from './i18n.js';
import { channelBadge, conversationTitle, customerLabel, slaBadge, viewTitle } from './labels.js';
import { loadList, scheduleConversationRefresh } from './loaders.js';
import { showError } from './notices.js';
import { conversationHash } from './router.js';
import { currentSavedView } from './saved-views.js';
import { wakeTime } from './snooze.js';
import { dispatch, state, subscribe } from './state.js';
import { boardColumns, fieldColumns } from './view-filters.js';

subscribe((next, previous, action) => {
  switch (action.type) {
    // After the last of overlapping loads (one asked for while another ran comes next).
    case 'listLoaded': case 'listFailed': if (!next.listStale) renderList(); break;
    case 'conversationSelected': case 'markedRead': case 'pickCleared': case 'savedViewsLoaded': renderList(); break;
    default: break;
  }
});

export function renderList() {
  const list = document.getElementById('conversations');
  if (!list) return;
  document.getElementById('list-title').textContent = state.search ? `${t('searchResults')}: ${state.search}` : viewTitle();
  clear(list);
  // A saved view laid out as a board shows columns until a conversation is opened from it.
  const board = !state.search && !state.selectedId && currentSavedView()?.layout === 'board';
  document.querySelector('.layout')?.classList.toggle('board-mode', board);
  document.getElementById('board')?.remove();
  list.hidden = board;
  if (board) list.after(boardOf(currentSavedView()));
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
      h('a', { href: conversationHash(state.view, item.id) },
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

/// A saved view's board: columns by status, or by the options of one of the conversation's
/// custom fields (`board_field`), with a card per conversation.
function boardOf(view) {
  const field = view.board_field
    ? state.customFields.find((item) => item.entity === 'conversation' && item.key === view.board_field) : null;
  if (!field) {
    return renderBoard(boardColumns(view.filters ?? {}).map((status) => ({ key: status, title: t(status) })),
      (item) => item.status, moveTo);
  }
  const title = (value) => value === '' ? t('noValue') : field.kind === 'checkbox' ? t(value === 'true' ? 'yes' : 'no') : value;
  return renderBoard(fieldColumns(field, view.filters ?? {}).map((value) => ({ key: value, title: title(value) })),
    (item) => item.fields?.[field.key] ?? '', (item, value) => setField(item, field.key, value));
}

/// Columns with a card per conversation; a card moves by dragging it to another column or with
/// its "Move to" menu (the keyboard's way), which changes its status or its field.
function renderBoard(columns, columnOf, move) {
  const board = h('div', { class: 'board', id: 'board' });
  columns.forEach(({ key, title }, index) => {
    const items = state.items.filter((item) => columnOf(item) === key);
    const cards = h('ul', { class: 'board-cards' }, ...items.map((item) => card(item, columns, columnOf, move)));
    const column = h('section', { class: 'board-column', 'data-column': key, 'aria-labelledby': `board-${index}` },
      h('h3', { id: `board-${index}` }, t('boardColumn').replace('{status}', title).replace('{count}', formatNumber(items.length))), cards);
    column.addEventListener('dragover', (event) => { event.preventDefault(); column.classList.add('drop'); });
    column.addEventListener('dragleave', () => column.classList.remove('drop'));
    column.addEventListener('drop', (event) => {
      event.preventDefault();
      column.classList.remove('drop');
      const id = Number(event.dataTransfer?.getData('text/plain'));
      const item = state.items.find((entry) => entry.id === id);
      if (item && columnOf(item) !== key) move(item, key);
    });
    board.append(column);
  });
  return board;
}

function card(item, columns, columnOf, move) {
  const select = h('select', { class: 'move', 'aria-label': `${t('moveTo')} (#${item.number})` },
    ...columns.map(({ key, title }) => h('option', { value: key, selected: key === columnOf(item) }, title)));
  select.addEventListener('change', () => move(item, select.value));
  const element = h('li', { class: 'card', draggable: 'true', 'data-id': item.id },
    h('a', { href: conversationHash(state.view, item.id) },
      h('span', { class: 'who' }, customerLabel(item)),
      h('span', { class: 'subject' }, conversationTitle(item)),
      h('span', { class: 'badges' }, channelBadge(item), slaBadge(item),
        item.priority !== 'normal' ? h('span', { class: `badge priority-${item.priority}` }, t(item.priority)) : null)),
    select);
  element.addEventListener('dragstart', (event) => event.dataTransfer?.setData('text/plain', String(item.id)));
  return element;
}

/// A card moved to another field column: the conversation's value changes ("" empties it).
async function setField(item, key, value) {
  try {
    await api('PATCH', `/conversations/${item.id}/fields`, { [key]: value === '' ? null : value });
    await loadList(false, true);
  } catch (failure) {
    showError(failure.message);
    renderList();
  }
}

/// A snoozed card sleeps until tomorrow morning; the conversation's own menu picks other times.
async function moveTo(item, status) {
  try {
    await api('PATCH', `/conversations/${item.id}`, status === 'snoozed' ? { status, snooze_until: wakeTime('tomorrow').toISOString() } : { status });
    await loadList(false, true);
  } catch (failure) {
    showError(failure.message);
    renderList();
  }
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
  none.addEventListener('click', () => dispatch({ type: 'pickCleared' }));
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

