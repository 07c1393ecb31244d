// Self-service order tracking: the customer gives the order number and the email it was placed
// with and sees its status and the parcel's tracking, without waiting for an agent.

const trackNumber = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: '40', required: true });
const trackEmail = h('input', { type: 'email', autocomplete: 'email', maxlength: '254', required: true });
const trackResult = h('div', { class: 'tracked', role: 'status', 'aria-live': 'polite' });
// The help center's returns page, for a customer who wants to send something back.
const returnsLink = h('a', { class: 'returns-link', target: '_blank', rel: 'noopener', hidden: true }, `↩ ${t('returnItems')}`);
const trackForm = h('form', { class: 'contact track', hidden: true, onsubmit: (event) => { event.preventDefault(); lookUp(); } },
  h('label', {}, t('orderNumber'), trackNumber), h('label', {}, t('orderEmail'), trackEmail),
  h('button', { type: 'submit' }, t('lookUp')), trackResult, returnsLink,
  h('button', { type: 'button', class: 'back', onclick: () => showTracking(false) }, t('backToChat')));
const trackButton = h('button', { type: 'button', class: 'track-open', 'aria-label': t('track'), title: t('track'), onclick: () => showTracking(trackForm.hidden) }, '📦');
panel.querySelector('header').insertBefore(trackButton, panel.querySelector('header > button'));
panel.append(trackForm);

function showTracking(show) {
  state.tracking = show;
  trackForm.hidden = !show;
  render();
  const returnsPath = state.config?.returns_path;
  returnsLink.hidden = !returnsPath;
  if (returnsPath) returnsLink.href = base + returnsPath + '?lang=' + language;
  if (show) { if (state.visitor?.email && !trackEmail.value) trackEmail.value = state.visitor.email; trackNumber.focus(); }
  else text.focus();
}

function orderStatus(order) {
  if (order.cancelled) return t('st.cancelled');
  if (order.financial_status === 'refunded') return t('st.refunded');
  if (order.financial_status === 'pending') return t('st.unpaid');
  return t({ fulfilled: 'st.shipped', partial: 'st.partial', on_hold: 'st.hold' }[order.fulfillment_status] || 'st.preparing');
}

async function lookUp() {
  trackResult.replaceChildren();
  try {
    const order = await call('/orders/lookup', { method: 'POST', body: { number: trackNumber.value.trim(), email: trackEmail.value.trim() } });
    const date = new Date(order.placed_at).toLocaleDateString(language);
    trackResult.append(h('p', {}, h('strong', {}, `${order.number} · ${orderStatus(order)}`)), h('p', {}, t('placed', { date })),
      h('ul', {}, ...order.items.map((item) => h('li', {}, `${item.quantity} × ${item.title}${item.variant ? ` (${item.variant})` : ''}`))),
      ...order.shipments.map((shipment) => h('p', {}, `${shipment.carrier || ''} ${shipment.number || ''} `.trim() + ' ',
        shipment.url ? h('a', { href: shipment.url, target: '_blank', rel: 'noopener noreferrer' }, t('trackShipment')) : '')),
      // A shipped order can be sent back from the help center's returns page.
      order.returns_path ? h('p', {}, h('a', { href: base + order.returns_path, target: '_blank', rel: 'noopener' }, `↩ ${t('returnItems')}`)) : '');
  } catch (failure) {
    trackResult.append(h('p', { class: 'error' }, failure.message));
  }
}
