// Beside the conversation: replies the team sent to the most similar past questions (`s`, or a
// button, puts one into the composer) and help-center articles that may answer the customer's
// last message (`l`, or the button, puts the first one's link into the composer).

import { h } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';
import { conversationHash } from './router.js';

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

/**
 * @param {{ items: any[] }} replies the suggestions `loaders.js` found for the customer's last message
 * @param {string} view the list the agent is in, for the link to the source conversation
 */
export function repliesPanel(replies, view) {
  return h('section', { class: 'panel', id: 'replies-panel', 'aria-labelledby': 'replies-title' },
    h('h3', { id: 'replies-title' }, t('suggestedReplies')),
    replies.items.length
      ? h('ol', { class: 'suggestions' }, ...replies.items.map((item, index) => {
        const use = h('button', { type: 'button', class: 'link-button', 'data-reply': String(index), title: index === 0 ? `${t('useReply')} (s)` : t('useReply') }, t('useReply'));
        use.addEventListener('click', () => insertReply(index));
        return h('li', {},
          h('p', { class: 'reply-suggestion' }, item.text),
          use, ' ',
          h('a', { href: conversationHash(view, item.source_conversation_id), class: 'hint' }, t('replySource').replace('{number}', String(item.source_number))),
          item.uses > 1 ? h('span', { class: 'hint' }, ` · ${t('replyUses').replace('{count}', String(item.uses))}`) : '',
          item.warnings.length ? h('p', { class: 'hint' }, item.warnings.join(' · ')) : '');
      }))
      : h('p', { class: 'hint' }, t('noReplySuggestions')));
}

/// Puts suggestion `index` into the composer (replacing an empty draft, after what is written otherwise).
export function insertReply(index = 0) {
  const item = state.replies.items[index];
  const text = /** @type {HTMLTextAreaElement | null} */ (document.getElementById('composer-text'));
  if (!item || !text) return false;
  const before = text.value.trimEnd();
  text.value = before ? `${before}\n\n${item.text}` : item.text;
  text.dispatchEvent(new Event('input', { bubbles: true }));
  text.focus();
  return true;
}
