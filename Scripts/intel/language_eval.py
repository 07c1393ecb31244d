#!/usr/bin/env python3
"""Builds Shopdesk's own language-detection evaluation sets from the translated message
catalogues Debian installs under /usr/share/locale (sentences people wrote for programs' user
interfaces, in each language). Nothing here is a language detector's published test data, and
the sets are generated on the machine, not committed (the catalogues are under their programs'
licences).

    python3 Scripts/intel/language_eval.py OUT_DIR [--per-language 1000]

writes OUT_DIR/sentences.csv, OUT_DIR/pairs.csv and OUT_DIR/words.csv (text,label), for
`shopdesk intel eval --task language --test OUT_DIR/words.csv`.
"""
import argparse, csv, gettext, glob, os, random, re, struct

LANGS = {"en": [], "pt": ["pt", "pt_BR"], "ru": ["ru"], "hr": ["hr"], "uk": ["uk"], "pl": ["pl"],
         "de": ["de"], "fr": ["fr"], "es": ["es"], "it": ["it"], "sr": ["sr"], "bs": ["bs"]}

def catalogue(path):
    """(msgid, msgstr) pairs of a .mo file, read with the stdlib's GNUTranslations."""
    try:
        with open(path, "rb") as handle:
            translations = gettext.GNUTranslations(handle)
    except (OSError, struct.error, UnicodeDecodeError, gettext.Error if hasattr(gettext, "Error") else OSError):
        return []
    except Exception:
        return []
    return [(k if isinstance(k, str) else k[0], v) for k, v in translations._catalog.items() if k]

NOISE = re.compile(r"%[-#0-9.*]*[a-zA-Z]|\{[^}]*\}|<[^>]*>|https?://\S+|\S+@\S+|[_&](?=\w)|\\[nt]|\$\w+|\S*[/\\]\S*")

def clean(text):
    text = NOISE.sub(" ", text)
    words = re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", text)
    return words

def translated(words, source):
    """The words a translator wrote: not identifiers, acronyms or words kept from the English."""
    kept = {w.lower() for w in clean(source)}
    return [w for w in words if w.lower() not in kept and not (len(w) > 1 and w.isupper())]

def sentences(lang):
    found = set()
    if lang == "en":
        for path in glob.glob("/usr/share/locale/ru/LC_MESSAGES/*.mo") + glob.glob("/usr/share/locale/de/LC_MESSAGES/*.mo"):
            for msgid, _ in catalogue(path):
                found.add(" ".join(w for w in clean(msgid) if not (len(w) > 1 and w.isupper())))
    else:
        for folder in LANGS[lang]:
            for path in glob.glob(f"/usr/share/locale/{folder}/LC_MESSAGES/*.mo"):
                for msgid, msgstr in catalogue(path):
                    if not isinstance(msgstr, str) or msgstr == msgid:
                        continue
                    found.add(" ".join(translated(clean(msgstr), msgid)))
    return sorted(s for s in found if len(s.split()) >= 4)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--per-language", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    rows = {"sentences": [], "pairs": [], "words": []}
    for lang in LANGS:
        pool = sentences(lang)
        rng.shuffle(pool)
        picked = pool[: args.per_language]
        rows["sentences"] += [(s, lang) for s in picked]
        pairs, words = set(), set()
        for s in pool:
            tokens = s.split()
            start = rng.randrange(0, len(tokens) - 1)
            pairs.add(" ".join(tokens[start:start + 2]))
            words.add(rng.choice(tokens))
        rows["pairs"] += [(p, lang) for p in rng.sample(sorted(pairs), min(args.per_language, len(pairs)))]
        rows["words"] += [(w, lang) for w in rng.sample(sorted(words), min(args.per_language, len(words)))]
        print(lang, len(pool), "sentences")
    for name, items in rows.items():
        with open(os.path.join(args.out, f"{name}.csv"), "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "label"])
            writer.writerows(items)

if __name__ == "__main__":
    main()
