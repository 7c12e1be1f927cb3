/**
 * Turning classifier scores into probabilities that mean what they say, fitted on held-out data.
 *
 * One form covers both methods: p = softmax(scale · z + bias).
 * - Temperature scaling (Guo, Pleiss, Sun & Weinberger, ICML 2017, §4.2): bias = 0 and
 *   scale = 1/T chosen to minimise held-out negative log-likelihood. One parameter, so it cannot
 *   change the arg-max (accuracy is untouched) and it does not overfit a small slice.
 * - Platt scaling (Platt 1999) for two classes: p₁ = σ(A·(z₁ − z₀) + B), with the smoothed
 *   targets and the Newton iteration with backtracking of Lin, Lin & Weng (2007), "A note on
 *   Platt's probabilistic outputs for support vector machines", Algorithm 1.
 */

/** Calibration map p = softmax(scale · z + bias). */
export interface Calibration {
  scale: number;
  /** Per-class offsets (all zero for temperature scaling). */
  bias: Float64Array;
}

/** Identity calibration: plain softmax of the scores. */
export function identityCalibration(classes: number): Calibration {
  return { scale: 1, bias: new Float64Array(classes) };
}

function check(scores: Float64Array, labels: Int32Array, classes: number): number {
  const n = labels.length;
  if (!(Number.isInteger(classes) && classes >= 2)) throw new RangeError(`calibrate: need at least 2 classes, got ${classes}`);
  if (scores.length !== n * classes) throw new RangeError(`calibrate: ${scores.length} scores for ${n} rows of ${classes} classes`);
  if (n === 0) throw new RangeError('calibrate: no held-out examples');
  for (let i = 0; i < n; i++) if (!(labels[i]! >= 0 && labels[i]! < classes)) throw new RangeError(`calibrate: label ${labels[i]} outside [0, ${classes})`);
  return n;
}

/** Calibrated probabilities for one row of scores, written into `out` (length = classes). */
export function applyCalibration(cal: Calibration, scores: ArrayLike<number>, out: Float64Array, offset = 0): Float64Array {
  const K = out.length;
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    const v = cal.scale * scores[offset + k]! + cal.bias[k]!;
    out[k] = v;
    if (v > max) max = v;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) sum += out[k] = Math.exp(out[k]! - max);
  for (let k = 0; k < K; k++) out[k] = out[k]! / sum;
  return out;
}

/** Mean negative log-likelihood of the labels under a calibration. */
export function negativeLogLikelihood(cal: Calibration, scores: Float64Array, labels: Int32Array, classes: number): number {
  const n = check(scores, labels, classes);
  const p = new Float64Array(classes);
  let nll = 0;
  for (let i = 0; i < n; i++) {
    applyCalibration(cal, scores, p, i * classes);
    nll -= Math.log(Math.max(p[labels[i]!]!, 1e-300));
  }
  return nll / n;
}

/** Temperature scaling: the scale s > 0 minimising held-out NLL, by safeguarded Newton on log s. */
export function fitTemperature(scores: Float64Array, labels: Int32Array, classes: number, options: { iterations?: number } = {}): Calibration {
  const n = check(scores, labels, classes);
  const iterations = options.iterations ?? 100;
  const K = classes;
  const p = new Float64Array(K);
  // NLL(s) is convex in s: dNLL/ds = Σ (E_p[z] − z_y), d²NLL/ds² = Σ Var_p(z) (Guo et al. 2017, §4.2).
  const evaluate = (s: number): { f: number; g: number; h: number } => {
    let f = 0;
    let g = 0;
    let h = 0;
    const cal: Calibration = { scale: s, bias: new Float64Array(K) };
    for (let i = 0; i < n; i++) {
      const off = i * K;
      applyCalibration(cal, scores, p, off);
      let mean = 0;
      let sq = 0;
      for (let k = 0; k < K; k++) {
        const z = scores[off + k]!;
        mean += p[k]! * z;
        sq += p[k]! * z * z;
      }
      const y = labels[i]!;
      f -= Math.log(Math.max(p[y]!, 1e-300));
      g += mean - scores[off + y]!;
      h += sq - mean * mean;
    }
    return { f, g, h };
  };
  let s = 1;
  let cur = evaluate(s);
  for (let it = 0; it < iterations; it++) {
    let step = cur.h > 1e-12 ? -cur.g / cur.h : -Math.sign(cur.g) * s;
    // Keep s positive and the objective decreasing: halve the step until both hold.
    let next = s + step;
    let trial = next > 0 ? evaluate(next) : undefined;
    while (!(trial && trial.f <= cur.f) && Math.abs(step) > 1e-12 * s) {
      step /= 2;
      next = s + step;
      trial = next > 0 ? evaluate(next) : undefined;
    }
    if (!trial || !(trial.f <= cur.f)) break;
    const done = Math.abs(next - s) < 1e-9 * s;
    s = next;
    cur = trial;
    if (done) break;
  }
  return { scale: s, bias: new Float64Array(K) };
}

