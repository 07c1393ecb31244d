// Reports → What no intent fits: the period's conversations no intent fitted, in clusters named
// by the words they share (`GET /reports/topics/unmatched`). An admin makes a cluster an intent
// of the workspace from the examples that ask for it; the workspace's model learns it now.

import { api, query } from './api.js';
import { h } from './dom.js';
import { formatNumber, languageName, t } from './i18n.js';
import { intentName } from './intent-name.js';
import { loadIntents } from './intents.js';
import { conversationHash } from './router.js';

/** The panel (admins only: the answer is theirs). @param {{ from?: string, to?: string }} period */
export async function unmatchedPanel(period) {
  const report = await api('GET', `/reports/topics/unmatched${query({ from: period.from, to: period.to })}`);
  const list = report.items.length
    ? h('ol', { class: 'unmatched-clusters', id: 'unmatched-clusters' }, ...report.items.map(clusterItem))
    : h('p', { class: 'hint', id: 'unmatched-clusters' }, t('noUnmatched'));
  return h('section', { class: 'admin-panel', id: 'report-unmatched', 'aria-labelledby': 'report-unmatched-title' },
    h('h3', { id: 'report-unmatched-title' }, t('unmatchedTitle')),
    h('p', { class: 'hint' }, t('unmatchedExplained').replace('{count}', formatNumber(report.read))), list);
}

function clusterItem(cluster) {
  const languages = Object.entries(cluster.languages).map(([code, count]) => `${code === 'unknown' ? '?' : languageName(code)} ${formatNumber(count)}`).join(', ');
  const make = h('button', { type: 'button', class: 'link-button make-intent' }, t('makeIntent'));
  const item = h('li', { 'data-terms': cluster.terms.join('|') },
    h('strong', {}, cluster.terms.join(' · ') || '—'), ` · ${formatNumber(cluster.size)} ${t('conversationsCount').toLowerCase()} · ${languages} `, make,
    h('ul', { class: 'topic-examples' }, ...cluster.examples.map((example) =>
      h('li', {}, h('a', { href: conversationHash('all', example.conversation_id) }, example.text)))));
  make.addEventListener('click', () => { make.hidden = true; item.append(intentForm(cluster)); });
  return item;
}

/** Name and label the intent, and choose the examples that ask for it (all, unless unticked). */
function intentForm(cluster) {
  const first = cluster.terms[0] || '';
  const name = h('input', { type: 'text', class: 'intent-name', required: true, maxlength: 40, pattern: '[a-z][a-z0-9_]{2,39}', value: intentName(first) });
  const labelInput = h('input', { type: 'text', class: 'intent-label', required: true, maxlength: 80, value: first.charAt(0).toUpperCase() + first.slice(1) });
  const shown = new Set(cluster.examples.map((example) => example.conversation_id));
  const boxes = cluster.examples.map((example) => ({ id: example.conversation_id,
    box: h('input', { type: 'checkbox', checked: true, value: String(example.conversation_id) }), text: example.text }));
  const others = cluster.conversation_ids.filter((id) => !shown.has(id));
  const status = h('p', { role: 'status', class: 'hint' });
  const form = h('form', { class: 'intent-form' },
    h('label', { class: 'field' }, h('span', { class: 'label' }, t('intentName')), name),
    h('label', { class: 'field' }, h('span', { class: 'label' }, t('intentLabel')), labelInput),
    h('fieldset', {}, h('legend', {}, t('intentExamples')),
      ...boxes.map(({ box, text }) => h('label', { class: 'check' }, box, ` ${text}`)),
      others.length ? h('p', { class: 'hint' }, t('intentMoreExamples').replace('{count}', formatNumber(others.length))) : null),
    h('button', { type: 'submit', class: 'primary' }, t('createIntent')), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = [...boxes.filter(({ box }) => box.checked).map(({ id }) => id), ...others];
    try {
      await api('POST', '/intelligence/intents', { name: name.value.trim(), label: labelInput.value.trim(), conversation_ids: chosen });
      status.textContent = t('intentCreated').replace('{count}', formatNumber(chosen.length));
      form.querySelector('button[type=submit]')?.setAttribute('disabled', '');
      await loadIntents();
    } catch (failure) { status.textContent = failure.message; }
  });
  return form;
}
