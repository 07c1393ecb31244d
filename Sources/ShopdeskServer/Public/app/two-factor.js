// Two-factor sign-in in the settings: your own (set up with an authenticator app, recovery codes
// shown once, turn off with your password) and, for admins, the workspace's rule that everyone
// must have it. The same enrolment is the whole page for an agent the rule stops.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { errorLine, form, labelled, panel } from './forms.js';

/** Your own two-factor sign-in. @param {() => void} [onEnabled] called once it is on (the page the rule stopped reloads) */
export async function twoFactorSection(onEnabled) {
  const body = h('div', { id: 'two-factor-body' });
  const draw = async () => {
    clear(body);
    const status = await api('GET', '/auth/me/two-factor');
    if (status.enabled) {
      const password = h('input', { type: 'password', required: true, autocomplete: 'current-password' });
      body.append(h('p', { id: 'two-factor-status' }, t('twoFactorOn').replace('{count}', String(status.recovery_codes_left))),
        form('two-factor-off', [labelled('two-factor-password', t('password'), password)], t('twoFactorTurnOff'), async () => {
          await api('POST', '/auth/me/two-factor/disable', { password: password.value });
          await draw();
        }));
      return;
    }
    const start = h('button', { type: 'button', class: 'primary', id: 'two-factor-start' }, t('twoFactorSetUp'));
    body.append(h('p', { id: 'two-factor-status' }, status.required ? t('twoFactorRequired') : t('twoFactorOff')), start);
    start.addEventListener('click', async () => {
      const setup = await api('POST', '/auth/me/two-factor/setup');
      start.remove();
      body.append(enrolment(setup, draw, onEnabled));
    });
  };
  await draw();
  return panel('admin-two-factor', t('twoFactor'), body);
}

/** The secret for the app (a link phones open, and the key to type), then the first code. */
function enrolment(setup, draw, onEnabled) {
  const code = h('input', { type: 'text', required: true, inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 8, pattern: '[0-9 ]{6,8}' });
  const shown = h('div', { id: 'two-factor-codes' });
  const element = h('div', { class: 'two-factor-setup' },
    h('p', {}, t('twoFactorScan')),
    h('p', {}, h('a', { href: setup.uri, id: 'two-factor-uri' }, t('twoFactorOpenApp'))),
    h('p', {}, `${t('twoFactorKey')}: `, h('code', { id: 'two-factor-secret' }, setup.secret.replace(/(.{4})/g, '$1 ').trim())),
    form('two-factor-enable', [labelled('two-factor-code', t('twoFactorCode'), code)], t('twoFactorTurnOn'), async (formElement) => {
      const answer = await api('POST', '/auth/me/two-factor/enable', { code: code.value });
      formElement.remove();
      shown.append(h('p', { role: 'status' }, t('twoFactorRecovery')),
        h('ol', { class: 'recovery-codes' }, ...answer.recovery_codes.map((value) => h('li', {}, h('code', {}, value)))));
      const done = h('button', { type: 'button', id: 'two-factor-done' }, t('twoFactorSaved'));
      done.addEventListener('click', () => { if (onEnabled) onEnabled(); else draw(); });
      shown.append(done);
    }),
    shown);
  return element;
}

/** Admins: require two-factor sign-in of everyone. */
export async function workspaceSecuritySection() {
  const security = await api('GET', '/workspace/security');
  const required = h('input', { type: 'checkbox', id: 'require-two-factor', checked: security.require_two_factor });
  const status = h('p', { role: 'status', class: 'hint' }, t('twoFactorEnrolled').replace('{count}', String(security.enrolled_agent_ids.length)));
  const error = errorLine();
  required.addEventListener('change', async () => {
    error.textContent = '';
    try {
      const saved = await api('PUT', '/workspace/security', { require_two_factor: required.checked });
      status.textContent = t('twoFactorEnrolled').replace('{count}', String(saved.enrolled_agent_ids.length));
    } catch (failure) {
      required.checked = !required.checked;
      error.textContent = failure.message;
    }
  });
  return panel('admin-security', t('workspaceSecurity'), h('label', { class: 'check' }, required, ` ${t('requireTwoFactor')}`), status, error);
}
