// An email inbox's servers: the SMTP server replies leave through, and the IMAP mailbox
// Shopdesk polls. Each form sends the whole email settings, so saving one keeps the other.

import { api } from './api.js';
import { h } from './dom.js';
import { formatTime, t } from './i18n.js';
import { form, labelled } from './forms.js';

export function smtpForm(inbox) {
  const smtp = inbox.email?.smtp || {};
  const id = `smtp-${inbox.id}`;
  const host = h('input', { type: 'text', value: smtp.host || '', placeholder: 'smtp.example.com', required: true });
  const port = h('input', { type: 'number', min: 1, max: 65535, value: smtp.port || 587, required: true });
  const security = h('select', {}, ...['starttls', 'tls', 'none'].map((value) =>
    h('option', { value, selected: (smtp.security || 'starttls') === value }, t(`security_${value}`))));
  const username = h('input', { type: 'text', value: smtp.username || '', autocomplete: 'off' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', placeholder: smtp.password_sealed ? '********' : '' });
  const status = h('span', { class: 'hint', role: 'status' });
  const element = form(`${id}-form`, [
    labelled(`${id}-host`, t('smtpHost'), host), labelled(`${id}-port`, t('smtpPort'), port),
    labelled(`${id}-security`, t('smtpSecurity'), security), labelled(`${id}-username`, t('smtpUser'), username),
    labelled(`${id}-password`, t('password'), password), status,
  ], t('save'), async () => {
    const outgoing = { host: host.value.trim(), port: Number(port.value), security: security.value, username: username.value.trim() || null };
    if (password.value) outgoing.password = password.value;
    inbox.email = (await api('PATCH', `/inboxes/${inbox.id}`, { email: { ...inbox.email, smtp: outgoing } })).email;
    password.value = '';
    status.textContent = t('saved');
  });
  const testTo = h('input', { type: 'email', 'aria-label': t('testMailTo'), placeholder: t('testMailTo'), size: 24 });
  const testStatus = h('span', { class: 'hint', role: 'status', id: `${id}-test-status` });
  const test = h('button', { type: 'button', id: `${id}-test` }, t('sendTestMail'));
  test.addEventListener('click', async () => {
    testStatus.textContent = '…';
    try {
      await api('POST', `/inboxes/${inbox.id}/email/test`, { to: testTo.value.trim() });
      testStatus.textContent = t('testMailSent');
    } catch (failure) { testStatus.textContent = failure.message; }
  });
  return h('details', { class: 'chat-settings' }, h('summary', {}, t('smtpSettings')), element,
    h('p', { class: 'row' }, testTo, ' ', test, ' ', testStatus));
}

export function imapForm(inbox) {
  const imap = inbox.email?.imap || {};
  const id = `imap-${inbox.id}`;
  const host = h('input', { type: 'text', value: imap.host || '', placeholder: 'imap.example.com' });
  const port = h('input', { type: 'number', min: 1, max: 65535, value: imap.port || 993 });
  const security = h('select', {}, ...['tls', 'starttls', 'none'].map((value) =>
    h('option', { value, selected: (imap.security || 'tls') === value }, t(`security_${value}`))));
  const username = h('input', { type: 'text', value: imap.username || '', autocomplete: 'off' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', placeholder: imap.password_sealed ? '********' : '' });
  const folder = h('input', { type: 'text', value: inbox.email?.imap_folder || 'INBOX' });
  const moveTo = h('input', { type: 'text', value: inbox.email?.imap_move_to || '', placeholder: t('imapKeepSeen') });
  const status = h('span', { class: 'hint', role: 'status' });
  const element = form(`${id}-form`, [
    labelled(`${id}-host`, t('imapHost'), host), labelled(`${id}-port`, t('smtpPort'), port),
    labelled(`${id}-security`, t('smtpSecurity'), security), labelled(`${id}-username`, t('smtpUser'), username),
    labelled(`${id}-password`, t('password'), password), labelled(`${id}-folder`, t('imapFolder'), folder),
    labelled(`${id}-move`, t('imapMoveTo'), moveTo), status,
  ], t('save'), async () => {
    const server = host.value.trim()
      ? { host: host.value.trim(), port: Number(port.value), security: security.value, username: username.value.trim() || null, password_sealed: imap.password_sealed }
      : null;
    if (server && password.value) server.password = password.value;
    inbox.email = (await api('PATCH', `/inboxes/${inbox.id}`, { email: { ...inbox.email, imap: server, imap_folder: folder.value.trim() || 'INBOX',
      imap_move_to: moveTo.value.trim() || null } })).email;
    password.value = '';
    status.textContent = t('saved');
  });
  const health = h('p', { class: 'hint', role: 'status', id: `${id}-health` });
  const testStatus = h('span', { class: 'hint', role: 'status', id: `${id}-test-status` });
  const test = h('button', { type: 'button', id: `${id}-test` }, t('imapTest'));
  test.addEventListener('click', async () => {
    testStatus.textContent = '…';
    try {
      const answer = await api('POST', `/inboxes/${inbox.id}/email/imap/test`);
      testStatus.textContent = t('imapTestOK').replace('{folder}', answer.folder).replace('{count}', answer.waiting);
    } catch (failure) { testStatus.textContent = failure.message; }
    showHealth(inbox, health);
  });
  const details = h('details', { class: 'chat-settings' }, h('summary', {}, t('imapSettings')), h('p', { class: 'hint' }, t('imapHelp')),
    element, health, h('p', { class: 'row' }, test, ' ', testStatus));
  if (inbox.email?.imap) showHealth(inbox, health);
  return details;
}

// The last poll's outcome, so a changed password or an expired certificate does not go unseen.
async function showHealth(inbox, element) {
  if (!inbox.email?.imap) { element.textContent = ''; return; }
  try {
    const status = await api('GET', `/inboxes/${inbox.id}/email/imap`);
    if (!status.checked_at) element.textContent = t('imapNotChecked');
    else if (status.error) element.textContent = `⚠ ${t('imapFailed').replace('{time}', formatTime(status.checked_at))}: ${status.error}`;
    else element.textContent = t('imapChecked').replace('{time}', formatTime(status.checked_at)).replace('{count}', status.taken ?? 0);
    element.classList.toggle('error', Boolean(status.error));
  } catch (failure) { element.textContent = failure.message; }
}

// Gmail and Microsoft 365 mailboxes: the admin signs in to the mailbox at the provider once and
// IMAP and SMTP use that permission (XOAUTH2). Shown only when the server has a provider configured.
export async function oauthSection(inbox) {
  let providers = [];
  try { providers = (await api('GET', '/mail-oauth/providers')).items; } catch { /* not an admin, or an older server */ }
  const connected = inbox.email?.oauth_provider;
  if (!providers.length && !connected) return h('span');
  const id = `mail-oauth-${inbox.id}`;
  const status = h('p', { class: 'hint', role: 'status', id: `${id}-status` });
  const body = h('div', { id });
  if (connected) {
    const title = providers.find((provider) => provider.name === connected)?.title || connected;
    const account = inbox.email?.imap?.username || inbox.email?.smtp?.username || inbox.email?.address || '';
    const disconnect = h('button', { type: 'button', id: `${id}-disconnect` }, t('mailOAuthDisconnect'));
    disconnect.addEventListener('click', async () => {
      try {
        await api('DELETE', `/inboxes/${inbox.id}/email/oauth`);
        inbox.email.oauth_provider = null;
        status.textContent = t('mailOAuthDisconnected');
        disconnect.disabled = true;
      } catch (failure) { status.textContent = failure.message; }
    });
    body.append(h('p', {}, t('mailOAuthConnected').replace('{provider}', title).replace('{account}', account), ' ', disconnect));
  } else {
    body.append(h('p', { class: 'hint' }, t('mailOAuthHelp')));
    for (const provider of providers) {
      const connect = h('button', { type: 'button', 'data-provider': provider.name }, t('mailOAuthConnect').replace('{provider}', provider.title));
      connect.addEventListener('click', async () => {
        try {
          const answer = await api('POST', `/inboxes/${inbox.id}/email/oauth`, { provider: provider.name });
          location.assign(answer.authorization_url);
        } catch (failure) { status.textContent = failure.message; }
      });
      body.append(connect, ' ');
    }
  }
  return h('details', { class: 'chat-settings', open: Boolean(connected) || undefined }, h('summary', {}, t('mailOAuthTitle')), body, status);
}

/** What came of a mailbox connection, left by the server in a cookie read once (never the address). */
export function takeOAuthResult() {
  const pair = document.cookie.split('; ').find((item) => item.startsWith('shopdesk_mail_oauth_result='));
  if (!pair) return '';
  document.cookie = 'shopdesk_mail_oauth_result=; Max-Age=0; Path=/';
  try { return decodeURIComponent(pair.slice('shopdesk_mail_oauth_result='.length).replace(/\+/g, ' ')).slice(0, 300); } catch { return ''; }
}
