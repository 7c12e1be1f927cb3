import type { Channel } from '../messaging/template.schema.js';
import type { SegmentDefinition } from '../segments/segment.schema.js';
import { buildGraph, edgeHandle, handlesOf, instantCycles, successors, type Handle, type JourneyGraph } from './journey.graph.js';
import type { IssueParams, JourneyIssue, JourneyIssueCode } from './journey.issues.js';
import type { JourneyDefinition, JourneyNode } from './journey.schema.js';

/**
 * The checks a parsed definition needs before it can be published, beyond its shape: ids, edges
 * and handles, reachability, dead ends, instant cycles, split percentages. Every issue has a
 * stable code and the JSON path at fault. Checks that need the workspace (templates, segment
 * rules, segment ids) come from the caller as callbacks, so this module stays pure.
 */

/**
 * An issue a template check reports (missing variable, SMS too long…). Shaped so messaging's
 * TemplateIssue (`path` inside the template, Liquid line/column) can be passed as it is.
 */
export interface TemplateCheckIssue {
  code: string;
  message: string;
  /** The message in Chinese, when the check words it (messaging's template checks do). */
  zh?: string;
  path?: string;
  line?: number;
  column?: number;
  params?: IssueParams;
}

/** An issue a segment-rule check reports (parseSegmentDefinition's UserError); `field` is relative to the rule (`root.conditions[2].value`). */
export interface RuleCheckIssue {
  code: string;
  message: string;
  field?: string | null;
}

export interface JourneyChecks {
  checkTemplate?(templateId: string, channel: Channel): readonly TemplateCheckIssue[] | Promise<readonly TemplateCheckIssue[]>;
  checkRule?(rule: SegmentDefinition): readonly RuleCheckIssue[] | Promise<readonly RuleCheckIssue[]>;
  segmentExists?(segmentId: string): boolean | Promise<boolean>;
}

const issue = (code: JourneyIssueCode, path: string, message: string, extra: { nodeId?: string; params?: IssueParams } = {}): JourneyIssue => ({
  code,
  path,
  message,
  ...extra,
});

/** Graph issues of a parsed definition, in document order (ids, entry, edges, nodes, cycles). */
export function validateJourneyGraph(def: JourneyDefinition): JourneyIssue[] {
  const graph = buildGraph(def);
  const issues: JourneyIssue[] = [...duplicateIds(def), ...entryIssues(def, graph), ...edgeIssues(def, graph)];
  def.nodes.forEach((node, i) => {
    if (graph.nodes.get(node.id)?.index !== i) return; // a duplicate, already reported
    issues.push(...nodeIssues(node, i, graph));
  });
  issues.push(...unreachable(def, graph));
  for (const cycle of instantCycles(graph)) {
    const ids = cycle.map((i) => def.nodes[i]?.id ?? '');
    const first = cycle[0] ?? 0;
    issues.push(
      issue('JOURNEY_CYCLE_WITHOUT_DELAY', `nodes[${first}]`, `Nodes ${ids.join(' → ')} form a loop without a delay or wait`, {
        nodeId: ids[0] ?? '',
        params: { nodes: ids },
      }),
    );
  }
  return issues;
}

