import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { BroadcastRecipientTable, BroadcastTable, Database } from '../db/database.js';

/** Queries over broadcasts and their recipients (db handle or transaction first, STYLE §3). */

type Db = Kysely<Database> | Transaction<Database>;
export type BroadcastRow = Selectable<BroadcastTable>;
export type RecipientRow = Selectable<BroadcastRecipientTable>;

export const findBroadcast = (db: Db, workspaceId: string, id: string): Promise<BroadcastRow | undefined> =>
  db.selectFrom('broadcasts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();

export const listBroadcasts = (db: Db, workspaceId: string): Promise<BroadcastRow[]> =>
  db.selectFrom('broadcasts').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at', 'desc').limit(200).execute();

export async function insertBroadcast(db: Db, row: Insertable<BroadcastTable>): Promise<void> {
  await db.insertInto('broadcasts').values(row).execute();
}

/** Update when the status is still one of `from` (a fenced move); true when it applied. */
export async function updateBroadcast(db: Db, workspaceId: string, id: string, from: readonly string[], patch: Updateable<BroadcastTable>): Promise<boolean> {
  const r = await db.updateTable('broadcasts').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Add recipients; ones already there (a repeated snapshot) keep their row. */
export async function insertRecipients(db: Db, rows: readonly Insertable<BroadcastRecipientTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('broadcast_recipients').values([...rows]).onConflict((oc) => oc.doNothing()).execute();
}

export const dueRecipients = (db: Db, workspaceId: string, broadcastId: string, now: number, limit: number): Promise<RecipientRow[]> =>
  db
    .selectFrom('broadcast_recipients')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', '=', broadcastId)
    .where('status', '=', 'pending')
    .where('send_at', '<=', now)
    .orderBy('send_at')
    .orderBy('profile_id')
    .limit(limit)
    .execute();

/** The earliest send_at among recipients still to send (pending or held), or null when none are left. */
export async function nextSendAt(db: Db, workspaceId: string, broadcastId: string): Promise<number | null> {
  const r = await db
    .selectFrom('broadcast_recipients')
    .select((eb) => eb.fn.min('send_at').as('at'))
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', '=', broadcastId)
    .where('status', 'in', ['pending', 'held'])
    .executeTakeFirst();
  return r?.at === null || r?.at === undefined ? null : Number(r.at);
}

export async function updateRecipient(db: Db, workspaceId: string, broadcastId: string, profileId: string, patch: Updateable<BroadcastRecipientTable>): Promise<void> {
  await db.updateTable('broadcast_recipients').set(patch).where('workspace_id', '=', workspaceId).where('broadcast_id', '=', broadcastId).where('profile_id', '=', profileId).execute();
}

/**
 * Each sent batch's outcomes, one statement per 500 recipients (`update … from (values …)`, the
 * profile ids also listed with `in (…)` so SQLite looks each one up rather than scanning the
 * broadcast: message.bulk.ts recordOutcomes).
 */
export async function recordRecipients(db: Db, workspaceId: string, broadcastId: string, rows: readonly { profileId: string; status: string; reason: string | null; messageId: string | null }[], at: number): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    const values = part.map((r) => sql`(cast(${r.profileId} as text), cast(${r.status} as text), cast(${r.reason} as text), cast(${r.messageId} as text))`);
    await sql`
      update broadcast_recipients set status = v.column2, reason = v.column3, message_id = v.column4, updated_at = ${at}
      from (values ${sql.join(values)}) as v
      where broadcast_recipients.workspace_id = ${workspaceId} and broadcast_recipients.broadcast_id = ${broadcastId}
        and broadcast_recipients.profile_id in (${sql.join(part.map((r) => r.profileId))}) and broadcast_recipients.profile_id = v.column1`.execute(db);
  }
}

/** Give every recipient waiting for the A/B winner the winning variant, due now. */
export async function releaseHeld(db: Db, workspaceId: string, broadcastId: string, variant: string, now: number): Promise<void> {
  await db
    .updateTable('broadcast_recipients')
    .set({ variant, status: 'pending', send_at: now, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', '=', broadcastId)
    .where('status', '=', 'held')
    .execute();
}

export const sentOfVariant = (db: Db, workspaceId: string, broadcastId: string, variant: string) =>
  db
    .selectFrom('broadcast_recipients')
    .select(['profile_id', 'message_id'])
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', '=', broadcastId)
    .where('variant', '=', variant)
    .where('status', '=', 'sent')
    .execute();

/** Held-back (suppressed) recipients by reason, most first. */
export const heldBackCounts = (db: Db, workspaceId: string, broadcastId: string) =>
  db
    .selectFrom('broadcast_recipients')
    .select(['reason', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', '=', broadcastId)
    .where('status', '=', 'suppressed')
    .groupBy('reason')
    .orderBy('n', 'desc')
    .orderBy('reason')
    .execute();

export const statusCounts = (db: Db, workspaceId: string, broadcastId: string) =>
  db
    .selectFrom('broadcast_recipients')
    .select(['status', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', '=', broadcastId)
    .groupBy('status')
    .execute();
