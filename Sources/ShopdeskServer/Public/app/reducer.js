// The agent app's state and every way it changes: `reduce(state, action)` returns the next state
// without touching the one it was given (nor the DOM, nor the network), so the store can hand
// each subscriber the state before and after, and Node's test runner can check every action.

/** The state before anyone signed in. */
export function initialState() {
  return {
    me: null, workspace: null, agents: new Map(), inboxes: [], tags: [], teams: [],
    /** The workspace's custom fields, and the open conversation's and its customer's values by key. */
    customFields: [], intents: [], fieldValues: { conversation: {}, customer: {} },
    /** The live connection (its `presence` and `close`); not data, but the session's. */
    realtime: null,
    view: 'open', sort: 'newest', search: '',
    items: [], cursor: null, counts: {}, loadingList: false,
    /** Saved views (shared, then the agent's own), their counts by id, and where counting stops. */
    savedViews: [], viewCounts: {}, viewCountCap: 1000,
    /** A refresh was asked for while one ran: run one more when it ends. */
    listStale: false,
    picked: new Set(),
    selectedId: null, loadError: null, conversation: null, messages: [], messagesFor: null, messagesBefore: null, timeline: [],
    customer: null, customerConversations: [], visitor: null,
    /** The open conversation's customer's orders (from the shop), and the help articles for its last question. */
    orders: { customerId: null, items: [], problems: [] },
    articles: { conversationId: null, lastMessageId: null, items: [] },
    /** Replies agents sent to the questions most like the open conversation's last one. */
    replies: { conversationId: null, lastMessageId: null, items: [] },
    /** The open conversation's summary (what the customer wants, what was done, what is open). */
    summary: { conversationId: null, lastMessageId: null, wants: [], done: [], open: [], worth_showing: false },
    /** The open conversation's replies waiting to leave (send later), and those that could not. */
    scheduled: [],
    /** Who follows the open conversation (agent ids). */
    followers: [],
    /** The agent's latest notifications and how many are unread in all. */
    notifications: [], unreadNotifications: 0,
    attachments: new Map(),
    /** Who else is in each conversation: conversation id → agent id → { name, state, at }. */
    presence: new Map(),
    /** Until when (ms since the epoch) the chat visitor of the open conversation is typing. */
    visitorTypingUntil: 0,
    mode: 'reply', macro: null, pendingFiles: [],
    /** Why the last reply could not be sent, for the conversation it was written in. */
    composerError: null,
  };
}

/** @param {Map<any, any>} map @param {any[]} details */
function withAttachments(map, details) {
  const known = details.filter(Boolean);
  if (!known.length) return map;
  const next = new Map(map);
  for (const detail of known) next.set(detail.id, detail);
  return next;
}

/**
 * @param {ReturnType<typeof initialState>} state
 * @param {{ type: string, [key: string]: any }} action
 * @returns {ReturnType<typeof initialState>}
 */
