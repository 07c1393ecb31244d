// The agent web app: sign-in, inbox views, the conversation with its composer and controls,
// the customer panel, live updates over the realtime socket, and keyboard shortcuts.
// Plain DOM: every piece of text from the server is set as text, never parsed as HTML.

import { api, query, setCsrfToken, upload, whenSignedOut } from './api.js';
import { t, setLocale, browserLocale, formatTime, formatNumber } from './i18n.js';
import { h, clear } from './dom.js';
import { Realtime } from './realtime.js';
import { renderAdmin } from './admin.js';

const VIEWS = ['mine', 'unassigned', 'open', 'pending', 'snoozed', 'resolved', 'all'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const LANGUAGES = [['en', 'English'], ['pt-BR', 'Português (Brasil)'], ['ru', 'Русский'], ['hr', 'Hrvatski']];

const state = {
  me: null, workspace: null, agents: new Map(),
  view: 'open', sort: 'newest', search: '',
  items: [], cursor: null, counts: {}, loadingList: false,
  selectedId: null, conversation: null, messages: [], timeline: [], customer: null, customerConversations: [],
  mode: 'reply', presence: new Map(), realtime: null,
  inboxes: [], tags: [], teams: [], picked: new Set(),
  attachments: new Map(), pendingFiles: [],
};

const app = document.getElementById('app');
let listRefresh = null;
let conversationRefresh = null;

// MARK: Start and sign-in

whenSignedOut(() => {
  if (!state.me) return;
  state.me = null;
  state.realtime?.close();
  renderSignIn(t('sessionEnded'));
});

async function start() {
  setLocale(browserLocale());
  const invitation = location.hash.match(/^#\/invite\/([A-Za-z0-9_-]+)$/);
  if (invitation) {
    renderAcceptInvite(invitation[1]);
    return;
  }
  try {
    const me = await api('GET', '/auth/me');
    await signedIn(me);
  } catch {
    renderSignIn();
  }
}

function renderSignIn(message) {
  clear(app);
  const error = h('p', { class: 'form-error', role: 'alert', id: 'signin-error' }, message || '');
  const email = h('input', { id: 'signin-email', type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'signin-password', type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Shopdesk'),
    h('label', { for: 'signin-email' }, t('email')), email,
    h('label', { for: 'signin-password' }, t('password')), password,
    error,
    h('button', { type: 'submit', class: 'primary' }, t('signIn')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      await api('POST', '/auth/login', { email: email.value, password: password.value });
      await signedIn(await api('GET', '/auth/me'));
    } catch (failure) {
      error.textContent = failure.message;
      password.select();
    }
  });
  app.append(h('main', { class: 'signin-page' }, form));
  email.focus();
}

/// The page an invitation link opens: choose a password, then straight into the inbox.
function renderAcceptInvite(token) {
  clear(app);
  const error = h('p', { class: 'form-error', role: 'alert', id: 'accept-error' });
  const password = h('input', { id: 'accept-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const repeat = h('input', { id: 'accept-repeat', type: 'password', autocomplete: 'new-password', required: true });
  const form = h('form', { class: 'signin', id: 'accept-invite', 'aria-labelledby': 'accept-title' },
    h('h1', { id: 'accept-title' }, t('welcome')),
    h('p', {}, t('choosePassword')),
    h('label', { for: 'accept-password' }, t('password')), password,
    h('label', { for: 'accept-repeat' }, t('repeatPassword')), repeat,
    error,
    h('button', { type: 'submit', class: 'primary' }, t('join')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    if (password.value !== repeat.value) {
      error.textContent = t('passwordsDiffer');
      return;
    }
    try {
      await api('POST', '/auth/invites/accept', { token, password: password.value });
      history.replaceState(null, '', '#/open');   // the token must not stay in the address bar or history
      await signedIn(await api('GET', '/auth/me'));
    } catch (failure) {
      error.textContent = failure.message;
    }
  });
  app.append(h('main', { class: 'signin-page' }, form));
  password.focus();
}

async function signedIn(me) {
  state.me = me.agent;
  state.workspace = me.workspace;
  setCsrfToken(me.csrf_token);
  setLocale(me.agent.locale, me.workspace.time_zone);
  const [agents, inboxes, tags, teams] = await Promise.all([
    api('GET', '/agents'), api('GET', '/inboxes').catch(() => ({ items: [] })), api('GET', '/tags').catch(() => ({ items: [] })),
    api('GET', '/teams').catch(() => ({ items: [] })),
  ]);
  state.teams = teams.items;
  state.agents = new Map(agents.items.map((agent) => [agent.id, agent]));
  state.inboxes = inboxes.items;
  state.tags = tags.items;
  renderShell();
  state.realtime = new Realtime(onRealtime, (online) => {
    document.getElementById('connection').hidden = online;
  });
  state.realtime.connect();
  await route();
}

// MARK: Layout

function renderShell() {
  clear(app);
  const search = h('input', { id: 'search', type: 'search', placeholder: t('search'), 'aria-label': t('search'), value: state.search });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      state.search = search.value.trim();
      loadList();
    } else if (event.key === 'Escape') {
      search.value = '';
      state.search = '';
      search.blur();
      loadList();
    }
  });
  const signOut = h('button', { type: 'button', id: 'sign-out' }, t('signOut'));
  signOut.addEventListener('click', async () => {
    await api('POST', '/auth/logout').catch(() => {});
    state.me = null;
    state.realtime?.close();
    renderSignIn();
  });
  const notify = h('input', { type: 'checkbox', id: 'notify', checked: localStorage.getItem('shopdesk.notify') === '1' });
  notify.addEventListener('change', async () => {
    if (notify.checked && 'Notification' in window && Notification.permission !== 'granted') {
      notify.checked = (await Notification.requestPermission()) === 'granted';
    }
    localStorage.setItem('shopdesk.notify', notify.checked ? '1' : '0');
  });
  const language = h('select', { id: 'language', 'aria-label': t('language') },
    ...LANGUAGES.map(([value, label]) => h('option', { value, selected: value === state.me.locale }, label)));
  language.addEventListener('change', async () => {
    try {
      state.me = await api('PATCH', '/auth/me', { locale: language.value });
      setLocale(state.me.locale, state.workspace.time_zone);
      renderShell();
      renderList();
      if (state.conversation) { renderConversation(false); renderSidebar(); }
    } catch (failure) {
      showError(failure.message);
    }
  });
  const sort = h('select', { id: 'sort', 'aria-label': t('sort') },
    ...['newest', 'oldest', 'priority'].map((value) => h('option', { value, selected: value === state.sort }, t(value))));
  sort.addEventListener('change', () => { state.sort = sort.value; loadList(); });

  app.append(
    h('header', { class: 'topbar' },
      h('strong', { class: 'brand' }, state.workspace.name),
      search,
      h('label', { class: 'notify' }, notify, ' ', t('notify')),
      language,
      h('a', { href: '#/admin', id: 'settings-link' }, t('settings')),
      h('span', { class: 'me', id: 'me' }, state.me.name),
      signOut),
    h('div', { class: 'banner', id: 'connection', hidden: true, role: 'status' }, t('connectionLost')),
    h('div', { class: 'layout' },
      h('nav', { class: 'views', 'aria-label': t('views') }, h('ul', { id: 'views' })),
      h('section', { class: 'list', 'aria-label': t('views') },
        h('div', { class: 'list-tools' }, h('h2', { id: 'list-title' }), sort),
        h('div', { class: 'bulk', id: 'bulk', hidden: true, role: 'toolbar', 'aria-label': t('bulkActions') }),
        h('ul', { id: 'conversations', class: 'conversation-list' }),
        h('button', { type: 'button', id: 'load-more', hidden: true }, t('loadMore'))),
      h('main', { class: 'conversation', id: 'conversation', tabindex: '-1' }),
      h('aside', { class: 'sidebar', id: 'sidebar', 'aria-label': t('customer') }),
      h('section', { class: 'admin', id: 'admin', hidden: true, 'aria-labelledby': 'admin-title' })),
    h('dialog', { id: 'help', 'aria-labelledby': 'help-title' }));
  document.getElementById('load-more').addEventListener('click', () => loadList(true));
  renderViews();
}

function renderViews() {
  const list = document.getElementById('views');
  if (!list) return;
  clear(list);
  const link = (view, label, count) => h('li', {}, h('a', { href: `#/${view}`, 'aria-current': !state.search && state.view === view ? 'page' : null },
    h('span', {}, label),
    count === undefined ? null : h('span', { class: 'count', id: `count-${view}` }, formatNumber(count))));
  for (const view of VIEWS) list.append(link(view, t(view), state.counts[view]));
  const section = (title, items) => {
    if (items.length === 0) return;
    list.append(h('li', { class: 'section', role: 'presentation' }, title));
    for (const item of items) list.append(item);
  };
  section(t('inboxes'), state.inboxes.map((inbox) => link(`inbox:${inbox.id}`, inbox.name)));
  section(t('priority'), ['urgent', 'high'].map((priority) => link(`priority:${priority}`, t(priority))));
  section(t('tags'), state.tags.slice(0, 30).map((tag) => link(`tag:${encodeURIComponent(tag.name)}`, `#${tag.name}`)));
}

/// Standard views by name; `inbox:ID`, `priority:P` and `tag:NAME` filter the open (for tags:
/// all) conversations.
function validView(view) {
  return VIEWS.includes(view) || /^(inbox:\d+|priority:(low|normal|high|urgent)|tag:.+)$/.test(view || '');
}

function listParams() {
  const [kind, value] = [state.view.split(':')[0], state.view.slice(state.view.indexOf(':') + 1)];
  if (kind === 'inbox') return { view: 'open', inbox: value };
  if (kind === 'priority') return { view: 'open', priority: value };
  if (kind === 'tag') return { view: 'all', tag: decodeURIComponent(value) };
  return { view: state.view };
}

function viewTitle() {
  const [kind, value] = [state.view.split(':')[0], state.view.slice(state.view.indexOf(':') + 1)];
  if (kind === 'inbox') return state.inboxes.find((inbox) => String(inbox.id) === value)?.name || t('inboxes');
  if (kind === 'priority') return t(value);
  if (kind === 'tag') return `#${decodeURIComponent(value)}`;
  return t(state.view);
}

// MARK: Routing: #/<view>[/<conversation id>]

window.addEventListener('hashchange', () => { if (state.me) route(); });

/// Shows what the location hash names. Hash changes can come faster than the list loads; a
/// route that a newer one has replaced stops after its await instead of acting on its old hash.
let routes = 0;
async function route() {
  const current = ++routes;
  const [, view, id] = location.hash.split('/');
  const layout = document.querySelector('.layout');
  const admin = document.getElementById('admin');
  if (view === 'admin') {
    layout.classList.add('admin-mode');
    admin.hidden = false;
    await renderAdmin(admin, state.me, refreshNavigation).catch((failure) => showError(failure.message));
    return;
  }
  layout?.classList.remove('admin-mode');
  if (admin) admin.hidden = true;
  const nextView = validView(view) ? view : 'open';
  const nextID = id ? Number(id) : null;
  if (nextView !== state.view || state.items.length === 0) {
    state.view = nextView;
    state.search = '';
    const search = document.getElementById('search');
    if (search) search.value = '';
    await loadList();
    if (current !== routes) return;
  }
  if (nextID !== state.selectedId) await openConversation(nextID);
}

/// Inboxes, tags or teams changed in the settings: the navigation and controls list them.
async function refreshNavigation() {
  const [inboxes, tags, teams] = await Promise.all([api('GET', '/inboxes'), api('GET', '/tags'), api('GET', '/teams')])
    .catch(() => [null, null, null]);
  if (inboxes) state.inboxes = inboxes.items;
  if (tags) state.tags = tags.items;
  if (teams) state.teams = teams.items;
  renderViews();
}

function conversationHash(id) {
  return `#/${state.view}${id ? `/${id}` : ''}`;
}

// MARK: Conversation list

/// Loads the list. `more` appends the next page; `keep` (refreshes after realtime events and
/// changes) reloads as many rows as are shown, up to 200, so pages loaded with "Load more" stay.
/// A load asked for while one runs is not lost: it runs again when that one ends.
async function loadList(more = false, keep = false) {
  if (state.loadingList) {
    state.listStale = true;
    return;
  }
  state.loadingList = true;
  try {
    if (state.search) {
      const result = await api('GET', `/search${query({ q: state.search, limit: 50 })}`);
      state.items = result.items;
      state.cursor = null;
    } else {
      const limit = keep ? Math.min(200, Math.max(50, state.items.length)) : 50;
      const page = await api('GET', `/conversations${query({ ...listParams(), sort: state.sort, limit, cursor: more ? state.cursor : null })}`);
      state.items = more ? state.items.concat(page.items) : page.items;
      state.cursor = page.next_cursor;
      state.counts = page.counts || state.counts;
    }
  } catch (failure) {
    showError(failure.message);
  } finally {
    state.loadingList = false;
  }
  if (state.listStale) {
    state.listStale = false;
    return loadList(false, true);
  }
  renderViews();
  renderList();
}

function renderList() {
  const list = document.getElementById('conversations');
  if (!list) return;
  document.getElementById('list-title').textContent = state.search ? `${t('searchResults')}: ${state.search}` : viewTitle();
  const visible = new Set(state.items.map((item) => item.id));
  for (const id of state.picked) if (!visible.has(id)) state.picked.delete(id);
  clear(list);
  if (state.items.length === 0) list.append(h('li', { class: 'empty' }, t('noConversations')));
  for (const item of state.items) {
    const customer = item.customer?.name || item.customer?.email || item.customer?.phone || `#${item.customer_id}`;
    const unread = Boolean(item.unread) && item.id !== state.selectedId;
    const pick = h('input', { type: 'checkbox', class: 'pick', 'aria-label': `${t('pick')} #${item.number}`, checked: state.picked.has(item.id) });
    pick.addEventListener('change', () => {
      if (pick.checked) state.picked.add(item.id); else state.picked.delete(item.id);
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
        h('span', { class: 'subject' }, item.subject || `#${item.number}`),
        h('span', { class: 'preview' }, item.last_message?.preview || ''),
        h('span', { class: 'badges' },
          item.priority !== 'normal' ? h('span', { class: `badge priority-${item.priority}` }, t(item.priority)) : null,
          item.urgent ? h('span', { class: 'badge urgent' }, '!') : null,
          item.intent ? h('span', { class: 'badge intent' }, item.intent.replaceAll('_', ' ')) : null,
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
  none.addEventListener('click', () => { state.picked.clear(); renderList(); });
  bar.append(h('span', { id: 'bulk-count' }, `${formatNumber(state.picked.size)} ${t('picked')}`),
    action('bulk-assign', t('assignToMe'), { assignee_id: state.me.id }),
    action('bulk-resolve', t('resolve'), { status: 'resolved' }), tag, none);
}

async function bulk(changes) {
  try {
    const result = await api('POST', '/conversations/bulk', { ids: [...state.picked], changes });
    if (result.failed.length) showError(result.failed.map((failure) => `#${failure.id}: ${failure.detail}`).join(' · '));
    state.picked.clear();
    await loadList(false, true);
    if (state.selectedId) scheduleConversationRefresh();
  } catch (failure) {
    showError(failure.message);
  }
}

function scheduleListRefresh() {
  clearTimeout(listRefresh);
  listRefresh = setTimeout(() => loadList(false, true), 250);
}

// MARK: One conversation

async function openConversation(id) {
  if (state.selectedId && state.selectedId !== id) {
    state.realtime?.presence(state.selectedId, 'left');
    state.pendingFiles = [];
  }
  state.selectedId = id;
  renderList();
  const pane = document.getElementById('conversation');
  const sidebar = document.getElementById('sidebar');
  if (!id) {
    clear(pane);
    clear(sidebar);
    pane.append(h('p', { class: 'placeholder' }, t('selectConversation')));
    return;
  }
  try {
    if (!(await loadConversation(id))) return;   // a newer load or another conversation took over
  } catch (failure) {
    clear(pane);
    pane.append(h('p', { class: 'form-error', role: 'alert' }, failure.message));
    return;
  }
  state.realtime?.presence(id, 'viewing');
  markRead(id);
  renderConversation(true);
  renderSidebar();
}

/// Loads a conversation with its thread and customer. Loads can overlap (opening, a change, a
/// realtime event); only the latest one started is applied, so an older answer never
/// overwrites a newer one. Returns whether this load was applied.
let conversationLoads = 0;
async function loadConversation(id) {
  const load = ++conversationLoads;
  const [conversation, messages, timeline] = await Promise.all([
    api('GET', `/conversations/${id}`),
    api('GET', `/conversations/${id}/messages${query({ limit: 500 })}`),
    api('GET', `/conversations/${id}/timeline`),
  ]);
  const fromChat = state.inboxes.find((inbox) => inbox.id === conversation.inbox_id)?.kind === 'chat';
  const [customer, past, visitor] = await Promise.all([
    api('GET', `/customers/${conversation.customer_id}`).catch(() => null),
    api('GET', `/conversations${query({ customer: conversation.customer_id, limit: 10 })}`).catch(() => ({ items: [] })),
    fromChat ? api('GET', `/conversations/${id}/visitor`).catch(() => null) : null,
  ]);
  const missing = [...new Set(messages.items.flatMap((message) => message.attachment_ids))].filter((key) => !state.attachments.has(key));
  const details = await Promise.all(missing.map((key) => api('GET', `/attachments/${key}`).catch(() => null)));
  for (const detail of details) if (detail) state.attachments.set(detail.id, detail);
  if (load !== conversationLoads || state.selectedId !== id) return false;
  state.conversation = conversation;
  state.messages = messages.items;
  state.timeline = timeline.items;
  state.customer = customer;
  state.customerConversations = past.items;
  state.visitor = visitor;
  return true;
}

/// Tells the server this agent has seen the conversation, so lists stop marking it unread.
function markRead(id) {
  if (state.conversation?.last_message?.direction !== 'inbound') return;
  api('POST', `/conversations/${id}/read`).then(() => {
    const item = state.items.find((entry) => entry.id === id);
    if (item?.unread) { item.unread = false; renderList(); }
  }).catch(() => { /* the marker is a convenience; the next open tries again */ });
}

function scheduleConversationRefresh() {
  clearTimeout(conversationRefresh);
  conversationRefresh = setTimeout(async () => {
    const id = state.selectedId;
    if (!id) return;
    try {
      if (!(await loadConversation(id))) return;
      markRead(id);
      renderConversation(false);
      renderSidebar();
    } catch { /* the next event or a reload will try again */ }
  }, 150);
}

/// Messages and timeline events in one thread, in time order.
function threadEntries() {
  const entries = state.messages.map((message) => ({ at: message.created_at, message }));
  for (const event of state.timeline) {
    // Shown on the message itself (delivery) or beside the thread (classification).
    if (['message.created', 'message.delivery_changed', 'conversation.classified'].includes(event.kind)) continue;
    entries.push({ at: event.occurred_at, event });
  }
  return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

function agentName(id) {
  return state.agents.get(id)?.name || `#${id}`;
}

function describeEvent(event) {
  const who = event.actor?.type === 'agent' ? agentName(event.actor.id) : event.actor?.type === 'customer' ? t('customer') : 'Shopdesk';
  const p = event.payload || {};
  switch (event.kind) {
    case 'conversation.created': return `${t('started')} (${who})`;
    case 'conversation.status_changed': return `${who}: ${t(p.from) || p.from} → ${t(p.to) || p.to}`;
    case 'conversation.assignee_changed': return `${who}: ${t('assignee')} → ${p.to ? agentName(p.to) : t('nobody')}`;
    case 'conversation.priority_changed': return `${who}: ${t('priority')} → ${t(p.to)}`;
    case 'conversation.merge_received': return `${who}: ${t('mergedFrom')} (${p.messages_moved ?? 0} ${t('messages')})`;
    case 'conversation.merged': return `${who}: ${t('mergeInto')} →`;
    case 'conversation.team_changed': return `${who}: ${t('team')} → ${state.teams.find((team) => team.id === p.to)?.name || t('noTeam')}`;
    case 'conversation.tags_changed': return `${who}: ${t('tags')} ${[...(p.added || []).map((x) => `+${x}`), ...(p.removed || []).map((x) => `−${x}`)].join(' ')}`;
    default: return `${who}: ${event.kind}`;
  }
}

function renderConversation(focusThread) {
  const pane = document.getElementById('conversation');
  const conversation = state.conversation;
  if (!pane || !conversation) return;
  const composer = document.getElementById('composer-text');
  const keepTyping = composer && document.activeElement === composer;
  const thread = h('ol', { class: 'thread', id: 'thread', 'aria-label': conversation.subject || `#${conversation.number}` });
  for (const entry of threadEntries()) {
    if (entry.event) {
      thread.append(h('li', { class: 'event' }, h('span', {}, describeEvent(entry.event)), ' ',
        h('time', { datetime: entry.at }, formatTime(entry.at))));
      continue;
    }
    const message = entry.message;
    const kind = message.private ? 'note' : message.direction === 'inbound' ? 'inbound' : 'outbound';
    const author = message.direction === 'inbound'
      ? (state.conversation.customer?.name || state.conversation.customer?.email || t('customer'))
      : agentName(message.author_agent_id);
    const delivery = !message.private && message.direction === 'outbound' && message.delivery_status
      ? h('span', { class: `delivery ${message.delivery_status}`, title: message.delivery_error || '' },
        t(message.delivery_status), message.delivery_error ? `: ${message.delivery_error}` : '')
      : null;
    thread.append(h('li', { class: `message ${kind}`, 'data-message-id': message.id },
      h('div', { class: 'meta' },
        h('strong', {}, author),
        message.private ? h('span', { class: 'badge note-badge' }, t('internal')) : null,
        h('time', { datetime: message.created_at }, formatTime(message.created_at)),
        delivery),
      h('div', { class: 'text' }, message.text),
      message.attachment_ids.length
        ? h('ul', { class: 'attachments' }, ...message.attachment_ids.map((key) => {
          const detail = state.attachments.get(key);
          return h('li', {}, h('a', { href: `/api/v1/attachments/${key}/download`, download: detail?.file_name || '' },
            detail ? `${detail.file_name} (${formatSize(detail.size)})` : `#${key}`));
        }))
        : null));
  }
  const draft = composer ? composer.value : loadDraft(conversation.id, state.mode);
  clear(pane);
  pane.append(
    h('header', { class: 'conversation-head' },
      h('h2', { id: 'conversation-title' }, conversation.subject || `#${conversation.number}`),
      h('span', { class: 'number' }, `#${conversation.number}`),
      h('span', { class: 'presence', id: 'presence', role: 'status' }, presenceText(conversation.id))),
    controls(conversation),
    thread,
    composerForm(conversation, draft));
  thread.scrollTop = thread.scrollHeight;
  if (keepTyping) {
    const text = document.getElementById('composer-text');
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);
  } else if (focusThread) {
    pane.focus({ preventScroll: true });
  }
}

function controls(conversation) {
  const status = h('select', { id: 'status', 'aria-label': t('status') },
    ...['open', 'pending', 'resolved'].map((value) => h('option', { value, selected: conversation.status === value }, t(value))),
    conversation.status === 'snoozed' ? h('option', { value: 'snoozed', selected: true, disabled: true }, t('snoozed')) : null);
  status.addEventListener('change', () => update({ status: status.value }));

  const priority = h('select', { id: 'priority', 'aria-label': t('priority') },
    ...PRIORITIES.map((value) => h('option', { value, selected: conversation.priority === value }, t(value))));
  priority.addEventListener('change', () => update({ priority: priority.value }));

  const assignee = h('select', { id: 'assignee', 'aria-label': t('assignee') },
    h('option', { value: '', selected: !conversation.assignee_id }, t('nobody')),
    ...[...state.agents.values()].filter((agent) => !agent.disabled)
      .map((agent) => h('option', { value: agent.id, selected: conversation.assignee_id === agent.id }, agent.name)));
  assignee.addEventListener('change', () => update({ assignee_id: assignee.value ? Number(assignee.value) : null }));

  const team = state.teams.length === 0 ? null : h('select', { id: 'team', 'aria-label': t('team') },
    h('option', { value: '', selected: !conversation.team_id }, t('noTeam')),
    ...state.teams.map((item) => h('option', { value: item.id, selected: conversation.team_id === item.id }, item.name)));
  team?.addEventListener('change', () => update({ team_id: team.value ? Number(team.value) : null }));

  const snooze = h('select', { id: 'snooze', 'aria-label': t('snoozeUntil') },
    h('option', { value: '' }, `${t('snooze')}…`),
    ...[[1, '1 h'], [4, '4 h'], [24, '24 h'], [72, '3 d'], [168, '7 d']].map(([hours, label]) => h('option', { value: hours }, label)));
  snooze.addEventListener('change', () => {
    if (!snooze.value) return;
    update({ snooze_until: new Date(Date.now() + Number(snooze.value) * 3600_000).toISOString() });
  });

  const tagInput = h('input', { id: 'tag-input', type: 'text', placeholder: t('addTag'), 'aria-label': t('addTag'), size: 12 });
  tagInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && tagInput.value.trim()) {
      event.preventDefault();
      update({ add_tags: [tagInput.value.trim()] });
    }
  });
  const tags = h('ul', { class: 'tags', 'aria-label': t('tags') },
    ...conversation.tags.map((tag) => {
      const remove = h('button', { type: 'button', class: 'tag-remove', 'aria-label': `${t('removeTag')} ${tag}` }, '×');
      remove.addEventListener('click', () => update({ remove_tags: [tag] }));
      return h('li', { class: 'badge tag' }, tag, remove);
    }));
  return h('div', { class: 'controls' },
    h('label', {}, h('span', { class: 'label' }, t('status')), status),
    h('label', {}, h('span', { class: 'label' }, t('priority')), priority),
    h('label', {}, h('span', { class: 'label' }, t('assignee')), assignee),
    team ? h('label', {}, h('span', { class: 'label' }, t('team')), team) : null,
    snooze,
    conversation.status === 'snoozed' && conversation.snoozed_until
      ? h('span', { class: 'snoozed-until', id: 'snoozed-until' }, `${t('snoozeUntil')} ${formatTime(conversation.snoozed_until)}`) : null,
    tags, tagInput);
}

function composerForm(conversation, draft) {
  const text = h('textarea', {
    id: 'composer-text', rows: 4, 'aria-label': state.mode === 'note' ? t('note') : t('reply'),
    placeholder: state.mode === 'note' ? t('notePlaceholder') : t('replyPlaceholder'),
  });
  text.value = draft || '';
  let lastTyping = 0;
  text.addEventListener('input', () => {
    saveDraft(conversation.id, state.mode, text.value);
    if (Date.now() - lastTyping > 3000) {
      lastTyping = Date.now();
      // Only a reply shows as "typing" to a chat visitor; a note never does.
      state.realtime?.presence(conversation.id, 'typing', state.mode === 'reply');
    }
  });
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === 'Escape') {
      text.blur();
      document.getElementById('conversation').focus();
    }
  });
  const modeButton = (mode) => {
    const button = h('button', { type: 'button', class: `mode${state.mode === mode ? ' active' : ''}`, id: `mode-${mode}`,
      'aria-pressed': state.mode === mode ? 'true' : 'false' }, mode === 'note' ? t('note') : t('reply'));
    button.addEventListener('click', () => setMode(mode));
    return button;
  };
  const error = h('p', { class: 'form-error', role: 'alert', id: 'composer-error' });
  const files = h('input', { type: 'file', id: 'composer-files', multiple: true, class: 'visually-hidden' });
  files.addEventListener('change', async () => {
    error.textContent = '';
    for (const file of files.files) {
      try {
        state.pendingFiles.push(await upload(file));
      } catch (failure) {
        error.textContent = failure.message;
      }
    }
    files.value = '';
    renderPending();
  });
  const pending = h('ul', { class: 'pending-files', id: 'pending-files', 'aria-label': t('attachments') });
  const form = h('form', { class: `composer ${state.mode}`, id: 'composer' },
    h('div', { class: 'modes', role: 'group' }, modeButton('reply'), modeButton('note'),
      files, h('label', { for: 'composer-files', class: 'attach' }, t('attach'))),
    text, pending, error,
    h('button', { type: 'submit', class: 'primary', id: 'send' }, state.mode === 'note' ? t('addNote') : t('send')));
  queueMicrotask(renderPending);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = text.value.trim();
    if (!body) return;
    error.textContent = '';
    const send = document.getElementById('send');
    send.disabled = true;
    try {
      await api('POST', `/conversations/${conversation.id}/messages`, {
        text: body, private: state.mode === 'note', attachment_ids: state.pendingFiles.map((file) => file.id),
      });
      state.pendingFiles = [];
      text.value = '';
      saveDraft(conversation.id, state.mode, '');
      scheduleListRefresh();
      if (await loadConversation(conversation.id)) {
        renderConversation(false);
        document.getElementById('composer-text')?.focus();
      }
    } catch (failure) {
      error.textContent = failure.message;
    } finally {
      const again = document.getElementById('send');
      if (again) again.disabled = false;
    }
  });
  return form;
}

