import { Context, Hash, Liquid, LiquidError, ParseError, Tag, TokenizationError, TypeGuards } from 'liquidjs';
import type { Emitter, TagToken, Template, TopLevelToken, ValueToken } from 'liquidjs';
import { LRUCache } from 'lru-cache';
import type { CatalogItem } from '../catalog/catalog.schema.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { OperationalError, UserError, UnexpectedError, assertUnreachable, jsonPath } from '../platform/errors.js';
import { say, type Bilingual } from '../platform/language.js';
import type { EmailContent, Locale, TemplateBody, TemplateIssue, WebhookContent } from './template.schema.js';
import { HOST, date, dateFormat, hostOf, jsonEscape, liquidEscape, liquidEscapeOnce, money, number, numberFormat, toNumber, type RenderHost } from './template.filters.js';
import { htmlToText, smsSegments, type SmsEncoding } from './template.text.js';

/**
 * Rendering message templates with Liquid (liquidjs). Three engines share one set of filters and
 * tags and differ only in how `{{ output }}` is escaped: HTML-escaped in email HTML, JSON-string
 * escaped in webhook bodies (so `"{{ traits.name }}"` stays valid JSON whatever the name), and not
 * at all in subjects, plain text and SMS (escaping there would show `&amp;` to the customer).
 */

/** An item the `{% recommend %}` tag shows: a catalog item, optionally with localised names. */
export type Product = Pick<CatalogItem, 'id' | 'name' | 'price' | 'currency' | 'url' | 'imageUrl'> & { names?: Record<string, string> };
/** Supplies `n` products for the customer being rendered (filled by the recommend module later). */
export type RecommendationProvider = (n: number, ctx: RenderContext) => Promise<Product[]>;

/** What a template can refer to. `traits` defaults to `profile.traits`. */
export interface RenderContext {
  profile: { id: string; userId: string | null; email: string | null; phone: string | null; traits: Record<string, unknown> };
  traits?: Record<string, unknown>;
  event?: { name: string; properties: Record<string, unknown> } | null;
  /** The workspace's name and its settings (e.g. `currency`, `timezone`). */
  workspace: { name: string; [setting: string]: unknown };
  journey?: Record<string, unknown> | null;
  /** Links for this send (absent in previews); missing ones render empty. */
  message?: { unsubscribeUrl?: string; preferencesUrl?: string; viewInBrowserUrl?: string };
  /** Not visible to templates; used by `{% recommend %}`. Without it the tag renders nothing. */
  recommendations?: RecommendationProvider;
}

export interface RenderOptions {
  clock?: Clock;
}

export type RenderedEmail = { channel: 'email'; locale: Locale; subject: string; html: string; text: string; preheader: string | null };
export type RenderedSms = { channel: 'sms'; locale: Locale; text: string; segments: number; encoding: SmsEncoding };
export type RenderedWebhook = {
  channel: 'webhook';
  locale: Locale;
  url: string;
  method: WebhookContent['method'];
  headers: Record<string, string>;
  /** The JSON text to send, and its parsed value. */
  body: string;
  json: unknown;
};
export type RenderedMessage = RenderedEmail | RenderedSms | RenderedWebhook;

