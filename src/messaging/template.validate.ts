import { LiquidError, TypeGuards, Value, toValueSync } from 'liquidjs';
import type { Template, Variable } from 'liquidjs';
import { UserError, assertUnreachable, jsonPath } from '../platform/errors.js';
import { say, type Bilingual } from '../platform/language.js';
import { engineFor, liquidIssue, parseField, parseJsonBody, renderField, renderHost, renderTemplate, smsSegments, type BilingualIssue, type FieldMode, type Product, type RenderContext } from './template.render.js';
import { TemplateIssueCode, type EmailContent, type Locale, type SmsContent, type TemplateBody, type TemplateInput, type TemplateIssue, type WebhookContent } from './template.schema.js';

/**
 * Save-time checks for a template, so mistakes surface in the editor rather than as a half-sent
 * campaign: Liquid syntax, unknown filters and tags, variables the render context never has, webhook
 * bodies that are not JSON and SMS texts over the provider's limit (the last two by rendering with
 * sample data).
 */

export interface ValidateOptions {
  /** The most SMS parts a message may take (providers cap it; Twilio recommends ≤ 10). */
  smsMaxSegments?: number;
  /** Data to render with instead of the built-in sample (e.g. a real recent profile). */
  sample?: RenderContext;
}

/**
 * What templates can refer to. 'open' accepts any path below (traits and event properties are the
 * workspace's own; workspace settings and journey state grow over time); 'leaf' is a scalar.
 */
type Shape = 'leaf' | 'open' | { readonly [key: string]: Shape };
export const CONTEXT_SHAPE: Shape = {
  profile: { id: 'leaf', userId: 'leaf', email: 'leaf', phone: 'leaf', traits: 'open' },
  traits: 'open',
  event: { name: 'leaf', properties: 'open' },
  workspace: 'open',
  journey: 'open',
  message: { unsubscribeUrl: 'leaf', preferencesUrl: 'leaf', viewInBrowserUrl: 'leaf' },
};
/** A variable path as liquidjs's analysis returns it; nested arrays are computed indexes (`a[b.c]`). */
type SegmentArray = Array<string | number | SegmentArray>;

/** Liquid's own properties of strings and arrays. */
const LEAF_PROPERTIES = new Set(['size', 'first', 'last']);

function describeShape(shape: Shape): string {
  if (shape === 'leaf') return '';
  if (shape === 'open') return '.*';
  const parts = Object.entries(shape).map(([k, v]) => k + describeShape(v));
  return parts.length === 1 ? `.${parts[0]}` : `.{${parts.join(', ')}}`;
}
/** "profile.{id, …, traits.*}, traits.*, event.{name, properties.*}, …" for messages. */
const KNOWN = describeShape(CONTEXT_SHAPE).replace(/^\.\{|\}$/g, '');

/** The path up to the first unknown property, or null when `segments` fits the context shape. */
function unknownPrefix(segments: ReadonlyArray<string | number | Variable>): string | null {
  let shape: Shape = CONTEXT_SHAPE;
  const seen: string[] = [];
  for (const seg of segments) {
    if (shape === 'open' || typeof seg !== 'string') return null; // open, or a computed index we cannot follow
    seen.push(seg);
    if (shape === 'leaf') return LEAF_PROPERTIES.has(seg) ? null : seen.join('.');
    const next: Shape | undefined = Object.hasOwn(shape, seg) ? shape[seg] : undefined;
    if (next === undefined) return seen.join('.');
    shape = next;
  }
  return null;
}

/** The likely intent behind a bare name: customer data lives in traits. */
function suggest(unknown: string): Bilingual {
  const [root, ...rest] = unknown.split('.');
  if (rest.length === 0) return say(` Did you mean traits.${root}?`, `是否应为 traits.${root}？`);
  if (root === 'profile' && rest.length === 1) return say(` Did you mean profile.traits.${rest[0]}?`, `是否应为 profile.traits.${rest[0]}？`);
  return say('', '');
}

