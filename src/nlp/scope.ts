/**
 * "Should I answer or hand off?": out-of-scope detection by thresholds on a classifier's
 * calibrated confidence. A query is in scope when its top probability and its margin over the
 * runner-up both clear their thresholds — the maximum-softmax-probability baseline (Hendrycks &
 * Gimpel, ICLR 2017) with the margin added, since two close intents sharing the mass (a low
 * margin) is as much a sign of a query the model was not built for as a low maximum.
 *
 * A model may also be trained with an explicit out-of-scope class on out-of-scope examples
 * (Larson et al. 2019, "An evaluation dataset for intent classification and out-of-scope
 * prediction", §4 "oos-train"); predicting that class is a hand-off whatever the thresholds.
 *
 * Thresholds are chosen on validation data holding both in-scope and out-of-scope queries:
 * thresholdCurve lists the trade-off, chooseThresholds picks the point to run with.
 */

/** A classifier's confidence in its answer (Prediction from classifier.ts satisfies it). */
export interface Confidence {
  probability: number;
  margin: number;
  /** The model itself predicted its explicit out-of-scope class (when it was trained with one). */
  abstain?: boolean;
}

export interface ScopeThresholds {
  minProbability: number;
  minMargin: number;
}

/** True when a prediction is confident enough to act on; false means hand off (out of scope). */
export function isInScope(c: Confidence, t: ScopeThresholds): boolean {
  return c.abstain !== true && c.probability >= t.minProbability && c.margin >= t.minMargin;
}

/** An in-scope validation query: the model's confidence and whether its top label was right. */
export interface ScoredInScope extends Confidence {
  correct: boolean;
}

/** One point of the trade-off (Zhang et al. 2021's metrics for intent detection with OOS). */
export interface ThresholdPoint extends ScopeThresholds {
  /** In-scope queries accepted *and* labelled correctly, over all in-scope queries. */
  inScopeAccuracy: number;
  /** Out-of-scope queries rejected, over all out-of-scope queries. */
  oosRecall: number;
}

/** Options for thresholdCurve; every field has a default. */
export interface CurveOptions {
  /** Candidate minimum probabilities (default 0, 0.05, …, 0.95). */
  probabilities?: readonly number[];
  /** Candidate minimum margins (default 0, 0.05, …, 0.5). */
  margins?: readonly number[];
}

const steps = (to: number, by: number) => Array.from({ length: Math.round(to / by) + 1 }, (_, i) => Math.round(i * by * 1000) / 1000);

/** In-scope accuracy and OOS recall at every pair of candidate thresholds. */
export function thresholdCurve(inScope: readonly ScoredInScope[], outOfScope: readonly Confidence[], options: CurveOptions = {}): ThresholdPoint[] {
  if (inScope.length === 0 || outOfScope.length === 0) throw new RangeError('thresholdCurve: needs in-scope and out-of-scope examples');
  const probs = options.probabilities ?? steps(0.95, 0.05);
  const margins = options.margins ?? steps(0.5, 0.05);
  const points: ThresholdPoint[] = [];
  for (const minProbability of probs) {
    for (const minMargin of margins) {
      const t = { minProbability, minMargin };
      let ok = 0;
      for (const q of inScope) if (q.correct && isInScope(q, t)) ok++;
      let rejected = 0;
      for (const q of outOfScope) if (!isInScope(q, t)) rejected++;
      points.push({ minProbability, minMargin, inScopeAccuracy: ok / inScope.length, oosRecall: rejected / outOfScope.length });
    }
  }
  return points;
}

/**
 * The point to run with: the highest OOS recall whose in-scope accuracy stays at or above
 * `minInScopeAccuracy`; when no point reaches it, the best sum of the two. Ties go to the
 * lower thresholds (answer more often).
 */
export function chooseThresholds(curve: readonly ThresholdPoint[], minInScopeAccuracy: number): ThresholdPoint {
  if (curve.length === 0) throw new RangeError('chooseThresholds: empty curve');
  if (!(minInScopeAccuracy >= 0 && minInScopeAccuracy <= 1)) throw new RangeError(`chooseThresholds: minInScopeAccuracy must be in [0, 1], got ${minInScopeAccuracy}`);
  const feasible = curve.filter((p) => p.inScopeAccuracy >= minInScopeAccuracy);
  const pool = feasible.length > 0 ? feasible : curve;
  const value = (p: ThresholdPoint) => (feasible.length > 0 ? p.oosRecall : p.oosRecall + p.inScopeAccuracy);
  let best = pool[0]!;
  for (const p of pool) {
    const better = value(p) > value(best) || (value(p) === value(best) && p.minProbability + p.minMargin < best.minProbability + best.minMargin);
    if (better) best = p;
  }
  return best;
}

/**
 * The point that clears both bars by the most: it maximises min(inScopeAccuracy − bar,
 * oosRecall − bar), so neither figure is bought at the other's expense and, when both bars are
 * met on validation, the nearer one has the most room left for the test set. Ties go to the
 * lower thresholds.
 */
export function chooseByHeadroom<T extends ThresholdPoint>(curve: readonly T[], bars: { inScopeAccuracy: number; oosRecall: number }): T {
  if (curve.length === 0) throw new RangeError('chooseByHeadroom: empty curve');
  const room = (p: ThresholdPoint) => Math.min(p.inScopeAccuracy - bars.inScopeAccuracy, p.oosRecall - bars.oosRecall);
  let best = curve[0]!;
  for (const p of curve) {
    if (room(p) > room(best) || (room(p) === room(best) && p.minProbability + p.minMargin < best.minProbability + best.minMargin)) best = p;
  }
  return best;
}
