import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import { createAssistantService, type AssistantService } from './assistant.service.js';
import { DEMO_FAQ } from './faq.data.js';
import { userHash, widgetIdentitySecret } from './identity.js';
import { trainIntentClassifier } from './intents.js';

// Conversations end to end through the service and the inbox API: hand-off on request, on strong
// negative sentiment and after two unanswered questions; order status from the customer's own
// events; the inbox's state machine, roles and workspace isolation; the optional LLM.

const intents = trainIntentClassifier();

for (const dialect of testDialects()) {
  describe(`assistant conversations (${dialect})`, () => {
    let t: TestNudge;
    let moody: AssistantService;
    let viewerCookie: string;
    const admin = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>, key = t.workspace.secretKey) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
    // The shop's server signs the user id (identity.ts); the test plays that server.
    const sign = (userId: string) => userHash(t.nudge.assistant.identitySecret(t.workspace.id), userId);
    const say = (visitorId: string, text: string, userId?: string) => t.nudge.assistant.service.customerMessage(t.workspace.id, { visitorId, text, ...(userId ? { userId, userHash: sign(userId) } : {}) });

    before(async () => {
      t = await createTestNudge(dialect);
      await t.nudge.assistant.kb.import(t.workspace.id, { format: 'json', content: JSON.stringify(DEMO_FAQ), replace: false });
      // A second service on the same database with a sentiment model injected (a stand-in that
      // calls anything with "furious" strongly negative).
      moody = createAssistantService({
        db: t.nudge.database.db,
        clock: t.nudge.clock,
        kb: t.nudge.assistant.kb,
        intents,
        profiles: t.nudge.profiles,
        ingest: t.nudge.ingest,
        settings: t.nudge.assistant.settings,
        identitySecret: () => 'unused',
        sentiment: async () => (text) => (/furious/.test(text) ? -0.97 : 0),
      });
      const day = 86_400_000;
      const now = Date.now();
      await t.nudge.ingest.ingest(
        t.workspace.id,
        [
          { type: 'identify', userId: 'u-buyer', traits: { name: 'Wang Fang', email: 'wang.fang@example.com' }, timestamp: new Date(now - 5 * day).toISOString() },
          { type: 'track', userId: 'u-buyer', event: 'Order Completed', properties: { order_id: 'o-100', total: 58, currency: 'CNY', products: [{ product_id: 'p1' }] }, timestamp: new Date(now - 4 * day).toISOString() },
          { type: 'track', userId: 'u-buyer', event: 'Order Completed', properties: { order_id: 'o-101', total: 199, currency: 'CNY', products: [{ product_id: 'p2' }, { product_id: 'p3' }] }, timestamp: new Date(now - 2 * day).toISOString() },
          { type: 'track', userId: 'u-buyer', event: 'Order Shipped', properties: { order_id: 'o-101', carrier: 'SF Express', tracking_number: 'SF1234567' }, timestamp: new Date(now - day).toISOString() },
        ],
        { pathPrefix: 'batch' },
      );
      await t.nudge.ingest.flush();
      const viewer = await t.nudge.auth.createUser({ email: 'viewer@example.test', name: 'Viewer', password: 'viewer password 1' });
      await t.nudge.auth.addMember(viewer.id, t.workspace.id, 'viewer', 'test');
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'viewer@example.test', password: 'viewer password 1' } });
      viewerCookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    });
    after(async () => t?.cleanup());

    test('"转人工" hands off at once; the bot then stays quiet until an agent replies', async () => {
      const first = await say('v_handoff_zh', '你好');
      assert.equal(first.messages[1]?.kind, 'small_talk');
      assert.match(first.messages[1]?.text ?? '', /您好/);
      const handed = await say('v_handoff_zh', '转人工');
      assert.equal(handed.conversation.state, 'pending_human');
      assert.equal(handed.conversation.handoffReason, 'requested');
      assert.match(handed.messages[1]?.text ?? '', /人工/);
      const waiting = await say('v_handoff_zh', '运费多少？');
      assert.deepEqual(waiting.messages.map((m) => m.author), ['customer'], 'no bot answer once handed off');
      assert.equal(waiting.conversation.state, 'pending_human');
    });

    test('two unanswered questions hand off; strongly negative sentiment hands off', async () => {
      const a = await say('v_lost_en', 'what is the capital of France');
      assert.equal(a.messages[1]?.kind, 'no_answer');
      assert.equal(a.conversation.failedAnswers, 1);
      const b = await say('v_lost_en', 'who won the football game');
      assert.equal(b.conversation.state, 'pending_human');
      assert.equal(b.conversation.handoffReason, 'failed_answers');

      const calm = await moody.customerMessage(t.workspace.id, { visitorId: 'v_moody', text: 'How much is shipping?' });
      assert.equal(calm.conversation.state, 'bot');
      const angry = await moody.customerMessage(t.workspace.id, { visitorId: 'v_moody', text: 'I am furious about the shipping' });
      assert.equal(angry.conversation.state, 'pending_human');
      assert.equal(angry.conversation.handoffReason, 'negative_sentiment');
    });

    test('order status is answered from the customer’s own latest order and shipping event', async () => {
      const r = await say('v_buyer', 'where is my order?', 'u-buyer');
      assert.equal(r.messages[1]?.kind, 'order_status');
      assert.match(r.messages[1]?.text ?? '', /o-101/);
      assert.match(r.messages[1]?.text ?? '', /shipped/);
      assert.match(r.messages[1]?.text ?? '', /SF1234567/);
      const zh = await say('v_buyer_zh', '我的订单到哪了', 'u-buyer');
      assert.match(zh.messages[1]?.text ?? '', /o-101.*已发货/);
      const stranger = await say('v_stranger', 'where is my order?');
      assert.match(stranger.messages[1]?.text ?? '', /cannot see an order/);
      // Claiming a user id without the server's hash (or with a wrong one) reveals nothing of theirs.
      for (const forged of [undefined, 'a'.repeat(64), userHash(widgetIdentitySecret(Buffer.alloc(32, 1), t.workspace.id), 'u-buyer')]) {
        const r2 = await t.nudge.assistant.service.customerMessage(t.workspace.id, { visitorId: 'v_impostor', text: 'where is my order?', userId: 'u-buyer', userHash: forged });
        assert.equal(r2.conversation.verified, false);
        assert.doesNotMatch(r2.messages[1]?.text ?? '', /o-101|SF1234567/);
      }
      assert.equal(r.conversation.verified, true);
    });

    test('the inbox: list by state, take over, reply, resolve; the state machine refuses the rest', async () => {
      const started = await say('v_inbox', 'talk to a human please', 'u-buyer');
      const id = started.conversation.id;
      const pending = await admin('GET', '/api/v1/assistant/conversations?state=pending_human');
      assert.ok(pending.json().items.some((c: { id: string }) => c.id === id));
      assert.ok(pending.json().counts.pending_human >= 1);

      const ctx = (await admin('GET', `/api/v1/assistant/conversations/${id}/context`)).json();
      assert.equal(ctx.profile.name, 'Wang Fang');
      assert.deepEqual(ctx.orders.map((o: { orderId: string; status: string }) => [o.orderId, o.status]), [['o-101', 'shipped'], ['o-100', 'placed']]);
      assert.ok(Array.isArray(ctx.recommendations));

      const taken = await admin('POST', `/api/v1/assistant/conversations/${id}/take-over`);
      assert.equal(taken.json().conversation.state, 'human');
      const empty = await admin('POST', `/api/v1/assistant/conversations/${id}/reply`, { text: '   ' });
      assert.deepEqual([empty.statusCode, empty.json().error.code, empty.json().error.field], [400, 'ASSISTANT_MESSAGE_EMPTY', 'text']);
      const replied = await admin('POST', `/api/v1/assistant/conversations/${id}/reply`, { text: '<b>Hello</b> Wang Fang, your parcel is with SF Express.' });
      assert.equal(replied.statusCode, 200);
      assert.equal(replied.json().messages.at(-1).text, '<b>Hello</b> Wang Fang, your parcel is with SF Express.');
      // The customer sees the reply by polling.
      const seen = await t.nudge.assistant.service.visitorConversation(t.workspace.id, 'v_inbox', 2);
      assert.deepEqual(seen.messages.map((m) => m.author), ['agent']);
      const resolved = await admin('POST', `/api/v1/assistant/conversations/${id}/resolve`);
      assert.equal(resolved.json().conversation.state, 'resolved');
      const again = await admin('POST', `/api/v1/assistant/conversations/${id}/reply`, { text: 'one more' });
      assert.deepEqual([again.statusCode, again.json().error.code], [409, 'ASSISTANT_INVALID_TRANSITION']);
      // Writing again after resolution starts a new conversation with the bot.
      const fresh = await say('v_inbox', 'How much is shipping?', 'u-buyer');
      assert.notEqual(fresh.conversation.id, id);
      assert.equal(fresh.conversation.state, 'bot');
    });

    test('a viewer may read the inbox but not reply; another workspace cannot see the conversation', async () => {
      const c = (await say('v_roles', 'agent')).conversation;
      const headers = { cookie: viewerCookie, 'x-nudge-workspace': t.workspace.id };
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/assistant/conversations/${c.id}`, headers })).statusCode, 200);
      const denied = await t.app.inject({ method: 'POST', url: `/api/v1/assistant/conversations/${c.id}/reply`, headers, payload: { text: 'hi' } });
      assert.equal(denied.statusCode, 403);
      const other = await t.nudge.workspaces.create({ name: 'Elsewhere', actor: 'test' });
      const foreign = await admin('GET', `/api/v1/assistant/conversations/${c.id}`, undefined, other.secretKey);
      assert.equal(foreign.statusCode, 404);
      const foreignReply = await admin('POST', `/api/v1/assistant/conversations/${c.id}/reply`, { text: 'hi' }, other.secretKey);
      assert.equal(foreignReply.statusCode, 404);
      assert.deepEqual((await admin('GET', '/api/v1/assistant/conversations', undefined, other.secretKey)).json().items, []);
    });

    test('with an OpenAI-compatible endpoint, answers are written from the articles with citations; hand-off rules still apply', async () => {
      const seen: { auth: string | undefined; body: { model: string; messages: { role: string; content: string }[] } }[] = [];
      const llm = http.createServer((req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        req.on('end', () => {
          const body = JSON.parse(raw) as (typeof seen)[number]['body']; // the assistant sends this shape
          seen.push({ auth: req.headers.authorization, body });
          const system = body.messages[0]?.content ?? '';
          const content = /¥99/.test(system) ? 'Shipping is free from ¥99; below that it is ¥10 [1].' : 'NO_ANSWER';
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
        });
      });
      await new Promise<void>((r) => llm.listen(0, '127.0.0.1', r));
      const port = (llm.address() as AddressInfo).port; // a TCP server's address
      try {
        const put = await t.app.inject({ method: 'PUT', url: '/api/v1/assistant/settings', headers: { authorization: `Bearer ${t.workspace.secretKey}` }, payload: { llm: { baseUrl: `http://127.0.0.1:${port}/v1`, model: 'tiny-model', apiKey: 'sk-test-123' } } });
        assert.equal(put.statusCode, 200, put.body);
        assert.equal(put.json().llm.apiKey, '********', 'the key is never shown again');
        const r = await say('v_llm', 'How much is shipping?');
        assert.equal(r.messages[1]?.kind, 'answer');
        assert.equal(r.messages[1]?.text, 'Shipping is free from ¥99; below that it is ¥10 [1].');
        assert.equal(r.messages[1]?.articles[0]?.title, 'How much does shipping cost?');
        assert.equal(seen[0]?.auth, 'Bearer sk-test-123');
        assert.equal(seen[0]?.body.model, 'tiny-model');
        // A request for a person never reaches the model.
        const calls = seen.length;
        const handed = await say('v_llm', '转人工');
        assert.equal(handed.conversation.state, 'pending_human');
        assert.equal(seen.length, calls);
        // Saving without the key keeps it; clearing removes the endpoint.
        await t.app.inject({ method: 'PUT', url: '/api/v1/assistant/settings', headers: { authorization: `Bearer ${t.workspace.secretKey}` }, payload: { llm: { baseUrl: `http://127.0.0.1:${port}/v1`, model: 'tiny-model-2' } } });
        assert.equal((await t.nudge.assistant.settings.llm(t.workspace.id))?.apiKey, 'sk-test-123');
        await t.app.inject({ method: 'PUT', url: '/api/v1/assistant/settings', headers: { authorization: `Bearer ${t.workspace.secretKey}` }, payload: { llm: null } });
        const plain = await say('v_llm_off', 'How much is shipping?');
        assert.match(plain.messages[1]?.text ?? '', /Orders of ¥99 or more ship free/);
      } finally {
        await new Promise((r) => llm.close(r));
      }
    });
  });
}
