import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { MessageEventTable, MessageTable } from '../db/database.js';
import type { DbOrTrx } from '../db/dialect.js';

export type MessageRow = Selectable<MessageTable>;
export type NewMessageRow = Insertable<MessageTable>;
export type MessagePatch = Omit<Updateable<MessageTable>, 'workspace_id' | 'id' | 'idempotency_key'>;
export type MessageEventRow = Selectable<MessageEventTable>;

/** Insert unless the idempotency key is taken; returns whether this call inserted it. */
export async function insertMessage(db: DbOrTrx, row: NewMessageRow): Promise<boolean> {
  const result = await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findByKey(db: DbOrTrx, workspaceId: string, key: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('idempotency_key', '=', key).executeTakeFirst();
}

export async function findMessage(db: DbOrTrx, workspaceId: string, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function findByProviderId(db: DbOrTrx, workspaceId: string, providerId: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('provider_message_id', '=', providerId).executeTakeFirst();
}

/**
 * Change a row only if it is still in the state the caller read (status and attempt number):
 * the fence that lets two workers race for one message with exactly one winner.
 */
export async function updateFenced(db: DbOrTrx, workspaceId: string, id: string, fence: { status: string; attempts: number }, patch: MessagePatch): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set(patch)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '=', fence.status)
    .where('attempts', '=', fence.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface MessageFilter {
  status?: string | undefined;
  statuses?: readonly string[] | undefined;
  profileId?: string | undefined;
  channel?: string | undefined;
  templateId?: string | undefined;
  sourceKind?: string | undefined;
  sourceId?: string | undefined;
  limit: number;
  offset: number;
}

export async function listMessages(db: DbOrTrx, workspaceId: string, f: MessageFilter): Promise<{ rows: MessageRow[]; total: number }> {
  let q = db.selectFrom('messages').where('workspace_id', '=', workspaceId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.statuses?.length) q = q.where('status', 'in', [...f.statuses]);
  if (f.profileId) q = q.where('profile_id', '=', f.profileId);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.templateId) q = q.where('template_id', '=', f.templateId);
  if (f.sourceKind) q = q.where('source_kind', '=', f.sourceKind);
  if (f.sourceId) q = q.where('source_id', '=', f.sourceId);
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
  return { rows, total: Number(total.n) };
}

/**
 * Rows the recovery sweep must look at, across workspaces: queued rows whose time came and went
 * (the process that owned them stopped before sending or before enqueueing the retry), and
 * `sending` rows whose lease ran out (the process died during the provider call).
 */
export async function stuckMessages(db: DbOrTrx, now: number, queuedGraceMs: number, limit: number): Promise<MessageRow[]> {
  const queued = await db
    .selectFrom('messages')
    .selectAll()
    // Statuses as literals: the partial indexes messages_queued and messages_sending (migration 0014) are matched by them, not by a bound parameter.
    .where('status', '=', sql.lit('queued'))
    .where('next_attempt_at', '<=', now - queuedGraceMs)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  const sending = await db.selectFrom('messages').selectAll().where('status', '=', sql.lit('sending')).where('lease_until', '<', now).orderBy('lease_until').limit(limit).execute();
  return [...queued, ...sending];
}

/** Record an event on a message; a repeated dedupe key is ignored. Returns whether it was new. */
export async function insertMessageEvent(db: DbOrTrx, row: Insertable<MessageEventTable>): Promise<boolean> {
  if (row.dedupe_key === null || row.dedupe_key === undefined) {
    await db.insertInto('message_events').values(row).execute();
    return true;
  }
  const result = await db
    .insertInto('message_events')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function messageEvents(db: DbOrTrx, workspaceId: string, messageId: string): Promise<MessageEventRow[]> {
  return db.selectFrom('message_events').selectAll().where('workspace_id', '=', workspaceId).where('message_id', '=', messageId).orderBy('at').orderBy('id').execute();
}
