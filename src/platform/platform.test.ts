import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import { testDialects } from '../db/testing.js';
import { registerAccessControl } from '../server/access.js';
import { basicAuth, createTestNudge, type TestNudge } from '../testing/nudge.testing.js';

for (const dialect of testDialects()) {
  describe(`workspaces, keys and access (${dialect})`, () => {
    let t: TestNudge;
    let other: { id: string; writeKey: string; secretKey: string };
    before(async () => {
      t = await createTestNudge(dialect);
      const created = await t.nudge.workspaces.create({ name: 'Other shop', actor: 'test' });
      other = { id: created.workspace.id, writeKey: created.writeKey, secretKey: created.secretKey };
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'identify', userId: 'mine', traits: { email: 'mine@example.com' } }]);
      await t.nudge.ingest.ingest(other.id, [{ type: 'identify', userId: 'theirs', traits: { email: 'theirs@example.com' } }]);
      await t.nudge.ingest.flush();
    });
    after(async () => t.cleanup());

    const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

    test('a secret key reads its own workspace and gets 404 for another workspace\'s profile', async () => {
      const mine = await get('/api/v1/profiles/mine', { authorization: `Bearer ${t.workspace.secretKey}` });
      assert.equal(mine.statusCode, 200);
      assert.equal(mine.json().userId, 'mine');
      const theirs = await get('/api/v1/profiles/theirs', { authorization: `Bearer ${t.workspace.secretKey}` });
      assert.equal(theirs.statusCode, 404);
      assert.equal(theirs.json().error.code, 'NOT_FOUND');
      const theirProfileId = (await t.nudge.profiles.get(other.id, 'theirs')).id;
      assert.equal((await get(`/api/v1/profiles/${theirProfileId}`, { authorization: `Bearer ${t.workspace.secretKey}` })).statusCode, 404);
      const list = await get('/api/v1/profiles', { authorization: `Bearer ${t.workspace.secretKey}` });
      assert.deepEqual(list.json().items.map((p: { userId: string }) => p.userId), ['mine']);
    });

    test('events sent with one workspace key land only in that workspace', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/track', payload: { userId: 'theirs', event: 'E' }, headers: { authorization: basicAuth(t.workspace.writeKey) } });
      assert.equal(res.statusCode, 200);
      await t.nudge.ingest.flush();
      const theirs = await t.nudge.profiles.get(other.id, 'theirs');
      assert.equal(theirs.eventCount, 1, 'the other workspace is untouched');
    });

    test('a write key cannot use the admin API; no key at all gets 401', async () => {
      const res = await get('/api/v1/profiles', { authorization: `Bearer ${t.workspace.writeKey}` });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().error.code, 'AUTH_FORBIDDEN');
      const none = await get('/api/v1/profiles', {});
      assert.equal(none.statusCode, 401);
      assert.equal(none.json().error.code, 'AUTH_REQUIRED');
    });

    test('dashboard login sets an httpOnly SameSite session cookie; membership decides the workspace', async () => {
      const bad = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: t.admin.email, password: 'wrong password' } });
      assert.equal(bad.statusCode, 401);
      assert.equal(bad.json().error.code, 'AUTH_INVALID_CREDENTIALS');
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: t.admin.email, password: t.admin.password } });
      assert.equal(res.statusCode, 200, res.body);
      const setCookie = String(res.headers['set-cookie']);
      assert.match(setCookie, /nudge_session=/);
      assert.match(setCookie, /HttpOnly/i);
      assert.match(setCookie, /SameSite=Lax/i);
      assert.deepEqual(res.json().workspaces.map((w: { id: string }) => w.id), [t.workspace.id]);
      const session = setCookie.split(';')[0] ?? '';
      const ok = await get('/api/v1/profiles', { cookie: session, 'x-nudge-workspace': t.workspace.id });
      assert.equal(ok.statusCode, 200);
      const foreign = await get('/api/v1/profiles', { cookie: session, 'x-nudge-workspace': other.id });
      assert.equal(foreign.statusCode, 404, 'not a member: the workspace does not exist for this user');
      const noHeader = await get('/api/v1/profiles', { cookie: session });
      assert.equal(noHeader.json().error.code, 'AUTH_WORKSPACE_REQUIRED');
      await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: session } });
      assert.equal((await get('/api/auth/me', { cookie: session })).statusCode, 401);
    });

    test('roles: a viewer reads but cannot reveal a secret key; an admin can', async () => {
      const viewer = await t.nudge.auth.createUser({ email: 'viewer@example.test', name: 'Viewer', password: 'viewer password' });
      await t.nudge.auth.addMember(viewer.id, t.workspace.id, 'viewer', 'test');
      const login = async (email: string, password: string) =>
        String((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } })).headers['set-cookie']).split(';')[0] ?? '';
      const viewerCookie = await login('viewer@example.test', 'viewer password');
      const headers = { cookie: viewerCookie, 'x-nudge-workspace': t.workspace.id };
      assert.equal((await get('/api/v1/profiles', headers)).statusCode, 200);
      assert.equal((await get('/api/v1/keys', headers)).statusCode, 403);
      const adminCookie = await login(t.admin.email, t.admin.password);
      const keys = await get('/api/v1/keys', { cookie: adminCookie, 'x-nudge-workspace': t.workspace.id });
      const secret = keys.json().items.find((k: { kind: string }) => k.kind === 'secret');
      assert.match(secret.key, /^sk_…/, 'secret keys are masked in lists');
      const reveal = (cookieHeader: string) =>
        t.app.inject({ method: 'POST', url: `/api/v1/keys/${secret.id}/reveal`, headers: { cookie: cookieHeader, 'x-nudge-workspace': t.workspace.id } });
      assert.equal((await reveal(viewerCookie)).statusCode, 403);
      const revealed = await reveal(adminCookie);
      assert.equal(revealed.json().key, t.workspace.secretKey);
    });

    test('an admin sets the workspace time zone; a bad zone is refused with the field; a viewer cannot; other workspaces keep theirs', async () => {
      const patch = (payload: unknown, headers: Record<string, string> = { authorization: `Bearer ${t.workspace.secretKey}` }) => t.app.inject({ method: 'PATCH', url: '/api/v1/workspace', headers, payload: payload as object });
      assert.equal((await get('/api/v1/workspace', { authorization: `Bearer ${t.workspace.secretKey}` })).json().timezone, 'UTC', 'UTC until set');
      const set = await patch({ timezone: 'Asia/Shanghai' });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json().timezone, 'Asia/Shanghai');
      assert.equal(await t.nudge.workspaces.timezone(t.workspace.id), 'Asia/Shanghai', 'the cached zone follows at once');
      const bad = await patch({ timezone: 'Mars/Olympus_Mons' });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual([bad.json().error.code, bad.json().error.field], ['WORKSPACE_BAD_TIMEZONE', 'timezone']);
      const blank = await patch({ name: '  ' });
      assert.deepEqual([blank.statusCode, blank.json().error.field], [400, 'name']);
      assert.equal((await get('/api/v1/workspace', { authorization: `Bearer ${t.workspace.secretKey}` })).json().timezone, 'Asia/Shanghai', 'refused patches change nothing');
      assert.equal((await get('/api/v1/workspace', { authorization: `Bearer ${other.secretKey}` })).json().timezone, 'UTC');
      const viewer = await t.nudge.auth.createUser({ email: 'tz-viewer@example.test', name: 'Viewer', password: 'viewer password' });
      await t.nudge.auth.addMember(viewer.id, t.workspace.id, 'viewer', 'test');
      const cookie = String((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'tz-viewer@example.test', password: 'viewer password' } })).headers['set-cookie']).split(';')[0] ?? '';
      assert.equal((await patch({ timezone: 'UTC' }, { cookie, 'x-nudge-workspace': t.workspace.id })).statusCode, 403);
      assert.equal((await patch({ timezone: 'UTC' })).json().timezone, 'UTC');
    });

    test('an admin sets the default send hour (0 to 23); anything else is refused with the field and changes nothing', async () => {
      const secret = { authorization: `Bearer ${t.workspace.secretKey}` };
      const patch = (payload: object) => t.app.inject({ method: 'PATCH', url: '/api/v1/workspace', headers: secret, payload });
      assert.equal((await get('/api/v1/workspace', secret)).json().defaultSendHour, 10, '10:00 until set');
      const set = await patch({ defaultSendHour: 8 });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json().defaultSendHour, 8);
      assert.equal((await t.nudge.workspaces.sendDefaults(t.workspace.id)).defaultSendHour, 8, 'the cached hour follows at once');
      for (const hour of [24, -1, 7.5]) {
        const bad = await patch({ defaultSendHour: hour });
        assert.equal(bad.statusCode, 400, `${hour}`);
        assert.deepEqual([bad.json().error.code, bad.json().error.field], ['WORKSPACE_BAD_SEND_HOUR', 'defaultSendHour']);
      }
      assert.equal((await get('/api/v1/workspace', secret)).json().defaultSendHour, 8, 'refused patches change nothing');
      assert.equal((await get('/api/v1/workspace', { authorization: `Bearer ${other.secretKey}` })).json().defaultSendHour, 10, 'another workspace keeps its own');
      assert.equal((await patch({ defaultSendHour: 10 })).statusCode, 200);
    });

    test('OpenAPI document lists the Segment and admin routes', async () => {
      const res = await get('/docs/json', {});
      assert.equal(res.statusCode, 200);
      const paths = Object.keys(res.json().paths);
      for (const p of ['/v1/batch', '/v1/identify', '/api/v1/profiles', '/api/v1/profiles/{id}']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    });
  });
}

test('a route that does not declare who may call it is refused at start-up', async () => {
  const app = Fastify();
  await app.register(cookie);
  // The access hooks only need the services when a request arrives.
  registerAccessControl(app, { auth: {} as never, workspaces: {} as never });
  assert.throws(() => app.get('/undeclared', async () => 'secret'), /does not declare who may call it/);
  await app.close();
});
