import { z } from 'zod';
import { say, type Bilingual } from './language.js';

const zh = z.locales.zhCN().localeError;

/**
 * A zod issue's message in Chinese: a refinement's own `params.zh` (`refine(f, { message, params: {
 * zh } })`), else zod's zh-CN text for its built-in checks. Parse with `{ reportInput: true }` where
 * the text is shown: zod's Chinese for a wrong type names the type it received from the input.
 */
export function zodIssueZh(issue: z.core.$ZodIssue | z.core.$ZodRawIssue): string {
  // zod types custom params as `any`; read the Chinese through unknown.
  const own: unknown = issue.code === 'custom' ? issue.params?.zh : undefined;
  if (typeof own === 'string') return own;
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
