import { handlesOf } from '../../../../src/journeys/journey.graph';
import { JourneyEdge, JourneyEntry, JourneyNode, JourneySettings, type JourneyDefinition, type JourneyNodeType } from '../../../../src/journeys/journey.schema';

/**
 * The builder's model of a draft: the server's JourneyDefinition input shape, edited in place.
 * Drafts save as they are (half-drawn) and publish validates, so values such as an empty template
 * id are allowed here and reported by the server as issues on the node.
 */
export type Draft = JourneyDefinition;
export type DraftNode = JourneyNode;
export type DraftEntry = JourneyEntry;
export type DraftSettings = JourneySettings;
export type DraftNodeOf<T extends JourneyNodeType> = Extract<DraftNode, { type: T }>;

/** The canvas id of the entry (trigger) card; not a journey node, so it never reaches the server as one. */
export const ENTRY_ID = '__entry';
export const ENTRY_EDGE_ID = '__entry-edge';

/** The palette, in the order a journey is usually drawn. */
export const NODE_TYPES: readonly JourneyNodeType[] = ['delay', 'wait_for_event', 'condition', 'split', 'send', 'update_trait', 'webhook', 'exit'];

/** A new node's starting config: valid where a default makes sense, empty where the user must choose. */
export function newNode(type: JourneyNodeType, id: string, position: { x: number; y: number }): DraftNode {
  const base = { id, position };
  switch (type) {
    case 'delay':
      return { ...base, type, config: { kind: 'duration', duration: { amount: 1, unit: 'days' } } };
    case 'wait_for_event':
      return { ...base, type, config: { event: { name: '', where: [] }, timeout: { amount: 3, unit: 'days' } } };
    case 'condition':
      return { ...base, type, config: { kind: 'segment', rule: { root: { kind: 'and', conditions: [] } } } };
    case 'split':
      return { ...base, type, config: { branches: [{ key: 'a', percent: 50, label: 'A' }, { key: 'b', percent: 50, label: 'B' }] } };
    case 'send':
      return { ...base, type, config: { channel: 'email', templateId: '', awaitResult: false } };
    case 'update_trait':
      return { ...base, type, config: { op: 'set', key: '', value: '' } };
    case 'webhook':
      return { ...base, type, config: { url: '', method: 'POST', headers: {} } };
    case 'exit':
      return { ...base, type, config: {} };
    default:
      return assertUnreachable(type);
  }
}

export function assertUnreachable(x: never): never {
  throw new Error(`Unexpected value: ${String(x)}`);
}

/** A fresh id for a node of `type`: `send_1`, `send_2`, … (ids go into Liquid, so no dashes). */
export function nextId(type: JourneyNodeType, taken: ReadonlySet<string>): string {
  for (let i = 1; ; i++) {
    const id = `${type}_${i}`;
    if (!taken.has(id)) return id;
  }
}

/** The handles a node leaves by: the server's own routing (one function, so the canvas and the engine agree). */
export { handlesOf };

