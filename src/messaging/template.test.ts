import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import type { TestNudge } from '../testing/nudge.testing.js';
import { apiAs, createMessagingTestNudge, newsletterTemplate, setupShop, startTestSmtp, type TestSmtp } from './messaging.testing.js';

type Err = { error: { code: string; field: string; details?: { issues: { code: string; path: string }[] } } };

for (const dialect of testDialects()) {
  describe(`templates: CRUD, save-time validation, preview, test send (${dialect})`, () => {
    let t: TestNudge;
    let smtp: TestSmtp;
    let shop: Awaited<ReturnType<typeof setupShop>>;
    let api: ReturnType<typeof apiAs>;

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

    test('create, read, list, update with version check, archive', async () => {
      const created = await api('POST', '/api/v1/templates', { ...newsletterTemplate(shop.groupId), name: 'Spring sale' });
      assert.equal(created.status, 201);
      const tpl = created.body as { id: string; version: number; channel: string; kind: string; subscriptionGroupId: string };
      assert.deepEqual([tpl.version, tpl.channel, tpl.kind, tpl.subscriptionGroupId], [1, 'email', 'marketing', shop.groupId]);
      const list = (await api('GET', '/api/v1/templates?channel=email&q=Spring')).body as { items: { id: string; body?: unknown }[] };
      assert.deepEqual(list.items.map((i) => i.id), [tpl.id]);
      assert.equal(list.items[0]?.body, undefined, 'lists leave bodies out');
      const updated = await api('PUT', `/api/v1/templates/${tpl.id}`, { ...newsletterTemplate(shop.groupId), name: 'Spring sale II', version: 1 });
      assert.equal(updated.status, 200);
      assert.equal((updated.body as { version: number }).version, 2);
      const stale = await api('PUT', `/api/v1/templates/${tpl.id}`, { ...newsletterTemplate(shop.groupId), name: 'Lost edit', version: 1 });
      assert.equal(stale.status, 409);
      assert.equal((stale.body as Err).error.code, 'TEMPLATE_VERSION_CONFLICT');
      const channelSwap = await api('PUT', `/api/v1/templates/${tpl.id}`, { name: 'x', body: { channel: 'sms', content: { en: { text: 'hi' } } } });
      assert.equal((channelSwap.body as Err).error.code, 'TEMPLATE_CHANNEL_CHANGED');
      assert.equal((await api('DELETE', `/api/v1/templates/${tpl.id}`)).status, 204);
      assert.equal((await api('GET', `/api/v1/templates/${tpl.id}`)).status, 404);
    });

    test('a broken template is refused at save with its code and the JSON path of the field, and nothing is saved', async () => {
      const before = ((await api('GET', '/api/v1/templates')).body as { items: unknown[] }).items.length;
      const syntax = await api('POST', '/api/v1/templates', {
        name: 'Broken',
        body: { channel: 'email', content: { en: { subject: 'Hi', html: '<p>ok</p>' }, zh: { subject: '你好 {{ profile.traits.name ', html: '<p>好</p>' } } },
      });
      assert.equal(syntax.status, 400);
      assert.equal((syntax.body as Err).error.code, 'TEMPLATE_SYNTAX');
      assert.equal((syntax.body as Err).error.field, 'body.content.zh.subject');
      const unknown = await api('POST', '/api/v1/templates', { name: 'Typo', body: { channel: 'email', content: { en: { subject: 'Hi {{ profle.name }}', html: '<p>x</p>' } } } });
      assert.equal(unknown.status, 400);
      assert.equal((unknown.body as Err).error.code, 'TEMPLATE_UNKNOWN_VARIABLE');
      assert.equal((unknown.body as Err).error.field, 'body.content.en.subject');
      assert.ok((unknown.body as Err).error.details?.issues.length);
      const group = await api('POST', '/api/v1/templates', { ...newsletterTemplate('sgr_nope') });
      assert.deepEqual([(group.body as Err).error.code, (group.body as Err).error.field], ['TEMPLATE_UNKNOWN_SUBSCRIPTION_GROUP', 'subscriptionGroupId']);
      const shape = await api('POST', '/api/v1/templates', { name: 'No content', body: { channel: 'email', content: {} } });
      assert.equal(shape.status, 400);
      assert.equal(((await api('GET', '/api/v1/templates')).body as { items: unknown[] }).items.length, before);
    });

    test('preview renders a draft for a chosen customer with an event, in their language or a forced one', async () => {
      const body = { channel: 'email', content: { en: { subject: 'Your {{ event.properties.item }}, {{ profile.traits.name }}', html: '<p>{{ traits.name }}</p>' }, zh: { subject: '{{ profile.traits.name }}，你的{{ event.properties.item }}', html: '<p>中文</p>' } } };
      const event = { name: 'Cart Abandoned', properties: { item: 'tea set' } };
      const ann = await api('POST', '/api/v1/templates/preview', { body, profileId: 'ann', event });
      assert.equal(ann.status, 200);
      assert.deepEqual([(ann.body as { locale: string }).locale, (ann.body as { subject: string }).subject], ['zh', 'Ann，你的tea set']);
      const forced = await api('POST', '/api/v1/templates/preview', { body, profileId: 'ann', event, locale: 'en' });
      assert.equal((forced.body as { subject: string }).subject, 'Your tea set, Ann');
      assert.match((forced.body as { text: string }).text, /Ann/);
      const sample = await api('POST', '/api/v1/templates/preview', { body });
      assert.equal(sample.status, 200);
      const missing = await api('POST', '/api/v1/templates/preview', { body, profileId: 'nobody' });
      assert.equal(missing.status, 404);
    });

    test('a test send goes once to the given address, rendered as the chosen customer, and obeys suppression', async () => {
      const res = await api('POST', `/api/v1/templates/${shop.templateId}/test`, { to: 'designer@shop.example', profileId: 'bob' });
      assert.equal(res.status, 200);
      const msg = res.body as { status: string; source: { kind: string }; to: string; profileId: string | null; subject: string };
      assert.deepEqual([msg.status, msg.source.kind, msg.to, msg.profileId, msg.subject], ['sent', 'test', 'designer@shop.example', null, 'Hello Bob']);
      assert.deepEqual(smtp.received.at(-1)?.to, ['designer@shop.example']);
      await api('POST', '/api/v1/suppressions', { channel: 'email', address: 'blocked@shop.example' });
      const blocked = await api('POST', `/api/v1/templates/${shop.templateId}/test`, { to: 'blocked@shop.example' });
      assert.deepEqual([(blocked.body as { status: string; reason: string }).status, (blocked.body as { reason: string }).reason], ['suppressed', 'suppressed']);
      const noTo = await api('POST', `/api/v1/templates/${shop.templateId}/test`, {});
      assert.equal((noTo.body as Err).error.code, 'TEST_SEND_NO_RECIPIENT');
    });

    test('channel settings: secrets are sealed at rest and masked on read; a PUT without the secret keeps it', async () => {
      await api('PUT', '/api/v1/channel-settings/email', { host: '127.0.0.1', port: smtp.port, from: 'Shop <news@shop.test>', user: 'mailer', pass: 'smtp-password-1' });
      const stored = await t.nudge.database.db.selectFrom('channel_settings').selectAll().where('workspace_id', '=', t.workspace.id).where('kind', '=', 'email').executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(stored).includes('smtp-password-1'), 'the password is not stored in clear');
      const view = (await api('GET', '/api/v1/channel-settings')).body as { items: { kind: string; settings: Record<string, unknown> | null }[] };
      assert.equal(view.items.find((i) => i.kind === 'email')?.settings?.pass, '********');
      await api('PUT', '/api/v1/channel-settings/email', { host: '127.0.0.1', port: smtp.port, from: 'Shop <news@shop.test>', user: 'mailer' });
      const loaded = await t.nudge.messaging.settings.load(t.workspace.id, 'email');
      assert.equal(loaded?.settings.pass, 'smtp-password-1');
      const bad = await api('PUT', '/api/v1/channel-settings/email', { host: '', from: 'nobody' });
      assert.equal(bad.status, 400);
      assert.equal((bad.body as Err).error.code, 'CHANNEL_SETTINGS_INVALID');
      assert.match((bad.body as Err).error.field, /^settings\./);
      const member = await t.nudge.auth.createUser({ email: 'member@example.test', name: 'M', password: 'correct horse battery' });
      await t.nudge.auth.addMember(member.id, t.workspace.id, 'member', 'test');
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'member@example.test', password: 'correct horse battery' } });
      const cookie = String(login.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      const denied = await t.app.inject({ method: 'PUT', url: '/api/v1/channel-settings/email', headers: { cookie, 'x-nudge-workspace': t.workspace.id }, payload: { host: 'evil.example', from: 'x@evil.example' } });
      assert.equal(denied.statusCode, 403, 'changing credentials needs the admin role');
      await api('PUT', '/api/v1/channel-settings/email', { host: '127.0.0.1', port: smtp.port, secure: false, from: 'Test Shop <news@shop.test>' });
    });
  });
}
