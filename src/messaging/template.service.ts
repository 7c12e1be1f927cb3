import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { readJson } from '../db/dialect.js';
import { audit } from '../platform/audit.js';
import type { Clock } from '../platform/clock.js';
import { assertUnreachable, notFound, UserError } from '../platform/errors.js';
import { newId, toIso } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { WorkspaceService } from '../platform/workspace.service.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { ConsentService } from './consent.service.js';
import { profileContext, withLocale, workspaceContext } from './render-context.js';
import type { RenderedPreview, Template, TemplatePreviewRequest, TemplateSummary, TemplateUpdate } from './template.api.schema.js';
import { findTemplate, insertTemplate, listTemplates, updateTemplate, type TemplateRow } from './template.repository.js';
import { renderTemplate, type RecommendationProvider, type RenderContext, type RenderedMessage } from './template.render.js';
import { Channel, Locale, TemplateBody, type TemplateInput } from './template.schema.js';
import { assertValidTemplate, sampleContext } from './template.validate.js';

export interface TemplateService {
  list(workspaceId: string, filter: { channel?: Channel | undefined; q?: string | undefined }): Promise<TemplateSummary[]>;
  get(workspaceId: string, id: string): Promise<Template>;
  create(workspaceId: string, input: TemplateInput, actor: string): Promise<Template>;
  update(workspaceId: string, id: string, input: TemplateUpdate, actor: string): Promise<Template>;
  remove(workspaceId: string, id: string, actor: string): Promise<void>;
  /** Render a draft for a chosen customer (or sample data), without saving or sending anything. */
  preview(workspaceId: string, request: TemplatePreviewRequest): Promise<RenderedPreview>;
  /** The render context for one customer (delivery and test sends use it too). */
  context(workspaceId: string, profileIdOrKey: string | null, extra: Pick<RenderContext, 'event' | 'journey' | 'message'>, locale?: Locale): Promise<RenderContext>;
  /** `context` for many customers of one workspace, from profiles the caller read together (the workspace is read once). */
  contextBuilder(workspaceId: string): Promise<(profile: RenderContext['profile'], extra: Pick<RenderContext, 'event' | 'journey' | 'message'>) => RenderContext>;
}

/** The JSON-safe preview of a rendered message. */
export function toPreview(r: RenderedMessage): RenderedPreview {
  switch (r.channel) {
    case 'email':
      return { channel: 'email', locale: r.locale, subject: r.subject, preheader: r.preheader, html: r.html, text: r.text };
    case 'sms':
      return { channel: 'sms', locale: r.locale, text: r.text, segments: r.segments, encoding: r.encoding };
    case 'webhook':
      return { channel: 'webhook', locale: r.locale, url: r.url, method: r.method, headers: r.headers, body: r.body };
    default:
      return assertUnreachable(r);
  }
}

