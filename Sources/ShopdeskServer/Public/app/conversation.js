// One conversation: its thread with timeline entries, and the controls for status, priority,
// assignee, team, snooze and tags; the composer is in composer.js. It draws itself when the
// store's open conversation changes; loading is `loaders.js`'s.

import { clear, h } from './dom.js';
import { formatTime, t } from './i18n.js';
import { conversationTitle, slaBadge } from './labels.js';
import { loadConversation, loadEarlier, update } from './loaders.js';
import { presenceText } from './notices.js';
import { composerForm, formatSize } from './composer.js';
import { loadDraft } from './drafts.js';
import { linkOrderNumbers } from './orders.js';
import { formattedView } from './email-html.js';
import { commentControls, postCard } from './comments.js';
import { PRIORITIES, state, subscribe } from './state.js';
import { wakeTime } from './snooze.js';
import { followButton } from './notifications.js';
import { splitButton } from './split.js';

subscribe((next, previous, action) => {
  switch (action.type) {
    case 'conversationSelected': if (!next.selectedId) showNothing(); break;
    case 'conversationFailed': showFailure(action.error); break;
    case 'conversationLoaded': renderConversation(Boolean(action.focus)); break;
    case 'earlierLoaded':
      renderConversation(false);
      document.getElementById('thread')?.scrollTo({ top: 0 });
      break;
    case 'modeChosen': case 'macroChosen': renderConversation(false); break;
    default: break;
  }
});

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

function showNothing() {
  const pane = document.getElementById('conversation');
  if (!pane) return;
  clear(pane);
  clear(document.getElementById('sidebar'));
  pane.append(h('p', { class: 'placeholder' }, t('selectConversation')));
}

function showFailure(message) {
  const pane = document.getElementById('conversation');
  if (!pane) return;
  clear(pane);
  pane.append(h('p', { class: 'form-error', role: 'alert' }, message));
}

// MARK: One conversation

