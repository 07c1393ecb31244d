// The summary at the top of a long conversation (or one the bot handed over): what the customer
// wants in their own words, what was done and what is still open, said in the agent's language.

import { h } from './dom.js';
import { formatTime, t } from './i18n.js';

/** A phrase of the summary with its details filled in (`{order}`, `{name}`…). */
export function phrase(key, detail) {
  return t(key).replace(/\{(\w+)\}/g, (_, name) => (name === 'since' && detail.since ? formatTime(detail.since) : detail[name] ?? ''));
}

/**
 * @param {{ conversationId: number | null, wants: string[], done: any[], open: any[], worth_showing?: boolean } | null} summary
 * @returns {HTMLElement | null}
 */
export function summaryCard(summary) {
  if (!summary?.worth_showing) return null;
  const list = (items) => h('ul', {}, ...items.map((item) => h('li', { 'data-kind': item.kind },
    phrase(`summary.${item.kind}`, item.detail), item.detail.question ? h('q', {}, item.detail.question) : '')));
  return h('details', { class: 'summary-card', id: 'summary-card', open: '' },
    h('summary', {}, t('summaryTitle')),
    summary.wants.length ? h('div', {}, h('h4', {}, t('summaryWants')), h('ul', { class: 'wants' }, ...summary.wants.map((text) => h('li', {}, h('q', {}, text))))) : '',
    summary.done.length ? h('div', {}, h('h4', {}, t('summaryDone')), list(summary.done)) : '',
    summary.open.length ? h('div', {}, h('h4', {}, t('summaryOpen')), list(summary.open)) : '');
}
