/**
 * The hybrid: models blended by how much history a customer has. No history gets popularity;
 * a little gets a neighbourhood model (item-kNN or content), which works from one or two items;
 * more gets the promoted collaborative model. Within a tier, each part's scores are scaled to
 * [0, 1] (min–max over the items it can score) before the weighted sum, so models whose scores
 * live on different scales blend fairly.
 */
import type { RecommenderModel, ScoringInput, SerializedModel } from './recommender.js';
import { expectModel } from './serialized.js';

export interface HybridPart {
  readonly model: RecommenderModel;
  readonly weight: number;
}

export interface HybridTier {
  /** Distinct history items from which this tier applies. */
  readonly minHistory: number;
  readonly parts: readonly HybridPart[];
}

const VERSION = 1;

class HybridModel implements RecommenderModel {
  readonly algorithm = 'hybrid' as const;
  readonly items: number;
  private readonly scratch: Float32Array;

  constructor(private readonly tiers: readonly HybridTier[]) {
    this.items = tiers[0]!.parts[0]!.model.items;
    this.scratch = new Float32Array(this.items);
  }

  /** The tier for a history (the one with the highest minHistory not above its size). */
  tierFor(input: ScoringInput): HybridTier {
    const size = input.history.indices.length;
    let best = this.tiers[0]!;
    for (const t of this.tiers) if (t.minHistory <= size && t.minHistory >= best.minHistory) best = t;
    return best;
  }

  score(input: ScoringInput, out: Float32Array): void {
    if (out.length !== this.items) throw new RangeError(`hybrid.score: out has length ${out.length}, expected ${this.items}`);
    const tier = this.tierFor(input);
    if (tier.parts.length === 1) {
      tier.parts[0]!.model.score(input, out);
      return;
    }
    out.fill(-Infinity);
    for (const part of tier.parts) {
      part.model.score(input, this.scratch);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < this.items; i++) {
        const v = this.scratch[i]!;
        if (v > -Infinity && v < Infinity) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      if (!(hi >= lo)) continue;
      const span = hi > lo ? hi - lo : 1;
      for (let i = 0; i < this.items; i++) {
        const v = this.scratch[i]!;
        if (!(v > -Infinity && v < Infinity)) continue;
        const scaled = part.weight * ((v - lo) / span);
        out[i] = out[i] === -Infinity ? scaled : out[i]! + scaled;
      }
    }
  }

  because(input: ScoringInput, item: number, max: number): number[] {
    for (const part of this.tierFor(input).parts) {
      const found = part.model.because?.(input, item, max) ?? [];
      if (found.length > 0) return found;
    }
    return [];
  }

  serialize(): SerializedModel {
    return {
      algorithm: 'hybrid',
      version: VERSION,
      params: { tiers: this.tiers.map((t) => ({ minHistory: t.minHistory, parts: t.parts.map((p) => ({ weight: p.weight, model: p.model.serialize() })) })) },
      arrays: {},
    };
  }
}

/** A hybrid over `tiers`; the first tier should start at 0 history. All parts must score the same items. */
export function createHybrid(tiers: readonly HybridTier[]): RecommenderModel & { tierFor(input: ScoringInput): HybridTier } {
  if (tiers.length === 0 || tiers.some((t) => t.parts.length === 0)) throw new RangeError('hybrid: every tier needs at least one model');
  const items = tiers[0]!.parts[0]!.model.items;
  for (const t of tiers) {
    if (!(Number.isInteger(t.minHistory) && t.minHistory >= 0)) throw new RangeError('hybrid: minHistory must be an integer ≥ 0');
    for (const p of t.parts) {
      if (p.model.items !== items) throw new RangeError('hybrid: every model must score the same items');
      if (!(p.weight > 0 && Number.isFinite(p.weight))) throw new RangeError('hybrid: weights must be finite and > 0');
    }
  }
  return new HybridModel(tiers);
}

/** The default blend: popularity for none, the short-history model for a little, the main model for more. */
export function defaultHybrid(parts: { popularity: RecommenderModel; short?: RecommenderModel | undefined; main?: RecommenderModel | undefined }, littleHistory = 1, moreHistory = 5) {
  const { popularity, short, main } = parts;
  const tiers: HybridTier[] = [{ minHistory: 0, parts: [{ model: popularity, weight: 1 }] }];
  const s = short ?? main;
  if (s) tiers.push({ minHistory: littleHistory, parts: [{ model: s, weight: 0.8 }, { model: popularity, weight: 0.2 }] });
  if (main && main !== s) tiers.push({ minHistory: moreHistory, parts: [{ model: main, weight: 0.7 }, { model: s ?? main, weight: 0.2 }, { model: popularity, weight: 0.1 }] });
  return createHybrid(tiers);
}

/** Rebuild a hybrid; `deserialize` rebuilds each part (the algorithm registry). */
export function deserializeHybrid(s: SerializedModel, deserialize: (part: SerializedModel) => RecommenderModel): RecommenderModel {
  expectModel(s, 'hybrid', VERSION);
  const tiers = s.params.tiers;
  if (!Array.isArray(tiers)) throw new TypeError('hybrid: params.tiers must be an array');
  const cache = new Map<string, RecommenderModel>();
  return createHybrid(
    tiers.map((t: unknown) => {
      if (typeof t !== 'object' || t === null) throw new TypeError('hybrid: a tier must be an object');
      const tier = t as { minHistory?: unknown; parts?: unknown }; // fields checked next
      if (typeof tier.minHistory !== 'number' || !Array.isArray(tier.parts)) throw new TypeError('hybrid: a tier needs minHistory and parts');
      return {
        minHistory: tier.minHistory,
        parts: tier.parts.map((p: unknown) => {
          const part = (typeof p === 'object' && p !== null ? p : {}) as { weight?: unknown; model?: unknown }; // checked next
          if (typeof part.weight !== 'number' || typeof part.model !== 'object' || part.model === null) throw new TypeError('hybrid: a part needs weight and model');
          // The same part (e.g. popularity) appears in several tiers: rebuilt once.
          const key = JSON.stringify(part.model);
          let model = cache.get(key);
          if (!model) {
            model = deserialize(part.model as SerializedModel); // each algorithm's deserialize checks its own shape
            cache.set(key, model);
          }
          return { weight: part.weight, model };
        }),
      };
    }),
  );
}
