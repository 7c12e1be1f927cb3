import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { renderTemplate } from '../template.render.js';
import { channelContract, type ChannelHarness } from './channel.contract.js';
import { sent, type SendResult } from './channel.js';
import { createEmailChannel, emailMessageId, EmailSettings, type EmailMessage } from './email.channel.js';
import { closedPort, startHangingServer, startSmtpServer, startTwilioServer, startWebhookReceiver, type Rejection } from './loopback.testing.js';
import { NullChannel } from './null.channel.js';
import { createSmsChannel, type SmsMessage } from './sms.channel.js';
import { createWebhookChannel, signWebhook, verifyWebhookSignature, type WebhookMessage } from './webhook.channel.js';

const SMTP_AUTH = { user: 'nudge', pass: 'smtp-secret' };
const FROM = 'Nudge Shop <news@shop.example>';
const ACCOUNT = { sid: `AC${'0123456789abcdef'.repeat(2)}`, token: 'twilio-token' };
const SECRET = 'whsec_0123456789abcdef';
/** Short, so the hang cases are quick; generous enough for a loaded CI machine. */
const HANG_TIMEOUT_MS = 300;

const emailMessage = (i: number): EmailMessage => ({
  to: `ada${i}@example.com`,
  subject: `Your order #${i} / 您的订单`,
  html: `<p>Hello <b>Ada</b>, order ${i} has shipped.</p>`,
  text: `Hello Ada, order ${i} has shipped.`,
  nudgeMessageId: `msg_${i}`,
  unsubscribeUrl: `https://nudge.example/u/token-${i}`,
  unsubscribeMailto: 'unsubscribe@shop.example',
});

async function emailHarness(): Promise<ChannelHarness<EmailMessage> & { smtp: Awaited<ReturnType<typeof startSmtpServer>> }> {
  const smtp = await startSmtpServer(SMTP_AUTH);
  const hang = await startHangingServer();
  const base = { host: '127.0.0.1', secure: false, ...SMTP_AUTH, from: FROM };
  const channel = createEmailChannel({ ...base, port: smtp.port, maxConnections: 2, connectionTimeoutMs: 5_000, socketTimeoutMs: 5_000 });
  const hanging = createEmailChannel({ ...base, port: hang.port, connectionTimeoutMs: HANG_TIMEOUT_MS, socketTimeoutMs: HANG_TIMEOUT_MS, sendTimeoutMs: HANG_TIMEOUT_MS * 2 });
  return {
    smtp,
    channel,
    message: emailMessage,
    received: () => smtp.mails.map((m) => m.messageId ?? ''),
    expectedEvidence: (key) => emailMessageId(key, FROM),
    rejectNext: (kind: Rejection) => smtp.rejectNext(kind),
    hanging: { channel: hanging, message: emailMessage(0), timeoutMs: HANG_TIMEOUT_MS },
    close: async () => {
      await Promise.all([channel.close(), hanging.close()]);
      await Promise.all([smtp.close(), hang.close()]);
    },
  };
}

async function smsHarness(): Promise<ChannelHarness<SmsMessage> & { twilio: Awaited<ReturnType<typeof startTwilioServer>> }> {
  const twilio = await startTwilioServer(ACCOUNT);
  const hang = await startHangingServer();
  const base = { accountSid: ACCOUNT.sid, authToken: ACCOUNT.token, from: '+15005550006', statusCallbackUrl: 'https://nudge.example/sms/status' };
  const message = (i: number): SmsMessage => ({ to: `+861380013800${i}`, text: `Order ${i} shipped / 订单已发货` });
  return {
    twilio,
    channel: createSmsChannel({ ...base, baseUrl: `http://127.0.0.1:${twilio.port}`, timeoutMs: 5_000 }),
    message,
    received: () => twilio.requests.filter((r) => (r.status ?? 500) < 300).map((r) => String(r.headers['idempotency-key'])),
    expectedEvidence: (key) => key,
    rejectNext: (kind) => twilio.rejectNext(kind),
    hanging: { channel: createSmsChannel({ ...base, baseUrl: `http://127.0.0.1:${hang.port}`, timeoutMs: HANG_TIMEOUT_MS }), message: message(0), timeoutMs: HANG_TIMEOUT_MS },
    close: async () => {
      await Promise.all([twilio.close(), hang.close()]);
    },
  };
}

