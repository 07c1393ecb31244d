// The agent app's store: every change goes through `dispatch`, the reducer never touches the
// state it was given, and the state is frozen so a stray assignment fails.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reduce } from '../../Sources/ShopdeskServer/Public/app/reducer.js';
import { dispatch, state as initial, subscribe } from '../../Sources/ShopdeskServer/Public/app/store.js';

test('the reducer returns a new state and leaves the old one as it was', () => {
  const before = initialState();
  const after = reduce(before, { type: 'listLoaded', items: [{ id: 1 }], cursor: 'c1', counts: { open: 1 } });
  assert.deepEqual(before.items, []);
  assert.deepEqual(after.items, [{ id: 1 }]);
  assert.equal(after.cursor, 'c1');
  const more = reduce(after, { type: 'listLoaded', items: [{ id: 2 }], more: true, cursor: null });
  assert.deepEqual(more.items.map((item) => item.id), [1, 2], 'a next page is appended');
  assert.deepEqual(more.counts, { open: 1 }, 'counts stay when a page has none');
  assert.throws(() => reduce(before, { type: 'noSuchAction' }), /Unknown action/);
});

test('a refresh asked for during a load is remembered until the next load starts', () => {
  let state = reduce(initialState(), { type: 'listLoading' });
  state = reduce(state, { type: 'listStale' });
  assert.equal(state.listStale, true);
  state = reduce(state, { type: 'listLoaded', items: [] });
  assert.equal(state.loadingList, false);
  assert.equal(state.listStale, true, 'the loader sees it and loads again');
  state = reduce(state, { type: 'listLoading' });
  assert.equal(state.listStale, false);
});

test('picks are kept only for conversations still in the list, in new sets; a read conversation is no longer unread', () => {
  let state = reduce(initialState(), { type: 'picked', id: 1, on: true });
  const picked = state.picked;
  state = reduce(state, { type: 'picked', id: 2, on: true });
  assert.notEqual(state.picked, picked, 'a new set: the old state still has one pick');
  assert.deepEqual([...picked], [1]);
  state = reduce(state, { type: 'listLoaded', items: [{ id: 2 }, { id: 3 }] });
  assert.deepEqual([...state.picked], [2]);
  const kept = state.picked;
  assert.equal(reduce(state, { type: 'listLoaded', items: [{ id: 2 }] }).picked, kept, 'nothing left the list: the same set');
  const listed = reduce(state, { type: 'listLoaded', items: [{ id: 2, unread: true }] });
  const read = reduce(listed, { type: 'markedRead', id: 2 });
  assert.equal(listed.items[0].unread, true, 'the earlier state keeps its row');
  assert.equal(read.items[0].unread, false);
});

test('another conversation drops the files waiting to be sent; a refresh keeps earlier pages', () => {
  let state = reduce(initialState(), { type: 'conversationSelected', id: 7 });
  state = reduce(state, { type: 'fileUploaded', file: { id: 1 } });
  assert.equal(reduce(state, { type: 'conversationSelected', id: 7 }), state, 'the same conversation: nothing changes');
  assert.deepEqual(reduce(state, { type: 'conversationSelected', id: 8 }).pendingFiles, []);
  state = reduce(state, { type: 'conversationLoaded', conversation: { id: 7 }, messages: [{ id: 10 }], messagesBefore: 'b',
    timeline: [], customer: null, customerConversations: [], visitor: null, attachments: [{ id: 5, file_name: 'a.png' }, null] });
  assert.equal(state.attachments.get(5).file_name, 'a.png');
  state = reduce(state, { type: 'conversationLoaded', conversation: { id: 7 }, earlier: [{ id: 9 }], messages: [{ id: 10 }, { id: 11 }],
    messagesBefore: 'new', timeline: [], customer: null, customerConversations: [], visitor: null });
  assert.deepEqual(state.messages.map((message) => message.id), [9, 10, 11]);
  assert.equal(state.messagesBefore, 'b', 'the cursor before the earlier pages stays');
});

