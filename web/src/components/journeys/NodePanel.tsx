import { useTranslation } from 'react-i18next';
import type { JourneyDuration, Weekday } from '../../../../src/journeys/journey.schema';
import type { Channel } from '../../../../src/messaging/template.schema';
import { BuilderProvider, type BuilderContext } from '../segments/builderContext';
import { EventMatchEditor } from '../segments/EventEditors';
import { RuleBuilder } from '../segments/RuleBuilder';
import { useLookups } from './context';
import { assertUnreachable, type DraftNode, type DraftNodeOf } from './flow';

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const CHANNELS: readonly Channel[] = ['email', 'sms', 'webhook'];

type Edit<T extends DraftNode['type']> = { node: DraftNodeOf<T>; onChange: (node: DraftNode) => void };

export function DurationInput({ value, onChange, testId }: { value: JourneyDuration; onChange: (d: JourneyDuration) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="jrow">
      <input className="input input-sm jnum" type="number" min={1} value={value.amount} aria-label={t('journeys.fields.amount')}
        onChange={(e) => onChange({ ...value, amount: Math.max(1, Math.round(Number(e.target.value) || 1)) })} data-testid={`${testId}-amount`} />
      <select className="input input-sm" value={value.unit} aria-label={t('journeys.fields.unit')} onChange={(e) => onChange({ ...value, unit: e.target.value as JourneyDuration['unit'] /* options are the three units */ })} data-testid={`${testId}-unit`}>
        {(['minutes', 'hours', 'days'] as const).map((u) => <option key={u} value={u}>{t(`journeys.units.${u}`)}</option>)}
      </select>
    </div>
  );
}

function DelayEditor({ node, onChange }: Edit<'delay'>) {
  const { t } = useTranslation();
  const c = node.config;
  const set = (config: DraftNodeOf<'delay'>['config']) => onChange({ ...node, config });
  return (
    <>
      <label className="field">
        <span>{t('journeys.fields.delayKind')}</span>
        <select value={c.kind} data-testid="delay-kind" onChange={(e) => {
          const kind = e.target.value;
          set(kind === 'duration' ? { kind, duration: { amount: 1, unit: 'days' } } : kind === 'time_of_day' ? { kind, at: '09:00' } : { kind: 'best_time' });
        }}>
          {(['duration', 'time_of_day', 'best_time'] as const).map((k) => <option key={k} value={k}>{t(`journeys.fields.kinds.${k}`)}</option>)}
        </select>
      </label>
      {c.kind === 'duration' ? <DurationInput value={c.duration} onChange={(duration) => set({ kind: 'duration', duration })} testId="delay" /> : null}
      {c.kind === 'time_of_day' ? (
        <>
          <label className="field">
            <span>{t('journeys.fields.at')}</span>
            <input type="time" value={c.at} onChange={(e) => set({ ...c, at: e.target.value })} data-testid="delay-at" />
          </label>
          <fieldset className="jweekdays">
            <legend>{t('journeys.fields.weekdays')}</legend>
            {WEEKDAYS.map((d) => {
              const on = c.weekdays?.includes(d) ?? false;
              return (
                <label key={d} className="jcheck">
                  <input type="checkbox" checked={on} onChange={() => {
                    const next = on ? (c.weekdays ?? []).filter((x) => x !== d) : [...(c.weekdays ?? []), d];
                    const { weekdays: _drop, ...rest } = c;
                    set(next.length ? { ...rest, weekdays: next } : rest);
                  }} /> {t(`journeys.weekdays.${d}`)}
                </label>
              );
            })}
            <span className="field-hint">{t('journeys.fields.weekdaysHint')}</span>
          </fieldset>
        </>
      ) : null}
      {c.kind === 'best_time' ? <p className="muted small">{t('journeys.fields.bestHint')}</p> : null}
    </>
  );
}

function WaitEditor({ node, onChange }: Edit<'wait_for_event'>) {
  const { t } = useTranslation();
  const c = node.config;
  return (
    <>
      <div className="field">
        <span>{t('journeys.fields.eventName')}</span>
        <EventMatchEditor match={c.event} onChange={(event) => onChange({ ...node, config: { ...c, event } })} testId="wait-event" />
      </div>
      <div className="field">
        <span>{t('journeys.fields.timeout')}</span>
        <DurationInput value={c.timeout} onChange={(timeout) => onChange({ ...node, config: { ...c, timeout } })} testId="wait-timeout" />
      </div>
    </>
  );
}

