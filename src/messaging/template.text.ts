/**
 * Plain-text helpers for rendered messages: the text part derived from an email's HTML, and SMS
 * length in segments (what a carrier bills and what providers cap).
 */

// ---------------------------------------------------------------------------------------------
// HTML → readable text
// ---------------------------------------------------------------------------------------------

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«',
  raquo: '»', middot: '·', bull: '•', yen: '¥', euro: '€', pound: '£', times: '×', zwnj: '', zwj: '', shy: '',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      // Invalid code points stay as written.
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function attr(attrs: string, name: string): string | null {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '') : null;
}

const stripTags = (s: string): string => s.replace(/<[^>]*>/g, '');
const BLOCK = /<\/?(?:p|div|h[1-6]|ul|ol|table|thead|tbody|tfoot|blockquote|section|article|header|footer|main|center|pre|dl|dt|dd|hr)\b[^>]*>/gi;

/**
 * A readable plain-text version of an email's HTML, for the text/plain part (multipart/alternative,
 * RFC 2046 §5.1.4): paragraphs on their own lines, list items as "- ", links as "text (url)",
 * images by their alt text, and no markup, styles or scripts.
 */
export function htmlToText(html: string): string {
  let s = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title|template)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<div\b[^>]*display\s*:\s*none[^>]*>[\s\S]*?<\/div\s*>/gi, '');
  s = s.replace(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi, (_m, attrs: string, inner: string) => {
    const href = attr(attrs, 'href')?.trim() ?? '';
    const img = /<img\b([^>]*)>/i.exec(inner);
    const label = stripTags(inner).replace(/\s+/g, ' ').trim() || (img ? (attr(img[1] ?? '', 'alt') ?? '') : '');
    if (href === '' || href.startsWith('#')) return label;
    if (label === '' || label === href || `mailto:${label}` === href) return href;
    return `${label} (${href})`;
  });
  s = s
    .replace(/<img\b([^>]*)>/gi, (_m, attrs: string) => attr(attrs, 'alt') ?? '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/li\s*>/gi, '')
    // Email tables are layout, not data: each cell reads best on its own line.
    .replace(/<\/?tr\b[^>]*>|<\/t[dh]\s*>/gi, '\n')
    .replace(BLOCK, '\n\n');
  // U+034F (combining grapheme joiner) is preheader padding; it has no place in plain text.
  s = decodeEntities(stripTags(s)).replace(/\u034f/g, '');
  return s
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// SMS segments (3GPP TS 23.038 alphabets, TS 23.040 concatenation)
// ---------------------------------------------------------------------------------------------

/** GSM 03.38 basic character set (one septet each). ESC (0x1B) is left out: it only prefixes the extension table. */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: ESC + one septet, so two each. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsLength {
  encoding: SmsEncoding;
  /** Parts the message is sent in (0 for empty text). */
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
}

/**
 * How many SMS parts `text` needs. GSM-7 fits 160 septets in one message, 153 per part once split
 * (the 7 others carry the concatenation header, TS 23.040 §9.2.3.24.1); a character of the
 * extension table costs 2 and is never split across parts. Anything outside GSM-7 — any Chinese —
 * switches the whole message to UCS-2: 70 UTF-16 units, 67 per part, surrogate pairs kept whole.
 */
export function smsSegments(text: string): SmsLength {
  const chars = Array.from(text);
  const gsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
  const cost = gsm ? (c: string): number => (GSM_EXTENSION.has(c) ? 2 : 1) : (c: string): number => c.length;
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  let units = 0;
  for (const c of chars) units += cost(c);
  if (units === 0) return { encoding: gsm ? 'GSM-7' : 'UCS-2', segments: 0, units };
  if (units <= single) return { encoding: gsm ? 'GSM-7' : 'UCS-2', segments: 1, units };
  let segments = 1;
  let used = 0;
  for (const c of chars) {
    const n = cost(c);
    if (used + n > multi) {
      segments++;
      used = 0;
    }
    used += n;
  }
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', segments, units };
}
