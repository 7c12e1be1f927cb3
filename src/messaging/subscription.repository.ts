import type { DbOrTrx } from '../db/dialect.js';

export interface SubscriptionGroup {
  id: string;
  name: string;
  channel: string;
  /** opt_in: only those who subscribed receive; opt_out: everyone until they unsubscribe. */
  type: 'opt_in' | 'opt_out';
}

/** A workspace's subscription groups (consent). Messaging fills them; segments read them through here. */
export async function listSubscriptionGroups(db: DbOrTrx, workspaceId: string): Promise<SubscriptionGroup[]> {
  const rows = await db.selectFrom('subscription_groups').select(['id', 'name', 'channel', 'type']).where('workspace_id', '=', workspaceId).orderBy('name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, channel: r.channel, type: r.type === 'opt_in' ? 'opt_in' : 'opt_out' }));
}
