import type { Template } from '../../../../src/messaging/template.api.schema';
import type { Channel, Locale, TemplateBody, TemplateInput } from '../../../../src/messaging/template.schema';

/** The editor's working copy of a template: plain strings per field, every channel and language kept. */

export const LOCALES: readonly Locale[] = ['en', 'zh'];
export const CHANNELS: readonly Channel[] = ['email', 'sms', 'webhook'];
export const METHODS = ['POST', 'PUT', 'PATCH'] as const;
export type Method = (typeof METHODS)[number];

export interface EmailDraft {
  subject: string;
  preheader: string;
  html: string;
  text: string;
}
export interface SmsDraft {
  text: string;
}
export interface HeaderDraft {
  name: string;
  value: string;
}
export interface WebhookDraft {
  url: string;
  method: Method;
  headers: HeaderDraft[];
  body: string;
}

export interface ContentDrafts {
  email: Record<Locale, EmailDraft>;
  sms: Record<Locale, SmsDraft>;
  webhook: Record<Locale, WebhookDraft>;
}

export interface TemplateDraft {
  name: string;
  description: string;
  channel: Channel;
  kind: 'marketing' | 'transactional';
  /** '' for none. */
  subscriptionGroupId: string;
  defaultLocale: Locale;
  content: ContentDrafts;
}

const emptyEmail = (): EmailDraft => ({ subject: '', preheader: '', html: '', text: '' });
const emptySms = (): SmsDraft => ({ text: '' });
const emptyWebhook = (): WebhookDraft => ({ url: '', method: 'POST', headers: [], body: '' });

export function emptyContent(): ContentDrafts {
  return {
    email: { en: emptyEmail(), zh: emptyEmail() },
    sms: { en: emptySms(), zh: emptySms() },
    webhook: { en: emptyWebhook(), zh: emptyWebhook() },
  };
}

export function emptyDraft(channel: Channel): TemplateDraft {
  return { name: '', description: '', channel, kind: 'marketing', subscriptionGroupId: '', defaultLocale: 'en', content: emptyContent() };
}

/** Whether the user has written anything for `locale` on the draft's channel. */
export function isFilled(draft: TemplateDraft, locale: Locale): boolean {
  switch (draft.channel) {
    case 'email': {
      const c = draft.content.email[locale];
      return [c.subject, c.preheader, c.html, c.text].some((s) => s.trim() !== '');
    }
    case 'sms':
      return draft.content.sms[locale].text.trim() !== '';
    case 'webhook': {
      const c = draft.content.webhook[locale];
      return c.url.trim() !== '' || c.body.trim() !== '' || c.headers.some((h) => h.name.trim() !== '');
    }
  }
}

const optional = (s: string): string | undefined => (s.trim() === '' ? undefined : s);

/** The API body for the draft: only the languages that have content. */
export function toBody(draft: TemplateDraft): TemplateBody {
  const filled = LOCALES.filter((l) => isFilled(draft, l));
  const pick = <T, U>(map: Record<Locale, T>, convert: (c: T) => U): Partial<Record<Locale, U>> =>
    Object.fromEntries(filled.map((l) => [l, convert(map[l])]));
  switch (draft.channel) {
    case 'email':
      return {
        channel: 'email',
        content: pick(draft.content.email, (c) => ({ subject: c.subject, preheader: optional(c.preheader), html: c.html, text: optional(c.text) })),
      };
    case 'sms':
      return { channel: 'sms', content: pick(draft.content.sms, (c) => ({ text: c.text })) };
    case 'webhook':
      return {
        channel: 'webhook',
        content: pick(draft.content.webhook, (c) => ({
          url: c.url,
          method: c.method,
          headers: Object.fromEntries(c.headers.filter((h) => h.name.trim() !== '').map((h) => [h.name.trim(), h.value])),
          body: c.body.trim() === '' ? '{}' : c.body,
        })),
      };
  }
}

/** What the editor saves. */
export function toInput(draft: TemplateDraft): TemplateInput {
  const marketing = draft.kind === 'marketing';
  return {
    name: draft.name.trim(),
    description: draft.description.trim() || undefined,
    kind: draft.kind,
    subscriptionGroupId: marketing && draft.subscriptionGroupId ? draft.subscriptionGroupId : undefined,
    defaultLocale: draft.defaultLocale,
    body: toBody(draft),
  };
}

/** A saved template as a draft to edit. */
export function fromTemplate(t: Template): TemplateDraft {
  const draft: TemplateDraft = {
    name: t.name,
    description: t.description,
    channel: t.body.channel,
    kind: t.kind,
    subscriptionGroupId: t.subscriptionGroupId ?? '',
    defaultLocale: t.defaultLocale,
    content: emptyContent(),
  };
  for (const l of LOCALES) {
    const body = t.body;
    switch (body.channel) {
      case 'email': {
        const c = body.content[l];
        if (c) draft.content.email[l] = { subject: c.subject, preheader: c.preheader ?? '', html: c.html, text: c.text ?? '' };
        break;
      }
      case 'sms': {
        const c = body.content[l];
        if (c) draft.content.sms[l] = { text: c.text };
        break;
      }
      case 'webhook': {
        const c = body.content[l];
        if (c) draft.content.webhook[l] = { url: c.url, method: c.method, headers: Object.entries(c.headers).map(([name, value]) => ({ name, value })), body: c.body };
        break;
      }
    }
  }
  return draft;
}

/** The languages a template body is written in. */
export function languagesOf(body: TemplateBody): Locale[] {
  return LOCALES.filter((l) => body.content[l] !== undefined);
}
