// The agent web app's entry: starts it (sign-in, then the shell mounts the views) and holds the
// keyboard shortcuts. Live updates are `live.js`'s.
// Plain DOM: every piece of text from the server is set as text, never parsed as HTML.

import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { chooseMacro, setMode } from './composer.js';
import { renderList } from './list.js';
import { selectConversation, update } from './loaders.js';
import { conversationHash } from './router.js';
import { start } from './signin.js';
import { dispatch, state } from './state.js';
import { insertArticleLink, insertReply } from './suggestions.js';
import { applyTheme } from './theme.js';
import { openPalette } from './palette.js';

applyTheme();

// Installable, and opens without a network (sw.js keeps the app's files, never the API's data).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(() => { /* a browser that refuses it runs the app as a page */ });
  // A pushed notification clicked while the app is open: go to its conversation.
  navigator.serviceWorker.addEventListener('message', (event) => {
    const hash = event.data?.type === 'open' ? event.data.hash : null;
    if (typeof hash === 'string' && hash.startsWith('#/')) location.hash = hash;
  });
}

// MARK: Keyboard

document.addEventListener('keydown', (event) => {
  if (!state.me) return;
  // Ctrl+K (⌘K) opens the command palette from anywhere, even while typing.
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
    event.preventDefault();
    openPalette();
    return;
  }
  const target = event.target;
  const typing = target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  // The settings page has no conversation to act on.
  if (document.querySelector('.layout.admin-mode') && event.key !== '?') return;
  switch (event.key) {
    case 'j': move(1); break;
    case 'k': move(-1); break;
    case 'r': if (state.conversation) { event.preventDefault(); setMode('reply'); } break;
    case 'n': if (state.conversation) { event.preventDefault(); setMode('note'); } break;
    case 'e': if (state.conversation) update({ status: 'resolved' }); break;
    case 'm': if (state.conversation) { event.preventDefault(); chooseMacro(); } break;
    case 'l': if (state.conversation && insertArticleLink(0)) event.preventDefault(); break;
    case 's': if (state.conversation && insertReply(0)) event.preventDefault(); break;
    case 'a': if (state.conversation) update({ assignee_id: state.me.id }); break;
    case '/': event.preventDefault(); document.getElementById('search')?.focus(); break;
    case 'x':
      if (state.selectedId) {
        dispatch({ type: 'picked', id: state.selectedId, on: !state.picked.has(state.selectedId) });
        renderList();
      }
      break;
    case '?': showHelp(); break;
    default: return;
  }
});

function move(step) {
  if (state.items.length === 0) return;
  const index = state.items.findIndex((item) => item.id === state.selectedId);
  const next = index === -1 ? 0 : Math.min(state.items.length - 1, Math.max(0, index + step));
  const id = state.items[next].id;
  if (id === state.selectedId) return;
  // Select at once rather than on the hashchange event, which arrives later: a key pressed in
  // between (e to resolve, a to assign) must act on the conversation the agent moved to.
  history.pushState(null, '', conversationHash(state.view, id));
  selectConversation(id);
}

function showHelp() {
  const dialog = /** @type {HTMLDialogElement} */ (document.getElementById('help'));
  clear(dialog);
  const closeButton = h('button', { type: 'button', class: 'primary' }, t('close'));
  closeButton.addEventListener('click', () => dialog.close());
  dialog.append(h('h2', { id: 'help-title' }, t('shortcuts')),
    h('dl', { class: 'keys' }, ...t('keys').flatMap(([key, what]) => [h('dt', {}, h('kbd', {}, key)), h('dd', {}, what)])),
    closeButton);
  dialog.showModal();
  closeButton.focus();
}


start();
