import { z } from 'zod';
import { Locale } from './template.schema.js';

/**
 * A message as rendered for its recipient, stored on the `messages` row at the first attempt:
 * every retry, and a re-send after a crash, transmits exactly these bytes (same links, same
 * Message-ID), never a re-render against changed traits.
 */
export const MessagePayload = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('email'),
    locale: Locale,
    to: z.string(),
    subject: z.string(),
    html: z.string(),
    text: z.string(),
    preheader: z.string().nullable(),
    /** One-click unsubscribe target (RFC 8058) for marketing email; null for transactional. */
    unsubscribeUrl: z.string().nullable(),
  }),
  z.object({ channel: z.literal('sms'), locale: Locale, to: z.string(), text: z.string() }),
  z.object({
    channel: z.literal('webhook'),
    locale: Locale,
    url: z.string(),
    method: z.enum(['POST', 'PUT', 'PATCH']),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
  }),
]);
export type MessagePayload = z.infer<typeof MessagePayload>;

/** The request fields a message is rendered from, kept on the row so any worker can render it later. */
export const StoredRequest = z.object({
  event: z.object({ name: z.string(), properties: z.record(z.string(), z.unknown()) }).nullable().default(null),
  journey: z.record(z.string(), z.unknown()).nullable().default(null),
  /** Test sends: the customer whose data the template is rendered with (the message goes to `to_address`). */
  renderProfileId: z.string().nullable().default(null),
});
export type StoredRequest = z.infer<typeof StoredRequest>;

/** Short text for lists: the subject's companion (preheader or first words of the body). */
export function previewOf(p: MessagePayload): { subject: string | null; preview: string } {
  const clip = (s: string) => (s.length > 160 ? `${s.slice(0, 157)}…` : s).replace(/\s+/g, ' ').trim();
  switch (p.channel) {
    case 'email':
      return { subject: p.subject, preview: clip(p.preheader ?? p.text) };
    case 'sms':
      return { subject: null, preview: clip(p.text) };
    case 'webhook':
      return { subject: null, preview: clip(`${p.method} ${p.url}`) };
  }
}

/** The address a payload goes to (suppression is checked against it). */
export function recipientOf(p: MessagePayload): string | null {
  return p.channel === 'webhook' ? null : p.to;
}
