// Custom fields: the panel beside a conversation where agents fill in the workspace's own fields
// (of the conversation and of its customer), and the settings where admins define them.

import { api } from './api.js';
import { h } from './dom.js';
import { errorLine, form, labelled, panel } from './forms.js';
import { t } from './i18n.js';
import { dispatch } from './state.js';

export const FIELD_KINDS = ['text', 'number', 'date', 'dropdown', 'checkbox'];

/** `Order number` → `order_number`: a key suggested from a label. @param {string} label */
export function keyFrom(label) {
  return label.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
    .replace(/^(\d)/, 'f_$1').slice(0, 40);
}

/** The input for one field, holding `value`; `onSave` gets the new value (null: cleared). */
function fieldInput(field, value, id, onSave) {
  let input;
  if (field.kind === 'dropdown') {
    input = h('select', { id }, h('option', { value: '' }, '—'),
      ...field.options.map((option) => h('option', { value: option, selected: option === value }, option)));
  } else if (field.kind === 'checkbox') {
    input = h('input', { type: 'checkbox', id, checked: value === 'true' });
  } else {
    input = h('input', { type: field.kind === 'number' ? 'number' : field.kind === 'date' ? 'date' : 'text', id, step: field.kind === 'number' ? 'any' : null,
      value: value ?? '' });
  }
  input.addEventListener('change', () => {
    const element = /** @type {HTMLInputElement} */ (input);
    onSave(field.kind === 'checkbox' ? String(element.checked) : element.value === '' ? null : element.value);
  });
  return input;
}

/**
 * The sidebar's "Details": the conversation's fields, then its customer's.
 * @param {any} conversation @param {any} customer @param {any[]} fields the workspace's custom fields
 * @param {{ conversation: Record<string, any>, customer: Record<string, any> }} values
 */
export function fieldsPanel(conversation, customer, fields, values) {
  if (!fields.length) return null;
  const error = errorLine();
  const save = async (path, key, value, entity) => {
    error.textContent = '';
    try {
      const answer = await api('PATCH', path, { [key]: value });
      dispatch({ type: 'fieldsChanged', entity, values: answer.values });
    } catch (failure) { error.textContent = failure.message; }
  };
  const rows = (entity, values, path) => fields.filter((field) => field.entity === entity).map((field) =>
    h('label', { class: 'field-row', for: `field-${entity}-${field.key}` },
      h('span', { class: 'label' }, `${field.label}${field.required_to_resolve ? ' *' : ''}`),
      fieldInput(field, values[field.key], `field-${entity}-${field.key}`, (value) => save(path, field.key, value, entity))));
  const conversationRows = rows('conversation', values.conversation, `/conversations/${conversation.id}/fields`);
  const customerRows = customer?.id ? rows('customer', values.customer, `/customers/${customer.id}/fields`) : [];
  return h('section', { class: 'panel custom-fields', id: 'custom-fields', 'aria-labelledby': 'custom-fields-title' },
    h('h3', { id: 'custom-fields-title' }, t('details')),
    ...conversationRows,
    customerRows.length ? h('h4', {}, t('customer')) : null, ...customerRows,
    error);
}

/** Settings → Automation: the workspace's fields, and a form to add one. */
export async function customFieldsSection() {
  const { items } = await api('GET', '/custom-fields');
  const list = h('ul', { class: 'admin-list', id: 'custom-field-list' }, ...items.map((field) => {
    const remove = h('button', { type: 'button', class: 'danger' }, t('delete'));
    remove.addEventListener('click', async () => {
      if (!window.confirm(t('deleteFieldConfirm').replace('{label}', field.label))) return;
      await api('DELETE', `/custom-fields/${field.id}`);
      await reloadFields();
      document.getElementById('admin-custom-fields')?.replaceWith(await customFieldsSection());
    });
    return h('li', {}, h('strong', {}, field.label), ` · ${t(`entity.${field.entity}`)} · ${t(`fieldKind.${field.kind}`)} · `,
      h('code', {}, field.key), field.required_to_resolve ? ` · ${t('requiredToResolve')}` : '',
      field.options.length ? h('span', { class: 'hint' }, ` (${field.options.join(', ')})`) : null, ' ', remove);
  }));
  const entity = h('select', {}, ...['conversation', 'customer'].map((value) => h('option', { value }, t(`entity.${value}`))));
  const label = h('input', { type: 'text', maxlength: 80, required: true });
  const key = h('input', { type: 'text', maxlength: 40, pattern: '[a-z][a-z0-9_]*', title: t('fieldKeyHint') });
  label.addEventListener('input', () => { if (!key.dataset.touched) key.value = keyFrom(label.value); });
  key.addEventListener('input', () => { key.dataset.touched = '1'; });
  const kind = h('select', {}, ...FIELD_KINDS.map((value) => h('option', { value }, t(`fieldKind.${value}`))));
  const options = h('textarea', { rows: 3, placeholder: t('fieldOptionsHint') });
  const required = h('input', { type: 'checkbox' });
  const adding = form('custom-field-form', [
    labelled('field-entity', t('fieldFor'), entity), labelled('field-label', t('name'), label), labelled('field-key', t('fieldKey'), key),
    labelled('field-kind', t('fieldKindTitle'), kind), labelled('field-options', t('fieldOptions'), options),
    h('label', { class: 'check' }, required, ' ', t('requiredToResolve')),
  ], t('addField'), async () => {
    await api('POST', '/custom-fields', {
      entity: entity.value, key: key.value, label: label.value, kind: kind.value, required_to_resolve: required.checked,
      options: options.value.split('\n').map((line) => line.trim()).filter(Boolean),
    });
    await reloadFields();
    document.getElementById('admin-custom-fields')?.replaceWith(await customFieldsSection());
  });
  return panel('admin-custom-fields', t('customFields'), h('p', { class: 'hint' }, t('customFieldsHelp')), list, adding);
}

async function reloadFields() {
  const { items } = await api('GET', '/custom-fields');
  dispatch({ type: 'directoryLoaded', customFields: items });
}

