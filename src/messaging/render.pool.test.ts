import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { renderParsed, type ParsedTemplate, type RenderTarget } from './delivery.render.js';
import { createRenderPool } from './render.pool.js';
import type { RenderJob } from './render.wire.js';
import { createTokenSigner } from './signing.js';
import { createTracking } from './tracking.js';

const instanceKey = randomBytes(32);
const publicUrl = 'https://nudge.example';
const pool = createRenderPool({ threads: 2, instanceKey, publicUrl });
after(() => pool.close());

const template: ParsedTemplate = {
  channel: 'email',
  locale: 'en',
  body: {
    channel: 'email',
    content: {
      en: { subject: 'Hi {{ profile.traits.name }}', html: '<p>{{ profile.traits.name }}, <a href="https://shop.example/sale">the sale</a> {{ event.properties.total | money }}</p><a href="{{ message.unsubscribeUrl }}">Unsubscribe</a>' },
      zh: { subject: '{{ profile.traits.name }}，你好', html: '<p><a href="https://shop.example/sale">促销</a></p>' },
    },
  },
};
const broken: ParsedTemplate = { ...template, body: { channel: 'email', content: { en: { subject: '{{ profile.traits.missing }}', html: '<p>x</p>' } } } };

const target = (i: number): RenderTarget => ({ workspaceId: 'ws_1', id: `msg_${i}`, kind: 'marketing', profileId: `prf_${i}`, sourceKind: 'broadcast', subscriptionGroupId: 'grp_1', toAddress: null });
const context = (i: number): RenderJob['context'] => ({
  profile: { id: `prf_${i}`, userId: `u${i}`, email: `c${i}@example.com`, phone: null, traits: { name: i % 2 ? '安' : 'Ann', locale: i % 3 === 0 ? 'zh-CN' : 'en' } },
  workspace: { name: 'Shop', currency: 'CNY' },
  event: { name: 'order_placed', properties: { total: 12.5 * i } },
  journey: null,
});

test('the pool renders what this thread renders: same payloads, links signed with the same keys, errors with their codes', async () => {
  const now = Date.parse('2026-06-01T10:00:00Z');
  const jobs: RenderJob[] = Array.from({ length: 40 }, (_, i) => ({ template: i === 7 ? 'broken' : 'main', target: target(i), context: context(i), now }));
  const answers = await pool.render({ main: template, broken }, jobs);
  const tracking = createTracking({ signer: createTokenSigner(instanceKey), publicUrl });
  assert.equal(answers.length, jobs.length);
  for (const [i, a] of answers.entries()) {
    const job = jobs[i];
    assert.ok(job);
    if (i === 7) {
      // An empty subject: the same UserError this thread would throw, by code and field.
      assert.ok(!a?.ok && 'code' in a, JSON.stringify(a));
      assert.equal(a.code, 'TEMPLATE_RENDERED_EMPTY');
      assert.match(a.field ?? '', /subject/);
      continue;
    }
    const here = await renderParsed(template, job.target, job.context, tracking, { now: () => now });
    assert.deepEqual(a, { ok: true, payload: here });
    // Its click link verifies here.
    const link = /href="https:\/\/nudge\.example\/t\/c\/([^"]+)"/.exec(a.ok ? (a.payload.channel === 'email' ? a.payload.html : '') : '');
    assert.ok(link?.[1]);
    assert.equal(tracking.verifyClick(link[1])?.url, 'https://shop.example/sale');
  }
});
