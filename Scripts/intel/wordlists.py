#!/usr/bin/env python3
"""Exports the word lists Shopdesk's language detector is trained on, from the `wordfreq`
package on PyPI (Robyn Speer et al.; code Apache-2.0, word frequency data CC BY-SA 4.0, built
from Wikipedia, subtitles, news, books, web text and social media; see docs/INTELLIGENCE.md).

    pip install wordfreq==3.1.1
    python3 Scripts/intel/wordlists.py OUT_DIR [--words 100000]

writes OUT_DIR/<language>.tsv with "word<TAB>frequency" lines, most frequent first. wordfreq
has one list for Serbo-Croatian (written in Latin letters); Croatian is trained on it, and
Serbian Cyrillic on the same list transliterated (Serbian's Latin and Cyrillic alphabets map
letter for letter). Telling Croatian, Serbian and Bosnian apart in Latin letters is left to the
dialect markers (SouthSlavic.swift).
"""
import argparse, os
import wordfreq

LANGUAGES = ["en", "pt", "ru", "hr", "uk", "pl", "de", "fr", "es", "it"]
SERBIAN_CYRILLIC = [("lj", "љ"), ("nj", "њ"), ("dž", "џ"), ("a", "а"), ("b", "б"), ("c", "ц"), ("č", "ч"), ("ć", "ћ"),
                    ("d", "д"), ("đ", "ђ"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "и"), ("j", "ј"),
                    ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"),
                    ("š", "ш"), ("t", "т"), ("u", "у"), ("v", "в"), ("z", "з"), ("ž", "ж")]

def cyrillic(word):
    out, i = [], 0
    while i < len(word):
        for latin, letter in SERBIAN_CYRILLIC:
            if word.startswith(latin, i):
                out.append(letter)
                i += len(latin)
                break
        else:
            return None  # a letter Serbian does not write (q, w, x, y): a foreign word
    return "".join(out)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--words", type=int, default=100000)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for language in LANGUAGES + ["sr"]:
        source = "hr" if language == "sr" else language
        rows = []
        for word, frequency in sorted(wordfreq.get_frequency_dict(source, wordlist="best").items(), key=lambda kv: -kv[1]):
            if not any(ch.isalpha() for ch in word) or any(ch.isdigit() for ch in word):
                continue
            if language == "sr":
                word = cyrillic(word)
                if word is None:
                    continue
            rows.append((word, frequency))
            if len(rows) >= args.words:
                break
        with open(os.path.join(args.out, f"{language}.tsv"), "w", encoding="utf-8") as handle:
            for word, frequency in rows:
                handle.write(f"{word}\t{frequency:.6g}\n")
        print(language, len(rows))

if __name__ == "__main__":
    main()
