// The one store of the agent app: modules read `state` and change it only with `dispatch`; the
// state is frozen, so a stray assignment fails loudly instead of changing what others see
// behind their backs. `subscribe` tells listeners what changed (the state before and after, and
// the action), which is how views learn to draw again without importing each other.

import { initialState, reduce } from './reducer.js';

/** The current state (a live binding: importers always read the latest). */
export let state = Object.freeze(initialState());

/** @type {Set<(next: typeof state, previous: typeof state, action: { type: string, [key: string]: any }) => void>} */
const listeners = new Set();

/** @param {{ type: string, [key: string]: any }} action */
export function dispatch(action) {
  const previous = state;
  const next = reduce(previous, action);
  if (next === previous) return;
  state = Object.freeze(next);
  for (const listener of [...listeners]) listener(state, previous, action);
}

/** @param {(next: typeof state, previous: typeof state, action: { type: string, [key: string]: any }) => void} listener */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
