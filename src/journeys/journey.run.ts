import type { Clock } from '../platform/clock.js';
import { assertUnreachable } from '../platform/errors.js';
import type { SegmentDefinition } from '../segments/segment.schema.js';
import { nextNodeId, type Handle, type JourneyGraph } from './journey.graph.js';
import { splitKey, pickBranch, type UnitHash } from './journey.hash.js';
import { filtersMatch } from './journey.match.js';
import type { DelayConfig, JourneyDefinition, JourneyDuration, JourneyNode, NodeOf } from './journey.schema.js';
import { MAX_HISTORY, type EndReason, type JsonValue, type JourneyEffect, type JourneyState, type JourneyStep, type WaitingFor } from './journey.state.js';
import { addLocalDays, localMinutes, nextTimeOfDay, parseTimeOfDay } from './journey.time.js';

/**
 * One advance call in progress: the definition, the runtime, a private copy of the state that the
 * node steps below change, and the effects they ask for. Time is read once (`now`), so a call is a
 * function of its arguments.
 */

/** What the interpreter needs from the world for one entry. */
export interface JourneyRuntime {
  clock: Clock;
  /** `version` is the definition version this entry runs (an entry stays on the version it entered). */
  entry: { journeyId: string; version: number; entryId: string };
  profile: { id: string; traits: Readonly<Record<string, unknown>> };
  /** The workspace's zone (after the `timezone` trait and settings.timezone) and best_time's fallback hour (0–23). */
  workspace: { timezone: string; defaultSendHour: number };
  /** Does the segment rule hold for this profile now? */
  matches(rule: SegmentDefinition): boolean | Promise<boolean>;
  /** Key → uniform [0, 1): journey.hash.ts's unitHash unless a test wants otherwise. */
  hash: UnitHash;
}

export interface Run {
  def: JourneyDefinition;
  graph: JourneyGraph;
  ctx: JourneyRuntime;
  now: number;
  /** The customer's zone for this call. */
  timeZone: string;
  state: JourneyState;
  effects: JourneyEffect[];
  /** Nodes entered in this call, against MAX_STEPS_PER_ADVANCE. */
  nodesEntered: number;
}

/**
 * A validated journey enters each node at most once per instant (cycles need a delay), so this only
 * trips on an unvalidated definition: it ends the entry instead of spinning.
 */
export const MAX_STEPS_PER_ADVANCE = 500;
/** Larger webhook answers are not kept in the context (the state row stays small); the handle still says success. */
export const MAX_RESPONSE_CHARS = 64_000;

const MINUTE = 60_000;

export function record(run: Run, step: Omit<JourneyStep, 'at'>): void {
  const full: JourneyStep = { ...step, at: run.now };
  run.state.steps.push(full);
  if (run.state.steps.length > MAX_HISTORY) run.state.steps.splice(0, run.state.steps.length - MAX_HISTORY);
  run.state.stepCount++;
  run.effects.push({ kind: 'record_step', ...full });
}

export function finish(run: Run, status: 'completed' | 'exited' | 'converted', reason: EndReason, nodeId: string | null): void {
  const s = run.state;
  s.status = status;
  s.nodeId = nodeId;
  s.endedAt = run.now;
  s.endReason = reason;
  delete s.wakeAt;
  delete s.waitingFor;
  record(run, { nodeId, outcome: status, reason });
}

function pause(run: Run, nodeId: string, waitingFor: WaitingFor, wakeAt?: number): void {
  const s = run.state;
  s.nodeId = nodeId;
  s.waitingFor = waitingFor;
  if (wakeAt === undefined) {
    s.status = 'active';
    delete s.wakeAt;
    return;
  }
  s.status = 'waiting';
  s.wakeAt = wakeAt;
  record(run, { nodeId, outcome: 'waiting', until: wakeAt });
  run.effects.push({ kind: 'schedule_timer', at: wakeAt });
}

/** Leave the wait the entry was in (the node's own step follows). */
export function resume(run: Run): void {
  run.state.status = 'active';
  delete run.state.wakeAt;
  delete run.state.waitingFor;
}

/** `${journeyId}:${version}:${entryId}:${nodeId}`, plus `:${visit}` from a node's second visit on (loops send again). */
export function idempotencyKey(run: Run, nodeId: string): string {
  const { journeyId, version, entryId } = run.ctx.entry;
  const visit = run.state.visits[nodeId] ?? 1;
  const base = `${journeyId}:${version}:${entryId}:${nodeId}`;
  return visit > 1 ? `${base}:${visit}` : base;
}

/** The instant a wait of `d` from now ends; days keep the local wall-clock time across DST. */
export function afterDuration(run: Run, d: JourneyDuration): number {
  switch (d.unit) {
    case 'minutes':
      return run.now + d.amount * MINUTE;
    case 'hours':
      return run.now + d.amount * 60 * MINUTE;
    case 'days':
      return addLocalDays(run.now, d.amount, run.timeZone);
    default:
      return assertUnreachable(d.unit);
  }
}

function delayUntil(run: Run, config: DelayConfig): number {
  switch (config.kind) {
    case 'duration':
      return afterDuration(run, config.duration);
    case 'time_of_day':
      return nextTimeOfDay(run.now, config.at, run.timeZone, config.weekdays);
    case 'best_time': {
      // Placeholder until send-time prediction: the workspace's default hour, local time.
      const hour = Math.min(23, Math.max(0, Math.floor(run.ctx.workspace.defaultSendHour)));
      return nextTimeOfDay(run.now, `${String(hour).padStart(2, '0')}:00`, run.timeZone);
    }
    default:
      return assertUnreachable(config);
  }
}

