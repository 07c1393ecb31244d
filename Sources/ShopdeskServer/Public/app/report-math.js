// The arithmetic of the reports page (pure, Node-tested): periods as days of the workspace's
// calendar (`YYYY-MM-DD`, `to` not included), the change against the previous period, spans of
// seconds as people say them, and the scales of the charts.

/** The day `count` days after `day` (before, when negative). @param {string} day @param {number} count */
export function addDays(day, count) {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + count)).toISOString().slice(0, 10);
}

/** Monday = 0 … Sunday = 6. @param {string} day */
function weekday(day) {
  const [year, month, date] = day.split('-').map(Number);
  return (new Date(Date.UTC(year, month - 1, date)).getUTCDay() + 6) % 7;
}

export const PRESETS = ['today', 'yesterday', 'last7', 'last30', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'thisQuarter'];

/**
 * The days a preset covers, seen from `today` (the workspace's date).
 * @param {string} preset @param {string} today
 * @returns {{ from: string, to: string }}
 */
export function presetPeriod(preset, today) {
  const tomorrow = addDays(today, 1);
  const monthStart = `${today.slice(0, 8)}01`;
  switch (preset) {
    case 'today': return { from: today, to: tomorrow };
    case 'yesterday': return { from: addDays(today, -1), to: today };
    case 'last30': return { from: addDays(tomorrow, -30), to: tomorrow };
    case 'thisWeek': { const from = addDays(today, -weekday(today)); return { from, to: addDays(from, 7) }; }
    case 'lastWeek': { const to = addDays(today, -weekday(today)); return { from: addDays(to, -7), to }; }
    case 'thisMonth': return { from: monthStart, to: nextMonth(monthStart) };
    case 'lastMonth': { const from = `${addDays(monthStart, -1).slice(0, 8)}01`; return { from, to: monthStart }; }
    case 'thisQuarter': {
      const month = Number(today.slice(5, 7));
      const first = `${today.slice(0, 4)}-${String(month - (month - 1) % 3).padStart(2, '0')}-01`;
      return { from: first, to: nextMonth(nextMonth(nextMonth(first))) };
    }
    default: return { from: addDays(tomorrow, -7), to: tomorrow };
  }
}

/** @param {string} first the first day of a month */
function nextMonth(first) {
  const [year, month] = first.split('-').map(Number);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/** The workspace's date now, in its time zone. @param {string} timeZone @param {Date} [now] */
export function todayIn(timeZone, now = new Date()) {
  // Swedish writes dates as ISO does.
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * How a figure moved against the previous period. `lowerIsBetter` for times; `new` when there was
 * nothing before (no percentage of zero), `none` when there is nothing now either.
 * @param {number | null | undefined} current @param {number | null | undefined} previous @param {boolean} [lowerIsBetter]
 * @returns {{ kind: 'none' | 'new' | 'same' | 'up' | 'down', percent: number | null, better: boolean | null }}
 */
export function delta(current, previous, lowerIsBetter = false) {
  if (current == null && previous == null) return { kind: 'none', percent: null, better: null };
  if (previous == null || previous === 0) return { kind: current ? 'new' : 'none', percent: null, better: null };
  if (current == null) return { kind: 'none', percent: null, better: null };
  const percent = Math.round(((current - previous) / previous) * 1000) / 10;
  if (percent === 0) return { kind: 'same', percent: 0, better: null };
  const up = percent > 0;
  return { kind: up ? 'up' : 'down', percent, better: lowerIsBetter ? !up : up };
}

/**
 * A span of seconds as its two largest units: [[2, 'hour'], [5, 'minute']]; under a minute in seconds.
 * @param {number} seconds @returns {[number, string][]}
 */
export function durationParts(seconds) {
  const units = /** @type {[number, string][]} */ ([[86400, 'day'], [3600, 'hour'], [60, 'minute']]);
  if (seconds < 60) return [[Math.round(seconds), 'second']];
  /** @type {[number, string][]} */
  const parts = [];
  let left = Math.round(seconds);
  for (const [size, unit] of units) {
    if (left >= size && parts.length < 2) { parts.push([Math.floor(left / size), unit]); left %= size; }
    else if (parts.length) break;
  }
  return parts;
}

/** The top of a chart's axis: the maximum rounded up to 1, 2 or 5 × 10ⁿ (at least 1). @param {number} max */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((step) => step * power).find((value) => value >= max) ?? 10 * power;
}

/** Points of a line chart in a `width` × `height` box (y grows downwards). @param {number[]} values @param {number} width @param {number} height */
export function linePoints(values, width, height) {
  const top = niceMax(Math.max(0, ...values));
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values.map((value, index) => [Math.round(index * step * 10) / 10, Math.round((height - (value / top) * height) * 10) / 10]);
}
