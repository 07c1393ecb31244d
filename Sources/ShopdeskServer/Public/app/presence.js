// Who else is in the open conversation: colleagues viewing or typing (for 30 s after they last
// said so) and the chat visitor typing, in the conversation's head.

import { t } from './i18n.js';
import { mount } from './mount.js';

const presence = mount(() => document.getElementById('presence'), presenceView, (s) => ({
  id: s.selectedId, presence: s.presence, visitorTypingUntil: s.visitorTypingUntil,
}));

/** Draws the presence again: the conversation's head was drawn anew, or a colleague's news aged. */
export function refreshPresence() { presence.draw(); }

/** @typedef {{ id: number | null, presence: Map<number, Map<number, { name: string, state: string, at: number }>>, visitorTypingUntil: number }} PresenceProps */

/** @param {PresenceProps} props */
function presenceView(props) { return [presenceText(props)]; }

/** Who is here, in words. @param {PresenceProps} props @param {number} [now] */
export function presenceText(props, now = Date.now()) {
  const entries = props.id === null ? undefined : props.presence.get(props.id);
  const fresh = entries ? [...entries.values()].filter((entry) => now - entry.at < 30_000) : [];
  const parts = fresh.map((entry) => `${entry.name} ${entry.state === 'typing' ? t('typing') : t('viewing')}`);
  if (now < (props.visitorTypingUntil || 0)) parts.unshift(t('customerTyping'));
  return parts.join(' · ');
}
