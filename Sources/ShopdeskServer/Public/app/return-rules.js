// Settings → Shops → Return rules: the window, the reasons customers may choose, the reasons that
// need a photo, final-sale tags, where parcels go, and the instructions customers read per language.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { foldedSection } from './forms.js';

const REASONS = ['size_too_small', 'size_too_large', 'unwanted', 'not_as_described', 'wrong_item', 'defective', 'style', 'color', 'other'];
const LANGUAGES = { en: 'English', pt: 'Português', ru: 'Русский', hr: 'Hrvatski' };

/** A folded form per shop; the rules are read when it is opened. @param {any} shop */
export function returnRulesForm(shop) {
  return foldedSection({ class: 'return-rules', 'data-shop': shop.id }, t('returnRules'),
    async (body) => render(body, shop, await api('GET', `/stores/${shop.id}/return-policy`)));
}

function checkboxes(name, chosen) {
  const boxes = REASONS.map((reason) => ({ reason, box: h('input', { type: 'checkbox', name, value: reason, checked: chosen.includes(reason) }) }));
  return { boxes, element: h('div', { class: 'checks' }, ...boxes.map(({ reason, box }) => h('label', { class: 'check' }, box, ` ${t(`returnReason.${reason}`)}`))) };
}

function render(body, shop, policy) {
  clear(body);
  const id = (name) => `rr-${shop.id}-${name}`;
  const days = h('input', { type: 'number', id: id('days'), min: 0, max: 730, value: policy.window_days });
  const reasons = checkboxes('reasons', policy.reasons);
  const photos = checkboxes('photo', policy.photo_reasons);
  const tags = h('input', { type: 'text', id: id('tags'), value: policy.non_returnable_tags.join(', ') });
  const address = h('textarea', { id: id('address'), rows: 3, maxlength: 500 }, policy.address || '');
  const instructions = Object.entries(LANGUAGES).map(([code, name]) => ({
    code, input: h('textarea', { id: id(`i-${code}`), rows: 3, maxlength: 2000, lang: code, 'aria-label': `${name}` }, policy.instructions[code] || ''),
  }));
  const status = h('p', { role: 'status', class: 'hint' });
  const save = h('button', { type: 'submit', class: 'primary' }, t('saveReturnRules'));
  const form = h('form', { class: 'return-rules-form' },
    h('label', { for: id('days') }, t('returnWindow')), days,
    h('fieldset', {}, h('legend', {}, t('returnReasonsOffered')), reasons.element),
    h('fieldset', {}, h('legend', {}, t('photoReasons')), photos.element),
    h('label', { for: id('tags') }, t('finalSaleTags')), tags,
    h('label', { for: id('address') }, t('returnAddress')), address,
    ...instructions.map(({ code, input }) => h('label', { class: 'field' }, h('span', { class: 'label' }, `${LANGUAGES[code]}`), input)),
    save, status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    try {
      await api('PUT', `/stores/${shop.id}/return-policy`, {
        window_days: Number(days.value), reasons: reasons.boxes.filter(({ box }) => box.checked).map(({ reason }) => reason),
        photo_reasons: photos.boxes.filter(({ box }) => box.checked).map(({ reason }) => reason),
        non_returnable_tags: tags.value.split(',').map((tag) => tag.trim()).filter(Boolean),
        instructions: Object.fromEntries(instructions.map(({ code, input }) => [code, input.value])), address: address.value,
      });
      status.textContent = t('returnRulesSaved');
    } catch (failure) { status.textContent = failure.message; }
  });
  body.append(form);
}
