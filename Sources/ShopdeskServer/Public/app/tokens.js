// Settings → Your account → API tokens: personal tokens for scripts and integrations, the secret
// shown once, revoked here.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { formatTime, t } from './i18n.js';
import { alertFailure, form, labelled, panel, secret } from './forms.js';

export async function tokensSection() {
  const list = h('ul', { class: 'admin-list' });
  const shown = h('div');
  const refresh = async () => {
    const tokens = (await api('GET', '/tokens')).items;
    clear(list);
    for (const token of tokens) {
      const revoke = h('button', { type: 'button', 'aria-label': `${t('revoke')} ${token.name}` }, t('revoke'));
      revoke.addEventListener('click', async () => {
        await api('DELETE', `/tokens/${token.id}`).catch((failure) => alertFailure(failure));
        await refresh();
      });
      list.append(h('li', {}, h('strong', {}, token.name), ` · ${formatTime(token.created_at)} `, revoke));
    }
  };
  await refresh();
  const name = h('input', { type: 'text', required: true, maxlength: 100 });
  return panel('admin-tokens', t('apiTokens'), list, shown,
    form('add-token', [labelled('token-name', t('name'), name)], t('createToken'), async (element) => {
      const created = await api('POST', '/tokens', { name: name.value });
      clear(shown);
      shown.append(secret(`${t('apiToken')} (Authorization: Bearer)`, created.token));
      element.reset();
      await refresh();
    }));
}
