// The conversation list as views of their props: the rows (or a saved view's board), the title
// and the bulk bar. Each view is a function of props returning DOM; `mount` draws it when its
// props change in the store. Loading is `loaders.js`'s; the actions below change the store or
// the server and never draw.

import { api } from './api.js';
import { h } from './dom.js';
import { formatNumber, formatTime, label, t } from './i18n.js';
import { channelBadge, conversationTitle, customerLabel, slaBadge, viewTitle } from './labels.js';
import { loadList, scheduleConversationRefresh } from './loaders.js';
import { mount } from './mount.js';
import { showError } from './notices.js';
import { conversationHash } from './router.js';
import { wakeTime } from './snooze.js';
import { dispatch, state } from './state.js';
import { boardColumns, fieldColumns } from './view-filters.js';

/** @param {typeof state} s */
const listProps = (s) => ({
  items: s.items, selectedId: s.selectedId, picked: s.picked, view: s.view, cursor: s.cursor, search: s.search,
  savedViews: s.savedViews, customFields: s.customFields, inboxes: s.inboxes,
});
/** @typedef {ReturnType<typeof listProps>} ListProps */

/** The saved view on screen when it is laid out as a board (and no search or conversation covers it). */
function boardView(/** @type {ListProps} */ props) {
  if (props.search || props.selectedId) return null;
  const saved = props.savedViews.find((view) => `saved:${view.id}` === props.view);
  return saved?.layout === 'board' ? saved : null;
}

const rows = mount(() => document.getElementById('list-body'), listView, listProps, {
  // The board takes the conversation's place on the page.
  drawn: (props) => document.querySelector('.layout')?.classList.toggle('board-mode', Boolean(boardView(props))),
});
const title = mount(() => document.getElementById('list-title'), titleView,
  (s) => ({ search: s.search, view: s.view, inboxes: s.inboxes, savedViews: s.savedViews }));
const bulkBar = mount(() => document.getElementById('bulk'), bulkView, (s) => ({ picked: s.picked, me: s.me }),
  { hidden: (props) => props.picked.size === 0 });

/** Draws the list again with the same props (the language changed, or the shell was drawn anew). */
export function renderList() {
  rows.draw();
  title.draw();
  bulkBar.draw();
}

// MARK: Views

/** @param {{ search: string, view: string, inboxes: any[], savedViews: any[] }} props */
function titleView(props) {
  return [document.createTextNode(props.search ? `${t('searchResults')}: ${props.search}` : viewTitle(props.view, props.inboxes, props.savedViews))];
}

/** The rows (hidden under a board), the board when the saved view is one, and "Load more". @param {ListProps} props */
function listView(props) {
  const board = boardView(props);
  const list = h('ul', { id: 'conversations', class: 'conversation-list', hidden: Boolean(board) },
    ...(props.items.length === 0 ? [h('li', { class: 'empty' }, t('noConversations'))] : props.items.map((item) => row(item, props))));
  const more = h('button', { type: 'button', id: 'load-more', hidden: !props.cursor }, t('loadMore'));
  more.addEventListener('click', () => loadList(true));
  return [list, ...(board ? [boardOf(board, props)] : []), more];
}

function row(item, /** @type {ListProps} */ props) {
  const unread = Boolean(item.unread) && item.id !== props.selectedId;
  const pick = h('input', { type: 'checkbox', class: 'pick', 'data-key': `pick-${item.id}`, 'aria-label': `${t('pick')} #${item.number}`,
    checked: props.picked.has(item.id) });
  pick.addEventListener('change', () => dispatch({ type: 'picked', id: item.id, on: pick.checked }));
  return h('li', {
    class: `row${item.id === props.selectedId ? ' selected' : ''}${unread ? ' unread' : ''}`,
    'data-id': item.id, 'aria-selected': item.id === props.selectedId ? 'true' : 'false',
  },
  pick,
  unread ? h('span', { class: 'unread-dot', role: 'img', title: t('unread'), 'aria-label': t('unread') }) : null,
  h('a', { href: conversationHash(props.view, item.id), 'data-key': `open-${item.id}` },
    h('span', { class: 'row-top' },
      h('span', { class: 'who' }, customerLabel(item, props.inboxes)),
      h('time', { datetime: item.last_message?.at }, formatTime(item.last_message?.at))),
    h('span', { class: 'subject' }, conversationTitle(item)),
    h('span', { class: 'preview' }, item.last_message?.preview || ''),
    h('span', { class: 'badges' },
      channelBadge(item, props.inboxes),
      slaBadge(item),
      item.priority !== 'normal' ? h('span', { class: `badge priority-${item.priority}` }, t(item.priority)) : null,
      item.urgent ? h('span', { class: 'badge urgent' }, '!') : null,
      item.intent ? h('span', { class: 'badge intent' }, label('intent', item.intent)) : null,
      ...item.tags.map((tag) => h('span', { class: 'badge tag' }, tag)))));
}

