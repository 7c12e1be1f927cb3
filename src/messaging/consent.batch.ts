import type { DbOrTrx } from '../db/dialect.js';
import { assertUnreachable } from '../platform/errors.js';
import { isSubscribed, normalizeAddress } from './consent.service.js';
import type { BlockReason, SendCheck, SendDecision } from './consent.schema.js';

const DAY = 86_400_000;
const CHUNK = 400;

/** A check whose recipient address is known (a rendered message): nothing is read from the profile. */
export type KnownAddressCheck = SendCheck & { address: string | null };

const chunks = <T>(xs: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
};

/**
 * `canSend` for many messages of one workspace with a few set-based reads (suppressions,
 * opt-outs, groups, subscriptions, frequency-cap counts) instead of up to six reads a message.
 * Decisions are made in input order and follow `canSend` rule for rule. The frequency cap counts
 * what is stored (sent in the window, or being sent) plus the messages allowed earlier in this
 * call: the caller marks every allowed message `sending` in the same transaction, after locking
 * each (profile, channel), so the cap stays exact across concurrent senders. The messages checked
 * must not be `sending` themselves (delivery checks `queued` rows), or they would count twice.
 */
export async function canSendMany(handle: DbOrTrx, now: number, checks: readonly KnownAddressCheck[]): Promise<SendDecision[]> {
  const workspaceId = checks[0]?.workspaceId;
  if (workspaceId === undefined) return [];
  if (checks.some((c) => c.workspaceId !== workspaceId)) throw new Error('canSendMany: every check must be for the same workspace');

  const addresses = checks.map((c) => (c.channel === 'webhook' || !c.address ? null : normalizeAddress(c.channel, c.address)));
  const suppressed = new Set<string>();
  for (const channel of ['email', 'sms'] as const) {
    const wanted = [...new Set(addresses.filter((a, i): a is string => a !== null && checks[i]?.channel === channel))];
    for (const part of chunks(wanted)) {
      const rows = await handle.selectFrom('suppressions').select('address').where('workspace_id', '=', workspaceId).where('channel', '=', channel).where('address', 'in', part).execute();
      for (const r of rows) suppressed.add(`${channel}\u0000${r.address}`);
    }
  }

  const marketing = checks.filter((c): c is KnownAddressCheck & { profileId: string } => c.kind === 'marketing' && c.profileId !== null);
  const profileIds = [...new Set(marketing.map((c) => c.profileId))];
  const optedOut = new Set<string>();
  for (const part of chunks(profileIds)) {
    const rows = await handle.selectFrom('channel_opt_outs').select(['profile_id', 'channel']).where('workspace_id', '=', workspaceId).where('profile_id', 'in', part).execute();
    for (const r of rows) optedOut.add(`${r.profile_id}\u0000${r.channel}`);
  }

  const groupIds = [...new Set(marketing.map((c) => c.subscriptionGroupId).filter((g): g is string => g !== null))];
  const groups = new Map<string, { channel: string; type: string }>();
  const choices = new Map<string, string>();
  for (const part of chunks(groupIds)) {
    const rows = await handle.selectFrom('subscription_groups').select(['id', 'channel', 'type']).where('workspace_id', '=', workspaceId).where('id', 'in', part).where('status', '=', 'active').execute();
    for (const g of rows) groups.set(g.id, { channel: g.channel, type: g.type });
  }
  for (const groupId of groups.keys()) {
    const members = [...new Set(marketing.filter((c) => c.subscriptionGroupId === groupId).map((c) => c.profileId))];
    for (const part of chunks(members)) {
      const rows = await handle.selectFrom('subscriptions').select(['profile_id', 'status']).where('workspace_id', '=', workspaceId).where('group_id', '=', groupId).where('profile_id', 'in', part).execute();
      for (const r of rows) choices.set(`${groupId}\u0000${r.profile_id}`, r.status);
    }
  }

  const caps = new Map((await handle.selectFrom('frequency_caps').select(['channel', 'max_messages', 'window_days']).where('workspace_id', '=', workspaceId).execute()).map((c) => [c.channel, c]));
  /** Capped messages per `profile\0channel`: stored ones first, then those allowed by this call. */
  const counted = new Map<string, number>();
  for (const [channel, cap] of caps) {
    const capped = [...new Set(marketing.filter((c) => c.channel === channel).map((c) => c.profileId))];
    const since = now - cap.window_days * DAY;
    for (const part of chunks(capped)) {
      const rows = await handle
        .selectFrom('messages')
        .select((eb) => ['profile_id', eb.fn.countAll<number>().as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', part)
        .where('channel', '=', channel)
        .where('kind', '=', 'marketing')
        .where((eb) => eb.or([eb.and([eb('status', '=', 'sent'), eb('sent_at', '>=', since)]), eb('status', '=', 'sending')]))
        .groupBy('profile_id')
        .execute();
      for (const r of rows) if (r.profile_id) counted.set(`${r.profile_id}\u0000${channel}`, Number(r.n));
    }
  }

  const blocked = (reason: BlockReason): SendDecision => ({ ok: false, reason });
  return checks.map((c, i): SendDecision => {
    const address = addresses[i] ?? null;
    if (c.channel !== 'webhook') {
      if (!address) return blocked('no_address');
      if (suppressed.has(`${c.channel}\u0000${address}`)) return blocked('suppressed');
    }
    switch (c.kind) {
      case 'transactional':
        return { ok: true };
      case 'marketing':
        break;
      default:
        return assertUnreachable(c.kind);
    }
    const profileId = c.profileId;
    if (!profileId) return { ok: true };
    if (optedOut.has(`${profileId}\u0000${c.channel}`)) return blocked('opted_out');
    if (c.subscriptionGroupId) {
      const g = groups.get(c.subscriptionGroupId);
      if (!g || g.channel !== c.channel) return blocked('unknown_subscription_group');
      if (!isSubscribed(g.type, choices.get(`${c.subscriptionGroupId}\u0000${profileId}`) ?? null)) return blocked(g.type === 'opt_in' ? 'not_subscribed' : 'unsubscribed');
    }
    const cap = caps.get(c.channel);
    if (cap) {
      const key = `${profileId}\u0000${c.channel}`;
      const sent = counted.get(key) ?? 0;
      if (sent >= cap.max_messages) return blocked('frequency_cap');
      counted.set(key, sent + 1);
    }
    return { ok: true };
  });
}
