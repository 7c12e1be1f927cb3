import { z } from 'zod';
import { systemClock, type Clock } from '../../platform/clock.js';
import { permanent, sent, type MessageChannel, type SendResult } from './channel.js';
import { httpFailure, isAnswer, request } from './http.js';

/**
 * SMS through Twilio's Messages API, or any provider that speaks the same shape (Twilio's own
 * regions and compatible gateways): POST {baseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json,
 * form-encoded, HTTP basic auth with the account SID and auth token.
 */

export const SmsSettings = z.object({
  accountSid: z.string().min(1).max(100),
  authToken: z.string().min(1).max(200),
  /** A sender number (E.164), an alphanumeric sender ID, or a Messaging Service SID (MG…). */
  from: z.string().min(1).max(100),
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  /** Where the provider posts delivery status updates. */
  statusCallbackUrl: z.url({ protocol: /^https?$/ }).optional(),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
});
export type SmsSettings = z.infer<typeof SmsSettings>;

export interface SmsMessage {
  /** E.164, e.g. +8613800138000. */
  to: string;
  text: string;
  /** Overrides the settings' status callback for this message (e.g. one carrying the message id). */
  statusCallbackUrl?: string;
}

/** Twilio's error body: { code, message, more_info, status }. */
const TwilioError = z.object({ code: z.number().optional(), message: z.string().optional() });
const TwilioMessage = z.object({ sid: z.string().min(1) });

export function createSmsChannel(settings: z.input<typeof SmsSettings>, deps: { clock?: Clock } = {}): MessageChannel<SmsMessage> {
  const s = SmsSettings.parse(settings);
  const clock = deps.clock ?? systemClock;
  const url = `${s.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(s.accountSid)}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`;
  const sender: [string, string] = /^MG[0-9a-f]{32}$/i.test(s.from) ? ['MessagingServiceSid', s.from] : ['From', s.from];
  return {
    async send(message, { idempotencyKey, signal }): Promise<SendResult> {
      const form = new URLSearchParams([['To', message.to], sender, ['Body', message.text]]);
      const callback = message.statusCallbackUrl ?? s.statusCallbackUrl;
      if (callback) form.set('StatusCallback', callback);
      const answer = await request(
        url,
        {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'Idempotency-Key': idempotencyKey },
          body: form.toString(),
        },
        s.timeoutMs,
        signal,
      );
      if (!isAnswer(answer)) return answer;
      if (answer.status >= 200 && answer.status < 300) {
        const ok = TwilioMessage.safeParse(answer.json);
        // Accepted but unreadable: the message may be on its way, so retrying could send it twice.
        if (!ok.success) return permanent(`SMS provider answered HTTP ${answer.status} without a message sid`, answer.json ?? answer.text);
        return sent(ok.data.sid, answer.json);
      }
      const failure = httpFailure(answer, 'SMS provider', clock.now());
      const err = TwilioError.safeParse(answer.json);
      if (failure.status !== 'sent' && err.success && err.data.message) {
        return { ...failure, error: `SMS provider answered HTTP ${answer.status}: ${err.data.code ?? ''} ${err.data.message}`.replace(/  +/g, ' ') };
      }
      return failure;
    },
  };
}