/** Platt scaling for two classes on the score difference z₁ − z₀ (Lin, Lin & Weng 2007, Algorithm 1). */
export function fitPlatt(scores: Float64Array, labels: Int32Array, options: { iterations?: number } = {}): Calibration {
  const n = check(scores, labels, 2);
  const iterations = options.iterations ?? 100;
  const f = new Float64Array(n);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    f[i] = scores[2 * i + 1]! - scores[2 * i]!;
    if (labels[i] === 1) pos++;
  }
  const neg = n - pos;
  // Smoothed targets avoid over-confident fits on separable held-out data (Platt 1999, §2.2).
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  const t = (i: number) => (labels[i] === 1 ? hi : lo);
  // Objective with the numerically stable form of log(1 + e^x).
  const objective = (A: number, B: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const fApB = f[i]! * A + B;
      v += fApB >= 0 ? t(i) * fApB + Math.log1p(Math.exp(-fApB)) : (t(i) - 1) * fApB + Math.log1p(Math.exp(fApB));
    }
    return v;
  };
  // Platt's parametrisation is p = 1/(1 + exp(A f + B)), so A < 0 for a useful score.
  let A = 0;
  let B = Math.log((neg + 1) / (pos + 1));
  let fval = objective(A, B);
  const sigma = 1e-12;
  for (let it = 0; it < iterations; it++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const fApB = f[i]! * A + B;
      const e = Math.exp(-Math.abs(fApB));
      const p = fApB >= 0 ? e / (1 + e) : 1 / (1 + e);
      const q = 1 - p;
      const d2 = p * q;
      h11 += f[i]! * f[i]! * d2;
      h22 += d2;
      h21 += f[i]! * d2;
      const d1 = t(i) - p;
      g1 += f[i]! * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    let moved = false;
    while (step >= 1e-10) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const nf = objective(nA, nB);
      if (nf < fval + 1e-4 * step * gd) {
        A = nA;
        B = nB;
        fval = nf;
        moved = true;
        break;
      }
      step /= 2;
    }
    if (!moved) break;
  }
  // p₁ = 1/(1 + exp(A f + B)) = softmax over (0, −A f − B): scale = −A on (z₁ − z₀), bias on class 1.
  // With scores (z₀, z₁): softmax(s z + b)₁ = σ(s (z₁ − z₀) + b₁ − b₀), so s = −A, b₁ − b₀ = −B.
  return { scale: -A, bias: Float64Array.from([0, -B]) };
}

/** Expected calibration error with equal-width confidence bins (Naeini et al. 2015; Guo et al. 2017, eq. 3). */
export function expectedCalibrationError(probs: Float64Array, labels: Int32Array, classes: number, bins = 15): number {
  const n = check(probs, labels, classes);
  const conf = new Float64Array(bins);
  const acc = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[i * classes + k]! > probs[i * classes + best]!) best = k;
    const pmax = probs[i * classes + best]!;
    const b = Math.min(bins - 1, Math.floor(pmax * bins));
    conf[b]! += pmax;
    acc[b]! += best === labels[i] ? 1 : 0;
    count[b]! += 1;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += Math.abs(acc[b]! - conf[b]!);
  return ece / n;
}
