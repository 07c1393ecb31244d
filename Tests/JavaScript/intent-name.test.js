// An intent's name made from a cluster's words: what the server accepts ([a-z][a-z0-9_]{2,39}).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intentName } from '../../Sources/ShopdeskServer/Public/app/intent-name.js';

test('words become a name the server accepts', () => {
  assert.equal(intentName('gift wrapping'), 'gift_wrapping');
  assert.equal(intentName('embrulho presente'), 'embrulho_presente');
  assert.equal(intentName('poklon pakiranje'), 'poklon_pakiranje');
  assert.equal(intentName('cartão'), 'cartao');
  assert.equal(intentName('подарочная упаковка'), 'topic');
  assert.equal(intentName('24h delivery'), 'topic_24h_delivery');
  for (const words of ['gift wrapping', 'подарочная упаковка', '24h delivery', 'x', 'a'.repeat(80)]) {
    assert.match(intentName(words), /^[a-z][a-z0-9_]{2,39}$/);
  }
});
