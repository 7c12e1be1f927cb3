/**
 * Nudge's two languages, for what the server itself says to people: error messages, pages it
 * renders. A message a user may read is written in both (`say`), and the one shown is picked per
 * request from its Accept-Language header (the dashboard sends the language it is shown in).
 */
export type Language = 'en' | 'zh';

/** A message in both languages. */
export interface Bilingual {
  readonly en: string;
  readonly zh: string;
}

export const say = (en: string, zh: string): Bilingual => ({ en, zh });

/** Pick en or zh from an Accept-Language header (RFC 9110 §12.5.4), highest q first; null when it names neither. */
export function languageFromAcceptLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const hit = ranked.find((x) => x.lang === 'zh' || x.lang === 'en');
  return hit ? (hit.lang === 'zh' ? 'zh' : 'en') : null;
}

/** The language to answer a request in: its Accept-Language, else English. */
export const requestLanguage = (req: { headers: { 'accept-language'?: string | undefined } }): Language => languageFromAcceptLanguage(req.headers['accept-language']) ?? 'en';