function* walk(templates: Template[]): Generator<Template> {
  for (const t of templates) {
    yield t;
    // Children of block tags (if/for/capture/…); partials are disabled in message templates.
    if (t.children) yield* walk(toValueSync(t.children(false, true)));
  }
}

/** Positions (row:col) of variables whose value is piped through `| default:` — those may be missing. */
function defaultedPositions(templates: Template[]): Set<string> {
  const out = new Set<string>();
  for (const t of walk(templates)) {
    if (!t.arguments) continue;
    for (const arg of t.arguments()) {
      if (!(arg instanceof Value) || !arg.filters.some((f) => f.name === 'default')) continue;
      for (const token of arg.initial.postfix) if (TypeGuards.isPropertyAccessToken(token)) out.add(token.getPosition().join(':'));
    }
  }
  return out;
}

interface Field {
  key: string[];
  source: string;
  mode: FieldMode;
}

function fieldsOf(body: TemplateBody, locale: Locale): Field[] | null {
  switch (body.channel) {
    case 'email': {
      const c: EmailContent | undefined = body.content[locale];
      if (!c) return null;
      const fields: Field[] = [{ key: ['subject'], source: c.subject, mode: 'text' }];
      if (c.preheader !== undefined) fields.push({ key: ['preheader'], source: c.preheader, mode: 'text' });
      fields.push({ key: ['html'], source: c.html, mode: 'html' });
      if (c.text !== undefined) fields.push({ key: ['text'], source: c.text, mode: 'text' });
      return fields;
    }
    case 'sms': {
      const c: SmsContent | undefined = body.content[locale];
      return c ? [{ key: ['text'], source: c.text, mode: 'text' }] : null;
    }
    case 'webhook': {
      const c: WebhookContent | undefined = body.content[locale];
      if (!c) return null;
      return [
        { key: ['url'], source: c.url, mode: 'text' },
        ...Object.entries(c.headers).map(([name, source]): Field => ({ key: ['headers', name], source, mode: 'text' })),
        { key: ['body'], source: c.body, mode: 'json' },
      ];
    }
    default:
      return assertUnreachable(body);
  }
}

/** Parse and analyse one field: its issues, and the variable paths it reads (for the sample); null paths when it does not parse. */
function checkField(field: Field, path: string): { issues: BilingualIssue[]; paths: SegmentArray[] | null } {
  let templates: Template[];
  try {
    templates = parseField(field.source, field.mode);
  } catch (err) {
    if (err instanceof LiquidError) return { issues: [liquidIssue(err, path)], paths: null };
    throw err;
  }
  const engine = engineFor(field.mode);
  const analysis = engine.analyzeSync(templates, { partials: false });
  const defaulted = defaultedPositions(templates);
  const issues: BilingualIssue[] = [];
  const reported = new Set<string>();
  for (const variables of Object.values(analysis.globals)) {
    for (const v of variables) {
      const { row: line, col: column } = v.location;
      if (defaulted.has(`${line}:${column}`)) continue;
      const unknown = unknownPrefix(v.segments);
      if (unknown === null || reported.has(unknown)) continue;
      reported.add(unknown);
      const hint = suggest(unknown);
      issues.push({
        code: 'TEMPLATE_UNKNOWN_VARIABLE',
        path,
        message: say(
          `Unknown variable "${unknown}" (line ${line}, column ${column}).${hint.en} Templates can use ${KNOWN}; add | default: '…' to keep an unknown one with a fallback.`,
          `未知变量 "${unknown}"（第 ${line} 行，第 ${column} 列）。${hint.zh}模板可以使用 ${KNOWN}；变量可能不存在时，可加上 | default: '…' 设置默认值。`,
        ),
        line,
        column,
      });
    }
  }
  return { issues, paths: engine.globalVariableSegmentsSync(templates, { partials: false }) };
}

/** Save-time validation: every issue, in field order (English first, then Chinese). */
export async function validateTemplate(input: TemplateInput, options: ValidateOptions = {}): Promise<TemplateIssue[]> {
  return (await templateIssues(input, options)).map(inEnglish);
}

