// How each channel is shown: a glyph and its name (provider names are the same in every
// language; email and chat are translated). Pure: no DOM.

import { t } from './i18n.js';

/** @type {Record<string, string>} */
export const channelGlyphs = { email: '✉', chat: '💬', telegram: '✈', whatsapp: '✆', viber: '☏', sms: '▤', messenger: 'ⓜ', instagram: '◎' };
const providerNames = { telegram: 'Telegram', whatsapp: 'WhatsApp', viber: 'Viber', sms: 'SMS', messenger: 'Messenger', instagram: 'Instagram' };

/** The name of an inbox kind ("Telegram", "Email"). @param {string} kind */
export function channelName(kind) {
  if (providerNames[kind]) return providerNames[kind];
  if (kind === 'email') return t('kindEmail');
  if (kind === 'chat') return t('kindChat');
  if (kind === 'api') return t('kindApi');
  return kind;
}

/** The name of a customer identity's kind: a channel's, or email, phone, the shop's id. @param {string} kind */
export function identityName(kind) {
  if (kind === 'email') return t('email');
  if (kind === 'phone') return t('phone');
  if (kind === 'external') return t('externalId');
  return channelName(kind);
}
