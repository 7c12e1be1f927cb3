import { z } from 'zod';
import { say } from '../platform/language.js';
import { ProfileSummary } from '../profiles/profile.schema.js';
import { zodText } from '../platform/zod-text.js';

/**
 * A segment definition: one JSON document shared by the API, storage and the dashboard's rule
 * builder (STYLE §6). Values are always bound as SQL parameters by the compiler, never
 * concatenated into SQL.
 */


/** A dotted path into a JSON document: `plan`, `address.city`, `products.0.category`. */
export const JsonPathString = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\p{L}\p{N}_$@-]+(\.[\p{L}\p{N}_$@-]+)*$/u, zodText(say('must be a dotted path such as address.city (letters, digits, _ - $ @ between dots)', '须为以点分隔的路径，如 address.city（点之间只能是字母、数字或 _ - $ @）')));

export const TimeUnit = z.enum(['minutes', 'hours', 'days', 'weeks', 'months']);
export type TimeUnit = z.infer<typeof TimeUnit>;

export const Duration = z.object({ amount: z.number().int().min(1).max(100_000), unit: TimeUnit });
export type Duration = z.infer<typeof Duration>;

/** When events count: ever, within the last N units (relative, re-evaluated as time passes), or between two instants. */
export const TimeWindow = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ever') }),
  z.object({ kind: z.literal('last'), amount: z.number().int().min(1).max(100_000), unit: TimeUnit }),
  z.object({ kind: z.literal('between'), from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }),
]);
export type TimeWindow = z.infer<typeof TimeWindow>;

export const Comparison = z.enum(['=', '!=', '>', '>=', '<', '<=']);
export type Comparison = z.infer<typeof Comparison>;

const Scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

/**
 * Operators on one value (a trait, a computed trait or an event property). Each carries the value
 * type it needs, so a definition is checked on save against the field's known type.
 */
export const ValueTest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('equals'), value: Scalar }),
  z.object({ op: z.literal('not_equals'), value: Scalar }),
  z.object({ op: z.literal('contains'), value: z.string().min(1).max(1000) }),
  z.object({ op: z.literal('not_contains'), value: z.string().min(1).max(1000) }),
  z.object({ op: z.literal('starts_with'), value: z.string().min(1).max(1000) }),
  z.object({ op: z.literal('in'), values: z.array(Scalar).min(1).max(1000) }),
  z.object({ op: z.literal('not_in'), values: z.array(Scalar).min(1).max(1000) }),
  z.object({ op: z.literal('exists') }),
  z.object({ op: z.literal('not_exists') }),
  z.object({ op: z.literal('gt'), value: z.number() }),
  z.object({ op: z.literal('gte'), value: z.number() }),
  z.object({ op: z.literal('lt'), value: z.number() }),
  z.object({ op: z.literal('lte'), value: z.number() }),
  z.object({ op: z.literal('between'), from: z.number(), to: z.number() }),
  // Dates: the value is an ISO date/time string or epoch milliseconds in the document.
  z.object({ op: z.literal('date_before'), value: z.iso.datetime({ offset: true }).or(z.iso.date()) }),
  z.object({ op: z.literal('date_after'), value: z.iso.datetime({ offset: true }).or(z.iso.date()) }),
  /** The date lies within the last N units (e.g. signed up within the last 30 days). */
  z.object({ op: z.literal('date_within_last'), amount: z.number().int().min(1).max(100_000), unit: TimeUnit }),
  /** The date is older than N units. */
  z.object({ op: z.literal('date_not_within_last'), amount: z.number().int().min(1).max(100_000), unit: TimeUnit }),
  /** The date lies within the next N units (a renewal, a trial end). */
  z.object({ op: z.literal('date_within_next'), amount: z.number().int().min(1).max(100_000), unit: TimeUnit }),
  /** The date's month and day fall within the next N days, any year (birthdays, anniversaries). */
  z.object({ op: z.literal('anniversary_within_next'), days: z.number().int().min(0).max(366) }),
]);
export type ValueTest = z.infer<typeof ValueTest>;
export type ValueOp = ValueTest['op'];

/** A filter on an event's properties (nested paths). */
export const PropertyFilter = z.object({ path: JsonPathString }).and(ValueTest);
export type PropertyFilter = z.infer<typeof PropertyFilter>;

/** Which events: by name (track event or page/screen name) and property filters. */
export const EventMatch = z.object({
  name: z.string().min(1).max(200),
  where: z.array(PropertyFilter).max(20).default([]),
});
export type EventMatch = z.infer<typeof EventMatch>;

