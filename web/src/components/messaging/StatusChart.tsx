import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MessageStatus, MessageView } from '../../../../src/messaging/message.schema';
import { useFormat } from '../../format';
import { PALETTE } from '../Charts';

const STATUS_COLOR: Record<MessageStatus, string> = {
  sent: '#16a34a',
  queued: '#0891b2',
  sending: '#4f46e5',
  failed: '#e03131',
  unknown: '#b45309',
  suppressed: '#f59e0b',
  skipped: '#9aa1b5',
};
const ORDER: readonly MessageStatus[] = ['sent', 'queued', 'sending', 'failed', 'unknown', 'suppressed', 'skipped'];

export type StatusDay = { date: string } & Record<MessageStatus, number>;

/** Messages per UTC day and status, oldest day first, only statuses that occur. */
export function byDay(messages: readonly Pick<MessageView, 'createdAt' | 'status'>[]): { days: StatusDay[]; statuses: MessageStatus[] } {
  const days = new Map<string, StatusDay>();
  const seen = new Set<MessageStatus>();
  for (const m of messages) {
    const date = m.createdAt.slice(0, 10);
    let day = days.get(date);
    if (!day) {
      day = { date, queued: 0, sending: 0, sent: 0, failed: 0, suppressed: 0, skipped: 0, unknown: 0 };
      days.set(date, day);
    }
    day[m.status] += 1;
    seen.add(m.status);
  }
  return { days: [...days.values()].sort((a, b) => a.date.localeCompare(b.date)), statuses: ORDER.filter((s) => seen.has(s)) };
}

/** Stacked bars: how many of the latest messages ended in each status, per day. */
export function StatusChart({ messages }: { messages: readonly Pick<MessageView, 'createdAt' | 'status'>[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { days, statuses } = byDay(messages);
  const axis = { fontSize: 11, fill: PALETTE.axis };
  return (
    <ResponsiveContainer width="100%" height={200}>
      <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={PALETTE.grid} vertical={false} />
        <XAxis dataKey="date" tickFormatter={(d: string) => fmt.day(d)} tick={axis} tickLine={false} axisLine={false} minTickGap={24} />
        <YAxis tickFormatter={(n: number) => fmt.compact(n)} tick={axis} tickLine={false} axisLine={false} width={40} allowDecimals={false} />
        <Tooltip labelFormatter={(d) => fmt.day(String(d), true)} formatter={(v, name) => [fmt.number(Number(v)), name]} />
        <Legend iconType="circle" wrapperStyle={{ fontSize: 12 }} />
        {statuses.map((s) => (
          <Bar key={s} dataKey={s} stackId="status" name={t(`messaging.status.${s}`)} fill={STATUS_COLOR[s]} maxBarSize={28} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
