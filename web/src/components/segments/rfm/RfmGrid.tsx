import { useTranslation } from 'react-i18next';
import type { RfmCell, RfmGroupSummary } from '../../../../../src/segments/rfm.schema';
import { useFormat } from '../../../format';
import { isRfmGroup, RFM_GROUPS, rfmColor, useRfmGroupLabel } from './groups';

const SCORES = [1, 2, 3, 4, 5] as const;

/**
 * The 5×5 recency × frequency map: recency grows to the right, frequency upwards, so the best
 * customers sit top right and the lost ones bottom left. Each cell is coloured by its group.
 */
export function RfmGrid({ cells, groups }: { cells: RfmCell[]; groups: RfmGroupSummary[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const label = useRfmGroupLabel();
  const byKey = new Map(cells.map((c) => [`${c.r}:${c.f}`, c]));
  const max = Math.max(1, ...cells.map((c) => c.count));
  const serverLabel = (id: string) => groups.find((g) => g.id === id)?.label;
  const rank = (id: string) => (isRfmGroup(id) ? RFM_GROUPS.indexOf(id) : RFM_GROUPS.length);
  // Every cell is tinted by its group, empty or not, so the legend names every group on the map.
  const present = [...new Set(cells.map((c) => c.group))].sort((a, b) => rank(a) - rank(b));
  return (
    <div className="rfm-map">
      <div className="rfm-grid" role="table" aria-label={t('rfm.grid.title')} data-testid="rfm-grid">
        <div className="rfm-axis-y" aria-hidden="true">{t('rfm.grid.frequency')}</div>
        {[...SCORES].reverse().map((f) => (
          <div className="rfm-row" role="row" key={f}>
            <div className="rfm-score" role="rowheader">F{f}</div>
            {SCORES.map((r) => {
              const cell = byKey.get(`${r}:${f}`);
              if (!cell) return <div key={r} className="rfm-cell rfm-cell-empty" role="cell" />;
              const name = label(cell.group, serverLabel(cell.group));
              // Fuller colour for fuller cells, never so faint that the group's hue is lost.
              const strength = cell.count === 0 ? 12 : Math.round(30 + 70 * Math.sqrt(cell.count / max));
              return (
                <div
                  key={r}
                  className={strength > 55 ? 'rfm-cell rfm-cell-dark' : 'rfm-cell'}
                  role="cell"
                  style={{ background: `color-mix(in srgb, ${rfmColor(cell.group)} ${strength}%, white)` }}
                  title={t('rfm.grid.cellTitle', {
                    group: name,
                    r,
                    f,
                    count: fmt.number(cell.count),
                    revenue: fmt.number(Math.round(cell.revenue)),
                    avg: fmt.number(Math.round(cell.avgMonetary)),
                  })}
                  data-testid="rfm-cell"
                  data-r={r}
                  data-f={f}
                  data-group={cell.group}
                >
                  <span className="rfm-cell-count">{fmt.number(cell.count)}</span>
                  <span className="rfm-cell-rev">{fmt.compact(cell.revenue)}</span>
                </div>
              );
            })}
          </div>
        ))}
        <div className="rfm-row rfm-row-axis" aria-hidden="true">
          <div className="rfm-score" />
          {SCORES.map((r) => (
            <div className="rfm-score" key={r}>R{r}</div>
          ))}
        </div>
        <div className="rfm-axis-x" aria-hidden="true">{t('rfm.grid.recency')}</div>
      </div>
      <ul className="legend rfm-legend" data-testid="rfm-legend">
        {present.map((id) => (
          <li key={id}>
            <span className="swatch" style={{ background: rfmColor(id) }} />
            <span className="legend-label">{label(id, serverLabel(id))}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
