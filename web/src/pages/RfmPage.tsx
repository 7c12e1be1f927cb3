import { useTranslation } from 'react-i18next';
import type { RfmReport } from '../../../src/segments/rfm.schema';
import { PageHeader } from '../components/Controls';
import { RecomputeControl } from '../components/segments/rfm/RecomputeControl';
import { RfmGrid } from '../components/segments/rfm/RfmGrid';
import { RfmGroupChart, RfmGroupTable } from '../components/segments/rfm/RfmGroups';
import { EmptyState, ErrorState, InlineError, LoadingState } from '../components/States';
import { useFormat } from '../format';
import { useNow, useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../segments.css';

function Report({ report }: { report: RfmReport }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const amount = new Intl.NumberFormat(fmt.locale, { maximumFractionDigits: 0 });
  return (
    <>
      <div className="stats stats-3">
        <div className="stat">
          <div className="muted small">{t('rfm.customers')}</div>
          <div className="stat-value" data-testid="rfm-customers">{fmt.number(report.customers)}</div>
        </div>
        <div className="stat">
          <div className="muted small">{t('rfm.revenue')}</div>
          <div className="stat-value">{amount.format(report.revenue)}</div>
        </div>
        <div className="stat">
          <div className="muted small">{t('rfm.avgRevenue')}</div>
          <div className="stat-value">{amount.format(report.customers > 0 ? report.revenue / report.customers : 0)}</div>
        </div>
      </div>
      <div className="rfm-layout">
        <section className="card">
          <h3 className="card-title">{t('rfm.grid.title')}</h3>
          <p className="muted small">{t('rfm.grid.hint')}</p>
          <RfmGrid cells={report.cells} groups={report.groups} />
        </section>
        <section className="card">
          <h3 className="card-title">{t('rfm.chart')}</h3>
          <RfmGroupChart groups={report.groups} />
        </section>
      </div>
      <section className="card table-card">
        <div className="table-head">
          <h3>{t('rfm.groupsTable.title')}</h3>
          <span className="muted small">{t('rfm.groupsTable.hint')}</span>
        </div>
        <RfmGroupTable report={report} />
      </section>
    </>
  );
}

/**
 * RFM: customers scored 1–5 on recency, frequency and monetary value of their orders and named by
 * group. It lives under Intelligence because it is a model of customer value whose result lands on
 * each profile as computed traits (`rfm_group`, scores) that segments and journeys then use.
 */
export default function RfmPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  const { workspace, api } = useWorkspace();
  const rfm = useResource((signal) => api.rfm(signal), [workspace.id]);
  const { data, error } = rfm;
  const computed = data?.computedAt ? t('rfm.computedAt', { time: fmt.relative(data.computedAt, now) }) : t('rfm.never');
  return (
    <div className="page" data-testid="rfm-page">
      <PageHeader
        title={t('rfm.title')}
        subtitle={t('rfm.subtitle')}
        actions={
          <>
            {data ? (
              <span className="muted small" title={data.computedAt ? fmt.dateTime(data.computedAt) : undefined} data-testid="rfm-computed-at">
                {computed}
              </span>
            ) : null}
            <RecomputeControl onDone={rfm.reload} />
          </>
        }
      />
      {error && data ? <InlineError error={error} onRetry={rfm.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={rfm.reload} /> : <LoadingState />
      ) : data.customers === 0 ? (
        <EmptyState icon="coin" title={t('rfm.empty.title')} body={t('rfm.empty.body')} testId="rfm-empty" />
      ) : (
        <Report report={data} />
      )}
    </div>
  );
}