function renderPending() {
  const list = document.getElementById('pending-files');
  if (!list) return;
  clear(list);
  state.pendingFiles.forEach((file, index) => {
    const remove = h('button', { type: 'button', class: 'tag-remove', 'aria-label': `${t('remove')} ${file.file_name}` }, '×');
    remove.addEventListener('click', () => { state.pendingFiles.splice(index, 1); renderPending(); });
    list.append(h('li', { class: 'badge' }, `${file.file_name} (${formatSize(file.size)})`, remove));
  });
}

function formatSize(bytes) {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024))} KB`;
  return `${formatNumber(Math.round(bytes / 1024 / 102.4) / 10)} MB`;
}

function setMode(mode) {
  const current = document.getElementById('composer-text');
  if (current && state.conversation) saveDraft(state.conversation.id, state.mode, current.value);
  state.mode = mode;
  if (current) current.value = loadDraft(state.conversation.id, mode);
  renderConversation(false);
  document.getElementById('composer-text')?.focus();
}

function draftKey(id, mode) { return `shopdesk.draft.${state.me?.id}.${id}.${mode}`; }
function loadDraft(id, mode) { return localStorage.getItem(draftKey(id, mode)) || ''; }
function saveDraft(id, mode, text) {
  if (text) localStorage.setItem(draftKey(id, mode), text);
  else localStorage.removeItem(draftKey(id, mode));
}

async function update(changes) {
  const id = state.selectedId;
  if (!id) return;
  try {
    await api('PATCH', `/conversations/${id}`, changes);
    scheduleListRefresh();
    if (!(await loadConversation(id))) return;
    renderConversation(false);
    renderSidebar();
  } catch (failure) {
    showError(failure.message);
  }
}

function renderSidebar() {
  const sidebar = document.getElementById('sidebar');
  const conversation = state.conversation;
  if (!sidebar || !conversation) return;
  clear(sidebar);
  const customer = state.customer || conversation.customer || {};
  const lastInbound = [...state.messages].reverse().find((message) => message.direction === 'inbound');
  const classification = lastInbound?.classification;
  sidebar.append(
    h('section', { class: 'panel', 'aria-labelledby': 'customer-title' },
      h('h3', { id: 'customer-title' }, t('customer')),
      h('p', { class: 'customer-name' }, customer.name || customer.email || customer.phone || `#${conversation.customer_id}`),
      customer.email ? h('p', {}, h('a', { href: `mailto:${customer.email}` }, customer.email)) : null,
      customer.phone ? h('p', {}, customer.phone) : null,
      customer.identities?.length
        ? h('div', {}, h('h4', {}, t('identities')),
          h('ul', { class: 'identities' }, ...customer.identities.map((identity) => h('li', {}, `${identity.kind}: ${identity.value}`))))
        : null),
    visitorPanel(state.visitor),
    h('section', { class: 'panel', 'aria-labelledby': 'classification-title' },
      h('h3', { id: 'classification-title' }, t('classification')),
      h('dl', {},
        h('dt', {}, t('intent')), h('dd', { id: 'intent' }, conversation.intent ? conversation.intent.replaceAll('_', ' ') : '—'),
        h('dt', {}, t('sentiment')), h('dd', { id: 'sentiment' }, conversation.sentiment || '—'),
        h('dt', {}, t('language')), h('dd', {}, classification?.language || conversation.language || '—'))),
    h('section', { class: 'panel', 'aria-labelledby': 'past-title' },
      h('h3', { id: 'past-title' }, t('pastConversations')),
      h('ul', { class: 'past' }, ...state.customerConversations.map((item) => {
        // The customer's other conversations can take this one in: its messages move there.
        const merge = item.id === conversation.id || item.merged_into || item.status === 'resolved' ? null
          : h('button', { type: 'button', class: 'merge', 'data-into': item.id, title: `${t('mergeInto')} #${item.number}` }, t('mergeHere'));
        merge?.addEventListener('click', () => mergeInto(item));
        return h('li', {}, h('a', { href: conversationHash(item.id), 'aria-current': item.id === conversation.id ? 'page' : null },
          `#${item.number} ${item.subject || ''}`), ' ', h('span', { class: `badge status-${item.status}` }, t(item.status)), merge);
      }))));
}

