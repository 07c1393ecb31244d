// What an agent has written but not sent, kept in this browser per agent, conversation and mode
// (reply or note), so a reload, another conversation or a closed tab loses nothing.

import { state } from './state.js';

function draftKey(id, mode) { return `shopdesk.draft.${state.me?.id}.${id}.${mode}`; }

export function loadDraft(id, mode) { return localStorage.getItem(draftKey(id, mode)) || ''; }

export function saveDraft(id, mode, text) {
  if (text) localStorage.setItem(draftKey(id, mode), text);
  else localStorage.removeItem(draftKey(id, mode));
}