export function toTemplate(r: TemplateRow): Template {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    channel: Channel.parse(r.channel),
    kind: r.kind === 'transactional' ? 'transactional' : 'marketing',
    subscriptionGroupId: r.subscription_group_id,
    defaultLocale: Locale.parse(r.default_locale),
    // JSON read back is validated (STYLE §7); it was validated on the way in too.
    body: TemplateBody.parse(readJson(r.body, {})),
    version: r.version,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

export function createTemplateService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  profiles: ProfileService;
  workspaces: WorkspaceService;
  consent: ConsentService;
  /** What `{% recommend %}` shows a customer (the recommend module); without it the tag renders nothing. */
  recommendations?: (workspaceId: string) => RecommendationProvider;
}): TemplateService {
  const { db, clock, profiles } = deps;

  async function row(workspaceId: string, id: string): Promise<TemplateRow> {
    const r = await findTemplate(db, workspaceId, id);
    if (!r) throw notFound(say('Template', '模板'), 'id');
    return r;
  }

  /** Validation at save time: Liquid, variables, sample renders, and the subscription group. */
  async function validate(workspaceId: string, input: TemplateInput): Promise<void> {
    await assertValidTemplate(input);
    if (input.subscriptionGroupId) {
      const groups = await deps.consent.listGroups(workspaceId);
      const group = groups.find((g) => g.id === input.subscriptionGroupId);
      if (!group) throw new UserError('TEMPLATE_UNKNOWN_SUBSCRIPTION_GROUP', say(`Unknown subscription group "${input.subscriptionGroupId}"`, `订阅组 "${input.subscriptionGroupId}" 不存在`), { field: 'subscriptionGroupId' });
      if (group.channel !== input.body.channel) {
        throw new UserError('TEMPLATE_SUBSCRIPTION_GROUP_CHANNEL', say(`The subscription group is for ${group.channel}, the template for ${input.body.channel}`, `订阅组的渠道是 ${group.channel}，与模板的渠道 ${input.body.channel} 不一致`), { field: 'subscriptionGroupId' });
      }
    }
  }

  const service: TemplateService = {
    async list(workspaceId, filter) {
      return (await listTemplates(db, workspaceId, filter)).map((r) => {
        const { body: _body, ...summary } = toTemplate(r);
        return summary;
      });
    },

    async get(workspaceId, id) {
      return toTemplate(await row(workspaceId, id));
    },

    async create(workspaceId, input, actor) {
      await validate(workspaceId, input);
      const now = clock.now();
      const id = newId('tpl', now);
      await insertTemplate(db, {
        workspace_id: workspaceId,
        id,
        name: input.name,
        description: input.description ?? '',
        channel: input.body.channel,
        kind: input.kind,
        subscription_group_id: input.subscriptionGroupId ?? null,
        default_locale: input.defaultLocale,
        body: JSON.stringify(input.body),
        version: 1,
        status: 'active',
        created_at: now,
        updated_at: now,
      });
      await audit(db, { workspaceId, actor, action: 'template.create', target: id, data: { name: input.name, channel: input.body.channel }, at: now });
      return toTemplate(await row(workspaceId, id));
    },

    async update(workspaceId, id, input, actor) {
      const current = await row(workspaceId, id);
      if (input.version !== undefined && input.version !== current.version) {
        throw new UserError('TEMPLATE_VERSION_CONFLICT', say(`The template was saved by someone else meanwhile (now version ${current.version})`, `其他人刚刚保存了这个模板（当前版本为 ${current.version}）`), { status: 409, field: 'version' });
      }
      if (input.body.channel !== current.channel) throw new UserError('TEMPLATE_CHANNEL_CHANGED', say('A template keeps its channel; create a new template instead', '模板创建后不能更换渠道，请新建一个模板'), { field: 'body.channel' });
      await validate(workspaceId, input);
      const now = clock.now();
      const saved = await updateTemplate(db, workspaceId, id, current.version, {
        name: input.name,
        description: input.description ?? current.description,
        kind: input.kind,
        subscription_group_id: input.subscriptionGroupId ?? null,
        default_locale: input.defaultLocale,
        body: JSON.stringify(input.body),
        version: current.version + 1,
        updated_at: now,
      });
      if (!saved) throw new UserError('TEMPLATE_VERSION_CONFLICT', say('The template was saved by someone else meanwhile', '其他人刚刚保存了这个模板'), { status: 409, field: 'version' });
      await audit(db, { workspaceId, actor, action: 'template.update', target: id, data: { version: current.version + 1 }, at: now });
      return toTemplate(await row(workspaceId, id));
    },

    async remove(workspaceId, id, actor) {
      const current = await row(workspaceId, id);
      const now = clock.now();
      // Archived, not deleted: messages already sent keep pointing at it.
      await updateTemplate(db, workspaceId, id, current.version, { status: 'archived', updated_at: now });
      await audit(db, { workspaceId, actor, action: 'template.archive', target: id, at: now });
    },

    async preview(workspaceId, request) {
      const ctx = await service.context(workspaceId, request.profileId ?? null, { event: request.event ?? null, message: {} }, request.locale);
      return toPreview(await renderTemplate(request.body, request.defaultLocale, ctx, { clock }));
    },

    async context(workspaceId, profileIdOrKey, extra, locale) {
      const workspace = workspaceContext(await deps.workspaces.get(workspaceId));
      const base: RenderContext = profileIdOrKey
        ? { profile: profileContext(await profiles.get(workspaceId, profileIdOrKey, 0)), workspace }
        : { ...sampleContext(locale ?? 'en'), workspace };
      const recommendations = profileIdOrKey && deps.recommendations ? { recommendations: deps.recommendations(workspaceId) } : {};
      return withLocale({ ...base, ...recommendations, event: extra.event ?? null, journey: extra.journey ?? null, message: extra.message }, locale);
    },

    async contextBuilder(workspaceId) {
      const workspace = workspaceContext(await deps.workspaces.get(workspaceId));
      const recommendations = deps.recommendations ? { recommendations: deps.recommendations(workspaceId) } : {};
      return (profile, extra) => ({ profile, workspace, ...recommendations, event: extra.event ?? null, journey: extra.journey ?? null, message: extra.message });
    },
  };
  return service;
}
