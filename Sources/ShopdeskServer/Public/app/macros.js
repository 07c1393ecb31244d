// The composer's macro picker: search the workspace's macros by name or text, preview the
// chosen one rendered with this conversation's real data (missing values are named, never
// shown as placeholders), and put its text in the composer. Sending then applies the macro:
// the agent's edited text goes out and the macro's actions run with it.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { dispatch, state } from './state.js';

/// Opens the picker for the open conversation; `onChosen(text)` receives the rendered text.
export async function openMacroPicker(onChosen) {
  const conversation = state.conversation;
  if (!conversation) return;
  let dialog = /** @type {HTMLDialogElement | null} */ (document.getElementById('macro-picker'));
  if (!dialog) {
    dialog = h('dialog', { id: 'macro-picker', class: 'macro-picker', 'aria-labelledby': 'macro-picker-title' });
    document.body.append(dialog);
  }
  clear(dialog);
  const search = h('input', { type: 'search', id: 'macro-search', placeholder: t('macroSearch'), 'aria-label': t('macroSearch'),
    'aria-controls': 'macro-options', autocomplete: 'off' });
  const options = h('ul', { id: 'macro-options', role: 'listbox', 'aria-label': t('macros') });
  const preview = h('div', { class: 'macro-preview', id: 'macro-preview', 'aria-live': 'polite' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const close = h('button', { type: 'button' }, t('cancel'));
  close.addEventListener('click', () => dialog.close());
  dialog.append(h('h2', { id: 'macro-picker-title' }, t('macros')), search, options, preview, error, close);

  let macros = [];
  let active = 0;
  let previewed = null;
  const draw = () => {
    clear(options);
    if (macros.length === 0) options.append(h('li', { class: 'hint' }, t('macroNone')));
    macros.forEach((macro, index) => {
      const option = h('li', { role: 'option', id: `macro-option-${macro.id}`, 'aria-selected': index === active ? 'true' : 'false',
        class: index === active ? 'active' : '' }, macro.name, ' ', h('span', { class: 'hint' }, `${macro.usage_count} ${t('uses')}`));
      option.addEventListener('click', () => { active = index; showPreview(); });
      options.append(option);
    });
    search.setAttribute('aria-activedescendant', macros[active] ? `macro-option-${macros[active].id}` : '');
  };
  const load = async () => {
    try {
      macros = (await api('GET', `/macros${search.value.trim() ? `?q=${encodeURIComponent(search.value.trim())}` : ''}`)).items;
      active = 0;
      draw();
    } catch (failure) { error.textContent = failure.message; }
  };
  const showPreview = async () => {
    const macro = macros[active];
    if (!macro) return;
    draw();
    error.textContent = '';
    try {
      const rendered = await api('POST', `/conversations/${conversation.id}/macros/${macro.id}/preview`);
      previewed = { macro, rendered };
      const use = h('button', { type: 'button', class: 'primary', id: 'macro-use' }, t('macroUse'));
      use.addEventListener('click', choose);
      clear(preview);
      preview.append(
        h('pre', { class: 'macro-text' }, rendered.text),
        rendered.warnings.length ? h('ul', { class: 'macro-warnings', id: 'macro-warnings' },
          ...rendered.warnings.map((warning) => h('li', {}, `${t('macroMissing')}: ${warning.replace(/^No value for /, '')}`))) : null,
        rendered.actions.length ? h('p', { class: 'hint' }, `${t('macroAlso')}: ${rendered.actions.map(describeAction).join(', ')}`) : null,
        macro.attachment_ids?.length ? h('p', { class: 'hint', id: 'macro-files-note' }, `${t('macroFiles')}: ${macro.attachment_ids.length}`) : null,
        use);
    } catch (failure) { error.textContent = failure.message; }
  };
  const choose = () => {
    if (!previewed) return;
    dispatch({ type: 'macroChosen', macro: { id: previewed.macro.id, name: previewed.macro.name, attachment_ids: previewed.macro.attachment_ids ?? [] } });
    dialog.close();
    onChosen(previewed.rendered.text);
  };
  let typing = null;
  search.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(load, 120); });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      active = Math.max(0, Math.min(macros.length - 1, active + (event.key === 'ArrowDown' ? 1 : -1)));
      previewed = null;
      draw();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      // First Enter previews, the second one uses what the agent has seen.
      if (previewed && previewed.macro.id === macros[active]?.id) choose(); else showPreview();
    }
  });
  dialog.showModal();
  search.focus();
  await load();
}

/// "Add tags: refund" — for the preview and the settings list.
export function describeAction(action) {
  const label = t(`action.${action.type}`);
  switch (action.type) {
    case 'add_tags': case 'remove_tags': case 'tag_order': return `${label}: ${action.tags.join(', ')}`;
    case 'note_order': return `${label}: ${action.text}`;
    case 'set_priority': return `${label}: ${t(action.priority)}`;
    case 'set_status': return `${label}: ${t(action.status)}`;
    case 'snooze': return `${label}: ${action.hours}`;
    case 'assign_agent': return `${label}: ${action.agent_id ? state.agents.get(action.agent_id)?.name || `#${action.agent_id}` : t('nobody')}`;
    // A field emptied says so in words, never as `null`.
    case 'set_field': return `${label}: ${state.customFields.find((field) => field.key === action.key)?.label || action.key} → ${action.value ?? '—'}`;
    case 'assign_team': return `${label}: ${action.team_id ? state.teams.find((team) => team.id === action.team_id)?.name || `#${action.team_id}` : t('noTeam')}`;
    default: return label;
  }
}
