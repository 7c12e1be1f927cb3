import { z } from 'zod';

/** Algorithms a workspace can train (the hybrid is built from the others). */
export const TrainableAlgorithm = z.enum(['popularity', 'itemknn', 'als', 'bpr', 'ease', 'content']);
export type TrainableAlgorithm = z.infer<typeof TrainableAlgorithm>;
export const ModelAlgorithm = z.enum(['popularity', 'itemknn', 'als', 'bpr', 'ease', 'content', 'hybrid']);
export type ModelAlgorithm = z.infer<typeof ModelAlgorithm>;

/** An event that counts as interest in a product, and how much. */
export const InteractionWeight = z.object({
  event: z.string().min(1).max(200),
  weight: z.number().positive().max(100),
});
export type InteractionWeight = z.infer<typeof InteractionWeight>;

/** How models are trained: which events count and how much, how far back, which algorithms, how often. */
export const TrainingSettings = z.object({
  weights: z
    .array(InteractionWeight)
    .min(1)
    .max(20)
    .default([
      { event: 'Product Viewed', weight: 1 },
      { event: 'Product Added', weight: 3 },
      { event: 'Order Completed', weight: 5 },
    ]),
  windowDays: z.number().int().min(1).max(3650).default(365),
  algorithms: z.array(TrainableAlgorithm).min(1).max(6).default(['popularity', 'itemknn', 'ease', 'als', 'bpr', 'content']),
  /** Retrain every this many hours (0: only on demand). */
  everyHours: z.number().int().min(0).max(24 * 30).default(24),
  /** Promote the run's best model (by NDCG@10) when it finishes. */
  autoPromote: z.boolean().default(true),
  /** Below this many interactions or customers the workspace is served popularity and told why. */
  minInteractions: z.number().int().min(1).max(1_000_000).default(100),
  minCustomers: z.number().int().min(1).max(100_000).default(20),
});
export type TrainingSettings = z.infer<typeof TrainingSettings>;

/** Business rules applied to every recommendation at serving time. */
export const ServingRules = z.object({
  excludePurchased: z.boolean().default(true),
  inStockOnly: z.boolean().default(true),
  /** At most this many items from one category in a list (null: no limit). */
  maxPerCategory: z.number().int().min(1).max(100).nullable().default(3),
  /** Product ids pushed to the top when they qualify, and pushed to the bottom. */
  boost: z.array(z.string().min(1).max(200)).max(500).default([]),
  bury: z.array(z.string().min(1).max(200)).max(500).default([]),
  /** A purchase of a recommended item within this many days of the recommendation counts for it. */
  attributionDays: z.number().int().min(1).max(90).default(7),
});
export type ServingRules = z.infer<typeof ServingRules>;

export const RecommendSettings = z.object({ training: TrainingSettings.prefault({}), rules: ServingRules.prefault({}) });
export type RecommendSettings = z.infer<typeof RecommendSettings>;
export const RecommendSettingsUpdate = z.object({ training: TrainingSettings.optional(), rules: ServingRules.optional() });
export type RecommendSettingsUpdate = z.infer<typeof RecommendSettingsUpdate>;

export const Bilingual = z.object({ en: z.string(), zh: z.string() });
export type Bilingual = z.infer<typeof Bilingual>;

export const ReasonKind = z.enum(['viewed', 'purchased', 'carted', 'similar', 'bought_together', 'popular', 'popular_in_category', 'for_you', 'boosted']);
export type ReasonKind = z.infer<typeof ReasonKind>;

/** Why an item is recommended, in both languages. */
export const Reason = z.object({
  kind: ReasonKind,
  /** The product the reason refers to ("because you viewed X"). */
  productId: z.string().nullable(),
  category: z.string().nullable(),
  text: Bilingual,
});
export type Reason = z.infer<typeof Reason>;

export const RecommendedItem = z.object({
  productId: z.string(),
  name: z.string(),
  names: z.record(z.string(), z.string()),
  category: z.string().nullable(),
  price: z.number().nullable(),
  currency: z.string(),
  url: z.string().nullable(),
  imageUrl: z.string().nullable(),
  score: z.number(),
  reason: Reason,
});
export type RecommendedItem = z.infer<typeof RecommendedItem>;

export const RecommendationSource = z.enum(['model', 'popularity', 'similar', 'bought_together']);
export type RecommendationSource = z.infer<typeof RecommendationSource>;

