import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { AbTest, BroadcastCreate, BroadcastView } from '../../../../src/journeys/broadcast.schema';
import type { TemplateSummary } from '../../../../src/messaging/template.api.schema';
import type { SegmentSummary } from '../../../../src/segments/segment.schema';
import { useAction, useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { Segmented } from '../Controls';
import { fromLocalInput, toLocalInput } from '../segments/Inputs';
import { ErrorState, InlineError, LoadingState, Spinner } from '../States';

type Missing = 'name' | 'segment' | 'template';

type FormProps = Parameters<typeof BroadcastForm>[0];

/** The broadcast form once the workspace's segments and templates are loaded (with their loading and error states). */
export function LoadedBroadcastForm(props: Omit<FormProps, 'segments' | 'templates'>) {
  const { workspace, api } = useWorkspace();
  const segments = useResource((signal) => api.segments(signal), [workspace.id]);
  const templates = useResource((signal) => api.templates(signal), [workspace.id]);
  const failed = segments.error ?? templates.error;
  if (failed) return <ErrorState error={failed} onRetry={() => { segments.reload(); templates.reload(); }} />;
  if (!segments.data || !templates.data) return <LoadingState />;
  return <BroadcastForm {...props} segments={segments.data.items} templates={templates.data.items} />;
}

/**
 * A broadcast's settings: segment, template, when, throttle, quiet hours and an optional A/B test.
 * Without `initial` it creates a draft and opens it; with one (a draft) it saves the changes in place.
 */
export function BroadcastForm({ segments, templates, initial, onSaved, onDiscard }: {
  segments: readonly SegmentSummary[];
  templates: readonly TemplateSummary[];
  initial?: BroadcastView;
  onSaved?: (b: BroadcastView) => void;
  onDiscard?: () => void;
}) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const navigate = useNavigate();
  const [name, setName] = useState(initial?.name ?? '');
  const [segmentId, setSegmentId] = useState(initial?.segmentId ?? '');
  const [templateId, setTemplateId] = useState(initial?.templateId ?? '');
  const [when, setWhen] = useState<'now' | 'schedule'>(initial?.scheduledAt ? 'schedule' : 'now');
  const [scheduledAt, setScheduledAt] = useState(initial?.scheduledAt ? toLocalInput(initial.scheduledAt) : '');
  const [throttle, setThrottle] = useState(initial?.throttlePerMinute ? String(initial.throttlePerMinute) : '');
  const [quiet, setQuiet] = useState(Boolean(initial?.quietHours));
  const [quietStart, setQuietStart] = useState(initial?.quietHours?.start ?? '21:00');
  const [quietEnd, setQuietEnd] = useState(initial?.quietHours?.end ?? '08:00');
  const [ab, setAb] = useState(Boolean(initial?.abTest));
  const [variants, setVariants] = useState<AbTest['variants']>(initial?.abTest?.variants ?? [{ key: 'a', templateId: '' }, { key: 'b', templateId: '' }]);
  const [testPercent, setTestPercent] = useState(initial?.abTest?.testPercent ?? 20);
  const [metric, setMetric] = useState<AbTest['winnerMetric']>(initial?.abTest?.winnerMetric ?? 'open');
  const [windowMinutes, setWindowMinutes] = useState(initial?.abTest?.testWindowMinutes ?? 240);
  const [missing, setMissing] = useState<Set<Missing>>(new Set());
  const { busy, error, run } = useAction();

  const submit = async () => {
    const gaps = new Set<Missing>();
    if (!name.trim()) gaps.add('name');
    if (!segmentId) gaps.add('segment');
    if (!templateId) gaps.add('template');
    setMissing(gaps);
    if (gaps.size) return;
    const at = when === 'schedule' ? fromLocalInput(scheduledAt) : null;
    const body: BroadcastCreate = {
      name: name.trim(),
      segmentId,
      templateId,
      ...(at ? { scheduledAt: at } : {}),
      ...(throttle ? { throttlePerMinute: Math.max(1, Math.round(Number(throttle))) } : {}),
      ...(quiet ? { quietHours: { start: quietStart, end: quietEnd } } : {}),
      ...(ab ? { abTest: { variants, testPercent, winnerMetric: metric, testWindowMinutes: windowMinutes } } : {}),
    };
    if (initial) {
      await run(async () => onSaved?.(await api.updateBroadcast(initial.id, body)));
      return;
    }
    // A new draft opens its page: stay busy until that page shows.
    await run(async () => {
      const created = await api.createBroadcast(body);
      navigate(`/broadcasts/${encodeURIComponent(created.id)}`);
    }, { keepBusy: true });
  };

  const templateOptions = templates.map((x) => <option key={x.id} value={x.id}>{x.name} · {t(`messaging.channels.${x.channel}`)}</option>);
  return (
    <form className="card bform" data-testid="broadcast-form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <label className={`field${missing.has('name') ? ' has-error' : ''}`}>
        <span>{t('journeys.broadcasts.form.name')}</span>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('journeys.broadcasts.form.namePlaceholder')} maxLength={200} data-testid="broadcast-name" />
        {missing.has('name') ? <span className="field-error">{t('journeys.broadcasts.form.nameRequired')}</span> : null}
      </label>
      <div className="jrow">
        <label className={`field field-grow${missing.has('segment') ? ' has-error' : ''}`}>
          <span>{t('journeys.broadcasts.form.segment')}</span>
          <select value={segmentId} onChange={(e) => setSegmentId(e.target.value)} data-testid="broadcast-segment">
            <option value="">{t('journeys.broadcasts.form.chooseSegment')}</option>
            {segments.map((s) => <option key={s.id} value={s.id}>{s.name} ({s.memberCount})</option>)}
          </select>
          {missing.has('segment') ? <span className="field-error">{t('journeys.broadcasts.form.segmentRequired')}</span> : null}
        </label>
        <label className={`field field-grow${missing.has('template') ? ' has-error' : ''}`}>
          <span>{t('journeys.broadcasts.form.template')}</span>
          <select value={templateId} onChange={(e) => setTemplateId(e.target.value)} data-testid="broadcast-template">
            <option value="">{t('journeys.broadcasts.form.chooseTemplate')}</option>
            {templateOptions}
          </select>
          {missing.has('template') ? <span className="field-error">{t('journeys.broadcasts.form.templateRequired')}</span> : null}
        </label>
      </div>
      <div className="field">
        <span>{t('journeys.broadcasts.form.when')}</span>
        <Segmented label={t('journeys.broadcasts.form.when')} value={when} onChange={setWhen} testId="broadcast-when"
          options={[{ value: 'now', label: t('journeys.broadcasts.form.now') }, { value: 'schedule', label: t('journeys.broadcasts.form.schedule') }]} />
      </div>
      {when === 'schedule' ? (
        <label className="field">
          <span>{t('journeys.broadcasts.form.scheduledAt')}</span>
          <input type="datetime-local" value={scheduledAt} onChange={(e) => setScheduledAt(e.target.value)} data-testid="broadcast-scheduled" />
        </label>
      ) : null}
      <label className="field">
        <span>{t('journeys.broadcasts.form.throttle')}</span>
        <input type="number" min={1} value={throttle} onChange={(e) => setThrottle(e.target.value)} data-testid="broadcast-throttle" />
        <span className="field-hint">{t('journeys.broadcasts.form.throttleHint')}</span>
      </label>
      <fieldset className="bgroup">
        <label className="jcheck"><input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} data-testid="broadcast-quiet" /> <strong>{t('journeys.broadcasts.form.quiet')}</strong></label>
        <span className="field-hint">{t('journeys.broadcasts.form.quietHint')}</span>
        {quiet ? (
          <div className="jrow">
            <label className="field"><span>{t('journeys.broadcasts.form.quietStart')}</span><input type="time" value={quietStart} onChange={(e) => setQuietStart(e.target.value)} /></label>
            <label className="field"><span>{t('journeys.broadcasts.form.quietEnd')}</span><input type="time" value={quietEnd} onChange={(e) => setQuietEnd(e.target.value)} /></label>
          </div>
        ) : null}
      </fieldset>
      <fieldset className="bgroup">
        <label className="jcheck"><input type="checkbox" checked={ab} onChange={(e) => setAb(e.target.checked)} data-testid="broadcast-ab" /> <strong>{t('journeys.broadcasts.form.ab')}</strong></label>
        <span className="field-hint">{t('journeys.broadcasts.form.abHint')}</span>
        {ab ? (
          <>
            {variants.map((v, i) => (
              <label key={i} className="field">
                <span>{t('journeys.broadcasts.form.variant', { key: v.key.toUpperCase() })}</span>
                <div className="jrow">
                  <select value={v.templateId} onChange={(e) => setVariants(variants.map((x, j) => (j === i ? { ...x, templateId: e.target.value } : x)))} data-testid={`broadcast-variant-${i}`}>
                    <option value="">{t('journeys.broadcasts.form.chooseTemplate')}</option>
                    {templateOptions}
                  </select>
                  {variants.length > 2 ? <button type="button" className="btn btn-ghost btn-sm" onClick={() => setVariants(variants.filter((_, j) => j !== i))} aria-label={t('segments.group.remove')}>×</button> : null}
                </div>
              </label>
            ))}
            {variants.length < 5 ? (
              <button type="button" className="btn btn-sm" onClick={() => setVariants([...variants, { key: 'abcde'.split('').find((k) => !variants.some((v) => v.key === k)) ?? `v${variants.length}`, templateId: '' }])}>
                + {t('journeys.broadcasts.form.addVariant')}
              </button>
            ) : null}
            <div className="jrow">
              <label className="field"><span>{t('journeys.broadcasts.form.testPercent')}</span><input type="number" min={1} max={50} value={testPercent} onChange={(e) => setTestPercent(Math.max(1, Math.min(50, Math.round(Number(e.target.value) || 1))))} data-testid="broadcast-test-percent" /></label>
              <label className="field">
                <span>{t('journeys.broadcasts.form.metric')}</span>
                <select value={metric} onChange={(e) => setMetric(e.target.value === 'click' ? 'click' : 'open')}>
                  <option value="open">{t('journeys.broadcasts.form.metrics.open')}</option>
                  <option value="click">{t('journeys.broadcasts.form.metrics.click')}</option>
                </select>
              </label>
              <label className="field"><span>{t('journeys.broadcasts.form.window')}</span><input type="number" min={1} max={10080} value={windowMinutes} onChange={(e) => setWindowMinutes(Math.max(1, Math.min(10080, Math.round(Number(e.target.value) || 1))))} /></label>
            </div>
          </>
        ) : null}
      </fieldset>
      {error ? <InlineError error={error} /> : null}
      <div className="editor-actions">
        {initial ? (
          <>
            <button type="button" className="btn" disabled={busy} onClick={onDiscard} data-testid="broadcast-discard">{t('journeys.broadcasts.form.discard')}</button>
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="broadcast-save">
              {busy ? <Spinner small /> : null} {busy ? t('journeys.broadcasts.form.saving') : t('journeys.broadcasts.form.save')}
            </button>
          </>
        ) : (
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="broadcast-create">
            {busy ? <Spinner small /> : null} {busy ? t('journeys.broadcasts.form.creating') : t('journeys.broadcasts.form.create')}
          </button>
        )}
      </div>
    </form>
  );
}
