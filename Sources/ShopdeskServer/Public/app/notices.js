// What the app tells the agent in passing: a problem or a notice in the banner.

import { t } from './i18n.js';

export function showError(message) {
  const banner = document.getElementById('connection');
  if (!banner) return;
  banner.textContent = message;
  banner.hidden = false;
  setTimeout(() => { banner.hidden = true; banner.textContent = t('connectionLost'); }, 6000);
}

/** A passing notice in the banner under the top bar. */
export function showNotice(text) {
  const banner = document.getElementById('notice');
  if (!banner) return;
  banner.textContent = text;
  banner.hidden = false;
  setTimeout(() => { banner.hidden = true; }, 8000);
}
