// Settings → Campaigns: proactive messages the chat widget shows to visitors who match. Each
// campaign has its targeting, up to four variants split for an A/B test (message, a code made per
// visitor, a product card, a button), limits per visitor and hours; the editor shows the variant
// as the visitor will see it, and the list shows how each variant does and whether a lead is real.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { formatMoney, t } from './i18n.js';
import { alertFailure, panel } from './forms.js';

const KEYS = ['A', 'B', 'C', 'D'];
const lines = (value) => value.split('\n').map((line) => line.trim()).filter(Boolean);
const commas = (value) => value.split(',').map((item) => item.trim()).filter(Boolean);
const number = (value) => (value.trim() === '' ? undefined : Number(value));

export async function campaignsSection() {
  const list = h('div', { id: 'campaign-list' });
  const editorSlot = h('div', {});
  const inboxes = (await api('GET', '/inboxes')).items.filter((inbox) => inbox.kind === 'chat');
  const refresh = async () => {
    clear(list);
    const campaigns = (await api('GET', '/campaigns')).items;
    if (!campaigns.length) list.append(h('p', { class: 'hint' }, t('noCampaigns')));
    for (const campaign of campaigns) list.append(await campaignRow(campaign, inboxes, refresh, (c) => openEditor(editorSlot, c, inboxes, refresh)));
  };
  await refresh();
  const add = h('button', { type: 'button', class: 'primary', id: 'new-campaign' }, t('newCampaign'));
  add.addEventListener('click', () => openEditor(editorSlot, null, inboxes, refresh));
  return panel('campaigns', t('campaigns'), h('p', { class: 'hint' }, t('campaignsHint')), list, add, editorSlot);
}

async function campaignRow(campaign, inboxes, refresh, edit) {
  const results = await api('GET', `/campaigns/${campaign.id}/results`);
  const toggle = h('button', { type: 'button' }, t(campaign.status === 'active' ? 'pauseCampaign' : 'startCampaign'));
  toggle.addEventListener('click', () => api('PATCH', `/campaigns/${campaign.id}`, { status: campaign.status === 'active' ? 'paused' : 'active' })
    .then(refresh, (failure) => alertFailure(failure)));
  const editButton = h('button', { type: 'button' }, t('edit'));
  editButton.addEventListener('click', () => edit(campaign));
  const remove = h('button', { type: 'button' }, t('delete'));
  remove.addEventListener('click', () => { if (window.confirm(t('deleteCampaignConfirm'))) api('DELETE', `/campaigns/${campaign.id}`).then(refresh, (failure) => alertFailure(failure)); });
  const inbox = inboxes.find((candidate) => candidate.id === campaign.inbox_id);
  const table = h('table', { class: 'campaign-results' },
    h('thead', {}, h('tr', {}, ...['variant', 'campaignShown', 'campaignEngaged', 'conversations', 'orders', 'campaignRevenue', 'conversion', 'significance']
      .map((key) => h('th', { scope: 'col' }, t(key))))),
    h('tbody', {}, ...results.variants.map((row) => h('tr', { 'data-variant': row.variant },
      h('th', { scope: 'row' }, row.variant), h('td', {}, String(row.shown)), h('td', {}, String(row.engaged)), h('td', {}, String(row.conversations)),
      h('td', {}, String(row.orders)), h('td', {}, row.revenue.map(formatMoney).join(', ') || '—'),
      h('td', {}, `${(row.conversion_rate * 100).toFixed(1)} %`),
      h('td', {}, row.p_value == null ? '—' : `${row.significant ? t('significant') : t('notYetSignificant')} (p = ${row.p_value})`)))));
  return h('div', { class: 'campaign-row', 'data-campaign': campaign.id },
    h('p', {}, h('strong', {}, campaign.name), ` · ${t(`campaignStatus.${campaign.status}`)} · ${inbox?.name ?? ''} · ${t('priority')} ${campaign.priority}`,
      results.winner ? h('span', { class: 'badge' }, ` ${t('campaignWinner')}: ${results.winner}`) : null),
    table, h('p', {}, toggle, ' ', editButton, ' ', remove));
}

