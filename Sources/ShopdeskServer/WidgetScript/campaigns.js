// Proactive campaigns on the shop's page, loaded as `/widget-campaigns.js` only when the inbox
// has active campaigns (the widget reads their document first), so that shops without any pay
// nothing. The widget hands over what this needs; the visitor's context is gathered here (time on
// the page, pages in this visit, returning or not, the UTM source, the cart, exit intent,
// scrolling, device) and the first matching campaign shown beside the launcher. Showing asks
// Shopdesk for the display (and its code); the first message written from it names the display.

const hooks = window.__shopdeskCampaignHooks;
if (!hooks) return;
delete window.__shopdeskCampaignHooks;
const { call, storage, state, h, root, t, toggle, clientId, options, startedAt, campaignDocument } = hooks;
const campaignCSS = `
  .campaign { position: fixed; right: 20px; bottom: 88px; width: 300px; max-width: calc(100vw - 40px); background: #fff; color: #1b1b1f;
    border-radius: 12px; box-shadow: 0 8px 32px rgba(0,0,0,.25); padding: 14px 14px 12px; z-index: 2147483647; font-size: 14px; line-height: 1.4; }
  .campaign p { margin: 0 0 8px; white-space: pre-wrap; }
  .campaign-close { position: absolute; top: 4px; right: 6px; border: 0; background: transparent; font-size: 20px; cursor: pointer; color: #55555f; }
  .campaign-code strong { font-family: ui-monospace, monospace; font-size: 16px; letter-spacing: 1px; border: 1px dashed #8a8a96; padding: 2px 6px; border-radius: 6px; }
  .campaign a { display: flex; gap: 8px; align-items: center; color: #1b1b1f; margin-bottom: 8px; }
  .campaign img { width: 56px; height: 56px; object-fit: cover; border-radius: 6px; }
  .campaign-actions { display: flex; gap: 6px; flex-wrap: wrap; }
  .campaign-actions a, .campaign-actions button, .campaign-code button { background: var(--c); color: var(--ink); border: 0; border-radius: 8px; padding: 6px 12px;
    cursor: pointer; font-size: 14px; text-decoration: none; margin: 0; }
`;
if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function') {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(campaignCSS);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
} else {
  root.append(Object.assign(document.createElement('style'), { textContent: campaignCSS }));
}

const pageStarted = startedAt;
const visit = (() => {
  const now = Date.now();
  const last = Number(storage.get(':seen') || 0);
  const fresh = !last || now - last > 30 * 60000;
  const returning = fresh ? Boolean(last) : storage.get(':returning') === '1';
  const pages = fresh ? 1 : Number(storage.get(':pages') || 0) + 1;
  const utm = new URLSearchParams(location.search).get('utm_source') || (fresh ? '' : storage.get(':utm') || '');
  storage.set(':seen', String(now));
  storage.set(':returning', returning ? '1' : null);
  storage.set(':pages', String(pages));
  storage.set(':utm', utm || null);
  let seed = storage.get(':seed');
  if (!seed) { seed = clientId(); storage.set(':seed', seed); }
  return { returning, pages, utm, seed };
})();
const signals = { exitIntent: false, scroll: 0, cart: null };
const noteScroll = () => {
  const height = document.documentElement.scrollHeight - window.innerHeight;
  signals.scroll = Math.max(signals.scroll, height > 0 ? Math.round(100 * window.scrollY / height) : 100);
};
noteScroll();
document.addEventListener('mouseout', (event) => { if (!event.relatedTarget && event.clientY <= 0) { signals.exitIntent = true; evaluateCampaigns(); } });
window.addEventListener('scroll', noteScroll, { passive: true });

let campaignTimer = null;
let campaignShown = false;

