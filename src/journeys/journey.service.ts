import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { readJson } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { TemplateService } from '../messaging/template.service.js';
import { renderTemplate } from '../messaging/template.render.js';
import { templateIssues } from '../messaging/template.validate.js';
import type { Channel } from '../messaging/template.schema.js';
import { audit } from '../platform/audit.js';
import type { Clock } from '../platform/clock.js';
import { notFound, UserError } from '../platform/errors.js';
import { newId, toIso, toIsoOrNull } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { SegmentDefinition } from '../segments/segment.schema.js';
import type { z } from 'zod';
import type { EntryList, EntryQuery, JourneyCounts, JourneyCreate, JourneyLifecycle, JourneyUpdate, JourneyView, SimulateRequest } from './journey.api.schema.js';
import { journeyIssuesError, parseJourneyDefinition } from './journey.issues.js';
import * as repo from './journey.repository.js';
import type { JourneyDefinition } from './journey.schema.js';
import { simulate, type RenderedMessage, type TimelineItem } from './journey.simulate.js';
import { JourneyState, JourneyStatus } from './journey.state.js';
import { validateJourney, type TemplateCheckIssue } from './journey.validate.js';

/** Journeys as the dashboard edits them: drafts, publishing immutable versions, lifecycle, counts, entries, previews. */
export interface JourneyService {
  list(workspaceId: string): Promise<Omit<JourneyView, 'definition'>[]>;
  get(workspaceId: string, id: string): Promise<JourneyView>;
  create(workspaceId: string, input: JourneyCreate, actor: string): Promise<JourneyView>;
  update(workspaceId: string, id: string, input: JourneyUpdate, actor: string): Promise<JourneyView>;
  /** Validate the draft and make it the running version; customers already inside finish on theirs. */
  publish(workspaceId: string, id: string, actor: string): Promise<JourneyView>;
  setStatus(workspaceId: string, id: string, status: Exclude<JourneyLifecycle, 'draft'>, actor: string): Promise<JourneyView>;
  versions(workspaceId: string, id: string): Promise<{ version: number; publishedAt: string }[]>;
  counts(workspaceId: string, id: string): Promise<JourneyCounts>;
  entries(workspaceId: string, id: string, query: EntryQuery): Promise<z.infer<typeof EntryList>>;
  simulate(workspaceId: string, id: string, request: SimulateRequest): Promise<Array<Record<string, unknown>>>;
}

export interface JourneyServiceDeps {
  db: Kysely<Database>;
  clock: Clock;
  templates: TemplateService;
  profiles: ProfileService;
  segmentExists(workspaceId: string, segmentId: string): Promise<boolean>;
  matches(workspaceId: string, profileId: string, rule: SegmentDefinition): Promise<boolean>;
  /** After an archive is committed: let the customers still inside exit (in the background). */
  onArchived?(workspaceId: string, journeyId: string): Promise<void>;
  /** The workspace's time zone and default send hour, which a simulation uses as the engine does (default UTC, 10:00). */
  workspaceSending?(workspaceId: string): Promise<{ timezone: string; defaultSendHour: number }>;
}

/** A lifecycle status as the dashboard names it in Chinese (journeys.zh.ts). */
const STATUS_ZH: Record<JourneyLifecycle, string> = { draft: '草稿', active: '运行中', paused: '已暂停', archived: '已归档' };

/** Which lifecycle moves are allowed (archived is final). */
const MOVES: Record<JourneyLifecycle, readonly JourneyLifecycle[]> = {
  draft: ['archived'],
  active: ['paused', 'archived'],
  paused: ['active', 'archived'],
  archived: [],
};

