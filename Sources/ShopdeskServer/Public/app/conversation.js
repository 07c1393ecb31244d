// One conversation: its thread with timeline entries, and the controls for status, priority,
// assignee, team, snooze and tags; the composer is in composer.js. Both are views of the store's
// open conversation; loading it is `loaders.js`'s.

import { summaryCard } from './summary.js';
import { h } from './dom.js';
import { mount } from './mount.js';
import { formatTime, t } from './i18n.js';
import { conversationTitle, slaBadge } from './labels.js';
import { loadConversation, loadEarlier, update } from './loaders.js';
import { refreshPresence } from './presence.js';
import { composerView, formatSize } from './composer.js';
import { linkOrderNumbers } from './orders.js';
import { formattedView } from './email-html.js';
import { mailAuthSummary } from './mail-auth.js';
import { commentControls, postCard } from './comments.js';
import { PRIORITIES, state, subscribe } from './state.js';
import { wakeTime } from './snooze.js';
import { followButton } from './notifications.js';
import { splitButton } from './split.js';

// What the thread does once drawn: it shows its newest message, or its top after earlier ones
// were loaded; the pane takes focus when the agent opened the conversation from the keyboard.
let afterLoad = { scrollTop: false, focus: false };
subscribe((next, previous, action) => {
  if (action.type === 'earlierLoaded') afterLoad.scrollTop = true;
  if (action.type === 'conversationLoaded' && action.focus) afterLoad.focus = true;
});
// The conversation itself (head, controls, thread) and its composer: views of the store, drawn
// again when what they show changes (who else is in it is presence.js's, so a colleague's
// presence redraws neither).
const conversationPane = mount(() => document.getElementById('conversation-view'), conversationView, (s) => ({
  selectedId: s.selectedId, loadError: s.loadError, conversation: s.conversation, messages: s.messages,
  messagesBefore: s.messagesBefore, timeline: s.timeline, agents: s.agents, teams: s.teams, inboxes: s.inboxes,
  attachments: s.attachments, customFields: s.customFields, followers: s.followers, me: s.me,
}), { drawn: () => afterDrawing() });
// The summary has a slot of its own in the pane: it arrives after the conversation, and drawing
// the pane again for it would close what the agent opened there (an email's formatting).
const summaryPanel = mount(() => document.getElementById('summary-slot'), (/** @type {{ summary: any }} */ props) => {
  const card = summaryCard(props.summary);
  return card ? [card] : [];
}, (s) => ({ summary: s.summary.conversationId === s.selectedId ? s.summary : null }));
const composer = mount(() => document.getElementById('composer-slot'), composerView, (s) => ({
  conversation: s.selectedId && !s.loadError ? s.conversation : null, mode: s.mode, macro: s.macro, scheduled: s.scheduled,
  composerError: s.composerError, inboxes: s.inboxes, pendingFiles: s.pendingFiles,
}));

function afterDrawing() {
  const thread = document.getElementById('thread');
  if (thread) thread.scrollTop = afterLoad.scrollTop ? 0 : thread.scrollHeight;
  if (afterLoad.focus && thread) document.getElementById('conversation')?.focus({ preventScroll: true });
  afterLoad = { scrollTop: false, focus: false };
  // The pane's summary slot is new: the summary goes into it.
  summaryPanel.draw();
  // The head is new: who else is here goes into it.
  refreshPresence();
}

/** Draws the conversation again with the same props (the language changed). */
export function renderConversation() {
  conversationPane.draw();
  composer.draw();
}

/** On a phone the list and the conversation are screens of their own: this returns to the list. */
function backToList() {
  const back = h('button', { type: 'button', class: 'back-to-list', id: 'back-to-list', 'aria-label': t('backToList') }, '←');
  back.addEventListener('click', () => { location.hash = `#/${state.view}`; });
  return back;
}

/** Where the customer panel does not fit beside the conversation, it opens over it. */
function customerToggle() {
  const layout = document.querySelector('.layout');
  const open = Boolean(layout?.classList.contains('customer-open'));
  const toggle = h('button', { type: 'button', class: 'show-customer', id: 'show-customer', 'aria-controls': 'sidebar',
    'aria-expanded': open ? 'true' : 'false' }, t('customer'));
  toggle.addEventListener('click', () => {
    const opened = document.querySelector('.layout')?.classList.toggle('customer-open');
    toggle.setAttribute('aria-expanded', opened ? 'true' : 'false');
    if (opened) document.getElementById('close-customer')?.focus();
  });
  return toggle;
}

