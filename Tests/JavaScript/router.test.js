// What the location hash names, and the hashes and list requests the app makes from it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationHash, isView, listParams, parseHash } from '../../Sources/ShopdeskServer/Public/app/router.js';

test('a hash names a view and a conversation, or an area of the settings', () => {
  assert.deepEqual(parseHash('#/pending/42'), { page: 'inbox', view: 'pending', id: 42 });
  assert.deepEqual(parseHash('#/inbox:3'), { page: 'inbox', view: 'inbox:3', id: null });
  assert.deepEqual(parseHash('#/tag:vip%20gold/7'), { page: 'inbox', view: 'tag:vip%20gold', id: 7 });
  assert.deepEqual(parseHash('#/admin/channels'), { page: 'admin', area: 'channels' });
  assert.deepEqual(parseHash('#/reports'), { page: 'reports', area: null });
  assert.deepEqual(parseHash('#/reports/scoreboard'), { page: 'reports', area: 'scoreboard' });
  assert.deepEqual(parseHash('#/reports/other'), { page: 'reports', area: null });
  assert.deepEqual(parseHash('#/admin'), { page: 'admin', area: null });
  // Anything else opens the open conversations, never a broken page.
  assert.deepEqual(parseHash(''), { page: 'inbox', view: 'open', id: null });
  assert.deepEqual(parseHash('#/nonsense/abc'), { page: 'inbox', view: 'open', id: null });
  assert.deepEqual(parseHash('#/priority:whenever'), { page: 'inbox', view: 'open', id: null });
  assert.equal(isView('inbox:x'), false);
});

test('hashes and list requests from a view', () => {
  assert.equal(conversationHash('mine', 5), '#/mine/5');
  assert.equal(conversationHash('inbox:2', null), '#/inbox:2');
  assert.deepEqual(listParams('inbox:2'), { view: 'open', inbox: '2' });
  assert.deepEqual(listParams('priority:urgent'), { view: 'open', priority: 'urgent' });
  assert.deepEqual(listParams('tag:vip%20gold'), { view: 'all', tag: 'vip gold' });
  assert.deepEqual(listParams('resolved'), { view: 'resolved' });
  assert.deepEqual(listParams('saved:12'), { saved_view: '12' });
  assert.deepEqual(parseHash('#/saved:12/3'), { page: 'inbox', view: 'saved:12', id: 3 });
  assert.equal(isView('saved:x'), false);
});