/// A saved view's board: columns by status, or by the options of one of the conversation's
/// custom fields (`board_field`), with a card per conversation.
function boardOf(view, /** @type {ListProps} */ props) {
  const field = view.board_field
    ? props.customFields.find((item) => item.entity === 'conversation' && item.key === view.board_field) : null;
  if (!field) {
    return renderBoard(props, boardColumns(view.filters ?? {}).map((status) => ({ key: status, title: t(status) })),
      (item) => item.status, moveTo);
  }
  const title = (value) => value === '' ? t('noValue') : field.kind === 'checkbox' ? t(value === 'true' ? 'yes' : 'no') : value;
  return renderBoard(props, fieldColumns(field, view.filters ?? {}).map((value) => ({ key: value, title: title(value) })),
    // A card loaded without its fields (the list from before the view became a board) waits for the
    // reload that brings them, rather than showing under "(none)" for a moment.
    (item) => item.fields ? item.fields[field.key] ?? '' : null, (item, value) => setField(item, field.key, value));
}

/// Columns with a card per conversation; a card moves by dragging it to another column or with
/// its "Move to" menu (the keyboard's way), which changes its status or its field.
function renderBoard(/** @type {ListProps} */ props, columns, columnOf, move) {
  const board = h('div', { class: 'board', id: 'board' });
  columns.forEach(({ key, title }, index) => {
    const items = props.items.filter((item) => columnOf(item) === key);
    const cards = h('ul', { class: 'board-cards' }, ...items.map((item) => card(item, props, columns, columnOf, move)));
    const column = h('section', { class: 'board-column', 'data-column': key, 'aria-labelledby': `board-${index}` },
      h('h3', { id: `board-${index}` }, t('boardColumn').replace('{status}', title).replace('{count}', formatNumber(items.length))), cards);
    column.addEventListener('dragover', (event) => { event.preventDefault(); column.classList.add('drop'); });
    column.addEventListener('dragleave', () => column.classList.remove('drop'));
    column.addEventListener('drop', (event) => {
      event.preventDefault();
      column.classList.remove('drop');
      const id = Number(event.dataTransfer?.getData('text/plain'));
      const item = props.items.find((entry) => entry.id === id);
      if (item && columnOf(item) !== key) move(item, key);
    });
    board.append(column);
  });
  return board;
}

function card(item, /** @type {ListProps} */ props, columns, columnOf, move) {
  const select = h('select', { class: 'move', 'data-key': `move-${item.id}`, 'aria-label': `${t('moveTo')} (#${item.number})` },
    ...columns.map(({ key, title }) => h('option', { value: key, selected: key === columnOf(item) }, title)));
  select.addEventListener('change', () => move(item, select.value));
  const element = h('li', { class: 'card', draggable: 'true', 'data-id': item.id },
    h('a', { href: conversationHash(props.view, item.id) },
      h('span', { class: 'who' }, customerLabel(item, props.inboxes)),
      h('span', { class: 'subject' }, conversationTitle(item)),
      h('span', { class: 'badges' }, channelBadge(item, props.inboxes), slaBadge(item),
        item.priority !== 'normal' ? h('span', { class: `badge priority-${item.priority}` }, t(item.priority)) : null)),
    select);
  element.addEventListener('dragstart', (event) => event.dataTransfer?.setData('text/plain', String(item.id)));
  return element;
}

/** The toolbar for the picked conversations: assign to me, resolve, tag. @param {{ picked: Set<number>, me: any }} props */
function bulkView(props) {
  if (props.picked.size === 0) return [];
  const action = (id, words, changes) => {
    const button = h('button', { type: 'button', id }, words);
    button.addEventListener('click', () => bulk([...props.picked], changes));
    return button;
  };
  const tag = h('input', { type: 'text', id: 'bulk-tag', placeholder: t('addTag'), 'aria-label': t('addTag'), size: 10 });
  tag.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && tag.value.trim()) bulk([...props.picked], { add_tags: [tag.value.trim()] });
  });
  const none = h('button', { type: 'button', id: 'bulk-clear' }, t('close'));
  none.addEventListener('click', () => dispatch({ type: 'pickCleared' }));
  return [h('span', { id: 'bulk-count' }, `${formatNumber(props.picked.size)} ${t('picked')}`),
    action('bulk-assign', t('assignToMe'), { assignee_id: props.me.id }),
    action('bulk-resolve', t('resolve'), { status: 'resolved' }), tag, none];
}

// MARK: Actions

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

async function bulk(ids, changes) {
  try {
    const result = await api('POST', '/conversations/bulk', { ids, changes });
    if (result.failed.length) showError(result.failed.map((failure) => `#${failure.id}: ${failure.detail}`).join(' · '));
    dispatch({ type: 'pickCleared' });
    await loadList(false, true);
    if (state.selectedId) scheduleConversationRefresh();
  } catch (failure) {
    showError(failure.message);
  }
}
