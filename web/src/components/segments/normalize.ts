import type { SegmentDefinition, SegmentNode } from '../../../../src/segments/segment.schema';
import { childPath, isValueOp, negatedPath } from './definition';

/**
 * The JSON tab's check before a hand-edited document reaches the rule builder: the tree's shape
 * (kinds, groups, the objects each editor reads) and the schema's defaults. Value types and
 * ranges are left to the server, whose preview answers with the exact field at fault.
 */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

function need(x: Obj, key: string, path: string): Obj {
  const v = x[key];
  if (!isObj(v)) throw new ShapeError(`${path}.${key}`, `${key} must be an object`);
  return v;
}

function eventMatch(x: Obj, key: string, path: string): Obj {
  const m = need(x, key, path);
  return { ...m, name: typeof m.name === 'string' ? m.name : '', where: Array.isArray(m.where) ? m.where : [] };
}

function withTest(x: Obj, path: string): Obj {
  if (!isValueOp(x.op)) throw new ShapeError(`${path}.op`, `unknown operator ${JSON.stringify(x.op)}`);
  return { ...x, key: typeof x.key === 'string' ? x.key : '' };
}

function node(x: unknown, path: string): Obj {
  if (!isObj(x)) throw new ShapeError(path, 'must be an object with a kind');
  switch (x.kind) {
    case 'and':
    case 'or':
      if (!Array.isArray(x.conditions)) throw new ShapeError(`${path}.conditions`, 'conditions must be an array');
      return { kind: x.kind, conditions: x.conditions.map((c, i) => node(c, childPath(path, i))) };
    case 'not':
      return { kind: 'not', condition: node(x.condition, negatedPath(path)) };
    case 'trait':
    case 'computed':
      return withTest(x, path);
    case 'event':
      return { performed: true, window: { kind: 'ever' }, ...x, event: eventMatch(x, 'event', path) };
    case 'sequence':
      need(x, 'within', path);
      return { thenPerformed: true, window: { kind: 'ever' }, ...x, first: eventMatch(x, 'first', path), then: eventMatch(x, 'then', path) };
    case 'segment':
      return { inSegment: true, ...x, segmentId: typeof x.segmentId === 'string' ? x.segmentId : '' };
    case 'subscription':
      return { status: 'subscribed', ...x, groupId: typeof x.groupId === 'string' ? x.groupId : '' };
    case 'bucket':
      return { salt: '', ...x };
    default:
      throw new ShapeError(`${path}.kind`, `unknown kind ${JSON.stringify(x.kind)}`);
  }
}

/** Parses the JSON tab's text into a definition the builder can show, or throws (SyntaxError / ShapeError). */
export function parseDefinition(text: string): SegmentDefinition {
  const doc: unknown = JSON.parse(text);
  if (!isObj(doc)) throw new ShapeError('', 'the document must be an object { "root": … }');
  // The shape above is what every builder editor reads; value types are checked by the server's preview.
  return { root: node(doc.root, 'root') as unknown as SegmentNode };
}
