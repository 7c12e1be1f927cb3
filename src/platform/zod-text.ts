import { z } from 'zod';
import { say, type Bilingual } from './language.js';

const zh = z.locales.zhCN().localeError;
/** Our own messages for zod's built-in checks, English → Chinese (zodText). */
const ownChinese = new Map<string, string>();

/**
 * Our message for one of zod's built-in checks, in both languages: `.regex(re, zodText(say(en,
 * zh)))`. zod carries the English as the issue's message; zodIssueZh finds the Chinese by it.
 * (A refinement carries its Chinese in `params.zh` instead.)
 */
export function zodText(message: Bilingual): string {
  ownChinese.set(message.en, message.zh);
  return message.en;
}

/**
 * A zod issue's message in Chinese: a refinement's own `params.zh` (`refine(f, { message, params: {
 * zh } })`), our own message's Chinese (zodText), else zod's zh-CN text for its built-in checks.
 * Parse with `{ reportInput: true }` where the text is shown: zod's Chinese for a wrong type names
 * the type it received from the input.
 */
export function zodIssueZh(issue: z.core.$ZodIssue | z.core.$ZodRawIssue): string {
  // zod types custom params as `any`; read the Chinese through unknown.
  const own: unknown = issue.code === 'custom' ? issue.params?.zh : undefined;
  if (typeof own === 'string') return own;
  const registered = issue.message === undefined ? undefined : ownChinese.get(issue.message);
  if (registered !== undefined) return registered;
  // zod's zh-CN has no text for a discriminator (`type`, `kind`) outside its options; its issue lists them untyped.
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator !== undefined) {
    const options: unknown = 'options' in issue ? issue.options : undefined;
    if (Array.isArray(options) && options.length > 0) return `${String(issue.discriminator)} 的取值无效，应为 ${options.map((o) => `'${String(o)}'`).join(' | ')} 之一`;
  }
  if (issue.code === 'custom') return '无效输入';
  const text = zh(issue as Parameters<typeof zh>[0]);
  return typeof text === 'string' ? text : (text?.message ?? issue.message ?? '无效输入');
}

/** A zod issue's message in both languages (zod's English); `fallback` when there is no issue. */
export function zodIssueText(issue: z.core.$ZodIssue | undefined, fallback: Bilingual): Bilingual {
  return issue ? say(issue.message, zodIssueZh(issue)) : fallback;
}
