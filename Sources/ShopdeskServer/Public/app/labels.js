// How conversations are named and marked in every view: who they are with, what about, their
// channel and SLA, and the title of the list's view.

import { channelGlyphs, channelName } from './channel-names.js';
import { h } from './dom.js';
import { formatMinutes, formatTime, label, t } from './i18n.js';
import { state } from './state.js';

/// "SLA 25 min" while a target runs, "SLA missed" once one was missed or is past due.
export function slaBadge(item) {
  if (!item.sla_due_at && !item.sla_breached) return null;
  const left = item.sla_due_at ? new Date(item.sla_due_at).getTime() - Date.now() : -1;
  if (item.sla_breached || left <= 0) {
    return h('span', { class: 'badge sla overdue', title: item.sla_due_at ? formatTime(item.sla_due_at) : '' }, t('slaOverdue'));
  }
  const minutes = Math.round(left / 60000);
  return h('span', { class: `badge sla${minutes <= 30 ? ' soon' : ''}`, title: formatTime(item.sla_due_at) }, `${t('slaDueIn')} ${formatMinutes(minutes)}`);
}

/**
 * Who a conversation is with, in words: the customer's name, email or phone; an anonymous site
 * visitor as "Visitor 153", anyone else as "Customer 153".
 * @param {{ customer?: { name?: string, email?: string, phone?: string }, customer_id: number, inbox_id: number }} item
 */
export function customerLabel(item, inboxes = state.inboxes) {
  const known = item.customer?.name || item.customer?.email || item.customer?.phone;
  if (known) return known;
  const kind = (inboxes || []).find((inbox) => inbox.id === item.inbox_id)?.kind;
  return `${t(kind === 'chat' ? 'visitor' : 'customer')} ${item.customer_id}`;
}

/**
 * What a conversation is about: its subject; without one (chats and messengers) what the
 * customer wants, as the models read it; else "Conversation #202".
 * @param {{ subject?: string, intent?: string, number: number }} item
 */
export function conversationTitle(item) {
  if (item.subject) return item.subject;
  if (item.intent) {
    const words = label('intent', item.intent);
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return t('conversationNumber').replace('{number}', String(item.number));
}

/// Which channel the conversation is on, as a glyph with its name for screen readers.
export function channelBadge(item, inboxes = state.inboxes) {
  const kind = (inboxes || []).find((inbox) => inbox.id === item.inbox_id)?.kind;
  if (!kind || !channelGlyphs[kind]) return null;
  const name = channelName(kind);
  return h('span', { class: `badge channel channel-${kind}`, role: 'img', title: name, 'aria-label': name }, channelGlyphs[kind]);
}

/** The list's title: the view's name, an inbox's, a priority's or a tag's. */
export function viewTitle(view = state.view, inboxes = state.inboxes, savedViews = state.savedViews) {
  const [kind, value] = [view.split(':')[0], view.slice(view.indexOf(':') + 1)];
  if (kind === 'inbox') return inboxes.find((inbox) => String(inbox.id) === value)?.name || t('inboxes');
  if (kind === 'priority') return t(value);
  if (kind === 'tag') return `#${decodeURIComponent(value)}`;
  if (kind === 'saved') return savedViews.find((saved) => String(saved.id) === value)?.name || t('savedViews');
  return t(view);
}
