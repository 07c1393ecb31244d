// WhatsApp's 24-hour window in the composer: once the customer's last message is older than
// the channel's reply window, only an approved template may go out. This says so, offers the
// inbox's templates (the customer's language first), fills {{1}} with the customer's first
// name, previews the message and sends it.

import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';

/** Whether the channel's reply window has closed for this conversation. */
export function windowClosed(channel, messages) {
  const seconds = channel.capabilities.reply_window_seconds;
  if (!seconds) return false;
  const last = [...messages].reverse().find((message) => message.direction === 'inbound');
  return !last || Date.now() - new Date(last.created_at).getTime() > seconds * 1000;
}

/**
 * The picker, or null when the window is open or the channel has no templates.
 * @param {{ id: number, inbox_id: number, language?: string, customer?: { name?: string } }} conversation
 * @param {(conversationId: number) => Promise<void>} afterSend
 */
export async function templatePicker(conversation, channel, afterSend) {
  if (!channel.capabilities.templates || !windowClosed(channel, state.messages)) return null;
  const notice = h('p', { class: 'template-notice', id: 'template-notice', role: 'status' },
    t('templateWindow').replace('{channel}', channel.name).replace('{hours}', String(channel.capabilities.reply_window_seconds / 3600)));
  const error = h('p', { class: 'form-error', role: 'alert', id: 'template-error' });
  let templates = [];
  try {
    templates = (await api('GET', `/inboxes/${conversation.inbox_id}/channel/templates`)).items;
  } catch (failure) {
    error.textContent = failure.message;
  }
  const language = (conversation.language || '').slice(0, 2);
  templates.sort((a, b) => Number(b.language.startsWith(language)) - Number(a.language.startsWith(language)));
  const select = h('select', { id: 'template-name', 'aria-label': t('template') },
    h('option', { value: '' }, templates.length ? t('chooseTemplate') : t('noTemplates')),
    ...templates.map((template) => h('option', { value: `${template.name}|${template.language}` }, `${template.name} (${template.language})`)));
  const values = h('div', { class: 'template-values', id: 'template-values' });
  const preview = h('p', { class: 'template-preview', id: 'template-preview' });
  const send = h('button', { type: 'button', class: 'primary', id: 'template-send', disabled: true }, t('sendTemplate'));
  let chosen = null;
  const inputs = [];
  const update = () => {
    if (!chosen) { preview.textContent = ''; send.disabled = true; return; }
    let text = chosen.body;
    inputs.forEach((input, index) => { text = text.replaceAll(`{{${index + 1}}}`, input.value); });
    preview.textContent = text;
    send.disabled = inputs.some((input) => !input.value.trim());
  };
  select.addEventListener('change', () => {
    chosen = templates.find((template) => `${template.name}|${template.language}` === select.value) || null;
    values.replaceChildren();
    inputs.length = 0;
    const firstName = (state.customer?.name || conversation.customer?.name || '').split(' ')[0];
    for (let index = 1; index <= (chosen?.parameter_count || 0); index += 1) {
      const input = h('input', { id: `template-value-${index}`, maxlength: 1000, value: index === 1 ? firstName : '' });
      input.addEventListener('input', update);
      inputs.push(input);
      values.append(h('label', { for: input.id }, `{{${index}}}`), input);
    }
    update();
  });
  send.addEventListener('click', async () => {
    if (!chosen) return;
    send.disabled = true;
    error.textContent = '';
    try {
      await api('POST', `/conversations/${conversation.id}/messages`, {
        template: { name: chosen.name, language: chosen.language, parameters: inputs.map((input) => input.value.trim()) },
      });
      await afterSend(conversation.id);
    } catch (failure) {
      error.textContent = failure.message;
      send.disabled = false;
    }
  });
  return h('section', { class: 'template-picker', id: 'template-picker', 'aria-labelledby': 'template-notice' },
    notice, select, values, preview, send, error);
}
