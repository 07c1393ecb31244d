// Help-center articles that may answer the customer's last message, beside the conversation;
// `l` (or the button) puts the first one's link into the composer.

import { h } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';

/** @param {{ items: any[] }} articles the articles `loaders.js` found for the customer's last message */
export function articlesPanel(articles) {
  return h('section', { class: 'panel', id: 'articles-panel', 'aria-labelledby': 'articles-title' },
    h('h3', { id: 'articles-title' }, t('suggestedArticles')),
    articles.items.length
      ? h('ul', { class: 'suggestions' }, ...articles.items.map((item, index) => {
        const insert = h('button', { type: 'button', class: 'link-button', 'data-article': item.id, title: index === 0 ? `${t('insertLink')} (l)` : t('insertLink') }, t('insertLink'));
        insert.addEventListener('click', () => insertArticleLink(index));
        return h('li', {}, item.url ? h('a', { href: item.url, target: '_blank', rel: 'noopener' }, item.title) : item.title, ' ', insert,
          h('p', { class: 'hint' }, item.snippet));
      }))
      : h('p', { class: 'hint' }, t('noSuggestions')));
}

/// Adds "Title: URL" of suggestion `index` at the cursor of the composer.
export function insertArticleLink(index = 0) {
  const item = state.articles.items[index];
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