/// Messages and timeline events in one thread, in time order.
function threadEntries() {
  /** @type {{ at: string, message?: any, event?: any }[]} */
  const entries = state.messages.map((message) => ({ at: message.created_at, message }));
  for (const event of state.timeline) {
    // Shown on the message itself (delivery) or beside the thread (classification).
    if (['message.created', 'message.delivery_changed', 'conversation.classified'].includes(event.kind)) continue;
    entries.push({ at: event.occurred_at, event });
  }
  return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

function agentName(id) {
  return state.agents.get(id)?.name || `#${id}`;
}

/// A rule's name as its `rule.fired` entry in this timeline recorded it.
function ruleName(id) {
  const fired = state.timeline.find((event) => event.kind === 'rule.fired' && event.payload?.rule_id === id);
  return fired ? `“${fired.payload.name}”` : `#${id}`;
}

function describeEvent(event) {
  const who = event.actor?.type === 'agent' ? agentName(event.actor.id) : event.actor?.type === 'customer' ? t('customer')
    : event.actor?.type === 'rule' ? `${t('ruleFired')} ${ruleName(event.actor.id)}` : 'Shopdesk';
  const p = event.payload || {};
  switch (event.kind) {
    case 'conversation.created': return `${t('started')} (${who})`;
    case 'conversation.status_changed': return `${who}: ${t(p.from) || p.from} → ${t(p.to) || p.to}`;
    case 'conversation.assignee_changed': return `${who}: ${t('assignee')} → ${p.to ? agentName(p.to) : t('nobody')}`;
    case 'conversation.priority_changed': return `${who}: ${t('priority')} → ${t(p.to)}`;
    case 'conversation.merge_received': return `${who}: ${t('mergedFrom')} (${p.messages_moved ?? 0} ${t('messages')})`;
    case 'conversation.merged': return `${who}: ${t('mergeInto')} →`;
    case 'conversation.fields_changed': return `${who}: ${Object.entries(p.changes || {}).map(([key, change]) =>
      `${state.customFields.find((field) => field.key === key && field.entity === 'conversation')?.label || key} → ${change.to ?? '—'}`).join(', ')}`;
    case 'conversation.split': return `${who}: ${t('splitOff')} (${p.messages_moved ?? 0} ${t('messages')})`;
    case 'conversation.split_from': return `${who}: ${t('splitFrom')} (${p.messages_moved ?? 0} ${t('messages')})`;
    case 'conversation.team_changed': return `${who}: ${t('team')} → ${state.teams.find((team) => team.id === p.to)?.name || t('noTeam')}`;
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
    case 'message.comment_changed': return `${who}: ${t('comment')} → ${t({ hidden: 'commentHidden', deleted: 'commentDeleted' }[p.status] || 'commentVisible')}`;
    case 'order.action_succeeded': return `🛍 ${who}: ${p.summary} · ${t('actionDone')}`;
    case 'order.action_failed': return `🛍 ${who}: ${p.summary} · ${t('actionFailed')} ${p.error || ''}`;
    case 'order.action_requested': return `🛍 ${who}: ${p.summary} · ${t('actionWaiting')}`;
    case 'order.action_rejected': return `🛍 ${who}: ${p.summary} · ${t('reject')}`;
    default: return `${who}: ${event.kind}`;
  }
}

// The email a customer's message came in as, for the headers and anything the agent's view left out.
function originalLink(message, conversation) {
  if (message.direction !== 'inbound' || !message.channel_message_id) return null;
  if (state.inboxes.find((inbox) => inbox.id === conversation.inbox_id)?.kind !== 'email') return null;
  return h('a', { class: 'original-email', href: `/api/v1/conversations/${conversation.id}/messages/${message.id}/original`,
    download: `message-${message.id}.eml` }, t('originalEmail'));
}

const inlineTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Voice notes and audio the channels deliver, played in the thread (their type was sniffed from their bytes). */
const audioTypes = new Set(['audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/wav']);

export function renderConversation(focusThread) {
  const pane = document.getElementById('conversation');
  const conversation = state.conversation;
  if (!pane || !conversation) return;
  // The composer on screen may still be the previous conversation's (after `j`): its text is
  // that customer's draft and stays with them.
  const shown = /** @type {HTMLTextAreaElement | null} */ (document.getElementById('composer-text'));
  const composer = shown?.dataset.conversation === String(conversation.id) && shown?.dataset.mode === state.mode ? shown : null;
  const keepTyping = composer && document.activeElement === composer;
  const keepPicking = snoozePicker !== null && document.activeElement === snoozePicker.input;
  const thread = h('ol', { class: 'thread', id: 'thread', 'aria-label': conversationTitle(conversation) });
  if (state.messagesBefore) {
    const more = h('button', { type: 'button', id: 'earlier-messages', class: 'earlier' }, t('earlierMessages'));
    more.addEventListener('click', () => loadEarlier(conversation.id));
    thread.append(h('li', { class: 'event' }, more));
  }
  for (const entry of threadEntries()) {
    if (entry.event) {
      thread.append(h('li', { class: 'event' }, h('span', {}, describeEvent(entry.event)), ' ',
        h('time', { datetime: entry.at }, formatTime(entry.at))));
      continue;
    }
    const message = entry.message;
    const kind = message.private ? 'note' : message.direction === 'inbound' ? 'inbound' : 'outbound';
    const author = message.direction === 'inbound'
      ? (state.conversation.customer?.name || state.conversation.customer?.email || t('customer'))
      : message.author_agent_id ? agentName(message.author_agent_id) : message.bot ? `🤖 ${t('botAuthor')}` : t('automatic');
    const delivery = !message.private && message.direction === 'outbound' && message.delivery_status
      ? h('span', { class: `delivery ${message.delivery_status}`, title: message.delivery_error || '' },
        t(message.delivery_status), message.delivery_error ? `: ${message.delivery_error}` : '')
      : null;
    thread.append(h('li', { class: `message ${kind}`, 'data-message-id': message.id },
      h('div', { class: 'meta' },
        h('strong', {}, author),
        message.private ? h('span', { class: 'badge note-badge' }, t('internal')) : null,
        h('time', { datetime: message.created_at }, formatTime(message.created_at)),
        delivery,
        commentControls(message, async () => { await loadConversation(conversation.id); }),
        splitButton(conversation, message)),
      h('div', { class: 'text' }, ...linkOrderNumbers(message.text || '')),
      formattedView(message),
      originalLink(message, conversation),
      message.attachment_ids.length
        ? h('ul', { class: 'attachments' }, ...message.attachment_ids.map((key) => {
          const detail = state.attachments.get(key);
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
        : null));
  }
  const draft = composer ? composer.value : loadDraft(conversation.id, state.mode);
  clear(pane);
  pane.append(
    h('header', { class: 'conversation-head' },
      backToList(),
      h('h2', { id: 'conversation-title' }, conversationTitle(conversation)),
      h('span', { class: 'number' }, `#${conversation.number}`),
      slaBadge(conversation) ?? '',
      h('span', { class: 'presence', id: 'presence', role: 'status' }, presenceText(conversation.id)),
      followButton(conversation),
      customerToggle()),
    controls(conversation),
    postCard(conversation) ?? '',
    thread,
    composerForm(conversation, draft));
  thread.scrollTop = thread.scrollHeight;
  if (keepPicking) {
    snoozePicker?.input.focus();
  } else if (keepTyping) {
    const text = /** @type {HTMLTextAreaElement} */ (document.getElementById('composer-text'));
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);
  } else if (focusThread) {
    pane.focus({ preventScroll: true });
  }
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

function controls(conversation) {
  const status = h('select', { id: 'status', 'aria-label': t('status') },
    ...['open', 'pending', 'resolved'].map((value) => h('option', { value, selected: conversation.status === value }, t(value))),
    conversation.status === 'snoozed' ? h('option', { value: 'snoozed', selected: true, disabled: true }, t('snoozed')) : null);
  status.addEventListener('change', () => update({ status: status.value }));

  const priority = h('select', { id: 'priority', 'aria-label': t('priority') },
    ...PRIORITIES.map((value) => h('option', { value, selected: conversation.priority === value }, t(value))));
  priority.addEventListener('change', () => update({ priority: priority.value }));

  const assignee = h('select', { id: 'assignee', 'aria-label': t('assignee') },
    h('option', { value: '', selected: !conversation.assignee_id }, t('nobody')),
    ...[...state.agents.values()].filter((agent) => !agent.disabled)
      .map((agent) => h('option', { value: agent.id, selected: conversation.assignee_id === agent.id }, agent.name)));
  assignee.addEventListener('change', () => update({ assignee_id: assignee.value ? Number(assignee.value) : null }));

  const team = state.teams.length === 0 ? null : h('select', { id: 'team', 'aria-label': t('team') },
    h('option', { value: '', selected: !conversation.team_id }, t('noTeam')),
    ...state.teams.map((item) => h('option', { value: item.id, selected: conversation.team_id === item.id }, item.name)));
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
      update({ add_tags: [tagInput.value.trim()] });
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

