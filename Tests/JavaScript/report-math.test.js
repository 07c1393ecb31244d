// The reports page's arithmetic: presets in the workspace's calendar, deltas, durations, scales.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, delta, durationParts, linePoints, niceMax, presetPeriod, todayIn } from '../../Sources/ShopdeskServer/Public/app/report-math.js';

test('presets are half-open ranges of days, weeks starting on Monday', () => {
  const today = '2026-12-03';   // a Thursday
  assert.deepEqual(presetPeriod('today', today), { from: '2026-12-03', to: '2026-12-04' });
  assert.deepEqual(presetPeriod('last7', today), { from: '2026-11-27', to: '2026-12-04' });
  assert.deepEqual(presetPeriod('thisWeek', today), { from: '2026-11-30', to: '2026-12-07' });
  assert.deepEqual(presetPeriod('lastWeek', today), { from: '2026-11-23', to: '2026-11-30' });
  assert.deepEqual(presetPeriod('lastMonth', today), { from: '2026-11-01', to: '2026-12-01' });
  assert.deepEqual(presetPeriod('thisMonth', today), { from: '2026-12-01', to: '2027-01-01' });
  assert.deepEqual(presetPeriod('thisQuarter', today), { from: '2026-10-01', to: '2027-01-01' });
  assert.deepEqual(presetPeriod('lastMonth', '2026-03-31'), { from: '2026-02-01', to: '2026-03-01' });
  assert.equal(addDays('2028-02-28', 1), '2028-02-29');
  // 23:30 UTC on 30 November is already 1 December in Zagreb.
  assert.equal(todayIn('Europe/Zagreb', new Date('2026-11-30T23:30:00Z')), '2026-12-01');
});

test('a delta says which way and whether that is better; nothing before is "new"', () => {
  assert.deepEqual(delta(120, 100), { kind: 'up', percent: 20, better: true });
  assert.deepEqual(delta(1800, 3600, true), { kind: 'down', percent: -50, better: true });
  assert.deepEqual(delta(5, 0), { kind: 'new', percent: null, better: null });
  assert.deepEqual(delta(0, 0), { kind: 'none', percent: null, better: null });
  assert.deepEqual(delta(7, 7), { kind: 'same', percent: 0, better: null });
});

test('durations in their two largest units, axes on round numbers', () => {
  assert.deepEqual(durationParts(45), [[45, 'second']]);
  assert.deepEqual(durationParts(3 * 3600 + 25 * 60 + 10), [[3, 'hour'], [25, 'minute']]);
  assert.deepEqual(durationParts(2 * 86400 + 30), [[2, 'day']]);
  assert.deepEqual([niceMax(0), niceMax(7), niceMax(11), niceMax(180), niceMax(1000)], [1, 10, 20, 200, 1000]);
  assert.deepEqual(linePoints([0, 5, 10], 100, 50), [[0, 50], [50, 25], [100, 0]]);
});
