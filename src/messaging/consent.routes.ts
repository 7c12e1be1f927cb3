import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import {
  AddressChannel,
  FrequencyCap,
  ProfileSubscriptions,
  SubscriptionGroup,
  SubscriptionGroupInput,
  SubscriptionGroupUpdate,
  SubscriptionStatus,
  SuppressionInput,
  SuppressionList,
  SuppressionQuery,
} from './consent.schema.js';
import type { ConsentService } from './consent.service.js';
import { Channel } from './template.schema.js';

const Params = z.object({ id: z.string().min(1).max(100) });
const ProfileParams = z.object({ id: z.string().min(1).max(320) });
const errors = { 400: ErrorBody, 404: ErrorBody };

/** Admin API for consent: subscription groups, a profile's subscriptions, suppressions, frequency caps. */
export function consentRoutes(app: FastifyInstance, deps: { consent: ConsentService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const c = deps.consent;

  r.get('/api/v1/subscription-groups', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['consent'], summary: 'Subscription groups', querystring: z.object({ channel: Channel.optional() }), response: { 200: z.object({ items: z.array(SubscriptionGroup) }) } },
    handler: async (req) => ({ items: await c.listGroups(workspaceOf(req), req.query.channel) }),
  });

  r.post('/api/v1/subscription-groups', {
    config: { access: { role: 'member' } },
    schema: { tags: ['consent'], summary: 'Create a subscription group (opt-in or opt-out, one channel)', body: SubscriptionGroupInput, response: { 201: SubscriptionGroup, 400: ErrorBody } },
    handler: async (req, reply) => reply.code(201).send(await c.createGroup(workspaceOf(req), req.body, req.auth.actor)),
  });

  r.get('/api/v1/subscription-groups/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['consent'], summary: 'One subscription group', params: Params, response: { 200: SubscriptionGroup, 404: ErrorBody } },
    handler: async (req) => c.getGroup(workspaceOf(req), req.params.id),
  });

  r.put('/api/v1/subscription-groups/:id', {
    config: { access: { role: 'member' } },
    schema: { tags: ['consent'], summary: 'Rename or describe a group (its channel and type stay)', params: Params, body: SubscriptionGroupUpdate, response: { 200: SubscriptionGroup, ...errors } },
    handler: async (req) => c.updateGroup(workspaceOf(req), req.params.id, req.body, req.auth.actor),
  });

  r.delete('/api/v1/subscription-groups/:id', {
    config: { access: { role: 'member' } },
    schema: { tags: ['consent'], summary: 'Archive a group (refused while a template sends under it)', params: Params, response: { 204: z.null(), 404: ErrorBody, 409: ErrorBody } },
    handler: async (req, reply) => {
      await c.removeGroup(workspaceOf(req), req.params.id, req.auth.actor);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/profiles/:id/subscriptions', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['consent'], summary: "A customer's standing in every subscription group", params: ProfileParams, response: { 200: ProfileSubscriptions, 404: ErrorBody } },
    handler: async (req) => c.subscriptions(workspaceOf(req), req.params.id),
  });

  r.put('/api/v1/profiles/:id/subscriptions/:groupId', {
    config: { access: { role: 'member' } },
    schema: {
      tags: ['consent'],
      summary: 'Subscribe or unsubscribe a customer',
      params: z.object({ id: z.string().min(1).max(320), groupId: z.string().min(1).max(100) }),
      body: z.object({ status: SubscriptionStatus }),
      response: { 200: ProfileSubscriptions, ...errors },
    },
    handler: async (req) => {
      const ws = workspaceOf(req);
      await c.setSubscription(ws, req.params.id, req.params.groupId, req.body.status, req.auth.actor);
      return c.subscriptions(ws, req.params.id);
    },
  });

  r.put('/api/v1/profiles/:id/channel-opt-outs/:channel', {
    config: { access: { role: 'member' } },
    schema: {
      tags: ['consent'],
      summary: 'Opt a customer out of (or back into) all marketing on a channel',
      params: z.object({ id: z.string().min(1).max(320), channel: Channel }),
      body: z.object({ optedOut: z.boolean() }),
      response: { 200: ProfileSubscriptions, ...errors },
    },
    handler: async (req) => {
      const ws = workspaceOf(req);
      await c.setChannelOptOut(ws, req.params.id, req.params.channel, req.body.optedOut, req.auth.actor);
      return c.subscriptions(ws, req.params.id);
    },
  });

  r.get('/api/v1/suppressions', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['consent'], summary: 'Suppressed addresses (nothing is ever sent to them, transactional included)', querystring: SuppressionQuery, response: { 200: SuppressionList } },
    handler: async (req) => c.listSuppressions(workspaceOf(req), req.query),
  });

  r.post('/api/v1/suppressions', {
    config: { access: { role: 'member' } },
    schema: { tags: ['consent'], summary: 'Suppress an address', body: SuppressionInput, response: { 200: z.object({ added: z.boolean() }), 400: ErrorBody } },
    handler: async (req) => ({ added: await c.addSuppression(workspaceOf(req), req.body, req.auth.actor) }),
  });

  r.delete('/api/v1/suppressions/:channel/:address', {
    config: { access: { role: 'member' } },
    schema: { tags: ['consent'], summary: 'Lift a suppression', params: z.object({ channel: AddressChannel, address: z.string().min(1).max(320) }), response: { 204: z.null(), 404: ErrorBody } },
    handler: async (req, reply) => {
      await c.removeSuppression(workspaceOf(req), req.params.channel, req.params.address, req.auth.actor);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/frequency-caps', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['consent'], summary: 'Per-customer caps on marketing messages, per channel', response: { 200: z.object({ items: z.array(FrequencyCap) }) } },
    handler: async (req) => ({ items: await c.listCaps(workspaceOf(req)) }),
  });

  r.put('/api/v1/frequency-caps/:channel', {
    config: { access: { role: 'member' } },
    schema: {
      tags: ['consent'],
      summary: 'Set a cap: at most maxMessages marketing messages per customer in any windowDays days',
      params: z.object({ channel: Channel }),
      body: FrequencyCap.omit({ channel: true }),
      response: { 200: FrequencyCap, 400: ErrorBody },
    },
    handler: async (req) => c.setCap(workspaceOf(req), { ...req.body, channel: req.params.channel }, req.auth.actor),
  });

  r.delete('/api/v1/frequency-caps/:channel', {
    config: { access: { role: 'member' } },
    schema: { tags: ['consent'], summary: 'Remove a cap', params: z.object({ channel: Channel }), response: { 204: z.null(), 404: ErrorBody } },
    handler: async (req, reply) => {
      await c.removeCap(workspaceOf(req), req.params.channel, req.auth.actor);
      return reply.code(204).send(null);
    },
  });
}
