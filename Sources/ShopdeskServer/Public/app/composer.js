// The composer under a conversation: reply or internal note, attachments, drafts kept per
// agent, conversation and mode, and macros chosen from the picker.

import { api, upload } from './api.js';
import { h } from './dom.js';
import { formatNumber, formatTime, t } from './i18n.js';
import { loadConversation, scheduleListRefresh } from './loaders.js';
import { openMacroPicker } from './macros.js';
import { messagingChannels } from './channel-settings.js';
import { dispatch, state } from './state.js';
import { loadDraft, saveDraft } from './drafts.js';
import { hold, heldReplies, release, undoSeconds } from './undo-send.js';
import { wakeTime } from './snooze.js';
import { smsSegments } from './sms.js';
import { templatePicker } from './templates.js';
import { attachMentions, mentionIds } from './mentions.js';
import { replyVisibility, visibilityChoice } from './comments.js';

/**
 * The composer of the open conversation, in the chosen mode, starting from that conversation's
 * draft (saved as the agent types, so a redraw loses nothing).
 * @param {{ conversation: any, mode: string, macro: any, scheduled: any[], composerError: { conversationId: number, text: string } | null,
 *   inboxes: any[], pendingFiles: any[] }} props
 * @returns {Node[]}
 */
export function composerView(props) {
  const { conversation, mode } = props;
  if (!conversation) return [];
  const text = h('textarea', {
    id: 'composer-text', rows: 4, 'aria-label': mode === 'note' ? t('note') : t('reply'),
    placeholder: mode === 'note' ? t('notePlaceholder') : t('replyPlaceholder'),
  });
  text.value = loadDraft(conversation.id, mode);
  // Whose text this is: a re-render for another conversation must never take it over.
  text.dataset.conversation = String(conversation.id);
  text.dataset.mode = mode;
  // Before the composer's own keys: Enter and Escape act on an open list of colleagues first.
  const mentionList = mode === 'note' ? attachMentions(text) : null;
  let lastTyping = 0;
  text.addEventListener('input', () => {
    saveDraft(conversation.id, mode, text.value);
    if (Date.now() - lastTyping > 3000) {
      lastTyping = Date.now();
      // Only a reply shows as "typing" to a chat visitor; a note never does.
      state.realtime?.presence(conversation.id, 'typing', mode === 'reply');
    }
  });
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      // With Shift: send and resolve, where there is a reply to send.
      form.requestSubmit((event.shiftKey && document.getElementById('send-resolve')) || undefined);
    } else if (event.key === 'Escape') {
      text.blur();
      document.getElementById('conversation').focus();
    }
  });
  const modeButton = (choice) => {
    const button = h('button', { type: 'button', class: `mode${mode === choice ? ' active' : ''}`, id: `mode-${choice}`,
      'aria-pressed': mode === choice ? 'true' : 'false' }, choice === 'note' ? t('note') : t('reply'));
    button.addEventListener('click', () => setMode(choice));
    return button;
  };
  // Why the last send failed stays on screen when the pane is drawn again (a realtime refresh).
  const error = h('p', { class: 'form-error', role: 'alert', id: 'composer-error' },
    props.composerError?.conversationId === conversation.id ? props.composerError.text : '');
  const count = channelCounter(conversation, text, mode, props.inboxes);
  const files = h('input', { type: 'file', id: 'composer-files', multiple: true, class: 'visually-hidden' });
  files.addEventListener('change', async () => {
    error.textContent = '';
    for (const file of files.files) {
      try {
        dispatch({ type: 'fileUploaded', file: await upload(file) });
      } catch (failure) {
        error.textContent = failure.message;
      }
    }
    files.value = '';
  });
  const pending = h('ul', { class: 'pending-files', id: 'pending-files', 'aria-label': t('attachments') },
    ...props.pendingFiles.map((file, index) => {
      const remove = h('button', { type: 'button', class: 'tag-remove', 'aria-label': `${t('remove')} ${file.file_name}` }, '×');
      remove.addEventListener('click', () => dispatch({ type: 'fileRemoved', index }));
      return h('li', { class: 'badge' }, `${file.file_name} (${formatSize(file.size)})`, remove);
    }));
  const form = h('form', { class: `composer ${mode}`, id: 'composer' },
    h('div', { class: 'modes', role: 'group' }, modeButton('reply'), modeButton('note'),
      files, h('label', { for: 'composer-files', class: 'attach' }, t('attach')), macroButton()),
    scheduledList(conversation, props.scheduled), macroChip(props.macro), visibilityChoice(conversation, mode), text, mentionList, count, pending, error,
    h('div', { class: 'send-buttons' },
      h('button', { type: 'submit', class: 'primary', id: 'send' }, mode === 'note' ? t('addNote') : t('send')),
      mode === 'reply' ? h('button', { type: 'submit', id: 'send-resolve', 'aria-keyshortcuts': 'Control+Shift+Enter' }, t('sendAndResolve')) : null,
      mode === 'reply' ? sendLater(conversation, text, error) : null));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = text.value.trim();
    if (!body) return;
    const files = state.pendingFiles;
    const macro = state.macro;
    const resolveAfter = /** @type {SubmitEvent} */ (event).submitter?.id === 'send-resolve';
    // A comment conversation's reply goes publicly under the comment or privately, as chosen.
    const where = conversation.channel_post && mode === 'reply' ? { comment_reply: replyVisibility(conversation.id) } : {};
    error.textContent = '';
    dispatch({ type: 'replyFailed', error: null });
    const live = state.inboxes.find((inbox) => inbox.id === conversation.inbox_id)?.kind === 'chat';
    const grace = mode === 'reply' && !live ? undoSeconds() : 0;
    let held = null;
    if (grace > 0) {
      // The reply leaves the composer and waits with an Undo; taken back, it returns whole.
      // Emptied before the store draws the composer again (it starts from the saved draft).
      text.value = '';
      saveDraft(conversation.id, mode, '');
      dispatch({ type: 'replySent' });
      held = await hold({ conversationId: conversation.id, mode, body, label: `#${conversation.number}` }, grace);
      if (held.undone) {
        release(held.id);
        putBack(conversation.id, mode, body, files, macro);
        return;
      }
    }
    const buttons = () => /** @type {HTMLButtonElement[]} */ ([...document.querySelectorAll('#send, #send-resolve')]);
    for (const button of buttons()) button.disabled = true;
    try {
      const attachments = files.map((file) => file.id);
      if (macro) {
        await api('POST', `/conversations/${conversation.id}/macros/${macro.id}/apply`, {
          text: body, note: mode === 'note', attachment_ids: attachments, ...where,
        });
      } else {
        const mentions = mode === 'note' ? { mention_ids: mentionIds(text, body) } : {};
        await api('POST', `/conversations/${conversation.id}/messages`, { text: body, private: mode === 'note', attachment_ids: attachments, ...where, ...mentions });
      }
      if (held) release(held.id);
      if (!held) {
        text.value = '';
        saveDraft(conversation.id, mode, '');
        dispatch({ type: 'replySent' });
      }
      if (resolveAfter) await api('PATCH', `/conversations/${conversation.id}`, { status: 'resolved' });
      scheduleListRefresh();
      if (await loadConversation(conversation.id) && !held) document.getElementById('composer-text')?.focus();
    } catch (failure) {
      // Not sent: a held reply goes back to its draft. The pane may have been drawn again
      // while the request ran: the reason goes to the composer on screen, and is kept for the next drawing.
      if (held) {
        release(held.id);
        putBack(conversation.id, mode, body, files, macro);
      }
      dispatch({ type: 'replyFailed', error: { conversationId: conversation.id, text: failure.message } });
      (document.getElementById('composer-error') || error).textContent = failure.message;
    } finally {
      for (const button of buttons()) button.disabled = false;
    }
  });
  return [form];
}

