import { assertUnreachable, UnexpectedError } from '../platform/errors.js';
import { buildGraph } from './journey.graph.js';
import { holdoutKey, inHoldout } from './journey.hash.js';
import { eventMatches } from './journey.match.js';
import { finish, keptResponse, proceed, record, resume, runFrom, send, type JourneyRuntime, type Run } from './journey.run.js';
import type { JourneyDefinition, JourneyNode } from './journey.schema.js';
import { MAX_ANSWERED, TERMINAL_STATUSES, type JourneyEffect, type JourneyEvent, type JourneyInputOf, type JourneyInput, type JourneyState, type JsonValue } from './journey.state.js';
import { firstTimeZone } from './journey.time.js';

export type { JourneyRuntime } from './journey.run.js';

/**
 * The journey interpreter: `advance(definition, state, input, ctx)` moves one customer's entry on
 * and says what should happen, without doing any of it. It is deterministic: the same arguments
 * (including `ctx.clock.now()` and `ctx.matches`' answers) give the same new state and effects, so
 * the durable engine can store state and effects in one transaction and replay safely.
 *
 * One call runs through instantaneous nodes (conditions, splits, sends) until the entry pauses
 * (delay, wait_for_event, quiet hours, an effect whose answer it needs) or ends. Inputs that no
 * longer apply (a timer for a wait that ended, an event nobody waits for) change nothing and say
 * why in `ignored`.
 */

export type IgnoredReason = 'already_started' | 'ended' | 'stale_timer' | 'early_timer' | 'unexpected_result' | 'no_match' | 'already_answered';

export interface AdvanceResult {
  state: JourneyState;
  effects: JourneyEffect[];
  ignored?: IgnoredReason;
}

const DAY = 86_400_000;

/** The customer's zone: a valid `timezone` trait, else the journey's default, else the workspace's. */
export function customerTimeZone(traits: Readonly<Record<string, unknown>>, def: JourneyDefinition, workspaceTimeZone: string): string {
  return firstTimeZone(traits.timezone, def.settings.timezone, workspaceTimeZone);
}

/** Advance an entry by one input. `state` is null only for `start`. */
export async function advance(def: JourneyDefinition, state: JourneyState | null, input: JourneyInput, ctx: JourneyRuntime): Promise<AdvanceResult> {
  const now = ctx.clock.now();
  if (input.kind === 'start') {
    if (state) return { state, effects: [], ignored: 'already_started' };
    return start(def, input, ctx, now);
  }
  if (!state) throw new UnexpectedError(`journey input "${input.kind}" needs the entry's state`);
  if (TERMINAL_STATUSES.has(state.status)) return { state, effects: [], ignored: 'ended' };
  const run = newRun(def, structuredClone(state), ctx, now);
  let ignored: IgnoredReason | undefined;
  switch (input.kind) {
    case 'timer':
      ignored = await onTimer(run, input);
      break;
    case 'event':
      ignored = await onEvent(run, input.event);
      break;
    case 'effect_result':
      ignored = await onEffectResult(run, input);
      break;
    default:
      return assertUnreachable(input);
  }
  // An ignored input leaves the caller's state object as it was (an early timer only re-arms itself).
  if (ignored !== undefined) return { state, effects: run.effects, ignored };
  return { state: run.state, effects: run.effects };
}

/** Definitions are immutable once published: each one's graph is built once. */
const graphs = new WeakMap<JourneyDefinition, ReturnType<typeof buildGraph>>();
function graphOf(def: JourneyDefinition): ReturnType<typeof buildGraph> {
  let g = graphs.get(def);
  if (!g) graphs.set(def, (g = buildGraph(def)));
  return g;
}

function newRun(def: JourneyDefinition, state: JourneyState, ctx: JourneyRuntime, now: number): Run {
  return { def, graph: graphOf(def), ctx, now, timeZone: customerTimeZone(ctx.profile.traits, def, ctx.workspace.timezone), state, effects: [], nodesEntered: 0 };
}

async function start(def: JourneyDefinition, input: JourneyInputOf<'start'>, ctx: JourneyRuntime, now: number): Promise<AdvanceResult> {
  // The hash only when there is a hold-out to fall into.
  const control = input.control ?? (def.settings.holdoutPercent > 0 && inHoldout(def.settings.holdoutPercent, ctx.hash(holdoutKey(ctx.entry.journeyId, ctx.profile.id))));
  const state: JourneyState = {
    nodeId: null,
    status: 'active',
    context: { event: structuredClone(input.event), responses: {}, vars: structuredClone(input.vars) },
    steps: [],
    stepCount: 0,
    visits: {},
    enteredAt: now,
    control,
  };
  const run = newRun(def, state, ctx, now);
  record(run, { nodeId: null, outcome: 'entered' });
  if (!(await exitRuleHolds(run))) await runFrom(run, def.entry.startNodeId, null);
  return { state: run.state, effects: run.effects };
}

/** The current node, or the entry ends (a definition changed under a running entry). */
function currentNode(run: Run): JourneyNode | undefined {
  const id = run.state.nodeId;
  const node = id === null ? undefined : run.graph.nodes.get(id)?.node;
  if (!node) finish(run, 'exited', 'missing_node', id);
  return node;
}

