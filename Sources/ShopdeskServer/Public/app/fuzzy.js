// Finding a command by a few typed letters, in any of the app's languages: every word typed must
// begin a word of the label (or, for longer ones, appear in it), ignoring case and accents
// ("pos ri" finds "Pošalji i riješi", "назнач" finds "Назначить себе"). Pure: Node tests it.

/** Lower case without accents: "Riješi" → "rijesi", "ação" → "acao", "ещё" → "еще"; й stays й (a letter of its own). */
export function fold(text) {
  return text.toLowerCase().replace(/й/g, '\u0001').normalize('NFD').replace(/\p{M}/gu, '').replace(/\u0001/g, 'й');
}

/**
 * The items matching `query`, best first: those whose words the query begins come before those
 * that merely contain it, then the earlier the match the better; an empty query keeps them all.
 * @template T @param {T[]} items @param {string} query @param {(item: T) => string} labelOf @returns {T[]}
 */
export function rank(items, query, labelOf) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return items;
  const scored = [];
  items.forEach((item, index) => {
    const label = fold(labelOf(item));
    const starts = label.split(/[^\p{L}\p{N}#]+/u).filter(Boolean);
    let score = 0;
    for (const word of words) {
      if (starts.some((start) => start.startsWith(word))) continue;
      if (word.length >= 3 && label.includes(word)) { score += 100; continue; }
      return;
    }
    scored.push({ item, score: score + label.indexOf(words[0]) + index / 1000 });
  });
  return scored.sort((a, b) => a.score - b.score).map((entry) => entry.item);
}
