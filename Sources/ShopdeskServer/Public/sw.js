// The agent app's service worker: it makes the app installable and lets it open without a
// network. Every request for the app itself (the page, its scripts, styles and icons) goes to
// the server first, so an online agent always runs the current version; the copy kept here is
// used only when the server cannot be reached. The API is never cached: conversations are only
// ever what the server says now.

const CACHE = 'shopdesk-app-v1';

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
