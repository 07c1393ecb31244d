// The page layout (top bar, views, list, conversation, sidebar), which mounts the views, and
// routing by location hash (`router.js` reads it).

import { renderAdmin } from './admin.js';
import { renderReports } from './reports.js';
import { renderScoreboard } from './scoreboard.js';
import { api } from './api.js';
import { clear, h } from './dom.js';
import { formatNumber, setLocale, t } from './i18n.js';
import { renderConversation } from './conversation.js';
import { renderList } from './list.js';
import { renderSidebar, sidebarParts } from './sidebar.js';
import { loadList, selectConversation } from './loaders.js';
import { showError } from './notices.js';
import { parseHash } from './router.js';
import { notificationsButton } from './notifications.js';
import { forgetThisBrowser } from './push.js';
import { openViewEditor, savedViewItems } from './saved-views.js';
import { mount } from './mount.js';
import { LANGUAGES, VIEWS, app, dispatch, state, subscribe } from './state.js';

// On a phone the list and the open conversation are separate screens: the layout knows which.
subscribe((next, previous, action) => {
  if (action.type !== 'conversationSelected') return;
  const layout = document.querySelector('.layout');
  layout?.classList.toggle('has-conversation', Boolean(next.selectedId));
  if (next.selectedId !== previous.selectedId) layout?.classList.remove('customer-open');
});

// The views' navigation (with the counts of the last list loaded, the inboxes, saved views and
// tags) and the list's view tools, as views of their props.
const navigation = mount(() => document.getElementById('views'), navigationView, (s) => ({
  view: s.view, search: s.search, counts: s.counts, inboxes: s.inboxes, tags: s.tags,
  savedViews: s.savedViews, viewCounts: s.viewCounts, viewCountCap: s.viewCountCap,
}));
const viewTools = mount(() => document.getElementById('view-tools'), viewToolsView,
  (s) => ({ view: s.view, search: s.search, savedViews: s.savedViews }));

// MARK: Layout

/** Draws the page for the signed-in agent; `onSignOut` runs once they have signed out. */
export function renderShell(onSignOut) {
  clear(app);
  const search = h('input', { id: 'search', type: 'search', placeholder: t('search'), 'aria-label': t('search'), value: state.search });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      dispatch({ type: 'searched', search: search.value.trim() });
      loadList();
    } else if (event.key === 'Escape') {
      search.value = '';
      dispatch({ type: 'searched', search: '' });
      search.blur();
      loadList();
    }
  });
  const signOut = h('button', { type: 'button', id: 'sign-out' }, t('signOut'));
  signOut.addEventListener('click', async () => {
    await forgetThisBrowser();
    await api('POST', '/auth/logout').catch(() => {});
    onSignOut();
  });
  const notify = h('input', { type: 'checkbox', id: 'notify', checked: localStorage.getItem('shopdesk.notify') === '1' });
  notify.addEventListener('change', async () => {
    if (notify.checked && 'Notification' in window && Notification.permission !== 'granted') {
      notify.checked = (await Notification.requestPermission()) === 'granted';
    }
    localStorage.setItem('shopdesk.notify', notify.checked ? '1' : '0');
  });
  const away = h('input', { type: 'checkbox', id: 'away' });
  away.addEventListener('change', () => api('PUT', '/auth/me/availability', { away: away.checked }).catch((failure) => showError(failure.message)));
  api('GET', '/availability').then((answer) => {
    away.checked = Boolean(answer.items.find((item) => item.agent_id === state.me.id)?.away);
  }).catch(() => { /* the switch starts unchecked; the next change saves it */ });
  const language = h('select', { id: 'language', 'aria-label': t('language') },
    ...LANGUAGES.map(([value, label]) => h('option', { value, selected: value === state.me.locale }, label)));
  language.addEventListener('change', async () => {
    try {
      dispatch({ type: 'meChanged', me: await api('PATCH', '/auth/me', { locale: language.value }) });
      setLocale(state.me.locale, state.workspace.time_zone);
      renderShell();
      renderList();
      renderConversation();
      renderSidebar();
    } catch (failure) {
      showError(failure.message);
    }
  });
  const sort = h('select', { id: 'sort', 'aria-label': t('sort') },
    ...['newest', 'oldest', 'priority', 'sla'].map((value) => h('option', { value, selected: value === state.sort }, t(value))));
  sort.addEventListener('change', () => { dispatch({ type: 'sorted', sort: sort.value }); loadList(); });

  app.append(
    h('header', { class: 'topbar' },
      h('strong', { class: 'brand' }, state.workspace.name),
      search,
      h('label', { class: 'notify' }, notify, ' ', t('notify')),
      h('label', { class: 'notify' }, away, ' ', t('away')),
      language,
      notificationsButton(),
      h('a', { href: '#/reports', id: 'reports-link' }, t('reports')),
      h('a', { href: '#/admin', id: 'settings-link' }, t('settings')),
      h('span', { class: 'me', id: 'me' }, state.me.name),
      signOut),
    h('div', { class: 'banner', id: 'connection', hidden: true, role: 'status' }, t('connectionLost')),
    h('div', { class: 'banner notice', id: 'notice', hidden: true, role: 'status' }),
    h('ul', { class: 'undo-sends', id: 'undo-sends', 'aria-live': 'polite', 'aria-label': t('waitingReplies') }),
    h('div', { class: `layout${state.selectedId ? ' has-conversation' : ''}` },
      h('nav', { class: 'views', 'aria-label': t('views') }, h('ul', { id: 'views' })),
      h('section', { class: 'list', 'aria-label': t('views') },
        h('div', { class: 'list-tools' }, h('h2', { id: 'list-title' }), h('span', { id: 'view-tools' }), sort),
        h('div', { class: 'bulk', id: 'bulk', hidden: true, role: 'toolbar', 'aria-label': t('bulkActions') }),
        h('div', { id: 'list-body' })),
      h('main', { class: 'conversation', id: 'conversation', tabindex: '-1' },
        h('div', { class: 'pane-part', id: 'conversation-view' }), h('div', { class: 'pane-part', id: 'composer-slot' })),
      h('aside', { class: 'sidebar', id: 'sidebar', 'aria-label': t('customer') }, ...sidebarParts()),
      h('section', { class: 'admin', id: 'admin', hidden: true, 'aria-labelledby': 'admin-title' }),
      h('section', { class: 'admin reports', id: 'reports', hidden: true, 'aria-labelledby': 'reports-title' })),
    h('dialog', { id: 'help', 'aria-labelledby': 'help-title' }));
  renderViews();
}

