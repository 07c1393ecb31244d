// Settings for automatic assignment: how each inbox's and team's new conversations find an
// agent, and each agent's capacity, with who is online, away and how busy right now.

import { api } from './api.js';
import { h } from './dom.js';
import { alertFailure, panel } from './forms.js';
import { t } from './i18n.js';

const MODES = ['manual', 'round_robin', 'least_loaded'];

/// One row of controls for an inbox's or team's policy; every change is saved at once.
async function policyRow(path, item) {
  const { policy } = await api('GET', `/${path}/${item.id}/assignment`);
  const label = `${t('assignment')} · ${item.name}`;
  const mode = h('select', { 'aria-label': label }, ...MODES.map((value) => h('option', { value, selected: policy.mode === value }, t(`mode.${value}`))));
  const box = (key, text) => {
    const input = h('input', { type: 'checkbox', checked: Boolean(policy[key]) });
    input.dataset.key = key;
    return { input, element: h('label', {}, input, ' ', text) };
  };
  const flags = [box('online_only', t('onlineOnly')), box('match_language', t('matchLanguage')), box('reassign_when_offline', t('reassignOffline'))];
  const status = h('span', { class: 'hint', role: 'status' });
  const save = async () => {
    const body = { mode: mode.value, ...Object.fromEntries(flags.map((flag) => [flag.input.dataset.key, flag.input.checked])) };
    try {
      await api('PUT', `/${path}/${item.id}/assignment`, { policy: body });
      status.textContent = t('saved');
    } catch (failure) { alertFailure(failure); }
  };
  for (const control of [mode, ...flags.map((flag) => flag.input)]) control.addEventListener('change', save);
  return h('li', { class: 'assignment-row', 'data-scope': `${path}:${item.id}` }, h('strong', {}, item.name), ' ', mode,
    ...flags.map((flag) => flag.element), status);
}

export async function assignmentSection(context) {
  const rows = [];
  for (const inbox of context.inboxes) rows.push(await policyRow('inboxes', inbox));
  for (const team of context.teams) rows.push(await policyRow('teams', team));
  const people = (await api('GET', '/availability')).items;
  const table = h('table', { class: 'admin-table', id: 'availability' },
    h('tr', {}, h('th', {}, t('name')), h('th', {}, t('status')), h('th', {}, t('openNow')), h('th', {}, t('capacity'))),
    ...people.map((person) => {
      const capacity = h('input', { type: 'number', min: 0, max: 1000, value: person.capacity, 'aria-label': `${t('capacity')} · ${person.name}` });
      capacity.addEventListener('change', () => api('PUT', `/agents/${person.agent_id}/capacity`, { capacity: Number(capacity.value) })
        .catch((failure) => alertFailure(failure)));
      const state = person.away ? t('away') : person.online ? t('online') : t('offline');
      return h('tr', {}, h('td', {}, person.name), h('td', {}, state), h('td', {}, String(person.load)), h('td', {}, capacity));
    }));
  return panel('admin-assignment', t('assignment'), h('ul', { class: 'rule-list' }, ...rows), table);
}
