// Saved views: the shared and the agent's own views in the navigation with live counts, and the
// dialog that saves a filter of the list under a name (any combination of status, assignee,
// channel, inbox, team, priority, tags, intent, sentiment, language, SLA and the customer's tags).

import { api } from './api.js';
import { channelName } from './channel-names.js';
import { clear, h } from './dom.js';
import { errorLine, multiPick } from './forms.js';
import { formatNumber, label, languageName, t } from './i18n.js';
import { loadList, selectConversation } from './loaders.js';
import { PRIORITIES, dispatch, state, subscribe } from './state.js';
import { STATUSES, compact, countText, fieldsOf } from './view-filters.js';

// Counts follow the list: whatever reloaded it (a change, a live event) may have moved a
// conversation into or out of a view. At most one count request a second.
let countsTimer = null;
subscribe((next, previous, action) => {
  if (action.type === 'listLoaded' && next.savedViews.length) {
    clearTimeout(countsTimer);
    countsTimer = setTimeout(loadViewCounts, Object.keys(next.viewCounts).length ? 1000 : 0);
  }
});

export async function loadSavedViews() {
  try {
    dispatch({ type: 'savedViewsLoaded', views: (await api('GET', '/views')).items });
    await loadViewCounts();
  } catch { /* the navigation shows the standard views; the next sign-in tries again */ }
}

async function loadViewCounts() {
  if (!state.savedViews.length) return;
  try {
    const answer = await api('GET', '/views/counts');
    dispatch({ type: 'viewCountsLoaded', counts: answer.counts, cap: answer.cap });
  } catch { /* the badges keep their last figures */ }
}

/**
 * The navigation's "Saved views" entries: a link per view with its count, and "New view".
 * @param {(view: string, label: string, count?: number) => HTMLElement} link
 * @param {{ savedViews: any[], viewCounts: Record<string, number>, viewCountCap: number }} props
 */
export function savedViewItems(link, props) {
  const items = props.savedViews.map((view) => {
    const item = link(`saved:${view.id}`, view.name, undefined);
    const count = countText(props.viewCounts[String(view.id)], props.viewCountCap, formatNumber);
    item.querySelector('a')?.append(h('span', { class: 'count', id: `count-saved-${view.id}` }, count));
    if (view.shared) item.querySelector('a')?.setAttribute('title', t('sharedView'));
    return item;
  });
  const add = h('button', { type: 'button', class: 'link-button', id: 'new-view' }, `+ ${t('newView')}`);
  add.addEventListener('click', () => openViewEditor(null));
  return [...items, h('li', {}, add)];
}

let schema = null;
async function valuesOf(field) {
  schema ??= await api('GET', '/rules/schema').catch(() => ({ fields: [] }));
  return schema.fields.find((item) => item.name === field)?.values ?? [];
}

/**
 * The dialog that saves a view: `view` to change one, or null for a new one, starting from the
 * filter of the list on screen.
 * @param {null | { id: number, name: string, shared: boolean, filters: Record<string, string[]>, sort: string, layout: string, board_field?: string | null }} view
 */
