import { z } from 'zod';
import { Channel, Locale, TemplateBody, TemplateInput } from './template.schema.js';

/** API shapes around templates: the stored template, previews and test sends (STYLE §6). */

export const Template = TemplateInput.extend({
  id: z.string(),
  channel: Channel,
  description: z.string(),
  subscriptionGroupId: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Template = z.infer<typeof Template>;

export const TemplateSummary = Template.omit({ body: true });
export type TemplateSummary = z.infer<typeof TemplateSummary>;

export const TemplateList = z.object({ items: z.array(TemplateSummary) });

export const TemplateListQuery = z.object({ channel: Channel.optional(), q: z.string().max(200).optional() });

/** Saving with the version read earlier; a newer save in between is a conflict (409), not a silent overwrite. */
export const TemplateUpdate = TemplateInput.extend({ version: z.number().int().min(1).optional() });
export type TemplateUpdate = z.infer<typeof TemplateUpdate>;

export const PreviewEvent = z.object({ name: z.string().min(1).max(200), properties: z.record(z.string(), z.unknown()).default({}) });
export type PreviewEvent = z.infer<typeof PreviewEvent>;

export const TemplatePreviewRequest = z.object({
  body: TemplateBody,
  defaultLocale: Locale.default('en'),
  /** Render for this customer (profile id, userId or email); sample data when absent. */
  profileId: z.string().min(1).max(320).optional(),
  event: PreviewEvent.optional(),
  /** Force a language instead of the customer's locale trait. */
  locale: Locale.optional(),
});
export type TemplatePreviewRequest = z.infer<typeof TemplatePreviewRequest>;

export const RenderedPreview = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('email'), locale: Locale, subject: z.string(), preheader: z.string().nullable(), html: z.string(), text: z.string() }),
  z.object({ channel: z.literal('sms'), locale: Locale, text: z.string(), segments: z.number().int(), encoding: z.string() }),
  z.object({ channel: z.literal('webhook'), locale: Locale, url: z.string(), method: z.string(), headers: z.record(z.string(), z.string()), body: z.string() }),
]);
export type RenderedPreview = z.infer<typeof RenderedPreview>;

export const TestSendRequest = z.object({
  /** Email address or phone number to send to (not needed for webhooks). */
  to: z.string().trim().min(1).max(320).optional(),
  /** Render as this customer; the message still goes only to `to`. */
  profileId: z.string().min(1).max(320).optional(),
  event: PreviewEvent.optional(),
});
export type TestSendRequest = z.infer<typeof TestSendRequest>;
