// The service worker's web-push handling, run in a sandbox with the parts of the worker scope it
// uses: what a push shows, when it stays quiet, and where a click leads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const source = readFileSync(new URL('../../Sources/ShopdeskServer/Public/sw.js', import.meta.url), 'utf8');

function worker({ windows = [] } = {}) {
  const listeners = {};
  const shown = [];
  const opened = [];
  const self = {
    location: { origin: 'https://desk.example' },
    addEventListener: (type, handler) => { listeners[type] = handler; },
    clients: { matchAll: async () => windows, openWindow: async (url) => { opened.push(url); }, claim: async () => {} },
    registration: { showNotification: async (title, options) => { shown.push({ title, ...options }); } },
  };
  vm.runInNewContext(source, { self, caches: {}, fetch: () => {}, URL, Response: {}, console });
  async function dispatch(type, event) {
    let pending = Promise.resolve();
    listeners[type]({ ...event, waitUntil: (promise) => { pending = promise; } });
    await pending;
  }
  return { dispatch, shown, opened };
}

const pushed = (object) => ({ data: { json: () => object, text: () => JSON.stringify(object) } });

test('a pushed notification is shown with its words and a link inside the app', async () => {
  const sw = worker();
  await sw.dispatch('push', pushed({ title: 'Ana mentioned you · #12', body: 'Can you check?', url: '/#/all/12', tag: 'conversation-12' }));
  assert.equal(sw.shown.length, 1);
  assert.equal(sw.shown[0].title, 'Ana mentioned you · #12');
  assert.equal(sw.shown[0].body, 'Can you check?');
  assert.equal(sw.shown[0].tag, 'conversation-12');
  assert.equal(sw.shown[0].data.url, '/#/all/12');
});

test('a link that leaves the site is replaced by the app itself', async () => {
  for (const url of ['https://evil.example/', '//evil.example/x', 'javascript:alert(1)', 42]) {
    const sw = worker();
    await sw.dispatch('push', pushed({ title: 'x', url }));
    assert.equal(sw.shown[0].data.url, '/', String(url));
  }
});

test('nothing is shown while the agent is looking at the app, except a test', async () => {
  const sw = worker({ windows: [{ url: 'https://desk.example/', visibilityState: 'visible', focused: true }] });
  await sw.dispatch('push', pushed({ title: 'Assigned to you · #3', tag: 'conversation-3' }));
  assert.equal(sw.shown.length, 0);
  await sw.dispatch('push', pushed({ title: 'Shopdesk', tag: 'test' }));
  assert.equal(sw.shown.length, 1);
});

test('a click opens the app on the conversation, or tells the open app to go there', async () => {
  const closed = worker();
  await closed.dispatch('notificationclick', { notification: { close() {}, data: { url: '/#/all/12' } } });
  assert.equal(closed.opened.join(), '/#/all/12');

  const messages = [];
  let focused = false;
  const open = worker({ windows: [{ url: 'https://desk.example/#/mine', postMessage: (m) => messages.push(m), focus: async () => { focused = true; } }] });
  await open.dispatch('notificationclick', { notification: { close() {}, data: { url: '/#/all/12' } } });
  assert.equal(JSON.stringify(messages), JSON.stringify([{ type: 'open', hash: '#/all/12' }]));
  assert.ok(focused);
  assert.equal(open.opened.length, 0);
});

test('a push whose data is not JSON still shows its text', async () => {
  const sw = worker();
  await sw.dispatch('push', { data: { json: () => { throw new SyntaxError('no'); }, text: () => 'plain words' } });
  assert.equal(sw.shown[0].body, 'plain words');
  assert.equal(sw.shown[0].title, 'Shopdesk');
});