/// Where a chat visitor is on the shop's site, as the widget reported it.
function visitorPanel(visitor) {
  if (!visitor) return null;
  const context = visitor.context || {};
  const link = (url, label) => h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow' }, label || url);
  return h('section', { class: 'panel', id: 'visitor-panel', 'aria-labelledby': 'visitor-title' },
    h('h3', { id: 'visitor-title' }, t('visitor')),
    h('dl', {},
      visitor.name ? [h('dt', {}, t('name')), h('dd', {}, visitor.name)] : null,
      visitor.email ? [h('dt', {}, t('email')), h('dd', {}, `${visitor.email} (${t('unverified')})`)] : null,
      visitor.identifier ? [h('dt', {}, t('verifiedId')), h('dd', {}, visitor.identifier)] : null,
      context.url ? [h('dt', {}, t('currentPage')), h('dd', { id: 'visitor-page' }, link(context.url, context.title))] : null,
      context.referrer ? [h('dt', {}, t('referrer')), h('dd', {}, link(context.referrer))] : null,
      context.user_agent ? [h('dt', {}, t('browser')), h('dd', {}, browserName(context.user_agent))] : null),
    context.pages?.length > 1
      ? h('details', {}, h('summary', {}, `${t('pagesVisited')} (${context.pages.length})`),
        h('ol', { class: 'pages' }, ...context.pages.map((page) => h('li', {}, link(page.url, page.title), ' ', h('span', { class: 'hint' }, formatTime(page.at))))))
      : null);
}