test('presence per conversation and agent: arrive, change, leave', () => {
  let state = reduce(initialState(), { type: 'presenceChanged', conversationId: 3, agentId: 2, name: 'Ana', state: 'viewing', at: 1 });
  const first = state.presence;
  state = reduce(state, { type: 'presenceChanged', conversationId: 3, agentId: 2, name: 'Ana', state: 'typing', at: 2 });
  assert.equal(first.get(3).get(2).state, 'viewing', 'the earlier state is untouched');
  assert.equal(state.presence.get(3).get(2).state, 'typing');
  state = reduce(state, { type: 'presenceChanged', conversationId: 3, agentId: 2, state: 'left' });
  assert.equal(state.presence.get(3).size, 0);
});

test('signing out forgets the whole session', () => {
  let state = reduce(initialState(), { type: 'signedIn', me: { id: 1 }, workspace: { id: 1 } });
  state = reduce(state, { type: 'directoryLoaded', agents: [{ id: 1, name: 'Ana' }], tags: [{ name: 'vip' }] });
  assert.equal(state.agents.get(1).name, 'Ana');
  state = reduce(state, { type: 'directoryLoaded', inboxes: [{ id: 4 }] });
  assert.deepEqual(state.tags, [{ name: 'vip' }], 'what a partial load does not name stays');
  assert.deepEqual(reduce(state, { type: 'signedOut' }), initialState());
});

test('the store freezes its state and tells subscribers what changed', () => {
  assert.ok(Object.isFrozen(initial));
  const seen = [];
  const stop = subscribe((next, previous, action) => seen.push([action.type, previous.sort, next.sort]));
  dispatch({ type: 'sorted', sort: 'oldest' });
  dispatch({ type: 'pickCleared' });   // nothing to clear: no change, no call
  stop();
  dispatch({ type: 'sorted', sort: 'sla' });
  assert.deepEqual(seen, [['sorted', 'newest', 'oldest']]);
});

test('saved views, notifications, followers and custom field values live in the store', () => {
  let state = reduce(initialState(), { type: 'savedViewsLoaded', views: [{ id: 1, name: 'VIP' }] });
  state = reduce(state, { type: 'viewCountsLoaded', counts: { 1: 4 }, cap: 1000 });
  assert.deepEqual([state.savedViews.length, state.viewCounts[1], state.viewCountCap], [1, 4, 1000]);
  state = reduce(state, { type: 'notificationsLoaded', items: [{ id: 9 }], unread: 1 });
  assert.equal(state.unreadNotifications, 1);
  state = reduce(state, { type: 'conversationSelected', id: 5 });
  state = reduce(state, { type: 'followersChanged', conversationId: 6, followers: [2] });
  assert.deepEqual(state.followers, [], 'another conversation\'s followers are not this one\'s');
  state = reduce(state, { type: 'followersChanged', conversationId: 5, followers: [2] });
  assert.deepEqual(state.followers, [2]);
  state = reduce(state, { type: 'fieldsChanged', entity: 'customer', values: { loyalty_card: 'GOLD' } });
  assert.deepEqual(state.fieldValues, { conversation: {}, customer: { loyalty_card: 'GOLD' } });
  state = reduce(state, { type: 'fileUploaded', file: { id: 1 } });
  state = reduce(state, { type: 'fileUploaded', file: { id: 2 } });
  assert.deepEqual(reduce(state, { type: 'fileRemoved', index: 0 }).pendingFiles, [{ id: 2 }]);
});

test('the panels beside a conversation read orders and articles from the store, replaced whole', () => {
  const before = initialState();
  const orders = { customerId: 3, items: [{ order: { number: '#1001' } }], problems: [] };
  const state = reduce(reduce(before, { type: 'ordersLoaded', orders }),
    { type: 'articlesLoaded', articles: { conversationId: 5, lastMessageId: 9, items: [{ id: 1 }] } });
  assert.equal(state.orders, orders);
  assert.deepEqual(state.articles.items, [{ id: 1 }]);
  assert.deepEqual(before.orders, { customerId: null, items: [], problems: [] }, 'the state before is unchanged');
});
