import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import { readJson } from '../db/dialect.js';
import { sampleEventProperties } from '../events/event.samples.js';
import type { EventStore } from '../events/event.store.js';
import { listSubscriptionGroups } from '../messaging/subscription.repository.js';
import { audit } from '../platform/audit.js';
import type { Clock } from '../platform/clock.js';
import { notFound, UserError } from '../platform/errors.js';
import { newId, toIso, toIsoOrNull } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { ProfileService } from '../profiles/profile.service.js';
import { segmentDependencies } from './segment.compiler.js';
import type { CompileLookups, SegmentEngine } from './segment.engine.js';
import { inferPaths, traitCatalog, traitTypes } from './segment.fields.js';
import {
  dailyFlows,
  enteredAt,
  findSegment,
  insertSegment,
  isMemberOf,
  memberPage as memberPageRows,
  listSegments,
  overlapCount,
  segmentsOfProfile,
  sizeHistory,
  updateSegment,
  type NewSegmentRow,
  type SegmentPatch,
  type SegmentRow,
} from './segment.repository.js';
import {
  SegmentDefinition,
  type Segment,
  type SegmentCreate,
  type SegmentFieldCatalog,
  type SegmentHistory,
  type SegmentMemberList,
  type SegmentMembersQuery,
  type SegmentOverlap,
  type SegmentPreview,
  type SegmentSummary,
  type SegmentUpdate,
} from './segment.schema.js';
import { parseSegmentDefinition, type ValidationLookups } from './segment.validate.js';

/** Where recomputes run: the job queue in production, inline in code that has none. */
export interface RecomputeScheduler {
  schedule(workspaceId: string, segmentId: string, version: number): Promise<string>;
}

export interface ComputedTraitCatalog {
  definitions(workspaceId: string): Promise<{ key: string; valueType: 'string' | 'number' | 'boolean' | 'date'; label: { en: string; zh: string }; values: string[] | null; source: string }[]>;
}

export interface SegmentService {
  list(workspaceId: string): Promise<SegmentSummary[]>;
  get(workspaceId: string, id: string): Promise<Segment>;
  create(workspaceId: string, input: SegmentCreate, actor: string): Promise<Segment>;
  update(workspaceId: string, id: string, input: SegmentUpdate, actor: string): Promise<Segment>;
  remove(workspaceId: string, id: string, actor: string): Promise<void>;
  /** Validate a draft definition and count its members now (the rule builder's live count). */
  preview(workspaceId: string, definition: unknown, sample: number): Promise<SegmentPreview>;
  members(workspaceId: string, id: string, query: SegmentMembersQuery): Promise<SegmentMemberList>;
  /** Members by profile id after `after`, at most `limit`: a complete, stable walk over a large segment (a broadcast's snapshot). */
  memberPage(workspaceId: string, id: string, after: string | null, limit: number): Promise<{ id: string; traits: Record<string, unknown> }[]>;
  /** Members as CSV lines (header first), streamed in pages. */
  exportCsv(workspaceId: string, id: string): AsyncGenerator<string>;
  history(workspaceId: string, id: string, days: number): Promise<SegmentHistory>;
  overlap(workspaceId: string, a: string, b: string): Promise<SegmentOverlap>;
  fields(workspaceId: string): Promise<SegmentFieldCatalog>;
  ofProfile(workspaceId: string, idOrKey: string): Promise<{ id: string; name: string; enteredAt: string }[]>;
}

const TRAIT_SAMPLE = 2000;
/** Workspaces up to this size get an exact preview count; larger ones an estimate from a random sample. */
const EXACT_PREVIEW_UP_TO = 20_000;
const PREVIEW_SAMPLE = 4_000;
/** Trait types and the preview sample are re-read after this long. */
const CACHE_MS = 60_000;

/** Validate a definition from a request body: error paths are given from the body (`definition.root…`). */
function parseBodyDefinition(raw: unknown, lookups: ValidationLookups): SegmentDefinition {
  try {
    return parseSegmentDefinition(raw, lookups);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const field = err.field ? `definition.${err.field}` : 'definition';
    throw new UserError(err.code, say(err.message, err.zh), { status: err.status, field, details: err.details });
  }
}

