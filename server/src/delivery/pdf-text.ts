/**
 * Makes arbitrary Unicode printable with the PDF standard fonts.
 *
 * jsPDF's built-in Helvetica/Courier are the PDF "standard 14" fonts with WinAnsiEncoding
 * (Windows-1252): they have no glyphs for Devanagari, emoji or `₹`, and jsPDF does not throw
 * on such text but writes byte garbage. Embedding a Unicode font would cost 100+ KB per PDF,
 * five times the 20 KB budget (docs/operations.md#performance-budgets), so instead we:
 *
 * 1. keep every character Windows-1252 can show (Latin-1 plus “smart quotes”, €, –, …);
 * 2. transliterate the Indian scripts (Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil,
 *    Telugu, Kannada, Malayalam) to plain Latin: holder names at an Indian door are often in
 *    these scripts, and "Rahul Sharma" is more useful to door staff than "?????";
 * 3. decompose other accented Latin (ā, ş, ﬁ, full-width forms) to their base letters;
 * 4. drop emoji, joiners and variation selectors, and show other scripts as `?`.
 *
 * The stored name, the email and the ticket page keep the original text; only the PDF
 * shows this approximation, and admission depends on the QR code, never on the name.
 */

/** Windows-1252's characters above Latin-1's printable range (0x80–0x9F), by code point. */
const CP1252_EXTRAS = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122,
  0x0161, 0x203a, 0x0153, 0x017e, 0x0178,
]);

/** Characters outside Windows-1252 with an obvious printable stand-in. */
const REPLACEMENTS: Record<number, string> = {
  0x20b9: 'Rs.', // ₹: the rupee sign postdates every standard font
  0x2010: '-',
  0x2011: '-',
  0x2012: '-',
  0x2015: '-',
  0x2032: "'",
  0x2033: '"',
  0x2212: '-',
};

/**
 * Latin for the ISCII-derived layout that Unicode gives every Indian script block: the same
 * offset from the block start is the same letter in Devanagari (U+0900), Bengali (U+0980),
 * Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada and Malayalam (U+0D00). One table
 * therefore covers all nine; letters a script lacks are simply never met.
 * Long vowels fold to short ones ("Ram", not "Raam") because that is how Indian names are
 * usually spelled in English. Index = offset from the block start.
 */
const INDIC_LETTERS: Record<number, string> = {
  0x01: 'n',
  0x02: 'n',
  0x03: 'h',
  0x05: 'a',
  0x06: 'a',
  0x07: 'i',
  0x08: 'i',
  0x09: 'u',
  0x0a: 'u',
  0x0b: 'ri',
  0x0c: 'li',
  0x0d: 'e',
  0x0e: 'e',
  0x0f: 'e',
  0x10: 'ai',
  0x11: 'o',
  0x12: 'o',
  0x13: 'o',
  0x14: 'au',
  0x3d: "'",
  0x50: 'om',
  0x60: 'ri',
  0x61: 'li',
  0x64: '.',
  0x65: '.',
  0x70: '.',
};
const INDIC_CONSONANTS: Record<number, string> = {
  0x15: 'k',
  0x16: 'kh',
  0x17: 'g',
  0x18: 'gh',
  0x19: 'ng',
  0x1a: 'ch',
  0x1b: 'chh',
  0x1c: 'j',
  0x1d: 'jh',
  0x1e: 'ny',
  0x1f: 't',
  0x20: 'th',
  0x21: 'd',
  0x22: 'dh',
  0x23: 'n',
  0x24: 't',
  0x25: 'th',
  0x26: 'd',
  0x27: 'dh',
  0x28: 'n',
  0x29: 'n',
  0x2a: 'p',
  0x2b: 'ph',
  0x2c: 'b',
  0x2d: 'bh',
  0x2e: 'm',
  0x2f: 'y',
  0x30: 'r',
  0x31: 'r',
  0x32: 'l',
  0x33: 'l',
  0x34: 'zh',
  0x35: 'v',
  0x36: 'sh',
  0x37: 'sh',
  0x38: 's',
  0x39: 'h',
  0x58: 'q',
  0x59: 'kh',
  0x5a: 'gh',
  0x5b: 'z',
  0x5c: 'r',
  0x5d: 'rh',
  0x5e: 'f',
  0x5f: 'y',
  // Malayalam chillu letters (U+0D7A–U+0D7F): consonants without a vowel.
  0x7a: 'n',
  0x7b: 'n',
  0x7c: 'r',
  0x7d: 'l',
  0x7e: 'l',
  0x7f: 'k',
};
/** Dependent vowel signs (matras): they replace a consonant's inherent "a". */
const INDIC_VOWEL_SIGNS: Record<number, string> = {
  0x3e: 'a',
  0x3f: 'i',
  0x40: 'i',
  0x41: 'u',
  0x42: 'u',
  0x43: 'ri',
  0x44: 'ri',
  0x45: 'e',
  0x46: 'e',
  0x47: 'e',
  0x48: 'ai',
  0x49: 'o',
  0x4a: 'o',
  0x4b: 'o',
  0x4c: 'au',
  0x57: 'au',
  0x62: 'li',
  0x63: 'li',
};
const VIRAMA = 0x4d;
const INDIC_START = 0x0900;
const INDIC_END = 0x0d7f;
/**
 * Hindi, Marathi, Punjabi, Gujarati and Bengali drop a word-final inherent vowel in speech
 * (राहुल is "Rahul", not "Rahula"); the southern languages keep it, so only these blocks do.
 */
