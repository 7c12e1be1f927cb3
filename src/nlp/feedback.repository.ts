import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../db/database.js';
import type { DbOrTrx, DialectHelpers } from '../db/dialect.js';
import { readJson } from '../db/dialect.js';
import type { AspectSentiment } from './aspects.js';

const CHUNK = 200;

/** A result row as written. */
export interface NewResult {
  messageId: string;
  profileId: string;
  event: string;
  property: string;
  timestamp: number;
  text: string;
  language: string;
  sentiment: string | null;
  score: number | null;
  intent: string | null;
  intentConfidence: number | null;
  spam: boolean;
  complaint: boolean;
  flags: string[];
  keywords: string[];
  aspects: AspectSentiment[];
}

export interface Range {
  from: number;
  to: number;
  language?: string | undefined;
}

/** Message ids among these that already have a result. */
export async function existingResults(db: DbOrTrx, workspaceId: string, messageIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < messageIds.length; i += CHUNK) {
    const rows = await db.selectFrom('nlp_results').select('message_id').where('workspace_id', '=', workspaceId).where('message_id', 'in', messageIds.slice(i, i + CHUNK)).execute();
    for (const r of rows) found.add(r.message_id);
  }
  return found;
}

/** Insert results with their aspect and keyword rows; a message id already stored is left as it is. */
export async function insertResults(trx: DbOrTrx, workspaceId: string, rows: readonly NewResult[], now: number): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await trx
      .insertInto('nlp_results')
      .values(
        part.map((r) => ({
          workspace_id: workspaceId,
          message_id: r.messageId,
          profile_id: r.profileId,
          event_name: r.event,
          property: r.property,
          timestamp: r.timestamp,
          text: r.text,
          language: r.language,
          sentiment: r.sentiment,
          score: r.score,
          intent: r.intent,
          intent_confidence: r.intentConfidence,
          spam: r.spam ? 1 : 0,
          complaint: r.complaint ? 1 : 0,
          flags: JSON.stringify(r.flags),
          keywords: JSON.stringify(r.keywords),
          aspects: JSON.stringify(r.aspects),
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['workspace_id', 'message_id']).doNothing())
      .execute();
    const aspects = part.flatMap((r) => r.aspects.map((a) => ({ workspace_id: workspaceId, message_id: r.messageId, aspect: a.aspect, polarity: a.polarity, score: a.score, timestamp: r.timestamp, language: r.language })));
    if (aspects.length > 0) await trx.insertInto('nlp_aspects').values(aspects).onConflict((oc) => oc.columns(['workspace_id', 'message_id', 'aspect']).doNothing()).execute();
    const keywords = part.flatMap((r) => [...new Set(r.keywords)].map((k) => ({ workspace_id: workspaceId, message_id: r.messageId, keyword: k, timestamp: r.timestamp, language: r.language })));
    if (keywords.length > 0) await trx.insertInto('nlp_keywords').values(keywords).onConflict((oc) => oc.columns(['workspace_id', 'message_id', 'keyword']).doNothing()).execute();
  }
}

export async function readSettings(db: DbOrTrx, workspaceId: string): Promise<unknown> {
  const row = await db.selectFrom('nlp_settings').select('settings').where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row ? readJson<unknown>(row.settings, null) : null;
}

export async function writeSettings(db: DbOrTrx, workspaceId: string, settings: unknown, now: number): Promise<void> {
  const json = JSON.stringify(settings);
  await db
    .insertInto('nlp_settings')
    .values({ workspace_id: workspaceId, settings: json, updated_at: now })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ settings: json, updated_at: now }))
    .execute();
}

type Tables = 'nlp_results' | 'nlp_aspects' | 'nlp_keywords';
function inRange<T extends Tables, O>(q: SelectQueryBuilder<Database, T, O>, workspaceId: string, r: Range): SelectQueryBuilder<Database, T, O> {
  // Every table filtered here has these columns; Kysely cannot see that through the generic T.
  let out = q.where(sql.ref('workspace_id'), '=', workspaceId).where(sql.ref('timestamp'), '>=', r.from).where(sql.ref('timestamp'), '<', r.to);
  if (r.language) out = out.where(sql.ref('language'), '=', r.language);
  return out;
}