/// "Firefox 132 on Android" from a user-agent string; the raw string as the tooltip.
function browserName(agent) {
  const browser = [/Edg\/(\d+)/, 'Edge'], chrome = [/Chrome\/(\d+)/, 'Chrome'], firefox = [/Firefox\/(\d+)/, 'Firefox'], safari = [/Version\/(\d+).*Safari/, 'Safari'];
  const found = [browser, firefox, chrome, safari].map(([pattern, name]) => [agent.match(pattern), name]).find(([match]) => match);
  const system = [[/Android/, 'Android'], [/iPhone|iPad/, 'iOS'], [/Windows/, 'Windows'], [/Mac OS X/, 'macOS'], [/Linux/, 'Linux']].find(([pattern]) => pattern.test(agent))?.[1];
  const name = found ? `${found[1]} ${found[0][1]}` : agent.slice(0, 60);
  return h('span', { title: agent }, system ? `${name} · ${system}` : name);
}

async function mergeInto(target) {
  const source = state.conversation;
  if (!source || !window.confirm(`${t('mergeInto')} #${target.number}?`)) return;
  try {
    const survivor = await api('POST', `/conversations/${source.id}/merge`, { into: target.id });
    scheduleListRefresh();
    history.pushState(null, '', conversationHash(survivor.id));
    await openConversation(survivor.id);
  } catch (failure) {
    showError(failure.message);
  }
}

