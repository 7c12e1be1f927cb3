/**
 * Popularity: every customer gets the same ranking, by how much each item was interacted with.
 * The fallback for new customers and the baseline every other model must beat.
 *
 * With `ages` and `halfLife`, each interaction's weight decays exponentially with its age,
 * w = v · 2^(−age / halfLife) (the half-life time weighting of Ding & Li, "Time weight
 * collaborative filtering", CIKM 2005), so last week's best-sellers outrank last year's.
 * Without them the score is the plain column sum of the interaction values.
 */
import { encodeArray } from '../ml/serialize.js';
import { assertCsr } from '../ml/sparse.js';
import type { RecommenderModel, ScoringInput, SerializedModel, TrainContext } from './recommender.js';
import { expectModel, float32Array, numberParam } from './serialized.js';

export interface PopularityOptions {
  /**
   * Age of each stored interaction, aligned with `ctx.interactions.data` (same order as the CSR
   * entries), in any time unit ≥ 0 — the same unit as `halfLife`.
   */
  readonly ages?: ArrayLike<number>;
  /** Age at which an interaction counts half as much; needs `ages`. Omit (or Infinity) for no decay. */
  readonly halfLife?: number;
}

const VERSION = 1;

/** The same scores for every customer. */
class PopularityModel implements RecommenderModel {
  readonly algorithm = 'popularity' as const;
  readonly items: number;

  constructor(
    private readonly popularity: Float32Array,
    private readonly halfLife: number,
  ) {
    this.items = popularity.length;
  }

  score(_input: ScoringInput, out: Float32Array): void {
    if (out.length !== this.items) throw new RangeError(`popularity.score: out has length ${out.length}, expected ${this.items}`);
    out.set(this.popularity);
  }

  because(): number[] {
    return []; // popularity does not depend on the customer's history
  }

  serialize(): SerializedModel {
    // JSON has no Infinity: "no decay" is stored as 0.
    const halfLife = Number.isFinite(this.halfLife) ? this.halfLife : 0;
    return { algorithm: this.algorithm, version: VERSION, params: { items: this.items, halfLife }, arrays: { popularity: encodeArray(this.popularity) } };
  }
}

/** Train a popularity model: (decayed) column sums of the interaction matrix. */
export function trainPopularity(ctx: TrainContext, options: PopularityOptions = {}): RecommenderModel {
  const m = ctx.interactions;
  assertCsr(m, 'popularity: interactions', { nonNegative: true });
  const halfLife = options.halfLife ?? Infinity;
  const { ages } = options;
  if (!(halfLife > 0)) throw new RangeError(`popularity: halfLife must be > 0, got ${halfLife}`);
  if (Number.isFinite(halfLife) && !ages) throw new RangeError('popularity: halfLife needs per-interaction ages');
  if (ages && ages.length !== m.data.length) throw new RangeError(`popularity: ages has ${ages.length} entries, the matrix ${m.data.length}`);
  const sums = new Float64Array(m.cols);
  const rate = Math.LN2 / halfLife; // 0 when halfLife is Infinity: no decay
  for (let k = 0; k < m.data.length; k++) {
    let w = m.data[k]!;
    if (ages && rate > 0) {
      const age = ages[k]!;
      if (!(age >= 0 && Number.isFinite(age))) throw new RangeError(`popularity: ages[${k}] = ${age} must be finite and ≥ 0`);
      w *= Math.exp(-rate * age);
    }
    sums[m.indices[k]!]! += w;
  }
  ctx.onProgress?.(1, 'counted');
  return new PopularityModel(Float32Array.from(sums), halfLife);
}

/** Rebuild a popularity model from its serialised form. */
export function deserializePopularity(s: SerializedModel): RecommenderModel {
  expectModel(s, 'popularity', VERSION);
  const items = numberParam(s, 'items', true);
  const halfLife = numberParam(s, 'halfLife');
  return new PopularityModel(float32Array(s, 'popularity', items), halfLife > 0 ? halfLife : Infinity);
}
