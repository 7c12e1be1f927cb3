import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import { availableAlgorithms } from './algorithms.js';
import {
  BasketQuery,
  BoughtTogetherList,
  ModelList,
  OnlineMetrics,
  RecommendationList,
  RecommendationQuery,
  RecommendSettings,
  RecommendSettingsUpdate,
  RequestFilters,
  SessionRequest,
  TrainableAlgorithm,
  TrainRequest,
  TrainResponse,
} from './recommend.schema.js';
import type { RecommendService } from './recommend.service.js';

const ItemParams = z.object({ id: z.string().min(1).max(200) });
const CustomerParams = z.object({ userId: z.string().min(1).max(320) });
const errors = { 400: ErrorBody, 404: ErrorBody };

function checkPrices(f: { minPrice?: number | undefined; maxPrice?: number | undefined }): void {
  if (f.minPrice !== undefined && f.maxPrice !== undefined && f.minPrice > f.maxPrice) {
    throw new UserError('RECOMMEND_INVALID_PRICE_RANGE', say('maxPrice must not be below minPrice', 'maxPrice 不能小于 minPrice'), { field: 'maxPrice' });
  }
}

/**
 * Serving (`/v1/…`, for the shop's server with the secret key, or the dashboard) and the admin API
 * (`/api/v1/recommendations/…`): versions, training, promotion, rules, online metrics.
 */
export function recommendRoutes(app: FastifyInstance, deps: { recommend: RecommendService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const s = deps.recommend;

  r.get('/v1/recommendations/:userId', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['recommendations'],
      summary: "A customer's recommendations with reasons (user id or profile id; unknown ids get popular items)",
      params: CustomerParams,
      querystring: RecommendationQuery,
      response: { 200: RecommendationList, ...errors },
    },
    handler: async (req) => {
      checkPrices(req.query);
      return s.recommend(workspaceOf(req), req.params.userId, req.query);
    },
  });

  r.post('/v1/recommendations/session', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['recommendations'], summary: 'Recommendations from the items of an anonymous session', body: SessionRequest, response: { 200: RecommendationList, 400: ErrorBody } },
    handler: async (req) => {
      checkPrices(req.body);
      return s.session(workspaceOf(req), req.body);
    },
  });

  r.get('/v1/items/:id/similar', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['recommendations'], summary: 'Items similar to a product', params: ItemParams, querystring: RequestFilters, response: { 200: RecommendationList, ...errors } },
    handler: async (req) => {
      checkPrices(req.query);
      return s.similar(workspaceOf(req), req.params.id, req.query);
    },
  });

  r.get('/v1/items/:id/bought-together', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['recommendations'],
      summary: 'Frequently bought together with a product (co-occurrence, with support and lift)',
      params: ItemParams,
      querystring: z.object({ n: z.coerce.number().int().min(1).max(100).default(10) }),
      response: { 200: BoughtTogetherList, ...errors },
    },
    handler: async (req) => s.boughtTogether(workspaceOf(req), [req.params.id], req.query.n),
  });

  r.get('/v1/bought-together', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['recommendations'], summary: 'Frequently bought together with a basket (`items=a,b`)', querystring: BasketQuery, response: { 200: BoughtTogetherList, 400: ErrorBody } },
    handler: async (req) => {
      if (req.query.items.length === 0) throw new UserError('RECOMMEND_EMPTY_BASKET', say('Give at least one product id in items', '请在 items 中至少提供一个商品 ID'), { field: 'items' });
      return s.boughtTogether(workspaceOf(req), req.query.items, req.query.n);
    },
  });

  r.get('/api/v1/recommendations/models', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['recommendations'], summary: 'Model versions with their offline metrics, and the training runs', response: { 200: ModelList } },
    handler: async (req) => s.models(workspaceOf(req)),
  });

  r.get('/api/v1/recommendations/algorithms', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['recommendations'], summary: 'Algorithms this server can train', response: { 200: z.object({ items: z.array(TrainableAlgorithm) }) } },
    handler: async () => ({ items: availableAlgorithms() }),
  });

  r.post('/api/v1/recommendations/train', {
    config: { access: { role: 'member' } },
    schema: {
      tags: ['recommendations'],
      summary: 'Train now in the background; poll GET /api/v1/jobs/:jobId for progress',
      body: TrainRequest.optional(),
      response: { 202: TrainResponse, 400: ErrorBody, 403: ErrorBody },
    },
    handler: async (req, reply) => {
      const algorithms = req.body?.algorithms;
      const available = availableAlgorithms();
      const missing = algorithms?.findIndex((a) => !available.includes(a)) ?? -1;
      if (algorithms && missing >= 0) {
        throw new UserError('RECOMMEND_ALGORITHM_UNAVAILABLE', say(`This server cannot train ${algorithms[missing]} yet`, `当前服务器暂不支持训练 ${algorithms[missing]}`), { field: `algorithms[${missing}]` });
      }
      return reply.code(202).send({ jobId: await s.train(workspaceOf(req), algorithms) });
    },
  });

  r.post('/api/v1/recommendations/models/:id/promote', {
    config: { access: { role: 'member' } },
    schema: { tags: ['recommendations'], summary: 'Serve this version from now on', params: ItemParams, response: { 200: ModelList, 404: ErrorBody, 409: ErrorBody } },
    handler: async (req) => s.promote(workspaceOf(req), req.params.id, req.auth.actor),
  });

  r.get('/api/v1/recommendations/settings', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['recommendations'], summary: 'Training settings and serving rules', response: { 200: RecommendSettings } },
    handler: async (req) => s.settings(workspaceOf(req)),
  });

  r.put('/api/v1/recommendations/settings', {
    config: { access: { role: 'member' } },
    schema: { tags: ['recommendations'], summary: 'Change training settings or serving rules', body: RecommendSettingsUpdate, response: { 200: RecommendSettings, 400: ErrorBody } },
    handler: async (req) => s.updateSettings(workspaceOf(req), req.body, req.auth.actor),
  });

  r.get('/api/v1/recommendations/metrics', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['recommendations'],
      summary: 'Online metrics: impressions, clicks, purchases, CTR, conversion and revenue attributed to recommendation slots',
      querystring: z.object({ days: z.coerce.number().int().min(1).max(365).default(30) }),
      response: { 200: OnlineMetrics, 400: ErrorBody },
    },
    handler: async (req) => s.metrics(workspaceOf(req), req.query.days),
  });

  r.get('/api/v1/recommendations/customers/:userId', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['recommendations'],
      summary: "Look up a customer's recommendations with reasons (dashboard; not counted as an impression)",
      params: CustomerParams,
      querystring: RecommendationQuery,
      response: { 200: RecommendationList, ...errors },
    },
    handler: async (req) => {
      checkPrices(req.query);
      return s.recommend(workspaceOf(req), req.params.userId, req.query, { surface: 'dashboard', log: false });
    },
  });
}
