import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import type { Segment } from '../../../src/segments/segment.schema';
import { ChartCard } from '../components/Charts';
import { Icon } from '../components/Icon';
import { DefinitionView } from '../components/segments/DefinitionView';
import { MembersTable } from '../components/segments/MembersTable';
import { SegmentActions } from '../components/segments/SegmentActions';
import { ComputeState, UpdateBadge } from '../components/segments/SegmentBadges';
import { FlowChart, SizeChart } from '../components/segments/SegmentCharts';
import { ErrorState, InlineError, LoadingState } from '../components/States';
import { useFormat } from '../format';
import { useDocumentTitle, useNow, useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../segments.css';

const POLL_MS = 1_500;

function Header({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  useDocumentTitle(segment.name);
  const { compute } = segment;
  return (
    <section className="card segment-head">
      <div className="segment-head-main">
        <div className="segment-title-row">
          <h1 data-testid="segment-title">{segment.name}</h1>
          <UpdateBadge timeDependent={segment.timeDependent} />
          <ComputeState compute={compute} wide />
        </div>
        {segment.description ? <p className="muted">{segment.description}</p> : null}
        <p className="muted small">
          {t('segments.detail.meta', { version: segment.version, time: fmt.relative(segment.updatedAt, now) })}
          {compute.lastEvaluatedAt ? ` · ${t('segments.detail.evaluated', { time: fmt.relative(compute.lastEvaluatedAt, now) })}` : ''}
        </p>
        {compute.state === 'computing' ? <p className="muted small">{t('segments.detail.computingHint')}</p> : null}
        {compute.state === 'failed' && compute.error ? <p className="text-bad small">{t('segments.detail.failed', { error: compute.error })}</p> : null}
        <SegmentActions segment={segment} />
      </div>
      <div className="segment-count">
        <div className="segment-count-value" data-testid="segment-count">{fmt.number(segment.memberCount)}</div>
        <div className="muted">{t('segments.detail.membersLabel', { count: segment.memberCount })}</div>
      </div>
    </section>
  );
}

function History({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { workspace, api } = useWorkspace();
  const history = useResource((signal) => api.segmentHistory(segment.id, signal), [segment.id, segment.compute.membershipVersion, segment.memberCount, workspace.id]);
  if (history.error) return <ErrorState error={history.error} onRetry={history.reload} />;
  if (!history.data) return <LoadingState />;
  const { sizes, flows } = history.data;
  const entered = flows.reduce((n, f) => n + f.entered, 0);
  const exited = flows.reduce((n, f) => n + f.exited, 0);
  return (
    <div className="chart-grid">
      <ChartCard title={t('segments.detail.size')} figure={fmt.number(segment.memberCount)} testId="chart-size">
        {sizes.length === 0 ? <p className="muted small">{t('segments.detail.noHistory')}</p> : <SizeChart sizes={sizes} />}
      </ChartCard>
      <ChartCard
        title={t('segments.detail.flows')}
        figure={`+${fmt.number(entered)} / −${fmt.number(exited)}`}
        hint={t('segments.detail.flowsHint', { count: flows.length, days: fmt.number(flows.length) })}
        testId="chart-flows"
      >
        {flows.length === 0 ? <p className="muted small">{t('segments.detail.noHistory')}</p> : <FlowChart flows={flows} />}
      </ChartCard>
    </div>
  );
}

/** One segment: size and compute state, rules in words, size over time, flows and members. */
export default function SegmentDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { workspace, api } = useWorkspace();
  const segment = useResource((signal) => api.segment(id, signal), [id, workspace.id], {
    pollMs: POLL_MS,
    pollWhile: (data) => data?.compute.state === 'computing',
  });
  const fields = useResource((signal) => api.segmentFields(signal), [workspace.id]);
  const data = segment.data?.id === id ? segment.data : undefined;
  return (
    <div className="page" data-testid="segment-detail-page">
      <Link to="/segments" className="back-link">
        <Icon name="chevronLeft" size={16} /> {t('segments.detail.back')}
      </Link>
      {segment.error && data ? <InlineError error={segment.error} onRetry={segment.reload} /> : null}
      {!data ? (
        segment.error ? <ErrorState error={segment.error} onRetry={segment.reload} /> : <LoadingState />
      ) : (
        <>
          <Header segment={data} />
          <section className="card">
            <h3 className="card-title">{t('segments.detail.definition')}</h3>
            <DefinitionView definition={data.definition} catalog={fields.data} />
          </section>
          <History segment={data} />
          <MembersTable segmentId={data.id} refreshKey={`${data.compute.membershipVersion}:${data.memberCount}`} />
        </>
      )}
    </div>
  );
}