/** How `{{ output }}` is escaped in a field. */
export type FieldMode = 'html' | 'text' | 'json';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const safeUrl = (u: string | null): string | null => (u !== null && /^https?:\/\//i.test(u) ? u : null);

const HEADING: Record<Locale, string> = { en: 'Recommended for you', zh: '为你推荐' };
const MAX_RECOMMENDATIONS = 12;

/** A fault in how a template uses one of our tags, in both languages (liquidIssue shows it). */
class TagFault extends Error {
  readonly zh: string;
  constructor(message: Bilingual) {
    super(message.en);
    this.zh = message.zh;
  }
}

/** `{% recommend n: 4 %}`: products from the render context's provider as a grid (HTML), lines (text) or an array (JSON). */
class RecommendTag extends Tag {
  private readonly hash: Hash;
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    this.hash = new Hash(this.tokenizer, liquid.options.keyValueSeparator);
    for (const [key, value] of Object.entries(this.hash.hash)) {
      if (key !== 'n') throw new TagFault(say(`recommend takes only n (how many products), not "${key}"`, `recommend 只接受参数 n（商品数量），不支持 "${key}"`));
      if (value && TypeGuards.isNumberToken(value) && !(value.content >= 1 && value.content <= MAX_RECOMMENDATIONS && Number.isInteger(value.content)))
        throw new TagFault(say(`recommend n must be a whole number from 1 to ${MAX_RECOMMENDATIONS}`, `recommend 的 n 必须是 1 到 ${MAX_RECOMMENDATIONS} 之间的整数`));
    }
  }
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const host = hostOf(ctx);
    const args: unknown = yield this.hash.render(ctx);
    const raw = typeof args === 'object' && args !== null && 'n' in args ? toNumber(args.n) : 4;
    const n = Math.min(MAX_RECOMMENDATIONS, Math.max(1, Math.floor(raw ?? 4)));
    const provider = host.ctx.recommendations;
    let products: unknown = [];
    try {
      if (provider) products = yield provider(n, host.ctx);
    } catch (err) {
      // A recommender that fails is an outage, not a fault in the template: retry later.
      if (err instanceof UserError || err instanceof OperationalError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new OperationalError('TEMPLATE_RECOMMENDATIONS_FAILED', say(`Recommendations failed: ${reason}`, `获取推荐商品失败：${reason}`), { cause: err });
    }
    if (!Array.isArray(products)) throw new UnexpectedError('recommendation provider returned a non-array');
    emitter.write(renderProducts(products.slice(0, n), host));
  }
  /** Lets static analysis see variables in the arguments, e.g. `n: traits.count`. */
  *arguments(): Generator<ValueToken> {
    for (const value of Object.values(this.hash.hash)) if (value && TypeGuards.isValueToken(value)) yield value;
  }
}

function renderProducts(products: Product[], host: RenderHost): string {
  // In a webhook body the tag stands for a JSON value: no products is an empty array, not nothing.
  if (products.length === 0) return host.mode === 'json' ? '[]' : '';
  const name = (p: Product): string => p.names?.[host.locale] ?? p.name;
  const price = (p: Product): string =>
    p.price === null ? '' : numberFormat(host.intlLocale, { style: 'currency', currency: p.currency }).format(p.price);
  switch (host.mode) {
    case 'json':
      return JSON.stringify(products.map((p) => ({ id: p.id, name: name(p), price: p.price, currency: p.currency, url: p.url, imageUrl: p.imageUrl })));
    case 'text':
      // Plain ASCII punctuation: an em dash alone would switch an SMS to UCS-2 (70 characters a part).
      return [HEADING[host.locale], ...products.map((p) => `- ${[name(p), price(p)].filter(Boolean).join(' - ')}${safeUrl(p.url) ? ` (${p.url})` : ''}`)].join('\n');
    case 'html': {
      // Tables, not CSS grid: email clients (Outlook especially) ignore modern layout.
      const cols = Math.min(products.length, 3);
      const cell = (p: Product): string => {
        const url = safeUrl(p.url);
        const img = safeUrl(p.imageUrl);
        const label = escapeHtml(name(p));
        // One link around picture and name: one accessible name, one "name (url)" line in the text part.
        const inner = (img ? `<img src="${escapeHtml(img)}" alt="" width="160" style="max-width:100%;border:0"><br>` : '') + label;
        return (
          `<td width="${Math.floor(100 / cols)}%" valign="top" style="padding:8px;text-align:center">` +
          (url ? `<a href="${escapeHtml(url)}" style="color:inherit;text-decoration:none">${inner}</a>` : inner) +
          (p.price === null ? '' : `<br><strong>${escapeHtml(price(p))}</strong>`) +
          '</td>'
        );
      };
      const rows: string[] = [];
      for (let i = 0; i < products.length; i += cols) rows.push(`<tr>${products.slice(i, i + cols).map(cell).join('')}</tr>`);
      return `<table role="presentation" class="nudge-recommendations" width="100%" cellpadding="0" cellspacing="0"><tr><td colspan="${cols}" style="padding:8px;font-weight:bold">${escapeHtml(HEADING[host.locale])}</td></tr>${rows.join('')}</table>`;
    }
    default:
      return assertUnreachable(host.mode);
  }
}