// The cart, from the shop's own script (`window.ShopdeskChat.cart = { total_minor, items, titles }`)
// or, on a Shopify storefront, from its cart endpoint.
async function readCart() {
  const given = options.cart;
  if (given) { signals.cart = { totalMinor: Number(given.total_minor) || 0, items: Number(given.items) || 0, titles: given.titles || [] }; return; }
  if (!window.Shopify || !window.Shopify.shop) return;
  try {
    const cart = await (await fetch('/cart.js', { credentials: 'same-origin' })).json();
    signals.cart = { totalMinor: cart.total_price || 0, items: cart.item_count || 0, titles: (cart.items || []).map((item) => item.product_title || item.title) };
  } catch { /* no cart: cart rules do not match */ }
}

async function startCampaigns() {
  await readCart();
  evaluateCampaigns();
  // Time on the page and scrolling come true by themselves: look again every second for half an hour.
  campaignTimer = setInterval(() => {
    if (Date.now() - pageStarted > 30 * 60000) clearInterval(campaignTimer);
    evaluateCampaigns();
  }, 1000);
}

function campaignHistory() {
  try { return JSON.parse(storage.get(':campaigns') || '{}'); } catch { return {}; }
}

function evaluateCampaigns() {
  if (!campaignDocument || campaignShown || state.open) return;
  const context = { url: location.href, seconds: (Date.now() - pageStarted) / 1000, pages: visit.pages, returning: visit.returning,
    utmSource: visit.utm, language: navigator.language, cart: signals.cart, exitIntent: signals.exitIntent, scroll: signals.scroll,
    device: matchMedia('(pointer: coarse)').matches ? 'mobile' : 'desktop' };
  const history = campaignHistory();
  const campaign = pickCampaign(campaignDocument, context, history, Date.now());
  if (campaign) showCampaign(campaign, chooseVariant(campaign, visit.seed, history), history);
}

async function showCampaign(campaign, variant, history) {
  campaignShown = true;
  clearInterval(campaignTimer);
  const seen = history[campaign.id] || {};
  const remember = (change) => { history[campaign.id] = Object.assign(seen, change); storage.set(':campaigns', JSON.stringify(history)); };
  let display;
  try {
    display = await call(`/campaigns/${campaign.id}/shown`, { method: 'POST', body: { variant: variant.key } });
  } catch (failure) {
    // Shown enough by Shopdesk's count (another device, cleared storage): not again.
    if (failure.status === 409) remember({ shows: 1e6 });
    return;
  }
  remember({ shows: (seen.shows || 0) + 1, last: Date.now(), variant: variant.key });
  const mark = (what) => call(`/campaigns/shows/${display.show_id}/${what}`, { method: 'POST' }).catch(() => {});
  const close = () => { bubble.remove(); remember({ dismissed: true }); mark('dismissed'); };
  const link = (url, ...children) => h('a', { href: url, target: '_top', rel: 'noopener', onclick: () => mark('engaged') }, ...children);
  const safe = (url) => typeof url === 'string' && /^(https:\/\/|\/)/.test(url);
  const bubble = h('div', { class: 'campaign', role: 'dialog', 'aria-label': config().name, 'data-campaign': String(campaign.id), 'data-variant': variant.key },
    h('button', { type: 'button', class: 'campaign-close', 'aria-label': t('dismiss'), onclick: close }, '×'),
    h('p', {}, variant.message),
    display.code ? h('p', { class: 'campaign-code' }, h('strong', {}, display.code), ' ',
      h('button', { type: 'button', onclick: (event) => { navigator.clipboard?.writeText(display.code); event.target.textContent = t('copied'); mark('engaged'); } }, t('copy'))) : null,
    variant.product && safe(variant.product.url) ? link(variant.product.url,
      safe(variant.product.image_url) ? h('img', { src: variant.product.image_url, alt: '' }) : null,
      h('span', {}, variant.product.title, variant.product.price ? ` · ${variant.product.price}` : '')) : null,
    h('div', { class: 'campaign-actions' },
      variant.button && safe(variant.button.url) ? link(variant.button.url, variant.button.label) : null,
      h('button', { type: 'button', onclick: () => {
        mark('engaged');
        state.campaignShow = display.show_id;
        state.campaignMessage = variant.message;
        bubble.remove();
        toggle(true);
      } }, t('reply'))));
  root.append(bubble);
}

function config() { return state.config || { name: '' }; }

startCampaigns();
