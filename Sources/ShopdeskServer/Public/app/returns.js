// Returns inside an order's card: the order's returns with their state and the next steps
// (approve, decline, sent, received, cancel, refund on arrival), and a form to start one for the
// customer. The refund is an order action: above the shop's limit it waits for an admin.

import { api, sendFile } from './api.js';
import { clear, h } from './dom.js';
import { formatTime, t } from './i18n.js';
import { state } from './state.js';

const MOVES = { approved: 'approve', declined: 'decline', in_transit: 'sent', received: 'receive', cancelled: 'cancel' };
const MOVE_LABELS = { approved: 'approveReturn', declined: 'declineReturn', in_transit: 'markSent', received: 'markReceived', cancelled: 'cancelReturn' };

/**
 * The returns of one order, loaded when the card is opened.
 * @param {any} record the order as the orders panel has it @param {boolean} canAct not a viewer
 */
export function returnsSection(record, canAct) {
  const section = h('section', { class: 'order-returns', 'aria-label': t('returns') });
  let loaded = false;
  const load = async () => {
    loaded = true;
    let answer;
    try { answer = await api('GET', `/orders/${record.id}/returns`); } catch (failure) {
      clear(section);
      section.append(h('p', { class: 'form-error', role: 'alert' }, failure.message));
      return;
    }
    render(section, record, answer, canAct, load);
  };
  section.addEventListener('returns:load', () => { if (!loaded) load(); });
  return section;
}

/** @param {HTMLElement} section @param {any} record @param {any} answer @param {boolean} canAct @param {() => void} reload */
function render(section, record, answer, canAct, reload) {
  clear(section);
  section.append(h('h4', {}, t('returns')));
  for (const item of answer.items) section.append(returnEntry(item, canAct, reload, answer.refund_in_shop));
  const left = answer.lines.filter((line) => line.returnable > 0 && !line.final_sale);
  if (canAct && left.length) {
    const start = h('button', { type: 'button', class: 'start-return' }, t('startReturn'));
    start.addEventListener('click', () => { start.replaceWith(startForm(record, answer, reload)); });
    section.append(start);
  }
  if (answer.refusal && answer.items.length === 0) section.append(h('p', { class: 'hint' }, answer.refusal));
}

/** One return: its number, state, items and the buttons for what can happen next. */
function returnEntry(item, canAct, reload, refundInShop) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const buttons = h('div', { class: 'return-steps' });
  const act = async (path, body, headers) => {
    error.hidden = true;
    try { await api('POST', `/returns/${item.id}/${path}`, body, headers); reload(); } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
    }
  };
  if (canAct) {
    for (const next of item.next) {
      if (next === 'refunded') continue;
      const button = h('button', { type: 'button', 'data-step': MOVES[next] }, t(MOVE_LABELS[next]));
      button.addEventListener('click', () => {
        if (next === 'declined') {
          const reason = window.prompt(t('declineWhy'));
          if (reason !== null) act('decline', { reason });
        } else if (next === 'in_transit') {
          const tracking = window.prompt(t('trackingNumberAsk'));
          if (tracking !== null) act('sent', { tracking_number: tracking });
        } else {
          act(MOVES[next], {});
        }
      });
      buttons.append(button);
    }
    const exchange = item.lines.some((line) => line.exchange);
    if (exchange && ['approved', 'in_transit', 'received'].includes(item.state)) {
      const send = h('button', { type: 'button', 'data-step': 'exchange', class: 'primary' }, t('sendExchange'));
      send.addEventListener('click', () => act('exchange', {}));
      buttons.append(send);
    }
    if (!exchange && refundInShop && ['approved', 'in_transit', 'received'].includes(item.state)) {
      // Orders imported from CSV: the money goes back in the shop; this records that it did.
      const marked = h('button', { type: 'button', 'data-step': 'mark-refunded' }, t('markRefundedInShop'));
      marked.addEventListener('click', () => act('mark-refunded', {}));
      buttons.append(marked);
    }
    // A refund not yet asked, or one the shop or an admin turned down, can be asked (again).
    const refundOpen = !item.refund_action_id || ['failed', 'rejected'].includes(item.refund_state);
    if (!exchange && !refundInShop && ['approved', 'in_transit', 'received'].includes(item.state) && refundOpen) {
      const shipping = h('input', { type: 'checkbox' });
      const refund = h('button', { type: 'button', 'data-step': 'refund', class: 'primary' }, t('refundReturn'));
      // One key per click on this button: a double click, or a retry of a lost answer, refunds once.
      const key = crypto.randomUUID();
      refund.addEventListener('click', () => act('refund', { shipping: shipping.checked }, { 'Idempotency-Key': key }));
      buttons.append(refund, h('label', { class: 'check' }, shipping, ` ${t('refundShippingToo')}`));
    }
  }
  const waiting = item.refund_state === 'awaiting_approval' ? h('p', { class: 'hint' }, t('returnRefundWaiting'))
    : item.refund_state === 'failed' ? h('p', { class: 'form-error' }, `${t('actionFailed')} ${item.refund_error || ''}`) : null;
  return h('div', { class: `return return-${item.state}`, 'data-return': item.id },
    h('p', {}, h('strong', {}, `${item.order_number}-R${item.id}`), ' ',
      h('span', { class: `badge return-state-${item.state}` }, t(`returnState.${item.state}`)),
      h('span', { class: 'hint' }, ` ${formatTime(item.created_at)} · ${t(item.origin === 'customer' ? 'returnByCustomer' : 'returnByAgent')}`)),
    h('ul', {}, ...item.lines.map((line) => h('li', {}, `${line.quantity} × ${line.title}${line.exchange ? ` → ${line.exchange.title}` : ''}`
      + ` — ${t(`returnReason.${line.reason}`)}${line.note ? `: “${line.note}”` : ''}`))),
    item.exchange_ref ? h('p', {}, `${t('exchangeSent')}: ${item.exchange_ref}`) : null,
    item.photo_ids.length ? h('p', {}, ...item.photo_ids.map((id, index) =>
      h('a', { href: `/api/v1/attachments/${id}/download`, class: 'return-photo' }, `${t('photo')} ${index + 1} `))) : null,
    item.tracking_number ? h('p', {}, `${t('tracking')}: ${item.tracking_number}`) : null,
    item.decline_reason ? h('p', {}, `${t('declineReasonLabel')}: ${item.decline_reason}`) : null,
    waiting, buttons, error);
}

