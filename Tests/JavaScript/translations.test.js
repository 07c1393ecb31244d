// Every language has every string of the app (English is the reference, one file per language in
// Public/app/i18n/), and every intent the shipped model knows has a label.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import en from '../../Sources/ShopdeskServer/Public/app/i18n/en.js';
import ptBR from '../../Sources/ShopdeskServer/Public/app/i18n/pt-BR.js';
import ru from '../../Sources/ShopdeskServer/Public/app/i18n/ru.js';
import hr from '../../Sources/ShopdeskServer/Public/app/i18n/hr.js';

const languages = { 'pt-BR': ptBR, ru, hr };

test('every language has every key English has, nothing English lacks, and no empty string', () => {
  const reference = Object.keys(en);
  for (const [language, strings] of Object.entries({ en, ...languages })) {
    const missing = reference.filter((key) => !(key in strings));
    assert.deepEqual(missing, [], `${language} lacks ${missing.join(', ')}`);
    const extra = Object.keys(strings).filter((key) => !(key in en));
    assert.deepEqual(extra, [], `${language} has keys English lacks: ${extra.join(', ')}`);
    const empty = Object.entries(strings).filter(([, value]) => !String(value).trim()).map(([key]) => key);
    assert.deepEqual(empty, [], `${language} has empty ${empty.join(', ')}`);
  }
});

test('a list of pairs (the keyboard help) has as many entries in every language', () => {
  for (const [key, value] of Object.entries(en)) {
    if (!Array.isArray(value)) continue;
    for (const [language, strings] of Object.entries(languages)) {
      assert.equal(strings[key].length, value.length, `${language}: ${key}`);
    }
  }
});

test('every intent of the shipped taxonomy has a label', () => {
  const source = readFileSync(new URL('../../Sources/ShopdeskIntelligence/Insight.swift', import.meta.url), 'utf8');
  const list = source.match(/public static let all = \[([^\]]*)\]/)?.[1] ?? '';
  const intents = [...list.matchAll(/"([a-z_]+)"/g)].map((match) => match[1]);
  assert.ok(intents.length >= 10, 'the taxonomy was found');
  for (const intent of intents) assert.ok(`intent.${intent}` in en, `no label for ${intent}`);
});

test('a problem with a known code is worded in the agent\'s language with its values', async () => {
  const { problemText } = await import('../../Sources/ShopdeskServer/Public/app/api.js');
  const { setLocale } = await import('../../Sources/ShopdeskServer/Public/app/i18n.js');
  const problem = { code: 'reply_window_closed_templates', values: { channel: 'WhatsApp', hours: '24' }, detail: 'English words' };
  setLocale('hr');
  assert.equal(problemText(problem), 'WhatsApp dopušta tvrtki odgovoriti samo 24 h nakon kupčeve zadnje poruke, a to je vrijeme prošlo. Pošaljite odobreni predložak.');
  setLocale('ru');
  assert.equal(problemText({ code: 'too_many_signins' }, '30'), 'Слишком много неудачных попыток входа. Попробуйте снова через 30 с.');
  // A code the app does not know keeps the server's words, as do the generic `invalid` and
  // `conflict` (their details name the field); the generic ones whose detail an agent does not
  // need are worded.
  assert.equal(problemText({ code: 'something_new', detail: 'x' }), null);
  assert.equal(problemText({ code: 'invalid', detail: 'x' }), null);
  assert.equal(problemText({ code: 'not_found', detail: 'Conversation 5 was not found.' }), 'Этого больше нет: возможно, удалено или объединено. Обновите страницу.');
  assert.equal(problemText({ code: 'macro_name_taken', values: { name: 'Возврат' } }), 'Шаблон «Возврат» уже существует; выберите другое название.');
  setLocale('pt-BR');
  assert.equal(problemText({ code: 'rate_limited' }, '12'), 'Muitas solicitações; tente de novo em 12 s.');
  setLocale('en');
});

test('no visible text in the app bypasses the translations', () => {
  const directory = new URL('../../Sources/ShopdeskServer/Public/app/', import.meta.url);
  // Names that are the same in every language.
  const allowed = new Set(['Shopdesk']);
  // Examples of a value's shape in placeholders (an address, a link, a host, a language code, tags).
  const example = /@|:\/\/|^[a-z]{2}$|^[a-z0-9-]+(\.[a-z0-9-]+)+$|^[a-z]+(, [a-z]+)+$/;
  const patterns = [
    // h('tag', {…}, 'Text') and h('tag', null, 'Text'): a literal child.
    /\bh\(\s*'[^']*'\s*,\s*(?:\{[^{}]*\}|null)\s*,\s*'([^']*)'/g,
    /\.textContent\s*=\s*'([^']*)'/g,
    /(?:\bplaceholder|\btitle|'aria-label'|\balt)\s*:\s*'([^']*)'/g,
    /\.(?:placeholder|title)\s*=\s*'([^']*)'/g,
  ];
  const found = [];
  for (const name of readdirSync(directory)) {
    if (!name.endsWith('.js') || name.startsWith('i18n')) continue;
    const source = readFileSync(new URL(name, directory), 'utf8');
    for (const pattern of patterns) {
      for (const match of source.matchAll(pattern)) {
        const text = match[1];
        if (/\p{L}{2}/u.test(text) && !allowed.has(text) && !example.test(text)) found.push(`${name}: ${text}`);
      }
    }
  }
  assert.deepEqual(found, []);
});
