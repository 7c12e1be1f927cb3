import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import type { TestNudge } from '../testing/nudge.testing.js';
import { twilioSignature } from './feedback.service.js';
import { apiAs, createMessagingTestNudge, setupShop, startTestSmtp, TEST_PUBLIC_URL, type TestSmtp } from './messaging.testing.js';

/** A stand-in for Twilio's Messages API: records each form and answers with a new SID. */
async function startFakeTwilio(): Promise<{ url: string; forms: URLSearchParams[]; close(): Promise<void> }> {
  const forms: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      forms.push(new URLSearchParams(body));
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${String(forms.length).padStart(32, '0')}`, status: 'queued' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port; // a TCP listener
  return { url: `http://127.0.0.1:${port}`, forms, close: () => new Promise<void>((r) => server.close(() => r())) };
}

for (const dialect of testDialects()) {
  describe(`provider feedback webhooks: bounces, complaints, delivery reports (${dialect})`, () => {
    let t: TestNudge;
    let smtp: TestSmtp;
    let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
    let shop: Awaited<ReturnType<typeof setupShop>>;
    let api: ReturnType<typeof apiAs>;
    let secret: string;
    let n = 0;
    const send = (userId: string, templateId = shop.templateId) =>
      t.nudge.messaging.delivery.send({ workspaceId: t.workspace.id, profileId: userId, templateId, idempotencyKey: `fb:${userId}:${++n}`, source: { kind: 'journey', id: 'j-fb', nodeId: 'email-1' } });
    const hook = (channel: 'email' | 'sms', payload: object | string, headers: Record<string, string> = { authorization: `Bearer ${secret}` }, ws = t.workspace.id) =>
      t.app.inject({ method: 'POST', url: `/api/v1/webhooks/${channel}/${ws}`, headers: { ...headers, ...(typeof payload === 'string' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, payload });

    before(async () => {
      smtp = await startTestSmtp();
      twilio = await startFakeTwilio();
      t = await createMessagingTestNudge(dialect);
      api = apiAs(t);
      shop = await setupShop(t, smtp);
      secret = ((await api('POST', '/api/v1/channel-settings/inbound/secret')).body as { secret: string }).secret;
    });
    after(async () => {
      await t.cleanup();
      await smtp.close();
      await twilio.close();
    });

    test('a hard bounce suppresses the address, is recorded once, and lands on the profile', async () => {
      const sent = await send('cat');
      assert.equal(sent.status, 'sent');
      const providerMessageId = sent.status === 'sent' ? sent.providerMessageId : null;
      const bounce = { events: [{ type: 'bounce', bounceType: 'hard', providerMessageId, recipient: 'cat@example.com', reason: '550 5.1.1 no such user' }] };
      const res = await hook('email', bounce);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { received: 1, matched: 1, suppressed: 1 });
      assert.deepEqual((await hook('email', bounce)).json(), { received: 1, matched: 1, suppressed: 0 }, 'a repeated notification changes nothing');
      const suppressions = (await api('GET', '/api/v1/suppressions')).body as { items: { address: string; reason: string; messageId: string }[] };
      assert.deepEqual(suppressions.items.map((s) => [s.address, s.reason, s.messageId]), [['cat@example.com', 'hard_bounce', sent.messageId]]);
      const detail = (await api('GET', `/api/v1/messages/${sent.messageId}`)).body as { events: { kind: string; data: { bounceType: string } }[] };
      assert.deepEqual(detail.events.map((e) => [e.kind, e.data.bounceType]), [['bounce', 'hard']]);
      await t.nudge.ingest.flush();
      const events = (await t.nudge.profiles.events(t.workspace.id, 'cat', { limit: 50 })).items;
      const bounced = events.find((e) => e.name === 'message.bounced');
      assert.equal(bounced?.properties.journeyId, 'j-fb');
      assert.equal(bounced?.properties.nodeId, 'email-1');
      const next = await send('cat');
      assert.deepEqual([next.status, 'reason' in next ? next.reason : null], ['suppressed', 'suppressed']);
    });

    test('soft bounces are recorded without suppressing; complaints suppress; deliveries are recorded', async () => {
      const sent = await send('bob');
      const res = await hook('email', {
        events: [
          { type: 'delivered', messageId: sent.messageId },
          { type: 'bounce', bounceType: 'soft', messageId: sent.messageId, id: 'evt-soft-1' },
          { type: 'complaint', messageId: sent.messageId, id: 'evt-complaint-1' },
        ],
      });
      assert.deepEqual(res.json(), { received: 3, matched: 3, suppressed: 1 });
      const detail = (await api('GET', `/api/v1/messages/${sent.messageId}`)).body as { events: { kind: string }[] };
      assert.deepEqual(detail.events.map((e) => e.kind).sort(), ['bounce', 'complaint', 'delivered']);
      const s = (await api('GET', '/api/v1/suppressions?q=bob')).body as { items: { reason: string }[] };
      assert.deepEqual(s.items.map((x) => x.reason), ['complaint']);
      await t.nudge.ingest.flush();
      const names = (await t.nudge.profiles.events(t.workspace.id, 'bob', { limit: 50 })).items.map((e) => e.name);
      assert.ok(names.includes('message.delivered') && names.includes('message.complained') && names.includes('message.sent'));
    });

    test('provider webhooks need the workspace inbound secret', async () => {
      const body = { type: 'bounce', recipient: 'ann@example.com' };
      assert.equal((await hook('email', body, {})).statusCode, 401);
      assert.equal((await hook('email', body, { authorization: 'Bearer wrong-secret-value' })).statusCode, 401);
      const other = await t.nudge.workspaces.create({ name: 'Other', actor: 'test' });
      assert.equal((await hook('email', body, { authorization: `Bearer ${secret}` }, other.workspace.id)).statusCode, 401, "one workspace's secret opens no other");
      assert.equal((await hook('email', { nonsense: true })).statusCode, 400);
      const viaQuery = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/email/${t.workspace.id}?secret=${encodeURIComponent(secret)}`, payload: { type: 'delivered', recipient: 'nobody@example.com' } });
      assert.deepEqual(viaQuery.json(), { received: 1, matched: 0, suppressed: 0 });
      const masked = (await api('GET', '/api/v1/channel-settings')).body as { items: { kind: string; settings: { secret?: string } | null }[] };
      assert.equal(masked.items.find((i) => i.kind === 'inbound')?.settings?.secret, '********');
    });

    test('SMS goes through a Twilio-compatible API; a signed StatusCallback for an unknown number suppresses it', async () => {
      const authToken = 'twilio-auth-token-0123456789';
      const put = await api('PUT', '/api/v1/channel-settings/sms', { accountSid: 'AC123', authToken, from: '+15005550006', baseUrl: twilio.url });
      assert.equal(put.status, 200);
      assert.equal((put.body as { settings: { authToken: string } }).settings.authToken, '********');
      const tpl = await api('POST', '/api/v1/templates', { name: 'Flash sale SMS', body: { channel: 'sms', content: { en: { text: 'Hi {{ profile.traits.name }}, sale today' } } } });
      const sent = await send('dan', (tpl.body as { id: string }).id);
      assert.equal(sent.status, 'sent');
      const form = twilio.forms.at(-1);
      assert.equal(form?.get('To'), '+8613800138001');
      assert.equal(form?.get('Body'), 'Hi Dan, sale today');
      const callback = form?.get('StatusCallback') ?? '';
      assert.equal(callback, `${TEST_PUBLIC_URL}/api/v1/webhooks/sms/${t.workspace.id}`);

      const report = { MessageSid: sent.status === 'sent' ? (sent.providerMessageId ?? '') : '', MessageStatus: 'undelivered', To: '+8613800138001', ErrorCode: '30005', AccountSid: 'AC123' };
      const body = new URLSearchParams(report).toString();
      assert.equal((await hook('sms', body, { 'x-twilio-signature': 'forged' })).statusCode, 401);
      const res = await hook('sms', body, { 'x-twilio-signature': twilioSignature(authToken, callback, report) });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { received: 1, matched: 1, suppressed: 1 });
      const s = (await api('GET', '/api/v1/suppressions?channel=sms')).body as { items: { address: string; reason: string }[] };
      assert.deepEqual(s.items.map((x) => [x.address, x.reason]), [['+8613800138001', 'hard_bounce']]);
      const again = await send('dan', (tpl.body as { id: string }).id);
      assert.equal(again.status, 'suppressed');
      assert.equal(twilio.forms.length, 1);
    });
  });
}
