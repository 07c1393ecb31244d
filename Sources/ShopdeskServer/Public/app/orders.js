// The customer's orders beside the conversation: status, items, totals, tracking, and the
// order actions (refund, cancel, address, note, tags, discount code) without leaving it.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { formatMoney, formatTime, t } from './i18n.js';
import { loadOrders } from './loaders.js';
import { openOrderAction } from './order-actions.js';
import { returnsSection } from './returns.js';
import { state } from './state.js';

/**
 * The panel: the customer's order summary and their orders as the last load brought them
 * (`loaders.js` loads them when the customer changes; Refresh asks the shop again).
 * @param {any} customer @param {{ items: any[], problems: string[] }} orders @param {boolean} canAct not a viewer
 */
export function ordersPanel(customer, orders, canAct) {
  const refresh = h('button', { type: 'button', class: 'link-button', id: 'orders-refresh' }, t('refreshOrders'));
  refresh.addEventListener('click', () => loadOrders(customer.id, true));
  const summary = customer.orders;
  return h('section', { class: 'panel', id: 'orders-panel', 'aria-labelledby': 'orders-title' },
    h('h3', { id: 'orders-title' }, t('orders'), ' ', refresh),
    summary ? h('p', { class: 'order-summary' }, `${t('orderCount')}: ${summary.order_count} · ${t('lifetimeValue')}: ${formatMoney(summary.lifetime_value)}`) : null,
    ...orders.problems.map((problem) => h('p', { class: 'form-error', role: 'alert' }, problem)),
    orders.items.length ? null : h('p', { class: 'hint' }, t('noOrders')),
    h('ul', { class: 'orders' }, ...orders.items.map((record, index) =>
      h('li', {}, orderDetails(record, index === 0, canAct, () => loadOrders(customer.id, false))))));
}

export function statusBadges(order) {
  if (order.cancelled_at) return [h('span', { class: 'badge order-cancelled' }, t('cancelled'))];
  return [h('span', { class: `badge financial-${order.financial_status}` }, t(`financial.${order.financial_status}`)),
    h('span', { class: `badge fulfillment-${order.fulfillment_status}` }, t(`fulfillment.${order.fulfillment_status}`))];
}

/// One order, folded to its headline; the first is open.
export function orderDetails(record, open, canAct, onChanged) {
  const order = record.order;
  const actions = h('div', { class: 'order-actions' });
  if (canAct) {
    for (const [kind, label] of [['refund', t('refund')], ['cancel', t('cancelOrder')], ['update_address', t('editAddress')],
      ['edit_items', t('editItems')], ['add_note', t('addOrderNote')], ['add_tags', t('addOrderTags')], ['create_discount', t('discountCode')],
      ['resend_tracking', t('resendTracking')]]) {
      const disabled = (kind === 'refund' && order.total.minor - order.refunded.minor <= 0) || (kind === 'cancel' && (order.cancelled_at || order.fulfillment_status === 'fulfilled'))
        || ((kind === 'update_address' || kind === 'edit_items') && (order.cancelled_at || order.fulfillment_status === 'fulfilled'))
        || (kind === 'resend_tracking' && (order.cancelled_at || !order.email || !order.fulfillments.some((item) => item.tracking_number)));
      const button = h('button', { type: 'button', 'data-action': kind, disabled }, label);
      button.addEventListener('click', () => openOrderAction(kind, record, onChanged));
      actions.append(button);
    }
  }
  // Returns are read when the card is first opened.
  const returns = returnsSection(record, canAct);
  const details = h('details', { class: 'order', open, 'data-order-number': order.number.replace(/^#/, '') },
    h('summary', {}, h('strong', {}, order.number), ' ', formatMoney(order.total), ' ', ...statusBadges(order),
      h('span', { class: 'hint' }, ` ${formatTime(order.created_at)}`)),
    h('ul', { class: 'order-items', 'aria-label': t('items') }, ...order.line_items.map((item) =>
      h('li', {}, `${item.quantity} × ${item.title}${item.variant ? ` (${item.variant})` : ''} · ${formatMoney(item.unit_price)}`))),
    order.shipping_address ? h('p', {}, h('span', { class: 'label' }, `${t('shippingAddress')}: `), addressLine(order.shipping_address)) : null,
    ...order.fulfillments.filter((item) => item.tracking_number).map((item) => h('p', {}, h('span', { class: 'label' }, `${t('tracking')}: `),
      item.tracking_url && /^https?:\/\//.test(item.tracking_url)
        ? h('a', { href: item.tracking_url, target: '_blank', rel: 'noopener noreferrer' }, `${item.carrier || ''} ${item.tracking_number}`.trim())
        : `${item.carrier || ''} ${item.tracking_number}`.trim(), item.delivered_at ? ` · ${t('deliveredOn')} ${formatTime(item.delivered_at)}` : '')),
    order.refunds.length ? h('p', {}, h('span', { class: 'label' }, `${t('refunds')}: `),
      order.refunds.map((refund) => `${formatMoney(refund.amount)}${refund.note ? ` (${refund.note})` : ''}`).join(', ')) : null,
    order.admin_url && /^https?:\/\//.test(order.admin_url) ? h('p', {}, h('a', { href: order.admin_url, target: '_blank', rel: 'noopener noreferrer' }, t('openInShop'))) : null,
    actions, returns);
  const loadReturns = () => { if (details.open) returns.dispatchEvent(new Event('returns:load')); };
  details.addEventListener('toggle', loadReturns);
  loadReturns();
  return details;
}

export function addressLine(address) {
  return [address.name, address.address1, address.address2, [address.zip, address.city].filter(Boolean).join(' '), address.province, address.country_code]
    .filter(Boolean).join(', ');
}

/// "#1234" in a message opens that order.
export async function showOrderNumber(number) {
  let record;
  try { record = await api('GET', `/orders?number=${encodeURIComponent(number)}`); } catch (failure) {
    window.alert(failure.status === 404 ? t('orderNotFound') : failure.message);
    return;
  }
  const inPanel = /** @type {HTMLDetailsElement | null} */ (document.querySelector(`#orders-panel details[data-order-number="${CSS.escape(record.order.number.replace(/^#/, ''))}"]`));
  if (inPanel) { inPanel.open = true; inPanel.scrollIntoView({ block: 'nearest' }); inPanel.querySelector('summary')?.focus(); return; }
  let dialog = /** @type {HTMLDialogElement | null} */ (document.getElementById('order-view'));
  if (!dialog) { dialog = h('dialog', { id: 'order-view', class: 'order-dialog', 'aria-label': t('orders') }); document.body.append(dialog); }
  clear(dialog);
  const close = h('button', { type: 'button' }, t('close'));
  close.addEventListener('click', () => dialog.close());
  dialog.append(orderDetails(record, true, state.me?.role !== 'viewer', () => dialog.close()), close);
  dialog.showModal();
}

/// Message text with order numbers as links; everything else stays text.
export function linkOrderNumbers(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/(^|[^\p{L}\d])#(\d{3,10})(?![\p{L}\d])/gu)) {
    const start = match.index + match[1].length;
    parts.push(text.slice(last, start));
    const link = h('a', { href: '#', class: 'order-link', 'data-order': match[2] }, `#${match[2]}`);
    link.addEventListener('click', (event) => { event.preventDefault(); showOrderNumber(match[2]); });
    parts.push(link);
    last = start + match[2].length + 1;
  }
  parts.push(text.slice(last));
  return parts;
}
