import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { ProfileSummary } from '../../../src/profiles/profile.schema';
import { Avatar } from './Controls';

/** Where a profile row leads. */
export const profileHref = (id: string): string => `/customers/${encodeURIComponent(id)}`;

/** The first cell of a profile row: avatar, display name linking to the profile, and email or phone. */
export function ProfileCell({ p }: { p: Pick<ProfileSummary, 'id' | 'name' | 'email' | 'phone' | 'userId'> }) {
  const { t } = useTranslation();
  const display = p.name ?? p.email ?? p.userId ?? t('customers.anonymous');
  return (
    <td>
      <div className="who">
        <Avatar name={display} seed={p.id} />
        <div className="who-text">
          <Link to={profileHref(p.id)} className="who-name" onClick={(e) => e.stopPropagation()}>
            {display}
          </Link>
          <span className="muted small">{p.email ?? p.phone ?? t('common.none')}</span>
        </div>
      </div>
    </td>
  );
}
