/**
 * Language identification for the two languages Nudge serves: Chinese, English, or a mix of
 * both (common in Chinese customer messages: "iPhone 的电池不耐用").
 *
 * Script counting rather than a character n-gram model: Chinese and English share no letters,
 * so the Han/Latin balance decides the question exactly; a statistical model would only add
 * error on one-word messages. Han characters are weighed against Latin *words*, since a
 * Chinese word averages about 1.5 characters (Sproat & Emerson 2003, SIGHAN bakeoff corpora),
 * so "我想买iPhone" counts as two Chinese words against one English word.
 */

export type Language = 'zh' | 'en' | 'mixed' | 'unknown';

/** What detectLanguage found: the decision and the evidence behind it. */
export interface LanguageResult {
  language: Language;
  /** Share of word-equivalents that are Chinese, in [0, 1] (0 when there are none). */
  zhShare: number;
  hanChars: number;
  latinWords: number;
}

/** Options for detectLanguage; every field has a default. */
export interface LanguageOptions {
  /** Minimum Chinese share to call the text 'zh' (default 0.8); 1 − this for 'en'. */
  dominance?: number;
}

const HAN_PER_WORD = 1.5;

const isHan = (c: number): boolean =>
  (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2ffff);

const isLatin = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a);

/** Identify a text as Chinese, English, mixed or unknown (no letters of either script). */
export function detectLanguage(text: string, options: LanguageOptions = {}): LanguageResult {
  if (typeof text !== 'string') throw new TypeError('detectLanguage: text must be a string');
  const dominance = options.dominance ?? 0.8;
  if (!(dominance > 0.5 && dominance <= 1)) throw new RangeError(`detectLanguage: dominance must be in (0.5, 1], got ${dominance}`);
  let han = 0;
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      c = text.codePointAt(i)!;
      i++;
    }
    if (isHan(c)) {
      han++;
      inWord = false;
    } else if (isLatin(c)) {
      if (!inWord) words++;
      inWord = true;
    } else if (!(c === 39 || c === 0x2019 || c === 45) || !inWord) {
      // Apostrophes and hyphens inside a word ("don't", "e-mail") do not end it.
      inWord = false;
    }
  }
  const zhUnits = han / HAN_PER_WORD;
  const total = zhUnits + words;
  const zhShare = total > 0 ? zhUnits / total : 0;
  let language: Language;
  if (total === 0) language = 'unknown';
  else if (zhShare >= dominance) language = 'zh';
  else if (zhShare <= 1 - dominance) language = 'en';
  else language = 'mixed';
  return { language, zhShare, hanChars: han, latinWords: words };
}

/** True for a Han (Chinese) code point; shared with the tokenizer so both agree on what is Chinese. */
export { isHan };
