import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Clock } from '../platform/clock.js';
import { assertUnreachable, notFound } from '../platform/errors.js';
import { say } from '../platform/language.js';
import type { MessagePayload, StoredRequest } from './message.payload.js';
import type { MessageRow } from './message.repository.js';
import { findTemplate, type TemplateRow } from './template.repository.js';
import { renderTemplate, type RenderContext } from './template.render.js';
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

/** A template's stored JSON, parsed: what rendering needs of the row. */
export interface ParsedTemplate {
  body: TemplateBody;
  locale: Locale;
  channel: Channel;
}

/** A template row's stored JSON, parsed once per row object (a batch renders the same row for every recipient). */
const parsedRows = new WeakMap<TemplateRow, ParsedTemplate>();

export function parsedTemplate(t: TemplateRow): ParsedTemplate {
  let hit = parsedRows.get(t);
  if (!hit) parsedRows.set(t, (hit = { body: TemplateBody.parse(readJson(t.body, {})), locale: Locale.parse(t.default_locale), channel: Channel.parse(t.channel) }));
  return hit;
}

const recommending = new WeakMap<TemplateRow, boolean>();

/** Whether a template may use `{% recommend %}` (its provider lives on the sending thread, so it cannot render elsewhere). */
export function usesRecommendations(t: TemplateRow): boolean {
  let hit = recommending.get(t);
  if (hit === undefined) recommending.set(t, (hit = JSON.stringify(parsedTemplate(t).body).includes('recommend')));
  return hit;
}

/** What rendering needs of the message row. */
export interface RenderTarget {
  workspaceId: string;
  id: string;
  kind: string;
  profileId: string | null;
  sourceKind: string;
  subscriptionGroupId: string | null;
  toAddress: string | null;
}

export const renderTarget = (r: Pick<MessageRow, 'workspace_id' | 'id' | 'kind' | 'profile_id' | 'source_kind' | 'subscription_group_id' | 'to_address'>): RenderTarget => ({
  workspaceId: r.workspace_id,
  id: r.id,
  kind: r.kind,
  profileId: r.profile_id,
  sourceKind: r.source_kind,
  subscriptionGroupId: r.subscription_group_id,
  toAddress: r.to_address,
});

/**
 * Render a queued message for its recipient: the template in the customer's language (their
 * `locale` trait), the unsubscribe link of a marketing message in the context (and, for email,
 * in the List-Unsubscribe header), every link signed for click tracking and the open pixel.
 * Throws a UserError when the template or customer is gone or the template cannot render.
 */
export async function renderPayload(deps: RenderDeps, r: MessageRow, request: StoredRequest): Promise<MessagePayload> {
  const t = r.template_id ? await (deps.template ? deps.template(r.template_id) : findTemplate(deps.db, r.workspace_id, r.template_id)) : undefined;
  if (!t) throw notFound(say('Template', '模板'), 'templateId');
  const ctx = await deps.templates.context(r.workspace_id, r.profile_id ?? request.renderProfileId, { event: request.event, journey: request.journey, message: {} });
  return renderParsed(parsedTemplate(t), renderTarget(r), ctx, deps.tracking, deps.clock);
}

/**
 * The pure part of renderPayload, given the parsed template and the customer's context: shared by
 * this thread and the render worker threads (render.worker.ts), so both give the same payload.
 */
export async function renderParsed(t: ParsedTemplate, r: RenderTarget, base: RenderContext, tracking: Tracking, clock: Clock): Promise<MessagePayload> {
  const { body, locale, channel } = t;
  const ref = { workspaceId: r.workspaceId, messageId: r.id };
  // Unsubscribing needs a customer to record it on: test sends to a bare address carry none.
  const unsubscribeUrl =
    r.kind === 'marketing' && r.profileId && r.sourceKind !== 'test'
      ? tracking.unsubscribeUrl({ workspaceId: r.workspaceId, profileId: r.profileId, groupId: r.subscriptionGroupId, channel, messageId: r.id })
      : null;
  const ctx: RenderContext = { ...base, message: unsubscribeUrl ? { unsubscribeUrl, preferencesUrl: unsubscribeUrl } : {} };
  const options = { clock };
  switch (body.channel) {
    case 'email': {
      const m = await renderTemplate(body, locale, ctx, options);
      return {
        channel: 'email',
        locale: m.locale,
        to: r.toAddress ?? ctx.profile.email ?? '',
        subject: m.subject,
        html: tracking.instrumentHtml(m.html, ref),
        text: m.text,
        preheader: m.preheader,
        unsubscribeUrl,
      };
    }
    case 'sms': {
      const m = await renderTemplate(body, locale, ctx, options);
      return { channel: 'sms', locale: m.locale, to: r.toAddress ?? ctx.profile.phone ?? '', text: m.text };
    }
    case 'webhook': {
      const m = await renderTemplate(body, locale, ctx, options);
      return { channel: 'webhook', locale: m.locale, url: m.url, method: m.method, headers: m.headers, body: m.body };
    }
    default:
      return assertUnreachable(body);
  }
}
