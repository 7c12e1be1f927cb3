import { manualClock } from '../platform/clock.js';
import type { SegmentDefinition } from '../segments/segment.schema.js';
import { unitHash } from './journey.hash.js';
import { advance, type AdvanceResult } from './journey.interpreter.js';
import type { JourneyRuntime } from './journey.run.js';
import { JourneyDefinition, type JourneyDefinitionInput } from './journey.schema.js';
import type { JourneyEffect, JourneyEffectOf, JourneyInput, JourneyState } from './journey.state.js';

/** Builders shared by the journey tests: compact node and edge literals, a runtime, a driver. */

type NodeInput = JourneyDefinitionInput['nodes'][number];
type EdgeInput = JourneyDefinitionInput['edges'][number];
type Config<T extends NodeInput['type']> = Extract<NodeInput, { type: T }>['config'];

const at = { x: 0, y: 0 };

export const n = {
  delay: (id: string, config: Config<'delay'>): NodeInput => ({ id, type: 'delay', position: at, config }),
  wait: (id: string, config: Config<'wait_for_event'>): NodeInput => ({ id, type: 'wait_for_event', position: at, config }),
  condition: (id: string, config: Config<'condition'>): NodeInput => ({ id, type: 'condition', position: at, config }),
  split: (id: string, branches: Array<{ key: string; percent: number }>): NodeInput => ({ id, type: 'split', position: at, config: { branches } }),
  send: (id: string, templateId: string, channel: 'email' | 'sms' | 'webhook' = 'email', awaitResult = false): NodeInput => ({
    id,
    type: 'send',
    position: at,
    config: { channel, templateId, awaitResult },
  }),
  trait: (id: string, config: Config<'update_trait'>): NodeInput => ({ id, type: 'update_trait', position: at, config }),
  webhook: (id: string, url: string): NodeInput => ({ id, type: 'webhook', position: at, config: { url, method: 'POST', body: '{"id":"{{ profile.id }}"}' } }),
  exit: (id: string): NodeInput => ({ id, type: 'exit', position: at, config: {} }),
};

/** `e('a', 'b')` or `e('a', 'b', 'yes')`; the id is derived so tests stay short. */
export const e = (source: string, target: string, sourceHandle?: string): EdgeInput => ({
  id: `${source}-${sourceHandle ?? 'next'}-${target}`,
  source,
  target,
  ...(sourceHandle !== undefined ? { sourceHandle } : {}),
});

/** A parsed definition from compact parts; entry defaults to an `order_placed` event into the first node. */
export function journey(parts: {
  nodes: NodeInput[];
  edges: EdgeInput[];
  entry?: JourneyDefinitionInput['entry'];
  settings?: JourneyDefinitionInput['settings'];
}): JourneyDefinition {
  return JourneyDefinition.parse({
    entry: parts.entry ?? { kind: 'event', event: { name: 'order_placed' }, startNodeId: parts.nodes[0]?.id ?? 'missing' },
    nodes: parts.nodes,
    edges: parts.edges,
    settings: parts.settings ?? {},
  });
}

export const T0 = Date.parse('2025-03-03T08:00:00Z'); // a Monday
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export interface TestRuntime extends JourneyRuntime {
  clock: ReturnType<typeof manualClock>;
  /** Rules the test says hold (by JSON text), for conditions and exit rules. */
  holding: Set<string>;
}

export function runtime(overrides: { now?: number; traits?: Record<string, unknown>; profileId?: string; entryId?: string; timezone?: string } = {}): TestRuntime {
  const holding = new Set<string>();
  return {
    clock: manualClock(overrides.now ?? T0),
    entry: { journeyId: 'jrn_1', version: 3, entryId: overrides.entryId ?? 'ent_1' },
    profile: { id: overrides.profileId ?? 'prf_1', traits: overrides.traits ?? {} },
    workspace: { timezone: overrides.timezone ?? 'UTC', defaultSendHour: 10 },
    matches: (rule: SegmentDefinition) => holding.has(JSON.stringify(rule)),
    hash: unitHash,
    holding,
  };
}

export const rule = (plan: string): SegmentDefinition => ({ root: { kind: 'trait', key: 'plan', op: 'equals', value: plan } });

/** Drives one entry: each call advances the kept state. */
export function driver(def: JourneyDefinition, ctx: TestRuntime) {
  let state: JourneyState | null = null;
  const all: JourneyEffect[] = [];
  const step = async (input: JourneyInput): Promise<AdvanceResult> => {
    const result = await advance(def, state, input, ctx);
    state = result.state;
    all.push(...result.effects);
    return result;
  };
  return {
    start: (event: JourneyInput & { kind: 'start' } = { kind: 'start', event: { name: 'order_placed', properties: {} }, vars: {} }) => step(event),
    step,
    /** Move the clock to the pending wake-up and deliver the timer. */
    async wake(): Promise<AdvanceResult> {
      const s = this.state;
      if (s.wakeAt === undefined) throw new Error('the entry is not waiting for a timer');
      ctx.clock.set(s.wakeAt);
      return step({ kind: 'timer', at: s.wakeAt });
    },
    get state(): JourneyState {
      if (!state) throw new Error('not started');
      return state;
    },
    effects: all,
  };
}

export const effectsOf = <K extends JourneyEffect['kind']>(effects: readonly JourneyEffect[], kind: K): JourneyEffectOf<K>[] =>
  effects.filter((x): x is JourneyEffectOf<K> => x.kind === kind);

/** The step outcomes (with handle) in order, for compact assertions. */
export const trail = (effects: readonly JourneyEffect[]): string[] =>
  effectsOf(effects, 'record_step').map((s) => `${s.nodeId ?? '-'}:${s.outcome}${s.handle ? `:${s.handle}` : ''}${s.reason ? `:${s.reason}` : ''}`);
