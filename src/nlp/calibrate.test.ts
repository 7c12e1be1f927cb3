import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../ml/rng.js';
import { applyCalibration, expectedCalibrationError, fitPlatt, fitTemperature, identityCalibration, negativeLogLikelihood } from './calibrate.js';

/** Scores from a known model: true logits times `overconfidence`, labels drawn from the true softmax. */
function synthetic(n: number, K: number, overconfidence: number, seed: number) {
  const rng = createRng(seed);
  const scores = new Float64Array(n * K);
  const labels = new Int32Array(n);
  const p = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: K }, () => rng.normal(0, 1.5));
    applyCalibration(identityCalibration(K), z, p);
    labels[i] = rng.weightedIndex(p);
    z.forEach((v, k) => (scores[i * K + k] = v * overconfidence));
  }
  return { scores, labels };
}

test('temperature scaling undoes over-confident scores', () => {
  const { scores, labels } = synthetic(4000, 5, 3, 1);
  const cal = fitTemperature(scores, labels, 5);
  assert.ok(Math.abs(cal.scale - 1 / 3) < 0.05, `scale ${cal.scale}`);
  assert.ok(negativeLogLikelihood(cal, scores, labels, 5) < negativeLogLikelihood(identityCalibration(5), scores, labels, 5));
});

test('temperature scaling never changes which class is most probable', () => {
  const { scores, labels } = synthetic(500, 4, 2, 2);
  const cal = fitTemperature(scores, labels, 4);
  const a = new Float64Array(4);
  const b = new Float64Array(4);
  for (let i = 0; i < 500; i++) {
    applyCalibration(cal, scores, a, i * 4);
    applyCalibration(identityCalibration(4), scores, b, i * 4);
    assert.equal(a.indexOf(Math.max(...a)), b.indexOf(Math.max(...b)));
  }
});

test('Platt scaling recovers a shifted, scaled binary score', () => {
  // True P(y=1) = σ(f); the classifier reports z₁ − z₀ = 2f − 1.
  const rng = createRng(3);
  const n = 5000;
  const scores = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const f = rng.normal(0, 2);
    labels[i] = rng.bernoulli(1 / (1 + Math.exp(-f))) ? 1 : 0;
    scores[2 * i + 1] = 2 * f - 1;
  }
  const cal = fitPlatt(scores, labels);
  const p = applyCalibration(cal, [0, 2 * 1.5 - 1], new Float64Array(2));
  assert.ok(Math.abs(p[1]! - 1 / (1 + Math.exp(-1.5))) < 0.03, `p ${p[1]}`);
});

test('calibration lowers the expected calibration error', () => {
  const { scores, labels } = synthetic(4000, 3, 4, 4);
  const probs = (cal: ReturnType<typeof identityCalibration>) => {
    const out = new Float64Array(scores.length);
    const row = new Float64Array(3);
    for (let i = 0; i < labels.length; i++) out.set(applyCalibration(cal, scores, row, i * 3), i * 3);
    return out;
  };
  const before = expectedCalibrationError(probs(identityCalibration(3)), labels, 3);
  const after = expectedCalibrationError(probs(fitTemperature(scores, labels, 3)), labels, 3);
  assert.ok(after < before / 2 && after < 0.03, `ECE ${before} → ${after}`);
});

test('mismatched inputs are rejected', () => {
  assert.throws(() => fitTemperature(new Float64Array(5), new Int32Array(2), 2), RangeError);
  assert.throws(() => fitPlatt(new Float64Array(0), new Int32Array(0)), RangeError);
  assert.throws(() => fitTemperature(new Float64Array(4), Int32Array.from([0, 7]), 2), RangeError);
});
