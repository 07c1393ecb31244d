// Settings → Shops: connect Shopify, WooCommerce, CSV or the sandbox shop; test the connection;
// import CSV files; approve or reject large order actions; see the revenue support brought.

import { api, sendFile } from './api.js';
import { clear, h } from './dom.js';
import { formatMoney, formatTime, t } from './i18n.js';
import { alertFailure, form, labelled, panel } from './forms.js';
import { state } from './state.js';
import { privacyRequestsSection } from './privacy.js';
import { botRulesForm } from './bot-rules.js';
import { returnRulesForm } from './return-rules.js';

export async function commerceSections() {
  return Promise.all([shopsSection(), approvalsSection(), returnsWaitingSection(), revenueSection(), privacyRequestsSection()]);
}

async function shopsSection() {
  const list = h('ul', { class: 'admin-list', id: 'shop-list' });
  const refresh = async () => {
    clear(list);
    for (const shop of (await api('GET', '/stores')).items) {
      const outcome = h('span', { role: 'status', class: 'hint' }, shop.last_error ? ` ${shop.last_error}` : '');
      const test = h('button', { type: 'button', 'aria-label': `${t('testConnection')} ${shop.name}` }, t('testConnection'));
      test.addEventListener('click', async () => {
        outcome.textContent = '';
        try {
          const answer = await api('POST', `/stores/${shop.id}/test`);
          const hooks = answer.webhooks_error ? ` · ${answer.webhooks_error}` : answer.webhooks ? ` · ${t('webhooksSubscribed')}: ${answer.webhooks.length}` : '';
          outcome.textContent = answer.ok ? ` ${t('connectionOk')} ${answer.shop_name} (${answer.currency})${hooks}` : ` ${answer.error}`;
        } catch (failure) { outcome.textContent = ` ${failure.message}`; }
      });
      const remove = h('button', { type: 'button', 'aria-label': `${t('disconnect')} ${shop.name}` }, t('disconnect'));
      remove.addEventListener('click', () => api('DELETE', `/stores/${shop.id}`).then(refresh, (failure) => alertFailure(failure)));
      const live = shop.platform === 'shopify' || shop.platform === 'woocommerce';
      list.append(h('li', {}, h('strong', {}, shop.name), ` · ${shop.platform}`,
        shop.approval_threshold ? ` · ${t('approvalThreshold')} ${shop.approval_threshold} ${shop.currency}` : '',
        live ? h('p', {}, `${t('webhookAddress')}: `, h('code', {}, `${location.origin}${shop.webhook_path}`)) : null,
        shopifySignIn(shop, outcome), h('p', {}, test, ' ', remove, outcome), syncLine(shop, refresh), importForm(shop),
        shop.platform === 'csv' ? null : returnRulesForm(shop), shop.platform === 'csv' ? null : botRulesForm(shop)));
    }
  };
  await refresh();
  const platform = h('select', {}, ...['shopify', 'woocommerce', 'csv', 'sandbox'].map((value) => h('option', { value }, value)));
  const name = h('input', { type: 'text', maxlength: 100 });
  const url = h('input', { type: 'text', placeholder: 'https://my-shop.myshopify.com' });
  // Shopify since 2026: an app of the shop's own (client id and secret), Shopdesk installed from
  // the shop, or a legacy custom app's token.
  const auth = h('select', {}, ...['client_credentials', 'authorization_code', 'token'].map((value) => h('option', { value }, t(`shopAuth.${value}`))));
  const clientId = h('input', { type: 'text', autocomplete: 'off' });
  const clientSecret = h('input', { type: 'password', autocomplete: 'off' });
  const token = h('input', { type: 'password', autocomplete: 'off' });
  const secret = h('input', { type: 'password', autocomplete: 'off' });
  const webhookSecret = h('input', { type: 'password', autocomplete: 'off' });
  const threshold = h('input', { type: 'text', inputmode: 'decimal', placeholder: '150.00' });
  const currency = h('input', { type: 'text', maxlength: 3, value: 'EUR', size: 4 });
  const days = h('input', { type: 'number', min: 0, max: 90, value: 3 });
  const fields = {
    auth: labelled('shop-auth', t('shopAuth'), auth), clientId: labelled('shop-client-id', t('clientId'), clientId),
    clientSecret: labelled('shop-client-secret', t('clientSecret'), clientSecret), token: labelled('shop-token', t('shopToken'), token),
    secret: labelled('shop-secret', t('apiSecret'), secret),
  };
  // Only the fields the chosen platform and sign-in use are shown.
  const shown = () => {
    const shopify = platform.value === 'shopify', grant = shopify && auth.value !== 'token', live = shopify || platform.value === 'woocommerce';
    fields.auth.hidden = !shopify;
    fields.clientId.hidden = fields.clientSecret.hidden = !grant;
    fields.token.hidden = !live || grant;
    fields.secret.hidden = platform.value !== 'woocommerce';
  };
  platform.addEventListener('change', shown);
  auth.addEventListener('change', shown);
  shown();
  return panel('admin-shops', t('shops'), list,
    form('add-shop', [labelled('shop-platform', t('platform'), platform), labelled('shop-name', t('name'), name), labelled('shop-url', t('shopUrl'), url),
      fields.auth, fields.clientId, fields.clientSecret, fields.token, fields.secret, labelled('shop-webhook-secret', t('webhookSecret'), webhookSecret),
      labelled('shop-threshold', t('approvalThreshold'), threshold), labelled('shop-currency', 'Currency', currency), labelled('shop-days', t('attributionDays'), days)],
    t('connectShop'), async (element) => {
      const grant = platform.value === 'shopify' && auth.value !== 'token';
      const created = await api('POST', '/stores', { platform: platform.value, name: name.value || undefined, shop_url: url.value,
        auth: platform.value === 'shopify' ? auth.value : undefined, client_id: grant ? clientId.value : undefined,
        client_secret: grant ? clientSecret.value : undefined, token: grant ? undefined : token.value || undefined,
        secret: secret.value || undefined, webhook_secret: webhookSecret.value || undefined, approval_threshold: threshold.value || undefined,
        currency: currency.value, attribution_days: Number(days.value) });
      // A shop that can sign in now is tested at once (for Shopify that subscribes its webhooks)
      // and then read whole: its customers and recent orders. A Shopify shop installed from the
      // shop does both when the merchant has approved.
      if ((platform.value === 'shopify' && auth.value !== 'authorization_code') || platform.value === 'woocommerce') {
        const tested = await api('POST', `/stores/${created.id}/test`).catch(() => null);
        if (tested?.ok) await api('POST', `/stores/${created.id}/sync`).catch(() => null);
      }
      element.reset();
      shown();
      await refresh();
    }));
}