function ConditionEditor({ node, onChange }: Edit<'condition'>) {
  const { t } = useTranslation();
  const c = node.config;
  if (c.kind === 'context') return <p className="muted small">{t('journeys.fields.contextHint')}</p>;
  return (
    <>
      <p className="muted small">{t('journeys.fields.conditionHint')}</p>
      <RuleBuilder root={c.rule.root} onChange={(root) => onChange({ ...node, config: { kind: 'segment', rule: { root } } })} />
    </>
  );
}

function SplitEditor({ node, onChange }: Edit<'split'>) {
  const { t } = useTranslation();
  const branches = node.config.branches;
  const set = (next: typeof branches) => onChange({ ...node, config: { branches: next } });
  const total = branches.reduce((n, b) => n + b.percent, 0);
  const freeKey = () => {
    for (const k of 'abcdefghij') if (!branches.some((b) => b.key === k)) return k;
    return `b${branches.length}`;
  };
  return (
    <div className="field">
      <span>{t('journeys.fields.branches')}</span>
      <table className="table table-compact jbranches">
        <thead><tr><th>{t('journeys.fields.branchKey')}</th><th>{t('journeys.fields.branchLabel')}</th><th className="num">{t('journeys.fields.branchPercent')}</th><th /></tr></thead>
        <tbody>
          {branches.map((b, i) => (
            <tr key={i}>
              <td><input className="input input-sm" value={b.key} onChange={(e) => set(branches.map((x, j) => (j === i ? { ...x, key: e.target.value.replace(/[^A-Za-z0-9_-]/g, '') } : x)))} data-testid={`split-key-${i}`} /></td>
              <td><input className="input input-sm" value={b.label ?? ''} onChange={(e) => set(branches.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))} data-testid={`split-label-${i}`} /></td>
              <td><input className="input input-sm jnum" type="number" min={0} max={100} value={b.percent} onChange={(e) => set(branches.map((x, j) => (j === i ? { ...x, percent: Math.max(0, Math.min(100, Math.round(Number(e.target.value) || 0))) } : x)))} data-testid={`split-percent-${i}`} /></td>
              <td>{branches.length > 2 ? <button type="button" className="btn btn-ghost btn-sm" onClick={() => set(branches.filter((_, j) => j !== i))} aria-label={t('segments.group.remove')}>×</button> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <span className={total === 100 ? 'field-hint' : 'field-error'} data-testid="split-total">{t(total === 100 ? 'journeys.fields.total' : 'journeys.fields.totalBad', { percent: total })}</span>
      {branches.length < 10 ? (
        <div className="jrow">
          <button type="button" className="btn btn-sm" onClick={() => set([...branches, { key: freeKey(), percent: 0, label: '' }])} data-testid="split-add">+ {t('journeys.fields.addBranch')}</button>
          {branches.some((b) => b.key === 'control') ? null : (
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => set([...branches, { key: 'control', percent: 0, label: t('journeys.fields.control') }])} data-testid="split-control">+ {t('journeys.fields.makeControl')}</button>
          )}
        </div>
      ) : null}
      <span className="field-hint">{t('journeys.fields.controlHint')}</span>
    </div>
  );
}

function SendEditor({ node, onChange }: Edit<'send'>) {
  const { t } = useTranslation();
  const { templates } = useLookups();
  const c = node.config;
  const options = templates.filter((x) => x.channel === c.channel);
  return (
    <>
      <label className="field">
        <span>{t('journeys.fields.channel')}</span>
        <select value={c.channel} onChange={(e) => onChange({ ...node, config: { ...c, channel: e.target.value as Channel /* options are CHANNELS */, templateId: '' } })} data-testid="send-channel">
          {CHANNELS.map((ch) => <option key={ch} value={ch}>{t(`messaging.channels.${ch}`)}</option>)}
        </select>
      </label>
      <label className="field">
        <span>{t('journeys.fields.template')}</span>
        <select value={c.templateId} onChange={(e) => onChange({ ...node, config: { ...c, templateId: e.target.value } })} data-testid="send-template">
          <option value="">{t('journeys.fields.chooseTemplate')}</option>
          {options.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
        </select>
        {options.length === 0 ? <span className="field-hint">{t('journeys.fields.noTemplates')}</span> : null}
      </label>
      <label className="jcheck">
        <input type="checkbox" checked={c.awaitResult} onChange={(e) => onChange({ ...node, config: { ...c, awaitResult: e.target.checked } })} data-testid="send-await" />
        {t('journeys.fields.awaitResult')}
      </label>
    </>
  );
}

function TraitEditor({ node, onChange }: Edit<'update_trait'>) {
  const { t } = useTranslation();
  const c = node.config;
  return (
    <>
      <label className="field">
        <span>{t('journeys.fields.traitOp')}</span>
        <select value={c.op} onChange={(e) => {
          const op = e.target.value;
          onChange({ ...node, config: op === 'set' ? { op, key: c.key, value: '' } : op === 'increment' ? { op, key: c.key, by: 1 } : { op: 'unset', key: c.key } });
        }} data-testid="trait-op">
          {(['set', 'increment', 'unset'] as const).map((o) => <option key={o} value={o}>{t(`journeys.fields.ops.${o}`)}</option>)}
        </select>
      </label>
      <label className="field">
        <span>{t('journeys.fields.traitKey')}</span>
        <input value={c.key} onChange={(e) => onChange({ ...node, config: { ...c, key: e.target.value } })} data-testid="trait-key" />
      </label>
      {c.op === 'set' ? (
        <label className="field">
          <span>{t('journeys.fields.traitValue')}</span>
          <input value={typeof c.value === 'string' ? c.value : JSON.stringify(c.value)} onChange={(e) => onChange({ ...node, config: { ...c, value: e.target.value } })} data-testid="trait-value" />
        </label>
      ) : null}
      {c.op === 'increment' ? (
        <label className="field">
          <span>{t('journeys.fields.by')}</span>
          <input type="number" value={c.by} onChange={(e) => onChange({ ...node, config: { ...c, by: Number(e.target.value) || 0 } })} data-testid="trait-by" />
        </label>
      ) : null}
    </>
  );
}

function WebhookEditor({ node, onChange }: Edit<'webhook'>) {
  const { t } = useTranslation();
  const c = node.config;
  return (
    <>
      <label className="field">
        <span>{t('journeys.fields.method')}</span>
        <select value={c.method} onChange={(e) => onChange({ ...node, config: { ...c, method: e.target.value as typeof c.method /* options are the five methods */ } })} data-testid="webhook-method">
          {(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </label>
      <label className="field">
        <span>{t('journeys.fields.url')}</span>
        <input value={c.url} placeholder="https://" onChange={(e) => onChange({ ...node, config: { ...c, url: e.target.value } })} data-testid="webhook-url" />
      </label>
      <label className="field">
        <span>{t('journeys.fields.body')}</span>
        <textarea className="code-input" rows={4} value={c.body ?? ''} onChange={(e) => onChange({ ...node, config: { ...c, body: e.target.value } })} data-testid="webhook-body" />
      </label>
      <p className="muted small">{t('journeys.fields.webhookHint')}</p>
    </>
  );
}

function ConfigEditor({ node, onChange }: { node: DraftNode; onChange: (node: DraftNode) => void }) {
  const { t } = useTranslation();
  switch (node.type) {
    case 'delay': return <DelayEditor node={node} onChange={onChange} />;
    case 'wait_for_event': return <WaitEditor node={node} onChange={onChange} />;
    case 'condition': return <ConditionEditor node={node} onChange={onChange} />;
    case 'split': return <SplitEditor node={node} onChange={onChange} />;
    case 'send': return <SendEditor node={node} onChange={onChange} />;
    case 'update_trait': return <TraitEditor node={node} onChange={onChange} />;
    case 'webhook': return <WebhookEditor node={node} onChange={onChange} />;
    case 'exit': return <p className="muted small">{t('journeys.fields.exitHint')}</p>;
    default: return assertUnreachable(node);
  }
}

/** The selected step's label and config. */
export function NodePanel({ node, builder, onChange, onRemove, readOnly }: { node: DraftNode; builder: BuilderContext; onChange: (node: DraftNode) => void; onRemove: () => void; readOnly: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="card jpanel" data-testid="node-panel" data-node={node.id}>
      <div className="row-between">
        <h3 className="card-title"><span className={`jtype jtype-${node.type}`}>{t(`journeys.types.${node.type}`)}</span></h3>
        <code className="muted small" title={t('journeys.builder.nodeId')}>{node.id}</code>
      </div>
      <fieldset className="jfields" disabled={readOnly}>
        <label className="field">
          <span>{t('journeys.builder.label')}</span>
          <input value={node.label ?? ''} placeholder={t('journeys.builder.labelPlaceholder')} onChange={(e) => onChange({ ...node, label: e.target.value })} data-testid="node-label" />
        </label>
        <BuilderProvider value={builder}>
          <ConfigEditor node={node} onChange={onChange} />
        </BuilderProvider>
        <button type="button" className="btn btn-sm btn-danger-text" onClick={onRemove} data-testid="node-remove">{t('journeys.builder.remove')}</button>
      </fieldset>
    </section>
  );
}
