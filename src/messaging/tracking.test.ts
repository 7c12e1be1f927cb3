import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import type { TestNudge } from '../testing/nudge.testing.js';
import { apiAs, createMessagingTestNudge, rawHeader, setupShop, startTestSmtp, TEST_PUBLIC_URL, type TestSmtp } from './messaging.testing.js';
import { createHmac, randomBytes } from 'node:crypto';
import { createTokenSigner, hmacSha256 } from './signing.js';
import { createTracking } from './tracking.js';

describe('tracking links (unit)', () => {
  const tracking = createTracking({ signer: createTokenSigner(Buffer.alloc(32, 7)), publicUrl: 'https://n.test/' });
  const ref = { workspaceId: 'ws_1', messageId: 'msg_1' };

  test('every web link is rewritten to a signed link that carries its target; others are left alone', () => {
    const html = `<a href="https://a.example/x?y=1&amp;z=2">A</a> <A HREF='http://b.example'>B</A> <a href=https://c.example/c>C</a> <a href="#top">top</a> <a href="mailto:x@y.z">m</a> <a data-nudge-notrack href="https://d.example">D</a><body>x</body>`;
    const out = tracking.instrumentHtml(html, ref);
    const links = [...out.matchAll(/href="https:\/\/n\.test\/t\/c\/([^"]+)"/gi)].map((m) => tracking.verifyClick(m[1] ?? ''));
    assert.deepEqual(links.map((l) => l?.url), ['https://a.example/x?y=1&z=2', 'http://b.example', 'https://c.example/c']);
    assert.ok(out.includes('href="#top"') && out.includes('href="mailto:x@y.z"') && out.includes('href="https://d.example"'));
    assert.match(out, /<img src="https:\/\/n\.test\/t\/o\/[^"]+\.gif"[^>]*><\/body>/);
  });

  test('a token cannot be altered, moved to another purpose, or point anywhere but the web', () => {
    const url = tracking.signLink('https://shop.example/', ref);
    const token = url.split('/t/c/')[1] ?? '';
    assert.equal(tracking.verifyClick(token)?.url, 'https://shop.example/');
    const [payload, tag] = token.split('.');
    const forged = Buffer.from(JSON.stringify(['ws_1', 'msg_1', 'https://evil.example/'])).toString('base64url');
    assert.equal(tracking.verifyClick(`${forged}.${tag}`), null);
    assert.equal(tracking.verifyClick(`${payload}.${(tag ?? '').replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`), null);
    assert.equal(tracking.verifyOpen(token), null, 'a click token is not an open token');
    assert.equal(tracking.verifyClick(tracking.signLink('javascript:alert(1)', ref).split('/t/c/')[1] ?? ''), null);
    const other = createTracking({ signer: createTokenSigner(Buffer.alloc(32, 8)), publicUrl: 'https://n.test' });
    assert.equal(other.verifyClick(token), null, 'another instance key does not verify');
    // A payload with characters outside base64url (which one-byte-a-character hashing would fold onto ASCII) is refused.
    assert.equal(tracking.verifyClick(`${payload?.replace(/^./, (c) => String.fromCharCode(c.charCodeAt(0) + 0x100))}.${tag}`), null);
  });

  test('the one-shot HMAC gives the tags createHmac gives, for every length and any text', () => {
    const keys = [Buffer.alloc(32, 7), randomBytes(32), randomBytes(64), Buffer.alloc(0)];
    const texts = ['', 'a', 'x'.repeat(55), 'x'.repeat(64), 'y'.repeat(4095), 'z'.repeat(4096), 'w'.repeat(4097), 'w'.repeat(20_000), '退订 ✓', '\u00ff\u00e9', '\ud800', randomBytes(300).toString('base64url')];
    for (const key of keys) {
      const mac = hmacSha256(key);
      for (const text of texts) assert.equal(mac(text).toString('hex'), createHmac('sha256', key).update(text).digest('hex'), `${key.length}-byte key, ${text.length} characters`);
      // The reused buffers leave nothing behind: a short message after a long one.
      assert.equal(mac('b').toString('hex'), createHmac('sha256', key).update('b').digest('hex'));
    }
    assert.throws(() => hmacSha256(Buffer.alloc(65)));
  });
});

