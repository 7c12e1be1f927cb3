import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import { renderField, renderHost, renderTemplate, smsSegments, type FieldMode, type Product, type RenderContext } from './template.render.js';
import type { Locale, TemplateBody, TemplateInput } from './template.schema.js';
import { assertValidTemplate, validateTemplate } from './template.validate.js';

/** 2026-03-05 20:30 UTC: already 6 March in Shanghai, still 5 March in New York. */
const NOW = Date.UTC(2026, 2, 5, 20, 30);
const clock: Clock = { now: () => NOW };

type EmailBody = Extract<TemplateBody, { channel: 'email' }>;
type SmsBody = Extract<TemplateBody, { channel: 'sms' }>;
type WebhookBody = Extract<TemplateBody, { channel: 'webhook' }>;

/** A customer with these traits, in a Shanghai workspace (currency left to the CNY default). */
function customer(traits: Record<string, unknown> = {}, extra: Partial<RenderContext> = {}): RenderContext {
  return {
    profile: { id: 'p1', userId: 'u1', email: 'mei@example.com', phone: '+8613800138000', traits },
    workspace: { name: 'Tea House', timezone: 'Asia/Shanghai' },
    ...extra,
  };
}

const bilingualEmail: EmailBody = {
  channel: 'email',
  content: {
    en: { subject: 'Hello {{ traits.name }}', html: '<p>Hello {{ traits.name }}</p>', text: 'Hello {{ traits.name }}' },
    zh: { subject: '你好，{{ traits.name }}', html: '<p>你好，{{ traits.name }}</p>', text: '你好，{{ traits.name }}' },
  },
};

const email = (html: string, extra: Partial<EmailBody['content']['en'] & object> = {}): EmailBody => ({ channel: 'email', content: { en: { subject: 'Hi', html, ...extra } } });
const sms = (en: string, zh?: string): SmsBody => ({ channel: 'sms', content: { en: { text: en }, ...(zh === undefined ? {} : { zh: { text: zh } }) } });
const webhook = (content: Partial<WebhookBody['content']['en'] & object>): WebhookBody => ({
  channel: 'webhook',
  content: { en: { url: 'https://hooks.example.com/in', method: 'POST', headers: {}, body: '{}', ...content } },
});
const input = (body: TemplateBody, defaultLocale: Locale = 'en'): TemplateInput => ({ name: 'Spring sale', kind: 'marketing', defaultLocale, body });

/** Intl puts narrow no-break spaces in some times ("4:30 AM"); compare with plain spaces. */
const spaces = (s: string): string => s.replace(/\s/g, ' ');

const PRODUCTS: Product[] = [
  { id: 'p1', name: 'Wireless earbuds', names: { zh: '无线蓝牙耳机' }, price: 199, currency: 'CNY', url: 'https://shop.example.com/p1', imageUrl: 'https://shop.example.com/p1.jpg' },
  { id: 'p2', name: 'Tea & "Oolong"', price: 68.5, currency: 'USD', url: null, imageUrl: null },
  { id: 'p3', name: 'Teacup', price: null, currency: 'CNY', url: 'javascript:alert(1)', imageUrl: null },
  { id: 'p4', name: 'Teapot', price: 10, currency: 'CNY', url: 'https://shop.example.com/p4', imageUrl: null },
  { id: 'p5', name: 'Tray', price: 5, currency: 'CNY', url: 'https://shop.example.com/p5', imageUrl: null },
];

/** A provider that records the n it was asked for and returns the catalog (more than asked: the tag trims). */
function provider(): { asked: number[]; recommendations: RenderContext['recommendations'] } {
  const asked: number[] = [];
  return {
    asked,
    recommendations: async (n) => {
      asked.push(n);
      return PRODUCTS;
    },
  };
}

