// The composer's @mentions: what is being typed, who it could be, who is still named.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchingAgents, mentionAt, mentionedIds } from '../../Sources/ShopdeskServer/Public/app/mention-text.js';

const agents = [{ id: 1, name: 'Ana Lima' }, { id: 2, name: 'Ivo Horvat' }, { id: 3, name: 'Željka Anić' }, { id: 4, name: 'Ольга' }];

test('the mention being typed is the @ word before the caret, not an email address', () => {
  assert.deepEqual(mentionAt('please @iv', 10), { start: 7, query: 'iv' });
  assert.deepEqual(mentionAt('@', 1), { start: 0, query: '' });
  assert.deepEqual(mentionAt('cc @Ana Li', 10), { start: 3, query: 'Ana Li' });
  assert.equal(mentionAt('write ana@shop', 14), null);
  assert.equal(mentionAt('@ana\nnext line', 14), null);
  assert.equal(mentionAt('no mention here', 15), null);
});

test('agents match by the start of any word of their name, accents and case ignored', () => {
  assert.deepEqual(matchingAgents(agents, 'an').map((agent) => agent.id), [1, 3]);
  assert.deepEqual(matchingAgents(agents, 'zelj').map((agent) => agent.id), [3]);
  assert.deepEqual(matchingAgents(agents, 'оль').map((agent) => agent.id), [4]);
  assert.equal(matchingAgents(agents, '').length, 4);
  assert.equal(matchingAgents(agents, 'x').length, 0);
});

test('only agents still named in the text are sent as mentions', () => {
  assert.deepEqual(mentionedIds('@Ana Lima and @Ivo Horvat, look', agents), [1, 2]);
  assert.deepEqual(mentionedIds('@Ana Lima only', agents), [1]);
});
