// The web app's strings in the four languages agents use (one file per language in `i18n/`),
// chosen by the agent's locale.
// Dates and numbers are formatted with Intl in that locale and the workspace's time zone.

import en from './i18n/en.js';
import ptBR from './i18n/pt-BR.js';
import ru from './i18n/ru.js';
import hr from './i18n/hr.js';

/** @type {Record<string, Record<string, any>>} */
const bundles = { en, 'pt-BR': ptBR, ru, hr };

let locale = 'en';
let timeZone = undefined;

export function setLocale(value, zone) {
  locale = bundles[value] ? value : 'en';
  timeZone = zone || undefined;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/// The agent's language before sign-in: the browser's, if we have it.
export function browserLocale() {
  for (const language of navigator.languages || [navigator.language]) {
    if (bundles[language]) return language;
    const base = language.split('-')[0];
    if (base === 'pt') return 'pt-BR';
    if (bundles[base]) return base;
  }
  return 'en';
}

export function t(key) {
  return bundles[locale][key] ?? bundles.en[key] ?? key;
}

/** An intent or mood as the models name it (`order_status`), in the agent's language; one the
 * app does not know (a workspace's own) in words. */
export function label(kind, name) {
  const key = `${kind}.${name}`;
  const text = t(key);
  return text === key ? ownLabels[kind]?.[name] ?? name.replaceAll('_', ' ') : text;
}

/** @type {Record<string, Record<string, string>>} */
const ownLabels = {};

/** The workspace's own names for its own values (its intents), shown as written. @param {string} kind @param {Record<string, string>} labels */
export function setOwnLabels(kind, labels) { ownLabels[kind] = labels; }

/** A language's name in the agent's language ("Croatian", "хорватский") from its code (`hr`). */
export function languageName(code) {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const now = new Date();
  const sameDay = now.toDateString() === date.toDateString();
  // Another year says which (a snooze until next March, a conversation from last year).
  /** @type {Intl.DateTimeFormatOptions} */
  const year = date.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {};
  /** @type {Intl.DateTimeFormatOptions} */
  const options = sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short', ...year, hour: '2-digit', minute: '2-digit' };
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(locale, options).format(date);
  }
}

export function formatNumber(value) {
  return new Intl.NumberFormat(locale).format(value);
}

/** A span of minutes as people say it in the agent's language: "45 min", "3 h", "2 d" (or "3 ч", "2 dana"). */
export function formatMinutes(minutes) {
  const [value, unit] = minutes < 90 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.round(minutes / 60), 'hour'] : [Math.round(minutes / 1440), 'day'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/// Money from minor units (integers) in the reader's locale: 10380 EUR → "€103.80".
export function formatMoney(amount) {
  if (!amount) return '';
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency: amount.currency });
    const digits = format.resolvedOptions().maximumFractionDigits;
    return format.format(amount.minor / 10 ** digits);
  } catch {
    return `${amount.minor} ${amount.currency}`;
  }
}

/// How many minor-unit digits a currency has (2 for EUR, 0 for JPY).
export function minorDigits(currency) {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/// The decimal string the API takes for an amount ("49.00"), from minor units.
export function decimalAmount(amount) {
  const digits = minorDigits(amount.currency);
  return (amount.minor / 10 ** digits).toFixed(digits);
}
