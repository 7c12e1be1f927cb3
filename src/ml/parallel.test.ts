import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRng } from './rng.js';
import { gemm, matrix } from './dense.js';
import { invertSpd } from './dense.solve.js';
import { createGemmPool } from './parallel.js';

test('the pooled GEMM and the inverse built on it give the same numbers as one thread', async () => {
  const pool = createGemmPool({ threads: 2, minWork: 1 });
  try {
    await pool.ready();
    const rng = createRng('parallel');
    const n = 150;
    const a = pool.allocate(n, n);
    for (let i = 0; i < n * n; i++) a.data[i] = rng.normal();
    const serial = matrix(n, n);
    gemm(a, a, serial, { transB: true });
    const pooled = pool.allocate(n, n);
    pool.gemm(a, a, pooled, { transB: true });
    assert.deepEqual(pooled.data, Float64Array.from(serial.data)); // rows are split, not sums: bit-identical

    for (let i = 0; i < n; i++) serial.data[i * n + i]! += n;
    const inv = pool.allocate(n, n);
    inv.data.set(serial.data);
    invertSpd(inv, { gemm: pool.gemm, allocate: pool.allocate, baseSize: 16 });
    const ref = matrix(n, n, Float64Array.from(serial.data));
    invertSpd(ref, { baseSize: 16 });
    assert.deepEqual(Array.from(inv.data), Array.from(ref.data));
  } finally {
    await pool.close();
  }
  // After close the GEMM still works, on the calling thread.
  const c = matrix(1, 1);
  pool.gemm(matrix(1, 1, Float64Array.from([2])), matrix(1, 1, Float64Array.from([3])), c);
  assert.equal(c.data[0], 6);
});

test('a pool that was used but never closed does not keep the process alive', () => {
  const script = `
    import { createGemmPool } from './src/ml/parallel.ts';
    const pool = createGemmPool({ threads: 2 });
    await pool.ready();
    console.log('started');`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /started/);
});
