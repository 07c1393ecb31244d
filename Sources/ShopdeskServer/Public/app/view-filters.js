// What a list view filters by, written as a saved view's fields (the list API's query fields),
// the columns of a board, and how a capped count reads. Pure: Node's test runner checks it.

export const STATUSES = ['open', 'pending', 'snoozed', 'resolved'];

/**
 * The fields a view of the navigation stands for, to start a saved view from it.
 * @param {string} view `open`, `mine`, `inbox:3`, `tag:vip`, `saved:7`…
 * @param {{ id: number, filters: Record<string, string[]> }[]} [saved]
 * @returns {Record<string, string[]>}
 */
export function fieldsOf(view, saved = []) {
  const [kind, value] = [view.split(':')[0], view.slice(view.indexOf(':') + 1)];
  switch (kind) {
    case 'mine': return { status: ['open'], assignee: ['me'] };
    case 'unassigned': return { status: ['open'], assignee: ['none'] };
    case 'inbox': return { status: ['open'], inbox: [value] };
    case 'priority': return { status: ['open'], priority: [value] };
    case 'tag': return { tag: [decodeURIComponent(value)] };
    case 'saved': return { ...(saved.find((item) => String(item.id) === value)?.filters ?? {}) };
    case 'all': return {};
    case 'mentions': return { mentioned: ['me'] };
    case 'following': return { following: ['me'] };
    case 'spam': return { status: ['spam'] };
    default: return STATUSES.includes(kind) ? { status: [kind] } : {};
  }
}

/**
 * A board's columns: the statuses its filter allows, in the order work moves.
 * @param {Record<string, string[]>} fields
 */
export function boardColumns(fields) {
  const chosen = fields.status?.length ? fields.status : STATUSES;
  return STATUSES.filter((status) => chosen.includes(status));
}

/**
 * A board by a custom field's columns: its options (those the view's filter allows, if it
 * names some) or yes and no for a checkbox, then "" for conversations without a value unless
 * the filter leaves those out.
 * @param {{ key: string, kind: string, options: string[] }} field
 * @param {Record<string, string[]>} filters
 * @returns {string[]}
 */
export function fieldColumns(field, filters) {
  const values = field.kind === 'checkbox' ? ['true', 'false'] : field.options;
  const chosen = filters[`custom.${field.key}`];
  return chosen?.length ? values.filter((value) => chosen.includes(value)) : [...values, ''];
}

/**
 * Drops the fields left empty, so a saved view keeps only what it filters by.
 * @param {Record<string, string[]>} fields
 */
export function compact(fields) {
  return Object.fromEntries(Object.entries(fields).filter(([, values]) => values.length > 0));
}

/**
 * "12", or "1,000+" when counting stopped at the cap.
 * @param {number | undefined} count @param {number} cap @param {(value: number) => string} format
 */
export function countText(count, cap, format) {
  if (count === undefined) return '';
  return count >= cap ? `${format(cap)}+` : format(count);
}
