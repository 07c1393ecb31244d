// How many SMS a text costs. A text whose every character is in the GSM 03.38 alphabet goes as
// GSM-7: 160 characters in one SMS, 153 per part when split (the rest of each part is the header
// that joins them), and the extension characters (€, [, ], {, }, ^, ~, |, \) take two places.
// Anything else (č, ć, š, ž, đ, ã, õ, ç, Cyrillic, emoji) sends the whole text as UCS-2: 70
// UTF-16 units, 67 per part. A part never splits an extension pair or a surrogate pair.
// Pure: no DOM, so node --test checks it.

const basic = new Set(Array.from('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'));
const extension = new Set(Array.from('^{}\\[~]|€\f'));

/**
 * @param {string} text
 * @returns {{ encoding: 'GSM-7' | 'UCS-2', units: number, segments: number, perSegment: number }}
 */
export function smsSegments(text) {
  const characters = Array.from(text);
  const gsm = characters.every((character) => basic.has(character) || extension.has(character));
  const sizes = characters.map((character) => (gsm ? (extension.has(character) ? 2 : 1) : character.length));
  const units = sizes.reduce((sum, size) => sum + size, 0);
  const single = gsm ? 160 : 70;
  const part = gsm ? 153 : 67;
  if (units === 0) return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments: 0, perSegment: single };
  if (units <= single) return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments: 1, perSegment: single };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) { segments += 1; used = 0; }
    used += size;
  }
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments, perSegment: part };
}
