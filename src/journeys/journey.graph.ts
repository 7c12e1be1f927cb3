import { assertUnreachable } from '../platform/errors.js';
import type { JourneyDefinition, JourneyEdge, JourneyNode } from './journey.schema.js';

/**
 * The graph view of a definition shared by the validator and the interpreter, so both agree on
 * which edge leaves which handle. `null` is the single handle of nodes with one way out.
 */
export type Handle = string | null;

/** The handles a node can leave by, in display order (an exit node has none). */
export function handlesOf(node: JourneyNode): readonly Handle[] {
  switch (node.type) {
    case 'delay':
    case 'update_trait':
      return [null];
    case 'send':
      return node.config.awaitResult ? ['sent', 'failed'] : [null];
    case 'wait_for_event':
      return ['event', 'timeout'];
    case 'condition':
      return ['yes', 'no'];
    case 'split':
      return node.config.branches.map((b) => b.key);
    case 'webhook':
      return ['success', 'failure'];
    case 'exit':
      return [];
    default:
      return assertUnreachable(node);
  }
}

/** Nodes that end an instant: a cycle through one of them cannot spin (it waits for time or an event). */
export function isWaitNode(node: JourneyNode): boolean {
  return node.type === 'delay' || node.type === 'wait_for_event';
}

/** React Flow stores "no handle" as null; an empty string means the same. */
export const edgeHandle = (edge: JourneyEdge): Handle => (edge.sourceHandle === undefined || edge.sourceHandle === null || edge.sourceHandle === '' ? null : edge.sourceHandle);

export interface JourneyGraph {
  /** By id; the first node of a duplicated id wins (the validator reports the rest). */
  nodes: ReadonlyMap<string, { node: JourneyNode; index: number }>;
  /** source id → handle → the first edge leaving it by that handle, among edges that join two known nodes. */
  out: ReadonlyMap<string, ReadonlyMap<Handle, { edge: JourneyEdge; index: number }>>;
}

export function buildGraph(def: JourneyDefinition): JourneyGraph {
  const nodes = new Map<string, { node: JourneyNode; index: number }>();
  def.nodes.forEach((node, index) => {
    if (!nodes.has(node.id)) nodes.set(node.id, { node, index });
  });
  const out = new Map<string, Map<Handle, { edge: JourneyEdge; index: number }>>();
  def.edges.forEach((edge, index) => {
    if (!nodes.has(edge.source) || !nodes.has(edge.target)) return;
    let byHandle = out.get(edge.source);
    if (!byHandle) {
      byHandle = new Map();
      out.set(edge.source, byHandle);
    }
    const handle = edgeHandle(edge);
    if (!byHandle.has(handle)) byHandle.set(handle, { edge, index });
  });
  return { nodes, out };
}

/** The node reached by leaving `nodeId` by `handle`, if an edge is drawn there. */
export function nextNodeId(graph: JourneyGraph, nodeId: string, handle: Handle): string | undefined {
  return graph.out.get(nodeId)?.get(handle)?.edge.target;
}

/** Ids of the nodes `node` leads to by its own handles (edges from undeclared handles lead nowhere). */
export function successors(graph: JourneyGraph, node: JourneyNode): string[] {
  const ids: string[] = [];
  for (const h of handlesOf(node)) {
    const next = nextNodeId(graph, node.id, h);
    if (next !== undefined) ids.push(next);
  }
  return ids;
}

/**
 * Cycles made only of instantaneous nodes (no delay or wait_for_event on them): an entry that
 * reached one would run round it within a single advance call until the step limit. Returned as
 * strongly connected components (Tarjan 1972, iterative so a long chain cannot overflow the stack),
 * each as node indexes in definition order; a single node counts only with an edge to itself.
 */
export function instantCycles(graph: JourneyGraph): number[][] {
  const ids = [...graph.nodes.values()].filter(({ node }) => !isWaitNode(node)).map(({ node }) => node.id);
  const inSubgraph = new Set(ids);
  const next = (id: string): string[] => {
    const found = graph.nodes.get(id);
    return found ? successors(graph, found.node).filter((s) => inSubgraph.has(s)) : [];
  };
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: number[][] = [];
  let counter = 0;

  for (const root of ids) {
    if (order.has(root)) continue;
    // Each frame: a node and the index of the next successor to visit.
    const frames: Array<{ id: string; succ: string[]; i: number }> = [];
    const open = (id: string): void => {
      order.set(id, counter);
      low.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      frames.push({ id, succ: next(id), i: 0 });
    };
    open(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      if (!frame) break;
      if (frame.i < frame.succ.length) {
        const s = frame.succ[frame.i++] ?? '';
        if (!order.has(s)) open(s);
        else if (onStack.has(s)) low.set(frame.id, Math.min(low.get(frame.id) ?? 0, order.get(s) ?? 0));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) ?? 0, low.get(frame.id) ?? 0));
      if (low.get(frame.id) !== order.get(frame.id)) continue;
      const component: string[] = [];
      for (;;) {
        const top = stack.pop();
        if (top === undefined) break;
        onStack.delete(top);
        component.push(top);
        if (top === frame.id) break;
      }
      const selfLoop = component.length === 1 && next(frame.id).includes(frame.id);
      if (component.length > 1 || selfLoop) {
        cycles.push(component.map((id) => graph.nodes.get(id)?.index ?? -1).sort((a, b) => a - b));
      }
    }
  }
  return cycles.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}