/** The editor, filled from `campaign` (or empty for a new one), with the widget's preview beside it. */
function openEditor(slot, campaign, inboxes, refresh) {
  clear(slot);
  const d = campaign?.definition ?? { targeting: {}, variants: [{ key: 'A', weight: 100, message: '' }], max_shows: 1, hours_between: 24, hours: 'any', attribution_days: 7 };
  const tg = d.targeting || {};
  const input = (value, attrs = {}) => h('input', { type: 'text', value: value ?? '', ...attrs });
  const field = (label, control) => h('label', { class: 'field' }, h('span', { class: 'label' }, label), control);
  const name = input(campaign?.name, { id: 'campaign-name', maxlength: 100 });
  const inbox = h('select', { id: 'campaign-inbox' }, ...inboxes.map((item) => h('option', { value: item.id, selected: item.id === campaign?.inbox_id }, item.name)));
  const priority = input(campaign?.priority ?? 0, { type: 'number', min: 0, max: 1000 });
  const include = h('textarea', { id: 'campaign-pages', rows: 2 }, (tg.url_includes || []).join('\n'));
  const exclude = h('textarea', { rows: 2 }, (tg.url_excludes || []).join('\n'));
  const seconds = input(tg.seconds_on_page, { type: 'number', min: 0, max: 3600, id: 'campaign-seconds' });
  const pages = input(tg.pages_viewed, { type: 'number', min: 1, max: 100 });
  const returning = h('select', {}, ...[['', 'anyVisitor'], ['false', 'newVisitors'], ['true', 'returningVisitors']]
    .map(([value, label]) => h('option', { value, selected: String(tg.returning ?? '') === value }, t(label))));
  const utm = input((tg.utm_sources || []).join(', '));
  const languages = input((tg.languages || []).join(', '), { placeholder: 'pt, hr' });
  const cartMin = input(tg.cart_min_minor == null ? '' : tg.cart_min_minor / 100, { type: 'number', min: 0, step: '0.01' });
  const cartItems = input(tg.cart_items_min, { type: 'number', min: 0 });
  const cartContains = input((tg.cart_contains || []).join(', '));
  const exit = h('input', { type: 'checkbox', checked: Boolean(tg.exit_intent) });
  const scroll = input(tg.scroll_percent, { type: 'number', min: 0, max: 100 });
  const device = h('select', {}, ...[['', 'anyDevice'], ['desktop', 'desktop'], ['mobile', 'mobile']]
    .map(([value, label]) => h('option', { value, selected: (tg.device ?? '') === value }, t(label))));
  const hours = h('select', {}, ...['any', 'open', 'closed'].map((value) => h('option', { value, selected: d.hours === value }, t(`campaignHours.${value}`))));
  const maxShows = input(d.max_shows, { type: 'number', min: 0, max: 100 });
  const hoursBetween = input(d.hours_between, { type: 'number', min: 0, max: 720 });
  const attribution = input(d.attribution_days, { type: 'number', min: 1, max: 90 });
  const variants = KEYS.map((key, index) => variantFields(key, d.variants[index]));
  const preview = h('div', { class: 'campaign-preview', 'aria-live': 'polite', id: 'campaign-preview' });
  const shownVariant = h('select', { 'aria-label': t('previewVariant') }, ...KEYS.map((key) => h('option', { value: key }, `${t('variant')} ${key}`)));
  const drawPreview = () => {
    const variant = variants.find((item) => item.key === shownVariant.value)?.read();
    clear(preview);
    if (!variant) { preview.append(h('p', { class: 'hint' }, t('variantUnused'))); return; }
    preview.append(h('p', {}, variant.message || '…'),
      variant.offer ? h('p', { class: 'campaign-code' }, h('strong', {}, `${variant.offer.prefix}-7KQ2M9`), ` · ${variant.offer.percent ? `${variant.offer.percent} %` : ''}`) : null,
      variant.product ? h('p', { class: 'campaign-product' }, variant.product.image_url?.startsWith('https://') ? h('img', { src: variant.product.image_url, alt: '' }) : null,
        ` ${variant.product.title}${variant.product.price ? ` · ${variant.product.price}` : ''}`) : null,
      h('p', {}, variant.button ? h('span', { class: 'preview-button' }, variant.button.label) : null, ' ', h('span', { class: 'preview-button' }, t('reply'))));
  };
  const status = h('p', { role: 'status', class: 'form-error' });
  const save = h('button', { type: 'submit', class: 'primary', id: 'save-campaign' }, t('saveCampaign'));
  const form = h('form', { class: 'campaign-editor', id: 'campaign-editor' },
    h('fieldset', {}, h('legend', {}, t('campaign')), field(t('name'), name), field(t('chatInbox'), inbox), field(t('priority'), priority)),
    h('fieldset', {}, h('legend', {}, t('whoSeesIt')), field(t('pagesInclude'), include), field(t('pagesExclude'), exclude),
      field(t('secondsOnPage'), seconds), field(t('pagesViewed'), pages), field(t('visitors'), returning), field(t('utmSources'), utm),
      field(t('languagesCodes'), languages), field(t('cartAtLeast'), cartMin), field(t('cartItemsAtLeast'), cartItems), field(t('cartContains'), cartContains),
      h('label', { class: 'check' }, exit, ` ${t('exitIntent')}`), field(t('scrolledPercent'), scroll), field(t('deviceLabel'), device),
      field(t('campaignHoursLabel'), hours), field(t('maxShows'), maxShows), field(t('hoursBetween'), hoursBetween), field(t('campaignAttributionDays'), attribution)),
    ...variants.map((item) => item.element),
    h('div', { class: 'campaign-preview-box' }, h('h4', {}, t('preview')), shownVariant, preview),
    save, status);
  form.addEventListener('input', drawPreview);
  shownVariant.addEventListener('change', drawPreview);
  drawPreview();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    const targeting = {
      url_includes: lines(include.value), url_excludes: lines(exclude.value), seconds_on_page: number(seconds.value), pages_viewed: number(pages.value),
      returning: returning.value === '' ? undefined : returning.value === 'true', utm_sources: commas(utm.value.toLowerCase()),
      languages: commas(languages.value.toLowerCase()), cart_min_minor: cartMin.value === '' ? undefined : Math.round(Number(cartMin.value) * 100),
      cart_items_min: number(cartItems.value), cart_contains: commas(cartContains.value), exit_intent: exit.checked, scroll_percent: number(scroll.value),
      device: device.value || undefined,
    };
    const body = { name: name.value, inbox_id: Number(inbox.value), priority: Number(priority.value) || 0,
      definition: { targeting, variants: variants.map((item) => item.read()).filter(Boolean), hours: hours.value, max_shows: Number(maxShows.value),
        hours_between: Number(hoursBetween.value), attribution_days: Number(attribution.value) } };
    try {
      if (campaign) await api('PATCH', `/campaigns/${campaign.id}`, body); else await api('POST', '/campaigns', { ...body, status: 'draft' });
      clear(slot);
      await refresh();
    } catch (failure) { status.textContent = failure.message; }
  });
  slot.append(form);
  name.focus();
}

