// "Split from here" on a message: it and every later message become a conversation of their own
// (a second question asked in the same thread); the app then opens the new one.

import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { scheduleListRefresh } from './loaders.js';
import { showError } from './notices.js';
import { conversationHash } from './router.js';
import { state } from './state.js';

/**
 * The button for a message, or null where a split cannot start (the very first message, a viewer).
 * @param {any} conversation @param {any} message @param {boolean} first the conversation's first message @param {boolean} canAct not a viewer
 */
export function splitButton(conversation, message, first, canAct) {
  if (first || !canAct) return null;
  const button = h('button', { type: 'button', class: 'link-button split', 'data-split': message.id, title: t('splitHint') }, t('splitHere'));
  button.addEventListener('click', async () => {
    if (!window.confirm(t('splitConfirm'))) return;
    try {
      const created = await api('POST', `/conversations/${conversation.id}/split`, { message_id: message.id });
      scheduleListRefresh();
      location.hash = conversationHash(state.view, created.id);
    } catch (failure) {
      showError(failure.message);
    }
  });
  return button;
}