export async function openViewEditor(view) {
  let dialog = /** @type {HTMLDialogElement | null} */ (document.getElementById('view-editor'));
  if (!dialog) {
    dialog = /** @type {HTMLDialogElement} */ (h('dialog', { id: 'view-editor', class: 'view-editor', 'aria-labelledby': 'view-editor-title' }));
    document.body.append(dialog);
  }
  const fields = view ? view.filters : fieldsOf(state.view, state.savedViews);
  const [intents, languages] = await Promise.all([valuesOf('intent'), valuesOf('language')]);
  clear(dialog);
  const name = h('input', { type: 'text', id: 'view-name', maxlength: 80, value: view?.name ?? '' });
  const shared = h('input', { type: 'checkbox', id: 'view-shared', checked: Boolean(view?.shared), disabled: Boolean(view) });
  const agents = [...state.agents.values()].map((agent) => [String(agent.id), agent.name]);
  const picks = {
    status: multiPick(t('status'), STATUSES.map((status) => [status, t(status)]), fields.status),
    assignee: multiPick(t('assignee'), [['me', t('viewMe')], ['none', t('unassigned')], ...agents], fields.assignee),
    channel: multiPick(t('field.channel'), [...new Set(state.inboxes.map((inbox) => inbox.kind))].map((kind) => [kind, channelName(kind)]), fields.channel),
    inbox: multiPick(t('inboxes'), state.inboxes.map((inbox) => [String(inbox.id), inbox.name]), fields.inbox),
    team: multiPick(t('team'), state.teams.map((team) => [String(team.id), team.name]), fields.team),
    priority: multiPick(t('priority'), PRIORITIES.map((priority) => [priority, t(priority)]), fields.priority),
    tag: multiPick(t('tags'), state.tags.map((tag) => [tag.name, `#${tag.name}`]), fields.tag),
    intent: multiPick(t('intent'), intents.map((intent) => [intent, label('intent', intent)]), fields.intent),
    sentiment: multiPick(t('sentiment'), ['negative', 'neutral', 'positive'].map((value) => [value, label('sentiment', value)]), fields.sentiment),
    language: multiPick(t('language'), languages.map((code) => [code, languageName(code)]), fields.language),
    customer_tag: multiPick(t('customerTags'), [], fields.customer_tag, t('customerTags')),
    // The workspace's own conversation fields: their options, yes/no, or values typed.
    ...Object.fromEntries(state.customFields.filter((field) => field.entity === 'conversation').map((field) => [`custom.${field.key}`,
      field.kind === 'dropdown' ? multiPick(field.label, field.options.map((option) => [option, option]), fields[`custom.${field.key}`])
        : field.kind === 'checkbox' ? multiPick(field.label, [['true', t('yes')], ['false', t('no')]], fields[`custom.${field.key}`])
          : multiPick(field.label, [], fields[`custom.${field.key}`], field.label)])),
  };
  const choice = (id, text, options, selected) => h('label', { for: id }, h('span', { class: 'label' }, text),
    h('select', { id }, ...options.map(([value, words]) => h('option', { value, selected: value === selected }, words))));
  const sla = choice('view-sla', t('viewSla'), [['', t('any')], ['running', t('slaRunning')], ['due_soon', t('slaDueSoon')], ['overdue', t('slaOverdue')], ['none', t('slaNone')]],
    fields.sla?.[0] ?? '');
  const vip = choice('view-vip', t('vip'), [['', t('any')], ['true', t('yes')], ['false', t('no')]], fields.vip?.[0] ?? '');
  const sort = choice('view-sort', t('sort'), ['newest', 'oldest', 'priority', 'sla'].map((value) => [value, t(value)]), view?.sort ?? state.sort);
  const layout = choice('view-layout', t('layout'), [['list', t('layoutList')], ['board', t('layoutBoard')]], view?.layout ?? 'list');
  // A board's columns: statuses, or the options of a conversation dropdown or checkbox field.
  const columnFields = state.customFields.filter((field) => field.entity === 'conversation' && ['dropdown', 'checkbox'].includes(field.kind));
  const columns = choice('view-columns', t('boardColumns'), [['', t('status')], ...columnFields.map((field) => [field.key, field.label])],
    view?.board_field ?? '');
  const columnsSelect = /** @type {HTMLSelectElement} */ (columns.querySelector('select'));
  const layoutSelect = /** @type {HTMLSelectElement} */ (layout.querySelector('select'));
  const showColumns = () => { columns.hidden = layoutSelect.value !== 'board' || columnFields.length === 0; };
  layoutSelect.addEventListener('change', showColumns);
  showColumns();
  const error = errorLine();
  const save = h('button', { type: 'submit', class: 'primary', id: 'view-save' }, t('save'));
  const cancel = h('button', { type: 'button' }, t('cancel'));
  cancel.addEventListener('click', () => dialog.close());
  const remove = view ? h('button', { type: 'button', class: 'danger', id: 'view-delete' }, t('delete')) : null;
  remove?.addEventListener('click', async () => {
    if (!window.confirm(t('deleteViewConfirm').replace('{name}', view.name))) return;
    try {
      await api('DELETE', `/views/${view.id}`);
      dialog.close();
      await loadSavedViews();
      location.hash = '#/open';
    } catch (failure) { error.textContent = failure.message; }
  });
  const form = h('form', { method: 'dialog' },
    h('h2', { id: 'view-editor-title' }, view ? t('editView') : t('newView')),
    h('label', { for: 'view-name' }, h('span', { class: 'label' }, t('name')), name),
    state.me.role === 'admin' || state.me.role === 'owner' ? h('label', { class: 'check' }, shared, ' ', t('shareView')) : null,
    h('div', { class: 'view-fields' }, ...Object.values(picks).map((pick) => pick.element), sla, vip),
    h('div', { class: 'view-options' }, sort, layout, columns),
    error, h('div', { class: 'dialog-buttons' }, save, cancel, remove));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const read = (id) => /** @type {HTMLSelectElement} */ (form.querySelector(`#${id}`)).value;
    const filters = compact({
      ...Object.fromEntries(Object.entries(picks).map(([field, pick]) => [field, pick.read()])),
      sla: read('view-sla') ? [read('view-sla')] : [], vip: read('view-vip') ? [read('view-vip')] : [],
    });
    const body = { name: name.value, filters, sort: read('view-sort'), layout: read('view-layout'),
      board_field: read('view-layout') === 'board' ? columnsSelect.value : '' };
    try {
      const saved = view ? await api('PATCH', `/views/${view.id}`, body) : await api('POST', '/views', { ...body, shared: shared.checked });
      dialog.close();
      await loadSavedViews();
      // Shown at once, even when it is the view on screen (its hash does not change).
      history.pushState(null, '', `#/saved:${saved.id}`);
      dispatch({ type: 'viewChosen', view: `saved:${saved.id}` });
      await selectConversation(null);
      await loadList();
    } catch (failure) { error.textContent = failure.message; }
  });
  dialog.append(form);
  dialog.showModal();
  name.focus();
}
