import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testDialects } from '../db/testing.js';
import { NodeId } from '../journeys/journey.schema.js';
import { languageFromAcceptLanguage } from '../platform/language.js';
import { zodIssueZh } from '../platform/zod-text.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';

const CJK = /[\u4e00-\u9fff]/;

test('Accept-Language picks en or zh by weight, and neither when it names neither', () => {
  assert.equal(languageFromAcceptLanguage('zh-CN'), 'zh');
  assert.equal(languageFromAcceptLanguage('en-US,zh;q=0.9'), 'en');
  assert.equal(languageFromAcceptLanguage('fr-FR, zh-TW;q=0.5, en;q=0.2'), 'zh');
  assert.equal(languageFromAcceptLanguage('fr'), null);
  assert.equal(languageFromAcceptLanguage(undefined), null);
});

test("our own message for one of zod's built-in checks (zodText) is found in its Chinese", () => {
  const parsed = NodeId.safeParse('has spaces');
  assert.ok(!parsed.success);
  const [issue] = parsed.error.issues;
  assert.ok(issue);
  assert.equal(issue.message, 'letters, digits, _ and -, at most 64');
  assert.equal(zodIssueZh(issue), '只能包含字母、数字、_ 和 -，最多 64 个字符');
});

test('every bilingual message written in the source has Chinese beside its English', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const missing: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = readFileSync(full, 'utf8');
        // say('English', 'Chinese') and say(`English ${x}`, `Chinese ${x}`), on one line.
        for (const m of text.matchAll(/\bsay\(\s*(['`])((?:\\.|(?!\1).)*)\1\s*,\s*(['`])((?:\\.|(?!\3).)*)\3\s*\)/g)) {
          const [, , en = '', , zh = ''] = m;
          if (/[A-Za-z]{3}/.test(en.replace(/\$\{[^}]*\}/g, '')) && !CJK.test(zh)) missing.push(`${path.relative(root, full)}: ${en}`);
        }
      }
    }
  };
  walk(root);
  assert.deepEqual(missing, [], 'messages whose Chinese is missing or a copy of the English');
});

for (const dialect of testDialects()) {
  describe(`error messages in the caller's language (${dialect})`, () => {
    let t: TestNudge;
    before(async () => {
      t = await createTestNudge(dialect);
    });
    after(async () => t.cleanup());

    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, language: string | null, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${t.workspace.secretKey}`, ...(language ? { 'accept-language': language } : {}) } });

    test('a refused request is told in Chinese when the dashboard asks in Chinese, in English otherwise', async () => {
      const zh = await call('PATCH', '/api/v1/workspace', 'zh-CN,zh;q=0.9', { timezone: 'Mars/Olympus_Mons' });
      const en = await call('PATCH', '/api/v1/workspace', null, { timezone: 'Mars/Olympus_Mons' });
      assert.equal(zh.statusCode, 400);
      // The code and the field are the same in both: only the words change.
      assert.deepEqual([zh.json().error.code, zh.json().error.field], ['WORKSPACE_BAD_TIMEZONE', 'timezone']);
      assert.deepEqual([en.json().error.code, en.json().error.field], ['WORKSPACE_BAD_TIMEZONE', 'timezone']);
      assert.match(zh.json().error.message, CJK);
      assert.doesNotMatch(en.json().error.message, CJK);
    });

    test('not found, a missing route and a schema check answer in Chinese too', async () => {
      const missing = await call('GET', '/api/v1/profiles/nobody-here', 'zh');
      assert.equal(missing.statusCode, 404);
      assert.match(missing.json().error.message, CJK);
      const route = await call('GET', '/api/v1/no-such-thing', 'zh');
      assert.equal(route.statusCode, 404);
      assert.match(route.json().error.message, /^没有这个路由/);
      // A body the schema refuses: zod's own check (a name that is not a string) in zod's Chinese, with the field.
      const invalid = await call('POST', '/api/v1/broadcasts', 'zh', { name: 5 });
      assert.equal(invalid.statusCode, 400);
      assert.equal(invalid.json().error.code, 'VALIDATION_FAILED');
      assert.match(invalid.json().error.message, /^body\.\S+: .*[\u4e00-\u9fff]/);
      for (const d of invalid.json().error.details as { message: string }[]) assert.match(d.message, CJK);
      const english = await call('POST', '/api/v1/broadcasts', 'en-US', { name: 5 });
      assert.doesNotMatch(english.json().error.message, CJK);
    });

    test('every issue listed in the details is told in the caller\'s language too (a journey that cannot be published)', async () => {
      const definition = { entry: { kind: 'event', event: { name: 'x' }, startNodeId: 'a' }, nodes: [{ id: 'a', type: 'teleport', position: { x: 0, y: 0 }, config: {} }], edges: [], settings: {} };
      const created = await call('POST', '/api/v1/journeys', null, { name: 'Broken', definition });
      assert.equal(created.statusCode, 201, created.body);
      const publish = `/api/v1/journeys/${created.json().id as string}/publish`;
      const zh = await call('POST', publish, 'zh');
      const en = await call('POST', publish, 'en');
      assert.equal(zh.statusCode, 400, zh.body);
      const issues = (r: typeof zh) => r.json().error.details.issues as { code: string; message: string }[];
      assert.ok(issues(zh).length > 0);
      assert.deepEqual(issues(zh).map((i) => i.code), issues(en).map((i) => i.code), 'the same issues, with the same codes');
      for (const i of issues(zh)) assert.match(i.message, CJK);
      for (const i of issues(en)) assert.doesNotMatch(i.message, CJK);
    });

    test('our own schema refinements carry their Chinese (quiet hours that start when they end)', async () => {
      const body = { name: 'Quiet', segmentId: 'seg', templateId: 'tpl', quietHours: { start: '21:00', end: '21:00' } };
      const zh = await call('POST', '/api/v1/broadcasts', 'zh', body);
      const en = await call('POST', '/api/v1/broadcasts', 'en', body);
      assert.equal(zh.statusCode, 400, zh.body);
      const refinement = (r: typeof zh) => (r.json().error.details as { path: string; message: string }[]).find((d) => d.path.endsWith('/end'))?.message ?? '';
      assert.equal(refinement(en), 'quiet hours must start and end at different times');
      assert.match(refinement(zh), CJK);
      assert.notEqual(refinement(zh), '无效输入', 'the refinement\'s own words, not a generic "invalid"');
    });
  });
}
