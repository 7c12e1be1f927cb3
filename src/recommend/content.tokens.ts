/**
 * Terms for content-based recommendations from catalogue text in Chinese, English or both.
 *
 * Text is NFKC-normalised (full-width letters and digits become ASCII) and lower-cased, then
 * split into Han and non-Han runs: Han runs are segmented by jieba (@node-rs/jieba, a
 * prefix-dictionary DAG with an HMM for unknown words), the rest into letter/digit words.
 * Stop words of both languages and one-letter Latin tokens are dropped: they occur in nearly
 * every description and would only blur TF-IDF similarity.
 */
// The one shared jieba instance (built on first use) lives in the nlp tokeniser.
import { tokenizeChinese } from '../nlp/tokenize.js';

// A compact English list (the classic SMART/Snowball core) — enough for titles and short descriptions.
const EN_STOP = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have having he her hers him his how i if in into is it its ' +
    'itself just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than that the their ' +
    'theirs them then there these they this those through to too under until up very was we were what when where which while who whom why will with ' +
    'would you your yours yourself also any all each few both about above after again against before below between during further here s t don'
  ).split(' '),
);

// Function words and particles that carry no topic (a subset of the common 哈工大/百度 lists).
const ZH_STOP = new Set(
  (
    '的 了 和 是 在 有 也 就 都 而 及 与 或 等 被 把 对 从 以 之 其 为 于 这 那 个 些 么 吗 呢 吧 啊 着 过 很 还 又 并 但 则 却 因 所以 因为 如果 虽然 ' +
    '我 你 他 她 它 我们 你们 他们 她们 它们 自己 这个 那个 这些 那些 一个 一种 一款 可以 能 会 要 让 给 用 上 下 中 里 后 前 不 没 没有 非常 更 最 ' +
    '其他 以及 进行 通过 使用 具有 适合 适用 产品 款 新'
  ).split(' '),
);

const HAN = /\p{Script=Han}+/u;
const HAN_SPLIT = /(\p{Script=Han}+)/u;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** The terms of `text`, in order, stop words removed. */
export function contentTokens(text: string): string[] {
  const out: string[] = [];
  const normalised = text.normalize('NFKC').toLowerCase();
  for (const part of normalised.split(HAN_SPLIT)) {
    if (part === '') continue;
    if (HAN.test(part)) {
      for (const w of tokenizeChinese(part)) {
        const t = w.trim();
        if (!ZH_STOP.has(t)) out.push(t);
      }
    } else {
      for (const m of part.matchAll(WORD)) {
        const t = m[0].replace(/['’]s$/u, '');
        if (EN_STOP.has(t) || (t.length === 1 && !/\p{N}/u.test(t))) continue;
        out.push(t);
      }
    }
  }
  return out;
}
