import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { SegmentCondition, SegmentNode } from '../../../../src/segments/segment.schema';
import { Icon } from '../Icon';
import { Menu } from '../Menu';
import { useBuilder } from './builderContext';
import { BucketEditor, ComputedEditor, MembershipEditor, SubscriptionEditor, TraitEditor } from './ConditionEditors';
import { assertUnreachable, childPath, CONDITION_KINDS, defaultCondition, negatedPath, type ConditionKind } from './definition';
import { EventEditor, SequenceEditor } from './EventEditors';

/** The visual rule builder: nested AND / OR groups, NOT wrappers and one card per condition. */

/** A node's test id from its path: `root.conditions[0].condition` → `root-0-n`. */
export const pathId = (path: string): string => path.replace(/\.conditions\[(\d+)\]/g, '-$1').replace(/\.condition/g, '-n');

interface NodeProps<T extends SegmentNode = SegmentNode> {
  node: T;
  path: string;
  onChange: (node: SegmentNode) => void;
  onRemove?: () => void;
}

const SEGMENT_CODES = [
  'SEGMENT_CYCLE', 'SEGMENT_INVALID', 'SEGMENT_INVALID_OPERATOR', 'SEGMENT_INVALID_PATH', 'SEGMENT_INVALID_VALUE', 'SEGMENT_INVALID_WINDOW',
  'SEGMENT_TOO_COMPLEX', 'SEGMENT_UNKNOWN_COMPUTED_TRAIT', 'SEGMENT_UNKNOWN_KIND', 'SEGMENT_UNKNOWN_SEGMENT', 'SEGMENT_UNKNOWN_SUBSCRIPTION_GROUP',
] as const;
type SegmentCode = (typeof SEGMENT_CODES)[number];
const isSegmentCode = (code: string): code is SegmentCode => (SEGMENT_CODES as readonly string[]).includes(code);

/** The server's validation error for this node: what kind of problem in the UI language, then its exact words. */
function NodeError({ path }: { path: string }) {
  const { t } = useTranslation();
  const { errors } = useBuilder();
  const info = errors.get(path);
  if (!info) return null;
  const { error, rest } = info;
  return (
    <div className="node-error" role="alert" data-testid="node-error" data-code={error.code}>
      <Icon name="alert" size={14} />
      <span>
        {isSegmentCode(error.code) ? <strong>{t(`segments.errors.${error.code}`)} </strong> : null}
        {rest ? <code>{rest}</code> : null} {error.message}
      </span>
    </div>
  );
}

function NodeActions({ node, onChange, onRemove, testId }: Omit<NodeProps, 'path'> & { testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="node-actions">
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange({ kind: 'not', condition: node })} data-testid={`${testId}-negate`}>
        {t('segments.group.negate')}
      </button>
      {onRemove ? (
        <button type="button" className="btn btn-ghost btn-sm icon-btn" onClick={onRemove} aria-label={t('segments.group.remove')} title={t('segments.group.remove')} data-testid={`${testId}-remove`}>
          <Icon name="close" size={14} />
        </button>
      ) : null}
    </div>
  );
}

function ConditionBody({ node, onChange, testId }: { node: SegmentCondition; onChange: (n: SegmentNode) => void; testId: string }) {
  switch (node.kind) {
    case 'trait':
      return <TraitEditor node={node} onChange={onChange} testId={testId} />;
    case 'computed':
      return <ComputedEditor node={node} onChange={onChange} testId={testId} />;
    case 'event':
      return <EventEditor node={node} onChange={onChange} testId={testId} />;
    case 'sequence':
      return <SequenceEditor node={node} onChange={onChange} testId={testId} />;
    case 'segment':
      return <MembershipEditor node={node} onChange={onChange} testId={testId} />;
    case 'subscription':
      return <SubscriptionEditor node={node} onChange={onChange} testId={testId} />;
    case 'bucket':
      return <BucketEditor node={node} onChange={onChange} testId={testId} />;
    default:
      return assertUnreachable(node);
  }
}

function ConditionCard({ node, path, onChange, onRemove }: NodeProps<SegmentCondition>) {
  const { t } = useTranslation();
  const { errors, incomplete } = useBuilder();
  const testId = `cond-${pathId(path)}`;
  const state = errors.has(path) ? ' is-invalid' : incomplete.has(path) ? ' is-incomplete' : '';
  const stacked = node.kind === 'event' || node.kind === 'sequence';
  return (
    <div className={`cond-card${state}`} data-testid={testId} data-kind={node.kind}>
      <div className="cond-head">
        <span className={`kind-tag kind-${node.kind}`}>{t(`segments.kinds.${node.kind}.title`)}</span>
        <NodeActions node={node} onChange={onChange} onRemove={onRemove} testId={testId} />
      </div>
      <div className={stacked ? 'cond-body' : 'cond-body cond-line'}>
        <ConditionBody node={node} onChange={onChange} testId={testId} />
      </div>
      <NodeError path={path} />
    </div>
  );
}