/// Opens the macro picker; the chosen macro's text replaces the composer's.
export function chooseMacro() {
  const text = document.getElementById('composer-text');
  if (!text || !state.conversation) return;
  openMacroPicker((rendered) => {
    const current = /** @type {HTMLTextAreaElement} */ (document.getElementById('composer-text'));
    current.value = rendered;
    saveDraft(state.conversation.id, state.mode, rendered);
    document.getElementById('composer-text')?.focus();
  });
}

function macroButton() {
  const button = h('button', { type: 'button', id: 'macro-button', class: 'mode', 'aria-keyshortcuts': 'm' }, t('macros'));
  button.addEventListener('click', chooseMacro);
  return button;
}

/// Says which macro the send will apply, with a way to stop using it.
function macroChip(macro) {
  if (!macro) return null;
  const remove = h('button', { type: 'button', class: 'tag-remove', 'aria-label': t('macroRemove') }, '×');
  remove.addEventListener('click', () => dispatch({ type: 'macroChosen', macro: null }));
  const files = macro.attachment_ids?.length ? ` · ${t('macroFiles')}: ${formatNumber(macro.attachment_ids.length)}` : '';
  return h('p', { class: 'macro-chip', id: 'macro-chip' }, h('span', { class: 'badge' }, `${t('macroChosen')}: ${macro.name}${files}`), remove);
}


