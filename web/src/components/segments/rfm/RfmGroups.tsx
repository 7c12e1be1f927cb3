import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Bar, BarChart, Cell, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RfmGroupSummary, RfmReport } from '../../../../../src/segments/rfm.schema';
import { useFormat } from '../../../format';
import { PALETTE } from '../../Charts';
import { isRfmGroup, RFM_GROUPS, rfmColor, useRfmGroupLabel } from './groups';

/** Groups in the canonical best-to-worst order; unknown ones (a future model) after them. */
export function orderGroups(groups: RfmGroupSummary[]): RfmGroupSummary[] {
  const rank = (id: string) => (isRfmGroup(id) ? RFM_GROUPS.indexOf(id) : RFM_GROUPS.length);
  return [...groups].sort((a, b) => rank(a.id) - rank(b.id));
}

export function RfmGroupTable({ report }: { report: RfmReport }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const label = useRfmGroupLabel();
  const amount = new Intl.NumberFormat(fmt.locale, { maximumFractionDigits: 0 });
  return (
    <div className="table-scroll">
      <table className="table table-compact" data-testid="rfm-groups">
        <thead>
          <tr>
            <th>{t('rfm.groupsTable.group')}</th>
            <th className="num">{t('rfm.groupsTable.customers')}</th>
            <th className="num">{t('rfm.groupsTable.share')}</th>
            <th className="num">{t('rfm.groupsTable.revenue')}</th>
            <th className="num hide-sm">{t('rfm.groupsTable.revenueShare')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {orderGroups(report.groups).map((g) => (
            <tr key={g.id} data-testid="rfm-group-row" data-group={g.id}>
              <td>
                <div className="rfm-group-name">
                  <span className="swatch" style={{ background: rfmColor(g.id) }} />
                  <div className="who-text">
                    <strong>{label(g.id, g.label)}</strong>
                    {isRfmGroup(g.id) ? <span className="muted small">{t(`rfm.groups.${g.id}.hint`)}</span> : null}
                  </div>
                </div>
              </td>
              <td className="num">{fmt.number(g.count)}</td>
              <td className="num">{fmt.percent(g.share)}</td>
              <td className="num">{amount.format(g.revenue)}</td>
              <td className="num hide-sm">{fmt.percent(report.revenue > 0 ? g.revenue / report.revenue : 0)}</td>
              <td className="num">
                <Link className="btn btn-sm" to={`/segments/new?rfmGroup=${encodeURIComponent(g.id)}`} data-testid="rfm-create-segment">
                  {t('rfm.createSegment')}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RfmGroupChart({ groups }: { groups: RfmGroupSummary[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const label = useRfmGroupLabel();
  const data = orderGroups(groups).map((g) => ({ id: g.id, name: label(g.id, g.label), count: g.count }));
  return (
    <ResponsiveContainer width="100%" height={Math.max(180, data.length * 28)}>
      <BarChart data={data} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={PALETTE.grid} horizontal={false} />
        <XAxis type="number" tickFormatter={(n: number) => fmt.compact(n)} tick={{ fontSize: 11, fill: PALETTE.axis }} tickLine={false} axisLine={false} allowDecimals={false} />
        <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 12, fill: '#1b2032' }} tickLine={false} axisLine={false} interval={0} />
        <Tooltip cursor={{ fill: 'rgba(79,70,229,0.06)' }} formatter={(v) => [fmt.number(Number(v)), t('rfm.groupsTable.customers')]} />
        <Bar dataKey="count" radius={[0, 3, 3, 0]} maxBarSize={18} isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.id} fill={rfmColor(d.id)} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
