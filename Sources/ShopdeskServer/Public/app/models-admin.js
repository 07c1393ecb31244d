// Settings → Models: the workspace's own intent, sentiment and spam models, trained from the
// agents' corrections (and spam choices); each is used only when it beats the shipped model (for
// spam, the rules alone) on held-out labels.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { formatTime, label, t } from './i18n.js';
import { panel } from './forms.js';

export async function modelsSection() {
  const list = h('ul', { class: 'admin-list', id: 'model-reports' });
  const draw = (items) => {
    clear(list);
    if (!items.length) list.append(h('li', { class: 'hint' }, t('noTraining')));
    for (const item of items) {
      const report = item.report;
      list.append(h('li', {}, h('strong', {}, `${t(`task.${report.task}`)}: ${report.adopted ? t('modelAdopted') : t('modelShipped')}`),
        ` · ${report.examples} ${t('labels')} · ${formatTime(item.trained_at)}`, h('p', { class: 'hint' }, report.reason)));
    }
  };
  draw((await api('GET', '/intelligence/models')).items);
  const train = h('button', { type: 'button', id: 'train-models' }, t('trainNow'));
  const status = h('span', { role: 'status', class: 'hint' });
  train.addEventListener('click', async () => {
    train.disabled = true;
    status.textContent = ` ${t('training')}`;
    try { draw((await api('POST', '/intelligence/models/train')).items); status.textContent = ''; } catch (failure) { status.textContent = ` ${failure.message}`; }
    train.disabled = false;
  });
  const report = await api('GET', '/reports/intents');
  const table = h('table', { class: 'admin-table', id: 'intent-report' },
    h('tr', {}, h('th', {}, t('intent')), h('th', {}, t('conversationsCount')), h('th', {}, t('negativeCount')), h('th', {}, t('urgentCount')), h('th', {}, t('firstReply'))),
    ...report.items.map((line) => h('tr', {}, h('td', {}, line.intent ? label('intent', line.intent) : '—'), h('td', {}, String(line.conversations)),
      h('td', {}, String(line.negative)), h('td', {}, String(line.urgent)),
      h('td', {}, line.mean_first_response_seconds == null ? '—' : `${Math.round(line.mean_first_response_seconds / 60)} min`))));
  return panel('admin-models', t('models'), h('p', { class: 'hint' }, t('modelsHelp')), list, h('p', {}, train, status),
    h('h4', {}, t('intentReport')), table);
}