describe('renderTemplate: channels in English and Chinese', () => {
  test('email renders subject, HTML and text in the chosen language', async () => {
    const en = await renderTemplate(bilingualEmail, 'en', customer({ name: 'Mei' }));
    assert.deepEqual(en, { channel: 'email', locale: 'en', subject: 'Hello Mei', html: '<p>Hello Mei</p>', text: 'Hello Mei', preheader: null });
    const zh = await renderTemplate(bilingualEmail, 'en', customer({ name: '小美', locale: 'zh' }));
    assert.deepEqual(zh, { channel: 'email', locale: 'zh', subject: '你好，小美', html: '<p>你好，小美</p>', text: '你好，小美', preheader: null });
  });

  test('email subjects are one line and a preheader is a hidden block at the start of the body', async () => {
    const body = email('<html><body><p>Sale</p></body></html>', { subject: 'Spring\n  sale  {{ traits.name }}', preheader: 'Up to {{ traits.off }}% off' });
    const r = await renderTemplate(body, 'en', customer({ name: 'Mei', off: 30 }));
    assert.equal(r.subject, 'Spring sale Mei');
    assert.equal(r.preheader, 'Up to 30% off');
    assert.match(r.html, /^<html><body><div style="display:none[^"]*">Up to 30% off<\/div><p>Sale<\/p>/);
    assert.equal(r.text, 'Sale', 'the preheader is not part of the text');
  });

  test('SMS counts segments: GSM-7 for English, UCS-2 for Chinese', async () => {
    const body = sms('Hi {{ traits.name }}, 20% off today', '{{ traits.name }}，今天八折');
    assert.deepEqual(await renderTemplate(body, 'en', customer({ name: 'Mei' })), { channel: 'sms', locale: 'en', text: 'Hi Mei, 20% off today', segments: 1, encoding: 'GSM-7' });
    assert.deepEqual(await renderTemplate(body, 'zh', customer({ name: '小美' })), { channel: 'sms', locale: 'zh', text: '小美，今天八折', segments: 1, encoding: 'UCS-2' });
  });

  test('an SMS that renders empty is refused at its field', async () => {
    await assert.rejects(renderTemplate(sms('{{ traits.missing }} '), 'en', customer()), { name: 'UserError', code: 'TEMPLATE_RENDERED_EMPTY', field: 'body.content.en.text' });
  });

  test('webhook renders URL, headers and a JSON body, in either language', async () => {
    const body: WebhookBody = {
      channel: 'webhook',
      content: {
        en: { url: 'https://hooks.example.com/{{ profile.id }}', method: 'PUT', headers: { 'X-Lang': 'en' }, body: '{"greeting": "Hello {{ traits.name }}"}' },
        zh: { url: 'https://hooks.example.com/zh/{{ profile.id }}', method: 'POST', headers: { 'X-Lang': ' zh ' }, body: '{"greeting": "你好，{{ traits.name }}"}' },
      },
    };
    const en = await renderTemplate(body, 'en', customer({ name: 'Mei' }));
    assert.deepEqual(en, {
      channel: 'webhook',
      locale: 'en',
      url: 'https://hooks.example.com/p1',
      method: 'PUT',
      headers: { 'X-Lang': 'en' },
      body: '{"greeting": "Hello Mei"}',
      json: { greeting: 'Hello Mei' },
    });
    const zh = await renderTemplate(body, 'en', customer({ name: '小美', locale: 'zh-CN' }));
    assert.deepEqual([zh.locale, zh.url, zh.method, zh.headers, zh.json], ['zh', 'https://hooks.example.com/zh/p1', 'POST', { 'X-Lang': 'zh' }, { greeting: '你好，小美' }]);
  });

  test('a webhook URL that does not render to http(s) and a header with a line break are refused', async () => {
    await assert.rejects(renderTemplate(webhook({ url: '{{ traits.endpoint }}' }), 'en', customer({ endpoint: 'ftp://files.example.com' })), {
      code: 'TEMPLATE_WEBHOOK_BAD_URL',
      field: 'body.content.en.url',
    });
    await assert.rejects(renderTemplate(webhook({ headers: { 'X-Name': '{{ traits.name }}' } }), 'en', customer({ name: 'Mei\r\nX-Admin: 1' })), {
      code: 'TEMPLATE_WEBHOOK_BAD_HEADER',
      field: 'body.content.en.headers.X-Name',
    });
  });
});

