// The customer panel beside a conversation: profile, identities, past conversations, visitor.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { formatTime, label, languageName, t } from './i18n.js';
import { ordersPanel } from './orders.js';
import { articlesPanel } from './suggestions.js';
import { channelBadge } from './labels.js';
import { scheduleListRefresh, selectConversation } from './loaders.js';
import { channelGlyphs, identityName } from './channel-names.js';
import { channelLinks, customerMerge } from './customer-merge.js';
import { showError } from './notices.js';
import { fieldsPanel } from './custom-fields.js';
import { conversationHash } from './router.js';
import { dispatch, state, subscribe } from './state.js';

// Drawn again with the conversation it stands beside, and when its customer changes.
subscribe((next, previous, action) => {
  if (action.type === 'conversationLoaded' || action.type === 'customerChanged') renderSidebar();
});

export function renderSidebar() {
  const sidebar = document.getElementById('sidebar');
  const conversation = state.conversation;
  if (!sidebar || !conversation) return;
  // What the agent is typing in the panel (a tag, a field) survives a redraw a live update causes.
  const typing = keepTyping(sidebar);
  clear(sidebar);
  // Shown where the panel opens over the conversation (narrow screens).
  const close = h('button', { type: 'button', class: 'close-customer', id: 'close-customer' }, t('close'));
  close.addEventListener('click', () => {
    document.querySelector('.layout')?.classList.remove('customer-open');
    document.getElementById('show-customer')?.setAttribute('aria-expanded', 'false');
    document.getElementById('show-customer')?.focus();
  });
  sidebar.append(close);
  const customer = state.customer || conversation.customer || {};
  const lastInbound = [...state.messages].reverse().find((message) => message.direction === 'inbound');
  const classification = lastInbound?.classification;
  sidebar.append(
    h('section', { class: 'panel', 'aria-labelledby': 'customer-title' },
      h('h3', { id: 'customer-title' }, t('customer')),
      h('p', { class: 'customer-name' }, customer.name || customer.email || customer.phone || `#${conversation.customer_id}`),
      customer.email ? h('p', {}, h('a', { href: `mailto:${customer.email}` }, customer.email)) : null,
      customer.phone ? h('p', {}, customer.phone) : null,
      customer.identities?.length
        ? h('div', {}, h('h4', {}, t('identities')),
          // Every channel the customer is known on (Telegram, WhatsApp, SMS…), and their addresses.
          h('ul', { class: 'identities', id: 'customer-identities' }, ...customer.identities.map((identity) =>
            h('li', {}, channelGlyphs[identity.kind] ? h('span', { class: 'glyph', 'aria-hidden': 'true' }, `${channelGlyphs[identity.kind]} `) : '',
              `${identityName(identity.kind)}: ${identity.value}`))))
        : null,
      customer.id ? customerLabels(customer) : null,
      customer.id ? customerMerge(customer, () => selectConversation(conversation.id)) : null,
      customer.id && (state.inboxes || []).some((inbox) => inbox.kind === 'telegram') ? channelLinks(customer) : null),
    fieldsPanel(conversation, customer) ?? '',
    customer.id ? ordersPanel(customer) : '',
    articlesPanel(conversation),
    visitorPanel(state.visitor) ?? '',
    h('section', { class: 'panel', 'aria-labelledby': 'classification-title' },
      h('h3', { id: 'classification-title' }, t('classification')),
      h('dl', {},
        h('dt', {}, t('intent')), h('dd', { id: 'intent' }, conversation.intent ? label('intent', conversation.intent) : '—'),
        h('dt', {}, t('sentiment')), h('dd', { id: 'sentiment' }, conversation.sentiment ? label('sentiment', conversation.sentiment) : '—'),
        h('dt', {}, t('language')), h('dd', {}, languageLabel(classification?.language || conversation.language)))),
    h('section', { class: 'panel', 'aria-labelledby': 'past-title' },
      h('h3', { id: 'past-title' }, t('pastConversations')),
      h('ul', { class: 'past' }, ...state.customerConversations.map((item) => {
        // The customer's other conversations can take this one in: its messages move there.
        const merge = item.id === conversation.id || item.merged_into || item.status === 'resolved' ? null
          : h('button', { type: 'button', class: 'merge', 'data-into': item.id, title: `${t('mergeInto')} #${item.number}` }, t('mergeHere'));
        merge?.addEventListener('click', () => mergeInto(item));
        return h('li', {}, channelBadge(item) ?? '', h('a', { href: conversationHash(state.view, item.id), 'aria-current': item.id === conversation.id ? 'page' : null },
          `#${item.number} ${item.subject || ''}`), ' ', h('span', { class: `badge status-${item.status}` }, t(item.status)), merge);
      }))));
  typing?.();
}

/**
 * The text input focused inside `container` (by its id), with its text and caret: the returned
 * function puts them back into the input of the same id once the container is drawn again.
 * @param {HTMLElement} container
 */
