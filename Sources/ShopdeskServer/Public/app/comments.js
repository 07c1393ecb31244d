// Conversations about customers' comments on the shop's Facebook and Instagram posts: the post
// beside the thread (its picture, text and link), each comment's state with hide, show and
// delete, and whether the agent's reply goes publicly under the comment or privately to its
// author.

import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** Posts already read, by conversation id (a post does not change while it is open). */
const posts = new Map();

/** Where replies go in each comment conversation ('public' until the agent chooses). */
const visibility = new Map();

/** Why hiding or deleting a comment failed, by message id: kept across re-renders of the thread. */
const moderationErrors = new Map();

export function replyVisibility(conversationId) { return visibility.get(conversationId) || 'public'; }

/**
 * The post card above the thread, or null for a conversation that is not about a post.
 * @param {{ id: number, channel_post?: string }} conversation
 */
export function postCard(conversation) {
  if (!conversation.channel_post) return null;
  const card = h('section', { class: 'post-card', id: 'post-card', 'aria-label': t('post') });
  const fill = (post) => {
    if (!post.fetched) { card.replaceChildren(h('p', { class: 'muted' }, t('postLoading'))); return; }
    const text = post.text || '';
    card.replaceChildren(
      post.image_attachment_id
        ? h('img', { class: 'post-image', src: `/api/v1/attachments/${post.image_attachment_id}/download`, alt: t('post'), loading: 'lazy' }) : '',
      h('div', { class: 'post-body' },
        h('strong', {}, t('post')),
        h('p', { class: 'post-text' }, text.length > 280 ? `${text.slice(0, 280)}…` : text),
        post.link ? h('a', { href: post.link, target: '_blank', rel: 'noopener noreferrer' }, t('openPost')) : ''));
  };
  const known = posts.get(conversation.id);
  if (known) fill(known);
  else {
    fill({ fetched: false });
    api('GET', `/conversations/${conversation.id}/channel/post`).then((post) => {
      if (post.fetched) posts.set(conversation.id, post);
      fill(post);
    }).catch(() => { card.hidden = true; });
  }
  return card;
}

/**
 * A comment's state and what the agent may do with it, or null for any other message.
 * @param {{ id: number, comment_status?: string, comment_reply?: string }} message
 * @param {() => Promise<void>} afterChange
 * @param {boolean} canAct not a viewer
 */
export function commentControls(message, afterChange, canAct) {
  if (message.comment_reply) {
    return h('span', { class: `badge comment-reply ${message.comment_reply}` }, t(message.comment_reply === 'private' ? 'privateReply' : 'publicReply'));
  }
  if (!message.comment_status) return null;
  const status = message.comment_status;
  const badge = h('span', { class: `badge comment-status ${status}` },
    status === 'visible' ? t('comment') : `${t('comment')} · ${t(status === 'hidden' ? 'commentHidden' : 'commentDeleted')}`);
  if (status === 'deleted' || !canAct) return h('span', { class: 'comment-controls' }, badge);
  const error = h('span', { class: 'form-error', role: 'alert' }, moderationErrors.get(message.id) || '');
  const act = async (action, button) => {
    button.disabled = true;
    error.textContent = '';
    moderationErrors.delete(message.id);
    try {
      await api('POST', `/messages/${message.id}/comment`, { action });
      await afterChange();
    } catch (failure) {
      moderationErrors.set(message.id, failure.message);
      error.textContent = failure.message;
      button.disabled = false;
    }
  };
  const toggle = h('button', { type: 'button', class: 'link-button comment-toggle' }, t(status === 'hidden' ? 'unhideComment' : 'hideComment'));
  toggle.addEventListener('click', () => act(status === 'hidden' ? 'unhide' : 'hide', toggle));
  // Deleting cannot be undone: the first click asks, the second deletes.
  const remove = h('button', { type: 'button', class: 'link-button comment-delete' }, t('deleteComment'));
  remove.addEventListener('click', () => {
    if (remove.dataset.confirm) { act('delete', remove); return; }
    remove.dataset.confirm = '1';
    remove.textContent = t('confirmDeleteComment');
  });
  return h('span', { class: 'comment-controls' }, badge, toggle, remove, error);
}

/**
 * The public/private choice above the composer of a comment conversation, or null.
 * @param {{ id: number, channel_post?: string }} conversation @param {string} mode the composer's
 */
export function visibilityChoice(conversation, mode) {
  if (!conversation.channel_post || mode !== 'reply') return null;
  const chosen = replyVisibility(conversation.id);
  const help = h('p', { class: 'hint', id: 'reply-visibility-help' }, t(chosen === 'private' ? 'privateReplyHelp' : 'publicReplyHelp'));
  const option = (value, label) => {
    const input = h('input', { type: 'radio', name: 'reply-visibility', value, id: `reply-${value}` });
    input.checked = chosen === value;
    input.addEventListener('change', () => {
      visibility.set(conversation.id, value);
      help.textContent = t(value === 'private' ? 'privateReplyHelp' : 'publicReplyHelp');
    });
    return h('label', { for: input.id }, input, ' ', t(label));
  };
  return h('fieldset', { class: 'reply-visibility', id: 'reply-visibility' },
    h('legend', {}, t('replyVisibility')), option('public', 'publicReply'), option('private', 'privateReply'), help);
}
