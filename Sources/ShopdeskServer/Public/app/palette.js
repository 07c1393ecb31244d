// The command palette (Ctrl+K): every action of the app by a few typed letters, in the agent's
// language — views, inboxes and tags, the open conversation's status, assignee, priority and
// snooze, the composer's modes and macros, the settings' areas, the theme.

import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { rank } from './fuzzy.js';
import { chooseMacro, setMode } from './composer.js';
import { update } from './loaders.js';
import { settingsAreas } from './admin.js';
import { wakeTime } from './snooze.js';
import { setTheme } from './theme.js';
import { PRIORITIES, VIEWS, state } from './state.js';
import { openViewEditor } from './saved-views.js';

/** @typedef {{ id: string, label: string, run: () => void }} Command */

/** What the agent can do from here: the open conversation's actions first. @returns {Command[]} */
function commands() {
  /** @type {Command[]} */
  const list = [];
  const go = (hash) => () => { location.hash = hash; };
  const conversation = state.conversation;
  if (conversation && state.selectedId === conversation.id) {
    const number = `#${conversation.number}`;
    list.push(
      { id: 'reply', label: `${t('reply')} · ${number}`, run: () => setMode('reply') },
      { id: 'note', label: `${t('note')} · ${number}`, run: () => setMode('note') },
      { id: 'macro', label: `${t('macros')} · ${number}`, run: () => chooseMacro() },
      { id: 'resolve', label: `${t('resolve')} · ${number}`, run: () => update({ status: 'resolved' }) },
      { id: 'reopen', label: `${t('reopen')} · ${number}`, run: () => update({ status: 'open' }) },
      { id: 'pending', label: `${t('snoozeReply')} · ${number}`, run: () => update({ status: 'pending' }) },
      { id: 'assign-me', label: `${t('assignToMe')} · ${number}`, run: () => update({ assignee_id: state.me.id }) },
      { id: 'unassign', label: `${t('assignee')}: ${t('nobody')} · ${number}`, run: () => update({ assignee_id: null }) },
      ...PRIORITIES.map((priority) => ({ id: `priority-${priority}`, label: `${t('priority')}: ${t(priority)} · ${number}`,
        run: () => update({ priority }) })),
      ...[['4', '4 h'], ['24', '24 h'], ['tomorrow', t('snoozeTomorrow')], ['monday', t('snoozeMonday')]].map(([choice, words]) => ({
        id: `snooze-${choice}`, label: `${t('snooze')}: ${words} · ${number}`,
        run: () => update({ snooze_until: /** @type {Date} */ (wakeTime(choice)).toISOString() }) })),
    );
  }
  list.push(
    ...VIEWS.map((view) => ({ id: `view-${view}`, label: `${t('views')}: ${t(view)}`, run: go(`#/${view}`) })),
    ...state.savedViews.map((view) => ({ id: `saved-${view.id}`, label: `${t('savedViews')}: ${view.name}`, run: go(`#/saved:${view.id}`) })),
    { id: 'new-view', label: t('newView'), run: () => openViewEditor(null) },
    ...state.inboxes.map((inbox) => ({ id: `inbox-${inbox.id}`, label: `${t('inboxes')}: ${inbox.name}`, run: go(`#/inbox:${inbox.id}`) })),
    ...state.tags.slice(0, 50).map((tag) => ({ id: `tag-${tag.name}`, label: `${t('tags')}: #${tag.name}`,
      run: go(`#/tag:${encodeURIComponent(tag.name)}`) })),
    ...settingsAreas(state.me.role).map((area) => ({ id: `settings-${area.id}`, label: `${t('settings')}: ${t(area.label)}`,
      run: go(`#/admin/${area.id}`) })),
    { id: 'search', label: t('search'), run: () => document.getElementById('search')?.focus() },
    { id: 'theme-dark', label: `${t('themeTitle')}: ${t('theme.dark')}`, run: () => setTheme('dark') },
    { id: 'theme-light', label: `${t('themeTitle')}: ${t('theme.light')}`, run: () => setTheme('light') },
    { id: 'theme-system', label: `${t('themeTitle')}: ${t('theme.system')}`, run: () => setTheme('system') },
  );
  return list;
}

/** Opens the palette over whatever the agent is doing; Enter runs the highlighted command. */
export function openPalette() {
  let dialog = /** @type {HTMLDialogElement | null} */ (document.getElementById('palette'));
  if (!dialog) {
    dialog = /** @type {HTMLDialogElement} */ (h('dialog', { id: 'palette', class: 'palette', 'aria-label': t('palette') }));
    document.body.append(dialog);
  }
  if (dialog.open) return;
  clear(dialog);
  const all = commands();
  const search = h('input', { type: 'search', id: 'palette-search', placeholder: t('paletteSearch'), 'aria-label': t('paletteSearch'),
    role: 'combobox', 'aria-controls': 'palette-options', 'aria-expanded': 'true', autocomplete: 'off' });
  const options = h('ul', { id: 'palette-options', role: 'listbox', 'aria-label': t('palette') });
  dialog.append(search, options);
  let shown = all;
  let active = 0;
  const run = (command) => {
    dialog.close();
    command.run();
  };
  const draw = () => {
    clear(options);
    if (!shown.length) options.append(h('li', { class: 'hint' }, t('paletteNone')));
    shown.slice(0, 12).forEach((command, index) => {
      const option = h('li', { role: 'option', id: `palette-${command.id}`, 'aria-selected': index === active ? 'true' : 'false',
        class: index === active ? 'active' : '' }, command.label);
      option.addEventListener('click', () => run(command));
      options.append(option);
    });
    search.setAttribute('aria-activedescendant', shown[active] ? `palette-${shown[active].id}` : '');
  };
  search.addEventListener('input', () => {
    shown = rank(all, search.value, (command) => command.label);
    active = 0;
    draw();
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      active = Math.max(0, Math.min(Math.min(shown.length, 12) - 1, active + (event.key === 'ArrowDown' ? 1 : -1)));
      draw();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (shown[active]) run(shown[active]);
    }
  });
  draw();
  dialog.showModal();
  search.focus();
}