export function createSegmentService(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  clock: Clock;
  eventStore: EventStore;
  profiles: ProfileService;
  computedTraits: ComputedTraitCatalog;
  lookups: CompileLookups;
  engine: SegmentEngine;
  recompute: RecomputeScheduler;
}): SegmentService {
  const { db, dialect, clock, profiles, engine } = deps;

  async function row(workspaceId: string, id: string): Promise<SegmentRow> {
    const r = await findSegment(db, workspaceId, id);
    if (!r) throw notFound(say('Segment', '分群'), 'id');
    return r;
  }

  function summary(r: SegmentRow): SegmentSummary {
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      version: r.version,
      memberCount: r.member_count,
      timeDependent: r.time_dependent === 1,
      compute: {
        state: r.compute_state === 'computing' ? 'computing' : r.compute_state === 'failed' ? 'failed' : 'ready',
        progress: r.compute_progress,
        error: r.compute_error,
        membershipVersion: r.membership_version,
        lastEvaluatedAt: toIsoOrNull(r.last_evaluated_at),
      },
      createdAt: toIso(r.created_at),
      updatedAt: toIso(r.updated_at),
    };
  }

  function full(r: SegmentRow): Segment {
    return { ...summary(r), definition: SegmentDefinition.parse(readJson(r.definition, {})) };
  }

  async function traitSamples(workspaceId: string): Promise<Record<string, unknown>[]> {
    const page = await profiles.list(workspaceId, { sort: 'lastSeen', limit: TRAIT_SAMPLE, offset: 0 });
    return page.items.map((p) => p.traits);
  }

  // The rule builder asks for a preview at every pause in typing: what it needs besides the
  // query itself is read at most once a minute per workspace.
  const cached = new Map<string, { at: number; value: unknown }>();
  async function memo<T>(key: string, read: () => Promise<T>): Promise<T> {
    const hit = cached.get(key);
    const now = clock.now();
    // Same value as stored under this key by the line below.
    if (hit && now - hit.at >= 0 && now - hit.at < CACHE_MS) return hit.value as T;
    const value = await read();
    cached.set(key, { at: now, value });
    return value;
  }

  async function validationLookups(workspaceId: string, selfId?: string): Promise<ValidationLookups> {
    const [computed, groups, segments, samples] = await Promise.all([
      deps.lookups.computedTraits(workspaceId),
      deps.lookups.subscriptionGroups(workspaceId),
      engine.load(workspaceId),
      memo(`traits:${workspaceId}`, () => traitSamples(workspaceId)),
    ]);
    return {
      computedTraits: computed,
      subscriptionGroupIds: new Set(groups.keys()),
      segmentIds: new Set(segments.map((s) => s.row.id)),
      traitTypes: traitTypes(samples),
      segmentRefs: new Map(segments.map((s) => [s.row.id, s.deps.segmentIds])),
      ...(selfId ? { selfId } : {}),
    };
  }

  return {
    async list(workspaceId) {
      return (await listSegments(db, workspaceId)).map(summary);
    },

    async get(workspaceId, id) {
      return full(await row(workspaceId, id));
    },

    async create(workspaceId, input, actor) {
      const definition = parseBodyDefinition(input.definition, await validationLookups(workspaceId));
      const now = clock.now();
      const r: NewSegmentRow = {
        workspace_id: workspaceId,
        id: newId('seg', now),
        name: input.name,
        description: input.description,
        definition: JSON.stringify(definition),
        version: 1,
        status: 'active',
        time_dependent: segmentDependencies(definition).timeDependent ? 1 : 0,
        member_count: 0,
        membership_version: 0,
        compute_state: 'computing',
        compute_progress: 0,
        compute_error: null,
        last_evaluated_at: null,
        created_at: now,
        updated_at: now,
      };
      await insertSegment(db, r);
      await audit(db, { workspaceId, actor, action: 'segment.create', target: r.id, data: { name: r.name }, at: now });
      // Inserted as 'computing'; the job computes the first membership.
      await deps.recompute.schedule(workspaceId, r.id, r.version);
      return full(await row(workspaceId, r.id));
    },

    async update(workspaceId, id, input, actor) {
      const current = await row(workspaceId, id);
      const now = clock.now();
      const patch: SegmentPatch = { updated_at: now };
      if (input.name !== undefined) patch.name = input.name;
      if (input.description !== undefined) patch.description = input.description;
      let newVersion: number | null = null;
      if (input.definition !== undefined) {
        const definition = parseBodyDefinition(input.definition, await validationLookups(workspaceId, id));
        const text = JSON.stringify(definition);
        if (text !== JSON.stringify(readJson(current.definition, {}))) {
          newVersion = current.version + 1;
          patch.definition = text;
          patch.version = newVersion;
          patch.time_dependent = segmentDependencies(definition).timeDependent ? 1 : 0;
          patch.compute_state = 'computing';
          patch.compute_progress = 0;
          patch.compute_error = null;
        }
      }
      await updateSegment(db, workspaceId, id, patch);
      await audit(db, { workspaceId, actor, action: 'segment.update', target: id, data: { redefined: newVersion !== null, name: patch.name }, at: now });
      // The old membership stays readable (and live for the old version's rules) until the new one is applied.
      if (newVersion !== null) await deps.recompute.schedule(workspaceId, id, newVersion);
      return full(await row(workspaceId, id));
    },

    async remove(workspaceId, id, actor) {
      await row(workspaceId, id);
      const users = (await engine.load(workspaceId)).filter((s) => s.row.id !== id && s.deps.segmentIds.has(id));
      if (users.length) {
        throw new UserError('SEGMENT_IN_USE', say(`Segment is used by: ${users.map((s) => s.row.name).join(', ')}`, `以下分群引用了此分群：${users.map((s) => s.row.name).join('、')}`), { status: 409, field: 'id' });
      }
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await updateSegment(trx, workspaceId, id, { status: 'archived', updated_at: now });
        await trx.deleteFrom('segment_members').where('workspace_id', '=', workspaceId).where('segment_id', '=', id).execute();
        await audit(trx, { workspaceId, actor, action: 'segment.archive', target: id, at: now });
      });
    },

    async preview(workspaceId, raw, sample) {
      const t0 = performance.now();
      const definition = parseBodyDefinition(raw, await validationLookups(workspaceId));
      const population = await memo(`population:${workspaceId}`, () => profiles.countWhere(workspaceId));
      const took = () => Math.round((performance.now() - t0) * 10) / 10;
      if (population <= EXACT_PREVIEW_UP_TO) {
        const where = await engine.compile(workspaceId, definition);
        const page = await profiles.list(workspaceId, { sort: 'lastSeen', limit: Math.max(1, sample), offset: 0 }, where);
        return { count: page.total, population, sample: page.items.slice(0, sample), exact: true, margin: null, tookMs: took() };
      }
      // Large workspace: evaluate a random sample of profiles through the per-profile indexes and
      // scale up; the margin is the 95% normal-approximation bound of that estimate.
      const ids = await memo(`sample:${workspaceId}`, () => profiles.randomIds(workspaceId, PREVIEW_SAMPLE));
      const hits = await engine.matchAmong(workspaceId, definition, ids);
      const share = hits.size / ids.length;
      const margin = Math.round(1.96 * Math.sqrt((share * (1 - share)) / ids.length) * population);
      const shown = [...hits].slice(0, sample);
      const page = shown.length ? await profiles.list(workspaceId, { sort: 'lastSeen', limit: sample, offset: 0 }, sql<boolean>`p.id in (${sql.join(shown)})`) : { items: [] };
      return { count: Math.round(share * population), population, sample: page.items, exact: false, margin, tookMs: took() };
    },

    async members(workspaceId, id, query) {
      await row(workspaceId, id);
      const page = await profiles.list(workspaceId, { sort: 'lastSeen', limit: query.limit, offset: query.offset, ...(query.q ? { q: query.q } : {}) }, isMemberOf(workspaceId, id));
      const since = await enteredAt(db, workspaceId, id, page.items.map((p) => p.id));
      return { total: page.total, items: page.items.map((p) => ({ ...p, enteredAt: toIso(since.get(p.id) ?? 0) })) };
    },

    async memberPage(workspaceId, id, after, limit) {
      const rows = await memberPageRows(db, workspaceId, id, after, limit);
      return rows.map((r) => ({ id: r.id, traits: readJson<Record<string, unknown>>(r.traits, {}) }));
    },

    async *exportCsv(workspaceId, id) {
      await row(workspaceId, id);
      const esc = (v: unknown) => {
        const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
        // Quote per RFC 4180; a leading = + - @ is prefixed so spreadsheets do not run it as a formula.
        const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
        return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
      };
      yield 'profile_id,user_id,email,phone,name,first_seen_at,last_seen_at,event_count,entered_at\n';
      const restrict = isMemberOf(workspaceId, id);
      for (let offset = 0; ; offset += 1000) {
        const page = await profiles.list(workspaceId, { sort: 'firstSeen', limit: 1000, offset }, restrict);
        const since = await enteredAt(db, workspaceId, id, page.items.map((p) => p.id));
        yield page.items
          .map((p) => [p.id, p.userId, p.email, p.phone, p.name, p.firstSeenAt, p.lastSeenAt, p.eventCount, toIso(since.get(p.id) ?? 0)].map(esc).join(',') + '\n')
          .join('');
        if (page.items.length < 1000) break;
      }
    },

    async history(workspaceId, id, days) {
      await row(workspaceId, id);
      const from = clock.now() - days * 86_400_000;
      const [sizes, flows] = await Promise.all([sizeHistory(db, workspaceId, id, from), dailyFlows(db, dialect.utcDay, workspaceId, id, from)]);
      return { sizes: sizes.map((s) => ({ at: toIso(s.at), size: s.size })), flows };
    },

    async overlap(workspaceId, a, b) {
      const [ra, rb] = await Promise.all([row(workspaceId, a), row(workspaceId, b)]);
      const both = await overlapCount(db, workspaceId, a, b);
      return {
        a: { id: ra.id, name: ra.name, size: ra.member_count },
        b: { id: rb.id, name: rb.name, size: rb.member_count },
        both,
        onlyA: Math.max(0, ra.member_count - both),
        onlyB: Math.max(0, rb.member_count - both),
      };
    },

    async fields(workspaceId) {
      const now = clock.now();
      const [samples, names, computed, groups, segments] = await Promise.all([
        traitSamples(workspaceId),
        deps.eventStore.topNames(db, workspaceId, now - 365 * 86_400_000, now + 86_400_000, 60),
        deps.computedTraits.definitions(workspaceId),
        listSubscriptionGroups(db, workspaceId),
        listSegments(db, workspaceId),
      ]);
      const props = await sampleEventProperties(db, workspaceId, names.map((n) => n.name), 200);
      return {
        traits: traitCatalog(samples),
        events: names.map((n) => ({
          name: n.name,
          count: n.count,
          properties: [...inferPaths(props.get(n.name) ?? [], 60)].map(([path, e]) => ({ path, type: e.type })),
        })),
        computed: computed.map((c) => ({ key: c.key, type: c.valueType, label: c.label, values: c.values, source: c.source })),
        segments: segments.map((s) => ({ id: s.id, name: s.name })),
        subscriptionGroups: groups,
      };
    },

    async ofProfile(workspaceId, idOrKey) {
      const profile = await profiles.get(workspaceId, idOrKey, 0);
      return (await segmentsOfProfile(db, workspaceId, profile.id)).map((s) => ({ id: s.id, name: s.name, enteredAt: toIso(s.enteredAt) }));
    },
  };
}
