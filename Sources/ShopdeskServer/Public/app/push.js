// Web push: notifications on this device even when Shopdesk is closed. The browser subscribes
// with the server's key (VAPID) at its own push service; the server encrypts each notification
// for this browser and sw.js shows it. Settings → Your account turns it on and off, and sends a
// test; signing out stops pushes to this browser.

import { api } from './api.js';
import { h } from './dom.js';
import { formatNumber, t } from './i18n.js';

/** Whether this browser can take pushes at all (a service worker, the Push API, notifications). */
export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/**
 * The key as the Push API takes it: base64url text to bytes.
 * @param {string} text
 */
export function keyBytes(text) {
  const base = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base + '='.repeat((4 - (base.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

/** This browser's current subscription, if any. */
async function currentSubscription() {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

/** Subscribes this browser and tells the server; throws with words the agent can act on. */
async function turnOn() {
  if ((await Notification.requestPermission()) !== 'granted') throw new Error(t('pushDenied'));
  const { public_key: key } = await api('GET', '/push');
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  // A subscription made with another key (the server's secret key changed) cannot be used.
  if (subscription && subscription.options?.applicationServerKey) {
    const current = new Uint8Array(subscription.options.applicationServerKey);
    const wanted = keyBytes(key);
    if (current.length !== wanted.length || current.some((byte, index) => byte !== wanted[index])) {
      await subscription.unsubscribe();
      subscription = null;
    }
  }
  try {
    subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  } catch (failure) {
    throw new Error(`${t('pushUnavailable')} (${failure instanceof Error ? failure.message : String(failure)})`);
  }
  await api('POST', '/push/subscriptions', subscription.toJSON());
}

async function turnOff() {
  const subscription = await currentSubscription();
  if (!subscription) return;
  await api('DELETE', '/push/subscriptions', { endpoint: subscription.endpoint }).catch(() => { /* already forgotten there */ });
  await subscription.unsubscribe();
}

/** Before signing out: this browser stops getting the agent's notifications (nothing if it never did). */
export async function forgetThisBrowser() {
  if (!pushSupported()) return;
  try {
    const subscription = await Promise.race([currentSubscription(), new Promise((resolve) => setTimeout(() => resolve(null), 1000))]);
    if (subscription) await api('DELETE', '/push/subscriptions', { endpoint: subscription.endpoint });
  } catch { /* signing out goes on; the push service forgets unused subscriptions in time */ }
}

/** Settings → Your account: notifications on this device. */
export async function pushSection() {
  const status = h('p', { class: 'hint', id: 'push-status', role: 'status' });
  const toggle = h('button', { type: 'button', id: 'push-toggle' });
  const test = h('button', { type: 'button', id: 'push-test', class: 'secondary' }, t('pushTest'));
  const section = h('section', { class: 'admin-panel', id: 'admin-push', 'aria-labelledby': 'admin-push-title' },
    h('h3', { id: 'admin-push-title' }, t('pushTitle')), h('p', { class: 'hint' }, t('pushHint')), status,
    h('div', { class: 'actions' }, toggle, test));

  async function refresh(message = '') {
    const { subscriptions } = await api('GET', '/push');
    const mine = pushSupported() ? await currentSubscription().catch(() => null) : null;
    const on = Boolean(mine && subscriptions.some((item) => item.endpoint === mine.endpoint));
    toggle.textContent = on ? t('pushTurnOff') : t('pushTurnOn');
    toggle.dataset.on = on ? '1' : '0';
    toggle.disabled = !pushSupported();
    test.disabled = subscriptions.length === 0;
    const others = subscriptions.length - (on ? 1 : 0);
    status.textContent = message || [
      !pushSupported() ? t('pushUnsupported') : on ? t('pushOn') : t('pushOff'),
      others > 0 ? t('pushOtherDevices').replace('{count}', formatNumber(others)) : '',
    ].filter(Boolean).join(' ');
  }

  toggle.addEventListener('click', async () => {
    toggle.disabled = true;
    try {
      if (toggle.dataset.on === '1') await turnOff(); else await turnOn();
      await refresh();
    } catch (failure) {
      await refresh(failure instanceof Error ? failure.message : String(failure)).catch(() => {});
    }
  });
  test.addEventListener('click', async () => {
    try {
      const result = await api('POST', '/push/test');
      await refresh(result.failed === 0 ? t('pushTestSent') : `${t('pushTestFailed')} ${result.errors.join('; ')}`);
    } catch (failure) { status.textContent = failure.message; }
  });
  await refresh();
  return section;
}
