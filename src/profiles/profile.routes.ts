import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../server/access.js';
import { ErrorBody } from '../platform/platform.schema.js';
import { EventList, EventListQuery, ProfileDetail, ProfileList, ProfileListQuery } from './profile.schema.js';
import type { ProfileService } from './profile.service.js';

const Params = z.object({ id: z.string().min(1).max(320).describe('Profile id, userId, anonymousId or email') });

export function profileRoutes(app: FastifyInstance, deps: { profiles: ProfileService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/profiles', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['profiles'], summary: 'List, search and filter profiles', querystring: ProfileListQuery, response: { 200: ProfileList, 400: ErrorBody } },
    handler: async (req) => deps.profiles.list(workspaceOf(req), req.query),
  });

  r.get('/api/v1/profiles/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['profiles'], summary: 'One profile with traits, identities and recent events', params: Params, response: { 200: ProfileDetail, 404: ErrorBody } },
    handler: async (req) => deps.profiles.get(workspaceOf(req), req.params.id),
  });

  r.get('/api/v1/profiles/:id/events', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['profiles'], summary: "A profile's event timeline, newest first", params: Params, querystring: EventListQuery, response: { 200: EventList, 404: ErrorBody } },
    handler: async (req) => deps.profiles.events(workspaceOf(req), req.params.id, req.query),
  });
}
