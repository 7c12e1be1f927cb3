import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { readJson, type DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import { eventProperties, type EventRow, type EventStore } from '../events/event.store.js';
import type { CommittedBatch } from '../ingest/ingest.service.js';
import type { Clock } from '../platform/clock.js';
import { jsonPath, UserError } from '../platform/errors.js';
import { toIso } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { JobQueue } from '../queue/queue.js';
import { AspectSentimentSchema, DEFAULT_FEEDBACK_SETTINGS, FeedbackSettings, SentimentLabelSchema, type AnalyzeResponse, type EnrichJobPayload, type FeedbackQuery, type FeedbackSummary, type FeedbackText, type FeedbackTextQuery } from './feedback.schema.js';
import * as repo from './feedback.repository.js';
import { enrichText, MAX_TEXT_CHARS, type NlpModelProvider } from './enrich.js';
import { zodIssueText } from '../platform/zod-text.js';

export const ENRICH_QUEUE = 'nlp.enrich';
export const TRAITS_QUEUE = 'nlp.traits';
export const BACKFILL_QUEUE = 'nlp.backfill';
/** How far back a settings change re-reads past events. */
export const BACKFILL_DAYS = 365;
const SCAN_PAGE = 500;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Texts per enrich job: one job stays well under a second with the default models. */
const JOB_ITEMS = 200;
const SETTINGS_TTL_MS = 30_000;
const TOP_KEYWORDS = 15;
const TREND_KEYWORDS = 6;

export interface FeedbackService {
  settings(workspaceId: string): Promise<FeedbackSettings>;
  updateSettings(workspaceId: string, input: unknown): Promise<FeedbackSettings>;
  /** Ingest's committed batches: their texts become enrich jobs (never analysed on the ingest path). */
  ingested(batch: CommittedBatch): Promise<void>;
  /** Analyse past events of the configured sources (after a settings change); texts already stored are skipped. */
  backfill(workspaceId: string, days: number, onProgress?: (note: string) => Promise<void>): Promise<{ scanned: number; stored: number }>;
  /** The enrich job: analyse and store; texts already stored are skipped. Returns how many were stored. */
  enrich(payload: EnrichJobPayload): Promise<{ stored: number; skipped: number }>;
  summary(workspaceId: string, query: FeedbackQuery): Promise<FeedbackSummary>;
  texts(workspaceId: string, query: FeedbackTextQuery): Promise<FeedbackText[]>;
  /** Analyse a text on request, storing nothing. Texts over 10,000 characters are refused. */
  analyze(workspaceId: string, text: string): Promise<AnalyzeResponse>;
}

/** The value at a dot path of an event's properties, when it is a non-blank string. */
export function textAt(properties: unknown, path: string): string | null {
  let v: unknown = properties;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
    // A non-null, non-array object: indexing it by a string key is safe.
    v = (v as Record<string, unknown>)[part];
  }
  return typeof v === 'string' && v.trim().length > 0 ? v : null;
}

/** Monday (UTC) of the week holding a YYYY-MM-DD day or an epoch-ms instant, as YYYY-MM-DD. */
export function weekOf(day: string | number): string {
  const ms = typeof day === 'number' ? Math.floor(day / DAY) * DAY : Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  return toIso(ms - weekday * DAY).slice(0, 10);
}

const Strings = z.array(z.string());
const Aspects = z.array(AspectSentimentSchema);
const parsed = <T>(schema: z.ZodType<T>, value: unknown, fallback: T): T => {
  const r = schema.safeParse(readJson<unknown>(value, fallback));
  return r.success ? r.data : fallback;
};

/** An event as the text extraction needs it, from a committed batch or a scan of past events. */
interface SourceEvent {
  messageId: string;
  profileId: string;
  name: string | null;
  properties: unknown;
  timestamp: number;
}

const fromRow = (e: EventRow): SourceEvent | null =>
  e.type === 'track' && e.name !== null ? { messageId: e.messageId, profileId: e.profileId, name: e.name, properties: eventProperties(e), timestamp: e.timestamp } : null;