for (const dialect of testDialects()) {
  describe(`tracking, unsubscribe and preferences over HTTP (${dialect})`, () => {
    let t: TestNudge;
    let smtp: TestSmtp;
    let shop: Awaited<ReturnType<typeof setupShop>>;
    let api: ReturnType<typeof apiAs>;
    let n = 0;
    const send = async (userId: string) => {
      const before = smtp.received.length;
      const r = await t.nudge.messaging.delivery.send({ workspaceId: t.workspace.id, profileId: userId, templateId: shop.templateId, idempotencyKey: `b1:${userId}:${++n}`, source: { kind: 'broadcast', id: 'b1' } });
      return { result: r, mail: smtp.received[before] };
    };
    const path = (url: string) => url.slice(TEST_PUBLIC_URL.length);
    const profileEvents = async (userId: string) => {
      await t.nudge.ingest.flush();
      return (await t.nudge.profiles.events(t.workspace.id, userId, { limit: 100 })).items;
    };

    before(async () => {
      smtp = await startTestSmtp();
      t = await createMessagingTestNudge(dialect);
      api = apiAs(t);
      shop = await setupShop(t, smtp);
    });
    after(async () => {
      await t.cleanup();
      await smtp.close();
    });

    test('a signed click redirects and is recorded on the message and on the profile; a tampered or unsigned link is refused', async () => {
      const { result, mail } = await send('bob');
      const link = [...String(mail?.parsed.html).matchAll(/href="([^"]*\/t\/c\/[^"]+)"/g)][0]?.[1] ?? '';
      const res = await t.app.inject({ method: 'GET', url: path(link) });
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, 'https://shop.example/sale?x=1&y=2');
      // One character of the signature changed: refused, and nothing redirects.
      const tampered = path(link).replace(/\.(.)/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
      assert.notEqual(tampered, path(link));
      assert.equal((await t.app.inject({ method: 'GET', url: tampered })).statusCode, 400);
      const open = `/t/c/${Buffer.from(JSON.stringify([t.workspace.id, result.messageId, 'https://evil.example'])).toString('base64url')}`;
      const refused = await t.app.inject({ method: 'GET', url: open });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().error.code, 'TRACKING_INVALID_LINK');
      assert.equal(refused.headers.location, undefined);

      const detail = (await api('GET', `/api/v1/messages/${result.messageId}`)).body as { events: { kind: string; data: { url?: string } }[] };
      assert.deepEqual(detail.events.map((e) => [e.kind, e.data.url]), [['click', 'https://shop.example/sale?x=1&y=2']]);
      const clicked = (await profileEvents('bob')).find((e) => e.name === 'message.clicked');
      assert.ok(clicked);
      assert.equal(clicked.properties.messageId, result.messageId);
      assert.equal(clicked.properties.templateId, shop.templateId);
      assert.equal(clicked.properties.broadcastId, 'b1');
      assert.equal(clicked.properties.channel, 'email');
    });

    test('the open pixel is a 1x1 GIF and records an open', async () => {
      const { result, mail } = await send('cat');
      const pixel = /<img src="([^"]*\/t\/o\/[^"]+)"/.exec(String(mail?.parsed.html))?.[1] ?? '';
      const res = await t.app.inject({ method: 'GET', url: path(pixel) });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'image/gif');
      assert.equal(res.rawPayload.subarray(0, 6).toString('latin1'), 'GIF89a');
      assert.match(String(res.headers['cache-control']), /no-store/);
      assert.equal((await t.app.inject({ method: 'GET', url: '/t/o/nope.gif' })).statusCode, 400);
      const detail = (await api('GET', `/api/v1/messages/${result.messageId}`)).body as { events: { kind: string }[] };
      assert.deepEqual(detail.events.map((e) => e.kind), ['open']);
      assert.ok((await profileEvents('cat')).some((e) => e.name === 'message.opened' && e.properties.messageId === result.messageId));
    });

    test('RFC 8058 one-click unsubscribe leaves the group, is recorded, and stops the next marketing email', async () => {
      const { result, mail } = await send('bob');
      const url = /^<([^>]+)>$/.exec(rawHeader(mail?.raw ?? '', 'List-Unsubscribe') ?? '')?.[1] ?? '';
      const res = await t.app.inject({ method: 'POST', url: path(url), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      assert.equal(res.statusCode, 200);
      const subs = (await api('GET', '/api/v1/profiles/bob/subscriptions')).body as { groups: { group: { id: string }; choice: string; subscribed: boolean }[] };
      assert.deepEqual(subs.groups.map((g) => [g.group.id, g.choice, g.subscribed]), [[shop.groupId, 'unsubscribed', false]]);
      const detail = (await api('GET', `/api/v1/messages/${result.messageId}`)).body as { events: { kind: string }[] };
      assert.deepEqual(detail.events.map((e) => e.kind), ['unsubscribe']);
      assert.ok((await profileEvents('bob')).some((e) => e.name === 'message.unsubscribed' && e.properties.subscriptionGroupId === shop.groupId));
      const next = await send('bob');
      assert.deepEqual([next.result.status, 'reason' in next.result ? next.result.reason : null], ['skipped', 'unsubscribed']);
      assert.equal(next.mail, undefined);
      assert.equal((await t.app.inject({ method: 'POST', url: '/u/forged.token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })).statusCode, 400);
    });

    test('the preference page speaks the customer language, changes nothing on GET, and saves on POST', async () => {
      const { mail } = await send('ann');
      const url = path(/^<([^>]+)>$/.exec(rawHeader(mail?.raw ?? '', 'List-Unsubscribe') ?? '')?.[1] ?? '');
      const zh = await t.app.inject({ method: 'GET', url, headers: { 'accept-language': 'en-US,en;q=0.9' } });
      assert.equal(zh.statusCode, 200);
      assert.match(zh.body, /lang="zh-CN"/);
      assert.match(zh.body, /邮件订阅设置/);
      assert.match(zh.body, /新闻简报/);
      assert.match(zh.body, /a\*\*\*@example\.com/);
      assert.ok(!zh.body.includes('ann@example.com'), 'the address is masked');
      const en = await t.app.inject({ method: 'GET', url: `${url}?lang=en` });
      assert.match(en.body, /Email preferences/);
      assert.match(en.body, /Newsletter/);
      assert.match(en.body, /checked/);
      const untouched = (await api('GET', '/api/v1/profiles/ann/subscriptions')).body as { groups: { choice: string | null }[]; optedOut: string[] };
      assert.deepEqual([untouched.groups[0]?.choice, untouched.optedOut], [null, []]);

      const saved = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=save&lang=zh&all=1' });
      assert.equal(saved.statusCode, 200);
      assert.match(saved.body, /你的设置已保存/);
      const after = (await api('GET', '/api/v1/profiles/ann/subscriptions')).body as { groups: { choice: string | null; subscribed: boolean }[]; optedOut: string[] };
      assert.deepEqual(after.optedOut, ['email']);
      assert.equal(after.groups[0]?.choice, 'unsubscribed');
      const bad = await t.app.inject({ method: 'GET', url: '/u/not-a-token' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /链接无效/);
      assert.match(bad.body, /not valid/);
    });
  });
}
