// Settings → Shops → What the bot may do: the order actions the chat bot carries out itself for a
// customer it verified (cancel, change the address, start a return, resend tracking), how it
// verifies them, the most it may refund, and whether only orders with nothing shipped.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { foldedSection } from './forms.js';

const ACTIONS = ['cancel', 'change_address', 'start_return', 'resend_tracking'];

/** A folded form per shop; the policy is read when it is opened. @param {any} shop */
export function botRulesForm(shop) {
  return foldedSection({ class: 'bot-rules', 'data-shop': shop.id }, t('botRules'),
    async (body) => render(body, shop, await api('GET', `/stores/${shop.id}/bot-policy`)));
}

function render(body, shop, policy) {
  clear(body);
  const id = (name) => `br-${shop.id}-${name}`;
  const boxes = ACTIONS.map((action) => ({ action, box: h('input', { type: 'checkbox', name: 'bot-action', value: action, checked: policy.actions.includes(action) }) }));
  const verification = h('select', { id: id('verification') },
    h('option', { value: 'code', selected: policy.verification === 'code', disabled: !policy.can_email_codes }, t('botVerifyCode')),
    h('option', { value: 'order_email', selected: policy.verification === 'order_email' }, t('botVerifyOrderEmail')));
  const limit = h('input', { type: 'text', id: id('limit'), inputmode: 'decimal', value: policy.max_refund || '', placeholder: '50.00' });
  const unfulfilled = h('input', { type: 'checkbox', id: id('unfulfilled'), checked: policy.unfulfilled_only });
  const status = h('p', { role: 'status', class: 'hint' });
  const form = h('form', { class: 'bot-rules-form' },
    h('p', { class: 'hint' }, t('botRulesHint')),
    h('fieldset', {}, h('legend', {}, t('botActions')),
      h('div', { class: 'checks' }, ...boxes.map(({ action, box }) => h('label', { class: 'check' }, box, ` ${t(`botAction.${action}`)}`)))),
    h('label', { for: id('verification') }, t('botVerification')), verification,
    policy.can_email_codes ? null : h('p', { class: 'hint' }, t('botNoMailInbox')),
    h('label', { for: id('limit') }, `${t('botMaxRefund')} (${policy.currency})`), limit,
    h('label', { class: 'check' }, unfulfilled, ` ${t('botUnfulfilledOnly')}`),
    h('button', { type: 'submit', class: 'primary' }, t('saveBotRules')), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    try {
      await api('PUT', `/stores/${shop.id}/bot-policy`, {
        actions: boxes.filter(({ box }) => box.checked).map(({ action }) => action), verification: verification.value,
        max_refund: limit.value.trim(), unfulfilled_only: unfulfilled.checked,
      });
      status.textContent = t('botRulesSaved');
    } catch (failure) { status.textContent = failure.message; }
  });
  body.append(form);
}
