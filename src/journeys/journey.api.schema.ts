import { z } from 'zod';
import { JourneyEvent, JourneyStatus, JourneyStep } from './journey.state.js';

/** API shapes around journeys (STYLE §6). Drafts are stored as sent (a half-drawn canvas saves); publish validates. */

export const JourneyLifecycle = z.enum(['draft', 'active', 'paused', 'archived']);
export type JourneyLifecycle = z.infer<typeof JourneyLifecycle>;

/** The draft definition as the canvas holds it: checked on publish, not on save. */
const DraftDefinition = z.record(z.string(), z.unknown());

export const JourneyCreate = z.object({ name: z.string().trim().min(1).max(200), definition: DraftDefinition });
export type JourneyCreate = z.infer<typeof JourneyCreate>;

export const JourneyUpdate = z.object({ name: z.string().trim().min(1).max(200).optional(), definition: DraftDefinition.optional() });
export type JourneyUpdate = z.infer<typeof JourneyUpdate>;

export const JourneyView = z.object({
  id: z.string(),
  name: z.string(),
  status: JourneyLifecycle,
  currentVersion: z.number().int().nullable(),
  definition: z.unknown(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type JourneyView = z.infer<typeof JourneyView>;

export const JourneyList = z.object({ items: z.array(JourneyView.omit({ definition: true })) });

export const JourneyVersionList = z.object({ items: z.array(z.object({ version: z.number().int(), publishedAt: z.iso.datetime() })) });

export const NodeCounts = z.object({
  nodeId: z.string(),
  /** Times customers reached the node. */
  entered: z.number().int(),
  /** Customers at the node right now (in a wait, or awaiting an effect's answer). */
  waiting: z.number().int(),
  /** Reached the node and moved on. */
  passed: z.number().int(),
  /** Reached the node and later converted (the journey's goal). */
  converted: z.number().int(),
});
export const JourneyCounts = z.object({ nodes: z.array(NodeCounts) });
export type JourneyCounts = z.infer<typeof JourneyCounts>;

export const EntryView = z.object({
  id: z.string(),
  profileId: z.string(),
  version: z.number().int(),
  status: JourneyStatus,
  nodeId: z.string().nullable(),
  wakeAt: z.iso.datetime().nullable(),
  enteredAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  steps: z.array(JourneyStep),
});
export type EntryView = z.infer<typeof EntryView>;

export const EntryQuery = z.object({
  status: JourneyStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type EntryQuery = z.infer<typeof EntryQuery>;
export const EntryList = z.object({ items: z.array(EntryView) });

export const SimulateRequest = z.object({
  profileId: z.string().min(1).max(320),
  /** Virtual start; default now. */
  startAt: z.iso.datetime().optional(),
  startEvent: JourneyEvent.nullable().default(null),
  events: z.array(z.object({ at: z.iso.datetime(), event: JourneyEvent })).max(100).default([]),
  maxDays: z.number().int().min(1).max(365).default(30),
  /** Simulate the draft instead of the published version. */
  draft: z.boolean().default(false),
});
export type SimulateRequest = z.infer<typeof SimulateRequest>;

export const SimulateResponse = z.object({ timeline: z.array(z.record(z.string(), z.unknown())) });