/** The agent's form: how many of each line, the reason, a note. */
function startForm(record, answer, reload) {
  const rows = answer.lines.filter((line) => line.returnable > 0 && !line.final_sale).map((line) => ({
    line,
    quantity: h('input', { type: 'number', min: 0, max: line.returnable, value: 0, step: 1, 'aria-label': `${t('quantity')} ${line.title}` }),
    reason: h('select', { 'aria-label': `${t('returnReasonLabel')} ${line.title}` },
      ...answer.policy.reasons.map((reason) => h('option', { value: reason }, t(`returnReason.${reason}`)))),
    note: h('input', { type: 'text', maxlength: 300, 'aria-label': `${t('returnNote')} ${line.title}` }),
    // Money back, or another variant of the same product (the shop's own, found by the item's name).
    exchange: h('select', { 'aria-label': `${t('exchangeFor')} ${line.title}`, 'data-exchange': line.line_item_id },
      h('option', { value: '' }, t('refundInstead'))),
  }));
  for (const { line, exchange } of rows) {
    api('GET', `/orders/${record.id}/products?q=${encodeURIComponent(line.title)}`).then((found) => {
      for (const variant of found.items) exchange.append(h('option', { value: variant.id, 'data-title': variant.title }, `${t('exchangeFor')} ${variant.title}`));
    }, () => { exchange.hidden = true; });
  }
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const photos = h('input', { type: 'file', accept: 'image/*', multiple: true, 'aria-label': t('returnPhotos') });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('openReturn'));
  const form = h('form', { class: 'return-form' },
    ...rows.map(({ line, quantity, reason, note, exchange }) => h('fieldset', {}, h('legend', {}, `${line.title}${line.variant ? ` (${line.variant})` : ''} · ${line.returnable}`),
      quantity, reason, exchange, note)), h('label', { class: 'field' }, h('span', { class: 'label' }, t('returnPhotos')), photos), submit, error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const lines = rows.filter(({ quantity }) => Number(quantity.value) > 0).map(({ line, quantity, reason, note, exchange }) => ({
      line_item_id: line.line_item_id, quantity: Number(quantity.value), reason: reason.value, note: note.value || undefined,
      exchange: exchange.value ? { variant_id: exchange.value, title: exchange.selectedOptions[0]?.dataset.title ?? '' } : undefined,
    }));
    submit.disabled = true;
    try {
      const photoIds = [];
      for (const file of [...(photos.files || [])].slice(0, 3)) {
        photoIds.push((await sendFile('/attachments', file, { 'X-File-Name': encodeURIComponent(file.name), 'Content-Type': file.type })).id);
      }
      await api('POST', `/orders/${record.id}/returns`, { lines, conversation_id: state.conversation?.id, photo_ids: photoIds });
      reload();
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
      submit.disabled = false;
    }
  });
  return form;
}
