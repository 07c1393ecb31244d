// A customer's personal data, for admins: export it (a data request) or erase it (the right to be
// forgotten), beside the conversation; and in Settings → Shops the privacy requests shops sent.

import { api } from './api.js';
import { h } from './dom.js';
import { formatTime, t } from './i18n.js';
import { panel } from './forms.js';
import { showError } from './notices.js';

/** Saves everything stored about the customer as one ZIP archive: `customer.json`, the files of
 * their conversations and the emails they sent as they arrived. @param {number} id */
export function downloadExport(id) {
  const link = h('a', { href: exportAddress(id), download: `customer-${id}.zip` });
  document.body.append(link);
  link.click();
  link.remove();
}

/** Where a customer's archive downloads from. @param {number} id */
export function exportAddress(id) { return `/api/v1/customers/${id}/export.zip`; }

/** The admin's controls in the customer panel. @param {any} customer @param {() => void} erased */
export function customerPrivacy(customer, erased) {
  const exporter = h('button', { type: 'button', id: 'customer-export' }, t('exportData'));
  exporter.addEventListener('click', () => downloadExport(customer.id));
  const eraser = h('button', { type: 'button', class: 'danger', id: 'customer-erase' }, t('eraseData'));
  eraser.addEventListener('click', async () => {
    if (!window.confirm(t('eraseConfirm'))) return;
    try {
      await api('POST', `/customers/${customer.id}/erase`, { confirm: true, reason: t('eraseReason') });
      erased();
    } catch (failure) { showError(failure.message); }
  });
  return h('details', { class: 'customer-privacy' }, h('summary', {}, t('personalData')), h('p', {}, exporter, ' ', eraser));
}

/** Settings → Shops: what shops asked about their customers' data, and what Shopdesk did. */
export async function privacyRequestsSection() {
  const requests = (await api('GET', '/stores/privacy-requests')).items;
  const list = h('ul', { class: 'admin-list', id: 'privacy-requests' });
  if (!requests.length) list.append(h('li', { class: 'hint' }, t('noPrivacyRequests')));
  for (const request of requests) {
    const exports = request.topic === 'customers/data_request'
      ? request.customer_ids.map((id) => {
        const button = h('button', { type: 'button' }, `${t('exportData')} #${id}`);
        button.addEventListener('click', () => downloadExport(id));
        return button;
      })
      : [];
    list.append(h('li', {}, h('code', {}, request.topic), ` · ${request.shop_domain} · ${request.outcome} · ${formatTime(request.at)} `, ...exports));
  }
  return panel('admin-privacy', t('privacyRequests'), list);
}