/** An issue as the API shows it (TemplateIssue): the English message. */
const inEnglish = (issue: BilingualIssue): TemplateIssue => ({ ...issue, message: issue.message.en });

/** validateTemplate's issues, each message in both languages (a journey's publish check words them in the caller's). */
export async function templateIssues(input: TemplateInput, options: ValidateOptions = {}): Promise<BilingualIssue[]> {
  const issues: BilingualIssue[] = [];
  const maxSegments = options.smsMaxSegments ?? 10;
  for (const locale of ['en', 'zh'] as const) {
    const fields = fieldsOf(input.body, locale);
    if (!fields) continue;
    const paths: SegmentArray[] = [];
    const before = issues.length;
    let parsed = true;
    for (const field of fields) {
      const path = jsonPath(['body', 'content', locale, ...field.key]);
      const result = checkField(field, path);
      issues.push(...result.issues);
      if (result.paths) paths.push(...result.paths);
      else parsed = false;
    }
    // Rendering would only repeat a syntax error, and unknown names render empty whatever the sample.
    if (!parsed || issues.length > before) continue;
    issues.push(...(await sampleRenderIssues(input.body, locale, options.sample ?? sampleContext(locale, paths), maxSegments)));
  }
  return issues;
}

/** Throws a UserError for the first issue (all of them in `details.issues`), for callers that want one error. */
export async function assertValidTemplate(input: TemplateInput, options: ValidateOptions = {}): Promise<void> {
  const issues = await templateIssues(input, options);
  const first = issues[0];
  if (first) throw new UserError(first.code, first.message, { field: first.path, details: { issues } });
}

/** Render one language with sample data; report what fails, and SMS texts over the limit. */
async function sampleRenderIssues(body: TemplateBody, locale: Locale, sample: RenderContext, maxSegments: number): Promise<BilingualIssue[]> {
  const at = (...key: string[]): string => jsonPath(['body', 'content', locale, ...key]);
  // The locale trait makes renderTemplate pick exactly this language.
  const traits = { ...(sample.traits ?? sample.profile.traits), locale };
  const ctx: RenderContext = { ...sample, traits, profile: { ...sample.profile, traits } };
  try {
    if (body.channel === 'webhook') {
      // Fields one by one: a sample value cannot stand in for a URL, so the URL is checked statically.
      const c = body.content[locale];
      if (!c) return [];
      const issues = staticUrlIssues(c.url, at('url'));
      const host = renderHost(ctx, locale);
      for (const [name, value] of Object.entries(c.headers)) {
        if (/[\r\n]/.test(await renderField(value, 'text', host, at('headers', name))))
          issues.push({ code: 'TEMPLATE_WEBHOOK_BAD_HEADER', path: at('headers', name), message: say(`Header ${name} renders with a line break (with sample data)`, `请求头 ${name} 渲染后包含换行符（使用示例数据）`) });
      }
      parseJsonBody(await renderField(c.body, 'json', host, at('body')), at('body'));
      return issues;
    }
    const rendered = await renderTemplate(body, locale, ctx);
    if (rendered.channel === 'sms' && rendered.segments > maxSegments) {
      return [
        {
          code: 'TEMPLATE_SMS_TOO_LONG',
          path: at('text'),
          message: say(
            `The SMS takes ${rendered.segments} parts (${rendered.encoding}, ${[...rendered.text].length} characters) with sample data; the limit is ${maxSegments}. Chinese or other non-GSM characters allow 67 characters a part, GSM-7 text 153.`,
            `使用示例数据时，短信需拆成 ${rendered.segments} 条发送（${rendered.encoding}，共 ${[...rendered.text].length} 个字符），超过了 ${maxSegments} 条的上限。含中文等非 GSM 字符时每条最多 67 个字符，GSM-7 文本每条最多 153 个字符。`,
          ),
        },
      ];
    }
    return [];
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const known = TemplateIssueCode.safeParse(err.code);
    const code = known.success ? known.data : 'TEMPLATE_RENDER_FAILED';
    const hint = code === 'TEMPLATE_WEBHOOK_NOT_JSON' ? say(' Values the sample lacks render empty: quote them ("{{ x }}") or use | json.', '示例数据中没有的值会渲染为空：请给它们加上引号（"{{ x }}"）或使用 | json。') : say('', '');
    return [{ code, path: err.field ?? at(), message: say(`${err.message} (with sample data).${hint.en}`, `${err.zh}（使用示例数据）。${hint.zh}`) }];
  }
}

