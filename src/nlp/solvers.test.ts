import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrFromCoo } from '../ml/sparse.js';
import { createRng } from '../ml/rng.js';
import { trainOvrSvm, trainSoftmax, type LinearWeights } from './solvers.js';

/** Three linearly separable classes: class k lights up features 3k..3k+2, plus shared noise. */
function data(n: number, seed: number) {
  const rng = createRng(seed);
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    y[i] = k;
    r.push(i, i);
    c.push(3 * k + rng.int(0, 3), 9 + rng.int(0, 3));
    v.push(1, 0.5);
  }
  return { x: csrFromCoo(n, 12, r, c, v), y };
}

const accuracy = (w: LinearWeights, x: ReturnType<typeof data>['x'], y: Int32Array, K: number) => {
  let ok = 0;
  for (let i = 0; i < x.rows; i++) {
    const s = Array.from(w.bias);
    for (let e = x.indptr[i]!; e < x.indptr[i + 1]!; e++) for (let k = 0; k < K; k++) s[k]! += x.data[e]! * w.weights[x.indices[e]! * K + k]!;
    if (s.indexOf(Math.max(...s)) === y[i]) ok++;
  }
  return ok / x.rows;
};

test('one-vs-rest SVMs and softmax regression separate separable classes', () => {
  const { x, y } = data(300, 1);
  assert.equal(accuracy(trainOvrSvm(x, y, 3), x, y, 3), 1);
  assert.equal(accuracy(trainOvrSvm(x, y, 3, { nb: true }), x, y, 3), 1);
  assert.equal(accuracy(trainSoftmax(x, y, 3), x, y, 3), 1);
});

test('two classes train one SVM and score class 0 as its negation', () => {
  const { x, y } = data(300, 2);
  const y2 = y.map((k) => (k === 0 ? 1 : 0));
  const w = trainOvrSvm(x, y2, 2);
  for (let j = 0; j < x.cols; j++) assert.equal(w.weights[j * 2], -w.weights[j * 2 + 1]!);
  assert.equal(accuracy(w, x, y2, 2), 1);
});

test('solvers are deterministic for a seed', () => {
  const { x, y } = data(200, 3);
  assert.deepEqual(trainOvrSvm(x, y, 3, { seed: 5 }).weights, trainOvrSvm(x, y, 3, { seed: 5 }).weights);
  assert.deepEqual(trainSoftmax(x, y, 3, { seed: 5 }).weights, trainSoftmax(x, y, 3, { seed: 5 }).weights);
});

test('bad input is rejected', () => {
  const { x, y } = data(30, 4);
  assert.throws(() => trainOvrSvm(x, y.subarray(0, 10), 3), RangeError);
  assert.throws(() => trainOvrSvm(x, y, 2), RangeError);
  assert.throws(() => trainSoftmax(x, y, 3, { epochs: 0 }), RangeError);
});
