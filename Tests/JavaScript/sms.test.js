// node --test Tests/JavaScript: the composer's SMS counting against the GSM 03.38 rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smsSegments } from '../../Sources/ShopdeskServer/Public/app/sms.js';

test('plain GSM-7 text fits 160 characters in one SMS', () => {
  assert.deepEqual(smsSegments('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1, perSegment: 160 });
  assert.deepEqual(smsSegments('a'.repeat(161)), { encoding: 'GSM-7', units: 161, segments: 2, perSegment: 153 });
  assert.equal(smsSegments('a'.repeat(306)).segments, 2);
  assert.equal(smsSegments('a'.repeat(307)).segments, 3);
});

test('extension characters take two places and are never split across parts', () => {
  assert.equal(smsSegments('€'.repeat(80)).units, 160);
  assert.equal(smsSegments('€'.repeat(80)).segments, 1);
  // 152 single characters then a euro: 154 places, the euro starts the second part.
  assert.equal(smsSegments('a'.repeat(152) + '€' + 'a'.repeat(10)).segments, 2);
  assert.equal(smsSegments('a'.repeat(152) + '€' + 'a'.repeat(152)).segments, 3);
});

test('one letter outside GSM-7 sends the whole text as UCS-2', () => {
  assert.deepEqual(smsSegments('Hvala, šaljemo sutra'), { encoding: 'UCS-2', units: 20, segments: 1, perSegment: 70 });
  assert.equal(smsSegments('ç').encoding, 'UCS-2');
  assert.equal(smsSegments('Ç').encoding, 'GSM-7');
  assert.equal(smsSegments('Спасибо'.repeat(10)).segments, 1);
  assert.equal(smsSegments('Спасибо'.repeat(11)).segments, 2);
});

test('an emoji is two UTF-16 units and its pair is never split', () => {
  assert.equal(smsSegments('🙂').units, 2);
  assert.equal(smsSegments('a'.repeat(66) + '🙂' + 'a'.repeat(10)).segments, 2);
  assert.equal(smsSegments('a'.repeat(66) + '🙂' + 'a'.repeat(66)).segments, 3);
});

test('an empty text costs nothing', () => {
  assert.equal(smsSegments('').segments, 0);
});
