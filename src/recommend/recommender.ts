/**
 * The contract every recommender implements, so the evaluator, the hybrid, the trainer and
 * the serving path treat popularity, item-kNN, ALS, BPR, EASE and content alike.
 *
 * Indices are dense 0-based ids the trainer assigns (customers → rows, items → columns);
 * mapping them to profile ids and product ids is the serving layer's job.
 */
import type { Csr, SparseRow } from '../ml/sparse.js';

export type AlgorithmName = 'popularity' | 'itemknn' | 'als' | 'bpr' | 'ease' | 'content' | 'hybrid';

/** The customer to score: the training row index when known, and always the items they interacted with. */
export interface ScoringInput {
  /** Row in the training matrix, or undefined for a customer the model has not seen (anonymous session, new sign-up). */
  readonly user?: number;
  /** The customer's items and weights (their training row, or the items of the current session). */
  readonly history: SparseRow;
}

/** A trained model: scores every item for one customer. */
export interface RecommenderModel {
  readonly algorithm: AlgorithmName;
  /** Number of items (columns) the model scores. */
  readonly items: number;
  /** Fill `out` (length `items`) with scores; higher is better. Items the model cannot score get -Infinity. */
  score(input: ScoringInput, out: Float32Array): void;
  /** The history items that contributed most to `item`'s score, strongest first (for "because you viewed X"); [] when the model has no such notion. */
  because?(input: ScoringInput, item: number, max: number): number[];
  /** A JSON-safe form that `deserialize` of the same algorithm turns back into an equal model. */
  serialize(): SerializedModel;
}

export interface SerializedModel {
  readonly algorithm: AlgorithmName;
  /** Format version of this algorithm's serialised form. */
  readonly version: number;
  readonly params: Record<string, unknown>;
  /** Typed arrays as base64 strings, by name. */
  readonly arrays: Record<string, string>;
}

/** Progress callback: fraction done in [0, 1] and a short label ("iteration 3/15"). */
export type TrainProgress = (fraction: number, label: string) => void;

export interface TrainContext {
  /** Customers × items interaction matrix (weights ≥ 0). */
  readonly interactions: Csr;
  readonly seed: number | string;
  readonly onProgress?: TrainProgress;
}
