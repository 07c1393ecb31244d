// A messaging channel inbox's settings (Telegram…), built from what GET /channels says each
// channel needs: adding a channel on the server adds its form here, labelled in the agent's
// language where a translation exists (`channel_<kind>_<key>`), else in the server's words.

import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { form, labelled } from './forms.js';

let known = null;

/// The messaging channels the server speaks, fetched once.
export async function messagingChannels() {
  if (!known) known = api('GET', '/channels').then((answer) => answer.items).catch(() => []);
  return known;
}

function label(channel, field) {
  const key = `channel_${channel.kind}_${field.key}`;
  const translated = t(key);
  return translated === key ? field.label : translated;
}

/// Inputs for a channel's fields; `current` holds the stored values (secrets as ********).
export function channelFields(channel, idPrefix, current = {}) {
  const inputs = {};
  // Generated values are the server's: secret ones are not shown at all, the others read-only
  // (a verify token to paste into the provider's console).
  const shown = channel.fields.filter((field) => !(field.generated && (field.secret || !current[field.key])));
  const rows = shown.map((field) => {
    if (field.generated) {
      const value = h('input', { type: 'text', readonly: true, value: current[field.key], class: 'secret' });
      return labelled(`${idPrefix}-${field.key}`, label(channel, field), value);
    }
    const input = h('input', {
      type: field.secret ? 'password' : 'text', maxlength: 500, autocomplete: field.secret ? 'new-password' : 'off',
      value: field.secret ? '' : current[field.key] || '', placeholder: field.secret && current[field.key] ? '********' : '',
      required: field.required && !(field.secret && current[field.key]),
    });
    inputs[field.key] = input;
    const row = labelled(`${idPrefix}-${field.key}`, label(channel, field), input);
    if (field.help) row.append(h('span', { class: 'hint' }, field.help));
    return row;
  });
  const values = () => {
    const result = {};
    for (const [key, input] of Object.entries(inputs)) {
      if (input.type === 'password' && !input.value) continue;   // keep the stored secret
      result[key] = input.value.trim();
    }
    return result;
  };
  return { rows, values };
}

/// The settings of one channel inbox: its fields, how the provider connection stands, and a
/// test that calls the provider and shows its answer.
export function channelForm(inbox, channel) {
  const id = `channel-${inbox.id}`;
  const { rows, values } = channelFields(channel, id, inbox.channel || {});
  const status = h('p', { class: 'hint', role: 'status', id: `${id}-status` }, inbox.channel?.status || '');
  const test = h('button', { type: 'button', id: `${id}-test` }, t('testConnection'));
  test.addEventListener('click', async () => {
    status.textContent = '…';
    try {
      const answer = await api('POST', `/inboxes/${inbox.id}/channel/test`);
      status.textContent = [answer.message, answer.webhook].filter(Boolean).join(' ');
    } catch (failure) {
      status.textContent = failure.message;
    }
  });
  // The chat bot answers here too (business hours are the workspace's).
  const bot = h('select', { id: `${id}-bot` }, ...['off', 'business_hours', 'outside_business_hours', 'always'].map((mode) =>
    h('option', { value: mode, selected: (inbox.bot || 'off') === mode }, t(`bot.${mode}`))));
  const botRow = labelled(`${id}-bot`, t('botMode'), bot);
  return form(`${id}-form`, [...rows, botRow, status, test], t('save'), async () => {
    const updated = await api('PATCH', `/inboxes/${inbox.id}`, { channel: values(), bot: bot.value });
    inbox.channel = updated.channel;
    inbox.bot = updated.bot;
    status.textContent = updated.channel?.status || t('saved');
  });
}
