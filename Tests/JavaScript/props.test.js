// When a mounted view draws again: only when one of its props is another value.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameProps } from '../../Sources/ShopdeskServer/Public/app/props.js';

test('props are the same when every field holds the very same value', () => {
  const items = [{ id: 1 }];
  const picked = new Set([1]);
  assert.equal(sameProps({ items, picked, view: 'open' }, { items, picked, view: 'open' }), true);
  // A list loaded again is a new array, even with equal contents: the view draws again.
  assert.equal(sameProps({ items, view: 'open' }, { items: [{ id: 1 }], view: 'open' }), false);
  assert.equal(sameProps({ items, view: 'open' }, { items, view: 'pending' }), false);
  // A field missing on one side is a difference, even when the other holds undefined.
  assert.equal(sameProps({ a: undefined }, { b: undefined }), false);
  assert.equal(sameProps({ a: 1 }, { a: 1, b: 2 }), false);
  assert.equal(sameProps({ n: NaN }, { n: NaN }), true);
});
