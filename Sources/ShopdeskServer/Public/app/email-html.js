// An email's original formatting, on request: the HTML the server sanitized when the mail
// arrived, shown in a frame that may run nothing and load nothing (sandbox without scripts,
// a Content-Security-Policy that allows no requests).

import { h } from './dom.js';
import { t } from './i18n.js';

// The frame also inherits the app's own policy, so it shows the mail as the browser styles it.
const POLICY = "default-src 'none'";

export function formattedView(message) {
  if (!message.html) return null;
  const holder = h('div', { class: 'formatted' });
  const toggle = h('button', { type: 'button', class: 'link-button', 'aria-expanded': 'false' }, t('showFormatting'));
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') === 'true';
    holder.querySelector('iframe')?.remove();
    toggle.setAttribute('aria-expanded', String(!open));
    toggle.textContent = open ? t('showFormatting') : t('hideFormatting');
    if (open) return;
    const frame = h('iframe', { sandbox: '', title: t('showFormatting'), referrerpolicy: 'no-referrer', class: 'email-frame' });
    frame.srcdoc = `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${POLICY}">${message.html}`;
    holder.append(frame);
  });
  holder.append(toggle);
  return holder;
}
