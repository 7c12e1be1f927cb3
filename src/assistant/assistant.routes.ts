import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import {
  AgentReply,
  AskRequest,
  AskResponse,
  AssistantSettingsInput,
  AssistantSettingsView,
  ConversationContext,
  ConversationDetail,
  ConversationList,
  ConversationListQuery,
} from './assistant.schema.js';
import type { AssistantService } from './assistant.service.js';
import type { AssistantSettingsService } from './assistant.settings.js';
import { Article, ArticleImport, ArticleImportResult, ArticleList, ArticleListQuery } from './kb.schema.js';
import type { KnowledgeBase } from './kb.service.js';

const Id = z.object({ id: z.string().min(1).max(100) });
const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };
// Article bodies are validated by the knowledge base, so one error names the field at fault.
const ArticleBody = z.record(z.string(), z.unknown());

/** The dashboard's assistant API: the knowledge base, the agent inbox, settings. */
export function assistantRoutes(app: FastifyInstance, deps: { assistant: AssistantService; kb: KnowledgeBase; settings: AssistantSettingsService; identitySecret: (workspaceId: string) => string }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['assistant'];

  r.get('/api/v1/assistant/articles', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'Knowledge-base articles', querystring: ArticleListQuery, response: { 200: ArticleList, ...errors } },
    handler: async (req) => deps.kb.list(workspaceOf(req), req.query),
  });
  r.post('/api/v1/assistant/articles', {
    config: { access: { role: 'member' } },
    schema: { tags, summary: 'Add an article', body: ArticleBody, response: { 200: Article, ...errors } },
    handler: async (req) => deps.kb.create(workspaceOf(req), req.body),
  });
  r.post('/api/v1/assistant/articles/import', {
    config: { access: { role: 'member' } },
    bodyLimit: 6 * 1024 * 1024,
    schema: { tags, summary: 'Import articles from JSON or CSV (all rows are checked before any is written)', body: ArticleImport, response: { 200: ArticleImportResult, ...errors } },
    handler: async (req) => deps.kb.import(workspaceOf(req), req.body),
  });
  r.get('/api/v1/assistant/articles/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'One article', params: Id, response: { 200: Article, ...errors } },
    handler: async (req) => deps.kb.get(workspaceOf(req), req.params.id),
  });
  r.put('/api/v1/assistant/articles/:id', {
    config: { access: { role: 'member' } },
    schema: { tags, summary: 'Replace an article', params: Id, body: ArticleBody, response: { 200: Article, ...errors } },
    handler: async (req) => deps.kb.update(workspaceOf(req), req.params.id, req.body),
  });
  r.delete('/api/v1/assistant/articles/:id', {
    config: { access: { role: 'member' } },
    schema: { tags, summary: 'Delete an article', params: Id, response: { 200: z.object({ deleted: z.literal(true) }), ...errors } },
    handler: async (req) => {
      await deps.kb.remove(workspaceOf(req), req.params.id);
      return { deleted: true as const };
    },
  });
  r.post('/api/v1/assistant/ask', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'What the assistant would answer (nothing is stored)', body: AskRequest, response: { 200: AskResponse, ...errors } },
    handler: async (req) => deps.assistant.ask(workspaceOf(req), req.body.text, req.body.language),
  });

  r.get('/api/v1/assistant/conversations', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'Conversations, newest activity first, with counts by state', querystring: ConversationListQuery, response: { 200: ConversationList, ...errors } },
    handler: async (req) => deps.assistant.list(workspaceOf(req), req.query),
  });
  r.get('/api/v1/assistant/conversations/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'A conversation and its messages', params: Id, response: { 200: ConversationDetail, ...errors } },
    handler: async (req) => deps.assistant.get(workspaceOf(req), req.params.id),
  });
  r.get('/api/v1/assistant/conversations/:id/context', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: "The customer beside the chat: profile, recent orders, recommendations", params: Id, response: { 200: ConversationContext, ...errors } },
    handler: async (req) => deps.assistant.context(workspaceOf(req), req.params.id),
  });
  r.post('/api/v1/assistant/conversations/:id/take-over', {
    config: { access: { role: 'member' } },
    schema: { tags, summary: 'An agent takes the conversation from the bot', params: Id, response: { 200: ConversationDetail, ...errors } },
    handler: async (req) => deps.assistant.takeOver(workspaceOf(req), req.params.id, req.auth.actor),
  });
  r.post('/api/v1/assistant/conversations/:id/reply', {
    config: { access: { role: 'member' } },
    bodyLimit: 256 * 1024,
    schema: { tags, summary: 'An agent replies (takes the conversation over if the bot held it)', params: Id, body: AgentReply, response: { 200: ConversationDetail, ...errors } },
    handler: async (req) => deps.assistant.reply(workspaceOf(req), req.params.id, req.body.text, req.auth.actor),
  });
  r.post('/api/v1/assistant/conversations/:id/resolve', {
    config: { access: { role: 'member' } },
    schema: { tags, summary: 'Mark the conversation resolved', params: Id, response: { 200: ConversationDetail, ...errors } },
    handler: async (req) => deps.assistant.resolve(workspaceOf(req), req.params.id, req.auth.actor),
  });

  r.get('/api/v1/assistant/widget-identity', {
    config: { access: { role: 'admin' } },
    schema: {
      tags,
      summary: "The secret the shop's server signs user ids with: userHash = HMAC-SHA256(secret, userId), hex, passed to nudge.identify(userId, traits, { userHash })",
      response: { 200: z.object({ identitySecret: z.string() }), ...errors },
    },
    handler: async (req) => ({ identitySecret: deps.identitySecret(workspaceOf(req)) }),
  });

  r.get('/api/v1/assistant/settings', {
    config: { access: { role: 'viewer' } },
    schema: { tags, summary: 'Assistant settings (the LLM key is masked)', response: { 200: AssistantSettingsView, ...errors } },
    handler: async (req) => deps.settings.view(workspaceOf(req)),
  });
  r.put('/api/v1/assistant/settings', {
    config: { access: { role: 'admin' } },
    schema: { tags, summary: 'Set or clear the optional OpenAI-compatible LLM endpoint', body: AssistantSettingsInput, response: { 200: AssistantSettingsView, ...errors } },
    handler: async (req) => deps.settings.put(workspaceOf(req), req.body, req.auth.actor),
  });
}
