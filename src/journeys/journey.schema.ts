import { z } from 'zod';
import { Channel } from '../messaging/template.schema.js';
import { EventMatch, JsonPathString, PropertyFilter, SegmentDefinition } from '../segments/segment.schema.js';
import { isTimeZone } from './journey.time.js';
import { say } from '../platform/language.js';
import { zodText } from '../platform/zod-text.js';

/**
 * A journey definition: one JSON document shared by the API, storage and the dashboard's canvas
 * (STYLE §6). The graph is `nodes` joined by `edges`; an edge leaves a node by one of its handles
 * (`yes`/`no` of a condition, a split's branch keys, …; single-exit nodes use no handle). The shapes
 * here are structural; journey.validate.ts adds the graph checks (cycles, dead ends, reachability)
 * with stable codes and JSON paths.
 */

export const MAX_NODES = 200;
export const MAX_EDGES = 400;

/**
 * Node ids appear in idempotency keys and in Liquid as `responses.<nodeId>`, so they are restricted
 * to characters that need no escaping in either (`-` needs bracket notation in Liquid).
 */
export const NodeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, zodText(say('letters, digits, _ and -, at most 64', '只能包含字母、数字、_ 和 -，最多 64 个字符')));
export type NodeId = z.infer<typeof NodeId>;

/** A wall-clock time in the customer's time zone, 24-hour `hh:mm`. */
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day hh:mm (00:00–23:59)');
export type TimeOfDay = z.infer<typeof TimeOfDay>;

export const Weekday = z.enum(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
export type Weekday = z.infer<typeof Weekday>;

/** An IANA zone name the runtime knows (Asia/Shanghai, America/New_York, UTC). */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, { message: 'an IANA time zone such as Asia/Shanghai', params: { code: 'JOURNEY_INVALID_TIMEZONE', zh: '应为 IANA 时区，例如 Asia/Shanghai' } });

export const JourneyDelayUnit = z.enum(['minutes', 'hours', 'days']);
export type JourneyDelayUnit = z.infer<typeof JourneyDelayUnit>;

/** A wait length. `days` are calendar days in the customer's zone (the wall-clock time is kept across DST). */
export const JourneyDuration = z.object({ amount: z.number().int().min(1).max(100_000), unit: JourneyDelayUnit });
export type JourneyDuration = z.infer<typeof JourneyDuration>;

/** Where the canvas draws a card; meaningless to the interpreter. */
export const CanvasPosition = z.object({ x: z.number(), y: z.number() });

// ─── Entry ────────────────────────────────────────────────────────────────────────────────────

/** When a scheduled entry fires relative to a date trait. */
export const ScheduleRule = z.discriminatedUnion('kind', [
  /** Every year on the trait's month and day (birthdays); 29 February falls on the 28th in other years. */
  z.object({ kind: z.literal('anniversary') }),
  /** Once, N calendar days after the trait's date (0 = the same day). */
  z.object({ kind: z.literal('days_after'), days: z.number().int().min(0).max(3650) }),
]);
export type ScheduleRule = z.infer<typeof ScheduleRule>;

/** Every entry names the node customers start at, and may carry a canvas position for the trigger card. */
const entryBase = { startNodeId: z.string().min(1).max(64), position: CanvasPosition.optional() };

export const JourneyEntry = z.discriminatedUnion('kind', [
  /** A tracked event (name + the segment rules' property filters) starts an entry. */
  z.object({ kind: z.literal('event'), event: EventMatch, ...entryBase }),
  z.object({ kind: z.literal('segment_entered'), segmentId: z.string().min(1).max(100), ...entryBase }),
  z.object({ kind: z.literal('segment_exited'), segmentId: z.string().min(1).max(100), ...entryBase }),
  /** A date trait (`birthday`, `signed_up_at`) at a time of day in the customer's zone. */
  z.object({ kind: z.literal('schedule'), trait: JsonPathString, when: ScheduleRule, at: TimeOfDay, ...entryBase }),
]);
export type JourneyEntry = z.infer<typeof JourneyEntry>;
export type ScheduleEntry = Extract<JourneyEntry, { kind: 'schedule' }>;

