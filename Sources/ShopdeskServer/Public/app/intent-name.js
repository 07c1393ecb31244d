// An intent's name made from words a person reads ("gift wrapping" → gift_wrapping): what the
// server accepts, [a-z][a-z0-9_]{2,39}. Words in another script give "topic".

/** @param {string} words */
export function intentName(words) {
  const folded = words.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const name = folded.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  return /^[a-z]/.test(name) && name.length >= 3 ? name : `topic_${name}`.slice(0, 40).replace(/_+$/, '');
}

