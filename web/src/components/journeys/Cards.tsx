import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import type { JourneyCounts } from '../../../../src/journeys/journey.api.schema';
import { useFormat } from '../../format';
import { Icon } from '../Icon';
import { useLookups } from './context';
import { handlesOf, type DraftEntry, type DraftNode, type Issue } from './flow';
import { useIssueText } from './IssueList';
import { entrySummary, nodeSummary } from './summary';

type Counts = JourneyCounts['nodes'][number];

export type StepData = { node: DraftNode; counts?: Counts; issues: Issue[] };
export type EntryData = { entry: DraftEntry; issues: Issue[] };
export type StepFlowNode = Node<StepData, DraftNode['type']>;
export type EntryFlowNode = Node<EntryData, 'entry'>;
export type FlowNode = StepFlowNode | EntryFlowNode;

/** Handles spread evenly along the card's bottom edge; each label sits above its handle. */
const handleLeft = (i: number, n: number): string => `${((i + 1) / (n + 1)) * 100}%`;

const HANDLE_LABELS = new Set(['yes', 'no', 'event', 'timeout', 'sent', 'failed', 'success', 'failure']);

function Issues({ issues }: { issues: Issue[] }) {
  const text = useIssueText();
  if (issues.length === 0) return null;
  return (
    <ul className="jcard-issues" data-testid="node-issues">
      {issues.map((issue, i) => (
        <li key={i}>
          <Icon name="alert" size={12} /> {text(issue)}
        </li>
      ))}
    </ul>
  );
}

function CountBadges({ counts }: { counts: Counts }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <div className="jcard-counts" data-testid="node-counts">
      {(['entered', 'waiting', 'passed', 'converted'] as const).map((k) => (
        <span key={k} className={`jcount jcount-${k}`} title={t(`journeys.counts.${k}`)} data-testid={`node-count-${k}`}>
          {t(`journeys.counts.${k}`)} <strong>{fmt.number(counts[k])}</strong>
        </span>
      ))}
    </div>
  );
}

/** A journey step on the canvas: its type, key setting, live counts and any publish issues. */
export function StepCard({ data, selected }: NodeProps<StepFlowNode>) {
  const { t } = useTranslation();
  const lookups = useLookups();
  const { node, counts, issues } = data;
  const handles = handlesOf(node);
  const branchLabel = (h: string) => {
    if (HANDLE_LABELS.has(h)) return t(`journeys.handles.${h as 'yes'}`); // `h` is one of HANDLE_LABELS, all keys of journeys.handles.
    if (node.type === 'split') return node.config.branches.find((b) => b.key === h)?.label || h;
    return h;
  };
  return (
    <div className={`jcard jcard-${node.type}${selected ? ' is-selected' : ''}${issues.length ? ' is-invalid' : ''}`} data-testid={`jnode-${node.id}`} data-type={node.type}>
      <Handle type="target" position={Position.Top} className="jhandle" />
      <div className="jcard-head">
        <span className={`jtype jtype-${node.type}`}>{t(`journeys.types.${node.type}`)}</span>
        <code className="jcard-id">{node.id}</code>
      </div>
      {node.label ? <div className="jcard-label">{node.label}</div> : null}
      <div className="jcard-summary" data-testid="node-summary">{nodeSummary(node, t, lookups)}</div>
      {counts ? <CountBadges counts={counts} /> : null}
      <Issues issues={issues} />
      {handles.length > 1 ? (
        <div className="jcard-outs">
          {handles.map((h, i) => (
            <span key={h ?? 'out'} className="jcard-out" style={{ left: handleLeft(i, handles.length) }}>{h ? branchLabel(h) : ''}</span>
          ))}
        </div>
      ) : null}
      {handles.map((h, i) => (
        <Handle
          key={h ?? 'out'}
          type="source"
          position={Position.Bottom}
          id={h ?? undefined}
          className="jhandle jhandle-out"
          style={{ left: handleLeft(i, handles.length) }}
          data-testid={`handle-${node.id}-${h ?? 'out'}`}
        />
      ))}
    </div>
  );
}

/** The trigger card: what starts an entry; its one handle goes to the first step. */
export function EntryCard({ data, selected }: NodeProps<EntryFlowNode>) {
  const { t } = useTranslation();
  const lookups = useLookups();
  return (
    <div className={`jcard jcard-entry${selected ? ' is-selected' : ''}${data.issues.length ? ' is-invalid' : ''}`} data-testid="jnode-entry">
      <div className="jcard-head">
        <span className="jtype jtype-entry">{t('journeys.types.entry')}</span>
      </div>
      <div className="jcard-summary" data-testid="node-summary">{entrySummary(data.entry, t, lookups)}</div>
      <Issues issues={data.issues} />
      <Handle type="source" position={Position.Bottom} className="jhandle jhandle-out" data-testid="handle-entry-out" />
    </div>
  );
}

export const NODE_TYPES_MAP = {
  entry: EntryCard,
  delay: StepCard,
  wait_for_event: StepCard,
  condition: StepCard,
  split: StepCard,
  send: StepCard,
  update_trait: StepCard,
  webhook: StepCard,
  exit: StepCard,
};
