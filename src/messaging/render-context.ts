import type { Workspace } from '../platform/workspace.service.js';
import type { ProfileDetail } from '../profiles/profile.schema.js';
import type { RenderContext } from './template.render.js';

/** The profile part of a render context, from a stored profile. */
export function profileContext(p: Pick<ProfileDetail, 'id' | 'userId' | 'email' | 'phone' | 'traits'>): RenderContext['profile'] {
  return { id: p.id, userId: p.userId, email: p.email, phone: p.phone, traits: p.traits };
}

/** What a template sees of the workspace. */
export function workspaceContext(w: Pick<Workspace, 'id' | 'name' | 'currency'>): RenderContext['workspace'] {
  return { id: w.id, name: w.name, currency: w.currency };
}

/** A context whose profile traits carry a forced locale (preview in a chosen language). */
export function withLocale(ctx: RenderContext, locale: string | undefined): RenderContext {
  if (!locale) return ctx;
  const traits = { ...(ctx.traits ?? ctx.profile.traits), locale };
  return { ...ctx, traits, profile: { ...ctx.profile, traits } };
}