/** One variant's fields; `read()` is its JSON, or null when it has no message (unused). */
function variantFields(key, variant) {
  const input = (value, attrs = {}) => h('input', { type: 'text', value: value ?? '', ...attrs });
  const field = (label, control) => h('label', { class: 'field' }, h('span', { class: 'label' }, label), control);
  const weight = input(variant?.weight ?? (key === 'A' ? 100 : 0), { type: 'number', min: 0, max: 100, 'data-weight': key });
  const message = h('textarea', { rows: 2, maxlength: 500, 'data-message': key }, variant?.message ?? '');
  const offerPercent = input(variant?.offer?.percent, { type: 'number', min: 1, max: 100, 'data-offer': key });
  const offerHours = input(variant?.offer?.valid_hours ?? 48, { type: 'number', min: 1, max: 720 });
  const offerPrefix = input(variant?.offer?.prefix ?? 'HELLO', { maxlength: 12 });
  const productTitle = input(variant?.product?.title), productPrice = input(variant?.product?.price);
  const productImage = input(variant?.product?.image_url, { placeholder: 'https://' }), productURL = input(variant?.product?.url, { placeholder: 'https://shop.example/products/' });
  const buttonLabel = input(variant?.button?.label), buttonURL = input(variant?.button?.url, { placeholder: 'https://shop.example/pages/' });
  const element = h('fieldset', { class: 'campaign-variant', 'data-variant': key }, h('legend', {}, `${t('variant')} ${key}`),
    h('label', { class: 'field' }, h('span', { class: 'label' }, t('variantShare')), weight), field(t('message'), message),
    field(t('offerPercent'), offerPercent), field(t('offerValidHours'), offerHours), field(t('offerPrefix'), offerPrefix),
    field(t('productTitle'), productTitle), field(t('productPrice'), productPrice), field(t('productImage'), productImage), field(t('productLink'), productURL),
    field(t('buttonLabel'), buttonLabel), field(t('buttonLink'), buttonURL));
  const read = () => {
    if (!message.value.trim()) return null;
    return {
      key, weight: Number(weight.value) || 0, message: message.value,
      offer: offerPercent.value ? { percent: Number(offerPercent.value), valid_hours: Number(offerHours.value) || 48, prefix: offerPrefix.value || 'HELLO' } : undefined,
      product: productTitle.value && productURL.value ? { title: productTitle.value, price: productPrice.value || undefined, image_url: productImage.value || undefined, url: productURL.value } : undefined,
      button: buttonLabel.value && buttonURL.value ? { label: buttonLabel.value, url: buttonURL.value } : undefined,
    };
  };
  return { key, element, read };
}
