import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import type { BroadcastView } from '../../../src/journeys/broadcast.schema';
import { ChartCard } from '../components/Charts';
import { Icon } from '../components/Icon';
import { LoadedBroadcastForm } from '../components/journeys/BroadcastForm';
import { BroadcastProgress } from '../components/journeys/BroadcastProgress';
import { BroadcastStatusChip } from '../components/journeys/JourneyStatusChip';
import { ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import { useFormat } from '../format';
import { useAction, useDocumentTitle, useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../journeys.css';

const POLL_MS = 1_500;

function Actions({ b, onChange, onEdit, editing }: { b: BroadcastView; onChange: (b: BroadcastView) => void; onEdit: () => void; editing: boolean }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const { busy, error, run: start } = useAction();
  const run = (call: () => Promise<BroadcastView>) => start(async () => onChange(await call()));
  return (
    <div className="jrow">
      {b.status === 'draft' && !editing ? (
        <>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run(() => api.sendBroadcast(b.id))} data-testid="broadcast-send">
            {busy ? <Spinner small /> : null} {b.scheduledAt ? t('journeys.broadcasts.detail.sendScheduled') : t('journeys.broadcasts.detail.send')}
          </button>
          <button type="button" className="btn" disabled={busy} onClick={onEdit} data-testid="broadcast-edit">
            <Icon name="edit" size={16} /> {t('journeys.broadcasts.detail.edit')}
          </button>
        </>
      ) : null}
      {b.status === 'scheduled' ? (
        <button type="button" className="btn" disabled={busy} title={t('journeys.broadcasts.detail.unscheduleHint')} onClick={() => void run(() => api.unscheduleBroadcast(b.id))} data-testid="broadcast-unschedule">
          {t('journeys.broadcasts.detail.unschedule')}
        </button>
      ) : null}
      {b.status === 'draft' || b.status === 'scheduled' || b.status === 'sending' ? (
        <button type="button" className="btn btn-danger-text" disabled={busy} onClick={() => { if (window.confirm(t('journeys.broadcasts.detail.cancelConfirm'))) void run(() => api.cancelBroadcast(b.id)); }} data-testid="broadcast-cancel">
          {t('journeys.broadcasts.detail.cancel')}
        </button>
      ) : null}
      {error ? <InlineError error={error} /> : null}
    </div>
  );
}

function Settings({ b }: { b: BroadcastView }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { workspace, api } = useWorkspace();
  const segments = useResource((signal) => api.segments(signal), [workspace.id]);
  const templates = useResource((signal) => api.templates(signal), [workspace.id]);
  const tpl = (id: string) => templates.data?.items.find((x) => x.id === id)?.name ?? id;
  const ab = b.abTest;
  const rows: [string, string][] = [
    [t('journeys.broadcasts.detail.segment'), segments.data?.items.find((s) => s.id === b.segmentId)?.name ?? b.segmentId],
    [t('journeys.broadcasts.detail.template'), tpl(b.templateId)],
    [t('journeys.broadcasts.detail.scheduledAt'), b.scheduledAt ? fmt.dateTime(b.scheduledAt) : t('common.none')],
    [t('journeys.broadcasts.detail.throttle'), b.throttlePerMinute ? t('journeys.broadcasts.detail.perMinute', { count: b.throttlePerMinute }) : t('journeys.broadcasts.detail.unthrottled')],
    [t('journeys.broadcasts.detail.quiet'), b.quietHours ? t('journeys.broadcasts.detail.quietRange', { start: b.quietHours.start, end: b.quietHours.end }) : t('common.none')],
    [t('journeys.broadcasts.detail.ab'), ab ? t('journeys.broadcasts.detail.abSummary', { variants: ab.variants.map((v) => `${v.key.toUpperCase()}: ${tpl(v.templateId)}`).join(', '), percent: ab.testPercent, metric: t(`journeys.broadcasts.form.metrics.${ab.winnerMetric}`), minutes: ab.testWindowMinutes }) + (b.winner ? ` · ${t('journeys.broadcasts.detail.winner', { key: b.winner.toUpperCase() })}` : '') : t('common.none')],
    [t('journeys.broadcasts.detail.started'), b.startedAt ? fmt.dateTime(b.startedAt) : t('common.none')],
    [t('journeys.broadcasts.detail.finished'), b.finishedAt ? fmt.dateTime(b.finishedAt) : t('common.none')],
  ];
  return (
    <section className="card">
      <h3 className="card-title">{t('journeys.broadcasts.detail.settings')}</h3>
      <dl className="dl">{rows.map(([k, v]) => <Fragment key={k}><dt>{k}</dt><dd>{v}</dd></Fragment>)}</dl>
      <p className="muted small">{t('journeys.broadcasts.detail.editHint')}</p>
    </section>
  );
}

/** A draft's settings in the broadcast form, saved in place. */
function Edit({ b, onSaved, onDiscard }: { b: BroadcastView; onSaved: (b: BroadcastView) => void; onDiscard: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="broadcast-edit" data-testid="broadcast-edit-card">
      <h3 className="card-title">{t('journeys.broadcasts.detail.editTitle')}</h3>
      <LoadedBroadcastForm initial={b} onSaved={onSaved} onDiscard={onDiscard} />
    </section>
  );
}

/** One broadcast: edit it while a draft, send, take back to draft or cancel it, and watch the counts while it sends. */
export default function BroadcastDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { workspace, api } = useWorkspace();
  const [override, setOverride] = useState<BroadcastView>();
  const [editing, setEditing] = useState(false);
  const res = useResource((signal) => api.broadcast(id, signal), [id, workspace.id, override], {
    pollMs: POLL_MS,
    pollWhile: (d) => d?.status === 'sending' || d?.status === 'scheduled',
  });
  const b = res.data?.id === id ? res.data : undefined;
  useDocumentTitle(b?.name ?? t('journeys.broadcasts.title'));
  return (
    <div className="page" data-testid="broadcast-detail-page">
      <Link to="/broadcasts" className="back-link"><Icon name="chevronLeft" size={16} /> {t('journeys.broadcasts.back')}</Link>
      {res.error && b ? <InlineError error={res.error} onRetry={res.reload} /> : null}
      {!b ? (
        res.error ? <ErrorState error={res.error} onRetry={res.reload} /> : <LoadingState />
      ) : (
        <>
          <section className="card segment-head">
            <div className="segment-head-main">
              <div className="segment-title-row">
                <h1 data-testid="broadcast-title">{b.name}</h1>
                <BroadcastStatusChip status={b.status} />
                {b.status === 'sending' ? <span className="muted small"><Spinner small /> {t('journeys.broadcasts.detail.refreshing')}</span> : null}
              </div>
              <Actions b={b} onChange={setOverride} onEdit={() => setEditing(true)} editing={editing} />
            </div>
          </section>
          {editing && b.status === 'draft' ? (
            <Edit b={b} onSaved={(saved) => { setOverride(saved); setEditing(false); }} onDiscard={() => setEditing(false)} />
          ) : null}
          <div className="chart-grid">
            <ChartCard title={t('journeys.broadcasts.detail.progress')} figure={t('journeys.broadcasts.detail.recipients', { count: b.counts.recipients })} testId="broadcast-chart">
              <BroadcastProgress counts={b.counts} heldBack={b.heldBack} />
            </ChartCard>
            <Settings b={b} />
          </div>
        </>
      )}
    </div>
  );
}
