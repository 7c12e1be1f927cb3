import type { Insertable, Selectable } from 'kysely';
import type { FrequencyCapTable, SubscriptionGroupTable, SuppressionTable } from '../db/database.js';
import type { DbOrTrx } from '../db/dialect.js';

export type GroupRow = Selectable<SubscriptionGroupTable>;
export type SuppressionRow = Selectable<SuppressionTable>;
export type CapRow = Selectable<FrequencyCapTable>;

export async function insertGroup(db: DbOrTrx, row: Insertable<SubscriptionGroupTable>): Promise<void> {
  await db.insertInto('subscription_groups').values(row).execute();
}

export async function updateGroup(db: DbOrTrx, workspaceId: string, id: string, patch: { name?: string; name_zh?: string | null; description?: string; status?: string; updated_at: number }): Promise<void> {
  await db.updateTable('subscription_groups').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

export async function findGroup(db: DbOrTrx, workspaceId: string, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom('subscription_groups').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
}

export async function listGroups(db: DbOrTrx, workspaceId: string, channel?: string): Promise<GroupRow[]> {
  let q = db.selectFrom('subscription_groups').selectAll().where('workspace_id', '=', workspaceId).where('status', '=', 'active');
  if (channel) q = q.where('channel', '=', channel);
  return q.orderBy('name').orderBy('id').execute();
}

/** A profile's stored choices, by group id. */
export async function subscriptionChoices(db: DbOrTrx, workspaceId: string, profileId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('subscriptions').select(['group_id', 'status']).where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
  return new Map(rows.map((r) => [r.group_id, r.status]));
}

export async function subscriptionChoice(db: DbOrTrx, workspaceId: string, groupId: string, profileId: string): Promise<string | null> {
  const row = await db
    .selectFrom('subscriptions')
    .select('status')
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', groupId)
    .where('profile_id', '=', profileId)
    .executeTakeFirst();
  return row?.status ?? null;
}

export async function setSubscription(db: DbOrTrx, row: { workspaceId: string; groupId: string; profileId: string; status: string; at: number }): Promise<void> {
  await db
    .insertInto('subscriptions')
    .values({ workspace_id: row.workspaceId, group_id: row.groupId, profile_id: row.profileId, status: row.status, updated_at: row.at })
    .onConflict((oc) => oc.columns(['workspace_id', 'group_id', 'profile_id']).doUpdateSet({ status: row.status, updated_at: row.at }))
    .execute();
}

export async function optedOutChannels(db: DbOrTrx, workspaceId: string, profileId: string): Promise<string[]> {
  const rows = await db.selectFrom('channel_opt_outs').select('channel').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).orderBy('channel').execute();
  return rows.map((r) => r.channel);
}

export async function setChannelOptOut(db: DbOrTrx, workspaceId: string, profileId: string, channel: string, optedOut: boolean, at: number): Promise<void> {
  if (optedOut) {
    await db
      .insertInto('channel_opt_outs')
      .values({ workspace_id: workspaceId, profile_id: profileId, channel, created_at: at })
      .onConflict((oc) => oc.columns(['workspace_id', 'profile_id', 'channel']).doNothing())
      .execute();
  } else {
    await db.deleteFrom('channel_opt_outs').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).where('channel', '=', channel).execute();
  }
}

export async function findSuppression(db: DbOrTrx, workspaceId: string, channel: string, address: string): Promise<SuppressionRow | undefined> {
  return db.selectFrom('suppressions').selectAll().where('workspace_id', '=', workspaceId).where('channel', '=', channel).where('address', '=', address).executeTakeFirst();
}

/** Add an address; an address already listed keeps its first reason. Returns whether it was new. */
export async function insertSuppression(db: DbOrTrx, row: Insertable<SuppressionTable>): Promise<boolean> {
  const result = await db
    .insertInto('suppressions')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'address']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteSuppression(db: DbOrTrx, workspaceId: string, channel: string, address: string): Promise<boolean> {
  const result = await db.deleteFrom('suppressions').where('workspace_id', '=', workspaceId).where('channel', '=', channel).where('address', '=', address).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listSuppressions(db: DbOrTrx, workspaceId: string, query: { channel?: string | undefined; q?: string | undefined; limit: number; offset: number }): Promise<{ rows: SuppressionRow[]; total: number }> {
  let q = db.selectFrom('suppressions').where('workspace_id', '=', workspaceId);
  if (query.channel) q = q.where('channel', '=', query.channel);
  if (query.q?.trim()) q = q.where('address', 'like', `%${query.q.trim().toLowerCase().replace(/[%_\\]/g, '')}%`);
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('created_at', 'desc').orderBy('address').limit(query.limit).offset(query.offset).execute();
  return { rows, total: Number(total.n) };
}

export async function listCaps(db: DbOrTrx, workspaceId: string): Promise<CapRow[]> {
  return db.selectFrom('frequency_caps').selectAll().where('workspace_id', '=', workspaceId).orderBy('channel').execute();
}

export async function findCap(db: DbOrTrx, workspaceId: string, channel: string): Promise<CapRow | undefined> {
  return db.selectFrom('frequency_caps').selectAll().where('workspace_id', '=', workspaceId).where('channel', '=', channel).executeTakeFirst();
}

export async function upsertCap(db: DbOrTrx, row: Insertable<FrequencyCapTable>): Promise<void> {
  await db
    .insertInto('frequency_caps')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'channel']).doUpdateSet({ max_messages: row.max_messages, window_days: row.window_days, updated_at: row.updated_at }))
    .execute();
}

export async function deleteCap(db: DbOrTrx, workspaceId: string, channel: string): Promise<boolean> {
  const result = await db.deleteFrom('frequency_caps').where('workspace_id', '=', workspaceId).where('channel', '=', channel).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Marketing messages that count against a frequency cap: sent, or being sent right now, since
 * `since`. The message being checked is left out so a retry does not count itself.
 */
export async function countCapped(db: DbOrTrx, q: { workspaceId: string; profileId: string; channel: string; since: number; excludeId?: string | undefined }): Promise<number> {
  let query = db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', q.workspaceId)
    .where('profile_id', '=', q.profileId)
    .where('channel', '=', q.channel)
    .where('kind', '=', 'marketing')
    .where((eb) => eb.or([eb.and([eb('status', '=', 'sent'), eb('sent_at', '>=', q.since)]), eb('status', '=', 'sending')]));
  if (q.excludeId) query = query.where('id', '!=', q.excludeId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}
