import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DbOrTrx } from '../db/dialect.js';
import { audit } from '../platform/audit.js';
import type { Clock } from '../platform/clock.js';
import { assertUnreachable, notFound, UserError } from '../platform/errors.js';
import { newId, toIso } from '../platform/ids.js';
import { say } from '../platform/language.js';
import { normalizeEmail, normalizePhone } from '../profiles/identity.js';
import type { ProfileService } from '../profiles/profile.service.js';
import {
  countCapped,
  deleteCap,
  deleteSuppression,
  findCap,
  findGroup,
  findSuppression,
  insertGroup,
  insertSuppression,
  listCaps,
  listGroups,
  listSuppressions,
  optedOutChannels,
  setChannelOptOut,
  setSubscription,
  subscriptionChoice,
  subscriptionChoices,
  updateGroup,
  upsertCap,
  type GroupRow,
  type SuppressionRow,
} from './consent.repository.js';
import {
  AddressChannel,
  SuppressionReason,
  type FrequencyCap,
  type ProfileSubscriptions,
  type SendCheck,
  type SendDecision,
  type SubscriptionGroup,
  type SubscriptionGroupInput,
  type SubscriptionGroupUpdate,
  type SubscriptionStatus,
  type Suppression,
  type SuppressionInput,
  type SuppressionList,
  type SuppressionQuery,
} from './consent.schema.js';
import { templatesInGroup } from './template.repository.js';
import { Channel } from './template.schema.js';

const DAY = 86_400_000;

export interface ConsentService {
  listGroups(workspaceId: string, channel?: Channel): Promise<SubscriptionGroup[]>;
  getGroup(workspaceId: string, id: string): Promise<SubscriptionGroup>;
  createGroup(workspaceId: string, input: SubscriptionGroupInput, actor: string): Promise<SubscriptionGroup>;
  updateGroup(workspaceId: string, id: string, input: SubscriptionGroupUpdate, actor: string): Promise<SubscriptionGroup>;
  /** Archive a group (segments that name it keep compiling; nothing is sent under it any more). */
  removeGroup(workspaceId: string, id: string, actor: string): Promise<void>;
  /** A profile's standing in every group of the workspace. */
  subscriptions(workspaceId: string, profileIdOrKey: string): Promise<ProfileSubscriptions>;
  setSubscription(workspaceId: string, profileId: string, groupId: string, status: SubscriptionStatus, actor: string): Promise<void>;
  /** Opt a profile out of (or back into) all marketing on a channel. */
  setChannelOptOut(workspaceId: string, profileId: string, channel: Channel, optedOut: boolean, actor: string): Promise<void>;
  listSuppressions(workspaceId: string, query: SuppressionQuery): Promise<SuppressionList>;
  /** Add an address (normalised); an address already listed keeps its first reason. Returns whether it was new. */
  addSuppression(workspaceId: string, input: SuppressionInput & { messageId?: string | null }, actor: string): Promise<boolean>;
  removeSuppression(workspaceId: string, channel: AddressChannel, address: string, actor: string): Promise<void>;
  listCaps(workspaceId: string): Promise<FrequencyCap[]>;
  setCap(workspaceId: string, cap: FrequencyCap, actor: string): Promise<FrequencyCap>;
  removeCap(workspaceId: string, channel: Channel, actor: string): Promise<void>;
  /**
   * May this message go out now? Suppression stops every kind of message, transactional included;
   * transactional messages skip subscription checks and frequency caps. Pass a transaction to
   * count the cap inside it (delivery locks the profile's channel first, so the cap is exact).
   */
  canSend(check: SendCheck, db?: DbOrTrx): Promise<SendDecision>;
}

/** Normalise an address for its channel (suppressions are looked up by the normalised form). */
export function normalizeAddress(channel: AddressChannel, raw: string): string | null {
  return channel === 'email' ? normalizeEmail(raw) : normalizePhone(raw);
}

function toGroup(r: GroupRow): SubscriptionGroup {
  return {
    id: r.id,
    name: r.name,
    nameZh: r.name_zh,
    description: r.description,
    channel: Channel.parse(r.channel),
    type: r.type === 'opt_in' ? 'opt_in' : 'opt_out',
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at ?? r.created_at),
  };
}

function toSuppression(r: SuppressionRow): Suppression {
  return {
    channel: AddressChannel.parse(r.channel),
    address: r.address,
    reason: SuppressionReason.catch('manual').parse(r.reason),
    note: r.note,
    messageId: r.message_id,
    createdAt: toIso(r.created_at),
  };
}

