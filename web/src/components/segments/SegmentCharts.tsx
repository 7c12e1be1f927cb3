import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SegmentHistory } from '../../../../src/segments/segment.schema';
import { useFormat } from '../../format';
import { PALETTE } from '../Charts';

const HEIGHT = 220;
const MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };
const AXIS = { fontSize: 11, fill: PALETTE.axis };
const ENTERED = '#16a34a';
const EXITED = '#e03131';

/** Size at each sample time. */
export function SizeChart({ sizes }: { sizes: SegmentHistory['sizes'] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const data = sizes.map((s) => ({ at: new Date(s.at).getTime(), size: s.size }));
  const span = data.length > 1 ? (data[data.length - 1]?.at ?? 0) - (data[0]?.at ?? 0) : 0;
  // Under two days of history the ticks need the time of day to tell points apart.
  const tick = (ms: number) => (span < 2 * 86_400_000 ? fmt.dateTime(new Date(ms).toISOString()) : fmt.day(new Date(ms).toISOString().slice(0, 10)));
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <LineChart data={data} margin={MARGIN}>
        <CartesianGrid stroke={PALETTE.grid} vertical={false} />
        <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={tick} tick={AXIS} tickLine={false} axisLine={false} minTickGap={40} />
        <YAxis tickFormatter={(n: number) => fmt.compact(n)} tick={AXIS} tickLine={false} axisLine={false} width={48} allowDecimals={false} />
        <Tooltip
          labelFormatter={(ms) => fmt.dateTime(new Date(Number(ms)).toISOString())}
          formatter={(v) => [fmt.number(Number(v)), t('segments.detail.sizeLegend')]}
        />
        <Line type="stepAfter" dataKey="size" stroke={PALETTE.events} strokeWidth={2} dot={data.length < 30} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

/** Customers who entered and left, per UTC day. */
export function FlowChart({ flows }: { flows: SegmentHistory['flows'] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const entered = t('segments.detail.enteredLegend');
  const exited = t('segments.detail.exitedLegend');
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <BarChart data={flows} margin={MARGIN}>
        <CartesianGrid stroke={PALETTE.grid} vertical={false} />
        <XAxis dataKey="date" tickFormatter={(d: string) => fmt.day(d)} tick={AXIS} tickLine={false} axisLine={false} minTickGap={24} />
        <YAxis tickFormatter={(n: number) => fmt.compact(n)} tick={AXIS} tickLine={false} axisLine={false} width={48} allowDecimals={false} />
        <Tooltip labelFormatter={(d) => fmt.day(String(d), true)} formatter={(v, name) => [fmt.number(Number(v)), name]} />
        {/* By data key (entered, exited), not by the translated names, so the order is the same in every language. */}
        <Legend iconType="circle" wrapperStyle={{ fontSize: 12 }} itemSorter="dataKey" />
        <Bar dataKey="entered" name={entered} fill={ENTERED} radius={[3, 3, 0, 0]} maxBarSize={24} isAnimationActive={false} />
        <Bar dataKey="exited" name={exited} fill={EXITED} radius={[3, 3, 0, 0]} maxBarSize={24} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
