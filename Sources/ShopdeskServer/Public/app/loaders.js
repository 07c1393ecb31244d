// Reading the server into the store: the conversation list, the open conversation and its
// earlier pages, and the refreshes after changes and live events (debounced here). Nothing here
// draws: the views subscribe to the store and draw what it holds.

import { api, query } from './api.js';
import { showError } from './notices.js';
import { listParams } from './router.js';
import { dispatch, state } from './state.js';

let listRefresh = null;
let conversationRefresh = null;

// MARK: The list

/// Loads the list. `more` appends the next page; `keep` (refreshes after realtime events and
/// changes) reloads as many rows as are shown, up to 200, so pages loaded with "Load more" stay.
/// A load asked for while one runs is not lost: it runs again when that one ends.
export async function loadList(more = false, keep = false) {
  if (state.loadingList) {
    dispatch({ type: 'listStale' });
    return;
  }
  dispatch({ type: 'listLoading' });
  try {
    if (state.search) {
      const result = await api('GET', `/search${query({ q: state.search, limit: 50 })}`);
      dispatch({ type: 'listLoaded', items: result.items, cursor: null });
    } else {
      const limit = keep ? Math.min(200, Math.max(50, state.items.length)) : 50;
      // A board by a custom field needs each card's value.
      const saved = state.view.startsWith('saved:') ? state.savedViews.find((view) => `saved:${view.id}` === state.view) : null;
      const withFields = saved?.layout === 'board' && saved.board_field ? saved.board_field : null;
      const page = await api('GET', `/conversations${query({ ...listParams(state.view), sort: state.sort, limit, cursor: more ? state.cursor : null,
        with_fields: withFields })}`);
      dispatch({ type: 'listLoaded', items: page.items, more, cursor: page.next_cursor, counts: page.counts });
    }
  } catch (failure) {
    dispatch({ type: 'listFailed' });
    showError(failure.message);
  }
  // A refresh asked for while this one ran runs now.
  if (state.listStale) return loadList(false, true);
}

export function scheduleListRefresh() {
  clearTimeout(listRefresh);
  listRefresh = setTimeout(() => loadList(false, true), 250);
}

// MARK: The open conversation

/** Opens a conversation (or none): colleagues are told, its data loaded, it is marked read. */
export async function selectConversation(id) {
  if (state.selectedId && state.selectedId !== id) state.realtime?.presence(state.selectedId, 'left');
  dispatch({ type: 'conversationSelected', id });
  if (!id) return;
  try {
    if (!(await loadConversation(id, true))) return;   // a newer load or another conversation took over
  } catch (failure) {
    dispatch({ type: 'conversationFailed', id, error: failure.message });
    return;
  }
  state.realtime?.presence(id, 'viewing');
  markRead(id);
}

/// Loads a conversation with its thread and customer. Loads can overlap (opening, a change, a
/// realtime event); only the latest one started is applied, so an older answer never
/// overwrites a newer one. Returns whether this load was applied.
let conversationLoads = 0;
export async function loadConversation(id, focus = false) {
  const load = ++conversationLoads;
  // What the agent changes while this load runs (following, the customer's VIP switch and tags,
  // field values) is newer than what the load reads: it is kept, not overwritten.
  const before = { followers: state.followers, customer: state.customer, fieldValues: state.fieldValues };
  const [conversation, messages, timeline] = await Promise.all([
    api('GET', `/conversations/${id}`),
    // The newest messages, however long the thread: earlier ones are a click away.
    api('GET', `/conversations/${id}/messages${query({ latest: 'true', limit: 200 })}`),
    // The thread shows messages and their delivery itself; their events would be most of a long conversation's.
    api('GET', `/conversations/${id}/timeline${query({ without: 'message.created,message.delivery_changed,conversation.classified' })}`),
  ]);
  const fromChat = state.inboxes.find((inbox) => inbox.id === conversation.inbox_id)?.kind === 'chat';
  const withFields = state.customFields.length > 0;
  const [customer, past, visitor, scheduled, followers, conversationFields, customerFields] = await Promise.all([
    api('GET', `/customers/${conversation.customer_id}`).catch(() => null),
    api('GET', `/conversations${query({ customer: conversation.customer_id, limit: 10 })}`).catch(() => ({ items: [] })),
    fromChat ? api('GET', `/conversations/${id}/visitor`).catch(() => null) : null,
    api('GET', `/conversations/${id}/scheduled-replies`).catch(() => ({ items: [] })),
    api('GET', `/conversations/${id}/followers`).catch(() => ({ agent_ids: [] })),
    withFields ? api('GET', `/conversations/${id}/fields`).catch(() => ({ values: {} })) : { values: {} },
    withFields ? api('GET', `/customers/${conversation.customer_id}/fields`).catch(() => ({ values: {} })) : { values: {} },
  ]);
  const missing = [...new Set(messages.items.flatMap((message) => message.attachment_ids))].filter((key) => !state.attachments.has(key));
  const details = await Promise.all(missing.map((key) => api('GET', `/attachments/${key}`).catch(() => null)));
  dispatch({ type: 'attachmentsKnown', attachments: details });
  if (load !== conversationLoads || state.selectedId !== id) return false;
  // A refresh of the same conversation keeps the earlier pages the agent already opened.
  const same = state.messagesFor === id;
  const earlier = same ? state.messages.filter((message) => message.id < (messages.items[0]?.id ?? Infinity)) : [];
  const changedMeanwhile = (key) => same && state[key] !== before[key];
  dispatch({ type: 'conversationLoaded', focus, conversation, earlier, messages: messages.items, messagesBefore: messages.next_cursor,
    timeline: timeline.items, customerConversations: past.items, visitor, scheduled: scheduled.items,
    customer: changedMeanwhile('customer') && state.customer?.id === customer?.id ? state.customer : customer,
    followers: changedMeanwhile('followers') ? state.followers : followers.agent_ids,
    fieldValues: changedMeanwhile('fieldValues') ? state.fieldValues : { conversation: conversationFields.values, customer: customerFields.values } });
  // The panels beside it: the customer's orders when the customer is another, the articles when
  // the customer asked something new.
  if (customer?.id && state.orders.customerId !== customer.id) loadOrders(customer.id);
  const lastInbound = [...state.messages].reverse().find((message) => message.direction === 'inbound');
  if (state.articles.conversationId !== id || state.articles.lastMessageId !== lastInbound?.id) loadSuggestions('articles', id, lastInbound?.id ?? null);
  if (state.replies.conversationId !== id || state.replies.lastMessageId !== lastInbound?.id) loadSuggestions('replies', id, lastInbound?.id ?? null);
  const lastId = state.messages.at(-1)?.id ?? null;
  if (state.summary.conversationId !== id || state.summary.lastMessageId !== lastId) loadSummary(id, lastId);
  return true;
}

