// Help-center articles that may answer the customer's last message, beside the conversation;
// `l` (or the button) puts the first one's link into the composer.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';

let loaded = { conversationId: null, lastMessageId: null, items: [] };

export function articlesPanel(conversation) {
  const section = h('section', { class: 'panel', id: 'articles-panel', 'aria-labelledby': 'articles-title' });
  const lastInbound = [...state.messages].reverse().find((message) => message.direction === 'inbound');
  const draw = () => {
    clear(section);
    section.append(h('h3', { id: 'articles-title' }, t('suggestedArticles')));
    if (!loaded.items.length) { section.append(h('p', { class: 'hint' }, t('noSuggestions'))); return; }
    section.append(h('ul', { class: 'suggestions' }, ...loaded.items.map((item, index) => {
      const insert = h('button', { type: 'button', class: 'link-button', 'data-article': item.id, title: index === 0 ? `${t('insertLink')} (l)` : t('insertLink') }, t('insertLink'));
      insert.addEventListener('click', () => insertArticleLink(index));
      return h('li', {}, item.url ? h('a', { href: item.url, target: '_blank', rel: 'noopener' }, item.title) : item.title, ' ', insert,
        h('p', { class: 'hint' }, item.snippet));
    })));
  };
  if (loaded.conversationId !== conversation.id || loaded.lastMessageId !== lastInbound?.id) {
    loaded = { conversationId: conversation.id, lastMessageId: lastInbound?.id, items: [] };
    api('GET', `/conversations/${conversation.id}/articles`).then((answer) => {
      if (loaded.conversationId !== conversation.id) return;
      loaded.items = answer.items;
      draw();
    }, () => {});
  }
  draw();
  return section;
}

/// Adds "Title: URL" of suggestion `index` at the cursor of the composer.
export function insertArticleLink(index = 0) {
  const item = loaded.items[index];
  const text = /** @type {HTMLTextAreaElement | null} */ (document.getElementById('composer-text'));
  if (!item || !text || !item.url) return false;
  const line = `${item.title}: ${item.url}`;
  const start = text.selectionStart ?? text.value.length;
  const before = text.value.slice(0, start);
  const glue = before && !before.endsWith('\n') && !before.endsWith(' ') ? ' ' : '';
  text.value = before + glue + line + text.value.slice(text.selectionEnd ?? start);
  text.dispatchEvent(new Event('input', { bubbles: true }));
  text.focus();
  return true;
}
