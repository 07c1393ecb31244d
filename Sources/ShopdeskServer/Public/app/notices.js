// What the app tells the agent in passing: a problem in the banner, who else is in the open
// conversation.

import { t } from './i18n.js';
import { state } from './state.js';

export function showError(message) {
  const banner = document.getElementById('connection');
  if (!banner) return;
  banner.textContent = message;
  banner.hidden = false;
  setTimeout(() => { banner.hidden = true; banner.textContent = t('connectionLost'); }, 6000);
}

/** A passing notice in the banner under the top bar. */
export function showNotice(text) {
  const banner = document.getElementById('notice');
  if (!banner) return;
  banner.textContent = text;
  banner.hidden = false;
  setTimeout(() => { banner.hidden = true; }, 8000);
}

/** Colleagues viewing or typing in a conversation (for 30 s after they last said so), and the chat visitor typing. */
export function presenceText(id) {
  const entries = state.presence.get(id);
  const fresh = entries ? [...entries.values()].filter((entry) => Date.now() - entry.at < 30_000) : [];
  const parts = fresh.map((entry) => `${entry.name} ${entry.state === 'typing' ? t('typing') : t('viewing')}`);
  if (id === state.selectedId && Date.now() < (state.visitorTypingUntil || 0)) parts.unshift(t('customerTyping'));
  return parts.join(' · ');
}

export function showPresence() {
  const element = document.getElementById('presence');
  if (element) element.textContent = presenceText(state.selectedId);
}