/** Reading the shop whole: a progress bar while it runs, the counts when done, and a button to read it again. */
function syncLine(shop, refresh) {
  if (shop.platform !== 'shopify' && shop.platform !== 'woocommerce') return null;
  const again = h('button', { type: 'button', 'aria-label': `${t('syncShop')} ${shop.name}` }, t('syncShop'));
  again.addEventListener('click', () => api('POST', `/stores/${shop.id}/sync`).then(refresh, (failure) => alertFailure(failure)));
  const sync = shop.sync;
  if (!sync) return h('p', { class: 'shop-sync' }, again);
  const counts = `${t('shopCustomers')}: ${sync.customers}${sync.customers_total != null ? `/${sync.customers_total}` : ''} · `
    + `${t('orders')}: ${sync.orders}${sync.orders_total != null ? `/${sync.orders_total}` : ''}`;
  if (sync.phase === 'done') {
    return h('p', { class: 'shop-sync' }, `${t('syncDone')} ${formatTime(sync.finished_at)} · ${counts} `, again);
  }
  const done = sync.customers + sync.orders, total = (sync.customers_total ?? 0) + (sync.orders_total ?? 0);
  const bar = h('progress', { max: Math.max(total, 1), value: Math.min(done, Math.max(total, 1)), 'aria-label': `${t('syncRunning')} ${shop.name}` });
  const line = h('p', { class: 'shop-sync' }, `${t('syncRunning')} `, bar, ` ${counts}`, sync.error ? h('span', { class: 'form-error' }, ` ${sync.error}`) : '');
  // While it runs, this line (only) is read again every few seconds.
  setTimeout(async () => {
    if (!line.isConnected) return;
    const fresh = (await api('GET', '/stores').catch(() => ({ items: [] }))).items.find((item) => item.id === shop.id);
    if (fresh && line.isConnected) line.replaceWith(syncLine(fresh, refresh) ?? '');
  }, 3000);
  return line;
}

/** How a Shopify shop signs in, its token's state, and for installs the button that starts one. */
function shopifySignIn(shop, outcome) {
  if (shop.platform !== 'shopify' || !shop.auth) return null;
  const token = shop.token;
  const state = shop.auth === 'token' ? '' : !token?.present ? t('shopNotInstalled')
    : `${t('shopTokenRenewed')}${token.expires_at ? ` · ${t('shopTokenExpires')} ${formatTime(token.expires_at)}` : ''}`;
  const missing = token?.missing_scopes?.length ? h('p', { class: 'form-error' }, `${t('shopMissingScopes')}: ${token.missing_scopes.join(', ')}`) : null;
  let install = null;
  if (shop.auth === 'authorization_code') {
    install = h('button', { type: 'button', class: token?.present ? '' : 'primary', 'aria-label': `${t('installOnShopify')} ${shop.name}` }, t('installOnShopify'));
    install.addEventListener('click', async () => {
      try {
        location.href = (await api('POST', `/stores/${shop.id}/shopify/install`)).authorize_url;
      } catch (failure) { outcome.textContent = ` ${failure.message}`; }
    });
  }
  return h('div', { class: 'shop-sign-in' },
    h('p', {}, `${t('shopAuth')}: ${t(`shopAuth.${shop.auth}`)}`, state ? ` · ${state}` : '', install ? ' ' : '', install),
    shop.callback_url && shop.auth === 'authorization_code' ? h('p', { class: 'hint' }, `${t('shopRedirectUrl')}: `, h('code', {}, shop.callback_url)) : null,
    missing);
}

