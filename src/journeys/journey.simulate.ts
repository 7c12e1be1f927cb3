import type { Channel } from '../messaging/template.schema.js';
import { manualClock } from '../platform/clock.js';
import { assertUnreachable } from '../platform/errors.js';
import type { SegmentDefinition } from '../segments/segment.schema.js';
import { unitHash, type UnitHash } from './journey.hash.js';
import { advance, type AdvanceResult } from './journey.interpreter.js';
import type { JourneyRuntime } from './journey.run.js';
import type { JourneyDefinition, UpdateTraitConfig, WebhookConfig } from './journey.schema.js';
import { TERMINAL_STATUSES, type JourneyContext, type JourneyEvent, type JourneyInput, type JourneyState, type JourneyStep, type JsonValue } from './journey.state.js';

/**
 * A dry run of one journey for one profile on a virtual clock: every step the interpreter would
 * take, when, and every message rendered through the caller's `render` (nothing is sent, no
 * webhook is called, no trait is written). The same interpreter the engine runs, so the preview
 * cannot drift from production.
 */

export interface SimulationProfile {
  id: string;
  traits: Record<string, unknown>;
}

/** What `render` returns for a message: whatever the channel shows (subject and text for email, text for SMS…). */
export interface RenderedMessage {
  subject?: string;
  text?: string;
  html?: string;
}

export interface RenderContext {
  channel: Channel;
  profile: SimulationProfile;
  context: JourneyContext;
  now: number;
}

export interface SimulateOptions {
  /** The entry's event (null for segment and scheduled entries). */
  startEvent: JourneyEvent | null;
  /** Virtual time of the entry, epoch ms. */
  startAt: number;
  /** Events delivered at virtual times (in order of `at`). */
  events?: ReadonlyArray<{ at: number; event: JourneyEvent }>;
  /** Stop after this many virtual days (default 30). */
  maxDays?: number;
  render(templateId: string, ctx: RenderContext): RenderedMessage | Promise<RenderedMessage>;
  /** Segment rules (conditions, exit rules) for the simulated profile at a virtual time; traits include simulated updates. */
  matches(rule: SegmentDefinition, at: { traits: Readonly<Record<string, unknown>>; now: number }): boolean | Promise<boolean>;
  /** The webhook answers to assume (default: success with a null body). */
  webhook?(request: WebhookConfig, context: JourneyContext): { ok: boolean; response?: JsonValue } | Promise<{ ok: boolean; response?: JsonValue }>;
  /** Awaited sends' delivery answers (default: delivered). */
  delivered?(templateId: string, channel: Channel): boolean;
  /** Force the holdout assignment; default: as the hash assigns this profile. */
  control?: boolean;
  journeyId?: string;
  version?: number;
  /** Splits hash on the entry id: pass a real one to predict a real entry's branch. */
  entryId?: string;
  workspace?: { timezone: string; defaultSendHour: number };
  hash?: UnitHash;
}

export type TimelineItem =
  | { kind: 'step'; at: number; step: JourneyStep }
  | { kind: 'message'; at: number; nodeId: string; channel: Channel; templateId: string; rendered: RenderedMessage }
  | { kind: 'webhook'; at: number; nodeId: string; method: WebhookConfig['method']; url: string; ok: boolean }
  | { kind: 'trait'; at: number; nodeId: string; change: UpdateTraitConfig }
  | { kind: 'event'; at: number; event: JourneyEvent }
  | { kind: 'stopped'; at: number; reason: 'ended' | 'max_days' | 'idle' | 'iteration_limit'; status: JourneyState['status'] };

const DAY = 86_400_000;
/** More inputs than any sensible journey takes in the window; stops a runaway preview. */
const MAX_ITERATIONS = 10_000;

