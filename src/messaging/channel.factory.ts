import type { Clock } from '../platform/clock.js';
import { assertUnreachable } from '../platform/errors.js';
import { permanent, sandboxed, type MessageChannel, type SendOptions, type SendResult } from './channels/channel.js';
import { createEmailChannel, type EmailChannel, type EmailMessage } from './channels/email.channel.js';
import { createThreadedEmailChannel } from './channels/email.threaded.js';
import { createSmsChannel, type SmsMessage } from './channels/sms.channel.js';
import { createWebhookChannel, type WebhookMessage } from './channels/webhook.channel.js';
import type { ChannelSettingsService, SendingKind } from './channel-settings.service.js';
import type { MessagePayload } from './message.payload.js';
import type { Channel } from './template.schema.js';

/**
 * Channel instances per workspace, built from its channel settings. SMTP transports are pooled, so
 * one is kept per workspace and replaced (the old one closed) when the settings change; settings
 * are re-read at most every `cacheMs`, so a change made through another process is seen too.
 */
export interface TransmitOptions extends SendOptions {
  messageId: string;
  /**
   * Delivery's durable marker for the point of no return (SendOptions.beforeCommit). Forwarded to
   * email only, which calls it between the last byte of DATA and the final dot. HTTP has no such
   * point: a server may act on a request before it is fully received and answer after we crash,
   * so webhook and SMS never call it, and recovery treats an interrupted call by `resendsSafely`
   * (a webhook is re-sent and the receiver dedupes on X-Nudge-Idempotency-Key; an SMS is held as
   * `unknown`). Calling it before the request would make recovery count such a call as sent and
   * skip the safe webhook re-send.
   */
  beforeCommit?: () => Promise<void>;
}

export interface Transmitter {
  transmit(workspaceId: string, payload: MessagePayload, opts: TransmitOptions): Promise<SendResult>;
  /**
   * Whether a message interrupted mid-call (crash) may be sent again. Email: yes, the Message-ID is
   * derived from the idempotency key (email.channel.ts), so receivers and our own bounce matching
   * see one message. Webhooks: yes, X-Nudge-Idempotency-Key is the key. SMS: no, the Messages API
   * has no idempotency, and a second text is visible and billed.
   */
  resendsSafely(channel: Channel): boolean;
  close(): Promise<void>;
}

/** Tests and benchmarks may supply a channel for a workspace instead of the configured provider. */
export type ChannelOverride = (workspaceId: string, channel: Channel) => MessageChannel<EmailMessage | SmsMessage | WebhookMessage> | null;

interface Cached {
  updatedAt: number;
  checkedAt: number;
  channel: MessageChannel<never> | null;
  close?: () => Promise<void>;
}

/**
 * `sandbox`: whether a workspace has sandbox delivery on (workspace settings). Its messages are
 * answered as sent without touching a provider (configured or not), so a demo or a staging
 * workspace exercises journeys, broadcasts, consent and the message log while nothing leaves Nudge.
 * A test's or benchmark's `override` channel still wins.
 */