// MARK: Realtime

function onRealtime(message) {
  if (message.type === 'hello' || message.type === 'conversation.read') return;
  if (message.type === 'visitor.typing') {
    if (message.conversation_id !== state.selectedId) return;
    state.visitorTypingUntil = message.payload?.state === 'typing' ? Date.now() + 6000 : 0;
    showPresence();
    setTimeout(showPresence, 6100);
    return;
  }
  if (message.type === 'presence') {
    if (message.payload?.agent_id === state.me?.id) return;
    const key = message.conversation_id;
    const entries = state.presence.get(key) || new Map();
    if (message.payload.state === 'left') entries.delete(message.payload.agent_id);
    else entries.set(message.payload.agent_id, { name: message.payload.name, state: message.payload.state, at: Date.now() });
    state.presence.set(key, entries);
    if (key === state.selectedId) showPresence();
    return;
  }
  if (message.type === 'conversation.assignee_changed' && message.payload?.to === state.me?.id
      && message.actor?.id !== state.me?.id && localStorage.getItem('shopdesk.notify') === '1'
      && 'Notification' in window && Notification.permission === 'granted') {
    new Notification(t('newAssigned'), { body: `#${message.conversation_id}`, tag: `conversation-${message.conversation_id}` });
  }
  scheduleListRefresh();
  if (message.conversation_id && message.conversation_id === state.selectedId) scheduleConversationRefresh();
}

function showPresence() {
  const element = document.getElementById('presence');
  if (element) element.textContent = presenceText(state.selectedId);
}

function presenceText(id) {
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
    case 'a': if (state.conversation) update({ assignee_id: state.me.id }); break;
    case '/': event.preventDefault(); document.getElementById('search')?.focus(); break;
    case 'x':
      if (state.selectedId) {
        if (state.picked.has(state.selectedId)) state.picked.delete(state.selectedId); else state.picked.add(state.selectedId);
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
  const dialog = document.getElementById('help');
  clear(dialog);
  const closeButton = h('button', { type: 'button', class: 'primary' }, t('close'));
  closeButton.addEventListener('click', () => dialog.close());
  dialog.append(h('h2', { id: 'help-title' }, t('shortcuts')),
    h('dl', { class: 'keys' }, ...t('keys').flatMap(([key, what]) => [h('dt', {}, h('kbd', {}, key)), h('dd', {}, what)])),
    closeButton);
  dialog.showModal();
  closeButton.focus();
}

function showError(message) {
  const banner = document.getElementById('connection');
  if (!banner) return;
  banner.textContent = message;
  banner.hidden = false;
  setTimeout(() => { banner.hidden = true; banner.textContent = t('connectionLost'); }, 6000);
}

start();