/** Tags that would read files (include/render/layout) are not part of a message template. */
class UnsupportedTag extends Tag {
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    throw new TagFault(say(`the ${token.name} tag is not available in message templates`, `消息模板不支持 ${token.name} 标签`));
  }
  render(): void {}
}

function createEngine(mode: FieldMode): Liquid {
  const engine = new Liquid({
    strictFilters: true,
    // Missing values render empty at send time; unknown names are caught at save time (template.validate.ts).
    strictVariables: false,
    ownPropertyOnly: true,
    // An in-memory, empty partial set: nothing in a template can read the server's files.
    templates: {},
    outputEscape: mode === 'html' ? 'escape' : mode === 'json' ? jsonEscape : undefined,
    parseLimit: 1_000_000,
    // Includes waiting for the recommendation provider.
    renderLimit: 5_000,
    memoryLimit: 64_000_000,
  });
  for (const [name, impl] of Object.entries({ money, number, date })) engine.registerFilter(name, impl);
  if (mode === 'html') {
    // Already-escaped output must not be escaped twice by outputEscape.
    engine.registerFilter('escape', { handler: liquidEscape, raw: true });
    engine.registerFilter('escape_once', { handler: liquidEscapeOnce, raw: true });
  }
  if (mode === 'json') engine.registerFilter('json', { handler: (v: unknown, space?: unknown) => JSON.stringify(v ?? null, null, toNumber(space) ?? 0), raw: true });
  engine.registerTag('recommend', RecommendTag);
  for (const tag of ['include', 'render', 'layout']) engine.registerTag(tag, UnsupportedTag);
  return engine;
}

// Configured once: engines are stateless (per-render state lives in each Context), so sharing is safe.
const engines: Record<FieldMode, Liquid> = { html: createEngine('html'), text: createEngine('text'), json: createEngine('json') };

const parsed = new LRUCache<string, Template[]>({ max: 2_000 });
/** Parse one field (cached: a broadcast renders the same source for every recipient). Throws liquid's ParseError. */
export function parseField(source: string, mode: FieldMode): Template[] {
  const key = `${mode}\u0000${source}`;
  const hit = parsed.get(key);
  if (hit) return hit;
  const tpl = engines[mode].parse(source);
  parsed.set(key, tpl);
  return tpl;
}

/**
 * Most fields of a broadcast are text with plain outputs (`Hi {{ profile.traits.name }},`): for
 * those, the parsed field is also compiled into its parts, and a customer whose values there are
 * strings, numbers, booleans or empty gets them joined here, without a liquid Context and its
 * generators (most of a rendering's time and garbage). The parts come from liquid's own parse, so
 * whitespace control and raw text are liquid's; each value is read as liquid reads it (own
 * properties; `size`, `first` and `last`, which liquid computes, are left to liquid) and written as
 * liquid writes it (html mode escapes as its `escape` filter does). Anything else (a tag, a
 * filter, an array or object value) renders through liquid. template.render.test.ts checks that
 * both give the same text.
 */
type FastPart = string | readonly string[];
const FAST_ROOTS = new Set(['profile', 'traits', 'event', 'workspace', 'journey', 'message']);
const FAST_SKIPPED_KEYS = new Set(['size', 'first', 'last']);
const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const compiled = new WeakMap<Template[], readonly FastPart[] | null>();

function fastPartsOf(tpl: Template[], mode: FieldMode): readonly FastPart[] | null {
  const hit = compiled.get(tpl);
  if (hit !== undefined) return hit;
  let parts: FastPart[] | null = mode === 'json' ? null : [];
  for (const t of tpl) {
    if (!parts) break;
    if (TypeGuards.isHTMLToken(t.token)) parts.push((t as unknown as { str: string }).str);
    else if (TypeGuards.isOutputToken(t.token) && PLAIN_PATH.test(t.token.content)) {
      const path = t.token.content.split('.');
      if (!FAST_ROOTS.has(path[0] ?? '') || path.some((k) => FAST_SKIPPED_KEYS.has(k))) parts = null;
      else parts.push(path);
    } else parts = null;
  }
  compiled.set(tpl, parts);
  return parts;
}

