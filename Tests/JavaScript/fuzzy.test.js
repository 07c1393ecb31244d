// Commands found by a few letters in every language the app speaks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fold, rank } from '../../Sources/ShopdeskServer/Public/app/fuzzy.js';

const labels = ['Send and resolve', 'Resolve', 'Assign to me', 'Pošalji i riješi', 'Назначить себе', 'Snooze until tomorrow 9:00', 'Go to Open'];
const find = (query) => rank(labels, query, (label) => label);

test('accents and case do not matter; Cyrillic letters stay themselves', () => {
  assert.equal(fold('Pošalji i RIJEŠI'), 'posalji i rijesi');
  assert.equal(fold('Ещё Й'), 'еще й');
  assert.equal(fold('Ação'), 'acao');
  assert.deepEqual(find('pos ri'), ['Pošalji i riješi']);
  assert.deepEqual(find('назнач'), ['Назначить себе']);
});

test('word starts first, then words inside, every typed word needed', () => {
  assert.deepEqual(find('res'), ['Resolve', 'Send and resolve']);
  assert.deepEqual(find('olve'), ['Resolve', 'Send and resolve'], 'three letters or more may sit inside a word');
  assert.deepEqual(find('snooze tom'), ['Snooze until tomorrow 9:00']);
  assert.deepEqual(find('assign nobody'), []);
  assert.equal(find('').length, labels.length);
});
