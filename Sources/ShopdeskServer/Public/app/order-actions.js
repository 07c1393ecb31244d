// The order action dialog: a form per action, a confirm button that says what will happen
// (with the amount), one idempotency key per opened dialog so a double click acts once, and the
// shop's answer shown as it is.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { decimalAmount, formatMoney, minorDigits, t } from './i18n.js';
import { state } from './state.js';

const REASONS = ['customer', 'inventory', 'fraud', 'declined', 'staff', 'other'];

function field(label, input) {
  const id = `oa-${Math.random().toString(36).slice(2, 8)}`;
  input.id = id;
  return h('label', { for: id, class: 'field' }, h('span', { class: 'label' }, label), input);
}

function check(label, checked) {
  const box = h('input', { type: 'checkbox', checked });
  return { box, element: h('label', { class: 'check' }, box, ` ${label}`) };
}

/// Builds the fields of one action; `read()` gives its JSON body, `describe()` the confirm label.
function fieldsFor(kind, order) {
  const left = { minor: order.total.minor - order.refunded.minor, currency: order.total.currency };
  switch (kind) {
    case 'refund': {
      const mode = h('select', {}, h('option', { value: 'all' }, `${t('refundWhole')} (${formatMoney(left)})`),
        h('option', { value: 'items' }, t('refundItems')), h('option', { value: 'amount' }, t('refundAmount')));
      const quantities = order.line_items.filter((item) => item.refundable_quantity > 0).map((item) => ({
        item, input: h('input', { type: 'number', min: 0, max: item.refundable_quantity, value: 0, step: 1, 'aria-label': `${t('quantity')} ${item.title}` }),
      }));
      const items = h('fieldset', { class: 'refund-items', hidden: true }, h('legend', {}, t('refundItems')),
        ...quantities.map(({ item, input }) => h('label', { class: 'line' }, input, ` / ${item.refundable_quantity} × ${item.title} · ${formatMoney(item.unit_price)}`)));
      const shipping = check(t('refundShipping'), false);
      const amount = h('input', { type: 'text', inputmode: 'decimal', placeholder: decimalAmount(left), hidden: true, 'aria-label': t('refundAmount') });
      const restock = check(t('restock'), true);
      const notify = check(t('notifyCustomer'), true);
      const note = h('input', { type: 'text', maxlength: 500 });
      const sync = () => { items.hidden = mode.value !== 'items'; shipping.element.hidden = mode.value !== 'items'; amount.hidden = mode.value !== 'amount'; };
      mode.addEventListener('change', sync);
      sync();
      const body = () => {
        const base = { kind, notify_customer: notify.box.checked, restock: restock.box.checked, note: note.value || undefined };
        if (mode.value === 'amount') return { ...base, amount: amount.value.replace(',', '.') };
        if (mode.value === 'items') {
          return { ...base, shipping: shipping.box.checked,
            lines: quantities.filter(({ input }) => Number(input.value) > 0).map(({ item, input }) => ({ line_item_id: item.id, quantity: Number(input.value) })) };
        }
        return base;
      };
      // A refund by items is computed by the shop (discounts, taxes): ask it what it will return.
      let preview = { key: '', text: '' };
      const refreshPreview = async () => {
        const wanted = body();
        const key = JSON.stringify(wanted);
        if (mode.value !== 'items' || !(wanted.lines?.length || wanted.shipping) || preview.key === key) return;
        preview = { key, text: '' };
        try {
          const answer = await api('POST', `/orders/${order.id}/refund-preview`, wanted);
          if (preview.key === key) preview.text = formatMoney({ minor: Math.round(Number(answer.amount) * 10 ** minorDigits(answer.currency)), currency: answer.currency });
        } catch { /* the confirm label keeps Shopdesk's own sum */ }
      };
      const total = () => {
        if (mode.value === 'amount') return amount.value ? `${amount.value} ${left.currency}` : '';
        if (mode.value === 'all') return formatMoney(left);
        if (preview.key === JSON.stringify(body()) && preview.text) return `(${t('shopWillReturn')} ${preview.text})`;
        const minor = quantities.reduce((sum, { item, input }) => sum + item.unit_price.minor * Number(input.value || 0), 0)
          + (shipping.box.checked ? (order.shipping?.minor || 0) : 0);
        return formatMoney({ minor, currency: left.currency });
      };
      return { elements: [field(t('refund'), mode), items, shipping.element, amount, restock.element, notify.element, field(t('staffNote'), note)],
        read: body, describe: () => `${t('refund')} ${total()}`, refresh: refreshPreview };
    }
    case 'cancel': {
      const reason = h('select', {}, ...REASONS.map((value) => h('option', { value }, t(`reason.${value}`))));
      const refund = check(`${t('refund')} ${formatMoney(left)}`, true);
      const restock = check(t('restock'), true);
      const notify = check(t('notifyCustomer'), true);
      const note = h('input', { type: 'text', maxlength: 500 });
      return { elements: [field(t('reason'), reason), refund.element, restock.element, notify.element, field(t('staffNote'), note)],
        read: () => ({ kind, reason: reason.value, refund: refund.box.checked, restock: restock.box.checked, notify_customer: notify.box.checked, staff_note: note.value || undefined }),
        describe: () => `${t('cancelOrder')} ${order.number}` };
    }
    case 'update_address': {
      const current = order.shipping_address || {};
      const inputs = Object.fromEntries([['name', t('name')], ['address1', t('street')], ['address2', t('street2')], ['city', t('city')],
        ['zip', t('zip')], ['province', t('region')], ['country_code', t('countryCode')], ['phone', t('phone')]]
        .map(([key, label]) => [key, { label, input: h('input', { type: 'text', value: current[key] || '', maxlength: key === 'country_code' ? 2 : 200 }) }]));
      return { elements: Object.values(inputs).map(({ label, input }) => field(label, input)),
        read: () => ({ kind, address: Object.fromEntries(Object.entries(inputs).map(([key, { input }]) => [key, input.value.trim() || undefined])) }),
        describe: () => t('editAddress') };
    }
    case 'add_note': {
      const text = h('textarea', { rows: 3, maxlength: 5000 });
      return { elements: [field(t('addOrderNote'), text)], read: () => ({ kind, text: text.value }), describe: () => t('addOrderNote') };
    }
    case 'add_tags': {
      const tags = h('input', { type: 'text', placeholder: 'vip, gift' });
      return { elements: [field(t('addOrderTags'), tags)], read: () => ({ kind, tags: tags.value.split(',').map((tag) => tag.trim()).filter(Boolean) }),
        describe: () => t('addOrderTags') };
    }
    case 'edit_items': {
      // New quantities, variants found in the shop, and the new total as the shop computes it.
      const quantities = order.line_items.map((item) => ({
        item, input: h('input', { type: 'number', min: 0, max: 999, value: item.quantity, step: 1, 'aria-label': `${t('quantity')} ${item.title}` }),
      }));
      /** @type {{ variant: any, input: HTMLInputElement }[]} */
      const additions = [];
      const added = h('ul', { class: 'edit-additions' });
      const results = h('ul', { class: 'edit-results' });
      const query = h('input', { type: 'search', 'aria-label': t('findProduct'), placeholder: t('findProduct') });
      const find = h('button', { type: 'button' }, t('find'));
      const changed = () => added.closest('form')?.dispatchEvent(new Event('change', { bubbles: true }));
      const drawAdded = () => {
        clear(added);
        for (const entry of additions) {
          const remove = h('button', { type: 'button', 'aria-label': `${t('remove')} ${entry.variant.title}` }, '×');
          remove.addEventListener('click', () => { additions.splice(additions.indexOf(entry), 1); drawAdded(); changed(); });
          added.append(h('li', {}, entry.input, ` × ${entry.variant.title}${entry.variant.price ? ` · ${formatMoney(entry.variant.price)}` : ''} `, remove));
        }
      };
      find.addEventListener('click', async () => {
        clear(results);
        try {
          for (const variant of (await api('GET', `/orders/${order.id}/products?q=${encodeURIComponent(query.value)}`)).items) {
            const add = h('button', { type: 'button', 'data-variant': variant.id }, `+ ${variant.title}${variant.price ? ` · ${formatMoney(variant.price)}` : ''}`);
            add.addEventListener('click', () => {
              additions.push({ variant, input: h('input', { type: 'number', min: 1, max: 999, value: 1, 'aria-label': `${t('quantity')} ${variant.title}` }) });
              drawAdded();
              changed();
            });
            results.append(h('li', {}, add));
          }
        } catch (failure) { results.append(h('li', { class: 'form-error' }, failure.message)); }
      });
      const notify = check(t('notifyCustomer'), true);
      const body = () => ({
        kind,
        changes: quantities.filter(({ item, input }) => Number(input.value) !== item.quantity).map(({ item, input }) => ({ line_item_id: item.id, quantity: Number(input.value) })),
        additions: additions.map(({ variant, input }) => ({ variant_id: variant.id, title: variant.title, quantity: Number(input.value) || 1, unit_price: variant.price || undefined })),
        notify_customer: notify.box.checked,
      });
      let preview = { key: '', text: '' };
      const refreshPreview = async () => {
        const wanted = body();
        const key = JSON.stringify(wanted);
        if (preview.key === key || (!wanted.changes.length && !wanted.additions.length)) return;
        preview = { key, text: '' };
        try {
          const answer = await api('POST', `/orders/${order.id}/edit-preview`, { changes: wanted.changes, additions: wanted.additions });
          const sign = answer.difference.minor > 0 ? '+' : '';
          if (preview.key === key) preview.text = `${t('newTotal')} ${formatMoney(answer.total_after)} (${sign}${formatMoney(answer.difference)})`;
        } catch (failure) { if (preview.key === key) preview.text = failure.message; }
      };
      return { elements: [h('fieldset', {}, h('legend', {}, t('items')), ...quantities.map(({ item, input }) =>
        h('label', { class: 'line' }, input, ` × ${item.title}${item.variant ? ` (${item.variant})` : ''} · ${formatMoney(item.unit_price)}`))),
      h('div', { class: 'edit-find' }, query, find), results, added, notify.element],
      read: body, describe: () => `${t('editItems')}${preview.key === JSON.stringify(body()) && preview.text ? ` · ${preview.text}` : ''}`, refresh: refreshPreview };
    }
    case 'resend_tracking': {
      // Nothing to choose: the shop sends its own shipping confirmation again, to the order's address.
      const tracked = order.fulfillments.filter((item) => item.tracking_number).map((item) => `${item.carrier || ''} ${item.tracking_number}`.trim());
      return { elements: [h('p', {}, `${t('resendTrackingTo')} ${order.email || ''}`), h('p', { class: 'hint' }, tracked.join(', '))],
        read: () => ({ kind }), describe: () => t('resendTracking') };
    }
    default: {
      const code = h('input', { type: 'text', value: `SORRY-${Math.random().toString(36).slice(2, 7).toUpperCase()}`, maxlength: 32 });
      const percent = h('input', { type: 'number', min: 1, max: 100, value: 10 });
      return { elements: [field(t('code'), code), field(t('percentOff'), percent)],
        read: () => ({ kind, code: code.value, percent: Number(percent.value) }), describe: () => `${t('discountCode')} ${code.value}` };
    }
  }
}