function AddMenu({ onAdd, testId }: { onAdd: (kind: ConditionKind) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <Menu
      label={t('segments.group.addCondition')}
      testId={`${testId}-add-condition`}
      button={
        <span className="btn btn-sm add-btn">
          <span className="plus" aria-hidden="true">+</span> {t('segments.group.addCondition')}
        </span>
      }
    >
      {(close) =>
        CONDITION_KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            role="menuitem"
            className="menu-item"
            onClick={() => {
              onAdd(kind);
              close();
            }}
            data-testid={`${testId}-add-${kind}`}
          >
            <span className="menu-item-main">
              <strong>{t(`segments.kinds.${kind}.title`)}</strong>
              <span className="muted small">{t(`segments.kinds.${kind}.hint`)}</span>
            </span>
          </button>
        ))
      }
    </Menu>
  );
}

function Group({ node, path, onChange, onRemove }: NodeProps<Extract<SegmentNode, { kind: 'and' | 'or' }>>) {
  const { t } = useTranslation();
  const { catalog, selfId } = useBuilder();
  const testId = `group-${pathId(path)}`;
  const set = (conditions: SegmentNode[]) => onChange({ kind: node.kind, conditions });
  return (
    <div className={`group-card group-${node.kind}`} data-testid={testId}>
      <div className="group-head">
        <div className="segmented" role="group" aria-label={t('segments.group.match')}>
          {(['and', 'or'] as const).map((k) => (
            <button key={k} type="button" className={node.kind === k ? 'is-active' : undefined} aria-pressed={node.kind === k} onClick={() => onChange({ kind: k, conditions: node.conditions })} data-testid={`${testId}-${k}`}>
              {t(`segments.group.${k}`)}
            </button>
          ))}
        </div>
        <span className="muted small">{t(`segments.group.${node.kind}Hint`)}</span>
        <NodeActions node={node} onChange={onChange} onRemove={onRemove} testId={testId} />
      </div>
      <div className="group-body">
        {node.conditions.length === 0 ? <p className="muted small group-empty">{t('segments.group.empty')}</p> : null}
        {node.conditions.map((child, i) => (
          <Fragment key={i}>
            {i > 0 ? <div className="joiner">{t(`segments.group.${node.kind}Short`)}</div> : null}
            <NodeEditor
              node={child}
              path={childPath(path, i)}
              onChange={(next) => set(node.conditions.map((c, j) => (j === i ? next : c)))}
              onRemove={() => set(node.conditions.filter((_, j) => j !== i))}
            />
          </Fragment>
        ))}
      </div>
      <NodeError path={path} />
      <div className="group-foot">
        <AddMenu onAdd={(kind) => set([...node.conditions, defaultCondition(kind, catalog, selfId)])} testId={testId} />
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => set([...node.conditions, { kind: node.kind === 'and' ? 'or' : 'and', conditions: [] }])} data-testid={`${testId}-add-group`}>
          <span className="plus" aria-hidden="true">+</span> {t('segments.group.addGroup')}
        </button>
      </div>
    </div>
  );
}

function Not({ node, path, onChange, onRemove }: NodeProps<Extract<SegmentNode, { kind: 'not' }>>) {
  const { t } = useTranslation();
  const testId = `not-${pathId(path)}`;
  return (
    <div className="not-card" data-testid={testId}>
      <div className="not-head">
        <span className="kind-tag kind-not">{t('segments.group.not')}</span>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange(node.condition)} data-testid={`${testId}-unwrap`}>
          {t('segments.group.unnegate')}
        </button>
      </div>
      <NodeEditor node={node.condition} path={negatedPath(path)} onChange={(condition) => onChange({ kind: 'not', condition })} onRemove={onRemove} />
      <NodeError path={path} />
    </div>
  );
}

export function NodeEditor({ node, path, onChange, onRemove }: NodeProps) {
  switch (node.kind) {
    case 'and':
    case 'or':
      return <Group node={node} path={path} onChange={onChange} onRemove={onRemove} />;
    case 'not':
      return <Not node={node} path={path} onChange={onChange} onRemove={onRemove} />;
    default:
      return <ConditionCard node={node} path={path} onChange={onChange} onRemove={onRemove} />;
  }
}

/** The whole tree, from the definition's root. */
export function RuleBuilder({ root, onChange }: { root: SegmentNode; onChange: (root: SegmentNode) => void }) {
  const { t } = useTranslation();
  const grouped = root.kind === 'and' || root.kind === 'or';
  return (
    <div className="rule-builder" data-testid="rule-builder">
      <NodeEditor node={root} path="root" onChange={onChange} />
      {grouped ? null : (
        <button type="button" className="btn btn-sm" onClick={() => onChange({ kind: 'and', conditions: [root] })} data-testid="wrap-root">
          <span className="plus" aria-hidden="true">+</span> {t('segments.group.wrap')}
        </button>
      )}
    </div>
  );
}