/** Opt-out groups: subscribed unless they unsubscribed. Opt-in groups: only after subscribing (as segments read them). */
/**
 * The lock a send holds while its customer's frequency cap is counted and its message claimed
 * (db/dialect.ts lockKeys): one per customer and channel, under the workspace's send scope.
 */
export const sendSlot = (workspaceId: string, profileId: string, channel: string): string => `${workspaceId}\u0000send\u0000${profileId}\u0000${channel}`;
export const sendScope = (workspaceId: string): string => `${workspaceId}\u0000send`;

export const isSubscribed = (type: string, choice: string | null): boolean => (type === 'opt_in' ? choice === 'subscribed' : choice !== 'unsubscribed');

export function createConsentService(deps: { db: Kysely<Database>; clock: Clock; profiles: ProfileService }): ConsentService {
  const { db, clock, profiles } = deps;

  async function group(workspaceId: string, id: string): Promise<GroupRow> {
    const r = await findGroup(db, workspaceId, id);
    if (!r) throw notFound(say('Subscription group', '订阅组'), 'id');
    return r;
  }

  async function addressOf(workspaceId: string, profileId: string, channel: Channel): Promise<string | null> {
    if (channel === 'webhook') return null;
    const p = await profiles.get(workspaceId, profileId, 0);
    return channel === 'email' ? p.email : p.phone;
  }

  return {
    async listGroups(workspaceId, channel) {
      return (await listGroups(db, workspaceId, channel)).map(toGroup);
    },

    async getGroup(workspaceId, id) {
      return toGroup(await group(workspaceId, id));
    },

    async createGroup(workspaceId, input, actor) {
      const now = clock.now();
      const id = newId('sgr', now);
      await insertGroup(db, { workspace_id: workspaceId, id, name: input.name, name_zh: input.nameZh ?? null, description: input.description, channel: input.channel, type: input.type, status: 'active', created_at: now, updated_at: now });
      await audit(db, { workspaceId, actor, action: 'subscription_group.create', target: id, data: { name: input.name, channel: input.channel, type: input.type }, at: now });
      return toGroup(await group(workspaceId, id));
    },

    async updateGroup(workspaceId, id, input, actor) {
      await group(workspaceId, id);
      const now = clock.now();
      await updateGroup(db, workspaceId, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.nameZh !== undefined ? { name_zh: input.nameZh } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        updated_at: now,
      });
      await audit(db, { workspaceId, actor, action: 'subscription_group.update', target: id, at: now });
      return toGroup(await group(workspaceId, id));
    },

    async removeGroup(workspaceId, id, actor) {
      await group(workspaceId, id);
      const users = await templatesInGroup(db, workspaceId, id);
      if (users.length) throw new UserError('SUBSCRIPTION_GROUP_IN_USE', say(`Templates send under this group: ${users.map((t) => t.name).join(', ')}`, `以下模板正在使用该订阅组：${users.map((t) => t.name).join('、')}`), { status: 409, field: 'id' });
      const now = clock.now();
      await updateGroup(db, workspaceId, id, { status: 'archived', updated_at: now });
      await audit(db, { workspaceId, actor, action: 'subscription_group.archive', target: id, at: now });
    },

    async subscriptions(workspaceId, profileIdOrKey) {
      const profile = await profiles.get(workspaceId, profileIdOrKey, 0);
      const [groups, choices, optedOut] = await Promise.all([listGroups(db, workspaceId), subscriptionChoices(db, workspaceId, profile.id), optedOutChannels(db, workspaceId, profile.id)]);
      return {
        profileId: profile.id,
        groups: groups.map((g) => {
          const choice = choices.get(g.id) ?? null;
          return { group: toGroup(g), choice: choice === 'subscribed' || choice === 'unsubscribed' ? choice : null, subscribed: isSubscribed(g.type, choice) && !optedOut.includes(g.channel) };
        }),
        optedOut: optedOut.map((c) => Channel.parse(c)),
      };
    },

    async setSubscription(workspaceId, profileId, groupId, status, actor) {
      await group(workspaceId, groupId);
      const profile = await profiles.get(workspaceId, profileId, 0);
      const now = clock.now();
      await setSubscription(db, { workspaceId, groupId, profileId: profile.id, status, at: now });
      await audit(db, { workspaceId, actor, action: `subscription.${status === 'subscribed' ? 'subscribe' : 'unsubscribe'}`, target: profile.id, data: { groupId }, at: now });
    },

    async setChannelOptOut(workspaceId, profileId, channel, optedOut, actor) {
      const profile = await profiles.get(workspaceId, profileId, 0);
      const now = clock.now();
      await setChannelOptOut(db, workspaceId, profile.id, channel, optedOut, now);
      await audit(db, { workspaceId, actor, action: optedOut ? 'subscription.opt_out_channel' : 'subscription.opt_in_channel', target: profile.id, data: { channel }, at: now });
    },

    async listSuppressions(workspaceId, query) {
      const { rows, total } = await listSuppressions(db, workspaceId, query);
      return { items: rows.map(toSuppression), total };
    },

    async addSuppression(workspaceId, input, actor) {
      const address = normalizeAddress(input.channel, input.address);
      if (!address) throw new UserError('SUPPRESSION_INVALID_ADDRESS', say(`Not a valid ${input.channel === 'email' ? 'email address' : 'phone number'}: ${input.address}`, `${input.channel === 'email' ? '邮箱地址' : '手机号'}无效：${input.address}`), { field: 'address' });
      const now = clock.now();
      const added = await insertSuppression(db, { workspace_id: workspaceId, channel: input.channel, address, reason: input.reason, note: input.note ?? null, message_id: input.messageId ?? null, created_at: now });
      if (added) await audit(db, { workspaceId, actor, action: 'suppression.add', target: `${input.channel}:${address}`, data: { reason: input.reason }, at: now });
      return added;
    },

    async removeSuppression(workspaceId, channel, raw, actor) {
      const address = normalizeAddress(channel, raw) ?? raw.trim().toLowerCase();
      if (!(await deleteSuppression(db, workspaceId, channel, address))) throw notFound(say('Suppression', '屏蔽名单记录'), 'address');
      await audit(db, { workspaceId, actor, action: 'suppression.remove', target: `${channel}:${address}`, at: clock.now() });
    },

    async listCaps(workspaceId) {
      return (await listCaps(db, workspaceId)).map((r) => ({ channel: Channel.parse(r.channel), maxMessages: r.max_messages, windowDays: r.window_days }));
    },

    async setCap(workspaceId, cap, actor) {
      const now = clock.now();
      await deps.db.transaction().execute(async (trx) => {
        await upsertCap(trx, { workspace_id: workspaceId, channel: cap.channel, max_messages: cap.maxMessages, window_days: cap.windowDays, updated_at: now });
        await audit(trx, { workspaceId, actor, action: 'frequency_cap.set', target: cap.channel, data: cap, at: now });
      });
      return cap;
    },

    async removeCap(workspaceId, channel, actor) {
      if (!(await deleteCap(db, workspaceId, channel))) throw notFound(say('Frequency cap', '频率上限设置'), 'channel');
      await audit(db, { workspaceId, actor, action: 'frequency_cap.remove', target: channel, at: clock.now() });
    },

    async canSend(check, handle = db) {
      const { workspaceId, profileId, channel } = check;
      let address: string | null = null;
      if (channel !== 'webhook') {
        const raw = check.address !== undefined ? check.address : profileId ? await addressOf(workspaceId, profileId, channel) : null;
        address = raw ? normalizeAddress(channel, raw) : null;
        if (!address) return { ok: false, reason: 'no_address' };
        if (await findSuppression(handle, workspaceId, channel, address)) return { ok: false, reason: 'suppressed' };
      }
      switch (check.kind) {
        case 'transactional':
          return { ok: true };
        case 'marketing':
          break;
        default:
          return assertUnreachable(check.kind);
      }
      // A test send to a bare address has no consent record to consult beyond suppression.
      if (!profileId) return { ok: true };
      if ((await optedOutChannels(handle, workspaceId, profileId)).includes(channel)) return { ok: false, reason: 'opted_out' };
      if (check.subscriptionGroupId) {
        const g = await findGroup(handle, workspaceId, check.subscriptionGroupId);
        if (!g || g.channel !== channel) return { ok: false, reason: 'unknown_subscription_group' };
        const choice = await subscriptionChoice(handle, workspaceId, g.id, profileId);
        if (!isSubscribed(g.type, choice)) return { ok: false, reason: g.type === 'opt_in' ? 'not_subscribed' : 'unsubscribed' };
      }
      const cap = await findCap(handle, workspaceId, channel);
      if (cap) {
        const since = clock.now() - cap.window_days * DAY;
        const sent = await countCapped(handle, { workspaceId, profileId, channel, since, excludeId: check.messageId });
        if (sent >= cap.max_messages) return { ok: false, reason: 'frequency_cap' };
      }
      return { ok: true };
    },
  };
}