export function openOrderAction(kind, record, onChanged) {
  let dialog = /** @type {HTMLDialogElement | null} */ (document.getElementById('order-action'));
  if (!dialog) {
    dialog = h('dialog', { id: 'order-action', class: 'order-dialog', 'aria-labelledby': 'order-action-title' });
    document.body.append(dialog);
  }
  clear(dialog);
  // One key for this dialog: resubmitting (a double click, a retry after a timeout) cannot act twice.
  let key = crypto.randomUUID();
  const { elements, read, describe, refresh } = fieldsFor(kind, { ...record.order, id: record.id });
  const confirm = h('button', { type: 'submit', class: 'primary' }, describe());
  const close = h('button', { type: 'button' }, t('close'));
  const outcome = h('p', { class: 'action-outcome', role: 'status' });
  const form = h('form', { method: 'dialog' }, ...elements, h('div', { class: 'dialog-buttons' }, confirm, close), outcome);
  form.addEventListener('input', () => { confirm.textContent = describe(); });
  form.addEventListener('change', async () => {
    confirm.textContent = describe();
    if (refresh) { await refresh(); confirm.textContent = describe(); }
  });
  close.addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    confirm.disabled = true;
    outcome.className = 'action-outcome';
    try {
      let action = await api('POST', `/orders/${record.id}/actions`, { ...read(), conversation_id: state.conversation?.id }, { 'Idempotency-Key': key });
      // The same key is already being carried out (a second submit): wait for its outcome.
      for (let waited = 0; action.state === 'running' && waited < 30; waited += 1) {
        outcome.textContent = t('actionRunning');
        await new Promise((resolve) => { setTimeout(resolve, 1000); });
        action = (await api('GET', `/orders/${record.id}`)).actions.find((item) => item.id === action.id) || action;
      }
      if (action.state === 'outcome_unknown') {
        // The shop may have acted: sending again must use the same key, so the server reads the
        // order back before it sends anything (and Shopify's idempotency key matches).
        outcome.classList.add('form-error');
        outcome.textContent = t('actionUnknown');
        confirm.disabled = false;
      } else if (action.state === 'failed') {
        outcome.classList.add('form-error');
        outcome.textContent = `${t('actionFailed')} ${action.error}`;
        // The shop refused or was never reached: nothing moved, so a new attempt has its own key.
        key = crypto.randomUUID();
        confirm.disabled = false;
      }
      else { outcome.textContent = action.state === 'awaiting_approval' ? t('actionWaiting') : t('actionDone'); await onChanged(); }
    } catch (failure) {
      outcome.classList.add('form-error');
      outcome.textContent = failure.message;
      confirm.disabled = false;
    }
  });
  dialog.append(h('h3', { id: 'order-action-title' }, `${record.order.number} · ${describe()}`), form);
  dialog.showModal();
  /** @type {HTMLElement | null | undefined} */ (elements[0]?.querySelector('input, select, textarea'))?.focus();
}
