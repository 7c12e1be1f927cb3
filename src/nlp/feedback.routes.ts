import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import { AnalyzeRequest, AnalyzeResponse, FeedbackQuery, FeedbackSettings, FeedbackSummary, FeedbackTextList, FeedbackTextQuery } from './feedback.schema.js';
import type { FeedbackService } from './feedback.service.js';

const errors = { 400: ErrorBody, 404: ErrorBody };

/** The Feedback page's API: what customers' texts say (sentiment, aspects, topics), the texts behind each number, and which events are read. */
export function feedbackRoutes(app: FastifyInstance, deps: { feedback: FeedbackService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const f = deps.feedback;

  r.get('/api/v1/feedback/summary', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['feedback'], summary: 'Sentiment by week, liked and disliked aspects, top keywords and topic trends', querystring: FeedbackQuery, response: { 200: FeedbackSummary, ...errors } },
    handler: async (req) => f.summary(workspaceOf(req), req.query),
  });

  r.get('/api/v1/feedback/texts', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['feedback'], summary: 'The analysed texts behind a number (by sentiment, aspect, keyword or week), newest first', querystring: FeedbackTextQuery, response: { 200: FeedbackTextList, ...errors } },
    handler: async (req) => ({ items: await f.texts(workspaceOf(req), req.query) }),
  });

  r.post('/api/v1/feedback/analyze', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['feedback'], summary: 'Analyse one text (at most 10,000 characters) without storing it', body: AnalyzeRequest, response: { 200: AnalyzeResponse, ...errors } },
    handler: async (req) => f.analyze(workspaceOf(req), req.body.text),
  });

  r.get('/api/v1/feedback/settings', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['feedback'], summary: 'Which events and properties are read as customer text', response: { 200: FeedbackSettings, ...errors } },
    handler: async (req) => f.settings(workspaceOf(req)),
  });

  r.put('/api/v1/feedback/settings', {
    config: { access: { role: 'admin' } },
    schema: { tags: ['feedback'], summary: 'Choose the events and property paths read as customer text (applies to events ingested from now on)', response: { 200: FeedbackSettings, ...errors } },
    // The body is validated by the service, so a bad path is reported with its field.
    handler: async (req) => f.updateSettings(workspaceOf(req), req.body),
  });
}