/** The customer's orders from the shop (`refresh`: ask the shop, not only what is stored). */
export async function loadOrders(customerId, refresh = false) {
  if (state.orders.customerId !== customerId) dispatch({ type: 'ordersLoaded', orders: { customerId, items: [], problems: [] } });
  let orders;
  try {
    const answer = await api('GET', `/customers/${customerId}/orders${refresh ? '?refresh=true' : ''}`);
    orders = { customerId, items: answer.items, problems: answer.problems };
  } catch (failure) {
    orders = { customerId, items: state.orders.items, problems: [failure.message] };
  }
  if (state.orders.customerId === customerId) dispatch({ type: 'ordersLoaded', orders });
}

/**
 * What the sidebar suggests for the conversation's last customer message: help-center
 * `articles` that may answer it, or `replies` the team sent to the most similar questions.
 * An answer that arrives after the agent moved on is dropped.
 * @param {'articles' | 'replies'} kind
 */
async function loadSuggestions(kind, conversationId, lastMessageId) {
  const type = kind === 'articles' ? 'articlesLoaded' : 'repliesLoaded';
  dispatch({ type, [kind]: { conversationId, lastMessageId, items: [] } });
  try {
    const answer = await api('GET', `/conversations/${conversationId}/${kind}`);
    const current = state[kind];
    if (current.conversationId === conversationId && current.lastMessageId === lastMessageId) {
      dispatch({ type, [kind]: { conversationId, lastMessageId, items: answer.items } });
    }
  } catch { /* no suggestions: the panel says so */ }
}

/** The conversation's summary, read again when a message arrives. */
async function loadSummary(conversationId, lastMessageId) {
  try {
    const answer = await api('GET', `/conversations/${conversationId}/summary`);
    if (state.selectedId === conversationId) dispatch({ type: 'summaryLoaded', summary: { ...answer, conversationId, lastMessageId } });
  } catch { /* no summary: the conversation reads as before */ }
}


/// The page of messages before the earliest shown (a thread longer than one page).
let loadingEarlier = false;
export async function loadEarlier(id) {
  const before = state.messagesBefore;
  if (!before || loadingEarlier) return;
  loadingEarlier = true;
  try {
    const page = await api('GET', `/conversations/${id}/messages${query({ before, limit: 200 })}`);
    if (state.selectedId !== id) return;
    const missing = [...new Set(page.items.flatMap((message) => message.attachment_ids))].filter((key) => !state.attachments.has(key));
    const details = await Promise.all(missing.map((key) => api('GET', `/attachments/${key}`).catch(() => null)));
    dispatch({ type: 'earlierLoaded', attachments: details, messages: page.items, messagesBefore: page.next_cursor });
  } catch (failure) {
    showError(failure.message);
  } finally {
    loadingEarlier = false;
  }
}

/// Tells the server this agent has seen the conversation, so lists stop marking it unread.
function markRead(id) {
  if (state.conversation?.last_message?.direction !== 'inbound') return;
  api('POST', `/conversations/${id}/read`).then(() => {
    const item = state.items.find((entry) => entry.id === id);
    if (item?.unread) dispatch({ type: 'markedRead', id });
  }).catch(() => { /* the marker is a convenience; the next open tries again */ });
}

export function scheduleConversationRefresh() {
  clearTimeout(conversationRefresh);
  conversationRefresh = setTimeout(async () => {
    const id = state.selectedId;
    if (!id) return;
    try {
      if (!(await loadConversation(id))) return;
      markRead(id);
    } catch { /* the next event or a reload will try again */ }
  }, 150);
}

/** Changes the open conversation (status, assignee, tags…) and reads it again. */
export async function update(changes) {
  const id = state.selectedId;
  if (!id) return;
  try {
    await api('PATCH', `/conversations/${id}`, changes);
    scheduleListRefresh();
    await loadConversation(id);
  } catch (failure) {
    showError(failure.message);
  }
}
