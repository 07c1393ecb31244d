// Settings → Team → Single sign-on: the workspace's OpenID Connect providers.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { errorLine, panel } from './forms.js';

/**
 * @typedef {{ id: number, name: string, issuer: string, client_id: string, role: string, domains: string[],
 *   create_agents: boolean, enabled: boolean, redirect_uri: string, sign_in_url: string }} Provider
 */

/** Admins: add, change and remove single sign-on providers. */
export async function ssoSection() {
  const list = h('div', { id: 'sso-providers' });
  const error = errorLine();
  const redraw = async () => {
    const providers = /** @type {{ items: Provider[] }} */ (await api('GET', '/sso/providers')).items;
    clear(list);
    for (const provider of providers) list.append(providerForm(provider, redraw));
    list.append(providerForm(null, redraw));
  };
  await redraw().catch((failure) => { error.textContent = failure.message; });
  // Everyone but the owner through a provider; the owner's password is the way back in.
  const only = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: 'sso-required' }));
  try { only.checked = (await api('GET', '/sso/settings')).require_sso; } catch (failure) { error.textContent = failure.message; }
  only.addEventListener('change', async () => {
    error.textContent = '';
    try { only.checked = (await api('PUT', '/sso/settings', { require_sso: only.checked })).require_sso; } catch (failure) {
      only.checked = !only.checked;
      error.textContent = failure.message;
    }
  });
  return panel('admin-sso', t('ssoTitle'), h('p', { class: 'hint' }, t('ssoExplained')),
    h('label', { class: 'check' }, only, ' ', t('ssoRequired')), list, error);
}

/**
 * One provider's form, or an empty one that adds a provider.
 * @param {Provider | null} provider
 * @param {() => Promise<void>} redraw
 */
function providerForm(provider, redraw) {
  const key = provider ? String(provider.id) : 'new';
  /** @param {string} name @param {string} value @param {Record<string, string>} [extra] */
  const input = (name, value, extra = {}) => /** @type {HTMLInputElement} */ (h('input', { id: `sso-${name}-${key}`, value, ...extra }));
  const name = input('name', provider?.name ?? '');
  const issuer = input('issuer', provider?.issuer ?? '', { type: 'url', placeholder: 'https://accounts.google.com' });
  const clientID = input('client-id', provider?.client_id ?? '');
  const secret = input('client-secret', '', { type: 'password', autocomplete: 'off', placeholder: provider ? t('ssoSecretKept') : '' });
  const domains = input('domains', (provider?.domains ?? []).join(', '), { placeholder: 'shop.hr' });
  const role = /** @type {HTMLSelectElement} */ (h('select', { id: `sso-role-${key}` },
    ...['viewer', 'agent', 'admin'].map((value) => h('option', { value, selected: (provider?.role ?? 'agent') === value }, t(value)))));
  const create = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: `sso-create-${key}`, checked: provider?.create_agents ?? false }));
  const enabled = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: `sso-enabled-${key}`, checked: provider?.enabled ?? true }));
  const error = errorLine();
  const save = h('button', { type: 'button', class: provider ? '' : 'primary', id: `sso-save-${key}` }, provider ? t('save') : t('ssoAdd'));
  save.addEventListener('click', async () => {
    error.textContent = '';
    const body = {
      name: name.value, issuer: issuer.value, client_id: clientID.value, role: role.value, create_agents: create.checked, enabled: enabled.checked,
      domains: domains.value.split(',').map((domain) => domain.trim()).filter(Boolean),
      ...(secret.value ? { client_secret: secret.value } : {}),
    };
    try {
      await api(provider ? 'PUT' : 'POST', provider ? `/sso/providers/${provider.id}` : '/sso/providers', body);
      await redraw();
    } catch (failure) { error.textContent = failure.message; }
  });
  /** @type {(Node | string)[]} */
  const parts = [
    h('label', {}, t('ssoName'), ' ', name), h('label', {}, t('ssoIssuer'), ' ', issuer),
    h('label', {}, t('ssoClientId'), ' ', clientID), h('label', {}, t('ssoClientSecret'), ' ', secret),
    h('label', {}, t('ssoDomains'), ' ', domains),
    h('label', {}, create, ' ', t('ssoCreateAgents'), ' ', role),
    h('label', {}, enabled, ' ', t('ssoEnabled')),
    save,
  ];
  if (provider) {
    const remove = h('button', { type: 'button', class: 'danger', id: `sso-remove-${key}` }, t('ssoRemove'));
    remove.addEventListener('click', async () => {
      if (!confirm(t('ssoRemoveConfirm').replace('{name}', provider.name))) return;
      try { await api('DELETE', `/sso/providers/${provider.id}`); await redraw(); } catch (failure) { error.textContent = failure.message; }
    });
    parts.push(' ', remove,
      h('p', { class: 'hint' }, t('ssoRedirect'), ' ', h('code', { id: `sso-redirect-${key}` }, provider.redirect_uri)),
      h('p', { class: 'hint' }, t('ssoLink'), ' ', h('a', { href: provider.sign_in_url, id: `sso-link-${key}` }, provider.sign_in_url)));
  }
  return h('fieldset', { class: 'sso-provider', id: `sso-provider-${key}` },
    h('legend', {}, provider ? provider.name : t('ssoNew')), ...parts, error);
}
