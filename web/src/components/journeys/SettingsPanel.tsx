import { useTranslation } from 'react-i18next';
import { BuilderProvider, type BuilderContext } from '../segments/builderContext';
import { EventMatchEditor } from '../segments/EventEditors';
import { useLookups } from './context';
import type { Draft, DraftEntry, DraftSettings } from './flow';

const ENTRY_KINDS = ['event', 'segment_entered', 'segment_exited', 'schedule'] as const;

function EntryEditor({ entry, onChange }: { entry: DraftEntry; onChange: (e: DraftEntry) => void }) {
  const { t } = useTranslation();
  const { segments } = useLookups();
  const base = { startNodeId: entry.startNodeId, ...(entry.position ? { position: entry.position } : {}) };
  return (
    <>
      <label className="field">
        <span>{t('journeys.settings.entry')}</span>
        <select value={entry.kind} data-testid="entry-kind" onChange={(e) => {
          const kind = e.target.value;
          if (kind === 'event') onChange({ ...base, kind, event: { name: '', where: [] } });
          else if (kind === 'segment_entered' || kind === 'segment_exited') onChange({ ...base, kind, segmentId: '' });
          else onChange({ ...base, kind: 'schedule', trait: 'birthday', when: { kind: 'anniversary' }, at: '09:00' });
        }}>
          {ENTRY_KINDS.map((k) => <option key={k} value={k}>{t(`journeys.settings.entryKinds.${k}`)}</option>)}
        </select>
      </label>
      {entry.kind === 'event' ? (
        <div className="field">
          <span>{t('journeys.settings.filters')}</span>
          <EventMatchEditor match={entry.event} onChange={(event) => onChange({ ...entry, event })} testId="entry-event" />
        </div>
      ) : null}
      {entry.kind === 'segment_entered' || entry.kind === 'segment_exited' ? (
        <label className="field">
          <span>{t('journeys.settings.segment')}</span>
          <select value={entry.segmentId} onChange={(e) => onChange({ ...entry, segmentId: e.target.value })} data-testid="entry-segment">
            <option value="">{t('journeys.settings.chooseSegment')}</option>
            {segments.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
      ) : null}
      {entry.kind === 'schedule' ? (
        <>
          <label className="field">
            <span>{t('journeys.settings.trait')}</span>
            <input value={entry.trait} onChange={(e) => onChange({ ...entry, trait: e.target.value })} data-testid="entry-trait" />
          </label>
          <div className="jrow">
            <label className="field">
              <span>{t('journeys.settings.when')}</span>
              <select value={entry.when.kind} onChange={(e) => onChange({ ...entry, when: e.target.value === 'days_after' ? { kind: 'days_after', days: 0 } : { kind: 'anniversary' } })}>
                <option value="anniversary">{t('journeys.settings.anniversary')}</option>
                <option value="days_after">{t('journeys.settings.daysAfter')}</option>
              </select>
            </label>
            {entry.when.kind === 'days_after' ? (
              <label className="field">
                <span>{t('journeys.settings.daysAfter')}</span>
                <input type="number" min={0} value={entry.when.days} onChange={(e) => onChange({ ...entry, when: { kind: 'days_after', days: Math.max(0, Math.round(Number(e.target.value) || 0)) } })} />
              </label>
            ) : null}
            <label className="field">
              <span>{t('journeys.settings.at')}</span>
              <input type="time" value={entry.at} onChange={(e) => onChange({ ...entry, at: e.target.value })} />
            </label>
          </div>
        </>
      ) : null}
    </>
  );
}

function SettingsEditor({ settings, onChange }: { settings: DraftSettings; onChange: (s: DraftSettings) => void }) {
  const { t } = useTranslation();
  const r = settings.reentry;
  const exitEvents = settings.exitConditions.flatMap((c, i) => (c.kind === 'event' ? [{ c, i }] : []));
  const ruleExits = settings.exitConditions.length - exitEvents.length;
  return (
    <>
      <label className="field">
        <span>{t('journeys.settings.reentry')}</span>
        <select value={r.policy} data-testid="reentry" onChange={(e) => {
          const policy = e.target.value;
          onChange({ ...settings, reentry: policy === 'after' ? { policy, afterDays: 30 } : policy === 'always' ? { policy } : { policy: 'never' } });
        }}>
          {(['never', 'after', 'always'] as const).map((p) => <option key={p} value={p}>{t(`journeys.settings.reentryKinds.${p}`)}</option>)}
        </select>
        <span className="field-hint">{t('journeys.settings.reentryHint')}</span>
      </label>
      {r.policy === 'after' ? (
        <label className="field">
          <span>{t('journeys.settings.afterDays')}</span>
          <input type="number" min={1} value={r.afterDays} onChange={(e) => onChange({ ...settings, reentry: { policy: 'after', afterDays: Math.max(1, Math.round(Number(e.target.value) || 1)) } })} data-testid="reentry-days" />
        </label>
      ) : null}
      <label className="field">
        <span>{t('journeys.settings.goal')}</span>
        <input value={settings.goal?.event.name ?? ''} placeholder={t('journeys.settings.goalPlaceholder')} data-testid="goal-event" onChange={(e) => {
          const name = e.target.value;
          const { goal: _old, ...rest } = settings;
          onChange(name ? { ...rest, goal: { ...settings.goal, event: { name, where: settings.goal?.event.where ?? [] } } } : rest);
        }} />
        <span className="field-hint">{t('journeys.settings.goalHint')}</span>
      </label>
      {settings.goal ? (
        <label className="field">
          <span>{t('journeys.settings.withinDays')}</span>
          <input type="number" min={1} max={365} value={settings.goal.withinDays ?? ''} onChange={(e) => {
            const goal = settings.goal;
            if (!goal) return;
            const n = Math.round(Number(e.target.value));
            const { withinDays: _w, ...g } = goal;
            onChange({ ...settings, goal: n >= 1 ? { ...g, withinDays: Math.min(365, n) } : g });
          }} data-testid="goal-days" />
        </label>
      ) : null}
      <div className="field">
        <span>{t('journeys.settings.exits')}</span>
        <span className="field-hint">{t('journeys.settings.exitsHint')}</span>
        {exitEvents.map(({ c, i }) => (
          <div key={i} className="jexit">
            <EventMatchEditor match={c.event} testId={`exit-${i}`} onChange={(event) => onChange({ ...settings, exitConditions: settings.exitConditions.map((x, j) => (j === i ? { kind: 'event', event } : x)) })} />
            <button type="button" className="btn btn-ghost btn-sm" aria-label={t('segments.group.remove')} onClick={() => onChange({ ...settings, exitConditions: settings.exitConditions.filter((_, j) => j !== i) })}>×</button>
          </div>
        ))}
        {ruleExits > 0 ? <span className="field-hint">{t('journeys.settings.exitRule')} ×{ruleExits}</span> : null}
        <button type="button" className="btn btn-sm" onClick={() => onChange({ ...settings, exitConditions: [...settings.exitConditions, { kind: 'event', event: { name: '', where: [] } }] })} data-testid="exit-add">
          + {t('journeys.settings.addExit')}
        </button>
      </div>
      <label className="field">
        <span>{t('journeys.settings.holdout')}</span>
        <input type="number" min={0} max={50} value={settings.holdoutPercent} onChange={(e) => onChange({ ...settings, holdoutPercent: Math.max(0, Math.min(50, Math.round(Number(e.target.value) || 0))) })} data-testid="holdout" />
        <span className="field-hint">{t('journeys.settings.holdoutHint')}</span>
      </label>
    </>
  );
}

/** The entry trigger and journey-wide settings (re-entry, goal, exits, holdout). */
export function SettingsPanel({ draft, builder, onChange, readOnly }: { draft: Draft; builder: BuilderContext; onChange: (d: Draft) => void; readOnly: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="card jpanel" data-testid="settings-panel">
      <h3 className="card-title">{t('journeys.builder.settings')}</h3>
      <fieldset className="jfields" disabled={readOnly}>
        <BuilderProvider value={builder}>
          <EntryEditor entry={draft.entry} onChange={(entry) => onChange({ ...draft, entry })} />
          <SettingsEditor settings={draft.settings} onChange={(settings) => onChange({ ...draft, settings })} />
        </BuilderProvider>
      </fieldset>
    </section>
  );
}
