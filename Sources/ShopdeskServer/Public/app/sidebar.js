// The customer panel beside a conversation: profile, identities, past conversations, visitor.

import { api } from './api.js';
import { h } from './dom.js';
import { mount } from './mount.js';
import { formatTime, label, languageName, t } from './i18n.js';
import { ordersPanel } from './orders.js';
import { articlesPanel, repliesPanel } from './suggestions.js';
import { channelBadge } from './labels.js';
import { scheduleListRefresh, selectConversation } from './loaders.js';
import { channelGlyphs, identityName } from './channel-names.js';
import { channelLinks, customerMerge } from './customer-merge.js';
import { customerPrivacy } from './privacy.js';
import { showError } from './notices.js';
import { fieldsPanel } from './custom-fields.js';
import { conversationHash } from './router.js';
import { dispatch, state } from './state.js';

// Each panel is a view of its own props, so orders arriving do not redraw the customer's profile
// (nor close what the agent opened in it). A panel shows nothing while no conversation is open.
const open = (s) => Boolean(s.selectedId && s.conversation);
const customerOf = (s) => s.customer || s.conversation?.customer || {};
const panels = [
  mount(() => document.getElementById('sidebar-customer'), customerView, (s) => ({
    open: open(s), conversationId: s.conversation?.id, customerId: s.conversation?.customer_id, customer: customerOf(s), inboxes: s.inboxes,
    admin: s.me?.role === 'admin' || s.me?.role === 'owner',
  })),
  mount(() => document.getElementById('sidebar-fields'), fieldsView, (s) => ({
    open: open(s), conversation: s.conversation, customer: customerOf(s), customFields: s.customFields, fieldValues: s.fieldValues,
  })),
  mount(() => document.getElementById('sidebar-orders'), ordersView, (s) => ({
    open: open(s), customer: customerOf(s), orders: s.orders, canAct: s.me?.role !== 'viewer',
  })),
  mount(() => document.getElementById('sidebar-replies'), repliesView, (s) => ({ open: open(s), replies: s.replies, view: s.view })),
  mount(() => document.getElementById('sidebar-articles'), articlesView, (s) => ({ open: open(s), articles: s.articles })),
  mount(() => document.getElementById('sidebar-visitor'), visitorView, (s) => ({ open: open(s), visitor: s.visitor })),
  mount(() => document.getElementById('sidebar-about'), aboutView, (s) => ({
    open: open(s), conversation: s.conversation, messages: s.messages, customerConversations: s.customerConversations,
    inboxes: s.inboxes, view: s.view, intents: s.intents, canCorrect: s.me?.role !== 'viewer',
  })),
];

/** The panel's parts, in the order they stand (made by the shell, drawn by the mounts above). */
export function sidebarParts() {
  return ['customer', 'fields', 'orders', 'replies', 'articles', 'visitor', 'about'].map((part) => h('div', { class: 'pane-part', id: `sidebar-${part}` }));
}

/** Draws the panel again with the same props (the language changed). */
export function renderSidebar() { for (const panel of panels) panel.draw(); }

/**
 * The customer: who they are, where they are known, their labels, and merging them into another.
 * @param {{ open: boolean, conversationId: number, customerId: number, customer: any, inboxes: any[], admin: boolean }} props
 * @returns {(Node | string)[]}
 */
function customerView(props) {
  if (!props.open) return [];
  const { customer } = props;
  // Shown where the panel opens over the conversation (narrow screens).
  const close = h('button', { type: 'button', class: 'close-customer', id: 'close-customer' }, t('close'));
  close.addEventListener('click', () => {
    document.querySelector('.layout')?.classList.remove('customer-open');
    document.getElementById('show-customer')?.setAttribute('aria-expanded', 'false');
    document.getElementById('show-customer')?.focus();
  });
  return [close,
    h('section', { class: 'panel', 'aria-labelledby': 'customer-title' },
      h('h3', { id: 'customer-title' }, t('customer')),
      h('p', { class: 'customer-name' }, customer.name || customer.email || customer.phone || `#${props.customerId}`),
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
      customer.id ? customerMerge(customer, () => selectConversation(props.conversationId)) : null,
      customer.id && props.inboxes.some((inbox) => inbox.kind === 'telegram') ? channelLinks(customer) : null,
      customer.id && props.admin ? customerPrivacy(customer, () => selectConversation(props.conversationId)) : null)];
}