export const TraitCondition = z.object({ kind: z.literal('trait'), key: JsonPathString }).and(ValueTest);
export type TraitCondition = z.infer<typeof TraitCondition>;

/** A computed trait (RFM, churn, CLV, persona, sentiment…): the key names a row of the workspace's computed-trait catalog. */
export const ComputedCondition = z.object({ kind: z.literal('computed'), key: z.string().min(1).max(100) }).and(ValueTest);
export type ComputedCondition = z.infer<typeof ComputedCondition>;

/**
 * Event behaviour: performed (count compared with N, default ≥ 1) or not performed, within a
 * window, optionally with an aggregate of a numeric property (sum of revenue ≥ X).
 */
export const EventCondition = z.object({
  kind: z.literal('event'),
  event: EventMatch,
  performed: z.boolean().default(true),
  window: TimeWindow.default({ kind: 'ever' }),
  count: z.object({ op: Comparison, value: z.number().int().min(0) }).optional(),
  aggregate: z
    .object({ fn: z.enum(['sum', 'avg', 'min', 'max']), path: JsonPathString, op: Comparison, value: z.number() })
    .optional(),
});
export type EventCondition = z.infer<typeof EventCondition>;

/**
 * Ordered behaviour: an event A (within `window`) followed by B within `within`; with
 * `thenPerformed: false`, A was NOT followed by B within `within` (and A is at least `within` old,
 * so the answer is settled): "viewed a product, then no purchase within 1 day".
 */
export const SequenceCondition = z.object({
  kind: z.literal('sequence'),
  first: EventMatch,
  then: EventMatch,
  within: Duration,
  thenPerformed: z.boolean().default(true),
  window: TimeWindow.default({ kind: 'ever' }),
});
export type SequenceCondition = z.infer<typeof SequenceCondition>;

export const SegmentMembershipCondition = z.object({ kind: z.literal('segment'), segmentId: z.string().min(1).max(100), inSegment: z.boolean().default(true) });
export type SegmentMembershipCondition = z.infer<typeof SegmentMembershipCondition>;

/** Subscription / consent status in a subscription group (opt-in groups need a subscribe, opt-out groups an unsubscribe). */
export const SubscriptionCondition = z.object({ kind: z.literal('subscription'), groupId: z.string().min(1).max(100), status: z.enum(['subscribed', 'unsubscribed']) });
export type SubscriptionCondition = z.infer<typeof SubscriptionCondition>;

/** A stable random bucket 0–99 from the profile id and a salt (hold-out groups): from ≤ bucket < to. */
export const BucketCondition = z
  .object({ kind: z.literal('bucket'), salt: z.string().max(100).default(''), from: z.number().int().min(0).max(100), to: z.number().int().min(0).max(100) })
  .refine((b) => b.from < b.to, { message: 'from must be below to', path: ['to'], params: { zh: 'from 须小于 to' } });
export type BucketCondition = z.infer<typeof BucketCondition>;

export type SegmentCondition =
  | TraitCondition
  | ComputedCondition
  | EventCondition
  | SequenceCondition
  | SegmentMembershipCondition
  | SubscriptionCondition
  | BucketCondition;

export type SegmentNode =
  | { kind: 'and'; conditions: SegmentNode[] }
  | { kind: 'or'; conditions: SegmentNode[] }
  | { kind: 'not'; condition: SegmentNode }
  | SegmentCondition;

/** Input type (defaults not yet applied), for building definitions in code and in the dashboard. */
export type SegmentNodeInput = z.input<typeof SegmentNode>;

export const SegmentNode: z.ZodType<SegmentNode, unknown> = z.lazy(() =>
  z.union([
    z.object({ kind: z.literal('and'), conditions: z.array(SegmentNode).max(50) }),
    z.object({ kind: z.literal('or'), conditions: z.array(SegmentNode).max(50) }),
    z.object({ kind: z.literal('not'), condition: SegmentNode }),
    TraitCondition,
    ComputedCondition,
    EventCondition,
    SequenceCondition,
    SegmentMembershipCondition,
    SubscriptionCondition,
    BucketCondition,
  ]),
) as unknown as z.ZodType<SegmentNode, unknown>; // z.lazy loses the recursive type; the union above is exactly SegmentNode

/** The whole definition: a root node (usually an `and` group). */
export const SegmentDefinition = z.object({ root: SegmentNode });
export type SegmentDefinition = z.infer<typeof SegmentDefinition>;