export function createJourneyService(deps: JourneyServiceDeps): JourneyService {
  const { db, clock, templates } = deps;

  async function row(workspaceId: string, id: string): Promise<repo.JourneyRow> {
    const r = await repo.findJourney(db, workspaceId, id);
    if (!r) throw notFound(say('Journey', '客户旅程'), 'id');
    return r;
  }

  const view = (r: repo.JourneyRow): JourneyView => ({
    id: r.id,
    name: r.name,
    status: lifecycle(r.status),
    currentVersion: r.current_version,
    definition: readJson<unknown>(r.draft, {}),
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  });

  /** A send node's template: it exists, is on the node's channel, and passes messaging's own checks. */
  async function checkTemplate(workspaceId: string, templateId: string, channel: Channel): Promise<TemplateCheckIssue[]> {
    let template;
    try {
      template = await templates.get(workspaceId, templateId);
    } catch (err) {
      if (err instanceof UserError && err.status === 404) return [{ code: 'JOURNEY_UNKNOWN_TEMPLATE', message: `There is no template "${templateId}"` }];
      throw err;
    }
    if (template.body.channel !== channel) return [{ code: 'JOURNEY_TEMPLATE_CHANNEL', message: `Template "${templateId}" is for ${template.body.channel}, not ${channel}` }];
    const { subscriptionGroupId, ...rest } = template;
    return (await templateIssues({ ...rest, ...(subscriptionGroupId !== null ? { subscriptionGroupId } : {}) })).map((i) => ({ ...i, message: i.message.en, zh: i.message.zh }));
  }

  async function definitionOf(workspaceId: string, r: repo.JourneyRow, draft: boolean): Promise<JourneyDefinition> {
    const raw = draft || r.current_version === null ? readJson<unknown>(r.draft, {}) : readJson<unknown>((await repo.findVersion(db, workspaceId, r.id, r.current_version))?.definition, {});
    const parsed = parseJourneyDefinition(raw);
    if (!parsed.ok) throw journeyIssuesError(parsed.issues);
    return parsed.definition;
  }

  const service: JourneyService = {
    async list(workspaceId) {
      return (await repo.listJourneys(db, workspaceId)).map((r) => {
        const { definition: _d, ...summary } = view(r);
        return summary;
      });
    },

    async get(workspaceId, id) {
      return view(await row(workspaceId, id));
    },

    async create(workspaceId, input, actor) {
      const now = clock.now();
      const id = newId('jrn', now);
      await repo.insertJourney(db, { workspace_id: workspaceId, id, name: input.name, status: 'draft', draft: JSON.stringify(input.definition), current_version: null, entry_kind: null, created_at: now, updated_at: now });
      await audit(db, { workspaceId, actor, action: 'journey.create', target: id, data: { name: input.name }, at: now });
      return view(await row(workspaceId, id));
    },

    async update(workspaceId, id, input, actor) {
      const current = await row(workspaceId, id);
      if (current.status === 'archived') throw new UserError('JOURNEY_ARCHIVED', say('An archived journey cannot be edited', '已归档的旅程无法编辑'), { status: 409 });
      const now = clock.now();
      await repo.updateJourney(db, workspaceId, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.definition !== undefined ? { draft: JSON.stringify(input.definition) } : {}),
        updated_at: now,
      });
      await audit(db, { workspaceId, actor, action: 'journey.update', target: id, data: {}, at: now });
      return view(await row(workspaceId, id));
    },

    async publish(workspaceId, id, actor) {
      const current = await row(workspaceId, id);
      if (current.status === 'archived') throw new UserError('JOURNEY_ARCHIVED', say('An archived journey cannot be published', '已归档的旅程无法发布'), { status: 409 });
      const parsed = parseJourneyDefinition(readJson<unknown>(current.draft, {}));
      if (!parsed.ok) throw journeyIssuesError(parsed.issues);
      const issues = await validateJourney(parsed.definition, {
        checkTemplate: (templateId, channel) => checkTemplate(workspaceId, templateId, channel),
        segmentExists: (segmentId) => deps.segmentExists(workspaceId, segmentId),
      });
      if (issues.length > 0) throw journeyIssuesError(issues);
      const now = clock.now();
      const version = (current.current_version ?? 0) + 1;
      await withTransaction(db, async (trx) => {
        await repo.insertVersion(trx, { workspace_id: workspaceId, journey_id: id, version, definition: JSON.stringify(parsed.definition), published_at: now });
        // A paused journey stays paused when a new version is published; a draft becomes active.
        const status = current.status === 'paused' ? 'paused' : 'active';
        await repo.updateJourney(trx, workspaceId, id, { status, current_version: version, entry_kind: parsed.definition.entry.kind, updated_at: now });
      });
      await audit(db, { workspaceId, actor, action: 'journey.publish', target: id, data: { version }, at: now });
      return view(await row(workspaceId, id));
    },

    async setStatus(workspaceId, id, status, actor) {
      const current = await row(workspaceId, id);
      const from = lifecycle(current.status);
      if (from === status) return view(current);
      if (!MOVES[from].includes(status)) throw new UserError('JOURNEY_BAD_TRANSITION', say(`A ${from} journey cannot become ${status}`, `旅程不能从“${STATUS_ZH[from]}”变为“${STATUS_ZH[status]}”`), { status: 409, field: 'status' });
      if (status === 'active' && current.current_version === null) throw new UserError('JOURNEY_NOT_PUBLISHED', say('Publish the journey first', '请先发布旅程'), { status: 409 });
      const now = clock.now();
      await repo.updateJourney(db, workspaceId, id, { status, updated_at: now });
      await audit(db, { workspaceId, actor, action: `journey.${status}`, target: id, data: {}, at: now });
      if (status === 'archived') await deps.onArchived?.(workspaceId, id);
      return view(await row(workspaceId, id));
    },

    async versions(workspaceId, id) {
      await row(workspaceId, id);
      return (await repo.listVersions(db, workspaceId, id)).map((v) => ({ version: v.version, publishedAt: toIso(v.published_at) }));
    },

    async counts(workspaceId, id) {
      const r = await row(workspaceId, id);
      const [stats, running] = await Promise.all([repo.nodeStats(db, workspaceId, id), repo.runningByNode(db, workspaceId, id)]);
      const waiting = new Map(running.map((x) => [x.node_id ?? '', Number(x.n)]));
      const nodeIds = new Set<string>(stats.map((s) => s.node_id));
      const draft = readJson<{ nodes?: Array<{ id?: unknown }> }>(r.draft, {});
      for (const n of draft.nodes ?? []) if (typeof n.id === 'string') nodeIds.add(n.id);
      const byNode = new Map(stats.map((s) => [s.node_id, s]));
      return {
        nodes: [...nodeIds].map((nodeId) => {
          const s = byNode.get(nodeId);
          const entered = Number(s?.entered ?? 0);
          const here = waiting.get(nodeId) ?? 0;
          const ended = Number(s?.ended ?? 0);
          return { nodeId, entered, waiting: here, passed: Math.max(0, entered - here - ended), converted: Number(s?.converted ?? 0) };
        }),
      };
    },

    async entries(workspaceId, id, query) {
      await row(workspaceId, id);
      const rows = await repo.listEntries(db, workspaceId, id, query);
      return {
        items: rows.map((e) => {
          const state = JourneyState.parse(readJson(e.state, {}));
          return {
            id: e.id,
            profileId: e.profile_id,
            version: e.version,
            status: JourneyStatus.parse(e.status),
            nodeId: e.node_id,
            wakeAt: toIsoOrNull(e.wake_at),
            enteredAt: toIso(e.entered_at),
            endedAt: toIsoOrNull(e.ended_at),
            steps: state.steps,
          };
        }),
      };
    },

    async simulate(workspaceId, id, request) {
      const def = await definitionOf(workspaceId, await row(workspaceId, id), request.draft);
      const profile = await deps.profiles.get(workspaceId, request.profileId, 0);
      const startAt = request.startAt ? Date.parse(request.startAt) : clock.now();
      const timeline = await simulate(def, { id: profile.id, traits: profile.traits }, {
        startEvent: request.startEvent,
        startAt,
        events: request.events.map((e) => ({ at: Date.parse(e.at), event: e.event })),
        maxDays: request.maxDays,
        journeyId: id,
        workspace: deps.workspaceSending ? await deps.workspaceSending(workspaceId) : { timezone: 'UTC', defaultSendHour: 10 },
        // Renders the saved template for this customer against the simulated journey context; nothing is sent.
        render: async (templateId, ctx): Promise<RenderedMessage> => {
          const template = await templates.get(workspaceId, templateId);
          const renderCtx = await templates.context(workspaceId, profile.id, { event: ctx.context.event, journey: { responses: ctx.context.responses, vars: ctx.context.vars } });
          const out = await renderTemplate(template.body, template.defaultLocale, renderCtx, { clock: { now: () => ctx.now } });
          switch (out.channel) {
            case 'email':
              return { subject: out.subject, text: out.text, html: out.html };
            case 'sms':
              return { text: out.text };
            case 'webhook':
              return { text: out.body };
          }
        },
        matches: (rule) => deps.matches(workspaceId, profile.id, rule),
      });
      return timeline.map(isoTimes);
    },
  };
  return service;
}

function lifecycle(s: string): JourneyLifecycle {
  return s === 'active' || s === 'paused' || s === 'archived' ? s : 'draft';
}

/** Timeline instants as ISO strings for the API. */
function isoTimes(item: TimelineItem): Record<string, unknown> {
  const out: Record<string, unknown> = { ...item, at: toIso(item.at) };
  if (item.kind === 'step') out.step = { ...item.step, at: toIso(item.step.at), ...(item.step.until !== undefined ? { until: toIso(item.step.until) } : {}) };
  return out;
}
