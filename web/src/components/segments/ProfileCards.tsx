import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { ComputedTraitValue } from '../../../../src/profiles/computed-trait.schema';
import { useFormat } from '../../format';
import { useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { InlineError, Spinner } from '../States';
import { rfmColor, useRfmGroupLabel } from './rfm/groups';
import '../../segments.css';

/** Computed-trait keys the dashboard has names for; any other key is shown as it is. */
const KNOWN = ['rfm_group', 'rfm_score', 'rfm_recency', 'rfm_frequency', 'rfm_monetary', 'recency_days', 'order_count', 'total_revenue'] as const;
type KnownKey = (typeof KNOWN)[number];
const isKnown = (key: string): key is KnownKey => (KNOWN as readonly string[]).includes(key);

/** What Nudge has learned about this customer: the RFM group and scores, later churn, CLV, persona… */
export function ComputedTraitsCard({ traits }: { traits: Record<string, ComputedTraitValue> | undefined }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const groupLabel = useRfmGroupLabel();
  const group = traits?.rfm_group;
  // The RFM group is shown as the coloured badge above the table, so not repeated as a row.
  const entries = Object.entries(traits ?? {}).filter(([key]) => !(key === 'rfm_group' && typeof group === 'string')).sort(([a], [b]) => (isKnown(a) ? KNOWN.indexOf(a) : 99) - (isKnown(b) ? KNOWN.indexOf(b) : 99) || a.localeCompare(b));
  const value = (v: ComputedTraitValue) => (typeof v === 'number' ? fmt.number(v) : typeof v === 'boolean' ? t(v ? 'segments.fields.true' : 'segments.fields.false') : v);
  return (
    <section className="card" data-testid="profile-computed">
      <h3 className="card-title">{t('profile.computed.title')}</h3>
      {typeof group === 'string' ? (
        <div className="rfm-badge-row">
          <span className="badge rfm-badge" style={{ background: rfmColor(group) }} data-testid="profile-rfm-group">
            {groupLabel(group)}
          </span>
          <Link className="small" to={`/rfm`}>{t('profile.computed.rfmLink')}</Link>
        </div>
      ) : null}
      {entries.length === 0 && typeof group !== 'string' ? (
        <p className="muted">{t('profile.computed.empty')}</p>
      ) : entries.length === 0 ? null : (
        <table className="table table-compact kv">
          <tbody>
            {entries.map(([key, v]) => (
              <tr key={key} data-testid="computed-row">
                <td className={isKnown(key) ? 'small' : 'mono small'}>{isKnown(key) ? t(`profile.computed.keys.${key}`) : key}</td>
                <td className="kv-value">{value(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The segments this customer is in now, each since when. */
export function ProfileSegmentsCard({ profileId }: { profileId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { workspace, api } = useWorkspace();
  const list = useResource((signal) => api.profileSegments(profileId, signal), [profileId, workspace.id]);
  return (
    <section className="card" data-testid="profile-segments">
      <h3 className="card-title">
        {t('profile.segments.title')} {list.loading ? <Spinner small /> : null}
      </h3>
      {list.error ? (
        <InlineError error={list.error} onRetry={list.reload} />
      ) : !list.data ? null : list.data.items.length === 0 ? (
        <p className="muted small">{t('profile.segments.empty')}</p>
      ) : (
        <ul className="id-list">
          {list.data.items.map((s) => (
            <li key={s.id} data-testid="profile-segment">
              <Link to={`/segments/${encodeURIComponent(s.id)}`} className="id-value">
                {s.name}
              </Link>
              <span className="muted small" title={fmt.dateTime(s.enteredAt)}>
                {t('profile.segments.since', { date: fmt.date(s.enteredAt) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
