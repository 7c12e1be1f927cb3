import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { ChannelSettingsService } from './channel-settings.service.js';
import type { ConsentService } from './consent.service.js';
import type { SuppressionReason } from './consent.schema.js';
import { TWILIO_HARD_CODES, TWILIO_UNSUBSCRIBED, type EmailFeedback, type EmailFeedbackEvent, type FeedbackResult, type TwilioStatusCallback } from './feedback.schema.js';
import type { MessageEventKind, MessageEventRecorder } from './message-events.js';
import { findByProviderId, findMessage, type MessageRow } from './message.repository.js';
import { secretsEqual } from './signing.js';

/** Provider notifications (delivered, bounce, complaint) → message events, profile events, suppressions. */
export interface FeedbackService {
  /** Whether a provider call carries the workspace's inbound secret, or (SMS) a valid Twilio signature. */
  authenticate(workspaceId: string, proof: { secret: string | null; twilioSignature?: string | undefined; url?: string; form?: Record<string, string> }): Promise<boolean>;
  email(workspaceId: string, body: EmailFeedback): Promise<FeedbackResult>;
  sms(workspaceId: string, form: TwilioStatusCallback): Promise<FeedbackResult>;
}

/** Twilio's request signature: base64 HMAC-SHA1 over the URL followed by each POST field name and value, sorted by name. */
export function twilioSignature(authToken: string, url: string, form: Record<string, string>): string {
  const data = url + Object.keys(form).sort().map((k) => k + (form[k] ?? '')).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

interface Outcome {
  kind: MessageEventKind;
  data: Record<string, unknown>;
  suppress: SuppressionReason | null;
  dedupeKey: string;
  at?: number;
}

export function createFeedbackService(deps: { db: Kysely<Database>; consent: ConsentService; settings: ChannelSettingsService; events: MessageEventRecorder }): FeedbackService {
  const { db, consent, events } = deps;

  async function apply(workspaceId: string, channel: 'email' | 'sms', message: MessageRow | undefined, recipient: string | null, o: Outcome): Promise<{ matched: boolean; suppressed: boolean }> {
    if (message) await events.record(message, o.kind, o.data, { dedupeKey: o.dedupeKey, ...(o.at !== undefined ? { at: o.at } : {}) });
    let suppressed = false;
    const address = recipient ?? message?.to_address ?? null;
    if (o.suppress && address) {
      suppressed = await consent
        .addSuppression(workspaceId, { channel, address, reason: o.suppress, note: typeof o.data.reason === 'string' ? o.data.reason.slice(0, 1000) : undefined, messageId: message?.id ?? null }, `provider:${channel}`)
        .catch(() => false); // an address the provider reports in a form we cannot normalise is not suppressible
    }
    return { matched: message !== undefined, suppressed };
  }

  async function messageFor(workspaceId: string, e: EmailFeedbackEvent): Promise<MessageRow | undefined> {
    if (e.messageId) {
      const m = await findMessage(db, workspaceId, e.messageId);
      if (m) return m;
    }
    if (!e.providerMessageId) return undefined;
    const bare = e.providerMessageId.trim().replace(/^<|>$/g, '');
    return (await findByProviderId(db, workspaceId, `<${bare}>`)) ?? (await findByProviderId(db, workspaceId, bare));
  }

  function emailOutcome(e: EmailFeedbackEvent, message: MessageRow | undefined): Outcome {
    const key = (suffix: string) => (e.id ? `email:${e.id}` : `${suffix}:${message?.id ?? e.recipient ?? ''}`);
    const at = e.timestamp ? Date.parse(e.timestamp) : undefined;
    const base = { ...(at !== undefined ? { at } : {}) };
    switch (e.type) {
      case 'delivered':
        return { ...base, kind: 'delivered', data: {}, suppress: null, dedupeKey: key('delivered') };
      case 'complaint':
        // A spam report: mailbox providers penalise senders who write again (RFC 5965 feedback loops).
        return { ...base, kind: 'complaint', data: e.reason ? { reason: e.reason } : {}, suppress: 'complaint', dedupeKey: key('complaint') };
      case 'bounce': {
        const bounceType = e.bounceType ?? 'hard';
        return { ...base, kind: 'bounce', data: { bounceType, ...(e.reason ? { reason: e.reason } : {}) }, suppress: bounceType === 'hard' ? 'hard_bounce' : null, dedupeKey: key(`bounce-${bounceType}`) };
      }
    }
  }

  return {
    async authenticate(workspaceId, proof) {
      if (proof.secret && (await deps.settings.verifyInbound(workspaceId, proof.secret))) return true;
      if (proof.twilioSignature && proof.url && proof.form) {
        const sms = await deps.settings.load(workspaceId, 'sms');
        if (sms && secretsEqual(twilioSignature(sms.settings.authToken, proof.url, proof.form), proof.twilioSignature)) return true;
      }
      return false;
    },

    async email(workspaceId, body) {
      const list = 'events' in body ? body.events : [body];
      let matched = 0;
      let suppressed = 0;
      for (const e of list) {
        const message = await messageFor(workspaceId, e);
        const r = await apply(workspaceId, 'email', message, e.recipient ?? null, emailOutcome(e, message));
        if (r.matched) matched++;
        if (r.suppressed) suppressed++;
      }
      return { received: list.length, matched, suppressed };
    },

    async sms(workspaceId, form) {
      const status = form.MessageStatus.toLowerCase();
      const message = await findByProviderId(db, workspaceId, form.MessageSid);
      const dedupeKey = `sms:${form.MessageSid}:${status}`;
      const code = form.ErrorCode ?? '';
      let outcome: Outcome | null = null;
      if (status === 'delivered') outcome = { kind: 'delivered', data: {}, suppress: null, dedupeKey };
      else if (status === 'undelivered' || status === 'failed') {
        if (code === TWILIO_UNSUBSCRIBED) outcome = { kind: 'unsubscribe', data: { method: 'stop_reply', code }, suppress: 'unsubscribe', dedupeKey };
        else {
          const hard = TWILIO_HARD_CODES.has(code);
          outcome = { kind: 'bounce', data: { bounceType: hard ? 'hard' : 'soft', code, ...(form.ErrorMessage ? { reason: form.ErrorMessage } : {}) }, suppress: hard ? 'hard_bounce' : null, dedupeKey };
        }
      }
      // queued / sending / sent: progress reports with nothing to record.
      if (!outcome) return { received: 1, matched: message ? 1 : 0, suppressed: 0 };
      const r = await apply(workspaceId, 'sms', message, form.To ?? null, outcome);
      return { received: 1, matched: r.matched ? 1 : 0, suppressed: r.suppressed ? 1 : 0 };
    },
  };
}