/** @param {{ open: boolean, conversation: any, customer: any, customFields: any[], fieldValues: { conversation: Record<string, any>, customer: Record<string, any> } }} props */
function fieldsView(props) {
  const panel = props.open ? fieldsPanel(props.conversation, props.customer, props.customFields, props.fieldValues) : null;
  return panel ? [panel] : [];
}

/** @param {{ open: boolean, customer: any, orders: { customerId: number | null, items: any[], problems: string[] }, canAct: boolean }} props */
function ordersView(props) {
  if (!props.open || !props.customer.id) return [];
  const orders = props.orders.customerId === props.customer.id ? props.orders : { items: [], problems: [] };
  return [ordersPanel(props.customer, orders, props.canAct)];
}

/** @param {{ open: boolean, articles: { items: any[] } }} props */
function articlesView(props) { return props.open ? [articlesPanel(props.articles)] : []; }

/** @param {{ open: boolean, replies: { items: any[] }, view: string }} props */
function repliesView(props) { return props.open ? [repliesPanel(props.replies, props.view)] : []; }

/** @param {{ open: boolean, visitor: any }} props */
function visitorView(props) { return props.open && props.visitor ? [visitorPanel(props.visitor)] : []; }

/**
 * What Shopdesk made of the conversation (intent, sentiment, language) and the customer's other conversations.
 * @param {{ open: boolean, conversation: any, messages: any[], customerConversations: any[], inboxes: any[], view: string,
 *   intents: any[], canCorrect: boolean }} props
 */
function aboutView(props) {
  const { conversation } = props;
  if (!props.open) return [];
  const lastInbound = [...props.messages].reverse().find((message) => message.direction === 'inbound');
  const classification = lastInbound?.classification;
  return [
    h('section', { class: 'panel', 'aria-labelledby': 'classification-title' },
      h('h3', { id: 'classification-title' }, t('classification')),
      h('dl', {},
        h('dt', {}, t('intent')), h('dd', { id: 'intent' }, props.canCorrect
          ? correction(conversation, 'intent', props.intents.map((intent) => intent.name), conversation.intent)
          : conversation.intent ? label('intent', conversation.intent) : '—'),
        h('dt', {}, t('sentiment')), h('dd', { id: 'sentiment' }, props.canCorrect
          ? correction(conversation, 'sentiment', ['negative', 'neutral', 'positive'], conversation.sentiment)
          : conversation.sentiment ? label('sentiment', conversation.sentiment) : '—'),
        h('dt', {}, t('language')), h('dd', {}, languageLabel(classification?.language || conversation.language)))),
    h('section', { class: 'panel', 'aria-labelledby': 'past-title' },
      h('h3', { id: 'past-title' }, t('pastConversations')),
      h('ul', { class: 'past' }, ...props.customerConversations.map((item) => {
        // The customer's other conversations can take this one in: its messages move there.
        const merge = item.id === conversation.id || item.merged_into || item.status === 'resolved' ? null
          : h('button', { type: 'button', class: 'merge', 'data-into': item.id, title: `${t('mergeInto')} #${item.number}` }, t('mergeHere'));
        merge?.addEventListener('click', () => mergeInto(item));
        return h('li', {}, channelBadge(item, props.inboxes) ?? '', h('a', { href: conversationHash(props.view, item.id), 'aria-current': item.id === conversation.id ? 'page' : null },
          `#${item.number} ${item.subject || ''}`), ' ', h('span', { class: `badge status-${item.status}` }, t(item.status)), merge);
      })))];
}

/**
 * What the models said, which an agent corrects in place: the correction labels the
 * conversation and teaches the workspace's own model (Settings → Models).
 * @param {any} conversation @param {'intent' | 'sentiment'} kind @param {string[]} values @param {string | null} current
 */
function correction(conversation, kind, values, current) {
  const known = current && !values.includes(current) ? [...values, current] : values;
  const select = h('select', { id: `correct-${kind}`, 'aria-label': `${t(kind)}: ${t('correctModel')}` },
    ...(kind === 'intent' || !current ? [h('option', { value: '', selected: !current }, '—')] : []),
    ...known.map((value) => h('option', { value, selected: value === current }, label(kind, value))));
  select.addEventListener('change', async () => {
    try {
      await api('PATCH', `/conversations/${conversation.id}`, { [kind]: select.value || null });
      await selectConversation(conversation.id);
      scheduleListRefresh();
    } catch (failure) { showError(failure.message); }
  });
  return select;
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
