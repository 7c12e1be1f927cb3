import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { ProfileService } from '../profiles/profile.service.js';
import { isSubscribed, type ConsentService } from './consent.service.js';
import type { MessageEventRecorder } from './message-events.js';
import { findMessage } from './message.repository.js';
import { languageFromAcceptLanguage, say } from '../platform/language.js';
import { localeFromTrait, maskAddress, type PreferencePage } from './preference.page.js';
import type { ProfileEventRecorder } from './profile-events.js';
import type { Locale } from './template.schema.js';
import type { Tracking, UnsubscribeRef } from './tracking.js';

export interface PageRequest {
  token: string;
  acceptLanguage?: string | undefined;
  /** An explicit ?lang= choice (the page's language switch). */
  lang?: string | undefined;
  /** The page's own path, for the form action and the language switch. */
  action: string;
}

export interface UnsubscribeService {
  /** RFC 8058 one-click: unsubscribe from the token's group (or the channel's marketing), no questions asked. */
  oneClick(token: string): Promise<void>;
  page(request: PageRequest): Promise<PreferencePage>;
  /** Save the preference form: the checked groups stay subscribed, the others are unsubscribed; `all` opts out of the channel. */
  save(request: PageRequest, form: { groupIds: readonly string[]; all: boolean }): Promise<PreferencePage>;
}

const ACTOR = 'recipient';

export function createUnsubscribeService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  consent: ConsentService;
  profiles: ProfileService;
  tracking: Tracking;
  messageEvents: MessageEventRecorder;
  profileEvents: ProfileEventRecorder;
  onError: (err: unknown) => void;
}): UnsubscribeService {
  const { consent, profiles, tracking } = deps;

  function verify(token: string): UnsubscribeRef {
    const ref = tracking.verifyUnsubscribe(token);
    if (!ref) throw new UserError('UNSUBSCRIBE_INVALID_LINK', say('This unsubscribe link is not valid', '此退订链接无效'), { status: 400, field: 'token' });
    return ref;
  }

  /** Record the unsubscribe on the message (when the link came from one) and on the profile. */
  async function recordUnsubscribe(ref: UnsubscribeRef, groupId: string | null, method: 'one_click' | 'preferences'): Promise<void> {
    const data = { groupId, method, channel: ref.channel };
    const message = ref.messageId ? await findMessage(deps.db, ref.workspaceId, ref.messageId) : undefined;
    if (message) {
      await deps.messageEvents.record(message, 'unsubscribe', data, { dedupeKey: `unsubscribe:${message.id}:${groupId ?? '*'}` });
      return;
    }
    const at = deps.clock.now();
    await deps.profileEvents.record(ref.workspaceId, ref.profileId, { id: newId('mev', at), name: 'message.unsubscribed', properties: { ...data, messageId: null }, at }).catch(deps.onError);
  }

  async function model(ref: UnsubscribeRef, request: PageRequest, notice: PreferencePage['notice']): Promise<PreferencePage> {
    const profile = await profiles.get(ref.workspaceId, ref.profileId, 0);
    const subs = await consent.subscriptions(ref.workspaceId, profile.id);
    const explicit: Locale | null = request.lang === 'zh' || request.lang === 'en' ? request.lang : null;
    const locale = explicit ?? localeFromTrait(profile.traits.locale) ?? languageFromAcceptLanguage(request.acceptLanguage) ?? 'en';
    const groups = subs.groups
      .filter((g) => g.group.channel === ref.channel)
      .map((g) => ({ id: g.group.id, name: locale === 'zh' && g.group.nameZh ? g.group.nameZh : g.group.name, description: g.group.description, subscribed: g.subscribed }));
    const address = ref.channel === 'email' ? profile.email : ref.channel === 'sms' ? profile.phone : null;
    return { locale, channel: ref.channel, address: maskAddress(address), groups, optedOut: subs.optedOut.includes(ref.channel), notice, action: request.action };
  }

  return {
    async oneClick(token) {
      const ref = verify(token);
      if (ref.groupId) {
        // A group archived since the message went out: fall back to the channel as a whole.
        const exists = (await consent.listGroups(ref.workspaceId, ref.channel)).some((g) => g.id === ref.groupId);
        if (exists) {
          await consent.setSubscription(ref.workspaceId, ref.profileId, ref.groupId, 'unsubscribed', ACTOR);
          await recordUnsubscribe(ref, ref.groupId, 'one_click');
          return;
        }
      }
      await consent.setChannelOptOut(ref.workspaceId, ref.profileId, ref.channel, true, ACTOR);
      await recordUnsubscribe(ref, null, 'one_click');
    },

    async page(request) {
      return model(verify(request.token), request, null);
    },

    async save(request, form) {
      const ref = verify(request.token);
      const before = await consent.subscriptions(ref.workspaceId, ref.profileId);
      const keep = new Set(form.groupIds);
      for (const g of before.groups) {
        if (g.group.channel !== ref.channel) continue;
        const wanted = keep.has(g.group.id);
        // The group's own standing, apart from a channel-wide opt-out.
        const current = isSubscribed(g.group.type, g.choice);
        if (wanted === current) continue;
        await consent.setSubscription(ref.workspaceId, ref.profileId, g.group.id, wanted ? 'subscribed' : 'unsubscribed', ACTOR);
        if (!wanted) await recordUnsubscribe(ref, g.group.id, 'preferences');
      }
      const wasOut = before.optedOut.includes(ref.channel);
      if (form.all !== wasOut) {
        await consent.setChannelOptOut(ref.workspaceId, ref.profileId, ref.channel, form.all, ACTOR);
        if (form.all) await recordUnsubscribe(ref, null, 'preferences');
      }
      return model(ref, request, 'saved');
    },
  };
}