/** Everything publish checks: the graph, then each send node's template and each rule through the callbacks. */
export async function validateJourney(def: JourneyDefinition, checks: JourneyChecks = {}): Promise<JourneyIssue[]> {
  const issues = validateJourneyGraph(def);
  const { checkTemplate, checkRule, segmentExists } = checks;
  if (segmentExists && (def.entry.kind === 'segment_entered' || def.entry.kind === 'segment_exited')) {
    if (!(await segmentExists(def.entry.segmentId))) {
      issues.push(issue('JOURNEY_UNKNOWN_SEGMENT', 'entry.segmentId', `There is no segment "${def.entry.segmentId}"`, { params: { segmentId: def.entry.segmentId } }));
    }
  }
  const ruleIssues = async (rule: SegmentDefinition, path: string, nodeId?: string): Promise<void> => {
    if (!checkRule) return;
    for (const r of await checkRule(rule)) {
      const at = r.field ? `${path}.${r.field}` : path;
      issues.push({ code: r.code, path: at, message: r.message, ...(nodeId !== undefined ? { nodeId } : {}) });
    }
  };
  for (const [i, node] of def.nodes.entries()) {
    if (node.type === 'send' && checkTemplate) {
      for (const t of await checkTemplate(node.config.templateId, node.config.channel)) {
        const params: IssueParams = { ...t.params, templateId: node.config.templateId };
        if (t.path) params.templatePath = t.path;
        if (t.line !== undefined) params.line = t.line;
        if (t.column !== undefined) params.column = t.column;
        if (t.zh !== undefined) params.templateMessageZh = t.zh;
        issues.push({ code: t.code, path: `nodes[${i}].config.templateId`, nodeId: node.id, message: t.message, params });
      }
    }
    if (node.type === 'condition' && node.config.kind === 'segment') await ruleIssues(node.config.rule, `nodes[${i}].config.rule`, node.id);
  }
  for (const [i, exit] of def.settings.exitConditions.entries()) {
    if (exit.kind === 'segment') await ruleIssues(exit.rule, `settings.exitConditions[${i}].rule`);
  }
  return issues;
}

function duplicateIds(def: JourneyDefinition): JourneyIssue[] {
  const issues: JourneyIssue[] = [];
  const seenNodes = new Set<string>();
  def.nodes.forEach((node, i) => {
    if (seenNodes.has(node.id)) issues.push(issue('JOURNEY_DUPLICATE_ID', `nodes[${i}].id`, `Another node already has id "${node.id}"`, { nodeId: node.id, params: { id: node.id } }));
    seenNodes.add(node.id);
  });
  const seenEdges = new Set<string>();
  def.edges.forEach((edge, i) => {
    if (seenEdges.has(edge.id)) issues.push(issue('JOURNEY_DUPLICATE_ID', `edges[${i}].id`, `Another edge already has id "${edge.id}"`, { params: { id: edge.id } }));
    seenEdges.add(edge.id);
  });
  return issues;
}

function entryIssues(def: JourneyDefinition, graph: JourneyGraph): JourneyIssue[] {
  if (graph.nodes.has(def.entry.startNodeId)) return [];
  const message = def.nodes.length === 0 ? 'The journey has no nodes' : `The entry's start node "${def.entry.startNodeId}" does not exist`;
  return [issue('JOURNEY_NO_ENTRY_NODE', 'entry.startNodeId', message, { params: { startNodeId: def.entry.startNodeId } })];
}

function edgeIssues(def: JourneyDefinition, graph: JourneyGraph): JourneyIssue[] {
  const issues: JourneyIssue[] = [];
  const used = new Set<string>();
  def.edges.forEach((edge, i) => {
    const at = `edges[${i}]`;
    const source = graph.nodes.get(edge.source)?.node;
    const bad = (path: string, reason: string, message: string): void => {
      issues.push(issue('JOURNEY_BAD_EDGE', path, message, { ...(source ? { nodeId: source.id } : {}), params: { edgeId: edge.id, reason } }));
    };
    if (!source) return bad(`${at}.source`, 'unknown_source', `Edge "${edge.id}" starts at unknown node "${edge.source}"`);
    if (!graph.nodes.has(edge.target)) return bad(`${at}.target`, 'unknown_target', `Edge "${edge.id}" ends at unknown node "${edge.target}"`);
    if (source.type === 'exit') return bad(`${at}.source`, 'from_exit', `Edge "${edge.id}" leaves exit node "${source.id}"`);
    const handle = edgeHandle(edge);
    const handles = handlesOf(source);
    if (handle === null && !handles.includes(null)) {
      issues.push(
        issue('JOURNEY_MISSING_HANDLE', `${at}.sourceHandle`, `Edge "${edge.id}" must say which way out of "${source.id}" it takes`, {
          nodeId: source.id,
          params: { edgeId: edge.id, handles: handles.filter((h): h is string => h !== null) },
        }),
      );
      return;
    }
    if (!handles.includes(handle)) return bad(`${at}.sourceHandle`, 'unknown_handle', `Node "${source.id}" has no way out called "${handle ?? ''}"`);
    const key = `${source.id}\u0000${handle ?? ''}`;
    if (used.has(key)) {
      issues.push(
        issue('JOURNEY_MULTIPLE_EDGES', `${at}.sourceHandle`, `Another edge already leaves "${source.id}" by this way out`, {
          nodeId: source.id,
          params: { edgeId: edge.id, handle },
        }),
      );
    }
    used.add(key);
  });
  return issues;
}

