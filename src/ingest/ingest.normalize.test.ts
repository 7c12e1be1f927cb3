import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { UserError } from '../platform/errors.js';
import { encodeAccepted, normalizeEvent } from './ingest.normalize.js';
import { SegmentEvent } from './ingest.schema.js';

const BASES: Record<string, unknown>[] = [
  { type: 'identify', userId: 'u1', anonymousId: 'a1', traits: { email: 'x@example.com' }, context: { ip: '10.0.0.1' }, timestamp: '2026-01-02T03:04:05.123Z', messageId: 'm1' },
  { type: 'track', userId: 'u1', event: 'Order Completed', properties: { order_id: 'o1', total: 10 }, originalTimestamp: '2026-01-02T03:04:05', sentAt: '2026-01-02T03:04:06+08:00' },
  { type: 'page', anonymousId: 'a1', name: 'Home', category: 'Docs', properties: { path: '/' }, integrations: { All: true }, channel: 'web', version: 2 },
  { type: 'screen', userId: 7, name: 'Cart', timestamp: 1767322800000 },
  { type: 'group', userId: 'u1', groupId: 42, traits: { plan: 'gold' }, _metadata: { bundled: [] }, writeKey: 'wk' },
  { type: 'alias', userId: 'u1', previousId: 'a1', receivedAt: '2026-01-02' },
];
const FIELDS = ['type', 'messageId', 'userId', 'anonymousId', 'timestamp', 'originalTimestamp', 'sentAt', 'context', 'integrations', 'channel', 'version', 'event', 'name', 'category', 'properties', 'traits', 'groupId', 'previousId'];
const VALUES: unknown[] = [undefined, null, '', 0, 42, -1, 1.5, 'x'.repeat(300), '2026-01-02T03:04:05Z', '2026-13-02T03:04:05Z', '2026-01-02', 'yesterday', {}, [], true, { a: 1 }, 'track'];

test("the compiled event schema accepts, rejects and reports exactly like the schema's own parser", () => {
  const compiled = z.compile(SegmentEvent);
  let cases = 0;
  for (const base of BASES) {
    for (const field of FIELDS) {
      for (const value of VALUES) {
        const input = { ...base, [field]: value };
        if (value === undefined) delete input[field];
        const a = compiled.safeParse(input);
        const b = SegmentEvent.safeParse(input);
        cases++;
        assert.equal(a.success, b.success, JSON.stringify(input));
        if (a.success && b.success) assert.deepEqual(a.data, b.data, JSON.stringify(input));
        else assert.deepEqual(a.error?.issues, b.error?.issues, JSON.stringify(input));
      }
    }
  }
  assert.ok(cases > 1500);
});

test('an accepted event is encoded once, and one over 32 KB is refused naming the event', () => {
  const opts = { workspaceId: 'ws', receivedAt: 5000, path: 'batch[3]', makeMessageId: () => 'generated' };
  const event = normalizeEvent({ type: 'track', userId: 'u1', event: 'E', properties: { a: 1 } }, opts);
  assert.equal(event.messageId, 'generated');
  assert.deepEqual(JSON.parse(encodeAccepted(event, opts.path)).p, { a: 1 });
  const big = normalizeEvent({ type: 'track', userId: 'u1', event: 'E', properties: { big: '无'.repeat(11_000) } }, opts);
  assert.throws(() => encodeAccepted(big, opts.path), (err: unknown) => err instanceof UserError && err.code === 'EVENT_TOO_LARGE' && err.field === 'batch[3]' && err.status === 413);
});

test('NUL characters are removed from every string (PostgreSQL cannot store them); a literal backslash-u0000 is kept', () => {
  const e = normalizeEvent(
    { type: 'track', userId: 'u1', event: 'Review Submitted', properties: { text: 'good\u0000 product', note: 'path C:\\u0000dir', ['k\u0000ey']: 1 } },
    { workspaceId: 'ws_test', path: '', receivedAt: 0, makeMessageId: () => 'm1' },
  );
  const back = JSON.parse(encodeAccepted(e, '')) as { p: Record<string, unknown> };
  assert.deepEqual(back.p, { text: 'good product', note: 'path C:\\u0000dir', key: 1 });
});