async function onTimer(run: Run, input: JourneyInputOf<'timer'>): Promise<IgnoredReason | undefined> {
  const s = run.state;
  if (s.status !== 'waiting' || s.wakeAt === undefined || s.waitingFor === undefined || input.at !== s.wakeAt) return 'stale_timer';
  if (run.now < s.wakeAt) {
    // Delivered early (clock skew between processes): ask again rather than lose the wake-up.
    run.effects.push({ kind: 'schedule_timer', at: s.wakeAt });
    return 'early_timer';
  }
  const waitingFor = s.waitingFor;
  if (await exitRuleHolds(run)) return undefined;
  const node = currentNode(run);
  if (!node) return undefined;
  resume(run);
  switch (waitingFor.kind) {
    case 'delay':
      record(run, { nodeId: node.id, outcome: 'delay_elapsed' });
      await proceed(run, node, null);
      return undefined;
    case 'event':
      record(run, { nodeId: node.id, outcome: 'timed_out', handle: 'timeout' });
      await proceed(run, node, 'timeout');
      return undefined;
    case 'quiet_hours': {
      if (node.type !== 'send') return finishMissing(run);
      const step = send(run, node, true);
      if (step !== 'stop') await proceed(run, node, step.handle);
      return undefined;
    }
    case 'effect':
      return 'stale_timer'; // unreachable: effect waits set no wakeAt
    default:
      return assertUnreachable(waitingFor);
  }
}

/** A goal event converts (checked first: an event that is both goal and exit is a success), an exit event exits, else it may answer a wait. */
async function onEvent(run: Run, event: JourneyEvent): Promise<IgnoredReason | undefined> {
  const s = run.state;
  const { goal, exitConditions } = run.def.settings;
  if (goal && eventMatches(goal.event, event, run.now) && (goal.withinDays === undefined || run.now - s.enteredAt <= goal.withinDays * DAY)) {
    finish(run, 'converted', 'goal', s.nodeId);
    return undefined;
  }
  if (exitConditions.some((c) => c.kind === 'event' && eventMatches(c.event, event, run.now))) {
    finish(run, 'exited', 'exit_event', s.nodeId);
    return undefined;
  }
  if (s.status !== 'waiting' || s.waitingFor?.kind !== 'event') return 'no_match';
  const node = s.nodeId === null ? undefined : run.graph.nodes.get(s.nodeId)?.node;
  if (node?.type !== 'wait_for_event' || !eventMatches(node.config.event, event, run.now)) return 'no_match';
  if (event.messageId !== undefined && s.answeredBy?.includes(event.messageId)) return 'already_answered';
  if (await exitRuleHolds(run)) return undefined;
  resume(run);
  if (event.messageId !== undefined) s.answeredBy = [...(s.answeredBy ?? []), event.messageId].slice(-MAX_ANSWERED);
  s.context.responses[node.id] = eventJson(event);
  record(run, { nodeId: node.id, outcome: 'event_received', handle: 'event' });
  await proceed(run, node, 'event');
  return undefined;
}

async function onEffectResult(run: Run, input: JourneyInputOf<'effect_result'>): Promise<IgnoredReason | undefined> {
  const waitingFor = run.state.waitingFor;
  // Answers to sends nobody waits for (and duplicates) change nothing; delivery is the messaging module's record.
  if (waitingFor?.kind !== 'effect' || waitingFor.idempotencyKey !== input.idempotencyKey) return 'unexpected_result';
  if (await exitRuleHolds(run)) return undefined;
  const node = currentNode(run);
  if (!node) return undefined;
  resume(run);
  switch (waitingFor.effect) {
    case 'call_webhook': {
      run.state.context.responses[node.id] = keptResponse(input.response);
      const handle = input.ok ? 'success' : 'failure';
      record(run, { nodeId: node.id, outcome: 'webhook_result', handle });
      await proceed(run, node, handle);
      return undefined;
    }
    case 'update_trait':
      // A failed write is recorded but does not stop the journey: the node has one way out.
      record(run, { nodeId: node.id, outcome: 'trait_update_result', handle: input.ok ? 'ok' : 'failed' });
      await proceed(run, node, null);
      return undefined;
    case 'send': {
      const handle = input.ok ? 'sent' : 'failed';
      record(run, { nodeId: node.id, outcome: 'send_result', handle });
      await proceed(run, node, handle);
      return undefined;
    }
    default:
      return assertUnreachable(waitingFor.effect);
  }
}

/**
 * Segment-rule exit conditions, checked where an entry starts or resumes (before anything else
 * is sent), since a rule can only change between inputs. Event exits are checked on every event.
 */
async function exitRuleHolds(run: Run): Promise<boolean> {
  for (const c of run.def.settings.exitConditions) {
    if (c.kind === 'segment' && (await run.ctx.matches(c.rule))) {
      finish(run, 'exited', 'exit_rule', run.state.nodeId);
      return true;
    }
  }
  return false;
}

function finishMissing(run: Run): undefined {
  finish(run, 'exited', 'missing_node', run.state.nodeId);
  return undefined;
}

/** The event as JSON for responses.<nodeId> (optional fields only when present). */
function eventJson(event: JourneyEvent): JsonValue {
  const out: Record<string, JsonValue> = { name: event.name, properties: event.properties };
  if (event.timestamp !== undefined) out.timestamp = event.timestamp;
  if (event.messageId !== undefined) out.messageId = event.messageId;
  return out;
}
