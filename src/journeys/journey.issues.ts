import { z } from 'zod';
import { jsonPath, UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { JourneyDefinition } from './journey.schema.js';
import { zodIssueZh } from '../platform/zod-text.js';

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

/** The Chinese of the issues built from zod's, kept aside so JourneyIssue (the API's shape) stays as it is. */
const zodZh = new WeakMap<JourneyIssue, string>();

/** Parse a definition from outside (request body, stored JSON); structural issues carry codes and paths. */
export function parseJourneyDefinition(raw: unknown): ParsedJourney {
  // reportInput: zod's zh-CN text for a wrong type names the input's type.
  const parsed = JourneyDefinition.safeParse(raw, { reportInput: true });
  if (parsed.success) return { ok: true, definition: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.slice(0, MAX_SCHEMA_ISSUES).map((i) => {
      const issue = fromZod(i, raw);
      zodZh.set(issue, zodIssueZh(i));
      return issue;
    }),
  };
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

/**
 * An issue's message in Chinese. `message` is written where the issue is found (in English); the
 * Chinese is told from the code and params, as the dashboard does. Codes from other modules'
 * checks (a template's `TEMPLATE_*`) get a pointer to where the problem is.
 */
function issueZh(issue: JourneyIssue): string {
  const parsed = zodZh.get(issue);
  if (parsed !== undefined) return parsed;
  const p = issue.params ?? {};
  const str = (key: string): string => {
    const v = p[key];
    return Array.isArray(v) ? v.join(' → ') : String(v ?? '');
  };
  const node = issue.nodeId ?? '';
  switch (issue.code) {
    case 'JOURNEY_DUPLICATE_ID':
      if (issue.path.startsWith('edges')) return `已有另一条连线使用 id "${str('id')}"`;
      if (issue.path.includes('.branches[')) return `已有另一个分支使用 key "${str('id')}"`;
      return `已有另一个节点使用 id "${str('id')}"`;
    case 'JOURNEY_NO_ENTRY_NODE':
      return `入口的起始节点 "${str('startNodeId')}" 不存在`;
    case 'JOURNEY_BAD_EDGE':
      switch (p.reason) {
        case 'unknown_source':
          return `连线 "${str('edgeId')}" 的起点节点不存在`;
        case 'unknown_target':
          return `连线 "${str('edgeId')}" 的终点节点不存在`;
        case 'from_exit':
          return `连线 "${str('edgeId')}" 不能从结束节点 "${node}" 引出`;
        default:
          return `连线 "${str('edgeId')}" 使用的出口在节点 "${node}" 上不存在`;
      }
    case 'JOURNEY_MISSING_HANDLE':
      return `连线 "${str('edgeId')}" 需指明从节点 "${node}" 的哪个出口引出`;
    case 'JOURNEY_MULTIPLE_EDGES':
      return `节点 "${node}" 的这个出口已有另一条连线`;
    case 'JOURNEY_DEAD_END':
      return p.handle === null || p.handle === undefined ? `节点 "${node}" 之后没有后续步骤，请以结束节点收尾` : `节点 "${node}" 的出口 "${str('handle')}" 没有连接任何节点`;
    case 'JOURNEY_UNREACHABLE_NODE':
      return `从入口无法到达节点 "${node}"`;
    case 'JOURNEY_CYCLE_WITHOUT_DELAY':
      return `节点 ${str('nodes')} 构成了一个没有延迟或等待的循环`;
    case 'JOURNEY_SPLIT_PERCENTAGES':
      return `分流比例合计为 ${str('total')}，应为 100`;
    case 'JOURNEY_INVALID_URL':
      return 'Webhook URL 须以 http:// 或 https:// 开头';
    case 'JOURNEY_UNKNOWN_SEGMENT':
      return `分群 "${str('segmentId')}" 不存在`;
    case 'JOURNEY_UNKNOWN_TEMPLATE':
      return `模板 "${str('templateId')}" 不存在`;
    case 'JOURNEY_TEMPLATE_CHANNEL':
      return `模板 "${str('templateId')}" 的渠道与节点 "${node}" 的渠道不一致`;
    default:
      if (p.templateId !== undefined && typeof p.templateMessageZh === 'string') return `节点 "${node}" 使用的模板 "${str('templateId')}" 未通过检查：${p.templateMessageZh}`;
      if (p.templateId !== undefined) return `节点 "${node}" 使用的模板 "${str('templateId')}" 未通过检查（${issue.code}），请在模板编辑器中查看`;
      return `旅程配置有误（${issue.code}）：${issue.path}`;
  }
}

/** Issues as the API's UserError: the first issue's code and path; all of them in `details.issues`. */
export function journeyIssuesError(issues: readonly JourneyIssue[]): UserError {
  const first = issues[0];
  return new UserError(first?.code ?? 'JOURNEY_INVALID', first ? say(first.message, issueZh(first)) : say('Invalid journey', '旅程配置无效'), {
    field: first?.path ?? null,
    // Each issue's message in both languages: the error handler sends the caller's.
    details: { issues: issues.map((i) => ({ ...i, message: say(i.message, issueZh(i)) })) },
  });
}
