// The reports' topics panel: each intent's volume against the previous period, its negative
// share and newest conversations, and what rose significantly — intents, words and phrases
// (`GET /reports/topics`, docs/REPORTS.md "Topics"). Loaded beside the overview.

import { api, query } from './api.js';
import { h } from './dom.js';
import { formatNumber, label, t } from './i18n.js';
import { conversationHash } from './router.js';

/**
 * The panel, filled when the topics arrive (an answer to an older choice is dropped by the caller).
 * @param {Record<string, string>} params the overview's period and filters
 * @param {(metric: string, narrower: Record<string, string>) => void} drill lists the conversations behind a figure
 */
export async function topicsPanel(params, drill) {
  const report = await api('GET', `/reports/topics${query(params)}`);
  const name = (key) => (key ? label('intent', key) : t('noValue'));
  const change = (line) => (line.change == null ? (line.count && !line.previous ? t('newFigure') : '—')
    : `${line.change > 0 ? '▲' : line.change < 0 ? '▼' : '='} ${formatNumber(Math.abs(line.change))} %`);
  const button = (text, onClick, attributes = {}) => {
    const element = h('button', { type: 'button', class: 'link-button', ...attributes }, text);
    element.addEventListener('click', onClick);
    return element;
  };
  const rows = report.intents.filter((line) => line.count > 0).slice(0, 20).map((line) => h('tr', { 'data-intent': line.key },
    h('th', { scope: 'row' }, button(name(line.key), () => drill('created', { intent: line.key })),
      line.rising ? h('span', { class: 'topic-rising', title: `z = ${formatNumber(line.z ?? 0)}` }, ` ▲ ${t('risingMark')}`) : null),
    h('td', {}, formatNumber(line.count)),
    h('td', {}, `${change(line)} (${formatNumber(line.previous)})`),
    h('td', {}, line.negative
      ? button(`${formatNumber(line.negative_percent ?? 0)} % (${formatNumber(line.negative)})`, () => drill('negative', { intent: line.key }),
        { class: 'link-button topic-negative' })
      : '0 %'),
    h('td', {}, line.examples.length ? h('ul', { class: 'topic-examples' }, ...line.examples.map((example) =>
      h('li', {}, h('a', { href: conversationHash('all', example.id) }, `#${example.number} ${example.subject || ''}`)))) : '')));
  const terms = report.terms_skipped
    ? h('p', { class: 'hint', id: 'report-rising-terms' }, t('termsSkipped').replace('{days}', formatNumber(report.terms_max_days_filtered)))
    : report.terms.length
    ? h('ul', { class: 'topic-terms', id: 'report-rising-terms' }, ...report.terms.map((line) =>
      h('li', { 'data-term': line.key, title: `z = ${formatNumber(line.z ?? 0)}` }, `${line.key} · ${formatNumber(line.previous)} → ${formatNumber(line.count)}`)))
    : h('p', { class: 'hint', id: 'report-rising-terms' }, t('noRising'));
  return h('section', { class: 'admin-panel', id: 'report-topics', 'aria-labelledby': 'report-topics-title' },
    h('h3', { id: 'report-topics-title' }, t('topicsTitle'), ' ',
      h('a', { href: `/api/v1/reports/topics${query({ ...params, format: 'csv' })}`, download: '', id: 'report-topics-csv' }, t('downloadCSV'))),
    h('table', { class: 'admin-table topic-table', id: 'report-topic-table' },
      h('thead', {}, h('tr', {}, ...[t('topic'), t('conversationsCount'), t('comparedWithPrevious'), t('negativeShare'), t('examples')]
        .map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, ...rows)),
    h('h4', {}, t('risingPhrases')),
    h('p', { class: 'hint' }, t('risingExplained').replace('{count}', formatNumber(report.minimum_count))),
    terms);
}