/** The timeline of one simulated entry (see SimulateOptions). */
export async function simulate(def: JourneyDefinition, profile: SimulationProfile, options: SimulateOptions): Promise<TimelineItem[]> {
  const clock = manualClock(options.startAt);
  const traits: Record<string, unknown> = structuredClone(profile.traits);
  const end = options.startAt + (options.maxDays ?? 30) * DAY;
  const ctx: JourneyRuntime = {
    clock,
    entry: { journeyId: options.journeyId ?? 'simulation', version: options.version ?? 1, entryId: options.entryId ?? 'simulation' },
    profile: { id: profile.id, traits },
    workspace: options.workspace ?? { timezone: 'UTC', defaultSendHour: 10 },
    matches: (rule) => options.matches(rule, { traits, now: clock.now() }),
    hash: options.hash ?? unitHash,
  };
  const events = [...(options.events ?? [])].sort((a, b) => a.at - b.at);
  const timeline: TimelineItem[] = [];
  const pending: JourneyInput[] = [];

  /** Apply a result: log its steps and effects, queue the answers the simulated world gives at once. */
  const take = async (result: AdvanceResult): Promise<JourneyState> => {
    const at = clock.now();
    for (const effect of result.effects) {
      switch (effect.kind) {
        case 'record_step': {
          const { kind: _kind, ...step } = effect;
          timeline.push({ kind: 'step', at, step });
          break;
        }
        case 'send': {
          const rendered = await options.render(effect.templateId, { channel: effect.channel, profile: { id: profile.id, traits }, context: effect.context, now: at });
          timeline.push({ kind: 'message', at, nodeId: effect.nodeId, channel: effect.channel, templateId: effect.templateId, rendered });
          if (effect.awaitResult) pending.push({ kind: 'effect_result', idempotencyKey: effect.idempotencyKey, ok: options.delivered?.(effect.templateId, effect.channel) ?? true });
          break;
        }
        case 'call_webhook': {
          const answer = (await options.webhook?.(effect.request, effect.context)) ?? { ok: true, response: null };
          timeline.push({ kind: 'webhook', at, nodeId: effect.nodeId, method: effect.request.method, url: effect.request.url, ok: answer.ok });
          pending.push({ kind: 'effect_result', idempotencyKey: effect.idempotencyKey, ok: answer.ok, ...(answer.response !== undefined ? { response: answer.response } : {}) });
          break;
        }
        case 'update_trait':
          applyTrait(traits, effect.change);
          timeline.push({ kind: 'trait', at, nodeId: effect.nodeId, change: effect.change });
          pending.push({ kind: 'effect_result', idempotencyKey: effect.idempotencyKey, ok: true });
          break;
        case 'schedule_timer':
          break; // the loop reads state.wakeAt
        default:
          return assertUnreachable(effect);
      }
    }
    return result.state;
  };

  let state = await take(await advance(def, null, { kind: 'start', event: options.startEvent, vars: {}, ...(options.control !== undefined ? { control: options.control } : {}) }, ctx));
  let nextEvent = 0;
  for (let i = 0; ; i++) {
    if (TERMINAL_STATUSES.has(state.status)) return stop(timeline, clock.now(), 'ended', state);
    if (i >= MAX_ITERATIONS) return stop(timeline, clock.now(), 'iteration_limit', state);
    const answer = pending.shift();
    if (answer) {
      state = await take(await advance(def, state, answer, ctx));
      continue;
    }
    const event = events[nextEvent];
    const wakeAt = state.status === 'waiting' ? state.wakeAt : undefined;
    // An event due at the same instant as a timeout arrives first: it was in time.
    const eventFirst = event !== undefined && (wakeAt === undefined || event.at <= wakeAt);
    const at = eventFirst ? event.at : wakeAt;
    if (at === undefined) return stop(timeline, clock.now(), 'idle', state);
    if (at > end) return stop(timeline, end, 'max_days', state);
    clock.set(Math.max(at, clock.now()));
    if (eventFirst) {
      nextEvent++;
      timeline.push({ kind: 'event', at: clock.now(), event: event.event });
      state = await take(await advance(def, state, { kind: 'event', event: event.event }, ctx));
    } else {
      state = await take(await advance(def, state, { kind: 'timer', at }, ctx));
    }
  }
}

function stop(timeline: TimelineItem[], at: number, reason: Extract<TimelineItem, { kind: 'stopped' }>['reason'], state: JourneyState): TimelineItem[] {
  timeline.push({ kind: 'stopped', at, reason, status: state.status });
  return timeline;
}

/** A trait change on the simulated profile (Liquid values are kept as written: nothing is rendered). */
function applyTrait(traits: Record<string, unknown>, change: UpdateTraitConfig): void {
  const path = change.key.split('.');
  const last = path.pop() ?? change.key;
  let target: Record<string, unknown> = traits;
  for (const segment of path) {
    const next = target[segment];
    if (isRecord(next)) {
      target = next;
    } else {
      const created: Record<string, unknown> = {};
      target[segment] = created;
      target = created;
    }
  }
  switch (change.op) {
    case 'set':
      target[last] = change.value;
      break;
    case 'increment': {
      const current = target[last];
      target[last] = (typeof current === 'number' ? current : 0) + change.by;
      break;
    }
    case 'unset':
      delete target[last];
      break;
    default:
      assertUnreachable(change);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
