import { z } from 'zod';

/**
 * Message templates: one schema shared by the API, storage and the dashboard (STYLE §6).
 * Every text field is Liquid (liquidjs) rendered against `{ profile, traits, event, workspace,
 * journey, message }`. A template carries English and Chinese content; the customer's `locale`
 * trait picks one, falling back to the template's default locale.
 */

export const Channel = z.enum(['email', 'sms', 'webhook']);
export type Channel = z.infer<typeof Channel>;

export const Locale = z.enum(['en', 'zh']);
export type Locale = z.infer<typeof Locale>;

export const EmailContent = z.object({
  subject: z.string().min(1).max(998),
  /** Shown by mail clients after the subject. */
  preheader: z.string().max(500).optional(),
  html: z.string().min(1).max(500_000),
  /** Plain-text part; when absent it is derived from the HTML. */
  text: z.string().max(200_000).optional(),
});
export type EmailContent = z.infer<typeof EmailContent>;

export const SmsContent = z.object({
  text: z.string().min(1).max(1600),
});
export type SmsContent = z.infer<typeof SmsContent>;

export const WebhookContent = z.object({
  url: z.string().min(1).max(2000),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
  /** JSON text after rendering. */
  body: z.string().max(200_000).default('{}'),
});
export type WebhookContent = z.infer<typeof WebhookContent>;

const localized = <T extends z.ZodType>(content: T) =>
  z
    .object({ en: content.optional(), zh: content.optional() })
    .refine((v) => v.en !== undefined || v.zh !== undefined, { message: 'At least one language is required', params: { zh: '至少需要填写一种语言的内容' } });

/** The body of a template, by channel. */
export const TemplateBody = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('email'), content: localized(EmailContent) }),
  z.object({ channel: z.literal('sms'), content: localized(SmsContent) }),
  z.object({ channel: z.literal('webhook'), content: localized(WebhookContent) }),
]);
export type TemplateBody = z.infer<typeof TemplateBody>;

/** What a user saves (create or update). */
export const TemplateInput = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  /** Marketing messages obey consent and frequency caps; transactional ones bypass marketing consent (never suppression). */
  kind: z.enum(['marketing', 'transactional']).default('marketing'),
  /** Subscription group a marketing message belongs to (unsubscribe applies to it). */
  subscriptionGroupId: z.string().optional(),
  defaultLocale: Locale.default('en'),
  body: TemplateBody,
});
export type TemplateInput = z.infer<typeof TemplateInput>;

/** Stable codes for what is wrong with a template (save-time validation and render errors). */
export const TemplateIssueCode = z.enum([
  'TEMPLATE_SYNTAX',
  'TEMPLATE_UNKNOWN_TAG',
  'TEMPLATE_UNKNOWN_FILTER',
  'TEMPLATE_UNKNOWN_VARIABLE',
  'TEMPLATE_SMS_TOO_LONG',
  'TEMPLATE_WEBHOOK_NOT_JSON',
  'TEMPLATE_WEBHOOK_BAD_URL',
  'TEMPLATE_WEBHOOK_BAD_HEADER',
  'TEMPLATE_RENDERED_EMPTY',
  'TEMPLATE_RENDER_FAILED',
]);
export type TemplateIssueCode = z.infer<typeof TemplateIssueCode>;

/** One problem found in a template, at a JSON path such as `body.content.zh.subject`. */
export const TemplateIssue = z.object({
  code: TemplateIssueCode,
  path: z.string(),
  message: z.string(),
  /** 1-based position inside the field's Liquid source, when known. */
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});
export type TemplateIssue = z.infer<typeof TemplateIssue>;