describe('renderTemplate: which language a customer gets', () => {
  const CASES: Array<[string, unknown, Locale, EmailBody, Locale]> = [
    ['locale "zh"', 'zh', 'en', bilingualEmail, 'zh'],
    ['locale "zh-CN" (a region)', 'zh-CN', 'en', bilingualEmail, 'zh'],
    ['locale "zh_TW" (underscore, any case)', 'ZH_tw', 'en', bilingualEmail, 'zh'],
    ['locale "en-US" over a Chinese default', 'en-US', 'zh', bilingualEmail, 'en'],
    ['no locale: the template default (zh)', undefined, 'zh', bilingualEmail, 'zh'],
    ['no locale: the template default (en)', undefined, 'en', bilingualEmail, 'en'],
    ['an unsupported language: the template default', 'fr-FR', 'zh', bilingualEmail, 'zh'],
    ['not a string: the template default', 42, 'zh', bilingualEmail, 'zh'],
    ['wants zh, only en exists', 'zh', 'zh', { channel: 'email', content: { en: bilingualEmail.content.en } }, 'en'],
    ['default en, only zh exists', undefined, 'en', { channel: 'email', content: { zh: bilingualEmail.content.zh } }, 'zh'],
  ];
  for (const [what, locale, defaultLocale, body, expected] of CASES) {
    test(what, async () => {
      const traits = locale === undefined ? { name: 'Mei' } : { name: 'Mei', locale };
      const r = await renderTemplate(body, defaultLocale, customer(traits));
      assert.equal(r.locale, expected);
      assert.equal(r.subject, expected === 'zh' ? '你好，Mei' : 'Hello Mei');
    });
  }

  test('ctx.traits, when given, is what chooses (and what templates see)', async () => {
    const r = await renderTemplate(bilingualEmail, 'en', customer({ name: 'Profile', locale: 'en' }, { traits: { name: '小美', locale: 'zh' } }));
    assert.deepEqual([r.locale, r.subject], ['zh', '你好，小美']);
  });
});

describe('renderTemplate: escaping', () => {
  const name = '<b>Tom & "Jerry"</b>';

  test('traits are HTML-escaped in email HTML, and left as written in the subject and text', async () => {
    const body = email('<p>Hi {{ traits.name }}</p>', { subject: 'Hi {{ traits.name }}', text: 'Hi {{ traits.name }}' });
    const r = await renderTemplate(body, 'en', customer({ name }));
    assert.equal(r.html, '<p>Hi &lt;b&gt;Tom &amp; &#34;Jerry&#34;&lt;/b&gt;</p>');
    assert.equal(r.subject, `Hi ${name}`);
    assert.equal(r.text, `Hi ${name}`);
  });

  test('SMS text is not escaped', async () => {
    const r = await renderTemplate(sms('Hi {{ traits.name }}'), 'en', customer({ name }));
    assert.equal(r.text, `Hi ${name}`);
  });

  test('an explicit | escape (or | escape_once) in HTML is not escaped a second time', async () => {
    const r = await renderTemplate(email('<p>{{ traits.name }}</p><p>{{ traits.name | escape }}</p><p>{{ traits.name | escape_once }}</p>'), 'en', customer({ name }));
    const once = '&lt;b&gt;Tom &amp; &#34;Jerry&#34;&lt;/b&gt;';
    assert.equal(r.html, `<p>${once}</p><p>${once}</p><p>${once}</p>`);
    assert.doesNotMatch(r.html, /&amp;lt;|&amp;amp;/);
  });

  test('a webhook body stays valid JSON when traits hold quotes, backslashes and newlines', async () => {
    const tricky = 'Say "hi" \\ o/\nbye';
    const r = await renderTemplate(webhook({ body: '{"name": "{{ traits.name }}", "note": "{{ traits.name }} again"}' }), 'en', customer({ name: tricky }));
    assert.deepEqual(r.json, { name: tricky, note: `${tricky} again` });
    assert.deepEqual(JSON.parse(r.body), r.json);
  });

  test('| json writes raw JSON in a webhook body: arrays, objects, numbers, null for missing', async () => {
    const r = await renderTemplate(
      webhook({ body: '{"tags": {{ traits.tags | json }}, "address": {{ traits.address | json }}, "n": {{ traits.n | json }}, "gone": {{ traits.missing | json }}}' }),
      'en',
      customer({ tags: ['vip', 'say "hi"'], address: { city: '上海' }, n: 3 }),
    );
    assert.deepEqual(r.json, { tags: ['vip', 'say "hi"'], address: { city: '上海' }, n: 3, gone: null });
  });
});

describe('renderTemplate: the plain-text part', () => {
  test('is derived from the HTML when the template has none: links as "text (url)", no markup', async () => {
    const html =
      '<html><head><style>p{color:red}</style></head><body><h1>Spring sale</h1><p>Hi {{ traits.name }},<br>new teas are in.</p>' +
      '<ul><li>Oolong</li><li>Pu-erh</li></ul><p><a href="https://shop.example.com/teas">Shop now</a> or <a href="#top">top</a></p></body></html>';
    const r = await renderTemplate(email(html), 'en', customer({ name: 'Tom & Jerry' }));
    assert.equal(r.text, 'Spring sale\n\nHi Tom & Jerry,\nnew teas are in.\n\n- Oolong\n- Pu-erh\n\nShop now (https://shop.example.com/teas) or top');
  });

  test('a text part the template gives is rendered, not derived', async () => {
    const r = await renderTemplate(email('<p><a href="https://x.example.com">Go</a></p>', { text: 'Go: https://x.example.com' }), 'en', customer());
    assert.equal(r.text, 'Go: https://x.example.com');
  });
});