/// On a messaging channel, how much of its per-message limit a reply uses (Telegram: 4,096
/// characters); the server refuses longer replies, this says so while typing.
function channelCounter(conversation, text, mode, inboxes) {
  const count = h('span', { class: 'char-count', id: 'composer-count', hidden: true, 'aria-live': 'polite' });
  const inbox = inboxes.find((candidate) => candidate.id === conversation.inbox_id);
  if (!inbox || mode !== 'reply') return count;
  messagingChannels().then((channels) => {
    const channel = channels.find((candidate) => candidate.kind === inbox.kind);
    if (!channel) return;
    const limit = channel.capabilities.max_text_length;
    const update = () => {
      const length = text.value.length;   // UTF-16 units, as Telegram counts
      count.textContent = `${channel.name}: ${formatNumber(length)} / ${formatNumber(limit)}`;
      if (channel.capabilities.sms_segments && length > 0) {
        // Billed per SMS: one letter outside GSM-7 (č, ç, Cyrillic) halves what one SMS carries.
        const sms = smsSegments(text.value);
        count.textContent += ' · ' + t('smsCount').replace('{count}', formatNumber(sms.segments)).replace('{encoding}', sms.encoding)
          .replace('{per}', formatNumber(sms.perSegment));
      }
      count.classList.toggle('over', length > limit);
    };
    count.hidden = false;
    update();
    text.addEventListener('input', update);
    // After the channel's reply window only an approved template may go out: offered here.
    templatePicker(conversation, channel, async (id) => {
      scheduleListRefresh();
      await loadConversation(id);
    }).then((picker) => { if (picker && count.isConnected) count.after(picker); });
  });
  return count;
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024))} KB`;
  return `${formatNumber(Math.round(bytes / 1024 / 102.4) / 10)} MB`;
}

export function setMode(mode) {
  const current = /** @type {HTMLTextAreaElement | null} */ (document.getElementById('composer-text'));
  if (current && state.conversation) saveDraft(state.conversation.id, state.mode, current.value);
  // The store draws the composer again, in the new mode and with its draft.
  dispatch({ type: 'modeChosen', mode });
  document.getElementById('composer-text')?.focus();
}

/** A reply taken back (or refused) returns to its conversation's draft, with its files and
 * macro when that conversation is still open. */
function putBack(conversationId, mode, body, files, macro) {
  const draft = loadDraft(conversationId, mode);
  saveDraft(conversationId, mode, draft ? `${body}\n\n${draft}` : body);
  if (state.selectedId !== conversationId) return;
  for (const file of files) dispatch({ type: 'fileUploaded', file });
  if (macro) dispatch({ type: 'macroChosen', macro });
  const shown = /** @type {HTMLTextAreaElement | null} */ (document.getElementById('composer-text'));
  if (shown?.dataset.conversation === String(conversationId) && shown.dataset.mode === mode) {
    shown.value = loadDraft(conversationId, mode);
    shown.focus();
  }
}

/** Replies that were waiting to leave when the page closed go back to their drafts; returns how many. */
export function recoverHeldReplies() {
  const held = heldReplies();
  for (const reply of held) {
    const draft = loadDraft(reply.conversationId, reply.mode);
    saveDraft(reply.conversationId, reply.mode, draft ? `${reply.body}\n\n${draft}` : reply.body);
    release(reply.id);
  }
  return held.length;
}

/** "Send later": the reply leaves at a chosen time (in an hour, tomorrow or Monday at nine, or a
 * picked date and time); until then it waits on the server, listed above the composer. */
function sendLater(conversation, text, error) {
  const when = h('select', { id: 'send-later-when', 'aria-label': t('sendLater') },
    h('option', { value: '1' }, t('sendInHour')), h('option', { value: 'tomorrow' }, t('snoozeTomorrow')),
    h('option', { value: 'monday' }, t('snoozeMonday')), h('option', { value: 'pick' }, t('snoozePick')));
  const at = h('input', { type: 'datetime-local', id: 'send-later-at', 'aria-label': t('sendLater'), hidden: true });
  when.addEventListener('change', () => { at.hidden = when.value !== 'pick'; });
  const schedule = h('button', { type: 'button', id: 'send-later-schedule', class: 'primary' }, t('schedule'));
  const panel = h('span', { class: 'send-later', hidden: true }, when, at, schedule);
  const open = h('button', { type: 'button', id: 'send-later', 'aria-expanded': 'false', 'aria-controls': 'send-later-when' }, `${t('sendLater')}…`);
  open.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    open.setAttribute('aria-expanded', panel.hidden ? 'false' : 'true');
    if (!panel.hidden) when.focus();
  });
  schedule.addEventListener('click', async () => {
    const body = text.value.trim();
    const sendAt = when.value === 'pick' ? (at.value ? new Date(at.value) : null) : wakeTime(when.value);
    if (!body || !sendAt) return;
    error.textContent = '';
    try {
      await api('POST', `/conversations/${conversation.id}/scheduled-replies`, {
        text: body, send_at: sendAt.toISOString(), attachment_ids: state.pendingFiles.map((file) => file.id),
      });
      dispatch({ type: 'replySent' });
      text.value = '';
      saveDraft(conversation.id, 'reply', '');
      await loadConversation(conversation.id);
    } catch (failure) {
      (document.getElementById('composer-error') || error).textContent = failure.message;
    }
  });
  return h('span', { class: 'send-later-group' }, open, panel);
}

/** The conversation's replies waiting to leave, each with a way to take it back into the
 * draft, and those that could not leave, with why. */
function scheduledList(conversation, scheduled) {
  if (!scheduled.length) return null;
  return h('ul', { class: 'scheduled-replies', id: 'scheduled-replies', 'aria-label': t('scheduledReplies') },
    ...scheduled.map((reply) => {
      const failed = reply.status === 'failed';
      const button = h('button', { type: 'button', class: 'link-button', 'aria-label': `${failed ? t('dismiss') : t('takeBack')}: ${reply.text.slice(0, 40)}` },
        failed ? t('dismiss') : t('takeBack'));
      button.addEventListener('click', async () => {
        try {
          await api('DELETE', `/scheduled-replies/${reply.id}`);
          if (!failed) putBack(conversation.id, 'reply', reply.text, [], null);
        } catch (failure) {
          document.getElementById('composer-error').textContent = failure.message;
        }
        await loadConversation(conversation.id);
      });
      const what = failed ? `${t('scheduledFailed')}: ${reply.error}` : t('scheduledFor').replace('{time}', formatTime(reply.send_at));
      return h('li', { class: failed ? 'failed' : '' }, h('span', { class: 'badge' }, what), ' ', h('span', { class: 'excerpt' }, reply.text.slice(0, 120)), ' ', button);
    }));
}
