// The agent app's service worker: it makes the app installable and lets it open without a
// network. Every request for the app itself (the page, its scripts, styles and icons) goes to
// the server first, so an online agent always runs the current version; the copy kept here is
// used only when the server cannot be reached. The API is never cached: conversations are only
// ever what the server says now.

const CACHE = 'shopdesk-app-v2';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(['/', '/app/app.css', '/app/main.js'])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // The app's page (whatever its #/ route) is one entry; help-center pages and the rest are not the app's.
  const page = request.mode === 'navigate' && (url.pathname === '/' || url.pathname === '/index.html');
  const appFile = page || url.pathname.startsWith('/app/') || url.pathname === '/manifest.json';
  if (!appFile) return;
  const key = page ? '/' : url.pathname;
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return response;
  }).catch(async () => (await caches.match(key)) ?? Response.error()));
});

// Web push: a notification the server pushed (encrypted for this browser) is shown unless the
// app is open in front of the agent, who sees it in the bell already. A click brings the app
// forward on the conversation, or opens it there.

self.addEventListener('push', (event) => {
  event.waitUntil(showPushed(event.data));
});

/** Only a path of this site: a pushed link never leads elsewhere. */
function samePath(url) {
  return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') ? url : '/';
}

async function showPushed(data) {
  let message = {};
  try { message = data ? data.json() : {}; } catch { message = { body: data ? data.text() : '' }; }
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const watching = windows.some((client) => client.visibilityState === 'visible' && client.focused);
  if (watching && message.tag !== 'test') return;
  await self.registration.showNotification(String(message.title || 'Shopdesk'), {
    body: String(message.body || ''),
    tag: typeof message.tag === 'string' ? message.tag : undefined,
    icon: '/app/icon-192.png',
    data: { url: samePath(message.url) },
  });
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = samePath(event.notification.data?.url);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).pathname === '/');
    if (!open) return self.clients.openWindow(url);
    // The open app changes its route itself (no reload, nothing typed lost).
    open.postMessage({ type: 'open', hash: new URL(url, self.location.origin).hash });
    return open.focus();
  })());
});
