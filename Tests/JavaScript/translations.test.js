// Every language has every string of the app's translation files (English is the reference), and
// every intent the shipped model knows has a label.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { automationStrings } from '../../Sources/ShopdeskServer/Public/app/i18n-automation.js';
import { channelStrings } from '../../Sources/ShopdeskServer/Public/app/i18n-channels.js';
import { commerceStrings } from '../../Sources/ShopdeskServer/Public/app/i18n-commerce.js';
import { conversationStrings } from '../../Sources/ShopdeskServer/Public/app/i18n-conversations.js';
import { helpStrings } from '../../Sources/ShopdeskServer/Public/app/i18n-help.js';
import { labelStrings } from '../../Sources/ShopdeskServer/Public/app/i18n-labels.js';

const files = { automationStrings, channelStrings, commerceStrings, conversationStrings, helpStrings, labelStrings };

test('every language has every key English has, and no empty string', () => {
  for (const [file, bundles] of Object.entries(files)) {
    const reference = Object.keys(bundles.en);
    for (const [language, strings] of Object.entries(bundles)) {
      const missing = reference.filter((key) => !(key in strings));
      assert.deepEqual(missing, [], `${file}: ${language} lacks ${missing.join(', ')}`);
      const empty = Object.entries(strings).filter(([, value]) => !String(value).trim()).map(([key]) => key);
      assert.deepEqual(empty, [], `${file}: ${language} has empty ${empty.join(', ')}`);
    }
  }
});

test('every intent of the shipped taxonomy has a label', () => {
  const source = readFileSync(new URL('../../Sources/ShopdeskIntelligence/Insight.swift', import.meta.url), 'utf8');
  const list = source.match(/public static let all = \[([^\]]*)\]/)?.[1] ?? '';
  const intents = [...list.matchAll(/"([a-z_]+)"/g)].map((match) => match[1]);
  assert.ok(intents.length >= 10, 'the taxonomy was found');
  for (const intent of intents) assert.ok(`intent.${intent}` in labelStrings.en, `no label for ${intent}`);
});

test('a problem with a known code is worded in the agent\'s language with its values', async () => {
  const { problemText } = await import('../../Sources/ShopdeskServer/Public/app/api.js');
  const { setLocale } = await import('../../Sources/ShopdeskServer/Public/app/i18n.js');
  const problem = { code: 'reply_window_closed_templates', values: { channel: 'WhatsApp', hours: '24' }, detail: 'English words' };
  setLocale('hr');
  assert.equal(problemText(problem), 'WhatsApp dopušta tvrtki odgovoriti samo 24 h nakon kupčeve zadnje poruke, a to je vrijeme prošlo. Pošaljite odobreni predložak.');
  setLocale('ru');
  assert.equal(problemText({ code: 'too_many_signins' }, '30'), 'Слишком много неудачных попыток входа. Попробуйте снова через 30 с.');
  // A code the app does not know keeps the server's words.
  assert.equal(problemText({ code: 'something_new', detail: 'x' }), null);
  setLocale('en');
});
