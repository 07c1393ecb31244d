// Settings → Team → Data retention: how many months closed conversations keep what was written.

import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { errorLine, panel } from './forms.js';

/** Admins: the workspace's retention policy. */
export async function retentionSection() {
  const policy = await api('GET', '/workspace/retention');
  const months = /** @type {HTMLInputElement} */ (h('input', { type: 'number', id: 'retention-months', min: '0', max: '120', value: String(policy.months) }));
  const action = /** @type {HTMLSelectElement} */ (h('select', { id: 'retention-action' },
    h('option', { value: 'anonymise', selected: policy.action !== 'delete' }, t('retentionActionAnonymise')),
    h('option', { value: 'delete', selected: policy.action === 'delete' }, t('retentionActionDelete'))));
  const status = h('p', { role: 'status', class: 'hint' }, described(policy));
  const error = errorLine();
  const save = h('button', { type: 'button', id: 'retention-save' }, t('save'));
  save.addEventListener('click', async () => {
    error.textContent = '';
    try {
      const saved = await api('PUT', '/workspace/retention', { months: Number(months.value), action: action.value });
      status.textContent = described({ ...saved, anonymised: policy.anonymised });
    } catch (failure) { error.textContent = failure.message; }
  });
  return panel('admin-retention', t('retention'), h('p', { class: 'hint' }, t('retentionExplained')),
    h('label', {}, t('retentionMonths'), ' ', months), ' ', h('label', {}, t('retentionDelete'), ' ', action), ' ', save, status, error);
}

/** @param {{ months: number, action?: string, anonymised: number }} policy */
function described(policy) {
  if (policy.months > 0 && policy.action === 'delete') return t('retentionOnDelete').replace('{months}', String(policy.months));
  return policy.months > 0
    ? t('retentionOn').replace('{months}', String(policy.months)).replace('{count}', String(policy.anonymised))
    : t('retentionOff');
}
