import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MessageChannel, SendResult } from './channel.js';
import type { Rejection } from './loopback.testing.js';

/**
 * What every channel implementation promises (STYLE §5), run once per implementation against a
 * real provider on loopback. The delivery code relies on exactly these: it retries `temporary`,
 * records `permanent`, never waits forever, and dedupes by the idempotency key.
 */

export interface ChannelHarness<M> {
  /** Pointed at a working provider. */
  channel: MessageChannel<M>;
  /** A valid message; `i` tells messages apart. */
  message(i: number): M;
  /** What the provider saw of each idempotency key it accepted, oldest first. */
  received(): string[];
  /** What the provider should see for `key` (the key itself, or e.g. a Message-ID derived from it). */
  expectedEvidence(key: string): string;
  /** Makes the provider refuse the next message. */
  rejectNext?(kind: Rejection): void;
  /** A channel and message aimed at a server that accepts the connection and never answers; its timeout. */
  hanging?: { channel: MessageChannel<M>; message: M; timeoutMs: number };
  close(): Promise<void>;
}

export interface ChannelFixture<M> {
  name: string;
  /** Which cases the implementation can take part in (the null channel has no network to hang). */
  supports: { rejection: boolean; hang: boolean };
  start(): Promise<ChannelHarness<M>>;
}

const key = (label: string): string => `contract-${label}-${process.pid}-${Date.now()}`;

function expectStatus(result: SendResult, status: SendResult['status']): void {
  assert.equal(result.status, status, JSON.stringify(result));
}

export function channelContract<M>(fixture: ChannelFixture<M>): void {
  describe(`${fixture.name} channel contract`, () => {
    let h: ChannelHarness<M>;
    before(async () => {
      h = await fixture.start();
    });
    after(async () => {
      await h.close();
    });

    test('a message the provider accepts is sent, and reaches it once', async () => {
      const before = h.received().length;
      const result = await h.channel.send(h.message(1), { idempotencyKey: key('ok') });
      expectStatus(result, 'sent');
      assert.equal(h.received().length, before + 1);
    });

    test('the idempotency key reaches the provider: the same for a re-send, different for another message', async () => {
      const k1 = key('idem-1');
      const k2 = key('idem-2');
      expectStatus(await h.channel.send(h.message(2), { idempotencyKey: k1 }), 'sent');
      expectStatus(await h.channel.send(h.message(2), { idempotencyKey: k1 }), 'sent');
      expectStatus(await h.channel.send(h.message(3), { idempotencyKey: k2 }), 'sent');
      const seen = h.received().slice(-3);
      assert.deepEqual(seen, [h.expectedEvidence(k1), h.expectedEvidence(k1), h.expectedEvidence(k2)]);
      assert.notEqual(h.expectedEvidence(k1), h.expectedEvidence(k2));
    });

    test('a provider that accepts the connection and never answers is a temporary failure within the timeout', { skip: !fixture.supports.hang && 'no network' }, async () => {
      const { channel, message, timeoutMs } = h.hanging ?? assert.fail('fixture has no hanging provider');
      const started = performance.now();
      const result = await channel.send(message, { idempotencyKey: key('hang') });
      const elapsed = performance.now() - started;
      expectStatus(result, 'temporary');
      assert.ok(elapsed < timeoutMs * 3 + 500, `took ${Math.round(elapsed)} ms with a ${timeoutMs} ms timeout`);
    });

    test('a temporary refusal (busy, try later) is temporary', { skip: !fixture.supports.rejection && 'cannot refuse' }, async () => {
      h.rejectNext?.('temporary');
      expectStatus(await h.channel.send(h.message(5), { idempotencyKey: key('temp') }), 'temporary');
      // The provider is fine again: the retry goes through.
      expectStatus(await h.channel.send(h.message(5), { idempotencyKey: key('temp') }), 'sent');
    });

    test("a permanent refusal is permanent, with the provider's answer", { skip: !fixture.supports.rejection && 'cannot refuse' }, async () => {
      h.rejectNext?.('permanent');
      const result = await h.channel.send(h.message(6), { idempotencyKey: key('perm') });
      expectStatus(result, 'permanent');
      assert.ok(result.status === 'permanent' && result.error.length > 0 && result.response !== undefined, JSON.stringify(result));
    });

    test('an already-aborted signal ends the send as temporary, and nothing reaches the provider', async () => {
      const before = h.received().length;
      const controller = new AbortController();
      controller.abort();
      expectStatus(await h.channel.send(h.message(7), { idempotencyKey: key('abort'), signal: controller.signal }), 'temporary');
      assert.equal(h.received().length, before);
    });
  });
}