/** liquid's `escape` filter, which html mode's outputEscape applies (its entities, not escapeHtml's). */
const LIQUID_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const escapeAsLiquid = (s: string) => s.replace(/[&<>"']/g, (m) => LIQUID_ESCAPES[m] ?? m);

/** The field for this scope, or null when a value there is not one the fast path writes. */
function renderFast(parts: readonly FastPart[], scope: Record<string, unknown>, mode: FieldMode): string | null {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    let value: unknown = scope;
    for (const key of part) {
      if (value === null || value === undefined) break;
      if (typeof value === 'function' || typeof (value as { toLiquid?: unknown }).toLiquid === 'function') return null;
      value = Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') out += mode === 'html' ? escapeAsLiquid(value) : value;
    else if (typeof value === 'number' || typeof value === 'boolean') out += String(value);
    else return null;
  }
  return out;
}

/** The liquid engine for a mode (static analysis in template.validate.ts). */
export const engineFor = (mode: FieldMode): Liquid => engines[mode];

/** A template issue with its message in both languages (TemplateIssue, the API's shape, carries the English). */
export type BilingualIssue = Omit<TemplateIssue, 'message'> & { message: Bilingual };

/** liquidjs's commonest syntax errors in Chinese; any other is shown as liquidjs words it. */
function syntaxZh(message: string): string {
  const unclosed = /^(output|tag|raw) (.+) not closed$/s.exec(message);
  if (unclosed) return `${unclosed[1] === 'output' ? '输出' : unclosed[1] === 'tag' ? '标签' : 'raw 块'} ${unclosed[2]} 没有闭合`;
  const illegal = /^illegal tag: (.+)$/s.exec(message);
  if (illegal) return `标签写法有误：${illegal[1]}`;
  const expression = /^invalid value expression: (.+)$/s.exec(message);
  if (expression) return `表达式无效：${expression[1]}`;
  return `模板语法有误：${message}`;
}

/** A liquid error as a template issue: what kind, the message without liquid's position suffix, and the position. */
export function liquidIssue(err: LiquidError, path: string): BilingualIssue {
  const [line, column] = err.token.getPosition();
  const message = (err.originalError?.message ?? err.message).replace(/, line:\d+, col:\d+$/, '');
  const own = err.originalError instanceof TagFault ? err.originalError.zh : null;
  const at = (en: string, zh: string): Bilingual => say(`${en} (line ${line}, column ${column})`, `${zh}（第 ${line} 行，第 ${column} 列）`);
  if (!(err instanceof ParseError || err instanceof TokenizationError)) return { code: 'TEMPLATE_RENDER_FAILED', path, message: at(message, own ?? `渲染出错：${message}`), line, column };
  const filter = /^undefined filter: (.+)$/.exec(message);
  if (filter) return { code: 'TEMPLATE_UNKNOWN_FILTER', path, message: at(`Unknown filter "${filter[1]}"`, `未知过滤器 "${filter[1]}"`), line, column };
  const tag = /^tag "([^"]+)" not found$/.exec(message);
  if (tag) return { code: 'TEMPLATE_UNKNOWN_TAG', path, message: at(`Unknown tag "${tag[1]}"`, `未知标签 "${tag[1]}"`), line, column };
  if (/tag is not available in message templates$/.test(message)) return { code: 'TEMPLATE_UNKNOWN_TAG', path, message: at(message, own ?? message), line, column };
  return { code: 'TEMPLATE_SYNTAX', path, message: at(message, own ?? syntaxZh(message)), line, column };
}

/** Which language to send: the customer's `locale` trait, else the template's default, else whichever exists. */
export function chooseLocale(available: { en?: unknown; zh?: unknown }, defaultLocale: Locale, profileLocale: unknown): Locale {
  const wanted = typeof profileLocale === 'string' ? profileLocale.trim().toLowerCase().split(/[-_]/)[0] : undefined;
  const order: Locale[] = [defaultLocale, defaultLocale === 'en' ? 'zh' : 'en'];
  if (wanted === 'zh' || wanted === 'en') order.unshift(wanted);
  const found = order.find((l) => available[l] !== undefined);
  if (!found) throw new UserError('TEMPLATE_NO_CONTENT', say('The template has no content in any language', '模板没有任何语言的内容'), { field: 'body.content' });
  return found;
}

/** Canonical tags by (language, trait): a broadcast asks for the same few thousands of times. */
const intlLocales = new Map<string, string>();

