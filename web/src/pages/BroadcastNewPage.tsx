import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { PageHeader } from '../components/Controls';
import { Icon } from '../components/Icon';
import { LoadedBroadcastForm } from '../components/journeys/BroadcastForm';
import '../journeys.css';

/** A new broadcast (saved as a draft; sent or scheduled from its page). */
export default function BroadcastNewPage() {
  const { t } = useTranslation();
  return (
    <div className="page" data-testid="broadcast-new-page">
      <Link to="/broadcasts" className="back-link"><Icon name="chevronLeft" size={16} /> {t('journeys.broadcasts.back')}</Link>
      <PageHeader title={t('journeys.broadcasts.form.title')} subtitle={t('journeys.broadcasts.form.subtitle')} />
      <LoadedBroadcastForm />
    </div>
  );
}
