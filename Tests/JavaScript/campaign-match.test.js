// The widget's campaign matching: page patterns, every targeting condition, caps and priority,
// and stable A/B variants (the file is the widget's own part, evaluated as it ships).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const source = readFileSync(new URL('../../Sources/ShopdeskServer/WidgetScript/campaign-match.js', import.meta.url), 'utf8');
const { pagePatternMatches, campaignMatches, pickCampaign, chooseVariant } =
  new Function(`${source}; return { pagePatternMatches, campaignMatches, pickCampaign, chooseVariant };`)();

const context = { url: 'https://shop.example/products/linen-shirt?utm_source=ig', seconds: 12, pages: 2, returning: false, utmSource: 'ig',
  language: 'pt-PT', cart: { totalMinor: 8900, items: 2, titles: ['Linen shirt', 'Belt'] }, exitIntent: false, scroll: 40, device: 'desktop' };
const campaign = (id, targeting, extra = {}) => ({ id, priority: 0, definition: { targeting, variants: [{ key: 'A', weight: 100, message: 'Hi' }],
  max_shows: 1, hours_between: 24, hours: 'any', attribution_days: 7, ...extra } });

test('page patterns: parts, stars, whole addresses, any case', () => {
  assert.ok(pagePatternMatches('/products/', context.url));
  assert.ok(pagePatternMatches('*/products/*', context.url));
  assert.ok(pagePatternMatches('https://SHOP.example/*', context.url));
  assert.ok(!pagePatternMatches('*/collections/*', context.url));
  assert.ok(!pagePatternMatches('https://shop.example/*/linen', context.url), 'with a star the pattern covers the whole address');
  assert.ok(pagePatternMatches('*linen*shirt*', context.url));
  // A hostile pattern against a long address stays quick.
  const started = performance.now();
  assert.ok(!pagePatternMatches('*a*a*a*a*a*a*a*a*b', 'a'.repeat(500)));
  assert.ok(performance.now() - started < 1000);
});

test('every condition set must hold', () => {
  const yes = [{ url_includes: ['/products/'] }, { seconds_on_page: 10 }, { pages_viewed: 2 }, { returning: false }, { utm_sources: ['ig'] },
    { languages: ['pt'] }, { cart_min_minor: 5000 }, { cart_max_minor: 9000 }, { cart_items_min: 2 }, { cart_contains: ['LINEN'] },
    { scroll_percent: 40 }, { device: 'desktop' }, { url_excludes: ['/checkout'] }];
  for (const targeting of yes) assert.ok(campaignMatches(campaign(1, targeting).definition, context, true), JSON.stringify(targeting));
  const no = [{ url_includes: ['/cart'] }, { seconds_on_page: 30 }, { pages_viewed: 3 }, { returning: true }, { utm_sources: ['google'] },
    { languages: ['hr'] }, { cart_min_minor: 10000 }, { cart_max_minor: 100 }, { cart_items_min: 3 }, { cart_contains: ['socks'] },
    { exit_intent: true }, { scroll_percent: 80 }, { device: 'mobile' }, { url_excludes: ['/products/'] }];
  for (const targeting of no) assert.ok(!campaignMatches(campaign(1, targeting).definition, context, true), JSON.stringify(targeting));
  assert.ok(!campaignMatches(campaign(1, { cart_min_minor: 1 }).definition, { ...context, cart: null }, true), 'an unknown cart matches no cart rule');
  assert.ok(!campaignMatches(campaign(1, {}, { hours: 'open' }).definition, context, false));
  assert.ok(campaignMatches(campaign(1, {}, { hours: 'closed' }).definition, context, false));
});

test('priority, caps, closing and the hours between shows', () => {
  const document = { hours_open: true, campaigns: [campaign(7, { seconds_on_page: 60 }), campaign(3, {}), campaign(5, {})] };
  const now = Date.now();
  assert.equal(pickCampaign(document, context, {}, now).id, 3, 'the first that matches, in the document order (priority)');
  assert.equal(pickCampaign(document, context, { 3: { shows: 1, last: now - 1000 } }, now).id, 5, 'seen as often as allowed');
  assert.equal(pickCampaign(document, context, { 3: { dismissed: true }, 5: { dismissed: true } }, now), null);
  const often = { hours_open: true, campaigns: [campaign(9, {}, { max_shows: 0, hours_between: 1 })] };
  assert.equal(pickCampaign(often, context, { 9: { shows: 5, last: now - 30 * 60000 } }, now), null, 'within the hour');
  assert.equal(pickCampaign(often, context, { 9: { shows: 5, last: now - 61 * 60000 } }, now).id, 9);
});

test('variants follow their shares and stay the same for a visitor', () => {
  const split = { id: 4, definition: { variants: [{ key: 'A', weight: 50 }, { key: 'B', weight: 50 }] } };
  const counts = { A: 0, B: 0 };
  for (let seed = 0; seed < 4000; seed++) counts[chooseVariant(split, `visitor-${seed}`, {}).key]++;
  assert.ok(Math.abs(counts.A - 2000) < 200, JSON.stringify(counts));
  assert.equal(chooseVariant(split, 'same', {}).key, chooseVariant(split, 'same', {}).key);
  assert.equal(chooseVariant(split, 'x', { 4: { variant: 'B' } }).key, 'B');
  const onlyB = { id: 4, definition: { variants: [{ key: 'A', weight: 0 }, { key: 'B', weight: 100 }] } };
  for (let seed = 0; seed < 50; seed++) assert.equal(chooseVariant(onlyB, `v${seed}`, {}).key, 'B');
});