function importForm(shop) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'aria-label': `${t('importCSV')} ${shop.name}` });
  const kind = h('select', { 'aria-label': t('kind') }, h('option', { value: 'orders' }, t('importOrders')), h('option', { value: 'customers' }, t('importCustomers')));
  const report = h('div', { role: 'status' });
  const go = h('button', { type: 'button' }, t('importCSV'));
  go.addEventListener('click', async () => {
    clear(report);
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      const answer = await sendFile(`/stores/${shop.id}/import?kind=${kind.value}`, chosen, { 'Content-Type': 'text/csv' });
      report.append(h('p', {}, `${t('imported')}: ${answer.imported}${answer.updated ? ` (+${answer.updated})` : ''}`));
      if (answer.rejected.length) {
        report.append(h('p', {}, `${t('rejectedRows')}:`), h('ul', {}, ...answer.rejected.map((row) => h('li', {}, `${row.line}: ${row.reason}`))));
      }
    } catch (failure) { report.append(h('p', { class: 'form-error' }, failure.message)); }
  });
  return shop.platform === 'shopify' || shop.platform === 'woocommerce'
    ? h('p', {}, file, ' ', h('span', { hidden: true }, kind), go, report)
    : h('p', {}, file, ' ', kind, ' ', go, report);
}

async function approvalsSection() {
  const list = h('ul', { class: 'admin-list', id: 'approval-list' });
  const refresh = async () => {
    clear(list);
    const waiting = (await api('GET', '/order-actions')).items;
    if (!waiting.length) list.append(h('li', { class: 'hint' }, t('noApprovals')));
    for (const action of waiting) {
      const approve = h('button', { type: 'button', class: 'primary' }, t('approve'));
      const reject = h('button', { type: 'button' }, t('reject'));
      const outcome = h('span', { role: 'status' });
      const decide = (verb) => api('POST', `/order-actions/${action.id}/${verb}`).then((done) => {
        outcome.textContent = done.state === 'failed' ? ` ${t('actionFailed')} ${done.error}` : ` ${t('actionDone')}`;
        // Leave the outcome readable for a moment before the list drops the decided action.
        setTimeout(refresh, 1500);
      }, (failure) => { outcome.textContent = ` ${failure.message}`; });
      approve.addEventListener('click', () => decide('approve'));
      reject.addEventListener('click', () => decide('reject'));
      const who = action.agent_id ? (state.agents.get(action.agent_id)?.name || `#${action.agent_id}`)
        : `${t('ruleFired')} “${action.rule_name || `#${action.rule_id}`}”`;
      list.append(h('li', {}, `${action.summary} · ${who} · ${formatTime(action.created_at)} `, approve, ' ', reject, outcome));
    }
  };
  await refresh();
  return panel('admin-approvals', t('approvals'), list);
}

/** Returns customers asked for that wait for a decision, each a link to its conversation. */
async function returnsWaitingSection() {
  const waiting = (await api('GET', '/returns?state=requested')).items;
  const body = waiting.length
    ? h('ul', { class: 'admin-list', id: 'returns-waiting' }, ...waiting.map((item) => h('li', {},
      item.conversation_id ? h('a', { href: `#/open/${item.conversation_id}` }, `${item.order_number}-R${item.id}`) : `${item.order_number}-R${item.id}`,
      ` · ${item.lines.map((line) => `${line.quantity} × ${line.title} (${t(`returnReason.${line.reason}`)})`).join(', ')} · ${formatTime(item.created_at)}`)))
    : h('p', { class: 'hint' }, t('noReturnsWaiting'));
  return panel('admin-returns', t('returnsWaiting'), body);
}

async function revenueSection() {
  const report = await api('GET', '/reports/revenue');
  const body = report.lines.length
    ? h('ul', { class: 'admin-list' }, ...report.lines.map((line) => h('li', {},
      `${line.agent_id ? (state.agents.get(line.agent_id)?.name || `#${line.agent_id}`) : '—'}: ${formatMoney(line.amount)} · ${line.orders} ${t('orders').toLowerCase()}`)))
    : h('p', { class: 'hint' }, '—');
  return panel('admin-revenue', t('revenue'), body);
}
