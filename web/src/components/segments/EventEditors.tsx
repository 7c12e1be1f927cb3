import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventCondition, EventMatch, PropertyFilter, SequenceCondition, TimeWindow } from '../../../../src/segments/segment.schema';
import { Icon } from '../Icon';
import { useBuilder } from './builderContext';
import { AGGREGATE_FNS, CMP_NAME, COMPARISONS, defaultTest } from './definition';
import { fromLocalInput, NumberInput, Suggestions, toLocalInput, UnitSelect } from './Inputs';
import { ValueTestEditor } from './ValueTestEditor';

/** Editors for behaviour: which events (name + property filters), when (window), how often, in what order. */

const DAY = 86_400_000;

export function WindowEditor({ window: w, onChange, testId }: { window: TimeWindow; onChange: (w: TimeWindow) => void; testId: string }) {
  const { t } = useTranslation();
  const choose = (kind: string) => {
    if (kind === 'last') onChange({ kind: 'last', amount: 30, unit: 'days' });
    else if (kind === 'between') onChange({ kind: 'between', from: new Date(Date.now() - 30 * DAY).toISOString(), to: new Date().toISOString() });
    else onChange({ kind: 'ever' });
  };
  return (
    <>
      <select className="input input-sm" value={w.kind} aria-label={t('segments.fields.window')} onChange={(e) => choose(e.target.value)} data-testid={`${testId}-window`}>
        <option value="ever">{t('segments.window.ever')}</option>
        <option value="last">{t('segments.window.last')}</option>
        <option value="between">{t('segments.window.between')}</option>
      </select>
      {w.kind === 'last' ? (
        <>
          <NumberInput value={w.amount} integer min={1} width={70} onChange={(amount) => onChange({ ...w, amount })} label={t('segments.fields.amount')} testId={`${testId}-amount`} />
          <UnitSelect value={w.unit} onChange={(unit) => onChange({ ...w, unit })} testId={`${testId}-unit`} />
        </>
      ) : null}
      {w.kind === 'between' ? (
        <>
          {(['from', 'to'] as const).map((end) => (
            <input
              key={end}
              className="input input-sm"
              type="datetime-local"
              value={toLocalInput(w[end])}
              aria-label={t(`segments.fields.${end}`)}
              onChange={(e) => {
                const iso = fromLocalInput(e.target.value);
                if (iso) onChange({ ...w, [end]: iso });
              }}
              data-testid={`${testId}-${end}`}
            />
          ))}
        </>
      ) : null}
    </>
  );
}