/** Draws the navigation and the view tools again (a new shell, or the language changed). */
export function renderViews() {
  navigation.draw();
  viewTools.draw();
}

/** @param {{ view: string, search: string, counts: Record<string, number>, inboxes: any[], tags: any[], savedViews: any[], viewCounts: Record<string, number>, viewCountCap: number }} props */
function navigationView(props) {
  const link = (view, label, count) => h('li', {}, h('a', { href: `#/${view}`, 'aria-current': !props.search && props.view === view ? 'page' : null },
    h('span', {}, label),
    count === undefined ? null : h('span', { class: 'count', id: `count-${view}` }, formatNumber(count))));
  const items = VIEWS.map((view) => link(view, t(view), props.counts[view]));
  const section = (title, entries) => {
    if (entries.length === 0) return;
    items.push(h('li', { class: 'section', role: 'presentation' }, title), ...entries);
  };
  section(t('inboxes'), props.inboxes.map((inbox) => link(`inbox:${inbox.id}`, inbox.name)));
  section(t('priority'), ['urgent', 'high'].map((priority) => link(`priority:${priority}`, t(priority))));
  section(t('savedViews'), savedViewItems(link, props));
  section(t('tags'), props.tags.slice(0, 30).map((tag) => link(`tag:${encodeURIComponent(tag.name)}`, `#${tag.name}`)));
  return items;
}

/// Beside the list's title: save what it shows as a view, or change the saved view it is.
/** @param {{ view: string, search: string, savedViews: any[] }} props */
function viewToolsView(props) {
  if (props.search) return [];
  const current = props.savedViews.find((view) => `saved:${view.id}` === props.view);
  const button = current?.editable
    ? h('button', { type: 'button', class: 'link-button', id: 'edit-view' }, t('editView'))
    : h('button', { type: 'button', class: 'link-button', id: 'save-view' }, t('saveAsView'));
  button.addEventListener('click', () => openViewEditor(current?.editable ? current : null));
  return [button];
}

// MARK: Routing: #/<view>[/<conversation id>], #/admin[/<settings area>], #/reports

window.addEventListener('hashchange', () => { if (state.me) route(); });

/// Shows what the location hash names. Hash changes can come faster than the list loads; a
/// route that a newer one has replaced stops after its await instead of acting on its old hash.
let routes = 0;
export async function route() {
  const current = ++routes;
  const place = parseHash(location.hash);
  const layout = document.querySelector('.layout');
  const admin = document.getElementById('admin');
  const reports = document.getElementById('reports');
  // Settings and reports take the place of the list and the conversation.
  layout?.classList.toggle('admin-mode', place.page !== 'inbox');
  if (admin) admin.hidden = place.page !== 'admin';
  if (reports) reports.hidden = place.page !== 'reports';
  if (place.page === 'admin') {
    await renderAdmin(admin, state.me, refreshNavigation, place.area).catch((failure) => showError(failure.message));
    return;
  }
  if (place.page === 'reports') {
    if (place.area === 'scoreboard') await renderScoreboard(reports);
    else await renderReports(reports);
    return;
  }
  const nextView = place.view;
  const nextID = place.id;
  if (nextView !== state.view || state.items.length === 0) {
    dispatch({ type: 'viewChosen', view: nextView });
    const search = /** @type {HTMLInputElement | null} */ (document.getElementById('search'));
    if (search) search.value = '';
    await loadList();
    if (current !== routes) return;
  }
  if (nextID !== state.selectedId) await selectConversation(nextID);
}

/// Inboxes, tags or teams changed in the settings: the navigation and controls list them.
async function refreshNavigation() {
  const [inboxes, tags, teams] = await Promise.all([api('GET', '/inboxes'), api('GET', '/tags'), api('GET', '/teams')])
    .catch(() => [null, null, null]);
  dispatch({ type: 'directoryLoaded', inboxes: inboxes?.items, tags: tags?.items, teams: teams?.items });
}