async function webhookHarness(): Promise<ChannelHarness<WebhookMessage> & { receiver: Awaited<ReturnType<typeof startWebhookReceiver>>; url: string }> {
  const receiver = await startWebhookReceiver(SECRET);
  const hang = await startHangingServer();
  const url = `http://127.0.0.1:${receiver.port}/hooks/nudge`;
  const message = (i: number, to = url): WebhookMessage => ({ url: to, method: 'POST', headers: { 'X-Shop': 'demo' }, body: JSON.stringify({ order: i, note: '已发货' }) });
  return {
    receiver,
    url,
    channel: createWebhookChannel({ secret: SECRET, timeoutMs: 5_000 }),
    message: (i) => message(i),
    received: () => receiver.requests.filter((r) => (r.status ?? 500) < 300).map((r) => String(r.headers['x-nudge-idempotency-key'])),
    expectedEvidence: (key) => key,
    rejectNext: (kind) => receiver.rejectNext(kind),
    hanging: { channel: createWebhookChannel({ secret: SECRET, timeoutMs: HANG_TIMEOUT_MS }), message: message(0, `http://127.0.0.1:${hang.port}/hook`), timeoutMs: HANG_TIMEOUT_MS },
    close: async () => {
      await Promise.all([receiver.close(), hang.close()]);
    },
  };
}

function nullHarness(): ChannelHarness<string> {
  const keys: string[] = [];
  let reject: Rejection | null = null;
  const channel = new NullChannel<string>((_message, { idempotencyKey }): SendResult => {
    const kind = reject;
    reject = null;
    if (kind === 'temporary') return { status: 'temporary', error: 'scripted', response: { scripted: true } };
    if (kind === 'permanent') return { status: 'permanent', error: 'scripted', response: { scripted: true } };
    keys.push(idempotencyKey);
    return sent(`null-${keys.length}`);
  });
  return {
    channel,
    message: (i) => `message ${i}`,
    received: () => keys,
    expectedEvidence: (key) => key,
    rejectNext: (kind) => {
      reject = kind;
    },
    close: async () => {},
  };
}

channelContract({ name: 'email (SMTP)', supports: { rejection: true, hang: true }, start: emailHarness });
channelContract({ name: 'SMS (Twilio API)', supports: { rejection: true, hang: true }, start: smsHarness });
channelContract({ name: 'webhook', supports: { rejection: true, hang: true }, start: webhookHarness });
channelContract({ name: 'null', supports: { rejection: true, hang: false }, start: async () => nullHarness() });