function nodeIssues(node: JourneyNode, i: number, graph: JourneyGraph): JourneyIssue[] {
  const issues: JourneyIssue[] = [];
  const at = `nodes[${i}]`;
  if (node.type === 'split') {
    const branches = node.config.branches;
    const seen = new Set<string>();
    branches.forEach((b, j) => {
      if (seen.has(b.key)) {
        issues.push(issue('JOURNEY_DUPLICATE_ID', `${at}.config.branches[${j}].key`, `Another branch already has key "${b.key}"`, { nodeId: node.id, params: { id: b.key } }));
      }
      seen.add(b.key);
    });
    const total = branches.reduce((s, b) => s + b.percent, 0);
    if (total !== 100) {
      issues.push(issue('JOURNEY_SPLIT_PERCENTAGES', `${at}.config.branches`, `Split percentages add up to ${total}, not 100`, { nodeId: node.id, params: { total } }));
    }
  }
  if (node.type === 'webhook' && !isPlausibleUrl(node.config.url)) {
    issues.push(issue('JOURNEY_INVALID_URL', `${at}.config.url`, 'A webhook URL starts with http:// or https://', { nodeId: node.id }));
  }
  if (node.type !== 'exit') {
    const handles = handlesOf(node);
    const seen = new Set<Handle>();
    handles.forEach((h, j) => {
      if (seen.has(h)) return; // a duplicated branch key, reported above
      seen.add(h);
      if (graph.out.get(node.id)?.has(h)) return;
      const path = node.type === 'split' ? `${at}.config.branches[${j}]` : at;
      issues.push(
        issue('JOURNEY_DEAD_END', path, h === null ? `Nothing follows "${node.id}"; end the path with an exit node` : `The "${h}" way out of "${node.id}" leads nowhere`, {
          nodeId: node.id,
          params: { handle: h },
        }),
      );
    });
  }
  return issues;
}

/** A URL that is Liquid from its first character is checked once rendered; otherwise the scheme must be http(s). */
function isPlausibleUrl(url: string): boolean {
  const trimmed = url.trim();
  if (trimmed.startsWith('{{')) return true;
  if (!/^https?:\/\//i.test(trimmed)) return false;
  if (trimmed.includes('{{')) return true;
  try {
    new URL(trimmed);
    return true;
  } catch {
    return false;
  }
}

function unreachable(def: JourneyDefinition, graph: JourneyGraph): JourneyIssue[] {
  if (!graph.nodes.has(def.entry.startNodeId)) return [];
  const seen = new Set<string>([def.entry.startNodeId]);
  const queue = [def.entry.startNodeId];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const node = graph.nodes.get(id)?.node;
    if (!node) continue;
    for (const next of successors(graph, node)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  const issues: JourneyIssue[] = [];
  def.nodes.forEach((node, i) => {
    if (graph.nodes.get(node.id)?.index !== i || seen.has(node.id)) return;
    issues.push(issue('JOURNEY_UNREACHABLE_NODE', `nodes[${i}]`, `No path from the entry reaches "${node.id}"`, { nodeId: node.id }));
  });
  return issues;
}
