// The intents a conversation may carry — Shopdesk's and the workspace's own — loaded with the
// directory and reloaded when an admin makes or removes one; their labels go to `label()`.

import { api } from './api.js';
import { setOwnLabels } from './i18n.js';
import { dispatch } from './state.js';

/** Reads the intents again and shares them (the sidebar's correction list, the labels). */
export async function loadIntents() {
  const answer = await api('GET', '/intelligence/intents').catch(() => ({ items: [] }));
  useIntents(answer.items);
}

/** @param {{ name: string, label: string | null, built_in: boolean }[]} items */
export function useIntents(items) {
  setOwnLabels('intent', Object.fromEntries(items.filter((item) => item.label).map((item) => [item.name, item.label])));
  dispatch({ type: 'directoryLoaded', intents: items });
}