const header = (lines: ReadonlyArray<{ key: string; line: string }>, name: string): string | undefined =>
  lines.find((l) => l.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');

describe('email channel', () => {
  let h: Awaited<ReturnType<typeof emailHarness>>;
  before(async () => {
    h = await emailHarness();
  });
  after(() => h.close());

  test('sends multipart text + HTML with RFC 8058 one-click unsubscribe, a deterministic Message-ID and X-Nudge-Message-Id', async () => {
    const result = await h.channel.send(emailMessage(42), { idempotencyKey: 'delivery-42' });
    assert.equal(result.status, 'sent');
    const mail = h.smtp.mails.at(-1) ?? assert.fail('no mail received');
    assert.equal(mail.text?.trim(), 'Hello Ada, order 42 has shipped.');
    assert.equal(mail.html && mail.html.trim(), '<p>Hello <b>Ada</b>, order 42 has shipped.</p>');
    assert.match(String(header(mail.headerLines, 'content-type')), /^multipart\/alternative/);
    assert.equal(mail.subject, 'Your order #42 / 您的订单');
    assert.equal(mail.from?.text, '"Nudge Shop" <news@shop.example>');
    assert.equal(header(mail.headerLines, 'list-unsubscribe'), '<https://nudge.example/u/token-42>, <mailto:unsubscribe@shop.example>');
    assert.equal(header(mail.headerLines, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    assert.equal(header(mail.headerLines, 'x-nudge-message-id'), 'msg_42');
    assert.equal(mail.messageId, emailMessageId('delivery-42', FROM));
    assert.equal(result.status === 'sent' && result.providerMessageId, mail.messageId);
  });

  test('one-click needs an HTTPS endpoint: a plain http unsubscribe URL gets List-Unsubscribe only; none gets neither', async () => {
    await h.channel.send({ ...emailMessage(43), unsubscribeUrl: 'http://localhost:3000/u/x', unsubscribeMailto: undefined }, { idempotencyKey: 'delivery-43' });
    const plain = h.smtp.mails.at(-1) ?? assert.fail('no mail');
    assert.equal(header(plain.headerLines, 'list-unsubscribe'), '<http://localhost:3000/u/x>');
    assert.equal(header(plain.headerLines, 'list-unsubscribe-post'), undefined);
    await h.channel.send({ ...emailMessage(44), unsubscribeUrl: undefined, unsubscribeMailto: undefined }, { idempotencyKey: 'delivery-44' });
    const none = h.smtp.mails.at(-1) ?? assert.fail('no mail');
    assert.equal(header(none.headerLines, 'list-unsubscribe'), undefined);
  });

  test('connections are pooled: 8 messages at once over at most maxConnections (2) connections', async () => {
    const before = h.smtp.connections();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => h.channel.send(emailMessage(100 + i), { idempotencyKey: `pool-${i}` })));
    assert.deepEqual(results.map((r) => r.status), Array(8).fill('sent'));
    assert.ok(h.smtp.connections() - before <= 2, `${h.smtp.connections() - before} new connections`);
  });

  test('a rendered Chinese template arrives intact, text part derived from the HTML', async () => {
    const rendered = await renderTemplate(
      { channel: 'email', content: { zh: { subject: '{{ traits.name }}，您的订单已发货', html: '<p>您好 {{ traits.name }}，<a href="https://shop.example/o/1">查看订单</a></p>' } } },
      'en',
      { profile: { id: 'p1', userId: 'u1', email: 'li@example.com', phone: null, traits: { name: '李雷', locale: 'zh-CN' } }, workspace: { name: 'Shop' } },
    );
    await h.channel.send({ to: 'li@example.com', subject: rendered.subject, html: rendered.html, text: rendered.text, nudgeMessageId: 'msg_zh' }, { idempotencyKey: 'zh-1' });
    const mail = h.smtp.mails.at(-1) ?? assert.fail('no mail');
    assert.equal(mail.subject, '李雷，您的订单已发货');
    assert.equal(mail.text?.trim(), '您好 李雷，查看订单 (https://shop.example/o/1)');
  });

  test('wrong credentials are permanent (535), an unreachable server temporary', async () => {
    const wrong = createEmailChannel({ host: '127.0.0.1', port: h.smtp.port, secure: false, user: 'nudge', pass: 'nope', from: FROM });
    const refused = createEmailChannel({ host: '127.0.0.1', port: await closedPort(), secure: false, from: FROM, connectionTimeoutMs: 1_000 });
    try {
      const a = await wrong.send(emailMessage(1), { idempotencyKey: 'auth' });
      assert.equal(a.status, 'permanent', JSON.stringify(a));
      assert.match(a.status === 'permanent' ? a.error : '', /535/);
      const b = await refused.send(emailMessage(1), { idempotencyKey: 'refused' });
      assert.equal(b.status, 'temporary', JSON.stringify(b));
    } finally {
      await Promise.all([wrong.close(), refused.close()]);
    }
  });

  test('settings are validated: a From that is not an address, or a user without a password, is refused', () => {
    assert.throws(() => EmailSettings.parse({ host: 'smtp.example', from: 'Shop' }), /from/);
    assert.throws(() => EmailSettings.parse({ host: 'smtp.example', from: FROM, user: 'x' }), /pass/);
    assert.equal(EmailSettings.parse({ host: 'smtp.example', from: FROM }).port, 587);
  });
});

describe('SMS channel', () => {
  let h: Awaited<ReturnType<typeof smsHarness>>;
  before(async () => {
    h = await smsHarness();
  });
  after(() => h.close());

  test('posts the Twilio form (To, From, Body, StatusCallback) with basic auth and returns the message SID', async () => {
    const result = await h.channel.send({ to: '+8613800138000', text: '您的验证码是 123456' }, { idempotencyKey: 'sms-1' });
    const req = h.twilio.requests.at(-1) ?? assert.fail('no request');
    assert.equal(req.path, `/2010-04-01/Accounts/${ACCOUNT.sid}/Messages.json`);
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(req.body)), {
      To: '+8613800138000',
      From: '+15005550006',
      Body: '您的验证码是 123456',
      StatusCallback: 'https://nudge.example/sms/status',
    });
    assert.equal(result.status, 'sent');
    assert.match(result.status === 'sent' ? String(result.providerMessageId) : '', /^SM[0-9a-f]{32}$/);
  });

  test("a rejected number is permanent with Twilio's code and answer; 429 is temporary with its Retry-After", async () => {
    const bad = await h.channel.send({ to: '12', text: 'hi' }, { idempotencyKey: 'sms-bad' });
    assert.equal(bad.status, 'permanent');
    assert.match(bad.status === 'permanent' ? bad.error : '', /21211/);
    assert.deepEqual(bad.status === 'permanent' && bad.response, {
      code: 21211,
      message: "The 'To' number 12 is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
    h.twilio.rejectNext('temporary');
    const busy = await h.channel.send({ to: '+8613800138000', text: 'hi' }, { idempotencyKey: 'sms-busy' });
    assert.deepEqual([busy.status, busy.status === 'temporary' && busy.retryAfterMs], ['temporary', 2000]);
  });

  test('a Messaging Service SID is sent as MessagingServiceSid instead of From', async () => {
    const mg = `MG${'a'.repeat(32)}`;
    const channel = createSmsChannel({ accountSid: ACCOUNT.sid, authToken: ACCOUNT.token, from: mg, baseUrl: `http://127.0.0.1:${h.twilio.port}/` });
    assert.equal((await channel.send({ to: '+8613800138000', text: 'hi' }, { idempotencyKey: 'mg' })).status, 'sent');
    const form = new URLSearchParams(h.twilio.requests.at(-1)?.body);
    assert.deepEqual([form.get('MessagingServiceSid'), form.get('From')], [mg, null]);
  });
});

describe('webhook channel', () => {
  let h: Awaited<ReturnType<typeof webhookHarness>>;
  before(async () => {
    h = await webhookHarness();
  });
  after(() => h.close());

  test("signs the exact body (the receiver verifies it), passes the template's headers, and returns the JSON answer", async () => {
    const result = await h.channel.send(
      { url: h.url, method: 'POST', headers: { 'X-Shop': 'demo', 'X-Nudge-Signature': 'forged', 'Content-Type': 'text/plain' }, body: '{"order":7,"note":"已发货"}' },
      { idempotencyKey: 'wh-7' },
    );
    assert.deepEqual(result, { status: 'sent', providerMessageId: null, response: { ok: true, coupon: 'WELCOME10' } });
    const req = h.receiver.requests.at(-1) ?? assert.fail('no request');
    assert.equal(h.receiver.verified.at(-1), true);
    assert.equal(req.body, '{"order":7,"note":"已发货"}');
    assert.deepEqual([req.headers['x-shop'], req.headers['content-type'], req.headers['x-nudge-idempotency-key']], ['demo', 'application/json', 'wh-7']);
    assert.match(String(req.headers['x-nudge-signature']), /^t=\d+,v1=[0-9a-f]{64}$/);
  });

  test('verifyWebhookSignature rejects a changed body, another secret, an old timestamp, and accepts a rotated secret', () => {
    const now = Date.UTC(2026, 0, 1);
    const t = now / 1000;
    const sig = signWebhook(SECRET, '{"a":1}', t);
    assert.equal(verifyWebhookSignature(SECRET, sig, '{"a":1}', { now }), true);
    assert.equal(verifyWebhookSignature(SECRET, sig, '{"a":2}', { now }), false);
    assert.equal(verifyWebhookSignature('whsec_another_secret!', sig, '{"a":1}', { now }), false);
    assert.equal(verifyWebhookSignature(SECRET, sig, '{"a":1}', { now: now + 301_000 }), false);
    assert.equal(verifyWebhookSignature(['whsec_new_secret_value', SECRET], sig, '{"a":1}', { now }), true);
    assert.equal(verifyWebhookSignature(SECRET, 'v1=abc', '{"a":1}', { now }), false);
  });

  test('a redirect is permanent and not followed; a refused connection is temporary', async () => {
    const moved = await h.channel.send({ ...h.message(1), url: `http://127.0.0.1:${h.receiver.port}/moved` }, { idempotencyKey: 'wh-moved' });
    assert.equal(moved.status, 'permanent');
    assert.match(moved.status === 'permanent' ? moved.error : '', /301.*not followed/);
    assert.ok(!h.receiver.requests.some((r) => r.path === '/hooks/new'));
    const refused = await h.channel.send({ ...h.message(1), url: `http://127.0.0.1:${await closedPort()}/x` }, { idempotencyKey: 'wh-refused' });
    assert.equal(refused.status, 'temporary');
  });
});

describe('null channel', () => {
  test('accepts everything at once and counts', async () => {
    const channel = new NullChannel<{ to: string }>();
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => channel.send({ to: `p${i}` }, { idempotencyKey: `k${i}` })));
    assert.ok(results.every((r) => r.status === 'sent'));
    assert.deepEqual([channel.sent, channel.attempts], [1000, 1000]);
  });
});
