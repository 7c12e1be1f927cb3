import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sharedDeadline } from './deadline.js';

describe('shared deadline', () => {
  test('calls close together share one signal, which takes any number of listeners without a leak warning; a later window gets its own', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const deadline = sharedDeadline(10_000);
    const first = deadline();
    for (let i = 0; i < 50; i++) {
      assert.equal(deadline(), first);
      first.addEventListener('abort', () => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off('warning', onWarning);
    // Node warns of a possible leak past ten listeners on a signal unless told otherwise.
    assert.deepEqual(warnings, []);
    const tight = sharedDeadline(20);
    const a = tight();
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.notEqual(tight(), a, 'a tenth of the timeout later, a new signal');
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.ok(a.aborted, 'the signal aborts at its timeout');
  });

  test('with a stop signal, the deadline aborts when it does', () => {
    const stop = new AbortController();
    const signal = sharedDeadline(10_000, stop.signal)();
    assert.equal(signal.aborted, false);
    stop.abort();
    assert.equal(signal.aborted, true);
  });
});
