import { z } from 'zod';
import { Channel } from '../messaging/template.schema.js';
import { UpdateTraitConfig, WebhookConfig } from './journey.schema.js';

/**
 * What the interpreter reads and writes for one entry of one customer: its state, the inputs that
 * move it on and the effects it asks for. All are zod schemas because the engine stores them as
 * JSON (state column, outbox rows) and reads them back (STYLE §7). Instants are epoch ms.
 */

export const JsonValue = z.json();
export type JsonValue = z.infer<typeof JsonValue>;

/** An event as the journey sees it (a track/page/screen event, or a synthetic one for segment and schedule entries). */
export const JourneyEvent = z.object({
  name: z.string().min(1).max(200),
  properties: z.record(z.string(), JsonValue).default({}),
  timestamp: z.number().optional(),
  messageId: z.string().max(200).optional(),
});
export type JourneyEvent = z.infer<typeof JourneyEvent>;

/**
 * Data later nodes can use (Liquid in templates, context conditions):
 * - `event`: the event that started the entry;
 * - `responses.<nodeId>`: a webhook node's JSON answer, or the event a wait_for_event node received;
 * - `vars`: values the caller seeded at start (the interpreter itself writes none).
 */
export const JourneyContext = z.object({
  event: JourneyEvent.nullable(),
  responses: z.record(z.string(), JsonValue),
  vars: z.record(z.string(), JsonValue),
});
export type JourneyContext = z.infer<typeof JourneyContext>;

/**
 * - active: running, paused only for an effect's answer (webhook, trait update, an awaited send);
 * - waiting: paused until `wakeAt` (a delay, an event wait's timeout, quiet hours);
 * - completed / exited / converted: ended (an exit node or a dead end / an exit condition / the goal).
 */
export const JourneyStatus = z.enum(['active', 'waiting', 'completed', 'exited', 'converted']);
export type JourneyStatus = z.infer<typeof JourneyStatus>;

export const TERMINAL_STATUSES: ReadonlySet<JourneyStatus> = new Set(['completed', 'exited', 'converted']);

/** Why an entry ended: a key the dashboard translates. */
/** `archived`: the journey was archived while the customer was inside. */
export const EndReason = z.enum(['exit_node', 'dead_end', 'goal', 'exit_event', 'exit_rule', 'step_limit', 'missing_node', 'archived']);
export type EndReason = z.infer<typeof EndReason>;

export const WaitingFor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('delay') }),
  z.object({ kind: z.literal('event') }),
  z.object({ kind: z.literal('quiet_hours') }),
  z.object({ kind: z.literal('effect'), effect: z.enum(['send', 'update_trait', 'call_webhook']), idempotencyKey: z.string() }),
]);
export type WaitingFor = z.infer<typeof WaitingFor>;

/** What happened at a step, as a key (the dashboard and analytics translate and count them). */
export const StepOutcome = z.enum([
  'entered',
  'waiting',
  'delay_elapsed',
  'event_received',
  'timed_out',
  'branch',
  'sent',
  'suppressed_by_control',
  'send_result',
  'trait_update',
  'trait_update_result',
  'webhook_called',
  'webhook_result',
  'completed',
  'exited',
  'converted',
]);
export type StepOutcome = z.infer<typeof StepOutcome>;

export const JourneyStep = z.object({
  /** The node the step happened at; for entry-wide steps (a goal, an exit condition) the node the entry was at; null for `entered`. */
  nodeId: z.string().nullable(),
  outcome: StepOutcome,
  at: z.number(),
  /** The handle taken: yes/no, a split's branch key, event/timeout, sent/failed, success/failure. */
  handle: z.string().optional(),
  /** For `waiting`: when the wait ends. */
  until: z.number().optional(),
  reason: EndReason.optional(),
});
export type JourneyStep = z.infer<typeof JourneyStep>;

/** History kept in the state; older steps move to `journey_steps` as they leave it (journey.writes.ts). */
export const MAX_HISTORY = 100;

export const JourneyState = z.object({
  /** The node the entry is at (paused at, or ended at); null only if it ended before the first node. */
  nodeId: z.string().nullable(),
  status: JourneyStatus,
  wakeAt: z.number().optional(),
  waitingFor: WaitingFor.optional(),
  context: JourneyContext,
  /** The last MAX_HISTORY steps; `stepCount` counts them all. */
  steps: z.array(JourneyStep),
  stepCount: z.number().int(),
  /** Times each node was entered: revisits get their own idempotency keys. */
  visits: z.record(z.string(), z.number().int()),
  enteredAt: z.number(),
  endedAt: z.number().optional(),
  endReason: EndReason.optional(),
  /** In the holdout group: goes through the graph, is sent nothing. */
  control: z.boolean(),
  /**
   * Message ids of the last events that answered a wait: an event delivered again (a retried job,
   * a batch announced again after a crash) does not answer the next wait too.
   */
  answeredBy: z.array(z.string()).optional(),
});
export type JourneyState = z.infer<typeof JourneyState>;

/** How many answering events an entry remembers. */
export const MAX_ANSWERED = 20;

export const JourneyInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('start'),
    event: JourneyEvent.nullable().default(null),
    vars: z.record(z.string(), JsonValue).default({}),
    /** Overrides the hash-based holdout assignment (previews and test sends). */
    control: z.boolean().optional(),
  }),
  /** A timer the interpreter scheduled came due; `at` is the instant it was scheduled for. */
  z.object({ kind: z.literal('timer'), at: z.number() }),
  z.object({ kind: z.literal('event'), event: JourneyEvent }),
  /** The answer to a send, update_trait or call_webhook effect, matched by its idempotency key. */
  z.object({
    kind: z.literal('effect_result'),
    idempotencyKey: z.string(),
    ok: z.boolean(),
    response: JsonValue.optional(),
    /** A short machine-readable reason (`http_500`, `timeout`, `consent`), not shown verbatim. */
    error: z.string().max(1000).optional(),
  }),
]);
export type JourneyInput = z.infer<typeof JourneyInput>;
export type JourneyInputOf<K extends JourneyInput['kind']> = Extract<JourneyInput, { kind: K }>;

/**
 * Effects carry a snapshot of the context so the executor renders Liquid against exactly what the
 * interpreter saw, however far the entry has moved on by the time the job runs.
 */
export const JourneyEffect = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('send'), nodeId: z.string(), channel: Channel, templateId: z.string(), idempotencyKey: z.string(), awaitResult: z.boolean(), context: JourneyContext }),
  z.object({ kind: z.literal('update_trait'), nodeId: z.string(), change: UpdateTraitConfig, idempotencyKey: z.string(), context: JourneyContext }),
  z.object({ kind: z.literal('call_webhook'), nodeId: z.string(), request: WebhookConfig, idempotencyKey: z.string(), context: JourneyContext }),
  /** Deliver `{ kind: 'timer', at }` at or after `at`. Timers that no longer match the state are ignored, so none need cancelling. */
  z.object({ kind: z.literal('schedule_timer'), at: z.number() }),
  JourneyStep.extend({ kind: z.literal('record_step') }),
]);
export type JourneyEffect = z.infer<typeof JourneyEffect>;
export type JourneyEffectOf<K extends JourneyEffect['kind']> = Extract<JourneyEffect, { kind: K }>;
