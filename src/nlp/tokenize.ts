/**
 * Tokenisers for Chinese, English and text that mixes both.
 *
 * Chinese has no spaces, so words come from jieba (a prefix-dictionary DAG with a max-probability
 * path, plus an HMM for words outside the dictionary; @node-rs/jieba is its Rust port). English
 * is ours: words (with apostrophes), numbers, emoji and punctuation runs, contractions split so
 * that "don't" yields the negator "not". Mixed text is split into Han and non-Han runs, each sent
 * to its own tokeniser, so "iPhone电池不耐用" gives ["iphone", "电池", "不", "耐用"].
 *
 * Negation marking follows Das & Chen (2001) and Pang, Lee & Vaithyanathan (2002, §4): tokens
 * after a negator, up to the next clause punctuation, are prefixed "not_", so "not good" and
 * "good" become different features for a linear model.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { isHan } from './language.js';

let jieba: Jieba | undefined;

/**
 * The jieba segmenter, loaded on first use (about 0.3 s to build the dictionary trie). It is
 * immutable once built, so one instance is shared by every caller; nothing else is global here.
 */
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** Options for the English tokeniser. */
export interface EnglishTokenOptions {
  /** Applied to alphabetic words, e.g. createStemmer() from stem.ts (default: none). */
  stem?: (word: string) => string;
  /** Digit runs at least this long become a shape token "<num7>" (default 5; 0 keeps digits). */
  numberShapeMin?: number;
}

// Words (letters and marks, with inner apostrophes), numbers, emoji (with modifiers and ZWJ
// sequences), runs of ! ? . and any other single visible symbol (£, $, %, …).
const EN_TOKEN = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\d+(?:[.,:]\d+)*|\p{Extended_Pictographic}(?:\p{EMod}|\uFE0F|\u200D\p{Extended_Pictographic})*|!+|\?+|\.+|[^\s\p{L}\p{M}\d]/gu;

// Clitics split off the host word; "n't" becomes the negator "not".
const CLITICS: ReadonlyArray<readonly [string, string]> = [
  ["n't", 'not'],
  ["'re", 'are'],
  ["'ve", 'have'],
  ["'ll", 'will'],
  ["'m", 'am'],
  ["'d", 'would'],
  ["'s", "'s"],
];
const IRREGULAR: Record<string, readonly string[]> = { "can't": ['can', 'not'], "won't": ['will', 'not'], "shan't": ['shall', 'not'], "ain't": ['is', 'not'], cannot: ['can', 'not'] };

const isAlpha = (w: string): boolean => /^[a-z]+$/.test(w);

/** Tokenise English (or any non-Han) text; expects normalised input (lower case, ASCII apostrophes). */
export function tokenizeEnglish(text: string, options: EnglishTokenOptions = {}, out: string[] = []): string[] {
  const stem = options.stem;
  const shapeMin = options.numberShapeMin ?? 5;
  EN_TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = EN_TOKEN.exec(text))) {
    let w = m[0].replace(/’/g, "'");
    const code = w.charCodeAt(0);
    if (code >= 48 && code <= 57) {
      const digits = w.replace(/\D/g, '').length;
      out.push(shapeMin > 0 && digits >= shapeMin ? `<num${digits}>` : w);
      continue;
    }
    const irregular = IRREGULAR[w];
    if (irregular) {
      out.push(...irregular);
      continue;
    }
    let clitic: string | undefined;
    if (w.includes("'")) {
      for (const [suffix, word] of CLITICS) {
        if (w.endsWith(suffix) && w.length > suffix.length) {
          w = w.slice(0, -suffix.length);
          clitic = word;
          break;
        }
      }
    }
    out.push(stem && isAlpha(w) ? stem(w) : w);
    if (clitic !== undefined) out.push(clitic);
  }
  return out;
}

/** Tokenise Chinese with jieba (HMM on for unknown words); whitespace tokens are dropped. */
export function tokenizeChinese(text: string, out: string[] = []): string[] {
  for (const t of segmenter().cut(text, true)) if (t.trim() !== '') out.push(t);
  return out;
}

/** Tokenise text of any mix of Chinese and English: Han runs go to jieba, the rest to tokenizeEnglish. */
export function tokenize(text: string, options: EnglishTokenOptions = {}): string[] {
  const out: string[] = [];
  let start = 0;
  let han = false;
  const flush = (end: number) => {
    if (end <= start) return;
    const part = text.slice(start, end);
    if (han) tokenizeChinese(part, out);
    else tokenizeEnglish(part, options, out);
  };
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    const pair = cp >= 0xd800 && cp <= 0xdbff;
    if (pair) cp = text.codePointAt(i)!;
    const h = isHan(cp);
    if (h !== han) {
      flush(i);
      start = i;
      han = h;
    }
    if (pair) i++;
  }
  flush(text.length);
  return out;
}

const EN_NEGATORS = ['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'nowhere', 'without', 'hardly', 'barely', 'rarely'];
const ZH_NEGATORS = ['不', '没', '没有', '无', '非', '别', '未', '毫无', '从不', '并不', '不是', '不会', '不能', '不要', '不太', '不够', '绝不', '决不', '并非'];
const NEGATORS: ReadonlySet<string> = new Set([...EN_NEGATORS, ...ZH_NEGATORS]);
const CLAUSE_END: ReadonlySet<string> = new Set(['.', ',', ';', ':', '!', '?', '...', '"', '(', ')', '。', '，', '；', '！', '？', 'but', '但', '但是', '可是', '不过', '却']);

/** True for a negator ("not", "never", "不", "没有", …) as the tokenisers emit it. */
export function isNegator(token: string): boolean {
  return NEGATORS.has(token);
}

/** True for a token that ends a negator's scope: clause punctuation or a contrast word ("but", "但是"). */
export function isClauseEnd(token: string): boolean {
  return CLAUSE_END.has(token) || token[0] === '!' || token[0] === '?' || token[0] === '.';
}

/** Options for markNegation. */
export interface NegationOptions {
  /** Most tokens marked after one negator (default 3); clause punctuation ends the scope sooner. */
  scope?: number;
  /** Prefix for negated tokens (default "not_"). */
  prefix?: string;
}

/** Mark the tokens in a negator's scope (Pang et al. 2002): returns a new array, the input is unchanged. */
export function markNegation(tokens: readonly string[], options: NegationOptions = {}): string[] {
  const scope = options.scope ?? 3;
  const prefix = options.prefix ?? 'not_';
  if (!(Number.isInteger(scope) && scope >= 0)) throw new RangeError(`markNegation: scope must be a non-negative integer, got ${scope}`);
  const out = new Array<string>(tokens.length);
  let left = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (NEGATORS.has(t)) {
      out[i] = t;
      left = scope;
    } else if (isClauseEnd(t)) {
      out[i] = t;
      left = 0;
    } else if (left > 0) {
      out[i] = prefix + t;
      left--;
    } else {
      out[i] = t;
    }
  }
  return out;
}
