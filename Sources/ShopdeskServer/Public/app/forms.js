// Building blocks of the settings pages: panels, forms that show the server's problem message,
// labelled inputs, secrets shown once.

import { h } from './dom.js';
import { t } from './i18n.js';

export function panel(id, title, ...children) {
  return h('section', { class: 'admin-panel', id, 'aria-labelledby': `${id}-title` }, h('h3', { id: `${id}-title` }, title), ...children);
}

export function errorLine() {
  return h('p', { class: 'form-error', role: 'alert' });
}

/// A secret shown once, selectable and copyable.
export function secret(label, value) {
  const field = h('input', { type: 'text', readonly: true, value, class: 'secret', 'aria-label': label, size: Math.min(60, value.length + 2) });
  const copy = h('button', { type: 'button' }, t('copy'));
  copy.addEventListener('click', () => { field.select(); navigator.clipboard?.writeText(value).catch(() => {}); });
  return h('p', { class: 'secret-line', role: 'status' }, h('strong', {}, `${label}: `), field, ' ', copy, ' ', h('span', { class: 'hint' }, t('shownOnce')));
}

export function form(id, fields, submitLabel, onSubmit) {
  const error = errorLine();
  const element = h('form', { class: 'admin-form', id }, ...fields, h('button', { type: 'submit', class: 'primary' }, submitLabel), error);
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try { await onSubmit(element); } catch (failure) { error.textContent = failure.message; }
  });
  return element;
}

export function labelled(id, label, input) {
  input.id = id;
  return h('label', { for: id }, h('span', { class: 'label' }, label), input);
}

export function alertFailure(failure, then) {
  window.alert(failure.message);
  then?.();
}
