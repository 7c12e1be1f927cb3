import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupCommit } from './group-commit.js';

test('idle resolves once every item added so far is written, failed writes included', async () => {
  const written: number[] = [];
  let fail = false;
  const g = groupCommit<number, void>(
    async (items) => {
      await new Promise((r) => setTimeout(r, 20));
      if (fail) throw new Error('write failed');
      written.push(...items);
      return items.map(() => undefined);
    },
    { lingerMs: 10 },
  );
  await g.idle(); // nothing added: at once
  for (const i of [1, 2, 3]) void g.add(i);
  assert.deepEqual(written, []);
  await g.idle();
  assert.deepEqual(written, [1, 2, 3], 'one write for all three, done before idle resolved');
  fail = true;
  const failed = g.add(4).catch((err: unknown) => err);
  await g.idle();
  assert.ok((await failed) instanceof Error);
  assert.deepEqual(written, [1, 2, 3]);
});
