import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SegmentOverlap, SegmentSummary } from '../../../../src/segments/segment.schema';
import { useFormat } from '../../format';
import { useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { ErrorState, Spinner } from '../States';

const A_COLOR = '#4f46e5';
const B_COLOR = '#0891b2';

/** Two circles whose overlap is drawn roughly in proportion to the shared members. */
function Venn({ data }: { data: SegmentOverlap }) {
  const max = Math.max(1, data.a.size, data.b.size);
  const ra = 20 + 40 * Math.sqrt(data.a.size / max);
  const rb = 20 + 40 * Math.sqrt(data.b.size / max);
  const smaller = Math.max(1, Math.min(data.a.size, data.b.size));
  // 0 → circles just touch, 1 → the smaller sits fully inside the larger.
  const overlap = Math.min(1, data.both / smaller);
  const distance = ra + rb - overlap * 2 * Math.min(ra, rb);
  const cx = 130 - distance / 2;
  return (
    <svg viewBox="0 0 260 140" className="venn" role="img" aria-hidden="true">
      <circle cx={cx} cy={70} r={ra} fill={A_COLOR} fillOpacity={0.28} stroke={A_COLOR} />
      <circle cx={cx + distance} cy={70} r={rb} fill={B_COLOR} fillOpacity={0.28} stroke={B_COLOR} />
    </svg>
  );
}

function Result({ data }: { data: SegmentOverlap }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const total = Math.max(1, data.onlyA + data.both + data.onlyB);
  const parts = [
    { key: 'onlyA', value: data.onlyA, label: t('segments.overlap.only', { name: data.a.name }), color: A_COLOR },
    { key: 'both', value: data.both, label: t('segments.overlap.both'), color: '#6d28d9' },
    { key: 'onlyB', value: data.onlyB, label: t('segments.overlap.only', { name: data.b.name }), color: B_COLOR },
  ];
  return (
    <div className="overlap-result" data-testid="overlap-result">
      <Venn data={data} />
      <div className="overlap-bar" aria-hidden="true">
        {parts.map((p) => (p.value > 0 ? <div key={p.key} style={{ flexGrow: p.value, background: p.color }} /> : null))}
      </div>
      <ul className="legend">
        {parts.map((p) => (
          <li key={p.key} data-testid={`overlap-${p.key}`}>
            <span className="dot" style={{ background: p.color }} />
            <span className="legend-label">{p.label}</span>
            <strong>{fmt.number(p.value)}</strong>
            <span className="muted small">{fmt.percent(p.value / total)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Pick two segments and see how many customers they share. */
export function OverlapTool({ segments }: { segments: SegmentSummary[] }) {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const [a, setA] = useState(segments[0]?.id ?? '');
  const [b, setB] = useState(segments[1]?.id ?? '');
  const ready = Boolean(a && b && a !== b);
  const overlap = useResource((signal) => (ready ? api.segmentOverlap(a, b, signal) : Promise.resolve(null)), [a, b, ready, workspace.id]);
  const picker = (value: string, set: (v: string) => void, label: string, testId: string) => (
    <label className="field field-inline">
      <span className="muted small">{label}</span>
      <select className="input" value={value} onChange={(e) => set(e.target.value)} data-testid={testId}>
        {segments.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section className="card overlap" data-testid="overlap-tool">
      <h3 className="card-title">
        {t('segments.overlap.title')} {overlap.loading && ready ? <Spinner small /> : null}
      </h3>
      <p className="muted small">{t('segments.overlap.hint')}</p>
      {segments.length < 2 ? (
        <p className="muted">{t('segments.overlap.needTwo')}</p>
      ) : (
        <>
          <div className="overlap-pickers">
            {picker(a, setA, t('segments.overlap.a'), 'overlap-a')}
            {picker(b, setB, t('segments.overlap.b'), 'overlap-b')}
          </div>
          {!ready ? (
            <p className="muted small">{t('segments.overlap.same')}</p>
          ) : overlap.error ? (
            <ErrorState error={overlap.error} onRetry={overlap.reload} />
          ) : overlap.data ? (
            <Result data={overlap.data} />
          ) : null}
        </>
      )}
    </section>
  );
}
