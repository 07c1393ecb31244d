#!/usr/bin/env python3
"""Expands the team's templates into the CSV files that `shopdesk intel train` reads.

Each template is filled three times (different order numbers, products, sizes and days), once as
written, once as a hurried customer types it (lowercase, no final punctuation, sometimes a typo)
and once without diacritics, because real messages come in all three forms. Every fifth template
goes to the *_test.csv files, with all of its variants, so a test sentence never has a sibling in
training. Deterministic: run it twice, get the same files.
"""
import csv, os, random, re, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261124)

PRODUCTS = {
    'en': ['jacket', 'sneakers', 'backpack', 'phone case', 'dress', 'lamp', 'coffee grinder', 'hoodie'],
    'pt': ['casaco', 'tênis', 'mochila', 'capinha', 'vestido', 'luminária', 'moedor de café', 'moletom'],
    'ru': ['куртка', 'кроссовки', 'рюкзак', 'чехол', 'платье', 'лампа', 'кофемолка', 'худи'],
    'hr': ['jakna', 'tenisice', 'ruksak', 'maskica', 'haljina', 'lampa', 'mlinac za kavu', 'majica'],
    'es': ['chaqueta', 'mochila', 'vestido', 'lámpara'], 'de': ['Jacke', 'Rucksack', 'Kleid', 'Lampe'],
    'fr': ['veste', 'sac à dos', 'robe', 'lampe'], 'it': ['giacca', 'zaino', 'vestito', 'lampada'],
    'pl': ['kurtka', 'plecak', 'sukienka', 'lampa'], 'uk': ['куртка', 'рюкзак', 'сукня', 'лампа'],
    'sr': ['јакна', 'ranac', 'haljina', 'лампа'], 'bs': ['jakna', 'ranac', 'haljina', 'lampa'],
}
SIZES = ['S', 'M', 'L', 'XL', '38', '40', '42', '44']

def order_number():
    number = rng.randint(1000, 99999)
    return rng.choice([f'#{number}', f'{number}', f'#{number}', f'SD{number}'])

def fill(template, lang):
    text = template
    text = text.replace('{n}', order_number())
    text = text.replace('{d}', str(rng.randint(3, 21)))
    text = text.replace('{p}', rng.choice(PRODUCTS[lang]))
    text = text.replace('{s}', rng.choice(SIZES))
    return text

def strip_diacritics(text):
    decomposed = unicodedata.normalize('NFD', text)
    kept = ''.join(c for c in decomposed if not (unicodedata.combining(c) and ord(c) < 0x370))
    return unicodedata.normalize('NFC', kept).replace('đ', 'dj').replace('Đ', 'Dj')

def hurried(text):
    text = text.lower().rstrip('?!.')
    words = text.split(' ')
    long_words = [i for i, w in enumerate(words) if len(w) > 5]
    if long_words and rng.random() < 0.5:
        i = rng.choice(long_words)
        w = words[i]
        j = rng.randint(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1:]
    return ' '.join(words)

def variants(template, lang):
    out = [fill(template, lang), hurried(fill(template, lang))]
    plain = strip_diacritics(fill(template, lang))
    out.append(plain if not re.search('[\u0400-\u04ff]', plain) else hurried(fill(template, lang)))
    return out

def read_templates(name):
    sections = {}
    key = None
    for line in open(os.path.join(HERE, name), encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('#') or not line.strip():
            continue
        if line.startswith('== '):
            key = tuple(line[3:].split())
            sections.setdefault(key, [])
        else:
            sections[key].append(line)
    return sections

def write(name, rows):
    with open(os.path.join(HERE, name), 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['text', 'label'])
        w.writerows(rows)

NEGATIVE = {'complaint', 'damaged_wrong_item', 'shipping_delay'}
POSITIVE = {'thanks_praise'}

intent = {}
for name in ['templates_intent_a.txt', 'templates_intent_b.txt']:
    intent.update(read_templates(name))
sentiment_extra = read_templates('templates_sentiment.txt')
languages = read_templates('templates_language.txt')

splits = {kind: {'train': [], 'test': []} for kind in ['intent', 'sentiment', 'language']}
counter = 0
for (label, lang), templates in intent.items():
    for template in templates:
        counter += 1
        split = 'test' if counter % 5 == 0 else 'train'
        for text in variants(template, lang):
            splits['intent'][split].append((text, label))
            mood = 'negative' if label in NEGATIVE else 'positive' if label in POSITIVE else 'neutral'
            splits['sentiment'][split].append((text, mood))
            splits['language'][split].append((text, lang))
for (label, lang), templates in sentiment_extra.items():
    for template in templates:
        counter += 1
        split = 'test' if counter % 5 == 0 else 'train'
        for text in variants(template, lang):
            splits['sentiment'][split].append((text, label))
            splits['language'][split].append((text, lang))
for (lang,), templates in languages.items():
    for template in templates:
        counter += 1
        split = 'test' if counter % 5 == 0 else 'train'
        for text in variants(template, lang):
            splits['language'][split].append((text, lang))

for kind, parts in splits.items():
    for split, rows in parts.items():
        write(f'{kind}_{split}.csv', rows)
        print(kind, split, len(rows))