/** Texts per UTC day and sentiment label, with their score sums. */
export async function dailySentiment(db: DbOrTrx, d: DialectHelpers, workspaceId: string, r: Range): Promise<{ day: string; sentiment: string | null; n: number; scoreSum: number; scored: number }[]> {
  const day = d.utcDay('timestamp');
  const rows = await inRange(db.selectFrom('nlp_results'), workspaceId, r)
    .select([day.as('day'), 'sentiment', sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(score), 0)`.as('score_sum'), sql<number>`count(score)`.as('scored')])
    .groupBy([day, 'sentiment'])
    .execute();
  return rows.map((x) => ({ day: String(x.day), sentiment: x.sentiment, n: Number(x.n), scoreSum: Number(x.score_sum), scored: Number(x.scored) }));
}

export async function flagTotals(db: DbOrTrx, workspaceId: string, r: Range): Promise<{ complaints: number; spam: number }> {
  const row = await inRange(db.selectFrom('nlp_results'), workspaceId, r)
    .select([sql<number>`coalesce(sum(complaint), 0)`.as('complaints'), sql<number>`coalesce(sum(spam), 0)`.as('spam')])
    .executeTakeFirst();
  return { complaints: Number(row?.complaints ?? 0), spam: Number(row?.spam ?? 0) };
}

export async function aspectCounts(db: DbOrTrx, workspaceId: string, r: Range): Promise<{ aspect: string; polarity: string; n: number }[]> {
  const rows = await inRange(db.selectFrom('nlp_aspects'), workspaceId, r).select(['aspect', 'polarity', sql<number>`count(*)`.as('n')]).groupBy(['aspect', 'polarity']).execute();
  return rows.map((x) => ({ aspect: x.aspect, polarity: x.polarity, n: Number(x.n) }));
}

export async function topKeywords(db: DbOrTrx, workspaceId: string, r: Range, limit: number): Promise<{ keyword: string; n: number }[]> {
  const rows = await inRange(db.selectFrom('nlp_keywords'), workspaceId, r)
    .select(['keyword', sql<number>`count(*)`.as('n')])
    .groupBy('keyword')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('keyword')
    .limit(limit)
    .execute();
  return rows.map((x) => ({ keyword: x.keyword, n: Number(x.n) }));
}

/** Mentions per UTC day of the given keywords, and of every aspect. */
export async function dailyTopics(db: DbOrTrx, d: DialectHelpers, workspaceId: string, r: Range, keywords: readonly string[]): Promise<{ day: string; topic: string; n: number }[]> {
  const day = d.utcDay('timestamp');
  const out: { day: string; topic: string; n: number }[] = [];
  if (keywords.length > 0) {
    const rows = await inRange(db.selectFrom('nlp_keywords'), workspaceId, r).where('keyword', 'in', [...keywords]).select([day.as('day'), 'keyword', sql<number>`count(*)`.as('n')]).groupBy([day, 'keyword']).execute();
    for (const x of rows) out.push({ day: String(x.day), topic: x.keyword, n: Number(x.n) });
  }
  const rows = await inRange(db.selectFrom('nlp_aspects'), workspaceId, r).select([day.as('day'), 'aspect', sql<number>`count(*)`.as('n')]).groupBy([day, 'aspect']).execute();
  for (const x of rows) out.push({ day: String(x.day), topic: `aspect:${x.aspect}`, n: Number(x.n) });
  return out;
}

export interface TextFilters extends Range {
  sentiment?: string | undefined;
  aspect?: string | undefined;
  polarity?: string | undefined;
  keyword?: string | undefined;
  limit: number;
}

/** The texts behind a number, newest first. */
export async function listTexts(db: DbOrTrx, workspaceId: string, f: TextFilters) {
  let q = inRange(db.selectFrom('nlp_results'), workspaceId, f).selectAll();
  if (f.sentiment) q = q.where('sentiment', '=', f.sentiment);
  if (f.aspect) {
    let sub = db.selectFrom('nlp_aspects').select('message_id').where('workspace_id', '=', workspaceId).where('aspect', '=', f.aspect);
    if (f.polarity) sub = sub.where('polarity', '=', f.polarity);
    q = q.where('message_id', 'in', sub);
  }
  if (f.keyword) q = q.where('message_id', 'in', db.selectFrom('nlp_keywords').select('message_id').where('workspace_id', '=', workspaceId).where('keyword', '=', f.keyword));
  return q.orderBy('timestamp', 'desc').orderBy('message_id').limit(f.limit).execute();
}

/** Per profile: the sum of scores since `since` and how many scored texts. */
export async function profileScores(db: DbOrTrx, workspaceId: string, since: number): Promise<{ profileId: string; sum: number; n: number }[]> {
  const rows = await db
    .selectFrom('nlp_results')
    .select(['profile_id', sql<number>`sum(score)`.as('total'), sql<number>`count(*)`.as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('timestamp', '>=', since)
    .where('score', 'is not', null)
    .where('spam', '=', 0)
    .groupBy('profile_id')
    .execute();
  return rows.map((r) => ({ profileId: r.profile_id, sum: Number(r.total), n: Number(r.n) }));
}

/** Per profile: the latest complaint (negative sentiment or complaint intent). */
export async function lastComplaints(db: DbOrTrx, workspaceId: string): Promise<{ profileId: string; at: number }[]> {
  const rows = await db
    .selectFrom('nlp_results')
    .select(['profile_id', sql<number>`max(timestamp)`.as('at')])
    .where('workspace_id', '=', workspaceId)
    .where('complaint', '=', 1)
    .where('spam', '=', 0)
    .groupBy('profile_id')
    .execute();
  return rows.map((r) => ({ profileId: r.profile_id, at: Number(r.at) }));
}

/** Per profile and aspect since `since`: how often the profile's texts named it. */
export async function profileAspects(db: DbOrTrx, workspaceId: string, since: number): Promise<{ profileId: string; aspect: string; n: number }[]> {
  const rows = await db
    .selectFrom('nlp_aspects as a')
    .innerJoin('nlp_results as r', (j) => j.onRef('r.workspace_id', '=', 'a.workspace_id').onRef('r.message_id', '=', 'a.message_id'))
    .select(['r.profile_id', 'a.aspect', sql<number>`count(*)`.as('n')])
    .where('a.workspace_id', '=', workspaceId)
    .where('a.timestamp', '>=', since)
    .groupBy(['r.profile_id', 'a.aspect'])
    .execute();
  return rows.map((r) => ({ profileId: r.profile_id, aspect: r.aspect, n: Number(r.n) }));
}