export function createTransmitter(deps: { settings: ChannelSettingsService; clock: Clock; publicUrl: string; cacheMs?: number; override?: ChannelOverride; sandbox?: (workspaceId: string) => Promise<boolean>; emailThreads?: number; onError: (err: unknown) => void }): Transmitter {
  const { settings, clock } = deps;
  const cacheMs = deps.cacheMs ?? 10_000;
  const base = deps.publicUrl.replace(/\/+$/, '');
  const cache = new Map<string, Cached>();

  function drop(key: string): void {
    const hit = cache.get(key);
    cache.delete(key);
    hit?.close?.().catch(deps.onError);
  }
  settings.onChanged((ws, kind) => drop(`${ws}\u0000${kind}`));
  /** Channel builds under way, so concurrent callers wait for the same one. */
  const building = new Map<string, Promise<Cached['channel']>>();

  async function build(workspaceId: string, kind: SendingKind): Promise<Omit<Cached, 'checkedAt'>> {
    switch (kind) {
      case 'email': {
        const s = await settings.load(workspaceId, 'email');
        if (!s) return { updatedAt: 0, channel: null };
        const threads = deps.emailThreads ?? 0;
        const ch: EmailChannel = threads > 0 ? createThreadedEmailChannel(s.settings, { threads }) : createEmailChannel(s.settings);
        return { updatedAt: s.updatedAt, channel: ch, close: () => ch.close() };
      }
      case 'sms': {
        const s = await settings.load(workspaceId, 'sms');
        if (!s) return { updatedAt: 0, channel: null };
        // Delivery reports come back to this workspace's webhook, signed by the provider.
        const statusCallbackUrl = s.settings.statusCallbackUrl ?? `${base}/api/v1/webhooks/sms/${encodeURIComponent(workspaceId)}`;
        return { updatedAt: s.updatedAt, channel: createSmsChannel({ ...s.settings, statusCallbackUrl }, { clock }) };
      }
      case 'webhook': {
        const s = await settings.load(workspaceId, 'webhook');
        if (!s) return { updatedAt: 0, channel: null };
        return { updatedAt: s.updatedAt, channel: createWebhookChannel(s.settings, { clock }) };
      }
      default:
        return assertUnreachable(kind);
    }
  }

  async function channelFor<M>(workspaceId: string, kind: SendingKind): Promise<MessageChannel<M> | null> {
    const overridden = deps.override?.(workspaceId, kind);
    // The override is typed for every message shape; each call site passes its own.
    if (overridden) return overridden as MessageChannel<M>;
    const key = `${workspaceId}\u0000${kind}`;
    const now = clock.now();
    const hit = cache.get(key);
    if (hit && now - hit.checkedAt >= 0 && now - hit.checkedAt < cacheMs) return hit.channel as MessageChannel<M> | null; // built for this kind below
    if (hit && ((await settings.updatedAt(workspaceId, kind)) ?? 0) === hit.updatedAt) {
      // Unchanged: keep the pooled instance.
      hit.checkedAt = now;
      return hit.channel as MessageChannel<M> | null; // built for this kind below
    }
    // Concurrent first sends (a sendMany's provider calls) share one build: each build opens its own
    // connection pool, so racing builds would multiply the connections maxConnections allows.
    const pending = building.get(key);
    if (pending) return (await pending) as MessageChannel<M> | null; // built for this kind, by the same key
    if (hit) drop(key);
    const made = build(workspaceId, kind).then((fresh) => {
      cache.set(key, { ...fresh, checkedAt: now });
      return fresh.channel;
    });
    building.set(key, made);
    try {
      return (await made) as MessageChannel<M> | null; // built for this kind just above
    } finally {
      building.delete(key);
    }
  }

  const notConfigured = (kind: SendingKind) =>
    permanent(
      kind === 'webhook'
        ? 'Webhooks are not set up for this workspace: create a signing secret (POST /api/v1/channel-settings/webhook/secret)'
        : `${kind === 'email' ? 'Email (SMTP)' : 'SMS'} is not configured for this workspace (PUT /api/v1/channel-settings/${kind})`,
    );

  return {
    async transmit(workspaceId, payload, opts) {
      if (!deps.override?.(workspaceId, payload.channel) && (await deps.sandbox?.(workspaceId))) return sandboxed(opts.messageId);
      const sendOpts: SendOptions = { idempotencyKey: opts.idempotencyKey, ...(opts.signal ? { signal: opts.signal } : {}) };
      switch (payload.channel) {
        case 'email': {
          const ch = await channelFor<EmailMessage>(workspaceId, 'email');
          if (!ch) return notConfigured('email');
          return ch.send(
            { to: payload.to, subject: payload.subject, html: payload.html, text: payload.text, nudgeMessageId: opts.messageId, ...(payload.unsubscribeUrl ? { unsubscribeUrl: payload.unsubscribeUrl } : {}) },
            { ...sendOpts, ...(opts.beforeCommit ? { beforeCommit: opts.beforeCommit } : {}) },
          );
        }
        case 'sms': {
          const ch = await channelFor<SmsMessage>(workspaceId, 'sms');
          if (!ch) return notConfigured('sms');
          return ch.send({ to: payload.to, text: payload.text }, sendOpts);
        }
        case 'webhook': {
          const ch = await channelFor<WebhookMessage>(workspaceId, 'webhook');
          if (!ch) return notConfigured('webhook');
          return ch.send({ url: payload.url, method: payload.method, headers: payload.headers, body: payload.body }, sendOpts);
        }
        default:
          return assertUnreachable(payload);
      }
    },

    resendsSafely(channel) {
      return channel !== 'sms';
    },

    async close() {
      const all = [...cache.keys()];
      await Promise.all(all.map(async (key) => {
        const hit = cache.get(key);
        cache.delete(key);
        await hit?.close?.().catch(deps.onError);
      }));
    },
  };
}