function FilterRow({ filter, paths, onChange, onRemove, testId }: {
  filter: PropertyFilter;
  paths: { path: string; type: 'string' | 'number' | 'boolean' | 'date' | 'mixed' }[];
  onChange: (f: PropertyFilter) => void;
  onRemove: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const listId = useId();
  const type = paths.find((p) => p.path === filter.path)?.type;
  return (
    <div className="cond-line" data-testid={testId}>
      <span className="cond-word">{t('segments.event.where')}</span>
      <input
        className="input input-sm input-key"
        value={filter.path}
        list={listId}
        placeholder={t('segments.fields.property')}
        aria-label={t('segments.fields.property')}
        onChange={(e) => onChange({ ...filter, path: e.target.value.trim() })}
        data-testid={`${testId}-path`}
      />
      <Suggestions id={listId} values={paths.map((p) => p.path)} />
      <ValueTestEditor test={filter} type={type} onChange={(test) => onChange({ path: filter.path, ...test })} testId={testId} />
      <button type="button" className="btn btn-ghost btn-sm icon-btn" onClick={onRemove} aria-label={t('segments.group.remove')} title={t('segments.group.remove')}>
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}

/** An event name (with the catalog's names as suggestions) and its property filters. */
export function EventMatchEditor({ match, onChange, testId, lead }: { match: EventMatch; onChange: (m: EventMatch) => void; testId: string; lead?: ReactNode }) {
  const { t } = useTranslation();
  const { catalog } = useBuilder();
  const namesId = useId();
  const paths = catalog?.events.find((e) => e.name === match.name)?.properties ?? [];
  const setWhere = (where: PropertyFilter[]) => onChange({ ...match, where });
  return (
    <>
      <div className="cond-line">
        {lead}
        <input
          className="input input-sm input-event"
          value={match.name}
          list={namesId}
          placeholder={t('segments.fields.eventName')}
          aria-label={t('segments.fields.eventName')}
          onChange={(e) => onChange({ ...match, name: e.target.value })}
          data-testid={`${testId}-name`}
        />
        <Suggestions id={namesId} values={catalog?.events.map((e) => e.name) ?? []} />
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => setWhere([...match.where, { path: paths[0]?.path ?? '', ...defaultTest(paths[0]?.type) }])}
          data-testid={`${testId}-add-filter`}
        >
          <span className="plus" aria-hidden="true">+</span> {t('segments.event.addFilter')}
        </button>
      </div>
      {match.where.map((f, i) => (
        <FilterRow
          key={i}
          filter={f}
          paths={paths}
          onChange={(next) => setWhere(match.where.map((x, j) => (j === i ? next : x)))}
          onRemove={() => setWhere(match.where.filter((_, j) => j !== i))}
          testId={`${testId}-filter-${i}`}
        />
      ))}
    </>
  );
}

export function EventEditor({ node, onChange, testId }: { node: EventCondition; onChange: (n: EventCondition) => void; testId: string }) {
  const { t } = useTranslation();
  const { catalog } = useBuilder();
  const numericPaths = (catalog?.events.find((e) => e.name === node.event.name)?.properties ?? []).filter((p) => p.type === 'number');
  const aggId = useId();
  const performed = (
    <select
      className="input input-sm"
      value={node.performed ? 'yes' : 'no'}
      aria-label={t('segments.fields.performed')}
      onChange={(e) => {
        const yes = e.target.value === 'yes';
        // "Did not perform" counts nothing: a count or aggregate would contradict it.
        onChange(yes ? { ...node, performed: true } : { kind: 'event', event: node.event, window: node.window, performed: false });
      }}
      data-testid={`${testId}-performed`}
    >
      <option value="yes">{t('segments.event.performed')}</option>
      <option value="no">{t('segments.event.notPerformed')}</option>
    </select>
  );
  return (
    <div className="cond-stack">
      <EventMatchEditor match={node.event} onChange={(event) => onChange({ ...node, event })} testId={testId} lead={performed} />
      <div className="cond-line">
        {node.performed ? (
          <>
            <select
              className="input input-sm"
              value={node.count?.op ?? 'any'}
              aria-label={t('segments.fields.count')}
              onChange={(e) => {
                const op = COMPARISONS.find((c) => c === e.target.value);
                onChange(op ? { ...node, count: { op, value: node.count?.value ?? 2 } } : { ...node, count: undefined });
              }}
              data-testid={`${testId}-count-op`}
            >
              <option value="any">{t('segments.event.atLeastOnce')}</option>
              {COMPARISONS.map((c) => (
                <option key={c} value={c}>
                  {t(`segments.cmp.${CMP_NAME[c]}`)}
                </option>
              ))}
            </select>
            {node.count ? (
              <>
                <NumberInput value={node.count.value} integer min={0} width={70} onChange={(value) => node.count && onChange({ ...node, count: { ...node.count, value } })} label={t('segments.fields.count')} testId={`${testId}-count`} />
                <span className="muted">{t('segments.event.times')}</span>
              </>
            ) : null}
          </>
        ) : null}
        <WindowEditor window={node.window} onChange={(window) => onChange({ ...node, window })} testId={testId} />
      </div>
      {node.performed && node.aggregate ? (
        <div className="cond-line">
          <span className="cond-word">{t('segments.event.aggregateLead')}</span>
          <select className="input input-sm" value={node.aggregate.fn} aria-label={t('segments.fields.aggregate')} onChange={(e) => node.aggregate && onChange({ ...node, aggregate: { ...node.aggregate, fn: AGGREGATE_FNS.find((f) => f === e.target.value) ?? 'sum' } })} data-testid={`${testId}-agg-fn`}>
            {AGGREGATE_FNS.map((f) => (
              <option key={f} value={f}>
                {t(`segments.aggregate.${f}`)}
              </option>
            ))}
          </select>
          <input className="input input-sm input-key" value={node.aggregate.path} list={aggId} placeholder={t('segments.fields.property')} aria-label={t('segments.fields.property')} onChange={(e) => node.aggregate && onChange({ ...node, aggregate: { ...node.aggregate, path: e.target.value.trim() } })} data-testid={`${testId}-agg-path`} />
          <Suggestions id={aggId} values={numericPaths.map((p) => p.path)} />
          <select className="input input-sm" value={node.aggregate.op} aria-label={t('segments.fields.operator')} onChange={(e) => node.aggregate && onChange({ ...node, aggregate: { ...node.aggregate, op: COMPARISONS.find((c) => c === e.target.value) ?? '>=' } })} data-testid={`${testId}-agg-op`}>
            {COMPARISONS.map((c) => (
              <option key={c} value={c}>
                {t(`segments.cmp.${CMP_NAME[c]}`)}
              </option>
            ))}
          </select>
          <NumberInput value={node.aggregate.value} onChange={(value) => node.aggregate && onChange({ ...node, aggregate: { ...node.aggregate, value } })} label={t('segments.fields.value')} testId={`${testId}-agg-value`} />
          <button type="button" className="btn btn-ghost btn-sm icon-btn" onClick={() => onChange({ ...node, aggregate: undefined })} aria-label={t('segments.group.remove')} title={t('segments.group.remove')}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ) : node.performed ? (
        <div className="cond-line">
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange({ ...node, aggregate: { fn: 'sum', path: numericPaths[0]?.path ?? '', op: '>=', value: 100 } })} data-testid={`${testId}-add-agg`}>
            <span className="plus" aria-hidden="true">+</span> {t('segments.event.addAggregate')}
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function SequenceEditor({ node, onChange, testId }: { node: SequenceCondition; onChange: (n: SequenceCondition) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="cond-stack">
      <EventMatchEditor match={node.first} onChange={(first) => onChange({ ...node, first })} testId={`${testId}-first`} lead={<span className="cond-word">{t('segments.sequence.first')}</span>} />
      <EventMatchEditor
        match={node.then}
        onChange={(then) => onChange({ ...node, then })}
        testId={`${testId}-then`}
        lead={
          <>
            <span className="cond-word">{t('segments.sequence.then')}</span>
            <select className="input input-sm" value={node.thenPerformed ? 'yes' : 'no'} aria-label={t('segments.fields.performed')} onChange={(e) => onChange({ ...node, thenPerformed: e.target.value === 'yes' })} data-testid={`${testId}-then-performed`}>
              <option value="yes">{t('segments.event.performed')}</option>
              <option value="no">{t('segments.event.notPerformed')}</option>
            </select>
          </>
        }
      />
      <div className="cond-line">
        <span className="cond-word">{t('segments.sequence.within')}</span>
        <NumberInput value={node.within.amount} integer min={1} width={70} onChange={(amount) => onChange({ ...node, within: { ...node.within, amount } })} label={t('segments.fields.amount')} testId={`${testId}-within`} />
        <UnitSelect value={node.within.unit} onChange={(unit) => onChange({ ...node, within: { ...node.within, unit } })} testId={`${testId}-within-unit`} />
        <span className="cond-word">{t('segments.sequence.window')}</span>
        <WindowEditor window={node.window} onChange={(window) => onChange({ ...node, window })} testId={testId} />
      </div>
    </div>
  );
}