describe('renderTemplate: money and date filters', () => {
  const filters = '{{ traits.price | money }}|{{ traits.price | money: "usd" }}|{{ traits.when | date }}|{{ traits.when | date: "short" }}|{{ "now" | date: "%Y-%m-%d %H:%M" }}|{{ traits.big | number: 2 }}';
  const traits = { price: 1234.5, when: '2026-03-05T20:30:00Z', big: 1234567.891 };

  test('English: workspace currency (CNY by default) in en-US, dates in the workspace time zone', async () => {
    const r = await renderTemplate(sms(filters), 'en', customer(traits), { clock });
    assert.equal(r.text, 'CN¥1,234.50|$1,234.50|March 6, 2026|3/6/26|2026-03-06 04:30|1,234,567.89');
  });

  test('Chinese: zh-CN formats', async () => {
    const r = await renderTemplate(sms(filters, filters), 'en', customer({ ...traits, locale: 'zh' }), { clock });
    assert.equal(r.text, '¥1,234.50|US$1,234.50|2026年3月6日|2026/3/6|2026-03-06 04:30|1,234,567.89');
  });

  test("the customer's own time zone wins over the workspace's", async () => {
    const r = await renderTemplate(sms(filters), 'en', customer({ ...traits, timezone: 'America/New_York' }), { clock });
    assert.equal(r.text, 'CN¥1,234.50|$1,234.50|March 5, 2026|3/5/26|2026-03-05 15:30|1,234,567.89');
  });

  test('an invalid customer time zone falls back to the workspace; the workspace currency applies', async () => {
    const ctx: RenderContext = { ...customer({ timezone: 'Mars/Olympus' }), workspace: { name: 'Shop', timezone: 'America/Los_Angeles', currency: 'USD' } };
    const r = await renderTemplate(sms('{{ 12.5 | money }} {{ "now" | date: "datetime" }}'), 'en', ctx, { clock });
    assert.equal(spaces(r.text), '$12.50 March 5, 2026 at 12:30 PM');
  });

  test('a regional locale trait shapes formats within the language (en-GB)', async () => {
    const r = await renderTemplate(sms('{{ traits.when | date }} {{ traits.when | date: "datetime" }}'), 'en', customer({ locale: 'en-GB', when: 1772742600 }), { clock });
    assert.equal(spaces(r.text), '6 March 2026 6 March 2026 at 04:30');
  });

  test('values that are not numbers or dates pass through unchanged', async () => {
    const r = await renderTemplate(sms('{{ traits.price | money }}|{{ traits.when | date }}'), 'en', customer({ price: 'free', when: 'soon' }), { clock });
    assert.equal(r.text, 'free|soon');
  });
});

