import { z } from 'zod';

/**
 * What email and SMS providers tell Nudge after a send: delivered, bounced, complained.
 *
 * Email providers post Nudge's own JSON shape (a relay or a small adapter translates theirs):
 *
 *   POST /api/v1/webhooks/email/{workspaceId}
 *   Authorization: Bearer <inbound secret>          (or ?secret=<inbound secret>)
 *   { "events": [ {
 *       "type": "delivered" | "bounce" | "complaint",
 *       "messageId": "msg_…",                       Nudge's id (the X-Nudge-Message-Id header), or
 *       "providerMessageId": "<…@shop.example>",     the Message-ID header
 *       "recipient": "ann@example.com",
 *       "bounceType": "hard" | "soft",               for bounces; hard ones suppress the address
 *       "reason": "550 5.1.1 user unknown",
 *       "timestamp": "2026-06-01T12:00:00Z",
 *       "id": "provider-event-id"                     optional; a repeated id is recorded once
 *   } ] }
 * A single event object (without the `events` array) is accepted too.
 *
 * SMS providers post Twilio's StatusCallback form (application/x-www-form-urlencoded):
 * MessageSid, MessageStatus (queued | sent | delivered | undelivered | failed), To, ErrorCode,
 * authenticated by X-Twilio-Signature (HMAC-SHA1 with the auth token) or the inbound secret.
 */
export const EmailFeedbackEvent = z.object({
  type: z.enum(['delivered', 'bounce', 'complaint']),
  messageId: z.string().max(100).optional(),
  providerMessageId: z.string().max(500).optional(),
  recipient: z.string().max(320).optional(),
  bounceType: z.enum(['hard', 'soft']).optional(),
  reason: z.string().max(2000).optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  id: z.string().max(200).optional(),
});
export type EmailFeedbackEvent = z.infer<typeof EmailFeedbackEvent>;

export const EmailFeedback = z.union([z.object({ events: z.array(EmailFeedbackEvent).min(1).max(1000) }), EmailFeedbackEvent]);
export type EmailFeedback = z.infer<typeof EmailFeedback>;

export const TwilioStatusCallback = z.looseObject({
  MessageSid: z.string().min(1).max(100),
  MessageStatus: z.string().min(1).max(40),
  To: z.string().max(40).optional(),
  ErrorCode: z.string().max(20).optional(),
  ErrorMessage: z.string().max(2000).optional(),
});
export type TwilioStatusCallback = z.infer<typeof TwilioStatusCallback>;

export const FeedbackResult = z.object({
  received: z.number().int(),
  /** Events matched to a message Nudge sent. */
  matched: z.number().int(),
  /** Addresses newly suppressed (hard bounces, complaints). */
  suppressed: z.number().int(),
});
export type FeedbackResult = z.infer<typeof FeedbackResult>;

/**
 * Twilio error codes that mean the number will never take messages (invalid, landline, not
 * mobile, unknown handset): a hard bounce. 21610 is a recipient who replied STOP.
 * https://www.twilio.com/docs/api/errors
 */
export const TWILIO_HARD_CODES: ReadonlySet<string> = new Set(['21211', '21612', '21614', '30005', '30006']);
export const TWILIO_UNSUBSCRIBED = '21610';
