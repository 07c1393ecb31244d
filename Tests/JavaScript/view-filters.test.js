// Saved views' pure parts: the filter a view stands for, a board's columns, capped counts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardColumns, compact, countText, fieldColumns, fieldsOf } from '../../Sources/ShopdeskServer/Public/app/view-filters.js';

test('every view of the navigation reads as the fields a saved view keeps', () => {
  assert.deepEqual(fieldsOf('mine'), { status: ['open'], assignee: ['me'] });
  assert.deepEqual(fieldsOf('pending'), { status: ['pending'] });
  assert.deepEqual(fieldsOf('all'), {});
  assert.deepEqual(fieldsOf('inbox:4'), { status: ['open'], inbox: ['4'] });
  assert.deepEqual(fieldsOf('tag:late%2C%20again'), { tag: ['late, again'] });
  const saved = [{ id: 9, filters: { channel: ['email', 'chat'] } }];
  assert.deepEqual(fieldsOf('saved:9', saved), { channel: ['email', 'chat'] });
  // A copy: editing it does not change the stored view.
  fieldsOf('saved:9', saved).channel = [];
  assert.deepEqual(saved[0].filters.channel, ['email', 'chat']);
  assert.deepEqual(fieldsOf('saved:10', saved), {});
});

test('a board has a column per status its filter allows, in the order work moves', () => {
  assert.deepEqual(boardColumns({}), ['open', 'pending', 'snoozed', 'resolved']);
  assert.deepEqual(boardColumns({ status: ['resolved', 'open'] }), ['open', 'resolved']);
});

test('empty fields are dropped and a count at its cap says so', () => {
  assert.deepEqual(compact({ status: [], tag: ['vip'] }), { tag: ['vip'] });
  const format = (value) => value.toLocaleString('en');
  assert.equal(countText(12, 1000, format), '12');
  assert.equal(countText(1000, 1000, format), '1,000+');
  assert.equal(countText(undefined, 1000, format), '');
});

test('a board by a custom field has a column per option, then one for none, as its filter allows', () => {
  const reason = { key: 'return_reason', kind: 'dropdown', options: ['Too small', 'Too big', 'Damaged'] };
  assert.deepEqual(fieldColumns(reason, {}), ['Too small', 'Too big', 'Damaged', '']);
  assert.deepEqual(fieldColumns(reason, { 'custom.return_reason': ['Damaged', 'Too small'] }), ['Too small', 'Damaged']);
  assert.deepEqual(fieldColumns({ key: 'gift', kind: 'checkbox', options: [] }, { status: ['open'] }), ['true', 'false', '']);
});