// ─── Nodes ────────────────────────────────────────────────────────────────────────────────────

export const DelayConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('duration'), duration: JourneyDuration }),
  /** Until the next hh:mm in the customer's zone, optionally only on some weekdays. */
  z.object({ kind: z.literal('time_of_day'), at: TimeOfDay, weekdays: z.array(Weekday).min(1).max(7).optional() }),
  /** The customer's best send time; until send-time prediction lands, the workspace's default hour. */
  z.object({ kind: z.literal('best_time') }),
]);
export type DelayConfig = z.infer<typeof DelayConfig>;

export const WaitForEventConfig = z.object({ event: EventMatch, timeout: JourneyDuration });
export type WaitForEventConfig = z.infer<typeof WaitForEventConfig>;

export const ConditionConfig = z.discriminatedUnion('kind', [
  /** A segment rule evaluated for this profile now (the caller's `matches`). */
  z.object({ kind: z.literal('segment'), rule: SegmentDefinition }),
  /**
   * Filters over the journey context `{ event, responses, vars }`, all of which must hold
   * (`responses.check_stock.available equals true`).
   */
  z.object({ kind: z.literal('context'), where: z.array(PropertyFilter).min(1).max(20) }),
]);
export type ConditionConfig = z.infer<typeof ConditionConfig>;

export const SplitBranch = z.object({
  /** The branch's handle: edges leave the split by this key. */
  key: NodeId,
  percent: z.number().int().min(0).max(100),
  label: z.string().max(200).optional(),
});
export type SplitBranch = z.infer<typeof SplitBranch>;

export const SplitConfig = z.object({ branches: z.array(SplitBranch).min(2).max(10) });
export type SplitConfig = z.infer<typeof SplitConfig>;

export const SendConfig = z.object({
  channel: Channel,
  templateId: z.string().min(1).max(100),
  /** Wait for the delivery answer and branch on it (`sent` / `failed`), e.g. to fall back to SMS. */
  awaitResult: z.boolean().default(false),
});
export type SendConfig = z.infer<typeof SendConfig>;

export const UpdateTraitConfig = z.discriminatedUnion('op', [
  /** A string value is Liquid, rendered against the journey context when applied; others are literals. */
  z.object({ op: z.literal('set'), key: JsonPathString, value: z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]) }),
  z.object({ op: z.literal('increment'), key: JsonPathString, by: z.number().default(1) }),
  z.object({ op: z.literal('unset'), key: JsonPathString }),
]);
export type UpdateTraitConfig = z.infer<typeof UpdateTraitConfig>;