export function reduce(state, action) {
  switch (action.type) {
    // The session
    case 'signedIn':
      return { ...state, me: action.me, workspace: action.workspace };
    case 'directoryLoaded':
      return {
        ...state,
        agents: action.agents ? new Map(action.agents.map((agent) => [agent.id, agent])) : state.agents,
        inboxes: action.inboxes ?? state.inboxes, tags: action.tags ?? state.tags, teams: action.teams ?? state.teams,
        customFields: action.customFields ?? state.customFields, intents: action.intents ?? state.intents,
      };
    case 'connected':
      return { ...state, realtime: action.realtime };
    case 'meChanged':
      return { ...state, me: action.me };
    case 'signedOut':
      return initialState();

    // The list
    case 'viewChosen':
      return { ...state, view: action.view, search: '' };
    case 'searched':
      return { ...state, search: action.search };
    case 'sorted':
      return { ...state, sort: action.sort };
    case 'listLoading':
      return { ...state, loadingList: true, listStale: false };
    case 'listStale':
      return { ...state, listStale: true };
    case 'listLoaded': {
      const items = action.more ? state.items.concat(action.items) : action.items;
      // Conversations that left the list are no longer picked.
      const visible = new Set(items.map((item) => item.id));
      const picked = [...state.picked].every((id) => visible.has(id)) ? state.picked : new Set([...state.picked].filter((id) => visible.has(id)));
      return { ...state, loadingList: false, items, picked, cursor: action.cursor ?? null, counts: action.counts ?? state.counts };
    }
    case 'savedViewsLoaded':
      return { ...state, savedViews: action.views };
    case 'viewCountsLoaded':
      return { ...state, viewCounts: action.counts, viewCountCap: action.cap };
    case 'markedRead':
      return { ...state, items: state.items.map((item) => (item.id === action.id ? { ...item, unread: false } : item)) };
    case 'listFailed':
      return { ...state, loadingList: false };
    case 'picked': {
      const picked = new Set(state.picked);
      if (action.on) picked.add(action.id); else picked.delete(action.id);
      return { ...state, picked };
    }
    case 'pickCleared':
      return state.picked.size ? { ...state, picked: new Set() } : state;

    // The open conversation
    case 'conversationSelected':
      return action.id === state.selectedId ? state : { ...state, selectedId: action.id, pendingFiles: [], visitorTypingUntil: 0, loadError: null };
    case 'conversationFailed':
      return action.id === state.selectedId ? { ...state, loadError: action.error } : state;
    case 'conversationLoaded':
      return {
        ...state,
        attachments: withAttachments(state.attachments, action.attachments ?? []),
        conversation: action.conversation,
        messages: [...(action.earlier ?? []), ...action.messages],
        messagesFor: action.conversation.id,
        messagesBefore: action.earlier?.length ? state.messagesBefore : action.messagesBefore,
        timeline: action.timeline, customer: action.customer, customerConversations: action.customerConversations,
        visitor: action.visitor, loadError: null, scheduled: action.scheduled ?? [], followers: action.followers ?? [],
        fieldValues: action.fieldValues ?? { conversation: {}, customer: {} },
      };
    case 'earlierLoaded':
      return {
        ...state,
        attachments: withAttachments(state.attachments, action.attachments ?? []),
        messages: [...action.messages, ...state.messages], messagesBefore: action.messagesBefore,
      };
    case 'attachmentsKnown':
      return { ...state, attachments: withAttachments(state.attachments, action.attachments) };
    case 'fieldsChanged':
      return { ...state, fieldValues: { ...state.fieldValues, [action.entity]: action.values } };
    case 'followersChanged':
      return action.conversationId === state.selectedId ? { ...state, followers: action.followers } : state;
    case 'notificationsLoaded':
      return { ...state, notifications: action.items, unreadNotifications: action.unread };
    case 'ordersLoaded':
      return { ...state, orders: action.orders };
    case 'articlesLoaded':
      return { ...state, articles: action.articles };
    case 'repliesLoaded':
      return { ...state, replies: action.replies };
    case 'summaryLoaded':
      return { ...state, summary: action.summary };
    case 'customerChanged':
      return { ...state, customer: action.customer };
    case 'presenceChanged': {
      const presence = new Map(state.presence);
      const entries = new Map(presence.get(action.conversationId) ?? []);
      if (action.state === 'left') entries.delete(action.agentId);
      else entries.set(action.agentId, { name: action.name, state: action.state, at: action.at });
      presence.set(action.conversationId, entries);
      return { ...state, presence };
    }
    case 'visitorTyping':
      return { ...state, visitorTypingUntil: action.until };

    // The composer
    case 'modeChosen':
      return { ...state, mode: action.mode };
    case 'macroChosen':
      return { ...state, macro: action.macro };
    case 'fileUploaded':
      return { ...state, pendingFiles: [...state.pendingFiles, action.file] };
    case 'fileRemoved':
      return { ...state, pendingFiles: state.pendingFiles.filter((_, index) => index !== action.index) };
    case 'replySent':
      return { ...state, pendingFiles: [], macro: null, composerError: null };
    case 'replyFailed':
      return { ...state, composerError: action.error };
    default:
      throw new Error(`Unknown action ${action.type}`);
  }
}
