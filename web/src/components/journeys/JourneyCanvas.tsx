import { applyNodeChanges, Background, Controls, MarkerType, ReactFlow, useReactFlow, useStore, type Connection, type Edge, type EdgeChange, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JourneyCounts } from '../../../../src/journeys/journey.api.schema';
import { NODE_TYPES_MAP, type FlowNode } from './Cards';
import { connect, ENTRY_EDGE_ID, ENTRY_ID, removeEdges, removeNodes, type Draft, type Issue } from './flow';

type Measured = Record<string, { width?: number; height?: number }>;

/** A card's width in the stylesheet (.jcard). */
const CARD_W = 230;
/** A typical card's height, enough to bring its handles into view. */
const CARD_H = 110;

/** Scrolls a newly added step into view at the current zoom (as little as needed), so cards stay readable. */
function FollowNew({ focus, draft }: { focus: string | null; draft: Draft }) {
  const { getViewport, setViewport } = useReactFlow();
  const width = useStore((st) => st.width);
  const height = useStore((st) => st.height);
  const position = draft.nodes.find((n) => n.id === focus)?.position;
  const x = position?.x;
  const y = position?.y;
  // Only a new focus moves the view; dragging the focused card afterwards must not.
  const followed = useRef<string | null>(null);
  useEffect(() => {
    if (x === undefined || y === undefined || followed.current === focus || !width || !height) return;
    followed.current = focus;
    const view = getViewport();
    const margin = 40 / view.zoom;
    const left = -view.x / view.zoom;
    const top = -view.y / view.zoom;
    const right = left + width / view.zoom;
    const bottom = top + height / view.zoom;
    const dx = x < left ? x - left - margin : x + CARD_W > right ? x + CARD_W - right + margin : 0;
    const dy = y < top ? y - top - margin : y + CARD_H > bottom ? y + CARD_H - bottom + margin : 0;
    if (dx || dy) void setViewport({ x: view.x - dx * view.zoom, y: view.y - dy * view.zoom, zoom: view.zoom });
  }, [focus, x, y, width, height, getViewport, setViewport]);
  return null;
}

/** The journey graph on a React Flow canvas: drag to move, drag handle to handle to connect, Delete to remove. */
export function JourneyCanvas({
  draft,
  onChange,
  selected,
  onSelect,
  counts,
  issues,
  readOnly,
  focus,
}: {
  /** The step just added, to bring into view. */
  focus: string | null;
  draft: Draft;
  onChange: (d: Draft) => void;
  selected: string | null;
  onSelect: (id: string | null) => void;
  counts: JourneyCounts | undefined;
  issues: ReadonlyMap<string, Issue[]>;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const [measured, setMeasured] = useState<Measured>({});
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());

  const nodes = useMemo<FlowNode[]>(() => {
    const byId = new Map(counts?.nodes.map((c) => [c.nodeId, c]));
    const entry: FlowNode = {
      id: ENTRY_ID,
      type: 'entry',
      position: draft.entry.position ?? { x: 80, y: 40 },
      data: { entry: draft.entry, issues: issues.get(ENTRY_ID) ?? [] },
      selected: selected === ENTRY_ID,
      deletable: false,
      measured: measured[ENTRY_ID],
    };
    return [
      entry,
      ...draft.nodes.map((node): FlowNode => ({
        id: node.id,
        type: node.type,
        position: node.position,
        data: { node, counts: byId.get(node.id), issues: issues.get(node.id) ?? [] },
        selected: selected === node.id,
        measured: measured[node.id],
      })),
    ];
  }, [draft, counts, issues, selected, measured]);

  const edges = useMemo<Edge[]>(() => {
    const marker = { type: MarkerType.ArrowClosed, width: 16, height: 16 };
    const list: Edge[] = draft.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      sourceHandle: e.sourceHandle ?? null,
      markerEnd: marker,
      selected: selectedEdges.has(e.id),
    }));
    if (draft.entry.startNodeId) {
      list.push({ id: ENTRY_EDGE_ID, source: ENTRY_ID, target: draft.entry.startNodeId, markerEnd: marker, selected: selectedEdges.has(ENTRY_EDGE_ID) });
    }
    return list;
  }, [draft, selectedEdges]);

  const onNodesChange = (changes: NodeChange<FlowNode>[]) => {
    const removed = new Set(changes.flatMap((c) => (c.type === 'remove' && c.id !== ENTRY_ID ? [c.id] : [])));
    const next = applyNodeChanges(changes, nodes);
    const sizes: Measured = {};
    let moved = false;
    for (const n of next) {
      if (n.measured) sizes[n.id] = n.measured;
      const before = nodes.find((m) => m.id === n.id);
      if (before && (before.position.x !== n.position.x || before.position.y !== n.position.y)) moved = true;
    }
    if (changes.some((c) => c.type === 'dimensions')) setMeasured(sizes);
    const picked = changes.find((c) => c.type === 'select' && c.selected);
    if (picked && picked.type === 'select') onSelect(picked.id);
    else if (changes.some((c) => c.type === 'select' && c.id === selected && !c.selected)) onSelect(null);
    if (readOnly) return;
    let d = draft;
    if (moved) {
      const pos = new Map(next.map((n) => [n.id, n.position]));
      d = {
        ...d,
        entry: { ...d.entry, position: pos.get(ENTRY_ID) ?? d.entry.position },
        nodes: d.nodes.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })),
      };
    }
    if (removed.size) d = removeNodes(d, removed);
    if (d !== draft) onChange(d);
  };

  const onEdgesChange = (changes: EdgeChange[]) => {
    const sel = new Set(selectedEdges);
    for (const c of changes) {
      if (c.type !== 'select') continue;
      if (c.selected) sel.add(c.id);
      else sel.delete(c.id);
    }
    setSelectedEdges(sel);
    const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
    if (removed.size && !readOnly) onChange(removeEdges(draft, removed));
  };

  const onConnect = (c: Connection) => {
    if (readOnly || c.target === ENTRY_ID) return;
    onChange(connect(draft, c.source, c.sourceHandle ?? null, c.target));
  };

  return (
    <div className="jcanvas" data-testid="journey-canvas" aria-label={t('journeys.builder.canvas')}>
      <ReactFlow<FlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES_MAP}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onPaneClick={() => onSelect(null)}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
        fitView
        fitViewOptions={{ maxZoom: 1, padding: 0.2 }}
        minZoom={0.3}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
        <FollowNew focus={focus} draft={draft} />
      </ReactFlow>
    </div>
  );
}
