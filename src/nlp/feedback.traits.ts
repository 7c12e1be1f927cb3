/**
 * What customers' texts say about them, as computed traits (usable in segment rules and journey
 * entries like any other, e.g. "last_complaint_at within 3 days → apology coupon"):
 *
 * | key                  | type   | meaning                                                                 |
 * |----------------------|--------|-------------------------------------------------------------------------|
 * | `sentiment_avg_90d`  | number | mean sentiment score (−1…1) of the customer's texts in the last 90 days |
 * | `feedback_count_90d` | number | how many of the customer's texts were analysed in the last 90 days      |
 * | `last_complaint_at`  | date   | latest text with negative sentiment or a complaint intent               |
 * | `top_topic`          | string | the aspect the customer's texts name most in 90 days (quality, price, …)|
 * | `top_topics`         | string | up to three aspects, most named first, comma-separated                 |
 *
 * Spam is left out of every trait. Values are recomputed for the whole workspace (a full
 * replace, so texts ageing out of the 90 days drop out) after each enrichment job and daily.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Clock } from '../platform/clock.js';
import type { ComputedTraitDefinition, ComputedTraitService } from '../profiles/computed-trait.service.js';
import type { ComputedTraitInput } from '../profiles/computed-trait.schema.js';
import { ASPECTS } from './aspects.js';
import { lastComplaints, profileAspects, profileScores } from './feedback.repository.js';

const DAY = 86_400_000;
export const TRAIT_WINDOW_DAYS = 90;

export const FEEDBACK_TRAITS: ComputedTraitDefinition[] = [
  { key: 'sentiment_avg_90d', valueType: 'number', label: { en: 'Average sentiment (90 days)', zh: '平均情感（近 90 天）' }, values: null, source: 'nlp' },
  { key: 'feedback_count_90d', valueType: 'number', label: { en: 'Reviews and messages (90 days)', zh: '评价与留言数（近 90 天）' }, values: null, source: 'nlp' },
  { key: 'last_complaint_at', valueType: 'date', label: { en: 'Last complaint', zh: '最近一次投诉' }, values: null, source: 'nlp' },
  { key: 'top_topic', valueType: 'string', label: { en: 'Top feedback topic', zh: '最常提及的方面' }, values: [...ASPECTS], source: 'nlp' },
  { key: 'top_topics', valueType: 'string', label: { en: 'Feedback topics', zh: '常提及的方面' }, values: null, source: 'nlp' },
];
const KEYS = FEEDBACK_TRAITS.map((t) => t.key);
// Widening to readonly string[] is safe: indexOf only compares.
const rank = (aspect: string) => (ASPECTS as readonly string[]).indexOf(aspect);

/** Recompute every feedback trait of a workspace; returns the profiles whose values changed. */
export async function recomputeFeedbackTraits(
  deps: {
    db: Kysely<Database>;
    clock: Clock;
    traits: ComputedTraitService;
    /** The live profile each stored profile id now is (identity merges move events after their texts were analysed). */
    liveProfiles: (workspaceId: string, profileIds: readonly string[]) => Promise<Map<string, string>>;
  },
  workspaceId: string,
): Promise<string[]> {
  const { db, traits } = deps;
  const since = deps.clock.now() - TRAIT_WINDOW_DAYS * DAY;
  const [scores, complaints, aspects] = await Promise.all([profileScores(db, workspaceId, since), lastComplaints(db, workspaceId), profileAspects(db, workspaceId, since)]);
  const live = await deps.liveProfiles(workspaceId, [...new Set([...scores, ...complaints, ...aspects].map((r) => r.profileId))]);
  // A profile id that leads nowhere (deleted) is dropped.
  const to = (id: string) => live.get(id);

  const score = new Map<string, { sum: number; n: number }>();
  for (const s of scores) {
    const id = to(s.profileId);
    if (!id) continue;
    const acc = score.get(id) ?? { sum: 0, n: 0 };
    acc.sum += s.sum;
    acc.n += s.n;
    score.set(id, acc);
  }
  const complaint = new Map<string, number>();
  for (const c of complaints) {
    const id = to(c.profileId);
    if (id) complaint.set(id, Math.max(complaint.get(id) ?? 0, c.at));
  }
  const named = new Map<string, Map<string, number>>();
  for (const a of aspects) {
    const id = to(a.profileId);
    if (!id) continue;
    const m = named.get(id) ?? new Map<string, number>();
    m.set(a.aspect, (m.get(a.aspect) ?? 0) + a.n);
    named.set(id, m);
  }

  const values: { profileId: string; key: string; value: ComputedTraitInput }[] = [];
  for (const [profileId, s] of score) {
    values.push({ profileId, key: 'sentiment_avg_90d', value: Math.round((s.sum / s.n) * 1000) / 1000 });
    values.push({ profileId, key: 'feedback_count_90d', value: s.n });
  }
  for (const [profileId, at] of complaint) values.push({ profileId, key: 'last_complaint_at', value: at });
  for (const [profileId, m] of named) {
    const list = [...m].map(([aspect, n]) => ({ aspect, n }));
    // Most named first; ties in lexicon order, so the value is stable across runs.
    const ranked = list.sort((a, b) => b.n - a.n || rank(a.aspect) - rank(b.aspect));
    values.push({ profileId, key: 'top_topic', value: ranked[0]!.aspect });
    values.push({ profileId, key: 'top_topics', value: ranked.slice(0, 3).map((a) => a.aspect).join(',') });
  }
  await traits.define(workspaceId, FEEDBACK_TRAITS);
  return traits.replace(workspaceId, KEYS, values);
}
