import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseByHeadroom, chooseThresholds, isInScope, thresholdCurve } from './scope.js';

const inScope = [
  { probability: 0.9, margin: 0.8, correct: true },
  { probability: 0.7, margin: 0.5, correct: true },
  { probability: 0.5, margin: 0.1, correct: false },
  { probability: 0.6, margin: 0.3, correct: true },
];
const oos = [
  { probability: 0.3, margin: 0.05 },
  { probability: 0.55, margin: 0.1 },
  { probability: 0.65, margin: 0.45 },
];

test('a query is in scope only when probability and margin both clear their thresholds', () => {
  assert.equal(isInScope({ probability: 0.8, margin: 0.1 }, { minProbability: 0.5, minMargin: 0.2 }), false);
  assert.equal(isInScope({ probability: 0.8, margin: 0.3 }, { minProbability: 0.5, minMargin: 0.2 }), true);
});

test('the curve trades in-scope accuracy for out-of-scope recall', () => {
  const curve = thresholdCurve(inScope, oos, { probabilities: [0, 0.6, 0.7], margins: [0] });
  assert.deepEqual(curve.map((p) => [p.inScopeAccuracy, Math.round(p.oosRecall * 100) / 100]), [
    [0.75, 0],
    [0.75, 0.67],
    [0.5, 1],
  ]);
});

test('the chosen point maximises OOS recall subject to the in-scope accuracy floor', () => {
  const curve = thresholdCurve(inScope, oos, { probabilities: [0, 0.6, 0.7], margins: [0, 0.2] });
  const best = chooseThresholds(curve, 0.75);
  assert.equal(best.inScopeAccuracy, 0.75);
  assert.equal(Math.round(best.oosRecall * 100), 67);
  // (0, 0.2) and (0.6, 0) tie; the lower thresholds win.
  assert.deepEqual([best.minProbability, best.minMargin], [0, 0.2]);
  // No point reaches 0.99, so the best sum wins instead.
  assert.ok(chooseThresholds(curve, 0.99).oosRecall > 0);
});

test('empty inputs are rejected', () => {
  assert.throws(() => thresholdCurve([], oos), RangeError);
  assert.throws(() => chooseThresholds([], 0.5), RangeError);
});

test('chooseByHeadroom picks the point clearing both bars by the most', () => {
  const pts = [
    { minProbability: 0, minMargin: 0, inScopeAccuracy: 0.9, oosRecall: 0.6 },
    { minProbability: 0.2, minMargin: 0, inScopeAccuracy: 0.87, oosRecall: 0.74 },
    { minProbability: 0.4, minMargin: 0, inScopeAccuracy: 0.85, oosRecall: 0.85 },
  ];
  assert.equal(chooseByHeadroom(pts, { inScopeAccuracy: 0.85, oosRecall: 0.7 }).minProbability, 0.2);
});
