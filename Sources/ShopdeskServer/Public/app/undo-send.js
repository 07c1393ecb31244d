// Replies wait a few seconds before they leave, with an Undo: long enough to catch a reply sent
// to the wrong customer or with a typo. Not in the live site chat, where the visitor is waiting.
// While a reply waits it is kept in this browser; if the page closes before it leaves, it comes
// back as the conversation's draft the next time (never sent unseen).

import { h } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';

const SECONDS_KEY = 'shopdesk.undoSeconds';
export const UNDO_CHOICES = [0, 5, 10, 20];

/** How long replies wait, in seconds (0: they leave at once). */
export function undoSeconds() {
  const stored = localStorage.getItem(SECONDS_KEY);
  return stored === null ? 5 : Math.max(0, Number(stored) || 0);
}

export function setUndoSeconds(seconds) {
  localStorage.setItem(SECONDS_KEY, String(seconds));
}

function heldKey() { return `shopdesk.heldReplies.${state.me?.id}`; }

/** @returns {{ id: string, conversationId: number, mode: string, body: string }[]} */
export function heldReplies() {
  try { return JSON.parse(localStorage.getItem(heldKey()) || '[]'); } catch { return []; }
}

function keep(list) {
  if (list.length) localStorage.setItem(heldKey(), JSON.stringify(list)); else localStorage.removeItem(heldKey());
}

/** Forgets a held reply: it left, or was taken back. */
export function release(id) {
  keep(heldReplies().filter((reply) => reply.id !== id));
}

/**
 * Holds a reply for `seconds` with an Undo in the page's list of waiting replies; resolves true
 * when the agent took it back, false when its time is up. The caller sends it, then `release`s it.
 * @param {{ conversationId: number, mode: string, body: string, label: string }} reply
 */
export function hold(reply, seconds) {
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  keep([...heldReplies(), { id, conversationId: reply.conversationId, mode: reply.mode, body: reply.body }]);
  const list = document.getElementById('undo-sends');
  const countdown = h('span', {});
  const undo = h('button', { type: 'button', class: 'undo-send' }, t('undo'));
  const entry = h('li', { 'data-held': id }, countdown, ' ', undo);
  list?.append(entry);
  let left = seconds;
  const show = () => { countdown.textContent = t('sendingIn').replace('{what}', reply.label).replace('{seconds}', String(left)); };
  show();
  return new Promise((resolve) => {
    const tick = setInterval(() => { left -= 1; show(); }, 1000);
    const done = (undone) => {
      clearInterval(tick);
      clearTimeout(timer);
      entry.remove();
      resolve({ id, undone });
    };
    const timer = setTimeout(() => done(false), seconds * 1000);
    undo.addEventListener('click', () => done(true));
  });
}