/** The literal start of a webhook URL must be (or lead to) http:// or https://; what follows Liquid is the sender's check. */
function staticUrlIssues(source: string, path: string): BilingualIssue[] {
  const literal = (source.split(/\{[{%]/)[0] ?? '').trim().toLowerCase();
  if (/^https?:\/\/[^\s]/.test(literal) || 'https://'.startsWith(literal) || 'http://'.startsWith(literal)) return [];
  return [{ code: 'TEMPLATE_WEBHOOK_BAD_URL', path, message: say(`The webhook URL must start with http:// or https:// (it starts "${literal.slice(0, 40)}")`, `Webhook URL 必须以 http:// 或 https:// 开头（当前开头为 "${literal.slice(0, 40)}"）`) }];
}

/** A number renders as valid JSON both bare (`{{ x }}`) and quoted (`"{{ x }}"`), so it is the sample for unknown values. */
const SAMPLE_VALUE = 42;
const SAMPLE_PRODUCTS: Product[] = [
  { id: 'sample-1', name: 'Wireless earbuds', names: { zh: '无线蓝牙耳机' }, price: 199, currency: 'CNY', url: 'https://example.com/p/1', imageUrl: null },
  { id: 'sample-2', name: 'Green tea, 250 g', names: { zh: '绿茶 250 克' }, price: 68, currency: 'CNY', url: 'https://example.com/p/2', imageUrl: null },
];

/** A sample customer with a value at every open path the template reads (traits.x, event.properties.y…). */
export function sampleContext(locale: Locale, paths: SegmentArray[] = []): RenderContext {
  const traits: Record<string, unknown> = { locale };
  const ctx = {
    profile: { id: 'sample-profile', userId: 'sample-user', email: 'customer@example.com', phone: '+8613800138000', traits },
    event: { name: 'Sample Event', properties: {} },
    workspace: { name: 'Sample workspace' },
    journey: { id: 'sample-journey', name: 'Sample journey' },
    message: { unsubscribeUrl: 'https://example.com/u/sample', preferencesUrl: 'https://example.com/p/sample', viewInBrowserUrl: 'https://example.com/v/sample' },
    recommendations: async (n: number): Promise<Product[]> => SAMPLE_PRODUCTS.slice(0, n),
  } satisfies RenderContext;
  const roots: Record<string, Record<string, unknown>> = { traits, workspace: ctx.workspace, journey: ctx.journey };
  for (const segments of paths) {
    const [root, second, ...rest] = segments;
    if (root === 'profile' && second === 'traits') setSample(traits, rest);
    else if (root === 'event' && second === 'properties') setSample(ctx.event.properties, rest);
    else if (typeof root === 'string' && Object.hasOwn(roots, root)) setSample(roots[root] ?? {}, second === undefined ? [] : [second, ...rest]);
  }
  return ctx;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function setSample(target: Record<string, unknown>, path: SegmentArray): void {
  const keys: string[] = [];
  for (const seg of path) {
    if (typeof seg !== 'string' && typeof seg !== 'number') break; // a computed index: stop here
    keys.push(String(seg));
  }
  let obj = target;
  for (const [i, key] of keys.entries()) {
    if (i === keys.length - 1) {
      if (!Object.hasOwn(obj, key)) obj[key] = SAMPLE_VALUE;
      return;
    }
    const existing = obj[key];
    const next: Record<string, unknown> = isRecord(existing) ? existing : {};
    obj[key] = next;
    obj = next;
  }
}

export { smsSegments };
