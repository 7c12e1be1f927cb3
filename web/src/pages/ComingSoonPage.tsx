import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { PageHeader } from '../components/Controls';
import { Icon } from '../components/Icon';
import { NAV, type SoonArea } from '../nav';

/** Placeholder for an area a later release fills: what it will do, in one line. */
export function ComingSoonPage({ area }: { area: SoonArea }) {
  const { t } = useTranslation();
  const icon = NAV.flatMap((s) => s.items).find((i) => i.key === area)?.icon ?? 'overview';
  return (
    <div className="page" data-testid={`soon-${area}`}>
      <PageHeader title={t(`nav.${area}`)} />
      <div className="card soon">
        <div className="soon-icon">
          <Icon name={icon} size={28} />
        </div>
        <span className="badge badge-soon">{t('soon.badge')}</span>
        <h2>{t(`soon.areas.${area}`)}</h2>
        <p className="muted">{t('soon.body')}</p>
        <Link className="btn" to="/">
          {t('soon.back')}
        </Link>
      </div>
    </div>
  );
}
