/**
 * The algorithm registry: how the trainer trains each algorithm on a workspace's data and how the
 * serving layer rebuilds a stored model. Algorithms join as they land in src/recommend.
 */
import { ALS_DEFAULTS, deserializeAls, trainAls } from './als.js';
import { BPR_DEFAULTS, deserializeBpr, trainBpr } from './bpr.js';
import { deserializeContent, trainContent } from './content.js';
import { deserializeEase, trainEase } from './ease.js';
import { deserializeHybrid } from './hybrid.js';
import { deserializeItemKnn, trainItemKnn } from './itemknn.js';
import { deserializePopularity, trainPopularity } from './popularity.js';
import type { AlgorithmName, RecommenderModel, SerializedModel, TrainContext } from './recommender.js';
import type { TrainableAlgorithm } from './recommend.schema.js';

/** What a training run knows beyond the matrix. */
export interface TrainExtras {
  /** Days since each matrix entry's last interaction (aligned with `ctx.interactions.data`). */
  readonly ages: Float32Array;
  /** Searchable text of each item (name, names, description, categories, brand), by column. */
  readonly itemTexts: readonly string[];
}

export interface AlgorithmEntry {
  /** Parameters recorded with the version. */
  readonly params: Record<string, unknown>;
  train(ctx: TrainContext, extras: TrainExtras): RecommenderModel;
  deserialize(s: SerializedModel): RecommenderModel;
}

/** Popularity's half-life in days: last month's best-sellers outrank last year's. */
const POPULARITY_HALF_LIFE_DAYS = 30;

const REGISTRY: Partial<Record<TrainableAlgorithm, AlgorithmEntry>> = {
  popularity: {
    params: { halfLifeDays: POPULARITY_HALF_LIFE_DAYS },
    train: (ctx, x) => trainPopularity(ctx, { ages: x.ages, halfLife: POPULARITY_HALF_LIFE_DAYS }),
    deserialize: deserializePopularity,
  },
  // The defaults each algorithm ships with (tuned and measured in bench/recommend.bench.ts).
  itemknn: { params: { k: 400, weighting: 'bm25', shrink: 10 }, train: (ctx) => trainItemKnn(ctx, { shrink: 10 }), deserialize: deserializeItemKnn },
  als: { params: { ...ALS_DEFAULTS }, train: (ctx) => trainAls(ctx), deserialize: deserializeAls },
  ease: { params: { lambda: 400 }, train: (ctx) => trainEase(ctx), deserialize: deserializeEase },
  bpr: { params: { ...BPR_DEFAULTS }, train: (ctx) => trainBpr(ctx), deserialize: deserializeBpr },
  content: { params: { minDf: 2 }, train: (ctx, x) => trainContent(ctx, { texts: x.itemTexts }), deserialize: deserializeContent },
};

/** The algorithm's entry, or undefined when this build does not have it yet. */
export const algorithm = (name: TrainableAlgorithm): AlgorithmEntry | undefined => REGISTRY[name];

/** Algorithms this build can train. */
export const availableAlgorithms = (): TrainableAlgorithm[] => Object.keys(REGISTRY) as TrainableAlgorithm[]; // keys of a Record over TrainableAlgorithm

/** Rebuild any stored model, the hybrid included. */
export function deserializeModel(s: SerializedModel): RecommenderModel {
  const name: AlgorithmName = s.algorithm;
  if (name === 'hybrid') return deserializeHybrid(s, deserializeModel);
  const entry = REGISTRY[name];
  if (!entry) throw new TypeError(`recommend: this build cannot load ${String(name)} models`);
  return entry.deserialize(s);
}