const SCHWA_DELETING_BLOCKS = new Set([0x0900, 0x0980, 0x0a00, 0x0a80]);

function isWinAnsi(cp: number): boolean {
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff && cp !== 0xad) || CP1252_EXTRAS.has(cp);
}

/** Transliterates one run of Indic-script characters (one script block at a time). */
function transliterateIndic(codePoints: number[]): string {
  let out = '';
  let pendingVowel = false; // a consonant waits for its vowel: a matra, a virama or the inherent "a"
  let block = 0;
  const flush = (atWordEnd: boolean): void => {
    if (pendingVowel && !(atWordEnd && SCHWA_DELETING_BLOCKS.has(block) && out.length > 1)) out += 'a';
    pendingVowel = false;
  };
  for (const cp of codePoints) {
    block = cp - ((cp - INDIC_START) % 0x80);
    const offset = cp - block;
    if (INDIC_CONSONANTS[offset] !== undefined) {
      flush(false);
      out += INDIC_CONSONANTS[offset];
      pendingVowel = offset < 0x7a;
    } else if (INDIC_VOWEL_SIGNS[offset] !== undefined) {
      out += INDIC_VOWEL_SIGNS[offset];
      pendingVowel = false;
    } else if (offset === VIRAMA) {
      pendingVowel = false;
    } else if (offset >= 0x66 && offset <= 0x6f) {
      flush(false);
      out += String(offset - 0x66);
    } else if (INDIC_LETTERS[offset] !== undefined) {
      // Anusvara, candrabindu and visarga follow the vowel they nasalise or aspirate.
      if (offset > 0x03) {
        flush(false);
      } else if (pendingVowel) {
        out += 'a';
        pendingVowel = false;
      }
      out += INDIC_LETTERS[offset];
    }
    // Nukta, accents and unassigned positions are dropped.
  }
  flush(true);
  // Names read better capitalised, as they would be written in English.
  return out.charAt(0).toUpperCase() + out.slice(1);
}

function isIndic(cp: number): boolean {
  return cp >= INDIC_START && cp <= INDIC_END;
}

/**
 * Returns `text` reduced to characters the PDF standard fonts can print (see the file header).
 *
 * @example
 * toWinAnsi('राहुल शर्मा 🎉') // 'Rahul Sharma'
 * toWinAnsi('Zoë “Z” ₹500') // 'Zoë “Z” Rs.500'
 */
export function toWinAnsi(text: string): string {
  const codePoints = Array.from(text, (ch) => ch.codePointAt(0) ?? 0);
  let out = '';
  for (let i = 0; i < codePoints.length; ) {
    const cp = codePoints[i] ?? 0;
    if (isIndic(cp)) {
      // Split at word boundaries (spaces are outside the blocks) and at script changes.
      const start = i;
      const blockOf = (c: number): number => c - ((c - INDIC_START) % 0x80);
      while (i < codePoints.length && isIndic(codePoints[i] ?? 0) && blockOf(codePoints[i] ?? 0) === blockOf(cp)) i++;
      out += transliterateIndic(codePoints.slice(start, i));
      continue;
    }
    i++;
    out += printable(cp);
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

function printable(cp: number): string {
  if (isWinAnsi(cp)) return String.fromCodePoint(cp);
  if (REPLACEMENTS[cp] !== undefined) return REPLACEMENTS[cp];
  const ch = String.fromCodePoint(cp);
  // Tabs, newlines and exotic spaces (U+202F appears in some Intl date output) become spaces.
  if (/[\s\p{Zs}]/u.test(ch)) return ' ';
  // Compatibility decomposition: ā → a + macron, ﬁ → f + i, Ａ → A; keep what survives.
  const base = Array.from(ch.normalize('NFKD'))
    .filter((c) => isWinAnsi(c.codePointAt(0) ?? 0))
    .join('');
  if (base) return base;
  // Letters of other scripts stay visible as "?" so a name never silently shrinks to nothing.
  if (/\p{L}/u.test(ch)) return '?';
  return ''; // emoji, joiners, variation selectors, controls
}
