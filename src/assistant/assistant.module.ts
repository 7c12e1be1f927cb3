import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type { Clock } from '../platform/clock.js';
import type { ProfileService } from '../profiles/profile.service.js';
import { assistantRoutes } from './assistant.routes.js';
import { createAssistantService, type AssistantService, type InboxRecommender, type SentimentScorer } from './assistant.service.js';
import { createAssistantSettings, type AssistantSettingsService } from './assistant.settings.js';
import type { DialogueThresholds } from './dialogue.js';
import { lazyIntentClassifier } from './intents.js';
import { widgetIdentitySecret } from './identity.js';
import { createKnowledgeBase, type KnowledgeBase } from './kb.service.js';
import { defaultSentimentScorer } from './sentiment.provider.js';
import { widgetRoutes, type WidgetLimits } from './widget.routes.js';

export interface Assistant {
  service: AssistantService;
  kb: KnowledgeBase;
  settings: AssistantSettingsService;
  clock: Clock;
  limits: WidgetLimits;
  /** The workspace's widget identity secret (identity.ts), for the shop's server to sign user ids. */
  identitySecret(workspaceId: string): string;
}

export interface AssistantOptions {
  /** Sentiment for hand-off; default: src/nlp's default sentiment model when it ships, else none. */
  sentiment?: () => Promise<SentimentScorer | null>;
  thresholds?: DialogueThresholds;
  limits?: WidgetLimits;
}

/** The customer-service assistant, wired: knowledge base, intent classifier (trained now), dialogue, inbox. */
export function createAssistant(deps: {
  db: Kysely<Database>;
  clock: Clock;
  instanceKey: Buffer;
  profiles: ProfileService;
  ingest: IngestService;
  recommend?: InboxRecommender;
  options?: AssistantOptions;
  onError?: (err: unknown) => void;
}): Assistant {
  const kb = createKnowledgeBase({ db: deps.db, clock: deps.clock });
  const identitySecret = (ws: string) => widgetIdentitySecret(deps.instanceKey, ws);
  const settings = createAssistantSettings({ db: deps.db, clock: deps.clock, instanceKey: deps.instanceKey });
  const service = createAssistantService({
    db: deps.db,
    clock: deps.clock,
    kb,
    intents: lazyIntentClassifier(),
    profiles: deps.profiles,
    ingest: deps.ingest,
    settings,
    identitySecret,
    sentiment: deps.options?.sentiment ?? defaultSentimentScorer,
    ...(deps.recommend ? { recommend: deps.recommend } : {}),
    ...(deps.options?.thresholds ? { thresholds: deps.options.thresholds } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
  return { service, kb, settings, clock: deps.clock, limits: deps.options?.limits ?? {}, identitySecret };
}

/** Every assistant route: the dashboard API and the public widget. */
export function assistantModuleRoutes(app: FastifyInstance, a: Assistant): void {
  assistantRoutes(app, { assistant: a.service, kb: a.kb, settings: a.settings, identitySecret: a.identitySecret });
  widgetRoutes(app, { assistant: a.service, clock: a.clock, limits: a.limits });
}
