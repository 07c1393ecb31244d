// Settings → Team → Audit log (admins): sign-ins, changes to settings and security, exports —
// who, how, what, from where — searchable and downloadable as CSV (`GET /audit-log`).

import { api, query } from './api.js';
import { clear, h } from './dom.js';
import { formatTime, t } from './i18n.js';
import { panel } from './forms.js';

export async function auditLogSection() {
  const text = h('input', { type: 'search', id: 'audit-q', placeholder: t('auditSearch'), 'aria-label': t('auditSearch') });
  const action = h('select', { id: 'audit-action', 'aria-label': t('auditKind') },
    ...[['', t('auditAll')], ['auth.', t('auditSignIns')], ['export', t('auditExports')], ['POST', 'POST'], ['PUT', 'PUT'], ['PATCH', 'PATCH'], ['DELETE', 'DELETE']]
      .map(([value, label]) => h('option', { value }, label)));
  const rows = h('tbody', {});
  const more = h('button', { type: 'button', id: 'audit-more', hidden: true }, t('loadMore'));
  const download = h('a', { id: 'audit-csv', download: '' }, t('downloadCSV'));
  let cursor = null;
  const params = () => ({ q: text.value.trim() || undefined, action: action.value || undefined });
  const load = async (append) => {
    const page = await api('GET', `/audit-log${query({ ...params(), cursor: append ? cursor : undefined })}`);
    if (!append) clear(rows);
    for (const entry of page.items) {
      rows.append(h('tr', { 'data-action': entry.action },
        h('td', {}, formatTime(entry.at)), h('td', {}, entry.actor), h('td', {}, t(`auditVia.${entry.via}`)),
        h('td', {}, h('code', {}, entry.action), entry.target ? ` #${entry.target}` : ''), h('td', {}, entry.summary), h('td', {}, entry.address || '')));
    }
    cursor = page.next_cursor;
    more.hidden = !cursor;
    download.setAttribute('href', `/api/v1/audit-log${query({ ...params(), format: 'csv' })}`);
  };
  let timer = 0;
  text.addEventListener('input', () => { clearTimeout(timer); timer = window.setTimeout(() => load(false), 250); });
  action.addEventListener('change', () => load(false));
  more.addEventListener('click', () => load(true));
  await load(false);
  return panel('admin-audit', t('auditLog'), h('p', { class: 'hint' }, t('auditExplained')),
    h('div', { class: 'audit-filters' }, text, ' ', action, ' ', download),
    h('table', { class: 'admin-table', id: 'audit-table' },
      h('thead', {}, h('tr', {}, ...[t('auditWhen'), t('auditWho'), t('auditHow'), t('auditWhat'), t('auditSummary'), t('auditFrom')]
        .map((label) => h('th', { scope: 'col' }, label)))), rows), more);
}
