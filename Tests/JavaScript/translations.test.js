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
