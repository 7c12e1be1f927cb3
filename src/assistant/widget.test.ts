import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import { DEMO_FAQ } from './faq.data.js';
import { userHash } from './identity.js';
import { WIDGET_JS } from './widget.script.js';

// The chat widget's public API over HTTP: the write key, CORS from any origin, the per-visitor
// rate limit, the size limit, and text that could be markup or binary coming back as plain data.

for (const dialect of testDialects()) {
  describe(`chat widget routes (${dialect})`, () => {
    let t: TestNudge;
    let other: { id: string; writeKey: string; secretKey: string };
    const auth = (key: string) => ({ authorization: `Bearer ${key}`, origin: 'https://shop.example' });
    const send = (key: string, body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/widget/v1/messages', headers: auth(key), payload: body });

    before(async () => {
      t = await createTestNudge(dialect);
      await t.nudge.assistant.kb.import(t.workspace.id, { format: 'json', content: JSON.stringify(DEMO_FAQ), replace: false });
      const created = await t.nudge.workspaces.create({ name: 'Other shop', actor: 'test' });
      other = { id: created.workspace.id, writeKey: created.writeKey, secretKey: created.secretKey };
    });
    after(async () => t?.cleanup());

    test('widget.js is served to anyone as JavaScript and never writes messages as HTML', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/widget.js' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /application\/javascript/);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.equal(res.body, WIDGET_JS);
      assert.doesNotMatch(WIDGET_JS, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
      assert.match(WIDGET_JS, /attachShadow/);
    });

    test('a preflight from any origin is allowed; the key is required and checked, with CORS headers on the error', async () => {
      const pre = await t.app.inject({ method: 'OPTIONS', url: '/widget/v1/messages', headers: { origin: 'https://any.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
      assert.equal(pre.statusCode, 204);
      assert.equal(pre.headers['access-control-allow-origin'], '*');
      assert.match(String(pre.headers['access-control-allow-headers']), /authorization/);

      const none = await t.app.inject({ method: 'POST', url: '/widget/v1/messages', headers: { origin: 'https://shop.example' }, payload: { visitorId: 'v_abcdefgh', text: 'hi' } });
      assert.equal(none.statusCode, 401);
      assert.equal(none.json().error.code, 'AUTH_WRITE_KEY_REQUIRED');
      assert.equal(none.headers['access-control-allow-origin'], '*');
      const bad = await send('wk_not_a_key', { visitorId: 'v_abcdefgh', text: 'hi' });
      assert.equal(bad.statusCode, 401);
      assert.equal(bad.json().error.code, 'AUTH_INVALID_KEY');
      // The secret key is not a widget key.
      const secret = await send(t.workspace.secretKey, { visitorId: 'v_abcdefgh', text: 'hi' });
      assert.equal(secret.statusCode, 401);
    });

    test('a question is answered from the knowledge base; the visitor polls its own conversation only', async () => {
      const res = await send(t.workspace.writeKey, { visitorId: 'v_visitor_one', text: 'How much does shipping cost?', language: 'en' });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.conversation.state, 'bot');
      assert.deepEqual(body.messages.map((m: { author: string }) => m.author), ['customer', 'bot']);
      assert.equal(body.messages[1].kind, 'answer');
      assert.match(body.messages[1].text, /¥99/);
      assert.equal(body.messages[1].articles[0].title, 'How much does shipping cost?');

      const poll = await t.app.inject({ method: 'GET', url: '/widget/v1/conversation?visitorId=v_visitor_one&after=1', headers: auth(t.workspace.writeKey) });
      assert.equal(poll.statusCode, 200);
      assert.deepEqual(poll.json().messages.map((m: { seq: number }) => m.seq), [2]);
      // The same visitor id under another workspace's key sees nothing.
      const elsewhere = await t.app.inject({ method: 'GET', url: '/widget/v1/conversation?visitorId=v_visitor_one', headers: auth(other.writeKey) });
      assert.equal(elsewhere.json().conversation, null);
      assert.deepEqual(elsewhere.json().messages, []);
      // The other workspace has no articles: its bot cannot answer from this FAQ.
      const otherAnswer = await send(other.writeKey, { visitorId: 'v_visitor_one', text: 'How much does shipping cost?' });
      assert.notEqual(otherAnswer.json().messages[1].kind, 'answer');
    });

    test('an invalid visitor id and an empty message are refused with a code and the field', async () => {
      const id = await send(t.workspace.writeKey, { visitorId: '../x', text: 'hi' });
      assert.equal(id.statusCode, 400);
      assert.equal(id.json().error.code, 'VALIDATION_FAILED');
      assert.match(id.json().error.field, /visitorId/);
      const empty = await send(t.workspace.writeKey, { visitorId: 'v_visitor_empty', text: ' \u0000\u0007 ' });
      assert.equal(empty.statusCode, 400);
      assert.deepEqual([empty.json().error.code, empty.json().error.field], ['ASSISTANT_MESSAGE_EMPTY', 'text']);
    });

    test('text over 10,000 characters is rejected with ASSISTANT_MESSAGE_TOO_LONG; exactly 10,000 is accepted', async () => {
      const long = await send(t.workspace.writeKey, { visitorId: 'v_visitor_long', text: '长'.repeat(10_001) });
      assert.equal(long.statusCode, 400);
      assert.deepEqual([long.json().error.code, long.json().error.field], ['ASSISTANT_MESSAGE_TOO_LONG', 'text']);
      const huge = await send(t.workspace.writeKey, { visitorId: 'v_visitor_long', text: 'x'.repeat(60_000) });
      assert.equal(huge.json().error.code, 'ASSISTANT_MESSAGE_TOO_LONG');
      const ok = await send(t.workspace.writeKey, { visitorId: 'v_visitor_long', text: 'a'.repeat(10_000) });
      assert.equal(ok.statusCode, 200);
    });

    test('markup, control characters and broken surrogates come back as inert plain text', async () => {
      const text = '<img src=x onerror="alert(1)"><script>alert(2)</script> \u0000\u001b[31m \ud800 退货';
      const res = await send(t.workspace.writeKey, { visitorId: 'v_visitor_xss', text });
      assert.equal(res.statusCode, 200, res.body);
      const stored = res.json().messages[0].text as string;
      assert.equal(stored, '<img src=x onerror="alert(1)"><script>alert(2)</script> [31m \ufffd 退货');
      assert.match(String(res.headers['content-type']), /application\/json/);
      // The inbox gets the same text as data (React escapes it where shown).
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/assistant/conversations', headers: { authorization: `Bearer ${t.workspace.secretKey}` } });
      assert.ok(list.json().items.some((c: { lastText: string }) => c.lastText.includes('退货') || c.lastText.length > 0));
    });

    test('a visitor may send 20 messages a minute; the 21st gets 429 WIDGET_RATE_LIMITED, other visitors are unaffected', async () => {
      for (let i = 0; i < 20; i++) {
        const r = await send(t.workspace.writeKey, { visitorId: 'v_visitor_fast', text: `hello ${i}` });
        assert.equal(r.statusCode, 200, `message ${i}: ${r.body}`);
      }
      const limited = await send(t.workspace.writeKey, { visitorId: 'v_visitor_fast', text: 'one more' });
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().error.code, 'WIDGET_RATE_LIMITED');
      assert.equal(limited.headers['access-control-allow-origin'], '*');
      const someoneElse = await send(t.workspace.writeKey, { visitorId: 'v_visitor_calm', text: 'hello' });
      assert.equal(someoneElse.statusCode, 200);
    });

    test('identify merges the visitor into the profile, and chat messages become events on it', async () => {
      const visitorId = 'v_visitor_identify';
      const first = await send(t.workspace.writeKey, { visitorId, text: '运费多少？' });
      assert.equal(first.statusCode, 200);
      const res = await t.app.inject({ method: 'POST', url: '/widget/v1/identify', headers: auth(t.workspace.writeKey), payload: { visitorId, userId: 'u-widget-1', traits: { name: 'Li Lei', email: 'li.lei@example.com' } } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().verified, false, 'no identity hash: a claim, not a proof');
      const hash = userHash(t.nudge.assistant.identitySecret(t.workspace.id), 'u-widget-1');
      const proven = await t.app.inject({ method: 'POST', url: '/widget/v1/identify', headers: auth(t.workspace.writeKey), payload: { visitorId, userId: 'u-widget-1', userHash: hash, traits: {} } });
      assert.equal(proven.json().verified, true);
      await send(t.workspace.writeKey, { visitorId, userId: 'u-widget-1', userHash: hash, text: 'thanks' });
      let names: string[] = [];
      for (let i = 0; i < 50 && !(names.includes('Chat Message Sent') && names.includes('Chat Message Received') && names.filter((n) => n === 'Chat Message Sent').length >= 2); i++) {
        await t.nudge.ingest.flush();
        const events = await t.nudge.profiles.events(t.workspace.id, 'u-widget-1', { limit: 50 }).catch(() => ({ items: [] }));
        names = events.items.map((e) => e.name ?? '');
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(names.filter((n) => n === 'Chat Message Sent').length >= 2, `events: ${names.join(', ')}`);
      assert.ok(names.includes('Chat Message Received'));
      const profile = await t.nudge.profiles.get(t.workspace.id, visitorId);
      assert.equal(profile.userId, 'u-widget-1');
      const conv = await t.app.inject({ method: 'GET', url: `/widget/v1/conversation?visitorId=${visitorId}`, headers: auth(t.workspace.writeKey) });
      assert.equal(conv.json().conversation.userId, 'u-widget-1');
      assert.equal(conv.json().conversation.verified, true);
    });
  });
}
