import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { SegmentTable } from '../db/database.js';
import type { DbOrTrx, DialectHelpers } from '../db/dialect.js';

export type SegmentRow = Selectable<SegmentTable>;
export type NewSegmentRow = Insertable<SegmentTable>;
export type SegmentPatch = Omit<Updateable<SegmentTable>, 'workspace_id' | 'id'>;

const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function insertSegment(db: DbOrTrx, row: NewSegmentRow): Promise<void> {
  await db.insertInto('segments').values(row).execute();
}

export async function updateSegment(db: DbOrTrx, workspaceId: string, id: string, patch: SegmentPatch): Promise<void> {
  await db.updateTable('segments').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

export async function findSegment(db: DbOrTrx, workspaceId: string, id: string): Promise<SegmentRow | undefined> {
  return db.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
}

export async function listSegments(db: DbOrTrx, workspaceId: string): Promise<SegmentRow[]> {
  return db.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId).where('status', '=', 'active').orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Workspaces that have at least one active segment (the time sweep walks them). */
export async function workspacesWithSegments(db: DbOrTrx): Promise<string[]> {
  const rows = await db.selectFrom('segments').select('workspace_id').where('status', '=', 'active').distinct().execute();
  return rows.map((r) => r.workspace_id);
}

/** Current members of a segment, optionally only among `profileIds`. */
export async function memberIds(db: DbOrTrx, workspaceId: string, segmentId: string, profileIds?: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  const base = db.selectFrom('segment_members').select('profile_id').where('workspace_id', '=', workspaceId).where('segment_id', '=', segmentId);
  if (!profileIds) {
    for (const r of await base.execute()) out.add(r.profile_id);
    return out;
  }
  for (const part of chunks(profileIds)) for (const r of await base.where('profile_id', 'in', part).execute()) out.add(r.profile_id);
  return out;
}

/** Apply a membership diff and record each entry and exit. */
export async function applyMembershipDiff(
  trx: DbOrTrx,
  workspaceId: string,
  segmentId: string,
  diff: { entered: readonly string[]; exited: readonly string[] },
  at: number,
): Promise<void> {
  for (const part of chunks(diff.entered, 400)) {
    await trx
      .insertInto('segment_members')
      .values(part.map((profile_id) => ({ workspace_id: workspaceId, segment_id: segmentId, profile_id, entered_at: at })))
      .onConflict((oc) => oc.columns(['workspace_id', 'segment_id', 'profile_id']).doNothing())
      .execute();
  }
  for (const part of chunks(diff.exited)) {
    await trx.deleteFrom('segment_members').where('workspace_id', '=', workspaceId).where('segment_id', '=', segmentId).where('profile_id', 'in', part).execute();
  }
  const transitions = [
    ...diff.entered.map((profile_id) => ({ workspace_id: workspaceId, segment_id: segmentId, profile_id, kind: 'entered', at })),
    ...diff.exited.map((profile_id) => ({ workspace_id: workspaceId, segment_id: segmentId, profile_id, kind: 'exited', at })),
  ];
  for (const part of chunks(transitions, 400)) await trx.insertInto('segment_transitions').values(part).execute();
}

export async function countMembers(db: DbOrTrx, workspaceId: string, segmentId: string): Promise<number> {
  const row = await db
    .selectFrom('segment_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('segment_id', '=', segmentId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Record the size at `at`; within one hour of the last point the point is replaced, so the series stays small. */
export async function recordSize(db: DbOrTrx, workspaceId: string, segmentId: string, at: number, size: number): Promise<void> {
  const hour = Math.floor(at / 3_600_000) * 3_600_000;
  await db.deleteFrom('segment_sizes').where('workspace_id', '=', workspaceId).where('segment_id', '=', segmentId).where('at', '>=', hour).execute();
  await db.insertInto('segment_sizes').values({ workspace_id: workspaceId, segment_id: segmentId, at, size }).execute();
}

export async function sizeHistory(db: DbOrTrx, workspaceId: string, segmentId: string, from: number): Promise<{ at: number; size: number }[]> {
  return db
    .selectFrom('segment_sizes')
    .select(['at', 'size'])
    .where('workspace_id', '=', workspaceId)
    .where('segment_id', '=', segmentId)
    .where('at', '>=', from)
    .orderBy('at')
    .execute();
}

/** Entries and exits per UTC day since `from`. */
export async function dailyFlows(db: DbOrTrx, utcDay: DialectHelpers['utcDay'], workspaceId: string, segmentId: string, from: number): Promise<{ date: string; entered: number; exited: number }[]> {
  const day = utcDay('at');
  const rows = await db
    .selectFrom('segment_transitions')
    .select([day.as('date'), 'kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('segment_id', '=', segmentId)
    .where('at', '>=', from)
    .groupBy([day, 'kind'])
    .execute();
  const byDate = new Map<string, { date: string; entered: number; exited: number }>();
  for (const r of rows) {
    const date = String(r.date);
    const entry = byDate.get(date) ?? { date, entered: 0, exited: 0 };
    if (r.kind === 'entered') entry.entered += Number(r.n);
    else entry.exited += Number(r.n);
    byDate.set(date, entry);
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

export async function overlapCount(db: DbOrTrx, workspaceId: string, a: string, b: string): Promise<number> {
  const row = await db
    .selectFrom('segment_members as ma')
    .innerJoin('segment_members as mb', (j) => j.onRef('mb.workspace_id', '=', 'ma.workspace_id').onRef('mb.profile_id', '=', 'ma.profile_id'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ma.workspace_id', '=', workspaceId)
    .where('ma.segment_id', '=', a)
    .where('mb.segment_id', '=', b)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The segments a profile is in, with the time it entered. */
export async function segmentsOfProfile(db: DbOrTrx, workspaceId: string, profileId: string): Promise<{ id: string; name: string; enteredAt: number }[]> {
  const rows = await db
    .selectFrom('segment_members as m')
    .innerJoin('segments as s', (j) => j.onRef('s.workspace_id', '=', 'm.workspace_id').onRef('s.id', '=', 'm.segment_id'))
    .select(['s.id', 's.name', 'm.entered_at'])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.profile_id', '=', profileId)
    .where('s.status', '=', 'active')
    .orderBy('s.name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, enteredAt: r.entered_at }));
}

export async function enteredAt(db: DbOrTrx, workspaceId: string, segmentId: string, profileIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks(profileIds)) {
    const rows = await db
      .selectFrom('segment_members')
      .select(['profile_id', 'entered_at'])
      .where('workspace_id', '=', workspaceId)
      .where('segment_id', '=', segmentId)
      .where('profile_id', 'in', part)
      .execute();
    for (const r of rows) out.set(r.profile_id, r.entered_at);
  }
  return out;
}

/** Members in profile-id order after `after` (keyset paging: stable while members come and go, no offset to skip). */
export const memberPage = (db: DbOrTrx, workspaceId: string, segmentId: string, after: string | null, limit: number) => {
  let q = db
    .selectFrom('segment_members as m')
    .innerJoin('profiles as p', (j) => j.onRef('p.workspace_id', '=', 'm.workspace_id').onRef('p.id', '=', 'm.profile_id'))
    .select(['p.id', 'p.traits'])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.segment_id', '=', segmentId);
  if (after !== null) q = q.where('m.profile_id', '>', after);
  return q.orderBy('m.profile_id').limit(limit).execute();
};

/** SQL restriction "p is a member of the segment", for the profile service's lists. */
export function isMemberOf(workspaceId: string, segmentId: string) {
  return sql<boolean>`p.id in (select profile_id from segment_members where workspace_id = ${workspaceId} and segment_id = ${segmentId})`;
}
