import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import type { ProfileDetail } from '../../../src/profiles/profile.schema';
import { Avatar, CopyButton } from '../components/Controls';
import { Icon } from '../components/Icon';
import { ComputedTraitsCard, ProfileSegmentsCard } from '../components/segments/ProfileCards';
import { ErrorState, LoadingState } from '../components/States';
import { Timeline } from '../components/Timeline';
import { useFormat } from '../format';
import { useDocumentTitle, useNow, useResource } from '../hooks';
import { useWorkspace } from '../session';
import { displayValue } from '../values';
import { en } from '../i18n/en';
import { hasTextIn } from '../i18n/codes';

const hasMergeText = hasTextIn(en.profile.merges.reasons);

function Stat({ label, value, title, testId }: { label: string; value: string; title?: string; testId?: string }) {
  return (
    <div className="stat" title={title} data-testid={testId}>
      <div className="muted small">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}

function Traits({ traits }: { traits: Record<string, unknown> }) {
  const { t } = useTranslation();
  const entries = Object.entries(traits).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section className="card" data-testid="profile-traits">
      <h3 className="card-title">{t('profile.traits.title')}</h3>
      {entries.length === 0 ? (
        <p className="muted">{t('profile.traits.empty')}</p>
      ) : (
        <table className="table table-compact kv">
          <thead>
            <tr>
              <th>{t('profile.traits.key')}</th>
              <th>{t('profile.traits.value')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([key, value]) => (
              <tr key={key} data-testid="trait-row">
                <td className="mono small">{key}</td>
                <td className="kv-value">{displayValue(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Identities({ profile }: { profile: ProfileDetail }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <section className="card" data-testid="profile-identities">
      <h3 className="card-title">{t('profile.identities.title')}</h3>
      {profile.identities.length === 0 ? (
        <p className="muted">{t('profile.identities.empty')}</p>
      ) : (
        <ul className="id-list">
          {profile.identities.map((i) => (
            <li key={`${i.kind}:${i.value}`} data-testid="identity">
              <span className={`badge badge-id badge-${i.kind}`}>{t(`profile.identities.kinds.${i.kind}`)}</span>
              <span className="mono id-value">{i.value}</span>
              <span className="muted small">{t('profile.identities.since', { date: fmt.date(i.firstSeenAt) })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Merges({ profile }: { profile: ProfileDetail }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <section className="card" data-testid="profile-merges">
      <h3 className="card-title">{t('profile.merges.title')}</h3>
      {profile.merges.length === 0 ? (
        <p className="muted small">{t('profile.merges.empty')}</p>
      ) : (
        <ul className="id-list">
          {profile.merges.map((m) => (
            <li key={m.fromProfileId}>
              <span className="mono small">{t('profile.merges.line', { from: m.fromProfileId, when: fmt.dateTime(m.mergedAt) })}</span>
              <span className="muted small">{hasMergeText(m.reason) ? t(`profile.merges.reasons.${m.reason}`) : m.reason}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Profile({ profile }: { profile: ProfileDetail }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  const { api } = useWorkspace();
  const display = profile.name ?? profile.email ?? profile.userId ?? t('profile.anonymous');
  useDocumentTitle(display);
  // The profile API has no currency; revenue is shown as an amount in the workspace currency.
  const amount = new Intl.NumberFormat(fmt.locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return (
    <>
      <section className="card profile-head">
        <Avatar name={display} seed={profile.id} size={56} />
        <div className="profile-main">
          <h1 data-testid="profile-name">{display}</h1>
          <div className="profile-contacts">
            {profile.email ? <span data-testid="profile-email"><Icon name="mail" size={14} /> {profile.email}</span> : null}
            {profile.phone ? <span><Icon name="screen" size={14} /> {profile.phone}</span> : null}
          </div>
          <div className="profile-ids">
            <span className="id-pill">
              <span className="muted">{t('profile.ids.profileId')}</span> <code>{profile.id}</code>
              <CopyButton value={profile.id} label="" />
            </span>
            {profile.userId ? (
              <span className="id-pill">
                <span className="muted">{t('profile.ids.userId')}</span> <code>{profile.userId}</code>
                <CopyButton value={profile.userId} label="" />
              </span>
            ) : null}
          </div>
        </div>
      </section>
      <div className="stats" data-testid="profile-stats">
        <Stat label={t('profile.stats.orders')} value={fmt.number(profile.stats.orders)} />
        <Stat label={t('profile.stats.revenue')} value={amount.format(profile.stats.revenue)} />
        <Stat
          label={t('profile.stats.lastOrder')}
          value={profile.stats.lastOrderAt ? fmt.relative(profile.stats.lastOrderAt, now) : t('common.none')}
          title={profile.stats.lastOrderAt ? fmt.dateTime(profile.stats.lastOrderAt) : undefined}
        />
        <Stat label={t('profile.stats.events')} value={fmt.number(profile.eventCount)} title={t('profile.stats.ownHint')} />
        <Stat label={t('profile.stats.firstSeen')} value={fmt.date(profile.firstSeenAt)} title={fmt.dateTime(profile.firstSeenAt)} />
        <Stat label={t('profile.stats.lastSeen')} value={fmt.relative(profile.lastSeenAt, now)} title={`${fmt.dateTime(profile.lastSeenAt)} · ${t('profile.stats.ownHint')}`} />
      </div>
      <div className="profile-grid">
        <section className="card profile-timeline">
          <h3 className="card-title">{t('profile.timeline.title')}</h3>
          <Timeline profileId={profile.id} initial={profile.events} api={api} now={now} />
        </section>
        <div className="profile-side">
          <ComputedTraitsCard traits={profile.computedTraits} />
          <ProfileSegmentsCard profileId={profile.id} />
          <Traits traits={profile.traits} />
          <Identities profile={profile} />
          <Merges profile={profile} />
        </div>
      </div>
    </>
  );
}

/** One customer: who they are, what they are worth, and everything they did. */
export default function ProfilePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { workspace, api } = useWorkspace();
  const profile = useResource((signal) => api.profile(id, signal), [id, workspace.id]);
  return (
    <div className="page" data-testid="profile-page">
      <Link to="/customers" className="back-link">
        <Icon name="chevronLeft" size={16} /> {t('profile.back')}
      </Link>
      {profile.error ? (
        <ErrorState error={profile.error} onRetry={profile.reload} />
      ) : profile.data && !profile.loading ? (
        <Profile key={profile.data.id} profile={profile.data} />
      ) : (
        <LoadingState />
      )}
    </div>
  );
}
