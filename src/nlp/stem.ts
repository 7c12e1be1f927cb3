/**
 * The Porter stemmer: M. F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980,
 * as in Porter's own reference implementations (tartarus.org/martin/PorterStemmer), which
 * include his two published departures from the paper (step 2 "bli"→"ble" and "logi"→"log").
 *
 * Notation from the paper: a word is [C](VC)^m[V]; m is the "measure". The regular
 * expressions below encode m > 0, m = 1, m > 1 and "stem contains a vowel" (*v*).
 */

const c = '[^aeiou]';
const v = '[aeiouy]';
const C = `${c}[^aeiouy]*`;
const V = `${v}[aeiou]*`;
const MGR0 = new RegExp(`^(${C})?${V}${C}`); // m > 0
const MEQ1 = new RegExp(`^(${C})?${V}${C}(${V})?$`); // m = 1
const MGR1 = new RegExp(`^(${C})?${V}${C}${V}${C}`); // m > 1
const S_V = new RegExp(`^(${C})?${v}`); // *v*
const CVC = new RegExp(`^${C}${v}[^aeiouwxy]$`); // *o: ends cvc, the last c not w, x or y

const STEP2: Record<string, string> = {
  ational: 'ate',
  tional: 'tion',
  enci: 'ence',
  anci: 'ance',
  izer: 'ize',
  bli: 'ble',
  alli: 'al',
  entli: 'ent',
  eli: 'e',
  ousli: 'ous',
  ization: 'ize',
  ation: 'ate',
  ator: 'ate',
  alism: 'al',
  iveness: 'ive',
  fulness: 'ful',
  ousness: 'ous',
  aliti: 'al',
  iviti: 'ive',
  biliti: 'ble',
  logi: 'log',
};
const STEP3: Record<string, string> = { icate: 'ic', ative: '', alize: 'al', iciti: 'ic', ical: 'ic', ful: '', ness: '' };

const RE_1A = /^(.+?)(ss|i)es$/;
const RE_1A2 = /^(.+?)([^s])s$/;
const RE_1B = /^(.+?)eed$/;
const RE_1B2 = /^(.+?)(ed|ing)$/;
const RE_1B_AT = /(at|bl|iz)$/;
const RE_1B_DOUBLE = /([^aeiouylsz])\1$/;
const RE_1C = /^(.+?)y$/;
const RE_2 = /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
const RE_3 = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
const RE_4 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
const RE_4ION = /^(.+?)(s|t)(ion)$/;
const RE_5 = /^(.+?)e$/;

/** Porter-stem one lower-case English word; words under three letters are returned unchanged. */
export function porterStem(word: string): string {
  if (word.length < 3) return word;
  let w = word;
  // An initial y is a consonant; upper-casing it keeps it out of the vowel classes.
  const initialY = w[0] === 'y';
  if (initialY) w = `Y${w.slice(1)}`;

  let m: RegExpExecArray | null;
  // Step 1a: plurals.
  if ((m = RE_1A.exec(w))) w = m[1]! + m[2]!;
  else if ((m = RE_1A2.exec(w))) w = m[1]! + m[2]!;

  // Step 1b: -eed, -ed, -ing.
  if ((m = RE_1B.exec(w))) {
    if (MGR0.test(m[1]!)) w = w.slice(0, -1);
  } else if ((m = RE_1B2.exec(w))) {
    const stem = m[1]!;
    if (S_V.test(stem)) {
      w = stem;
      if (RE_1B_AT.test(w)) w += 'e';
      else if (RE_1B_DOUBLE.test(w)) w = w.slice(0, -1);
      else if (CVC.test(w)) w += 'e';
    }
  }

  // Step 1c: y → i when the stem has a vowel.
  if ((m = RE_1C.exec(w)) && S_V.test(m[1]!)) w = `${m[1]!}i`;

  // Steps 2 and 3: double and single suffixes mapped when m > 0.
  if ((m = RE_2.exec(w)) && MGR0.test(m[1]!)) w = m[1]! + STEP2[m[2]!]!;
  if ((m = RE_3.exec(w)) && MGR0.test(m[1]!)) w = m[1]! + STEP3[m[2]!]!;

  // Step 4: strip suffixes when m > 1.
  if ((m = RE_4.exec(w))) {
    if (MGR1.test(m[1]!)) w = m[1]!;
  } else if ((m = RE_4ION.exec(w))) {
    const stem = m[1]! + m[2]!;
    if (MGR1.test(stem)) w = stem;
  }

  // Step 5a: final e; 5b: -ll → -l when m > 1.
  if ((m = RE_5.exec(w))) {
    const stem = m[1]!;
    if (MGR1.test(stem) || (MEQ1.test(stem) && !CVC.test(stem))) w = stem;
  }
  if (w.endsWith('ll') && MGR1.test(w)) w = w.slice(0, -1);

  if (initialY) w = `y${w.slice(1)}`;
  return w;
}

/** Options for createStemmer. */
export interface StemmerOptions {
  /** Entries kept in the memo before it is cleared (default 50,000; 0 disables it). */
  cacheSize?: number;
}

/**
 * A Porter stemmer with its own memo: word frequencies are Zipfian, so a small cache answers
 * most calls without running the regular expressions (each caller owns its cache; no globals).
 */
export function createStemmer(options: StemmerOptions = {}): (word: string) => string {
  const cacheSize = options.cacheSize ?? 50_000;
  if (!(Number.isInteger(cacheSize) && cacheSize >= 0)) throw new RangeError(`createStemmer: cacheSize must be a non-negative integer, got ${cacheSize}`);
  const memo = new Map<string, string>();
  return (word: string): string => {
    const hit = memo.get(word);
    if (hit !== undefined) return hit;
    const s = porterStem(word);
    if (cacheSize > 0) {
      if (memo.size >= cacheSize) memo.clear();
      memo.set(word, s);
    }
    return s;
  };
}
