/**
 * The CPU-heavy half of a training run, free of the database so it can run in a worker thread
 * (recommend.fit-worker.ts): each algorithm trained on the holdout split and scored, refitted on
 * all the data, and the hybrid of the best ones. Models come back serialised.
 */
import type { Csr } from '../ml/sparse.js';
import { algorithm, type TrainExtras } from './algorithms.js';
import { evaluateRanking, randomSplit, type RankingMetrics } from './evaluate.js';
import { defaultHybrid } from './hybrid.js';
import type { ModelAlgorithm, TrainableAlgorithm } from './recommend.schema.js';
import type { RecommenderModel, SerializedModel } from './recommender.js';

const TEST_SHARE = 0.2;

export interface FitInput {
  matrix: Csr;
  ages: Float32Array;
  itemTexts: readonly string[];
  algorithms: readonly TrainableAlgorithm[];
  seed: string;
}

export interface FittedModel {
  algorithm: ModelAlgorithm;
  params: Record<string, unknown>;
  metrics: RankingMetrics;
  model: SerializedModel;
  ms: number;
}

/** `ages` of `full`'s entries carried over to `sub` (a subset of its entries, rows sorted). */
function alignAges(full: Csr, ages: Float32Array, sub: Csr): Float32Array {
  const out = new Float32Array(sub.indices.length);
  for (let r = 0; r < sub.rows; r++) {
    let f = full.indptr[r]!;
    const fEnd = full.indptr[r + 1]!;
    for (let k = sub.indptr[r]!; k < sub.indptr[r + 1]!; k++) {
      const c = sub.indices[k]!;
      while (f < fEnd && full.indices[f]! < c) f++;
      out[k] = f < fEnd && full.indices[f] === c ? ages[f]! : 0;
    }
  }
  return out;
}

/** Train, score and refit every wanted algorithm, then blend the hybrid. `progress` gets fractions of this part (0..1). */
export function fitAll(input: FitInput, progress: (fraction: number, note: string) => void): FittedModel[] {
  const { matrix, seed } = input;
  const extras: TrainExtras = { ages: input.ages, itemTexts: input.itemTexts };
  const nnz = matrix.indices.length;
  const split = nnz >= 10 ? randomSplit(matrix, TEST_SHARE, seed) : null;
  const trainAges = split ? alignAges(matrix, input.ages, split.train) : input.ages;
  const trained: Array<FittedModel & { evalModel: RecommenderModel; live: RecommenderModel }> = [];
  const wanted = input.algorithms;
  for (const [i, name] of wanted.entries()) {
    const entry = algorithm(name);
    if (!entry) continue;
    const base = i / wanted.length;
    const step = 1 / wanted.length;
    const label = `Training ${name} (${i + 1}/${wanted.length})`;
    progress(base, label);
    const t0 = performance.now();
    const onProgress = (f: number): void => progress(base + step * 0.5 * Math.min(1, Math.max(0, f)), label);
    const evalModel = split ? entry.train({ interactions: split.train, seed, onProgress }, { ...extras, ages: trainAges }) : null;
    const metrics = split && evalModel ? evaluateRanking(evalModel, split, 10) : { k: 10, precision: 0, recall: 0, ndcg: 0, users: 0 };
    progress(base + step * 0.6, `Refitting ${name} on all data`);
    const live = entry.train({ interactions: matrix, seed }, extras);
    trained.push({ algorithm: name, params: entry.params, metrics, evalModel: evalModel ?? live, live, model: live.serialize(), ms: Math.round(performance.now() - t0) });
  }
  // The hybrid: popularity, a neighbourhood model for short histories, the best collaborative model for the rest.
  const pop = trained.find((t) => t.algorithm === 'popularity');
  const others = trained.filter((t) => t.algorithm !== 'popularity');
  if (pop && others.length > 0 && split) {
    progress(0.97, 'Blending the hybrid');
    const t0 = performance.now();
    const ranked = [...others].sort((a, b) => b.metrics.ndcg - a.metrics.ndcg);
    const main = ranked[0];
    // Short histories: the best neighbourhood model (it works from one item, and blended into the
    // longer-history tier it steadies a main model chosen on a small holdout); the main model when
    // neither neighbourhood model was trained.
    const short = ranked.find((t) => t.algorithm === 'itemknn' || t.algorithm === 'content') ?? main;
    const evalHybrid = defaultHybrid({ popularity: pop.evalModel, short: short?.evalModel, main: main?.evalModel });
    const live = defaultHybrid({ popularity: pop.live, short: short?.live, main: main?.live });
    trained.push({
      algorithm: 'hybrid',
      params: { short: short?.algorithm ?? null, main: main?.algorithm ?? null },
      metrics: evaluateRanking(evalHybrid, split, 10),
      evalModel: evalHybrid,
      live,
      model: live.serialize(),
      ms: Math.round(performance.now() - t0),
    });
  }
  return trained.map(({ evalModel: _e, live: _l, ...fitted }) => fitted);
}
