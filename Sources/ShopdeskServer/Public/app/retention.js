// Settings → Team → Data retention: how many months closed conversations keep what was written.

import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { errorLine, panel } from './forms.js';

/** Admins: the workspace's retention policy. */
export async function retentionSection() {
  const policy = await api('GET', '/workspace/retention');
  const months = /** @type {HTMLInputElement} */ (h('input', { type: 'number', id: 'retention-months', min: '0', max: '120', value: String(policy.months) }));
  const status = h('p', { role: 'status', class: 'hint' }, described(policy));
  const error = errorLine();
  const save = h('button', { type: 'button', id: 'retention-save' }, t('save'));
  save.addEventListener('click', async () => {
    error.textContent = '';
    try {
      const saved = await api('PUT', '/workspace/retention', { months: Number(months.value) });
      status.textContent = described({ ...saved, anonymised: policy.anonymised });
    } catch (failure) { error.textContent = failure.message; }
  });
  return panel('admin-retention', t('retention'), h('p', { class: 'hint' }, t('retentionExplained')),
    h('label', {}, t('retentionMonths'), ' ', months), ' ', save, status, error);
}

/** @param {{ months: number, anonymised: number }} policy */
function described(policy) {
  return policy.months > 0
    ? t('retentionOn').replace('{months}', String(policy.months)).replace('{count}', String(policy.anonymised))
    : t('retentionOff');
}
