import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { BroadcastView } from '../../../src/journeys/broadcast.schema';
import { PageHeader } from '../components/Controls';
import { BroadcastStatusChip } from '../components/journeys/JourneyStatusChip';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import { useFormat } from '../format';
import { useNow, useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../journeys.css';

const POLL_MS = 3_000;

function Row({ b, now }: { b: BroadcastView; now: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const href = `/broadcasts/${encodeURIComponent(b.id)}`;
  return (
    <tr className="row-link" onClick={() => navigate(href)} data-testid="broadcast-row">
      <td><Link to={href} className="who-name" onClick={(e) => e.stopPropagation()}>{b.name}</Link></td>
      <td><BroadcastStatusChip status={b.status} /></td>
      <td className="num">{fmt.number(b.counts.recipients)}</td>
      <td className="num">{fmt.number(b.counts.sent)}</td>
      <td className="nowrap">{b.scheduledAt ? fmt.dateTime(b.scheduledAt) : t('common.none')}</td>
      <td className="nowrap hide-sm" title={fmt.dateTime(b.createdAt)}>{fmt.relative(b.createdAt, now)}</td>
    </tr>
  );
}

/** Broadcasts: each send to a segment with its status and progress. */
export default function BroadcastsPage() {
  const { t } = useTranslation();
  const now = useNow();
  const { workspace, api } = useWorkspace();
  const list = useResource((signal) => api.broadcasts(signal), [workspace.id], {
    pollMs: POLL_MS,
    pollWhile: (data) => data?.items.some((b) => b.status === 'sending') ?? false,
  });
  const { data, error, loading } = list;
  const newButton = (
    <Link className="btn btn-primary" to="/broadcasts/new" data-testid="broadcast-new">
      <span className="plus" aria-hidden="true">+</span> {t('journeys.broadcasts.new')}
    </Link>
  );
  return (
    <div className="page" data-testid="broadcasts-page">
      <PageHeader title={t('journeys.broadcasts.title')} subtitle={t('journeys.broadcasts.subtitle')} actions={<>{loading && data ? <Spinner small /> : null}{newButton}</>} />
      {error && data ? <InlineError error={error} onRetry={list.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={list.reload} /> : <LoadingState />
      ) : data.items.length === 0 ? (
        <EmptyState icon="broadcasts" title={t('journeys.broadcasts.empty.title')} body={t('journeys.broadcasts.empty.body')} action={newButton} testId="broadcasts-empty" />
      ) : (
        <div className="card table-card">
          <div className="table-scroll">
            <table className="table" data-testid="broadcasts-table">
              <thead>
                <tr>
                  <th>{t('journeys.broadcasts.columns.name')}</th>
                  <th>{t('journeys.broadcasts.columns.status')}</th>
                  <th className="num">{t('journeys.broadcasts.columns.recipients')}</th>
                  <th className="num">{t('journeys.broadcasts.columns.sent')}</th>
                  <th>{t('journeys.broadcasts.columns.scheduled')}</th>
                  <th className="hide-sm">{t('journeys.broadcasts.columns.created')}</th>
                </tr>
              </thead>
              <tbody>{data.items.map((b) => <Row key={b.id} b={b} now={now} />)}</tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