/** When quiet hours cover this send now, the instant they end; else undefined. */
function quietUntil(run: Run, node: NodeOf<'send'>): number | undefined {
  const q = run.def.settings.quietHours;
  if (!q || !q.channels.includes(node.config.channel)) return undefined;
  const [sh, sm] = parseTimeOfDay(q.start);
  const [eh, em] = parseTimeOfDay(q.end);
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  const m = localMinutes(run.now, run.timeZone);
  // A window such as 22:00–08:00 wraps past midnight.
  const inside = start < end ? m >= start && m < end : m >= start || m < end;
  return inside ? nextTimeOfDay(run.now, q.end, run.timeZone) : undefined;
}

/** After a node: leave by `handle`, or stop (the node paused or ended the entry). */
type Step = { handle: Handle } | 'stop';

/** Enter nodes from `nodeId` on until one pauses or ends the entry. `fromId` is the node left (for a dead end's report). */
export async function runFrom(run: Run, nodeId: string | undefined, fromId: string | null): Promise<void> {
  let current = nodeId;
  let previous = fromId;
  for (;;) {
    if (current === undefined) return finish(run, 'completed', 'dead_end', previous);
    const node = run.graph.nodes.get(current)?.node;
    if (!node) return finish(run, 'exited', 'missing_node', previous);
    if (++run.nodesEntered > MAX_STEPS_PER_ADVANCE) return finish(run, 'exited', 'step_limit', node.id);
    run.state.visits[node.id] = (run.state.visits[node.id] ?? 0) + 1;
    run.state.nodeId = node.id;
    const step = await enterNode(run, node);
    if (step === 'stop') return;
    previous = node.id;
    current = nextNodeId(run.graph, node.id, step.handle);
  }
}

/** Continue from `node` by `handle` (after a wait ends or an effect answers). */
export function proceed(run: Run, node: JourneyNode, handle: Handle): Promise<void> {
  return runFrom(run, nextNodeId(run.graph, node.id, handle), node.id);
}

async function enterNode(run: Run, node: JourneyNode): Promise<Step> {
  switch (node.type) {
    case 'delay':
      pause(run, node.id, { kind: 'delay' }, delayUntil(run, node.config));
      return 'stop';
    case 'wait_for_event':
      pause(run, node.id, { kind: 'event' }, afterDuration(run, node.config.timeout));
      return 'stop';
    case 'condition': {
      const c = node.config;
      const yes = c.kind === 'segment' ? await run.ctx.matches(c.rule) : filtersMatch(c.where, run.state.context, run.now);
      const handle = yes ? 'yes' : 'no';
      record(run, { nodeId: node.id, outcome: 'branch', handle });
      return { handle };
    }
    case 'split': {
      const { journeyId, entryId } = run.ctx.entry;
      const branch = pickBranch(node.config.branches, run.ctx.hash(splitKey(journeyId, run.ctx.profile.id, entryId, node.id)));
      if (!branch) return { handle: null }; // all branches at 0%: a dead end (the validator rejects it)
      record(run, { nodeId: node.id, outcome: 'branch', handle: branch.key });
      return { handle: branch.key };
    }
    case 'send':
      return send(run, node, false);
    case 'update_trait': {
      const key = idempotencyKey(run, node.id);
      run.effects.push({ kind: 'update_trait', nodeId: node.id, change: node.config, idempotencyKey: key, context: structuredClone(run.state.context) });
      record(run, { nodeId: node.id, outcome: 'trait_update' });
      // Wait for the write, so a condition right after it sees the new value.
      pause(run, node.id, { kind: 'effect', effect: 'update_trait', idempotencyKey: key });
      return 'stop';
    }
    case 'webhook': {
      const key = idempotencyKey(run, node.id);
      run.effects.push({ kind: 'call_webhook', nodeId: node.id, request: node.config, idempotencyKey: key, context: structuredClone(run.state.context) });
      record(run, { nodeId: node.id, outcome: 'webhook_called' });
      pause(run, node.id, { kind: 'effect', effect: 'call_webhook', idempotencyKey: key });
      return 'stop';
    }
    case 'exit':
      finish(run, 'completed', 'exit_node', node.id);
      return 'stop';
    default:
      return assertUnreachable(node);
  }
}

/**
 * A send node: held back by quiet hours, suppressed for the control group (which otherwise walks
 * the same path at the same times), or a send effect. `afterQuietHours` when resuming from them.
 */
export function send(run: Run, node: NodeOf<'send'>, afterQuietHours: boolean): Step {
  if (!afterQuietHours) {
    const until = quietUntil(run, node);
    if (until !== undefined) {
      pause(run, node.id, { kind: 'quiet_hours' }, until);
      return 'stop';
    }
  }
  const { channel, templateId, awaitResult } = node.config;
  if (run.state.control) {
    record(run, { nodeId: node.id, outcome: 'suppressed_by_control' });
    // A control customer takes the path a delivered message would.
    return { handle: awaitResult ? 'sent' : null };
  }
  const key = idempotencyKey(run, node.id);
  run.effects.push({ kind: 'send', nodeId: node.id, channel, templateId, idempotencyKey: key, awaitResult, context: structuredClone(run.state.context) });
  record(run, { nodeId: node.id, outcome: 'sent' });
  if (!awaitResult) return { handle: null };
  pause(run, node.id, { kind: 'effect', effect: 'send', idempotencyKey: key });
  return 'stop';
}

/** The webhook answer to keep under responses.<nodeId> (null when absent or too large). */
export function keptResponse(response: JsonValue | undefined): JsonValue {
  if (response === undefined) return null;
  return JSON.stringify(response).length > MAX_RESPONSE_CHARS ? null : response;
}
