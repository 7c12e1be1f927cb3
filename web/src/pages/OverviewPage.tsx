import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import type { Overview, OverviewDay } from '../../../src/analytics/overview.schema';
import { ActiveChart, ChartCard, EventsChart, PALETTE, RevenueChart, Sparkline } from '../components/Charts';
import { PageHeader, Segmented } from '../components/Controls';
import { Icon, type IconName } from '../components/Icon';
import { EmptyState, ErrorState, InlineError, LoadingState } from '../components/States';
import { useFormat, type Format } from '../format';
import { useNow, useResource } from '../hooks';
import { useWorkspace } from '../session';

const RANGES = [7, 30, 90, 365] as const;
type Range = (typeof RANGES)[number];
const POLL_MS = 15_000;

const sum = (series: OverviewDay[], key: 'events' | 'orders' | 'revenue' | 'activeCustomers'): number =>
  series.reduce((total, day) => total + day[key], 0);

function Kpi({ icon, label, value, sub, spark }: { icon: IconName; label: string; value: string; sub: string; spark?: ReactNode }) {
  return (
    <div className="card kpi" data-testid="kpi">
      <div className="kpi-head">
        <span className="kpi-icon">
          <Icon name={icon} size={16} />
        </span>
        <span className="muted">{label}</span>
      </div>
      <div className="kpi-value" title={value}>{value}</div>
      <div className="kpi-sub muted small">{sub}</div>
      {spark ? <div className="kpi-spark">{spark}</div> : null}
    </div>
  );
}

function TopEvents({ data, fmt }: { data: Overview; fmt: Format }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...data.topEvents.map((e) => e.count));
  return (
    <section className="card top-events" data-testid="top-events">
      <header className="chart-head">
        <h3>{t('overview.topEvents.title')}</h3>
      </header>
      {data.topEvents.length === 0 ? (
        <p className="muted">{t('overview.topEvents.empty')}</p>
      ) : (
        <ol>
          {data.topEvents.map((e) => (
            <li key={e.name}>
              <div className="top-event-row">
                <span className="mono">{e.name}</span>
                <strong>{fmt.number(e.count)}</strong>
              </div>
              <div className="top-event-bar" style={{ width: `${(e.count / max) * 100}%` }} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Dashboard({ data, fmt }: { data: Overview; fmt: Format }) {
  const { t } = useTranslation();
  const { series, totals, currency } = data;
  const days = Math.max(1, series.length);
  const money = (n: number, compact = false) => fmt.currency(n, currency, compact);
  const count = (n: number) => fmt.number(n);
  const compact = (n: number) => fmt.compact(n);
  const range = { events: sum(series, 'events'), orders: sum(series, 'orders'), revenue: sum(series, 'revenue') };
  const avgActive = Math.round(sum(series, 'activeCustomers') / days);
  const peakActive = Math.max(0, ...series.map((d) => d.activeCustomers));
  const inRange = (value: string) => t('overview.kpi.inRange', { value });
  return (
    <>
      <div className="kpi-grid">
        <Kpi
          icon="customers"
          label={t('overview.kpi.profiles')}
          value={count(totals.profiles)}
          sub={t('overview.kpi.products', { count: totals.products, value: count(totals.products) })}
          spark={<Sparkline data={series} metric="activeCustomers" color={PALETTE.active} />}
        />
        <Kpi
          icon="activity"
          label={t('overview.kpi.events')}
          value={count(totals.events)}
          sub={inRange(count(range.events))}
          spark={<Sparkline data={series} metric="events" color={PALETTE.events} />}
        />
        <Kpi
          icon="cart"
          label={t('overview.kpi.orders')}
          value={count(totals.orders)}
          sub={inRange(count(range.orders))}
          spark={<Sparkline data={series} metric="orders" color={PALETTE.events} />}
        />
        <Kpi
          icon="coin"
          label={t('overview.kpi.revenue')}
          value={money(totals.revenue)}
          sub={inRange(money(range.revenue))}
          spark={<Sparkline data={series} metric="revenue" color={PALETTE.revenue} />}
        />
      </div>
      <div className="chart-grid">
        <ChartCard
          wide
          testId="chart-events"
          title={t('overview.charts.events')}
          figure={count(range.events)}
          hint={t('overview.charts.avgPerDay', { value: count(Math.round(range.events / days)) })}
        >
          <EventsChart data={series} fmt={fmt} value={compact} exact={count} label={t('overview.kpi.events')} />
        </ChartCard>
        <TopEvents data={data} fmt={fmt} />
        <ChartCard
          testId="chart-active"
          title={t('overview.charts.active')}
          figure={count(peakActive)}
          hint={t('overview.charts.peakAvg', { value: count(avgActive) })}
        >
          <ActiveChart data={series} fmt={fmt} value={compact} exact={count} label={t('overview.kpi.profiles')} />
        </ChartCard>
        <ChartCard
          testId="chart-revenue"
          title={t('overview.charts.revenue')}
          figure={money(range.revenue)}
          hint={t('overview.charts.ordersLine', { count: range.orders, value: count(range.orders) })}
        >
          <RevenueChart data={series} fmt={fmt} value={(n) => money(n, true)} exact={(n) => money(n)} label={t('overview.kpi.revenue')} />
        </ChartCard>
      </div>
    </>
  );
}

/** Overview: KPI cards and daily charts for the chosen range, refreshed every 15 seconds. */
export default function OverviewPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow(5_000);
  const { workspace, api } = useWorkspace();
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get('days'));
  const days: Range = RANGES.find((r) => r === asked) ?? 30;
  const overview = useResource((signal) => api.overview(days, signal), [days, workspace.id], { pollMs: POLL_MS });
  const { data, error, updatedAt } = overview;
  const empty = data && data.totals.events === 0 && data.totals.profiles === 0;

  return (
    <div className="page" data-testid="overview-page">
      <PageHeader
        title={t('overview.title')}
        subtitle={t('overview.subtitle')}
        actions={
          <>
            {updatedAt ? (
              <span className="live" title={fmt.dateTime(new Date(updatedAt).toISOString())} data-testid="live">
                <span className="live-dot" />
                {t('overview.live')} · {t('overview.updated', { time: fmt.relative(updatedAt, now) })}
              </span>
            ) : null}
            <Segmented
              label={t('overview.rangeLabel')}
              testId="range"
              value={String(days)}
              options={RANGES.map((r) => ({ value: String(r), label: t(`overview.ranges.d${r}`) }))}
              onChange={(v) => setParams({ days: v }, { replace: true })}
            />
          </>
        }
      />
      {error && data ? <InlineError error={error} onRetry={overview.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={overview.reload} /> : <LoadingState />
      ) : empty ? (
        <EmptyState
          icon="activity"
          title={t('overview.empty.title')}
          body={t('overview.empty.body')}
          testId="overview-empty"
          action={
            <>
              <Link className="btn btn-primary" to="/import">{t('overview.empty.import')}</Link>
              <Link className="btn" to="/settings">{t('overview.empty.keys')}</Link>
            </>
          }
        />
      ) : (
        <Dashboard data={data} fmt={fmt} />
      )}
    </div>
  );
}