export const RecommendationList = z.object({
  /** Put on links as `nrec=<slotId>`: clicks and purchases are attributed to it. */
  slotId: z.string(),
  modelId: z.string().nullable(),
  algorithm: z.string().nullable(),
  /** Which tier served: the customer's history through the model, or popularity for an unknown or new customer. */
  source: RecommendationSource,
  /** The customer the request resolved to (profile id), or null for an unknown id or an anonymous session. */
  profileId: z.string().nullable(),
  historySize: z.number().int(),
  items: z.array(RecommendedItem),
});
export type RecommendationList = z.infer<typeof RecommendationList>;

const csv = (max: number) =>
  z
    .string()
    .max(20_000)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(1).max(200)).max(max));

/** Filters a caller may add to one request, on top of the workspace's rules. */
export const RequestFilters = z.object({
  n: z.coerce.number().int().min(1).max(100).default(10),
  category: z.string().min(1).max(200).optional(),
  minPrice: z.coerce.number().nonnegative().optional(),
  maxPrice: z.coerce.number().nonnegative().optional(),
  exclude: csv(500).optional(),
});
export type RequestFilters = z.infer<typeof RequestFilters>;

export const RecommendationQuery = RequestFilters.extend({
  /** Product ids of the current session (viewed, in the cart), comma-separated. */
  context: csv(100).optional(),
});
export type RecommendationQuery = z.infer<typeof RecommendationQuery>;

export const SessionRequest = z.object({
  items: z.array(z.string().min(1).max(200)).max(100),
  n: z.number().int().min(1).max(100).default(10),
  category: z.string().min(1).max(200).optional(),
  minPrice: z.number().nonnegative().optional(),
  maxPrice: z.number().nonnegative().optional(),
});
export type SessionRequest = z.infer<typeof SessionRequest>;

export const BasketQuery = z.object({ items: csv(100), n: z.coerce.number().int().min(1).max(100).default(10) });

export const RankingMetricsView = z.object({ k: z.number().int(), precision: z.number(), recall: z.number(), ndcg: z.number(), users: z.number().int() });

export const ModelVersion = z.object({
  id: z.string(),
  version: z.number().int(),
  runId: z.string(),
  algorithm: ModelAlgorithm,
  params: z.record(z.string(), z.unknown()),
  metrics: RankingMetricsView,
  trainMs: z.number().int(),
  promoted: z.boolean(),
  promotedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type ModelVersion = z.infer<typeof ModelVersion>;

export const RunStatus = z.enum(['running', 'done', 'insufficient', 'failed']);
export const TrainingRun = z.object({
  id: z.string(),
  status: RunStatus,
  jobId: z.string().nullable(),
  dataFrom: z.iso.datetime().nullable(),
  dataTo: z.iso.datetime().nullable(),
  customers: z.number().int(),
  items: z.number().int(),
  interactions: z.number().int(),
  /** Why the run served popularity only, or why it failed. */
  note: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type TrainingRun = z.infer<typeof TrainingRun>;

export const ModelList = z.object({ promotedId: z.string().nullable(), items: z.array(ModelVersion), runs: z.array(TrainingRun) });
export type ModelList = z.infer<typeof ModelList>;

export const TrainRequest = z.object({ algorithms: z.array(TrainableAlgorithm).min(1).max(6).optional() });
export type TrainRequest = z.infer<typeof TrainRequest>;
export const TrainResponse = z.object({ jobId: z.string() });
export const TrainJobPayload = z.object({ workspaceId: z.string().min(1), algorithms: z.array(TrainableAlgorithm).optional() });
export type TrainJobPayload = z.infer<typeof TrainJobPayload>;

export const TrainResult = z.object({ runId: z.string(), status: RunStatus, models: z.array(z.object({ id: z.string(), algorithm: ModelAlgorithm, ndcg: z.number() })), promotedId: z.string().nullable() });
export type TrainResult = z.infer<typeof TrainResult>;

export const OnlineMetricsRow = z.object({
  modelId: z.string().nullable(),
  algorithm: z.string().nullable(),
  slots: z.number().int(),
  impressions: z.number().int(),
  clicks: z.number().int(),
  purchases: z.number().int(),
  revenue: z.number(),
  /** clicks / impressions */
  ctr: z.number(),
  /** slots with a purchase / slots */
  conversion: z.number(),
});
export const OnlineMetrics = z.object({ days: z.number().int(), total: OnlineMetricsRow, byModel: z.array(OnlineMetricsRow) });
export type OnlineMetrics = z.infer<typeof OnlineMetrics>;

export const BoughtTogetherItem = RecommendedItem.extend({ support: z.number().int(), lift: z.number() });
export const BoughtTogetherList = z.object({ slotId: z.string(), items: z.array(BoughtTogetherItem) });
export type BoughtTogetherList = z.infer<typeof BoughtTogetherList>;
