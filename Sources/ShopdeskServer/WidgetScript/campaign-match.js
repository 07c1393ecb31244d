// Which proactive campaign a visitor sees, decided in the browser from the inbox's cached campaign
// document: no call to Shopdesk until one is shown. Pure functions of the document, the visitor's
// context and what they saw before (node --test runs them as they are; see Tests/JavaScript).

// A page pattern: `*` stands for any run of characters and the pattern covers the whole address;
// without `*` it is a part of the address. Case does not count. Linear in practice: one pass with
// the last star to fall back to (patterns and addresses are a few hundred characters at most).
function pagePatternMatches(pattern, url) {
  const p = String(pattern).toLowerCase();
  const u = String(url).toLowerCase();
  if (!p.includes('*')) return u.includes(p);
  let i = 0, j = 0, star = -1, mark = 0;
  while (j < u.length) {
    if (i < p.length && p[i] === u[j]) { i++; j++; }
    else if (i < p.length && p[i] === '*') { star = i++; mark = j; }
    else if (star >= 0) { i = star + 1; j = ++mark; }
    else return false;
  }
  while (i < p.length && p[i] === '*') i++;
  return i === p.length;
}

// Whether every condition the campaign sets holds for this visitor now.
function campaignMatches(definition, context, hoursOpen) {
  const t = definition.targeting || {};
  if (definition.hours === 'open' && !hoursOpen) return false;
  if (definition.hours === 'closed' && hoursOpen) return false;
  if ((t.url_includes || []).length && !t.url_includes.some((p) => pagePatternMatches(p, context.url))) return false;
  if ((t.url_excludes || []).some((p) => pagePatternMatches(p, context.url))) return false;
  if (t.seconds_on_page != null && context.seconds < t.seconds_on_page) return false;
  if (t.pages_viewed != null && context.pages < t.pages_viewed) return false;
  if (t.returning != null && Boolean(context.returning) !== t.returning) return false;
  if ((t.utm_sources || []).length && !t.utm_sources.includes(String(context.utmSource || '').toLowerCase())) return false;
  if ((t.languages || []).length && !t.languages.includes(String(context.language || '').slice(0, 2).toLowerCase())) return false;
  const wantsCart = t.cart_min_minor != null || t.cart_max_minor != null || t.cart_items_min != null || (t.cart_contains || []).length;
  if (wantsCart) {
    const cart = context.cart;
    if (!cart) return false;
    if (t.cart_min_minor != null && cart.totalMinor < t.cart_min_minor) return false;
    if (t.cart_max_minor != null && cart.totalMinor > t.cart_max_minor) return false;
    if (t.cart_items_min != null && cart.items < t.cart_items_min) return false;
    if ((t.cart_contains || []).length) {
      const titles = (cart.titles || []).map((title) => String(title).toLowerCase());
      if (!t.cart_contains.some((wanted) => titles.some((title) => title.includes(String(wanted).toLowerCase())))) return false;
    }
  }
  if (t.exit_intent && !context.exitIntent) return false;
  if (t.scroll_percent != null && context.scroll < t.scroll_percent) return false;
  if (t.device && t.device !== context.device) return false;
  return true;
}

// The campaign to show now, or null: the first (highest priority) that matches and that the
// visitor may still see (shows per visitor, hours between shows, not closed by them before).
function pickCampaign(document, context, history, now) {
  for (const campaign of document.campaigns || []) {
    const seen = history[campaign.id] || {};
    const definition = campaign.definition;
    if (seen.dismissed) continue;
    if (definition.max_shows > 0 && (seen.shows || 0) >= definition.max_shows) continue;
    if (seen.last && now - seen.last < (definition.hours_between || 0) * 3600000) continue;
    if (campaignMatches(definition, context, document.hours_open)) return campaign;
  }
  return null;
}

// The visitor's variant: the same one on every page (kept in their history), chosen by the
// variants' shares from a hash of the visitor's seed and the campaign.
function chooseVariant(campaign, seed, history) {
  const variants = campaign.definition.variants;
  const kept = history[campaign.id]?.variant;
  if (kept && variants.some((variant) => variant.key === kept)) return variants.find((variant) => variant.key === kept);
  let hash = 2166136261;
  for (const char of `${seed}:${campaign.id}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  let point = hash % 100;
  for (const variant of variants) {
    if (point < variant.weight) return variant;
    point -= variant.weight;
  }
  return variants[variants.length - 1];
}