describe('renderTemplate: {% recommend %}', () => {
  test('email HTML: a table grid of at most 3 columns, escaped names, prices, safe links only, English heading', async () => {
    const p = provider();
    const r = await renderTemplate(email('{% recommend n: 4 %}'), 'en', customer({}, { recommendations: p.recommendations }));
    assert.deepEqual(p.asked, [4]);
    assert.match(r.html, /^<table role="presentation" class="nudge-recommendations"[^>]*><tr><td colspan="3"[^>]*>Recommended for you<\/td><\/tr>/);
    assert.equal((r.html.match(/<tr>/g) ?? []).length, 3, 'heading row and two rows of products');
    assert.equal((r.html.match(/<td width="33%"/g) ?? []).length, 4, 'n: 4 of the five products');
    assert.doesNotMatch(r.html, /Tray/);
    assert.match(r.html, /<a href="https:\/\/shop.example.com\/p1"[^>]*><img src="https:\/\/shop.example.com\/p1.jpg"[^>]*><br>Wireless earbuds<\/a><br><strong>CN¥199.00<\/strong>/);
    assert.match(r.html, /Tea &#38; &#34;Oolong&#34;<br><strong>\$68.50<\/strong>/);
    assert.doesNotMatch(r.html, /javascript:/, 'a non-http link is dropped');
    assert.match(r.html, />Teacup<\/td>/, 'no price, no link');
    // The derived text part lists the products too.
    assert.match(r.text, /^Recommended for you\n\nWireless earbuds \(https:\/\/shop.example.com\/p1\)\nCN¥199.00\n/);
  });

  test('Chinese: the heading and localised product names', async () => {
    const p = provider();
    const body: EmailBody = { channel: 'email', content: { zh: { subject: '推荐', html: '{% recommend n: 2 %}' } } };
    const r = await renderTemplate(body, 'en', customer({}, { recommendations: p.recommendations }));
    assert.match(r.html, /<td colspan="2"[^>]*>为你推荐<\/td>/);
    assert.match(r.html, /<br>无线蓝牙耳机<\/a><br><strong>¥199.00<\/strong>/);
    assert.match(r.html, /Tea &#38; &#34;Oolong&#34;<br><strong>US\$68.50<\/strong>/, 'no Chinese name: the name as given');
  });

  test('text fields (SMS): a heading and one line per product, in plain ASCII punctuation', async () => {
    const p = provider();
    const en = await renderTemplate(sms('{% recommend n: 3 %}'), 'en', customer({}, { recommendations: p.recommendations }));
    assert.equal(en.text, 'Recommended for you\n- Wireless earbuds - CN¥199.00 (https://shop.example.com/p1)\n- Tea & "Oolong" - $68.50\n- Teacup');
    assert.equal(en.encoding, 'GSM-7');
    const zh = await renderTemplate(sms('x', '{% recommend n: 1 %}'), 'zh', customer({}, { recommendations: p.recommendations }));
    assert.equal(zh.text, '为你推荐\n- 无线蓝牙耳机 - ¥199.00 (https://shop.example.com/p1)');
  });

  test('webhook bodies get the products as a JSON array', async () => {
    const p = provider();
    const r = await renderTemplate(webhook({ body: '{"items": {% recommend n: 1 %}}' }), 'en', customer({}, { recommendations: p.recommendations }));
    assert.deepEqual(r.json, { items: [{ id: 'p1', name: 'Wireless earbuds', price: 199, currency: 'CNY', url: 'https://shop.example.com/p1', imageUrl: 'https://shop.example.com/p1.jpg' }] });
  });

  test('n defaults to 4, may come from a trait and is kept within 1..12', async () => {
    const p = provider();
    const ctx = (count: unknown): RenderContext => customer({ count }, { recommendations: p.recommendations });
    await renderTemplate(sms('{% recommend %}'), 'en', ctx(null));
    await renderTemplate(sms('{% recommend n: traits.count %}'), 'en', ctx(2));
    await renderTemplate(sms('{% recommend n: traits.count %}'), 'en', ctx(99));
    await renderTemplate(sms('{% recommend n: traits.count %}'), 'en', ctx(0));
    assert.deepEqual(p.asked, [4, 2, 12, 1]);
  });

  test('without a provider the tag renders nothing', async () => {
    const r = await renderTemplate(email('<p>Hello</p>{% recommend n: 4 %}'), 'en', customer());
    assert.equal(r.html, '<p>Hello</p>');
    assert.equal(r.text, 'Hello');
    const s = await renderTemplate(sms('Hello{% recommend %}'), 'en', customer());
    assert.equal(s.text, 'Hello');
  });

  test('in a webhook body, no products is an empty array, so the body stays JSON', async () => {
    const none = await renderTemplate(webhook({ body: '{"items": {% recommend n: 2 %}}' }), 'en', customer());
    assert.deepEqual(none.json, { items: [] });
    const empty = await renderTemplate(webhook({ body: '{"items": {% recommend n: 2 %}}' }), 'en', customer({}, { recommendations: async () => [] }));
    assert.deepEqual(empty.json, { items: [] });
  });

  test('a failing provider is an outage (OperationalError), not a template fault', async () => {
    const ctx = customer({}, {
      recommendations: async () => {
        throw new Error('recommender down');
      },
    });
    await assert.rejects(renderTemplate(email('{% recommend %}'), 'en', ctx), { name: 'OperationalError', code: 'TEMPLATE_RECOMMENDATIONS_FAILED' });
  });
});

describe('renderTemplate: templates cannot read files', () => {
  for (const tag of ['include', 'render', 'layout']) {
    test(`{% ${tag} %} is refused`, async () => {
      await assert.rejects(renderTemplate(email(`<p>x</p>{% ${tag} "header" %}`), 'en', customer()), (err: unknown) => {
        assert.ok(err instanceof UserError);
        assert.equal(err.code, 'TEMPLATE_UNKNOWN_TAG');
        assert.equal(err.field, 'body.content.en.html');
        assert.match(err.message, new RegExp(`the ${tag} tag is not available`));
        return true;
      });
    });
  }
});

describe('validateTemplate', () => {
  const bilingual = (en: Partial<EmailBody['content']['en'] & object>, zh: Partial<EmailBody['content']['zh'] & object> = {}): TemplateInput =>
    input({ channel: 'email', content: { en: { subject: 'Hi', html: '<p>Hi</p>', ...en }, zh: { subject: '你好', html: '<p>你好</p>', ...zh } } });

  /** [what, template, options, code, path] — exactly one issue expected. */
  const CASES: Array<[string, TemplateInput, { smsMaxSegments?: number }, string, string]> = [
    ['an unclosed output', bilingual({ subject: 'Hi {{ traits.name ' }), {}, 'TEMPLATE_SYNTAX', 'body.content.en.subject'],
    ['an unclosed block tag', bilingual({}, { html: '<p>{% if traits.vip %}VIP</p>' }), {}, 'TEMPLATE_SYNTAX', 'body.content.zh.html'],
    ['recommend n out of range', bilingual({ html: '{% recommend n: 40 %}' }), {}, 'TEMPLATE_SYNTAX', 'body.content.en.html'],
    ['an unknown filter', bilingual({}, { html: '<p>{{ traits.name | shout }}</p>' }), {}, 'TEMPLATE_UNKNOWN_FILTER', 'body.content.zh.html'],
    ['an unknown tag', bilingual({ text: 'x {% blink %}' }), {}, 'TEMPLATE_UNKNOWN_TAG', 'body.content.en.text'],
    ['include', bilingual({ html: '{% include "footer" %}' }), {}, 'TEMPLATE_UNKNOWN_TAG', 'body.content.en.html'],
    ['an unknown variable', bilingual({ preheader: 'Hi {{ first_name }}' }), {}, 'TEMPLATE_UNKNOWN_VARIABLE', 'body.content.en.preheader'],
    ['an unknown profile field', bilingual({}, { subject: '{{ profile.plan }}' }), {}, 'TEMPLATE_UNKNOWN_VARIABLE', 'body.content.zh.subject'],
    ['an SMS over 10 parts', input(sms('a'.repeat(1531))), {}, 'TEMPLATE_SMS_TOO_LONG', 'body.content.en.text'],
    ['a Chinese SMS over 10 parts', input(sms('ok', '中'.repeat(671))), {}, 'TEMPLATE_SMS_TOO_LONG', 'body.content.zh.text'],
    ['an SMS over a configured limit', input(sms('a'.repeat(161))), { smsMaxSegments: 1 }, 'TEMPLATE_SMS_TOO_LONG', 'body.content.en.text'],
    ['a webhook body that is not JSON', input(webhook({ body: '{"name": }' })), {}, 'TEMPLATE_WEBHOOK_NOT_JSON', 'body.content.en.body'],
    ['a webhook URL that is not http(s)', input(webhook({ url: 'ftp://files.example.com/{{ profile.id }}' })), {}, 'TEMPLATE_WEBHOOK_BAD_URL', 'body.content.en.url'],
    ['a webhook URL without a scheme', input(webhook({ url: 'www.example.com' })), {}, 'TEMPLATE_WEBHOOK_BAD_URL', 'body.content.en.url'],
    ['a webhook header with a line break', input(webhook({ headers: { 'X-A': 'a\nb' } })), {}, 'TEMPLATE_WEBHOOK_BAD_HEADER', 'body.content.en.headers.X-A'],
    ['a subject that renders empty', bilingual({ subject: '{% if false %}x{% endif %}' }), {}, 'TEMPLATE_RENDERED_EMPTY', 'body.content.en.subject'],
  ];
  for (const [what, template, options, code, path] of CASES) {
    test(`${what}: ${code} at ${path}`, async () => {
      const issues = await validateTemplate(template, options);
      assert.deepEqual(
        issues.map((i) => [i.code, i.path]),
        [[code, path]],
        JSON.stringify(issues),
      );
    });
  }

  test('Liquid issues carry the line and column in the field', async () => {
    const [issue] = await validateTemplate(bilingual({ html: '<p>\n  {% blink %}</p>' }));
    assert.deepEqual([issue?.line, issue?.column], [2, 3]);
    assert.match(issue?.message ?? '', /Unknown tag "blink" \(line 2, column 3\)/);
  });

  test('an unknown variable names the likely intent, and | default: makes the same variable acceptable', async () => {
    const [issue] = await validateTemplate(bilingual({ html: '<p>Hi {{ first_name }}</p>' }));
    assert.equal(issue?.code, 'TEMPLATE_UNKNOWN_VARIABLE');
    assert.match(issue?.message ?? '', /Unknown variable "first_name".*Did you mean traits\.first_name\?/);
    assert.deepEqual(await validateTemplate(bilingual({ html: '<p>Hi {{ first_name | default: "there" }}</p>' })), []);
    assert.deepEqual(await validateTemplate(bilingual({ html: '<p>Hi {{ first_name | upcase | default: "there" }}</p>' })), []);
  });

  test('loop variables, assigns and captures are not unknown variables', async () => {
    const html = '{% for p in traits.items %}{{ forloop.index }} {{ p.name }}{% endfor %}{% assign x = traits.a %}{{ x }}{% capture y %}a{% endcapture %}{{ y }}{{ traits.name.size }}';
    assert.deepEqual(await validateTemplate(bilingual({ html })), []);
  });

  test('issues are reported for every field, English first then Chinese', async () => {
    const issues = await validateTemplate(bilingual({ subject: '{{ nope }}', html: '{{ x | shout }}' }, { html: '{% blink %}' }));
    assert.deepEqual(
      issues.map((i) => [i.code, i.path]),
      [
        ['TEMPLATE_UNKNOWN_VARIABLE', 'body.content.en.subject'],
        ['TEMPLATE_UNKNOWN_FILTER', 'body.content.en.html'],
        ['TEMPLATE_UNKNOWN_TAG', 'body.content.zh.html'],
      ],
    );
  });

  test('SMS limits: exactly 10 parts pass by default; the sample fills traits the text reads', async () => {
    assert.deepEqual(await validateTemplate(input(sms('a'.repeat(1530)))), []);
    assert.deepEqual(await validateTemplate(input(sms('a'.repeat(160))), { smsMaxSegments: 1 }), []);
    assert.deepEqual(await validateTemplate(input(sms('Hi {{ traits.name }}, {{ traits.points }} points'))), []);
  });

  test('a complete, valid template passes with no issues', async () => {
    const template = bilingual(
      {
        subject: 'Hi {{ traits.first_name | default: "there" }}',
        preheader: 'New in: {{ event.properties.product }}',
        html: '<p>{{ traits.price | money }} until {{ event.properties.ends_at | date }}</p>{% recommend n: 3 %}<a href="{{ message.unsubscribeUrl }}">Unsubscribe</a>',
        text: 'Unsubscribe: {{ message.unsubscribeUrl }}',
      },
      { subject: '你好，{{ profile.traits.name }}', html: '<p>{{ workspace.name }} · {{ journey.name }}</p>' },
    );
    assert.deepEqual(await validateTemplate(template), []);
    assert.deepEqual(
      await validateTemplate(input(webhook({ url: 'https://{{ workspace.hook_host }}/in', headers: { 'X-Id': '{{ profile.id }}' }, body: '{"id": "{{ profile.id }}", "points": {{ traits.points }}, "tags": {{ traits.tags | json }}}' }))),
      [],
    );
    await assertValidTemplate(template);
  });

  test('assertValidTemplate throws a UserError with the first issue’s code and field, and all issues in details', async () => {
    const template = bilingual({ html: '{{ nope }}' }, { html: '{{ traits.x | shout }}' });
    await assert.rejects(assertValidTemplate(template), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.equal(err.code, 'TEMPLATE_UNKNOWN_VARIABLE');
      assert.equal(err.field, 'body.content.en.html');
      assert.equal(err.status, 400);
      assert.deepEqual(
        (err.details as { issues: { code: string; path: string }[] }).issues.map((i) => [i.code, i.path]), // details is unknown by design; validateTemplate fills it with TemplateIssue[]
        [
          ['TEMPLATE_UNKNOWN_VARIABLE', 'body.content.en.html'],
          ['TEMPLATE_UNKNOWN_FILTER', 'body.content.zh.html'],
        ],
      );
      return true;
    });
  });
});

describe('smsSegments', () => {
  const a = (n: number): string => 'a'.repeat(n);

  test('GSM-7: 160 characters are one message, 161 need two parts of at most 153', () => {
    assert.deepEqual(smsSegments(a(160)), { encoding: 'GSM-7', segments: 1, units: 160 });
    assert.deepEqual(smsSegments(a(161)), { encoding: 'GSM-7', segments: 2, units: 161 });
    assert.equal(smsSegments(a(306)).segments, 2);
    assert.equal(smsSegments(a(307)).segments, 3);
  });

  test('empty text is zero parts', () => {
    assert.deepEqual(smsSegments(''), { encoding: 'GSM-7', segments: 0, units: 0 });
  });

  test('GSM extension characters (€, {) cost two septets', () => {
    assert.deepEqual(smsSegments(a(158) + '€'), { encoding: 'GSM-7', segments: 1, units: 160 });
    assert.deepEqual(smsSegments(a(159) + '{'), { encoding: 'GSM-7', segments: 2, units: 161 });
  });

  test('an extension character is never split across parts', () => {
    // 152 + 2 + 152 = 306 septets would fill two parts of 153 exactly if the € could straddle them.
    const text = a(152) + '€' + a(152);
    assert.deepEqual(smsSegments(text), { encoding: 'GSM-7', segments: 3, units: 306 });
  });

  test('Chinese switches to UCS-2: 70 characters are one message, 71 need two parts of at most 67', () => {
    const zh = (n: number): string => '中'.repeat(n);
    assert.deepEqual(smsSegments(zh(70)), { encoding: 'UCS-2', segments: 1, units: 70 });
    assert.deepEqual(smsSegments(zh(71)), { encoding: 'UCS-2', segments: 2, units: 71 });
    assert.equal(smsSegments(zh(134)).segments, 2);
    assert.equal(smsSegments(zh(135)).segments, 3);
  });

  test('one Chinese character makes the whole message UCS-2', () => {
    assert.deepEqual(smsSegments(a(69) + '中'), { encoding: 'UCS-2', segments: 1, units: 70 });
    assert.deepEqual(smsSegments(a(70) + '中'), { encoding: 'UCS-2', segments: 2, units: 71 });
  });

  test('UCS-2 keeps surrogate pairs (emoji) whole', () => {
    // 66 units + a 2-unit emoji: 68 > 67, so the emoji starts the second part.
    assert.deepEqual(smsSegments('中'.repeat(66) + '😀' + '中'.repeat(66)), { encoding: 'UCS-2', segments: 3, units: 134 });
  });
});

describe('renderField: plain outputs joined without liquid give what liquid gives', () => {
  // A field with a tag anywhere renders through liquid; an empty comment adds nothing to the text.
  const throughLiquid = (source: string) => `${source}{% comment %}{% endcomment %}`;
  const values: unknown[] = ['Mei', '', '  padded  ', 'Tom & "Jerry" <b>\'s</b>', '李雷 🍵 {{ not code }}', 'a\nb\r\nc', 0, -1.5, 42, 1e21, 0.1 + 0.2, true, false, null, undefined, ['tea', 1], { nested: 'x' }];
  const fields = [
    'Hi {{ profile.traits.name }}!',
    '{{ traits.name }}',
    '<p>{{ traits.name }}</p> and {{ traits.city }}.',
    'Hi {{- traits.name -}} , {{traits.name}}',
    '  {{- traits.name }}  \n  {{ traits.name -}}  tail',
    '{{ traits.name.length }} {{ traits.constructor }} {{ traits.missing.deeper }} {{ event.properties.total }}',
    '{{ profile.email }} {{ workspace.name }} {{ message.unsubscribeUrl }} {{ journey.vars.code }}',
    'no outputs at all, & < > stay raw',
  ];

  test('every mode, every kind of value, whitespace control', async () => {
    let compared = 0;
    for (const mode of ['html', 'text'] as FieldMode[]) {
      for (const [i, value] of values.entries()) {
        const ctx = customer(
          { name: value, city: values[(i + 3) % values.length] },
          { event: { name: 'order', properties: { total: values[(i + 5) % values.length] } }, journey: { responses: {}, vars: { code: value } }, message: { unsubscribeUrl: 'https://n.example/u?a=1&b=2' } },
        );
        const host = renderHost(ctx, 'en', { clock });
        for (const field of fields) {
          const fast = await renderField(field, mode, host, 'f');
          const slow = await renderField(throughLiquid(field), mode, host, 'f');
          assert.equal(fast, slow, `${mode} ${JSON.stringify(field)} with ${JSON.stringify(value)}`);
          compared++;
        }
      }
    }
    assert.equal(compared, 2 * values.length * fields.length);
  });

  test('fields the fast path leaves to liquid still render: filters, tags, size and first, literals', async () => {
    const host = renderHost(customer({ name: 'Mei', tags: ['a', 'b'] }), 'en', { clock });
    assert.equal(await renderField('{{ traits.name | upcase }} {{ traits.tags.size }} {{ traits.tags.first }} {% if true %}yes{% endif %}', 'text', host, 'f'), 'MEI 2 a yes');
    assert.equal(await renderField('{{ traits.tags }}', 'html', host, 'f'), 'ab');
  });
});