// MARK: One conversation

/// Messages and timeline events in one thread, in time order.
function threadEntries(messages, timeline) {
  /** @type {{ at: string, message?: any, event?: any }[]} */
  const entries = messages.map((message) => ({ at: message.created_at, message }));
  for (const event of timeline) {
    // Shown on the message itself (delivery) or beside the thread (classification).
    if (['message.created', 'message.delivery_changed', 'conversation.classified'].includes(event.kind)) continue;
    entries.push({ at: event.occurred_at, event });
  }
  return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

function agentNamed(agents, id) {
  return agents.get(id)?.name || `#${id}`;
}

/// A rule's name as its `rule.fired` entry in this timeline recorded it.
function ruleName(timeline, id) {
  const fired = timeline.find((event) => event.kind === 'rule.fired' && event.payload?.rule_id === id);
  return fired ? `“${fired.payload.name}”` : `#${id}`;
}

/** A timeline entry in words. @param {any} event @param {{ agents: Map<number, any>, timeline: any[], teams: any[], customFields: any[] }} props */
function describeEvent(event, props) {
  const agentName = (id) => agentNamed(props.agents, id);
  const who = event.actor?.type === 'agent' ? agentName(event.actor.id) : event.actor?.type === 'customer' ? t('customer')
    : event.actor?.type === 'rule' ? `${t('ruleFired')} ${ruleName(props.timeline, event.actor.id)}`
    : event.payload?.by_bot ? `🤖 ${t('botAuthor')}` : 'Shopdesk';
  const p = event.payload || {};
  switch (event.kind) {
    case 'conversation.created': return `${t('started')} (${who})`;
    case 'conversation.status_changed': return `${who}: ${t(p.from) || p.from} → ${t(p.to) || p.to}`;
    case 'conversation.assignee_changed': return `${who}: ${t('assignee')} → ${p.to ? agentName(p.to) : t('nobody')}`;
    case 'conversation.priority_changed': return `${who}: ${t('priority')} → ${t(p.to)}`;
    case 'conversation.merge_received': return `${who}: ${t('mergedFrom')} (${p.messages_moved ?? 0} ${t('messages')})`;
    case 'conversation.merged': return `${who}: ${t('mergeInto')} →`;
    case 'conversation.fields_changed': return `${who}: ${Object.entries(p.changes || {}).map(([key, change]) =>
      `${props.customFields.find((field) => field.key === key && field.entity === 'conversation')?.label || key} → ${change.to ?? '—'}`).join(', ')}`;
    case 'conversation.split': return `${who}: ${t('splitOff')} (${p.messages_moved ?? 0} ${t('messages')})`;
    case 'conversation.split_from': return `${who}: ${t('splitFrom')} (${p.messages_moved ?? 0} ${t('messages')})`;
    case 'conversation.team_changed': return `${who}: ${t('team')} → ${props.teams.find((team) => team.id === p.to)?.name || t('noTeam')}`;
    case 'conversation.tags_changed': return `${who}: ${t('tags')} ${[...(p.added || []).map((x) => `+${x}`), ...(p.removed || []).map((x) => `−${x}`)].join(' ')}`;
    case 'rule.fired': {
      const skipped = (p.skipped || []).map((item) => `${t(`action.${item.action}`)} ${t('skipped')}: ${item.reason}`);
      return [`⚙ ${t('ruleFired')} “${p.name}”`, ...skipped].join(' · ');
    }
    case 'macro.applied': return `${who}: ${t('macroApplied')} “${p.name}”`;
    case 'agents.notified': return `🔔 ${t('notice')}: ${p.message || p.rule}`;
    case 'sla.warning': return `⏱ ${t('slaWarningEvent')}: ${t(`target.${p.target}`)} (${p.policy}) → ${formatTime(p.due_at)}`;
    case 'survey.answered': return `★ ${t('surveyEvent')}: ${p.score} (${String(p.kind).toUpperCase()})${p.comment ? ` “${p.comment}”` : ''}`;
    case 'sla.breached': return `⏱ ${t('slaBreachedEvent')}: ${t(`target.${p.target}`)} (${p.policy})`;
    case 'bot.answered': return `🤖 ${t('botAnswered')}: ${p.article || p.order || ''}`;
    case 'bot.handed_over': return `🤖 ${t('botHandedOver')}: ${p.reason}`;
    case 'bot.resolved': return `🤖 ${t('botResolved')}`;
    case 'bot.acted': return `🤖 ${t('botActed')}: ${p.summary || ''}`;
    case 'message.comment_changed': return `${who}: ${t('comment')} → ${t({ hidden: 'commentHidden', deleted: 'commentDeleted' }[p.status] || 'commentVisible')}`;
    // An erased customer's address change has no summary left: its order number stands in.
    case 'order.action_succeeded': return `🛍 ${who}: ${p.summary ?? p.order_number ?? ''} · ${t('actionDone')}`;
    case 'order.action_failed': return `🛍 ${who}: ${p.summary ?? p.order_number ?? ''} · ${t('actionFailed')} ${p.error || ''}`;
    case 'order.action_requested': return `🛍 ${who}: ${p.summary ?? p.order_number ?? ''} · ${t('actionWaiting')}`;
    case 'order.action_rejected': return `🛍 ${who}: ${p.summary ?? p.order_number ?? ''} · ${t('reject')}`;
    case 'campaign.conversation': return `📣 ${t('campaignEvent')} “${p.name}” (${t('variant')} ${p.variant})${p.code ? ` · ${p.code}` : ''}${p.message ? `: ${p.message}` : ''}`;
    case 'return.requested': return `↩ ${who}: ${t('returnEvent')} ${p.order_number} (${p.items}) · ${t(`returnState.${p.state}`)}`;
    case 'return.updated': return `↩ ${who}: ${t('returnEvent')} ${p.order_number} → ${t(`returnState.${p.to}`)}${p.reason ? ` (${p.reason})` : ''}`;
    case 'conversation.anonymised': return `${t('retention')}: ${t('retentionOn').replace('{months}', String(p.months)).replace(/ \(.*\)\.?$/, '')}`;
    default: return `${who}: ${event.kind}`;
  }
}

// The email a customer's message came in as, for the headers and anything the agent's view left out.
function originalLink(message, conversation, inboxes) {
  if (message.direction !== 'inbound' || !message.channel_message_id) return null;
  if (inboxes.find((inbox) => inbox.id === conversation.inbox_id)?.kind !== 'email') return null;
  return h('a', { class: 'original-email', href: `/api/v1/conversations/${conversation.id}/messages/${message.id}/original`,
    download: `message-${message.id}.eml` }, t('originalEmail'));
}

const inlineTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Voice notes and audio the channels deliver, played in the thread (their type was sniffed from their bytes). */
const audioTypes = new Set(['audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/wav']);

/**
 * The open conversation: its head, controls and thread; a placeholder when none is open, and why
 * it could not be loaded when it could not.
 * @param {{ selectedId: number | null, loadError: string | null, conversation: any, messages: any[], messagesBefore: string | null,
 *   timeline: any[], agents: Map<number, any>, teams: any[], inboxes: any[], attachments: Map<string, any>, customFields: any[],
 *   followers: number[], me: any }} props
 * @returns {(Node | string)[]}
 */
function conversationView(props) {
  const { conversation } = props;
  if (!props.selectedId) return [h('p', { class: 'placeholder' }, t('selectConversation'))];
  if (props.loadError) return [h('p', { class: 'form-error', role: 'alert' }, props.loadError)];
  if (!conversation) return [];
  const canAct = props.me?.role !== 'viewer';
  const thread = h('ol', { class: 'thread', id: 'thread', 'aria-label': conversationTitle(conversation) });
  if (props.messagesBefore) {
    const more = h('button', { type: 'button', id: 'earlier-messages', class: 'earlier' }, t('earlierMessages'));
    more.addEventListener('click', () => loadEarlier(conversation.id));
    thread.append(h('li', { class: 'event' }, more));
  }
  for (const entry of threadEntries(props.messages, props.timeline)) {
    if (entry.event) {
      thread.append(h('li', { class: 'event' }, h('span', {}, describeEvent(entry.event, props)), ' ',
        h('time', { datetime: entry.at }, formatTime(entry.at))));
      continue;
    }
    const message = entry.message;
    const first = !props.messagesBefore && props.messages[0]?.id === message.id;
    thread.append(messageItem(message, conversation, props, first, canAct));
  }
  return [
    h('header', { class: 'conversation-head' },
      backToList(),
      h('h2', { id: 'conversation-title' }, conversationTitle(conversation)),
      h('span', { class: 'number' }, `#${conversation.number}`),
      slaBadge(conversation) ?? '',
      h('span', { class: 'presence', id: 'presence', role: 'status' }),
      followButton(conversation, props.followers, props.agents, props.me.id),
      customerToggle()),
    controls(conversation, props.agents, props.teams),
    postCard(conversation) ?? '',
    h('div', { id: 'summary-slot' }),
    thread];
}

/** One message of the thread, with who wrote it, its delivery, files and the actions on it. */
function messageItem(message, conversation, props, first, canAct) {
  const kind = message.private ? 'note' : message.direction === 'inbound' ? 'inbound' : 'outbound';
  const author = message.direction === 'inbound'
    ? (conversation.customer?.name || conversation.customer?.email || t('customer'))
    : message.author_agent_id ? agentNamed(props.agents, message.author_agent_id) : message.bot ? `🤖 ${t('botAuthor')}` : t('automatic');
  const delivery = !message.private && message.direction === 'outbound' && message.delivery_status
    ? h('span', { class: `delivery ${message.delivery_status}`, title: message.delivery_error || '' },
      t(message.delivery_status), message.delivery_error ? `: ${message.delivery_error}` : '')
    : null;
  return h('li', { class: `message ${kind}`, 'data-message-id': message.id },
    h('div', { class: 'meta' },
      h('strong', {}, author),
      message.private ? h('span', { class: 'badge note-badge' }, t('internal')) : null,
      h('time', { datetime: message.created_at }, formatTime(message.created_at)),
      delivery,
      commentControls(message, async () => { await loadConversation(conversation.id); }, canAct),
      splitButton(conversation, message, first, canAct)),
    senderCheck(message),
    h('div', { class: 'text' }, ...linkOrderNumbers(message.text || '')),
    formattedView(message),
    originalLink(message, conversation, props.inboxes),
    message.attachment_ids.length
      ? h('ul', { class: 'attachments' }, ...message.attachment_ids.map((key) => {
        const detail = props.attachments.get(key);
        const link = h('a', { href: `/api/v1/attachments/${key}/download`, download: detail?.file_name || '' },
          detail ? `${detail.file_name} (${formatSize(detail.size)})` : `#${key}`);
        // Pictures are shown (their type was sniffed from their bytes when stored; never SVG);
        // everything else stays a download.
        const picture = inlineTypes.has(detail?.content_type)
          ? h('img', { class: 'inline-image', src: `/api/v1/attachments/${key}/download`, alt: detail.file_name, loading: 'lazy' })
          : audioTypes.has(detail?.content_type)
            ? h('audio', { class: 'inline-audio', controls: true, preload: 'none', src: `/api/v1/attachments/${key}/download` })
            : detail?.content_type === 'video/mp4'
              ? h('video', { class: 'inline-video', controls: true, preload: 'none', src: `/api/v1/attachments/${key}/download` }) : null;
        return h('li', {}, picture, link);
      }))
      : null);
}

/** A received email's sender check: a quiet mark when its domain vouches for it, a warning
 * before the text when the domain disowns it (DMARC failed: anyone could have written it). */
function senderCheck(message) {
  const summary = mailAuthSummary(message.mail_auth);
  if (!summary || summary.state === 'unknown') return null;
  if (summary.state === 'verified') {
    return h('div', { class: 'sender-check verified', title: summary.details }, `✓ ${t('senderVerified')} ${summary.domain}`);
  }
  return h('div', { class: 'sender-check unverified', role: 'alert', title: summary.details },
    `⚠ ${t('senderUnverified').replace('{domain}', summary.domain)}`);
}

/** @type {{ conversationId: number, open: boolean, element: HTMLElement, input: HTMLInputElement } | null} */
let snoozePicker = null;

function makeSnoozePicker(conversationId) {
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'datetime-local', id: 'snooze-at', 'aria-label': t('snoozeUntil') }));
  const button = h('button', { type: 'button', id: 'snooze-at-button' }, t('snooze'));
  const element = h('span', { class: 'snooze-picker', hidden: true }, input, button);
  const picker = { conversationId, open: false, element, input };
  button.addEventListener('click', () => {
    if (!input.value) return;
    picker.open = false;
    update({ snooze_until: new Date(input.value).toISOString() });
  });
  return picker;
}

