import type { ReactNode } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import type { OverviewDay } from '../../../src/analytics/overview.schema';
import type { Format } from '../format';

/** Chart colours (SVG presentation attributes cannot read CSS variables reliably). */
export const PALETTE = { events: '#4f46e5', active: '#0891b2', revenue: '#16a34a', grid: '#e8eaf0', axis: '#8a90a2' };

type Metric = 'events' | 'activeCustomers' | 'revenue';

export function ChartCard({
  title,
  figure,
  hint,
  testId,
  wide = false,
  children,
}: {
  title: string;
  figure: string;
  hint?: string;
  testId: string;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <section className={`card chart-card${wide ? ' chart-wide' : ''}`} data-testid={testId}>
      <header className="chart-head">
        <h3>{title}</h3>
        <div className="chart-figure">{figure}</div>
        {hint ? <div className="muted small">{hint}</div> : null}
      </header>
      <div className="chart-body">{children}</div>
    </section>
  );
}

interface ChartProps {
  data: OverviewDay[];
  fmt: Format;
  /** Formats a y-axis tick (compact: "1.2K", "¥8K"). */
  value: (n: number) => string;
  /** Formats the exact value in the tooltip. */
  exact: (n: number) => string;
  label: string;
}

function DayTooltip({ active, payload, label, fmt, value, name }: TooltipContentProps & {
  fmt: Format;
  value: (n: number) => string;
  name: string;
}) {
  if (!active || !payload?.length || typeof label !== 'string') return null;
  const point = payload[0];
  return (
    <div className="chart-tooltip">
      <div className="muted small">{fmt.day(label, true)}</div>
      <div>
        <span className="dot" style={{ background: point?.color }} /> {name}: <strong>{value(Number(point?.value ?? 0))}</strong>
      </div>
    </div>
  );
}

function axes(fmt: Format, value: (n: number) => string, days: number) {
  return [
    <CartesianGrid key="grid" stroke={PALETTE.grid} vertical={false} />,
    <XAxis
      key="x"
      dataKey="date"
      tickFormatter={(d: string) => fmt.day(d, days > 120)}
      tick={{ fontSize: 11, fill: PALETTE.axis }}
      tickLine={false}
      axisLine={false}
      minTickGap={24}
    />,
    <YAxis
      key="y"
      tickFormatter={(n: number) => value(n)}
      tick={{ fontSize: 11, fill: PALETTE.axis }}
      tickLine={false}
      axisLine={false}
      width={56}
      allowDecimals={false}
    />,
  ];
}

function tooltip(props: Omit<ChartProps, 'data'>) {
  return (
    <Tooltip
      cursor={{ stroke: PALETTE.grid, fill: 'rgba(79,70,229,0.06)' }}
      content={(p: TooltipContentProps) => <DayTooltip {...p} fmt={props.fmt} value={props.exact} name={props.label} />}
    />
  );
}

const HEIGHT = 240;
const MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };

export function EventsChart(props: ChartProps) {
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <AreaChart data={props.data} margin={MARGIN}>
        <defs>
          <linearGradient id="events-fill" x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor={PALETTE.events} stopOpacity={0.28} />
            <stop offset="100%" stopColor={PALETTE.events} stopOpacity={0.02} />
          </linearGradient>
        </defs>
        {axes(props.fmt, props.value, props.data.length)}
        {tooltip(props)}
        <Area type="monotone" dataKey="events" stroke={PALETTE.events} strokeWidth={2} fill="url(#events-fill)" isAnimationActive={false} />
      </AreaChart>
    </ResponsiveContainer>
  );
}

export function ActiveChart(props: ChartProps) {
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <LineChart data={props.data} margin={MARGIN}>
        {axes(props.fmt, props.value, props.data.length)}
        {tooltip(props)}
        <Line type="monotone" dataKey="activeCustomers" stroke={PALETTE.active} strokeWidth={2} dot={false} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

export function RevenueChart(props: ChartProps) {
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <BarChart data={props.data} margin={MARGIN}>
        {axes(props.fmt, props.value, props.data.length)}
        {tooltip(props)}
        <Bar dataKey="revenue" fill={PALETTE.revenue} radius={[3, 3, 0, 0]} maxBarSize={28} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** A tiny trend line for a KPI card. */
export function Sparkline({ data, metric, color }: { data: OverviewDay[]; metric: Metric | 'orders'; color: string }) {
  return (
    <ResponsiveContainer width="100%" height={36}>
      <AreaChart data={data} margin={{ top: 2, right: 0, bottom: 2, left: 0 }}>
        <Area type="monotone" dataKey={metric} stroke={color} strokeWidth={1.5} fill={color} fillOpacity={0.1} isAnimationActive={false} dot={false} />
      </AreaChart>
    </ResponsiveContainer>
  );
}
