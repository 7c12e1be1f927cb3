import { useTranslation } from 'react-i18next';
import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BroadcastCounts, BroadcastView } from '../../../../src/journeys/broadcast.schema';
import { useReasonText } from '../messaging/Badges';
import { useFormat } from '../../format';
import { PALETTE } from '../Charts';

const KEYS = ['sent', 'failed', 'suppressed', 'pending', 'held', 'retrying'] as const;
const COLORS: Record<(typeof KEYS)[number], string> = { sent: PALETTE.revenue, failed: '#dc2626', suppressed: '#d97706', pending: PALETTE.axis, held: PALETTE.events, retrying: PALETTE.active };

/** Sent / failed / held back / pending / held for the A/B winner (and retrying) as one horizontal bar each; under them, why those held back were. */
export function BroadcastProgress({ counts, heldBack }: { counts: BroadcastCounts; heldBack: BroadcastView['heldBack'] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const reasonText = useReasonText();
  const data = KEYS.map((k) => ({ key: k, label: t(`journeys.broadcasts.detail.counts.${k}`), value: counts[k] }));
  return (
    <div data-testid="broadcast-progress">
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11, fill: PALETTE.axis }} axisLine={false} tickLine={false} />
          <YAxis type="category" dataKey="label" width={130} tick={{ fontSize: 12, fill: '#3b4152' }} axisLine={false} tickLine={false} />
          <Tooltip formatter={(v) => fmt.number(Number(v))} cursor={{ fill: 'rgba(79,70,229,0.06)' }} />
          <Bar dataKey="value" radius={[0, 3, 3, 0]} maxBarSize={22} isAnimationActive={false}>
            {data.map((d) => <Cell key={d.key} fill={COLORS[d.key]} />)}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <dl className="bcounts">
        {data.map((d) => (
          <div key={d.key} data-testid={`broadcast-count-${d.key}`}>
            <dt><span className="swatch" style={{ background: COLORS[d.key] }} /> {d.label}</dt>
            <dd>{fmt.number(d.value)}</dd>
          </div>
        ))}
      </dl>
      {heldBack.length > 0 ? (
        <div className="bheld" data-testid="broadcast-held-back">
          <h4 className="small muted">{t('journeys.broadcasts.detail.heldBack', { count: counts.suppressed })}</h4>
          <ul>
            {heldBack.map((h) => (
              <li key={h.reason} data-testid="held-back-reason" data-reason={h.reason}>
                <span>{reasonText(h.reason)}</span> <strong>{fmt.number(h.count)}</strong>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
