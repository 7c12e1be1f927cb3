import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import { EntryList, EntryQuery, JourneyCounts, JourneyCreate, JourneyList, JourneyUpdate, JourneyVersionList, JourneyView, SimulateRequest, SimulateResponse } from './journey.api.schema.js';
import type { JourneyService } from './journey.service.js';

const Params = z.object({ id: z.string().min(1).max(100) });
const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function journeyRoutes(app: FastifyInstance, deps: { journeys: JourneyService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const s = deps.journeys;

  r.get('/api/v1/journeys', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['journeys'], summary: 'Journeys (without definitions)', response: { 200: JourneyList } },
    handler: async (req) => ({ items: await s.list(workspaceOf(req)) }),
  });

  r.post('/api/v1/journeys', {
    config: { access: { role: 'member' } },
    schema: { tags: ['journeys'], summary: 'Create a draft journey (checked on publish, not on save)', body: JourneyCreate, response: { 201: JourneyView, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await s.create(workspaceOf(req), req.body, req.auth.actor)),
  });

  r.get('/api/v1/journeys/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['journeys'], summary: 'One journey with its draft definition', params: Params, response: { 200: JourneyView, 404: ErrorBody } },
    handler: async (req) => s.get(workspaceOf(req), req.params.id),
  });

  r.put('/api/v1/journeys/:id', {
    config: { access: { role: 'member' } },
    schema: { tags: ['journeys'], summary: 'Save the draft (the running version is unchanged until publish)', params: Params, body: JourneyUpdate, response: { 200: JourneyView, ...errors } },
    handler: async (req) => s.update(workspaceOf(req), req.params.id, req.body, req.auth.actor),
  });

  r.post('/api/v1/journeys/:id/publish', {
    config: { access: { role: 'member' } },
    schema: {
      tags: ['journeys'],
      summary: 'Validate the draft and run it as a new version; 400 lists every issue with its code, node id and JSON path',
      params: Params,
      response: { 200: JourneyView, ...errors },
    },
    handler: async (req) => s.publish(workspaceOf(req), req.params.id, req.auth.actor),
  });

  for (const [action, status] of [['pause', 'paused'], ['resume', 'active'], ['archive', 'archived']] as const) {
    r.post(`/api/v1/journeys/:id/${action}`, {
      config: { access: { role: 'member' } },
      schema: { tags: ['journeys'], summary: `${action[0]?.toUpperCase() ?? ''}${action.slice(1)} the journey (new entries only; customers inside finish)`, params: Params, response: { 200: JourneyView, ...errors } },
      handler: async (req) => s.setStatus(workspaceOf(req), req.params.id, status, req.auth.actor),
    });
  }

  r.get('/api/v1/journeys/:id/versions', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['journeys'], summary: 'Published versions, newest first', params: Params, response: { 200: JourneyVersionList, 404: ErrorBody } },
    handler: async (req) => ({ items: await s.versions(workspaceOf(req), req.params.id) }),
  });

  r.get('/api/v1/journeys/:id/counts', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['journeys'], summary: 'Per node: entered, waiting now, passed, converted (the canvas badges)', params: Params, response: { 200: JourneyCounts, 404: ErrorBody } },
    handler: async (req) => s.counts(workspaceOf(req), req.params.id),
  });

  r.get('/api/v1/journeys/:id/entries', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['journeys'], summary: "Customers' entries, newest first, with their recent steps", params: Params, querystring: EntryQuery, response: { 200: EntryList, 404: ErrorBody } },
    handler: async (req) => s.entries(workspaceOf(req), req.params.id, req.query),
  });

  r.post('/api/v1/journeys/:id/simulate', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['journeys'],
      summary: 'Dry-run the journey for one customer from a virtual start: the timeline with rendered messages; nothing is sent',
      params: Params,
      body: SimulateRequest,
      response: { 200: SimulateResponse, ...errors },
    },
    handler: async (req) => ({ timeline: await s.simulate(workspaceOf(req), req.params.id, req.body) }),
  });
}