export const WebhookConfig = z.object({
  /** Liquid; must render to an http(s) URL. */
  url: z.string().min(1).max(2000),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  /** Header values are Liquid. */
  headers: z.record(z.string().min(1).max(200), z.string().max(4000)).default({}),
  /** Liquid that renders to the request body (JSON text for JSON APIs). */
  body: z.string().max(100_000).optional(),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

const nodeBase = { id: NodeId, position: CanvasPosition, label: z.string().max(200).optional() };

export const DelayNode = z.object({ ...nodeBase, type: z.literal('delay'), config: DelayConfig });
export const WaitForEventNode = z.object({ ...nodeBase, type: z.literal('wait_for_event'), config: WaitForEventConfig });
export const ConditionNode = z.object({ ...nodeBase, type: z.literal('condition'), config: ConditionConfig });
export const SplitNode = z.object({ ...nodeBase, type: z.literal('split'), config: SplitConfig });
export const SendNode = z.object({ ...nodeBase, type: z.literal('send'), config: SendConfig });
export const UpdateTraitNode = z.object({ ...nodeBase, type: z.literal('update_trait'), config: UpdateTraitConfig });
export const WebhookNode = z.object({ ...nodeBase, type: z.literal('webhook'), config: WebhookConfig });
export const ExitNode = z.object({ ...nodeBase, type: z.literal('exit'), config: z.object({}).default({}) });

export const JourneyNode = z.discriminatedUnion('type', [
  DelayNode,
  WaitForEventNode,
  ConditionNode,
  SplitNode,
  SendNode,
  UpdateTraitNode,
  WebhookNode,
  ExitNode,
]);
export type JourneyNode = z.infer<typeof JourneyNode>;
export type JourneyNodeType = JourneyNode['type'];
export type NodeOf<T extends JourneyNodeType> = Extract<JourneyNode, { type: T }>;

export const JOURNEY_NODE_TYPES: readonly JourneyNodeType[] = JourneyNode.options.map((o) => o.shape.type.value);

/**
 * An edge leaves `source` by `sourceHandle` (absent or null for single-exit nodes, as React Flow
 * stores it) and enters `target`. Ids are checked against the nodes by the validator, not here, so a
 * half-drawn canvas still parses and gets precise issues.
 */
export const JourneyEdge = z.object({
  id: z.string().min(1).max(128),
  source: z.string().min(1).max(64),
  sourceHandle: z.string().max(64).nullish(),
  target: z.string().min(1).max(64),
});
export type JourneyEdge = z.infer<typeof JourneyEdge>;

// ─── Settings ─────────────────────────────────────────────────────────────────────────────────

/** May a customer enter again after an earlier entry ended? (Never while one is still running.) */
export const ReentryPolicy = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('never') }),
  /** Again once `afterDays` have passed since the previous entry began. */
  z.object({ policy: z.literal('after'), afterDays: z.number().int().min(1).max(3650) }),
  z.object({ policy: z.literal('always') }),
]);
export type ReentryPolicy = z.infer<typeof ReentryPolicy>;

/** The event that counts as a conversion; it ends the journey (status `converted`). */
export const JourneyGoal = z.object({ event: EventMatch, withinDays: z.number().int().min(1).max(365).optional() });
export type JourneyGoal = z.infer<typeof JourneyGoal>;

/** Leave the journey when such an event arrives, or when the rule holds at a resumption point. */
export const ExitCondition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), event: EventMatch }),
  z.object({ kind: z.literal('segment'), rule: SegmentDefinition }),
]);
export type ExitCondition = z.infer<typeof ExitCondition>;

/** Sends on these channels that fall inside [start, end) local time wait until `end`. */
export const QuietHours = z
  .object({ start: TimeOfDay, end: TimeOfDay, channels: z.array(Channel).min(1).default(['email', 'sms']) })
  .refine((q) => q.start !== q.end, { message: 'quiet hours must start and end at different times', path: ['end'], params: { zh: '免打扰时段的开始和结束时间不能相同' } });
export type QuietHours = z.infer<typeof QuietHours>;

export const JourneySettings = z.object({
  reentry: ReentryPolicy.default({ policy: 'never' }),
  goal: JourneyGoal.optional(),
  exitConditions: z.array(ExitCondition).max(20).default([]),
  /** Share of customers (by a stable hash) in a control group that enters but is sent nothing. */
  holdoutPercent: z.number().int().min(0).max(50).default(0),
  /** Used for customers without a valid `timezone` trait; absent means the workspace's zone. */
  timezone: TimeZone.optional(),
  quietHours: QuietHours.optional(),
});
export type JourneySettings = z.infer<typeof JourneySettings>;

export const JourneyDefinition = z.object({
  entry: JourneyEntry,
  nodes: z.array(JourneyNode).max(MAX_NODES),
  edges: z.array(JourneyEdge).max(MAX_EDGES),
  settings: JourneySettings.prefault({}),
});
export type JourneyDefinition = z.infer<typeof JourneyDefinition>;
/** Input type (defaults not yet applied), for building definitions in code and in the dashboard. */
export type JourneyDefinitionInput = z.input<typeof JourneyDefinition>;
