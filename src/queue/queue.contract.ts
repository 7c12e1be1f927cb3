import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, afterEach, before, describe, test } from 'node:test';
import { manualClock, systemClock, type Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import type { JobQueue } from './queue.js';

export interface QueueInstanceOptions {
  clock: Clock;
  lockMs?: number;
  pollMs?: number;
  shutdownGraceMs?: number;
}

/** One queue backend under test. Each `create` is a separate engine instance, as another process would have. */
export interface QueueHarness {
  create(options: QueueInstanceOptions): Promise<JobQueue>;
  cleanup(): Promise<void>;
  /**
   * What a job lock's lifetime is measured in (default 'clock'): the injected clock when the engine
   * stores the lock's expiry as a time (the SQL engine's locked_until), or the wall clock when the
   * lock is a key the server expires (BullMQ on Redis), which no test clock can move.
   */
  lockTime?: 'clock' | 'wall';
}

const T0 = Date.UTC(2026, 2, 1, 12);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * What every JobQueue engine must do (STYLE §5). Run once per engine and database; the engines
 * differ in storage, never in these behaviours.
 */
export function queueContract(name: string, setup: () => Promise<QueueHarness>): void {
  describe(`job queue contract: ${name}`, () => {
    let h: QueueHarness;
    let open: JobQueue[] = [];
    let n = 0;
    /** A fresh queue name per test, so tests sharing a backend never see each other's jobs. */
    const queueName = (label: string) => `${label}.${++n}`;
    const create = async (options: QueueInstanceOptions) => {
      const q = await h.create(options);
      open.push(q);
      return q;
    };

    before(async () => {
      h = await setup();
    });
    afterEach(async () => {
      await Promise.all(open.map((q) => q.stop()));
      open = [];
    });
    after(async () => h.cleanup());

    test('runs due jobs oldest run_at first; a job due later waits for its time', async () => {
      const clock = manualClock(T0);
      const q = await create({ clock });
      const queue = queueName('order');
      const ran: string[] = [];
      q.register<{ n: string }>(queue, async (p) => {
        ran.push(p.n);
      });
      await q.enqueue(queue, { n: 'c' }, { runAt: T0 - 1000 });
      await q.enqueue(queue, { n: 'a' }, { runAt: T0 - 3000 });
      const later = await q.enqueue(queue, { n: 'later' }, { runAt: T0 + 60_000 });
      await q.enqueue(queue, { n: 'b' }, { runAt: T0 - 2000 });
      await q.enqueue(queue, { n: 'now' });
      await q.drain();
      assert.deepEqual(ran, ['a', 'b', 'c', 'now']);
      assert.equal((await q.get(later))?.status, 'pending');
      clock.advance(60_000);
      await q.drain();
      assert.deepEqual(ran, ['a', 'b', 'c', 'now', 'later']);
      assert.equal((await q.get(later))?.status, 'done');
    });

    test('a dedupe key gives one pending job; once it has run, the key enqueues a new one', async () => {
      const clock = manualClock(T0);
      const q = await create({ clock });
      const queue = queueName('dedupe');
      let runs = 0;
      q.register(queue, async () => {
        runs++;
      });
      const first = await q.enqueue(queue, { v: 1 }, { dedupeKey: 'ws-1' });
      assert.equal(await q.enqueue(queue, { v: 2 }, { dedupeKey: 'ws-1' }), first);
      const other = await q.enqueue(queue, { v: 3 }, { dedupeKey: 'ws-2' });
      assert.notEqual(other, first);
      const plain = [await q.enqueue(queue, {}), await q.enqueue(queue, {})];
      assert.notEqual(plain[0], plain[1], 'without a key every enqueue is a job');
      await q.drain();
      assert.equal(runs, 4);
      const again = await q.enqueue(queue, {}, { dedupeKey: 'ws-1' });
      assert.notEqual(again, first);
      await q.drain();
      assert.equal(runs, 5);
    });

    test('enqueueMany adds many jobs at once, honouring dedupe keys and run times as enqueue does', async () => {
      const clock = manualClock(T0);
      const q = await create({ clock });
      const queue = queueName('many');
      const ran: string[] = [];
      q.register<{ n: string }>(queue, async (p) => {
        ran.push(p.n);
      });
      const pending = await q.enqueue(queue, { n: 'held' }, { dedupeKey: 'k-held' });
      assert.deepEqual(await q.enqueueMany(queue, []), []);
      const ids = await q.enqueueMany(queue, [
        { payload: { n: 'b' }, options: { runAt: T0 - 1000, dedupeKey: 'k-b' } },
        { payload: { n: 'a' }, options: { runAt: T0 - 2000 } },
        { payload: { n: 'b-again' }, options: { runAt: T0 - 1000, dedupeKey: 'k-b' } },
        { payload: { n: 'held-again' }, options: { dedupeKey: 'k-held' } },
        { payload: { n: 'later' }, options: { runAt: T0 + 60_000, workspaceId: 'ws_many' } },
        { payload: { n: 'plain' } },
      ]);
      assert.equal(ids.length, 6);
      assert.equal(ids[2], ids[0], 'a key repeated within the call gives one job');
      assert.equal(ids[3], pending, 'a key already pending gives the pending job');
      assert.equal(new Set(ids).size, 5);
      assert.equal((await q.get(ids[4] ?? ''))?.status, 'pending');
      assert.deepEqual((await q.list('ws_many', { queue })).map((j) => j.id), [ids[4]]);
      await q.drain();
      // Oldest run time first; the two due now share their run time.
      assert.deepEqual([...ran.slice(0, 2), ...ran.slice(2).sort()], ['a', 'b', 'held', 'plain']);
      clock.advance(60_000);
      await q.drain();
      assert.deepEqual(ran.slice(4), ['later']);
      assert.equal((await q.get(ids[0] ?? ''))?.status, 'done');
    });

    test('a failing job is retried with exponential back-off, keeping the last error, until it succeeds', async () => {
      const clock = manualClock(T0);
      const q = await create({ clock });
      const queue = queueName('retry');
      const attempts: number[] = [];
      q.register(
        queue,
        async (_p, ctx) => {
          attempts.push(ctx.attempt);
          if (attempts.length < 3) throw new Error(`flaky ${attempts.length}`);
          return { ok: true };
        },
        { maxAttempts: 5, backoffMs: 1000 },
      );
      const id = await q.enqueue(queue, {});
      await q.drain();
      let job = await q.get(id);
      assert.deepEqual([job?.status, job?.attempts, job?.error], ['pending', 1, 'flaky 1']);
      clock.advance(999);
      await q.drain();
      assert.equal(attempts.length, 1, 'not before the first back-off (1 s) has passed');
      clock.advance(1);
      await q.drain();
      job = await q.get(id);
      assert.deepEqual([job?.status, job?.attempts, job?.error], ['pending', 2, 'flaky 2']);
      clock.advance(1999);
      await q.drain();
      assert.equal(attempts.length, 2, 'the second back-off is twice the first');
      clock.advance(1);
      await q.drain();
      job = await q.get(id);
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.deepEqual([job?.status, job?.attempts, job?.error, job?.result, job?.progress], ['done', 3, null, { ok: true }, 1]);
    });

    test('after maxAttempts a job is failed with its error; a UserError fails at once', async () => {
      const clock = manualClock(T0);
      const q = await create({ clock });
      const flaky = queueName('exhaust');
      const invalid = queueName('invalid');
      let userErrorRuns = 0;
      q.register(flaky, async () => {
        throw new Error('database on fire');
      }, { maxAttempts: 2, backoffMs: 10 });
      q.register(invalid, async () => {
        userErrorRuns++;
        throw new UserError('RFM_NO_WORKSPACE', say('No such workspace', '工作区不存在'));
      }, { maxAttempts: 5 });
      const a = await q.enqueue(flaky, {});
      const b = await q.enqueue(invalid, {});
      const c = await q.enqueue(flaky, {}, { maxAttempts: 1 });
      await q.drain();
      clock.advance(10);
      await q.drain();
      const [ja, jb, jc] = await Promise.all([q.get(a), q.get(b), q.get(c)]);
      assert.deepEqual([ja?.status, ja?.attempts, ja?.error], ['failed', 2, 'database on fire']);
      assert.deepEqual([ja?.errorCode, jc?.errorCode], [null, null], 'an unexpected error has no code');
      assert.deepEqual([jb?.status, jb?.attempts, jb?.errorCode, jb?.error, userErrorRuns], ['failed', 1, 'RFM_NO_WORKSPACE', 'No such workspace', 1]);
      // The failure's words in the caller's language, for the dashboard's job status.
      const [zb, za] = await Promise.all([q.get(b, 'zh'), q.get(a, 'zh')]);
      assert.deepEqual([zb?.errorCode, zb?.error], ['RFM_NO_WORKSPACE', '工作区不存在']);
      assert.equal(za?.error, 'database on fire', "a developer's message is the same in both");
      const listed = await q.list('none', { language: 'zh' });
      assert.deepEqual(listed, [], 'jobs without a workspace are listed for none');
      assert.deepEqual([jc?.status, jc?.attempts], ['failed', 1], 'the enqueue may lower the attempts');
    });

    test('progress is written to the job while it runs; the result, listing and look-up follow', async () => {
      const clock = manualClock(T0);
      const q = await create({ clock });
      const queue = queueName('progress');
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      q.register<{ workspaceId?: string }>(queue, async (p, ctx) => {
        if (p.workspaceId !== 'ws_a') return null;
        await ctx.progress(0.4, 'scoring');
        await gate;
        return { customers: 3 };
      }, { concurrency: 2 });
      const id = await q.enqueue(queue, { workspaceId: 'ws_a' }, { workspaceId: 'ws_a' });
      await q.enqueue(queue, {}, { workspaceId: 'ws_b' });
      const draining = q.drain();
      await waitFor('progress', async () => (await q.get(id))?.progress === 0.4);
      const running = await q.get(id);
      assert.deepEqual([running?.status, running?.progressNote, running?.attempts, running?.workspaceId], ['running', 'scoring', 1, 'ws_a']);
      release();
      await draining;
      const done = await q.get(id);
      assert.deepEqual([done?.status, done?.progress, done?.result], ['done', 1, { customers: 3 }]);
      assert.deepEqual((await q.list('ws_a', { queue })).map((j) => j.id), [id]);
      assert.deepEqual(await q.list('ws_a', { queue: 'no.such.queue' }), []);
      assert.equal(await q.get('job_missing'), null);
    });

    test("a crashed worker's job is retried by another worker once its lock expires", async () => {
      const clock = manualClock(T0);
      const queue = queueName('crash');
      // A wall-clock lock has to really run out, so it is short there; a clock-timed one runs out when the clock is advanced.
      const lockMs = h.lockTime === 'wall' ? 300 : 5000;
      const crashed = await create({ clock, lockMs, shutdownGraceMs: 0, pollMs: 10 });
      // A handler that never finishes, then a stop that does not wait: the process "died" mid-job.
      crashed.register(queue, () => new Promise(() => {}));
      const id = await crashed.enqueue(queue, {});
      crashed.start();
      await waitFor('the first worker to take the job', async () => (await crashed.get(id))?.status === 'running');
      await crashed.stop();

      const survivor = await create({ clock, lockMs, pollMs: 10 });
      survivor.register(queue, async (_p, ctx) => ({ attempt: ctx.attempt }));
      survivor.start();
      await sleep(60);
      assert.equal((await survivor.get(id))?.status, 'running', 'the lock still holds');
      clock.advance(lockMs + 1);
      await waitFor('the retry', async () => (await survivor.get(id))?.status === 'done');
      const job = await survivor.get(id);
      assert.deepEqual([job?.attempts, job?.result], [2, { attempt: 2 }]);
    });

    test('a running job keeps its lock by heartbeat', async () => {
      const clock = manualClock(T0);
      const queue = queueName('heartbeat');
      const a = await create({ clock, lockMs: 60, pollMs: 10 });
      const b = await create({ clock, lockMs: 60, pollMs: 10 });
      let runs = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const handler = async () => {
        runs++;
        await gate;
      };
      a.register(queue, handler);
      const id = await a.enqueue(queue, {});
      a.start();
      await waitFor('the job to start', async () => (await a.get(id))?.status === 'running');
      b.register(queue, handler);
      b.start();
      // Time moves on in small steps while heartbeats (every lockMs / 3 of real time) keep extending the lock.
      for (let i = 0; i < 10; i++) {
        await sleep(30);
        clock.advance(20);
      }
      assert.equal(runs, 1, 'no second worker took a job whose worker is alive');
      release();
      await waitFor('the job to finish', async () => (await a.get(id))?.status === 'done');
    });

    test('two queue instances on one database never run the same job twice', async () => {
      const clock = manualClock(T0);
      const queue = queueName('shared');
      const a = await create({ clock, pollMs: 5 });
      const b = await create({ clock, pollMs: 5 });
      const runs = new Map<string, number>();
      const by = { a: 0, b: 0 };
      const handler = (who: 'a' | 'b') => async (_p: unknown, ctx: { jobId: string }) => {
        runs.set(ctx.jobId, (runs.get(ctx.jobId) ?? 0) + 1);
        by[who]++;
        await sleep(Math.random() * 3);
      };
      a.register(queue, handler('a'), { concurrency: 4 });
      b.register(queue, handler('b'), { concurrency: 4 });
      a.start();
      b.start();
      const ids: string[] = [];
      for (let i = 0; i < 120; i++) ids.push(await (i % 2 ? a : b).enqueue(queue, { i }));
      await Promise.all([a.drain(), b.drain()]);
      assert.equal(runs.size, 120);
      assert.deepEqual([...runs.values()].filter((c) => c !== 1), [], 'every job ran exactly once');
      for (const id of ids) assert.equal((await a.get(id))?.status, 'done');
      assert.equal(by.a + by.b, 120);
    });

    test('an enqueue in the same process wakes the worker at once, without waiting for a poll', async () => {
      const q = await create({ clock: systemClock, pollMs: 60_000 });
      const queue = queueName('wake');
      let ran!: (t: number) => void;
      const done = new Promise<number>((r) => {
        ran = r;
      });
      q.register(queue, async () => ran(performance.now()));
      q.start();
      await sleep(20);
      const t0 = performance.now();
      await q.enqueue(queue, {});
      const latency = (await done) - t0;
      assert.ok(latency < 200, `ran ${latency.toFixed(1)} ms after the enqueue`);
    });

    test('stop waits for a running job to finish', async () => {
      const q = await create({ clock: systemClock, pollMs: 10 });
      const queue = queueName('graceful');
      let started!: () => void;
      const isRunning = new Promise<void>((r) => {
        started = r;
      });
      q.register(queue, async () => {
        started();
        await sleep(50);
        return 'finished';
      });
      q.start();
      const id = await q.enqueue(queue, {});
      await isRunning;
      await q.stop();
      const job = await q.get(id);
      assert.deepEqual([job?.status, job?.result], ['done', 'finished']);
    });

    test('a recurring job is enqueued once per interval, however many processes schedule it', async () => {
      const queue = queueName('every');
      const interval = 100;
      let runs = 0;
      const instances = [await create({ clock: systemClock, pollMs: 10 }), await create({ clock: systemClock, pollMs: 10 })];
      const t0 = Date.now();
      for (const q of instances) {
        q.register(queue, async () => {
          runs++;
        });
        q.every(queue, interval, { kind: 'daily' }, { firstDelayMs: 0 });
        q.start();
      }
      await sleep(450);
      await Promise.all(instances.map((q) => q.stop()));
      const slots = Math.floor(Date.now() / interval) - Math.floor(t0 / interval) + 1;
      assert.ok(runs >= 3, `${runs} runs`);
      assert.ok(runs <= slots, `${runs} runs in ${slots} intervals`);
    });
  });
}
