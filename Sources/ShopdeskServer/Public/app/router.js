// What the location hash names, and the hash for a view or conversation: `#/<view>[/<id>]`
// (views: the standard ones, `inbox:ID`, `priority:P`, `tag:NAME`, a saved view `saved:ID`) and
// `#/admin[/<area>]` and `#/reports[/scoreboard]`.
// Pure: no DOM, no state, so Node's test runner checks it.

export const VIEWS = ['mine', 'unassigned', 'open', 'pending', 'snoozed', 'resolved', 'all', 'mentions', 'following', 'spam'];

/** Standard views by name; `inbox:ID`, `priority:P` and `tag:NAME` filter the open (for tags: all) conversations; `saved:ID` is a saved view. */
export function isView(view) {
  return VIEWS.includes(view) || /^(inbox:\d+|saved:\d+|priority:(low|normal|high|urgent)|tag:.+)$/.test(view || '');
}

/**
 * @param {string} hash
 * @returns {{ page: 'admin', area: string | null } | { page: 'reports', area: 'scoreboard' | null } | { page: 'inbox', view: string, id: number | null }}
 */
export function parseHash(hash) {
  const [, view, id] = (hash || '').split('/');
  if (view === 'admin') return { page: 'admin', area: id || null };
  if (view === 'reports') return { page: 'reports', area: id === 'scoreboard' ? 'scoreboard' : null };
  const number = id && /^\d+$/.test(id) ? Number(id) : null;
  return { page: 'inbox', view: isView(view) ? view : 'open', id: number };
}

/** @param {string} view @param {number | null} [id] */
export function conversationHash(view, id) {
  return `#/${view}${id ? `/${id}` : ''}`;
}

/** The list request's parameters for a view. @param {string} view */
export function listParams(view) {
  const [kind, value] = [view.split(':')[0], view.slice(view.indexOf(':') + 1)];
  if (kind === 'inbox') return { view: 'open', inbox: value };
  if (kind === 'priority') return { view: 'open', priority: value };
  if (kind === 'tag') return { view: 'all', tag: decodeURIComponent(value) };
  if (kind === 'saved') return { saved_view: value };
  if (kind === 'mentions') return { view: 'all', mentioned: 'me' };
  if (kind === 'following') return { view: 'all', following: 'me' };
  return { view };
}
