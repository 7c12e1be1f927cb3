import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../components/Controls';
import { emptyDraft } from '../components/journeys/flow';
import { JourneyStatusChip } from '../components/journeys/JourneyStatusChip';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import { useFormat } from '../format';
import { useAction, useNow, useResource } from '../hooks';
import type { JourneySummary } from '../journeys.endpoints';
import { useWorkspace } from '../session';
import '../journeys.css';

/** Entered and converted for a published journey: the busiest step's counts (every entry passes the first step). */
function useTotals(j: JourneySummary) {
  const { workspace, api } = useWorkspace();
  const counts = useResource((signal) => (j.currentVersion === null ? Promise.resolve(null) : api.journeyCounts(j.id, signal)), [j.id, j.currentVersion, workspace.id]);
  if (!counts.data) return null;
  const nodes = counts.data.nodes;
  return { entered: Math.max(0, ...nodes.map((n) => n.entered)), converted: Math.max(0, ...nodes.map((n) => n.converted)) };
}

function Row({ j, now }: { j: JourneySummary; now: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const totals = useTotals(j);
  const href = `/journeys/${encodeURIComponent(j.id)}`;
  return (
    <tr className="row-link" onClick={() => navigate(href)} data-testid="journey-row">
      <td><Link to={href} className="who-name" onClick={(e) => e.stopPropagation()}>{j.name}</Link></td>
      <td><JourneyStatusChip status={j.status} /></td>
      <td>{j.currentVersion === null ? <span className="muted">{t('journeys.list.noVersion')}</span> : t('journeys.list.versionN', { version: j.currentVersion })}</td>
      <td className="num">{totals ? fmt.number(totals.entered) : t('common.none')}</td>
      <td className="num">{totals ? fmt.number(totals.converted) : t('common.none')}</td>
      <td className="nowrap hide-sm" title={fmt.dateTime(j.updatedAt)}>{fmt.relative(j.updatedAt, now)}</td>
    </tr>
  );
}

function CreateForm({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  const create = async () => {
    if (!name.trim()) return;
    // The new journey opens in the builder: stay busy until it shows.
    await run(async () => {
      const j = await api.createJourney({ name: name.trim(), definition: emptyDraft() });
      navigate(`/journeys/${encodeURIComponent(j.id)}`);
    }, { keepBusy: true });
  };
  return (
    <form className="card jcreate" data-testid="journey-create" onSubmit={(e) => { e.preventDefault(); void create(); }}>
      <h3 className="card-title">{t('journeys.list.createTitle')}</h3>
      <div className="jrow">
        <label className="field field-grow">
          <span>{t('journeys.list.name')}</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder={t('journeys.list.namePlaceholder')} maxLength={200} data-testid="journey-create-name" />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()} data-testid="journey-create-submit">
          {busy ? <Spinner small /> : null} {busy ? t('journeys.list.creating') : t('journeys.list.create')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
      {error ? <InlineError error={error} /> : null}
    </form>
  );
}

/** Journeys: every journey with its status, live version and counts; create opens the builder. */
export default function JourneysPage() {
  const { t } = useTranslation();
  const now = useNow();
  const { workspace, api } = useWorkspace();
  const list = useResource((signal) => api.journeys(signal), [workspace.id]);
  const [creating, setCreating] = useState(false);
  const { data, error, loading } = list;
  const newButton = (
    <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="journey-new">
      <span className="plus" aria-hidden="true">+</span> {t('journeys.list.new')}
    </button>
  );
  return (
    <div className="page" data-testid="journeys-page">
      <PageHeader title={t('journeys.list.title')} subtitle={t('journeys.list.subtitle')} actions={<>{loading && data ? <Spinner small /> : null}{newButton}</>} />
      {creating ? <CreateForm onCancel={() => setCreating(false)} /> : null}
      {error && data ? <InlineError error={error} onRetry={list.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={list.reload} /> : <LoadingState />
      ) : data.items.length === 0 ? (
        creating ? null : <EmptyState icon="journeys" title={t('journeys.list.empty.title')} body={t('journeys.list.empty.body')} action={newButton} testId="journeys-empty" />
      ) : (
        <div className="card table-card">
          <div className="table-scroll">
            <table className="table" data-testid="journeys-table">
              <thead>
                <tr>
                  <th>{t('journeys.list.columns.name')}</th>
                  <th>{t('journeys.list.columns.status')}</th>
                  <th>{t('journeys.list.columns.version')}</th>
                  <th className="num">{t('journeys.list.columns.entered')}</th>
                  <th className="num">{t('journeys.list.columns.converted')}</th>
                  <th className="hide-sm">{t('journeys.list.columns.updated')}</th>
                </tr>
              </thead>
              <tbody>{data.items.map((j) => <Row key={j.id} j={j} now={now} />)}</tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
