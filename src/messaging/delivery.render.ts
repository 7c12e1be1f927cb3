import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Clock } from '../platform/clock.js';
import { assertUnreachable, notFound } from '../platform/errors.js';
import type { MessagePayload, StoredRequest } from './message.payload.js';
import type { MessageRow } from './message.repository.js';
import { findTemplate, type TemplateRow } from './template.repository.js';
import { renderTemplate } from './template.render.js';
import { Channel, Locale, TemplateBody } from './template.schema.js';
import type { TemplateService } from './template.service.js';
import type { Tracking } from './tracking.js';
import { readJson } from '../db/dialect.js';

export interface RenderDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** Only `context` is used: a batch passes one built from profiles it read together. */
  templates: Pick<TemplateService, 'context'>;
  tracking: Tracking;
  /** The template by id, when the caller has it already (a batch reads each template once); else read from `db`. */
  template?: (id: string) => TemplateRow | undefined;
}

/** A template row's stored JSON, parsed once per row object (a batch renders the same row for every recipient). */
const parsedRows = new WeakMap<TemplateRow, { body: TemplateBody; locale: Locale; channel: Channel }>();

function parsedTemplate(t: TemplateRow): { body: TemplateBody; locale: Locale; channel: Channel } {
  let hit = parsedRows.get(t);
  if (!hit) parsedRows.set(t, (hit = { body: TemplateBody.parse(readJson(t.body, {})), locale: Locale.parse(t.default_locale), channel: Channel.parse(t.channel) }));
  return hit;
}

/**
 * Render a queued message for its recipient: the template in the customer's language (their
 * `locale` trait), the unsubscribe link of a marketing message in the context (and, for email,
 * in the List-Unsubscribe header), every link signed for click tracking and the open pixel.
 * Throws a UserError when the template or customer is gone or the template cannot render.
 */
export async function renderPayload(deps: RenderDeps, r: MessageRow, request: StoredRequest): Promise<MessagePayload> {
  const t = r.template_id ? await (deps.template ? deps.template(r.template_id) : findTemplate(deps.db, r.workspace_id, r.template_id)) : undefined;
  if (!t) throw notFound('Template', 'templateId');
  const { channel } = parsedTemplate(t);
  const ref = { workspaceId: r.workspace_id, messageId: r.id };
  // Unsubscribing needs a customer to record it on: test sends to a bare address carry none.
  const unsubscribeUrl =
    r.kind === 'marketing' && r.profile_id && r.source_kind !== 'test'
      ? deps.tracking.unsubscribeUrl({ workspaceId: r.workspace_id, profileId: r.profile_id, groupId: r.subscription_group_id, channel, messageId: r.id })
      : null;
  const ctx = await deps.templates.context(r.workspace_id, r.profile_id ?? request.renderProfileId, {
    event: request.event,
    journey: request.journey,
    message: unsubscribeUrl ? { unsubscribeUrl, preferencesUrl: unsubscribeUrl } : {},
  });
  const { body, locale } = parsedTemplate(t);
  const options = { clock: deps.clock };
  switch (body.channel) {
    case 'email': {
      const m = await renderTemplate(body, locale, ctx, options);
      return {
        channel: 'email',
        locale: m.locale,
        to: r.to_address ?? ctx.profile.email ?? '',
        subject: m.subject,
        html: deps.tracking.instrumentHtml(m.html, ref),
        text: m.text,
        preheader: m.preheader,
        unsubscribeUrl,
      };
    }
    case 'sms': {
      const m = await renderTemplate(body, locale, ctx, options);
      return { channel: 'sms', locale: m.locale, to: r.to_address ?? ctx.profile.phone ?? '', text: m.text };
    }
    case 'webhook': {
      const m = await renderTemplate(body, locale, ctx, options);
      return { channel: 'webhook', locale: m.locale, url: m.url, method: m.method, headers: m.headers, body: m.body };
    }
    default:
      return assertUnreachable(body);
  }
}
