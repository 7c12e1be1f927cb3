import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { SegmentSummary } from '../../../src/segments/segment.schema';
import { PageHeader } from '../components/Controls';
import { OverlapTool } from '../components/segments/OverlapTool';
import { ComputeState, UpdateBadge } from '../components/segments/SegmentBadges';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import { useFormat } from '../format';
import { useNow, useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../segments.css';

const POLL_MS = 2_000;

function Row({ s, now }: { s: SegmentSummary; now: number }) {
  const fmt = useFormat();
  const navigate = useNavigate();
  const href = `/segments/${encodeURIComponent(s.id)}`;
  return (
    <tr className="row-link" onClick={() => navigate(href)} data-testid="segment-row">
      <td>
        <div className="who-text">
          <Link to={href} className="who-name" onClick={(e) => e.stopPropagation()}>
            {s.name}
          </Link>
          {s.description ? <span className="muted small seg-desc">{s.description}</span> : null}
        </div>
      </td>
      <td className="num" data-testid="segment-row-count">{fmt.number(s.memberCount)}</td>
      <td><UpdateBadge timeDependent={s.timeDependent} /></td>
      <td className="compute-cell"><ComputeState compute={s.compute} /></td>
      <td className="nowrap hide-sm" title={fmt.dateTime(s.updatedAt)}>{fmt.relative(s.updatedAt, now)}</td>
    </tr>
  );
}

/** Segments: every saved segment with its size and compute state, plus the overlap tool. */
export default function SegmentsPage() {
  const { t } = useTranslation();
  const now = useNow();
  const { workspace, api } = useWorkspace();
  const list = useResource((signal) => api.segments(signal), [workspace.id], {
    pollMs: POLL_MS,
    pollWhile: (data) => data?.items.some((s) => s.compute.state === 'computing') ?? false,
  });
  const { data, error, loading } = list;
  const newButton = (
    <Link className="btn btn-primary" to="/segments/new" data-testid="segment-new">
      <span className="plus" aria-hidden="true">+</span> {t('segments.new')}
    </Link>
  );
  return (
    <div className="page" data-testid="segments-page">
      <PageHeader
        title={t('segments.title')}
        subtitle={t('segments.subtitle')}
        actions={
          <>
            {loading && data ? <Spinner small /> : null}
            <Link className="btn" to="/rfm">{t('nav.rfm')}</Link>
            {newButton}
          </>
        }
      />
      {error && data ? <InlineError error={error} onRetry={list.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={list.reload} /> : <LoadingState />
      ) : data.items.length === 0 ? (
        <EmptyState icon="segments" title={t('segments.empty.title')} body={t('segments.empty.body')} action={newButton} testId="segments-empty" />
      ) : (
        <div className="segments-grid">
          <div className="card table-card">
            <div className="table-scroll">
              <table className="table" data-testid="segments-table">
                <thead>
                  <tr>
                    <th>{t('segments.columns.name')}</th>
                    <th className="num">{t('segments.columns.members')}</th>
                    <th>{t('segments.columns.updates')}</th>
                    <th>{t('segments.columns.state')}</th>
                    <th className="hide-sm">{t('segments.columns.updated')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((s) => (
                    <Row key={s.id} s={s} now={now} />
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <OverlapTool segments={data.items} />
        </div>
      )}
    </div>
  );
}
