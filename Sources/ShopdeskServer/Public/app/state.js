// Shared state of the agent app and the constants its modules agree on.

export const VIEWS = ['mine', 'unassigned', 'open', 'pending', 'snoozed', 'resolved', 'all'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const LANGUAGES = [['en', 'English'], ['pt-BR', 'Português (Brasil)'], ['ru', 'Русский'], ['hr', 'Hrvatski']];

export const state = {
  me: null, workspace: null, agents: new Map(),
  view: 'open', sort: 'newest', search: '',
  items: [], cursor: null, counts: {}, loadingList: false,
  selectedId: null, conversation: null, messages: [], messagesFor: null, messagesBefore: null, timeline: [], customer: null, customerConversations: [],
  mode: 'reply', presence: new Map(), realtime: null,
  inboxes: [], tags: [], teams: [], picked: new Set(),
  attachments: new Map(), pendingFiles: [],
  /** Why the last reply could not be sent, for the conversation it was written in. */
  composerError: null,
};

export const app = document.getElementById('app');
