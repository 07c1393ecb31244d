// Finding the `@name` being typed in a note and the agents it could mean. Pure: Node tests it.

/**
 * The mention being typed just before the caret: `@` at the start of a word, then up to three
 * words of a name. Null when the caret is not in one.
 * @param {string} text @param {number} caret
 * @returns {{ start: number, query: string } | null}
 */
export function mentionAt(text, caret) {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at === -1 || caret - at > 40) return null;
  if (at > 0 && /[\p{L}\p{N}]/u.test(before[at - 1])) return null;   // an email address, not a mention
  const query = before.slice(at + 1);
  if (/\n/.test(query) || query.split(' ').length > 3 || /^\s/.test(query)) return null;
  return { start: at, query };
}

/**
 * Agents whose name has a word starting with what was typed (case and accents ignored), at most
 * `limit`, those whose name starts with it first.
 * @param {{ id: number, name: string }[]} agents @param {string} query @param {number} [limit]
 */
export function matchingAgents(agents, query, limit = 6) {
  const fold = (/** @type {string} */ value) => value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const wanted = fold(query.trim());
  const scored = agents
    .map((agent) => {
      const name = fold(agent.name);
      const rank = name.startsWith(wanted) ? 0 : name.split(/\s+/).some((word) => word.startsWith(wanted)) ? 1 : 2;
      return { agent, rank };
    })
    .filter((entry) => entry.rank < 2)
    .sort((a, b) => a.rank - b.rank || a.agent.name.localeCompare(b.agent.name));
  return scored.slice(0, limit).map((entry) => entry.agent);
}

/**
 * The ids of the chosen agents whose `@Name` is still in the text (a mention deleted is not sent).
 * @param {string} text @param {{ id: number, name: string }[]} chosen
 */
export function mentionedIds(text, chosen) {
  const lower = text.toLowerCase();
  return [...new Set(chosen.filter((agent) => lower.includes(`@${agent.name.toLowerCase()}`)).map((agent) => agent.id))];
}