export function createFeedbackService(deps: { db: Kysely<Database>; dialect: DialectHelpers; clock: Clock; queue: JobQueue; eventStore: EventStore; models: NlpModelProvider }): FeedbackService {
  const { db, dialect, clock, queue } = deps;
  const cache = new Map<string, { at: number; settings: FeedbackSettings }>();

  async function settings(workspaceId: string): Promise<FeedbackSettings> {
    const hit = cache.get(workspaceId);
    if (hit && clock.now() - hit.at < SETTINGS_TTL_MS) return hit.settings;
    // Stored settings were validated on write; read back checked (STYLE §7), defaults when absent.
    const stored = FeedbackSettings.safeParse(await repo.readSettings(db, workspaceId));
    const value = stored.success ? stored.data : DEFAULT_FEEDBACK_SETTINGS;
    cache.set(workspaceId, { at: clock.now(), settings: value });
    return value;
  }

  function textsOf(events: Iterable<SourceEvent | null>, s: FeedbackSettings): EnrichJobPayload['items'] {
    const byEvent = new Map(s.sources.map((src) => [src.event, src]));
    const items: EnrichJobPayload['items'] = [];
    for (const e of events) {
      if (e === null || e.name === null) continue;
      const source = byEvent.get(e.name);
      if (!source) continue;
      for (const path of source.paths) {
        const text = textAt(e.properties, path);
        if (text === null) continue;
        // One character past the limit travels with the job, so the job can flag the cut.
        items.push({ messageId: e.messageId, profileId: e.profileId, event: e.name, property: path, timestamp: e.timestamp, text: text.slice(0, MAX_TEXT_CHARS + 1), ...(source.intent ? { intent: true } : {}) });
        break;
      }
    }
    return items;
  }

  function range(q: FeedbackQuery): repo.Range {
    const now = clock.now();
    // A day of slack past now: clients' clocks run ahead, and their events are still this period's.
    return { from: now - q.days * DAY, to: now + DAY, language: q.language };
  }

  const service: FeedbackService = {
    settings,

    async updateSettings(workspaceId, input) {
      const r = FeedbackSettings.safeParse(input, { reportInput: true });
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new UserError('FEEDBACK_INVALID_SETTINGS', zodIssueText(issue, say('Invalid settings', '设置无效')), { field: jsonPath(issue?.path ?? [], '') || 'sources' });
      }
      const events = r.data.sources.map((s) => s.event);
      const dup = events.findIndex((e, i) => events.indexOf(e) !== i);
      if (dup >= 0) throw new UserError('FEEDBACK_DUPLICATE_EVENT', say(`${events[dup]} is listed twice`, `事件 ${events[dup]} 重复了`), { field: `sources[${dup}].event` });
      await repo.writeSettings(db, workspaceId, r.data, clock.now());
      cache.delete(workspaceId);
      // Past events of a newly listed source are read too, in the background.
      await queue.enqueue(BACKFILL_QUEUE, { workspaceId, days: BACKFILL_DAYS }, { workspaceId, dedupeKey: `${BACKFILL_QUEUE}:${workspaceId}` });
      return r.data;
    },

    async backfill(workspaceId, days, onProgress) {
      const s = await settings(workspaceId);
      const names = s.sources.map((x) => x.event);
      const now = clock.now();
      let afterId = 0;
      let scanned = 0;
      let stored = 0;
      for (;;) {
        const page = await deps.eventStore.scanNamed(db, workspaceId, names, { from: now - days * DAY, to: now + DAY, afterId, limit: SCAN_PAGE });
        if (page.length === 0) break;
        afterId = page[page.length - 1]!.id;
        scanned += page.length;
        const items = textsOf(page, s);
        for (let i = 0; i < items.length; i += JOB_ITEMS) stored += (await service.enrich({ workspaceId, items: items.slice(i, i + JOB_ITEMS) })).stored;
        await onProgress?.(`${scanned} events read, ${stored} texts analysed`);
        if (page.length < SCAN_PAGE) break;
      }
      return { scanned, stored };
    },

    async ingested(batch) {
      const s = await settings(batch.workspaceId);
      // Only events read as customer text are decoded (not every message.sent of a broadcast).
      const names = new Set(s.sources.map((src) => src.event));
      const items = textsOf(batch.events.flatMap((e) => (e.name !== null && names.has(e.name) ? [fromRow(e)] : [])), s);
      if (items.length === 0) return;
      const jobs = [];
      for (let i = 0; i < items.length; i += JOB_ITEMS) jobs.push({ payload: { workspaceId: batch.workspaceId, items: items.slice(i, i + JOB_ITEMS) }, options: { workspaceId: batch.workspaceId } });
      await queue.enqueueMany<EnrichJobPayload>(ENRICH_QUEUE, jobs);
    },

    async enrich(payload) {
      const { workspaceId, items } = payload;
      const existing = await repo.existingResults(db, workspaceId, items.map((i) => i.messageId));
      // A message id twice in one payload (a retried event in the same batch) is analysed once.
      const seen = new Set(existing);
      const fresh = items.filter((i) => !seen.has(i.messageId) && seen.add(i.messageId) !== undefined);
      if (fresh.length === 0) return { stored: 0, skipped: items.length };
      const models = await deps.models.models(workspaceId);
      const rows: repo.NewResult[] = fresh.map((i) => {
        const e = enrichText(i.text, models, { intent: i.intent === true });
        return {
          messageId: i.messageId,
          profileId: i.profileId,
          event: i.event,
          property: i.property,
          timestamp: i.timestamp,
          text: e.text,
          language: e.language,
          sentiment: e.sentiment?.label ?? null,
          score: e.sentiment ? Math.round(e.sentiment.score * 10_000) / 10_000 : null,
          intent: e.intent?.label ?? null,
          intentConfidence: e.intent ? Math.round(e.intent.confidence * 10_000) / 10_000 : null,
          spam: e.spam,
          complaint: e.complaint,
          flags: e.flags,
          keywords: e.keywords,
          aspects: e.aspects.map((a) => ({ ...a, score: Math.round(a.score * 10_000) / 10_000 })),
        };
      });
      await withTransaction(db, (trx) => repo.insertResults(trx, workspaceId, rows, clock.now()));
      // One traits recompute for many jobs: it waits while a pending one has the key.
      await queue.enqueue(TRAITS_QUEUE, { workspaceId }, { workspaceId, dedupeKey: `${TRAITS_QUEUE}:${workspaceId}` });
      return { stored: rows.length, skipped: items.length - rows.length };
    },

    async summary(workspaceId, query) {
      const r = range(query);
      const [daily, flags, aspects, keywords] = await Promise.all([
        repo.dailySentiment(db, dialect, workspaceId, r),
        repo.flagTotals(db, workspaceId, r),
        repo.aspectCounts(db, workspaceId, r),
        repo.topKeywords(db, workspaceId, r, TOP_KEYWORDS),
      ]);
      const empty = () => ({ count: 0, positive: 0, neutral: 0, negative: 0, scoreSum: 0, scored: 0 });
      const weeks = new Map<string, ReturnType<typeof empty>>();
      for (let t = r.from; t <= clock.now(); t += WEEK) weeks.set(weekOf(t), empty());
      weeks.set(weekOf(clock.now()), weeks.get(weekOf(clock.now())) ?? empty());
      const total = empty();
      for (const d of daily) {
        const w = weeks.get(weekOf(d.day)) ?? empty();
        weeks.set(weekOf(d.day), w);
        for (const acc of [w, total]) {
          acc.count += d.n;
          acc.scoreSum += d.scoreSum;
          acc.scored += d.scored;
          const label = SentimentLabelSchema.safeParse(d.sentiment);
          if (label.success) acc[label.data] += d.n;
        }
      }
      const mean = (a: { scoreSum: number; scored: number }) => (a.scored > 0 ? Math.round((a.scoreSum / a.scored) * 1000) / 1000 : null);
      const aspectRows = new Map<string, { positive: number; neutral: number; negative: number }>();
      for (const a of aspects) {
        const row = aspectRows.get(a.aspect) ?? { positive: 0, neutral: 0, negative: 0 };
        const label = SentimentLabelSchema.safeParse(a.polarity);
        if (label.success) row[label.data] += a.n;
        aspectRows.set(a.aspect, row);
      }
      const topicWeeks = new Map<string, number>();
      for (const x of await repo.dailyTopics(db, dialect, workspaceId, r, keywords.slice(0, TREND_KEYWORDS).map((k) => k.keyword))) {
        const key = `${weekOf(x.day)}\u0000${x.topic}`;
        topicWeeks.set(key, (topicWeeks.get(key) ?? 0) + x.n);
      }
      return {
        days: query.days,
        total: { count: total.count, positive: total.positive, neutral: total.neutral, negative: total.negative, averageScore: mean(total), ...flags },
        trend: [...weeks.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([week, w]) => ({ week, count: w.count, positive: w.positive, neutral: w.neutral, negative: w.negative, averageScore: mean(w) })),
        aspects: [...aspectRows.entries()].flatMap(([aspect, row]) => {
          const name = AspectSentimentSchema.shape.aspect.safeParse(aspect);
          return name.success ? [{ aspect: name.data, ...row }] : [];
        }).sort((a, b) => b.positive + b.neutral + b.negative - (a.positive + a.neutral + a.negative)),
        keywords: keywords.map((k) => ({ keyword: k.keyword, count: k.n })),
        topicTrend: [...topicWeeks.entries()].map(([key, count]) => {
          const [week = '', topic = ''] = key.split('\u0000');
          return { week, topic, count };
        }).sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : a.topic < b.topic ? -1 : 1)),
      };
    },

    async texts(workspaceId, query) {
      const r = range(query);
      if (query.week) {
        const start = Date.parse(`${query.week}T00:00:00Z`);
        r.from = Math.max(r.from, start);
        r.to = Math.min(r.to, start + WEEK);
      }
      const rows = await repo.listTexts(db, workspaceId, { ...r, sentiment: query.sentiment, aspect: query.aspect, polarity: query.polarity, keyword: query.keyword, limit: query.limit });
      return rows.map((x) => {
        const sentiment = SentimentLabelSchema.safeParse(x.sentiment);
        return {
          messageId: x.message_id,
          profileId: x.profile_id,
          event: x.event_name,
          property: x.property,
          timestamp: toIso(Number(x.timestamp)),
          text: x.text,
          language: x.language,
          sentiment: sentiment.success ? sentiment.data : null,
          score: x.score === null ? null : Number(x.score),
          intent: x.intent,
          spam: Number(x.spam) === 1,
          complaint: Number(x.complaint) === 1,
          keywords: parsed(Strings, x.keywords, []),
          aspects: parsed(Aspects, x.aspects, []),
          flags: parsed(Strings, x.flags, []),
        };
      });
    },

    async analyze(workspaceId, text) {
      if (text.length > MAX_TEXT_CHARS) throw new UserError('FEEDBACK_TEXT_TOO_LONG', say(`A text is analysed up to ${MAX_TEXT_CHARS} characters; this one has ${text.length}`, `单条文本最多分析 ${MAX_TEXT_CHARS} 个字符，这条有 ${text.length} 个字符`), { field: 'text' });
      const e = enrichText(text, await deps.models.models(workspaceId), { intent: true });
      return { language: e.language, sentiment: e.sentiment?.label ?? null, score: e.sentiment?.score ?? null, intent: e.intent?.label ?? null, spam: e.spam, complaint: e.complaint, keywords: e.keywords, aspects: e.aspects, flags: e.flags };
    },
  };
  return service;
}
