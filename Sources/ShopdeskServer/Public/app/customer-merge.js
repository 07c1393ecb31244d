// "Same person as…" in the customer panel: the agent finds another customer by name, email or
// phone and folds this one into them — a customer who wrote on Telegram or by SMS into the one
// with the email and the orders. The second click confirms; identities and conversations move.

import { api, query } from './api.js';
import { clear, h } from './dom.js';
import { t } from './i18n.js';

/** What the agent opened, typed and found, kept for their customer while the panel is drawn
 * again around it (a live update redraws the profile). */
let kept = { customerId: /** @type {number | null} */ (null), open: false, text: '', others: /** @type {any[] | null} */ (null) };
let asked = 0;

/**
 * @param {{ id: number }} customer the conversation's customer
 * @param {(target: { id: number }) => void} onMerged called with the customer who remains
 */
export function customerMerge(customer, onMerged) {
  if (kept.customerId !== customer.id) kept = { customerId: customer.id, open: false, text: '', others: null };
  const input = h('input', { type: 'search', id: 'customer-merge-search', placeholder: t('findCustomer'), autocomplete: 'off' });
  const results = h('ul', { class: 'merge-results', id: 'customer-merge-results', 'aria-live': 'polite' });
  input.value = kept.text;
  let timer = null;
  input.addEventListener('input', () => {
    kept.text = input.value;
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });

  async function search() {
    const text = input.value.trim();
    const ask = ++asked;
    if (text.length < 2) { kept.others = null; showFound(); return; }
    const found = await api('GET', `/customers${query({ q: text, limit: 6 })}`).catch(() => ({ items: [] }));
    if (ask !== asked || kept.customerId !== customer.id) return;   // an older search answering late
    kept.others = found.items.filter((other) => other.id !== customer.id).slice(0, 5);
    // The panel may have been drawn again while the search ran: the list on screen gets the answer.
    showFound(/** @type {HTMLElement | null} */ (document.getElementById('customer-merge-results')) ?? results);
  }

  function showFound(list = /** @type {HTMLElement} */ (results)) {
    clear(list);
    if (!kept.others) return;
    for (const other of kept.others) list.append(candidate(other));
    if (!kept.others.length) list.append(h('li', { class: 'hint' }, t('noCustomerFound')));
  }

  function candidate(other) {
    const pick = h('button', { type: 'button', class: 'merge-pick', 'data-customer': other.id }, t('mergeCustomer'));
    let armed = false;
    pick.addEventListener('click', async () => {
      if (!armed) {
        armed = true;
        pick.textContent = t('confirmMergeCustomer');
        pick.classList.add('danger');
        return;
      }
      pick.disabled = true;
      try {
        onMerged(await api('POST', `/customers/${customer.id}/merge`, { into: other.id }));
      } catch (failure) {
        pick.disabled = false;
        results.append(h('li', { class: 'error', role: 'alert' }, failure.message));
      }
    });
    const who = [other.name, other.email, other.phone].filter(Boolean).join(' · ') || `#${other.id}`;
    return h('li', {}, h('span', {}, who), ' ', pick);
  }

  showFound();
  const details = /** @type {HTMLDetailsElement} */ (h('details', { class: 'customer-merge', id: 'customer-merge', open: kept.open },
    h('summary', {}, t('sameCustomerAs')), h('label', { for: 'customer-merge-search', class: 'hint' }, t('sameCustomerHelp')), input, results));
  details.addEventListener('toggle', () => { kept.open = details.open; });
  return details;
}

/**
 * Links that open a chat with the shop tied to this customer (Telegram's t.me/<bot>?start=…),
 * for the agent to send or the shop to put on an order page.
 * @param {{ id: number }} customer
 */
export function channelLinks(customer) {
  const list = h('ul', { class: 'channel-links', id: 'channel-links' });
  const button = h('button', { type: 'button', id: 'channel-links-get', class: 'link-button' }, t('chatLinks'));
  button.addEventListener('click', async () => {
    try {
      const answer = await api('POST', `/customers/${customer.id}/channel-links`);
      list.replaceChildren(...(answer.items.length ? answer.items.map((item) => h('li', {},
        h('input', { readonly: true, value: item.link || item.start, 'aria-label': t('chatLinks') })))
        : [h('li', { class: 'hint' }, t('noChatLinks'))]));
    } catch (failure) {
      list.replaceChildren(h('li', { class: 'error', role: 'alert' }, failure.message));
    }
  });
  return h('div', { class: 'channel-links-box' }, button, list);
}