function controls(conversation, agents, teams) {
  const status = h('select', { id: 'status', 'aria-label': t('status') },
    ...['open', 'pending', 'resolved'].map((value) => h('option', { value, selected: conversation.status === value }, t(value))),
    conversation.status === 'snoozed' ? h('option', { value: 'snoozed', selected: true, disabled: true }, t('snoozed')) : null,
    h('option', { value: 'spam', selected: conversation.status === 'spam' }, t('spamStatus')));
  status.addEventListener('change', () => update({ status: status.value }));

  const priority = h('select', { id: 'priority', 'aria-label': t('priority') },
    ...PRIORITIES.map((value) => h('option', { value, selected: conversation.priority === value }, t(value))));
  priority.addEventListener('change', () => update({ priority: priority.value }));

  const assignee = h('select', { id: 'assignee', 'aria-label': t('assignee') },
    h('option', { value: '', selected: !conversation.assignee_id }, t('nobody')),
    ...[...agents.values()].filter((agent) => !agent.disabled)
      .map((agent) => h('option', { value: agent.id, selected: conversation.assignee_id === agent.id }, agent.name)));
  assignee.addEventListener('change', () => update({ assignee_id: assignee.value ? Number(assignee.value) : null }));

  const team = teams.length === 0 ? null : h('select', { id: 'team', 'aria-label': t('team') },
    h('option', { value: '', selected: !conversation.team_id }, t('noTeam')),
    ...teams.map((item) => h('option', { value: item.id, selected: conversation.team_id === item.id }, item.name)));
  team?.addEventListener('change', () => update({ team_id: team.value ? Number(team.value) : null }));

  const snooze = h('select', { id: 'snooze', 'aria-label': t('snoozeUntil') },
    h('option', { value: '' }, `${t('snooze')}…`),
    ...[[1, '1 h'], [4, '4 h'], [24, '24 h'], [72, '3 d'], [168, '7 d']].map(([hours, label]) => h('option', { value: hours }, label)),
    h('option', { value: 'tomorrow' }, t('snoozeTomorrow')), h('option', { value: 'monday' }, t('snoozeMonday')),
    h('option', { value: 'reply' }, t('snoozeReply')), h('option', { value: 'pick' }, t('snoozePick')));
  // A date and time of the agent's choosing, on their own clock. The same picker stays through
  // the redraws a live update causes while the agent picks (open, its value, its focus).
  if (snoozePicker?.conversationId !== conversation.id) snoozePicker = makeSnoozePicker(conversation.id);
  const picker = snoozePicker;
  if (picker.open) snooze.value = 'pick';
  snooze.addEventListener('change', () => {
    picker.open = snooze.value === 'pick';
    picker.element.hidden = !picker.open;
    if (picker.open) { picker.input.focus(); return; }
    // Waiting on the customer: their next message opens the conversation again, whenever it comes.
    if (snooze.value === 'reply') { update({ status: 'pending' }); return; }
    const wake = wakeTime(snooze.value);
    if (wake) update({ snooze_until: wake.toISOString() });
  });

  const tagInput = h('input', { id: 'tag-input', type: 'text', placeholder: t('addTag'), 'aria-label': t('addTag'), size: 12 });
  tagInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && tagInput.value.trim()) {
      event.preventDefault();
      const tag = tagInput.value.trim();
      // Emptied at once: the controls drawn again after saving keep what is typed, not what was added.
      tagInput.value = '';
      update({ add_tags: [tag] });
    }
  });
  const tags = h('ul', { class: 'tags', 'aria-label': t('tags') },
    ...conversation.tags.map((tag) => {
      const remove = h('button', { type: 'button', class: 'tag-remove', 'aria-label': `${t('removeTag')} ${tag}` }, '×');
      remove.addEventListener('click', () => update({ remove_tags: [tag] }));
      return h('li', { class: 'badge tag' }, tag, remove);
    }));
  return h('div', { class: 'controls' },
    h('label', {}, h('span', { class: 'label' }, t('status')), status),
    h('label', {}, h('span', { class: 'label' }, t('priority')), priority),
    h('label', {}, h('span', { class: 'label' }, t('assignee')), assignee),
    team ? h('label', {}, h('span', { class: 'label' }, t('team')), team) : null,
    snooze, picker.element,
    conversation.status === 'snoozed' && conversation.snoozed_until
      ? h('span', { class: 'snoozed-until', id: 'snoozed-until' }, `${t('snoozeUntil')} ${formatTime(conversation.snoozed_until)}`) : null,
    tags, tagInput);
}