/** How the current membership came about. */
export const ComputeStatus = z.object({
  state: z.enum(['ready', 'computing', 'failed']),
  /** 0..1 while computing. */
  progress: z.number(),
  error: z.string().nullable(),
  /** Definition version the current membership reflects (the old one stays readable while a new one computes). */
  membershipVersion: z.number().int(),
  lastEvaluatedAt: z.iso.datetime().nullable(),
});
export type ComputeStatus = z.infer<typeof ComputeStatus>;

export const Segment = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  definition: SegmentDefinition,
  version: z.number().int(),
  memberCount: z.number().int(),
  /** The definition has relative-time conditions: re-evaluated as time passes. */
  timeDependent: z.boolean(),
  compute: ComputeStatus,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Segment = z.infer<typeof Segment>;

export const SegmentSummary = Segment.omit({ definition: true });
export type SegmentSummary = z.infer<typeof SegmentSummary>;

export const SegmentList = z.object({ items: z.array(SegmentSummary) });

export const SegmentCreate = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  definition: z.unknown().describe('A SegmentDefinition: { root: node } (validated on save with the JSON path at fault)'),
});
export type SegmentCreate = z.infer<typeof SegmentCreate>;

export const SegmentUpdate = SegmentCreate.partial();
export type SegmentUpdate = z.infer<typeof SegmentUpdate>;

export const SegmentPreviewRequest = z.object({
  definition: z.unknown(),
  sample: z.number().int().min(0).max(50).default(10),
});

export const SegmentPreview = z.object({
  count: z.number().int(),
  /** Profiles the count is taken over (the workspace's unmerged profiles). */
  population: z.number().int(),
  sample: z.array(ProfileSummary),
  /** false when the count was estimated from a sample; then `margin` is the 95% error bound. */
  exact: z.boolean(),
  margin: z.number().nullable(),
  tookMs: z.number(),
});
export type SegmentPreview = z.infer<typeof SegmentPreview>;

export const SegmentMember = ProfileSummary.extend({ enteredAt: z.iso.datetime() });
export const SegmentMemberList = z.object({ items: z.array(SegmentMember), total: z.number().int() });
export type SegmentMemberList = z.infer<typeof SegmentMemberList>;

export const SegmentMembersQuery = z.object({
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type SegmentMembersQuery = z.infer<typeof SegmentMembersQuery>;

export const SegmentHistory = z.object({
  /** Size at each sample time (a point each recompute and each hour with changes). */
  sizes: z.array(z.object({ at: z.iso.datetime(), size: z.number().int() })),
  /** Entries and exits per UTC day. */
  flows: z.array(z.object({ date: z.string(), entered: z.number().int(), exited: z.number().int() })),
});
export type SegmentHistory = z.infer<typeof SegmentHistory>;

export const SegmentOverlap = z.object({
  a: z.object({ id: z.string(), name: z.string(), size: z.number().int() }),
  b: z.object({ id: z.string(), name: z.string(), size: z.number().int() }),
  both: z.number().int(),
  onlyA: z.number().int(),
  onlyB: z.number().int(),
});
export type SegmentOverlap = z.infer<typeof SegmentOverlap>;

/** What the rule builder can offer: known traits with observed types, events with property paths, computed traits, segments, subscription groups. */
export const SegmentFieldCatalog = z.object({
  traits: z.array(z.object({ key: z.string(), type: z.enum(['string', 'number', 'boolean', 'date', 'mixed']), examples: z.array(z.string()) })),
  events: z.array(z.object({ name: z.string(), count: z.number().int(), properties: z.array(z.object({ path: z.string(), type: z.enum(['string', 'number', 'boolean', 'date', 'mixed']) })) })),
  computed: z.array(
    z.object({
      key: z.string(),
      type: z.enum(['string', 'number', 'boolean', 'date']),
      label: z.object({ en: z.string(), zh: z.string() }),
      /** For enumerated computed traits (an RFM group, a persona): the allowed values. */
      values: z.array(z.string()).nullable(),
      source: z.string(),
    }),
  ),
  segments: z.array(z.object({ id: z.string(), name: z.string() })),
  subscriptionGroups: z.array(z.object({ id: z.string(), name: z.string(), channel: z.string(), type: z.enum(['opt_in', 'opt_out']) })),
});
export type SegmentFieldCatalog = z.infer<typeof SegmentFieldCatalog>;

/** A membership change, recorded and emitted as the internal events `segment.entered` / `segment.exited`. */
export interface SegmentTransition {
  workspaceId: string;
  segmentId: string;
  profileId: string;
  kind: 'entered' | 'exited';
  at: number;
}
