// Start, sign-in, invitation acceptance and loading the signed-in agent's workspace.

import { api, setCsrfToken, whenSignedOut } from './api.js';
import { clear, h } from './dom.js';
import { browserLocale, setLocale, t } from './i18n.js';
import { useIntents } from './intents.js';
import { twoFactorSection } from './two-factor.js';
import { Realtime } from './realtime.js';
import { catchUp, onRealtime } from './live.js';
import { recoverHeldReplies } from './composer.js';
import { showNotice } from './notices.js';
import { renderShell, route } from './shell.js';
import { app, dispatch, state } from './state.js';
import { loadNotifications } from './notifications.js';

// MARK: Start and sign-in

whenSignedOut(() => {
  if (!state.me) return;
  renderSignIn(t('sessionEnded'));
});

export async function start() {
  setLocale(browserLocale());
  // Back from a single sign-on that did not work: the server left the reason in a cookie
  // (never in the address, where a stranger's link could write it), read once.
  const ssoError = document.cookie.split('; ').find((pair) => pair.startsWith('shopdesk_sso_error='));
  if (ssoError) {
    document.cookie = 'shopdesk_sso_error=; Max-Age=0; Path=/';
    let reason = '';
    try { reason = decodeURIComponent(ssoError.slice('shopdesk_sso_error='.length)); } catch { /* not ours: show nothing */ }
    renderSignIn(reason.slice(0, 300));
    return;
  }
  const invitation = location.hash.match(/^#\/invite\/([A-Za-z0-9_-]+)$/);
  if (invitation) {
    renderAcceptInvite(invitation[1]);
    return;
  }
  try {
    const me = await api('GET', '/auth/me');
    await signedIn(me);
  } catch {
    renderSignIn();
  }
}

export function renderSignIn(message) {
  // Nothing of a previous session stays: not its live connection, not its conversations.
  state.realtime?.close();
  dispatch({ type: 'signedOut' });
  clear(app);
  const error = h('p', { class: 'form-error', role: 'alert', id: 'signin-error' }, message || '');
  const email = h('input', { id: 'signin-email', type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'signin-password', type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  // Shown only when the same email and password open several workspaces (the server asks).
  const workspace = h('select', { id: 'signin-workspace', name: 'workspace' });
  const workspaceField = h('div', { class: 'field', hidden: true },
    h('label', { for: 'signin-workspace' }, t('workspace')), workspace);
  // Shown when the agent has two-factor sign-in (the server asks): the app's code or a recovery code.
  const code = h('input', { id: 'signin-code', type: 'text', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 12 });
  const codeField = h('div', { class: 'field', hidden: true }, h('label', { for: 'signin-code' }, t('twoFactorCode')), code);
  const form = h('form', { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Shopdesk'),
    h('label', { for: 'signin-email' }, t('email')), email,
    h('label', { for: 'signin-password' }, t('password')), password,
    workspaceField, codeField,
    error,
    h('button', { type: 'submit', class: 'primary' }, t('signIn')),
    ssoButton(email, error));
  // A different email or password may open different workspaces: ask again.
  const forgetChoice = () => { workspaceField.hidden = true; clear(workspace); codeField.hidden = true; code.value = ''; };
  email.addEventListener('input', forgetChoice);
  password.addEventListener('input', forgetChoice);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const body = { email: email.value, password: password.value };
    if (!workspaceField.hidden && workspace.value) body.workspace_id = Number(workspace.value);
    if (!codeField.hidden && code.value.trim()) body.code = code.value.trim();
    try {
      await api('POST', '/auth/login', body);
      await signedIn(await api('GET', '/auth/me'));
    } catch (failure) {
      const choices = failure.problem?.code === 'choose_workspace' ? failure.problem.choices || [] : [];
      if (choices.length) {
        clear(workspace);
        for (const choice of choices) workspace.append(h('option', { value: String(choice.id) }, choice.name));
        workspaceField.hidden = false;
        error.textContent = t('chooseWorkspace');
        workspace.focus();
        return;
      }
      const problem = failure.problem?.code;
      if (problem === 'two_factor_required' || problem === 'wrong_two_factor_code') {
        codeField.hidden = false;
        error.textContent = problem === 'two_factor_required' ? t('twoFactorAsk') : failure.message;
        code.select();
        code.focus();
        return;
      }
      error.textContent = failure.message;
      password.select();
    }
  });
  app.append(h('main', { class: 'signin-page' }, form));
  email.focus();
}

/**
 * Single sign-on: the company's provider is found from the email's domain; one is opened at
 * once, several are offered as links.
 * @param {HTMLInputElement} email
 * @param {HTMLElement} error
 */
function ssoButton(email, error) {
  const choices = h('p', { id: 'signin-sso-choices' });
  const button = h('button', { type: 'button', id: 'signin-sso' }, t('signInSSO'));
  button.addEventListener('click', async () => {
    error.textContent = '';
    clear(choices);
    if (!email.value.includes('@')) { error.textContent = t('ssoEmailFirst'); email.focus(); return; }
    try {
      const found = /** @type {{ items: { id: number, name: string, sign_in_url: string }[] }} */ (
        await api('GET', `/auth/sso?email=${encodeURIComponent(email.value.trim())}`)).items;
      if (found.length === 1) { location.assign(found[0].sign_in_url); return; }
      if (found.length === 0) { error.textContent = t('ssoNone'); return; }
      for (const provider of found) choices.append(h('a', { href: provider.sign_in_url, class: 'button' }, provider.name), ' ');
    } catch (failure) { error.textContent = failure.message; }
  });
  return h('div', { class: 'signin-sso' }, button, choices);
}

/// The workspace requires two-factor sign-in and this agent has none yet: setting it up is all
/// the server answers until then, so it is the whole page; once on, the app opens.
async function renderTwoFactorRequired() {
  clear(app);
  const signOut = h('button', { type: 'button', id: 'signout-required' }, t('signOut'));
  signOut.addEventListener('click', async () => { await api('POST', '/auth/logout').catch(() => {}); renderSignIn(); });
  const section = await twoFactorSection(async () => signedIn(await api('GET', '/auth/me')));
  app.append(h('main', { class: 'signin-page two-factor-required' },
    h('div', { class: 'signin' }, h('h1', {}, 'Shopdesk'), h('p', {}, t('twoFactorRequired')), section, signOut)));
}

/// The page an invitation link opens: choose a password, then straight into the inbox.
function renderAcceptInvite(token) {
  clear(app);
  const error = h('p', { class: 'form-error', role: 'alert', id: 'accept-error' });
  const password = h('input', { id: 'accept-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const repeat = h('input', { id: 'accept-repeat', type: 'password', autocomplete: 'new-password', required: true });
  const form = h('form', { class: 'signin', id: 'accept-invite', 'aria-labelledby': 'accept-title' },
    h('h1', { id: 'accept-title' }, t('welcome')),
    h('p', {}, t('choosePassword')),
    h('label', { for: 'accept-password' }, t('password')), password,
    h('label', { for: 'accept-repeat' }, t('repeatPassword')), repeat,
    error,
    h('button', { type: 'submit', class: 'primary' }, t('join')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    if (password.value !== repeat.value) {
      error.textContent = t('passwordsDiffer');
      return;
    }
    try {
      await api('POST', '/auth/invites/accept', { token, password: password.value });
      history.replaceState(null, '', '#/open');   // the token must not stay in the address bar or history
      await signedIn(await api('GET', '/auth/me'));
    } catch (failure) {
      error.textContent = failure.message;
    }
  });
  app.append(h('main', { class: 'signin-page' }, form));
  password.focus();
}

async function signedIn(me) {
  dispatch({ type: 'signedIn', me: me.agent, workspace: me.workspace });
  setCsrfToken(me.csrf_token);
  setLocale(me.agent.locale, me.workspace.time_zone);
  if (me.must_set_up_two_factor) {
    await renderTwoFactorRequired();
    return;
  }
  const [agents, inboxes, tags, teams, views, fields, intents] = await Promise.all([
    api('GET', '/agents'), api('GET', '/inboxes').catch(() => ({ items: [] })), api('GET', '/tags').catch(() => ({ items: [] })),
    api('GET', '/teams').catch(() => ({ items: [] })), api('GET', '/views').catch(() => ({ items: [] })),
    api('GET', '/custom-fields').catch(() => ({ items: [] })), api('GET', '/intelligence/intents').catch(() => ({ items: [] })),
  ]);
  useIntents(intents.items);
  dispatch({ type: 'directoryLoaded', agents: agents.items, inboxes: inboxes.items, tags: tags.items, teams: teams.items,
    customFields: fields.items });
  dispatch({ type: 'savedViewsLoaded', views: views.items });
  renderShell(() => renderSignIn());
  loadNotifications();
  // Replies that were waiting to leave when the page closed are drafts again, never sent unseen.
  if (recoverHeldReplies() > 0) showNotice(t('heldRecovered'));
  const realtime = new Realtime(onRealtime, (online, reconnected = false) => {
    document.getElementById('connection').hidden = online;
    if (reconnected) catchUp();
  });
  dispatch({ type: 'connected', realtime });
  realtime.connect();
  window.addEventListener('online', () => realtime.nudge());
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') realtime.nudge(); });
  await route();
}
