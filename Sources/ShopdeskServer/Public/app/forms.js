// Building blocks of the settings pages: panels, forms that show the server's problem message,
// labelled inputs, secrets shown once.

import { h } from './dom.js';
import { t } from './i18n.js';

export function panel(id, title, ...children) {
  return h('section', { class: 'admin-panel', id, 'aria-labelledby': `${id}-title` }, h('h3', { id: `${id}-title` }, title), ...children);
}

/**
 * A folded section whose content is read when first opened (a shop's return rules, its bot policy).
 * @param {Record<string, any>} attributes @param {string} summary @param {(body: HTMLElement) => Promise<void>} fill
 */
export function foldedSection(attributes, summary, fill) {
  const body = h('div', {});
  const details = h('details', attributes, h('summary', {}, summary), body);
  details.addEventListener('toggle', async () => {
    if (!details.open || body.childElementCount) return;
    try { await fill(body); } catch (failure) {
      body.append(h('p', { class: 'form-error', role: 'alert' }, failure.message));
    }
  });
  return details;
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

/** Several values picked from a list, as checkboxes; stored values the list lacks stay, checked.
 * `extra` adds a text field for values not in the list (new tags). Returns the element and a reader. */
export function multiPick(name, options, selected, extra = null) {
  const chosen = (selected || []).map(String);
  const missing = chosen.filter((value) => !options.some(([option]) => String(option) === value)).map((value) => [value, value]);
  const boxes = [...options, ...missing].map(([value, text]) =>
    h('label', { class: 'pick' }, h('input', { type: 'checkbox', value: String(value), checked: chosen.includes(String(value)) }), ' ', text));
  const more = extra ? h('input', { type: 'text', 'aria-label': extra, placeholder: extra, title: t('listHint') }) : null;
  const element = h('fieldset', { class: 'multi-pick' }, h('legend', {}, name), ...boxes, more);
  const read = () => [
    .../** @type {HTMLInputElement[]} */ ([...element.querySelectorAll('input[type=checkbox]')]).filter((box) => box.checked).map((box) => box.value),
    ...(more ? more.value.split(',').map((item) => item.trim()).filter(Boolean) : []),
  ];
  return { element, read };
}