function intlLocaleFor(locale: Locale, trait: unknown): string {
  if (typeof trait !== 'string') return locale === 'zh' ? 'zh-CN' : 'en-US';
  const key = `${locale}\u0000${trait}`;
  let tag = intlLocales.get(key);
  if (tag === undefined) {
    tag = canonicalLocaleFor(locale, trait);
    if (intlLocales.size >= 1000) intlLocales.clear();
    intlLocales.set(key, tag);
  }
  return tag;
}

function canonicalLocaleFor(locale: Locale, trait: unknown): string {
  if (typeof trait === 'string') {
    try {
      const [tag] = Intl.getCanonicalLocales(trait.trim().replace(/_/g, '-'));
      if (tag && tag.toLowerCase().split('-')[0] === locale) return tag;
    } catch {
      // Not a BCP-47 tag: fall through to the language's default region.
    }
  }
  return locale === 'zh' ? 'zh-CN' : 'en-US';
}

function validTimeZone(tz: unknown): string | null {
  if (typeof tz !== 'string' || tz === '') return null;
  try {
    return dateFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Build the per-render host for a context (shared with validation's sample renders). */
export function renderHost(ctx: RenderContext, locale: Locale, options: RenderOptions = {}): Omit<RenderHost, 'mode'> {
  const traits = ctx.traits ?? ctx.profile.traits;
  const currency = typeof ctx.workspace.currency === 'string' && /^[A-Z]{3}$/.test(ctx.workspace.currency) ? ctx.workspace.currency : 'CNY';
  return {
    locale,
    intlLocale: intlLocaleFor(locale, traits.locale),
    timeZone: validTimeZone(traits.timezone) ?? validTimeZone(ctx.workspace.timezone) ?? 'UTC',
    currency,
    now: (options.clock ?? systemClock).now(),
    ctx,
  };
}

/** Render one Liquid field. Template faults become a UserError at `path`; a provider's own errors pass through. */
export async function renderField(source: string, mode: FieldMode, host: Omit<RenderHost, 'mode'>, path: string): Promise<string> {
  try {
    const tpl = parseField(source, mode);
    const { ctx } = host;
    const scope = { profile: ctx.profile, traits: ctx.traits ?? ctx.profile.traits, event: ctx.event ?? null, workspace: ctx.workspace, journey: ctx.journey ?? null, message: ctx.message ?? {} };
    const parts = fastPartsOf(tpl, mode);
    const fast = parts && renderFast(parts, scope, mode);
    if (typeof fast === 'string') return fast;
    const engine = engines[mode];
    // Only `{% recommend %}` waits for anything (its provider): other fields render synchronously,
    // without a promise per tag and output (most of a broadcast's rendering time otherwise).
    const sync = !source.includes('recommend');
    const liquidCtx = new Context(scope, engine.options, { sync }, { liquid: engine });
    liquidCtx.setRegister(HOST, { ...host, mode });
    const out: unknown = sync ? engine.renderSync(tpl, liquidCtx) : await engine.render(tpl, liquidCtx);
    return typeof out === 'string' ? out : String(out);
  } catch (err) {
    const cause = err instanceof LiquidError ? (err.originalError ?? err) : err;
    if (cause instanceof UserError || cause instanceof OperationalError || cause instanceof UnexpectedError) throw cause;
    if (err instanceof LiquidError) {
      const issue = liquidIssue(err, path);
      throw new UserError(issue.code, issue.message, { field: path });
    }
    throw err;
  }
}

type Body<C extends TemplateBody['channel']> = Extract<TemplateBody, { channel: C }>;

/**
 * Render a template for one customer. `defaultLocale` is the template's; the profile's `locale`
 * trait chooses first (see chooseLocale).
 */
export async function renderTemplate(body: Body<'email'>, defaultLocale: Locale, ctx: RenderContext, options?: RenderOptions): Promise<RenderedEmail>;
export async function renderTemplate(body: Body<'sms'>, defaultLocale: Locale, ctx: RenderContext, options?: RenderOptions): Promise<RenderedSms>;
export async function renderTemplate(body: Body<'webhook'>, defaultLocale: Locale, ctx: RenderContext, options?: RenderOptions): Promise<RenderedWebhook>;
export async function renderTemplate(body: TemplateBody, defaultLocale: Locale, ctx: RenderContext, options?: RenderOptions): Promise<RenderedMessage>;
export async function renderTemplate(body: TemplateBody, defaultLocale: Locale, ctx: RenderContext, options: RenderOptions = {}): Promise<RenderedMessage> {
  const locale = chooseLocale(body.content, defaultLocale, (ctx.traits ?? ctx.profile.traits).locale);
  const host = renderHost(ctx, locale, options);
  const at = (...field: string[]): string => jsonPath(['body', 'content', locale, ...field]);
  switch (body.channel) {
    case 'email':
      return renderEmail(contentOf(body.content, locale), host, at);
    case 'sms': {
      const c = contentOf(body.content, locale);
      const text = (await renderField(c.text, 'text', host, at('text'))).trim();
      if (text === '') throw new UserError('TEMPLATE_RENDERED_EMPTY', say('The SMS text rendered empty', '短信内容渲染后为空'), { field: at('text') });
      const { segments, encoding } = smsSegments(text);
      return { channel: 'sms', locale, text, segments, encoding };
    }
    case 'webhook': {
      const c = contentOf(body.content, locale);
      const url = (await renderField(c.url, 'text', host, at('url'))).trim();
      if (!/^https?:\/\/[^\s/]+/i.test(url)) throw new UserError('TEMPLATE_WEBHOOK_BAD_URL', say(`The webhook URL rendered to "${url}", not an http(s) URL`, `Webhook URL 渲染结果为 "${url}"，不是 http(s) 地址`), { field: at('url') });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(c.headers)) {
        const v = await renderField(value, 'text', host, at('headers', name));
        // A CR or LF would start a new header (request splitting, RFC 9112 §5).
        if (/[\r\n]/.test(v)) throw new UserError('TEMPLATE_WEBHOOK_BAD_HEADER', say(`Header ${name} rendered with a line break`, `请求头 ${name} 渲染后包含换行符`), { field: at('headers', name) });
        headers[name] = v.trim();
      }
      const text = await renderField(c.body, 'json', host, at('body'));
      return { channel: 'webhook', locale, url, method: c.method, headers, body: text, json: parseJsonBody(text, at('body')) };
    }
    default:
      return assertUnreachable(body);
  }
}

function contentOf<T>(content: { en?: T; zh?: T }, locale: Locale): T {
  const c = content[locale];
  if (c === undefined) throw new UnexpectedError(`chooseLocale picked ${locale} without content`);
  return c;
}

async function renderEmail(c: EmailContent, host: Omit<RenderHost, 'mode'>, at: (...f: string[]) => string): Promise<RenderedEmail> {
  // Header fields are one line (RFC 5322 §2.2); folding is the mailer's job.
  const subject = (await renderField(c.subject, 'text', host, at('subject'))).replace(/\s+/g, ' ').trim();
  if (subject === '') throw new UserError('TEMPLATE_RENDERED_EMPTY', say('The subject rendered empty', '邮件主题渲染后为空'), { field: at('subject') });
  const preheader = c.preheader ? (await renderField(c.preheader, 'text', host, at('preheader'))).replace(/\s+/g, ' ').trim() || null : null;
  const html = await renderField(c.html, 'html', host, at('html'));
  const text = c.text !== undefined ? (await renderField(c.text, 'text', host, at('text'))).trim() : htmlToText(html);
  return { channel: 'email', locale: host.locale, subject, html: preheader ? withPreheader(html, preheader) : html, text, preheader };
}

/** Clients show the first text of the body next to the subject; a hidden block puts the preheader there. */
function withPreheader(html: string, preheader: string): string {
  const block = `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${escapeHtml(preheader)}</div>`;
  const body = /<body\b[^>]*>/i.exec(html);
  return body ? html.slice(0, body.index + body[0].length) + block + html.slice(body.index + body[0].length) : block + html;
}

/** The rendered webhook body as JSON, or a UserError that shows where parsing stopped. */
export function parseJsonBody(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const excerpt = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    throw new UserError('TEMPLATE_WEBHOOK_NOT_JSON', say(`The webhook body is not JSON after rendering (${reason}): ${excerpt}`, `Webhook 请求体渲染后不是有效的 JSON（${reason}）：${excerpt}`), { field: path });
  }
}

export { htmlToText, smsSegments };
export type { SmsEncoding };