function keepTyping(container) {
  const active = document.activeElement;
  if (!(active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) || !active.id || !container.contains(active)) return null;
  const { id, value } = active;
  let start = null, end = null;
  try { start = active.selectionStart; end = active.selectionEnd; } catch { /* inputs without a caret (email, number) */ }
  return () => {
    const again = document.getElementById(id);
    if (!(again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement)) return;
    again.value = value;
    again.focus();
    try { if (start !== null && end !== null) again.setSelectionRange(start, end); } catch { /* no caret to place */ }
  };
}

/// VIP and the customer's own tags, which rules and SLA policies can look at.
function customerLabels(customer) {
  const save = async (changes) => {
    try {
      dispatch({ type: 'customerChanged', customer: { ...(await api('PATCH', `/customers/${customer.id}`, changes)), identities: customer.identities } });
    } catch (failure) { showError(failure.message); }
  };
  const vip = h('input', { type: 'checkbox', id: 'customer-vip', checked: Boolean(customer.vip) });
  vip.addEventListener('change', () => save({ vip: vip.checked }));
  const tags = customer.tags || [];
  const input = h('input', { type: 'text', id: 'customer-tag', size: 12, placeholder: t('addTag'), 'aria-label': t('customerTags') });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && input.value.trim()) {
      event.preventDefault();
      const tag = input.value.trim();
      // Emptied at once: the panel drawn again after saving keeps what is typed, not what was added.
      input.value = '';
      save({ tags: [...tags, tag] });
    }
  });
  return h('div', { class: 'customer-labels' },
    h('label', { for: 'customer-vip' }, vip, ' ', t('vip')),
    h('ul', { class: 'tags', 'aria-label': t('customerTags') }, ...tags.map((tag) => {
      const remove = h('button', { type: 'button', class: 'tag-remove', 'aria-label': `${t('removeTag')} ${tag}` }, '×');
      remove.addEventListener('click', () => save({ tags: tags.filter((other) => other !== tag) }));
      return h('li', { class: 'badge tag' }, tag, remove);
    })),
    input);
}

/// Where a chat visitor is on the shop's site, as the widget reported it.
function visitorPanel(visitor) {
  if (!visitor) return null;
  const context = visitor.context || {};
  const link = (url, label) => h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow' }, label || url);
  return h('section', { class: 'panel', id: 'visitor-panel', 'aria-labelledby': 'visitor-title' },
    h('h3', { id: 'visitor-title' }, t('visitor')),
    h('dl', {},
      visitor.name ? [h('dt', {}, t('name')), h('dd', {}, visitor.name)] : null,
      visitor.email ? [h('dt', {}, t('email')), h('dd', {}, `${visitor.email} (${t('unverified')})`)] : null,
      visitor.identifier ? [h('dt', {}, t('verifiedId')), h('dd', {}, visitor.identifier)] : null,
      context.url ? [h('dt', {}, t('currentPage')), h('dd', { id: 'visitor-page' }, link(context.url, context.title))] : null,
      context.referrer ? [h('dt', {}, t('referrer')), h('dd', {}, link(context.referrer))] : null,
      context.user_agent ? [h('dt', {}, t('browser')), h('dd', {}, browserName(context.user_agent))] : null),
    context.pages?.length > 1
      ? h('details', {}, h('summary', {}, `${t('pagesVisited')} (${context.pages.length})`),
        h('ol', { class: 'pages' }, ...context.pages.map((page) => h('li', {}, link(page.url, page.title), ' ', h('span', { class: 'hint' }, formatTime(page.at))))))
      : null);
}

/// "Firefox 132 on Android" from a user-agent string; the raw string as the tooltip.
function browserName(agent) {
  const browser = [/Edg\/(\d+)/, 'Edge'], chrome = [/Chrome\/(\d+)/, 'Chrome'], firefox = [/Firefox\/(\d+)/, 'Firefox'], safari = [/Version\/(\d+).*Safari/, 'Safari'];
  const found = [browser, firefox, chrome, safari].map(([pattern, name]) => [agent.match(pattern), name]).find(([match]) => match);
  /** @type {[RegExp, string][]} */
  const systems = [[/Android/, 'Android'], [/iPhone|iPad/, 'iOS'], [/Windows/, 'Windows'], [/Mac OS X/, 'macOS'], [/Linux/, 'Linux']];
  const system = systems.find(([pattern]) => pattern.test(agent))?.[1];
  const name = found ? `${found[1]} ${found[0][1]}` : agent.slice(0, 60);
  return h('span', { title: agent }, system ? `${name} · ${system}` : name);
}

async function mergeInto(target) {
  const source = state.conversation;
  if (!source || !window.confirm(`${t('mergeInto')} #${target.number}?`)) return;
  try {
    const survivor = await api('POST', `/conversations/${source.id}/merge`, { into: target.id });
    scheduleListRefresh();
    history.pushState(null, '', conversationHash(state.view, survivor.id));
    await selectConversation(survivor.id);
  } catch (failure) {
    showError(failure.message);
  }
}

/** A detected language by its name in the agent's language ("Croatian (hr)"); "unknown" and none as a dash. */
function languageLabel(code) {
  return code && code !== 'unknown' ? `${languageName(code)} (${code})` : '—';
}