export function emptyDraft(): Draft {
  return {
    entry: { kind: 'event', event: { name: '', where: [] }, startNodeId: '', position: { x: 80, y: 40 } },
    nodes: [],
    edges: [],
    settings: { reentry: { policy: 'never' }, exitConditions: [], holdoutPercent: 0 },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isNodeType = (v: unknown): v is JourneyNodeType => typeof v === 'string' && (NODE_TYPES as readonly string[]).includes(v);

/**
 * A stored draft back into the builder's model. Parts that parse keep their values; a node whose
 * config does not (an empty template id) keeps its id, type and position and its config is laid
 * over the type's defaults, so every field the side panel reads exists.
 */
export function readDraft(raw: unknown): Draft {
  const fallback = emptyDraft();
  if (!isRecord(raw)) return fallback;
  const entry = JourneyEntry.safeParse(raw.entry);
  const rawEntry = isRecord(raw.entry) ? raw.entry : {};
  const nodes: DraftNode[] = [];
  for (const item of Array.isArray(raw.nodes) ? raw.nodes : []) {
    const parsed = JourneyNode.safeParse(item);
    if (parsed.success) {
      nodes.push(parsed.data);
      continue;
    }
    if (!isRecord(item) || typeof item.id !== 'string' || !isNodeType(item.type)) continue;
    const pos = isRecord(item.position) && typeof item.position.x === 'number' && typeof item.position.y === 'number' ? { x: item.position.x, y: item.position.y } : { x: 0, y: 0 };
    const base = newNode(item.type, item.id, pos);
    // The config is what this editor saved for this node type, laid over the defaults of the
    // same type; the merged object has every key the editor reads, and publish checks the values.
    nodes.push({ ...base, config: { ...base.config, ...(isRecord(item.config) ? item.config : {}) } } as DraftNode);
  }
  const edges = (Array.isArray(raw.edges) ? raw.edges : []).flatMap((e) => {
    const parsed = JourneyEdge.safeParse(e);
    return parsed.success ? [parsed.data] : [];
  });
  const settings = JourneySettings.safeParse(raw.settings ?? {});
  return {
    entry: entry.success
      ? entry.data
      : { ...fallback.entry, startNodeId: typeof rawEntry.startNodeId === 'string' ? rawEntry.startNodeId : '' },
    nodes,
    edges,
    settings: settings.success ? settings.data : fallback.settings,
  };
}

/** Joins `source` (by `handle`) to `target`; a handle leads one way, so a new edge replaces the old one. */
export function connect(draft: Draft, source: string, handle: string | null, target: string): Draft {
  if (source === target) return draft;
  if (source === ENTRY_ID) return { ...draft, entry: { ...draft.entry, startNodeId: target } };
  const h = handle || null;
  const kept = draft.edges.filter((e) => !(e.source === source && (e.sourceHandle || null) === h));
  const id = `e_${source}_${h ?? 'out'}_${target}`;
  return { ...draft, edges: [...kept, { id, source, ...(h ? { sourceHandle: h } : {}), target }] };
}

export function removeEdges(draft: Draft, ids: ReadonlySet<string>): Draft {
  const entry = ids.has(ENTRY_EDGE_ID) ? { ...draft.entry, startNodeId: '' } : draft.entry;
  return { ...draft, entry, edges: draft.edges.filter((e) => !ids.has(e.id)) };
}

export function removeNodes(draft: Draft, ids: ReadonlySet<string>): Draft {
  const entry = ids.has(draft.entry.startNodeId) ? { ...draft.entry, startNodeId: '' } : draft.entry;
  return {
    ...draft,
    entry,
    nodes: draft.nodes.filter((n) => !ids.has(n.id)),
    edges: draft.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target)),
  };
}

export function replaceNode(draft: Draft, node: DraftNode): Draft {
  // Handles a split no longer has (a renamed branch key) would leave edges the server rejects.
  const handles = new Set(handlesOf(node));
  return {
    ...draft,
    nodes: draft.nodes.map((n) => (n.id === node.id ? node : n)),
    edges: draft.edges.filter((e) => e.source !== node.id || handles.has(e.sourceHandle || null)),
  };
}

/** A publish problem as the server reports it (src/journeys/journey.issues.ts `JourneyIssue`). */
export interface Issue {
  code: string;
  path: string;
  nodeId?: string;
  message: string;
  params?: Record<string, unknown>;
}

/** The issues in a failed publish's error details; [] when the body holds none. */
export function issuesOf(details: unknown): Issue[] {
  if (!isRecord(details) || !Array.isArray(details.issues)) return [];
  return details.issues.flatMap((i): Issue[] => {
    if (!isRecord(i) || typeof i.code !== 'string' || typeof i.path !== 'string') return [];
    return [{
      code: i.code,
      path: i.path,
      message: typeof i.message === 'string' ? i.message : i.code,
      ...(typeof i.nodeId === 'string' ? { nodeId: i.nodeId } : {}),
      ...(isRecord(i.params) ? { params: i.params } : {}),
    }];
  });
}

/** Which canvas card an issue belongs on: its node, the entry card for `entry.*`, else none (settings, edges). */
export function issueTarget(issue: Issue, draft: Draft): string | null {
  if (issue.nodeId) return issue.nodeId;
  if (issue.path.startsWith('entry')) return ENTRY_ID;
  const m = /^nodes\[(\d+)\]/.exec(issue.path);
  if (m) return draft.nodes[Number(m[1])]?.id ?? null;
  const e = /^edges\[(\d+)\]/.exec(issue.path);
  if (e) return draft.edges[Number(e[1])]?.source ?? null;
  return null;
}
