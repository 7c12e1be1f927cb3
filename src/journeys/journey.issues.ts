import { z } from 'zod';
import { jsonPath, UserError } from '../platform/errors.js';
import { JourneyDefinition } from './journey.schema.js';

/**
 * A problem found in a journey definition: a stable code (the dashboard's translation key), the
 * JSON path at fault (`nodes[3].config.templateId`), the node it concerns and data for the
 * translated message in `params`. `message` is an English fallback for logs and API clients.
 */
export const JourneyIssue = z.object({
  code: z.string(),
  path: z.string(),
  nodeId: z.string().optional(),
  message: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])).optional(),
});
export type JourneyIssue = z.infer<typeof JourneyIssue>;
export type IssueParams = NonNullable<JourneyIssue['params']>;

export const JOURNEY_ISSUE_CODES = [
  /** The document does not have the schema's shape (zod), see `path`. */
  'JOURNEY_INVALID',
  'JOURNEY_UNKNOWN_NODE_TYPE',
  'JOURNEY_INVALID_TIMEZONE',
  'JOURNEY_DUPLICATE_ID',
  /** entry.startNodeId names no node (or there are no nodes). */
  'JOURNEY_NO_ENTRY_NODE',
  /** An edge from or to an unknown node, from an exit node, or from a handle the node does not have. */
  'JOURNEY_BAD_EDGE',
  /** An edge without a handle leaves a node whose ways out are named (condition, split, …). */
  'JOURNEY_MISSING_HANDLE',
  /** Two edges leave the same handle: an entry follows one path at a time. */
  'JOURNEY_MULTIPLE_EDGES',
  /** A handle of a non-exit node leads nowhere ("a branch with no exit"). */
  'JOURNEY_DEAD_END',
  'JOURNEY_UNREACHABLE_NODE',
  /** A cycle through no delay or wait node would spin within one instant. */
  'JOURNEY_CYCLE_WITHOUT_DELAY',
  'JOURNEY_SPLIT_PERCENTAGES',
  'JOURNEY_INVALID_URL',
  'JOURNEY_UNKNOWN_SEGMENT',
] as const;
export type JourneyIssueCode = (typeof JOURNEY_ISSUE_CODES)[number];

/** Zod issues beyond this are dropped: a document that far off needs fixing from the top anyway. */
const MAX_SCHEMA_ISSUES = 50;

export type ParsedJourney = { ok: true; definition: JourneyDefinition } | { ok: false; issues: JourneyIssue[] };

/** Parse a definition from outside (request body, stored JSON); structural issues carry codes and paths. */
export function parseJourneyDefinition(raw: unknown): ParsedJourney {
  const parsed = JourneyDefinition.safeParse(raw);
  if (parsed.success) return { ok: true, definition: parsed.data };
  return { ok: false, issues: parsed.error.issues.slice(0, MAX_SCHEMA_ISSUES).map((i) => fromZod(i, raw)) };
}

function fromZod(issue: z.core.$ZodIssue, raw: unknown): JourneyIssue {
  const path = jsonPath(issue.path);
  const nodeId = nodeIdAt(raw, issue.path);
  const base = { path, message: issue.message, ...(nodeId !== undefined ? { nodeId } : {}) };
  // zod types custom params as `any`; read the code through unknown.
  const custom: unknown = issue.code === 'custom' ? issue.params?.code : undefined;
  if (typeof custom === 'string') return { code: custom, ...base };
  if (issue.code === 'invalid_union' && issue.discriminator === 'type' && issue.path[0] === 'nodes' && issue.path.length === 3) {
    return { code: 'JOURNEY_UNKNOWN_NODE_TYPE', ...base };
  }
  return { code: 'JOURNEY_INVALID', ...base, params: { zodCode: issue.code } };
}

/** The id of the raw node a zod path points into (`nodes[3]…`), when it has a string id. */
function nodeIdAt(raw: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'nodes' || typeof path[1] !== 'number') return undefined;
  if (typeof raw !== 'object' || raw === null || !('nodes' in raw) || !Array.isArray(raw.nodes)) return undefined;
  const node: unknown = raw.nodes[path[1]];
  if (typeof node !== 'object' || node === null || !('id' in node)) return undefined;
  return typeof node.id === 'string' ? node.id : undefined;
}

/** Issues as the API's UserError: the first issue's code and path; all of them in `details.issues`. */
export function journeyIssuesError(issues: readonly JourneyIssue[]): UserError {
  const first = issues[0];
  return new UserError(first?.code ?? 'JOURNEY_INVALID', first?.message ?? 'Invalid journey', {
    field: first?.path ?? null,
    details: { issues },
  });
}
